"""OmegaConf `${...}` references inside one file, resolved before a dialect reads it.

omegaconf implements the grammar (nested and relative references, string interpolation), so it
resolves them. Resolvers (`${oc.env:HOME}`, `${eval:...}`, custom ones) are never called: a value
that uses one, or refers to one, or to another file (Hydra defaults), stays its text, which every
dialect reads as an unknown value. Keys keep their positions: a finding on a resolved value still
points at the key that holds the reference.

OmegaConf builds a node object for every value and parses each reference with ANTLR, slowly
(milliseconds per file), so it is given only what the references need: the referencing values and
the subtrees they point at. The commonest reference of all, a whole value naming a key that holds a
number or a section without references (`max_seq_len: ${variables.max_seq_len}`), is a plain
lookup: it is read directly, and tests/test_interpolation.py checks every such lookup against
OmegaConf, on the real corpus and on generated trees. Anything else goes to OmegaConf.
"""

from __future__ import annotations

import re
from typing import Any, Iterator, Optional, Union

from .loading import MAX_EXPANDED_NODES, REFERENCE as _REFERENCE

_RESOLVER_CALL = re.compile(r"\$\{\s*[A-Za-z_][\w.]*\s*:")
_PLAIN_REFERENCE = re.compile(r"\$\{\s*(\.*)([\w.\[\]-]*)\s*\}")
# The subset read without OmegaConf: absolute or relative dotted names, no indexes, no nesting.
_SIMPLE_REFERENCE = re.compile(r"\$\{\s*(\.*)([A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)*)\s*\}", re.ASCII)
_UNKNOWN = "???"  # OmegaConf's "missing" marker: reading it fails, so the reader keeps the text
# OmegaConf takes about 0.3 ms per reference; real configs have at most a few hundred references of
# any kind. Past this many in one file, the rest stay text (unknown values), in bounded time.
MAX_OMEGACONF_REFERENCES = 1_000
# OmegaConf builds about 10,000 nodes a second: the sections it is given for one file, in all,
# stay under this many nodes (a reference into a 100,000-item list took 10 s).
MAX_OMEGACONF_NODES = 20_000
Path = tuple[Union[str, int], ...]


class Budget:
    """What resolving may still cost in one file, shared by its documents (a file of many documents
    must not multiply the bounds): values added by copying sections (counted as the loader counts
    aliases), and references and nodes handed to OmegaConf."""

    __slots__ = ("expanded", "omegaconf_references", "omegaconf_nodes")

    def __init__(self) -> None:
        self.expanded = MAX_EXPANDED_NODES
        self.omegaconf_references = MAX_OMEGACONF_REFERENCES
        self.omegaconf_nodes = MAX_OMEGACONF_NODES


def _strings_with_references(data: Any, budget: int = 200_000) -> Iterator[tuple[Path, str]]:
    stack: list[tuple[Path, Any]] = [((), data)]
    while stack and budget > 0:
        path, node = stack.pop()
        budget -= 1
        if isinstance(node, str):
            if _REFERENCE in node:
                yield path, node
        elif isinstance(node, dict):
            stack.extend((path + (k,), v) for k, v in node.items())
        elif isinstance(node, list):
            stack.extend((path + (i,), v) for i, v in enumerate(node))


def has_references(data: Any) -> bool:
    return next(_strings_with_references(data), None) is not None


def _target(holder: Path, dots: str, dotted: str) -> Path:
    """The path a reference points at: `${a.b}` from the root, `${..a}` relative to `holder`'s parent."""
    parts: list[Union[str, int]] = []
    for piece in re.findall(r"[^.\[\]]+", dotted):
        parts.append(int(piece) if piece.isdigit() else piece)
    if not dots:
        return tuple(parts)
    base = holder[:-1]  # the container of the referencing value
    up = len(dots) - 1
    base = base[:len(base) - up] if up <= len(base) else ()
    return base + tuple(parts)


def _get(data: Any, path: Path) -> tuple[bool, Any]:
    node = data
    for part in path:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return False, None
    return True, node


def _copy_root(data: Any, path: Path) -> Optional[tuple[Path, Any]]:
    """The subtree that OmegaConf needs for `path`, and its path: the value at `path`, or the first
    list on the way (a list is copied whole: positions must stay). None if `path` is not there."""
    node = data
    for depth, part in enumerate(path):
        if not isinstance(node, dict) or part not in node:
            return None
        child = node[part]
        if depth == len(path) - 1 or not isinstance(child, dict):
            return path[:depth + 1], child
        node = child
    return None


def _put(tree: dict, root: Path, subtree: Any) -> None:
    """Copy `subtree` into `tree` at `root`, creating the mappings on the way."""
    node = tree
    for part in root[:-1]:
        node = node.setdefault(str(part), {})
        if not isinstance(node, dict):
            return
    node[str(root[-1])] = _neutralise(subtree)


def _as_put(data: Any, path: Path) -> Path:
    """`path` as `_put` wrote it for OmegaConf: mapping keys as strings (`0:` and `true:` included)."""
    out, node = [], data
    for part in path:
        out.append(str(part) if isinstance(node, dict) else part)
        node = node[part]
    return tuple(out)


def _neutralise(node: Any) -> Any:
    """Strings that call a resolver become 'missing', so nothing is ever evaluated."""
    if isinstance(node, dict):
        return {str(k): _neutralise(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_neutralise(v) for v in node]
    if isinstance(node, str) and _RESOLVER_CALL.search(node):
        return _UNKNOWN
    return node


# What a whole-value reference turns out to be, before anything is resolved.
_TEXT = "text"  # a path, a name, unresolvable: stays as written and is read as unknown
_LOOKUP = "lookup"  # a plain reference to a number, a flag, null or a section: read directly
_OMEGACONF = "omegaconf"  # may give a number, but only OmegaConf can tell


def _classify(data: Any, path: Path, text: str, depth: int = 0,
              holds_references: Optional[dict[int, bool]] = None) -> tuple[str, Any]:
    """Whether resolving `text` can give more than text: only a whole-value reference can (`${a}`,
    not `${out}/logs`), and only when what it points at is not plain text. Most references in real
    configs are paths, and stay text without being resolved. `holds_references` remembers, per
    container, whether it holds references: thousands of references to one large section must not
    each walk it."""
    if holds_references is None:
        holds_references = {}
    whole = _PLAIN_REFERENCE.fullmatch(text.strip())
    if whole is None:
        return _TEXT, None
    target = _target(path, *whole.groups())
    found, value = _get(data, target)
    if not found:
        return _TEXT, None
    simple = _SIMPLE_REFERENCE.fullmatch(text.strip()) is not None and _within_root(path, whole.group(1))
    if isinstance(value, str) and _REFERENCE in value and depth < 8:
        kind, value = _classify(data, target, value, depth + 1, holds_references)
        return (kind if simple or kind == _TEXT else _OMEGACONF), value
    if isinstance(value, (dict, list)) and _holds_references(value, holds_references):
        # A container is copied in whole; one that holds references could expand like an alias
        # bomb (`k2: ['${k1}', ...]`), and no count steplint reads is a container of references.
        return _TEXT, None
    if isinstance(value, str):
        return _TEXT, None
    return (_LOOKUP, value) if simple and _plain_keys(data, target) else (_OMEGACONF, None)


def _holds_references(container: Any, known: dict[int, bool]) -> bool:
    if id(container) not in known:
        known[id(container)] = has_references(container)
    return known[id(container)]


def _within_root(holder: Path, dots: str) -> bool:
    """OmegaConf refuses a relative reference that climbs above the root."""
    return not dots or len(dots) - 1 <= len(holder) - 1


def _plain_keys(data: Any, target: Path) -> bool:
    """Every step is a string key of a mapping: list indexes and YAML's non-string keys (`1:`,
    `true:`) are left to OmegaConf, which names them differently."""
    node = data
    for part in target:
        if not isinstance(node, dict) or not isinstance(part, str) or part not in node:
            return False
        node = node[part]
    return True


def resolve(data: dict, budget: Optional[Budget] = None) -> dict:
    """A copy of `data` with every resolvable reference replaced by its value. `budget`: what is
    left for the file this document is in (a fresh one when not given)."""
    budget = budget or Budget()
    resolved, referencing = [], []
    # Each copy of a container counts against the budget, as an alias does against the loader's
    # (the copies of one container are one shared value, as an alias's are).
    copies, holds_references = {}, {}
    for path, text in _strings_with_references(data):
        kind, value = _classify(data, path, text, holds_references=holds_references)
        if kind == _LOOKUP:
            if isinstance(value, (dict, list)):
                if id(value) not in copies:
                    copies[id(value)] = (_neutralise(value), _count(value, MAX_EXPANDED_NODES + 1))  # as OmegaConf would give it
                value, size = copies[id(value)]
                if size > budget.expanded:
                    continue
                budget.expanded -= size
            resolved.append((path, value))
        elif kind == _OMEGACONF and len(referencing) < budget.omegaconf_references:
            referencing.append((path, text))
    if referencing:
        budget.omegaconf_references -= len(referencing)
        resolved += resolve_with_omegaconf(data, referencing, budget)
    return _replace_all(data, resolved) if resolved else data


def resolve_within(data: dict, whole: dict, budget: Optional[Budget] = None) -> tuple[dict, list[tuple[Path, Any]]]:
    """`data` with the references that `whole` resolves replaced by their values, and those (path,
    value): `whole` is the config the framework resolves them in, `data` merged over the framework's
    own defaults (MMF resolves `${training.max_updates}` in its defaults.yaml merged with the file).
    Only values that hold a reference change, so a default fills no key the file does not write."""
    pending = list(_strings_with_references(data))
    if not pending:
        return data, []
    resolved = resolve(whole, budget)
    found = []
    for path, text in pending:
        ok, value = _get(resolved, path)
        if ok and value != text:
            found.append((path, value))
    return (_replace_all(data, found) if found else data), found


def resolve_with_omegaconf(data: dict, referencing: list[tuple[Path, str]],
                           budget: Optional[Budget] = None) -> list[tuple[Path, Any]]:
    """(path, value) for each of `referencing` that OmegaConf resolves within `budget`."""
    budget = budget or Budget()
    resolved: list[tuple[Path, Any]] = []
    try:
        from omegaconf import DictConfig, ListConfig, OmegaConf
    except ImportError:  # pragma: no cover - a declared dependency; without it references stay text
        return resolved
    needed: dict = {}
    copied: set[Path] = set()  # thousands of references to one section copy it once
    sizes: dict[Path, int] = {}  # and measure it once
    accepted = []
    for path, text in referencing:
        paths = [path]
        if not _RESOLVER_CALL.search(text):
            paths += [_target(path, dots, dotted) for dots, dotted in _PLAIN_REFERENCE.findall(text)]
        roots = dict(r for r in (_copy_root(data, p) for p in paths) if r is not None and r[0] not in copied)
        for root, subtree in roots.items():
            if root not in sizes:
                sizes[root] = _count(subtree, MAX_OMEGACONF_NODES + 1)
        cost = sum(sizes[root] for root in roots)
        if cost > budget.omegaconf_nodes:
            continue  # stays text, read as unknown
        budget.omegaconf_nodes -= cost
        for root, subtree in roots.items():
            copied.add(root)
            _put(needed, root, subtree)
        accepted.append((path, text))
    referencing = accepted
    try:
        config = OmegaConf.create(needed, flags={"allow_objects": False})
    except Exception:  # noqa: BLE001 - keys omegaconf will not take: keep the text
        return resolved
    for path, text in referencing:
        try:
            found, value = _get(config, _as_put(data, path))
            if not found:
                continue
            if isinstance(value, (DictConfig, ListConfig)):
                value = OmegaConf.to_container(value, resolve=True)
        except (Exception, RecursionError):  # noqa: BLE001 - unresolvable: the text stays, read as unknown
            continue
        if value == _UNKNOWN or value == text:
            continue
        size = _count(value, budget.expanded + 1)
        if size > budget.expanded:
            break
        budget.expanded -= size
        resolved.append((path, value))
    return resolved


def _count(value: Any, limit: int) -> int:
    """How many nodes `value` has, counting no further than `limit`."""
    count, stack = 0, [value]
    while stack and count < limit:
        node = stack.pop()
        count += 1
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return count


def _replace_all(tree: Any, replacements: list[tuple[Path, Any]]) -> Any:
    """`tree` with each path replaced by its value, copying each container on the way once (one
    copy per replacement made 60,000 references in one mapping quadratic)."""
    by_head: dict[Any, list[tuple[Path, Any]]] = {}
    for path, value in replacements:
        if not path:
            return value
        by_head.setdefault(path[0], []).append((path[1:], value))
    copy = dict(tree) if isinstance(tree, dict) else list(tree)
    for head, rest in by_head.items():
        copy[head] = _replace_all(tree[head], rest)
    return copy
