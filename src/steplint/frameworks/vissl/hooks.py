"""What the VISSL profile cannot say as data: the world size NUM_NODES × NUM_PROC_PER_NODE, and the
checkpoint interval: CHECKPOINT_ITER_FREQUENCY iterations when positive, else CHECKPOINT_FREQUENCY
epochs, which at num_epochs or more leaves only the final checkpoint VISSL always writes
[vissl/config/defaults.yaml, vissl/hooks/log_hooks.py, vissl/utils/checkpoint.py]."""

from __future__ import annotations

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
    per_iter, iter_written = _get(config, "CHECKPOINT.CHECKPOINT_ITER_FREQUENCY")
    epochs, _ = _get(config, "OPTIMIZER.num_epochs")
    per_epoch, epoch_written = _get(config, "CHECKPOINT.CHECKPOINT_FREQUENCY")
    if per_iter is not None and per_iter > 0:
        b.duration("checkpoint", per_iter, _path("CHECKPOINT.CHECKPOINT_ITER_FREQUENCY", iter_written), Unit.STEP)
    elif per_epoch is not None and per_epoch > 0 and epochs:
        if per_epoch >= epochs:
            b.assumptions.append(f"CHECKPOINT_FREQUENCY {per_epoch} >= num_epochs {epochs}: only the checkpoint after "
                                 f"the final phase, which VISSL always writes")
        else:
            b.duration("checkpoint", per_epoch, _path("CHECKPOINT.CHECKPOINT_FREQUENCY", epoch_written), Unit.EPOCH,
                       note=None if epoch_written else "VISSL default CHECKPOINT.CHECKPOINT_FREQUENCY")
    return {"settings": VisslSettings(composites=_composites(config))}


def _composites(config: dict) -> tuple:
    """Composite schedules as written. With auto_lr_scaling.auto_scale, vissl/utils/hydra_config.py
    resolve_linear_schedule may delete the linear warmup (not its length) first: not judged."""
    def rescaled(spec: dict) -> bool:
        scaling = spec.get("auto_lr_scaling")
        return isinstance(scaling, dict) and scaling.get("auto_scale") is not False

    return fvcore_composites(value_at(config, "OPTIMIZER", "param_schedulers"), "config.OPTIMIZER.param_schedulers.",
                             rescaled)
