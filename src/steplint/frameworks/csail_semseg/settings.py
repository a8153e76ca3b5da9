"""What the CSAIL semantic-segmentation rule reads."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CsailSettings:
    num_epoch: int = 0
    start_epoch: int = 0
    # (key, epoch named by the file name, the file name, written) for VAL / TEST.checkpoint
    checkpoints: tuple = ()
