"""SL705 nemo-megatron-batch-indivisible: a Megatron NeMo model.global_batch_size that is not a
multiple of micro_batch_size × data-parallel size. NeMo's MegatronBaseModel sets up Megatron's
micro-batch calculator with both (initialize_model_parallel_for_nemo), and
ConstantNumMicroBatchesCalculator asserts global % (micro × data-parallel) == 0
(megatron/core/num_microbatches_calculator.py): the job stops at launch. The data-parallel size is
devices × nodes / (tensor × pipeline × context parallel), as the reader derives it."""

from __future__ import annotations

from typing import Iterator

from ..reader import LightningSettings
from ....findings import Hit
from ....rules.context import RuleContext

CODE = "SL705"


def check(ctx: RuleContext) -> Iterator[Hit]:
    s: LightningSettings = ctx.settings
    run, plan = ctx.run, ctx.plan
    if s.flavour != "nemo" or not s.megatron or run.global_batch_size is None or not plan.micro_batch_size:
        return
    if run.train_loader.batch_size is None or any(a.startswith("world size 1") for a in plan.assumptions):
        return
    declared, micro, dp = run.global_batch_size.value, run.train_loader.batch_size.value, plan.world_size
    if not dp or declared % (micro * dp) == 0:
        return
    how = f" ({run.world_size.note})" if run.world_size is not None and run.world_size.note else ""
    yield ctx.hit(f"model.global_batch_size {declared} is not a multiple of micro_batch_size {micro} × data-parallel "
                  f"size {dp}{how} = {micro * dp}: Megatron stops at launch with an AssertionError (the global batch "
                  f"must divide by micro batch × data-parallel size)", run.global_batch_size.key,
                  run.train_loader.batch_size.key, run.world_size.key if run.world_size else None)
