"""What the Cerebras Model Zoo rules read that the canonical run has no place for."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional


@dataclass(frozen=True)
class CerebrasSettings:
    """eval_frequency as written (SL676) and the LR schedule's length (SL675)."""

    run_steps: Optional[int] = None
    run_key: Optional[str] = None
    eval_frequency: Any = None
    eval_frequency_key: Optional[str] = None
    validates: bool = False  # a validation dataloader is configured
    schedule_steps: Optional[int] = None  # the sum of the schedulers' total_iters
    schedule_key: Optional[str] = None
    schedule_end_lr: Any = None
