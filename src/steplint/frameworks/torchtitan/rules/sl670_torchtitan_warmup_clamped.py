"""SL670 torchtitan-warmup-clamped: lr_scheduler.warmup_steps (200 when not written) longer than the
schedule's total steps (lr_scheduler.total_steps, else training.steps). torchtitan logs a warning and
cuts the warmup to the total, so the LR climbs for the whole run and never decays
[torchtitan torchtitan/components/lr_scheduler.py `build_lr_schedulers`, commit 238fa995]. The plan
counts the clamped warmup, so SL203 stays silent; this is the finding."""

from __future__ import annotations

from typing import Iterator

from ..settings import TorchtitanSettings
from ....findings import Hit
from ....rules.context import RuleContext, num

CODE = "SL670"


def check(ctx: RuleContext) -> Iterator[Hit]:
    s: TorchtitanSettings = ctx.settings
    if s.warmup_steps is None or s.schedule_steps is None or s.schedule_steps <= 0:
        return
    if s.warmup_steps <= s.schedule_steps:
        return
    written = f"warmup_steps {num(s.warmup_steps)} ({s.warmup_key})" if s.warmup_written else \
        f"the default warmup of {num(s.warmup_steps)} steps ({s.warmup_key} is not set)"
    key = s.warmup_key if s.warmup_written else s.schedule_key
    yield ctx.hit(f"{written} is longer than the {num(s.schedule_steps)}-step schedule ({s.schedule_key}): "
                  f"torchtitan cuts it to {num(s.schedule_steps)} steps, so the LR climbs for the whole run "
                  f"and never decays", key, s.schedule_key if s.warmup_written else None)
