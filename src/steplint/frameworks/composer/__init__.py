"""MosaicML Composer and llm-foundry (also inside an mcli run file's `parameters`)."""

from __future__ import annotations

from ..base import rules_in
from .reader import Composer

DIALECTS = (Composer(),)
RULES = rules_in(__name__)
