"""What the nanotron profile cannot say as data: where the LR decay ends. nanotron decays from
lr_decay_starting_step (default lr_warmup_steps) for lr_decay_steps (default train_steps -
lr_warmup_steps) and then holds min_decay_lr [nanotron src/nanotron/helpers.py
`lr_scheduler_builder`, src/nanotron/config/config.py `Config.__post_init__`, commit 2411b022]; and the
save of the initial state before the first step."""

from __future__ import annotations

import math
from typing import Any, Optional

from ..base import RunBuilder, Source
from .settings import NanotronSettings
from ...units import Unit, to_number

_SCHEDULER = ("optimizer", "learning_rate_scheduler")


def _whole(value: Any) -> Optional[int]:
    """A non-negative whole number, else None (null, text, a fraction)."""
    number = to_number(value)
    if isinstance(value, bool) or number is None or not math.isfinite(number) or number < 0 or number != int(number):
        return None
    return int(number)


def adapt(data: dict, b: RunBuilder, source: Source) -> dict:
    return {**_knobs(data), **_decay(data, b)}


def _knobs(data: dict) -> dict:
    """trainer.py `train`: `if self.config.checkpoints.save_initial_state and self.init_checkpoint_path is
    None: self.save_checkpoint()` before the loop (config.py `CheckpointsArgs`: False by default); with a
    resume_checkpoint_path, whether a checkpoint is found there (serialize/main.py `parse_ckpt_path`) is
    the file system's to say."""
    checkpoints = data.get("checkpoints") if isinstance(data.get("checkpoints"), dict) else {}
    if checkpoints.get("save_initial_state") is True and checkpoints.get("resume_checkpoint_path") is None:
        return {"start_events": ("checkpoint",)}
    return {}


def _decay(data: dict, b: RunBuilder) -> dict:
    tokens = data.get("tokens") if isinstance(data.get("tokens"), dict) else {}
    optimizer = data.get("optimizer") if isinstance(data.get("optimizer"), dict) else {}
    scheduler = optimizer.get("learning_rate_scheduler")
    scheduler = scheduler if isinstance(scheduler, dict) else {}
    train_steps = _whole(tokens.get("train_steps"))
    settings: dict[str, Any] = {}
    if train_steps:
        settings.update(train_steps=train_steps, train_steps_key="tokens.train_steps")
    if "lr_decay_steps" not in scheduler and "lr_decay_starting_step" not in scheduler:
        return {"settings": NanotronSettings(**settings)}  # the decay ends with the run
    warmup = _whole(scheduler.get("lr_warmup_steps", 0))
    start = _whole(scheduler["lr_decay_starting_step"]) if scheduler.get("lr_decay_starting_step") is not None \
        else warmup
    steps = scheduler.get("lr_decay_steps")
    decay = _whole(steps) if steps is not None else (
        train_steps - warmup if train_steps is not None and warmup is not None else None)
    if start is None or decay is None:
        return {"settings": NanotronSettings(**settings)}
    written = "lr_decay_steps" if steps is not None else "lr_decay_starting_step"
    key = ".".join((*_SCHEDULER, written))
    end = start + decay
    b.duration("schedule.horizon", end, (*_SCHEDULER, written), Unit.STEP,
               note=f"the decay starts at step {start} and lasts {decay}")
    settings.update(decay_end=end, decay_key=key)
    return {"settings": NanotronSettings(**settings)}
