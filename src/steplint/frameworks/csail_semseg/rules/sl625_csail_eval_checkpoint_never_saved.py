"""SL625 csail-eval-checkpoint-never-saved: VAL.checkpoint / TEST.checkpoint name epoch_K.pth, which
eval.py and test.py load from DIR and assert exists; train.py saves epoch_{start_epoch + 1} ..
epoch_{num_epoch} [train.py `checkpoint`, eval.py `main`]. K past num_epoch is a file this training
never writes."""

from __future__ import annotations

from typing import Iterator

from ..settings import CsailSettings
from ....findings import Hit
from ....rules.context import RuleContext

CODE = "SL625"


def check(ctx: RuleContext) -> Iterator[Hit]:
    s: CsailSettings = ctx.settings
    if s.num_epoch <= s.start_epoch:
        return
    for key, epoch, name, written in s.checkpoints:
        if epoch > s.num_epoch:
            default = "" if written else " (the default)"
            yield ctx.hit(f"{key} {name!r}{default} names epoch {epoch}, but training with this file saves "
                          f"epoch_{s.start_epoch + 1}.pth to epoch_{s.num_epoch}.pth (TRAIN.num_epoch {s.num_epoch}): "
                          f"evaluating what it trained stops with 'checkpoint does not exitst!'; name "
                          f"epoch_{s.num_epoch}.pth", key if written else "TRAIN.num_epoch", "TRAIN.num_epoch")
