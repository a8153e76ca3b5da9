"""SL470 torchtune-accumulation-remainder: micro-batches per epoch not a multiple of the accumulation."""

from __future__ import annotations

from typing import Iterator

from ..settings import TorchtuneSettings
from ....findings import Hit, Severity
from ....rules.context import RuleContext

CODE = "SL470"


def check(ctx: RuleContext) -> Iterator[Hit]:
    s: TorchtuneSettings = ctx.settings
    plan = ctx.plan
    if s.accumulation_key is None:
        return
    batches, ga = plan.batches_per_epoch, plan.gradient_accumulation_steps
    if not batches or ga <= 1 or batches < ga:  # L < GA is SL471
        return
    left = batches % ga
    if left == 0:
        return
    steps = batches // ga
    if s.max_steps_per_epoch is not None and s.max_steps_per_epoch < steps:
        return  # the epoch stops earlier anyway
    if s.carries_leftovers:
        fate = (f"torchtune {s.version} runs them and carries their gradients into the next epoch's first "
                f"optimizer step (the last epoch's are discarded)")
    else:
        fate = "torchtune never loads them (its loop stops after floor(L / GA) optimizer steps)"
    share = left / batches
    yield ctx.hit(f"{batches} micro-batches per epoch is not a multiple of gradient_accumulation_steps {ga}: "
                  f"{steps} optimizer steps per epoch and {left} micro-batches ({left * plan.micro_batch_size} samples "
                  f"per rank, {share:.1%} of the epoch) left over every epoch; {fate}", s.accumulation_key,
                  severity=None if share >= 0.05 else Severity.INFO)
