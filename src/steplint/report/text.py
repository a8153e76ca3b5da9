"""`text`: path:line:col: CODE [severity] message, then the source line with the key underlined."""

from __future__ import annotations

from typing import IO

import click

from ..values import FileResult
from ..findings import Severity
from . import Summary

_COLORS = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "blue"}


class TextReporter:
    def __init__(self, out: IO[str], color: bool = False, quiet: bool = False) -> None:
        self.out, self.color, self.quiet = out, color, quiet

    def _style(self, text: str, **kwargs) -> str:
        return click.style(text, **kwargs) if self.color else text

    def file(self, result: FileResult) -> None:
        if result.error:
            return  # the CLI prints it on stderr
        for f in result.findings:
            severity = self._style(f"[{f.severity.label}]", fg=_COLORS[f.severity])
            where = self._style(f"{f.path}:{f.line}:{f.column}:", bold=True)
            self.out.write(f"{where} {self._style(f.rule, bold=True)} {severity} {f.message}\n")
            line = result.source.get(f.line)
            if self.quiet or line is None:
                continue
            source = line.expandtabs(1)
            if len(source) > 200:
                continue
            width = max(1, (f.end_column - f.column) if f.end_line == f.line else 1)
            gutter = " " * len(str(f.line))
            self.out.write(f" {f.line} | {source}\n {gutter} | {' ' * (f.column - 1)}"
                           f"{self._style('^' * width, fg=_COLORS[f.severity])}\n")

    def finish(self, summary: Summary) -> None:
        total = summary.errors + summary.warnings + summary.infos
        if self.quiet and total == 0:
            return
        if total == 0:
            self.out.write(f"All checks passed ({summary.files} file{'s' if summary.files != 1 else ''}).\n")
            return
        parts = [f"{n} {label}{'s' if n != 1 else ''}" for n, label in
                 ((summary.errors, "error"), (summary.warnings, "warning"), (summary.infos, "info"))]
        self.out.write(f"Found {total} finding{'s' if total != 1 else ''} ({', '.join(parts)}) "
                       f"in {summary.files} file{'s' if summary.files != 1 else ''}.\n")
