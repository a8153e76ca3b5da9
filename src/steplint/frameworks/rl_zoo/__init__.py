"""RL Baselines3 Zoo hyperparameter files (hyperparams/<algo>.yml) for Stable-Baselines3."""

from __future__ import annotations

from ..base import rules_in
from .reader import RLZoo

DIALECTS = (RLZoo(),)
RULES = rules_in(__name__)
