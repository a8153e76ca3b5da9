"""Frameworks, one package each (its reader: recognition and mapping into the canonical run; its
settings; its own rules), and the detect stage: which dialect a document is written in.

Detection asks each dialect for a score from the keys it sees and keeps the best (ties go to the
first by package name). A score of 0 from every dialect means the document is not a training
config: it gets no findings at all.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from typing import Optional

from ..loading import Document
from .base import Adapted, Dialect, Semantics, describe


def _packages() -> tuple:
    """One package per framework, found by listing this folder: adding a framework is adding one."""
    return tuple(importlib.import_module(f".{info.name}", __name__)
                 for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name) if info.ispkg)


def __getattr__(name: str):
    """PACKAGES, DIALECTS and FRAMEWORK_CHECKS (dialect name -> the checks of the rules its framework
    owns, run only on documents it read) are built on first use, so that importing frameworks.base
    (as a profile's hooks do) does not import every framework."""
    if name not in ("PACKAGES", "DIALECTS", "FRAMEWORK_CHECKS"):
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    packages = _packages()
    globals().update(
        PACKAGES=packages,
        DIALECTS={d.name: d for package in packages for d in package.DIALECTS},
        FRAMEWORK_CHECKS={d.name: tuple((m.CODE, m.check) for m in package.RULES)
                          for package in packages for d in package.DIALECTS})
    return globals()[name]


def _dialects() -> dict[str, Dialect]:
    found = globals().get("DIALECTS")
    return found if found is not None else __getattr__("DIALECTS")


def framework_version_problem(name: str, version: str) -> Optional[str]:
    """Why NAME=VERSION cannot be used (--framework-version, the project's framework-versions), or None."""
    known = sorted({framework for d in _dialects().values() for framework in d.versions_read})
    if name not in known:
        import difflib
        close = difflib.get_close_matches(name, known, n=1)
        hint = f"did you mean '{close[0]}'? " if close else ""
        return f"unknown framework '{name}'; {hint}steplint knows the versions of {', '.join(known)}"
    if not re.fullmatch(r"v?\d+(\.\d+)*([.+-]?[a-z0-9]+)*", version, re.I):
        return f"'{version}' is not a version number (e.g. {name}=4.46)"
    return None


def detect(data: object, forced: Optional[str] = None, extra: tuple[Dialect, ...] = (),
           loaded: Optional["Document"] = None) -> Optional[Dialect]:
    """`extra`: the project's own dialects (its profiles), scored after steplint's. `loaded`: the
    document `data` was loaded as, whose key names spare the scorers a walk."""
    if not isinstance(data, dict):
        return None
    dialects = _dialects()
    if forced is not None:
        return dialects[forced]
    if loaded is not None:
        describe(data, loaded.key_names, loaded.nodes)
    best, best_score = None, 0.0
    for dialect in (*dialects.values(), *extra):
        score = dialect.score(data)
        if score > best_score:
            best, best_score = dialect, score
    return best


__all__ = ["DIALECTS", "Adapted", "Dialect", "Semantics", "detect"]
