"""What the Cerebras Model Zoo profile cannot say as data:

- eval_frequency: an int counts steps, a float in (0, 1] is a fraction of the run (ceil), None or 0
  runs no validation, and nothing is validated without a validation dataloader [modelzoo
  trainer/callbacks/loop.py `TrainingLoop`, trainer/callbacks/run_schedule.py `_build_train_schedule`];
- no checkpoint at all unless checkpoint.steps is a positive number [trainer/callbacks/checkpoint.py];
- the LR schedule's length: the schedulers' total_iters, one after the other in a SequentialLR.
  LinearLR, PolynomialLR and CosineDecayLR hold end_learning_rate after total_iters (cerebras.pytorch
  optim/lr_scheduler.py `PolynomialLR._get_closed_form_lr`, `CosineDecayLR._get_closed_form_lr`).
"""

from __future__ import annotations

import math
from typing import Any, Optional

from ..base import RunBuilder, Source, value_at
from .settings import CerebrasSettings
from ...units import Unit, to_number, whole_number

# Schedulers that hold their end_learning_rate once total_iters have passed.
HOLDS_END = {"LinearLR", "PolynomialLR", "CosineDecayLR", "ConstantLR"}






def adapt(data: dict, b: RunBuilder, source: Source) -> dict:
    legacy = "trainer" not in data  # modelzoo trainer/utils.py `is_legacy_params`
    prefix = ("runconfig",) if legacy else ("trainer", "init", "loop")
    loop = value_at(data, *prefix) or {}
    if not isinstance(loop, dict):  # the trainer builds TrainingLoop(**loop): a mapping or nothing
        b.wrong_type(prefix, loop, "a mapping")
        loop = {}
    settings: dict[str, Any] = {}
    run_steps, run_key = None, None
    for name in ("num_steps", "max_steps"):  # the run is the least of them (compute_num_steps)
        value = whole_number(loop.get(name))
        if value is not None and value > 0 and (run_steps is None or value < run_steps):
            run_steps, run_key = value, ".".join((*prefix, name))
    if loop.get("num_epochs") is not None:
        if loop.get("num_steps") is not None:
            b.invalid((*prefix, "num_steps"), loop["num_steps"], "is set beside num_epochs: cerebras.pytorch "
                       "refuses the pair before the first step (compute_num_steps: ValueError \"Only one of "
                       "`num_epochs` or `num_steps` can be specified.\")")
        run_steps, run_key = None, None  # the epochs may end the run first: its length needs N
    settings.update(run_steps=run_steps, run_key=run_key)

    ruled_out = []
    validates = (value_at(data, "eval_input") if legacy else value_at(data, "trainer", "fit", "val_dataloader")) is not None
    frequency = loop.get("eval_frequency", 1.0)  # TrainingLoop's default: once, at the end
    frequency_key = ".".join((*prefix, "eval_frequency"))
    settings.update(validates=validates, eval_frequency=frequency,
                    eval_frequency_key=frequency_key if "eval_frequency" in loop else None)
    if not validates or not frequency or not _eval_interval(b, frequency, run_steps, prefix, "eval_frequency" in loop):
        ruled_out.append("eval")

    checkpoint_steps = to_number(value_at(data, "runconfig", "checkpoint_steps") if legacy
                                 else value_at(data, "trainer", "init", "checkpoint", "steps"))
    if checkpoint_steps is None or checkpoint_steps <= 0:
        ruled_out.append("checkpoint")  # Checkpoint(steps=None): nothing is saved

    if not legacy:
        settings.update(_schedule(data, b))
    return {"settings": CerebrasSettings(**settings), "ruled_out": tuple(ruled_out)}


def _eval_interval(b: RunBuilder, frequency: Any, run_steps: Optional[int], prefix: tuple, written: bool) -> bool:
    """Reads a valid eval_frequency; False for one Cerebras refuses (SL676 says why)."""
    path = (*prefix, "eval_frequency") if written else prefix
    note = None if written else "TrainingLoop default eval_frequency 1.0: once, at the end"
    if isinstance(frequency, float):
        if not 0.0 < frequency <= 1.0:
            return False
        if run_steps is None:
            return True  # a fraction of a run whose length is unknown
        every = math.ceil(frequency * run_steps)
        b.duration("eval", every, path, Unit.STEP,
                   note=note or f"ceil({frequency} × {run_steps} steps)")
        return True
    if isinstance(frequency, int) and not isinstance(frequency, bool) and frequency > 0:
        b.duration("eval", frequency, path, Unit.STEP)
        return True
    return False


def _schedule(data: dict, b: RunBuilder) -> dict:
    schedulers = value_at(data, "trainer", "init", "schedulers")
    if isinstance(schedulers, dict):
        schedulers = [schedulers]
    if not isinstance(schedulers, list) or len(schedulers) != 1:
        return {}  # none, or one per parameter group
    name, args = _one(schedulers[0])
    parts = [_one(s) for s in args.get("schedulers") or []] if name == "SequentialLR" else [(name, args)]
    if not parts or any(p[0] is None for p in parts):
        return {}
    lengths = [whole_number(a.get("total_iters")) for _, a in parts]
    if any(n is None or n <= 0 for n in lengths):
        return {}  # a scheduler with no end (ConstantLR with no total_iters) or one not read
    milestones = args.get("milestones") if name == "SequentialLR" else None
    if isinstance(milestones, list) and milestones:
        last = whole_number(milestones[-1])
        if last is None or len(milestones) != len(parts) - 1:
            return {}
        total = last + lengths[-1]
    else:
        total = sum(lengths)
    shown = name if name != "SequentialLR" else f"SequentialLR({', '.join(p[0] for p in parts)})"
    b.duration("schedule.horizon", total, ("trainer", "init", "schedulers"), Unit.STEP,
               note=f"{shown}: total_iters {' + '.join(map(str, lengths))}" if len(lengths) > 1 else shown)
    b.name("schedule.name", f"Cerebras {shown}", ("trainer", "init", "schedulers"))
    first_name, first_args = parts[0]
    start, end = to_number(first_args.get("initial_learning_rate")), to_number(first_args.get("end_learning_rate"))
    if len(parts) > 1 and first_name == "LinearLR" and start is not None and end is not None and start < end:
        # a linear ramp up to the next scheduler's LR: the warmup
        b.duration("schedule.warmup", lengths[0], ("trainer", "init", "schedulers", 0, "SequentialLR", "schedulers",
                                                   0, "LinearLR", "total_iters"), Unit.STEP)
    final_name, final_args = parts[-1]
    return {"schedule_steps": total, "schedule_key": "trainer.init.schedulers",
            "schedule_end_lr": final_args.get("end_learning_rate", final_args.get("learning_rate"))
            if final_name in HOLDS_END else None}


def _one(entry: Any) -> tuple[Optional[str], dict]:
    """A scheduler entry is one-key mapping: {LinearLR: {total_iters: ...}}."""
    if isinstance(entry, dict) and len(entry) == 1:
        name, args = next(iter(entry.items()))
        if isinstance(name, str) and isinstance(args, dict):
            return name, args
    return None, {}
