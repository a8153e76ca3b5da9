"""SL501 composer-warmup-units: t_warmup and t_max end up in different time units, which the
Composer *_with_warmup schedulers refuse with a ValueError at the first training step
[S-CO composer/optim/scheduler.py `_convert_time`, `_raise_if_warmup_and_max_incompatible`]."""

from __future__ import annotations

from typing import Iterator

from ..reader import ComposerSettings, Time, UNIT_WORDS, WARMUP_SCHEDULERS, converted
from ....findings import Hit
from ....rules.context import RuleContext

CODE = "SL501"


def check(ctx: RuleContext) -> Iterator[Hit]:
    s: ComposerSettings = ctx.settings
    if s.t_warmup is None or s.max_duration is None or s.scheduler not in WARMUP_SCHEDULERS:
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

