"""HRNet (HRNet-Semantic-Segmentation, HRNet-Image-Classification) yacs configs: a profile (profile.yaml) with a small hook
(hooks.py) for the GPUS tuple, the batch and the settings its rule reads."""

from __future__ import annotations

from ...profile import ProfileDialect, shipped_profile
from ..base import rules_in

DIALECTS = (ProfileDialect(shipped_profile(__name__)),)
RULES = rules_in(__name__)
