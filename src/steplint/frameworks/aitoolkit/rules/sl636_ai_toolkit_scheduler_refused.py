"""SL636 ai-toolkit-scheduler-refused: a train.lr_scheduler get_lr_scheduler does not build itself.
Any other name goes to diffusers with the `total_iters` (or `max_iterations`) keyword ai-toolkit
always adds, which no diffusers schedule accepts: the TypeError is printed and ValueError raised
[S-AT toolkit/scheduler.py `get_lr_scheduler`; jobs/process/BaseSDTrainProcess.py `run`]."""

from __future__ import annotations

from typing import Iterator

from ..settings import AiToolkitSettings
from ....findings import Hit
from ....rules.context import RuleContext

CODE = "SL636"
BUILT = ("cosine", "cosine_with_restarts", "step", "constant", "linear", "constant_with_warmup")


def check(ctx: RuleContext) -> Iterator[Hit]:
    s: AiToolkitSettings = ctx.settings
    if s.lr_scheduler is None or s.lr_scheduler in BUILT:
        return
    yield ctx.hit(f"train.lr_scheduler '{s.lr_scheduler}' is not one ai-toolkit builds ({', '.join(BUILT)}): it "
                  f"is handed to diffusers with a total_iters argument no diffusers schedule takes, and training "
                  f"stops with ValueError before the first step", f"{s.process_key}.train.lr_scheduler")
