"""SL707 opennmt-warmup-unused: a warmup_steps that OpenNMT-py never uses. Only decay_method noam,
noamwd and rsqrt read warmup_steps (onmt/utils/optimizers.py `make_learning_rate_decay_fn`); with
the default decay_method none the LR is learning_rate from the first step (then the exponential
decay from start_decay_steps)."""

from __future__ import annotations

from typing import Iterator

from ..settings import OpennmtSettings
from ....findings import Hit
from ....rules.context import RuleContext, num
from ....units import to_number

CODE = "SL707"
WARMUP_METHODS = ("noam", "noamwd", "rsqrt")


def check(ctx: RuleContext) -> Iterator[Hit]:
    s: OpennmtSettings = ctx.settings
    warmup = to_number(s.warmup_written)
    if not s.training or warmup is None or warmup <= 0 or s.decay_method in WARMUP_METHODS:
        return
    lr = to_number(s.learning_rate)
    start = f" at the full learning_rate {lr:g}" if lr is not None else " at the full learning_rate"
    yield ctx.hit(f"warmup_steps {num(warmup)} is not used: decay_method {s.decay_method!r} has no warmup in "
                  f"OpenNMT-py (only noam, noamwd and rsqrt read warmup_steps), so training starts{start}",
                  "warmup_steps", "decay_method")
