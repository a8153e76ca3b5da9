"""Swin Transformer (microsoft/Swin-Transformer) yacs configs: a profile (profile.yaml)."""

from __future__ import annotations

from ...profile import ProfileDialect, shipped_profile
from ..base import rules_in

DIALECTS = (ProfileDialect(shipped_profile(__name__)),)
RULES = rules_in(__name__)
