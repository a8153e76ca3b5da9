"""What verl's own rule (SL710) reads: the batch sizes as written (None when the file does not write them)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional


@dataclass(frozen=True)
class VerlSettings:
    train_batch_size: Any = None
    ppo_mini_batch_size: Any = None
    rollout_n: Any = None
    n_gpus_per_node: Any = None
    nnodes: Any = None
    dynamic_bsz: Optional[bool] = None
    strategy: Any = None
