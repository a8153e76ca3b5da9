"""LitGPT finetune and pretrain configs."""

from __future__ import annotations

from ..base import rules_in
from .reader import Litgpt

DIALECTS = (Litgpt(),)
RULES = rules_in(__name__)
