"""PaddleDetection configs (`epoch`, `snapshot_epoch`, `TrainReader`, `LearningRate`, `_BASE_` lists).

What PaddleDetection does with the numbers (PaddlePaddle/PaddleDetection HEAD 666f597f):

* ppdet/core/workspace.py `_load_config_with_base`: `_BASE_` is a list of files (relative to the
  config, `~` expanded), merged in order, later ones winning, and the config itself on top;
  mappings merge key by key (`dict_merge`).
* ppdet/engine/trainer.py `Trainer.train`: `for epoch_id in range(start_epoch, cfg.epoch)`, one
  optimizer step per batch (no accumulation); `log_iter` iterations between logs; a snapshot (the
  checkpoint, and the evaluation when `--eval` is given on the command line) when
  `(epoch_id + 1) % snapshot_epoch == 0` or at the last epoch.
* ppdet/data/reader.py `BaseDataLoader`: `TrainReader.batch_size` per card through paddle's
  DistributedBatchSampler; `TrainReader.__init__` defaults drop_last to True (BaseDataLoader's and
  EvalReader's False is not the training loader's).
* ppdet/optimizer/optimizer.py `LearningRate`: `schedulers[0]` decays (PiecewiseDecay
  `milestones` in epochs; CosineDecay `max_epochs`), `schedulers[1]` warms up (LinearWarmup
  `steps`, default 500 iterations, or `epochs`, which wins). The `!PiecewiseDecay` tags are read as
  plain mappings; which is which is their position, as in `LearningRate.__call__`.

Only values the files write are used, except LinearWarmup's own default of 500 steps.
"""

from __future__ import annotations

from typing import Any, Optional

from ...named_files import BaseChain
from ...units import Unit, to_number
from ..base import Adapted, Dialect, RunBuilder, Semantics, Source, find

PADDLE_KEYS = ("epoch", "snapshot_epoch", "TrainReader", "EvalReader", "LearningRate", "OptimizerBuilder",
               "architecture", "log_iter", "save_dir", "weights", "pretrain_weights", "metric", "num_classes",
               "worker_num", "TrainDataset", "EvalDataset", "use_gpu", "find_unused_parameters")
LINEAR_WARMUP_STEPS = 500  # LinearWarmup(steps=500)

SEMANTICS = Semantics(
    name="PaddleDetection: DistributedBatchSampler, TrainReader.batch_size per card, one optimizer step per batch; "
         "a snapshot every snapshot_epoch epochs and at the last one",
    final_events=("checkpoint",))


def _bases(value: Any) -> Optional[list]:
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return value
    return None


def _number(value: Any) -> Optional[float]:
    number = to_number(value)
    return None if number is None or number != number or number in (float("inf"), float("-inf")) else number


class PaddleDetection(Dialect):
    name = "paddledet"
    description = "PaddleDetection YAML (epoch, snapshot_epoch, TrainReader.batch_size per card, LearningRate; `_BASE_` lists)"
    triggers = frozenset({*PADDLE_KEYS, "_BASE_"})

    def score(self, data: dict) -> float:
        if "Global" in data or any(k in data for k in ("SOLVER", "MODEL")):  # PaddleClas / OCR, yacs
            return 0.0
        present = sum(1 for k in PADDLE_KEYS if k in data)
        if _bases(data.get("_BASE_")) and all(str(v).endswith((".yml", ".yaml")) for v in data["_BASE_"]) \
                and present >= 1:
            return 0.9
        if present >= 3 and any(k in data for k in ("TrainReader", "LearningRate", "snapshot_epoch")):
            return 0.85
        return 0.0

    def adapt(self, data: dict, source: Source) -> Adapted:
        bases = BaseChain("_BASE_", source.path)  # ppdet/core/workspace.py _load_config_with_base, dict_merge
        merged = bases.merged(data)
        b = RunBuilder()
        b.assumptions.extend(bases.notes)

        def at(*path: Any) -> tuple:
            """The key in this file, or its `_BASE_` line when only a base file sets it."""
            return tuple(path) if find(data, path) is not None else ("_BASE_",)

        epoch = _number(merged.get("epoch"))
        if epoch is not None and epoch > 0:
            b.duration("epochs", merged["epoch"], at("epoch"), Unit.EPOCH)
        reader = merged.get("TrainReader") if isinstance(merged.get("TrainReader"), dict) else {}
        if "batch_size" in reader:
            b.count("train_loader.batch_size", reader["batch_size"], at("TrainReader", "batch_size"))
        # ppdet/data/reader.py `TrainReader.__init__`: drop_last=True when the config does not write it
        b.flag("train_loader.drop_last", reader.get("drop_last", True),
               at("TrainReader", "drop_last") if "drop_last" in reader else at("TrainReader"))
        snapshot = _number(merged.get("snapshot_epoch"))
        if snapshot is not None and snapshot > 0:
            b.duration("checkpoint", merged["snapshot_epoch"], at("snapshot_epoch"), Unit.EPOCH)
        log_iter = _number(merged.get("log_iter"))
        if log_iter is not None and log_iter > 0:
            b.duration("logging", merged["log_iter"], at("log_iter"), Unit.STEP)
        self._schedule(merged, b, at)
        return b.build(SEMANTICS)

    @staticmethod
    def _schedule(merged: dict, b: RunBuilder, at) -> None:
        lr = merged.get("LearningRate") if isinstance(merged.get("LearningRate"), dict) else {}
        schedulers = lr.get("schedulers")
        if not isinstance(schedulers, list) or not schedulers or not all(isinstance(s, dict) for s in schedulers):
            return
        decay = schedulers[0]
        if isinstance(decay.get("milestones"), list):
            b.milestones("schedule.milestones", decay["milestones"], at("LearningRate", "schedulers", 0, "milestones"),
                         Unit.EPOCH)
            b.name("schedule.name", "PiecewiseDecay", at("LearningRate", "schedulers", 0))
        elif "max_epochs" in decay:  # CosineDecay: after max_epochs the LR stays at its minimum
            b.duration("schedule.horizon", decay["max_epochs"], at("LearningRate", "schedulers", 0, "max_epochs"),
                       Unit.EPOCH)
            b.name("schedule.name", "CosineDecay", at("LearningRate", "schedulers", 0))
        if len(schedulers) < 2 or decay.get("use_warmup") is False:
            return
        warmup = schedulers[1]
        epochs, steps = _number(warmup.get("epochs")), _number(warmup.get("steps", LINEAR_WARMUP_STEPS))
        if epochs is not None and warmup.get("epochs_first", True) is not False:
            if epochs > 0:
                b.duration("schedule.warmup", warmup["epochs"], at("LearningRate", "schedulers", 1, "epochs"),
                           Unit.EPOCH)
        elif steps is not None and steps > 0:
            b.duration("schedule.warmup", warmup.get("steps", LINEAR_WARMUP_STEPS),
                       at("LearningRate", "schedulers", 1, "steps"), Unit.STEP,
                       note=None if "steps" in warmup else "LinearWarmup default steps 500")
