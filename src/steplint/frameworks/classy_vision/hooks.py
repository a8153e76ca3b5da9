"""The composite param schedulers rule SL627 reads [classy_vision/optim/param_scheduler/
composite_scheduler.py `CompositeParamScheduler.from_config`]."""

from __future__ import annotations

from ..base import RunBuilder, Source, fvcore_composites, value_at
from .settings import ClassyVisionSettings


def adapt(data: dict, b: RunBuilder, source: Source) -> dict:
    prefix, task = ("config.", data["config"]) if isinstance(data.get("config"), dict) else ("", data)
    composites = fvcore_composites(value_at(task, "optimizer", "param_schedulers"), f"{prefix}optimizer.param_schedulers.")
    return {"settings": ClassyVisionSettings(composites=composites)}
