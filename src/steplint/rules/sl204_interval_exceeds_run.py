"""SL204 interval-exceeds-run: a checkpoint, eval or logging interval longer than the whole run, or
one no longer than the run that the framework's own counting never fires in it."""

from __future__ import annotations

from typing import Iterator, Optional

from ..findings import Hit
from ..model import Duration
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
            else:
                yield from _never_on_its_grid(ctx, label, interval, every, total)
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


def _never_on_its_grid(ctx: RuleContext, label: str, interval: Duration, every: float, total: int) -> Iterator[Hit]:
    """An interval no longer than the run that still never fires in it: on a grid one step later (MaxText
    saves after 0-based steps n, 2n...: 1-based 1 + n...), or where the framework's own count of its
    cadence (Semantics.cadence) holds nothing but the events it fires whatever the interval (Coqui saves
    in the batch after each multiple of save_step; nanoGPT evaluates at iterations 0, n... <= max_iters)."""
    s, plan = ctx.semantics, ctx.plan
    shown = f"{label} every {_as_written(interval, every)} but the run is {ctx.run_length()}"
    if label in plan.counted_by_framework and label not in s.ruled_out:
        count = getattr(plan, f"{label}_count")
        at_start = label in s.start_events
        if count == 0 or (count == 1 and at_start and label not in s.first_step_events
                          and label not in final_events(ctx.run, s, plan)):
            yield ctx.hit(f"{shown}, and by {s.framework_name}'s own count none falls within it: "
                          f"{_what(ctx, label, _final(ctx, label) if count else '')}", interval.key)
    elif label in s.shifted_events and every >= 1 and 1 + every > total:
        yield ctx.hit(f"{shown}, and {s.framework_name} counts its steps from 0, so the first periodic one would "
                      f"come after step {num(1 + every)}: {_what(ctx, label)}", interval.key)


def _what(ctx: RuleContext, label: str, still: Optional[str] = None) -> str:
    still = _final(ctx, label) if still is None else still
    return ("no periodic log line is ever written" if label == "logging" and still else _WHAT[label]) + still


def _final(ctx: RuleContext, label: str) -> str:
    """What the framework still does: one before the first step (nanotron's save_initial_state), one at
    the first step (torchtitan validates at step 1), a final one at the end of the run (Hugging Face
    forces a final save)."""
    s = ctx.semantics
    if label in s.ruled_out:  # the config rules them all out (torchtitan's load_only): none of them either
        return ""
    start, first = label in s.start_events, label in s.first_step_events
    last = label in final_events(ctx.run, s, ctx.plan)
    if last and not (start or first):
        return f" (only the final one, which {s.framework_name} forces at the end)"
    steps = " and ".join(name for name, fired in (("the first", first), ("the last", last)) if fired)
    where = " and ".join(w for w in ("before the first step" if start else "",
                                     f"at {steps} step" if steps else "") if w)
    if not where:
        return ""
    return f" (only the {'one' if start + first + last == 1 else 'ones'} {where}, which {s.framework_name} always runs)"
