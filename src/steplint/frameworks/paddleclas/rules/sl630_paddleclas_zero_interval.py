"""SL630 paddleclas-zero-interval: Global.print_batch_step 0, or Global.eval_interval 0 with
eval_during_train: the engine divides by them (`iter_id % print_batch_step`, `epoch_id %
eval_interval`), so training stops with ZeroDivisionError [S-PC ppcls/engine/train/train.py
`train_epoch`, ppcls/engine/engine.py `Engine.train`]."""

from __future__ import annotations

from typing import Iterator

from ..settings import PaddleclasSettings
from ....findings import Hit
from ....rules.context import RuleContext

CODE = "SL630"


def check(ctx: RuleContext) -> Iterator[Hit]:
    s: PaddleclasSettings = ctx.settings
    if s.print_batch_step == 0:
        yield ctx.hit("Global.print_batch_step is 0: PaddleClas computes `iter_id % print_batch_step` after the "
                      "first iteration and stops with ZeroDivisionError; set it to 1 or more",
                      "Global.print_batch_step")
    if s.eval_interval == 0:
        yield ctx.hit("Global.eval_interval is 0 with eval_during_train: PaddleClas computes `epoch_id % "
                      "eval_interval` after the first epoch and stops with ZeroDivisionError; set it to 1 or more, "
                      "or eval_during_train to False", "Global.eval_interval", "Global.eval_during_train")
