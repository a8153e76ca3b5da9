"""The pipeline, one direction: load -> detect -> adapt -> plan -> rules -> select -> findings.

`check_bytes` runs it for one file and returns a `FileResult`, a plain value the reporters read.
Nothing here prints or exits: the CLI does that.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Callable, Iterable, Iterator, Optional

import fnmatch
import re

from . import catalogue, suppressions
from .frameworks import detect, dialect as dialect_named, framework_checks
from .frameworks.base import Source
from .interpolation import Budget, resolve
from .findings import DATASET_SIZE, Finding, Hit, Severity
from .evidence import plausibly_training
from .loading import DUPLICATE_KEY, Document, Span, format_key_path, load_bytes, parse_key_path
from .plan import derive
from .rules import CHECKS, UNDECIDED, RuleContext
from .values import FileResult, Options


def _matches(patterns: Iterable[str], code: str) -> bool:
    for pattern in patterns:
        p = pattern.strip()
        if p.upper() == "ALL" or code.startswith(p.upper()):
            return True
        if not p[:2].upper() == "SL" and p.lower() == catalogue.rule(code).name:  # a rule name
            return True
    return False


def is_selected(options: Options, code: str) -> bool:
    """By code, code prefix or rule name; the catalogue is read only when a name is used."""
    if options.select and not _matches(options.select, code):
        return False
    return not _matches(options.ignore, code)


_selected: list = [None, {}]  # the last options, and per dialect the (code, check) of the rules they select


def _selected_checks(options: Options, framework: Optional[str]) -> tuple:
    """(code, check) of the rules that run on a document `framework` read (None: generic rules
    only): the files of one run mostly share their options, so selection is done once."""
    if _selected[0] is not options:
        _selected[:] = [options, {}]
    checks = _selected[1].get(framework)
    if checks is None:
        own = framework_checks(framework) if framework is not None else ()
        checks = _selected[1][framework] = tuple(
            (code, check) for code, check in (*CHECKS.items(), *own) if is_selected(options, code))
    return checks


def display_path(path: str) -> str:
    """A path as reports can write it: a file name that is not UTF-8 gets U+FFFD where it is not."""
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def check_bytes(path: str, raw: bytes, options: Options) -> FileResult:
    path = display_path(path)
    loaded = load_bytes(path, raw)
    result = FileResult(path=path, fail_on=options.fail_on)
    # (document, code, hit, span): the span is known for problems found while loading.
    # Problems of one document (duplicate keys) count only if it turns out to be a training config.
    hits: list[tuple[Optional[Document], str, Hit, Optional[Span]]] = []
    # per document: (its undecided checks as findings, what its run is without N), gathered into
    # one SL207 each once suppressions have taken the checks they name
    groups: list[tuple[list[Finding], str]] = []
    source = Source(path=path, framework_versions=options.framework_versions)
    budget = Budget()  # one for the file: many documents must not multiply what resolving may cost
    own_dialects, overlays = project_profiles(options.profiles, options.key_map)
    for index, document in enumerate(loaded.documents):
        dialect = detect(document.data, options.dialect, own_dialects, document)
        if dialect is None and overlays and _mentions_any(document.data, overlays):
            dialect = dialect_named("generic")  # the team's own schema, described by its key map or overlay
        if dialect is None:
            continue
        data = resolve(document.data, budget) if document.holds_references else document.data
        adapted = dialect.adapt(data, source)
        hits.extend((None, p.code, _document_problem(p, adapted), p.span) for p in loaded.problems if p.document == index)
        if overlays:
            adapted = _overlaid(adapted, data, overlays)
        plan = derive(adapted.run, adapted.semantics, options.context)
        plan.assumptions.extend(adapted.assumptions)
        if result.dialect is None:
            result.dialect, result.plan = dialect.name, plan.to_dict()
        for problem in adapted.problems:
            hits.append((document, problem.code, Hit(problem.message, format_key_path(problem.key_path)), None))
        ctx = RuleContext(adapted.run, plan, adapted.semantics, adapted.settings)
        checked = [(code, hit) for code, check in _selected_checks(options, dialect.name if adapted.settings is not None else None)
                   for hit in check(ctx)]
        decided, undecided = split_undecided(checked, plan)
        hits.extend((document, code, hit, None) for code, hit in decided)
        if undecided:
            groups.append((_findings(path, [(document, code, hit, None) for code, hit in undecided], options),
                           _run_without_n(plan)))
    file_problems = [p for p in loaded.problems if p.document is None]
    if any(p.needs_evidence for p in file_problems) \
            and not plausibly_training(loaded, options, read_a_training_document=result.dialect is not None):
        file_problems = [p for p in file_problems if not p.needs_evidence]
    hits.extend((None, p.code, Hit(p.message, format_key_path(p.key_path) or None), p.span) for p in file_problems)
    result.findings = _findings(path, hits, options)
    _suppress(result, loaded, options, groups)
    if result.findings:
        lines = loaded.text.splitlines()
        result.source = {f.line: lines[f.line - 1] for f in result.findings if 0 < f.line <= len(lines)}
    return result


def _document_problem(problem, adapted) -> Hit:
    """A problem found while loading a document, as the framework that reads it sees it: a key
    written twice keeps its last value under PyYAML and json (a warning), and OmegaConf refuses
    the file (omegaconf/_utils.py get_yaml_loader: ConstructorError "found duplicate key")."""
    hit = Hit(problem.message, format_key_path(problem.key_path))
    if problem.code == DUPLICATE_KEY and adapted.yaml_loader == "omegaconf":
        message = problem.message.replace("the earlier value is silently overwritten",
                                          "OmegaConf, which loads this file, refuses it (ConstructorError: found "
                                          "duplicate key)")
        return Hit(message, hit.key, hit.related, Severity.ERROR)
    return hit


def split_undecided(checked: list[tuple[str, Hit]], plan) -> tuple[list[tuple[str, Hit]], list[tuple[str, Hit]]]:
    """(decided, undecided): the rules' hits of one document, and the checks they left undecided
    for want of an input (a hit with `needs`). An undecided check at a key where a more specific
    rule decided something says nothing more, and neither does one N could not settle: without a
    per-rank batch (none written, or a trainer such as GRPO whose loader is not N / B) the plan
    derives nothing from N, and with N known what is missing is no dataset size (an epoch count
    the framework refuses, SL003, leaves the run's length unknown whatever N is)."""
    decided = [(code, hit) for code, hit in checked if hit.needs is None]
    superseded = {(general, hit.key) for code, hit in decided if hit.key
                  for general in catalogue.rule(code).supersedes}
    n_settles_nothing = plan.micro_batch_size is None or plan.dataset_size is not None
    undecided = [(code, hit) for code, hit in checked if hit.needs is not None and (code, hit.key) not in superseded
                 and not (hit.needs is DATASET_SIZE and n_settles_nothing)]
    return decided, undecided


def gathered(checks: list[Finding], run_text: str, options: Options) -> Optional[Finding]:
    """One document's undecided checks (each a finding of the rule that made it, suppressions
    already applied) as one SL207 info naming what is missing, how to give it and what it would
    settle; `run_text` is what the run is known to be without N."""
    if not checks or not is_selected(options, UNDECIDED):
        return None
    settles: dict = {}
    for check in checks:
        named = settles.setdefault(check.needs, [])
        if check.message not in named:
            named.append(check.message)
    parts = []
    for missing, named in settles.items():
        part = f"{missing.what}, which would settle {_join(named)}"
        if missing is DATASET_SIZE:
            part += run_text
        parts.append(f"{part} ({missing.how})")
    first, doc = checks[0], catalogue.rule(UNDECIDED)
    related: dict[str, Optional[Span]] = {}
    for check in checks:
        if check.key_path and check.key_path != first.key_path:
            related.setdefault(check.key_path, Span(check.line, check.column, check.end_line, check.end_column))
        for key, span in zip(check.related, check.related_spans):
            if key != first.key_path:
                related.setdefault(key, span)
    severity = dict(options.severity).get(UNDECIDED) or doc.severity
    return Finding(first.path, first.line, first.column, first.end_line, first.end_column, UNDECIDED, doc.name,
                   severity, "not known: " + "; ".join(parts), first.key_path, list(related), list(related.values()))


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _run_without_n(plan) -> str:
    bounds = plan.range_of("total_optimizer_steps")
    if bounds is None or plan.total_optimizer_steps is not None:
        return ""
    low, high = bounds
    if high is None:
        return f"; without it the run is at least {low} optimizer step{'' if low == 1 else 's'}"
    return f"; without it the run is {low} to {high} optimizer steps"


def _mentions_any(data: dict, overlays: tuple) -> bool:
    from .profile import mentions  # the profile format is imported only by a project that has profiles
    return any(mentions(data, p) for p in overlays)


def _overlaid(adapted, data: dict, overlays: tuple):
    from .profile import overlay
    for profile in overlays:
        adapted = overlay(adapted, data, profile)
    return adapted


@lru_cache(maxsize=16)
def project_profiles(paths: tuple[str, ...], key_map: tuple = ()) -> tuple[tuple, tuple]:
    """(dialects, overlays) of the project's own profiles, read once per run (the project config
    already validated them); its key map is one more overlay, applied last."""
    if not paths and not key_map:
        return (), ()
    from .profile import ProfileDialect, load_profile, profile_from_key_map

    profiles = [load_profile(path) for path in paths]
    return (tuple(ProfileDialect(p) for p in profiles if not p.overlay),
            tuple(p for p in profiles if p.overlay) + ((profile_from_key_map(key_map),) if key_map else ()))


# What every suppression comment begins with (suppressions._DIRECTIVE matches only where this does).
_SUPPRESSION_COMMENT = re.compile(r"#\s*steplint:")


def _suppress(result: FileResult, loaded, options: Options, groups: list[tuple[list[Finding], str]] = ()) -> None:
    """Per-key ignores, then inline suppressions, on the findings and on each undecided check (a
    check suppressed where it is, by its own rule, drops out of SL207); what is left of each
    document's checks is gathered into its SL207, which the same suppressions then see; the
    suppressions that took nothing are SL006."""

    def per_key(findings: list[Finding]) -> list[Finding]:
        if not options.per_key_ignores:
            return findings
        kept = [f for f in findings if not any(
            fnmatch.fnmatchcase(f.key_path, pattern) and any(f.rule.startswith(c.upper()) or c == f.name for c in codes)
            for pattern, codes in options.per_key_ignores)]
        result.suppressed += len(findings) - len(kept)
        return kept

    def inline(findings: list[Finding]) -> list[Finding]:
        if not found:
            return findings
        kept, count = suppressions.apply(findings, found)
        result.suppressed += count
        return kept

    found: list = []
    if options.inline_ignores and _SUPPRESSION_COMMENT.search(loaded.text):  # (a native config's `steplint:` key is no comment)
        lines = loaded.text.splitlines()
        key_at_line: dict[int, tuple[str, int]] = {}
        for document in loaded.documents:
            for key, span in document.positions.items():
                if key and (span.line not in key_at_line or len(key) < key_at_line[span.line][1]):
                    key_at_line[span.line] = (format_key_path(key), len(key))
        found = suppressions.parse(lines, {line: key for line, (key, _) in key_at_line.items()})
    result.findings = inline(per_key(result.findings))
    for checks, run_text in groups:
        merged = gathered(inline(per_key(checks)), run_text, options)
        if merged is not None:
            result.findings.extend(inline(per_key([merged])))
    if found and is_selected(options, suppressions.UNUSED_SUPPRESSION):
        doc = catalogue.rule(suppressions.UNUSED_SUPPRESSION)
        severity = dict(options.severity).get(doc.code, doc.severity)
        for s, message in suppressions.unused(found, lambda selectors: _all_running(selectors, options)):
            result.findings.append(Finding(result.path, s.line, s.column, s.line, s.column + 1, doc.code, doc.name,
                                           severity, message, ""))
    result.findings.sort(key=Finding.sort_key)


def _all_running(selectors: tuple[str, ...], options: Options) -> bool:
    """Whether every rule the suppression names ran on this file: not deselected by --select,
    --ignore, the project's ignore lists, or a per-key ignore that may have taken its findings first."""
    per_key = tuple(code for _, codes in options.per_key_ignores for code in codes)
    if not selectors:  # every rule: judged only when every rule ran
        return not options.select and not options.ignore and not per_key
    return all(is_selected(options, code) and not _matches(per_key, code)
               for selector in selectors for code in suppressions.rules_named(selector))


class _KeySpans:
    """The span of a dotted key in one document, or of its closest ancestor (values reached through
    an alias). Where no key holds '.', '[' or ']' (or is empty), a dotted key names one key path, so
    it is read back into that path; otherwise every path is formatted to be matched as text."""

    def __init__(self, document: Document) -> None:
        self.document = document
        names = document.key_names
        if names is None:
            names = {p[-1] for p in document.marks if p and isinstance(p[-1], str)}
        joined = "\n".join(names)
        plain = "" not in names and "." not in joined and "[" not in joined and "]" not in joined
        self.table = None if plain else self._formatted()

    def _formatted(self) -> dict[str, Span]:
        return {format_key_path(k): v for k, v in self.document.positions.items()}

    def __call__(self, key: str) -> Optional[Span]:
        if self.table is None:
            key_path = parse_key_path(key)
            if format_key_path(key_path) == key:
                return self.document.position(key_path)
            self.table = self._formatted()
        return lookup_span(self.table, key)


def _findings(path: str, hits, options: Options) -> list[Finding]:
    spans: dict[int, _KeySpans] = {}

    def span_of(document: Document, key: str) -> Optional[Span]:
        found = spans.get(id(document))
        if found is None:
            found = spans[id(document)] = _KeySpans(document)
        return found(key)

    findings = []
    for document, code, hit, span in hits:
        if not is_selected(options, code):
            continue
        doc = catalogue.rule(code)
        if span is None:
            span = Span(1, 1, 1, 2)
            if hit.key and document is not None:
                span = span_of(document, hit.key) or document.span(())
        related = [span_of(document, key) for key in hit.related] if document is not None \
            else [None] * len(hit.related)
        severity = dict(options.severity).get(code) or hit.severity or doc.severity
        findings.append(Finding(path, span.line, span.column, span.end_line, span.end_column, code, doc.name,
                                severity, hit.message, hit.key or "", list(hit.related), related, hit.needs))
    # One problem, one finding: a framework rule replaces the general rule it names at the same key.
    superseded = {(general, f.key_path) for f in findings if f.key_path
                  for general in catalogue.rule(f.rule).supersedes}
    if superseded:
        findings = [f for f in findings if (f.rule, f.key_path) not in superseded]
    findings.sort(key=Finding.sort_key)
    return findings


def lookup_span(table: dict[str, Span], key: str) -> Optional[Span]:
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


def iter_check(files: Iterable[str], options_for: Callable[[str], Options],
               read: Callable[[str], bytes]) -> Iterator[FileResult]:
    """Check files one at a time, so memory does not grow with the number of files."""
    for path in files:
        options = options_for(path)
        try:
            raw = read(path)
        except OSError as exc:
            yield FileResult(path=display_path(path), error=f"{display_path(path)}: cannot read: {exc.strerror or exc}")
            continue
        yield check_bytes(path, raw, options)
