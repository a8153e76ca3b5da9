"""Inline suppressions: trailing, line above (key and subtree), blocks, whole file, unused ones."""

from __future__ import annotations

import os

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
