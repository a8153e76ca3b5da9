"""SL638 paddleocr-zero-interval: Global.save_epoch_step, print_batch_step or the eval_batch_step
interval is 0, and PaddleOCR divides by it (`epoch % save_epoch_step`, `global_step %
print_batch_step`, `(global_step - start) % eval_batch_step`): ZeroDivisionError
[S-PO tools/program.py `train`]."""

from __future__ import annotations

from typing import Iterator

from ..settings import PaddleocrSettings
from ....findings import Hit
from ....rules.context import RuleContext

CODE = "SL638"


def check(ctx: RuleContext) -> Iterator[Hit]:
    s: PaddleocrSettings = ctx.settings
    if s.save_epoch_step == 0:
        yield ctx.hit("Global.save_epoch_step is 0: PaddleOCR computes `epoch % save_epoch_step` at the end of the "
                      "first epoch and stops with ZeroDivisionError; set it to 1 or more (or larger than epoch_num "
                      "to keep only `latest`)", "Global.save_epoch_step")
    if s.print_batch_step == 0:
        yield ctx.hit("Global.print_batch_step is 0: PaddleOCR computes `global_step % print_batch_step` from the "
                      "second iteration and stops with ZeroDivisionError; set it to 1 or more",
                      "Global.print_batch_step")
    if s.eval_interval == 0:
        yield ctx.hit("the interval of Global.eval_batch_step is 0: PaddleOCR computes `(global_step - start) % 0` "
                      "once past the start and stops with ZeroDivisionError", "Global.eval_batch_step")
