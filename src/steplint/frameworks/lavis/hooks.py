"""The settings LAVIS's rule SL711 reads (the warmup that only epoch 0 applies)."""

from __future__ import annotations

from ..base import RunBuilder, Source
from .settings import LavisSettings


def adapt(data: dict, b: RunBuilder, source: Source) -> dict:
    run = data.get("run") if isinstance(data.get("run"), dict) else {}
    sched = run.get("lr_sched")
    return {"settings": LavisSettings(lr_sched=sched if isinstance(sched, str) else None,
                                      warmup_steps=run.get("warmup_steps"),
                                      iteration_runner=run.get("runner") == "runner_iter")}
