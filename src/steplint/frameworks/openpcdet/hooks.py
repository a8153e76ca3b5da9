"""The settings the OpenPCDet rules read (SL620, SL621) [tools/train_utils/optimization/__init__.py]."""

from __future__ import annotations

from ..base import RunBuilder, Source
from .settings import OpenPcdetSettings


def adapt(data: dict, b: RunBuilder, source: Source) -> dict:
    optimization = data.get("OPTIMIZATION")
    if not isinstance(optimization, dict):
        return {"settings": OpenPcdetSettings()}
    optimizer = optimization.get("OPTIMIZER")
    return {"settings": OpenPcdetSettings(optimizer=optimizer if isinstance(optimizer, str) else None,
                                          lr_warmup=optimization.get("LR_WARMUP") is True)}
