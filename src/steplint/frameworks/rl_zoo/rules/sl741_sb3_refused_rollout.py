"""SL741 sb3-refused-rollout: PPO asserts batch_size > 1 and n_steps × n_envs > 1 (with normalize_advantage)."""

from __future__ import annotations

from typing import Iterator

from ....findings import Hit
from ....rules.context import RuleContext
from ..reader import RLZooSettings

CODE = "SL741"


def check(ctx: RuleContext) -> Iterator[Hit]:
    s: RLZooSettings = ctx.settings
    if s.algo != "ppo":
        return
    for e in s.entries:
        if not e.normalize_advantage:
            continue  # both asserts hold only when advantages are normalised (ppo.py `PPO.__init__`)
        if e.batch_size is not None and e.batch_size <= 1 and e.batch_size_written:
            yield ctx.hit(f"{e.env}: batch_size {e.batch_size}: PPO asserts `batch_size > 1` and refuses to start",
                          f"{e.env}.batch_size")
        elif e.n_steps is not None and e.n_steps * e.n_envs <= 1 and (e.n_steps_written or e.n_envs_written):
            yield ctx.hit(f"{e.env}: n_steps {e.n_steps} × n_envs {e.n_envs} = {e.n_steps * e.n_envs}: PPO asserts "
                          f"`n_steps * n_envs > 1` (advantages of a 1-step rollout normalise to NaN) and refuses "
                          f"to start", f"{e.env}.n_steps" if e.n_steps_written else f"{e.env}.n_envs")
