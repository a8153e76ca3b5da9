"""What the nanotron rules read that the canonical run has no place for."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional


@dataclass(frozen=True)
class NanotronSettings:
    """The LR decay as nanotron computes it (SL660)."""

    train_steps: Optional[int] = None
    train_steps_key: Optional[str] = None
    decay_end: Optional[int] = None  # lr_decay_starting_step (else lr_warmup_steps) + lr_decay_steps
    decay_key: Optional[str] = None  # the key that makes the decay end early
