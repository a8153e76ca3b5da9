"""GPT-NeoX and Megatron-LM argument sets."""

from __future__ import annotations

from ..base import rules_in
from .reader import Neox

DIALECTS = (Neox(),)
RULES = rules_in(__name__)
