"""The settings WeNet's rule SL791 reads (accum_grad, which WeNet reads without a default)."""

from __future__ import annotations

from ..base import RunBuilder, Source
from .settings import WenetSettings


def _trains(data: dict) -> bool:
    """At least one epoch runs: wenet/bin/train.py `end_epoch = configs.get('max_epoch', 100) if
    "save_interval" not in configs else 1`, then `for epoch in range(start_epoch, end_epoch)`. A
    max_epoch that is not a positive integer runs none (or fails in range()), so say nothing."""
    if "save_interval" in data or "max_epoch" not in data:
        return True
    epochs = data["max_epoch"]
    return isinstance(epochs, int) and not isinstance(epochs, bool) and epochs > 0


def adapt(data: dict, b: RunBuilder, source: Source) -> dict:
    return {"settings": WenetSettings(version=source.version("wenet"), accum_grad_written="accum_grad" in data,
                                      trains=_trains(data))}
