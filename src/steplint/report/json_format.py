"""`json`: the stable contract other tools read (version 1).

{"version": 1, "files": [{"path", "dialect", "plan"}], "findings": [...],
 "summary": {"files", "errors", "warnings", "infos"}}

Written as results arrive, one file entry and one finding per line: file entries go straight to
the output, findings to a spool that moves to disk past 1 MiB, so memory stays flat however many
files are checked.
"""

from __future__ import annotations

import json
import tempfile
from typing import IO

from ..values import FileResult
from . import Summary

VERSION = 1


_ENCODER = json.JSONEncoder(ensure_ascii=False, allow_nan=False, default=str)  # one, not one per call
_dump = _ENCODER.encode


class JsonReporter:
    def __init__(self, out: IO[str]) -> None:
        self.out = out
        self.files = 0
        self.findings = 0
        self.spool = tempfile.SpooledTemporaryFile(max_size=1 << 20, mode="w+", encoding="utf-8")

    def file(self, result: FileResult) -> None:
        entry = {"path": result.path, "dialect": result.dialect, "plan": result.plan}
        if result.error:
            entry["error"] = result.error
        self.out.write(('{"version": %d, "files": [\n  ' % VERSION if self.files == 0 else ",\n  ") + _dump(entry))
        self.files += 1
        for finding in result.findings:
            self.spool.write(("  " if self.findings == 0 else ",\n  ") + _dump(finding.to_dict()))
            self.findings += 1

    def finish(self, summary: Summary) -> None:
        if self.files == 0:
            self.out.write('{"version": %d, "files": [' % VERSION)
        self.out.write("\n],\n" + '"findings": [\n')
        self.spool.seek(0)
        while True:
            chunk = self.spool.read(1 << 16)
            if not chunk:
                break
            self.out.write(chunk)
        self.spool.close()
        totals = {"files": summary.files, "errors": summary.errors, "warnings": summary.warnings,
                  "infos": summary.infos}
        self.out.write('\n],\n"summary": ' + _dump(totals) + "}\n")
