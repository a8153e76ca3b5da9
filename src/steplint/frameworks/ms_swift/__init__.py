"""ms-swift `swift sft/pt/rlhf` config files: a profile (profile.yaml) with a hook (hooks.py) for the
dataset sample counts, the warmup, and the save and evaluation cadence."""

from __future__ import annotations

from ...profile import ProfileDialect, shipped_profile
from ..base import rules_in

DIALECTS = (ProfileDialect(shipped_profile(__name__)),)
RULES = rules_in(__name__)
