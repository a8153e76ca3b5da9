"""Coqui TTS training configs (config.json with // comments: epochs, batch_size, save_step, print_step)."""

from __future__ import annotations

from ..base import rules_in
from .reader import Coqui

DIALECTS = (Coqui(),)
RULES = rules_in(__name__)
