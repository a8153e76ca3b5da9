"""What OpenNMT-py's own rules (SL707, SL708) read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional


@dataclass(frozen=True)
class OpennmtSettings:
    training: bool = True  # False for a vocabulary/data config
    decay_method: Any = "none"
    warmup_written: Optional[Any] = None  # warmup_steps as written (None: absent)
    accum_count: tuple = (1,)  # as a list
    accum_steps: tuple = (0,)
    accum_count_key: str = "accum_count"
    accum_steps_written: bool = False
    learning_rate: Any = None
    world_size: Any = 1
    gpu_ranks: Any = None
