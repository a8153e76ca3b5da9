"""Inline suppressions: trailing, line above (key and subtree), blocks, whole file, unused ones."""

from __future__ import annotations

import os

import pytest

from click.testing import CliRunner

from steplint import cli

from .conftest import lint

BASE = "steplint: 1\ndata: {train_size: 50000, batch_size: 256}\n"


def rules(result):
    return [(f.rule, f.line) for f in result.findings]


def test_trailing_comment_suppresses_that_key():
    result = lint(BASE + "run:\n  epochs: 90\n  total_steps: 20000  # steplint: ignore[SL201] -- sized by hand\n")
    assert rules(result) == [] and result.suppressed == 1


def test_comment_on_the_line_above_covers_the_key_and_its_subtree():
    text = BASE + "run:\n  epochs: 90\n  total_steps: 20000\n# steplint: ignore[SL204, warmup-exceeds-run]\nschedule:\n" \
                  "  warmup: 20000 steps\ncheckpoint: 30000 steps\n"
    result = lint(text)
    assert rules(result) == [("SL201", 5), ("SL204", 9)]  # the comment covers schedule.*, not checkpoint


def test_disable_enable_block_and_name_selectors():
    text = BASE + "# steplint: disable[total-steps-mismatch]\nrun:\n  epochs: 90\n  total_steps: 20000\n" \
                  "# steplint: enable[total-steps-mismatch]\ncheckpoint: 30000 steps\n"
    assert rules(lint(text)) == [("SL204", 8)]


def test_file_ignore_anywhere():
    text = "# steplint: file-ignore[SL2]\n" + BASE + "run: {epochs: 90, total_steps: 20000}\n"
    assert rules(lint(text)) == []


def test_unused_suppression_is_reported_where_the_comment_is():
    result = lint(BASE + "run:\n  epochs: 90  # steplint: ignore[SL203]\n")
    assert [(f.rule, f.line, f.column) for f in result.findings] == [("SL006", 4, 15)]


def test_no_inline_ignores_for_ci(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text(BASE + "run:\n  epochs: 90\n  total_steps: 20000  # steplint: ignore[SL201]\n")
    assert CliRunner().invoke(cli.main, ["check", str(path)]).exit_code == 0
    result = CliRunner().invoke(cli.main, ["check", "--no-inline-ignores", str(path)])
    assert result.exit_code == 1 and "SL201" in result.output


def test_statistics(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text(BASE + "run: {epochs: 90, total_steps: 20000}\ncheckpoint: 30000 steps\n")
    output = CliRunner().invoke(cli.main, ["check", "-q", "--statistics", str(path)]).output
    assert "     1  SL201  total-steps-mismatch" in output and "     1  SL204  interval-exceeds-run" in output


def test_output_file_is_written_whole(tmp_path):
    path, report = tmp_path / "c.yaml", tmp_path / "report.json"
    path.write_text(BASE + "run: {epochs: 90, total_steps: 20000}\n")
    result = CliRunner().invoke(cli.main, ["check", "--format", "json", "-o", str(report), str(path)])
    assert result.exit_code == 1 and result.output == ""
    assert report.read_text().startswith("{") and not list(tmp_path.glob(".steplint-*"))
    if hasattr(os, "fchmod"):
        umask = os.umask(0)
        os.umask(umask)
        assert report.stat().st_mode & 0o777 == 0o666 & ~umask  # not mkstemp's 0600


# A suppression of a rule that is not running cannot be judged unused: the comment is still needed
# when the rule runs again (another invocation, another project config).
NEEDED = BASE + "schedule:\n  warmup: 20000 steps  # steplint: ignore[SL203] -- on purpose\nrun:\n  epochs: 90\n"


def check_codes(tmp_path, *args, config=None):
    path = tmp_path / "c.yaml"
    path.write_text(NEEDED)
    if config is not None:
        (tmp_path / "steplint.toml").write_text(config)
    result = CliRunner().invoke(cli.main, ["check", "--format", "concise", *args, str(path)])
    return result.exit_code, [line.split(": ", 1)[1] for line in result.output.splitlines() if line.startswith(str(path))]


def test_the_suppression_is_used_when_its_rule_runs(tmp_path):
    assert check_codes(tmp_path) == (0, [])


@pytest.mark.parametrize("args,config", [
    (["--ignore", "SL203"], None),
    (["--ignore", "warmup-exceeds-run"], None),
    (["--ignore", "SL2"], None),
    (["--select", "SL201,SL006"], None),
    ([], 'ignore = ["SL203"]\n'),
    ([], 'select = ["SL1", "SL006"]\n'),
    ([], '[per-file-ignores]\n"*.yaml" = ["SL203"]\n'),
    ([], '[[per-key-ignores]]\nkey = "schedule.*"\nrules = ["SL203"]\n'),
], ids=["--ignore code", "--ignore name", "--ignore prefix", "--select others", "config ignore", "config select",
        "per-file-ignores", "per-key-ignores"])
def test_a_suppression_of_a_rule_that_is_not_running_is_not_unused(tmp_path, args, config):
    assert check_codes(tmp_path, *args, config=config) == (0, [])


def test_a_suppression_of_an_unknown_rule_says_so(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text(BASE + "run:\n  epochs: 90  # steplint: ignore[SL999, no-such-rule, SL203]\n")
    output = CliRunner().invoke(cli.main, ["check", "--format", "concise", str(path)]).output
    assert f"{path}:4:15: SL006 unknown rule 'SL999', 'no-such-rule' in this suppression (see `steplint rules`)" \
        in output.splitlines()
