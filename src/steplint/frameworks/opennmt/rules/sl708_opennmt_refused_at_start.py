"""SL708 opennmt-refused-at-start: accumulation and GPU settings OpenNMT-py refuses before training.

- accum_count and accum_steps of different lengths: `ArgumentParser.validate_train_opts` asserts
  (onmt/utils/parse.py); so does more gpu_ranks than world_size.
- an accum_count below 1: `Trainer.__init__` asserts (onmt/trainer.py).
- an accum_steps whose first value is not 0: `Trainer._accum_count(1)` finds no value for the first
  step (the optimizer's step starts at 1) and raises UnboundLocalError.
"""

from __future__ import annotations

from typing import Iterator

from ..settings import OpennmtSettings
from ....findings import Hit
from ....rules.context import RuleContext
from ....units import to_number

CODE = "SL708"


def check(ctx: RuleContext) -> Iterator[Hit]:
    s: OpennmtSettings = ctx.settings
    if not s.training:
        return
    counts, steps = list(s.accum_count), list(s.accum_steps)
    if len(counts) != len(steps):
        yield ctx.hit(f"accum_count {counts} has {len(counts)} values but accum_steps {steps} has {len(steps)}: "
                      f"OpenNMT-py stops at start (Number of accum_count values must match number of accum_steps)",
                      "accum_count", "accum_steps")
    bad = [c for c in counts if to_number(c) is not None and to_number(c) < 1]
    if bad:
        yield ctx.hit(f"accum_count {counts} holds {bad[0]}: OpenNMT-py's Trainer asserts every value is above 0",
                      "accum_count")
    first = to_number(steps[0]) if steps else None
    if s.accum_steps_written and first is not None and first >= 1:
        yield ctx.hit(f"accum_steps starts at {steps[0]}, not 0: the first optimizer step (1) has no accum_count "
                      f"and OpenNMT-py stops with UnboundLocalError in Trainer._accum_count", "accum_steps")
    world = to_number(s.world_size)
    if isinstance(s.gpu_ranks, list) and world is not None and world < len(s.gpu_ranks):
        yield ctx.hit(f"gpu_ranks lists {len(s.gpu_ranks)} GPUs but world_size is {s.world_size}: OpenNMT-py stops "
                      f"at start (gpu_ranks must not outnumber world_size)", "gpu_ranks", "world_size")
