"""LAVIS project YAML: run.max_epoch epochs of batch_size_train per GPU (drop_last), accum_grad_iters
counted per epoch (the short last group's step never taken), warmup_steps in iterations of epoch 0 (SL711), a checkpoint
every epoch without validation splits, evaluation-only configs not read as runs."""

from __future__ import annotations

from steplint.frameworks import detect
from steplint.interpolation import resolve
from steplint.loading import load_bytes

from .conftest import ROOT, check_file, codes, lint

SAMPLES = ROOT / "sample_configs" / "lavis"

RUN = """\
model: {{arch: blip2, model_type: pretrain}}
datasets: {{coco_caption: {{}}}}
run:
  task: image_text_pretrain
  lr_sched: {sched}
  init_lr: 1e-4
  min_lr: 1e-5
  max_epoch: 10
  batch_size_train: 100
  accum_grad_iters: {accum}
  warmup_steps: {warmup}
  train_splits: ["train"]
{extra}
"""


def run(sched="linear_warmup_cosine_lr", accum=1, warmup=1000, extra=""):
    return RUN.format(sched=sched, accum=accum, warmup=warmup, extra=extra)


def test_a_lavis_project_config_is_lavis():
    assert getattr(detect(resolve(load_bytes("c.yaml", run().encode()).documents[0].data)), "name", None) == "lavis"


def test_epochs_batches_and_accumulation():
    plan = lint(run(accum=3), dataset_size=100050, world_size=1).plan
    # 100050 / 100 with drop_last: 1000 iterations; an optimizer step every 3, the last one carried over
    assert (plan["batches_per_epoch"], plan["optimizer_steps_per_epoch"], plan["total_optimizer_steps"]) == \
        (1000, 333, 3330)
    assert plan["checkpoint_count"] == 10  # no valid_splits: every epoch


def test_an_epoch_shorter_than_one_accumulation_group_never_steps():
    # lavis/tasks/base_task.py `_train_inner_loop`: `if (i + 1) % accum_grad_iters == 0: optimizer.step()`, i in
    # range(len(data_loader)) from 0 every epoch: 3 iterations never reach (i + 1) = 4, so no epoch steps
    result = lint(run(accum=4), dataset_size=300, world_size=1)
    plan = result.plan
    assert (plan["batches_per_epoch"], plan["optimizer_steps_per_epoch"], plan["total_optimizer_steps"]) == (3, 0, 0)
    assert "SL305" not in codes(result)  # LAVIS does not step at an epoch's end
    # 9 iterations with accum 4: steps at i + 1 = 4 and 8, the 9th's gradient carried into the next epoch
    assert lint(run(accum=4), dataset_size=900, world_size=1).plan["optimizer_steps_per_epoch"] == 2


def test_a_warmup_longer_than_the_first_epoch_is_cut():
    result = lint(run(warmup=5000), dataset_size=400000, world_size=4)
    assert codes(result) == ["SL711"] and "first epoch has 1000" in result.findings[0].message
    assert codes(lint(run(warmup=800), dataset_size=400000, world_size=4)) == []
    assert codes(lint(run(warmup=5000))) == [r for r in codes(lint(run(warmup=5000))) if r != "SL711"]  # needs N
    assert "SL711" not in codes(lint(run(sched="constant_lr", warmup=5000), dataset_size=400000, world_size=4))


def test_validation_splits_and_evaluation_only_configs():
    plan = lint(run(extra='  valid_splits: ["val"]'), dataset_size=100000).plan
    assert plan["eval_count"] == 10 and plan["checkpoint_count"] is None  # the best one: depends on the metric
    evaluate = lint(run(extra="  evaluate: True"), dataset_size=100000)
    assert evaluate.findings == [] and evaluate.plan["total_optimizer_steps"] is None


def test_samples():
    assert check_file(SAMPLES / "good.yaml", dataset_size=400000, world_size=4).findings == []
    assert codes(check_file(SAMPLES / "bad.yaml", dataset_size=400000, world_size=4)) == ["SL711"]
