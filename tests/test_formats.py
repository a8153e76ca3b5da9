"""Output formats: concise, sarif, github, junit, gitlab, azure.

Golden files: the configs in tests/golden/formats/inputs/ go through the real engine and every
format's output is compared with tests/golden/formats/<format>.*. After an intended change (a
rule's message, a catalogue text, a format), regenerate them and review the diff:

    STEPLINT_UPDATE_GOLDEN=1 python -m pytest tests/test_formats.py

The SARIF output is validated against the OASIS SARIF 2.1.0 schema vendored in
tests/schemas/ (CI has no network; see tests/schemas/README.md for its source).
"""

from __future__ import annotations

import io
import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import steplint
from steplint.catalogue import RuleDoc
from steplint.engine import check_bytes
from steplint.values import FileResult, Options
from steplint.findings import Finding, Severity
from steplint.report import FORMATS, Summary, make_reporter
from steplint.report import sarif as sarif_module
from steplint.report.concise import ConciseReporter
from steplint.report.github import GithubReporter, escape_data, escape_property
from steplint.report.azure import AzureReporter
from steplint.report.gitlab import GitlabReporter
from steplint.report.junit import JunitReporter
from steplint.report.sarif import SarifReporter, rule_descriptor

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden" / "formats"
INPUTS = GOLDEN / "inputs"
SCHEMA = ROOT / "tests" / "schemas" / "sarif-2.1.0.json"
UPDATE = bool(os.environ.get("STEPLINT_UPDATE_GOLDEN"))


# --- helpers -------------------------------------------------------------------------------------

@pytest.fixture(autouse=True)
def in_tmp(tmp_path, monkeypatch):
    """Reported paths are relative to the working directory: run in an empty one by default."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)


@pytest.fixture
def in_root(monkeypatch):
    """Paths are reported relative to the working directory: make it the repository root, and pin
    what would otherwise change the golden files with every release."""
    monkeypatch.chdir(ROOT)
    monkeypatch.setattr(steplint, "__version__", "0.0.0-golden")
    monkeypatch.setattr(sarif_module, "_information_uri", lambda: "https://steplint.invalid/")
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)


def golden_results() -> list[FileResult]:
    return [check_bytes(p.relative_to(ROOT).as_posix(), p.read_bytes(), Options())
            for p in sorted(INPUTS.iterdir()) if p.is_file()]


def render(reporter, results: list[FileResult], out: io.StringIO) -> str:
    summary = Summary()
    for result in results:
        summary.add(result)
        reporter.file(result)
    reporter.finish(summary)
    return out.getvalue()


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.write_text(text, encoding="utf-8", newline="\n")
        return
    assert path.is_file(), f"{path} is missing: run STEPLINT_UPDATE_GOLDEN=1 python -m pytest tests/test_formats.py"
    expected = path.read_text(encoding="utf-8")
    assert text == expected, (f"{name} differs from its golden file; if the change is intended, regenerate with "
                              f"STEPLINT_UPDATE_GOLDEN=1 python -m pytest tests/test_formats.py and review the diff")


def finding(line=1, rule="SL201", severity=Severity.WARNING, message="m", key_path="run.total_steps",
            path="conf.yaml", column=3, end_line=None, end_column=None, related=()) -> Finding:
    return Finding(path, line, column, end_line or line, end_column or column + 5, rule, "total-steps-mismatch",
                   severity, message, key_path, list(related))


def sarif_validator():
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    return jsonschema.Draft4Validator(schema)


def assert_valid_sarif(document: dict) -> None:
    errors = sorted(sarif_validator().iter_errors(document), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors[:10])


# --- golden files --------------------------------------------------------------------------------

def test_golden_inputs_cover_every_severity_and_a_clean_file(in_root):
    results = golden_results()
    severities = {f.severity for r in results for f in r.findings}
    assert severities == set(Severity)
    assert any(not r.findings for r in results)
    assert any(f.related for r in results for f in r.findings)


def test_golden_concise(in_root):
    out = io.StringIO()
    check_golden("concise.txt", render(ConciseReporter(out), golden_results(), out))


def test_golden_sarif(in_root):
    out = io.StringIO()
    text = render(SarifReporter(out), golden_results(), out)
    assert_valid_sarif(json.loads(text))
    # the checkout's own folder differs from machine to machine
    check_golden("sarif.json", text.replace(ROOT.as_uri() + "/", "file:///checkout/"))


def test_golden_github(in_root, tmp_path):
    out, summary_file = io.StringIO(), tmp_path / "summary.md"
    check_golden("github.txt", render(GithubReporter(out, step_summary=str(summary_file)), golden_results(), out))
    check_golden("github-summary.md", summary_file.read_text(encoding="utf-8"))


def test_golden_junit(in_root):
    out = io.StringIO()
    text = render(JunitReporter(out), golden_results(), out)  # each result fails at WARNING, Options' default
    ET.fromstring(text.encode("utf-8"))
    check_golden("junit.xml", text)


def test_golden_gitlab(in_root):
    out = io.StringIO()
    check_golden("gitlab.json", render(GitlabReporter(out), golden_results(), out))


def test_golden_azure(in_root):
    out = io.StringIO()
    check_golden("azure.txt", render(AzureReporter(out), golden_results(), out))


def test_the_format_registry_and_the_reporter_modules_agree():
    import codecs
    import inspect

    from steplint import output_encoding  # noqa: F401 - registers steplint's codec error handlers
    from steplint.report import _FORMATS, ReportOptions, encoding_fallback

    modules = {p.stem for p in (ROOT / "src" / "steplint" / "report").glob("*.py") if not p.stem.startswith("_")}
    assert {module for module, *_ in _FORMATS.values()} == modules  # every module registered, once
    for name in FORMATS:
        reporter = make_reporter(name, io.StringIO(), ReportOptions())
        assert hasattr(reporter, "file") and hasattr(reporter, "finish")
        accepted = set(inspect.signature(type(reporter).__init__).parameters) - {"self", "out"}
        assert set(_FORMATS[name][2]) <= accepted, name  # the options the table passes exist
        assert codecs.lookup_error(encoding_fallback(name))
    assert isinstance(make_reporter("sarif", io.StringIO()), SarifReporter)
    assert isinstance(make_reporter("junit", io.StringIO(), ReportOptions()), JunitReporter)


def test_every_format_through_the_command_line(in_root):
    from click.testing import CliRunner

    from steplint import cli

    for name in FORMATS:
        result = CliRunner().invoke(cli.main, ["check", "--isolated", "--format", name, str(INPUTS.relative_to(ROOT))],
                                    catch_exceptions=False)
        assert result.exit_code == 1, (name, result.output)
        if name in ("json", "sarif", "gitlab"):
            json.loads(result.stdout)
        elif name == "junit":
            ET.fromstring(result.stdout.encode("utf-8"))
        assert "SL203" in result.output


# --- concise -------------------------------------------------------------------------------------

def test_concise_lines_and_count():
    out = io.StringIO()
    text = render(ConciseReporter(out), [FileResult("a.yaml", findings=[
        finding(line=2, message="first", path="a.yaml"),
        finding(line=5, rule="SL203", severity=Severity.ERROR, message="two\nlines", path="a.yaml")])], out)
    assert text == ("a.yaml:2:3: SL201 first\n"  # the path given to the engine, ruff's order
                    "a.yaml:5:3: SL203 two lines\n"
                    "Found 2 findings (1 error, 1 warning).\n")


def test_concise_is_silent_when_clean_or_quiet():
    out = io.StringIO()
    assert render(ConciseReporter(out), [FileResult("a.yaml")], out) == ""
    out = io.StringIO()
    assert render(ConciseReporter(out, quiet=True), [FileResult("a.yaml", findings=[finding()])], out) == \
        "conf.yaml:1:3: SL201 m\n"


# --- sarif ---------------------------------------------------------------------------------------

def sarif_of(results) -> dict:
    out = io.StringIO()
    return json.loads(render(SarifReporter(out), results, out))


def test_sarif_has_what_github_code_scanning_needs(in_root):
    document = sarif_of(golden_results())
    assert document["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert document["version"] == "2.1.0" and len(document["runs"]) == 1
    run = document["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "steplint" and driver["version"] and driver["informationUri"]
    rules = driver["rules"]
    for rule in rules:
        assert rule["id"].startswith("SL") and rule["name"]
        assert 0 < len(rule["shortDescription"]["text"]) <= 1024
        assert 0 < len(rule["fullDescription"]["text"]) <= 1024
        assert rule["help"]["text"] and rule["help"]["markdown"].startswith(f"**{rule['id']} ")
        assert rule["defaultConfiguration"]["level"] in ("error", "warning", "note")
        assert rule["properties"]["tags"] and rule["properties"]["precision"] in ("very-high", "high", "medium", "low")
    assert run["invocations"][0]["executionSuccessful"] is True
    assert run["results"]
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in ("error", "warning", "note") and result["message"]["text"]
        physical = result["locations"][0]["physicalLocation"]
        uri = physical["artifactLocation"]["uri"]
        assert uri.startswith("tests/golden/formats/inputs/") and "\\" not in uri
        assert set(physical["region"]) == {"startLine", "startColumn", "endLine", "endColumn"}
        assert result["partialFingerprints"]
    levels = {r["level"] for r in run["results"]}
    assert levels == {"error", "warning", "note"}


def test_sarif_related_locations_point_at_the_other_keys(in_root):
    document = sarif_of(golden_results())
    result = next(r for r in document["runs"][0]["results"]
                  if r["ruleId"] == "SL201" and r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                  .endswith("native.yaml"))
    related = {r["logicalLocations"][0]["fullyQualifiedName"]: r for r in result["relatedLocations"]}
    assert set(related) == {"run.epochs", "data.batch_size"}
    assert related["run.epochs"]["physicalLocation"]["region"]["startLine"] == 4
    assert related["data.batch_size"]["physicalLocation"]["region"]["startLine"] == 2


def test_sarif_related_key_that_cannot_be_found_keeps_its_logical_location():
    result = FileResult("conf.yaml", findings=[finding(related=["no.such.key"])], source={1: "a: 1"})
    document = sarif_of([result])
    related = document["runs"][0]["results"][0]["relatedLocations"]
    assert related == [{"id": 1, "message": {"text": "related key: no.such.key"},
                        "logicalLocations": [{"fullyQualifiedName": "no.such.key", "kind": "property"}]}]
    assert_valid_sarif(document)


def test_sarif_uris_relative_resolved_and_absolute_outside(tmp_path, monkeypatch):
    repo, outside = tmp_path / "repo", tmp_path / "elsewhere"
    (repo / "conf").mkdir(parents=True)
    outside.mkdir()
    (repo / "conf" / "real config.yaml").write_text("a: 1\n")
    (outside / "x.yaml").write_text("a: 1\n")
    try:
        (repo / "link.yaml").symlink_to(repo / "conf" / "real config.yaml")
    except OSError:
        pytest.skip("no symlinks here")
    monkeypatch.chdir(repo)
    reporter = SarifReporter(io.StringIO())
    inside = {"uri": "conf/real%20config.yaml", "uriBaseId": "SRCROOT"}
    assert reporter.artifact("conf/real config.yaml") == inside
    assert reporter.artifact("./conf/../conf/real config.yaml") == inside
    assert reporter.artifact("link.yaml") == inside  # symlinks resolved
    assert reporter.artifact(str(repo / "link.yaml")) == inside
    assert reporter.artifact(str(outside / "x.yaml")) == {"uri": (outside / "x.yaml").resolve().as_uri()}
    assert reporter.artifact("<stdin>") == {"uri": "%3Cstdin%3E"}


def test_sarif_fingerprint_survives_edits_elsewhere_in_the_file():
    text = (INPUTS / "native.yaml").read_text()

    def fingerprints(source: str) -> dict:
        result = check_bytes("conf.yaml", source.encode(), Options())
        document = sarif_of([result])
        return {r["ruleId"]: r["partialFingerprints"]["steplint/v1"] for r in document["runs"][0]["results"]}

    before, after = fingerprints(text), fingerprints("# a comment\n\n" + text)
    assert before == after and len(set(before.values())) == len(before)


def test_sarif_full_description_is_truncated_to_1024():
    doc = RuleDoc(code="SL999", name="long", severity=Severity.INFO, family="totals", summary="s" * 2000,
                  what="w" * 3000, why="y", use_instead="", bad=(), good=(), source=Path("x"))
    descriptor = rule_descriptor(doc)
    assert len(descriptor["shortDescription"]["text"]) == 1024
    assert len(descriptor["fullDescription"]["text"]) == 1024
    assert descriptor["fullDescription"]["text"].endswith("…")
    assert descriptor["defaultConfiguration"]["level"] == "note"


def test_sarif_unreadable_file_marks_the_run_unsuccessful():
    document = sarif_of([FileResult("gone.yaml", error="gone.yaml: cannot read: Permission denied"),
                         FileResult("ok.yaml", findings=[finding(path="ok.yaml")])])
    invocation = document["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    assert invocation["toolExecutionNotifications"][0]["message"]["text"].endswith("Permission denied")
    assert len(document["runs"][0]["results"]) == 1
    assert_valid_sarif(document)


def test_sarif_without_findings_is_valid():
    document = sarif_of([FileResult("ok.yaml")])
    assert document["runs"][0]["results"] == [] and document["runs"][0]["tool"]["driver"]["rules"] == []
    assert_valid_sarif(document)


def test_sarif_escaping_survives_json():
    message = 'say "50%": a, b\nnext <line> \\ \u2028 é'
    document = sarif_of([FileResult("ok.yaml", findings=[finding(message=message)])])
    assert document["runs"][0]["results"][0]["message"]["text"] == message
    assert_valid_sarif(document)


# --- github --------------------------------------------------------------------------------------

def github_of(results, **kwargs) -> str:
    out = io.StringIO()
    return render(GithubReporter(out, **kwargs), results, out)


def test_github_escaping():
    assert escape_data("50% done\r\nnext: a, b") == "50%25 done%0D%0Anext: a, b"
    assert escape_property("a:b,c%d\ne") == "a%3Ab%2Cc%25d%0Ae"


def test_github_annotation_escapes_message_and_properties():
    result = FileResult("we:ird,dir/c.yaml", findings=[finding(
        path="we:ird,dir/c.yaml", severity=Severity.ERROR, message="100% wrong: a, b\n::error::injected")])
    text = github_of([result], step_summary="")
    assert text == ("::error file=we%3Aird%2Cdir/c.yaml,line=1,endLine=1,col=3,endColumn=8,title=steplint (SL201)"
                    "::100%25 wrong: a, b%0A::error::injected\n")
    assert len(text.splitlines()) == 1  # a newline in a message can never start a new command


def test_github_levels_and_multiline_ranges():
    results = [FileResult("c.yaml", findings=[
        finding(line=1, severity=Severity.INFO, path="c.yaml"),
        finding(line=2, severity=Severity.WARNING, path="c.yaml", end_line=4, end_column=2)])]
    lines = github_of(results, step_summary="").splitlines()
    assert lines[0] == "::warning file=c.yaml,line=2,endLine=4,title=steplint (SL201)::m"  # no columns over lines
    assert lines[1].startswith("::notice file=c.yaml,line=1,endLine=1,col=3,endColumn=8,")


def test_github_at_most_10_errors_and_10_warnings_then_a_notice():
    findings = ([finding(line=i, severity=Severity.ERROR, path="c.yaml") for i in range(1, 16)] +
                [finding(line=i, severity=Severity.WARNING, path="c.yaml") for i in range(20, 32)] +
                [finding(line=i, severity=Severity.INFO, path="c.yaml") for i in range(40, 43)])
    lines = github_of([FileResult("c.yaml", findings=findings)], step_summary="").splitlines()
    errors = [l for l in lines if l.startswith("::error ")]
    warnings = [l for l in lines if l.startswith("::warning ")]
    notices = [l for l in lines if l.startswith("::notice ")]
    assert len(errors) == 10 and len(warnings) == 10 and len(notices) == 4  # 3 infos + the one about the rest
    assert lines[:10] == errors and [int(l.split("line=")[1].split(",")[0]) for l in errors] == list(range(1, 11))
    assert "7 more findings not annotated (5 errors, 2 warnings)" in notices[-1]
    rest = lines[lines.index(notices[-1]) + 1:]
    assert len(rest) == 7 and rest[0] == "error: c.yaml:11:3: SL201 m"
    assert all(not l.startswith("::") for l in rest)


def test_github_notice_limit_keeps_room_for_the_summary_notice():
    findings = [finding(line=i, severity=Severity.INFO, path="c.yaml") for i in range(1, 13)]
    lines = github_of([FileResult("c.yaml", findings=findings)], step_summary="").splitlines()
    assert sum(l.startswith("::notice ") for l in lines) == 10
    assert "3 more findings not annotated (3 infos)" in lines[9]
    exactly = [finding(line=i, severity=Severity.INFO, path="c.yaml") for i in range(1, 11)]
    lines = github_of([FileResult("c.yaml", findings=exactly)], step_summary="").splitlines()
    assert len(lines) == 10 and all(l.startswith("::notice file=") for l in lines)


def test_github_step_summary_from_the_environment(tmp_path, monkeypatch):
    summary_file = tmp_path / "summary.md"
    summary_file.write_text("earlier step\n")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary_file))
    out = io.StringIO()
    reporter = make_reporter("github", out)
    findings = [finding(line=i, severity=Severity.ERROR, message=f"bad | pipe <b>{i}</b>\nsecond") for i in range(12)]
    render(reporter, [FileResult("conf.yaml", findings=findings)], out)
    table = summary_file.read_text()
    assert table.startswith("earlier step\n### steplint: 12 findings (12 errors) in 1 file\n")  # appended
    rows = [l for l in table.splitlines() if l.startswith("| error |")]
    assert len(rows) == 12  # every finding, also the ones not annotated
    assert "bad \\| pipe &lt;b&gt;0&lt;/b&gt;<br>second" in rows[0]
    assert "(all are in the job summary)" in out.getvalue()


def test_github_step_summary_when_clean(tmp_path):
    summary_file = tmp_path / "summary.md"
    assert github_of([FileResult("a.yaml"), FileResult("b.yaml")], step_summary=str(summary_file)) == ""
    assert summary_file.read_text() == "### steplint: no findings in 2 files\n\n"


def test_github_unwritable_step_summary_is_not_fatal(tmp_path, capsys):
    text = github_of([FileResult("c.yaml", findings=[finding()])], step_summary=str(tmp_path / "no" / "dir.md"))
    assert text.startswith("::warning ")
    assert "cannot write the job summary" in capsys.readouterr().err


# --- junit ---------------------------------------------------------------------------------------

def junit_of(results) -> ET.Element:
    out = io.StringIO()
    text = render(JunitReporter(out), results, out)
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    return ET.fromstring(text.encode("utf-8"))  # well-formed, or this raises


def test_junit_structure_and_counts():
    root = junit_of([
        FileResult("a.yaml", findings=[finding(path="a.yaml", severity=Severity.ERROR, message='x < y & "z"'),
                                       finding(path="a.yaml", line=4, key_path="")]),
        FileResult("clean.yaml"),
        FileResult("gone.yaml", error="gone.yaml: cannot read: Permission denied")])
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("4", "2", "1")
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == ["a.yaml", "clean.yaml", "gone.yaml"]
    assert (suites[0].get("tests"), suites[0].get("failures")) == ("2", "2")
    first, second = suites[0].findall("testcase")
    assert first.get("name") == "SL201 total-steps-mismatch: run.total_steps"
    assert second.get("name") == "SL201 total-steps-mismatch: 4:3"
    assert (first.get("classname"), first.get("file"), first.get("line")) == ("a.yaml", "a.yaml", "1")
    failure = first.find("failure")
    assert failure.get("message") == 'x < y & "z"' and failure.get("type") == "SL201"
    assert failure.text == 'a.yaml:1:3: SL201 [error] x < y & "z"'
    clean = suites[1].findall("testcase")
    assert len(clean) == 1 and list(clean[0]) == []  # one passing testcase
    assert suites[2].find("testcase/error").get("message").endswith("Permission denied")


def test_junit_findings_below_the_fail_level_pass():
    root = junit_of([FileResult("a.yaml", findings=[finding(severity=Severity.INFO),
                                                    finding(line=2, severity=Severity.ERROR)],
                                fail_on=Severity.WARNING)])
    cases = root.findall("testsuite/testcase")
    assert cases[0].find("failure") is None and "SL201 [info]" in cases[0].find("system-out").text
    assert cases[1].find("failure") is not None
    assert root.get("failures") == "1" and root.get("tests") == "2"


def test_junit_control_characters_and_newlines_stay_well_formed():
    message = "tab\there\x00nul\x1bescape\nnewline \ud800 surrogate ]]> end"
    root = junit_of([FileResult("a\x01.yaml", findings=[finding(path="a\x01.yaml", message=message)])])
    failure = root.find("testsuite/testcase/failure")
    assert failure.get("message") == "tab\there\ufffdnul\ufffdescape\nnewline \ufffd surrogate ]]> end"


# --- gitlab --------------------------------------------------------------------------------------

def gitlab_of(results) -> list:
    out = io.StringIO()
    return json.loads(render(GitlabReporter(out), results, out))


def test_gitlab_fields_and_severities():
    issues = gitlab_of([FileResult("c.yaml", findings=[
        finding(severity=Severity.ERROR, path="c.yaml"), finding(line=2, severity=Severity.WARNING, path="c.yaml"),
        finding(line=3, severity=Severity.INFO, path="c.yaml", end_line=5, end_column=1)])])
    assert [i["severity"] for i in issues] == ["major", "minor", "info"]
    first = issues[0]
    assert set(first) == {"description", "check_name", "fingerprint", "severity", "location"}
    assert first["check_name"] == "SL201" and first["description"] == "SL201 m"
    assert first["location"] == {"path": "c.yaml", "positions": {"begin": {"line": 1, "column": 3},
                                                                 "end": {"line": 1, "column": 8}}}
    assert issues[2]["location"]["positions"]["end"] == {"line": 5, "column": 1}


def test_gitlab_fingerprints_unique_and_stable():
    same = finding(path="c.yaml")
    results = [FileResult("c.yaml", findings=[same, finding(path="c.yaml"), finding(path="c.yaml", line=2),
                                              finding(path="c.yaml", message="other"),
                                              finding(path="c.yaml", key_path="run.epochs")]),
               FileResult("d.yaml", findings=[finding(path="d.yaml")])]
    first = [i["fingerprint"] for i in gitlab_of(results)]
    assert len(set(first)) == len(first) == 6  # identical findings still get distinct fingerprints
    assert first == [i["fingerprint"] for i in gitlab_of(results)]


def test_gitlab_empty_report_is_an_empty_array():
    assert gitlab_of([FileResult("c.yaml")]) == []


# --- azure ---------------------------------------------------------------------------------------

def test_azure_escapes_properties_and_data_and_keeps_infos_out_of_issues():
    out = io.StringIO()
    reporter = AzureReporter(out, base="/nowhere")
    reporter.file(FileResult("/nowhere/odd;dir]/c.yaml", findings=[
        Finding("/nowhere/odd;dir]/c.yaml", 3, 5, 3, 9, "SL203", "warmup-exceeds-run", Severity.ERROR,
                "100% of the run\nand more; [x]", "a"),
        Finding("/nowhere/odd;dir]/c.yaml", 4, 1, 4, 2, "SL201", "total-steps-mismatch", Severity.INFO,
                "unknown key '##vso[task.setvariable variable=x]1' and '##[error]boom'", "b")]))
    reporter.finish(Summary())
    issue, info = out.getvalue().splitlines()
    assert issue == ("##vso[task.logissue type=error;sourcepath=odd%3Bdir%5D/c.yaml;linenumber=3;columnnumber=5;"
                     "code=SL203;]100%AZP25 of the run%0Aand more; [x]")
    # the agent runs a ##vso[ command found anywhere in a line: one from a config's key name must not run
    assert info.startswith("info: odd;dir]/c.yaml:4:1: SL201 ") and "##vso[" not in info and "##[" not in info


def test_azure_is_the_default_inside_azure_pipelines(tmp_path):
    from click.testing import CliRunner

    from steplint import cli

    (tmp_path / "c.yaml").write_text("steplint: 1\ndata: {train_size: 1000, batch_size: 10}\nrun: {epochs: 2}\n"
                                     "schedule: {warmup: 500 steps}\n")
    env = {"TF_BUILD": "True", "GITHUB_ACTIONS": None, "PRE_COMMIT": None}
    result = CliRunner(env=env).invoke(cli.main, ["check", "--isolated", str(tmp_path / "c.yaml")])
    assert result.exit_code == 1 and result.stdout.startswith("##vso[task.logissue type=warning;"), result.output


@pytest.mark.parametrize("where", ["repository root", "a sub-folder", "outside the repository"])
def test_sarif_uris_are_relative_to_the_repository_root_wherever_steplint_runs(tmp_path, monkeypatch, where):
    from click.testing import CliRunner

    from steplint import cli

    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)  # what `git init` leaves; steplint does not run git
    (repo / "configs" / "vision").mkdir(parents=True)
    config = repo / "configs" / "vision" / "bad.yaml"
    config.write_text((INPUTS / "native.yaml").read_text())
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    cwd = {"repository root": repo, "a sub-folder": repo / "configs", "outside the repository": elsewhere}[where]
    monkeypatch.chdir(cwd)
    result = CliRunner().invoke(cli.main, ["check", "--isolated", "--format", "sarif", os.path.relpath(config, cwd)])
    document = json.loads(result.output)
    run = document["runs"][0]
    assert run["originalUriBaseIds"] == {"SRCROOT": {"uri": repo.resolve().as_uri() + "/"}}
    locations = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]}
    bases = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"] for r in run["results"]}
    assert locations == {"configs/vision/bad.yaml"} and bases == {"SRCROOT"}
    assert_valid_sarif(document)


def test_sarif_uris_are_relative_to_the_config_files_folder_with_config(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from steplint import cli

    project = tmp_path / "project"
    (project / "configs").mkdir(parents=True)
    (project / "steplint.toml").write_text("")
    (project / "configs" / "bad.yaml").write_text((INPUTS / "native.yaml").read_text())
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli.main, ["check", "--config", "project/steplint.toml", "--format", "sarif",
                                           "project/configs/bad.yaml"])
    run = json.loads(result.output)["runs"][0]
    assert run["originalUriBaseIds"]["SRCROOT"]["uri"] == project.resolve().as_uri() + "/"
    assert {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]} \
        == {"configs/bad.yaml"}
