"""SL204 interval-exceeds-run: a checkpoint, eval or logging interval longer than the whole run."""

from __future__ import annotations

from typing import Iterator

from ..findings import Hit
from ..plan import final_events
from ..units import Unit
from .context import RuleContext, as_written as _as_written, num

CODE = "SL204"
_WHAT = {"checkpoint": "no periodic checkpoint is ever saved",
         "eval": "no periodic evaluation ever runs",
         "logging": "nothing is logged during training"}


def check(ctx: RuleContext) -> Iterator[Hit]:
    run = ctx.run
    for label in ("checkpoint", "eval", "logging"):
        interval = getattr(run, label)
        if interval is None or interval.unit is Unit.DUR:
            continue
        every, total = ctx.in_steps(interval), ctx.plan.total_optimizer_steps
        if every is not None and total is not None:
            if every > total:
                yield ctx.hit(f"{label} every {_as_written(interval, every)} but the run is "
                              f"{ctx.run_length()}: {_WHAT[label]}{_final(ctx, label)}", interval.key)
            continue
        every_epochs, run_epochs = ctx.in_epochs(interval), ctx.run_epochs()
        if every_epochs is not None and run_epochs is not None:
            if every_epochs > run_epochs:
                yield ctx.hit(f"{label} every {interval.describe()} but the run is {num(run_epochs)} epochs: "
                              f"{_WHAT[label]}{_final(ctx, label)}", interval.key)
            continue
        # Without N: decided where the interval is longer than every run the config allows, or
        # no longer than the shortest.
        steps, length = ctx.steps_range(interval), ctx.run_range()
        if steps is not None and length is not None:
            if length[1] is not None and steps[0] > length[1]:
                shown = _as_written(interval, steps[0]) if steps[0] == steps[1] else interval.describe()
                yield ctx.hit(f"{label} every {shown} but the run is {ctx.run_at_most()}: "
                              f"{_WHAT[label]}{_final(ctx, label)}", interval.key)
                continue
            if steps[1] is not None and steps[1] <= length[0]:
                continue
        if label != "logging":  # a logging cadence is not worth an info finding of its own
            yield ctx.needs_dataset_size(f"the {label} interval ({interval.describe()}) against the run",
                                         interval.key)


def _final(ctx: RuleContext, label: str) -> str:
    """What the framework still does at the end of the run (Hugging Face forces a final save)."""
    return f" (only the final one, which {ctx.semantics.framework_name} forces at the end)" \
        if label in final_events(ctx.run, ctx.semantics, ctx.plan) else ""
