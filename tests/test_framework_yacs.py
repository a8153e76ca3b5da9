"""yacs-style configs that are not detectron2's: PySlowFast, HRNet, Swin Transformer, OpenPCDet and
CSAIL semantic-segmentation. Each is recognised as its own framework (detectron2 keeps its own
files), read with its trainer's units and defaults, and checked by its own rules; the real files of
../shared/corpus-wild are read in place."""

from __future__ import annotations

import csv

import pytest

from .conftest import CORPUS, ROOT, SHARED, check_file, codes, lint

WILD = SHARED / "corpus-wild"
needs_wild = pytest.mark.skipif(not WILD.is_dir(), reason="../shared/corpus-wild is absent (it sits beside the repo)")
SAMPLES = ROOT / "sample_configs"


def wild_files(repo: str) -> list:
    if not WILD.is_dir():
        return []
    with open(WILD / "MANIFEST.tsv", newline="") as handle:
        return [WILD / row["file"] for row in csv.DictReader(handle, delimiter="\t") if row["repo"] == repo]


def loud(result) -> list:
    return [(f.rule, f.line) for f in result.findings if f.severity.label != "info"]


# --- detectron2 keeps its files and no longer claims other yacs projects ------------------------

@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is absent")
def test_detectron2_still_claims_every_detectron2_file_of_the_corpus():
    with open(CORPUS / "MANIFEST.tsv", newline="") as handle:
        files = [CORPUS / r["file"] for r in csv.DictReader(handle, delimiter="\t") if r["dialect"] == "detectron2"]
    assert len(files) >= 90
    assert {check_file(path).dialect for path in files} == {"detectron2"}


def test_upper_case_sections_alone_are_not_detectron2():
    # HRNet-style: MODEL and TRAIN sections, no iteration solver, no _BASE_, no META_ARCHITECTURE
    assert lint("MODEL: {NAME: my_net}\nTRAIN: {LR: 0.1}\nDATASET: {ROOT: data}\n").dialect != "detectron2"
    assert lint("MODEL: {META_ARCHITECTURE: GeneralizedRCNN}\nDATASETS: {TRAIN: [coco]}\n").dialect == "detectron2"
    assert lint("SOLVER: {BASE_LR: 0.1, MAX_EPOCH: 10}\nNUM_GPUS: 8\n").dialect == "slowfast"


# --- PySlowFast ----------------------------------------------------------------------------------

@needs_wild
def test_every_slowfast_file_is_slowfast():
    files = wild_files("facebookresearch/SlowFast")
    assert len(files) == 31
    assert {check_file(path).dialect for path in files} == {"slowfast"}


@needs_wild
def test_slowfast_plan_counts_epochs_of_the_per_process_batch():
    path = WILD / "facebookresearch__SlowFast/configs/Charades/SLOWFAST_16x8_R50.yaml"
    plan = check_file(path, dataset_size=8000).plan
    # BATCH_SIZE 16 over NUM_GPUS 8: 2 clips per process, 8 ranks, 8000 / 8 / 2 = 500 steps an epoch
    assert (plan["micro_batch_size"], plan["world_size"], plan["optimizer_steps_per_epoch"]) == (2, 8, 500)
    assert (plan["epochs"], plan["total_optimizer_steps"], plan["warmup_steps"]) == (57, 28500, 2000)
    # CHECKPOINT_PERIOD / EVAL_PERIOD 6 epochs: epochs 6, 12, ... 54, and the forced one at 57
    assert (plan["checkpoint_count"], plan["first_checkpoint_step"], plan["eval_count"]) == (10, 3000, 10)


@needs_wild
def test_slowfast_period_past_the_run_is_how_configs_keep_only_the_final_evaluation():
    path = WILD / "facebookresearch__SlowFast/configs/masked_ssl/k400_VIT_L_16x4_MAE_PT.yaml"  # EVAL_PERIOD 100000
    result = check_file(path, dataset_size=240000)
    assert "SL204" not in codes(result)
    assert any("TRAIN.EVAL_PERIOD 100000" in a for a in result.plan["assumptions"])


@needs_wild
def test_slowfast_real_batch_that_fails_the_start_up_assertion():
    path = WILD / "facebookresearch__SlowFast/configs/masked_ssl/k400_VIT_B_16x4_FT.yaml"  # BATCH_SIZE 1, NUM_GPUS 8
    assert ("SL600", 5) in loud(check_file(path))


def test_slowfast_samples():
    assert codes(check_file(SAMPLES / "slowfast/good.yaml")) == []
    bad = check_file(SAMPLES / "slowfast/bad.yaml")
    assert sorted(codes(bad)) == ["SL203", "SL600", "SL601"]


def test_slowfast_defaults_fill_what_the_file_leaves_out():
    # MAX_EPOCH 300, CHECKPOINT_PERIOD 10 and TRAIN.BATCH_SIZE 64 are PySlowFast's defaults
    plan = lint("SOLVER: {LR_POLICY: cosine}\nDATA: {NUM_FRAMES: 8}\nNUM_GPUS: 4\n", dataset_size=1600).plan
    assert (plan["micro_batch_size"], plan["world_size"], plan["epochs"]) == (16, 4, 300)
    assert plan["optimizer_steps_per_epoch"] == 25 and plan["checkpoint_count"] == 30


def test_slowfast_multigrid_and_test_only_files_are_not_counted():
    for extra in ("MULTIGRID: {LONG_CYCLE: True}", "MULTIGRID: {SHORT_CYCLE: True}", "TRAIN: {ENABLE: False}"):
        result = lint(f"SOLVER: {{MAX_EPOCH: 10, WARMUP_EPOCHS: 20.0}}\nNUM_GPUS: 8\n{extra}\n", dataset_size=1000)
        assert result.dialect == "slowfast" and codes(result) == [] and result.plan["total_optimizer_steps"] is None


@pytest.mark.parametrize("steps,lrs,expected", [
    ("[0, 40, 50]", "[1, 0.1, 0.01]", []),
    ("[10, 40]", "[1, 0.1, 0.01]", ["SL601"]),          # epochs 0-10 at LRS[-1]
    ("[0, 40, 50]", "[1, 0.1]", ["SL601"]),             # IndexError at epoch 50
    ("[0, 40, 70]", "[1, 0.1]", []),                    # the step without a multiplier is never reached
])
def test_slowfast_relative_lrs(steps, lrs, expected):
    text = f"SOLVER: {{MAX_EPOCH: 60, LR_POLICY: steps_with_relative_lrs, STEPS: {steps}, LRS: {lrs}}}\nNUM_GPUS: 8\n"
    assert [c for c in codes(lint(text)) if c.startswith("SL6")] == expected


def test_slowfast_batch_divisibility_uses_num_gpus_and_cpu_runs_are_not_asserted():
    assert "SL600" in codes(lint("SOLVER: {MAX_EPOCH: 10}\nTRAIN: {BATCH_SIZE: 12}\nNUM_GPUS: 8\n"))
    assert "SL600" in codes(lint("SOLVER: {MAX_EPOCH: 10}\nTEST: {BATCH_SIZE: 12}\nNUM_GPUS: 8\n"))
    assert "SL600" not in codes(lint("SOLVER: {MAX_EPOCH: 10}\nTRAIN: {BATCH_SIZE: 12}\nNUM_GPUS: 0\n"))
