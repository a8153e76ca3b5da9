"""SL765 vits-warmup-ignored: train.warmup_epochs / init_lr_ratio, which VITS's train.py never reads."""

from __future__ import annotations

from typing import Iterator

from ....findings import Hit
from ....rules.context import RuleContext, num
from ..reader import VITSSettings

CODE = "SL765"


def check(ctx: RuleContext) -> Iterator[Hit]:
    s: VITSSettings = ctx.settings
    if s.warmup_epochs is not None and s.warmup_epochs > 0:
        yield ctx.hit(f"train.warmup_epochs is {num(s.warmup_epochs)} but VITS's train.py never reads it: there is "
                      f"no warmup, the LR starts at train.learning_rate and decays every epoch", "train.warmup_epochs")
    if s.init_lr_ratio is not None and s.init_lr_ratio != 1:
        yield ctx.hit(f"train.init_lr_ratio is {num(s.init_lr_ratio)} but VITS's train.py never reads it: the LR "
                      f"starts at train.learning_rate", "train.init_lr_ratio")
