"""SL407 hf-float-warmup-steps: a fractional warmup_steps, which transformers 4.x refuses
(ValueError) and 5.x reads as a ratio of the run."""

from __future__ import annotations

from typing import Iterator

from ..reader import TRANSFORMERS_VERSION, HFSettings, is_float_value, number_of
from ....findings import Hit
from ....rules.context import RuleContext, num

CODE = "SL407"


def check(ctx: RuleContext) -> Iterator[Hit]:
    s: HFSettings = ctx.settings
    steps = s.written("warmup_steps")
    if steps is None or not is_float_value(steps.value) or number_of(steps) is None or number_of(steps) <= 0:
        return
    value, v = number_of(steps), s.version
    meaning = f"{value:.0%} of the run" if value < 1 else f"{int(value)} steps"
    if not v.at_least(5):
        yield ctx.hit(f"{steps.key} {num(value)} is a float: transformers {v.text} raises ValueError (warmup_steps must "
                      f"be of type int); write a whole number, or warmup_ratio for a fraction", steps.key)
    elif not v.known:
        yield ctx.needs(TRANSFORMERS_VERSION, f"what {steps.key} {num(value)} means ({meaning} in transformers 5.x; "
                        f"4.x raises ValueError for a float)", steps.key)
