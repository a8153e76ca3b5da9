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
    keys = (run.train_loader.batch_size.key if run.train_loader.batch_size else None,
            run.gradient_accumulation.key if run.gradient_accumulation else None,
            run.world_size.key if run.world_size else None)
    ga = run.gradient_accumulation.value if run.gradient_accumulation else None
    world_known = not any(a.startswith("world size 1") for a in plan.assumptions)
    world = plan.world_size if world_known else None
    known = micro * (ga or 1) * (world or 1)
    if ga is not None and world is not None:
        if declared.value != known:
            yield ctx.hit(f"global batch {declared.value} ≠ micro-batch {micro} × accumulation {ga} × world size "
                          f"{world} = {known}", declared.key, *keys)
        return
    # A factor is left for the framework to derive (accumulation, or the world size at launch).
    missing = "world size" if ga is not None else ("gradient accumulation" if world is not None
                                                   else "gradient accumulation × world size")
    if declared.value % known and ctx.semantics.global_batch_floored and ga is None:
        yield _floored(ctx, declared.value, micro, world, declared.key, keys)
    elif declared.value % known:
        yield ctx.hit(f"global batch {declared.value} is not a multiple of {known} (micro-batch {micro}"
                      f"{f' × accumulation {ga}' if ga else ''}{f' × world size {world}' if world else ''}): no whole "
                      f"{missing} makes it; frameworks that floor the division train with a smaller batch",
                      declared.key, *keys)
    elif ga is not None and declared.value != known:
        implied = declared.value // known
        yield ctx.hit(f"global batch {declared.value} = {micro} × {ga} (accumulation) × {implied}: it holds only on "
                      f"{implied} ranks; pass --world-size to check it", declared.key, *keys, severity=Severity.INFO)


def _floored(ctx: RuleContext, declared: int, micro: int, world, key, keys) -> Hit:
    """LitGPT (litgpt/args.py TrainArgs): accumulation = (global // ranks) // micro-batch, floored,
    asserted only > 0: a remainder is dropped from every optimizer step without a word (warning);
    an accumulation of 0 fails the assertion at start (error)."""
    ranks = world or 1
    where = f"{ranks} rank{'s' if ranks != 1 else ''}" if world else "1 rank (pass --world-size)"
    ga = declared // ranks // micro
    framework = ctx.semantics.framework_name
    if ga == 0:
        return ctx.hit(f"global batch {declared} is smaller than micro-batch {micro} × {where}: {framework} computes "
                       f"the accumulation as {declared} // {ranks} // {micro} = 0 and its assertion fails at start",
                       key, *keys, severity=Severity.ERROR)
    trained = ga * micro * ranks
    return ctx.hit(f"global batch {declared} is not a multiple of micro-batch {micro} × {where}: {framework} floors "
                   f"the accumulation to {declared} // {ranks} // {micro} = {ga}, so every optimizer step trains "
                   f"{trained} samples, not {declared}", key, *keys, severity=Severity.WARNING)
