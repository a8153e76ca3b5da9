"""Precision, measured: every warning and error steplint raises on the shared corpora carries a
verdict read from the file and the framework that reads it.

tests/verdicts/<corpus>.tsv has one row per finding: file (relative to the corpus root), line,
rule, verdict (true / false / debatable) and a one-line reason. The suite fails when a warning or
error has no verdict, when one judged false comes back (the false rows stay, as the record of what
was fixed), when a true or debatable row no longer matches any finding (delete it), and when the
README's precision line for the corpus is not the measured one.
"""

from __future__ import annotations

import csv
import functools
from pathlib import Path

import pytest

from steplint.engine import check_bytes
from steplint.values import Options

from .conftest import ROOT, SHARED

VERDICTS = Path(__file__).parent / "verdicts"
CORPORA = ("corpus", "corpus-wild")
VERDICT_VALUES = {"true", "false", "debatable"}


def _needs(corpus: str):
    return pytest.mark.skipif(not (SHARED / corpus).is_dir(), reason=f"../shared/{corpus} is absent (it sits beside the repo)")


@functools.lru_cache(maxsize=None)
def _loud_findings(corpus: str) -> dict[tuple[str, int, str], str]:
    """(file, line, rule) -> message, for every warning and error on the corpus's manifest files."""
    root = SHARED / corpus
    with open(root / "MANIFEST.tsv", newline="") as handle:
        files = sorted(row["file"] for row in csv.DictReader(handle, delimiter="\t"))
    found = {}
    for name in files:
        result = check_bytes(str(root / name), (root / name).read_bytes(), Options())
        for f in result.findings:
            if f.severity.label in ("warning", "error"):
                found[(name, f.line, f.rule)] = f.message
    return found


@functools.lru_cache(maxsize=None)
def _verdicts(corpus: str) -> dict[tuple[str, int, str], tuple[str, str]]:
    path = VERDICTS / f"{corpus}.tsv"
    rows = {}
    with open(path, newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            key = (row["file"], int(row["line"]), row["rule"])
            assert key not in rows, f"{path.name}: {key} is judged twice"
            rows[key] = (row["verdict"], row["reason"])
    return rows


def precision_line(corpus: str) -> str:
    found, judged = _loud_findings(corpus), _verdicts(corpus)
    verdicts = [judged[key][0] for key in found if key in judged]
    true, false = verdicts.count("true"), verdicts.count("false")
    share = f"{true / len(verdicts):.0%}" if verdicts else "n/a"
    return (f"`{corpus}`: {len(found)} warnings and errors, {true} judged true, "
            f"{verdicts.count('debatable')} debatable, {false} false (precision {share})")


@pytest.mark.parametrize("corpus", CORPORA)
def test_the_verdicts_file_is_well_formed(corpus):
    rows = _verdicts(corpus)
    bad = {k: v for k, v in rows.items() if v[0] not in VERDICT_VALUES or not v[1].strip()}
    assert not bad, f"each row needs a verdict in {sorted(VERDICT_VALUES)} and a reason: {bad}"
    keys = list(rows)
    assert keys == sorted(keys), f"keep {corpus}.tsv sorted by file, then line, then rule"


@pytest.mark.parametrize("corpus", [pytest.param(c, marks=_needs(c)) for c in CORPORA])
def test_every_warning_and_error_on_the_corpus_has_a_verdict(corpus):
    missing = {k: m for k, m in _loud_findings(corpus).items() if k not in _verdicts(corpus)}
    listing = "\n".join(f"{f}\t{line}\t{rule}\t?\t{m}" for (f, line, rule), m in sorted(missing.items()))
    assert not missing, f"judge these in tests/verdicts/{corpus}.tsv:\n{listing}"


@pytest.mark.parametrize("corpus", [pytest.param(c, marks=_needs(c)) for c in CORPORA])
def test_no_finding_judged_false_comes_back(corpus):
    back = {k: _verdicts(corpus)[k][1] for k in _loud_findings(corpus) if _verdicts(corpus).get(k, ("",))[0] == "false"}
    assert not back, back


@pytest.mark.parametrize("corpus", [pytest.param(c, marks=_needs(c)) for c in CORPORA])
def test_no_verdict_is_stale(corpus):
    stale = [k for k, (verdict, _) in _verdicts(corpus).items()
             if verdict != "false" and k not in _loud_findings(corpus)]
    assert not stale, f"no longer raised; delete these rows from tests/verdicts/{corpus}.tsv: {stale}"


@pytest.mark.parametrize("corpus", [pytest.param(c, marks=_needs(c)) for c in CORPORA])
def test_precision_is_at_least_90_percent_with_at_most_5_percent_false(corpus):
    found, judged = _loud_findings(corpus), _verdicts(corpus)
    verdicts = [judged[k][0] for k in found if k in judged]
    if verdicts:
        assert verdicts.count("true") >= 0.9 * len(verdicts), precision_line(corpus)
        assert verdicts.count("false") <= 0.05 * len(verdicts), precision_line(corpus)


@pytest.mark.parametrize("corpus", [pytest.param(c, marks=_needs(c)) for c in CORPORA])
def test_the_readme_reports_the_measured_precision(corpus):
    line = precision_line(corpus)
    assert line in (ROOT / "README.md").read_text(), f"update the README's precision line to: {line}"
