"""RL Baselines3 Zoo hyperparameter files: `hyperparams/<algo>.yml`, one mapping per environment id
(plus `default` and `atari` fallbacks) of Stable-Baselines3 constructor arguments.

What the zoo and SB3 do with them (DLR-RM/rl-baselines3-zoo @ 22e3ff24 rl_zoo3/exp_manager.py
`read_hyperparameters`, `_preprocess_hyperparams`; DLR-RM/stable-baselines3 @ e05d2dbe
stable_baselines3/ppo/ppo.py `PPO.__init__`, common/on_policy_algorithm.py `learn`,
common/off_policy_algorithm.py `learn`; Stable-Baselines-Team/stable-baselines3-contrib @ 0ca7fdd8
sb3_contrib/trpo/trpo.py):

* The file is chosen by algorithm name (`hyperparams/{algo}.yml`), so the file name says which
  algorithm reads it; an entry is the environment's own id, else `atari` for Atari games, else
  `default`.
* `n_timesteps` counts environment steps (summed over the `n_envs` environments, default 1) and
  ends `model.learn`; it is not a number of optimizer steps, and there are no dataset epochs.
* On-policy (PPO, TRPO, A2C...): each iteration collects a rollout of `n_steps` per environment,
  a buffer of `n_steps × n_envs` transitions. PPO and TRPO then make `n_epochs` passes over that
  buffer in minibatches of `batch_size`: PPO asserts `batch_size > 1` and `n_steps × n_envs > 1`
  when `normalize_advantage` (default true) holds, and both warn when `batch_size` does not divide the buffer (a truncated minibatch closes every
  pass). Defaults: PPO n_steps 2048, batch_size 64; TRPO n_steps 2048, batch_size 128.
* Off-policy (SAC, TD3, DQN...): gradient steps start only once `num_timesteps > learning_starts`.

None of these is a dataset epoch, a batch of a DataLoader or an optimizer-step count, so the
canonical run is left empty (no generic rule applies) and the zoo's rules read the entries.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Optional

from ...units import whole_number
from ..base import Adapted, Dialect, RunBuilder, Semantics, Source

# algorithm (file stem) -> SB3's defaults for (n_steps, batch_size), where it checks the minibatches
MINIBATCH_ALGOS = {"ppo": (2048, 64), "trpo": (2048, 128)}
OFF_POLICY = frozenset({"sac", "td3", "ddpg", "dqn", "qrdqn", "tqc", "crossq", "her"})
# SB3's default train_freq (environment steps per rollout) where an off-policy file omits it
TRAIN_FREQ_DEFAULT = {"sac": 1, "td3": 1, "ddpg": 1, "tqc": 1, "crossq": 1, "dqn": 4, "qrdqn": 4}
ENTRY_KEYS = frozenset({"n_timesteps", "policy"})




@dataclass(frozen=True)
class Entry:
    """One environment's hyperparameters, with SB3's defaults filled in where the file is silent."""

    env: str
    n_envs: int
    n_envs_written: bool
    n_steps: Optional[int]
    n_steps_written: bool
    batch_size: Optional[int]
    batch_size_written: bool
    n_timesteps: Optional[int]
    learning_starts: Optional[int]
    train_freq: Optional[int]  # an int train_freq (steps); None for (n, "episode") or unset
    # PPO checks batch_size and the rollout only when it normalises advantages (ppo.py `PPO.__init__`:
    # `if normalize_advantage: assert batch_size > 1`, `assert buffer_size > 1 or not normalize_advantage`);
    # default True, and SB3 tests the value's truthiness
    normalize_advantage: bool = True


@dataclass(frozen=True)
class RLZooSettings:
    algo: Optional[str] = None
    entries: tuple[Entry, ...] = ()


def _entries(data: dict) -> list[tuple[str, dict]]:
    return [(str(k), v) for k, v in data.items() if isinstance(v, dict)]


class RLZoo(Dialect):
    name = "rl-zoo"
    description = "RL Baselines3 Zoo hyperparams/<algo>.yml (per-environment n_timesteps, n_envs, n_steps, batch_size, n_epochs)"
    triggers = ENTRY_KEYS

    def score(self, data: dict) -> float:
        entries = _entries(data)
        if not entries or len(entries) < len(data) / 2:
            return 0.0
        full = sum(ENTRY_KEYS <= set(map(str, v)) for _, v in entries)
        partial = sum(bool(ENTRY_KEYS & set(map(str, v))) for _, v in entries)
        return 0.9 if full and partial * 2 >= len(entries) else 0.0

    def adapt(self, data: dict, source: Source) -> Adapted:
        stem = os.path.splitext(os.path.basename(source.path or ""))[0].lower()
        algo = stem or None
        b = RunBuilder(strict=False)
        b.assumptions.append(
            f"RL Zoo hyperparameters{f' for {algo}' if algo else ''}: n_timesteps are environment steps, "
            "n_steps the rollout per environment, batch_size the minibatch and n_epochs the passes over each "
            "rollout; no dataset epochs, so only the zoo's own rules apply, per environment entry")
        defaults = MINIBATCH_ALGOS.get(algo or "", (None, None))
        entries = []
        for env, h in _entries(data):
            n_envs = whole_number(h.get("n_envs"))
            n_steps, batch = whole_number(h.get("n_steps")), whole_number(h.get("batch_size"))
            entries.append(Entry(
                env=env, n_envs=n_envs if n_envs is not None else 1, n_envs_written="n_envs" in h,
                n_steps=n_steps if "n_steps" in h else defaults[0], n_steps_written="n_steps" in h,
                batch_size=batch if "batch_size" in h else defaults[1], batch_size_written="batch_size" in h,
                n_timesteps=whole_number(h.get("n_timesteps")), learning_starts=whole_number(h.get("learning_starts")),
                train_freq=whole_number(h["train_freq"]) if "train_freq" in h else TRAIN_FREQ_DEFAULT.get(algo or ""),
                normalize_advantage=bool(h.get("normalize_advantage", True))))
        semantics = Semantics("RL Baselines3 Zoo (Stable-Baselines3): environment steps, rollouts and minibatch "
                              "passes, no dataset epochs")
        return b.build(semantics, RLZooSettings(algo, tuple(entries)))
