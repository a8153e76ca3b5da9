"""SL660 nanotron-decay-before-end: the LR decay ends before train_steps, and nanotron holds
min_decay_lr for the rest of the run [nanotron src/nanotron/helpers.py `lr_scheduler_builder`: past
lr_decay_starting_step + lr_decay_steps the LR is min_decay_lr]. Reported when that floor holds for
more than half the run (rules.context.floor_tail); a decay that ends after the run is SL205."""

from __future__ import annotations

from typing import Iterator

from ..settings import NanotronSettings
from ....findings import Hit
from ....rules.context import RuleContext, floor_tail, num

CODE = "SL660"


def check(ctx: RuleContext) -> Iterator[Hit]:
    s: NanotronSettings = ctx.settings
    if s.train_steps is None or s.decay_end is None:
        return
    tail = floor_tail(s.decay_end, s.train_steps)
    if tail is not None:
        yield ctx.hit(f"the LR decay ends at step {num(s.decay_end)} ({s.decay_key}) and the LR then stays at "
                      f"min_decay_lr {tail}: the decay is sized for a shorter run", s.decay_key, s.train_steps_key)
