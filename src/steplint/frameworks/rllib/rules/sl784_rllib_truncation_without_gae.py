"""SL784 rllib-truncation-without-gae: batch_mode truncate_episodes (PPO's default) with use_gae false."""

from __future__ import annotations

from typing import Iterator

from ....findings import Hit
from ....rules.context import RuleContext
from ..reader import RLlibSettings

CODE = "SL784"


def check(ctx: RuleContext) -> Iterator[Hit]:
    s: RLlibSettings = ctx.settings
    for e in s.experiments:
        if e.run != "PPO" or e.use_gae_off_key is None or e.batch_mode not in (None, "truncate_episodes"):
            continue
        mode = "batch_mode truncate_episodes" if e.batch_mode else "batch_mode truncate_episodes (PPO's default)"
        yield ctx.hit(f"{e.name}: use_gae false with {mode}: PPO raises ValueError at start (a truncated "
                      f"episode needs the value function to estimate the rest of its return); set use_gae true "
                      f"or batch_mode complete_episodes", e.use_gae_off_key,
                      f"{e.name}.config.batch_mode" if e.batch_mode else None)
