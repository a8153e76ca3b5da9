"""SL206 zero-steps-per-epoch: the batch is larger than the samples on a rank and drop_last is set."""

from __future__ import annotations

from typing import Iterator

from ..findings import Hit
from .context import RuleContext

CODE = "SL206"


def check(ctx: RuleContext) -> Iterator[Hit]:
    plan, loader = ctx.plan, ctx.run.train_loader
    if plan.batches_per_epoch != 0:
        return
    per_rank = f"the {plan.samples_per_rank} samples on each of {plan.world_size} ranks" if plan.world_size > 1 \
        else f"the {plan.samples_per_rank} samples"
    yield ctx.hit(f"batch size {plan.micro_batch_size} is larger than {per_rank} and drop_last is set: every epoch "
                  f"has 0 batches and training does nothing", loader.batch_size.key if loader.batch_size else None,
                  loader.drop_last.key if loader.drop_last else None)
