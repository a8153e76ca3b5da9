"""SL531 neox-decay-before-end: lr_decay_iters shorter than train_iters: GPT-NeoX's AnnealingLR (and
Megatron's scheduler) reach min_lr at lr_decay_iters and hold it for the rest of the run
[S-NX megatron/learning_rates.py `AnnealingLR.get_lr`]. Often deliberate, so an info finding;
a horizon longer than the run is SL205."""

from __future__ import annotations

from typing import Iterator

from ..settings import NeoxSettings
from ....findings import Hit
from ....rules.context import RuleContext, num

CODE = "SL531"


def check(ctx: RuleContext) -> Iterator[Hit]:
    s: NeoxSettings = ctx.settings
    if s.train_iters is None or s.decay_iters is None:
        return
    if s.decay_how != "lr_decay_iters" or s.decay_iters >= s.train_iters:
        return
    rest = s.train_iters - s.decay_iters
    yield ctx.hit(f"the LR decays over {num(s.decay_iters)} iterations ({s.decay_key}) and then stays at min_lr "
                  f"for the last {num(rest)} of the {s.train_iters} iterations ({rest / s.train_iters:.0%} of the "
                  f"run)", s.decay_key, s.train_iters_key)
