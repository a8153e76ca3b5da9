"""What the OLMo rules read that the canonical run has no place for."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

@dataclass(frozen=True)
class OlmoSettings:
    """What the OLMo rules read (SL510, SL511)."""

    t_warmup: Optional[float] = None
    t_warmup_key: Optional[str] = None
    t_max: Optional[float] = None
    t_max_key: Optional[str] = None
    units: str = "steps"
    global_batch: Optional[int] = None
    global_batch_key: Optional[str] = None
    microbatch: Optional[int] = None
    microbatch_key: Optional[str] = None
