"""SL456 lightning-int-one-batch: `limit_train_batches: 1` / `val_check_interval: 1` are ONE batch."""

from __future__ import annotations

from typing import Iterator

from ..reader import LightningSettings
from ....findings import Hit
from ....rules.context import RuleContext

CODE = "SL456"


def check(ctx: RuleContext) -> Iterator[Hit]:
    s: LightningSettings = ctx.settings
    limit = s.limit_train_batches
    if isinstance(limit, int) and not isinstance(limit, bool) and limit == 1:
        batches = ctx.plan.batches_per_epoch
        of = ""
        if ctx.plan.samples_per_rank is not None and ctx.plan.micro_batch_size:
            full = -(-ctx.plan.samples_per_rank // ctx.plan.micro_batch_size)
            of = f" (1 of {full} batches)" if batches == 1 and full > 1 else ""
        yield ctx.hit(f"limit_train_batches: 1 is an int: Lightning trains on ONE batch per epoch{of}; write 1.0 "
                      f"for the whole epoch", s.limit_train_key)
    vci = s.val_check_interval
    if isinstance(vci, int) and not isinstance(vci, bool) and vci == 1 and not s.validation_disabled:
        yield ctx.hit("val_check_interval: 1 is an int: Lightning validates after EVERY training batch; write 1.0 "
                      "to validate once at the end of each epoch", s.val_check_key)
