"""SwissArmyTransformer (sat) --base YAML, as CogVideo's sat trainer reads it: a profile with a small hook."""

from __future__ import annotations

from ...profile import ProfileDialect, shipped_profile

DIALECTS = (ProfileDialect(shipped_profile(__name__)),)
RULES = ()
