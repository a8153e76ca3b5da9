"""What LAVIS's own rule (SL711) reads."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional


@dataclass(frozen=True)
class LavisSettings:
    lr_sched: Optional[str] = None
    warmup_steps: Any = None  # iterations, as written
    iteration_runner: bool = False
