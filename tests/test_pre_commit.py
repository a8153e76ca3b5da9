"""The real pre-commit runs this checkout's hook (`pre-commit try-repo`) in a throwaway repository:
it fails on a bad config, passes on a good one, and never fails on YAML that is not a training config."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
PRE_COMMIT = shutil.which("pre-commit") or str(Path(sys.executable).with_name("pre-commit"))
GOOD = "steplint: 1\ndata: {train_size: 50000, batch_size: 256}\nrun: {epochs: 90, total_steps: 17640}\n"
BAD = "steplint: 1\ndata: {train_size: 50000, batch_size: 256}\nrun: {epochs: 90, total_steps: 20000}\n"
WORKFLOW = "name: ci\non: [push]\njobs: {t: {runs-on: x, steps: [{run: 'train --epochs 3'}]}}\n"


def test_hook_definition_follows_the_conventions():
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert hook["id"] == "steplint" and hook["language"] == "python"
    assert hook["types_or"] == ["yaml", "json", "toml"] and hook["require_serial"] is True
    assert hook["entry"].startswith("steplint check")


@pytest.mark.skipif(not Path(PRE_COMMIT).exists() or not (ROOT / ".git").exists(),
                    reason="needs the pre-commit package (test extras) and a git checkout of steplint")
def test_try_repo_fails_on_bad_config_and_passes_on_good(tmp_path):
    repo = tmp_path / "project"
    repo.mkdir()
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache"), "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t", "NO_COLOR": "1"}
    env.pop("GITHUB_ACTIONS", None)
    env.pop("TF_BUILD", None)

    def git(*args):
        subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, env=env)

    git("init", "-q")
    (repo / "good.yaml").write_text(GOOD)
    (repo / "bad.yaml").write_text(BAD)
    (repo / "workflow.yml").write_text(WORKFLOW)
    git("add", ".")

    def hook(*files):
        return subprocess.run([PRE_COMMIT, "try-repo", str(ROOT), "steplint", "--files", *files],
                              cwd=repo, capture_output=True, text=True, env=env, timeout=900)

    bad = hook("bad.yaml")
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "bad.yaml:3:19: SL201" in bad.stdout
    good = hook("good.yaml", "workflow.yml")
    assert good.returncode == 0, good.stdout + good.stderr
