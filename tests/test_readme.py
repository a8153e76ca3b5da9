"""The README stays true: its rule table matches the catalogue, and its two commands are the ones CI runs."""

from __future__ import annotations

import re
from pathlib import Path

import click

from steplint import catalogue

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_rule_table_matches_the_catalogue():
    table = README.split("<!-- rules-table")[1].split("<!-- end rules-table")[0]
    rows = {m.group(1): (m.group(2), m.group(3), m.group(4).strip())
            for m in re.finditer(r"^\| (SL\d{3}) \| ([a-z0-9-]+) \| (\w+) \| (.+) \|$", table, re.M)}
    expected = {d.code: (d.name, d.severity.label, d.summary) for d in catalogue.load().values()}
    assert rows == expected


def test_every_dialect_is_documented():
    from steplint.frameworks import DIALECTS
    for name in DIALECTS:
        assert f"| `{name}` |" in README, name


def test_ci_runs_the_readme_test_command():
    assert "pip install '.[test]' && python -m pytest" in README
    ci = (ROOT / ".ci" / "run").read_text()
    assert "pip install --quiet \"$@\" '.[test]'" in ci and "python -m pytest" in ci
    assert ci.count("run_suite .ci-venv") == 2  # newest releases, then the declared lower bounds


def test_config_keys_are_documented_from_the_model():
    from steplint.config_schema import ContextSettings, Settings
    from steplint.model import FIELDS
    table = README.split("<!-- config-keys")[1].split("<!-- end config-keys")[0]
    for name, field in Settings.model_fields.items():
        assert f"`{field.alias or name}`" in table, name
    for name, field in ContextSettings.model_fields.items():
        assert f"`{field.alias or name}`" in table, name
    for name in FIELDS:
        assert f"`{name}`" in table, name


def test_the_sample_output_shown_is_what_steplint_prints():
    from click.testing import CliRunner

    from steplint import cli
    block = README.split("<!-- sample-output")[1].split("```")[1]
    shown = block.strip().splitlines()[1:]  # after the command line
    samples = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "sample_configs").glob("*.yaml"))
    import os
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        output = CliRunner().invoke(cli.main, ["check", "--quiet", "--no-color", *samples]).output
    finally:
        os.chdir(cwd)
    assert output.strip().splitlines() == shown


def test_the_check_options_table_matches_the_command():
    from steplint import cli
    table = README.split("<!-- check-options")[1].split("<!-- end check-options")[0]
    documented = set(re.findall(r"`(-{1,2}[a-z][a-z-]*)", table))
    command = cli.main.commands["check"]
    actual = {opt for p in command.params if isinstance(p, click.Option) and not p.hidden for opt in p.opts}
    assert documented == actual


def test_the_steplint_toml_example_is_a_valid_project_config(tmp_path):
    from steplint.config import load_file
    example = README.split("```toml\n# steplint.toml\n")[1].split("```")[0]
    (tmp_path / "steplint-base.toml").write_text("")
    (tmp_path / "project").mkdir()
    (tmp_path / "project" / "steplint.toml").write_text(example)
    settings = load_file(tmp_path / "project" / "steplint.toml")
    assert settings.ignore == ["SL101"] and settings.context.dataset_size == 50000
    assert settings.per_key_ignores[0].rules == ["SL205"] and "trainer.ckpt_every" in settings.key_map


def test_the_plan_shown_is_what_steplint_plan_prints(monkeypatch):
    from .conftest import run_cli
    block = README.split("<!-- plan-output")[1].split("```")[1]
    shown = block.strip("\n").splitlines()[1:]  # after the command line
    monkeypatch.chdir(ROOT)
    output = run_cli("plan", "--isolated", "sample_configs/seed_consistent.yaml").stdout
    assert output.rstrip("\n").splitlines() == shown
