"""SL792 lavis-accumulation-never-steps: a LAVIS epoch with fewer iterations than accum_grad_iters.

lavis/tasks/base_task.py `_train_inner_loop` (salesforce/LAVIS @ 506965b9): `for i in
range(iters_per_epoch)` with iters_per_epoch = len(data_loader) (`train_epoch`) and i from 0 in every
epoch; `optimizer.step()` (or `scaler.step`) runs only `if (i + 1) % accum_grad_iters == 0`. With fewer
iterations than accum_grad_iters that never holds: gradients pile up, the weights never change.
The plan counts it as 0 optimizer steps (accumulation_rounding: drop)."""

from __future__ import annotations

from typing import Iterator

from ..settings import LavisSettings
from ....findings import Hit
from ....rules.context import RuleContext, num

CODE = "SL792"


def check(ctx: RuleContext) -> Iterator[Hit]:
    s: LavisSettings = ctx.settings
    plan, run = ctx.plan, ctx.run
    batches, ga = plan.batches_per_epoch, plan.gradient_accumulation_steps
    # 0 iterations is SL206; the iteration runner's inner epochs are not read as epochs
    if s.iteration_runner or run.gradient_accumulation is None or run.epochs is None or not batches or batches >= ga:
        return
    epochs = run.epochs.value
    gpus = " per GPU" if plan.world_size > 1 else ""
    yield ctx.hit(f"an epoch has {batches} iterations{gpus} ({plan.samples_per_rank} samples / batch_size_train "
                  f"{plan.micro_batch_size}, drop_last) but accum_grad_iters is {ga}: LAVIS steps the optimizer only "
                  f"when (i + 1) % {ga} == 0, i restarting at 0 every epoch, so none of the {num(epochs)} epoch"
                  f"{'' if epochs == 1 else 's'} takes an optimizer step: the model is never updated, and every "
                  f"checkpoint holds the initial weights",
                  run.gradient_accumulation.key,
                  run.train_loader.batch_size.key if run.train_loader.batch_size else None)
