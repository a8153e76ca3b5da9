"""What the MMF profile cannot say as data: the settings MMF's own rules (SL700-SL702) read, from
the config with its includes merged, MMF's defaults (mmf/configs/defaults.yaml) filled in."""

from __future__ import annotations

from typing import Any

from ..base import RunBuilder, Source
from ...units import to_number
from .settings import (DEFAULT_CHECKPOINT_INTERVAL, DEFAULT_EVALUATION_INTERVAL, DEFAULT_MAX_UPDATES,
                       UNREAD_TRAINING_KEYS, MmfSettings)


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _global_per_update(b: RunBuilder) -> None:
    """training.batch_size is global per *batch*: each rank loads batch_size / world and an update
    accumulates update_frequency of them [mmf/utils/general.py get_batch_size; training_loop.py].
    steplint's global batch is per optimizer step, so it is batch_size × update_frequency."""
    batch, accumulation = b.get("global_batch_size"), b.get("gradient_accumulation")
    if batch and accumulation and accumulation["value"] > 1:
        key = tuple(batch["key"].split(".")) if batch.get("key") else ()
        b.count("global_batch_size", batch["value"] * accumulation["value"], key,
                note=f"training.batch_size {batch['value']} × update_frequency {accumulation['value']}")


def _checkpoint_at_each_evaluation(b: RunBuilder) -> None:
    """Each evaluation also saves a checkpoint: the training loop calls the early-stopping callback
    after every validation, and it saves (as best, or not) unless its patience has run out, early
    stopping on or off [mmf/trainers/core/training_loop.py `run_training_epoch`;
    mmf/utils/early_stopping.py `EarlyStopping.__call__`]. So checkpoints come at least as often as
    evaluations: an evaluation interval shorter than checkpoint_interval is the save cadence."""
    checkpoint, evaluation = b.get("checkpoint"), b.get("eval")
    if not checkpoint or not evaluation or evaluation["unit"] != checkpoint["unit"] \
            or evaluation["value"] >= checkpoint["value"]:
        return
    key = tuple(evaluation["key"].split(".")) if evaluation.get("key") else ()
    b.duration("checkpoint", evaluation["value"], key, evaluation["unit"],
               note=f"saved at each evaluation (every {evaluation['value']:g} updates), more often than "
                    f"training.checkpoint_interval {checkpoint['value']:g}")


def _no_update(training: dict, b: RunBuilder) -> None:
    """A run length of no update: get_max_updates [mmf/utils/general.py] favours max_epochs whenever it
    is not null, max_updates = ceil(len(train_loader) / update_frequency) × max_epochs, and -1 is no
    "off" there; with max_epochs null it is max_updates. At 0 or below, `while self.num_updates <
    self.max_updates` [mmf/trainers/core/training_loop.py run_training_epoch] never runs."""
    epochs = training.get("max_epochs")  # defaults.yaml: null
    number = None if isinstance(epochs, bool) else to_number(epochs)
    if number is not None and number <= 0:
        b.invalid(("training", "max_epochs"), epochs, "MMF favours max_epochs over max_updates and trains "
                  f"ceil(len(train_loader) / update_frequency) × {epochs} updates: the training loop never starts "
                  "and nothing trains")
        return
    updates = training.get("max_updates", DEFAULT_MAX_UPDATES)
    number = None if isinstance(updates, bool) else to_number(updates)
    if epochs is None and number is not None and number <= 0:
        b.invalid(("training", "max_updates"), updates, f"with max_epochs null MMF trains max_updates = {updates} "
                  "updates: the training loop never starts and nothing trains")


def adapt(data: dict, b: RunBuilder, source: Source) -> dict:
    _global_per_update(b)
    _checkpoint_at_each_evaluation(b)
    training = _dict(data.get("training"))
    scheduler = _dict(data.get("scheduler"))
    fragment = not any(k in data for k in ("training", "optimizer", "scheduler", "evaluation"))
    if not fragment and training.get("trainer") != "lightning":
        _no_update(training, b)
    return {"settings": MmfSettings(
        fragment=fragment,
        lr_scheduler=training.get("lr_scheduler") is True,
        scheduler_type=scheduler.get("type") if isinstance(scheduler.get("type"), str) else None,
        scheduler_params=tuple(_dict(scheduler.get("params")).items()),
        use_warmup=training.get("use_warmup") is True,
        warmup_iterations=training.get("warmup_iterations", 1000),
        max_updates=training.get("max_updates", DEFAULT_MAX_UPDATES),
        max_updates_written="max_updates" in training,
        max_epochs=training.get("max_epochs"),
        unread=tuple((k, training[k]) for k in UNREAD_TRAINING_KEYS if k in training),
        checkpoint_interval=training.get("checkpoint_interval", DEFAULT_CHECKPOINT_INTERVAL),
        evaluation_interval=training.get("evaluation_interval", DEFAULT_EVALUATION_INTERVAL),
        lightning=training.get("trainer") == "lightning")}
