"""What the GPT-NeoX rules read that the canonical run has no place for."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

@dataclass(frozen=True)
class NeoxSettings:
    """What the NeoX / Megatron rules read (SL530-SL532)."""

    megatron: bool = False  # Megatron-LM keys (lr_warmup_*) rather than NeoX's `warmup`
    train_iters: Optional[int] = None
    train_iters_key: Optional[str] = None
    decay_iters: Optional[float] = None  # the horizon the warmup fraction multiplies
    decay_key: Optional[str] = None
    decay_how: str = ""  # "lr_decay_iters", "floor(train_iters × lr_decay_fraction)", "train_iters"
    warmup: Optional[float] = None  # the fraction as written
    warmup_key: Optional[str] = None
    warmup_iters: Optional[float] = None  # Megatron lr_warmup_iters
    warmup_iters_key: Optional[str] = None
