"""Project configuration: `[tool.steplint]` in pyproject.toml, or steplint.toml / .steplint.toml.

The closest file above each checked file wins (ruff's model: no implicit cascade; `extend` inherits
explicitly). The settings are validated strictly by the pydantic models below: an unknown key or a
bad value is a `ConfigError`, which the CLI turns into exit 2 with the file and the key.
"""

from __future__ import annotations

import fnmatch
import os
import sys
from functools import lru_cache
from pathlib import Path
from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

CONFIG_NAMES = (".steplint.toml", "steplint.toml", "pyproject.toml")
Level = Literal["error", "warning", "info"]
# Canonical fields a key map may target, with the kind of value each one holds.
MAPPABLE_FIELDS = {
    "dataset_size": "count", "world_size": "count", "gradient_accumulation": "count",
    "global_batch_size": "count", "train_loader.batch_size": "count", "train_loader.drop_last": "flag",
    "sampler_drop_last": "flag", "batchnorm": "flag", "epochs": "duration", "max_steps": "duration",
    "total_steps": "duration", "checkpoint": "duration", "eval": "duration", "logging": "duration",
    "schedule.warmup": "duration", "schedule.horizon": "duration", "schedule.step_size": "duration",
    "schedule.stepped_per": "name", "schedule.name": "name",
}


class ConfigError(Exception):
    """A project configuration steplint cannot use: the message names the file and the key."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True,
                              alias_generator=lambda name: name.replace("_", "-"))


class KeyMapEntry(_Strict):
    field: str = Field(description="canonical field: " + ", ".join(MAPPABLE_FIELDS))
    unit: Optional[str] = Field(None, description="for durations: epoch, step, batch, sample, token or dur")

    @field_validator("field")
    @classmethod
    def _known_field(cls, value: str) -> str:
        if value not in MAPPABLE_FIELDS:
            raise ValueError(f"unknown field '{value}'; one of: {', '.join(MAPPABLE_FIELDS)}")
        return value

    @field_validator("unit")
    @classmethod
    def _known_unit(cls, value: Optional[str]) -> Optional[str]:
        from .units import parse_unit
        if value is not None and parse_unit(value) is None:
            raise ValueError(f"unknown unit '{value}'")
        return value


class PerFileContext(_Strict):
    dataset_size: Optional[int] = Field(None, ge=1)
    world_size: Optional[int] = Field(None, ge=1)


class ContextSettings(_Strict):
    dataset_size: Optional[int] = Field(None, ge=1, description="N for every config this file covers")
    world_size: Optional[int] = Field(None, ge=1)
    dataset_sizes: dict[str, int] = Field(default_factory=dict,
                                          description="dataset name used in configs -> N")
    per_file: dict[str, PerFileContext] = Field(default_factory=dict, description="config-path glob -> context")
    framework_versions: dict[str, str] = Field(default_factory=dict, description="e.g. transformers = '4.46'")


class PerKeyIgnore(_Strict):
    files: str = Field("*", description="glob of config paths")
    key: str = Field(description="glob of dotted key paths, e.g. 'scheduler.params.*'")
    rules: list[str]


class Settings(_Strict):
    extend: Optional[str] = Field(None, description="another config file to inherit from, relative to this one")
    select: Optional[list[str]] = None
    extend_select: list[str] = Field(default_factory=list)
    ignore: list[str] = Field(default_factory=list)
    per_file_ignores: dict[str, list[str]] = Field(default_factory=dict, description="glob -> rule codes")
    per_key_ignores: list[PerKeyIgnore] = Field(default_factory=list)
    severity: dict[str, Level] = Field(default_factory=dict, description="rule code -> severity")
    fail_on: Optional[Level] = None
    include: Optional[list[str]] = Field(None, description="globs of files to check in directories")
    exclude: list[str] = Field(default_factory=list, description="globs of paths never checked")
    output_format: Optional[str] = None
    context: ContextSettings = Field(default_factory=ContextSettings)
    key_map: dict[str, KeyMapEntry] = Field(default_factory=dict,
                                            description="your key path -> canonical field (and unit)")


class LoadedSettings(BaseModel):
    settings: Settings
    path: Optional[Path]  # None = built-in defaults

    @property
    def root(self) -> Path:
        return self.path.parent if self.path else Path.cwd()


def _table(path: Path) -> Optional[dict]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    if path.name == "pyproject.toml":
        return data.get("tool", {}).get("steplint")
    return data


def load_file(path: Path, _seen: tuple[Path, ...] = ()) -> Settings:
    path = path.resolve()
    if path in _seen:
        raise ConfigError(f"{path}: `extend` loops back to itself")
    table = _table(path)
    if table is None:
        raise ConfigError(f"{path}: no [tool.steplint] table")
    try:
        settings = Settings.model_validate(table)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(p) for p in error["loc"])
        raise ConfigError(f"{path}: {where}: {error['msg']}") from None
    _check_rule_codes(settings, path)
    if settings.extend:
        base = load_file(path.parent / settings.extend, _seen + (path,))
        merged = base.model_dump(by_alias=False, exclude_unset=True)
        own = settings.model_dump(by_alias=False, exclude_unset=True)
        own.pop("extend", None)
        if "context" in own and "context" in merged:
            own["context"] = {**merged["context"], **own["context"]}
        settings = Settings.model_validate({**merged, **own})
    return settings


def _check_rule_codes(settings: Settings, path: Path) -> None:
    from . import catalogue
    codes = catalogue.load()
    named = [("select", s) for s in settings.select or ()] + [("extend-select", s) for s in settings.extend_select] \
        + [("ignore", s) for s in settings.ignore] + [("severity", s) for s in settings.severity] \
        + [(f"per-file-ignores.{g}", s) for g, ss in settings.per_file_ignores.items() for s in ss] \
        + [("per-key-ignores", s) for p in settings.per_key_ignores for s in p.rules]
    for key, selector in named:
        if selector.upper() != "ALL" and not any(c.startswith(selector.upper()) for c in codes) \
                and catalogue.get(selector) is None:
            raise ConfigError(f"{path}: {key}: no rule matches '{selector}'")


@lru_cache(maxsize=1024)
def _discover_in(directory: Path) -> Optional[Path]:
    for name in CONFIG_NAMES:
        candidate = directory / name
        if candidate.is_file():
            if name != "pyproject.toml" or _table(candidate) is not None:
                return candidate
    parent = directory.parent
    return None if parent == directory else _discover_in(parent)


@lru_cache(maxsize=256)
def _load_cached(path: Path) -> Settings:
    return load_file(path)


def settings_for(file_path: str, explicit: Optional[str] = None, isolated: bool = False) -> LoadedSettings:
    """The settings that apply to one checked file."""
    if isolated:
        return LoadedSettings(settings=Settings(), path=None)
    if explicit:
        path = Path(explicit)
        if not path.is_file():
            raise ConfigError(f"{explicit}: no such config file")
        return LoadedSettings(settings=_load_cached(path.resolve()), path=path.resolve())
    start = Path(file_path).resolve().parent if file_path not in ("-", "<stdin>") else Path.cwd()
    found = _discover_in(start)
    if found is None:
        return LoadedSettings(settings=Settings(), path=None)
    return LoadedSettings(settings=_load_cached(found), path=found)


def relative(file_path: str, root: Path) -> str:
    try:
        return Path(os.path.abspath(file_path)).relative_to(root.resolve()).as_posix()
    except ValueError:
        return Path(file_path).as_posix()


def glob_match(file_path: str, root: Path, pattern: str) -> bool:
    rel = relative(file_path, root)
    return fnmatch.fnmatch(rel, pattern) or fnmatch.fnmatch(Path(rel).name, pattern) or \
        fnmatch.fnmatch(rel, pattern.rstrip("/") + "/*")
