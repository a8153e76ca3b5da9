"""MMEngine runner configs in YAML or JSON: a hand-written reader (the `_base_` files are merged before reading)."""

from __future__ import annotations

from .reader import MMEngine

DIALECTS = (MMEngine(),)
RULES = ()
