"""Helpers the CI formats share: repo-relative paths, stable fingerprints, severity ordering."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Optional



def base_dir(base: Optional[str] = None) -> Path:
    """The directory paths are made relative to: `base` (the repository root), else the working directory."""
    return Path(base if base is not None else os.getcwd()).resolve()


def repository_root(path: str) -> Optional[str]:
    """The top of the git work tree holding `path` (a `.git` folder, or the `.git` file of a worktree
    or submodule), found without running git; None outside any."""
    here = Path(os.path.abspath(path))
    for folder in (here, *here.parents):
        if (folder / ".git").exists():
            return str(folder)
    return None


def relative_path(path: str, base: Path) -> tuple[str, bool]:
    """(path with forward slashes relative to `base`, True) for a file under `base`, symlinks
    resolved (code scanning drops alerts on a symlinked path); (absolute resolved path, False)
    for a file outside it. A name that is not a file (`<stdin>`) stays as it is."""
    if path.startswith("<"):
        return path, True
    try:
        resolved = Path(path).resolve()
    except (OSError, RuntimeError):  # a symlink loop
        resolved = Path(os.path.abspath(path))
    try:
        return resolved.relative_to(base).as_posix(), True
    except ValueError:
        return resolved.as_posix(), False


def digest(*parts: object) -> str:
    """A short stable hash of the parts (unit separator between them, so ("ab", "c") != ("a", "bc"))."""
    text = "\x1f".join(str(part) for part in parts)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


class UniqueDigests:
    """Hashes that stay stable across runs but never repeat within one: a repeat gets a counter."""

    def __init__(self) -> None:
        self.emitted: set[str] = set()
        self.repeats: dict[str, int] = {}  # base -> the counter its next repeat starts from

    def __call__(self, *parts: object) -> str:
        base = digest(*parts)
        # Starting from the last counter, not from 0: 60,000 findings with the same key made the
        # search quadratic (minutes for a SARIF report).
        count = self.repeats.get(base, 0)
        value = digest(base, count) if count else base
        while value in self.emitted:
            count += 1
            value = digest(base, count)
        self.repeats[base] = count + 1
        self.emitted.add(value)
        return value


def counts_phrase(errors: int, warnings: int, infos: int) -> str:
    parts = [f"{n} {label}{'s' if n != 1 else ''}" for n, label in
             ((errors, "error"), (warnings, "warning"), (infos, "info")) if n]
    return ", ".join(parts)

