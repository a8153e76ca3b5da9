"""What the PySlowFast profile cannot say as data: the per-process batch
int(TRAIN.BATCH_SIZE / max(1, NUM_GPUS)) and the world size NUM_GPUS × NUM_SHARDS
[slowfast/datasets/loader.py `construct_loader`], and the settings rules SL600 and SL601 read
[slowfast/config/defaults.py `assert_and_infer_cfg`, slowfast/utils/lr_policy.py]."""

from __future__ import annotations

import ast
import math
from typing import Any, Optional

from ..base import RunBuilder, Source
from ...units import Unit, to_number, whole_number
from .settings import SlowFastSettings


DEFAULTS = {"TRAIN.BATCH_SIZE": 64, "TEST.BATCH_SIZE": 8, "NUM_GPUS": 1, "NUM_SHARDS": 1,
            "SOLVER.MAX_EPOCH": 300, "SOLVER.LR_POLICY": "cosine", "TRAIN.CHECKPOINT_PERIOD": 10,
            "TRAIN.EVAL_PERIOD": 10}


def _get(data: dict, dotted: str) -> tuple[Any, bool]:
    """The value (yacs literal_evals strings such as "[0, 10]"), and whether the file wrote it."""
    node: Any = data
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            return DEFAULTS.get(dotted), False
        node = node[part]
    if isinstance(node, str):
        try:
            node = ast.literal_eval(node.strip())
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            pass
    return node, True




def _numbers(value: Any) -> Optional[tuple]:
    if not isinstance(value, (list, tuple)):
        return None
    numbers = tuple(to_number(v) for v in value)
    return numbers if all(n is not None and not isinstance(n, bool) and math.isfinite(n) for n in numbers) else None


def counted(data: dict) -> bool:
    """Multigrid rewrites the schedule at run time; TRAIN.ENABLE false trains nothing."""
    return not (_get(data, "MULTIGRID.LONG_CYCLE")[0] is True or _get(data, "MULTIGRID.SHORT_CYCLE")[0] is True
                or _get(data, "TRAIN.ENABLE")[0] is False)


def adapt(data: dict, b: RunBuilder, source: Source) -> dict:
    gpus, gpus_written = _get(data, "NUM_GPUS")
    gpus = whole_number(gpus)
    shards, shards_written = _get(data, "NUM_SHARDS")
    shards = whole_number(shards)
    batch, batch_written = _get(data, "TRAIN.BATCH_SIZE")
    batch = whole_number(batch)
    is_counted = counted(data)
    if is_counted and gpus is not None and gpus >= 0 and batch is not None and batch > 0:
        per_process = int(batch / max(1, gpus))
        note = f"int(TRAIN.BATCH_SIZE {batch} / NUM_GPUS {max(1, gpus)}) per process"
        if not batch_written:
            note += " (PySlowFast default TRAIN.BATCH_SIZE)"
        if per_process >= 1:
            b.count("train_loader.batch_size", per_process, ("TRAIN", "BATCH_SIZE") if batch_written else ("SOLVER",),
                    note=note)
            b.flag("train_loader.drop_last", True, ("TRAIN", "BATCH_SIZE") if batch_written else ("SOLVER",))
        if gpus_written and gpus >= 1 and shards is not None and shards >= 1:
            b.count("world_size", gpus * shards, ("NUM_SHARDS",) if shards_written and shards > 1 else ("NUM_GPUS",),
                    note=f"NUM_GPUS {gpus} × NUM_SHARDS {shards}")
    max_epoch = to_number(_get(data, "SOLVER.MAX_EPOCH")[0])
    if is_counted and isinstance(max_epoch, int) and max_epoch > 0:
        for field, key in (("checkpoint", "TRAIN.CHECKPOINT_PERIOD"), ("eval", "TRAIN.EVAL_PERIOD")):
            period, written = _get(data, key)
            period = whole_number(period)
            if period is None or period <= 0:
                continue
            if period >= max_epoch:  # only the forced one at the last epoch: the way to switch it off
                b.assumptions.append(f"{key} {period} >= SOLVER.MAX_EPOCH {max_epoch}: only the {field} at the "
                                     f"last epoch, which PySlowFast always runs")
                continue
            b.duration(field, period, tuple(key.split(".")) if written else ("SOLVER", "MAX_EPOCH"), Unit.EPOCH,
                       note=None if written else f"PySlowFast default {key}")
    sizes = []
    for key in ("TRAIN.BATCH_SIZE", "TEST.BATCH_SIZE"):
        value, written = _get(data, key)
        if whole_number(value) is not None:
            sizes.append((key, whole_number(value), written))
    policy, _ = _get(data, "SOLVER.LR_POLICY")
    steps, _ = _get(data, "SOLVER.STEPS")
    lrs, _ = _get(data, "SOLVER.LRS")
    return {"settings": SlowFastSettings(
        num_gpus=gpus, num_gpus_key="NUM_GPUS" if gpus_written else None, batch_sizes=tuple(sizes),
        lr_policy=policy if isinstance(policy, str) else None, steps=_numbers(steps), lrs=_numbers(lrs),
        max_epoch=max_epoch if isinstance(max_epoch, (int, float)) and not isinstance(max_epoch, bool) else None,
        counted=is_counted)}
