"""ESPnet2 training configs (egs2/*/conf/train_*.yaml: max_epoch, batch_type / batch_bins, accum_grad)."""

from __future__ import annotations

from ..base import rules_in
from .reader import ESPnet2

DIALECTS = (ESPnet2(),)
RULES = rules_in(__name__)
