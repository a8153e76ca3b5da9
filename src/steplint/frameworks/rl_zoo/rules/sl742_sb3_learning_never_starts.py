"""SL742 sb3-learning-never-starts: off-policy learning_starts at or past the run's n_timesteps."""

from __future__ import annotations

from typing import Iterator

from ....findings import Hit
from ....rules.context import RuleContext
from ..reader import OFF_POLICY, RLZooSettings

CODE = "SL742"


def check(ctx: RuleContext) -> Iterator[Hit]:
    s: RLZooSettings = ctx.settings
    if s.algo not in OFF_POLICY:
        return
    for e in s.entries:
        if (e.learning_starts is None or e.n_timesteps is None or e.train_freq is None or e.train_freq < 1
                or e.n_envs < 1):
            continue
        # each rollout adds exactly train_freq × n_envs to num_timesteps (off_policy_algorithm.py
        # `collect_rollouts`: `num_timesteps += env.num_envs` until utils.py `should_collect_more_steps`
        # has train_freq steps), from 0, while num_timesteps < n_timesteps (`learn`): the last rollout ends
        # at ceil(n_timesteps / k) × k, and `learn` trains only once num_timesteps > learning_starts
        rollout = e.train_freq * e.n_envs
        last = -(-e.n_timesteps // rollout) * rollout
        if e.learning_starts >= last:
            steps = (f"{e.n_timesteps} environment steps" if last == e.n_timesteps else
                     f"{e.n_timesteps} environment steps (its last rollout of train_freq {e.train_freq} × "
                     f"n_envs {e.n_envs} ends at {last})")
            yield ctx.hit(f"{e.env}: learning_starts {e.learning_starts} but the run is n_timesteps {steps}: "
                          f"SB3 trains only once num_timesteps > learning_starts, so not one gradient step is "
                          f"taken and the policy stays at its initialisation",
                          f"{e.env}.learning_starts", f"{e.env}.n_timesteps")
