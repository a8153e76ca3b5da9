"""SL404 accumulation-exceeds-epoch: gradient accumulation larger than the micro-batches of an
epoch, so each epoch is a single, smaller optimizer step (U = max(ceil(L / GA), 1))."""

from __future__ import annotations

from typing import Iterator

from ....findings import Hit
from ....plan import steps_taken_per_epoch
from ....rules.context import RuleContext

CODE = "SL404"


def check(ctx: RuleContext) -> Iterator[Hit]:
    plan, run = ctx.plan, ctx.run
    if run.gradient_accumulation is None:
        return
    ga, batches = plan.gradient_accumulation_steps, plan.batches_per_epoch
    if not batches or ga <= batches:
        return
    if steps_taken_per_epoch(plan, ctx.semantics) == 0:
        return  # SL413 says what really happens: no step at all
    ranks = f" on each of {plan.world_size} ranks" if plan.world_size > 1 else ""
    yield ctx.hit(f"{run.gradient_accumulation.key} {ga} is more than the {batches} micro-batches of an epoch{ranks} "
                  f"(N={plan.dataset_size}, batch {plan.micro_batch_size}): every epoch is one optimizer step over "
                  f"{batches} micro-batches, an effective batch {batches}/{ga} of the one configured; the run is "
                  f"{ctx.run_length()}", run.gradient_accumulation.key,
                  run.train_loader.batch_size.key if run.train_loader.batch_size else None)
