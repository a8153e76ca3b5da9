"""SL676 cerebras-eval-frequency-refused: an eval_frequency the Model Zoo trainer refuses at the start
of fit() when a validation dataloader is configured: a float outside (0.0, 1.0] or an integer below 0
raises ValueError, text raises TypeError [modelzoo trainer/callbacks/run_schedule.py
`_build_train_schedule`]. None and 0 mean no validation during training and are fine."""

from __future__ import annotations

from typing import Iterator

from ..settings import CerebrasSettings
from ....findings import Hit
from ....rules.context import RuleContext

CODE = "SL676"


def check(ctx: RuleContext) -> Iterator[Hit]:
    s: CerebrasSettings = ctx.settings
    value = s.eval_frequency
    if not s.validates or s.eval_frequency_key is None or not value:
        return
    if isinstance(value, float) and not 0.0 < value <= 1.0:
        why = "a float is a fraction of the run and must be in (0.0, 1.0]; write an integer to count steps"
    elif isinstance(value, int) and not isinstance(value, bool) and value < 0:
        why = "an integer counts steps and must be positive"
    elif isinstance(value, (str, bool, list, dict)):
        why = "it must be a positive integer (steps) or a float in (0.0, 1.0] (a fraction of the run)"
    else:
        return
    yield ctx.hit(f"eval_frequency {value!r} is refused when fit() starts ({why}): the run stops before its "
                  f"first step", s.eval_frequency_key)
