"""Hand-written research configs: the common spellings wherever they sit in the tree."""

from __future__ import annotations

from ..base import rules_in
from .reader import Generic

DIALECTS = (Generic(),)
RULES = rules_in(__name__)
