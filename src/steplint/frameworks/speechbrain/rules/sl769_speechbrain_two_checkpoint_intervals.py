"""SL769 speechbrain-two-checkpoint-intervals: ckpt_interval_minutes and ckpt_interval_steps both set."""

from __future__ import annotations

from typing import Iterator

from ....findings import Hit
from ....rules.context import RuleContext, num
from ..reader import SpeechBrainSettings

CODE = "SL769"


def check(ctx: RuleContext) -> Iterator[Hit]:
    s: SpeechBrainSettings = ctx.settings
    if s.ckpt_minutes and s.ckpt_minutes > 0 and s.ckpt_steps and s.ckpt_steps > 0:
        yield ctx.hit(f"ckpt_interval_minutes {num(s.ckpt_minutes)} and ckpt_interval_steps {num(s.ckpt_steps)} are "
                      f"both set: SpeechBrain's Brain refuses to start (\"mutually exclusive\", sys.exit); keep one "
                      f"and set the other to 0", "ckpt_interval_steps", "ckpt_interval_minutes")
