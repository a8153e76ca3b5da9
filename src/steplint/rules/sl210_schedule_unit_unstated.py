"""SL210 schedule-unit-unstated: a horizon, milestones or step size whose unit nobody wrote (no
`interval`, `unit`, `by_epoch`, `_epochs`/`_steps` in the key or beside it), wrong under both
readings.

PyTorch schedulers count calls to `scheduler.step()` (torch/optim/lr_scheduler.py): the user's loop
calls it once per epoch or once per optimizer step, and the config does not say which. steplint never
picks one: it weighs both. Read as epochs, the numbers are compared with the run's epochs; read as
steps, with its optimizer steps. When both readings are wrong the finding gives both consequences.
When one reading fits there is nothing to say; when one is wrong and the other needs the dataset
size, one info says so.
"""

from __future__ import annotations

import math
from typing import Iterator, Optional

from ..findings import Hit
from ..model import Unitless
from .context import RuleContext, after_horizon, num, schedule_family

CODE = "SL210"


def check(ctx: RuleContext) -> Iterator[Hit]:
    for amount in ctx.run.schedule.unitless:
        (epochs_ok, as_epochs), (steps_ok, as_steps) = _reading(ctx, amount, "epoch"), _reading(ctx, amount, "step")
        written = _written(amount)
        if epochs_ok is False and steps_ok is False:
            yield ctx.hit(f"{written} has no unit and is wrong both ways: as epochs, {as_epochs}; as steps, "
                          f"{as_steps}; write the unit the scheduler is stepped in (e.g. interval: epoch)", amount.key)
        elif {epochs_ok, steps_ok} == {False, None}:
            wrong, reading, other = ((as_epochs, "epochs", "steps") if epochs_ok is False
                                     else (as_steps, "steps", "epochs"))
            yield ctx.needs_dataset_size(f"{written} (no unit; as {reading}, {wrong}) read as {other}", amount.key)


def _reading(ctx: RuleContext, amount: Unitless, unit: str) -> tuple[Optional[bool], str]:
    """(whether the amount fits read in `unit`, "epoch" or "step", and if not, what goes wrong);
    (None, "") when that reading cannot be checked without the dataset size."""
    plan = ctx.plan
    if unit == "epoch":
        run = ctx.run_epochs()
        run_text = f"the {num(run)}-epoch run" if run is not None else ""
    else:
        run = plan.total_optimizer_steps
        run_text = f"the run of {ctx.run_length()}"
    if run is None or run <= 0:
        return None, ""
    values = amount.values
    if amount.role == "milestones":
        late = [v for v in values if v >= run]
        if late:
            return False, (f"{_listed(late)} {'is' if len(late) == 1 else 'are'} at or past the end of {run_text} "
                           f"({'that decay never happens' if len(late) == 1 else 'those decays never happen'})")
        if unit == "epoch":
            return True, ""
        per_epoch = plan.optimizer_steps_per_epoch
        if not per_epoch:
            return None, ""  # they may all fall in the first epoch
        if run > per_epoch and max(values) <= per_epoch:
            every = "the decay happens" if len(values) == 1 else f"all {len(values)} decays happen"
            epochs = plan.epochs if plan.epochs is not None else run / per_epoch
            return False, f"{every} in the first of {num(round(epochs, 2))} epochs of {per_epoch} steps"
        return True, ""
    value = values[0]
    if amount.role == "step_size":
        if value >= run:
            return False, f"a step of {num(value)} {unit}s never decays the LR in {run_text}"
        return True, ""
    family = schedule_family(ctx.run.schedule.name.value if ctx.run.schedule.name else None, amount.key)
    if value > run * 1.0001:  # a decay that never ends; an unnamed schedule may be a warmup, that never peaks
        return False, (f"the schedule is sized for {num(value)} {unit}s but the run is {num(run)}: the LR stops at "
                       f"{_share(run / value)} of it{' and never finishes decaying' if family else ''}")
    if family is None or value >= run * 0.9999:
        return True, ""
    warmup = _warmup(ctx, unit)
    if warmup is None:
        return None, ""  # a warmup in another unit may make up the difference
    if warmup and math.isclose(value + warmup, run, rel_tol=1e-4):
        return True, ""  # the warmup, then the schedule over the rest of the run
    return False, f"{after_horizon(family, value, run, unit)}, in {run_text}"


def _warmup(ctx: RuleContext, unit: str) -> Optional[float]:
    warmup = ctx.run.schedule.warmup
    if warmup is None:
        return 0.0
    if unit == "step":
        return ctx.plan.warmup_steps
    epochs = ctx.run_epochs()
    if warmup.unit.value == "dur" and epochs is not None:
        return warmup.value * epochs
    return ctx.in_epochs(warmup)


def _share(share: float) -> str:
    return f"{share:.0%}" if share >= 0.01 else f"{share:.2%}"


def _listed(values: list[float]) -> str:
    shown = [num(v) for v in values]
    return shown[0] if len(shown) == 1 else f"{', '.join(shown[:-1])} and {shown[-1]}"


def _written(amount: Unitless) -> str:
    if amount.role == "milestones":
        return f"{amount.key} = [{', '.join(num(v) for v in amount.values)}]"
    return f"{amount.key} = {num(amount.values[0])}"
