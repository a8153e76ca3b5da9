"""SL531 neox-decay-before-end: lr_decay_iters shorter than train_iters: GPT-NeoX's AnnealingLR (and
Megatron's scheduler) reach min_lr at lr_decay_iters and hold it for the rest of the run
[S-NX megatron/learning_rates.py `AnnealingLR.get_lr`]. Reported when min_lr holds for more than half
the run (rules.context.floor_tail); a horizon longer than the run is SL205."""

from __future__ import annotations

from typing import Iterator

from ..settings import NeoxSettings
from ....findings import Hit
from ....rules.context import RuleContext, floor_tail, num

CODE = "SL531"


def check(ctx: RuleContext) -> Iterator[Hit]:
    s: NeoxSettings = ctx.settings
    if s.train_iters is None or s.decay_iters is None:
        return
    if s.decay_how != "lr_decay_iters":
        return
    tail = floor_tail(s.decay_iters, s.train_iters)
    if tail is not None:
        yield ctx.hit(f"the LR decays over {num(s.decay_iters)} iterations ({s.decay_key}) and then stays at min_lr "
                      f"{tail}: the decay is sized for a shorter run", s.decay_key, s.train_iters_key)
