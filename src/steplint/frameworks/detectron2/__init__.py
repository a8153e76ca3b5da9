"""Detectron2 yacs configs with `_BASE_` inheritance."""

from __future__ import annotations

from ..base import rules_in
from .reader import Detectron2

DIALECTS = (Detectron2(),)
RULES = rules_in(__name__)
