"""What the VISSL rule reads."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class VisslSettings:
    # (key of the scheduler, number of schedulers, the lengths as numbers) for each composite
    # param scheduler VISSL hands to ClassyVision unchanged
    composites: tuple = ()
