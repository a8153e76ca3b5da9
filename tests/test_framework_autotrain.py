"""AutoTrain Advanced: detection (corpus-wild in place, none of it read as Hugging Face Trainer
arguments), the task's defaults for absent params, and the cadence that exists only with a
validation split."""

from __future__ import annotations

import csv
from types import SimpleNamespace

import pytest

from .conftest import ROOT, SHARED, check_file, codes, lint

WILD = SHARED / "corpus-wild"
AUTOTRAIN = WILD / "huggingface__autotrain-advanced" / "configs"
SAMPLES = ROOT / "sample_configs" / "autotrain"
needs_wild = pytest.mark.skipif(not AUTOTRAIN.is_dir(), reason="../shared/corpus-wild is absent (it sits beside the repo)")

CONFIG = """\
task: {task}
base_model: some/model
project_name: p
backend: local
data:
  path: some/data
  train_split: train
  valid_split: {valid}
params:
  {params}
"""


def plan_of(result) -> SimpleNamespace:
    return SimpleNamespace(**result.plan)


def config(task="text_classification", valid="null", params="epochs: 3", **options):
    return lint(CONFIG.format(task=task, valid=valid, params=params.replace("\n", "\n  ")), **options)


@needs_wild
def test_every_autotrain_file_of_corpus_wild_is_autotrain_and_no_other_file_is():
    with open(WILD / "MANIFEST.tsv", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    ours = [r["file"] for r in rows if r["repo"] == "huggingface/autotrain-advanced"]
    assert len(ours) == 32
    assert [f for f in ours if check_file(WILD / f).dialect != "autotrain"] == []
    others = [r["file"] for r in rows if r["repo"] != "huggingface/autotrain-advanced"]
    assert [f for f in others if check_file(WILD / f).dialect == "autotrain"] == []


@needs_wild
def test_a_corpus_llm_config_with_no_validation_split_saves_no_checkpoint():
    plan = plan_of(check_file(AUTOTRAIN / "llm_finetuning/llama3-70b-sft.yml", dataset_size=10000))
    assert (plan.micro_batch_size, plan.gradient_accumulation_steps, plan.epochs) == (1, 8, 2)
    assert (plan.optimizer_steps_per_epoch, plan.checkpoint_count, plan.eval_count) == (1250, 0, 0)


def test_the_task_decides_the_defaults():
    llm = plan_of(config(task="llm-sft", params="lr: 1e-5"))
    assert (llm.epochs, llm.micro_batch_size, llm.gradient_accumulation_steps) == (1, 2, 4)
    other = plan_of(config(params="lr: 1e-5"))
    assert (other.epochs, other.micro_batch_size, other.gradient_accumulation_steps) == (3, 8, 1)


def test_with_a_validation_split_it_evaluates_and_saves_every_epoch():
    plan = plan_of(config(valid="test", params="epochs: 3\nbatch_size: 10\nwarmup_ratio: 0.1", dataset_size=1005))
    # 1005 / 10: 101 batches, floor(101 / 1) steps; the warmup is ceil(10% of 303)
    assert (plan.optimizer_steps_per_epoch, plan.total_optimizer_steps) == (101, 303)
    assert (plan.eval_count, plan.checkpoint_count, plan.warmup_steps) == (3, 3, 31)
    steps = plan_of(config(valid="test", params="eval_strategy: steps", dataset_size=1000))
    assert steps.eval_count is None  # every logging_steps, which AutoTrain computes from the data


def test_a_tabular_task_is_not_read():
    result = config(task="tabular:classification", params="num_trials: 10")
    assert result.dialect == "autotrain" and plan_of(result).epochs is None and result.findings == []


def test_samples():
    assert check_file(SAMPLES / "llm_sft_good.yml", dataset_size=9500).findings == []
    assert codes(check_file(SAMPLES / "text_classification_bad.yml")) == ["SL203"]
