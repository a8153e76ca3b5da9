"""Ultralytics YOLO train arguments: detection (and that no corpus file is claimed), the batch as the
total over devices, the accumulation derived from nbs, AutoBatch, modes other than train, `time`,
and SL639."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from .conftest import read_with, CORPUS, ROOT, SHARED, check_file, codes, lint

SAMPLES = ROOT / "sample_configs" / "ultralytics"
WILD = SHARED / "corpus-wild"

ARGS = "task: detect\nmode: {mode}\nmodel: yolo11n.pt\ndata: coco8.yaml\nimgsz: 640\nlr0: 0.01\nmosaic: 1.0\n{extra}\n"


def plan_of(result) -> SimpleNamespace:
    return SimpleNamespace(**result.plan)


def args(extra="epochs: 5", mode="train", **options):
    return lint(ARGS.format(mode=mode, extra=extra), **options)


@pytest.mark.parametrize("root", [CORPUS, WILD], ids=["corpus", "corpus-wild"])
def test_no_corpus_file_is_read_as_ultralytics(root):
    assert [file for file, _, read in read_with(root) if read == "ultralytics"] == []


def test_the_batch_is_the_total_and_nbs_sets_the_accumulation():
    plan = plan_of(check_file(SAMPLES / "args_good.yaml", dataset_size=118287, world_size=2))
    # 32 over 2 devices: 16 each; accumulate round(64 / 32) = 2; ceil(118287 / 2) / 16 = 3697 batches
    assert (plan.micro_batch_size, plan.gradient_accumulation_steps, plan.batches_per_epoch) == (16, 2, 3697)
    assert (plan.checkpoint_count, plan.eval_count) == (100, 100)


def test_defaults_and_autobatch():
    plan = plan_of(args(extra="patience: 50"))
    # batch 16 and nbs 64: 4 batches of 16 per optimizer step
    assert (plan.epochs, plan.micro_batch_size, plan.gradient_accumulation_steps, plan.global_batch_size) == \
        (100, 16, 4, 64)
    auto = plan_of(args(extra="epochs: 10\nbatch: -1"))
    assert auto.micro_batch_size is None and auto.gradient_accumulation_steps == 1


def test_time_decides_the_epochs():
    assert plan_of(args(extra="epochs: 5\ntime: 2.5")).epochs is None
    assert "SL639" not in codes(args(extra="epochs: 5\ntime: 2.5"))


def test_another_mode_is_not_read():
    result = args(mode="predict", extra="epochs: 5")
    assert result.dialect == "ultralytics" and result.findings == [] and plan_of(result).epochs is None


def test_sl639_close_mosaic_past_the_run():
    assert "SL639" in codes(args(extra="epochs: 5"))                   # default close_mosaic 10
    assert "SL639" in codes(args(extra="epochs: 20\nclose_mosaic: 30"))
    assert "SL639" not in codes(args(extra="epochs: 10"))              # closed at epoch 0: no mosaic at all
    assert "SL639" not in codes(args(extra="epochs: 5\nclose_mosaic: 0"))


def test_samples():
    assert check_file(SAMPLES / "args_good.yaml", dataset_size=118287, world_size=2).findings == []
    assert codes(check_file(SAMPLES / "quick_finetune_bad.yaml")) == ["SL639"]
