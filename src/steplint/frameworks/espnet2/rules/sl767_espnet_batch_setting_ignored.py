"""SL767 espnet-batch-setting-ignored: batch_bins with a batch_type that reads batch_size, or the reverse."""

from __future__ import annotations

from typing import Iterator

from ....findings import Hit
from ....rules.context import RuleContext
from ..reader import BINS_TYPES, SIZE_TYPES, ESPnet2Settings

CODE = "SL767"


def check(ctx: RuleContext) -> Iterator[Hit]:
    s: ESPnet2Settings = ctx.settings
    kind = f"batch_type {s.batch_type}" + ("" if s.batch_type_written else " (ESPnet2's default)")
    if s.batch_type in SIZE_TYPES and s.batch_bins is not None and s.batch_size is None:
        yield ctx.hit(f"batch_bins {s.batch_bins} is ignored: {kind} batches by batch_size, which is ESPnet2's "
                      f"default 20 here; set batch_type: numel (or length) to batch by bins",
                      "batch_bins", "batch_type" if s.batch_type_written else None)
    elif s.batch_type in BINS_TYPES and s.batch_size is not None and s.batch_bins is None:
        yield ctx.hit(f"batch_size {s.batch_size} is ignored: {kind} fills batches up to batch_bins, which is "
                      f"ESPnet2's default 1000000 here", "batch_size", "batch_type")
