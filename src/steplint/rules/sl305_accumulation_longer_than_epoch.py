"""SL305 accumulation-longer-than-epoch: gradient accumulation larger than the micro-batches of an
epoch, in a framework that steps at the end of every epoch (U = max(ceil(L / GA), 1) = 1).

Lightning: training_epoch_loop.py `_should_accumulate` ("Lightning steps on the final batch": the
step comes when the accumulation is done or at the epoch's last batch; the batch counter restarts
each epoch). The Hugging Face Trainer does the same (`do_sync_step = ... or (step + 1) ==
steps_in_epoch`, trainer.py) and has its own rule, SL404."""

from __future__ import annotations

from typing import Iterator

from ..findings import Hit
from ..plan import AccumulationRounding
from .context import RuleContext

CODE = "SL305"


def check(ctx: RuleContext) -> Iterator[Hit]:
    plan, run = ctx.plan, ctx.run
    ga, batches = plan.gradient_accumulation_steps, plan.batches_per_epoch
    if run.gradient_accumulation is None or not batches or ga <= batches:
        return
    # Only a run that loops over epochs ends each one with a step. Frameworks that drop the short
    # group (torchtune, LitGPT: the plan has 0 steps per epoch) have their own rules; those without
    # epochs (DeepSpeed's and Megatron's counters run across the whole run) never get here.
    if run.epochs is None or ctx.semantics.accumulation_rounding is AccumulationRounding.DROP:
        return
    ranks = f" on each of {plan.world_size} ranks" if plan.world_size > 1 else ""
    yield ctx.hit(f"{run.gradient_accumulation.key} {ga} is more than the {batches} micro-batches of an epoch{ranks} "
                  f"(N={plan.dataset_size}, batch {plan.micro_batch_size}): each epoch ends with an optimizer step "
                  f"({ctx.semantics.framework_name}), so every epoch is one optimizer step over {batches} micro-batches, an "
                  f"effective batch {batches}/{ga} of the one configured; the run is {ctx.run_length()}",
                  run.gradient_accumulation.key,
                  run.train_loader.batch_size.key if run.train_loader.batch_size else None)
