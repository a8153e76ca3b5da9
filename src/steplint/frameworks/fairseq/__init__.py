"""fairseq Hydra configs (optimization.max_update, dataset.max_tokens, checkpoint, lr_scheduler._name)."""

from __future__ import annotations

from ..base import rules_in
from .reader import Fairseq

DIALECTS = (Fairseq(),)
RULES = rules_in(__name__)
