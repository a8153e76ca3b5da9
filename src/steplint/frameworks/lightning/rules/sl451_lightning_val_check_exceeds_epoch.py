"""SL451 lightning-val-check-exceeds-epoch: an int val_check_interval longer than an epoch."""

from __future__ import annotations

from typing import Iterator

from ..reader import LightningSettings
from ....findings import Hit
from ....rules.context import RuleContext

CODE = "SL451"


def check(ctx: RuleContext) -> Iterator[Hit]:
    s: LightningSettings = ctx.settings
    if s.validation_disabled or s.check_val_every_n_epoch is None:
        return
    every = s.val_check_batch_int
    if every is None or every <= 1:
        return
    batches = ctx.plan.batches_per_epoch
    if batches is None:
        known = ctx.plan.range_of("batches_per_epoch")  # without N: at least one batch, at most limit_train_batches
        if s.megatron or known is None or every <= known[0]:  # Megatron sizes its loader from max_steps
            return
        if known[1] is not None and every > known[1]:
            yield ctx.hit(f"val_check_interval {every} counts training batches, but an epoch has at most {known[1]} "
                          f"batches whatever the dataset size (limit_train_batches): Lightning raises ValueError at "
                          f"the start of fit (`val_check_interval` must be <= the number of training batches); use a "
                          f"fraction such as 1.0, or set check_val_every_n_epoch: null to count batches across epochs",
                          s.val_check_key, s.check_val_key)
            return
        yield ctx.needs_dataset_size(f"val_check_interval {every} (training batches) against the batches in an epoch",
                                     s.val_check_key)
        return
    if batches == 0 or every <= batches:
        return
    yield ctx.hit(f"val_check_interval {every} counts training batches, but an epoch has {batches} batches "
                  f"({_how(ctx)}): Lightning raises ValueError at the start of fit (`val_check_interval` must be "
                  f"<= the number of training batches); use a fraction such as 1.0, or set "
                  f"check_val_every_n_epoch: null to count batches across epochs", s.val_check_key, s.check_val_key)


def _how(ctx: RuleContext) -> str:
    plan = ctx.plan
    text = f"{plan.samples_per_rank} samples per rank / batch {plan.micro_batch_size}"
    s: LightningSettings = ctx.settings
    if s is not None and s.limit_train_batches is not None:
        text += f", limit_train_batches {s.limit_train_batches}"
    return text
