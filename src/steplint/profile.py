"""Framework profiles: what a framework's config means, written as data.

A profile is a YAML file validated by the pydantic model `Profile` (docs/profiles.md documents it
field by field; `profile_json_schema()` exports it as JSON Schema). It says how to recognise the
framework's files (`signature`), which keys fill which canonical fields and in which unit
(`fields`), which values mean unset, the framework's documented defaults, and the `semantics`
plan.py honours. `ProfileDialect(profile)` has the same `score(data)` / `adapt(data, source)` as a
hand-written dialect. What data cannot say is a `hook`: a Python function shipped beside the
profile, inside steplint (a project's own profile cannot run code, as nothing in a config can).

An `overlay` profile has no signature: its fields are read on top of whatever dialect read the
document, replacing what it read. The project config's `key-map` is one (`profile_from_key_map`).
"""

from __future__ import annotations

import dataclasses
import difflib
import fnmatch
import importlib
import math
import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Callable, Literal, Optional, Union

from pydantic import (AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, PrivateAttr, ValidationError,
                      WithJsonSchema, field_validator, model_validator)
from pydantic_core import PydanticCustomError

from .frameworks.base import UNKNOWN_KEY, Adapted, Dialect, Problem, RunBuilder, Semantics, Source, find, walk, wrong_type
from .loading import KeyPath, format_key_path, load_text, parse_key_path
from .model import FIELDS, Duration
from .units import Unit, parse_duration, parse_unit, to_number

UNITS = tuple(unit.value for unit in Unit)
_COMPONENT_KEYS = ["_target_", "class_path", "_component_"]


class ProfileError(Exception):
    """A profile steplint cannot use; the message is one line naming the file, line and key."""


# -- building blocks of the format ------------------------------------------------------------------

def _known_field(name: str) -> str:
    if name not in FIELDS:
        close = difflib.get_close_matches(name, list(FIELDS), n=1)
        hint = f"did you mean '{close[0]}'? " if close else ""
        raise ValueError(f"unknown field '{name}'; {hint}one of: {', '.join(FIELDS)}")
    return name


def _key_path(text: str) -> str:
    if not text or format_key_path(parse_key_path(text)) != text:
        raise ValueError(f"'{text}' is not a key path (write e.g. trainer.max_steps or callbacks[0].every)")
    return text


def _one_or_many(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


FieldName = Annotated[str, AfterValidator(_known_field), WithJsonSchema({"enum": list(FIELDS)})]
KeyPathText = Annotated[str, AfterValidator(_key_path)]
_KEYS_SCHEMA = {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}, "minItems": 1}]}
# One key path, or several: the first one present is read (alternatives, or spellings).
KeyPaths = Annotated[list[KeyPathText], BeforeValidator(_one_or_many), Field(min_length=1), WithJsonSchema(_KEYS_SCHEMA)]
UnitName = Literal["epoch", "step", "batch", "sample", "token", "dur"]
Scalar = Union[None, bool, int, float, str]
# Which values a key holds for a test to pass ("read: positive" reads only numbers > 0):
#   any              every value; steplint's reader reports one it cannot use (SL003) or leaves it unknown
#   number           numbers only (YAML numbers, or text that is one: "1_000", "3e4")
#   nonzero          numbers other than 0
#   positive         numbers > 0
#   positive_whole   numbers > 0 without a fraction (100 and 100.0)
#   positive_integer numbers > 0 written as integers (100, not 100.0)
#   nonempty_list    a list with at least one item
ValueTest = Literal["any", "number", "nonzero", "positive", "positive_whole", "positive_integer", "nonempty_list"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _known_keys(cls, data: Any) -> Any:
        """An unknown key is named, with the closest known one (pydantic's own error names neither)."""
        if isinstance(data, dict):
            known = [info.alias or name for name, info in cls.model_fields.items()]
            for key in data:
                if key not in known:
                    close = difflib.get_close_matches(str(key), known, n=1, cutoff=0.6)
                    hint = f"; did you mean '{close[0]}'?" if close else f"; known keys: {', '.join(known)}"
                    raise PydanticCustomError("unknown_key", "unknown key '{key}'{hint}", {"key": str(key), "hint": hint})
        return data


class Condition(_Model):
    """One test on the document; a field or variant applies when all of its conditions hold."""

    present: Optional[KeyPaths] = Field(None, description="holds when at least one of these keys is present")
    absent: Optional[KeyPaths] = Field(None, description="holds when none of these keys is present")
    key: Optional[KeyPathText] = Field(None, description="a key whose value is tested (an absent key reads as null)")
    is_: Optional[ValueTest] = Field(None, alias="is", description="the value passes this test")
    is_not: Optional[ValueTest] = Field(None, description="the value fails this test")
    in_: Optional[list[Scalar]] = Field(None, alias="in", description="the value is one of these")
    not_in: Optional[list[Scalar]] = Field(None, description="the value is none of these")
    pattern: Optional[str] = Field(None, description="some key path matches this glob ('*' one level, '**' any depth)")
    filled: Optional[FieldName] = Field(None, description="an earlier field entry filled this canonical field")

    @model_validator(mode="after")
    def _one_test(self) -> "Condition":
        subjects = [name for name in ("present", "absent", "key", "pattern", "filled") if getattr(self, name) is not None]
        tests = [alias for name, alias in (("is_", "is"), ("is_not", "is_not"), ("in_", "in"), ("not_in", "not_in"))
                 if getattr(self, name) is not None]
        if len(subjects) != 1:
            raise ValueError("a condition names exactly one of present, absent, key, pattern or filled")
        if subjects == ["key"] and len(tests) != 1:
            raise ValueError("a condition on `key` needs exactly one test: is, is_not, in or not_in")
        if subjects != ["key"] and tests:
            raise ValueError(f"'{tests[0]}' tests the value of `key`")
        return self


class UnitFrom(_Model):
    """The unit is what another key says (OLMo `scheduler.units`, steplint's `schedule.stepped_per`)."""

    key: KeyPathText
    units: dict[str, UnitName] = Field(description="the key's value -> the unit")
    default: Optional[UnitName] = Field(None, description="when the key is absent or empty; null: the field is not read")
    other: Optional[UnitName] = Field(None, description="for any other value; null: the field is not read")


# Options that only some kinds of field can use.
_OPTION_KINDS = {
    "unit": ("duration", "milestones"), "unit_from": ("duration", "milestones"), "fraction_up_to": ("duration",),
    "suffixes": ("duration",), "field_by_unit": ("duration",), "truncate": ("duration",),
    "choices": ("name",), "template": ("name",), "last_part": ("name",),
}


class FieldEntry(_Model):
    """Key path(s) -> one canonical field. The first entry to fill a field wins (in an overlay, the last)."""

    key: KeyPaths
    field: FieldName
    unit: Optional[UnitName] = Field(None, description="the unit of a bare number (durations; epochs default to epoch)")
    read: ValueTest = Field("any", description="which values are read; the others leave the field unknown")
    unset: list[Scalar] = Field(default_factory=list, description="values that mean unset or disabled for this key")
    when: list[Condition] = Field(default_factory=list, description="read only when all of these hold")
    value: Optional[Scalar] = Field(None, description="a constant the framework applies when the key is present")
    pick: Literal["first", "smallest"] = Field("first", description="of several keys: the first present, or the smallest")
    fraction_up_to: Optional[float] = Field(None, gt=0, le=1, description="a number up to this is a fraction of the run")
    suffixes: Optional[dict[str, UnitName]] = Field(None, description="the framework's own suffixes ('2e12T'); other text is not read")
    unit_from: Optional[UnitFrom] = None
    field_by_unit: dict[UnitName, FieldName] = Field(default_factory=dict, description="a value in this unit fills that field")
    truncate: bool = Field(False, description="the framework casts the number with int()")
    choices: Optional[list[str]] = Field(None, description="the only names the framework accepts")
    template: Optional[str] = Field(None, description="the name as shown, '{}' standing for the value")
    last_part: bool = Field(False, description="a dotted class path names its last part")

    @model_validator(mode="after")
    def _fits_its_field(self) -> "FieldEntry":
        kind = FIELDS[self.field]
        set_ = self.model_fields_set
        for option, kinds in _OPTION_KINDS.items():
            if option in set_ and kind not in kinds:
                raise ValueError(f"'{option}' is for {' and '.join(kinds)} fields; {self.field} holds a {kind}")
        if kind in ("duration", "milestones") and self.unit is None and self.unit_from is None and self.field != "epochs":
            raise ValueError(f"{self.field} is a duration: say its unit (unit: one of {', '.join(UNITS)})")
        for unit, target in self.field_by_unit.items():
            if FIELDS[target] != "duration":
                raise ValueError(f"field_by_unit: {target} is not a duration field")
        if self.pick == "smallest" and (len(self.key) < 2 or kind != "duration"):
            raise ValueError("pick: smallest chooses among several keys of a duration")
        if "value" in set_:
            if self.value is None:
                raise ValueError("a constant `value` cannot be null")
            for option in ("read", "unset", "pick", "truncate", "suffixes", "fraction_up_to"):
                if option in set_:
                    raise ValueError(f"'{option}' reads the key's value; a constant `value` replaces it")
        if self.template is not None and "{}" not in self.template:
            raise ValueError("a template shows the value as '{}'")
        return self

    @property
    def unit_or_default(self) -> Optional[Unit]:
        if self.unit is not None:
            return Unit(self.unit)
        return Unit.EPOCH if self.field == "epochs" else None


class AtLeast(_Model):
    count: int = Field(ge=1)
    of: KeyPaths

    @model_validator(mode="after")
    def _possible(self) -> "AtLeast":
        if self.count > len(self.of):
            raise ValueError(f"at least {self.count} of {len(self.of)} keys can never hold")
        return self


class Components(_Model):
    """A `_target_` / `class_path` / `_component_` value naming the framework's own classes."""

    keys: list[str] = Field(default_factory=lambda: list(_COMPONENT_KEYS), min_length=1)
    prefixes: Optional[list[str]] = Field(None, description="e.g. 'torchtune.'; null: any text value")


class Match(_Model):
    """What recognises a document, and how sure that makes steplint (its score)."""

    score: float = Field(gt=0, le=1)
    required: list[KeyPathText] = Field(default_factory=list, description="all of these keys are present")
    at_least: list[AtLeast] = Field(default_factory=list, description="of each group, at least `count` keys are present")
    forbidden: list[KeyPathText] = Field(default_factory=list, description="none of these keys is present")
    patterns: list[str] = Field(default_factory=list, description="every glob matches some key path")
    components: Optional[Components] = None

    @model_validator(mode="after")
    def _recognises(self) -> "Match":
        if not (self.required or self.at_least or self.patterns or self.components):
            raise ValueError("a match needs required keys, at_least groups, patterns or components")
        return self


class FileNames(_Model):
    patterns: list[str] = Field(min_length=1, description="globs of file names, e.g. '*.neox.yml'")
    bonus: float = Field(0.05, gt=0, le=0.2, description="added to the score of a match (never recognises alone)")


class Signature(_Model):
    match: list[Match] = Field(min_length=1, description="tried in order: the first that holds gives the score")
    file_names: Optional[FileNames] = None


class KeyRef(_Model):
    """A semantics value read from the document: the first of these keys that holds one."""

    key: KeyPaths
    unit: Optional[UnitName] = Field(None, description="for eval_delay: the unit of a bare number")


PositiveInt = Annotated[int, Field(ge=1)]


class SemanticsSpec(_Model):
    """Every knob of `Semantics` (dialects/base.py); an absent knob keeps Semantics' default."""

    name: Optional[str] = Field(None, description="'Framework: how it counts', shown in the plan; default: framework")
    accumulation_rounding: Optional[Literal["ceil", "floor", "drop"]] = None
    limit_precedence: Optional[Literal["first", "max_steps"]] = None
    batch_limit_count: Optional[Union[PositiveInt, KeyRef]] = None
    batch_limit_fraction: Optional[Union[Annotated[float, Field(gt=0, le=1)], KeyRef]] = None
    max_steps_per_epoch: Optional[Union[PositiveInt, KeyRef]] = None
    batch_is_global: Optional[bool] = None
    tokens_per_sample: Optional[Union[PositiveInt, KeyRef]] = None
    accumulation_from_global: Optional[bool] = None
    global_batch_floored: Optional[bool] = None
    accumulation_target_batch: Optional[PositiveInt] = None
    sharding: Optional[Literal["sampler", "accelerate"]] = None
    final_events: Optional[list[Literal["checkpoint", "eval"]]] = None
    epoch_end_events: Optional[bool] = None
    eval_delay: Optional[Union[str, KeyRef]] = Field(None, description="e.g. '500 steps', or {key, unit}")
    warmup_rounding: Optional[Literal["ceil", "floor"]] = None
    warmup_cap: Optional[Union[PositiveInt, KeyRef]] = None
    accumulation_remainder: Optional[Literal["loader", "dataset"]] = None
    ruled_out: Optional[list[Literal["checkpoint", "eval", "logging", "warmup"]]] = Field(
        None, description="events this framework never has (a hook decides those that depend on the config)")

    @field_validator("eval_delay")
    @classmethod
    def _a_duration(cls, value: Any) -> Any:
        if isinstance(value, str) and parse_duration(value, None) is None:
            raise ValueError(f"'{value}' is not a duration with its unit (write e.g. '500 steps')")
        if isinstance(value, KeyRef) and value.unit is None:
            raise ValueError("eval_delay from a key needs the unit of a bare number")
        return value

    @model_validator(mode="after")
    def _units_for_durations_only(self) -> "SemanticsSpec":
        for name in self.model_fields_set - {"eval_delay"}:
            if isinstance(getattr(self, name), KeyRef) and getattr(self, name).unit is not None:
                raise ValueError(f"{name}: a unit is for eval_delay only")
        return self

    def knobs(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.model_fields_set}


_HOOK = r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+$"


class Variant(_Model):
    """A kind of file of the same framework that counts differently (Megatron-LM beside GPT-NeoX)."""

    name: str
    when: list[Condition] = Field(min_length=1)
    framework: Optional[str] = None
    semantics: SemanticsSpec = Field(default_factory=SemanticsSpec, description="knobs that replace the profile's")
    only: Optional[list[FieldName]] = Field(None, description="the canonical fields read; default: every one")
    assumptions: list[str] = Field(default_factory=list, description="shown with the plan")
    hook: Optional[Annotated[str, Field(pattern=_HOOK)]] = Field(None, description="replaces the profile's hook")


class Profile(_Model):
    name: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")] = Field(description="the dialect name (--dialect NAME)")
    framework: str = Field(min_length=1, description="the framework in a few words, for messages: 'Levanter'")
    description: str = Field(min_length=1, description="one line: the format and its tell-tale keys")
    sources: list[str] = Field(min_length=1, description="the framework files this profile was read from")
    versions_read: list[str] = Field(default_factory=list, description="frameworks whose --framework-version matters")
    overlay: bool = Field(False, description="no signature: read on top of the dialect that read the document")
    strict: bool = Field(False, description="a value of the wrong shape is SL003 (otherwise text such as 'auto' leaves the field unknown)")
    closed: bool = Field(False, description="every key is known: one no field reads is SL004")
    dashes_match_underscores: bool = Field(False, description="`train-iters` is `train_iters` (GPT-NeoX)")
    yaml_loader: Literal["pyyaml", "omegaconf"] = Field(
        "pyyaml", description="how the framework loads its YAML: pyyaml keeps a duplicate key's last value "
                              "silently, omegaconf refuses the file")
    infinite_numbers: Literal["reported", "unset"] = Field(
        "reported", description="where only numbers are read: inf and nan are handed on (and reported), or mean unset")
    scan_limit: int = Field(5000, ge=1, le=200_000, description="keys looked at, breadth first, by patterns and components")
    unset: list[Scalar] = Field(default_factory=list, description="values that mean unset for every key")
    defaults: dict[KeyPathText, Scalar] = Field(default_factory=dict, description="the framework's documented defaults")
    signature: Optional[Signature] = None
    fields: list[FieldEntry] = Field(default_factory=list)
    semantics: SemanticsSpec = Field(default_factory=SemanticsSpec)
    variants: list[Variant] = Field(default_factory=list, description="the first whose conditions hold applies")
    hook: Optional[Annotated[str, Field(pattern=_HOOK)]] = Field(
        None, description="module.function beside the profile: hook(data, builder, source) -> semantics overrides")

    _package: Optional[str] = PrivateAttr(None)
    _hooks: dict = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _consistent(self) -> "Profile":
        if self.overlay and self.signature is not None:
            raise ValueError("an overlay profile reads every document: it has no signature")
        if not self.overlay and self.signature is None:
            raise ValueError("a profile needs a signature (or `overlay: true`)")
        if any(c.filled is not None for v in self.variants for c in v.when):
            raise ValueError("a variant is chosen before any field is read: `filled` cannot decide it")
        if self.overlay and (self.variants or self.semantics.model_fields_set or self.closed):
            raise ValueError("an overlay keeps the dialect's semantics: no semantics, variants or closed")
        for framework, spec, where in [(self.framework, self.semantics, "semantics")] + \
                [(v.framework or self.framework, v.semantics if "name" in v.semantics.model_fields_set else self.semantics,
                  f"variants.{v.name}") for v in self.variants]:
            named = Semantics(spec.name).framework_name if spec.name else framework
            if named != framework:
                raise ValueError(f"{where}.name names the framework '{named}' (its words before ':'), "
                                 f"but the framework is '{framework}'")
        return self


# -- loading ---------------------------------------------------------------------------------------

def load_profile(path_or_text: Union[str, os.PathLike], package: Optional[str] = None,
                 where: Optional[str] = None) -> Profile:
    """A profile from a file (a path, or a str naming a .yaml/.yml/.json file) or from YAML text.

    `package`: the Python package its hooks live in; only profiles shipped with steplint have one.
    `where`: the name errors give text read from elsewhere (default `<profile>`)."""
    if isinstance(path_or_text, os.PathLike) or (isinstance(path_or_text, str) and "\n" not in path_or_text
                                                 and path_or_text.lower().endswith((".yaml", ".yml", ".json"))):
        where = os.fspath(path_or_text)
        try:
            text = Path(where).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ProfileError(f"{where}: cannot read: {getattr(exc, 'strerror', None) or exc}") from None
    else:
        where, text = where or "<profile>", str(path_or_text)
    loaded = load_text(where, text)
    if loaded.problems:
        problem = loaded.problems[0]
        raise ProfileError(f"{where}:{problem.span.line}: {problem.message}")
    if len(loaded.documents) != 1 or not isinstance(loaded.documents[0].data, dict):
        raise ProfileError(f"{where}: a profile is one YAML mapping")
    document = loaded.documents[0]
    try:
        profile = Profile.model_validate(document.data)
    except ValidationError as exc:
        raise ProfileError(_one_line(exc, document, where)) from None
    profile._package = package
    for dotted in [profile.hook] + [v.hook for v in profile.variants]:
        if dotted is not None:
            profile._hooks[dotted] = _resolve_hook(dotted, package, where)
    return profile


def _resolve_hook(dotted: str, package: Optional[str], where: str) -> Callable:
    if package is None:
        raise ProfileError(f"{where}: hook '{dotted}': only profiles shipped with steplint may run code; "
                           "say it with fields, conditions and semantics")
    module_name, function = dotted.rsplit(".", 1)
    try:
        module = importlib.import_module(f"{package}.{module_name}")
    except ImportError as exc:
        raise ProfileError(f"{where}: hook '{dotted}': no module {package}.{module_name} ({exc})") from None
    hook = getattr(module, function, None)
    if not callable(hook):
        raise ProfileError(f"{where}: hook '{dotted}': {package}.{module_name} has no function '{function}'")
    return hook


def _one_line(exc: ValidationError, document, where: str) -> str:
    error = exc.errors()[0]
    # pydantic's location mixes keys with the names of union members; keep what indexes the document
    path: list = []
    node: Any = document.data
    for part in error["loc"]:
        if isinstance(node, dict) and part in node or isinstance(node, list) and isinstance(part, int) and part < len(node):
            path.append(part)
            node = node[part]
    message = error["msg"].removeprefix("Value error, ").replace("Input should be", "must be")
    if error["type"] == "missing":
        message = f"missing key '{error['loc'][-1]}'"
    elif error["type"] == "unknown_key":
        path.append(error["ctx"]["key"])
    line = document.span(tuple(path)).line
    return f"{where}:{line}: {format_key_path(tuple(path)) or '(top level)'}: {message}"


def profile_json_schema() -> dict:
    """JSON Schema of the profile format, for editors (`# yaml-language-server: $schema=...`)."""
    schema = Profile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "steplint framework profile"
    schema["$id"] = "https://steplint.dev/schema/profile-1.json"
    return schema


def shipped_profile(package: str) -> Profile:
    """A framework package's own profile (its `profile.yaml`, its hooks in the package)."""
    from importlib import resources

    where = package.replace(".", "/") + "/profile.yaml"
    return load_profile((resources.files(package) / "profile.yaml").read_text(encoding="utf-8"), package, where)


def builtin_profiles() -> dict[str, Profile]:
    """The profiles shipped with steplint, by name: those the framework packages read with."""
    from .frameworks import DIALECTS

    return {d.profile.name: d.profile for d in DIALECTS.values() if isinstance(d, ProfileDialect)}


# -- reading a document ------------------------------------------------------------------------------

def _glob_match(parts: tuple[str, ...], path: tuple) -> bool:
    if not parts:
        return not path
    if parts[0] == "**":
        return any(_glob_match(parts[1:], path[i:]) for i in range(len(path) + 1))
    return bool(path) and fnmatch.fnmatchcase(str(path[0]), parts[0]) and _glob_match(parts[1:], path[1:])


_GLOB = re.compile(r"[*?\[]")
_parsed = lru_cache(maxsize=4096)(parse_key_path)
_ABSENT = object()


class _Reader:
    """One document seen through one profile."""

    def __init__(self, profile: Profile, data: Any) -> None:
        self.profile, self.data = profile, data
        self.finite_only = profile.infinite_numbers == "unset"
        self.dashes = profile.dashes_match_underscores
        self._spellings: dict[int, dict[str, Any]] = {}  # id(mapping) -> underscored key -> key as written
        # values a numeric entry's read test left out for their type (not a sentinel such as -1), by
        # key path: SL003 unless another entry reads the key (open-instruct's "epoch")
        self.wrong: dict[KeyPath, tuple[Any, str]] = {}
        self.read: set[KeyPath] = set()

    def find(self, dotted: str) -> Optional[tuple[KeyPath, Any]]:
        if not self.dashes:
            return find(self.data, _parsed(dotted))
        node, written = self.data, []
        for part in _parsed(dotted):
            if isinstance(part, int) or not isinstance(node, dict):
                found = find(node, (part,))
                if found is None:
                    return None
                part = found[0][0]
            else:
                spellings = self._spellings.get(id(node))
                if spellings is None:
                    spellings = self._spellings[id(node)] = {}
                    for key in node:
                        spellings.setdefault(str(key).replace("-", "_"), key)
                part = spellings.get(part.replace("-", "_"), _ABSENT)
                if part is _ABSENT:
                    return None
            written.append(part)
            node = node[part]
        return tuple(written), node

    def present(self, dotted: str) -> bool:
        if self.dashes:
            return self.find(dotted) is not None
        node = self.data  # the common case, for detection: no tuple built
        for part in _parsed(dotted):
            if isinstance(part, int):
                if not isinstance(node, list) or part >= len(node):
                    return False
            elif not isinstance(node, dict) or part not in node:
                return False
            node = node[part]
        return True

    def value(self, dotted: str) -> Any:
        found = self.find(dotted)
        return found[1] if found is not None else None

    def number(self, value: Any) -> Optional[float]:
        number = to_number(value)
        if number is not None and self.finite_only and not math.isfinite(number):
            return None
        return number

    def passes(self, test: str, value: Any) -> bool:
        if test == "any":
            return True
        if test == "nonempty_list":
            return isinstance(value, list) and bool(value)
        number = self.number(value)
        if number is None:
            return False
        if test == "number":
            return True
        if test == "nonzero":
            return number != 0
        if test == "positive_integer":
            return isinstance(number, int) and number > 0
        if test == "positive_whole":
            return number > 0 and math.isfinite(number) and number == int(number)
        return number > 0  # positive

    def pattern(self, glob: str) -> bool:
        parts = tuple(glob.split("."))
        literal = 0
        while literal < len(parts) and not _GLOB.search(parts[literal]):
            literal += 1
        if literal == len(parts):
            return self.present(glob)
        root = find(self.data, tuple(parts[:literal])) if literal else ((), self.data)
        if root is None:
            return False
        rest = parts[literal:]
        return any(_glob_match(rest, path) for path, _, _ in walk(root[1], self.profile.scan_limit))

    def holds(self, condition: Condition, builder: Optional[RunBuilder]) -> bool:
        if condition.present is not None:
            return any(self.present(k) for k in condition.present)
        if condition.absent is not None:
            return not any(self.present(k) for k in condition.absent)
        if condition.pattern is not None:
            return self.pattern(condition.pattern)
        if condition.filled is not None:
            return builder is not None and builder.has(_builder_field(condition.filled))
        value = self.value(condition.key)
        if condition.is_ is not None:
            return self.passes(condition.is_, value)
        if condition.is_not is not None:
            return not self.passes(condition.is_not, value)
        if condition.in_ is not None:
            return any(_same(value, literal) for literal in condition.in_)
        return not any(_same(value, literal) for literal in condition.not_in or ())

    def matches(self, match: Match) -> bool:
        if not all(self.present(k) for k in match.required):
            return False
        if any(self.present(k) for k in match.forbidden):
            return False
        for group in match.at_least:
            needed, left = group.count, len(group.of)
            for key in group.of:
                if needed == 0 or needed > left:
                    break
                needed -= self.present(key)
                left -= 1
            if needed > 0:
                return False
        if not all(self.pattern(glob) for glob in match.patterns):
            return False
        if match.components is not None:
            keys, prefixes = match.components.keys, match.components.prefixes
            values = [v for _, _, v in walk(self.data, self.profile.scan_limit, tuple(keys)) if isinstance(v, str)]
            if not any(prefixes is None or v.startswith(tuple(prefixes)) for v in values):
                return False
        return True


def _first_keys(match: Match, dashes: bool) -> tuple[tuple[str, ...], tuple[tuple[int, tuple[str, ...]], ...]]:
    """What a match needs of the top-level keys: the first part of each required key, and per
    at_least group its count and the first part of each of its keys (an upper bound on the keys of
    the group present). A necessary condition only: `matches` decides."""
    def first(dotted: str) -> Optional[str]:
        part = parse_key_path(dotted)[0] if dotted else None
        if not isinstance(part, str):
            return None
        return part.replace("-", "_") if dashes else part

    required = tuple(k for k in map(first, match.required) if k is not None)
    groups = tuple((g.count, tuple(first(k) for k in g.of)) for g in match.at_least
                   if all(first(k) is not None for k in g.of))
    return required, groups


# Key names most training configs hold whatever reads them: a trigger made of them would have
# detection score the profile on nearly every document (correct, but slow).
_COMMON_NAMES = frozenset({
    "model", "data", "dataset", "datasets", "train", "training", "trainer", "eval", "optimizer", "optim",
    "scheduler", "lr_scheduler", "type", "name", "config", "defaults", "epochs", "batch_size", "lr",
    "learning_rate", "seed", "output_dir", "tokenizer", "loss", "per_device_train_batch_size",
    "gradient_accumulation_steps", "max_steps", "num_train_epochs", "warmup_steps", "logging_steps",
    "save_steps", "model_name_or_path", "_target_"})


def _triggers(profile: Profile) -> Optional[frozenset[str]]:
    """Key names of which a document holds one whenever a match of the signature holds (Dialect.triggers).
    Each match offers several such sets (any part of a required key; per at_least group, the first
    or the last parts of its keys; its component keys; a literal part of a pattern): the one with
    the fewest common names, then the fewest names, is taken. None when a match offers none."""
    def names(dotted: str) -> list[str]:
        return [part for part in parse_key_path(dotted) if isinstance(part, str)] if dotted else []

    def cost(option: frozenset[str]) -> tuple:
        return (sum(n in _COMMON_NAMES for n in option), len(option), -sum(map(len, option)))

    found: set[str] = set()
    for match in profile.signature.match:
        options = [frozenset({n}) for key in match.required for n in names(key)]
        for group in match.at_least:
            parts = [names(k) for k in group.of]
            if all(parts):
                options += [frozenset(p[0] for p in parts), frozenset(p[-1] for p in parts)]
        if match.components is not None:
            options.append(frozenset(match.components.keys))
        options += [frozenset({part}) for glob in match.patterns for part in glob.split(".")
                    if part and not _GLOB.search(part)]
        if not options:
            return None
        found |= min(options, key=cost)
    if profile.dashes_match_underscores:  # every spelling the framework accepts: train-iters, train_iters
        found = {spelling for k in found for spelling in _spellings(k)}
    return frozenset(found)


def _spellings(key: str) -> set[str]:
    parts = re.split(r"[-_]", key)
    spellings = {parts[0]}
    for part in parts[1:]:
        spellings = {s + sep + part for s in spellings for sep in "-_"}
    return spellings


def _same(value: Any, literal: Scalar) -> bool:
    """Whether a value is a literal of `unset` or `in`: null, true and false as themselves, a number
    by value (the text '0' is 0), text as itself."""
    if literal is None or isinstance(literal, bool):
        return value is literal
    if isinstance(literal, str):
        return isinstance(value, str) and value == literal
    number = to_number(value)
    return number is not None and number == literal


def _builder_field(field: str) -> str:
    return "eval_loaders" if field.startswith("eval_loader.") else field


# -- the dialect ---------------------------------------------------------------------------------------

class ProfileDialect(Dialect):
    """A dialect described by a profile: the same `score` and `adapt` as a hand-written one."""

    def __init__(self, profile: Profile) -> None:
        if profile.overlay:
            raise ValueError(f"profile '{profile.name}' is an overlay: apply it with overlay(), not as a dialect")
        self.profile = profile
        self.name = profile.name
        self.description = profile.description
        self.versions_read = tuple(profile.versions_read)
        self._known_keys: Optional[dict[KeyPath, list[str]]] = None  # of a closed profile, once
        self._first_keys = tuple(_first_keys(m, profile.dashes_match_underscores) for m in profile.signature.match)
        self.triggers = _triggers(profile)

    def score(self, data: dict, file_name: Optional[str] = None) -> float:
        """As a hand-written dialect's; a file name matching `file_names` adds its bonus to a match."""
        reader = None
        top = data if not self.profile.dashes_match_underscores else {str(k).replace("-", "_") for k in data}
        for match, (required, groups) in zip(self.profile.signature.match, self._first_keys):
            # Most documents are another framework's: the top-level keys alone rule most matches out.
            if not all(k in top for k in required) or any(sum(k in top for k in firsts) < count for count, firsts in groups):
                continue
            if reader is None:
                reader = _Reader(self.profile, data)
            if reader.matches(match):
                hints = self.profile.signature.file_names
                if file_name is not None and hints is not None and _name_matches(file_name, hints.patterns):
                    return min(1.0, match.score + hints.bonus)
                return match.score
        return 0.0

    def adapt(self, data: dict, source: Source) -> Adapted:
        p = self.profile
        reader = _Reader(p, data)
        builder = RunBuilder(strict=p.strict, framework=p.framework, yaml_loader=p.yaml_loader)
        variant = next((v for v in p.variants if all(reader.holds(c, None) for c in v.when)), None)
        if p.closed:
            if self._known_keys is None:
                self._known_keys = _known_keys(p)
            builder.problems.extend(_unknown_keys(self._known_keys, data))
        _read_fields(p, reader, builder, variant.only if variant else None, overlay=False)
        if variant is not None:
            builder.assumptions.extend(variant.assumptions)
        hook = variant.hook if variant is not None and variant.hook else p.hook
        overrides = dict(p._hooks[hook](data, builder, source) or {}) if hook else {}
        settings = overrides.pop("settings", None)  # what the framework's own rules read
        return builder.build(_semantics(p, reader, variant, overrides), settings)


def _name_matches(file_name: str, patterns: list[str]) -> bool:
    base = os.path.basename(file_name)
    return any(fnmatch.fnmatchcase(base, pattern) or fnmatch.fnmatchcase(file_name, pattern) for pattern in patterns)


def _read_fields(p: Profile, reader: _Reader, b: RunBuilder, only: Optional[list[str]], overlay: bool) -> None:
    eval_loader_read = False
    for entry in p.fields:
        if only is not None and entry.field not in only:
            continue
        if entry.field.startswith("eval_loader."):
            if not eval_loader_read:  # every eval_loader.* entry describes one loader, added once
                eval_loader_read = True
                _read_eval_loader(p, reader, b, only)
            continue
        if not overlay and b.has(entry.field):
            continue  # the first entry to fill a field wins
        if all(reader.holds(c, b) for c in entry.when):
            _read_entry(p, reader, b, entry, overlay)
    for path, (value, expected) in reader.wrong.items():
        if path not in reader.read:
            b.wrong_type(path, value, expected)


def _candidates(p: Profile, reader: _Reader, entry: FieldEntry) -> list[tuple[KeyPath, Any, Optional[str]]]:
    """(key path, value, note) of the entry's keys that are present, in order; else the default of
    the first key the framework has one for."""
    present = [found + (None,) for found in map(reader.find, entry.key) if found is not None]
    if present:
        return present
    for key in entry.key:
        if key in p.defaults:
            return [((), p.defaults[key], f"{p.framework} default {key}")]
    return []


def _read_entry(p: Profile, reader: _Reader, b: RunBuilder, entry: FieldEntry, overlay: bool) -> None:
    kind = FIELDS[entry.field]
    candidates = _candidates(p, reader, entry)
    if "value" in entry.model_fields_set:
        if candidates:
            path, _, note = candidates[0]
            reader.read.add(path)
            _write(b, kind, entry.field, entry.value, path, entry.unit_or_default, note)
        return
    read = [r for r in (_prepare(p, reader, b, entry, kind, *c) for c in candidates) if r is not None]
    if entry.pick == "smallest" and read:
        smallest = read[0]
        for candidate in read[1:]:
            if reader.number(candidate[1]) < reader.number(smallest[1]):
                smallest = candidate
        read = [smallest]
    for target, payload, path, unit, note in read:
        reader.read.add(path)
        _write(b, kind, target, payload, path, unit, note)
        if b.has(target):
            return  # the first key that is read wins


def _prepare(p: Profile, reader: _Reader, b: RunBuilder, entry: FieldEntry, kind: str, path: KeyPath,
             value: Any, note: Optional[str]) -> Optional[tuple]:
    """(field, value as written to the builder, path, unit, note), or None when the value is not read."""
    if not reader.passes(entry.read, value):
        if kind in ("count", "duration") and entry.suffixes is None and not isinstance(value, bool) \
                and wrong_type(value) is not None and not _unset(p, entry, value):
            reader.wrong.setdefault(path, (value, "a whole number" if kind == "count" else "a number"))
        return None
    unit = entry.unit_or_default
    target = entry.field
    if entry.unit_from is not None:
        unit = _unit_from(reader, entry.unit_from)
        if unit is None:
            return None
    if kind == "duration":
        if entry.suffixes is not None:
            parsed = _suffixed(reader, value, unit, entry.suffixes)
            if parsed is None:
                return None
            value, unit = parsed
        elif entry.truncate:
            number = reader.number(value)
            if number is None:
                return None
            if math.isfinite(number):
                whole = int(number)
                note = None if whole == number else f"int({number}) = {whole}"
                value = whole
        elif entry.fraction_up_to is not None:
            number = reader.number(value)
            if number is not None and number <= entry.fraction_up_to:
                unit = Unit.DUR
        parsed = parse_duration(value, unit)
        # unset as written (false, "auto") or by its amount ("0 steps" is 0)
        if _unset(p, entry, value) or parsed is not None and _unset(p, entry, parsed[0]):
            return None
        target = entry.field_by_unit.get(parsed[1].value, target) if parsed is not None else target
    elif _unset(p, entry, value):
        return None
    elif kind == "name" and isinstance(value, str):
        if entry.last_part:
            value = value.rsplit(".", 1)[-1]
        if entry.template is not None:
            value = entry.template.replace("{}", value)
    if entry.choices is not None and value is not None and value not in entry.choices:
        b._invalid(path, value, "must be " + _either(entry.choices))
        return None
    return target, value, path, unit, note


def _unset(p: Profile, entry: FieldEntry, value: Any) -> bool:
    return any(_same(value, literal) for literal in (*p.unset, *entry.unset))


def _either(choices: list[str]) -> str:
    quoted = [f"'{c}'" for c in choices]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]


def _unit_from(reader: _Reader, spec: UnitFrom) -> Optional[Unit]:
    value = reader.value(spec.key)
    if not value:  # absent, null, empty or 0: the framework's default (OLMo: `units or "steps"`)
        name = spec.default
    else:
        name = spec.units.get(str(value), spec.other)
    return Unit(name) if name is not None else None


def _suffixed(reader: _Reader, value: Any, unit: Optional[Unit], suffixes: dict[str, str]) -> Optional[tuple]:
    """A number in `unit`, or text ending in one of the framework's suffixes; nothing else."""
    if isinstance(value, bool) or value is None:
        return None
    number = reader.number(value)
    if number is not None:
        return (number, unit) if unit is not None else None
    if not isinstance(value, str):
        return None
    text = value.strip()
    for suffix, suffix_unit in suffixes.items():
        if text.endswith(suffix):
            amount = reader.number(text[: -len(suffix)])
            return (amount, Unit(suffix_unit)) if amount is not None else None
    return None


def _write(b: RunBuilder, kind: str, field: str, value: Any, path: KeyPath, unit: Optional[Unit],
           note: Optional[str]) -> None:
    if kind == "count":
        b.count(field, value, path, note=note)
    elif kind == "flag":
        b.flag(field, value, path)
    elif kind == "name":
        b.name(field, value, path)
    elif kind == "milestones":
        b.milestones(field, value, path, unit)
    else:
        b.duration(field, value, path, unit, note=note)


def _read_eval_loader(p: Profile, reader: _Reader, b: RunBuilder, only: Optional[list[str]]) -> None:
    found: dict[str, tuple[Any, KeyPath]] = {}
    for entry in p.fields:
        if entry.field.startswith("eval_loader.") and entry.field not in found \
                and (only is None or entry.field in only) and all(reader.holds(c, b) for c in entry.when):
            for path, value, _ in _candidates(p, reader, entry):
                if reader.passes(entry.read, value) and not _unset(p, entry, value):
                    found[entry.field] = (entry.value if "value" in entry.model_fields_set else value, path)
                    break
    if found:
        b.eval_loader(found.get("eval_loader.batch_size"), found.get("eval_loader.drop_last"))


def _known_keys(p: Profile) -> dict[KeyPath, list[str]]:
    """Section -> the keys the profile names in it, in the order it names them."""
    known: dict[KeyPath, list[str]] = {}

    def learn(dotted: str) -> None:
        path = parse_key_path(dotted)
        for depth in range(len(path)):
            names = known.setdefault(path[:depth], [])
            if path[depth] not in names:
                names.append(path[depth])

    for match in p.signature.match:
        for key in match.required + [k for group in match.at_least for k in group.of]:
            learn(key)
    for entry in p.fields:
        for key in entry.key:
            learn(key)
        if entry.unit_from is not None:
            learn(entry.unit_from.key)
    return known


def _unknown_keys(known: dict[KeyPath, list[str]], data: dict) -> list[Problem]:
    """SL004 for every key a closed profile does not know, with the closest known one."""
    problems = []
    for section, allowed in known.items():
        mapping = data if not section else (find(data, section) or (None, None))[1]
        if not isinstance(mapping, dict) or any(isinstance(part, int) for part in section):
            continue
        for key in mapping:
            if key not in allowed:
                close = difflib.get_close_matches(str(key), [str(a) for a in allowed], n=1, cutoff=0.6)
                hint = f"; did you mean '{close[0]}'?" if close else f"; known keys: {', '.join(map(str, allowed))}"
                where = f" in '{'.'.join(map(str, section))}'" if section else ""
                problems.append(Problem(UNKNOWN_KEY, f"unknown key '{key}'{where}{hint}", section + (key,)))
    return problems


def _semantics(p: Profile, reader: _Reader, variant: Optional[Variant], overrides: dict) -> Semantics:
    knobs = p.semantics.knobs()
    framework = p.framework
    if variant is not None:
        knobs.update(variant.semantics.knobs())
        framework = variant.framework or framework
    values: dict[str, Any] = {"name": knobs.pop("name", None) or framework}
    for knob, value in knobs.items():
        if isinstance(value, KeyRef):
            value = _knob_from_key(reader, knob, value)
        elif knob in ("final_events", "ruled_out") and value is not None:
            value = tuple(value)
        elif knob == "eval_delay" and value is not None:
            amount, unit = parse_duration(value, None)
            value = Duration(value=amount, unit=unit)
        if value is not None:
            values[knob] = value
    unknown = set(overrides) - {f.name for f in dataclasses.fields(Semantics)}
    if unknown:
        raise TypeError(f"profile {p.name}: its hook returned {sorted(unknown)}, which are not Semantics knobs")
    values.update(overrides)
    return Semantics(**values)


def _knob_from_key(reader: _Reader, knob: str, ref: KeyRef) -> Any:
    for key in ref.key:
        found = reader.find(key)
        if found is None:
            continue
        path, value = found
        if knob == "eval_delay":
            parsed = parse_duration(value, Unit(ref.unit))
            if parsed is not None and parsed[0] > 0:
                return Duration(value=parsed[0], unit=parsed[1], key=format_key_path(path))
        elif knob == "batch_limit_fraction":
            if reader.passes("positive", value) and reader.number(value) <= 1:
                return reader.number(value)
        elif reader.passes("positive_integer", value):
            return reader.number(value)
    return None


# -- overlays: the project's key map, and profiles that add keys to any dialect -------------------------

def overlay(adapted: Adapted, data: Any, profile: Profile) -> Adapted:
    """The overlay profile's fields read on top of what a dialect read, replacing it."""
    builder = RunBuilder(strict=profile.strict)
    builder.raw = adapted.run.model_dump(exclude_none=True)
    builder.problems = list(adapted.problems)
    builder.assumptions = list(adapted.assumptions)
    _read_fields(profile, _Reader(profile, data), builder, None, overlay=True)
    return builder.build(adapted.semantics, adapted.settings)  # the framework's rules still run


def mentions(data: Any, profile: Profile) -> bool:
    """Whether a document holds a key the profile reads (a key map makes such a document a config)."""
    reader = _Reader(profile, data)
    return any(reader.present(key) for entry in profile.fields for key in entry.key)


def profile_from_key_map(key_map: tuple[tuple[str, str, Optional[str]], ...]) -> Profile:
    """The project config's `key-map` ((key, field, unit) triples, as Options holds it) as an overlay profile."""
    fields = []
    for key, field, unit in key_map:
        path = parse_key_path(key)
        if not path:
            continue  # names no key ("", "."): nothing to read
        entry: dict[str, Any] = {"key": format_key_path(path), "field": field}
        if FIELDS[field] in ("duration", "milestones"):
            entry["unit"] = parse_unit(unit).value if unit else ("epoch" if field == "epochs" else "step")
        fields.append(entry)
    return Profile.model_validate({
        "name": "key-map", "framework": "the project's key map", "overlay": True, "strict": True,
        "description": "the project config's key-map", "sources": ["the project configuration"], "fields": fields})


__all__ = ["Profile", "ProfileDialect", "ProfileError", "builtin_profiles", "find", "load_profile",
           "mentions", "overlay", "profile_from_key_map", "profile_json_schema"]
