"""Find the files to check: files as given, directories searched for YAML and JSON."""

from __future__ import annotations

import os
from typing import Iterator

EXTENSIONS = (".yaml", ".yml", ".json")
SKIP_DIRS = {".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv", "venv", ".tox", ".mypy_cache",
             ".pytest_cache", ".ruff_cache", "site-packages"}


class MissingPath(Exception):
    pass


def discover(paths: tuple[str, ...]) -> Iterator[tuple[str, bool]]:
    """(path, named on the command line) in a stable order. A named file is checked whatever its
    extension; a missing path raises MissingPath before anything is checked. os.walk does not
    follow directory links, so a symlink loop cannot make it run forever."""
    for path in paths:
        if not os.path.exists(path):
            raise MissingPath(f"{path}: no such file or directory")
    for path in paths:
        if not os.path.isdir(path):
            yield path, True
            continue
        for root, dirs, files in os.walk(path):
            dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("."))
            for name in sorted(files):
                if name.lower().endswith(EXTENSIONS):
                    yield os.path.join(root, name), False
