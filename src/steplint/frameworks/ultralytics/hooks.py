"""What the Ultralytics profile cannot say as data: the accumulation the trainer derives from the
nominal batch size, and the settings of SL639 [S-UL ultralytics/engine/trainer.py
`_build_train_pipeline`, `_do_train`; ultralytics/cfg/default.yaml]."""

from __future__ import annotations

from typing import Any, Optional

from ..base import RunBuilder, Source
from .settings import UltralyticsSettings
from ...units import whole_number

DEFAULT_NBS = 64
DEFAULT_CLOSE_MOSAIC = 10
DEFAULT_EPOCHS = 100




def adapt(data: dict, b: RunBuilder, source: Source) -> dict:
    batch = whole_number(data.get("batch", 16))
    nbs = whole_number(data.get("nbs", DEFAULT_NBS))
    if batch is not None and batch >= 1 and nbs is not None and nbs >= 1:
        accumulate = max(round(nbs / batch), 1)  # Python's round, as the trainer's
        b.count("gradient_accumulation", accumulate, ("nbs",) if "nbs" in data else ("batch",),
                note=f"max(round(nbs {nbs} / batch {batch}), 1), after the warmup (it ramps from 1 during it)")
        # batch is split over the devices; one optimizer step sees batch × accumulate images
        b.count("global_batch_size", batch * accumulate, ("batch",), note=f"batch {batch} × accumulate {accumulate}")
    devices = _devices(data.get("device"))
    if devices:
        b.count("world_size", devices, ("device",))
    timed = data.get("time") not in (None, 0)
    epochs = None if timed else whole_number(data.get("epochs", DEFAULT_EPOCHS))
    close = whole_number(data.get("close_mosaic", DEFAULT_CLOSE_MOSAIC))
    return {"settings": UltralyticsSettings(
        epochs=epochs, epochs_key="epochs" if "epochs" in data else None,
        close_mosaic=close, close_mosaic_key="close_mosaic" if "close_mosaic" in data else None)}


def _devices(device: Any) -> Optional[int]:
    """How many devices `device` names: "0,1,2,3" or [0, 1] several, 0 or "cuda:0" one; None when it
    does not say (null, "", "cpu", "mps", -1: the trainer picks)."""
    if isinstance(device, list):
        return len(device) or None
    if isinstance(device, bool) or device is None:
        return None
    if isinstance(device, int):
        return 1 if device >= 0 else None
    if isinstance(device, str):
        parts = [p for p in device.split(":")[-1].split(",") if p.strip()]
        return len(parts) if parts and all(p.strip().isdigit() for p in parts) else None
    return None


def not_training(data: dict, b: RunBuilder, source: Source) -> dict:
    return {}
