"""SL306 research-accumulation-never-steps: in a hand-written training loop, gradient accumulation
larger than the micro-batches of an epoch never steps the optimizer.

The loop research code writes (the PyTorch forum's and most repositories' accumulation idiom):

    for epoch in range(epochs):
        for i, batch in enumerate(loader):
            loss = model(batch) / accum; loss.backward()
            if (i + 1) % accum == 0:
                optimizer.step(); optimizer.zero_grad()

`i` restarts every epoch, so with fewer than `accum` micro-batches `(i + 1) % accum` is never 0.
This reading is the generic dialect's only: a framework that steps on the epoch's last batch as
well (Hugging Face, Lightning) is SL404 / SL305."""

from __future__ import annotations

from typing import Iterator

from ....findings import Hit
from ....rules.context import RuleContext

CODE = "SL306"


def check(ctx: RuleContext) -> Iterator[Hit]:
    plan, run = ctx.plan, ctx.run
    ga, batches = plan.gradient_accumulation_steps, plan.batches_per_epoch
    if run.gradient_accumulation is None or not batches or ga <= batches or run.epochs is None:
        return
    ranks = f" on each of {plan.world_size} ranks" if plan.world_size > 1 else ""
    yield ctx.hit(f"{run.gradient_accumulation.key} {ga} is more than the {batches} micro-batches of an epoch{ranks} "
                  f"(N={plan.dataset_size}, batch {plan.micro_batch_size}): with the usual hand-written loop "
                  f"(`if (i + 1) % {ga} == 0: optimizer.step()`, i counted per epoch) no optimizer step is ever "
                  f"taken and the model never trains; a loop that also steps on the epoch's last batch takes one "
                  f"step per epoch over {batches} micro-batches",
                  run.gradient_accumulation.key,
                  run.train_loader.batch_size.key if run.train_loader.batch_size else None)
