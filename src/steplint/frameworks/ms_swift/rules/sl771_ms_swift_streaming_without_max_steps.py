"""SL771 ms-swift-streaming-without-max-steps: `streaming: true` loads the dataset as an iterable
without a length, and ms-swift documents that max_steps must then be set [swift/arguments/base_args/
data_args.py `streaming`]: the Hugging Face Trainer it runs raises ValueError at the start of
training when max_steps is not positive (trainer.py: a dataloader without __len__ needs max_steps)."""

from __future__ import annotations

from typing import Iterator

from ..settings import MsSwiftSettings
from ....findings import Hit
from ....rules.context import RuleContext

CODE = "SL771"


def check(ctx: RuleContext) -> Iterator[Hit]:
    s: MsSwiftSettings = ctx.settings
    if s is None or not s.streaming or ctx.run.max_steps is not None:
        return
    epochs = ctx.run.epochs
    length = f"; {epochs.key or 'the default'} {epochs.describe()} cannot be counted" if epochs is not None else ""
    yield ctx.hit("streaming makes the training set an iterable dataset without a length and max_steps is not set: "
                  "the Trainer raises ValueError when training starts (args.max_steps must be set to a positive value "
                  f"if the dataloader does not have a length){length}", "streaming",
                  epochs.key if epochs is not None else None)
