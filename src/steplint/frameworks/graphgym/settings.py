"""What the GraphGym rule reads."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional


@dataclass(frozen=True)
class GraphGymSettings:
    scheduler: Optional[str] = None  # optim.scheduler as written; None when absent (the default, cos)
