"""The pipeline, one direction: load -> detect -> adapt -> plan -> rules -> select -> findings.

`check_bytes` runs it for one file and returns a `FileResult`, a plain value the reporters read.
Nothing here prints or exits: the CLI does that.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Iterator, Optional

from . import catalogue
from .dialects import detect
from .dialects.base import Source
from .interpolation import resolve
from .findings import Finding, Hit, Severity
from .loading import Document, Span, format_key_path, load_bytes
from .plan import Context, derive
from .rules import CHECKS, RuleContext


@dataclass(frozen=True)
class Options:
    select: tuple[str, ...] = ()  # codes, code prefixes ("SL2") or names; empty = every rule
    ignore: tuple[str, ...] = ()
    fail_on: Severity = Severity.WARNING
    context: Context = Context()
    dialect: Optional[str] = None  # force a dialect instead of detecting one
    framework_versions: tuple[tuple[str, str], ...] = ()  # ("transformers", "4.46"), from the command line


@dataclass
class FileResult:
    path: str
    dialect: Optional[str] = None
    plan: Optional[dict] = None
    findings: list[Finding] = field(default_factory=list)
    error: Optional[str] = None  # the file could not be checked at all (unreadable): exit 2
    lines: list[str] = field(default_factory=list)


def _matches(patterns: Iterable[str], code: str, name: str) -> bool:
    for pattern in patterns:
        p = pattern.strip()
        if p.upper() == "ALL" or code.startswith(p.upper()) or p.lower() == name:
            return True
    return False


def is_selected(options: Options, code: str, name: str) -> bool:
    if options.select and not _matches(options.select, code, name):
        return False
    return not _matches(options.ignore, code, name)


def check_bytes(path: str, raw: bytes, options: Options) -> FileResult:
    loaded = load_bytes(path, raw)
    result = FileResult(path=path, lines=loaded.text.splitlines())
    # (document, code, hit, span): the span is known for problems found while loading.
    # Problems of one document (duplicate keys) count only if it turns out to be a training config.
    hits: list[tuple[Optional[Document], str, Hit, Optional[Span]]] = [
        (None, p.code, Hit(p.message, format_key_path(p.key_path) or None), p.span)
        for p in loaded.problems if p.document is None]
    source = Source(path=path, framework_versions=options.framework_versions)
    for index, document in enumerate(loaded.documents):
        dialect = detect(document.data, options.dialect)
        if dialect is None:
            continue
        hits.extend((None, p.code, Hit(p.message, format_key_path(p.key_path)), p.span)
                    for p in loaded.problems if p.document == index)
        adapted = dialect.adapt(resolve(document.data), source)
        plan = derive(adapted.run, adapted.semantics, options.context)
        plan.assumptions.extend(adapted.assumptions)
        if result.dialect is None:
            result.dialect, result.plan = dialect.name, plan.to_dict()
        for problem in adapted.problems:
            hits.append((document, problem.code, Hit(problem.message, format_key_path(problem.key_path)), None))
        ctx = RuleContext(adapted.run, plan, adapted.semantics)
        for code, check in CHECKS.items():
            if not is_selected(options, code, catalogue.load()[code].name):
                continue
            for hit in check(ctx):
                hits.append((document, code, hit, None))
    result.findings = _findings(path, hits, options)
    return result


def _findings(path: str, hits, options: Options) -> list[Finding]:
    docs = catalogue.load()
    tables: dict[int, dict[str, Span]] = {}
    findings = []
    for document, code, hit, span in hits:
        doc = docs[code]
        if not is_selected(options, code, doc.name):
            continue
        if span is None:
            span = Span(1, 1, 1, 2)
            if hit.key and document is not None:
                table = tables.get(id(document))
                if table is None:
                    table = tables[id(document)] = {format_key_path(k): v for k, v in document.positions.items()}
                span = _lookup(table, hit.key) or document.span(())
        findings.append(Finding(path, span.line, span.column, span.end_line, span.end_column, code, doc.name,
                                hit.severity or doc.severity, hit.message, hit.key or "", list(hit.related)))
    findings.sort(key=Finding.sort_key)
    return findings


def _lookup(table: dict[str, Span], key: str) -> Optional[Span]:
    """The span of a dotted key, or of its closest ancestor (values reached through an alias)."""
    while key:
        if key in table:
            return table[key]
        cut = max(key.rfind("."), key.rfind("["))
        key = key[:cut] if cut > 0 else ""
    return None


def failed(results: Iterable[FileResult], fail_on: Severity) -> bool:
    return any(f.severity >= fail_on for r in results for f in r.findings)


def exit_code(results: list[FileResult], options: Options, exit_zero: bool = False) -> int:
    if any(r.error for r in results):
        return 2
    if exit_zero:
        return 0
    return 1 if failed(results, options.fail_on) else 0


def iter_check(files: Iterable[str], options: Options, read) -> Iterator[FileResult]:
    """Check files one at a time, so memory does not grow with the number of files."""
    for path in files:
        try:
            raw = read(path)
        except OSError as exc:
            yield FileResult(path=path, error=f"{path}: cannot read: {exc.strerror or exc}")
            continue
        yield check_bytes(path, raw, options)
