"""StyleTTS 2 training configs (Configs/config*.yml: epochs_1st, epochs_2nd, loss_params)."""

from __future__ import annotations

from ..base import rules_in
from .reader import StyleTTS2

DIALECTS = (StyleTTS2(),)
RULES = rules_in(__name__)
