"""Files a config names (a Detectron2 `_BASE_`, the DeepSpeed JSON a Trainer config's `deepspeed:`
points to): read by this one service, with one size limit, only when they are regular files (a
FIFO or /dev/zero must not hang or fill memory), loaded like a checked file (positions, no tags
constructed) with its `${...}` references resolved, and cached for the run, so a tree of configs
that share a base reads it once."""

from __future__ import annotations

import os
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Optional

from .interpolation import Budget, resolve
from .loading import Document, load_bytes, read_regular_file

MAX_NAMED_FILE_BYTES = 4 * 1024 * 1024
_CACHE_ENTRIES = 64  # files a run keeps; past that the least recently used is read again


@dataclass(frozen=True)
class NamedFile:
    data: Any = None  # the first document's values, references resolved; None when not usable
    document: Optional[Document] = None  # its positions
    problem: Optional[str] = None  # why it cannot be used ("is not a readable regular file"...)


_cache: "OrderedDict[tuple, NamedFile]" = OrderedDict()


def read_named(path: str) -> NamedFile:
    """The file at `path` (as the config names it, already joined to the config's folder)."""
    real = os.path.realpath(path)
    try:
        st = os.stat(real)
        key: tuple = (real, st.st_mtime_ns, st.st_size)
    except OSError:
        key = (real, None, None)
    found = _cache.get(key)
    if found is not None:
        _cache.move_to_end(key)
        return found
    found = _read(real, path)
    _cache[key] = found
    if len(_cache) > _CACHE_ENTRIES:
        _cache.popitem(last=False)
    return found


def _read(real: str, shown: str) -> NamedFile:
    raw = read_regular_file(real, MAX_NAMED_FILE_BYTES)
    if raw is None:
        why = "is not a readable regular file" if os.path.exists(real) else "not found next to the config"
        return NamedFile(problem=why)
    if len(raw) > MAX_NAMED_FILE_BYTES:
        return NamedFile(problem=f"is larger than {MAX_NAMED_FILE_BYTES // 2**20} MiB: not read")
    loaded = load_bytes(shown, raw)
    if any(p.code in ("SL001", "SL005") for p in loaded.problems):
        return NamedFile(problem="does not parse: not read")
    document = loaded.documents[0] if loaded.documents else None
    if document is None or not isinstance(document.data, dict):
        return NamedFile(problem="is not a mapping: not read")
    return NamedFile(resolve(document.data, Budget()), document)
