"""VITS training configs (configs/*.json: train, data, model)."""

from __future__ import annotations

from ..base import rules_in
from .reader import VITS

DIALECTS = (VITS(),)
RULES = rules_in(__name__)
