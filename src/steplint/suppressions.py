"""Inline suppressions in YAML comments.

    key: value  # steplint: ignore[SL201, warmup-exceeds-run] -- reason     this key and its subtree
    # steplint: ignore[SL201] -- reason                                     (own line) the next key
    # steplint: disable[SL301]   ...   # steplint: enable[SL301]            every line in between
    # steplint: file-ignore[SL101]   (or: # steplint: disable-file)         the whole file

A suppression that suppresses nothing is itself reported (SL006), so stale ones do not pile up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Iterator, Optional

from . import catalogue
from .findings import Finding, Severity

UNUSED_SUPPRESSION = "SL006"
_DIRECTIVE = re.compile(
    r"#\s*steplint:\s*(?P<kind>ignore|disable|enable|file-ignore|disable-file)\b"
    r"(?:\[(?P<codes>[^\]]*)\])?(?:\s*--\s*(?P<reason>.*))?")


@dataclass
class Suppression:
    kind: str  # "key" (ignore), "block" (disable ... enable), "file"
    codes: tuple[str, ...]  # empty = every rule (only for disable-file)
    line: int  # where the comment is
    column: int
    first_line: int  # the lines it covers
    last_line: int
    key_path: Optional[str] = None  # for "key": the key it covers, with its subtree
    reason: str = ""
    used: bool = field(default=False)

    def covers(self, finding: Finding) -> bool:
        if self.codes and not any(_code_matches(c, finding) for c in self.codes):
            return False
        if self.kind == "file":
            return True
        if self.kind == "key" and self.key_path and finding.key_path:
            return finding.key_path == self.key_path or finding.key_path.startswith(
                (self.key_path + ".", self.key_path + "["))
        return self.first_line <= finding.line <= self.last_line


def _code_matches(code: str, finding: Finding) -> bool:
    return finding.rule.startswith(code.upper()) or code.lower() == finding.name


def parse(lines: list[str], key_at_line: dict[int, str]) -> list[Suppression]:
    """`key_at_line`: 1-based line -> the dotted key path that starts on it."""
    found: list[Suppression] = []
    open_blocks: dict[str, Suppression] = {}
    next_content: Optional[list[int]] = None  # line -> the next line that is not blank or a comment
    for number, text in enumerate(lines, start=1):
        if "steplint:" not in text:
            continue
        match = _DIRECTIVE.search(text)
        if match is None:
            continue
        kind = match.group("kind")
        codes = tuple(c.strip() for c in (match.group("codes") or "").split(",") if c.strip())
        reason = (match.group("reason") or "").strip()
        column = match.start() + 1
        if kind in ("file-ignore", "disable-file"):
            found.append(Suppression("file", codes, number, column, 1, len(lines), reason=reason))
        elif kind == "disable":
            for code in codes or ("*",):
                open_blocks[code] = Suppression("block", (code,) if code != "*" else (), number, column,
                                                number, len(lines), reason=reason)
                found.append(open_blocks[code])
        elif kind == "enable":
            for code in codes or tuple(open_blocks):
                block = open_blocks.pop(code, None)
                if block is not None:
                    block.last_line = number
        else:  # ignore: this line's key, or the next key below an own-line comment
            own_line = text[:match.start()].strip() == ""
            target = number
            if own_line:
                if next_content is None:
                    next_content = _next_content_lines(lines)
                target = next_content[number] or number
            found.append(Suppression("key", codes, number, column, target, target,
                                     key_path=key_at_line.get(target), reason=reason))
    return found


def _next_content_lines(lines: list[str]) -> list[int]:
    """One backward pass: for each 1-based line, the first later line with content (0 = none)."""
    following = [0] * (len(lines) + 2)
    upcoming = 0
    for number in range(len(lines), 0, -1):
        following[number] = upcoming
        text = lines[number - 1].strip()
        if text and not text.startswith("#"):
            upcoming = number
    return following


def apply(findings: list[Finding], suppressions: list[Suppression]) -> tuple[list[Finding], int]:
    """(findings that remain, how many were suppressed)."""
    kept, suppressed = [], 0
    for finding in findings:
        hit = next((s for s in suppressions if s.covers(finding)), None)
        if hit is None:
            kept.append(finding)
        else:
            hit.used = True
            suppressed += 1
    return kept, suppressed


def rules_named(selector: str) -> list[str]:
    """The rule codes a suppression's code, code prefix or rule name stands for."""
    upper = selector.upper()
    matched = [code for code in catalogue.codes() if code.startswith(upper)]
    if matched or upper.startswith("SL"):
        return matched
    doc = catalogue.get(selector)
    return [doc.code] if doc else []


def unused(found: list[Suppression], running: Callable[[tuple[str, ...]], bool]) -> Iterator[tuple[Suppression, str]]:
    """The suppressions to report (SL006), each with why: an unknown rule code, or rules that ran
    and found nothing there. `running(codes)` says whether every rule the codes name ran; one that
    did not cannot have been suppressed, and the comment may still be needed."""
    # Only a file or block suppression, or one on the same line, can silence an SL006 finding.
    wide = [s for s in found if s.kind != "key"]
    by_line: dict[int, list[Suppression]] = {}
    for s in found:
        if s.kind == "key":
            by_line.setdefault(s.first_line, []).append(s)
    for s in found:
        if s.used or s.kind == "block" and s.first_line == s.last_line:
            continue
        unknown = [code for code in s.codes if not rules_named(code)]
        if unknown:
            message = f"unknown rule {', '.join(repr(code) for code in unknown)} in this suppression (see `steplint rules`)"
        elif not running(s.codes):
            continue
        else:
            message = f"this suppression of {', '.join(s.codes) if s.codes else 'every rule'} suppresses nothing: remove it"
        here = Finding("", s.line, s.column, s.line, s.column + 1, UNUSED_SUPPRESSION, "unused-suppression",
                       Severity.WARNING, message)
        if not any(other.covers(here) for other in wide + by_line.get(s.line, []) if other is not s):
            yield s, message
