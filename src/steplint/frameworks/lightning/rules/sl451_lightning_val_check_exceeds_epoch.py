"""SL451 lightning-val-check-exceeds-epoch: an int val_check_interval longer than an epoch."""

from __future__ import annotations

from typing import Iterator

from ..reader import LightningSettings
from ....findings import Hit, Severity
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
        if not s.megatron and ctx.plan.micro_batch_size is not None:  # Megatron sizes its loader from max_steps
            yield ctx.hit(f"cannot check val_check_interval {every} (training batches) against the batches in an "
                          f"epoch without the dataset size: pass --dataset-size N", s.val_check_key,
                          severity=Severity.INFO)
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
