"""SL303 global-batch-mismatch: a global batch that is not micro × accumulation × world."""

from __future__ import annotations

from typing import Iterator

from ..findings import Hit, Severity
from .context import RuleContext

CODE = "SL303"


def check(ctx: RuleContext) -> Iterator[Hit]:
    run, plan = ctx.run, ctx.plan
    declared, micro = run.global_batch_size, plan.micro_batch_size
    if declared is None or micro is None:
        return
    ga, world = plan.gradient_accumulation_steps, plan.world_size
    product = micro * ga * world
    if declared.value == product:
        return
    keys = (run.train_loader.batch_size.key if run.train_loader.batch_size else None,
            run.gradient_accumulation.key if run.gradient_accumulation else None,
            run.world_size.key if run.world_size else None)
    world_assumed = any(a.startswith("world size 1") for a in plan.assumptions)
    if world_assumed and declared.value % (micro * ga) == 0:
        implied = declared.value // (micro * ga)
        yield ctx.hit(f"global batch {declared.value} = {micro} × {ga} (accumulation) × {implied}: it holds only on "
                      f"{implied} ranks; pass --world-size to check it", declared.key, *keys, severity=Severity.INFO)
        return
    yield ctx.hit(f"global batch {declared.value} ≠ micro-batch {micro} × accumulation {ga} × world size {world} = "
                  f"{product}", declared.key, *keys)

