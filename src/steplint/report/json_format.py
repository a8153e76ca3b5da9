"""`json`: the stable contract other tools read (version 1).

{"version": 1, "files": [{"path", "dialect", "plan"}], "findings": [...],
 "summary": {"files", "errors", "warnings", "infos"}}
"""

from __future__ import annotations

import json
from typing import IO

from ..engine import FileResult
from . import Summary

VERSION = 1


class JsonReporter:
    def __init__(self, out: IO[str]) -> None:
        self.out = out
        self.files: list[dict] = []
        self.findings: list[dict] = []

    def file(self, result: FileResult) -> None:
        entry = {"path": result.path, "dialect": result.dialect, "plan": result.plan}
        if result.error:
            entry["error"] = result.error
        self.files.append(entry)
        self.findings.extend(f.to_dict() for f in result.findings)

    def finish(self, summary: Summary) -> None:
        document = {"version": VERSION, "files": self.files, "findings": self.findings,
                    "summary": {"files": summary.files, "errors": summary.errors,
                                "warnings": summary.warnings, "infos": summary.infos}}
        json.dump(document, self.out, indent=2, ensure_ascii=False, allow_nan=False, default=str)
        self.out.write("\n")
