"""PaddleDetection configs with `_BASE_` lists: a hand-written reader (the bases are merged before reading)."""

from __future__ import annotations

from .reader import PaddleDetection

DIALECTS = (PaddleDetection(),)
RULES = ()
