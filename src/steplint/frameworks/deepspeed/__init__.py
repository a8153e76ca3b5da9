"""DeepSpeed JSON configs (and the DeepSpeed file a Trainer config points to)."""

from __future__ import annotations

from ..base import rules_in
from .reader import DeepSpeed

DIALECTS = (DeepSpeed(),)
RULES = rules_in(__name__)
