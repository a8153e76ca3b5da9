"""SL709 open-instruct-checkpointing-steps: a checkpointing_steps that open-instruct cannot read.
finetune.py keeps "epoch" (any case) and otherwise calls int() on it: other text stops the run with
ValueError before the first step, and 0 makes `completed_steps % 0` a ZeroDivisionError at the
first optimizer step [open_instruct/finetune.py `main`]."""

from __future__ import annotations

from typing import Iterator

from ..settings import OpenInstructSettings
from ....findings import Hit
from ....rules.context import RuleContext

CODE = "SL709"


def check(ctx: RuleContext) -> Iterator[Hit]:
    s: OpenInstructSettings = ctx.settings
    value = s.checkpointing_steps
    if value is None or isinstance(value, bool):
        return
    text = str(value).strip()
    if text.lower() == "epoch":
        return
    try:
        number = int(text)
    except ValueError:
        yield ctx.hit(f"checkpointing_steps {value!r} is neither 'epoch' nor a whole number: open-instruct calls "
                      f"int() on it and stops at start with ValueError", "checkpointing_steps")
        return
    if number == 0:
        yield ctx.hit("checkpointing_steps 0: open-instruct computes completed_steps % 0 at the first optimizer "
                      "step and stops with ZeroDivisionError (leave it unset for no periodic checkpoint)",
                      "checkpointing_steps")
