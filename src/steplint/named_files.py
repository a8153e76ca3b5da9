"""Files a config names (a Detectron2 `_BASE_`, the DeepSpeed JSON a Trainer config's `deepspeed:`
points to): read by this one service, with one size limit, only when they are regular files (a
FIFO or /dev/zero must not hang or fill memory), loaded like a checked file (positions, no tags
constructed) with its `${...}` references resolved, and cached for the run, so a tree of configs
that share a base reads it once."""

from __future__ import annotations

import os
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Callable, Optional

from .interpolation import Budget, resolve
from .loading import Document, file_id, load_bytes, read_regular_file

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
    try:
        st = os.stat(path)
        key: tuple = (st.st_dev, st.st_ino, st.st_mtime_ns, st.st_size)
    except (OSError, ValueError):
        key = (os.path.abspath(path), None, None)
    found = _cache.get(key)
    if found is not None:
        _cache.move_to_end(key)
        return found
    found = _read(path)
    _cache[key] = found
    if len(_cache) > _CACHE_ENTRIES:
        _cache.popitem(last=False)
    return found


def _read(path: str) -> NamedFile:
    raw = read_regular_file(path, MAX_NAMED_FILE_BYTES)
    if raw is None:
        why = "is not a readable regular file" if os.path.exists(path) else "not found next to the config"
        return NamedFile(problem=why)
    if len(raw) > MAX_NAMED_FILE_BYTES:
        return NamedFile(problem=f"is larger than {MAX_NAMED_FILE_BYTES // 2**20} MiB: not read")
    loaded = load_bytes(path, raw)
    if any(p.code in ("SL001", "SL005") for p in loaded.problems):
        return NamedFile(problem="does not parse: not read")
    document = loaded.documents[0] if loaded.documents else None
    if document is None or not isinstance(document.data, dict):
        return NamedFile(problem="is not a mapping: not read")
    return NamedFile(resolve(document.data, Budget()), document)


MAX_BASE_DEPTH = 10  # base files named by base files, as deep as any framework nests them


def deep_merge(base: dict, child: dict) -> dict:
    """The child wins; mappings merge key by key (detectron2 `merge_a_into_b`, PaddleDetection
    `dict_merge`, MaxText's `base_config` override)."""
    out = dict(base)
    for key, value in child.items():
        out[key] = deep_merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


class BaseChain:
    """The base files a config names under `key` (detectron2 `_BASE_`, PaddleDetection `_BASE_`
    lists, MMEngine `_base_`, MaxText `base_config`): a name or a list of names, each read with
    `read_named`, found beside the naming file (or where `locate(name, naming_path)` says), at most
    MAX_BASE_DEPTH files deep, a cycle read once. Bases merge in order, then the naming file over
    them. `notes` say what could not be read; `files` and `bases` (the raw data) what was."""

    def __init__(self, key: str, source_path: Optional[str], merge: Callable[[dict, dict], dict] = deep_merge,
                 keep_key: bool = False, locate: Optional[Callable[[str, str], str]] = None) -> None:
        self.key, self.path, self.merge = key, source_path, merge
        self.keep_key, self.locate = keep_key, locate  # keep_key: the merged tree still says what it named
        self.notes: list[str] = []
        self.files: list[str] = []
        self.bases: list[dict] = []

    def merged(self, data: dict) -> dict:
        path = self.path
        start = file_id(path) if path else None
        return self._resolve(data, path, {start} if start else set(), 0)

    def _names(self, value: Any) -> Optional[list[str]]:
        names = [value] if isinstance(value, str) else value
        if isinstance(names, list) and names and all(isinstance(n, str) and n.strip() for n in names):
            return names
        return None

    def _resolve(self, data: dict, path: Optional[str], seen: set, depth: int) -> dict:
        names = self._names(data.get(self.key))
        if names is None:
            return data if self.keep_key else {k: v for k, v in data.items() if k != self.key}
        key, merged = self.key, {}
        for base in names:
            name = os.path.expanduser(base.strip())
            if name.startswith(("http://", "https://")):
                self.notes.append(f"{key} {base!r} is a URL: its keys are unknown")
                continue
            if not name.endswith((".yaml", ".yml", ".json")):
                self.notes.append(f"{key} {base!r} is not YAML or JSON (not read): the keys it sets are unknown")
                continue
            if not os.path.isabs(name):
                naming = path or "."
                name = self.locate(name, naming) if self.locate else os.path.join(os.path.dirname(naming), name)
            real = file_id(name)
            if depth >= MAX_BASE_DEPTH:
                self.notes.append(f"{key} chain deeper than {MAX_BASE_DEPTH} files: {base!r} not read")
                continue
            if real is not None and real in seen:
                self.notes.append(f"{key} {base!r} includes itself (a cycle): not read again")
                continue
            named = read_named(name)
            if named.problem or not isinstance(named.data, dict):
                self.notes.append(f"{key} {base!r} {named.problem or 'is not a mapping'}: the keys it sets are unknown")
                continue
            self.files.append(base)
            self.bases.append(named.data)
            parent = self._resolve(named.data, name, seen | {real} if real else seen, depth + 1)
            merged = self.merge(merged, {k: v for k, v in parent.items() if k != key})
        merged = self.merge(merged, {k: v for k, v in data.items() if k != key})
        if self.keep_key:
            merged[key] = data[key]
        return merged
