"""What the PySlowFast rules read that the canonical run has no place for."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional


@dataclass(frozen=True)
class SlowFastSettings:
    num_gpus: Optional[int] = None          # NUM_GPUS (processes per machine), default 1
    num_gpus_key: Optional[str] = None      # None: the default
    batch_sizes: tuple = ()                 # ((key, value, written), ...) for TRAIN/TEST.BATCH_SIZE
    lr_policy: Optional[str] = None
    steps: Optional[tuple] = None           # SOLVER.STEPS, epochs
    lrs: Optional[tuple] = None             # SOLVER.LRS, multipliers of BASE_LR
    max_epoch: Optional[float] = None
    counted: bool = True                    # False: multigrid or test-only, the schedule is not read
