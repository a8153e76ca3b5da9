"""What the LitGPT profile cannot say as data: the world size (a count or a list of devices, times
the nodes), and the warmup settings rule SL520 reads, LitGPT's default of 100 steps included
[S-LG litgpt/args.py `TrainArgs.__post_init__`]."""

from __future__ import annotations

import math
from typing import Any, Optional

from ..base import RunBuilder, Source
from .settings import DEFAULT_WARMUP_STEPS, LitgptSettings
from ...units import to_number


def _number(value: Any) -> Optional[float]:
    number = to_number(value)
    return number if number is not None and math.isfinite(number) else None


def adapt(data: dict, b: RunBuilder, source: Source) -> dict:
    devices = data.get("devices")
    count = len(devices) if isinstance(devices, list) else _number(devices)
    if isinstance(count, int) and count >= 1:  # "auto", -1: every visible device, unknown here
        nodes = _number(data.get("num_nodes"))
        if isinstance(nodes, int) and nodes > 1:
            b.count("world_size", count * nodes, ("num_nodes",), note=f"{nodes} nodes × {count} devices")
        else:
            b.count("world_size", count, ("devices",))
    train = data.get("train") if isinstance(data.get("train"), dict) else {}
    written = "lr_warmup_steps" in train
    fraction = _number(train.get("lr_warmup_fraction"))
    return {"settings": LitgptSettings(
        warmup_steps=_number(train["lr_warmup_steps"]) if written else DEFAULT_WARMUP_STEPS,
        warmup_steps_key="train.lr_warmup_steps" if written else None,
        warmup_fraction=fraction or None,
        warmup_fraction_key="train.lr_warmup_fraction" if fraction else None)}
