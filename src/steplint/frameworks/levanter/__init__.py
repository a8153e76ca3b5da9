"""Levanter (stanford-crfm) trainer configs: all data, no code (profile.yaml)."""

from __future__ import annotations

from ...profile import ProfileDialect, builtin_profiles

DIALECTS = (ProfileDialect(builtin_profiles()["levanter"]),)
RULES = ()
