"""Asteroid recipe configs (egs/*/local/conf.yml): a profile (profile.yaml)."""

from __future__ import annotations

from ...profile import ProfileDialect, shipped_profile

DIALECTS = (ProfileDialect(shipped_profile(__name__)),)
RULES = ()
