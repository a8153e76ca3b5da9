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
import functools
import importlib
import math
import os
import re
import weakref
from pathlib import Path
from typing import Annotated, Any, Callable, Literal, Optional, Union

from pydantic import (AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, PrivateAttr, ValidationError,
                      WithJsonSchema, field_validator, model_validator)
from pydantic_core import PydanticCustomError

from .frameworks.base import UNKNOWN_KEY, Adapted, Dialect, Problem, RunBuilder, Semantics, Source, find, walk, wrong_type
from .loading import KeyPath, format_key_path, load_text, parse_key_path
from .model import MAX_COUNT, FIELDS, Duration
from .units import Unit, finite_number, parse_duration, parse_unit, to_number

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
    accumulation_rounding: Optional[Literal["ceil", "floor", "drop", "run_ceil", "run_floor"]] = None
    limit_precedence: Optional[Literal["first", "max_steps"]] = None
    batch_limit_count: Optional[Union[PositiveInt, KeyRef]] = None
    batch_limit_fraction: Optional[Union[Annotated[float, Field(gt=0, le=1)], KeyRef]] = None
    max_steps_per_epoch: Optional[Union[PositiveInt, KeyRef]] = None
    batch_is_global: Optional[bool] = None
    dataset_cycles: Optional[Union[PositiveInt, KeyRef]] = None
    tokens_per_sample: Optional[Union[PositiveInt, KeyRef]] = None
    accumulation_from_global: Optional[bool] = None
    global_batch_floored: Optional[bool] = None
    accumulation_target_batch: Optional[PositiveInt] = None
    sharding: Optional[Literal["sampler", "accelerate"]] = None
    final_events: Optional[list[Literal["checkpoint", "eval", "logging"]]] = None
    final_events_at: Optional[Literal["end", "max_steps"]] = None
    start_events: Optional[list[Literal["checkpoint", "eval", "logging"]]] = None
    first_step_events: Optional[list[Literal["checkpoint", "eval", "logging"]]] = None
    shifted_events: Optional[list[Literal["checkpoint", "eval", "logging"]]] = None
    epoch_end_events: Optional[bool] = None
    eval_delay: Optional[Union[str, KeyRef]] = Field(None, description="e.g. '500 steps', or {key, unit}")
    warmup_rounding: Optional[Literal["ceil", "floor"]] = None
    warmup_cap: Optional[Union[PositiveInt, KeyRef]] = None
    accumulation_remainder: Optional[Literal["loader", "dataset"]] = None
    accumulation_at_most_epoch: Optional[bool] = None
    batch_multiple: Optional[Union[PositiveInt, KeyRef]] = None
    last_batch_skipped: Optional[bool] = None
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
#
# A profile is compiled once, the first time a document is read with it (`_compiled`): its key paths
# parsed, its value tests and conditions made functions, its unset values sorted by how they compare,
# each field's writer chosen, and the semantics knobs that do not depend on the document built.
# Reading a document then only looks its keys up.

def _glob_match(parts: tuple[str, ...], path: tuple) -> bool:
    if not parts:
        return not path
    if parts[0] == "**":
        return any(_glob_match(parts[1:], path[i:]) for i in range(len(path) + 1))
    return bool(path) and fnmatch.fnmatchcase(str(path[0]), parts[0]) and _glob_match(parts[1:], path[1:])


_GLOB = re.compile(r"[*?\[]")
_ABSENT = object()
_SEMANTICS_KNOBS = frozenset(f.name for f in dataclasses.fields(Semantics))


class _Glob:
    """A `pattern` split once: the literal key parts it begins with, and the globs after them."""

    __slots__ = ("whole", "root", "rest")

    def __init__(self, glob: str) -> None:
        parts = tuple(glob.split("."))
        literal = 0
        while literal < len(parts) and not _GLOB.search(parts[literal]):
            literal += 1
        self.whole = parse_key_path(glob) if literal == len(parts) else None  # no wildcard: one key
        self.root, self.rest = parts[:literal], parts[literal:]


class _Literals:
    """The values of an `unset` or `in` list; `value in literals` compares as a profile does: null,
    true and false as themselves, a number by value (the text '0' is 0), text as itself."""

    __slots__ = ("identical", "texts", "numbers")

    def __init__(self, literals: Any) -> None:
        self.identical = tuple(lit for lit in literals if lit is None or isinstance(lit, bool))
        self.texts = frozenset(lit for lit in literals if isinstance(lit, str))
        self.numbers = tuple(lit for lit in literals if isinstance(lit, (int, float)) and not isinstance(lit, bool))

    def __contains__(self, value: Any) -> bool:
        for literal in self.identical:
            if value is literal:
                return True
        if self.texts and isinstance(value, str) and value in self.texts:
            return True
        if self.numbers:
            number = to_number(value)
            return number is not None and any(number == literal for literal in self.numbers)
        return False


def _number_reader(finite_only: bool) -> Callable[[Any], Optional[float]]:
    """to_number, or (`infinite_numbers: unset`) to_number without inf and nan."""
    return finite_number if finite_only else to_number


def _value_tests(number: Callable[[Any], Optional[float]]) -> dict[str, Callable[[Any], bool]]:
    """Each `ValueTest` as a function of a value, numbers read with `number`."""
    def nonzero(value: Any) -> bool:
        n = number(value)
        return n is not None and n != 0

    def positive(value: Any) -> bool:
        n = number(value)
        return n is not None and n > 0

    def positive_whole(value: Any) -> bool:
        n = number(value)
        return n is not None and n > 0 and math.isfinite(n) and n == int(n)

    def positive_integer(value: Any) -> bool:
        n = number(value)
        return isinstance(n, int) and n > 0

    return {"any": lambda value: True, "nonempty_list": lambda value: isinstance(value, list) and bool(value),
            "number": lambda value: number(value) is not None, "nonzero": nonzero, "positive": positive,
            "positive_whole": positive_whole, "positive_integer": positive_integer}


# A condition compiled: holds(reader, builder); the builder is None while a variant is chosen.
_Holds = Callable[["_Reader", Optional[RunBuilder]], bool]


def _condition(c: Condition, tests: dict[str, Callable[[Any], bool]]) -> _Holds:
    if c.present is not None:
        present = tuple(map(parse_key_path, c.present))
        return lambda r, b: any(map(r.present, present))
    if c.absent is not None:
        absent = tuple(map(parse_key_path, c.absent))
        return lambda r, b: not any(map(r.present, absent))
    if c.pattern is not None:
        glob = _Glob(c.pattern)
        return lambda r, b: r.pattern(glob)
    if c.filled is not None:
        field = _builder_field(c.filled)
        return lambda r, b: b is not None and b.has(field)
    path = parse_key_path(c.key)  # an absent key reads as null
    if c.is_ is not None:
        test = tests[c.is_]
        return lambda r, b: test(r.value(path))
    if c.is_not is not None:
        test = tests[c.is_not]
        return lambda r, b: not test(r.value(path))
    if c.in_ is not None:
        literals = _Literals(c.in_)
        return lambda r, b: r.value(path) in literals
    literals = _Literals(c.not_in or ())
    return lambda r, b: r.value(path) not in literals


# The builder's setter for each kind of field, under one signature: (builder, field, value, path, unit, note).
_WRITERS = {
    "count": lambda b, field, value, path, unit, note: b.count(field, value, path, note=note),
    "flag": lambda b, field, value, path, unit, note: b.flag(field, value, path),
    "name": lambda b, field, value, path, unit, note: b.name(field, value, path),
    "milestones": lambda b, field, value, path, unit, note: b.milestones(field, value, path, unit),
    "duration": lambda b, field, value, path, unit, note: b.duration(field, value, path, unit, note=note),
}


@dataclasses.dataclass(frozen=True, slots=True)
class _UnitFrom:
    """UnitFrom compiled: the key parsed, the unit names made Units."""

    path: KeyPath
    units: dict[str, Unit]
    default: Optional[Unit]
    other: Optional[Unit]

    def read(self, reader: "_Reader") -> Optional[Unit]:
        value = reader.value(self.path)
        if not value:  # absent, null, empty or 0: the framework's default (OLMo: `units or "steps"`)
            return self.default
        return self.units.get(str(value), self.other)


def _unit(name: Optional[str]) -> Optional[Unit]:
    return Unit(name) if name is not None else None


@dataclasses.dataclass(frozen=True, slots=True)
class _Entry:
    """A FieldEntry compiled: what reading it from a document needs, worked out once."""

    spec: FieldEntry  # as written: its rarer options (truncate, fraction_up_to, choices, template...)
    field: str
    kind: str  # FIELDS[field]: count, flag, name, duration or milestones
    paths: tuple[KeyPath, ...]  # its keys, parsed, in order
    key: Optional[KeyPath]  # its one key; None when it has several
    default: Optional[tuple[Any, str]]  # (value, note) of the first key the framework has a default for
    when: tuple[_Holds, ...]
    constant: Any  # the entry's `value`, or _ABSENT
    read: Optional[Callable[[Any], bool]]  # the read test; None: every value is read
    unset: Optional[_Literals]  # the profile's unset values and the entry's; None when there are none
    unit: Optional[Unit]  # the unit of a bare number (epochs: epoch)
    unit_from: Optional[_UnitFrom]
    suffixes: Optional[tuple[tuple[str, Unit], ...]]
    parses: bool  # a duration whose amount matters before it is written (an unset amount, field_by_unit)
    wrong_expected: Optional[str]  # what a value the read test leaves out for its type should be (SL003)
    write: Callable[[RunBuilder, str, Any, KeyPath, Optional[Unit], Optional[str]], None]
    plain: bool  # nothing to test or convert: a value found is written as it is
    may_be_filled: bool  # an earlier entry can fill this field (if not, the builder need not be asked)
    eval_loader: bool  # an eval_loader.* field: those are read together, as one loader


def _entries(p: Profile, tests: dict[str, Callable[[Any], bool]]) -> tuple[_Entry, ...]:
    entries = []
    fillable: set[str] = set()  # the fields the entries so far can fill
    for e in p.fields:
        kind = FIELDS[e.field]
        literals = (*p.unset, *e.unset)
        is_eval_loader = e.field.startswith("eval_loader.")
        paths = tuple(map(parse_key_path, e.key))
        plain = (e.read == "any" and not literals and e.unit_from is None and e.choices is None
                 and e.suffixes is None and not e.truncate and e.fraction_up_to is None and not e.field_by_unit
                 and not e.last_part and e.template is None)
        entries.append(_Entry(
            spec=e, field=e.field, kind=kind, paths=paths, key=paths[0] if len(paths) == 1 else None,
            default=next(((p.defaults[k], f"{p.framework} default {k}") for k in e.key if k in p.defaults), None),
            when=tuple(_condition(c, tests) for c in e.when),
            constant=e.value if "value" in e.model_fields_set else _ABSENT,
            read=None if e.read == "any" else tests[e.read],
            unset=_Literals(literals) if literals else None,
            unit=e.unit_or_default,
            unit_from=None if e.unit_from is None else _UnitFrom(
                parse_key_path(e.unit_from.key), {value: Unit(name) for value, name in e.unit_from.units.items()},
                _unit(e.unit_from.default), _unit(e.unit_from.other)),
            suffixes=None if e.suffixes is None else tuple((s, Unit(name)) for s, name in e.suffixes.items()),
            parses=kind == "duration" and bool(literals or e.field_by_unit),
            wrong_expected=None if e.suffixes is not None else {"count": "a whole number", "duration": "a number"}.get(kind),
            write=_WRITERS[kind], plain=plain, may_be_filled=e.field in fillable, eval_loader=is_eval_loader))
        if not is_eval_loader:  # those fill eval_loaders, which no entry names
            fillable.add(e.field)
            fillable.update(e.field_by_unit.values())
    return tuple(entries)


@dataclasses.dataclass(frozen=True, slots=True)
class _Variant:
    """A variant compiled, or (spec None) the profile itself when no variant applies."""

    spec: Optional[Variant]
    when: tuple[_Holds, ...]
    only: Optional[frozenset[str]]  # the canonical fields read; None: every one
    hook: Optional[Callable]
    knobs: dict[str, Any]  # the semantics knobs that are constants, as Semantics takes them
    from_keys: tuple[tuple[str, tuple[KeyPath, ...], Optional[Unit]], ...]  # (knob, keys, unit) read per document
    semantics: Optional[Semantics]  # when every knob is a constant: built once


def _variant(p: Profile, v: Optional[Variant], tests: dict[str, Callable[[Any], bool]]) -> _Variant:
    knobs = p.semantics.knobs()
    framework = p.framework
    if v is not None:
        knobs.update(v.semantics.knobs())
        framework = v.framework or framework
    values: dict[str, Any] = {"name": knobs.pop("name", None) or framework}
    from_keys = []
    for knob, value in knobs.items():
        if isinstance(value, KeyRef):
            from_keys.append((knob, tuple(map(parse_key_path, value.key)), _unit(value.unit)))
            continue
        if knob in ("final_events", "ruled_out", "start_events", "first_step_events", "shifted_events") \
                and value is not None:
            value = tuple(value)
        elif knob == "eval_delay" and value is not None:
            amount, unit = parse_duration(value, None)
            value = Duration(value=amount, unit=unit)
        if value is not None:
            values[knob] = value
    hook = v.hook if v is not None and v.hook else p.hook
    return _Variant(spec=v, when=() if v is None else tuple(_condition(c, tests) for c in v.when),
                    only=None if v is None or v.only is None else frozenset(v.only),
                    hook=p._hooks[hook] if hook else None, knobs=values, from_keys=tuple(from_keys),
                    semantics=None if from_keys else Semantics(**values))


@dataclasses.dataclass(frozen=True, slots=True)
class _Match:
    """A signature match compiled."""

    spec: Match
    required: tuple[KeyPath, ...]
    forbidden: tuple[KeyPath, ...]
    at_least: tuple[tuple[int, tuple[KeyPath, ...]], ...]
    patterns: tuple[_Glob, ...]
    component_keys: Optional[tuple[str, ...]]  # None: the match names no components
    component_prefixes: Optional[tuple[str, ...]]  # None: any text value


def _match(m: Match) -> _Match:
    components = m.components
    return _Match(spec=m, required=tuple(map(parse_key_path, m.required)),
                  forbidden=tuple(map(parse_key_path, m.forbidden)),
                  at_least=tuple((g.count, tuple(map(parse_key_path, g.of))) for g in m.at_least),
                  patterns=tuple(map(_Glob, m.patterns)),
                  component_keys=None if components is None else tuple(components.keys),
                  component_prefixes=None if components is None or components.prefixes is None
                  else tuple(components.prefixes))


class _Compiled:
    """A profile worked out once. Each part is made the first time it is needed: detection needs only
    the signature, and most documents are never read with most profiles."""

    def __init__(self, profile: Profile) -> None:
        self._profile = weakref.ref(profile)  # the cache of compiled profiles must not keep one alive
        self.name = profile.name
        self.dashes = profile.dashes_match_underscores
        self.scan_limit = profile.scan_limit
        self.number = _number_reader(profile.infinite_numbers == "unset")
        self.tests = _value_tests(self.number)

    @functools.cached_property
    def matches(self) -> tuple[_Match, ...]:
        return tuple(map(_match, self._profile().signature.match))

    @functools.cached_property
    def entries(self) -> tuple[_Entry, ...]:
        return _entries(self._profile(), self.tests)

    @functools.cached_property
    def eval_loader_entries(self) -> tuple[_Entry, ...]:
        return tuple(e for e in self.entries if e.eval_loader)

    @functools.cached_property
    def paths(self) -> tuple[KeyPath, ...]:
        """Every key a field entry reads."""
        return tuple(path for entry in self.entries for path in entry.paths)

    @functools.cached_property
    def variants(self) -> tuple[_Variant, ...]:
        p = self._profile()
        return tuple(_variant(p, v, self.tests) for v in p.variants)

    @functools.cached_property
    def no_variant(self) -> _Variant:
        return _variant(self._profile(), None, self.tests)

    @functools.cached_property
    def known_keys(self) -> tuple[tuple[KeyPath, list, frozenset], ...]:
        """(section, the keys the profile names in it, the same as a set) of each section a closed
        profile checks: those inside a list are not."""
        return tuple((section, names, frozenset(names)) for section, names in _known_keys(self._profile()).items()
                     if not any(isinstance(part, int) for part in section))


_COMPILED: dict[int, _Compiled] = {}  # id(profile) -> its compiled form, while the profile lives


def _compiled(profile: Profile) -> _Compiled:
    """The profile's compiled form (kept beside it: a Profile is frozen, and its private attributes
    take part in ==)."""
    compiled = _COMPILED.get(id(profile))
    if compiled is None:
        compiled = _COMPILED[id(profile)] = _Compiled(profile)
        weakref.finalize(profile, _COMPILED.pop, id(profile), None)
    return compiled


def _find_parsed(data: Any, path: KeyPath) -> Optional[tuple[KeyPath, Any]]:
    """frameworks.base.find of a parsed key path, without dashes_match_underscores: the path as
    written is the path itself, so it is not built again."""
    node = data
    for part in path:
        if isinstance(part, int):
            if not isinstance(node, list) or part >= len(node):
                return None
        elif not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return path, node


class _Reader:
    """One document seen through one profile."""

    __slots__ = ("data", "dashes", "number", "scan_limit", "find", "_spellings", "wrong", "read")

    def __init__(self, compiled: _Compiled, data: Any) -> None:
        self.data = data
        self.dashes = compiled.dashes
        self.number = compiled.number
        self.scan_limit = compiled.scan_limit
        # find(key path) -> (the key path as written, its value), or None when absent
        self.find = self._find_spelled if self.dashes else functools.partial(_find_parsed, data)
        self._spellings: dict[int, dict[str, Any]] = {}  # id(mapping) -> underscored key -> key as written
        # values a numeric entry's read test left out for their type (not a sentinel such as -1), by
        # key path: SL003 unless another entry reads the key (open-instruct's "epoch")
        self.wrong: dict[KeyPath, tuple[Any, str]] = {}
        self.read: set[KeyPath] = set()

    def _find_spelled(self, path: KeyPath) -> Optional[tuple[KeyPath, Any]]:
        node, written = self.data, []
        for part in path:
            if isinstance(part, int) or not isinstance(node, dict):
                found = find(node, (part,))
                if found is None:
                    return None
                part = found[0][0]
            else:
                spellings = self._spellings.get(id(node))
                if spellings is None:
                    # the first spelling written wins (GPT-NeoX's argument merge): built from the last
                    spellings = self._spellings[id(node)] = {str(key).replace("-", "_"): key for key in reversed(node)}
                part = spellings.get(part.replace("-", "_"), _ABSENT)
                if part is _ABSENT:
                    return None
            written.append(part)
            node = node[part]
        return tuple(written), node

    def present(self, path: KeyPath) -> bool:
        return self.find(path) is not None

    def value(self, path: KeyPath) -> Any:
        found = self.find(path)
        return found[1] if found is not None else None

    def pattern(self, glob: _Glob) -> bool:
        if glob.whole is not None:
            return self.present(glob.whole)
        root = _find_parsed(self.data, glob.root)
        if root is None:
            return False
        return any(_glob_match(glob.rest, path) for path, _, _ in walk(root[1], self.scan_limit))

    def matches(self, match: _Match) -> bool:
        present = self.present
        if not all(map(present, match.required)):
            return False
        if any(map(present, match.forbidden)):
            return False
        for count, keys in match.at_least:
            needed, left = count, len(keys)
            for key in keys:
                if needed == 0 or needed > left:
                    break
                needed -= present(key)
                left -= 1
            if needed > 0:
                return False
        if not all(self.pattern(glob) for glob in match.patterns):
            return False
        if match.component_keys is not None:
            prefixes = match.component_prefixes
            values = [v for _, _, v in walk(self.data, self.scan_limit, match.component_keys) if isinstance(v, str)]
            if not any(prefixes is None or v.startswith(prefixes) for v in values):
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
        self._first_keys = tuple(_first_keys(m, profile.dashes_match_underscores) for m in profile.signature.match)
        self.triggers = _triggers(profile)

    def score(self, data: dict, file_name: Optional[str] = None) -> float:
        """As a hand-written dialect's; a file name matching `file_names` adds its bonus to a match."""
        reader = None
        top = data if not self.profile.dashes_match_underscores else {str(k).replace("-", "_") for k in data}
        for i, (required, groups) in enumerate(self._first_keys):
            # Most documents are another framework's: the top-level keys alone rule most matches out.
            if not all(k in top for k in required) or any(sum(k in top for k in firsts) < count for count, firsts in groups):
                continue
            if reader is None:
                compiled = _compiled(self.profile)
                reader = _Reader(compiled, data)
            match = compiled.matches[i]
            if reader.matches(match):
                hints = self.profile.signature.file_names
                if file_name is not None and hints is not None and _name_matches(file_name, hints.patterns):
                    return min(1.0, match.spec.score + hints.bonus)
                return match.spec.score
        return 0.0

    def adapt(self, data: dict, source: Source) -> Adapted:
        p = self.profile
        compiled = _compiled(p)
        reader = _Reader(compiled, data)
        builder = RunBuilder(strict=p.strict, framework=p.framework, yaml_loader=p.yaml_loader)
        variant = next((v for v in compiled.variants if all(holds(reader, None) for holds in v.when)),
                       compiled.no_variant)
        if p.closed:
            builder.problems.extend(_unknown_keys(compiled.known_keys, data))
        _read_fields(compiled, reader, builder, variant.only, overlay=False)
        if variant.spec is not None:
            builder.assumptions.extend(variant.spec.assumptions)
        overrides = dict(variant.hook(data, builder, source) or {}) if variant.hook is not None else {}
        settings = overrides.pop("settings", None)  # what the framework's own rules read
        return builder.build(_semantics(variant, reader, overrides, p.name), settings)


def _name_matches(file_name: str, patterns: list[str]) -> bool:
    base = os.path.basename(file_name)
    return any(fnmatch.fnmatchcase(base, pattern) or fnmatch.fnmatchcase(file_name, pattern) for pattern in patterns)


def _read_fields(compiled: _Compiled, reader: _Reader, b: RunBuilder, only: Optional[frozenset[str]],
                 overlay: bool) -> None:
    eval_loader_read = False
    for entry in compiled.entries:
        if only is not None and entry.field not in only:
            continue
        if entry.eval_loader:
            if not eval_loader_read:  # every eval_loader.* entry describes one loader, added once
                eval_loader_read = True
                _read_eval_loader(compiled, reader, b, only)
            continue
        if not overlay and entry.may_be_filled and b.has(entry.field):
            continue  # the first entry to fill a field wins
        if not entry.when or all(holds(reader, b) for holds in entry.when):
            _read_entry(reader, b, entry)
    for path, (value, expected) in reader.wrong.items():
        if path not in reader.read:
            b.wrong_type(path, value, expected)


def _candidates(reader: _Reader, entry: _Entry) -> tuple[list[tuple[KeyPath, Any]], Optional[str]]:
    """(key path, value) of the entry's keys that are present, in order; else the default of the
    first key the framework has one for, with the note that says so."""
    present = [found for found in map(reader.find, entry.paths) if found is not None]
    if present or entry.default is None:
        return present, None
    value, note = entry.default
    return [((), value)], note


def _read_entry(reader: _Reader, b: RunBuilder, entry: _Entry) -> None:
    if entry.key is not None:  # the common case: one key
        note = None
        found = reader.find(entry.key)
        if found is None:
            if entry.default is None:
                return
            value, note = entry.default
            found = ((), value)
        candidates: Any = (found,)
    else:
        candidates, note = _candidates(reader, entry)
        if not candidates:
            return
    if entry.constant is not _ABSENT:
        path = candidates[0][0]
        reader.read.add(path)
        entry.write(b, entry.field, entry.constant, path, entry.unit, note)
        return
    if len(candidates) == 1:  # the common case: one key
        if entry.plain:
            path, value = candidates[0]
            reader.read.add(path)
            entry.write(b, entry.field, value, path, entry.unit, note)
            return
        prepared = _prepare(reader, b, entry, *candidates[0], note)
        if prepared is not None:
            target, payload, path, unit, note = prepared
            reader.read.add(path)
            entry.write(b, target, payload, path, unit, note)
        return
    read = [r for r in (_prepare(reader, b, entry, path, value, note) for path, value in candidates) if r is not None]
    if entry.spec.pick == "smallest" and read:
        smallest = read[0]
        for candidate in read[1:]:
            if reader.number(candidate[1]) < reader.number(smallest[1]):
                smallest = candidate
        read = [smallest]
    for target, payload, path, unit, note in read:
        reader.read.add(path)
        entry.write(b, target, payload, path, unit, note)
        if b.has(target):
            return  # the first key that is read wins


def _prepare(reader: _Reader, b: RunBuilder, entry: _Entry, path: KeyPath, value: Any,
             note: Optional[str]) -> Optional[tuple]:
    """(field, value as written to the builder, path, unit, note), or None when the value is not read."""
    unset = entry.unset
    if entry.read is not None and not entry.read(value):
        if entry.wrong_expected is not None and not isinstance(value, bool) and wrong_type(value) is not None \
                and not (unset is not None and value in unset):
            reader.wrong.setdefault(path, (value, entry.wrong_expected))
        return None
    unit = entry.unit
    target = entry.field
    spec = entry.spec
    if entry.unit_from is not None:
        unit = entry.unit_from.read(reader)
        if unit is None:
            return None
    if entry.kind == "duration":
        if entry.suffixes is not None:
            parsed = _suffixed(reader, value, unit, entry.suffixes)
            if parsed is None:
                return None
            value, unit = parsed
        elif spec.truncate:
            number = reader.number(value)
            if number is None:
                return None
            if math.isfinite(number):
                whole = int(number)
                note = None if whole == number else f"int({number}) = {whole}"
                value = whole
        elif spec.fraction_up_to is not None:
            number = reader.number(value)
            if number is not None and number <= spec.fraction_up_to:
                unit = Unit.DUR
        if entry.parses:
            parsed = parse_duration(value, unit)
            # unset as written (false, "auto") or by its amount ("0 steps" is 0)
            if unset is not None and (value in unset or parsed is not None and parsed[0] in unset):
                return None
            if parsed is not None:
                target = spec.field_by_unit.get(parsed[1].value, target)
    elif unset is not None and value in unset:
        return None
    elif entry.kind == "name" and isinstance(value, str):
        if spec.last_part:
            value = value.rsplit(".", 1)[-1]
        if spec.template is not None:
            value = spec.template.replace("{}", value)
    if spec.choices is not None and value is not None and value not in spec.choices:
        b.invalid(path, value, "must be " + _either(spec.choices))
        return None
    return target, value, path, unit, note


def _either(choices: list[str]) -> str:
    quoted = [f"'{c}'" for c in choices]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]


def _suffixed(reader: _Reader, value: Any, unit: Optional[Unit],
              suffixes: tuple[tuple[str, Unit], ...]) -> Optional[tuple]:
    """A number in `unit`, or text ending in one of the framework's suffixes; nothing else."""
    if isinstance(value, bool) or value is None:
        return None
    number = reader.number(value)
    if number is not None:
        return (number, unit) if unit is not None else None
    if not isinstance(value, str):
        return None
    text = value.strip()
    for suffix, suffix_unit in suffixes:
        if text.endswith(suffix):
            amount = reader.number(text[: -len(suffix)])
            return (amount, suffix_unit) if amount is not None else None
    return None


def _read_eval_loader(compiled: _Compiled, reader: _Reader, b: RunBuilder, only: Optional[frozenset[str]]) -> None:
    found: dict[str, tuple[Any, KeyPath]] = {}
    for entry in compiled.eval_loader_entries:
        if entry.field not in found and (only is None or entry.field in only) \
                and all(holds(reader, b) for holds in entry.when):
            for path, value in _candidates(reader, entry)[0]:
                if (entry.read is None or entry.read(value)) and not (entry.unset is not None and value in entry.unset):
                    found[entry.field] = (value if entry.constant is _ABSENT else entry.constant, path)
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


def _unknown_keys(known: tuple[tuple[KeyPath, list, frozenset], ...], data: dict) -> list[Problem]:
    """SL004 for every key a closed profile does not know, with the closest known one."""
    problems = []
    for section, allowed, allowed_set in known:
        mapping = data if not section else (_find_parsed(data, section) or (None, None))[1]
        if not isinstance(mapping, dict) or allowed_set.issuperset(mapping):
            continue
        for key in mapping:
            if key not in allowed_set:
                close = difflib.get_close_matches(str(key), [str(a) for a in allowed], n=1, cutoff=0.6)
                hint = f"; did you mean '{close[0]}'?" if close else f"; known keys: {', '.join(map(str, allowed))}"
                where = f" in '{'.'.join(map(str, section))}'" if section else ""
                problems.append(Problem(UNKNOWN_KEY, f"unknown key '{key}'{where}{hint}", section + (key,)))
    return problems


def _semantics(variant: _Variant, reader: _Reader, overrides: dict, profile_name: str) -> Semantics:
    if not overrides and variant.semantics is not None:
        return variant.semantics
    values = dict(variant.knobs)
    for knob, paths, unit in variant.from_keys:
        value = _knob_from_key(reader, knob, paths, unit)
        if value is not None:
            values[knob] = value
    unknown = overrides.keys() - _SEMANTICS_KNOBS
    if unknown:
        raise TypeError(f"profile {profile_name}: its hook returned {sorted(unknown)}, which are not Semantics knobs")
    values.update(overrides)
    return Semantics(**values)


def _knob_from_key(reader: _Reader, knob: str, paths: tuple[KeyPath, ...], unit: Optional[Unit]) -> Any:
    for path in paths:
        found = reader.find(path)
        if found is None:
            continue
        written, value = found
        if knob == "eval_delay":
            parsed = parse_duration(value, unit)
            if parsed is not None and parsed[0] > 0:
                # past 2**53 (PaddleClas `start_eval_epoch: .inf`: never) is past any run
                return Duration(value=min(parsed[0], MAX_COUNT), unit=parsed[1], key=format_key_path(written))
        elif knob == "batch_limit_fraction":
            number = reader.number(value)
            if number is not None and number > 0 and number <= 1:
                return number
        else:
            number = reader.number(value)
            if isinstance(number, int) and number > 0:
                return number
    return None


# -- overlays: the project's key map, and profiles that add keys to any dialect -------------------------

def overlay(adapted: Adapted, data: Any, profile: Profile) -> Adapted:
    """The overlay profile's fields read on top of what a dialect read, replacing it."""
    builder = RunBuilder(strict=profile.strict)
    builder.raw = adapted.run.model_dump(exclude_none=True)
    builder.problems = list(adapted.problems)
    builder.assumptions = list(adapted.assumptions)
    compiled = _compiled(profile)
    _read_fields(compiled, _Reader(compiled, data), builder, None, overlay=True)
    return builder.build(adapted.semantics, adapted.settings)  # the framework's rules still run


def mentions(data: Any, profile: Profile) -> bool:
    """Whether a document holds a key the profile reads (a key map makes such a document a config)."""
    compiled = _compiled(profile)
    return any(map(_Reader(compiled, data).present, compiled.paths))


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
