"""kohya_ss GUI presets and kohya sd-scripts config files: a profile (profile.yaml) with a small hook (hooks.py) for what data cannot say."""

from __future__ import annotations

from ...profile import ProfileDialect, shipped_profile
from ..base import rules_in

DIALECTS = (ProfileDialect(shipped_profile(__name__)),)
RULES = rules_in(__name__)
