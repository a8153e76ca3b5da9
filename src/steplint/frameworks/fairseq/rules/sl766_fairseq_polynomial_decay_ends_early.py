"""SL766 fairseq-polynomial-decay-ends-early: polynomial_decay total_num_update short of max_update."""

from __future__ import annotations

from typing import Iterator

from ....findings import Hit
from ....rules.context import RuleContext, num
from ..reader import FairseqSettings

CODE = "SL766"


def check(ctx: RuleContext) -> Iterator[Hit]:
    s: FairseqSettings = ctx.settings
    if s.scheduler != "polynomial_decay" or s.total_num_update is None or s.max_update is None:
        return
    run = ctx.plan.total_optimizer_steps
    if run is None:
        if ctx.run.epochs is not None:
            return  # max_epoch may end the run before total_num_update: not certain
        run = s.max_update
    if s.total_num_update >= run:
        return  # a horizon past the run is SL205's
    held = run - s.total_num_update
    yield ctx.hit(f"lr_scheduler.total_num_update is {num(s.total_num_update)} but the run is {num(run)} updates: "
                  f"polynomial_decay reaches end_learning_rate {num(s.end_learning_rate)} at update "
                  f"{num(s.total_num_update)} and holds it for the last {num(held)} updates "
                  f"({held / run:.0%} of the run)", s.total_num_update_key, s.max_update_key)
