"""timm train.py argument files: a profile (profile.yaml) with a small hook (hooks.py) for the scheduler's epoch count."""

from __future__ import annotations

from ...profile import ProfileDialect, shipped_profile

DIALECTS = (ProfileDialect(shipped_profile(__name__)),)
RULES = ()
