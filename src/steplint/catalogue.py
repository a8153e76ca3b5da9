"""Rule metadata, read from the `rules/` catalogue (one YAML file per rule).

The catalogue is the single source of each rule's name, severity, summary, docs and examples:
`steplint rule CODE` prints it, the engine labels findings with it, and the test suite runs its
examples. In a wheel it ships as `steplint/catalogue/`; in a source checkout it is `rules/`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Optional

import yaml

from .findings import Severity

try:
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]


@dataclass(frozen=True)
class Example:
    config: str
    filename: str = "example.yaml"
    options: dict = field(default_factory=dict)
    expected: tuple[dict, ...] = ()


@dataclass(frozen=True)
class RuleDoc:
    code: str
    name: str
    severity: Severity
    family: str
    summary: str
    what: str
    why: str
    use_instead: str
    bad: tuple[Example, ...]
    good: tuple[Example, ...]
    source: Path
    # A more specific rule names the general ones it replaces: where both report the same key,
    # only its finding is kept (SL453 says more about a Lightning checkpoint than SL204).
    supersedes: tuple[str, ...] = ()


def catalogue_dir() -> Path:
    packaged = Path(__file__).with_name("catalogue")
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "rules"


def _example(data: Any) -> Example:
    if isinstance(data, str):
        return Example(config=data)
    return Example(config=data["config"], filename=data.get("filename", "example.yaml"),
                   options=dict(data.get("options") or {}), expected=tuple(data.get("expected") or ()))


@lru_cache(maxsize=1)
def _files() -> dict[str, Path]:
    """Rule code -> its file (`SL201-total-steps-mismatch.yaml`), from one directory listing."""
    return {path.name.split("-", 1)[0]: path for path in sorted(catalogue_dir().glob("SL*.yaml"))}


@lru_cache(maxsize=None)
def rule(code: str) -> RuleDoc:
    """One rule's entry. A check reads only the entries of the rules that found something: parsing
    the whole catalogue would cost a one-file run more than the check itself."""
    path = _files()[code]
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    return RuleDoc(
        code=data["code"], name=data["name"], severity=Severity.parse(data["severity"]),
        family=data["family"], summary=data["summary"].strip(), what=data["what"].strip(),
        why=data["why"].strip(), use_instead=data.get("use_instead", "").strip(),
        bad=tuple(_example(e) for e in data.get("bad", [])),
        good=tuple(_example(e) for e in data.get("good", [])), source=path,
        supersedes=tuple(data.get("supersedes") or ()))


def codes() -> list[str]:
    """Every rule code, in order, without reading the entries."""
    return list(_files())


def load() -> dict[str, RuleDoc]:
    """Every rule's entry, in code order."""
    return {code: rule(code) for code in _files()}


def get(code_or_name: str) -> Optional[RuleDoc]:
    docs = load()
    wanted = code_or_name.strip()
    if wanted.upper() in docs:
        return docs[wanted.upper()]
    return next((d for d in docs.values() if d.name == wanted.lower()), None)
