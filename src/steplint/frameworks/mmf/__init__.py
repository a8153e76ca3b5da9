"""MMF (facebookresearch/mmf) configs: a profile (profile.yaml) read after the `includes:` lists are
merged (dialect.py), with a small hook (hooks.py) for the settings MMF's own rules read."""

from __future__ import annotations

from ...profile import shipped_profile
from ..base import rules_in
from .dialect import MmfDialect

DIALECTS = (MmfDialect(shipped_profile(__name__)),)
RULES = rules_in(__name__)
