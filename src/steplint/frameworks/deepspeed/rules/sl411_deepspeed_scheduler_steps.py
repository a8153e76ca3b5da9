"""SL411 deepspeed-scheduler-steps: a DeepSpeed LR scheduler whose step counts cannot work
(deepspeed/runtime/lr_schedules.py): total_num_steps missing where it is required, or a warmup that
is as long as the whole schedule."""

from __future__ import annotations

from typing import Iterator

from ..reader import SCHEDULERS_WITH_TOTAL, WARMUP_DEFAULT
from ....findings import Hit, Severity
from ....rules.context import RuleContext, num

CODE = "SL411"


def check(ctx: RuleContext) -> Iterator[Hit]:
    # DSSettings for a DeepSpeed file, HFSettings for a Trainer config that points to one
    config, key = ctx.settings.deepspeed, ctx.settings.deepspeed_key
    if config is None:
        return
    if config.scheduler is None or config.scheduler.value not in SCHEDULERS_WITH_TOTAL:
        return
    kind = config.scheduler.value
    where = f"{config.where}: " if key else ""
    at = key or config.scheduler.key
    total = config.total_num_steps
    if total is None:
        yield ctx.hit(f"{where}{kind} has no scheduler.params.total_num_steps: DeepSpeed raises TypeError when it "
                      f"builds the scheduler (total_num_steps is required)", at, severity=Severity.ERROR)
        return
    if total.auto or total.number is None:
        return
    warmup = config.warmup_num_steps
    if warmup is not None and (warmup.auto or warmup.number is None):
        return
    warmup_steps = WARMUP_DEFAULT if warmup is None else warmup.number
    default = " (the default)" if warmup is None else ""
    warmup_key = warmup.key if warmup is not None else "scheduler.params.warmup_num_steps"
    if kind == "WarmupCosineLR" and warmup_steps == total.number:
        yield ctx.hit(f"{where}{warmup_key} {num(warmup_steps)}{default} equals {total.key} {num(total.number)}: "
                      f"WarmupCosineLR divides by total - warmup = 0 after the warmup (ZeroDivisionError)",
                      key or (warmup.key if warmup is not None else total.key), severity=Severity.ERROR)
    elif warmup_steps >= total.number:
        yield ctx.hit(f"{where}{warmup_key} {num(warmup_steps)}{default} is not shorter than {total.key} "
                      f"{num(total.number)}: the learning rate is still warming up when the {kind} schedule ends "
                      f"(DeepSpeed only logs a warning)", key or (warmup.key if warmup is not None else total.key))
