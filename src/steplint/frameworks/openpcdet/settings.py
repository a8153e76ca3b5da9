"""What the OpenPCDet rules read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional


@dataclass(frozen=True)
class OpenPcdetSettings:
    optimizer: Optional[str] = None
    lr_warmup: bool = False          # OPTIMIZATION.LR_WARMUP is true
