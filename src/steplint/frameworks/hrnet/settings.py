"""What the HRNet rule reads that the canonical run has no place for."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional


@dataclass(frozen=True)
class HrnetSettings:
    segmentation: bool = False
    gpus: Optional[int] = None       # len(GPUS): the ranks the poly LR's horizon assumes
    end_epoch: Optional[int] = None
    begin_epoch: int = 0
    lr_step: Optional[tuple] = None  # classification: MultiStepLR milestones (scheduler epochs)
    lr_step_written: bool = False
