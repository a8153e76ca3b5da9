"""What the AutoTrain profile cannot say as data: the task's own defaults for absent params, and the
evaluation and save cadence, which exists only with data.valid_split [S-AT
src/autotrain/trainers/*/params.py; clm/utils.py `configure_training_args`]."""

from __future__ import annotations

from typing import Any

from ..base import RunBuilder, Source
from ...units import Unit

# (epochs, batch_size, gradient_accumulation) when params leaves them out
_LM_DEFAULTS = (1, 2, 4)  # clm/params.py LLMTrainingParams, vlm/params.py VLMTrainingParams
_SEQ2SEQ_DEFAULTS = (3, 2, 1)  # seq2seq/params.py
_DEFAULTS = (3, 8, 1)  # the other trainers' params.py


def _task_defaults(task: Any) -> tuple[int, int, int]:
    task = task if isinstance(task, str) else ""
    if task == "llm" or task.startswith(("llm-", "vlm")):
        return _LM_DEFAULTS
    return _SEQ2SEQ_DEFAULTS if task == "seq2seq" else _DEFAULTS


def adapt(data: dict, b: RunBuilder, source: Source) -> dict:
    params = data.get("params") if isinstance(data.get("params"), dict) else {}
    epochs, batch, accumulation = _task_defaults(data.get("task"))
    note = f"AutoTrain default for task {data.get('task')}"
    for field, key, value in (("epochs", "epochs", epochs), ("train_loader.batch_size", "batch_size", batch),
                              ("gradient_accumulation", "gradient_accumulation", accumulation)):
        if key not in params and not b.has(field):
            if field == "epochs":
                b.duration(field, value, ("task",), Unit.EPOCH, note=note)
            else:
                b.count(field, value, ("task",), note=note)
    if "warmup_ratio" not in params:
        b.duration("schedule.warmup", 0.1, ("task",), Unit.DUR, note="AutoTrain default warmup_ratio 0.1")
    split = data.get("data", {}).get("valid_split") if isinstance(data.get("data"), dict) else None
    if split is None:  # eval_strategy and save_strategy are "no": only the final model is saved
        return {"ruled_out": ("checkpoint", "eval")}
    strategy = params.get("eval_strategy", "epoch")
    if strategy == "epoch":
        at = ("params", "eval_strategy") if "eval_strategy" in params else ("data", "valid_split")
        b.duration("eval", 1, at, Unit.EPOCH)
        b.duration("checkpoint", 1, at, Unit.EPOCH)
    elif strategy == "no":
        return {"ruled_out": ("checkpoint", "eval")}
    return {}  # "steps": every logging_steps, which AutoTrain computes from the data when -1


def tabular(data: dict, b: RunBuilder, source: Source) -> dict:
    return {}
