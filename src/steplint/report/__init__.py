"""Report stage: one module per output format. Each reporter gets the results one file at a time
(so memory does not grow with the number of files) and the totals at the end."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Optional, Protocol

from ..findings import Severity

if TYPE_CHECKING:  # this module stays light: the CLI reads FORMATS at import time
    from ..values import FileResult


@dataclass
class Summary:
    files: int = 0
    errors: int = 0
    warnings: int = 0
    infos: int = 0
    suppressed: int = 0
    by_rule: dict = field(default_factory=dict)

    def add(self, result: "FileResult") -> None:
        self.files += 1
        self.suppressed += result.suppressed
        for finding in result.findings:
            self.by_rule[finding.rule] = self.by_rule.get(finding.rule, 0) + 1
            if finding.severity is Severity.ERROR:
                self.errors += 1
            elif finding.severity is Severity.WARNING:
                self.warnings += 1
            else:
                self.infos += 1


class Reporter(Protocol):
    def file(self, result: "FileResult") -> None: ...

    def finish(self, summary: Summary) -> None: ...


@dataclass(frozen=True)
class ReportOptions:
    color: bool = False
    quiet: bool = False
    base: Optional[str] = None  # the folder CI formats make paths relative to (the repository root)


# The one list of formats: name -> (module, reporter class, the ReportOptions its constructor takes,
# how a stream that cannot encode a character writes it instead: see output_encoding).
# Modules are imported only for the format in use.
_FORMATS: dict[str, tuple[str, str, tuple[str, ...], str]] = {
    "text": ("text", "TextReporter", ("color", "quiet"), "steplint-ascii"),
    "concise": ("concise", "ConciseReporter", ("quiet",), "steplint-ascii"),
    "json": ("json_format", "JsonReporter", (), "steplint-json"),
    "sarif": ("sarif", "SarifReporter", ("base",), "steplint-json"),
    "github": ("github", "GithubReporter", ("base",), "steplint-ascii"),  # appends to $GITHUB_STEP_SUMMARY
    "junit": ("junit", "JunitReporter", (), "xmlcharrefreplace"),
    "gitlab": ("gitlab", "GitlabReporter", ("base",), "steplint-json"),
    "azure": ("azure", "AzureReporter", ("base",), "steplint-ascii"),
}
FORMATS = tuple(_FORMATS)


def make_reporter(name: str, out: IO[str], options: ReportOptions = ReportOptions()) -> Reporter:
    from importlib import import_module

    module, cls, takes, _ = _FORMATS[name]
    reporter = getattr(import_module(f".{module}", __name__), cls)
    return reporter(out, **{option: getattr(options, option) for option in takes})


def encoding_fallback(name: str) -> str:
    """The codec error handler a report in this format is written with on a stream that cannot
    encode every character (registered by steplint.output_encoding)."""
    return _FORMATS[name][3]
