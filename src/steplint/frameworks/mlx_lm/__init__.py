"""mlx-lm (ml-explore/mlx-lm) LoRA / full fine-tuning configs (`mlx_lm.lora --config`): a profile
(profile.yaml) with a small hook (hooks.py) for the run in optimizer updates and the schedule's end."""

from __future__ import annotations

from ...profile import ProfileDialect, shipped_profile

DIALECTS = (ProfileDialect(shipped_profile(__name__)),)
RULES = ()
