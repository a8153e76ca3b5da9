"""OmegaConf `${...}` references inside one file, resolved before a dialect reads it.

omegaconf implements the grammar (nested and relative references, string interpolation), so it
resolves them. Resolvers (`${oc.env:HOME}`, `${eval:...}`, custom ones) are never called: a value
that uses one, or refers to one, or to another file (Hydra defaults), stays its text, which every
dialect reads as an unknown value. Keys keep their positions: a finding on a resolved value still
points at the key that holds the reference.
"""

from __future__ import annotations

import re
from typing import Any

_REFERENCE = "${"
_RESOLVER_CALL = re.compile(r"\$\{\s*[A-Za-z_][\w.]*\s*:")
_UNKNOWN = "???"  # OmegaConf's "missing" marker: reading it fails, so the reader keeps the text


def has_references(data: Any, budget: int = 200_000) -> bool:
    stack = [data]
    while stack and budget > 0:
        node = stack.pop()
        budget -= 1
        if isinstance(node, str):
            if _REFERENCE in node:
                return True
        elif isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return False


def resolve(data: dict) -> dict:
    """A copy of `data` with every resolvable reference replaced by its value."""
    if not has_references(data):
        return data
    try:
        from omegaconf import OmegaConf
    except ImportError:  # pragma: no cover - a declared dependency; without it references stay text
        return data
    try:
        config = OmegaConf.create(_neutralise(data), flags={"allow_objects": False})
    except Exception:  # noqa: BLE001 - keys omegaconf will not take (ints, odd names): keep the text
        return data
    return _merge(data, config)


def _neutralise(node: Any) -> Any:
    """Strings that call a resolver become 'missing', so nothing is ever evaluated."""
    if isinstance(node, dict):
        return {str(k): _neutralise(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_neutralise(v) for v in node]
    if isinstance(node, str) and _RESOLVER_CALL.search(node):
        return _UNKNOWN
    return node


def _merge(original: Any, config: Any) -> Any:
    """Walk the original tree; where it holds a reference, take the resolved value if there is one."""
    if isinstance(original, dict):
        out = {}
        for key, value in original.items():
            out[key] = _resolved_child(value, config, str(key))
        return out
    if isinstance(original, list):
        return [_resolved_child(value, config, index) for index, value in enumerate(original)]
    return original


def _resolved_child(value: Any, config: Any, key: Any) -> Any:
    if isinstance(value, (dict, list)):
        try:
            child = config[key]
        except Exception:  # noqa: BLE001
            return value
        return _merge(value, child)
    if isinstance(value, str) and _REFERENCE in value:
        try:
            from omegaconf import DictConfig, ListConfig
            resolved = config[key]
        except (Exception, RecursionError):  # noqa: BLE001 - unresolvable: the text stays, read as unknown
            return value
        if isinstance(resolved, (DictConfig, ListConfig)):
            from omegaconf import OmegaConf
            try:
                return OmegaConf.to_container(resolved, resolve=True)
            except Exception:  # noqa: BLE001
                return value
        return resolved if resolved != _UNKNOWN else value
    return value
