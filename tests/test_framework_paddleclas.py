"""PaddleClas: detection (corpus-wild in place), the plan's numbers under PaddleClas's arithmetic
(batch per card, epochs floored to update_freq, Global.iter_per_epoch), and its rules SL630-SL632."""

from __future__ import annotations

import csv
from types import SimpleNamespace

import pytest

from .conftest import CORPUS, ROOT, SHARED, check_file, codes, lint

WILD = SHARED / "corpus-wild"
PADDLECLAS = WILD / "PaddlePaddle__PaddleClas" / "ppcls" / "configs"
SAMPLES = ROOT / "sample_configs" / "paddleclas"
needs_wild = pytest.mark.skipif(not PADDLECLAS.is_dir(), reason="../shared/corpus-wild is absent (it sits beside the repo)")


def _rows(root):
    with open(root / "MANIFEST.tsv", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def plan_of(result) -> SimpleNamespace:
    return SimpleNamespace(**result.plan)


def _dialect(path):
    return check_file(path).dialect


CONFIG = """\
Global:
  epochs: {epochs}
  save_interval: {save}
  eval_during_train: True
  eval_interval: {eval}
  print_batch_step: 10
  {extra}
Arch: {{name: ResNet50}}
Optimizer:
  name: Momentum
  lr: {{name: Cosine, learning_rate: 0.1, warmup_epoch: {warmup}}}
DataLoader:
  Train:
    sampler: {{name: {sampler}, batch_size: 64, drop_last: {drop}, shuffle: True}}
"""


def config(epochs=120, save=10, eval=1, warmup=5, extra="", sampler="DistributedBatchSampler", drop="False"):
    return CONFIG.format(epochs=epochs, save=save, eval=eval, warmup=warmup, extra=extra, sampler=sampler, drop=drop)


@needs_wild
def test_every_paddleclas_file_of_corpus_wild_is_paddleclas_and_no_other_is():
    rows = _rows(WILD)
    ours = [r["file"] for r in rows if r["repo"] == "PaddlePaddle/PaddleClas"]
    assert len(ours) == 36
    assert [f for f in ours if _dialect(WILD / f) != "paddleclas"] == []
    others = [r["file"] for r in rows if r["repo"] != "PaddlePaddle/PaddleClas"]
    assert [f for f in others if _dialect(WILD / f) == "paddleclas"] == []


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is absent (it sits beside the repo)")
def test_no_file_of_the_first_corpus_is_read_as_paddleclas():
    assert [r["file"] for r in _rows(CORPUS) if _dialect(CORPUS / r["file"]) == "paddleclas"] == []


@needs_wild
def test_deit_on_imagenet_8_cards():
    result = check_file(PADDLECLAS / "ImageNet/DeiT/DeiT_small_distilled_patch16_224.yaml",
                        dataset_size=1281167, world_size=8)
    plan = plan_of(result)
    assert (plan.micro_batch_size, plan.batches_per_epoch, plan.last_batch_size) == (256, 626, 146)
    assert (plan.optimizer_steps_per_epoch, plan.total_optimizer_steps) == (626, 187800)
    assert plan.warmup_steps == 5 * 626
    assert (plan.checkpoint_count, plan.eval_count) == (300, 300)
    assert [f for f in result.findings if f.severity.name != "INFO"] == []


@needs_wild
def test_fixmatch_epochs_are_iter_per_epoch_long_whatever_the_dataset():
    # Global.iter_per_epoch: 1024, epochs: 1024, eval every epoch; save_interval: -1 keeps no epoch_N
    # copy, but `latest` is saved every epoch
    plan = plan_of(check_file(PADDLECLAS / "ssl/FixMatch/FixMatch_cifar10_4000.yaml"))
    assert plan.total_optimizer_steps == 1024 * 1024
    assert (plan.eval_count, plan.first_eval_step) == (1024, 1024)
    assert (plan.checkpoint_count, plan.first_checkpoint_step) == (1024, 1024)


@needs_wild
def test_the_legacy_1x_config_is_recognised_and_nothing_is_read():
    result = check_file(PADDLECLAS / "quick_start/kunlun/VGG16_finetune_kunlun.yaml", dataset_size=1020)
    assert result.dialect == "paddleclas"
    assert plan_of(result).total_optimizer_steps is None and result.findings == []


def test_save_interval_is_not_the_checkpoint_cadence_latest_is_saved_every_epoch():
    # -1 (and 0) keep no epoch_N copies: not an invalid value; larger than epochs: not a finding
    for save in (-1, 0, 500):
        result = lint(config(save=save), dataset_size=50000)
        assert [f.rule for f in result.findings if f.severity.name != "INFO"] == []
        assert plan_of(result).checkpoint_count == 120


def test_an_epoch_is_floored_to_a_multiple_of_update_freq():
    # 50000 / 64 = 782 iterations (ceil, drop_last False); update_freq 4: 782 // 4 = 195 steps
    plan = plan_of(lint(config(extra="update_freq: 4"), dataset_size=50000))
    assert (plan.batches_per_epoch, plan.optimizer_steps_per_epoch) == (782, 195)
    assert plan.total_optimizer_steps == 120 * 195


def test_another_sampler_leaves_the_batch_unread():
    plan = plan_of(lint(config(sampler="RASampler"), dataset_size=50000))
    assert plan.micro_batch_size is None and plan.optimizer_steps_per_epoch is None


def test_eval_interval_is_read_only_with_eval_during_train():
    text = config(eval=200).replace("eval_during_train: True", "eval_during_train: False")
    assert "SL204" not in codes(lint(text))
    assert "SL204" in codes(lint(config(eval=200)))


def test_start_eval_epoch_delays_evaluation():
    plan = plan_of(lint(config(extra="start_eval_epoch: 100"), dataset_size=64000))
    assert plan.optimizer_steps_per_epoch == 1000
    assert (plan.eval_count, plan.first_eval_step) == (21, 100 * 1000)


def test_warmup_of_the_whole_run_is_reported():
    result = lint(config(epochs=5, warmup=5))
    assert "SL203" in codes(result)


def test_a_warmup_longer_than_the_run_is_capped_at_global_epochs():
    # ppcls/optimizer/learning_rate.py `LRBase.__init__`: `if warmup_epoch >= epochs: warmup_epoch = epochs`,
    # then round(warmup_epoch × step_each_epoch): 6400 / 64 = 100 steps an epoch, 20 epochs: 2000, not 3000
    result = lint(config(epochs=20, warmup=30), dataset_size=6400)
    assert (plan_of(result).warmup_steps, plan_of(result).total_optimizer_steps) == (2000, 2000)
    hit, = [f for f in result.findings if f.rule == "SL203"]
    assert hit.message.startswith("warmup is 20 epochs (2000 steps) but the run is 2000 steps")
    assert plan_of(lint(config(epochs=20, warmup=5), dataset_size=6400)).warmup_steps == 500  # shorter: as written
    # Global.iter_per_epoch 50: round(min(30, 20) × 50) = 1000
    assert plan_of(lint(config(epochs=20, warmup=30, extra="iter_per_epoch: 50"))).warmup_steps == 1000


def test_sl630_zero_intervals():
    result = lint(config(eval=0).replace("print_batch_step: 10", "print_batch_step: 0"))
    hits = [f for f in result.findings if f.rule == "SL630"]
    assert sorted(f.key_path for f in hits) == ["Global.eval_interval", "Global.print_batch_step"]
    assert "SL630" not in codes(lint(config(save=0)))  # save_interval 0: `save_interval > 0` is tested


def test_sl631_lr_epochs_replaced_by_global_epochs():
    text = config(epochs=100).replace("warmup_epoch: 5", "warmup_epoch: 5, epochs: 300")
    hits = [f for f in lint(text).findings if f.rule == "SL631"]
    assert [h.key_path for h in hits] == ["Optimizer.lr.epochs"]
    assert "sized for 100 epochs, not 300" in hits[0].message
    assert "SL631" not in codes(lint(config(epochs=300).replace("warmup_epoch: 5", "warmup_epoch: 5, epochs: 300")))


def test_sl631_step_each_epoch_of_a_list_of_optimizers():
    text = """\
Global: {epochs: 10, iter_per_epoch: 50, save_interval: 1, eval_during_train: False, print_batch_step: 10}
Arch: {name: RecModel}
Loss: {Train: [{CELoss: {weight: 1.0}}]}
Optimizer:
  - Momentum:
      scope: RecModel
      lr: {name: Cosine, learning_rate: 0.1, epochs: 10, step_each_epoch: 500}
"""
    hits = [f for f in lint(text).findings if f.rule == "SL631"]
    assert [h.key_path for h in hits] == ["Optimizer[0].Momentum.lr.step_each_epoch"]
    assert "replaces it with 50" in hits[0].message


def test_sl632_update_freq_longer_than_an_epoch():
    text = config(extra="update_freq: 8")
    assert "SL632" in codes(lint(text, dataset_size=2000, world_size=8))  # 250 per card: 4 iterations
    assert "SL632" not in codes(lint(text, dataset_size=200000, world_size=8))
    assert "SL632" not in codes(lint(text))  # unknown without the dataset size
    fixed = lint(config(extra="update_freq: 8\n  iter_per_epoch: 4"))
    assert "SL632" in codes(fixed)
    assert plan_of(fixed).total_optimizer_steps == 120 * 4  # update_freq set to 1: a step per iteration
    # the same from the dataset: 250 per card = 4 iterations an epoch, update_freq reset to 1
    # (engine.py `Engine.__init__`), so 4 steps an epoch and no SL305 beside SL632
    from_n = lint(text, dataset_size=2000, world_size=8)
    assert plan_of(from_n).optimizer_steps_per_epoch == 4 and plan_of(from_n).gradient_accumulation_steps == 1
    assert "SL305" not in codes(from_n)


def test_samples():
    assert check_file(SAMPLES / "resnet50_good.yaml", dataset_size=1281167, world_size=8).findings == []
    bad = check_file(SAMPLES / "finetune_bad.yaml")
    assert sorted(codes(bad)) == ["SL203", "SL204", "SL630", "SL631"]
    assert [f.key_path for f in bad.findings if f.rule == "SL204"] == ["Global.eval_interval"]


@pytest.mark.parametrize("start", [".inf", "1e400", "9007199254740993"])
def test_a_start_eval_epoch_past_any_run_means_no_evaluation_not_an_internal_error(start):
    # PaddleClas engine.py evaluates only from `start_eval_epoch` on: .inf never does
    result = lint(config(epochs=10, extra=f"start_eval_epoch: {start}"), "ResNet50.yaml", dataset_size=6400)
    assert result.error is None and result.dialect == "paddleclas"
    assert result.plan["eval_count"] == 0
