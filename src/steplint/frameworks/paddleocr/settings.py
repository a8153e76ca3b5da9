"""What the PaddleOCR rules read that the canonical run has no place for."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional


@dataclass(frozen=True)
class PaddleocrSettings:
    """What the PaddleOCR rules read (SL637, SL638)."""

    eval_start: Optional[float] = None  # Global.eval_batch_step[0]
    eval_interval: Optional[float] = None  # Global.eval_batch_step[1] (or the number itself)
    save_epoch_step: Optional[float] = None
    print_batch_step: Optional[float] = None
