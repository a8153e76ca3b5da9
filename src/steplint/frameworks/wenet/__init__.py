"""WeNet training configs (examples/*/conf/train_*.yaml): a profile (profile.yaml) with a small hook (hooks.py)."""

from __future__ import annotations

from ...profile import ProfileDialect, shipped_profile
from ..base import rules_in

DIALECTS = (ProfileDialect(shipped_profile(__name__)),)
RULES = rules_in(__name__)
