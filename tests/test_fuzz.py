"""Mutation fuzzing of the whole engine: real configs, damaged, must never raise.

Seeds are every file in sample_configs/ and, when ../shared/corpus is present, a fixed sample of
the corpus (one file in CORPUS_STRIDE, in MANIFEST order). Each example takes a seed and applies a
few mutations: byte flips, truncation, deleting, duplicating, swapping or re-indenting lines, and
inserting tabs, anchors and aliases, merge keys, tags (`!!python/...` included), brackets, quotes,
document markers, NUL bytes, odd line breaks, references (`${...}`) and extreme numbers. The
result runs in-process through `steplint.engine.check_bytes`, detected or forced into every
dialect, and must come back as a FileResult whose plan and findings serialise to JSON, never as
an exception.

The default budget is small so the suite stays fast, and is derandomised so CI is deterministic.
A long run explores with fresh randomness:

    STEPLINT_FUZZ_EXAMPLES=20000 python -m pytest tests/test_fuzz.py

(add `-x --hypothesis-show-statistics` to stop at the first failure and see what ran; hypothesis
prints the failing seed and mutations, shrunk, as a reproducible example).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from steplint.frameworks import DIALECTS
from steplint.engine import check_bytes
from steplint.values import Options
from steplint.plan import Context

from .conftest import CORPUS

ROOT = Path(__file__).resolve().parents[1]
LONG_RUN = os.environ.get("STEPLINT_FUZZ_EXAMPLES")
EXAMPLES = int(LONG_RUN or 250)
CORPUS_STRIDE = 12  # ~70 of the ~880 corpus files
MAX_SEED_BYTES = 64 * 1024


def _seeds() -> list[tuple[str, bytes]]:
    paths = sorted(p for p in (ROOT / "sample_configs").rglob("*") if p.is_file())
    manifest = CORPUS / "MANIFEST.tsv"
    if manifest.is_file():
        rows = [line.split("\t")[0] for line in manifest.read_text().splitlines()[1:] if line.strip()]
        paths += [CORPUS / row for row in rows[::CORPUS_STRIDE]]
    seeds = []
    for path in paths:
        try:
            raw = path.read_bytes()
        except OSError:
            continue
        if len(raw) <= MAX_SEED_BYTES:
            seeds.append((path.name, raw))
    return seeds


SEEDS = _seeds()

INSERTS = [
    b"\t", b"  ", b"\n", b"\r", b"\r\n", b"\xc2\x85", b"\xe2\x80\xa8", b"\x00", b"\xff", b"\xef\xbb\xbf",
    b"&a ", b"*a", b"&b ", b"*b", b"<<: *a\n", b"- *a\n", b"{", b"}", b"[", b"]", b",", b":", b": ", b"- ",
    b"? ", b"'", b'"', b"#", b"|\n", b">-\n", b"---\n", b"...\n", b"%YAML 1.1\n", b"!!python/object/apply:os.system ",
    b"!!python/name:os.system ", b"!!int ", b"!!float ", b"!!str ", b"!!binary ", b"!!map ", b"!!seq ", b"!foo ",
    b"!<tag:yaml.org,2002:int> ", b"${", b"${epochs}", b"${..batch_size}", b"${oc.env:HOME}", b"${a.b.c}",
    b"0", b"-1", b"1e308", b".inf", b"-.inf", b".nan", b"123456789012345678901234567890", b"0x" + b"f" * 200,
    b"1:2:3", b"true", b"null", b"~", b"epochs: ", b"max_steps: ", b"batch_size: ", b"warmup_steps: ",
    b"drop_last: ", b"save_steps: ", b"gradient_accumulation_steps: ", b"  epochs: 0\n", b"steplint: 1\n",
    b"# steplint: ignore[SL201]\n", b"# steplint: disable\n", b"# steplint: enable\n",
]
NUMBERS = [b"0", b"-1", b"1", b"2", b"1e308", b".inf", b".nan", b"-0.0", b"0.5", b"99999999999999999999999",
           b"2e0", b"0o17", b"0x10", b"1_000", b"'3'", b"[]", b"{}", b"~", b"auto", b"1:30"]
_NUMBER = re.compile(rb"(?<![\w.])\d+(?:\.\d+)?(?:e[+-]?\d+)?(?![\w.])")


@st.composite
def mutations(draw, raw: bytes) -> bytes:
    data = bytearray(raw)
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["flip", "truncate", "delete_line", "duplicate_line", "swap_lines", "indent",
                                     "insert", "insert_at_line", "number", "repeat"]))
        size = len(data)
        if kind == "flip" and size:
            at = draw(st.integers(0, size - 1))
            data[at] ^= draw(st.integers(1, 255))
        elif kind == "truncate" and size:
            del data[draw(st.integers(0, size - 1)):]
        elif kind in ("delete_line", "duplicate_line", "swap_lines", "indent", "insert_at_line", "repeat"):
            lines = bytes(data).split(b"\n")
            i = draw(st.integers(0, len(lines) - 1))
            if kind == "delete_line":
                del lines[i]
            elif kind == "duplicate_line":
                lines.insert(i, lines[i])
            elif kind == "swap_lines":
                j = draw(st.integers(0, len(lines) - 1))
                lines[i], lines[j] = lines[j], lines[i]
            elif kind == "indent":
                lines[i] = draw(st.sampled_from([b" ", b"  ", b"\t", b"    "])) + lines[i] \
                    if draw(st.booleans()) else lines[i].lstrip()
            elif kind == "repeat":  # a block of lines many times over: duplicate keys, size
                j = min(len(lines), i + draw(st.integers(1, 5)))
                lines[i:j] = lines[i:j] * draw(st.integers(2, 50))
            else:
                lines.insert(i, draw(st.sampled_from(INSERTS)).rstrip(b"\n"))
            data = bytearray(b"\n".join(lines))
        elif kind == "number":
            spans = [m.span() for m in _NUMBER.finditer(bytes(data))]
            if spans:
                start, end = draw(st.sampled_from(spans))
                data[start:end] = draw(st.sampled_from(NUMBERS))
        else:  # insert
            at = draw(st.integers(0, size))
            data[at:at] = draw(st.sampled_from(INSERTS))
    return bytes(data)


@st.composite
def fuzz_inputs(draw):
    name, raw = draw(st.sampled_from(SEEDS))
    return name, draw(mutations(raw))


FUZZ = settings(deadline=None, max_examples=EXAMPLES, derandomize=not LONG_RUN, database=None if not LONG_RUN
                else settings.default.database, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@pytest.mark.skipif(not SEEDS, reason="no seed configs found")
@FUZZ
@given(case=fuzz_inputs(), dialect=st.sampled_from([None, None, None, *DIALECTS]),
       dataset_size=st.sampled_from([None, None, 1, 7, 50_000, 2**53]), world_size=st.sampled_from([None, 1, 3, 64]))
def test_mutated_real_configs_never_raise(case, dialect, dataset_size, world_size):
    name, raw = case
    options = Options(context=Context(dataset_size=dataset_size, world_size=world_size), dialect=dialect)
    result = check_bytes(name, raw, options)  # an exception here is the bug
    json.dumps(result.plan, allow_nan=False, default=str)  # what the JSON report will write
    for finding in result.findings:
        json.dumps(finding.to_dict(), allow_nan=False)
        assert finding.line >= 1 and finding.column >= 1 and finding.end_line >= finding.line
        assert re.fullmatch(r"SL\d{3}", finding.rule) and finding.message


def test_the_seeds_are_real_configs():
    assert len(SEEDS) >= 15
    if (CORPUS / "MANIFEST.tsv").is_file():
        assert len(SEEDS) >= 60


@pytest.mark.skipif(not SEEDS, reason="no seed configs found")
@settings(deadline=None, max_examples=max(EXAMPLES // 5, 40), derandomize=not LONG_RUN, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(cases=st.lists(fuzz_inputs(), min_size=1, max_size=3))
def test_every_report_format_renders_fuzzed_results(cases, monkeypatch_env):
    """The reporters read back the findings, the source lines and (SARIF) the text: none may raise,
    and the machine-readable ones stay parseable."""
    import io
    import xml.etree.ElementTree as ElementTree

    from steplint.report import FORMATS, ReportOptions, Summary, make_reporter

    results = [check_bytes(f"configs/{i}-{name}", raw, Options()) for i, (name, raw) in enumerate(cases)]
    for output_format in FORMATS:
        out = io.StringIO()
        reporter = make_reporter(output_format, out, ReportOptions(color=output_format == "text"))
        summary = Summary()
        for result in results:
            summary.add(result)
            reporter.file(result)
        reporter.finish(summary)
        text = out.getvalue()
        if output_format in ("json", "sarif", "gitlab"):
            json.loads(text)
        elif output_format == "junit":
            ElementTree.fromstring(text.encode("utf-8"))


@pytest.fixture(scope="module")
def monkeypatch_env():
    """No GitHub step summary file is appended to while fuzzing the github format."""
    saved = os.environ.pop("GITHUB_STEP_SUMMARY", None)
    yield
    if saved is not None:
        os.environ["GITHUB_STEP_SUMMARY"] = saved
