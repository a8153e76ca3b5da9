"""The command line: exit codes 0/1/2, the JSON contract, options, and the other commands."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from steplint import __version__, cli

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
    monkeypatch.setattr(cli, "_read", refuse)
    result = CliRunner(mix_stderr=False).invoke(cli.main, ["check", str(files / "clean.yaml")]) \
        if "mix_stderr" in CliRunner.__init__.__code__.co_varnames else CliRunner().invoke(
            cli.main, ["check", str(files / "clean.yaml")])
    assert result.exit_code == 2
    assert "cannot read: Permission denied" in result.output + (result.stderr if result.stderr_bytes else "")


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
