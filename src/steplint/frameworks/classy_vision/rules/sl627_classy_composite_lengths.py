"""SL627 classy-composite-lengths: a composite param scheduler whose `lengths` do not match its
`schedulers` or do not sum to 1. ClassyVision's CompositeParamScheduler
[classy_vision/optim/param_scheduler/composite_scheduler.py] hands them to fvcore's
(fvcore/common/param_scheduler.py), which asserts len(schedulers) == len(lengths) and
abs(sum(lengths) - 1.0) < 1e-3 when the task is built."""

from __future__ import annotations

from typing import Iterator

from ..settings import ClassyVisionSettings
from ....findings import Hit
from ....rules.context import RuleContext, num

CODE = "SL627"


def check(ctx: RuleContext) -> Iterator[Hit]:
    s: ClassyVisionSettings = ctx.settings
    for key, count, lengths in s.composites:
        if count != len(lengths):
            yield ctx.hit(f"{key} has {count} schedulers but {len(lengths)} lengths: fvcore's "
                          f"CompositeParamScheduler asserts they match, and the job fails before training",
                          f"{key}.lengths")
        elif abs(sum(lengths) - 1.0) >= 1e-3:
            yield ctx.hit(f"{key}.lengths sum to {num(round(sum(lengths), 6))}, not 1: they are fractions of the run, "
                          f"and fvcore's CompositeParamScheduler asserts they sum to 1 (within 0.001) before "
                          f"training", f"{key}.lengths")
