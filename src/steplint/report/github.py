"""`github`: GitHub Actions workflow commands, which show as annotations on the pull request.

    ::error file=conf/a.yaml,line=5,endLine=5,col=3,endColumn=9,title=steplint (SL203)::warmup is ...

(github/docs: actions/reference/workflows-and-actions/workflow-commands.md; escaping as in
actions/toolkit `command.ts`: data escapes % CR LF, properties also : and ,). GitHub shows at most
10 error and 10 warning annotations per step (actions/toolkit#734), so the most severe findings
are annotated first, one `::notice::` says how many were left out, and those are still printed as
plain log lines. When GITHUB_STEP_SUMMARY names a file, a Markdown table of every finding is
appended to it (the job summary page).
"""

from __future__ import annotations

import os
import sys
from typing import IO, Optional

from ..values import FileResult
from ..findings import Finding, Severity
from . import Summary
from ._common import base_dir, counts_phrase, relative_path

LIMIT = 10  # annotations of each type per step
COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
MAX_SUMMARY_ROWS = 500  # the job summary is capped at 1 MiB per step


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _markdown_cell(text: str) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("|", "\\|")
    return "<br>".join(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))


class GithubReporter:
    def __init__(self, out: IO[str], step_summary: Optional[str] = None, base: Optional[str] = None) -> None:
        self.out = out
        self.step_summary = step_summary if step_summary is not None else os.environ.get("GITHUB_STEP_SUMMARY")
        self.base = base_dir(base)
        self.findings: list[tuple[str, Finding]] = []  # (repo-relative path, finding)

    def file(self, result: FileResult) -> None:
        if result.error:
            return  # the CLI prints it on stderr
        path = relative_path(result.path, self.base)[0]
        self.findings.extend((path, f) for f in result.findings)

    def annotation(self, path: str, f: Finding) -> str:
        props = [f"file={escape_property(path)}", f"line={f.line}", f"endLine={max(f.end_line, f.line)}"]
        if f.end_line <= f.line:  # columns may only be given for a one-line range
            props += [f"col={f.column}", f"endColumn={max(f.end_column, f.column + 1)}"]
        props.append(f"title={escape_property(f'steplint ({f.rule})')}")
        return f"::{COMMANDS[f.severity]} {','.join(props)}::{escape_data(f.message)}\n"

    def finish(self, summary: Summary) -> None:
        ordered = sorted(self.findings, key=lambda item: (-int(item[1].severity), item[0], item[1].line,
                                                          item[1].column, item[1].rule))
        count = {s: sum(1 for _, f in ordered if f.severity is s) for s in COMMANDS}
        over = sum(max(0, n - LIMIT) for s, n in count.items() if s is not Severity.INFO)
        # The notice about what was left out is a notice annotation too.
        limits = {Severity.ERROR: LIMIT, Severity.WARNING: LIMIT,
                  Severity.INFO: LIMIT - 1 if over or count[Severity.INFO] > LIMIT else LIMIT}
        shown = {s: 0 for s in COMMANDS}
        left_out: list[tuple[str, Finding]] = []
        for path, f in ordered:
            if shown[f.severity] < limits[f.severity]:
                shown[f.severity] += 1
                self.out.write(self.annotation(path, f))
            else:
                left_out.append((path, f))
        if left_out:
            n = {s: sum(1 for _, f in left_out if f.severity is s) for s in COMMANDS}
            where = " (all are in the job summary)" if self.step_summary else ""
            text = (f"{len(left_out)} more finding{'s' if len(left_out) != 1 else ''} not annotated "
                    f"({counts_phrase(n[Severity.ERROR], n[Severity.WARNING], n[Severity.INFO])}): GitHub shows "
                    f"at most {LIMIT} error and {LIMIT} warning annotations per step; they are listed below"
                    f"{where}")
            self.out.write(f"::notice title=steplint::{escape_data(text)}\n")
            for path, f in left_out:
                self.out.write(f"{f.severity.label}: {escape_data(path)}:{f.line}:{f.column}: {f.rule} "
                               f"{escape_data(f.message)}\n")
        if self.step_summary:
            self._write_step_summary(ordered, summary)

    def _write_step_summary(self, ordered: list[tuple[str, Finding]], summary: Summary) -> None:
        total = len(ordered)
        files = f"{summary.files} file{'s' if summary.files != 1 else ''}"
        lines = []
        if total == 0:
            lines.append(f"### steplint: no findings in {files}\n")
        else:
            lines += [f"### steplint: {total} finding{'s' if total != 1 else ''} "
                      f"({counts_phrase(summary.errors, summary.warnings, summary.infos)}) in {files}", "",
                      "| severity | rule | location | message |", "|---|---|---|---|"]
            for path, f in ordered[:MAX_SUMMARY_ROWS]:
                lines.append(f"| {f.severity.label} | {f.rule} {f.name} | {_markdown_cell(path)}:{f.line}:{f.column} "
                             f"| {_markdown_cell(f.message)} |")
            if total > MAX_SUMMARY_ROWS:
                lines += ["", f"… and {total - MAX_SUMMARY_ROWS} more (see the log)."]
            lines.append("")
        try:
            with open(self.step_summary, "a", encoding="utf-8") as handle:
                handle.write("\n".join(lines) + "\n")
        except OSError as exc:
            print(f"steplint: cannot write the job summary to {self.step_summary}: {exc.strerror or exc}",
                  file=sys.stderr, flush=True)

