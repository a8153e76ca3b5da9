"""`gitlab`: a GitLab Code Quality report (`artifacts:reports:codequality`), a JSON array of

    {"description", "check_name", "fingerprint", "severity", "location": {"path",
     "positions": {"begin": {"line", "column"}, "end": {"line", "column"}}}}

`path` is relative to the working directory (the project directory in a GitLab job). GitLab shows
only the first finding with a given fingerprint (cromefire/detekt-gitlab-report#10), so each one
is unique: a hash of path, rule, key path, position and message, with a counter on a repeat.
"""

from __future__ import annotations

import json
from typing import IO, Optional

from ..values import FileResult
from ..findings import Severity
from . import Summary
from ._common import UniqueDigests, base_dir, relative_path

SEVERITIES = {Severity.ERROR: "major", Severity.WARNING: "minor", Severity.INFO: "info"}


class GitlabReporter:
    def __init__(self, out: IO[str], base: Optional[str] = None) -> None:
        self.out = out
        self.base = base_dir(base)
        self.issues: list[dict] = []
        self.fingerprints = UniqueDigests()

    def file(self, result: FileResult) -> None:
        if result.error:
            return  # the CLI prints it on stderr
        path = relative_path(result.path, self.base)[0]
        for f in result.findings:
            self.issues.append({
                "description": f"{f.rule} {f.message}",
                "check_name": f.rule,
                "fingerprint": self.fingerprints(path, f.rule, f.key_path, f.line, f.column, f.message),
                "severity": SEVERITIES[f.severity],
                "location": {"path": path, "positions": {
                    "begin": {"line": f.line, "column": f.column},
                    "end": {"line": max(f.end_line, f.line), "column": f.end_column}}},
            })

    def finish(self, summary: Summary) -> None:
        json.dump(self.issues, self.out, indent=2, ensure_ascii=False, allow_nan=False)
        self.out.write("\n")
