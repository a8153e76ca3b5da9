"""OLMo TrainConfig YAML."""

from __future__ import annotations

from ..base import rules_in
from .reader import Olmo

DIALECTS = (Olmo(),)
RULES = rules_in(__name__)
