"""SL501 composer-warmup-units: t_warmup and t_max end up in different time units, which the
Composer *_with_warmup schedulers refuse with a ValueError at the first training step
[S-CO composer/optim/scheduler.py `_convert_time`, `_raise_if_warmup_and_max_incompatible`]."""

from __future__ import annotations

from typing import Iterator, Optional

from ..reader import UNIT_WORDS, WARMUP_SCHEDULERS, ComposerSettings, Time
from ....findings import Hit
from ....rules.context import RuleContext

CODE = "SL501"


def converted(time: Time, max_duration: Time, batches_per_epoch: Optional[int]) -> tuple[Optional[float], str]:
    """What Composer's `_convert_time` makes of a scheduler time: (value or None, unit). `dur`
    becomes int(fraction × max_duration) in max_duration's unit (batches when max_duration is in
    epochs), `ep` becomes batches; the value is None when it needs the dataloader length."""
    if time.unit == "dur":
        if max_duration.unit == "ep":
            value = None if batches_per_epoch is None else int(time.value * batches_per_epoch * max_duration.value)
            return value, "ba"
        return int(time.value * max_duration.value), max_duration.unit
    if time.unit == "ep":
        return (None if batches_per_epoch is None else time.value * batches_per_epoch), "ba"
    return time.value, time.unit


def settings(ctx: RuleContext) -> Optional[ComposerSettings]:
    s = ctx.semantics.framework
    return s if isinstance(s, ComposerSettings) else None


def check(ctx: RuleContext) -> Iterator[Hit]:
    s = settings(ctx)
    if s is None or s.t_warmup is None or s.max_duration is None or s.scheduler not in WARMUP_SCHEDULERS:
        return
    md = s.max_duration
    if md.unit not in ("ep", "ba", "sp", "tok"):
        return
    t_max = s.t_max or Time(1, "dur", ())
    _, warmup_unit = converted(s.t_warmup, md, None)
    _, max_unit = converted(t_max, md, None)
    if warmup_unit == max_unit or "iter" in (warmup_unit, max_unit) or "sec" in (warmup_unit, max_unit):
        return
    how = f"t_max {t_max.text()}" if s.t_max else "t_max (default 1dur)"
    if t_max.unit == "dur":
        how += f" is a fraction of max_duration {md.text()}, so it counts {UNIT_WORDS[max_unit]}"
    else:
        how += f" counts {UNIT_WORDS[max_unit]}"
    warmup = f"t_warmup {s.t_warmup.text()} counts {UNIT_WORDS[warmup_unit]}"
    if s.t_warmup.unit != warmup_unit:
        warmup += f" (Composer converts {UNIT_WORDS[s.t_warmup.unit]} to {UNIT_WORDS[warmup_unit]})"
    yield ctx.hit(f"{warmup} but {how}: {s.scheduler} raises ValueError at the first training step "
                  f"(t_warmup and t_max must use the same units); write t_warmup in {UNIT_WORDS[max_unit]}",
                  s.t_warmup.key, s.t_max.key if s.t_max else md.key, s.scheduler_key)

