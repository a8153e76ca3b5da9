"""Ultralytics YOLO train arguments: a profile (profile.yaml) with a small hook (hooks.py) for the derived accumulation."""

from __future__ import annotations

from ...profile import ProfileDialect, shipped_profile
from ..base import rules_in

DIALECTS = (ProfileDialect(shipped_profile(__name__)),)
RULES = rules_in(__name__)
