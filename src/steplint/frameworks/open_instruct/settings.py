"""What open-instruct's own rule (SL709) reads."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class OpenInstructSettings:
    checkpointing_steps: Any = None  # as written
