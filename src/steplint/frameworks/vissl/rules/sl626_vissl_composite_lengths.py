"""SL626 vissl-composite-lengths: a composite param scheduler whose `lengths` do not match its
`schedulers` or do not sum to 1. VISSL builds its schedulers with ClassyVision's
build_optimizer_schedulers (vissl/trainer/train_task.py), whose CompositeParamScheduler is fvcore's
(fvcore/common/param_scheduler.py): it asserts len(schedulers) == len(lengths) and
abs(sum(lengths) - 1.0) < 1e-3."""

from __future__ import annotations

from typing import Iterator

from ..settings import VisslSettings
from ....findings import Hit
from ....rules.context import RuleContext, fvcore_composite_problems

CODE = "SL626"


def check(ctx: RuleContext) -> Iterator[Hit]:
    s: VisslSettings = ctx.settings
    yield from fvcore_composite_problems(ctx, s.composites)
