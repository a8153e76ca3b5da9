"""Project configuration: `[tool.steplint]` in pyproject.toml, or steplint.toml / .steplint.toml.

The closest file above each checked file wins (ruff's model: no implicit cascade; `extend` inherits
explicitly). The settings are validated strictly by the pydantic models in `config_schema.py`: an
unknown key or a bad value is a `ConfigError`, which the CLI turns into exit 2 with the file and key.
"""

from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Optional

if TYPE_CHECKING:
    from .config_schema import Settings

CONFIG_NAMES = (".steplint.toml", "steplint.toml", "pyproject.toml")
MAX_CONFIG_BYTES = 2**20


class ConfigError(Exception):
    """A project configuration steplint cannot use: the message names the file and the key."""


@dataclass(frozen=True)
class LoadedSettings:
    settings: Optional["Settings"]  # None = no config file applies: built-in defaults
    path: Optional[Path]

    @property
    def root(self) -> Path:
        return self.path.parent if self.path else Path.cwd()


def _table(path: Path) -> Optional[dict]:
    import tomllib  # imported here: most runs find no config file to parse
    from .loading import read_regular_file

    # Bounded, and regular files only: `extend = "/dev/zero"` or a FIFO must not hang the run.
    raw = read_regular_file(str(path), MAX_CONFIG_BYTES)
    if raw is None:
        raise ConfigError(f"{path}: cannot read: not a readable regular file")
    if len(raw) > MAX_CONFIG_BYTES:
        raise ConfigError(f"{path}: larger than {MAX_CONFIG_BYTES // 2**20} MiB; not read as a project config")
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    if path.name == "pyproject.toml":
        return data.get("tool", {}).get("steplint")
    return data


def load_file(path: Path, _seen: tuple[Path, ...] = ()) -> "Settings":
    from pydantic import ValidationError

    from .config_schema import Settings

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
        message = error["msg"].removeprefix("Value error, ")  # pydantic's prefix for a validator's own words
        raise ConfigError(f"{path}: {where}: {message}") from None
    _check_rule_codes(settings, path)
    if settings.profiles:  # made absolute here: an `extend`ing file may sit in another directory
        settings = settings.model_copy(update={"profiles": _load_profiles(settings.profiles, path)})
    if settings.extend:
        base = load_file(path.parent / settings.extend, _seen + (path,))
        merged = base.model_dump(by_alias=False, exclude_unset=True)
        own = settings.model_dump(by_alias=False, exclude_unset=True)
        own.pop("extend", None)
        if "context" in own and "context" in merged:
            own["context"] = {**merged["context"], **own["context"]}
        settings = Settings.model_validate({**merged, **own})
    return settings


def _check_rule_codes(settings: "Settings", path: Path) -> None:
    from . import catalogue
    codes = catalogue.codes()
    named = [("select", s) for s in settings.select or ()] + [("extend-select", s) for s in settings.extend_select] \
        + [("ignore", s) for s in settings.ignore] + [("severity", s) for s in settings.severity] \
        + [(f"per-file-ignores.{g}", s) for g, ss in settings.per_file_ignores.items() for s in ss] \
        + [("per-key-ignores", s) for p in settings.per_key_ignores for s in p.rules]
    for key, selector in named:
        if selector.upper() != "ALL" and not any(c.startswith(selector.upper()) for c in codes) \
                and catalogue.get(selector) is None:
            raise ConfigError(f"{path}: {key}: no rule matches '{selector}'")


def _load_profiles(names: list[str], path: Path) -> list[str]:
    """The project's profiles, each read and validated now: a broken one is a ConfigError, not a
    surprise in the middle of a run."""
    from .profile import ProfileError, load_profile

    resolved = []
    for name in names:
        file = (path.parent / name).resolve()
        try:
            load_profile(file)
        except ProfileError as exc:
            raise ConfigError(f"{path}: profiles: {exc}") from None
        resolved.append(str(file))
    return resolved


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
def _load_cached(path: Path) -> "Settings":
    return load_file(path)


def settings_for(file_path: str, explicit: Optional[str] = None, isolated: bool = False) -> LoadedSettings:
    """The settings that apply to one checked file."""
    if isolated:
        return LoadedSettings(settings=None, path=None)
    if explicit:
        path = Path(explicit)
        if not path.is_file():
            raise ConfigError(f"{explicit}: no such config file")
        return LoadedSettings(settings=_load_cached(path.resolve()), path=path.resolve())
    directory = os.getcwd() if file_path in ("-", "<stdin>") else os.path.dirname(os.path.abspath(file_path))
    return _settings_in(directory)


@lru_cache(maxsize=1024)
def _settings_in(directory: str) -> LoadedSettings:
    """Cached per directory: a tree of thousands of files resolves each directory once."""
    found = _discover_in(Path(directory).resolve())
    if found is None:
        return LoadedSettings(settings=None, path=None)
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
