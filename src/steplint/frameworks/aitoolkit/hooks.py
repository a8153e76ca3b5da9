"""What the ai-toolkit profile cannot say as data: the unit of a loop step, which depends on which of
the two accumulation settings the process uses, and the framework's defaults for a process's
train / save sections [S-AT toolkit/config_modules.py `TrainConfig`, `SaveConfig`;
jobs/process/BaseSDTrainProcess.py `run`; toolkit/scheduler.py `get_lr_scheduler`]."""

from __future__ import annotations

import math
from typing import Any, Optional

from ..base import RunBuilder, Source
from .settings import AiToolkitSettings
from ...units import Unit, to_number

DEFAULT_STEPS = 1000  # TrainConfig.steps
DEFAULT_SAVE_EVERY = 1000  # SaveConfig.save_every
DEFAULT_WARMUP = 1000  # get_lr_scheduler: constant_with_warmup without num_warmup_steps


def _number(value: Any) -> Optional[float]:
    number = to_number(value)
    return number if number is not None and math.isfinite(number) else None


def _section(process: dict, name: str) -> dict:
    value = process.get(name)
    return value if isinstance(value, dict) else {}


def adapt(data: dict, b: RunBuilder, source: Source) -> dict:
    processes = (data.get("config") or {}).get("process") if isinstance(data.get("config"), dict) else None
    if not isinstance(processes, list) or len(processes) != 1 or not isinstance(processes[0], dict):
        b.assumptions.append("only a job with one process is read")
        return {}
    process = processes[0]
    at = ("config", "process", 0)
    train, save = _section(process, "train"), _section(process, "save")
    accumulation = _number(train.get("gradient_accumulation", 1))
    legacy = _number(train.get("gradient_accumulation_steps", 1))
    settings = AiToolkitSettings(gradient_accumulation=accumulation, gradient_accumulation_steps=legacy,
                                 lr_scheduler=train.get("lr_scheduler", "constant")
                                 if isinstance(train.get("lr_scheduler", "constant"), str) else None)
    if accumulation is None or legacy is None or (accumulation > 1 and legacy != 1) or legacy == -1:
        return {"settings": settings}  # refused at start (SL635), or an optimizer step per epoch: no unit
    # legacy accumulation: a loop step is one batch, an optimizer step every N of them; otherwise a
    # loop step is one optimizer step over `gradient_accumulation` batches
    unit, ga, ga_key = (Unit.BATCH, legacy, "gradient_accumulation_steps") if legacy > 1 else (
        Unit.STEP, accumulation, "gradient_accumulation")
    if ga >= 1:
        b.count("gradient_accumulation", ga, at + ("train", ga_key),
                note=None if ga_key in train else "ai-toolkit default")
    _read(b, train, "batch_size", at + ("train",), lambda v, p: b.count("train_loader.batch_size", v, p), 1)
    if unit is Unit.BATCH:
        # BaseSDTrainProcess.py: `self.grad_accumulation_step = 1` at start, `+= 1` after each loop step, and an
        # optimizer step when `self.grad_accumulation_step >= optimizer_step_at` (then 0): at loop steps N - 1,
        # 2N - 1, ...; a last partial group never steps, so the run is steps // N optimizer steps
        _read(b, train, "steps", at + ("train",), lambda v, p: _legacy_steps(b, v, p, legacy), DEFAULT_STEPS)
    else:
        _read(b, train, "steps", at + ("train",), lambda v, p: b.duration("max_steps", v, p, unit), DEFAULT_STEPS)
    every = _number(save.get("save_every", DEFAULT_SAVE_EVERY))
    if every is not None and every > 0:  # `save_every and step % save_every == 0`: 0 or null is off
        b.duration("checkpoint", every, at + ("save", "save_every"), unit,
                   note=None if "save_every" in save else "ai-toolkit default save.save_every")
    if isinstance(settings.lr_scheduler, str):
        b.name("schedule.name", settings.lr_scheduler, at + ("train", "lr_scheduler"))
    if settings.lr_scheduler == "constant_with_warmup" and process.get("type") in ("sd_trainer", "ui_trainer"):
        # SDTrainer steps the scheduler every loop step
        params = train.get("lr_scheduler_params") if isinstance(train.get("lr_scheduler_params"), dict) else {}
        warmup = _number(params.get("num_warmup_steps", DEFAULT_WARMUP))
        if warmup is not None and warmup > 0:
            key = at + ("train", "lr_scheduler_params", "num_warmup_steps") if "num_warmup_steps" in params else \
                at + ("train", "lr_scheduler")
            b.duration("schedule.warmup", warmup, key, unit,
                       note=None if "num_warmup_steps" in params else "ai-toolkit default num_warmup_steps 1000")
    return {"settings": settings}


def _legacy_steps(b: RunBuilder, value: Any, path: tuple, every: float) -> None:
    """train.steps loop steps of one batch each, an optimizer step at every `every`-th: steps // every."""
    steps = _number(value)
    if steps is not None and steps == int(steps) and every == int(every):
        b.duration("max_steps", int(steps) // int(every), path, Unit.STEP,
                   note=f"{int(steps)} loop steps // gradient_accumulation_steps {int(every)}")
    else:
        b.duration("max_steps", value, path, Unit.BATCH)


def _read(b: RunBuilder, section: dict, key: str, at: tuple, write, default) -> None:
    value = section.get(key, default)
    number = _number(value)
    if number is not None and number > 0:
        write(value, at + (key,))


def not_training(data: dict, b: RunBuilder, source: Source) -> dict:
    return {}
