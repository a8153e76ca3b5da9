"""SL681 maxtext-wsd-fractions-refused: a WSD schedule whose warmup_steps_fraction and
wsd_decay_steps_fraction add up to more than 1: MaxText's config validation raises ValueError before
training starts [maxtext configs/types.py: "Invalid WSD schedule: warmup_steps_fraction +
wsd_decay_steps_fraction must not exceed 1.0"]."""

from __future__ import annotations

from typing import Iterator

from ..reader import MaxTextSettings
from ....findings import Hit
from ....rules.context import RuleContext, num

CODE = "SL681"


def check(ctx: RuleContext) -> Iterator[Hit]:
    s: MaxTextSettings = ctx.settings
    if s.wsd_fractions is None:
        return
    warmup, decay = s.wsd_fractions
    if warmup + decay <= 1.0:
        return
    yield ctx.hit(f"warmup_steps_fraction {num(warmup)} + wsd_decay_steps_fraction {num(decay)} = "
                  f"{num(round(warmup + decay, 6))}, over 1.0: MaxText refuses the WSD schedule and stops before the "
                  f"first step", *s.wsd_keys)
