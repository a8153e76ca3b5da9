"""SL201 total-steps-mismatch: a declared total_steps that is not what the run will take."""

from __future__ import annotations

from typing import Iterator

from ..findings import Hit
from .context import RuleContext, num

CODE = "SL201"


def check(ctx: RuleContext) -> Iterator[Hit]:
    declared = ctx.run.total_steps
    if declared is None:
        return
    steps = ctx.in_steps(declared)
    total = ctx.plan.total_optimizer_steps
    epochs_key = ctx.run.epochs.key if ctx.run.epochs else None
    if total is None or steps is None:
        yield from _bounded(ctx, epochs_key)
        return
    if round(steps) == total:
        return
    plan = ctx.plan
    how = f"{plan.batches_per_epoch} batches per epoch"
    if plan.gradient_accumulation_steps > 1:
        how += f" / accumulation {plan.gradient_accumulation_steps} = {plan.optimizer_steps_per_epoch} steps"
    yield ctx.hit(f"{declared.key} is {num(steps)} but the run is {ctx.run_length()}; {how} "
                  f"(N={plan.dataset_size}, batch {plan.micro_batch_size}, world {plan.world_size})",
                  declared.key, epochs_key,
                  ctx.run.train_loader.batch_size.key if ctx.run.train_loader.batch_size else None)


def _bounded(ctx: RuleContext, epochs_key) -> Iterator[Hit]:
    """Without N: a declared total outside every run the config allows is wrong whatever N is."""
    declared = ctx.run.total_steps
    steps, run = ctx.steps_range(declared), ctx.run_range()
    if steps is not None and run is not None and steps[0] == steps[1]:
        (value, _), (low, high) = steps, run
        if high is not None and round(value) > high:
            yield ctx.hit(f"{declared.key} is {num(value)} but the run is {ctx.run_at_most()}", declared.key, epochs_key)
            return
        if round(value) < low:
            yield ctx.hit(f"{declared.key} is {num(value)} but the run is {ctx.run_at_least()} whatever the "
                          f"dataset size", declared.key, epochs_key)
            return
    yield ctx.needs_dataset_size(f"{declared.key} = {declared.describe()} against the run", declared.key, epochs_key)
