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


# LitGPT data modules whose training set has a size fixed by the module: Alpaca2k loads the
# 2000 rows of mhenrichsen/alpaca_2k_test and holds out val_split_fraction (default 0.05, "to get
# exactly 100 validation samples") with datasets' train_test_split, which takes ceil(fraction × n)
# for the test split and the rest for training [S-LG litgpt/data/alpaca_2k.py; datasets
# arrow_dataset.py train_test_split]; SFTDataset keeps every row.
_FIXED_SIZE = {"litgpt.data.Alpaca2k": (2000, 0.05), "Alpaca2k": (2000, 0.05)}


def _dataset_size(data: dict, b: RunBuilder) -> None:
    spec = data.get("data")
    if not isinstance(spec, dict) or not isinstance(spec.get("class_path"), str) or spec["class_path"] not in _FIXED_SIZE:
        return  # (a class_path that is a mapping or a list is no module name)
    rows, fraction = _FIXED_SIZE[spec["class_path"]]
    args = spec.get("init_args") if isinstance(spec.get("init_args"), dict) else {}
    if "val_split_fraction" in args:
        fraction = _number(args["val_split_fraction"])
        if fraction is None or not 0 < fraction < 1:
            return
    train = rows - math.ceil(fraction * rows)
    b.count("dataset_size", train, ("data", "class_path"),
            note=f"{spec['class_path']}: {rows} rows, {rows - train} held out by val_split_fraction {fraction}")


def adapt(data: dict, b: RunBuilder, source: Source) -> dict:
    devices = data.get("devices")
    count = len(devices) if isinstance(devices, list) else _number(devices)
    if isinstance(count, int) and count >= 1:  # "auto", -1: every visible device, unknown here
        nodes = _number(data.get("num_nodes"))
        if isinstance(nodes, int) and nodes > 1:
            b.count("world_size", count * nodes, ("num_nodes",), note=f"{nodes} nodes × {count} devices")
        else:
            b.count("world_size", count, ("devices",))
    _dataset_size(data, b)
    train = data.get("train") if isinstance(data.get("train"), dict) else {}
    written = "lr_warmup_steps" in train
    fraction = _number(train.get("lr_warmup_fraction"))
    evaluation = data.get("eval") if isinstance(data.get("eval"), dict) else {}
    final = ("checkpoint",) if evaluation.get("final_validation") is False else ("checkpoint", "eval")
    return {"final_events": final, "settings": LitgptSettings(
        warmup_steps=_number(train["lr_warmup_steps"]) if written else DEFAULT_WARMUP_STEPS,
        warmup_steps_key="train.lr_warmup_steps" if written else None,
        warmup_fraction=fraction or None,
        warmup_fraction_key="train.lr_warmup_fraction" if fraction else None)}
