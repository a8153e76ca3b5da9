"""The composite param schedulers rule SL627 reads [classy_vision/optim/param_scheduler/
composite_scheduler.py `CompositeParamScheduler.from_config`], and a fractional num_epochs, which
runs whole train phases [classy_vision/tasks/classification_task.py `_build_phases`]."""

from __future__ import annotations

import math

from ..base import RunBuilder, Source, fvcore_composites, value_at
from .settings import ClassyVisionSettings
from ...units import Unit


def adapt(data: dict, b: RunBuilder, source: Source) -> dict:
    prefix, task = ("config.", data["config"]) if isinstance(data.get("config"), dict) else ("", data)
    epochs = b.get("epochs")
    # _build_phases: `for _ in range(math.ceil(self.train_phases_per_epoch * self.num_epochs))` train
    # phases, each a whole pass over the dataset (train_phases_per_epoch is the dataset's phases_per_epoch
    # attribute, 1 unless a custom dataset sets it: a config that writes another leaves the epochs as read)
    phases = value_at(task, "dataset", "train", "phases_per_epoch")
    if isinstance(epochs, dict) and epochs.get("unit") is Unit.EPOCH and phases in (None, 1) \
            and math.isfinite(epochs["value"]) and epochs["value"] != int(epochs["value"]):
        whole = math.ceil(epochs["value"])
        b.duration("epochs", whole, tuple(epochs["key"].split(".")), Unit.EPOCH,
                   note=f"num_epochs {epochs['value']:g} rounded up: ClassyVision runs ceil(num_epochs) whole train phases")
    composites = fvcore_composites(value_at(task, "optimizer", "param_schedulers"), f"{prefix}optimizer.param_schedulers.")
    return {"settings": ClassyVisionSettings(composites=composites)}
