"""SL472 torchtune-optimizer-in-bwd-accumulation: optimizer_in_bwd with gradient accumulation."""

from __future__ import annotations

from typing import Iterator

from ..settings import TorchtuneSettings
from ....findings import Hit
from ....rules.context import RuleContext

CODE = "SL472"


def check(ctx: RuleContext) -> Iterator[Hit]:
    s: TorchtuneSettings = ctx.settings
    ga = ctx.run.gradient_accumulation
    if not s.optimizer_in_bwd or ga is None or ga.value <= 1:
        return
    yield ctx.hit(f"optimizer_in_bwd: True steps the optimizer inside backward, so it cannot accumulate: with "
                  f"gradient_accumulation_steps {ga.value} the recipe raises RuntimeError at setup "
                  f"(set gradient_accumulation_steps: 1 or optimizer_in_bwd: False)", s.optimizer_in_bwd_key, ga.key)
