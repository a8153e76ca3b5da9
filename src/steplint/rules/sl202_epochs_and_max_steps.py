"""SL202 epochs-and-max-steps: both limits are set and they disagree; say which one ends the run."""

from __future__ import annotations

import math
from typing import Iterator

from ..findings import Hit, Severity
from ..plan import LimitPrecedence
from .context import RuleContext, num

CODE = "SL202"


def check(ctx: RuleContext) -> Iterator[Hit]:
    run, plan = ctx.run, ctx.plan
    if run.epochs is None or run.max_steps is None:
        return
    from_epochs = ctx.in_steps(run.epochs)
    limit = ctx.in_steps(run.max_steps)
    if from_epochs is None and limit is not None and ctx.semantics.limit_precedence is LimitPrecedence.MAX_STEPS:
        yield ctx.hit(f"{run.max_steps.key} = {num(limit)} replaces {run.epochs.key} ({run.epochs.describe()}) "
                      f"entirely ({ctx.semantics.framework_name}): the run is {num(limit)} steps whatever the dataset size",
                      run.max_steps.key, run.epochs.key, severity=Severity.INFO)
        return
    if from_epochs is None or limit is None:
        yield ctx.needs_dataset_size(f"which of {run.epochs.key} and {run.max_steps.key} ends the run",
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
        verdict = f"{run.max_steps.key} wins and {run.epochs.key} is ignored"
    elif limit < from_epochs:
        verdict = f"the run stops at {run.max_steps.key}" + (f", {num(limit / per_epoch)} epochs in" if per_epoch else "")
    else:
        verdict = f"the run stops after {num(run.epochs.value)} epochs, before {run.max_steps.key} is reached"
    yield ctx.hit(f"{run.max_steps.key} = {num(limit)} and {run.epochs.key} = {epochs_text} disagree; {verdict}: "
                  f"the run is {ctx.run_length()}", run.max_steps.key, run.epochs.key)
