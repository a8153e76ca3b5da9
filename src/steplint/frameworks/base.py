"""What a dialect is, and the one way every dialect builds the canonical model.

A dialect (a) scores how sure it is that a document is in its format, from the keys it sees, and
(b) maps the document into a `TrainingRun` through a `RunBuilder`, which validates every value with
the pydantic model and turns what fails into an SL003 finding at the user's key.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any, Optional, Union

from pydantic import ValidationError

from ..loading import KeyPath, format_key_path, python_tag
from ..model import TrainingRun
from ..plan import PYTORCH, Semantics  # the plan owns how a run is counted; readers fill it in
from ..units import Unit, parse_duration, to_number

INVALID_VALUE = "SL003"
UNKNOWN_KEY = "SL004"

# `!!python/` tags that even PyYAML's FullLoader builds as plain values; every other one (object,
# object/apply, object/new, name, module) only an unsafe loader builds, as an arbitrary object.
_PLAIN_PYTHON_TAGS = {f"!!python/{t}" for t in ("none", "bool", "str", "unicode", "bytes", "int", "long", "float",
                                                "complex")}
# Text a framework or its launcher may still turn into a number: a reference (`${x}`, `$BS`,
# `{{ bs }}`, `%(bs)s`, `<bs>`, OmegaConf's `???`, `@ref`), a template's placeholder that a script
# substitutes (`BATCH_SIZE_PER_GPU` in DeepSpeedExamples' *_TEMPLATE.json), or a word frameworks
# give a meaning.
_MAY_RESOLVE = re.compile(r"[${}%<>?@`]|^\s*$|^\s*[A-Z][A-Z0-9_]+\s*$")
_PLACEHOLDERS = {"auto", "none", "null", "nil", "default", "inf", "infinity", "nan", "max", "min", "all", "full"}


def wrong_type(value: Any, unsafe_yaml: bool = False) -> Optional[str]:
    """What a value is when it certainly is not a number ('a list', 'a mapping', 'text', 'a
    !!python/object/apply:eval value'); None for a number, a boolean (callers decide) and text that
    may still become one. `unsafe_yaml`: the framework loads YAML unsafely (Detectron2 falls back
    to yaml.unsafe_load), so a `!!python/` value is whatever Python builds, possibly a number."""
    tag = python_tag(value)
    if tag:
        return None if unsafe_yaml or tag in _PLAIN_PYTHON_TAGS else f"a {tag.split(':')[0]} value"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, str) and to_number(value) is None and not _MAY_RESOLVE.search(value) \
            and value.strip().lower() not in _PLACEHOLDERS:
        return "text"
    return None


@dataclass(frozen=True)
class Problem:
    """A finding a dialect raises while reading the file (invalid value, unknown key)."""

    code: str
    message: str
    key_path: KeyPath




@dataclass(frozen=True)
class Source:
    """Where a document came from, and what the user told steplint about the run's environment."""

    path: str = "<config>"
    # framework -> version ("transformers" -> "4.46"), from --framework-version or the environment
    framework_versions: tuple[tuple[str, str], ...] = ()

    def version(self, framework: str) -> Optional[str]:
        return dict(self.framework_versions).get(framework)


@dataclass
class Adapted:
    run: TrainingRun
    problems: list[Problem]
    semantics: Semantics
    assumptions: list[str] = field(default_factory=list)
    # What the framework's own rules read that the canonical run has no place for: the framework's
    # settings value (an immutable record of its package), None for frameworks without rules.
    settings: Optional[object] = None
    # How the framework loads the file: "pyyaml" (yaml.safe_load, json: a key written twice keeps
    # its last value, silently) or "omegaconf" (OmegaConf.load refuses it: ConstructorError).
    yaml_loader: str = "pyyaml"


class Dialect:
    name: str = ""
    description: str = ""
    # Frameworks whose version (--framework-version NAME=X.Y) changes how this dialect reads a file.
    versions_read: tuple[str, ...] = ()
    # Key names (at any depth) of which a document must hold one for `score` to be above 0: the
    # detect stage asks, and imports, only the frameworks a document names. None: every document.
    triggers: Optional[frozenset[str]] = None
    # The highest score `score` gives: a dialect asked of every document (no triggers) is scored
    # last, and not at all once another has scored above what it could.
    ceiling: float = 1.0

    def score(self, data: dict) -> float:
        """0 when the document is not this format, up to 1 when it certainly is."""
        raise NotImplementedError

    def adapt(self, data: dict, source: Source) -> Adapted:
        raise NotImplementedError


class RunBuilder:
    """Collects canonical fields from a document, converts them, and validates them once.

    `strict` (the native format): a value of the wrong shape is an SL003 finding. Otherwise (the
    dialects of other tools) text that is not a number, such as `auto` or `${oc.env:BS}`, just
    leaves the field unknown: steplint cannot tell what it will be.
    """

    def __init__(self, strict: bool = False, framework: str = "the framework", unsafe_yaml: bool = False,
                 yaml_loader: str = "pyyaml") -> None:
        self.strict = strict
        self.yaml_loader = yaml_loader  # Adapted.yaml_loader
        # for messages about a value of the wrong type: who reads it
        self.framework = framework
        self.unsafe_yaml = unsafe_yaml
        self.raw: dict[str, Any] = {}
        self.problems: list[Problem] = []
        self.assumptions: list[str] = []

    # -- setters: `field` is a dotted canonical field path, e.g. "train_loader.batch_size"
    def count(self, field_path: str, value: Any, path: KeyPath, note: str | None = None) -> None:
        if self.wrong_type(path, value, "a whole number"):
            return
        number = to_number(value)
        if number is None:
            if self.strict or isinstance(value, bool):
                self.invalid(path, value, "must be a whole number")
            return
        if isinstance(number, float):
            if not math.isfinite(number) or number != int(number):
                self.invalid(path, value, "must be a whole number")
                return
            number = int(number)
        self._put(field_path, {"value": number, "key": format_key_path(path)}, note)

    def flag(self, field_path: str, value: Any, path: KeyPath) -> None:
        if python_tag(value) and self.wrong_type(path, value, "true or false"):
            return
        if isinstance(value, bool):
            self._put(field_path, {"value": value, "key": format_key_path(path)})
        elif self.strict or value is not None and not isinstance(value, str):
            self.invalid(path, value, "must be true or false")

    def name(self, field_path: str, value: Any, path: KeyPath) -> None:
        if isinstance(value, str) and value:
            self._put(field_path, {"value": value, "key": format_key_path(path)})

    def duration(self, field_path: str, value: Any, path: KeyPath, unit: Unit | None,
                 note: str | None = None, zero_is_unset: bool = False) -> None:
        # A list or a `!!python/` value is never a duration; text only where the run's length is read
        # (an interval's text may be the framework's own word: Keras `save_freq: epoch`).
        parsed = parse_duration(value, unit)
        if parsed is None and (field_path in ("epochs", "max_steps") or not isinstance(value, (str, dict))) \
                and self.wrong_type(path, value, "a number"):
            return
        if parsed is None:
            if self.strict or isinstance(value, bool):
                self.invalid(path, value, "is not a duration (write e.g. 500, '500 steps', '2 epochs', '1ep')")
            return
        amount, parsed_unit = parsed
        if zero_is_unset and amount == 0:
            return
        self._put(field_path, {"value": amount, "unit": parsed_unit, "key": format_key_path(path)}, note)

    def wrong_type(self, path: KeyPath, value: Any, expected: str) -> bool:
        """SL003 when the value certainly is not what the framework reads here (a list, a mapping,
        text, a `!!python/` value where it reads a number): it crashes on it or misuses it."""
        kind = wrong_type(value, self.unsafe_yaml)
        if kind is None or self.strict and not python_tag(value):
            return False  # steplint's own format says it its own way
        if kind.startswith("a !!python"):
            consequence = (f"{self.framework} loads YAML with a safe loader, which refuses the tag (the config does "
                           "not load), and an unsafe one would build a Python object")
        else:
            consequence = (f"{self.framework} reads {expected} here and cannot compute with {kind}: it fails when "
                           "training starts, if its config parser does not refuse it first")
        self.invalid(path, value, f"{kind}, not {expected}: {consequence}")
        return True

    def milestones(self, field_path: str, value: Any, path: KeyPath, unit: Unit) -> None:
        numbers = [to_number(v) for v in value] if isinstance(value, list) else None
        if numbers and all(n is not None for n in numbers):
            self._put(field_path, {"values": numbers, "unit": unit, "key": format_key_path(path)})
        elif self.strict:
            self.invalid(path, value, "must be a list of numbers")

    def unitless(self, role: str, value: Any, path: KeyPath) -> None:
        """Schedule numbers written with no unit (`schedule.unitless`): a number or a list of numbers."""
        values = value if isinstance(value, list) else [value]
        numbers = [to_number(v) for v in values]
        # a value that is not a positive number is left to what the framework makes of it (-1, 0: "off")
        if numbers and all(n is not None and 0 < n <= 2**53 for n in numbers):
            leaf = {"values": numbers, "role": role, "key": format_key_path(path)}
            self.raw.setdefault("schedule", {}).setdefault("unitless", []).append(leaf)

    def eval_loader(self, batch: tuple[Any, KeyPath] | None, drop_last: tuple[Any, KeyPath] | None) -> None:
        """Adds one evaluation loader; each argument is (value, key path) or None."""
        sub = RunBuilder(self.strict, self.framework, self.unsafe_yaml)
        if batch is not None:
            sub.count("batch_size", *batch)
        if drop_last is not None:
            sub.flag("drop_last", *drop_last)
        self.problems.extend(sub.problems)
        if sub.raw:
            self.raw.setdefault("eval_loaders", []).append(sub.raw)

    def has(self, field_path: str) -> bool:
        node: Any = self.raw
        for part in field_path.split("."):
            if not isinstance(node, dict) or part not in node:
                return False
            node = node[part]
        return True

    def get(self, field_path: str) -> Any:
        node: Any = self.raw
        for part in field_path.split("."):
            node = node.get(part) if isinstance(node, dict) else None
        return node

    def _put(self, field_path: str, leaf: dict, note: Optional[str] = None) -> None:
        if note is not None:
            leaf["note"] = note
        if None in leaf.values():  # a leaf leaves out what it lacks (a milestone list with no unit)
            leaf = {k: v for k, v in leaf.items() if v is not None}
        if "." not in field_path:
            self.raw[field_path] = leaf
            return
        *parents, last = field_path.split(".")
        node = self.raw
        for part in parents:
            node = node.setdefault(part, {})
        node[last] = leaf

    def invalid(self, path: KeyPath, value: Any, why: str) -> None:
        """An SL003 error at `path`: a value the framework refuses, and why (hooks use it too)."""
        self.problems.append(Problem(INVALID_VALUE, f"invalid value {_show(value)} for '{path[-1]}': {why}", path))

    def build(self, semantics: Semantics = PYTORCH, settings: Optional[object] = None) -> Adapted:
        """Validate with the canonical model; each failing leaf becomes SL003 and is dropped."""
        for _ in range(64):  # each round drops at least one bad leaf; the model has fewer leaves
            try:
                run = TrainingRun.model_validate(self.raw)
                return Adapted(run, self.problems, semantics, self.assumptions, settings, self.yaml_loader)
            except ValidationError as exc:
                for error in exc.errors():
                    self._drop_invalid(error)
        return Adapted(TrainingRun(), self.problems, semantics, self.assumptions, settings, self.yaml_loader)

    def _drop_invalid(self, error: dict) -> None:
        loc = list(error["loc"])
        # Walk to the leaf dict (the one holding "key") that contains the failing value.
        node: Any = self.raw
        trail: list[tuple[Any, Any]] = []
        for part in loc:
            if isinstance(node, dict) and "key" in node and part in ("value", "values", "unit"):
                break
            trail.append((node, part))
            try:
                node = node[part]
            except (KeyError, IndexError, TypeError):
                break
        if not trail:
            return
        container, part = trail[-1]
        leaf = node if isinstance(node, dict) else {}
        key = leaf.get("key") or ""
        shown = leaf.get("value", leaf.get("values"))
        reason = error["msg"].replace("Input should be", "must be").replace("Value error, ", "")
        path = tuple(key.split(".")) if key else tuple(str(p) for p in loc)
        self.problems.append(Problem(INVALID_VALUE, f"invalid value {_show(shown)} for '{path[-1]}': {reason}", path))
        try:
            del container[part]
        except (KeyError, IndexError, TypeError):
            pass


def find(data: Any, path: KeyPath, dashes_match_underscores: bool = False) -> Optional[tuple[KeyPath, Any]]:
    """(the key path as written, its value), or None when absent. With dashes_match_underscores a
    key matches whatever its spelling (the first one written wins, as GPT-NeoX's argument merge)."""
    node, written = data, []
    for part in path:
        if isinstance(part, int):
            if not isinstance(node, list) or part >= len(node):
                return None
        elif not isinstance(node, dict):
            return None
        elif dashes_match_underscores:
            wanted = part.replace("-", "_")
            part = next((k for k in node if str(k).replace("-", "_") == wanted), None)
            if part is None:
                return None
        elif part not in node:
            return None
        written.append(part)
        node = node[part]
    return tuple(written), node


def at_the_last_step_only(*labels: str):
    """A plan cadence (Semantics.cadence) for events a framework fires once, at the run's last step
    (a save_checkpoint_steps or ckpt_freq of 0 leaves only the save after the loop)."""
    def cadence(plan: Any) -> dict:
        total = plan.total_optimizer_steps
        return {label: (1, total) if total else (None, None) for label in labels}
    return cadence


def value_at(data: Any, *path: Union[str, int]) -> Any:
    """The value at a key path (mapping keys, list indexes), or None when a step of it is absent."""
    found = find(data, path)
    return found[1] if found is not None else None


def fvcore_composites(schedulers: Any, prefix: str, skip: Optional[Any] = None) -> tuple:
    """(key, number of schedulers, lengths) of each `composite` schedule among an optimizer's
    param_schedulers, as fvcore's CompositeParamScheduler (ClassyVision, VISSL) receives them, for
    rules.context.fvcore_composite_problems; `skip(spec)`: a schedule the framework rewrites first."""
    found = []
    for name, spec in (schedulers.items() if isinstance(schedulers, dict) else ()):
        if not isinstance(spec, dict) or spec.get("name") != "composite" or skip is not None and skip(spec):
            continue
        parts, lengths = spec.get("schedulers"), spec.get("lengths")
        if not isinstance(parts, list) or not isinstance(lengths, list):
            continue
        numbers = [to_number(v) for v in lengths]
        if all(isinstance(n, (int, float)) and not isinstance(n, bool) and math.isfinite(n) for n in numbers):
            found.append((f"{prefix}{name}", len(parts), tuple(numbers)))
    return tuple(found)


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


_WALK_LIMIT = 200_000
_last_walk: list = [None, ()]  # (data, entries): detection walks one document many times
_described: list = [None, None, 0]  # (data, key names, nodes): what the loader knows of the tree being detected


def describe(data: Any, key_names: Optional[set[str]], nodes: int) -> None:
    """Tell the scorers what the loader collected about `data` (its key names, None if unknown, and
    how many values it has), so that those looking for keys need not walk it."""
    _described[:] = [data, key_names, nodes]


def key_names(data: Any, max_nodes: int = _WALK_LIMIT) -> set[str]:
    """The keys of the entries `walk(data, max_nodes)` gives: the loader's, when it has them and
    the tree is small enough for the walk to reach every entry."""
    if _described[0] is data and _described[1] is not None and _described[2] <= max_nodes:
        return _described[1]
    return {key for _, key, _ in walk(data, max_nodes)}


def walk(data: Any, max_nodes: int = _WALK_LIMIT,
         keys: Optional[tuple[str, ...]] = None) -> tuple[tuple[KeyPath, str, Any], ...]:
    """The (path, key, value) of the mapping entries in a tree, breadth first (shallow first), the
    first `max_nodes` of them; `keys`: only the entries with one of these keys, and no walk at all
    when the loader says the tree has none. The last tree's walk is kept: every dialect's scorer
    walks the same document, and loaded documents are never modified."""
    if keys is not None:
        if _described[0] is data and _described[1] is not None and _described[1].isdisjoint(keys):
            return ()
        return tuple(entry for entry in walk(data, max_nodes) if entry[1] in keys)
    if _last_walk[0] is not data:
        _last_walk[:] = [data, _walk(data)]
    entries = _last_walk[1]
    return entries if max_nodes >= len(entries) else entries[:max_nodes]


def _walk(data: Any, max_nodes: int = _WALK_LIMIT) -> tuple[tuple[KeyPath, str, Any], ...]:
    entries: list[tuple[KeyPath, str, Any]] = []
    queue: list[tuple[KeyPath, Any]] = [((), data)]
    seen = 0
    while queue and seen < max_nodes:
        next_queue: list[tuple[KeyPath, Any]] = []
        for path, node in queue:
            if isinstance(node, dict):
                seen += len(node)
                for key, value in node.items():
                    child = path + (key,)
                    entries.append((child, key, value))
                    if isinstance(value, (dict, list)):
                        next_queue.append((child, value))
            elif isinstance(node, list):
                seen += len(node)
                for index, value in enumerate(node):
                    if isinstance(value, (dict, list)):
                        next_queue.append((path + (index,), value))
        queue = next_queue
    return tuple(entries)


def rules_in(package: str) -> tuple:
    """The rule modules (each with CODE and check) in a package's `rules/` folder, in code order:
    a rule is registered by being there."""
    import importlib
    import pkgutil

    rules = importlib.import_module(f"{package}.rules")
    return tuple(importlib.import_module(f"{rules.__name__}.{info.name}")
                 for info in sorted(pkgutil.iter_modules(rules.__path__), key=lambda i: i.name)
                 if info.name.startswith("sl"))


def yacs_value(data: dict, dotted: str, defaults: dict) -> tuple[Any, bool]:
    """A yacs config's value at `dotted` (`TRAIN.END_EPOCH`), and whether the file wrote it (else
    the framework's default). yacs `literal_eval`s text, so "[0, 10]" is the list; nothing else is
    evaluated."""
    node: Any = data
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            return defaults.get(dotted), False
        node = node[part]
    if isinstance(node, str):
        import ast
        try:
            node = ast.literal_eval(node.strip())
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            pass
    return node, True
