"""What the kohya rules read that the canonical run has no place for."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional


@dataclass(frozen=True)
class KohyaSettings:
    """What the kohya rules read (SL633)."""

    epoch: Optional[int] = None  # the GUI's `epoch`
    max_train_epochs: Optional[int] = None
    # a GUI preset with a dataset config and neither max_train_steps nor max_train_epochs: the GUI
    # computes no steps and sd-scripts trains its default 1600
    default_steps: bool = False
