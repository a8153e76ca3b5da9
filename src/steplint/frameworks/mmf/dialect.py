"""MMF's `includes:`: a list of YAML files merged, in order, under the config that names them
[mmf/utils/configuration.py `load_yaml`]: each path is tried relative to the MMF root (the `mmf/`
package folder) first, then relative to the including file; included files may include others.
The merged tree is resolved again, since MMF resolves `${training.max_updates}` only once the
whole config is merged (a child's max_updates reaches an included scheduler)."""

from __future__ import annotations

import os
from typing import Optional

from ...interpolation import Budget, resolve, resolve_within
from ...loading import format_key_path
from ...named_files import deep_merge, read_named
from ...profile import ProfileDialect
from ..base import Adapted, Source

MAX_INCLUDE_DEPTH = 10


def mmf_root(path: str) -> Optional[str]:
    """The `mmf/` package folder of the checkout the config lives in: an ancestor named `mmf` holding
    configs/defaults.yaml, or an ancestor's `mmf/` child holding it."""
    folder = os.path.dirname(os.path.abspath(path))
    while True:
        for candidate in (folder, os.path.join(folder, "mmf")):
            if os.path.basename(candidate) == "mmf" and os.path.isfile(os.path.join(candidate, "configs", "defaults.yaml")):
                return candidate
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


class _Includes:
    def __init__(self, root: Optional[str]) -> None:
        self.root = root
        self.read: list[str] = []
        self.notes: list[str] = []

    def expand(self, data: dict, path: str, depth: int, seen: tuple[str, ...]) -> dict:
        includes = data.get("includes")
        own = {k: v for k, v in data.items() if k != "includes"}
        if not isinstance(includes, list):
            if includes is not None:
                self.notes.append(f"includes is not a list: MMF refuses it ({type(includes).__name__} given)")
            return own
        merged: dict = {}
        for name in includes:
            if not isinstance(name, str) or not name.strip():
                continue
            found = self._locate(name.strip(), path)
            if found is None:
                self.notes.append(f"included {name!r} not found (relative to the MMF root or the config): "
                                  "the keys it sets are unknown")
                continue
            real = os.path.realpath(found)
            if real in seen:
                self.notes.append(f"included {name!r} includes itself (a cycle): not read again")
                continue
            if depth >= MAX_INCLUDE_DEPTH:
                self.notes.append(f"includes deeper than {MAX_INCLUDE_DEPTH} files: {name!r} not read")
                continue
            named = read_named(found)
            if named.problem or named.document is None:
                self.notes.append(f"included {name!r} {named.problem or 'is not readable'}: the keys it sets are unknown")
                continue
            self.read.append(name)
            merged = deep_merge(merged, self.expand(named.document.data, found, depth + 1, seen + (real,)))
        return deep_merge(merged, own)  # OmegaConf.merge: mappings key by key, lists replaced

    def _locate(self, name: str, path: str) -> Optional[str]:
        candidates = [os.path.join(self.root, name)] if self.root else []
        candidates.append(os.path.join(os.path.dirname(path), name))
        return next((c for c in candidates if os.path.isfile(c)), None)


def expand_includes(data: dict, path: str) -> tuple[dict, list[str], list[str]]:
    """(the merged config, the included files read, notes on those that could not be)."""
    if "includes" not in data:
        return data, [], []
    includes = _Includes(mmf_root(path))
    merged = includes.expand(data, path, 0, (os.path.realpath(path),))
    return resolve(merged, Budget()), includes.read, includes.notes


def _nested(dotted: dict) -> dict:
    """{"training.max_updates": 22000} as {"training": {"max_updates": 22000}}."""
    tree: dict = {}
    for key, value in dotted.items():
        *parents, last = key.split(".")
        node = tree
        for part in parents:
            node = node.setdefault(part, {})
        node[last] = value
    return tree


class MmfDialect(ProfileDialect):
    """The MMF profile, read on the config with its includes merged, and its references resolved as
    MMF resolves them: in the config merged over mmf/configs/defaults.yaml (mmf/utils/configuration.py
    `Configuration.__init__`: defaults, then the model's and datasets' default configs, which set no
    `training.*`, then the file; `OmegaConf.to_container(config, resolve=True)` after). The defaults
    are the profile's, taken from defaults.yaml; a reference to any other key the file lacks stays text."""

    def adapt(self, data: dict, source: Source) -> Adapted:
        merged, read, notes = expand_includes(data, source.path)
        merged, by_default = resolve_within(merged, deep_merge(_nested(self.profile.defaults), merged))
        adapted = super().adapt(merged, source)
        adapted.assumptions.extend(f"{format_key_path(path)} = {value!r}: a reference to a key this file does not set, "
                                   "which MMF resolves in its defaults (mmf/configs/defaults.yaml)"
                                   for path, value in by_default)
        if read:
            adapted.assumptions.append("merged the included " + ", ".join(read) + " (keys they set are reported at "
                                       "this file's nearest key)")
        adapted.assumptions.extend(notes)
        return adapted
