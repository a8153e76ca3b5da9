"""SL413 hf-accumulation-remainder-lost: transformers 4.46-4.51 fetch len(dataset) % GA micro-batches
for an epoch's last accumulation group (trainer.py `_inner_training_loop`), so when that is fewer
than the loader has left, micro-batches are never trained on, and a loader shorter than GA can take
no optimizer step at all (recorded in tests/oracle/hf_trainer_4.51.3.json)."""

from __future__ import annotations

from typing import Iterator

from ..reader import HFSettings
from ....findings import Hit, Severity
from ....plan import steps_taken_per_epoch
from ....rules.context import RuleContext

CODE = "SL413"


def check(ctx: RuleContext) -> Iterator[Hit]:
    s: HFSettings = ctx.settings
    plan = ctx.plan
    taken = steps_taken_per_epoch(plan, ctx.semantics)
    if taken is None:
        return
    n, batches, ga = plan.dataset_size, plan.batches_per_epoch, plan.gradient_accumulation_steps
    remainder = n % ga or ga
    fetched = min(batches, (batches // ga) * ga + remainder)
    if fetched >= batches:
        return
    run = ctx.run
    ga_key = run.gradient_accumulation.key if run.gradient_accumulation else None
    why = (f"transformers {s.version.text} fetches len(dataset) % gradient_accumulation_steps = {n} % {ga} = "
           f"{remainder} micro-batch{'es' if remainder != 1 else ''} for the last accumulation group of an epoch, "
           f"but the loader has {batches - (batches // ga) * ga} left")
    if taken == 0:
        yield ctx.hit(f"no optimizer step is ever taken: {why}, and the step only comes at a multiple of {ga} or at "
                      f"the loader's last micro-batch ({batches} per epoch); the planned {plan.total_optimizer_steps} "
                      f"steps never happen (fixed in 4.52)", ga_key, severity=Severity.ERROR)
        return
    yield ctx.hit(f"each epoch trains on only {fetched} of its {batches} micro-batches: {why}; "
                  f"{batches - fetched} micro-batch{'es' if batches - fetched != 1 else ''} per epoch are never used "
                  f"(fixed in transformers 4.52)", ga_key)
