"""What the Ultralytics rules read that the canonical run has no place for."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional


@dataclass(frozen=True)
class UltralyticsSettings:
    """What the Ultralytics rules read (SL639)."""

    epochs: Optional[int] = None  # None when `time` decides the epochs
    epochs_key: Optional[str] = None
    close_mosaic: Optional[int] = None
    close_mosaic_key: Optional[str] = None  # None: default.yaml's 10
