"""SL403 streaming-without-max-steps: a streamed (iterable) dataset has no length, so a run sized in
epochs cannot be planned: the Trainer, LLaMA-Factory and axolotl refuse it without max_steps."""

from __future__ import annotations

from typing import Iterator

from ..reader import HFSettings
from ....findings import Hit
from ....rules.context import RuleContext

CODE = "SL403"


def check(ctx: RuleContext) -> Iterator[Hit]:
    s: HFSettings = ctx.settings
    if ctx.run.max_steps is not None:
        return
    streaming = s.written("streaming") or s.written("pretraining_dataset")
    if streaming is None or streaming.value in (False, None, "", [], {}):
        return
    if streaming.key == "streaming" and streaming.value is not True:
        return
    who = {"LLaMA-Factory": "LLaMA-Factory raises ValueError ('Please specify `max_steps` in streaming mode')",
           "axolotl": "axolotl refuses the config (a streamed or pretraining dataset needs max_steps)"}.get(
        s.flavour, "the Trainer raises ValueError (train_dataset does not implement __len__, max_steps has to be "
                   "specified)")
    epochs = ctx.run.epochs
    length = f"; {epochs.key or 'the default'} {epochs.describe()} cannot be used" if epochs is not None else ""
    yield ctx.hit(f"{streaming.key} makes the training set an iterable dataset without a length and max_steps is "
                  f"not set: {who}{length}", streaming.key, epochs.key if epochs is not None else None)
