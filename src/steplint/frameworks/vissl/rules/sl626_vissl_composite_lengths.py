"""SL626 vissl-composite-lengths: a composite param scheduler whose `lengths` do not match its
`schedulers` or do not sum to 1. VISSL builds its schedulers with ClassyVision's
build_optimizer_schedulers (vissl/trainer/train_task.py), whose CompositeParamScheduler is fvcore's
(fvcore/common/param_scheduler.py): it asserts len(schedulers) == len(lengths) and
abs(sum(lengths) - 1.0) < 1e-3."""

from __future__ import annotations

from typing import Iterator

from ..settings import VisslSettings
from ....findings import Hit
from ....rules.context import RuleContext, num

CODE = "SL626"


def check(ctx: RuleContext) -> Iterator[Hit]:
    s: VisslSettings = ctx.settings
    for key, count, lengths in s.composites:
        if count != len(lengths):
            yield ctx.hit(f"{key} has {count} schedulers but {len(lengths)} lengths: fvcore's "
                          f"CompositeParamScheduler asserts they match, and the job fails before training",
                          f"{key}.lengths")
        elif abs(sum(lengths) - 1.0) >= 1e-3:
            yield ctx.hit(f"{key}.lengths sum to {num(round(sum(lengths), 6))}, not 1: they are fractions of the run, "
                          f"and fvcore's CompositeParamScheduler asserts they sum to 1 (within 0.001) before "
                          f"training", f"{key}.lengths")
