"""SL530 neox-warmup-of-decay: GPT-NeoX's `warmup` (and Megatron's lr_warmup_fraction) is a fraction
of lr_decay_iters, not of train_iters; when the two differ, the warmup is not the share of the run
the number suggests [S-NX megatron/training.py `get_learning_rate_scheduler`:
warmup_iter = warmup × num_iters, num_iters = lr_decay_iters]."""

from __future__ import annotations

from typing import Iterator

from ..settings import NeoxSettings
from ....findings import Hit
from ....rules.context import RuleContext, num

CODE = "SL530"


def check(ctx: RuleContext) -> Iterator[Hit]:
    s: NeoxSettings = ctx.settings
    if s.warmup is None or s.train_iters is None or s.decay_iters is None:
        return
    if s.decay_how == "train_iters":
        return
    warmup_iters = s.warmup * s.decay_iters
    expected = s.warmup * s.train_iters
    if abs(warmup_iters - expected) < max(1.0, 0.1 * expected):
        return
    share = warmup_iters / s.train_iters
    pct = f"{share:.0%}" if share >= 0.1 else f"{share:.1%}"
    yield ctx.hit(f"{s.warmup_key} {num(s.warmup)} is a fraction of {s.decay_how} ({num(s.decay_iters)}), not of "
                  f"{s.train_iters_key} ({s.train_iters}): the warmup is {num(s.warmup)} × {num(s.decay_iters)} = "
                  f"{num(warmup_iters)} iterations, {pct} of the {s.train_iters}-iteration run (not "
                  f"{num(s.warmup)} × {s.train_iters} = {num(expected)})", s.warmup_key, s.decay_key, s.train_iters_key)
