"""axolotl: its own keys, translated to Hugging Face TrainingArguments and run by the Trainer."""

from __future__ import annotations

from ..base import rules_in
from ..hf import RULES as HF_RULES
from .reader import Axolotl

DIALECTS = (Axolotl(),)
RULES = rules_in(__name__) + HF_RULES  # axolotl runs the Hugging Face Trainer: every Trainer rule holds
