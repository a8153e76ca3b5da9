"""SL203 warmup-exceeds-run: warmup as long as the run or longer, so the LR never reaches its peak."""

from __future__ import annotations

from typing import Iterator

from ..findings import Hit
from ..units import Unit
from .context import RuleContext, as_written as _as_written, num

CODE = "SL203"


def check(ctx: RuleContext) -> Iterator[Hit]:
    warmup = ctx.run.schedule.warmup
    if warmup is None or warmup.unit is Unit.DUR and warmup.value < 1:
        return
    if warmup.unit is Unit.DUR:
        yield ctx.hit(f"warmup{_unwritten(warmup)} is {warmup.describe()}: the LR rises for the whole run and never "
                      "reaches its peak", warmup.key)
        return
    warmup_steps, total = ctx.in_steps(warmup), ctx.plan.total_optimizer_steps
    if total == 0 and warmup.unit is Unit.BATCH:
        # A warmup in micro-batches is a scheduler stepped every micro-batch (LAVIS's lr_scheduler.step
        # at every iteration), which warms up whether the optimizer steps or not: a run of no optimizer
        # step is what to say (SL206, SL792), not the warmup.
        return
    if warmup_steps is not None and total is not None:
        if warmup_steps >= total:
            yield ctx.hit(f"warmup{_unwritten(warmup)} is {_as_written(warmup, warmup_steps)} but the run is "
                          f"{ctx.run_length()}: the LR never reaches its peak", warmup.key, _limit_key(ctx))
        return
    warmup_epochs, run_epochs = ctx.in_epochs(warmup), ctx.run_epochs()
    if warmup_epochs is not None and run_epochs is not None:
        if warmup_epochs >= run_epochs:
            yield ctx.hit(f"warmup{_unwritten(warmup)} is {warmup.describe()} but the run is {num(run_epochs)} epochs: "
                          "the LR never reaches its peak", warmup.key, _limit_key(ctx))
        return
    # Without N: decided where every run the config allows is shorter than the warmup, or longer.
    steps, run = ctx.steps_range(warmup), ctx.run_range()
    if steps is not None and run is not None:
        if run[1] is not None and steps[0] >= run[1]:
            shown = _as_written(warmup, steps[0]) if steps[0] == steps[1] else warmup.describe()
            yield ctx.hit(f"warmup{_unwritten(warmup)} is {shown} but the run is {ctx.run_at_most()}: the LR never "
                          "reaches its peak",
                          warmup.key, _limit_key(ctx))
            return
        if steps[1] is not None and steps[1] < run[0]:
            return
    yield ctx.needs_dataset_size(f"warmup ({warmup.describe()}) against the run", warmup.key, _limit_key(ctx))


def _limit_key(ctx: RuleContext):
    run = ctx.run
    if ctx.plan.limited_by == "max_steps" and run.max_steps:
        return run.max_steps.key
    return run.epochs.key if run.epochs else (run.max_steps.key if run.max_steps else None)


def _unwritten(warmup) -> str:
    """A warmup nobody wrote, the framework's default, says so: the user may not know it has one."""
    return f" ({warmup.note}, not written)" if warmup.default_of else ""
