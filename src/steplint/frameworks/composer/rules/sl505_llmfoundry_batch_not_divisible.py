"""SL505 llmfoundry-batch-not-divisible: global_train_batch_size does not divide by the world size,
which llm-foundry refuses with a ValueError before training
[S-LF llmfoundry/utils/config_utils.py `calculate_batch_size_info`]."""

from __future__ import annotations

from typing import Iterator

from ..reader import ComposerSettings
from ....findings import Hit
from ....rules.context import RuleContext

CODE = "SL505"


def check(ctx: RuleContext) -> Iterator[Hit]:
    s: ComposerSettings = ctx.settings
    if s.global_batch is None:
        return
    if any(a.startswith("world size 1") for a in ctx.plan.assumptions):
        return  # the world size is unknown: nothing to divide by
    world = ctx.plan.world_size
    if s.global_batch % world == 0:
        return
    low = s.global_batch // world * world
    yield ctx.hit(f"global_train_batch_size {s.global_batch} is not divisible by the world size {world}: "
                  f"llm-foundry raises ValueError before training (device batch = global / world size); "
                  f"use {low} or {low + world}", s.global_batch_key, s.world_key)
