"""What the PySlowFast profile cannot say as data: the per-process batch
int(TRAIN.BATCH_SIZE / max(1, NUM_GPUS)) and the world size NUM_GPUS × NUM_SHARDS, or 1 with one GPU
or none [slowfast/datasets/loader.py `construct_loader`, slowfast/utils/misc.py `launch_job`], no
evaluation in MaskFeat / MAE pretraining [tools/train_net.py `train`], and the settings rules SL600
and SL601 read [slowfast/config/defaults.py `assert_and_infer_cfg`, slowfast/utils/lr_policy.py]."""

from __future__ import annotations

import math
from typing import Any, Optional

from ..base import RunBuilder, Source, yacs_value
from ...units import Unit, to_number, whole_number
from .settings import SlowFastSettings


DEFAULTS = {"TRAIN.BATCH_SIZE": 64, "TEST.BATCH_SIZE": 8, "NUM_GPUS": 1, "NUM_SHARDS": 1,
            "SOLVER.MAX_EPOCH": 300, "SOLVER.LR_POLICY": "cosine", "TRAIN.CHECKPOINT_PERIOD": 10,
            "TRAIN.EVAL_PERIOD": 10, "MASK.ENABLE": False}




def _numbers(value: Any) -> Optional[tuple]:
    if not isinstance(value, (list, tuple)):
        return None
    numbers = tuple(to_number(v) for v in value)
    return numbers if all(n is not None and not isinstance(n, bool) and math.isfinite(n) for n in numbers) else None


def counted(data: dict) -> bool:
    """Multigrid rewrites the schedule at run time; TRAIN.ENABLE false trains nothing."""
    def value(dotted: str) -> Any:
        return yacs_value(data, dotted, DEFAULTS)[0]

    return not (value("MULTIGRID.LONG_CYCLE") is True or value("MULTIGRID.SHORT_CYCLE") is True
                or value("TRAIN.ENABLE") is False)


def adapt(data: dict, b: RunBuilder, source: Source) -> dict:
    gpus, gpus_written = yacs_value(data, "NUM_GPUS", DEFAULTS)
    gpus = whole_number(gpus)
    shards, shards_written = yacs_value(data, "NUM_SHARDS", DEFAULTS)
    shards = whole_number(shards)
    batch, batch_written = yacs_value(data, "TRAIN.BATCH_SIZE", DEFAULTS)
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
        if gpus_written and gpus > 1 and shards is not None and shards >= 1:
            b.count("world_size", gpus * shards, ("NUM_SHARDS",) if shards_written and shards > 1 else ("NUM_GPUS",),
                    note=f"NUM_GPUS {gpus} × NUM_SHARDS {shards}")
        elif gpus_written:
            # misc.py launch_job: `if cfg.NUM_GPUS > 1:` spawns the process group, else runs func directly,
            # and datasets/utils.py create_sampler: `DistributedSampler(dataset) if cfg.NUM_GPUS > 1 else
            # None`: each shard trains on the whole dataset alone, whatever NUM_SHARDS is
            b.count("world_size", 1, ("NUM_GPUS",), note=f"NUM_GPUS {gpus}: one process, no DistributedSampler")
    max_epoch = to_number(yacs_value(data, "SOLVER.MAX_EPOCH", DEFAULTS)[0])
    # tools/train_net.py train: `is_eval_epoch = misc.is_eval_epoch(...) and not cfg.MASK.ENABLE`:
    # masked pretraining (MaskFeat, MAE) never evaluates
    masked = yacs_value(data, "MASK.ENABLE", DEFAULTS)[0] is True
    if masked and is_counted:
        b.assumptions.append("MASK.ENABLE is true: masked pretraining, which PySlowFast never evaluates")
    if is_counted and isinstance(max_epoch, int) and max_epoch > 0:
        for field, key in (("checkpoint", "TRAIN.CHECKPOINT_PERIOD"), ("eval", "TRAIN.EVAL_PERIOD")):
            if field == "eval" and masked:
                continue
            period, written = yacs_value(data, key, DEFAULTS)
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
        value, written = yacs_value(data, key, DEFAULTS)
        if whole_number(value) is not None:
            sizes.append((key, whole_number(value), written))
    policy, _ = yacs_value(data, "SOLVER.LR_POLICY", DEFAULTS)
    steps, _ = yacs_value(data, "SOLVER.STEPS", DEFAULTS)
    lrs, _ = yacs_value(data, "SOLVER.LRS", DEFAULTS)
    overrides: dict = {"ruled_out": ("eval",)} if masked and is_counted else {}
    return {**overrides, "settings": SlowFastSettings(
        num_gpus=gpus, num_gpus_key="NUM_GPUS" if gpus_written else None, batch_sizes=tuple(sizes),
        lr_policy=policy if isinstance(policy, str) else None, steps=_numbers(steps), lrs=_numbers(lrs),
        max_epoch=max_epoch if isinstance(max_epoch, (int, float)) and not isinstance(max_epoch, bool) else None,
        counted=is_counted)}
