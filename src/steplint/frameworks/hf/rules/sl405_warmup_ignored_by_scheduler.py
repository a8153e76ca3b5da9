"""SL405 warmup-ignored-by-scheduler: a warmup set next to a scheduler that has none (transformers
`get_scheduler`: constant and reduce_lr_on_plateau take no warmup)."""

from __future__ import annotations

from typing import Iterator

from ..reader import HFSettings, WARMUP_FREE_SCHEDULERS
from ....findings import Hit
from ....rules.context import RuleContext, num

CODE = "SL405"
_INSTEAD = {"constant": "constant_with_warmup", "reduce_lr_on_plateau": "a scheduler with warmup"}


def check(ctx: RuleContext) -> Iterator[Hit]:
    s: HFSettings = ctx.settings
    if s.warmup is None or not s.warmup.key:
        return
    scheduler = s.written("lr_scheduler_type") or s.written("lr_scheduler")
    if scheduler is None or str(scheduler.value).lower() not in WARMUP_FREE_SCHEDULERS:
        return
    warmup = s.warmup
    steps = ctx.plan.steps(warmup)
    size = f" (= {num(steps)} steps)" if steps is not None and warmup.value != steps else ""
    name = str(scheduler.value).lower()
    yield ctx.hit(f"{warmup.key} {num(warmup.value)}{size} is ignored: {scheduler.key} '{name}' has no warmup and "
                  f"starts at the full learning rate; use {_INSTEAD[name]}", warmup.key, scheduler.key)
