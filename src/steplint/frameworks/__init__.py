"""Frameworks, one package each (its reader: recognition and mapping into the canonical run; its
settings; its own rules), and the detect stage: which dialect a document is written in.

Detection asks each dialect for a score from the keys it sees and keeps the best (ties go to the
first by package name). A score of 0 from every dialect means the document is not a training
config: it gets no findings at all.

A run imports only the frameworks its documents name: `index.json` lists, per package, its
dialects and their triggers (the key names one of which a document must hold for the dialect's
score to be above 0), so a document is scored, and a package imported, only where its keys
meet a trigger. The index is built from the packages themselves by `python -m steplint.frameworks`,
and a test fails when it is out of date.
"""

from __future__ import annotations

import gc
import importlib
import json
import pkgutil
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from types import ModuleType
from typing import Optional

from ..loading import Document
from .base import Adapted, Dialect, Semantics, describe, key_names, _WALK_LIMIT

INDEX_FILE = "index.json"


@dataclass(frozen=True)
class Entry:
    """One dialect as the index knows it, before its package is imported."""

    package: str
    dialect: str
    triggers: Optional[frozenset[str]]  # None: every document is scored
    versions_read: tuple[str, ...]


_loaded: dict[str, ModuleType] = {}  # package name -> its imported module
_dialects: dict[str, Dialect] = {}  # dialect name -> the dialect, once its package is imported


def package_names() -> tuple[str, ...]:
    """One package per framework, found by listing this folder: adding a framework is adding one."""
    return tuple(sorted(info.name for info in pkgutil.iter_modules(__path__) if info.ispkg))


def package(name: str) -> ModuleType:
    module = _loaded.get(name)
    if module is None:
        module = _loaded[name] = importlib.import_module(f".{name}", __name__)
        # A framework's modules, rules and profile live as long as the process: out of the
        # collector's reach, they are not walked again at every full collection of the run.
        gc.freeze()
    return module


def index() -> tuple[Entry, ...]:
    return _index()[0]


@lru_cache(maxsize=None)
def _index() -> tuple[tuple[Entry, ...], dict[str, frozenset[int]], frozenset[int]]:
    """The index as read once: its entries; per trigger key, the positions of the entries it
    wakes; the positions of the entries that score every document."""
    text = (resources.files(__name__) / INDEX_FILE).read_text(encoding="utf-8")
    entries = tuple(Entry(name, d["dialect"], None if d["triggers"] is None else frozenset(d["triggers"]),
                          tuple(d["versions_read"]))
                    for name, dialects in json.loads(text).items() for d in dialects)
    by_trigger: dict[str, set[int]] = {}
    for position, entry in enumerate(entries):
        for key in entry.triggers or ():
            by_trigger.setdefault(key, set()).add(position)
    always = frozenset(position for position, entry in enumerate(entries) if entry.triggers is None)
    return entries, {key: frozenset(found) for key, found in by_trigger.items()}, always


def build_index() -> dict[str, list[dict]]:
    """What index.json holds, from the packages (imports them all)."""
    return {name: [{"dialect": d.name,
                    "triggers": None if d.triggers is None else sorted(d.triggers),
                    "versions_read": list(d.versions_read)} for d in package(name).DIALECTS]
            for name in package_names()}


def dialect(name: str) -> Dialect:
    """The dialect called `name`, importing its package only."""
    found = _dialects.get(name)
    if found is None:
        entry = next((e for e in index() if e.dialect == name), None)
        if entry is None:
            raise KeyError(name)
        found = _dialects[name] = next(d for d in package(entry.package).DIALECTS if d.name == name)
    return found


def dialect_names() -> tuple[str, ...]:
    return tuple(e.dialect for e in index())


def framework_checks(name: str) -> tuple:
    """(code, check) of the rules the framework of dialect `name` owns, run only on documents it read."""
    entry = next(e for e in index() if e.dialect == name)
    return tuple((m.CODE, m.check) for m in package(entry.package).RULES)


def __getattr__(name: str):
    """PACKAGES and DIALECTS (every framework, imported) for what lists them all: the CLI's
    `dialects` command, the catalogue, the tests."""
    if name not in ("PACKAGES", "DIALECTS"):
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    packages = tuple(package(n) for n in package_names())
    globals().update(PACKAGES=packages, DIALECTS={d.name: d for p in packages for d in p.DIALECTS})
    return globals()[name]


def framework_version_problem(name: str, version: str) -> Optional[str]:
    """Why NAME=VERSION cannot be used (--framework-version, the project's framework-versions), or None."""
    known = sorted({framework for e in index() for framework in e.versions_read})
    if name not in known:
        import difflib
        close = difflib.get_close_matches(name, known, n=1)
        hint = f"did you mean '{close[0]}'? " if close else ""
        return f"unknown framework '{name}'; {hint}steplint knows the versions of {', '.join(known)}"
    if not re.fullmatch(r"v?\d+(\.\d+)*([.+-]?[a-z0-9]+)*", version, re.I):
        return f"'{version}' is not a version number (e.g. {name}=4.46)"
    return None


def _candidates(data: dict, loaded: Optional[Document]) -> tuple[list[tuple[int, Dialect]], list[tuple[int, Dialect]]]:
    """(position in the index, dialect) of the dialects whose triggers the document's key names
    meet, in index order; and of those asked of every document."""
    entries, by_trigger, always = _index()
    asked_always = [(p, dialect(entries[p].dialect)) for p in sorted(always)]
    if loaded is not None and loaded.key_names is not None:
        keys = loaded.key_names
    elif (loaded.nodes if loaded is not None else 0) <= _WALK_LIMIT:
        keys = key_names(data)
    else:  # a tree too large to walk whole: every dialect is asked
        return [(p, dialect(e.dialect)) for p, e in enumerate(entries) if p not in always], asked_always
    met = set().union(*(by_trigger[key] for key in by_trigger.keys() & keys))
    return [(p, dialect(entries[p].dialect)) for p in sorted(met)], asked_always


def detect(data: object, forced: Optional[str] = None, extra: tuple[Dialect, ...] = (),
           loaded: Optional["Document"] = None) -> Optional[Dialect]:
    """The highest-scoring dialect, the first in the index on a tie; `extra`: the project's own
    dialects (its profiles), scored after steplint's. `loaded`: the document `data` was loaded as,
    whose key names spare the scorers a walk."""
    if not isinstance(data, dict):
        return None
    if forced is not None:
        return dialect(forced)
    if loaded is not None:
        describe(data, loaded.key_names, loaded.nodes)
    named, always = _candidates(data, loaded)
    best, best_score, best_position = None, 0.0, len(_index()[0])
    for position, candidate in named:
        score = candidate.score(data)
        if score > best_score:
            best, best_score, best_position = candidate, score, position
    for position, candidate in always:  # asked last, as if in their place in the index
        if candidate.ceiling < best_score or candidate.ceiling == best_score and position > best_position:
            continue  # it cannot win
        score = candidate.score(data)
        if score > best_score or score == best_score > 0 and position < best_position:
            best, best_score, best_position = candidate, score, position
    for candidate in extra:
        score = candidate.score(data)
        if score > best_score:
            best, best_score = candidate, score
    return best


__all__ = ["DIALECTS", "Adapted", "Dialect", "Semantics", "detect", "dialect", "framework_checks"]
