"""What the ClassyVision rule reads."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ClassyVisionSettings:
    # (key of the scheduler, number of schedulers, the lengths as numbers) per composite scheduler
    composites: tuple = ()
