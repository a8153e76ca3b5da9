"""What the LitGPT rules read that the canonical run has no place for."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

DEFAULT_WARMUP_STEPS = 100  # litgpt/args.py TrainArgs.lr_warmup_steps


@dataclass(frozen=True)
class LitgptSettings:
    """What the LitGPT rules read (SL520)."""

    warmup_steps: Optional[float] = None  # as the config leaves it: 100 when the key is absent
    warmup_steps_key: Optional[str] = None  # None when the value is LitGPT's default
    warmup_fraction: Optional[float] = None
    warmup_fraction_key: Optional[str] = None
