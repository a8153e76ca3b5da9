"""`steplint schema` describes the native format exactly; `steplint plan` draws the run."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from steplint import cli
from steplint.planview import render_timeline

from .conftest import lint

SAMPLES = Path(__file__).resolve().parents[1] / "sample_configs"
NATIVE = sorted(p for p in SAMPLES.rglob("*.yaml") if "\nsteplint: 1" in "\n" + p.read_text())


def schema() -> dict:
    result = CliRunner().invoke(cli.main, ["schema"])
    assert result.exit_code == 0
    return json.loads(result.output)


def test_schema_is_valid_json_schema():
    jsonschema.Draft202012Validator.check_schema(schema())


def test_schema_output_file(tmp_path):
    out = tmp_path / "steplint.schema.json"
    assert CliRunner().invoke(cli.main, ["schema", "-o", str(out)]).exit_code == 0
    assert json.loads(out.read_text()) == schema()


@pytest.mark.parametrize("path", NATIVE, ids=lambda p: p.name)
def test_schema_accepts_exactly_the_native_samples_steplint_reads_without_file_errors(path):
    """The editor's verdict (schema) and steplint's own (SL001-SL004) agree on every native sample."""
    try:
        data = yaml.safe_load(path.read_text())
    except yaml.YAMLError:
        pytest.skip("not YAML (the SL001 sample)")
    errors = list(jsonschema.Draft202012Validator(schema()).iter_errors(data))
    file_findings = [f for f in lint(path.read_text(), path.name).findings if f.rule in ("SL002", "SL003", "SL004")]
    duplicate_only = file_findings and all(f.rule == "SL002" for f in file_findings)  # YAML hides those from both
    assert bool(errors) == (bool(file_findings) and not duplicate_only), (errors, file_findings)


def test_plan_timeline_marks_warmup_checkpoints_evals_and_end():
    plan = lint((SAMPLES / "seed_consistent.yaml").read_text()).plan
    lines = render_timeline(plan, width=60).splitlines()
    assert lines[0].startswith("timeline: 17640 optimizer steps = 90 epochs × 196")
    rows = {line.split()[0]: line for line in lines[1:]}
    assert rows["warmup"].count("█") == 4 and rows["warmup"].endswith("980 steps")
    assert rows["checkpoint"].count("▲") == 9 and rows["checkpoint"].endswith("9×, first at step 1960")
    assert rows["end"].endswith("┃  step 17640")
    ascii_view = render_timeline(plan, width=60, unicode=False)
    assert "█" not in ascii_view and "#" in ascii_view


def test_plan_timeline_says_when_a_checkpoint_never_happens_and_where_the_decay_ends():
    plan = lint((SAMPLES / "seed_inconsistent.yaml").read_text()).plan
    rows = {line.split()[0]: line for line in render_timeline(plan, width=60).splitlines()[1:]}
    assert rows["checkpoint"].endswith("never")
    assert rows["lr"].count("-") == 56 and rows["lr"].endswith(
        "decays until step 35190 (past the end: the run stops at 50% of it)")


def test_plan_timeline_without_dataset_size_names_the_missing_input():
    plan = lint("steplint: 1\ndata: {batch_size: 8}\nrun: {epochs: 3}\n").plan
    assert "--dataset-size" in render_timeline(plan)
