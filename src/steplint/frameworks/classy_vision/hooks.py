"""The composite param schedulers rule SL627 reads [classy_vision/optim/param_scheduler/
composite_scheduler.py `CompositeParamScheduler.from_config`]."""

from __future__ import annotations

import math

from ..base import RunBuilder, Source
from ...units import to_number
from .settings import ClassyVisionSettings


def adapt(data: dict, b: RunBuilder, source: Source) -> dict:
    prefix, task = ("config.", data["config"]) if isinstance(data.get("config"), dict) else ("", data)
    optimizer = task.get("optimizer") if isinstance(task.get("optimizer"), dict) else {}
    schedulers = optimizer.get("param_schedulers") if isinstance(optimizer.get("param_schedulers"), dict) else {}
    found = []
    for name, spec in schedulers.items():
        if not isinstance(spec, dict) or spec.get("name") != "composite":
            continue
        parts, lengths = spec.get("schedulers"), spec.get("lengths")
        if not isinstance(parts, list) or not isinstance(lengths, list):
            continue
        numbers = [to_number(v) for v in lengths]
        if all(isinstance(n, (int, float)) and not isinstance(n, bool) and math.isfinite(n) for n in numbers):
            found.append((f"{prefix}optimizer.param_schedulers.{name}", len(parts), tuple(numbers)))
    return {"settings": ClassyVisionSettings(composites=tuple(found))}
