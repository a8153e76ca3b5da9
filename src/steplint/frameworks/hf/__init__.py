"""Hugging Face Trainer (TrainingArguments YAML: plain, TRL, alignment-handbook, open-r1, LLaMA-Factory)."""

from __future__ import annotations

from ..base import rules_in
from ..deepspeed import RULES as DEEPSPEED_RULES
from .reader import HuggingFace

DIALECTS = (HuggingFace(),)
RULES = rules_in(__name__) + DEEPSPEED_RULES  # the DeepSpeed file a Trainer config points to
