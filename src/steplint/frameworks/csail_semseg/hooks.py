"""What the CSAIL profile cannot say as data: the run is (num_epoch - start_epoch) × epoch_iters
iterations whatever the dataset size, with a checkpoint every epoch_iters [train.py], and the
epoch VAL.checkpoint / TEST.checkpoint name for rule SL625 [eval.py, test.py]."""

from __future__ import annotations

import re
from typing import Optional

from ..base import RunBuilder, Source
from ...units import Unit, whole_number
from .settings import CsailSettings

DEFAULTS = {"num_epoch": 20, "epoch_iters": 5000, "start_epoch": 0, "checkpoint": "epoch_20.pth"}
_EPOCH_FILE = re.compile(r"epoch_(\d+)\.pth")




def adapt(data: dict, b: RunBuilder, source: Source) -> dict:
    train = data.get("TRAIN") if isinstance(data.get("TRAIN"), dict) else {}

    def get(key: str) -> tuple[Optional[int], bool]:
        return whole_number(train.get(key, DEFAULTS[key])), key in train

    epochs, epochs_written = get("num_epoch")
    iters, iters_written = get("epoch_iters")
    start, _ = get("start_epoch")
    if epochs is None or iters is None or start is None or iters <= 0 or start < 0:
        return {"settings": CsailSettings()}
    run = (epochs - start) * iters
    key = ("TRAIN", "num_epoch") if epochs_written else ("TRAIN",)
    if run > 0:
        b.duration("max_steps", run, key, Unit.STEP,
                   note=f"(num_epoch {epochs} - start_epoch {start}) × epoch_iters {iters}")
        b.duration("checkpoint", iters, ("TRAIN", "epoch_iters") if iters_written else key, Unit.STEP,
                   note="encoder/decoder_epoch_N.pth after every epoch of epoch_iters iterations")
    checkpoints = []
    for section in ("VAL", "TEST"):
        node = data.get(section) if isinstance(data.get(section), dict) else {}
        written = "checkpoint" in node
        name = node.get("checkpoint", DEFAULTS["checkpoint"])
        match = _EPOCH_FILE.fullmatch(name) if isinstance(name, str) else None
        if match:
            checkpoints.append((f"{section}.checkpoint", int(match.group(1)), name, written))
    return {"settings": CsailSettings(num_epoch=epochs, start_epoch=start, checkpoints=tuple(checkpoints))}
