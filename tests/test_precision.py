"""Precision: YAML and JSON that is not a training config gets no findings at all, not even info,
and real configs from public projects never crash steplint."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from steplint import cli
from steplint.loading import load_bytes

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


TEMPLATES = [p for p in NOT_TRAINING if p.name in ("helm_job.yaml", "jinja_sweep.yaml")]


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_the_template_fixtures_do_not_parse(path):
    """What makes them a test of templates: YAML cannot read them as they stand."""
    assert [p.code for p in load_bytes(path.name, path.read_bytes()).problems] == ["SL001"]


# Files that are not training configs, each with a real syntax error; several hold training-like keys.
BROKEN_NOT_TRAINING = {
    "tsconfig.json": '{\n  // app\n  "compilerOptions": {\n    "target": "ES2022"\n    "strict": true,\n  },\n}\n',
    "package.json": '{"name": "ui", "version": "1.0.0",\n "scripts": {"train": "python train.py --epochs 3"}}}\n',
    ".vscode/settings.json": '{\n  "python.testing.pytestArgs": ["tests"\n  "editor.rulers": [100],\n}\n',
    ".devcontainer.json": '{\n  "name": "trainer",\n  "runArgs": ["--gpus", "all"],,\n}\n',
    # a compose file without `version` (optional since Compose v2) whose extension field holds training keys
    "docker-compose.yml": "x-train-env: &env\n  epochs: 90\n  batch_size: 256\n  lr: 0.1\nservices:\n  train:\n"
                          "    environment: *env\n    command: [python, train.py\n",
    ".github/workflows/train.yml": "env:\n  epochs: 3\n  batch_size: 8\njobs:\n"
                                   "  train: {runs-on: gpu, steps: [{run: x}]\n",
    "k8s/job.yaml": "apiVersion: batch/v1\nkind: Job\nspec:\n"
                    "  template: {spec: {containers: [{args: [--epochs, '90']}\n",
    "charts/trainer/templates/job.yaml": "spec:\n  epochs: {{ .Values.epochs }}\n"
                                         "  batch_size: {{ .Values.batchSize }}\n",
    "roles/train/tasks/main.yml": "- name: train\n  command: python train.py --epochs {{ epochs }}\n  args:\n"
                                  "    chdir: {{ workdir }}\n",
}


@pytest.mark.parametrize("name", BROKEN_NOT_TRAINING)
def test_a_syntax_error_in_a_file_that_is_not_a_training_config_is_not_reported(name):
    text = BROKEN_NOT_TRAINING[name]
    assert any(p.code == "SL001" for p in load_bytes(name, text.encode()).problems)  # it is broken
    assert lint(text, name).findings == []


def test_the_pre_commit_hook_command_passes_broken_files_that_are_not_training_configs(tmp_path):
    paths = []
    for name, text in BROKEN_NOT_TRAINING.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        paths.append(str(path))
    result = CliRunner().invoke(cli.main, ["check", "--force-exclude", "--fail-on", "info", *paths])
    assert result.exit_code == 0, result.output


SAMPLES = Path(__file__).resolve().parents[1] / "sample_configs"


@pytest.mark.parametrize("text,line", [
    ((SAMPLES / "syntax_error.yaml").read_text(), 3),
    ("epochs: 90\nbatch_size: 256\nlr: 0.1\nscheduler: {name: cosine\n", 5),
    ('{"train_micro_batch_size_per_gpu": 8, "gradient_accumulation_steps": 4,\n "zero_optimization": {"stage": 2}\n'
     ' "steps_per_print": 10}\n', 3),
    # "{{ x }}" in quotes is text to YAML: no sign of a template, and the file is still judged
    ('run_name: "{{ name }}-lr"\nepochs: 90\nbatch_size: 256\nmodel: [resnet\n', 5),
    # a chat template in a block scalar (axolotl) is text too
    ("base_model: m\nnum_epochs: 3\nmicro_batch_size: 2\nchat_template_jinja: |\n  {% for m in messages %}{{ m }}"
     "{% endfor %}\nlearning_rate: [0.1\n", 7),
])
def test_a_training_config_with_a_syntax_error_is_still_reported(text, line):
    result = lint(text, "config.json" if text.startswith("{") else "config.yaml")
    assert [(f.rule, f.line) for f in result.findings] == [("SL001", line)]


def test_a_template_that_parses_is_checked_as_usual():
    result = lint('run_name: "{{ name }}-lr{{ lr }}"\nepochs: 90\nbatch_size: 0\n')
    assert result.dialect == "generic" and [f.rule for f in result.findings] == ["SL003"]


def test_a_forced_dialect_says_the_file_is_a_training_config():
    assert [f.rule for f in lint("model: [resnet\n", dialect="generic").findings] == ["SL001"]


def test_a_key_map_key_read_before_a_syntax_error_says_the_file_is_a_training_config():
    result = lint("trainer:\n  n_passes: 3\n  ckpt_every: [1\n", key_map=(("trainer.n_passes", "epochs", None),))
    assert [f.rule for f in result.findings] == ["SL001"]


def test_a_file_the_project_includes_gets_its_syntax_error_whatever_it_holds(tmp_path, monkeypatch):
    (tmp_path / "pyproject.toml").write_text('[tool.steplint]\ninclude = ["configs/**"]\n')
    (tmp_path / "configs").mkdir()
    broken = "model:\n  name: [resnet\n"
    (tmp_path / "configs" / "exp.yaml").write_text(broken)
    (tmp_path / "notes.yaml").write_text(broken)
    monkeypatch.chdir(tmp_path)
    for args in (["."], ["configs/exp.yaml", "notes.yaml"]):  # walked, and named as the pre-commit hook names them
        result = CliRunner().invoke(cli.main, ["check", "--format", "json", *args])
        found = [(Path(f["path"]).as_posix(), f["rule"]) for f in json.loads(result.output)["findings"]]
        assert found == [("configs/exp.yaml", "SL001")]
        assert result.exit_code == 1
