"""What the torchtitan rules read that the canonical run has no place for."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional


@dataclass(frozen=True)
class TorchtitanSettings:
    """The warmup build_lr_schedulers clamps (SL670)."""

    warmup_steps: Optional[int] = None  # as written (or JobConfig's default, 200)
    warmup_key: Optional[str] = None
    warmup_written: bool = False
    schedule_steps: Optional[int] = None  # lr_scheduler.total_steps, else training.steps
    schedule_key: Optional[str] = None
