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
                              f"{ctx.run_length()}: {_what(ctx, label)}", interval.key)
            continue
        every_epochs, run_epochs = ctx.in_epochs(interval), ctx.run_epochs()
        if every_epochs is not None and run_epochs is not None:
            if every_epochs > run_epochs:
                yield ctx.hit(f"{label} every {interval.describe()} but the run is {num(run_epochs)} epochs: "
                              f"{_what(ctx, label)}", interval.key)
            continue
        # Without N: decided where the interval is longer than every run the config allows, or
        # no longer than the shortest.
        steps, length = ctx.steps_range(interval), ctx.run_range()
        if steps is not None and length is not None:
            if length[1] is not None and steps[0] > length[1]:
                shown = _as_written(interval, steps[0]) if steps[0] == steps[1] else interval.describe()
                yield ctx.hit(f"{label} every {shown} but the run is {ctx.run_at_most()}: "
                              f"{_what(ctx, label)}", interval.key)
                continue
            if steps[1] is not None and steps[1] <= length[0]:
                continue
        if label != "logging":  # a logging cadence is not worth an info finding of its own
            yield ctx.needs_dataset_size(f"the {label} interval ({interval.describe()}) against the run",
                                         interval.key)


def _what(ctx: RuleContext, label: str) -> str:
    still = _final(ctx, label)
    return ("no periodic log line is ever written" if label == "logging" and still else _WHAT[label]) + still


def _final(ctx: RuleContext, label: str) -> str:
    """What the framework still does: a final one at the end of the run (Hugging Face forces a final
    save), one at the first step (torchtitan validates at step 1)."""
    s = ctx.semantics
    first = label in s.first_step_events or label in s.offset_events
    last = label in final_events(ctx.run, s, ctx.plan)
    if first and last:
        return f" (only the ones at the first and the last step, which {s.framework_name} always runs)"
    if first:
        return f" (only the one at the first step, which {s.framework_name} always runs)"
    return f" (only the final one, which {s.framework_name} forces at the end)" if last else ""
