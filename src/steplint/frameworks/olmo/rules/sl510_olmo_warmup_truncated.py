"""SL510 olmo-warmup-truncated: a fractional scheduler t_warmup or t_max, which OLMo casts with
int(), so 0.01 becomes 0 [S-OL olmo/optim.py `build_scheduler`]. OLMo counts them in steps (or
tokens with `units: tokens`), never as a fraction of the run."""

from __future__ import annotations

from typing import Iterator

from ..settings import OlmoSettings
from ....findings import Hit
from ....rules.context import RuleContext, num

CODE = "SL510"


def check(ctx: RuleContext) -> Iterator[Hit]:
    s: OlmoSettings = ctx.settings
    total = ctx.plan.total_optimizer_steps
    for arg, value, key in (("t_warmup", s.t_warmup, s.t_warmup_key), ("t_max", s.t_max, s.t_max_key)):
        if value is None or not 0 < value < 1:
            continue
        meant = ""
        if s.units == "steps" and total is not None:
            meant = f"; {value:.0%} of this {total}-step run would be {num(round(value * total))}"
        effect = "no warmup at all" if arg == "t_warmup" else "a schedule that ends at step 0"
        yield ctx.hit(f"scheduler.{arg} {num(value)} is cast with int() to 0 {s.units}: {effect}. OLMo counts "
                      f"{arg} in {s.units}, not as a fraction of the run{meant}", key)
