"""SL102 horizon-unit-mismatch: a scheduler horizon counted in one unit, stepped in the other."""

from __future__ import annotations

from typing import Iterator

from ..findings import Hit
from ..units import Unit
from .context import RuleContext, num

CODE = "SL102"


def check(ctx: RuleContext) -> Iterator[Hit]:
    s = ctx.run.schedule
    if s.stepped_per is None:
        return
    per_step = s.stepped_per.value == "step"
    stepped = Unit.STEP if per_step else Unit.EPOCH
    epochs = ctx.run.epochs.value if ctx.run.epochs is not None and ctx.run.epochs.unit is Unit.EPOCH else None
    total = ctx.plan.total_optimizer_steps
    where = f"the scheduler is stepped every {'optimizer step' if per_step else 'epoch'} ({s.stepped_per.key})"
    for duration in (s.horizon, s.step_size):
        if duration is None:
            continue
        label = duration.key.rsplit(".", 1)[-1] if duration.key else "horizon"
        value = duration.value
        if duration.unit in (Unit.EPOCH, Unit.STEP) and duration.unit is not stepped:
            yield ctx.hit(f"{label} {duration.describe()} but {where}: every scheduler argument counts calls "
                          f"to scheduler.step()", duration.key, s.stepped_per.key)
        elif per_step and epochs is not None and value == epochs and (total is None or total > epochs):
            run = f"; the run is {ctx.run_length()}" if total else ""
            yield ctx.hit(f"{label} = {num(value)} equals the number of epochs, but {where}: the schedule "
                          f"completes after {num(value)} steps{run}", duration.key, s.stepped_per.key, ctx.run.epochs.key)
        elif not per_step and epochs is not None and value > epochs * 2 and (total is None or value >= total * 0.5):
            yield ctx.hit(f"{label} = {num(value)} looks like a count of steps (the run has {num(epochs)} epochs), "
                          f"but {where}: only {num(epochs)} of its {num(value)} calls will happen",
                          duration.key, s.stepped_per.key, ctx.run.epochs.key)
    m = s.milestones
    if m is not None and epochs is not None:
        if per_step and max(m.values) <= epochs and (total is None or total > epochs):
            yield ctx.hit(f"milestones {[num(v) for v in m.values]} are all within the {num(epochs)} epochs, but "
                          f"{where}: every decay happens in the first {num(max(m.values))} steps", m.key, s.stepped_per.key)
        elif not per_step and max(m.values) > epochs:
            yield ctx.hit(f"milestones {[num(v) for v in m.values]} look like steps, but {where}: the run has "
                          f"{num(epochs)} epochs, so milestones past {num(epochs)} never fire", m.key, s.stepped_per.key)
