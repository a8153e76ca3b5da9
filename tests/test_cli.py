"""The command line: exit codes 0/1/2, the JSON contract, options, and the other commands."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from steplint import __version__, cli, runner

from .conftest import run_cli

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_configs"
CLEAN = "steplint: 1\ndata: {train_size: 50000, batch_size: 256}\nrun: {epochs: 90}\n"
WARNS = "steplint: 1\ndata: {train_size: 50000, batch_size: 256}\nrun: {epochs: 90, total_steps: 20000}\n"
ERRORS = "steplint: 1\ndata: {batch_size: 0}\n"
INFOS = "steplint: 1\ndata: {batch_size: 256}\nrun: {epochs: 90, total_steps: 20000}\n"


def run(*args, input=None, env=None):
    return CliRunner().invoke(cli.main, [str(a) for a in args], input=input, env=env, catch_exceptions=False)


@pytest.fixture
def files(tmp_path):
    for name, text in (("clean.yaml", CLEAN), ("warns.yaml", WARNS), ("errors.yaml", ERRORS), ("infos.yaml", INFOS)):
        (tmp_path / name).write_text(text)
    return tmp_path


def test_exit_0_when_clean(files):
    result = run("check", files / "clean.yaml")
    assert result.exit_code == 0 and "All checks passed" in result.output


def test_exit_1_on_findings_at_or_above_fail_level(files):
    assert run("check", files / "warns.yaml").exit_code == 1
    assert run("check", files / "warns.yaml", "--fail-on", "error").exit_code == 0
    assert run("check", files / "errors.yaml", "--fail-on", "error").exit_code == 1
    assert run("check", files / "infos.yaml").exit_code == 0
    assert run("check", files / "infos.yaml", "--fail-on", "info").exit_code == 1


def test_exit_zero_and_quiet(files):
    result = run("check", files / "errors.yaml", "--exit-zero", "--quiet")
    assert result.exit_code == 0 and "SL003" in result.output and " | " not in result.output
    assert run("check", files / "clean.yaml", "-q").output == ""


def test_syntax_error_is_a_finding_exit_1(tmp_path):
    (tmp_path / "bad.yaml").write_text("steplint: 1\nrun: {epochs: 9\n")
    result = run("check", tmp_path / "bad.yaml")
    assert result.exit_code == 1 and "SL001" in result.output


@pytest.mark.parametrize("args", [
    ("check", "does/not/exist.yaml"),
    ("check", "--select", "SL999"),
    ("check", "--ignore", "no-such-rule"),
    ("check", "--fail-on", "fatal"),
    ("check", "--dataset-size", "0"),
    ("check", "--dataset-size", "many"),
    ("check", "--bogus-option"),
    ("check", "--framework-version", "transformers"),
    ("rule", "SL999"),
    ("nope",),
])
def test_exit_2_when_steplint_cannot_do_its_job(args):
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output


def test_unreadable_file_is_exit_2_with_one_line(files, monkeypatch):
    def refuse(path):
        raise PermissionError(13, "Permission denied")
    monkeypatch.setattr(runner, "read_file", refuse)
    result = run_cli("check", files / "clean.yaml")
    assert result.exit_code == 2
    assert "cannot read: Permission denied" in result.stderr


def test_internal_error_is_exit_2_without_traceback(files, monkeypatch):
    import steplint.engine as engine

    def boom(*_a, **_k):
        raise RuntimeError("kaput")
    monkeypatch.setattr(engine, "check_bytes", boom)
    result = CliRunner().invoke(cli.main, ["check", str(files / "clean.yaml")])
    assert result.exit_code == 2
    assert "internal error: RuntimeError: kaput" in result.output and "Traceback" not in result.output


def test_json_contract(files):
    result = run("check", files, "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert set(data) == {"version", "files", "findings", "summary"} and data["version"] == 1
    assert data["summary"] == {"files": 4, "errors": 1, "warnings": 1, "infos": 1}
    entry = next(f for f in data["files"] if f["path"].endswith("clean.yaml"))
    assert entry["dialect"] == "steplint"
    for key in ("dataset_size", "world_size", "micro_batch_size", "gradient_accumulation_steps", "global_batch_size",
                "batches_per_epoch", "optimizer_steps_per_epoch", "total_optimizer_steps", "epochs", "warmup_steps",
                "last_batch_size", "samples_dropped_per_epoch", "checkpoint_count", "first_checkpoint_step",
                "eval_count", "first_eval_step"):
        assert key in entry["plan"], key
    assert entry["plan"]["total_optimizer_steps"] == 17640
    finding = next(f for f in data["findings"] if f["rule"] == "SL201" and f["severity"] == "warning")
    assert set(finding) == {"path", "line", "column", "end_line", "end_column", "rule", "name", "severity",
                            "message", "key_path", "related"}
    assert (finding["line"], finding["column"], finding["end_column"], finding["key_path"]) == (3, 19, 30, "run.total_steps")
    assert finding["name"] == "total-steps-mismatch" and "run.epochs" in finding["related"]


def test_stdin_with_filename():
    result = run("check", "-", "--stdin-filename", "configs/train.yaml", input=WARNS)
    assert result.exit_code == 1 and result.output.startswith("configs/train.yaml:3:19: SL201 [warning]")


def test_select_and_ignore_by_code_prefix_and_name(files):
    assert "SL201" not in run("check", files / "warns.yaml", "--ignore", "SL2").output
    assert run("check", files / "warns.yaml", "--ignore", "total-steps-mismatch").exit_code == 0
    assert run("check", files / "errors.yaml", "--select", "SL2,SL3").exit_code == 0


def test_context_options_fill_what_the_file_lacks(files):
    data = json.loads(run("check", files / "infos.yaml", "--dataset-size", "50000", "--world-size", "2",
                          "--format", "json").output)
    assert data["files"][0]["plan"]["batches_per_epoch"] == 98
    assert data["findings"][0]["message"].startswith("run.total_steps is 20000 but the run is 8820 steps")


def test_text_output_shows_source_line_and_caret(files):
    lines = run("check", files / "warns.yaml").output.splitlines()
    assert lines[0].endswith("run.total_steps is 20000 but the run is 17640 steps (90 epochs × 196); "
                             "196 batches per epoch (N=50000, batch 256, world 1)")
    assert lines[1] == " 3 | run: {epochs: 90, total_steps: 20000}"
    assert lines[2] == "   |                   ^^^^^^^^^^^"


def test_no_color_by_default_when_not_a_tty_and_with_no_color(files):
    assert "\x1b[" not in run("check", files / "warns.yaml").output
    assert "\x1b[" not in run("check", files / "warns.yaml", "--no-color", env={"NO_COLOR": "1"}).output


def test_version_rules_rule_dialects():
    assert run("--version").output.strip().endswith(__version__)
    listing = run("rules").output
    assert "SL203  warmup-exceeds-run" in listing
    doc = run("rule", "warmup-exceeds-run").output
    assert doc.startswith("SL203 warmup-exceeds-run") and "Why it matters" in doc and "Example (flagged)" in doc
    assert "generic" in run("dialects").output


def test_plan_command_shows_the_run(tmp_path):
    (tmp_path / "c.yaml").write_text(CLEAN)
    text = run("plan", tmp_path / "c.yaml").output
    assert "batches per epoch (per rank)" in text and "17640" in text
    data = json.loads(run("plan", tmp_path / "c.yaml", "--format", "json").output)
    assert data["plan"]["optimizer_steps_per_epoch"] == 196


def test_sample_configs_directory_reports_every_rule():
    data = json.loads(run("check", SAMPLES, "--format", "json").output)
    seen = {f["rule"] for f in data["findings"]}
    from steplint import catalogue
    core = {c for c in catalogue.load() if c < "SL400"}
    assert core <= seen, core - seen
    quiet = [f for f in data["files"] if f["path"].endswith(("seed_consistent.yaml", "github_workflow.yaml"))]
    assert len(quiet) == 2
    assert not [f for f in data["findings"] if f["path"].endswith(("seed_consistent.yaml", "github_workflow.yaml"))]


# --- a stream that cannot encode every character (Windows pipes, PYTHONIOENCODING=ascii) ---------

def spawn(*args, encoding="utf-8"):
    import subprocess
    import sys
    env = {**os.environ, "PYTHONIOENCODING": encoding, "NO_COLOR": "1"}
    env.pop("GITHUB_STEP_SUMMARY", None)
    return subprocess.run([sys.executable, "-m", "steplint", *map(str, args)], capture_output=True, env=env,
                          cwd=ROOT, timeout=120)


NARROW = [(encoding, fmt) for encoding in ("ascii", "cp1252")
          for fmt in ("text", "concise", "json", "sarif", "github", "junit", "gitlab", "azure")]


@pytest.mark.parametrize("encoding,fmt", NARROW, ids=[f"{e}-{f}" for e, f in NARROW])
def test_a_narrow_output_encoding_never_crashes_and_keeps_the_format_valid(encoding, fmt):
    import xml.etree.ElementTree as ET

    from steplint.output_encoding import ASCII_SPELLINGS

    # seed_inconsistent.yaml's messages hold ×; global_batch_mismatch.yaml's hold ≠ (not in cp1252)
    args = ("check", "--isolated", "--format", fmt, "sample_configs/seed_inconsistent.yaml",
            "sample_configs/global_batch_mismatch.yaml")
    wide, narrow = spawn(*args), spawn(*args, encoding=encoding)
    assert narrow.returncode == wide.returncode == 1, narrow.stderr
    assert narrow.stderr == b""
    text, reference = narrow.stdout.decode(encoding), wide.stdout.decode("utf-8")
    assert "≠" in reference
    if fmt in ("json", "sarif", "gitlab"):
        assert json.loads(text) == json.loads(reference)  # escaped as JSON escapes: nothing lost
    elif fmt == "junit":
        assert ET.canonicalize(text) == ET.canonicalize(reference)  # character references: nothing lost
    else:
        def spelled(ch: str) -> str:
            try:
                ch.encode(encoding)
                return ch
            except UnicodeEncodeError:
                return ASCII_SPELLINGS[ch]
        assert text == "".join(spelled(ch) for ch in reference)
        assert "1000 != micro-batch 32" in text


def test_the_plan_timeline_in_ascii():
    result = spawn("plan", "--isolated", "sample_configs/seed_consistent.yaml", encoding="ascii")
    assert result.returncode == 0, result.stderr
    text = result.stdout.decode("ascii")
    assert "9x, first at step 1960" in text and "^" in text and "#" in text


def test_rule_documentation_in_cp1252():
    result = spawn("rule", "SL303", encoding="cp1252")
    assert result.returncode == 0 and "!=" in result.stdout.decode("cp1252"), result.stderr


# --- plan resolves options as check does, and exits as check does ---------------------------------

def test_plan_reads_the_project_config_context(tmp_path):
    (tmp_path / "steplint.toml").write_text("[context]\ndataset-size = 50000\n")
    (tmp_path / "c.yaml").write_text("steplint: 1\ndata: {batch_size: 256}\nrun: {epochs: 90}\n")
    planned = json.loads(run_cli("plan", "--format", "json", tmp_path / "c.yaml").stdout)["plan"]
    checked = json.loads(run_cli("check", "--format", "json", tmp_path / "c.yaml").stdout)["files"][0]["plan"]
    assert planned == checked and planned["batches_per_epoch"] == 196 and planned["total_optimizer_steps"] == 17640
    isolated = json.loads(run_cli("plan", "--isolated", "--format", "json", tmp_path / "c.yaml").stdout)["plan"]
    assert isolated["batches_per_epoch"] is None
    (tmp_path / "other.toml").write_text("[context]\ndataset-size = 1000\n")
    other = json.loads(run_cli("plan", "--config", tmp_path / "other.toml", "--format", "json",
                               tmp_path / "c.yaml").stdout)["plan"]
    assert other["batches_per_epoch"] == 4


def test_plan_reads_the_project_framework_versions(tmp_path):
    (tmp_path / "steplint.toml").write_text('[context]\nframework-versions = {transformers = "4.46"}\n')
    (tmp_path / "c.yaml").write_text((SAMPLES / "hf" / "sft_good.yaml").read_text())
    text = run_cli("plan", tmp_path / "c.yaml").stdout
    assert "4.46" in text and text == run_cli("plan", "--framework-version", "transformers=4.46",
                                              "--isolated", tmp_path / "c.yaml").stdout


@pytest.mark.parametrize("name,text,code", [
    ("clean.yaml", CLEAN, 0),
    ("warns.yaml", WARNS, 1),
    ("broken.yaml", "steplint: 1\nrun: {epochs: 9\n", 1),
])
def test_plan_exits_as_check_does(tmp_path, name, text, code):
    (tmp_path / name).write_text(text)
    planned, checked = run_cli("plan", tmp_path / name), run_cli("check", tmp_path / name)
    assert planned.exit_code == checked.exit_code == code, (planned.stdout, planned.stderr)
    if code == 1:
        assert "(see `steplint check" in planned.stderr


def test_plan_of_a_missing_file_or_a_bad_config_is_exit_2(tmp_path):
    missing = run_cli("plan", tmp_path / "nope.yaml")
    assert missing.exit_code == 2 and "cannot read" in missing.stderr and len(missing.stderr.splitlines()) == 1
    project = tmp_path / "project"  # settings are cached per folder for the process: a fresh one
    project.mkdir()
    (project / "steplint.toml").write_text("bogus-key = 1\n")
    (project / "c.yaml").write_text(CLEAN)
    bad = run_cli("plan", project / "c.yaml")
    assert bad.exit_code == 2 and "invalid configuration" in bad.stderr


# --- bad options: exit 2, one line --------------------------------------------------------------

@pytest.mark.parametrize("args,reason", [
    (("--framework-version", "transfomers=4.46"), "unknown framework 'transfomers'; did you mean 'transformers'?"),
    (("--framework-version", "foo=1.0"), "unknown framework 'foo'"),
    (("--framework-version", "transformers=banana"), "'banana' is not a version number"),
    (("--stdin-filename", "x.yaml", "c.yaml"), "--stdin-filename names the file read from standard input"),
    (("--select", "SL999", "c.yaml"), "no rule matches 'SL999'"),
])
def test_a_bad_option_is_exit_2_with_a_one_line_reason(tmp_path, monkeypatch, args, reason):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "c.yaml").write_text(CLEAN)
    for command in ("check", "plan"):
        if command == "plan" and args[0] != "--framework-version":
            continue
        result = run_cli(command, *args, *(["c.yaml"] if command == "plan" else []))
        assert result.exit_code == 2 and result.stdout == "", result.stdout
        assert len(result.stderr.splitlines()) == 1 and reason in result.stderr, result.stderr
        assert result.stderr.startswith("steplint: ") and f"steplint {command} --help" in result.stderr


def test_an_unknown_framework_version_in_the_project_config_is_exit_2(tmp_path):
    (tmp_path / "steplint.toml").write_text('[context]\nframework-versions = {transformers = "banana"}\n')
    (tmp_path / "c.yaml").write_text(CLEAN)
    result = run_cli("check", tmp_path / "c.yaml")
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert "context.framework-versions: 'banana' is not a version number" in result.stderr


# --- --output-file that cannot be written, --debug where users type it --------------------------

@pytest.mark.parametrize("target", ["missing/folder/report.json", "a_directory"])
def test_an_unwritable_output_file_is_one_line_and_leaves_nothing_behind(tmp_path, monkeypatch, target):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a_directory").mkdir()
    (tmp_path / "c.yaml").write_text(WARNS)
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    result = run_cli("check", "--format", "json", "-o", target, "c.yaml")
    assert result.exit_code == 2 and len(result.stderr.splitlines()) == 1, result.stderr
    assert result.stderr.startswith(f"steplint: cannot write the report to {target}: ")
    assert "internal error" not in result.stderr
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before


def test_a_report_that_fails_midway_leaves_no_temporary_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "c.yaml").write_text(WARNS)

    def full_disk(*_args):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(runner.os, "replace", full_disk)
    result = run_cli("check", "-o", "report.txt", "c.yaml")
    assert result.exit_code == 2 and "No space left on device" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.yaml"]


@pytest.mark.parametrize("where", ["before the command", "after the command"])
def test_debug_shows_the_traceback_wherever_it_is_typed(files, monkeypatch, where):
    import steplint.engine as engine

    def boom(*_a, **_k):
        raise RuntimeError("kaput")
    monkeypatch.setattr(engine, "check_bytes", boom)
    args = ["--debug", "check", files / "clean.yaml"] if where == "before the command" else \
        ["check", "--debug", files / "clean.yaml"]
    result = run_cli(*args)
    assert result.exit_code == 2 and "Traceback (most recent call last)" in result.stderr
    assert "internal error: RuntimeError: kaput" in result.stderr


# --- a path that holds no config --------------------------------------------------------------

def test_a_folder_with_no_configs_says_so_on_stderr(tmp_path):
    (tmp_path / "empty_dir").mkdir()
    (tmp_path / "empty_dir" / "notes.txt").write_text("epochs: 3\n")
    result = run_cli("check", tmp_path / "empty_dir")
    assert result.exit_code == 0
    assert result.stderr == (f"steplint: warning: no config files found in {tmp_path / 'empty_dir'} "
                             "(looked for *.yaml, *.yml, *.json, *.toml)\n")
    quiet = run_cli("check", "--format", "json", tmp_path / "empty_dir")
    assert json.loads(quiet.stdout)["summary"]["files"] == 0 and "no config files found" in quiet.stderr


def test_a_folder_with_configs_says_nothing_on_stderr(files):
    assert run_cli("check", files).stderr == ""
