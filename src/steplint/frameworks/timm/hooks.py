"""What the timm profile cannot say as data: how many epochs run, which create_scheduler_v2 decides
[S-TM timm/scheduler/scheduler_factory.py `create_scheduler_v2`, timm/scheduler/cosine_lr.py
`get_cycle_length`; train.py], and no evaluation without a val_split [train.py `main`]."""

from __future__ import annotations

import math
from typing import Any, Optional

from ..base import RunBuilder, Source
from ...units import Unit, to_number

CYCLE_SCHEDULERS = ("cosine", "tanh", "poly")  # the ones with get_cycle_length


def _number(value: Any) -> Optional[float]:
    number = to_number(value)
    return number if number is not None and math.isfinite(number) else None


def adapt(data: dict, b: RunBuilder, source: Source) -> dict:
    _epochs(data, b)
    # train.py `main`: `if args.val_split:` builds loader_eval (--val-split defaults to 'validation'),
    # and the epoch loop validates only `if loader_eval is not None:`; the checkpoint is still saved
    split = data.get("val_split", "validation")
    if split is None or split is False or split == "":  # as the profile's val_interval entries
        return {"ruled_out": ("eval",)}
    return {}


def _epochs(data: dict, b: RunBuilder) -> None:
    epochs = _number(data.get("epochs"))
    if epochs is None or epochs <= 0 or epochs != int(epochs):
        return
    epochs = int(epochs)
    sched = data.get("sched", "cosine")
    warmup = int(_number(data.get("warmup_epochs", 5)) or 0)
    prefix = data.get("warmup_prefix") is True
    how = []
    if sched in CYCLE_SCHEDULERS:
        limit = _number(data.get("lr_cycle_limit", 1))
        mul = _number(data.get("lr_cycle_mul", 1.0))
        if limit is None or mul is None or limit != int(limit):
            return
        cycles = max(1, int(limit))
        total = epochs * cycles if mul == 1.0 else int(math.floor(-epochs * (mul ** cycles - 1) / (1 - mul)))
        if cycles > 1:
            how.append(f"{cycles} cycles")
        if prefix:
            total, _ = total + warmup, how.append(f"warmup prefix {warmup}")
        cooldown = int(_number(data.get("cooldown_epochs", 0)) or 0)
        if cooldown:
            total, _ = total + cooldown, how.append(f"cooldown {cooldown}")
    elif sched in ("step", "multistep", "plateau"):
        total = epochs + (warmup if prefix else 0)
        if prefix:
            how.append(f"warmup prefix {warmup}")
    else:
        return  # another scheduler (or none): how many epochs run is not read
    b.duration("epochs", total, ("epochs",), Unit.EPOCH,
               note=f"epochs {epochs} + " + ", ".join(how) if how else None)
