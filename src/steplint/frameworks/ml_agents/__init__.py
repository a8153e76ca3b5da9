"""Unity ML-Agents trainer configs (mlagents-learn YAML: behaviors.<name>.hyperparameters)."""

from __future__ import annotations

from ..base import rules_in
from .reader import MLAgents

DIALECTS = (MLAgents(),)
RULES = rules_in(__name__)
