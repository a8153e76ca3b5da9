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


def loud(result):
    return [f.rule for f in result.findings if f.severity.name in ("WARNING", "ERROR")]


def test_a_run_whose_epochs_are_shorter_than_one_accumulation_group_trains_nothing():
    # lavis/tasks/base_task.py:236 `if (i + 1) % accum_grad_iters == 0:` is the only place `optimizer.step()` runs
    # (line 241, or scaler.step at 238), with i in range(iters_per_epoch) from 0 in every epoch (line 202) and
    # iters_per_epoch = len(data_loader) (train_epoch, line 118): 3 iterations never reach (i + 1) = 4. The warmup of
    # 2 iterations is not SL203's: lr_scheduler.step runs every iteration (line 223), stepped optimizer or not
    result = lint(run(accum=4, warmup=2), dataset_size=1200, world_size=4)
    assert loud(result) == ["SL792"]
    hit = result.findings[0]
    assert hit.severity.name == "ERROR" and hit.key_path == "run.accum_grad_iters"
    assert ("an epoch has 3 iterations per GPU (300 samples / batch_size_train 100, drop_last) but accum_grad_iters "
            "is 4: LAVIS steps the optimizer only when (i + 1) % 4 == 0, i restarting at 0 every epoch, so none of "
            "the 10 epochs takes an optimizer step") in hit.message
    # one group fits: 4 iterations, a step at i + 1 = 4 in every epoch
    assert loud(lint(run(accum=4, warmup=2), dataset_size=1600, world_size=4)) == []
    # the iteration runner (runner_iter) counts max_iters, not epochs: not read as epochs, nothing said
    assert "SL792" not in codes(lint(run(accum=4, warmup=2, extra="  runner: runner_iter"), dataset_size=1200,
                                     world_size=4))
    sample = check_file(SAMPLES / "bad_accumulation.yaml", dataset_size=800, world_size=8)
    assert loud(sample) == ["SL792"] and "none of the 5 epochs takes an optimizer step" in sample.findings[0].message
    assert loud(check_file(SAMPLES / "bad_accumulation.yaml", dataset_size=8000, world_size=8)) == []


def test_a_run_of_no_epoch_is_refused():
    # lavis/runners/runner_base.py:374 `for cur_epoch in range(self.start_epoch, self.max_epoch)` (start_epoch 0,
    # line 63) runs nothing for max_epoch <= 0; then line 426 `self._save_checkpoint(cur_epoch, ...)` (save_last,
    # default True, line 288) or line 429 `test_epoch = ... else cur_epoch` (no valid_splits) reads the unbound loop
    # variable: UnboundLocalError
    for epochs in (0, -1):
        result = lint(run(warmup=5000).replace("max_epoch: 10", f"max_epoch: {epochs}"), dataset_size=400000,
                      world_size=4)
        assert loud(result) == ["SL003"], result.findings
        assert result.findings[0].key_path == "run.max_epoch"
        assert ("no epoch runs and nothing trains; LAVIS then stops with UnboundLocalError (cur_epoch) when it saves "
                "the last checkpoint") in result.findings[0].message
    no_save = lint(run().replace("max_epoch: 10", "max_epoch: 0") + "  save_last: False\n")
    assert "when it picks the test epoch" in no_save.findings[0].message
    # with validation splits and save_last off nothing fails: it ends having trained nothing
    quiet_end = lint(run().replace("max_epoch: 10", "max_epoch: 0") + '  save_last: False\n  valid_splits: ["val"]\n')
    assert loud(quiet_end) == ["SL003"] and "nothing trains" in quiet_end.findings[0].message
    assert "UnboundLocalError" not in quiet_end.findings[0].message
    # evaluation-only configs never train
    assert loud(lint(run().replace("max_epoch: 10", "max_epoch: 0") + "  evaluate: True\n")) == []


def test_a_cut_warmup_needs_a_second_epoch():
    # lavis/common/optims.py LinearWarmupCosineLRScheduler.step: the warmup while cur_epoch == 0, the cosine from
    # epoch 1: a one-epoch run has no epoch 1 to jump to (the warmup just does not finish: SL203's)
    one = lint(run(warmup=5000).replace("max_epoch: 10", "max_epoch: 1"), dataset_size=400000, world_size=4)
    assert "SL711" not in codes(one)
