"""SL632 paddleclas-update-freq-reset: Global.update_freq larger than an epoch's iterations.
PaddleClas only logs a warning and sets update_freq to 1, so every iteration is an optimizer step and
the effective batch is update_freq times smaller than configured [S-PC ppcls/engine/engine.py
`Engine.__init__`: `if self.iter_per_epoch < self.update_freq: ... self.update_freq = 1`]."""

from __future__ import annotations

from typing import Iterator

from ..settings import PaddleclasSettings
from ....findings import Hit
from ....rules.context import RuleContext

CODE = "SL632"


def check(ctx: RuleContext) -> Iterator[Hit]:
    s: PaddleclasSettings = ctx.settings
    if s.update_freq <= 1:
        return
    if s.iter_per_epoch is not None:
        iterations, source = s.iter_per_epoch, "Global.iter_per_epoch"
    elif ctx.plan.batches_per_epoch is not None:
        iterations, source = ctx.plan.batches_per_epoch, "batches per epoch"
    else:
        return
    if iterations < s.update_freq:
        yield ctx.hit(f"Global.update_freq is {s.update_freq} but an epoch has {iterations} iterations ({source}): "
                      f"PaddleClas sets update_freq to 1, so each optimizer step sees one batch, not "
                      f"{s.update_freq}", s.update_freq_key, "Global.iter_per_epoch" if s.iter_per_epoch else None)
