"""SL301 batchnorm-without-drop-last: BatchNorm and a train loader that keeps a short last batch."""

from __future__ import annotations

from typing import Iterator

from ..findings import Hit, Severity
from .context import RuleContext

CODE = "SL301"


def check(ctx: RuleContext) -> Iterator[Hit]:
    run, plan = ctx.run, ctx.plan
    if run.batchnorm is None or not run.batchnorm.value:
        return
    drop = run.train_loader.drop_last
    if drop is not None and drop.value:
        return
    key = drop.key if drop is not None else run.batchnorm.key
    setting = "drop_last is false" if drop is not None else "drop_last is not set (default false)"
    last, batch = plan.last_batch_size, plan.micro_batch_size
    if last is None or batch is None:
        yield ctx.hit(f"the model uses BatchNorm and {setting}: the last batch of each epoch may be tiny "
                      f"(pass --dataset-size to see its size)", key, run.batchnorm.key)
        return
    if last == batch:
        return  # the samples on a rank divide evenly: every batch is full
    where = "on each rank " if plan.world_size > 1 else ""
    if last == 1:
        yield ctx.hit(f"the model uses BatchNorm and {setting}: the last batch {where}has 1 sample "
                      f"({plan.samples_per_rank} = {plan.batches_per_epoch - 1} × {batch} + 1), BatchNorm raises "
                      f"'Expected more than 1 value per channel when training'", key, run.batchnorm.key,
                      severity=Severity.ERROR)
    else:
        yield ctx.hit(f"the model uses BatchNorm and {setting}: the last batch {where}has {last} of {batch} samples "
                      f"({plan.samples_per_rank} samples), noisy batch statistics once per epoch", key, run.batchnorm.key)
