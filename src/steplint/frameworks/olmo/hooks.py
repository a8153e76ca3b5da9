"""What the OLMo profile cannot say as data: the settings rules SL510 (warmup truncated by int())
and SL511 (device batch floored) read [S-OL olmo/config.py, scripts/train.py]."""

from __future__ import annotations

import math
from typing import Any, Optional

from ..base import RunBuilder, Source
from .settings import OlmoSettings
from ...units import to_number


def _number(value: Any) -> Optional[float]:
    number = to_number(value)
    return number if number is not None and math.isfinite(number) else None


def adapt(data: dict, b: RunBuilder, source: Source) -> dict:
    settings: dict[str, Any] = {}
    if b.has("global_batch_size"):
        settings.update(global_batch=b.get("global_batch_size")["value"], global_batch_key="global_train_batch_size")
    micro = _number(data.get("device_train_microbatch_size"))
    if isinstance(micro, int) and micro > 0:
        settings.update(microbatch=micro, microbatch_key="device_train_microbatch_size")
    scheduler = data.get("scheduler") if isinstance(data.get("scheduler"), dict) else {}
    units = str(scheduler.get("units") or "steps")
    if units in ("steps", "tokens"):  # another unit: OLMo refuses it, and the profile reads neither value
        settings["units"] = units
        for arg in ("t_warmup", "t_max"):
            number = _number(scheduler.get(arg))
            if number is not None:
                settings[arg], settings[f"{arg}_key"] = number, f"scheduler.{arg}"
    # evaluators: [] means nothing is ever evaluated
    return {"settings": OlmoSettings(**settings), "ruled_out": ("eval",) if data.get("evaluators") == [] else ()}
