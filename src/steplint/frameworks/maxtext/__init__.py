"""MaxText (AI-Hypercomputer/maxtext) YAML configs with `base_config` inheritance."""

from __future__ import annotations

from ..base import rules_in
from .reader import MaxText

DIALECTS = (MaxText(),)
RULES = rules_in(__name__)
