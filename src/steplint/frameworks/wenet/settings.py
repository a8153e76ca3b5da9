"""What WeNet's own rules (SL791, SL793) read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional


@dataclass(frozen=True)
class WenetSettings:
    version: Optional[str] = None  # --framework-version wenet=...; None = HEAD behaviour
    accum_grad_written: bool = True
    # wenet/bin/train.py: range(start_epoch, end_epoch) runs at least one epoch (a fresh run starts at 0)
    trains: bool = True
    # save_interval written: one epoch over the data cycled max_epoch times (train.py:139-140,
    # train_utils.py:371-372), so batch_idx never restarts
    steps_mode: bool = False

    @property
    def defaults_accum_grad(self) -> bool:
        """WeNet before v3.0.0 read `args.get('accum_grad', 1)` (v2.2.1 wenet/utils/executor.py)."""
        major = (self.version or "").lstrip("v").split(".")[0]
        return major.isdigit() and int(major) < 3
