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
    if total is None or steps is None:
        yield ctx.needs_dataset_size(f"{declared.key} = {declared.describe()} against the run", declared.key,
                                     ctx.run.epochs.key if ctx.run.epochs else None)
        return
    if round(steps) == total:
        return
    plan = ctx.plan
    how = f"{plan.batches_per_epoch} batches per epoch"
    if plan.gradient_accumulation_steps > 1:
        how += f" / accumulation {plan.gradient_accumulation_steps} = {plan.optimizer_steps_per_epoch} steps"
    yield ctx.hit(f"{declared.key} is {num(steps)} but the run is {ctx.run_length()}; {how} "
                  f"(N={plan.dataset_size}, batch {plan.micro_batch_size}, world {plan.world_size})",
                  declared.key, ctx.run.epochs.key if ctx.run.epochs else None,
                  ctx.run.train_loader.batch_size.key if ctx.run.train_loader.batch_size else None)
