"""Hand-written research configs: the common spellings wherever they sit in the tree."""

from __future__ import annotations

from .reader import Generic

DIALECTS = (Generic(),)
RULES = ()
