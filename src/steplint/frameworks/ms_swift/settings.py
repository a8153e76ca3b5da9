"""What ms-swift's own rules (SL770, SL771) read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional


@dataclass(frozen=True)
class MsSwiftSettings:
    # the key that asks for periodic evaluation ("eval_steps", "eval_strategy"), None when none does
    eval_requested_by: Optional[str] = None
    eval_requested_value: object = None
    # why ms-swift has validation data, or None when it has none (then eval_strategy becomes 'no')
    validation_data: Optional[str] = None
    split_ratio_written: bool = False
    version: str = "newest"  # "ms-swift X.Y (--framework-version)" or "newest" (assumed)
    streaming: bool = False
