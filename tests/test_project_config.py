"""Project configuration: discovery, inheritance, strict validation, and every key's effect."""

from __future__ import annotations

import json
import textwrap

import pytest
from click.testing import CliRunner

from steplint import cli

from .conftest import run_cli

WARNS = "steplint: 1\ndata: {train_size: 50000, batch_size: 256}\nrun: {epochs: 90, total_steps: 20000}\n"
NO_SIZE = "steplint: 1\ndata: {batch_size: 256}\nrun: {epochs: 90, total_steps: 20000}\n"


def check(*args):
    result = run_cli("check", "--format", "json", *args)
    return result.exit_code, (json.loads(result.stdout) if result.stdout.startswith("{") else result.stdout + result.stderr)


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))
    return path


def rules_of(data):
    return [(f["rule"], f["severity"]) for f in data["findings"]]


def test_closest_config_wins_and_pyproject_without_table_is_skipped(tmp_path):
    write(tmp_path / "steplint.toml", 'ignore = ["SL201"]\n')
    write(tmp_path / "sub" / "pyproject.toml", "[project]\nname = 'x'\n")  # no [tool.steplint]: skipped
    write(tmp_path / "other" / ".steplint.toml", 'severity = { SL201 = "error" }\n')
    a = write(tmp_path / "sub" / "a.yaml", WARNS)
    b = write(tmp_path / "other" / "b.yaml", WARNS)
    assert check(a) == (0, check(a)[1]) and rules_of(check(a)[1]) == []
    code, data = check(b)
    assert code == 1 and rules_of(data) == [("SL201", "error")]


def test_pyproject_table_extend_and_isolated(tmp_path):
    write(tmp_path / "base.toml", '[context]\ndataset-size = 50000\n')
    write(tmp_path / "pyproject.toml", '[tool.steplint]\nextend = "base.toml"\nfail-on = "error"\n')
    f = write(tmp_path / "c.yaml", NO_SIZE)
    code, data = check(f)
    assert code == 0 and rules_of(data) == [("SL201", "warning")]  # N from base.toml; fail-on error
    assert data["files"][0]["plan"]["dataset_size"] == 50000
    code, data = check(f, "--isolated")
    assert rules_of(data) == [("SL207", "info")]  # without N, the check SL201 makes is one the info names


def test_explicit_config_and_cli_wins_over_config(tmp_path):
    cfg = write(tmp_path / "team.toml", '[context]\ndataset-size = 1000\n')
    f = write(tmp_path / "c.yaml", NO_SIZE)
    assert check(f, "--config", cfg)[1]["files"][0]["plan"]["dataset_size"] == 1000
    assert check(f, "--config", cfg, "--dataset-size", "50000")[1]["files"][0]["plan"]["dataset_size"] == 50000


def test_file_value_beats_project_default_but_not_the_command_line(tmp_path):
    write(tmp_path / "steplint.toml", '[context]\ndataset-size = 1000\nworld-size = 4\n')
    f = write(tmp_path / "c.yaml", WARNS)
    plan = check(f)[1]["files"][0]["plan"]
    assert (plan["dataset_size"], plan["world_size"]) == (50000, 4)


def test_dataset_sizes_by_name_and_per_file_glob(tmp_path):
    write(tmp_path / "steplint.toml", textwrap.dedent('''
        [context.dataset-sizes]
        cifar10 = 50000
        [context.per-file."small/*.yaml"]
        dataset-size = 640
    '''))
    named = write(tmp_path / "named.yaml", "dataset: cifar10\nepochs: 90\nbatch_size: 256\n")
    small = write(tmp_path / "small" / "s.yaml", "epochs: 1\nbatch_size: 64\n")
    assert check(named)[1]["files"][0]["plan"]["total_optimizer_steps"] == 17640
    assert check(small)[1]["files"][0]["plan"]["batches_per_epoch"] == 10


def test_select_extend_select_per_file_ignores_and_per_key_ignores(tmp_path):
    write(tmp_path / "steplint.toml", textwrap.dedent('''
        select = ["SL3"]
        extend-select = ["SL201"]
        [per-file-ignores]
        "legacy/*" = ["SL201"]
        [[per-key-ignores]]
        files = "*.json"
        key = "run.total_*"
        rules = ["SL201"]
    '''))
    f = write(tmp_path / "c.yaml", WARNS)
    legacy = write(tmp_path / "legacy" / "c.yaml", WARNS)
    as_json = write(tmp_path / "c.json", json.dumps({"steplint": 1, "data": {"train_size": 50000, "batch_size": 256},
                                                    "run": {"epochs": 90, "total_steps": 20000}}))
    assert rules_of(check(f)[1]) == [("SL201", "warning")]
    assert rules_of(check(legacy)[1]) == []
    assert rules_of(check(as_json)[1]) == []


def test_include_and_exclude_when_walking_directories(tmp_path):
    write(tmp_path / "steplint.toml", 'include = ["configs/*"]\nexclude = ["configs/skip.yaml"]\n')
    write(tmp_path / "configs" / "a.yaml", WARNS)
    write(tmp_path / "configs" / "skip.yaml", WARNS)
    write(tmp_path / "elsewhere.yaml", WARNS)
    data = check(tmp_path)[1]
    assert [f["path"].rsplit("/", 2)[-2:] for f in data["files"]] == [["configs", "a.yaml"]]
    named = check(tmp_path / "configs" / "skip.yaml")[1]  # named files are checked, as in ruff...
    assert named["summary"]["files"] == 1
    forced = check(tmp_path / "configs" / "skip.yaml", "--force-exclude")[1]  # ...unless forced
    assert forced["summary"]["files"] == 0


def test_key_map_teaches_a_team_schema(tmp_path):
    write(tmp_path / "steplint.toml", textwrap.dedent('''
        [key-map]
        "trainer.ckpt_every" = { field = "checkpoint", unit = "step" }
        "trainer.n_passes" = { field = "epochs" }
        "loader.bsz" = { field = "train_loader.batch_size" }
        "loader.n" = { field = "dataset_size" }
    '''))
    f = write(tmp_path / "ours.yaml", "trainer:\n  n_passes: 90\n  ckpt_every: 20000\nloader:\n  bsz: 256\n  n: 50000\n")
    data = check(f)[1]
    assert data["files"][0]["dialect"] == "generic"
    assert [(x["rule"], x["key_path"], x["line"]) for x in data["findings"]] == [("SL204", "trainer.ckpt_every", 3)]


@pytest.mark.parametrize("toml,message", [
    ('selct = ["SL2"]\n', "selct: Extra inputs are not permitted"),
    ('fail-on = "fatal"\n', "fail-on: Input should be 'error', 'warning' or 'info'"),
    ('ignore = ["SL999"]\n', "ignore: no rule matches 'SL999'"),
    ('[key-map]\n"a.b" = { field = "nope" }\n', "unknown field 'nope'"),
    ('[key-map]\n"." = { field = "world_size" }\n', "key-map: '.' names no key (write e.g. trainer.ckpt_every)"),
    ('[context]\ndataset-size = 0\n', "context.dataset-size: Input should be greater than or equal to 1"),
    ('extend = "missing.toml"\n', "missing.toml: cannot read"),
    ('ignore = [\n', "invalid TOML"),
])
def test_invalid_configuration_exits_2_naming_file_and_key(tmp_path, toml, message):
    write(tmp_path / "steplint.toml", toml)
    f = write(tmp_path / "c.yaml", WARNS)
    result = CliRunner().invoke(cli.main, ["check", str(f)])
    assert result.exit_code == 2
    assert "steplint.toml" in result.output or "missing.toml" in result.output
    assert message in result.output


def test_output_format_from_config_and_github_actions_default(tmp_path, monkeypatch):
    write(tmp_path / "steplint.toml", 'output-format = "json"\n')
    f = write(tmp_path / "c.yaml", WARNS)
    monkeypatch.chdir(tmp_path)
    assert CliRunner().invoke(cli.main, ["check", str(f)]).output.startswith("{")


def test_the_output_format_is_the_current_directorys_whatever_path_comes_first(tmp_path, monkeypatch):
    """One format for the run: a first path in another project must not switch the report."""
    write(tmp_path / "steplint.toml", 'output-format = "concise"\n')
    write(tmp_path / "other" / "steplint.toml", 'output-format = "json"\n')
    first = write(tmp_path / "other" / "c.yaml", WARNS)
    second = write(tmp_path / "c.yaml", WARNS)
    monkeypatch.chdir(tmp_path)
    output = CliRunner().invoke(cli.main, ["check", str(first), str(second)]).output
    assert not output.startswith("{") and output.count(": SL") >= 2, output


def test_junit_fails_each_file_at_its_own_projects_fail_level(tmp_path):
    import xml.etree.ElementTree as ET
    write(tmp_path / "strict" / "steplint.toml", 'fail-on = "info"\n')
    write(tmp_path / "lenient" / "steplint.toml", 'fail-on = "error"\n')
    strict = write(tmp_path / "strict" / "c.yaml", WARNS)
    lenient = write(tmp_path / "lenient" / "c.yaml", WARNS)
    root = ET.fromstring(CliRunner().invoke(cli.main, ["check", "--format", "junit", str(lenient), str(strict)]).output)
    failures = {suite.get("name").split("/")[-2]: int(suite.get("failures")) for suite in root}
    assert failures["strict"] > 0 and failures["lenient"] == 0, failures
