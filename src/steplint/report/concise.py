"""`concise`: one line per finding, `path:line:col: CODE message` (ruff's order), then one count
line when there were findings. Made for pre-commit, editors' problem matchers and grep."""

from __future__ import annotations

from typing import IO

from ..values import FileResult
from . import Summary
from ._common import counts_phrase


def _one_line(text: str) -> str:
    return " ".join(text.splitlines()) if "\n" in text or "\r" in text else text


class ConciseReporter:
    def __init__(self, out: IO[str], quiet: bool = False) -> None:
        self.out, self.quiet = out, quiet

    def file(self, result: FileResult) -> None:
        if result.error:
            return  # the CLI prints it on stderr
        for f in result.findings:
            self.out.write(f"{f.path}:{f.line}:{f.column}: {f.rule} {_one_line(f.message)}\n")

    def finish(self, summary: Summary) -> None:
        total = summary.errors + summary.warnings + summary.infos
        if total == 0 or self.quiet:
            return
        self.out.write(f"Found {total} finding{'s' if total != 1 else ''} "
                       f"({counts_phrase(summary.errors, summary.warnings, summary.infos)}).\n")
