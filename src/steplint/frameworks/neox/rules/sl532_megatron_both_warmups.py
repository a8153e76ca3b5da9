"""SL532 megatron-both-warmups: lr_warmup_fraction together with lr_warmup_iters, which Megatron-LM
refuses with an AssertionError at startup [S-MG megatron/training/arguments.py `validate_args`]."""

from __future__ import annotations

from typing import Iterator

from ..settings import NeoxSettings
from ....findings import Hit
from ....rules.context import RuleContext, num

CODE = "SL532"


def check(ctx: RuleContext) -> Iterator[Hit]:
    s: NeoxSettings = ctx.settings
    if not s.megatron or s.warmup is None or s.warmup_iters is None:
        return
    yield ctx.hit(f"{s.warmup_key} {num(s.warmup)} and {s.warmup_iters_key} {num(s.warmup_iters)} are both set: "
                  f"Megatron-LM stops at startup (\"can only specify one of lr-warmup-fraction and "
                  f"lr-warmup-iters\"); keep one", s.warmup_key, s.warmup_iters_key)
