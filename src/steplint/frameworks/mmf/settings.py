"""What MMF's own rules read that the canonical run has no place for."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

DEFAULT_MAX_UPDATES = 22000  # mmf/configs/defaults.yaml
DEFAULT_CHECKPOINT_INTERVAL = 1000
DEFAULT_EVALUATION_INTERVAL = 1000
# Keys of older MMF (Pythia) configs that no MMF code reads any more, and the keys that replaced them.
UNREAD_TRAINING_KEYS = {"max_iterations": "max_updates", "snapshot_interval": "checkpoint_interval and evaluation_interval"}
# multi_step reads these from scheduler.params with kwargs[...] [mmf/modules/schedulers.py MultiStepScheduler]
MULTI_STEP_ARGS = ("use_warmup", "lr_steps", "lr_ratio", "warmup_factor")


@dataclass(frozen=True)
class MmfSettings:
    fragment: bool = False  # a model or dataset config: no run of its own
    lr_scheduler: bool = False  # training.lr_scheduler is True (MMF builds a scheduler only then)
    scheduler_type: Optional[str] = None  # scheduler.type as written
    scheduler_params: tuple[tuple[str, Any], ...] = ()  # scheduler.params as written
    use_warmup: bool = False  # training.use_warmup (pythia)
    warmup_iterations: Any = None  # training.warmup_iterations as written
    max_updates: Any = None  # effective training.max_updates (None: null)
    max_updates_written: bool = False
    max_epochs: Any = None
    unread: tuple[tuple[str, Any], ...] = ()  # (training key, value) MMF does not read
    checkpoint_interval: Any = DEFAULT_CHECKPOINT_INTERVAL
    evaluation_interval: Any = DEFAULT_EVALUATION_INTERVAL
    lightning: bool = False  # training.trainer: lightning

    def param(self, name: str) -> Any:
        return dict(self.scheduler_params).get(name)
