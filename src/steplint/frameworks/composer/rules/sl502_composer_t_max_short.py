"""SL502 composer-t-max-short: a scheduler t_max shorter than max_duration, which the Composer
*_with_warmup schedulers refuse with a ValueError at the first training step
[S-CO composer/optim/scheduler.py `_raise_if_max_duration_exceeds_t_max`]."""

from __future__ import annotations

from typing import Iterator

from ..reader import ComposerSettings, WARMUP_SCHEDULERS, converted
from ....findings import Hit
from ....rules.context import RuleContext, num

CODE = "SL502"


def check(ctx: RuleContext) -> Iterator[Hit]:
    s: ComposerSettings = ctx.settings
    if s.t_max is None or s.max_duration is None or s.scheduler not in WARMUP_SCHEDULERS:
        return
    md, per_epoch = s.max_duration, ctx.plan.batches_per_epoch
    value, unit = converted(s.t_max, md, per_epoch)
    if value is None:
        return
    written = s.t_max.text() + ("" if s.t_max.unit == unit else f" = {num(value)}{unit}")
    if unit == md.unit:
        if value >= md.value:
            return
        limit = md.text()
    elif unit == "ba" and md.unit == "ep" and per_epoch is not None:
        if value >= md.value * per_epoch:
            return
        limit = f"{md.text()} = {num(md.value * per_epoch)}ba ({num(md.value)} × {per_epoch} batches per epoch)"
    else:
        return  # units Composer cannot compare: it only logs a debug message
    yield ctx.hit(f"t_max {written} is shorter than max_duration {limit}: {s.scheduler} raises ValueError at "
                  f"the first training step (the LR schedule would not cover the whole run); leave t_max at "
                  f"its default 1dur or make it at least {md.text()}", s.t_max.key, md.key)
