"""What the ai-toolkit rules read that the canonical run has no place for."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional


@dataclass(frozen=True)
class AiToolkitSettings:
    """What the ai-toolkit rules read (SL635, SL636)."""

    process_key: str = "config.process[0]"
    gradient_accumulation: Optional[float] = None  # train.gradient_accumulation as written
    gradient_accumulation_steps: Optional[float] = None  # train.gradient_accumulation_steps as written
    lr_scheduler: Optional[str] = None  # train.lr_scheduler as written ("constant" when absent)
