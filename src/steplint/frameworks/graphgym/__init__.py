"""PyG GraphGym experiment configs (graphgym/configs/*.yaml, read by graphgym/main.py): a profile
(profile.yaml) with a small hook (hooks.py) for the settings its rule reads."""

from __future__ import annotations

from ...profile import ProfileDialect, shipped_profile
from ..base import rules_in

DIALECTS = (ProfileDialect(shipped_profile(__name__)),)
RULES = rules_in(__name__)
