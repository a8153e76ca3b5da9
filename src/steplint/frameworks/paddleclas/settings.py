"""What the PaddleClas rules read that the canonical run has no place for."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional


@dataclass(frozen=True)
class PaddleclasSettings:
    """What the PaddleClas rules read (SL630-SL632)."""

    epochs: Optional[int] = None  # Global.epochs
    update_freq: int = 1  # Global.update_freq as written (PaddleClas default 1)
    update_freq_key: Optional[str] = None
    iter_per_epoch: Optional[int] = None  # Global.iter_per_epoch: an epoch's iterations, whatever the loader
    # intervals the engine divides by: 0 raises ZeroDivisionError
    print_batch_step: Optional[float] = None
    eval_interval: Optional[float] = None  # only when Global.eval_during_train is true
    # (key, value) of each `epochs` / `step_each_epoch` written in an Optimizer's lr section, which
    # build_lr_scheduler replaces with Global.epochs and iter_per_epoch // update_freq
    lr_epochs: tuple[tuple[str, float], ...] = ()
    lr_steps_per_epoch: tuple[tuple[str, float], ...] = ()
