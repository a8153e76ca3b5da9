"""SL600 slowfast-batch-not-divisible: TRAIN.BATCH_SIZE or TEST.BATCH_SIZE is not a multiple of
NUM_GPUS, which PySlowFast's assert_and_infer_cfg refuses before anything runs
[slowfast/config/defaults.py]."""

from __future__ import annotations

from typing import Iterator

from ..settings import SlowFastSettings
from ....findings import Hit
from ....rules.context import RuleContext

CODE = "SL600"


def check(ctx: RuleContext) -> Iterator[Hit]:
    s: SlowFastSettings = ctx.settings
    gpus = s.num_gpus
    if gpus is None or gpus <= 0:  # NUM_GPUS 0: CPU, not asserted
        return
    for key, batch, written in s.batch_sizes:
        if batch % gpus:
            source = "" if written else " (PySlowFast's default)"
            yield ctx.hit(f"{key} {batch}{source} is not a multiple of NUM_GPUS {gpus} ({batch} / {gpus} = "
                          f"{batch / gpus:.2f}): PySlowFast's assert_and_infer_cfg fails with AssertionError before "
                          f"training starts; use a multiple of {gpus}", key if written else s.num_gpus_key,
                          s.num_gpus_key)
