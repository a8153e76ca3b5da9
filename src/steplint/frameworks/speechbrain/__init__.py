"""SpeechBrain hparams files (HyperPyYAML: number_of_epochs, epoch_counter, train_dataloader_opts)."""

from __future__ import annotations

from ..base import rules_in
from .reader import SpeechBrain

DIALECTS = (SpeechBrain(),)
RULES = rules_in(__name__)
