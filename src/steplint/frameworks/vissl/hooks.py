"""What the VISSL profile cannot say as data: the world size NUM_NODES × NUM_PROC_PER_NODE, and the
checkpoints, which VISSL's hook saves at two cadences at once and the plan therefore counts through
`cadence` [vissl/config/defaults.yaml, vissl/hooks/log_hooks.py, vissl/utils/checkpoint.py]:
- after a training phase (an epoch) whose 0-based train_phase_idx % CHECKPOINT_FREQUENCY == 0, and
  after the last one (`on_phase_end` -> `checkpoint_model`, `is_checkpoint_phase`): after epochs 1,
  F + 1, 2F + 1... and num_epochs, whatever CHECKPOINT_ITER_FREQUENCY is;
- besides, every CHECKPOINT_ITER_FREQUENCY iterations when it is positive (`on_step`: `if
  checkpoint_frequency > 0`, task.iteration counted from 1 across the epochs)."""

from __future__ import annotations

import math
from typing import Any, Optional

from ..base import RunBuilder, Source, fvcore_composites, value_at
from ...units import Unit, whole_number
from .settings import VisslSettings

DEFAULTS = {"DISTRIBUTED.NUM_NODES": 1, "DISTRIBUTED.NUM_PROC_PER_NODE": 8, "OPTIMIZER.num_epochs": 90,
            "CHECKPOINT.CHECKPOINT_FREQUENCY": 1, "CHECKPOINT.CHECKPOINT_ITER_FREQUENCY": -1}


def _get(config: dict, dotted: str) -> tuple[Optional[int], bool]:
    node: Any = config
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            return whole_number(DEFAULTS.get(dotted)), False
        node = node[part]
    return whole_number(node), True




def _path(dotted: str, written: bool) -> tuple:
    return ("config", *dotted.split(".")) if written else ("config",)


def adapt(data: dict, b: RunBuilder, source: Source) -> dict:
    config = data.get("config")
    if not isinstance(config, dict) or config.get("TEST_ONLY") is True:
        return {"settings": VisslSettings()}
    nodes, nodes_written = _get(config, "DISTRIBUTED.NUM_NODES")
    procs, procs_written = _get(config, "DISTRIBUTED.NUM_PROC_PER_NODE")
    if nodes and procs and nodes > 0 and procs > 0:
        note = f"NUM_NODES {nodes} × NUM_PROC_PER_NODE {procs}"
        if not (nodes_written and procs_written):
            note += " (VISSL defaults for what the file leaves out)"
        b.count("world_size", nodes * procs, _path("DISTRIBUTED.NUM_PROC_PER_NODE", procs_written), note=note)
    per_iter, _ = _get(config, "CHECKPOINT.CHECKPOINT_ITER_FREQUENCY")
    epochs, _ = _get(config, "OPTIMIZER.num_epochs")
    per_epoch, epoch_written = _get(config, "CHECKPOINT.CHECKPOINT_FREQUENCY")
    # num_train_phases = num_epochs × TRAIN_PHASES_PER_EPOCH (vissl/trainer/train_task.py
    # `set_epoch_phase_info`): with another value the saves follow phases the plan does not count
    phases = value_at(config, "DATA", "TRAIN", "TRAIN_PHASES_PER_EPOCH")
    overrides: dict = {"settings": VisslSettings(composites=_composites(config))}
    if per_epoch is None or per_epoch <= 0 or not epochs or epochs <= 0 or phases not in (None, 1):
        return overrides  # 0 is a ZeroDivisionError in is_checkpoint_phase: not counted
    if per_epoch < epochs:
        b.duration("checkpoint", per_epoch, _path("CHECKPOINT.CHECKPOINT_FREQUENCY", epoch_written), Unit.EPOCH,
                   note=None if epoch_written else "VISSL default CHECKPOINT.CHECKPOINT_FREQUENCY")
    else:  # train_phase_idx 0 always saves: no interval past the run to report
        b.assumptions.append(f"CHECKPOINT_FREQUENCY {per_epoch} >= num_epochs {epochs}: checkpoints after the first "
                             f"epoch and after the last only")
    per_iter = per_iter if per_iter is not None and per_iter > 0 else None
    if per_iter is not None:
        b.assumptions.append(f"a checkpoint every {per_iter} iterations (CHECKPOINT_ITER_FREQUENCY) besides the "
                             f"epoch ones; a step with both counts once")
    overrides["cadence"] = lambda plan: {"checkpoint": checkpoints(
        epochs, per_epoch, per_iter, plan.optimizer_steps_per_epoch, plan.total_optimizer_steps)}
    return overrides


def checkpoints(epochs: int, per_epoch: int, per_iter: Optional[int], steps_per_epoch: Optional[int],
                total: Optional[int]) -> tuple[Optional[int], Optional[int]]:
    """(how many steps a checkpoint is saved at, the first) in a run of `epochs` epochs of
    `steps_per_epoch` iterations: after the epochs i (0-based) with i % per_epoch == 0 and after the
    last (`is_checkpoint_phase`), and at the iterations k × per_iter, k >= 1 (`on_step`)."""
    phase_saves = -(-epochs // per_epoch) + (1 if (epochs - 1) % per_epoch else 0)
    if not steps_per_epoch:
        return (phase_saves, None) if per_iter is None and steps_per_epoch is None else (None, None)
    if total != epochs * steps_per_epoch:
        return None, None
    if per_iter is None:
        return phase_saves, steps_per_epoch
    # iteration saves at k × per_iter <= total; those that fall at the end of a saving epoch,
    # (i + 1) × steps_per_epoch with i = j × per_epoch, are the same step
    iteration_saves = total // per_iter
    periodic = -(-epochs // per_epoch)  # j = 0 .. periodic - 1
    both = _solutions(per_epoch * steps_per_epoch, -steps_per_epoch, per_iter, periodic)
    if (epochs - 1) % per_epoch and total % per_iter == 0:
        both += 1  # the last epoch's save, off the per_epoch grid, on an iteration save
    return phase_saves + iteration_saves - both, min(steps_per_epoch, per_iter)


def _solutions(a: int, c: int, m: int, count: int) -> int:
    """How many j in [0, count) have a × j ≡ c (mod m)."""
    g = math.gcd(a, m)
    if c % g:
        return 0
    period = m // g
    j0 = (c // g) * pow(a // g, -1, period) % period if period > 1 else 0
    return 0 if j0 >= count else (count - 1 - j0) // period + 1


def _composites(config: dict) -> tuple:
    """Composite schedules as written. With auto_lr_scaling.auto_scale, vissl/utils/hydra_config.py
    resolve_linear_schedule may delete the linear warmup (not its length) first: not judged."""
    def rescaled(spec: dict) -> bool:
        scaling = spec.get("auto_lr_scaling")
        return isinstance(scaling, dict) and scaling.get("auto_scale") is not False

    return fvcore_composites(value_at(config, "OPTIMIZER", "param_schedulers"), "config.OPTIMIZER.param_schedulers.",
                             rescaled)
