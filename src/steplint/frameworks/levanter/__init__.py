"""Levanter (stanford-crfm) trainer configs: all data, no code (profile.yaml)."""

from __future__ import annotations

from ...profile import ProfileDialect, shipped_profile

DIALECTS = (ProfileDialect(shipped_profile(__name__)),)
RULES = ()
