"""Cerebras Model Zoo (Cerebras/modelzoo) trainer configs: a profile (profile.yaml) with a small hook
(hooks.py) for eval_frequency (an int counts steps, a float is a fraction of the run), the events the
config rules out, and the length of the LR schedule."""

from __future__ import annotations

from ...profile import ProfileDialect, shipped_profile
from ..base import rules_in

DIALECTS = (ProfileDialect(shipped_profile(__name__)),)
RULES = rules_in(__name__)
