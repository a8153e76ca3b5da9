"""Levanter (stanford-crfm) trainer configs."""

from __future__ import annotations

from .reader import Levanter

DIALECTS = (Levanter(),)
RULES = ()
