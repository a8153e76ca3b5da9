"""Ray RLlib experiment files: the YAML of `rllib/tuned_examples/` that `rllib train file x.yaml`
(and `tune.run_experiments`) reads, one mapping per experiment name of `run` (the algorithm), `env`,
`stop` (Tune's stopping criteria) and `config` (the AlgorithmConfig as a dict).

What RLlib does with them (ray-project/ray: rllib/algorithms/ppo/ppo.py `PPOConfig.__init__`,
`PPOConfig.validate`, `PPO._training_step_old_api_stack`; rllib/algorithms/algorithm_config.py
`AlgorithmConfig.__init__`, `validate_train_batch_size_vs_rollout_fragment_length`; Ray 1.x
rllib/agents/ppo/ppo.py `validate_config`; rllib/policy/torch_mixins.py and tf_mixins.py
`LearningRateSchedule`; rllib/utils/schedules/piecewise_schedule.py; the YAML files under
rllib/tuned_examples/ppo/; ray-project/ray is over fetch's size limit, so these were read through the
file index: ppo.py @ 00655e68, algorithm_config.py @ 00087bef and a later stored copy of
`validate_train_batch_size_vs_rollout_fragment_length`, and older and newer stored ppo.py copies):

* `stop.timesteps_total` counts environment steps sampled (summed over every env runner and vector
  sub-environment); an iteration samples about `train_batch_size` of them, then PPO makes
  `num_sgd_iter` / `num_epochs` passes over that rollout batch in minibatches of
  `sgd_minibatch_size` / `minibatch_size`. None of these is a dataset epoch or a DataLoader batch.
* PPO raises ValueError at start when the minibatch is larger than `train_batch_size` (on the new
  API stack, than `train_batch_size_per_learner` when set): Ray 1.x `validate_config` and 2.x
  `PPOConfig.validate` alike.
* With an integer `rollout_fragment_length` (not "auto"), PPO checks that a whole number of
  `rollout_fragment_length × max(num_env_runners, 1) × num_envs_per_env_runner` lands within 10% of
  `train_batch_size` and raises ValueError otherwise (Ray 1.x instead rewrote
  `rollout_fragment_length`, with a warning, whenever the product did not divide the batch).
* Old API stack: `lr_schedule` is a PiecewiseSchedule of [timestep, lr] points indexed by the agent
  steps sampled so far (environment steps in single-agent runs), set after each iteration's
  update, so every update uses the value at a timestep below the stop's `timesteps_total`. With
  `enable_rl_module_and_learner` on (the new API stack), PPO raises ValueError for `lr_schedule` and
  `entropy_coeff_schedule` ("deprecated and must be None"; `lr` and `entropy_coeff` take schedules).
* PPO raises ValueError for `batch_mode: truncate_episodes` (the default) with `use_gae: false`:
  a truncated episode needs the value function to estimate the rest of its return.
* Defaults (PPO): train_batch_size 4000, minibatch 128, 2 env runners, 1 environment per runner.
  Old spellings map onto new ones (num_workers / num_rollout_workers -> num_env_runners,
  num_envs_per_worker -> num_envs_per_env_runner, sgd_minibatch_size -> minibatch_size).

The canonical run is left empty (no generic rule applies) and RLlib's own rules read the experiments.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional, Union

from ...units import to_number, whole_number
from ..base import Adapted, Dialect, RunBuilder, Semantics, Source

# Algorithms RLlib registers (rllib/algorithms/registry.py ALGORITHMS), as `run` names them
ALGORITHMS = frozenset({
    "A2C", "A3C", "AlphaStar", "AlphaZero", "APEX", "APEX_DDPG", "APEX_DQN", "APPO", "ARS", "BanditLinTS",
    "BanditLinUCB", "BC", "CQL", "CRR", "DDPG", "DDPPO", "DQN", "Dreamer", "DreamerV3", "DT", "ES", "IMPALA",
    "IQL", "LeelaChessZero", "MADDPG", "MAML", "MARWIL", "MBMPO", "PG", "PPO", "QMIX", "R2D2", "SAC", "SimpleQ",
    "SlateQ", "TD3"})
# AlgorithmConfig keys a Tune experiment of an unregistered trainable would hardly carry
CONFIG_KEYS = frozenset({
    "train_batch_size", "rollout_fragment_length", "num_workers", "num_rollout_workers", "num_env_runners",
    "num_envs_per_worker", "num_envs_per_env_runner", "sgd_minibatch_size", "minibatch_size", "num_sgd_iter",
    "num_epochs", "lr_schedule", "batch_mode", "observation_filter", "train_batch_size_per_learner"})
NEW_STACK_FLAGS = ("enable_rl_module_and_learner", "_enable_new_api_stack", "_enable_rl_module_api",
                   "_enable_learner_api")
PPO_DEFAULTS = {"train_batch_size": 4000, "minibatch_size": 128, "num_env_runners": 2, "num_envs_per_env_runner": 1}
AUTO = "auto"


@dataclass(frozen=True)
class Setting:
    """One config value as RLlib reads it: `value` None when it is not one number (a grid_search, text);
    `key` the dotted path where it is written, None for PPO's default."""

    value: Optional[int]
    key: Optional[str]

    @property
    def written(self) -> bool:
        return self.key is not None


@dataclass(frozen=True)
class Experiment:
    name: str
    run: str
    train_batch_size: Setting
    per_learner: bool  # the batch is train_batch_size_per_learner (new API stack)
    minibatch_size: Setting
    rollout_fragment_length: Union[Setting, str]  # AUTO, or a Setting
    env_runners: Setting
    envs_per_runner: Setting
    lr_schedule: Optional[tuple[tuple[float, float], ...]]
    lr_schedule_key: Optional[str]
    stop_timesteps: Optional[int]
    stop_key: Optional[str]
    multi_agent: bool
    new_api_stack: Optional[bool]  # None: the file does not say
    learner_stack_key: Optional[str]  # where `enable_rl_module_and_learner: true` is written
    old_schedule_keys: tuple[str, ...]  # lr_schedule / entropy_coeff_schedule written with a value
    use_gae_off_key: Optional[str]  # where `use_gae: false` is written
    batch_mode: Optional[str]  # None: PPO's default, truncate_episodes


@dataclass(frozen=True)
class RLlibSettings:
    experiments: tuple[Experiment, ...] = ()


def _experiments(data: dict) -> list[tuple[str, dict]]:
    return [(str(k), v) for k, v in data.items()
            if isinstance(v, dict) and isinstance(v.get("run"), str) and isinstance(v.get("config", {}), dict)]


def _is_rllib(entry: dict) -> bool:
    config = entry.get("config")
    return entry["run"] in ALGORITHMS or (isinstance(config, dict) and bool(CONFIG_KEYS & set(map(str, config))))


def _setting(config: dict, prefix: str, names: tuple[str, ...], default: Optional[int]) -> Setting:
    """The first spelling written (newest first); two spellings with different values: unknown."""
    written = [n for n in names if n in config]
    if not written:
        return Setting(default, None)
    values = {whole_number(config[n]) for n in written}
    value = values.pop() if len(values) == 1 else None
    return Setting(value, f"{prefix}.{written[0]}")


def _schedule(value: Any) -> Optional[tuple[tuple[float, float], ...]]:
    if not isinstance(value, list) or not value:
        return None
    points = []
    for point in value:
        if not isinstance(point, (list, tuple)) or len(point) != 2:
            return None
        t, v = to_number(point[0]), to_number(point[1])
        if t is None or v is None or isinstance(point[0], bool) or isinstance(point[1], bool):
            return None
        points.append((float(t), float(v)))
    return tuple(points)


def _new_api_stack(config: dict) -> Optional[bool]:
    flags = dict(config)
    if isinstance(config.get("api_stack"), dict):
        flags.update(config["api_stack"])
    said = [flags[f] for f in NEW_STACK_FLAGS if f in flags]
    if any(v is True for v in said):
        return True
    if said and all(v is False for v in said):
        return False
    return None


def _learner_stack_key(config: dict, prefix: str) -> Optional[str]:
    if config.get("enable_rl_module_and_learner") is True:
        return f"{prefix}.enable_rl_module_and_learner"
    api = config.get("api_stack")
    if isinstance(api, dict) and api.get("enable_rl_module_and_learner") is True:
        return f"{prefix}.api_stack.enable_rl_module_and_learner"
    return None


def _batch_mode(config: dict) -> Optional[str]:
    """The written batch_mode; "" for one that is not text (a grid_search), so no rule reads it."""
    if "batch_mode" not in config:
        return None
    return config["batch_mode"] if isinstance(config["batch_mode"], str) else ""


def read_experiment(name: str, entry: dict) -> Experiment:
    config = entry.get("config") or {}
    prefix = f"{name}.config"
    per_learner = whole_number(config.get("train_batch_size_per_learner")) is not None
    if per_learner:
        batch = _setting(config, prefix, ("train_batch_size_per_learner",), None)
    else:
        batch = _setting(config, prefix, ("train_batch_size",), PPO_DEFAULTS["train_batch_size"])
    fragment: Union[Setting, str]
    if "rollout_fragment_length" not in config:
        fragment = Setting(None, None)  # PPO's default depends on the version ("auto" now, 200 in Ray 1.x)
    elif config["rollout_fragment_length"] == AUTO:
        fragment = AUTO
    else:
        fragment = Setting(whole_number(config["rollout_fragment_length"]), f"{prefix}.rollout_fragment_length")
    stop = entry.get("stop") if isinstance(entry.get("stop"), dict) else {}
    return Experiment(
        name=name, run=entry["run"], train_batch_size=batch, per_learner=per_learner,
        minibatch_size=_setting(config, prefix, ("minibatch_size", "sgd_minibatch_size"),
                                PPO_DEFAULTS["minibatch_size"]),
        rollout_fragment_length=fragment,
        env_runners=_setting(config, prefix, ("num_env_runners", "num_rollout_workers", "num_workers"),
                             PPO_DEFAULTS["num_env_runners"]),
        envs_per_runner=_setting(config, prefix, ("num_envs_per_env_runner", "num_envs_per_worker"),
                                 PPO_DEFAULTS["num_envs_per_env_runner"]),
        lr_schedule=_schedule(config.get("lr_schedule")),
        lr_schedule_key=f"{prefix}.lr_schedule" if "lr_schedule" in config else None,
        stop_timesteps=whole_number(stop.get("timesteps_total")),
        stop_key=f"{name}.stop.timesteps_total" if "timesteps_total" in stop else None,
        multi_agent=bool(config.get("multiagent") or config.get("policies")),
        new_api_stack=_new_api_stack(config),
        learner_stack_key=_learner_stack_key(config, prefix),
        old_schedule_keys=tuple(f"{prefix}.{k}" for k in ("lr_schedule", "entropy_coeff_schedule")
                                if config.get(k) is not None),
        use_gae_off_key=f"{prefix}.use_gae" if config.get("use_gae") is False else None,
        batch_mode=_batch_mode(config))


class RLlib(Dialect):
    name = "rllib"
    description = ("Ray RLlib experiment YAML (tuned_examples, rllib train file): run, env, stop and config "
                   "(train_batch_size, rollout_fragment_length, minibatches)")
    triggers = frozenset({"run"})

    def score(self, data: dict) -> float:
        experiments = _experiments(data)
        if not experiments or len(experiments) < len(data) / 2:
            return 0.0
        return 0.9 if any(_is_rllib(entry) for _, entry in experiments) else 0.0

    def adapt(self, data: dict, source: Source) -> Adapted:
        b = RunBuilder(strict=False)
        b.assumptions.append(
            "RLlib experiments: timesteps are environment steps sampled, train_batch_size the rollout batch of "
            "an iteration, and minibatches / num_sgd_iter passes over that batch; no dataset epochs, so only "
            "RLlib's own rules apply, per experiment")
        experiments = tuple(read_experiment(name, entry) for name, entry in _experiments(data))
        semantics = Semantics("Ray RLlib: environment steps, rollout batches and minibatch passes, no dataset "
                              "epochs")
        return b.build(semantics, RLlibSettings(experiments))
