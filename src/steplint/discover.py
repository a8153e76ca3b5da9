"""Find the files to check: files as given, directories searched for YAML, JSON and TOML (torchtitan's
job configs are TOML; detection leaves other TOML files, Cargo.toml or ruff.toml, unread)."""

from __future__ import annotations

import os
import stat
from typing import Iterator

from .config import CONFIG_NAMES

EXTENSIONS = (".yaml", ".yml", ".json", ".toml")
# steplint's own project configs and Python's project file: TOML, never a training config.
NOT_CONFIGS = frozenset(CONFIG_NAMES)
SKIP_DIRS = {".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv", "venv", ".tox", ".mypy_cache",
             ".pytest_cache", ".ruff_cache", "site-packages"}


class MissingPath(Exception):
    pass


def discover(paths: tuple[str, ...]) -> Iterator[tuple[str, bool]]:
    """(path, named on the command line) in a stable order, found lazily as they are checked. A
    named file is checked whatever its extension and kind (`<(cmd)` is a pipe); a missing path
    raises MissingPath here, before anything is checked. Found while walking, only regular files
    (or links to them) are checked: a FIFO named config.yaml would block the read forever, and a
    dangling or looping link cannot be read. os.walk does not follow directory links, so a symlink
    loop cannot make it run forever."""
    for path in paths:
        if not os.path.exists(path):
            raise MissingPath(f"{path}: no such file or directory")
    return _walk(paths)


def _walk(paths: tuple[str, ...]) -> Iterator[tuple[str, bool]]:
    for path in paths:
        if not os.path.isdir(path):
            yield path, True
            continue
        for root, dirs, files in os.walk(path):
            dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("."))
            for name in sorted(files):
                if name.lower().endswith(EXTENSIONS) and name not in NOT_CONFIGS:
                    found = os.path.join(root, name)
                    if _regular(found):
                        yield found, False


def _regular(path: str) -> bool:
    """A regular file, following links; False for FIFOs, sockets, devices, dangling or looping
    links, and a file that vanished since the directory was listed."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False
