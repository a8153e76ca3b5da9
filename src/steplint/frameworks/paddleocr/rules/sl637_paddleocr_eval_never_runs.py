"""SL637 paddleocr-eval-never-runs: Global.eval_batch_step [start, interval] puts no evaluation inside
the run. PaddleOCR evaluates only at those iterations and saves best_accuracy only after an
evaluation, and there is no final one: the run ends with no evaluation and no best model
[S-PO tools/program.py `train`]."""

from __future__ import annotations

from typing import Iterator

from ..settings import PaddleocrSettings
from ....findings import Hit
from ....rules.context import RuleContext, num

CODE = "SL637"


def check(ctx: RuleContext) -> Iterator[Hit]:
    s: PaddleocrSettings = ctx.settings
    if s.eval_interval is None or s.eval_interval <= 0 or ctx.plan.eval_count != 0:
        return
    yield ctx.hit(f"Global.eval_batch_step is [{num(s.eval_start)}, {num(s.eval_interval)}] (evaluate every "
                  f"{num(s.eval_interval)} iterations after iteration {num(s.eval_start)}) but the run is "
                  f"{ctx.run_length()}: PaddleOCR never evaluates and never saves best_accuracy",
                  "Global.eval_batch_step", "Global.epoch_num")
