"""Detect stage: which dialect a document is written in, from the keys it has.

One table lists the dialects; detection asks each for a score and keeps the best. A score of 0
from every dialect means the document is not a training config: it gets no findings at all.
"""

from __future__ import annotations

import re
from typing import Optional

from .axolotl import Axolotl
from .base import Adapted, Dialect, Semantics
from .composer import Composer
from .levanter import Levanter
from .litgpt import Litgpt
from .neox import Neox
from .olmo import Olmo
from .deepspeed import DeepSpeed
from .generic import Generic
from .hf import HuggingFace
from .detectron2 import Detectron2
from .lightning import Lightning, NeMo
from .native import Native
from .torchtune import Torchtune

DIALECTS: dict[str, Dialect] = {d.name: d for d in (Native(), Generic(), Lightning(), NeMo(), Torchtune(), Detectron2(), Composer(), Olmo(), Litgpt(), Neox(), Levanter(), HuggingFace(), Axolotl(), DeepSpeed())}


def framework_version_problem(name: str, version: str) -> Optional[str]:
    """Why NAME=VERSION cannot be used (--framework-version, the project's framework-versions), or None."""
    known = sorted({framework for d in DIALECTS.values() for framework in d.versions_read})
    if name not in known:
        import difflib
        close = difflib.get_close_matches(name, known, n=1)
        hint = f"did you mean '{close[0]}'? " if close else ""
        return f"unknown framework '{name}'; {hint}steplint knows the versions of {', '.join(known)}"
    if not re.fullmatch(r"v?\d+(\.\d+)*([.+-]?[a-z0-9]+)*", version, re.I):
        return f"'{version}' is not a version number (e.g. {name}=4.46)"
    return None


def detect(data: object, forced: Optional[str] = None) -> Optional[Dialect]:
    if not isinstance(data, dict):
        return None
    if forced is not None:
        return DIALECTS[forced]
    best, best_score = None, 0.0
    for dialect in DIALECTS.values():
        score = dialect.score(data)
        if score > best_score:
            best, best_score = dialect, score
    return best


__all__ = ["DIALECTS", "Adapted", "Dialect", "Semantics", "detect"]
