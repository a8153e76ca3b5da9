"""What the open-instruct profile cannot say as data: a checkpointing_steps written as text that
int() reads ("500"), and the settings SL709 reads [open_instruct/finetune.py `main`]."""

from __future__ import annotations

from ..base import RunBuilder, Source
from ...units import Unit
from .settings import OpenInstructSettings


def adapt(data: dict, b: RunBuilder, source: Source) -> dict:
    value = data.get("checkpointing_steps")
    if isinstance(value, str) and value.strip().lstrip("+").isdigit() and int(value) > 0 and not b.has("checkpoint"):
        b.duration("checkpoint", int(value), ("checkpointing_steps",), Unit.STEP)
    return {"settings": OpenInstructSettings(checkpointing_steps=value)}
