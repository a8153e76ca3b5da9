"""SL704 nemo-cosine-no-decay: NeMo's CosineAnnealing with constant_steps whose warmup and constant
steps fill the whole schedule. With constant_steps > 0 it decays over decay_steps = max_steps -
(constant_steps + warmup_steps) and holds min_lr after that (WarmupAnnealHoldPolicy.__init__,
get_lr; _linear_warmup_with_cosine_annealing in nemo/core/optim/lr_scheduler.py): when that is 0 or
less the LR falls from its peak straight to min_lr at the end of the warmup."""

from __future__ import annotations

from typing import Iterator

from ..reader import LightningSettings
from ....findings import Hit
from ....rules.context import RuleContext, num

CODE = "SL704"


def check(ctx: RuleContext) -> Iterator[Hit]:
    s: LightningSettings = ctx.settings
    sched = s.nemo_sched
    if s.flavour != "nemo" or sched is None or sched.name != "CosineAnnealing" or sched.horizon is None:
        return
    horizon = sched.horizon
    if sched.warmup_steps is not None:
        warmup = sched.warmup_steps
    else:
        warmup = int(sched.warmup_ratio * horizon) if sched.warmup_ratio is not None else 0
    if sched.constant_steps is not None:
        constant, constant_key = sched.constant_steps, f"{sched.key}.constant_steps"
    elif sched.constant_ratio is not None:
        constant, constant_key = int(sched.constant_ratio * horizon), f"{sched.key}.constant_ratio"
    else:
        return
    decay = horizon - (constant + warmup)
    if constant <= 0 or decay > 0:
        return
    floor = f" {sched.min_lr:g}" if sched.min_lr is not None else ""
    yield ctx.hit(f"warmup {num(warmup)} + constant_steps {num(constant)} leave no decay in a {num(horizon)}-step "
                  f"CosineAnnealing (decay steps {num(horizon)} − {num(constant + warmup)} = {num(decay)}): after "
                  f"step {num(warmup)} the LR drops at once to min_lr{floor} for the remaining "
                  f"{num(max(horizon - warmup, 0))} steps", constant_key, f"{sched.key}.warmup_steps")
