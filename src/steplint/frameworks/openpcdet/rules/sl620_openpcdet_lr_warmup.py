"""SL620 openpcdet-lr-warmup: OPTIMIZATION.LR_WARMUP true does not do what it says. With adam or
sgd, build_scheduler builds CosineWarmupLR(T_max=WARMUP_EPOCH * len(total_iters_each_epoch)), and
total_iters_each_epoch is len(train_loader), an int: TypeError before the first step. With
adam_onecycle or adam_cosineanneal no warmup scheduler is built at all: their own warmup
(PCT_START, WARMUP_ITER) is the only one [tools/train_utils/optimization/__init__.py, tools/train.py]."""

from __future__ import annotations

from typing import Iterator

from ..settings import OpenPcdetSettings
from ....findings import Hit, Severity
from ....rules.context import RuleContext

CODE = "SL620"


def check(ctx: RuleContext) -> Iterator[Hit]:
    s: OpenPcdetSettings = ctx.settings
    if not s.lr_warmup or s.optimizer is None:
        return
    if s.optimizer in ("adam", "sgd"):
        yield ctx.hit(f"OPTIMIZATION.LR_WARMUP with OPTIMIZER {s.optimizer}: OpenPCDet's build_scheduler computes "
                      f"WARMUP_EPOCH * len(total_iters_each_epoch) of an int and fails with TypeError before the first "
                      f"step; drop LR_WARMUP or use adam_onecycle (PCT_START warms up)", "OPTIMIZATION.LR_WARMUP",
                      "OPTIMIZATION.OPTIMIZER")
    elif s.optimizer in ("adam_onecycle", "adam_cosineanneal"):
        own = "PCT_START" if s.optimizer == "adam_onecycle" else "WARMUP_ITER"
        yield ctx.hit(f"OPTIMIZATION.LR_WARMUP is ignored with OPTIMIZER {s.optimizer}: OpenPCDet builds no warmup "
                      f"scheduler for it, so WARMUP_EPOCH has no effect; its warmup is OPTIMIZATION.{own}",
                      "OPTIMIZATION.LR_WARMUP", "OPTIMIZATION.OPTIMIZER", severity=Severity.WARNING)
