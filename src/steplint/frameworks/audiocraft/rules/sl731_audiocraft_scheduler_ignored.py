"""SL731 audiocraft-scheduler-ignored: an LR schedule written for a solver that never builds one."""

from __future__ import annotations

from typing import Iterator

from ....findings import Hit
from ....rules.context import RuleContext
from ..reader import SCHEDULED_SOLVERS, AudioCraftSettings

CODE = "SL731"
_SOURCE = {"compression": "compression.py", "diffusion": "diffusion.py", "watermarking": "watermark.py"}


def check(ctx: RuleContext) -> Iterator[Hit]:
    s: AudioCraftSettings = ctx.settings
    if s.lr_scheduler is None or s.solver not in _SOURCE:
        return
    yield ctx.hit(f"schedule.lr_scheduler '{s.lr_scheduler}' is ignored: the {s.solver} solver "
                  f"(audiocraft/solvers/{_SOURCE[s.solver]}) builds no LR scheduler, so the LR stays at "
                  f"optim.lr for the whole run and schedule.{s.lr_scheduler} (its warmup included) never "
                  f"applies; only the {', '.join(sorted(SCHEDULED_SOLVERS))} solvers read it",
                  s.lr_scheduler_key, s.solver_key)
