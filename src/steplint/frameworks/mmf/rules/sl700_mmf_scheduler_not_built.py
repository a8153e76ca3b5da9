"""SL700 mmf-scheduler-not-built: a `scheduler:` block, or training.use_warmup, in a config whose
training.lr_scheduler is not true. MMF builds an LR scheduler only when training.lr_scheduler is
True (False in mmf/configs/defaults.yaml) [mmf/trainers/callbacks/lr_scheduler.py
`LRSchedulerCallback.__init__`]; otherwise the scheduler, its warmup and the pythia warmup
(training.use_warmup, read only by that scheduler's lr_lambda_update) are never used."""

from __future__ import annotations

from typing import Iterator

from ..settings import MmfSettings
from ....findings import Hit
from ....rules.context import RuleContext, num
from ....units import to_number

CODE = "SL700"


def check(ctx: RuleContext) -> Iterator[Hit]:
    s: MmfSettings = ctx.settings
    if s.fragment or s.lightning or s.lr_scheduler:
        return
    total = ctx.plan.total_optimizer_steps
    run = "the learning rate stays at its initial value for the whole run" + (
        f" ({ctx.run_length()})" if total is not None else "")
    if s.scheduler_type:
        parts = [f"{name} {num(to_number(s.param(name)))}" for name in ("num_warmup_steps", "num_training_steps")
                 if to_number(s.param(name)) is not None]
        detail = f" ({', '.join(parts)})" if parts else ""
        yield ctx.hit(f"scheduler '{s.scheduler_type}'{detail} is never built: training.lr_scheduler is not true "
                      f"(MMF's default is false), so {run}; set training.lr_scheduler: true", "scheduler.type")
    elif s.use_warmup:
        iterations = to_number(s.warmup_iterations)
        shown = f" of {num(iterations)} updates" if iterations is not None else ""
        yield ctx.hit(f"training.use_warmup: true has no effect: the warmup{shown} belongs to the LR scheduler, "
                      f"which MMF builds only with training.lr_scheduler: true (false here), so there is no "
                      f"warmup and {run}", "training.use_warmup", "training.lr_scheduler")
