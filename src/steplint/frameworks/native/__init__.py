"""steplint's own format (`steplint: 1`)."""

from __future__ import annotations

from .reader import Native

DIALECTS = (Native(),)
RULES = ()
