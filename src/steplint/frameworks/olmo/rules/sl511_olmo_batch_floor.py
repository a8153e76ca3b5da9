"""SL511 olmo-batch-floor: global_train_batch_size does not divide by the world size; OLMo floors
the per-device batch without a check, so every step trains on fewer sequences than configured
[S-OL scripts/train.py: device_train_batch_size = global_train_batch_size // world size]."""

from __future__ import annotations

from typing import Iterator

from ..settings import OlmoSettings
from ....findings import Hit
from ....rules.context import RuleContext

CODE = "SL511"


def check(ctx: RuleContext) -> Iterator[Hit]:
    s: OlmoSettings = ctx.settings
    if s.global_batch is None:
        return
    if any(a.startswith("world size 1") for a in ctx.plan.assumptions):
        return  # world size unknown
    world = ctx.plan.world_size
    device = s.global_batch // world
    if device * world == s.global_batch:
        return
    if device == 0:
        yield ctx.hit(f"global_train_batch_size {s.global_batch} is smaller than the world size {world}: the "
                      f"device batch is {s.global_batch} // {world} = 0 and OLMo cannot train", s.global_batch_key)
        return
    yield ctx.hit(f"global_train_batch_size {s.global_batch} over {world} ranks: OLMo floors the device batch to "
                  f"{s.global_batch} // {world} = {device}, so each step trains on {device * world} sequences, "
                  f"not {s.global_batch} (no error); use a multiple of {world}", s.global_batch_key)
