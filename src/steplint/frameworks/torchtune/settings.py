"""What the torchtune rules read that the canonical run has no place for."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

@dataclass(frozen=True)
class TorchtuneSettings:
    version: Optional[str] = None  # --framework-version torchtune=...; None = HEAD behaviour
    accumulation_key: Optional[str] = None
    optimizer_in_bwd: bool = False
    optimizer_in_bwd_key: Optional[str] = None
    max_steps_per_epoch: Optional[int] = None

    @property
    def carries_leftovers(self) -> bool:
        """torchtune <= 0.6: leftover micro-batches are run and carried into the next epoch."""
        v = self.version or ""
        parts = v.split(".")
        return len(parts) >= 2 and parts[0] == "0" and parts[1].isdigit() and int(parts[1]) <= 6
