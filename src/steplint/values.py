"""The plain values that cross the pipeline's edges: the options a file is checked with (from the
command line and the project config) and the result the reporters read."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from .findings import Finding, Severity
from .plan import Context


@dataclass(frozen=True)
class CommandLine:
    """What the user typed; None / empty = not given, so the project config decides."""

    select: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    fail_on: Optional[Severity] = None
    dataset_size: Optional[int] = None
    world_size: Optional[int] = None
    dialect: Optional[str] = None
    framework_versions: tuple[tuple[str, str], ...] = ()
    config: Optional[str] = None
    isolated: bool = False
    inline_ignores: bool = True


@dataclass(frozen=True)
class CheckRequest:
    """One `steplint check` invocation, as the command line gave it."""

    paths: tuple[str, ...]
    command_line: CommandLine
    output_format: Optional[str] = None  # None: the project config's, else from the environment
    output_file: Optional[str] = None
    quiet: bool = False
    color: bool = True  # on a terminal only, and never with NO_COLOR set
    statistics: bool = False
    exit_zero: bool = False
    force_exclude: bool = False
    jobs: Optional[int] = None
    stdin_filename: Optional[str] = None


@dataclass(frozen=True)
class Options:
    select: tuple[str, ...] = ()  # codes, code prefixes ("SL2") or names; empty = every rule
    ignore: tuple[str, ...] = ()
    fail_on: Severity = Severity.WARNING
    context: Context = Context()
    dialect: Optional[str] = None  # force a dialect instead of detecting one
    framework_versions: tuple[tuple[str, str], ...] = ()  # ("transformers", "4.46"), from the command line
    severity: tuple[tuple[str, Severity], ...] = ()  # rule code -> severity, from the project config
    key_map: tuple[tuple[str, str, Optional[str]], ...] = ()  # the team's key -> canonical field, unit
    per_key_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()  # key-path glob -> rule codes
    inline_ignores: bool = True  # honour `# steplint: ignore[...]` comments
    included: bool = False  # the project's `include` globs name this file: it is meant to be a training config
    profiles: tuple[str, ...] = ()  # the project's own framework profiles (absolute paths)


@dataclass
class FileResult:
    path: str
    dialect: Optional[str] = None
    plan: Optional[dict] = None
    findings: list[Finding] = field(default_factory=list)
    error: Optional[str] = None  # the file could not be checked at all (unreadable): exit 2
    # The source lines the findings point at (line number -> text), for reporters that quote them;
    # only those, so a result stays small when it crosses from a worker process.
    source: dict[int, str] = field(default_factory=dict)
    suppressed: int = 0  # findings silenced by inline comments or per-key ignores
    fail_on: Severity = Severity.WARNING  # the level that fails this file (its project config's)
