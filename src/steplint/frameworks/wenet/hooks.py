"""The settings WeNet's rules read (SL791: accum_grad, which WeNet reads without a default; SL793: the
steps mode), and accum_grad as WeNet computes with it (SL003 where it cannot, or misuses it).

Cited from wenet-e2e/wenet @ 01546996."""

from __future__ import annotations

import math
from typing import Any, Optional

from ..base import RunBuilder, Source
from .settings import WenetSettings
from ...units import Unit


def _positive_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _trains(data: dict) -> bool:
    """At least one epoch runs: wenet/bin/train.py `end_epoch = configs.get('max_epoch', 100) if
    "save_interval" not in configs else 1`, then `for epoch in range(start_epoch, end_epoch)`. A
    max_epoch that is not a positive integer runs none (or fails in range()), so say nothing."""
    if "save_interval" in data or "max_epoch" not in data:
        return True
    return _positive_int(data["max_epoch"])


def _accum_grad_fault(value: Any) -> Optional[str]:
    """What WeNet does with an accum_grad it cannot count batches with, or None for a count.

    Executor.train computes `(batch_idx + 1) % info_dict["accum_grad"]` at every batch (executor.py:76
    with the default torch_ddp or torch_fsdp engine, :117-118 with any), update_parameter_and_lr steps
    the optimizer where it is 0 (train_utils.py:762), and batch_backward divides each loss by it (:720)."""
    at_first = " at the first batch (executor.py:76 `(batch_idx + 1) % info_dict['accum_grad']`)"
    if value is False or (not isinstance(value, bool) and isinstance(value, (int, float)) and value == 0):
        return f"WeNet stops with ZeroDivisionError (modulo by zero){at_first}"
    if not isinstance(value, (int, float)):  # null, text ('4' too: WeNet loads it as a string), lists
        return f"WeNet stops with TypeError: unsupported operand type(s) for %: 'int' and '{type(value).__name__}'{at_first}"
    if value is True or not isinstance(value, float) and value > 0:
        return None  # 1 % True == 0 and loss / True: accumulation 1
    if not math.isfinite(value):
        return (f"WeNet does not refuse it, but (batch_idx + 1) % {value} is never 0 (executor.py:76, "
                "train_utils.py:762): the optimizer never steps")
    if value < 0:
        return (f"WeNet does not refuse it: it divides every loss by {value} (train_utils.py:720 `loss / accum_grad`), "
                "so every optimizer step follows the gradient up: the optimizer climbs the loss")
    every, over = value.as_integer_ratio()  # k % value == 0 exactly where k is a multiple of the numerator
    if over == 1:
        return None  # 4.0 computes as 4
    return (f"WeNet does not refuse it: it steps the optimizer where (batch_idx + 1) % {value} == 0 (train_utils.py:762), "
            f"every {every} batches, and divides each loss by {value} (:720): each step applies {over} × the mean "
            f"gradient of its {every} batches")


def _accum_grad(data: dict, b: RunBuilder) -> None:
    if "accum_grad" not in data:
        return  # SL791
    value = data["accum_grad"]
    fault = _accum_grad_fault(value)
    if fault is None:
        b.count("gradient_accumulation", 1 if value is True else value, ("accum_grad",))
    elif _trains(data):  # no epoch, no batch: nothing computes with it
        b.invalid(("accum_grad",), value, fault)


def _cycles(data: dict) -> Optional[int]:
    """Steps mode (save_interval): WeNet runs one epoch (train.py:139-140) over its data list repeated
    `configs.get('max_epoch', 100)` times (train_utils.py:371-372 dataset_conf.cycle, datapipes.py:443
    `repeat(cycle)`) before it is sharded and batched (datapipes.py:444, dataset.py:136-139): batches and
    accumulation groups run on across the cycles, and batch_idx never restarts. None for a max_epoch
    that is not a positive integer (RepeatDatapipe cycles a negative count forever, 0 never)."""
    if "save_interval" not in data:
        return None
    cycles = data.get("max_epoch", 100)
    return cycles if _positive_int(cycles) else None


def adapt(data: dict, b: RunBuilder, source: Source) -> dict:
    _accum_grad(data, b)
    overrides: dict = {}
    cycles = _cycles(data)
    if cycles is not None:
        b.duration("epochs", 1, ("max_epoch" if "max_epoch" in data else "save_interval",), Unit.EPOCH)
        b.assumptions.append(f"steps mode (save_interval): one epoch over the data cycled {cycles} times (max_epoch), "
                             "as WeNet runs it")
    # only static batches are counted: dynamic and bucket batches fill across the cycles by length, so
    # the plan's stand-in batch of one utterance would not bound them
    if cycles is not None and b.has("train_loader.batch_size"):
        overrides["dataset_cycles"] = cycles
    return {**overrides, "settings": WenetSettings(version=source.version("wenet"), accum_grad_written="accum_grad" in data,
                                      trains=_trains(data), steps_mode="save_interval" in data)}
