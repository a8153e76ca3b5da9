"""SL503 composer-warmup-rounds-to-zero: a `dur` warmup that Composer's int() truncation turns into
0 batches, so there is no warmup at all [S-CO composer/optim/scheduler.py `_convert_time`]."""

from __future__ import annotations

from typing import Iterator

from ..reader import ComposerSettings
from ....findings import Hit
from ....rules.context import RuleContext, num

CODE = "SL503"


def check(ctx: RuleContext) -> Iterator[Hit]:
    s: ComposerSettings = ctx.settings
    if s.t_warmup is None or s.t_warmup.unit != "dur" or s.max_duration is None:
        return
    warmup, md = s.t_warmup, s.max_duration
    if warmup.value <= 0:
        return
    if md.unit == "ep":
        per_epoch = ctx.plan.batches_per_epoch
        if per_epoch is None:
            return
        exact = warmup.value * md.value * per_epoch
        of = f"{md.text()} × {per_epoch} batches per epoch"
        unit = "ba"
    elif md.unit in ("ba", "sp", "tok"):
        exact, of, unit = warmup.value * md.value, md.text(), md.unit
    else:
        return
    if int(exact) != 0:
        return
    yield ctx.hit(f"t_warmup {warmup.text()} of {of} is int({num(exact)}) = 0{unit}: Composer truncates "
                  f"fractions of the run in schedulers, so there is no warmup at all; write the warmup in "
                  f"{unit} or use a larger fraction", warmup.key, md.key)
