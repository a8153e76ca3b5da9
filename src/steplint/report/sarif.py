"""`sarif`: SARIF 2.1.0, with the fields GitHub code scanning reads
(github/docs: code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning.md).

One run. `tool.driver.rules[]` lists the rules that produced a result (so adding a rule to the
catalogue does not change the output of runs that never hit it), each with its catalogue text.
Each result points at the key at fault: a `uri` relative to the repository root (the git top level
or the `--config` file's folder, whatever the working directory; symlinks resolved, forward
slashes) with `uriBaseId` SRCROOT, which `originalUriBaseIds` maps to that folder (a file outside it
keeps an absolute file:// URI),
the region of the key (1-based; endColumn exclusive, columns counted in code points), the key
path as a logical location, the related keys as relatedLocations, and a partial fingerprint that
survives edits elsewhere in the file (a hash of path, rule and key path).
"""

from __future__ import annotations

import json
from importlib import metadata
from pathlib import Path
from typing import IO, Optional
from urllib.parse import quote

from .. import catalogue
from ..catalogue import RuleDoc
from ..findings import Finding, Severity
from ..loading import Span
from ..ruledoc import render_rule
from ..values import FileResult
from . import Summary
from ._common import UniqueDigests, base_dir, relative_path

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
MAX_DESCRIPTION = 1024  # GitHub's limit for shortDescription and fullDescription
FINGERPRINT_KEY = "steplint/v1"
BASE_ID = "SRCROOT"  # what every repo-relative uri is relative to

LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
PROBLEM_SEVERITY = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "recommendation"}


def _information_uri() -> Optional[str]:
    """The project's home page from the installed package's metadata ([project.urls]), if any."""
    try:
        meta = metadata.metadata("steplint")
    except metadata.PackageNotFoundError:
        return None
    for entry in meta.get_all("Project-URL") or []:
        label, _, url = entry.partition(",")
        if label.strip().lower() in ("homepage", "home", "documentation", "repository", "source") and url.strip():
            return url.strip()
    home = meta.get("Home-page")
    return home.strip() if home and home.strip().lower() != "unknown" else None


def _truncate(text: str, limit: int = MAX_DESCRIPTION) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def _precision(doc: RuleDoc) -> str:
    # File-level problems (syntax, duplicate keys, bad values) are facts about the bytes; the
    # arithmetic rules are deliberate about precision (they stay silent when unsure) but rest on
    # the dialect's reading of the config.
    return "very-high" if doc.code.startswith("SL0") else "high"


def help_markdown(doc: RuleDoc) -> str:
    parts = [f"**{doc.code} {doc.name}** ({doc.severity.label}, {doc.family})", "", doc.summary, "",
             "## What it checks", "", doc.what, "", "## Why it matters", "", doc.why]
    for title, examples in (("Example (flagged)", doc.bad), ("Use instead", doc.good)):
        for example in examples[:1]:
            language = "json" if example.filename.endswith(".json") else "yaml"
            parts += ["", f"## {title}", "", f"```{language}", example.config.rstrip(), "```"]
            for expected in example.expected[:3]:
                parts.append(f"- {expected.get('rule', doc.code)} at `{expected.get('key_path', '')}`: "
                             f"{expected.get('message', '')}")
    if doc.use_instead:
        parts += ["", "## Fix", "", doc.use_instead]
    return "\n".join(parts) + "\n"


def rule_descriptor(doc: RuleDoc) -> dict:
    return {
        "id": doc.code,
        "name": doc.name,
        "shortDescription": {"text": _truncate(doc.summary)},
        "fullDescription": {"text": _truncate(f"{doc.what}\n\n{doc.why}")},
        "help": {"text": render_rule(doc), "markdown": help_markdown(doc)},
        "defaultConfiguration": {"level": LEVELS[doc.severity]},
        "properties": {"tags": [doc.family], "precision": _precision(doc),
                       "problem.severity": PROBLEM_SEVERITY[doc.severity]},
    }


def _region(span: Span) -> dict:
    return {"startLine": span.line, "startColumn": span.column,
            "endLine": max(span.end_line, span.line),
            "endColumn": span.end_column if span.end_line > span.line else max(span.end_column, span.column + 1)}


def _logical(key_path: str) -> list[dict]:
    return [{"fullyQualifiedName": key_path, "kind": "property"}] if key_path else []


class SarifReporter:
    def __init__(self, out: IO[str], base: Optional[str] = None) -> None:
        self.out = out
        self.base = base_dir(base)
        self.findings: list[tuple[dict, Finding, list[dict]]] = []  # (artifact location, finding, related locations)
        self.notifications: list[dict] = []
        self.fingerprints = UniqueDigests()

    def artifact(self, path: str) -> dict:
        relative, inside = relative_path(path, self.base)
        if not inside:
            return {"uri": Path(relative).as_uri()}
        if relative.startswith("<"):  # <stdin>: no file to place
            return {"uri": quote(relative, safe="/")}
        return {"uri": quote(relative, safe="/"), "uriBaseId": BASE_ID}

    def file(self, result: FileResult) -> None:
        uri = self.artifact(result.path)
        if result.error:
            self.notifications.append({"level": "error", "message": {"text": result.error},
                                       "locations": [{"physicalLocation": {"artifactLocation": uri}}]})
            return
        for f in result.findings:
            related: list[dict] = []
            spans = f.related_spans or [None] * len(f.related)
            for index, (key, span) in enumerate(zip(f.related, spans)):
                entry: dict = {"id": index + 1, "message": {"text": f"related key: {key}"}}
                if span is not None:
                    entry["physicalLocation"] = {"artifactLocation": uri, "region": _region(span)}
                entry["logicalLocations"] = _logical(key)
                related.append(entry)
            self.findings.append((uri, f, related))

    def _result(self, uri: dict, f: Finding, related: list[dict], index: int) -> dict:
        location: dict = {"physicalLocation": {
            "artifactLocation": uri,
            "region": _region(Span(f.line, f.column, f.end_line, f.end_column))}}
        if f.key_path:
            location["logicalLocations"] = _logical(f.key_path)
        result = {"ruleId": f.rule, "ruleIndex": index, "level": LEVELS[f.severity],
                  "message": {"text": f.message}, "locations": [location]}
        if related:
            result["relatedLocations"] = related
        result["partialFingerprints"] = {FINGERPRINT_KEY: self.fingerprints(uri["uri"], f.rule, f.key_path or f.line)}
        return result

    def document(self) -> dict:
        from .. import __version__

        codes = sorted({f.rule for _, f, _ in self.findings})
        index = {code: i for i, code in enumerate(codes)}
        driver: dict = {"name": "steplint", "version": __version__, "semanticVersion": __version__}
        information_uri = _information_uri()
        if information_uri:
            driver["informationUri"] = information_uri
        driver["rules"] = [rule_descriptor(catalogue.rule(code)) for code in codes]
        invocation: dict = {"executionSuccessful": not self.notifications}
        if self.notifications:
            invocation["toolExecutionNotifications"] = self.notifications
        run = {"tool": {"driver": driver},
               "invocations": [invocation],
               "originalUriBaseIds": {BASE_ID: {"uri": self.base.as_uri().rstrip("/") + "/"}},
               "columnKind": "unicodeCodePoints",
               "results": [self._result(uri, f, related, index[f.rule]) for uri, f, related in self.findings]}
        return {"$schema": SCHEMA_URI, "version": SARIF_VERSION, "runs": [run]}

    def finish(self, summary: Summary) -> None:
        json.dump(self.document(), self.out, indent=2, ensure_ascii=False, allow_nan=False)
        self.out.write("\n")
