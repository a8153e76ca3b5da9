"""The settings the GraphGym rule reads (SL790) [torch_geometric/graphgym/optim.py]."""

from __future__ import annotations

from ...units import Unit
from ..base import RunBuilder, Source
from .settings import GraphGymSettings

DEFAULT_STEPS = [30, 60, 90]  # config.py set_cfg: cfg.optim.steps, in epochs


def adapt(data: dict, b: RunBuilder, source: Source) -> dict:
    optim = data.get("optim")
    scheduler = optim.get("scheduler") if isinstance(optim, dict) else None
    if scheduler == "step" and "steps" not in optim:  # a profile default holds one value, not a list
        b.milestones("schedule.milestones", DEFAULT_STEPS, ("optim", "scheduler"), Unit.EPOCH)
    return {"settings": GraphGymSettings(scheduler=scheduler if isinstance(scheduler, str) else None)}
