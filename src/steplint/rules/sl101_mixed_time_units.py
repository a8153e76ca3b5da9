"""SL101 mixed-time-units: the LR schedule counts epochs while checkpoints or evals count steps."""

from __future__ import annotations

from typing import Iterator

from ..units import Unit
from .context import RuleContext, num
from ..findings import Hit

CODE = "SL101"
_STEPS = (Unit.STEP, Unit.BATCH)


def _schedule_unit(ctx: RuleContext):
    """The unit the schedule's shape is written in: its horizon, milestones or step size. A warmup
    alone counts only in epochs: a short warmup in steps next to evaluations every few epochs is
    the norm, not a mix-up."""
    s = ctx.run.schedule
    for duration in (s.horizon, s.step_size, s.milestones):
        if duration is not None and duration.unit in (Unit.EPOCH, *_STEPS):
            return duration
    if s.warmup is not None and s.warmup.unit is Unit.EPOCH:
        return s.warmup
    return None


def check(ctx: RuleContext) -> Iterator[Hit]:
    schedule = _schedule_unit(ctx)
    if schedule is None:
        return
    schedule_in_epochs = schedule.unit is Unit.EPOCH
    what = "LR schedule"
    for label, interval in (("checkpoints", ctx.run.checkpoint), ("evaluations", ctx.run.eval)):
        if interval is None or interval.unit not in (Unit.EPOCH, *_STEPS):
            continue
        if (interval.unit is Unit.EPOCH) == schedule_in_epochs:
            continue
        if interval.unit is Unit.EPOCH and interval.value == 1:
            continue  # "every epoch" is a cadence anyone can place against a schedule in steps
        sched_unit = "epochs" if schedule_in_epochs else "steps"
        interval_unit = "epochs" if interval.unit is Unit.EPOCH else "steps"
        message = (f"{what} is in {sched_unit} ({schedule.key}) while {label} are in {interval_unit} "
                   f"(every {interval.describe()})")
        per_epoch = ctx.plan.optimizer_steps_per_epoch
        if per_epoch:
            every_steps = ctx.in_steps(interval)
            message += (f"; {label[:-1]} every {num(every_steps)} steps = every {num(every_steps / per_epoch)} epochs"
                        f", the run is {ctx.run_length()}")
            yield ctx.hit(message, interval.key, schedule.key)
        else:
            yield ctx.hit(message + "; pass --dataset-size to see both on one scale", interval.key, schedule.key)
