"""SL302 eval-drop-last: an evaluation loader that drops samples."""

from __future__ import annotations

from typing import Iterator

from ..findings import Hit
from .context import RuleContext

CODE = "SL302"


def check(ctx: RuleContext) -> Iterator[Hit]:
    for loader in ctx.run.eval_loaders:
        if loader.drop_last is not None and loader.drop_last.value:
            size = f" of {loader.batch_size.value}" if loader.batch_size else ""
            yield ctx.hit(f"drop_last on an evaluation loader discards the last incomplete batch{size}: metrics are "
                          f"computed on a subset of the evaluation set, and the subset changes with the batch size",
                          loader.drop_last.key, loader.batch_size.key if loader.batch_size else None)
