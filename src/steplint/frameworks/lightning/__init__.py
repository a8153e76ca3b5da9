"""PyTorch Lightning: LightningCLI YAML, Hydra-composed Lightning configs, and NVIDIA NeMo's Hydra configs."""

from __future__ import annotations

from ..base import rules_in
from .reader import Lightning, NeMo

DIALECTS = (Lightning(), NeMo(),)
RULES = rules_in(__name__)
