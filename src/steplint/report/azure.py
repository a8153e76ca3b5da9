"""`azure`: Azure Pipelines logging commands, which list each finding on the build's summary page.

    ##vso[task.logissue type=warning;sourcepath=conf/a.yaml;linenumber=5;columnnumber=3;code=SL203;]warmup is ...

(learn.microsoft.com: azure/devops/pipelines/scripts/logging-commands; escaping as in
microsoft/azure-pipelines-task-lib node/taskcommand.ts: data escapes % as %AZP25, CR and LF;
property values also ] and ;). `task.logissue` knows only errors and warnings, so an info finding
is a plain log line. The agent runs a `##vso[` command found anywhere in a line, so in plain lines
one that comes from the config (a key name) is defused.
"""

from __future__ import annotations

from typing import IO, Optional

from ..values import FileResult
from ..findings import Finding, Severity
from . import Summary
from ._common import base_dir, relative_path

ISSUE_TYPES = {Severity.ERROR: "error", Severity.WARNING: "warning"}


def escape_data(text: str) -> str:
    return text.replace("%", "%AZP25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace("]", "%5D").replace(";", "%3B")


def plain(text: str) -> str:
    """One log line that the agent reads as text, never as a command."""
    return " ".join(text.splitlines()).replace("##vso[", "##vso%5B").replace("##[", "##%5B")


class AzureReporter:
    def __init__(self, out: IO[str], base: Optional[str] = None) -> None:
        self.out = out
        self.base = base_dir(base)

    def issue(self, path: str, f: Finding) -> str:
        props = {"type": ISSUE_TYPES[f.severity], "sourcepath": path, "linenumber": f.line,
                 "columnnumber": f.column, "code": f.rule}
        return "##vso[task.logissue " + "".join(f"{k}={escape_property(str(v))};" for k, v in props.items()) \
            + "]" + escape_data(f.message) + "\n"

    def file(self, result: FileResult) -> None:
        if result.error:
            return  # the CLI prints it on stderr
        path = relative_path(result.path, self.base)[0]
        for f in result.findings:
            if f.severity in ISSUE_TYPES:
                self.out.write(self.issue(path, f))
            else:
                self.out.write(plain(f"info: {path}:{f.line}:{f.column}: {f.rule} {f.message}") + "\n")

    def finish(self, summary: Summary) -> None:
        pass  # the agent counts the issues on the summary page
