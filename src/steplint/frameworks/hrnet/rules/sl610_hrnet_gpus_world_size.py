"""SL610 hrnet-gpus-world-size: the segmentation trainer sizes its poly LR for len(GPUS) ranks
(epoch_iters = int(N / BATCH_SIZE_PER_GPU / len(GPUS)), max_iters = END_EPOCH × epoch_iters) while
each rank runs len(loader) batches of its own share [HRNet-Semantic-Segmentation tools/train.py,
lib/core/function.py `train`, lib/utils/utils.py `adjust_learning_rate`]. On fewer ranks than GPUS
lists, an epoch has more batches than epoch_iters: cur_iters = epoch × epoch_iters + i_iter runs
past max_iters in the last epoch, where base_lr × (1 - cur/max) ** 0.9 is a complex number. One
process is not judged: without torch.distributed.launch the trainer runs nn.DataParallel over all
of GPUS with BATCH_SIZE_PER_GPU × len(GPUS), which matches epoch_iters."""

from __future__ import annotations

from typing import Iterator

from ..settings import HrnetSettings
from ....findings import Hit
from ....rules.context import RuleContext

CODE = "SL610"


def check(ctx: RuleContext) -> Iterator[Hit]:
    s: HrnetSettings = ctx.settings
    plan = ctx.plan
    if not s.segmentation or not s.gpus or not s.end_epoch or not 2 <= plan.world_size < s.gpus:
        return
    batch, n = plan.micro_batch_size, plan.dataset_size
    if not batch:
        return
    if not n:
        yield ctx.needs_dataset_size(f"the poly LR horizon (sized for len(GPUS) {s.gpus} ranks) against "
                                     f"{plan.world_size} ranks", "GPUS")
        return
    epoch_iters = int(n / batch / s.gpus)
    per_epoch = plan.optimizer_steps_per_epoch
    if not per_epoch or per_epoch - 1 <= epoch_iters:
        return
    max_iters = s.end_epoch * epoch_iters
    yield ctx.hit(f"GPUS lists {s.gpus} GPUs but the run has {plan.world_size} ranks: HRNet sizes the poly LR for "
                  f"{s.gpus} (epoch_iters int({n} / {batch} / {s.gpus}) = {epoch_iters}, max_iters {max_iters}) while "
                  f"each epoch runs {per_epoch} iterations; in the last epoch cur_iters passes {max_iters} and "
                  f"(1 - cur_iters / max_iters) ** 0.9 of a negative number is complex: training fails there. "
                  f"Write GPUS with {plan.world_size} entries", "GPUS")
