"""SL457 lightning-refused-at-start: settings Lightning refuses when fit starts."""

from __future__ import annotations

from typing import Iterator

from ..reader import LightningSettings
from ....findings import Hit
from ....rules.context import RuleContext

CODE = "SL457"


def check(ctx: RuleContext) -> Iterator[Hit]:
    s: LightningSettings = ctx.settings
    plan = ctx.plan
    limit = s.limit_train_batches
    if isinstance(limit, float) and 0 < limit < 1 and plan.batches_per_epoch is None \
            and plan.samples_per_rank is not None and plan.micro_batch_size:
        loader = -(-plan.samples_per_rank // plan.micro_batch_size)
        yield ctx.hit(f"limit_train_batches {limit} of {loader} batches is int({loader} × {limit}) = 0: Lightning "
                      f"raises MisconfigurationException at the start of fit", s.limit_train_key)
    vci = s.val_check_interval
    if s.check_val_every_n_epoch is None and s.check_val_key and isinstance(vci, float) and vci != 1.0:
        yield ctx.hit(f"val_check_interval {vci} is a fraction of an epoch, but check_val_every_n_epoch is null: "
                      f"Lightning refuses it when the Trainer is built (val_check_interval must then be an int "
                      f"number of batches or a time)", s.val_check_key, s.check_val_key)
