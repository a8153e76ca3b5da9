"""Report stage: one module per output format. Each reporter gets the results one file at a time
(so memory does not grow with the number of files) and the totals at the end."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import IO, Optional, Protocol

from ..engine import FileResult
from ..findings import Severity


@dataclass
class Summary:
    files: int = 0
    errors: int = 0
    warnings: int = 0
    infos: int = 0
    suppressed: int = 0
    by_rule: dict = field(default_factory=dict)

    def add(self, result: FileResult) -> None:
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
    def file(self, result: FileResult) -> None: ...

    def finish(self, summary: Summary) -> None: ...


def make_reporter(name: str, out: IO[str], color: bool, quiet: bool,
                  fail_on: Optional[Severity] = None, base: Optional[str] = None) -> Reporter:
    """`base`: the folder CI formats make paths relative to (the repository root); None = the working directory."""
    if name == "json":
        from .json_format import JsonReporter
        return JsonReporter(out)
    if name == "concise":
        from .concise import ConciseReporter
        return ConciseReporter(out, quiet=quiet)
    if name == "sarif":
        from .sarif import SarifReporter
        return SarifReporter(out, base=base)
    if name == "github":
        from .github import GithubReporter
        return GithubReporter(out, base=base)  # appends a table to $GITHUB_STEP_SUMMARY when it is set
    if name == "junit":
        from .junit import JunitReporter
        return JunitReporter(out, fail_on=fail_on)
    if name == "gitlab":
        from .gitlab import GitlabReporter
        return GitlabReporter(out, base=base)
    if name == "azure":
        from .azure import AzureReporter
        return AzureReporter(out, base=base)
    from .text import TextReporter
    return TextReporter(out, color=color, quiet=quiet)


FORMATS = ("text", "json", "concise", "sarif", "github", "junit", "gitlab", "azure")
