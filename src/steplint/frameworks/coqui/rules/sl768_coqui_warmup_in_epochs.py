"""SL768 coqui-warmup-in-epochs: a warmup_steps scheduler stepped once per epoch (scheduler_after_epoch true)."""

from __future__ import annotations

from typing import Iterator

from ....findings import Hit
from ....rules.context import RuleContext, num
from ..reader import CoquiSettings

CODE = "SL768"


def check(ctx: RuleContext) -> Iterator[Hit]:
    s: CoquiSettings = ctx.settings
    if s.after_epoch is not True or s.warmup_steps is None:
        return
    if s.epochs is not None and s.warmup_steps >= s.epochs:
        tail = f"the run is {num(s.epochs)} epochs, so the LR never reaches its peak"
    elif s.epochs is not None:
        tail = f"the LR warms up for {num(s.warmup_steps)} of the run's {num(s.epochs)} epochs ({s.warmup_steps / s.epochs:.0%})"
    else:
        tail = "the warmup lasts that many epochs"
    yield ctx.hit(f"{s.scheduler} is stepped once per epoch (scheduler_after_epoch: true), so "
                  f"lr_scheduler_params.warmup_steps {num(s.warmup_steps)} counts epochs, not steps: {tail}; "
                  f"set scheduler_after_epoch: false to step it after every optimizer step",
                  s.warmup_key, "scheduler_after_epoch")
