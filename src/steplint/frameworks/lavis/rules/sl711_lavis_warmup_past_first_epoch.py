"""SL711 lavis-warmup-past-first-epoch: a LAVIS warmup longer than the first epoch. The
linear_warmup_cosine_lr and linear_warmup_step_lr schedulers warm up only while cur_epoch == 0
("assuming the warmup iters less than one epoch", lavis/common/optims.py); from epoch 1 they set the
epoch's cosine / step LR, so the rest of the warmup is skipped and the LR jumps."""

from __future__ import annotations

from typing import Iterator

from ..settings import LavisSettings
from ....findings import Hit
from ....rules.context import RuleContext, num
from ....units import to_number

CODE = "SL711"
FIRST_EPOCH_WARMUP = ("linear_warmup_cosine_lr", "linear_warmup_step_lr")


def check(ctx: RuleContext) -> Iterator[Hit]:
    s: LavisSettings = ctx.settings
    warmup = to_number(s.warmup_steps)
    per_epoch = ctx.plan.batches_per_epoch
    if s.iteration_runner or s.lr_sched not in FIRST_EPOCH_WARMUP or warmup is None or not per_epoch:
        return
    epochs = ctx.run.epochs
    if epochs is None or epochs.value <= 1:  # no epoch 1 whose schedule the LR jumps to
        return
    if warmup <= per_epoch:
        return
    reached = per_epoch / warmup
    yield ctx.hit(f"warmup_steps {num(warmup)} iterations but the first epoch has {per_epoch}: {s.lr_sched} warms "
                  f"up only in epoch 0, so the warmup stops at {reached:.0%} of the way and the LR jumps to the "
                  f"epoch-1 schedule", "run.warmup_steps", "run.batch_size_train")
