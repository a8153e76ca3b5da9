"""SL480 detectron2-ims-per-batch-world-size: SOLVER.IMS_PER_BATCH not divisible by the world size."""

from __future__ import annotations

from typing import Iterator

from ..reader import Detectron2Settings
from ....findings import Hit
from ....rules.context import RuleContext

CODE = "SL480"


def check(ctx: RuleContext) -> Iterator[Hit]:
    s: Detectron2Settings = ctx.settings
    plan = ctx.plan
    if s.ims_per_batch is None:
        return
    ims = s.ims_per_batch
    if s.reference_world_size and ims % s.reference_world_size:
        yield ctx.hit(f"SOLVER.IMS_PER_BATCH {ims} is not divisible by SOLVER.REFERENCE_WORLD_SIZE "
                      f"{s.reference_world_size}: detectron2's auto_scale_workers asserts it", s.ims_key, s.reference_key)
        return
    world_known = not any(a.startswith("world size 1") for a in plan.assumptions)
    world = plan.world_size
    if not world_known or world <= 1:
        return
    if s.reference_world_size and s.reference_world_size != world:
        return  # detectron2 rescales IMS_PER_BATCH to the real world size first
    if ims % world:
        yield ctx.hit(f"SOLVER.IMS_PER_BATCH {ims} is the global batch per iteration, but {ims} images do not split "
                      f"over {world} ranks ({ims} / {world} = {ims / world:.2f}): detectron2's build_batch_data_loader "
                      f"fails with AssertionError; use a multiple of {world}", s.ims_key)
