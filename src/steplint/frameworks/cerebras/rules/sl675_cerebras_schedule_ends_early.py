"""SL675 cerebras-schedule-ends-early: the LR schedulers' total_iters add up to fewer steps than the
run, and the last one (LinearLR, PolynomialLR, CosineDecayLR, ConstantLR) holds its end learning rate
for the rest [cerebras.pytorch optim/lr_scheduler.py `PolynomialLR._get_closed_form_lr`: past
total_iters the LR is end_learning_rate]. Reported when that value holds for more than half the run
(rules.context.floor_tail); a schedule longer than the run is SL205."""

from __future__ import annotations

from typing import Iterator

from ..settings import CerebrasSettings
from ....findings import Hit
from ....rules.context import RuleContext, floor_tail, num

CODE = "SL675"


def check(ctx: RuleContext) -> Iterator[Hit]:
    s: CerebrasSettings = ctx.settings
    if s.run_steps is None or s.schedule_steps is None or s.schedule_end_lr is None:
        return
    tail = floor_tail(s.schedule_steps, s.run_steps)
    if tail is not None:
        yield ctx.hit(f"the LR schedulers end after {num(s.schedule_steps)} steps (their total_iters) and the LR "
                      f"then stays at {s.schedule_end_lr} {tail}: the schedule is sized for a shorter run",
                      s.schedule_key, s.run_key)
