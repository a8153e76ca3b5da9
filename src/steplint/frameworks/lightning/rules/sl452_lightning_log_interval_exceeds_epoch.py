"""SL452 lightning-log-interval-exceeds-epoch: log_every_n_steps larger than the batches of an epoch."""

from __future__ import annotations

from typing import Iterator

from ..reader import LightningSettings
from ....findings import Hit
from ....rules.context import RuleContext

CODE = "SL452"


def check(ctx: RuleContext) -> Iterator[Hit]:
    s: LightningSettings = ctx.settings
    plan = ctx.plan
    if s.log_every_n_steps is None or not plan.batches_per_epoch:
        return
    every, batches = s.log_every_n_steps, plan.batches_per_epoch
    total = plan.total_optimizer_steps
    if every <= batches or (total is not None and every > total):
        return  # fine, or SL204 already says that nothing is logged at all
    per_epoch = plan.optimizer_steps_per_epoch
    steps = f" ({per_epoch} optimizer steps)" if per_epoch and per_epoch != batches else ""
    yield ctx.hit(f"log_every_n_steps {every} but an epoch has only {batches} training batches{steps}: training "
                  f"metrics are logged less than once per epoch (every {every / (per_epoch or batches):.1f} epochs), "
                  f"and Lightning warns that the logging interval exceeds the number of training batches",
                  s.log_key)
