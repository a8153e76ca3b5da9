"""SL675 cerebras-schedule-ends-early: the LR schedulers' total_iters add up to fewer steps than the
run, and the last one (LinearLR, PolynomialLR, CosineDecayLR, ConstantLR) holds its end learning rate
for the rest [cerebras.pytorch optim/lr_scheduler.py `PolynomialLR._get_closed_form_lr`: past
total_iters the LR is end_learning_rate]. Often deliberate (a constant tail), so an info finding;
a schedule longer than the run is SL205."""

from __future__ import annotations

from typing import Iterator

from ..settings import CerebrasSettings
from ....findings import Hit
from ....rules.context import RuleContext, num

CODE = "SL675"


def check(ctx: RuleContext) -> Iterator[Hit]:
    s: CerebrasSettings = ctx.settings
    if s.run_steps is None or s.schedule_steps is None or s.schedule_end_lr is None:
        return
    if s.schedule_steps >= s.run_steps:
        return
    rest = s.run_steps - s.schedule_steps
    yield ctx.hit(f"the LR schedulers end after {num(s.schedule_steps)} steps (their total_iters) and the LR then "
                  f"stays at {s.schedule_end_lr} for the last {num(rest)} of the {num(s.run_steps)} steps "
                  f"({rest / s.run_steps:.0%} of the run)", s.schedule_key, s.run_key)
