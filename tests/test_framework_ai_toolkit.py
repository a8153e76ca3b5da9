"""ai-toolkit: detection (corpus-wild in place), the unit of a loop step under either accumulation,
the framework's defaults (steps, save_every, constant_with_warmup's 1000 warmup steps), jobs that do
not train, and SL635 / SL636."""

from __future__ import annotations

import csv
from types import SimpleNamespace

import pytest

from .conftest import ROOT, SHARED, check_file, codes, lint

WILD = SHARED / "corpus-wild"
AITK = WILD / "ostris__ai-toolkit"
SAMPLES = ROOT / "sample_configs" / "ai-toolkit"
needs_wild = pytest.mark.skipif(not AITK.is_dir(), reason="../shared/corpus-wild is absent (it sits beside the repo)")

JOB = """\
job: {job}
config:
  name: test
  process:
    - type: sd_trainer
      train:
        batch_size: 2
        {train}
      save: {{{save}}}
      model: {{name_or_path: black-forest-labs/FLUX.1-dev}}
"""


def job(train="steps: 2000", save="save_every: 250", kind="extension"):
    return lint(JOB.format(job=kind, train=train.replace("\n", "\n        "), save=save))


def plan_of(result) -> SimpleNamespace:
    return SimpleNamespace(**result.plan)


@needs_wild
def test_every_ai_toolkit_file_of_corpus_wild_is_ai_toolkit_and_no_other_file_is():
    with open(WILD / "MANIFEST.tsv", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    ours = [r["file"] for r in rows if r["repo"] == "ostris/ai-toolkit"]
    results = {f: check_file(WILD / f) for f in ours}
    # train_lora_omnigen2_24gb.yaml has an unterminated quote (line 64): unreadable, reported as SL001
    broken = "ostris__ai-toolkit/config/examples/train_lora_omnigen2_24gb.yaml"
    assert codes(results.pop(broken)) == ["SL001"]
    assert {f: r.dialect for f, r in results.items() if r.dialect != "ai-toolkit"} == {}
    others = [r["file"] for r in rows if r["repo"] != "ostris/ai-toolkit"]
    assert [f for f in others if check_file(WILD / f).dialect == "ai-toolkit"] == []


@needs_wild
def test_flex_redux_accumulates_two_batches_per_loop_step():
    plan = plan_of(check_file(AITK / "config/examples/train_flex_redux.yaml"))
    assert (plan.gradient_accumulation_steps, plan.total_optimizer_steps) == (2, 4000000)
    assert (plan.checkpoint_count, plan.first_checkpoint_step) == (16000, 250)


def test_a_loop_step_is_an_optimizer_step_with_gradient_accumulation():
    plan = plan_of(job(train="steps: 2000\ngradient_accumulation: 4"))
    assert (plan.gradient_accumulation_steps, plan.total_optimizer_steps, plan.checkpoint_count) == (4, 2000, 8)


def test_legacy_gradient_accumulation_steps_makes_a_loop_step_one_batch():
    plan = plan_of(job(train="steps: 2000\ngradient_accumulation_steps: 4"))
    assert (plan.gradient_accumulation_steps, plan.total_optimizer_steps, plan.first_checkpoint_step) == (4, 500, 63)


def test_legacy_accumulation_never_steps_on_a_last_partial_group():
    # jobs/process/BaseSDTrainProcess.py: grad_accumulation_step starts at 1 (__init__), the optimizer steps when
    # `self.grad_accumulation_step >= optimizer_step_at` (run), at loop steps 1, 3, ..., 999: 1001 // 2 = 500
    assert plan_of(job(train="steps: 1001\ngradient_accumulation_steps: 2")).total_optimizer_steps == 500


def test_defaults_steps_and_save_every_are_1000():
    plan = plan_of(job(train="lr: 1e-4", save=""))
    assert (plan.total_optimizer_steps, plan.checkpoint_count) == (1000, 1)
    assert "SL204" in codes(job(train="steps: 800", save=""))
    assert "SL204" not in codes(job(train="steps: 800", save="save_every: 0"))  # 0: no periodic save


def test_constant_with_warmup_defaults_to_1000_warmup_steps():
    assert "SL203" in codes(job(train="steps: 800\nlr_scheduler: constant_with_warmup"))
    short = "steps: 800\nlr_scheduler: constant_with_warmup\nlr_scheduler_params: {num_warmup_steps: 50}"
    assert plan_of(job(train=short)).warmup_steps == 50 and "SL203" not in codes(job(train=short))


def test_a_job_that_does_not_train_is_not_read():
    result = job(kind="generate", train="steps: 10", save="save_every: 1000")
    assert result.dialect == "ai-toolkit" and result.findings == []
    assert plan_of(result).total_optimizer_steps is None


def test_sl635_both_accumulations():
    result = job(train="steps: 2000\ngradient_accumulation: 2\ngradient_accumulation_steps: 2")
    assert codes(result) == ["SL635"]
    assert plan_of(result).total_optimizer_steps is None  # refused: no unit to read steps in
    assert "SL635" not in codes(job(train="steps: 2000\ngradient_accumulation: 2\ngradient_accumulation_steps: 1"))


def test_sl636_scheduler_refused():
    assert "SL636" in codes(job(train="steps: 2000\nlr_scheduler: cosine_with_warmup"))
    for name in ("cosine", "constant", "linear", "step", "cosine_with_restarts"):
        assert "SL636" not in codes(job(train=f"steps: 2000\nlr_scheduler: {name}"))


def test_samples():
    assert check_file(SAMPLES / "flux_lora_good.yaml").findings == []
    assert sorted(codes(check_file(SAMPLES / "short_lora_bad.yaml"))) == ["SL203", "SL204"]
