"""SL627 classy-composite-lengths: a composite param scheduler whose `lengths` do not match its
`schedulers` or do not sum to 1. ClassyVision's CompositeParamScheduler
[classy_vision/optim/param_scheduler/composite_scheduler.py] hands them to fvcore's
(fvcore/common/param_scheduler.py), which asserts len(schedulers) == len(lengths) and
abs(sum(lengths) - 1.0) < 1e-3 when the task is built."""

from __future__ import annotations

from typing import Iterator

from ..settings import ClassyVisionSettings
from ....findings import Hit
from ....rules.context import RuleContext, fvcore_composite_problems

CODE = "SL627"


def check(ctx: RuleContext) -> Iterator[Hit]:
    s: ClassyVisionSettings = ctx.settings
    yield from fvcore_composite_problems(ctx, s.composites)
