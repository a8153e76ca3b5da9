"""SL101 mixed-time-units: the LR schedule counts epochs while checkpoints or evals count steps (or
the reverse), and the numbers show what that costs.

A mix of units is a warning only with a consequence:
- an interval in steps on a schedule written in epochs that is neither a whole number of epochs nor
  a whole fraction of one: the events fall mid-epoch, between the epoch boundaries the schedule is
  counted in. One that divides an epoch puts an event on every boundary, the same way each epoch;
- the first event comes only after the schedule's last milestone: none sees the LR before its final
  decay.
An interval in epochs on a schedule in steps fires at epoch ends, which a schedule in steps has no
boundary to miss: that alone costs nothing. Without the dataset size an epoch's length in steps is
unknown, so whether an interval in steps lines up with the epochs is one info, not a warning.
"""

from __future__ import annotations

import math
from typing import Iterator, Optional, Union

from ..findings import Hit
from ..model import Duration, Milestones
from ..plan import to_steps
from ..units import Unit
from .context import RuleContext, as_written, num

CODE = "SL101"
_STEPS = (Unit.STEP, Unit.BATCH)


def _schedule_unit(ctx: RuleContext) -> Optional[Union[Duration, Milestones]]:
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
    per_epoch = ctx.plan.optimizer_steps_per_epoch
    undecided: list[tuple[str, Duration]] = []
    for label, interval in (("checkpoint", ctx.run.checkpoint), ("evaluation", ctx.run.eval)):
        if interval is None or interval.unit not in (Unit.EPOCH, *_STEPS):
            continue
        if (interval.unit is Unit.EPOCH) == (schedule.unit is Unit.EPOCH):
            continue
        if interval.unit is Unit.EPOCH and interval.value == 1:
            continue  # "every epoch" is a cadence anyone can place against a schedule in steps
        if per_epoch:
            yield from _consequences(ctx, label, interval, schedule, per_epoch)
        elif schedule.unit is Unit.EPOCH:
            undecided.append((label, interval))
    if undecided:
        intervals = " and ".join(f"{label}s every {interval.describe()}" for label, interval in undecided)
        yield ctx.needs_dataset_size(f"whether {intervals} fall on the epoch boundaries the LR schedule is counted "
                                     f"in ({schedule.key})", undecided[0][1].key,
                                     *(interval.key for _, interval in undecided[1:]), schedule.key)


def _consequences(ctx: RuleContext, label: str, interval: Duration, schedule: Union[Duration, Milestones],
                  per_epoch: int) -> Iterator[Hit]:
    every, total = ctx.in_steps(interval), ctx.plan.total_optimizer_steps
    if every is None or every <= 0 or (total is not None and every > total):
        return  # it never fires: SL204's finding
    found = []
    if schedule.unit is Unit.EPOCH and not _lines_up(every, per_epoch):
        found.append(f"{label}s fall mid-epoch, between the epoch boundaries the LR schedule is counted in "
                     f"({_written(schedule)})")
    late = _after_last_milestone(ctx, label, every)
    if late:
        found.append(late)
    if not found:
        return
    if interval.unit is Unit.EPOCH:
        head = f"{label} every {interval.describe()} = every {num(every)} steps ({per_epoch} per epoch)"
    else:
        head = f"{label} every {as_written(interval, every)} = every {num(every / per_epoch)} epochs of {per_epoch} steps"
    yield ctx.hit(f"{head}: {'; '.join(found)}; the run is {ctx.run_length()}", interval.key, schedule.key)


def _lines_up(every: float, per_epoch: int) -> bool:
    """A whole number of epochs, or a whole number of events in each epoch."""
    ratio = every / per_epoch
    if not 0 < ratio < math.inf:  # a subnormal interval: no whole number either way
        return False
    return any(math.isfinite(r) and r >= 1 - 1e-9 and abs(r - round(r)) < 1e-9 for r in (ratio, 1 / ratio))


def _after_last_milestone(ctx: RuleContext, label: str, every: float) -> Optional[str]:
    m, plan = ctx.run.schedule.milestones, ctx.plan
    total = plan.total_optimizer_steps
    if m is None or total is None:
        return None
    steps = [to_steps(v, m.unit, plan) for v in m.values]
    inside = [at for at in steps if at is not None and at < total]  # later ones are SL205's finding
    if not inside or None in steps:
        return None
    first = plan.first_checkpoint_step if label == "checkpoint" else plan.first_eval_step
    first = math.ceil(every - 1e-9) if first is None else first
    last = max(inside)
    if first <= last:
        return None
    return (f"the first comes only at step {first}, after the last milestone ({m.key}: step {num(last)}): "
            f"no {label} sees the LR before its final decay")


def _written(schedule: Union[Duration, Milestones]) -> str:
    if isinstance(schedule, Milestones):
        return f"{schedule.key} = [{', '.join(num(v) for v in schedule.values)}] {schedule.unit.value}s"
    return f"{schedule.key} = {schedule.describe()}"
