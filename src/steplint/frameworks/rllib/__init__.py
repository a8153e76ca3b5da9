"""Ray RLlib experiment YAML (tuned_examples, `rllib train file x.yaml`): experiments of `run`, `env`,
`stop` and an algorithm `config`."""

from __future__ import annotations

from ..base import rules_in
from .reader import RLlib

DIALECTS = (RLlib(),)
RULES = rules_in(__name__)
