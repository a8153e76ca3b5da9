"""AudioCraft (facebookresearch/audiocraft) solver configs: Hydra/dora YAML with `optim.epochs`."""

from __future__ import annotations

from ..base import rules_in
from .reader import AudioCraft

DIALECTS = (AudioCraft(),)
RULES = rules_in(__name__)
