"""steplint's own format (`steplint: 1`): a profile (profile.yaml); schema.py is its JSON Schema for
editors (`steplint schema`), and a test keeps the two in step."""

from __future__ import annotations

from ...profile import ProfileDialect, shipped_profile

DIALECTS = (ProfileDialect(shipped_profile(__name__)),)
RULES = ()
