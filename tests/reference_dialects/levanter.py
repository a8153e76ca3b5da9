"""The hand-written Levanter dialect steplint had before its profile (frameworks/levanter/profile.yaml):
kept here as the reference the profile must reproduce (tests/test_profiles.py).

Levanter (stanford-crfm) YAML: `trainer:` and `optimizer:` sections [levanter trainer.py
`TrainerConfig`, optim/config.py `OptimizerConfig.lr_scheduler`, `_convert_frac_or_steps`].

    trainer.num_train_steps    optimizer steps
    trainer.train_batch_size   the global batch of one step (split over the devices and
                               per_device_parallelism microbatches inside the step)
    optimizer.warmup           a value <= 1.0 is a fraction of num_train_steps, int()-truncated;
                               a larger whole number is steps (so `warmup: 1` is the whole run)
    trainer.steps_per_eval     steps, when the data has validation sets
    trainer.checkpointer       time-based saves (`save_interval: 15m`) plus permanent ones every
                               `keep[].every` steps: no step interval steplint could check
"""

from __future__ import annotations

import math
from typing import Any, Optional

from steplint.units import Unit
from steplint.units import to_number as _to_number
from steplint.frameworks.base import Adapted, Dialect, RunBuilder, Semantics, Source, walk


def to_number(value: Any) -> Optional[float]:
    """units.to_number, without infinities and NaN (`1e999` is not a duration anyone can run)."""
    number = _to_number(value)
    return number if number is not None and math.isfinite(number) else None


_TRAINER_MARKERS = {"mp", "fsdp_axis", "batch_axis", "axis_resources", "model_axis_size", "per_device_parallelism",
                    "per_device_eval_parallelism", "tracker", "wandb", "checkpointer", "steps_per_eval",
                    "tensor_parallel_axes", "train_batch_size", "max_eval_batches", "ray", "mesh"}


class Levanter(Dialect):
    name = "levanter"
    description = "Levanter YAML (trainer.num_train_steps, trainer.train_batch_size, optimizer.warmup)"

    def score(self, data: dict) -> float:
        trainer = data.get("trainer")
        if not isinstance(trainer, dict) or "num_train_steps" not in trainer:
            return 0.0
        return 0.8 if _TRAINER_MARKERS & trainer.keys() else 0.0

    def adapt(self, data: dict, source: Source) -> Adapted:
        b = RunBuilder(strict=False, framework="Levanter")
        trainer: dict[str, Any] = data["trainer"] if isinstance(data.get("trainer"), dict) else {}
        optimizer: dict[str, Any] = data["optimizer"] if isinstance(data.get("optimizer"), dict) else {}
        model: dict[str, Any] = data["model"] if isinstance(data.get("model"), dict) else {}

        steps = to_number(trainer.get("num_train_steps"))
        if steps is not None and steps > 0:
            b.duration("max_steps", steps, ("trainer", "num_train_steps"), Unit.STEP)
        batch = to_number(trainer.get("train_batch_size"))
        if batch is not None and batch > 0:  # -1: per-device parallelism × devices, unknown here
            b.count("global_batch_size", trainer["train_batch_size"], ("trainer", "train_batch_size"))
        warmup = to_number(optimizer.get("warmup"))
        if warmup is not None and warmup > 0:
            if warmup <= 1.0:  # a fraction of the run, int()-truncated
                b.duration("schedule.warmup", warmup, ("optimizer", "warmup"), Unit.DUR)
            else:
                b.duration("schedule.warmup", warmup, ("optimizer", "warmup"), Unit.STEP)
        name = optimizer.get("lr_schedule")
        if isinstance(name, str):
            b.name("schedule.name", name, ("optimizer", "lr_schedule"))
        evals = to_number(trainer.get("steps_per_eval"))
        if evals is not None and evals > 0 and _has_validation_data(data):
            b.duration("eval", evals, ("trainer", "steps_per_eval"), Unit.STEP)

        seq = to_number(model.get("seq_len"))
        semantics = Semantics(
            "Levanter: optimizer steps; train_batch_size is the global batch of one step; a warmup <= 1 is a "
            "fraction of num_train_steps (floor)",
            batch_is_global=True,
            tokens_per_sample=seq if isinstance(seq, int) and seq > 0 else None,
            warmup_rounding="floor",
        )
        return b.build(semantics)


def _has_validation_data(data: dict) -> bool:
    """Levanter evaluates only on validation sets (`validation_urls`, `validation_paths`...)."""
    return any("validation" in str(key) for _, key, _ in walk(data.get("data"), max_nodes=20_000))
