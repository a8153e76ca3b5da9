"""PaddleDetection: `_BASE_` lists merged as ppdet's workspace merges them, the plan (batch per card,
snapshot_epoch, LinearWarmup steps or epochs, PiecewiseDecay milestones in epochs), and that no
corpus file is claimed."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from .conftest import read_with, CORPUS, ROOT, SHARED, check_file, codes, lint

SAMPLES = ROOT / "sample_configs" / "paddledet"
WILD = SHARED / "corpus-wild"


def plan_of(result) -> SimpleNamespace:
    return SimpleNamespace(**result.plan)


def write(tmp_path, name, text):
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


@pytest.mark.parametrize("root", [CORPUS, WILD], ids=["corpus", "corpus-wild"])
def test_no_corpus_file_is_read_as_paddledet(root):
    assert [file for file, _, read in read_with(root) if read == "paddledet"] == []


def test_the_sample_reads_through_its_bases():
    plan = plan_of(check_file(SAMPLES / "faster_rcnn_r50_fpn_1x_coco.yml", dataset_size=117266, world_size=8))
    # ceil(117266 / 8) = 14659 per card, batch 2 with drop_last: 7329 steps an epoch, 12 epochs
    assert (plan.micro_batch_size, plan.optimizer_steps_per_epoch, plan.total_optimizer_steps) == (2, 7329, 87948)
    assert (plan.warmup_steps, plan.checkpoint_count) == (1000, 12)


def test_later_bases_win_and_the_config_wins_over_all(tmp_path):
    write(tmp_path, "a.yml", "epoch: 10\nsnapshot_epoch: 2\nTrainReader: {batch_size: 4, drop_last: true}\n")
    write(tmp_path, "b.yml", "epoch: 20\nTrainReader: {batch_size: 8}\n")
    top = write(tmp_path, "top.yml", "_BASE_: ['a.yml', 'b.yml']\narchitecture: YOLOv3\nsnapshot_epoch: 5\n")
    result = check_file(top, dataset_size=800)
    plan = plan_of(result)
    # b's epoch and batch, a's drop_last (mappings merge key by key), the config's snapshot_epoch
    assert (plan.epochs, plan.micro_batch_size, plan.optimizer_steps_per_epoch) == (20, 8, 100)
    assert (plan.checkpoint_count, plan.first_checkpoint_step) == (4, 500)


def test_the_train_reader_drops_the_last_batch_unless_told_not_to():
    # ppdet/data/reader.py `TrainReader.__init__(..., drop_last=True, ...)`: 10 samples in batches of 4 are
    # 2 steps an epoch, and 4 > 3 samples is an epoch of 0 batches (paddle's BatchSampler drops the only one)
    text = "epoch: 12\nsnapshot_epoch: 1\narchitecture: YOLOv3\nTrainReader:\n  batch_size: 4\n{extra}"
    assert plan_of(lint(text.format(extra=""), dataset_size=10)).optimizer_steps_per_epoch == 2
    assert codes(lint(text.format(extra=""), dataset_size=3)) == ["SL206"]
    # written false, the short batch is kept: ceil(10 / 4) = 3 steps, and 3 samples are one batch of 3
    assert plan_of(lint(text.format(extra="  drop_last: false\n"), dataset_size=10)).optimizer_steps_per_epoch == 3
    assert codes(lint(text.format(extra="  drop_last: false\n"), dataset_size=3)) == ["SL304"]


def test_a_missing_base_is_named_not_guessed(tmp_path):
    top = write(tmp_path, "top.yml", "_BASE_: ['missing.yml']\nepoch: 12\narchitecture: YOLOv3\n")
    result = check_file(top)
    assert result.dialect == "paddledet"
    assert any("missing.yml" in a for a in result.plan["assumptions"])


def test_linear_warmup_epochs_win_over_steps_and_steps_default_to_500():
    base = "epoch: 3\nsnapshot_epoch: 1\nTrainReader: {{batch_size: 2}}\nLearningRate:\n  schedulers:\n" \
           "  - {{gamma: 0.1, milestones: [2]}}\n  - {warmup}\n"
    assert "SL203" in codes(lint(base.format(warmup="{start_factor: 0.1, steps: 100, epochs: 5}")))
    plan = plan_of(lint(base.format(warmup="{start_factor: 0.1}"), dataset_size=1000))
    assert plan.warmup_steps == 500


def test_the_bad_sample():
    # the warmup (1000 steps) against the run needs the dataset size: it is in the file's SL207
    assert sorted(codes(check_file(SAMPLES / "short_finetune_bad.yml"))) == ["SL204", "SL205", "SL207"]
    assert [f for f in check_file(SAMPLES / "faster_rcnn_r50_fpn_1x_coco.yml", dataset_size=117266).findings
            if f.severity.name != "INFO"] == []
