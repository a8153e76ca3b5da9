"""SL504 composer-bare-eval-interval: a bare integer eval_interval, which Composer reads as epochs,
in a run whose max_duration counts batches, samples or tokens
[S-CO composer/utils/misc.py `create_interval_scheduler`: ensure_time(interval, EPOCH)]."""

from __future__ import annotations

from typing import Iterator

from ..reader import ComposerSettings
from ....findings import Hit
from ....rules.context import RuleContext, num

CODE = "SL504"


def check(ctx: RuleContext) -> Iterator[Hit]:
    s: ComposerSettings = ctx.settings
    if s.eval_interval is None or s.max_duration is None or not s.evaluates:
        return
    interval, md = s.eval_interval, s.max_duration
    if not interval.bare or interval.value <= 1 or md.unit == "ep":
        return
    if ctx.plan.optimizer_steps_per_epoch is not None:
        return  # the epoch length is known: SL204 compares the interval with the run
    n = num(interval.value)
    yield ctx.hit(f"eval_interval: {n} is a bare number, which Composer reads as {n} epochs, but max_duration "
                  f"is {md.text()}: unless an epoch is shorter than 1/{n} of the run, evaluation happens only at "
                  f"the end of training; write '{n}ba' to evaluate every {n} batches", interval.key, md.key)
