"""SL471 torchtune-loader-shorter-than-accumulation: fewer micro-batches per epoch than one accumulation group."""

from __future__ import annotations

from typing import Iterator

from ..settings import TorchtuneSettings
from ....findings import Hit
from ....rules.context import RuleContext

CODE = "SL471"


def check(ctx: RuleContext) -> Iterator[Hit]:
    s: TorchtuneSettings = ctx.settings
    plan = ctx.plan
    if s.accumulation_key is None:
        return
    batches, ga = plan.batches_per_epoch, plan.gradient_accumulation_steps
    if not batches or batches >= ga:  # 0 batches is SL206
        return
    if s.carries_leftovers:
        fate = (f"torchtune {s.version} never steps the optimizer (the micro-batch index restarts every epoch, so "
                f"no group of {ga} ever completes) and sizes the schedule for 0 steps")
    else:
        fate = ("steps_per_epoch = 0, and torchtune fails with ZeroDivisionError (global_step % steps_per_epoch) "
                "as soon as train() starts")
    yield ctx.hit(f"an epoch has {batches} micro-batches per rank ({plan.samples_per_rank} samples / batch_size "
                  f"{plan.micro_batch_size}, drop_last) but gradient_accumulation_steps is {ga}: {fate}",
                  s.accumulation_key, ctx.run.train_loader.batch_size.key if ctx.run.train_loader.batch_size else None)
