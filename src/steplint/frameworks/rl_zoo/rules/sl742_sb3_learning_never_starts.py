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
        if e.learning_starts is None or e.n_timesteps is None or e.train_freq is None or e.train_freq < 1:
            continue
        # learn() stops once num_timesteps >= n_timesteps; the last rollout overshoots by less than
        # train_freq × n_envs, and training needs num_timesteps > learning_starts
        last = e.n_timesteps + e.train_freq * e.n_envs - 1
        if e.learning_starts >= last:
            yield ctx.hit(f"{e.env}: learning_starts {e.learning_starts} but the run is n_timesteps "
                          f"{e.n_timesteps} environment steps: SB3 trains only once num_timesteps > learning_starts, "
                          f"so not one gradient step is taken and the policy stays at its initialisation",
                          f"{e.env}.learning_starts", f"{e.env}.n_timesteps")
