"""SL304 batch-exceeds-samples: the per-rank batch is larger than the samples on a rank, and the
loader keeps its short last batch, so every epoch is one batch smaller than the configured one."""

from __future__ import annotations

from typing import Iterator

from ..findings import Hit
from .context import RuleContext

CODE = "SL304"


def check(ctx: RuleContext) -> Iterator[Hit]:
    plan, loader = ctx.plan, ctx.run.train_loader
    samples, batch = plan.samples_per_rank, plan.micro_batch_size
    # batches_per_epoch 0 is SL206 (drop_last); a loader the framework completes to full batches
    # (accelerate on several ranks) has samples_per_rank == batch and no short batch
    if samples is None or batch is None or not samples or samples >= batch or plan.batches_per_epoch != 1:
        return
    per_rank = f"the {samples} samples on each of {plan.world_size} ranks" if plan.world_size > 1 \
        else f"the {samples} samples of the dataset"
    yield ctx.hit(f"batch size {batch} is larger than {per_rank}: every epoch is one batch of {samples} samples, not "
                  f"{batch}, so the effective batch is {samples}/{batch} of the configured one (a learning rate tuned "
                  f"for {batch} does not fit), and code that counts steps as N // batch_size gets 0 steps per epoch",
                  loader.batch_size.key if loader.batch_size else None,
                  ctx.run.dataset_size.key if ctx.run.dataset_size else None)
