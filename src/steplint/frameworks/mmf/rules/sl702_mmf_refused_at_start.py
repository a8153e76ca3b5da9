"""SL702 mmf-refused-at-start: settings MMF raises on before the first update.

- training.max_updates and training.max_epochs both null: `get_max_updates` raises ValueError
  ("Neither max_updates nor max_epochs is specified") [mmf/utils/general.py].
- scheduler `multi_step` (with training.lr_scheduler true) reads use_warmup, lr_steps, lr_ratio and
  warmup_factor from scheduler.params as kwargs[...] (KeyError when one is missing) and asserts
  warmup_iterations < lr_steps[0] [mmf/modules/schedulers.py `MultiStepScheduler.__init__`].
"""

from __future__ import annotations

from typing import Iterator

from ..settings import MULTI_STEP_ARGS, MmfSettings
from ....findings import Hit
from ....rules.context import RuleContext, num
from ....units import to_number

CODE = "SL702"


def check(ctx: RuleContext) -> Iterator[Hit]:
    s: MmfSettings = ctx.settings
    if s.fragment or s.lightning:
        return
    if s.max_updates is None and s.max_epochs is None:
        yield ctx.hit("training.max_updates and training.max_epochs are both null: MMF stops at start with "
                      "ValueError 'Neither max_updates nor max_epochs is specified'", "training.max_updates",
                      "training.max_epochs")
    if not s.lr_scheduler or s.scheduler_type != "multi_step":
        return
    missing = [name for name in MULTI_STEP_ARGS if s.param(name) is None]
    if missing:
        yield ctx.hit(f"scheduler multi_step needs scheduler.params.{', '.join(missing)}: MMF stops at start with "
                      f"KeyError '{missing[0]}'", "scheduler.params" if s.scheduler_params else "scheduler.type")
        return
    steps = s.param("lr_steps")
    first = to_number(steps[0]) if isinstance(steps, list) and steps else None
    warmup = to_number(s.param("warmup_iterations")) if s.param("use_warmup") is True else 0
    if s.param("use_warmup") is True and s.param("warmup_iterations") is None:
        yield ctx.hit("scheduler multi_step with use_warmup: true needs scheduler.params.warmup_iterations: MMF "
                      "stops at start with KeyError 'warmup_iterations'", "scheduler.params.use_warmup")
    elif first is not None and warmup is not None and warmup >= first:
        yield ctx.hit(f"scheduler multi_step: warmup_iterations {num(warmup)} is not below the first of lr_steps "
                      f"({num(first)}): MMF stops at start with an AssertionError (warmup_iterations < lr_steps[0])",
                      "scheduler.params.warmup_iterations", "scheduler.params.lr_steps")
