"""SL520 litgpt-both-warmups: train.lr_warmup_fraction set while train.lr_warmup_steps is also set,
which LitGPT refuses with a ValueError; its default lr_warmup_steps of 100 counts as set
[S-LG litgpt/args.py `TrainArgs.__post_init__`]."""

from __future__ import annotations

from typing import Iterator

from ..settings import LitgptSettings
from ....findings import Hit
from ....rules.context import RuleContext, num

CODE = "SL520"


def check(ctx: RuleContext) -> Iterator[Hit]:
    s: LitgptSettings = ctx.settings
    if not s.warmup_fraction or not s.warmup_steps:
        return
    if s.warmup_steps_key:
        steps = f"train.lr_warmup_steps is {num(s.warmup_steps)}"
        fix = "set one of them to null"
    else:
        steps = f"train.lr_warmup_steps is not written, so it keeps its default {num(s.warmup_steps)}"
        fix = "add `lr_warmup_steps: null` to the train section"
    yield ctx.hit(f"train.lr_warmup_fraction is {num(s.warmup_fraction)} and {steps}: LitGPT raises ValueError "
                  f"(only one of them may be set); {fix}", s.warmup_fraction_key, s.warmup_steps_key)
