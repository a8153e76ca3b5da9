"""nanoGPT-style configs written as YAML (karpathy/nanoGPT's train.py globals: max_iters,
lr_decay_iters, warmup_iters, eval_interval): a profile (profile.yaml) with a small hook (hooks.py)."""

from __future__ import annotations

from ...profile import ProfileDialect, shipped_profile

DIALECTS = (ProfileDialect(shipped_profile(__name__)),)
RULES = ()
