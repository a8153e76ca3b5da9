"""Precision: YAML and JSON that is not a training config gets no findings at all, not even info,
and real configs from public projects never crash steplint."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from steplint import cli

from .conftest import CORPUS, lint, needs_corpus

NOT_TRAINING = sorted((Path(__file__).parent / "fixtures" / "not_training").iterdir())


@pytest.mark.parametrize("path", NOT_TRAINING, ids=lambda p: p.name)
def test_files_that_are_not_training_configs_get_nothing(path):
    result = lint(path.read_bytes(), path.name)
    assert result.findings == [] and result.dialect is None


def test_not_training_files_pass_through_the_cli():
    result = CliRunner().invoke(cli.main, ["check", "--fail-on", "info", *map(str, NOT_TRAINING)])
    assert result.exit_code == 0, result.output


@needs_corpus
def test_every_corpus_file_is_checked_without_a_crash():
    result = CliRunner().invoke(cli.main, ["check", str(CORPUS), "--format", "json"], catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output[-2000:]
    data = json.loads(result.output)
    listed = sum(1 for line in (CORPUS / "MANIFEST.tsv").read_text().splitlines()[1:] if line.strip())
    assert data["summary"]["files"] == listed
    assert "Traceback" not in result.output
