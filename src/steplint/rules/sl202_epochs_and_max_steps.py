"""SL202 epochs-and-max-steps: both limits are set and they disagree; say which one ends the run."""

from __future__ import annotations

import math
from typing import Iterator

from ..findings import Hit
from ..plan import Event, FinalEventsAt, LimitPrecedence
from .context import RuleContext, num

CODE = "SL202"


def check(ctx: RuleContext) -> Iterator[Hit]:
    run, plan = ctx.run, ctx.plan
    if run.epochs is None or run.max_steps is None:
        return
    from_epochs = ctx.in_steps(run.epochs)
    limit = ctx.in_steps(run.max_steps)
    if from_epochs is None and limit is not None and ctx.semantics.limit_precedence is LimitPrecedence.MAX_STEPS:
        # max_steps is the run whatever N; whether the epochs say the same needs N, unless no N can
        # make them (fewer steps than the epochs take at the least, or more than at the most)
        steps = ctx.steps_range(run.epochs)
        if steps is not None and (limit < steps[0] or steps[1] is not None and limit > steps[1]):
            side = f"at least {num(steps[0])}" if limit < steps[0] else f"at most {num(steps[1])}"
            yield ctx.hit(f"{run.max_steps.label} = {num(limit)} and {run.epochs.label} = {run.epochs.describe()} ({side} "
                          f"steps whatever the dataset size) disagree; {run.max_steps.label} wins and {run.epochs.label} "
                          f"is ignored ({ctx.semantics.framework_name}): the run is {num(limit)} steps",
                          run.max_steps.key, run.epochs.key)
        else:
            yield ctx.needs_dataset_size(f"whether {run.epochs.label} ({run.epochs.describe()}) agrees with "
                                         f"{run.max_steps.label} = {num(limit)}, which replaces it", run.max_steps.key,
                                         run.epochs.key)
        return
    if from_epochs is None and limit is not None:
        # Without N: the epochs give at least (and maybe at most) so many steps
        steps = ctx.steps_range(run.epochs)
        if steps is not None and limit <= steps[0]:
            return  # epochs that cannot end the run at any N (max_epochs: 9999 beside max_steps): max_steps is the run
        if steps is not None and steps[1] is not None and limit > steps[1]:
            yield ctx.hit(f"{run.max_steps.label} = {num(limit)} and {run.epochs.label} = {run.epochs.describe()} "
                          f"(at most {num(steps[1])} steps whatever the dataset size) disagree; the run stops after "
                          f"{run.epochs.describe()}, before {run.max_steps.label} is reached{_lost_final(ctx)}", run.max_steps.key,
                          run.epochs.key)
            return
    if from_epochs is None or limit is None:
        yield ctx.needs_dataset_size(f"which of {run.epochs.label} and {run.max_steps.label} ends the run",
                                     run.max_steps.key, run.epochs.key)
        return
    from_epochs = math.ceil(from_epochs - 1e-9)
    if round(limit) == from_epochs:
        return
    # Known even without the steps per epoch when the epoch count itself is written in steps.
    per_epoch = plan.optimizer_steps_per_epoch
    epochs_text = f"{run.epochs.describe()} = {from_epochs} steps" + (
        f" ({num(run.epochs.value)} × {per_epoch})" if per_epoch else "")
    if ctx.semantics.limit_precedence is LimitPrecedence.MAX_STEPS:
        verdict = f"{run.max_steps.label} wins and {run.epochs.label} is ignored"
    elif limit < from_epochs:
        verdict = f"the run stops at {run.max_steps.label}" + (f", {num(limit / per_epoch)} epochs in" if per_epoch else "")
    else:
        verdict = f"the run stops after {num(run.epochs.value)} epochs, before {run.max_steps.label} is reached" \
            + _lost_final(ctx)
    yield ctx.hit(f"{run.max_steps.label} = {num(limit)} and {run.epochs.label} = {epochs_text} disagree; {verdict}: "
                  f"the run is {ctx.run_length()}", run.max_steps.key, run.epochs.key)


def _lost_final(ctx: RuleContext) -> str:
    """What a framework that fires its final events at max_steps (verl's is_last_step) never does
    in a run the epochs end first."""
    if ctx.semantics.final_events_at is not FinalEventsAt.MAX_STEPS or not ctx.semantics.final_events:
        return ""
    what = " and ".join(_FINAL[e] for e in ctx.semantics.final_events)
    return f" ({ctx.semantics.framework_name}'s {what} at {ctx.run.max_steps.label} never happen)"


_FINAL = {Event.CHECKPOINT: "final save", Event.EVAL: "final validation"}
