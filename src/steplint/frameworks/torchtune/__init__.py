"""torchtune recipe configs."""

from __future__ import annotations

from ..base import rules_in
from .reader import Torchtune

DIALECTS = (Torchtune(),)
RULES = rules_in(__name__)
