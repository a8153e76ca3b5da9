"""The GitHub Action (action.yml) as the runner would run it: its composite steps in bash, with
GitHub's `${{ inputs.* }}` expressions filled in and its environment (RUNNER_TEMP,
GITHUB_ACTION_PATH), on a workspace holding a bad config. The install step really installs this
checkout, into the action's own virtual environment."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
ACTION = yaml.safe_load((ROOT / "action.yml").read_text())
BAD = "steplint: 1\ndata: {train_size: 50000, batch_size: 256}\nrun: {epochs: 90, total_steps: 20000}\n"


def run_step(step: dict, inputs: dict, env: dict, cwd: Path) -> subprocess.CompletedProcess:
    values = {name: spec.get("default", "") for name, spec in ACTION["inputs"].items()} | inputs

    def expand(text: str) -> str:
        return re.sub(r"\$\{\{\s*inputs\.([\w-]+)\s*\}\}", lambda m: values[m.group(1)], text)
    step_env = {**env, **{k: expand(str(v)) for k, v in (step.get("env") or {}).items()}}
    assert step["shell"] == "bash"
    return subprocess.run(["bash", "-e", "-o", "pipefail", "-c", expand(step["run"])], cwd=cwd, env=step_env,
                          capture_output=True, text=True, timeout=900)


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    runner_temp = tmp_path_factory.mktemp("runner-temp")
    env = {**os.environ, "RUNNER_TEMP": str(runner_temp), "GITHUB_ACTION_PATH": str(ROOT), "GITHUB_ACTIONS": "true"}
    for name in ("VIRTUAL_ENV", "GITHUB_STEP_SUMMARY"):
        env.pop(name, None)
    install = ACTION["runs"]["steps"][0]
    done = run_step(install, {}, env, runner_temp)
    if done.returncode != 0 and "Could not find a version" in done.stderr:
        pytest.skip("no package index reachable to install the action's dependencies")
    assert done.returncode == 0, done.stdout + done.stderr
    return env


def test_the_action_annotates_a_bad_config_and_fails_the_job(installed, tmp_path):
    (tmp_path / "configs").mkdir()
    (tmp_path / "configs" / "bad.yaml").write_text(BAD)
    result = run_step(ACTION["runs"]["steps"][1], {"paths": "configs/"}, installed, tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "::warning file=configs/bad.yaml,line=3," in result.stdout


def test_the_action_writes_sarif_for_code_scanning(installed, tmp_path):
    (tmp_path / "configs").mkdir()
    (tmp_path / "configs" / "bad.yaml").write_text(BAD)
    inputs = {"paths": "configs/", "format": "sarif", "output-file": "steplint.sarif", "args": "--exit-zero"}
    result = run_step(ACTION["runs"]["steps"][1], inputs, installed, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    document = json.loads((tmp_path / "steplint.sarif").read_text())
    assert [r["ruleId"] for r in document["runs"][0]["results"]] == ["SL201"]
