"""MMEngine YAML/JSON configs: loops, by_epoch units of schedulers and hooks, accumulative_counts,
`_base_` merging (with `_delete_`), and that no corpus file is claimed."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from .conftest import read_with, CORPUS, ROOT, SHARED, check_file, codes, lint

SAMPLES = ROOT / "sample_configs" / "mmengine"
WILD = SHARED / "corpus-wild"

VAL = "val_cfg: {type: ValLoop}\nval_dataloader: {batch_size: 1}\nval_evaluator: {type: CocoMetric}\n"


def plan_of(result) -> SimpleNamespace:
    return SimpleNamespace(**result.plan)


@pytest.mark.parametrize("root", [CORPUS, WILD], ids=["corpus", "corpus-wild"])
def test_no_corpus_file_is_read_as_mmengine(root):
    assert [file for file, _, read in read_with(root) if read == "mmengine"] == []


def test_epoch_loop_sample():
    plan = plan_of(check_file(SAMPLES / "retinanet_1x_good.yaml", dataset_size=117266, world_size=8))
    # ceil(117266 / 8) = 14659 per GPU, batch 2 (no drop_last): 7330 iterations an epoch
    assert (plan.optimizer_steps_per_epoch, plan.total_optimizer_steps, plan.warmup_steps) == (7330, 87960, 500)
    assert (plan.checkpoint_count, plan.eval_count) == (12, 12)


def test_iteration_loop_with_accumulation():
    text = ("train_cfg: {type: IterBasedTrainLoop, max_iters: 8000, val_interval: 2000}\n" + VAL +
            "optim_wrapper: {type: OptimWrapper, accumulative_counts: 4}\n"
            "default_hooks: {checkpoint: {type: CheckpointHook, interval: 1000, by_epoch: false}}\n")
    plan = plan_of(lint(text))
    # iterations are batches: 8000 of them, 2000 optimizer steps
    assert (plan.gradient_accumulation_steps, plan.total_optimizer_steps) == (4, 2000)
    assert (plan.checkpoint_count, plan.eval_count, plan.first_eval_step) == (8, 4, 500)


def test_by_epoch_defaults_to_true_for_schedulers_and_checkpoints():
    text = ("train_cfg: {by_epoch: true, max_epochs: 6}\n"
            "param_scheduler: [{type: LinearLR, start_factor: 0.001, begin: 0, end: 500}]\n")
    assert "SL203" in codes(lint(text))
    iters = text.replace("end: 500}", "end: 500, by_epoch: false}")
    # 500 iterations against 6 epochs of unknown length: undecided, and with no batch size written
    # the dataset size alone would not settle it, so nothing is said (not even SL207)
    assert [f.rule for f in lint(iters).findings if f.rule in ("SL203", "SL207")] == []


def test_bases_merge_and_delete(tmp_path):
    (tmp_path / "base.yaml").write_text(
        "train_cfg: {type: EpochBasedTrainLoop, max_epochs: 12, val_interval: 1}\n"
        "default_hooks: {checkpoint: {type: CheckpointHook, interval: 1}}\n"
        "train_dataloader: {batch_size: 10, sampler: {type: DefaultSampler}}\n"
        "param_scheduler: [{type: MultiStepLR, begin: 0, end: 12, milestones: [8, 11]}]\n")
    child = tmp_path / "child.yaml"
    child.write_text("_base_: ./base.yaml\ntrain_cfg: {max_epochs: 6}\n"
                     "default_hooks: {checkpoint: {_delete_: true, type: CheckpointHook, interval: 3}}\n")
    result = check_file(child, dataset_size=1000)
    plan = plan_of(result)
    assert plan.epochs == 6 and plan.checkpoint_count == 2
    assert "SL205" in codes(result)  # the base's milestones 8 and 11 are past the child's 6 epochs


def test_a_python_base_is_named_not_read(tmp_path):
    child = tmp_path / "c.yaml"
    child.write_text("_base_: ['./schedule_1x.py']\ntrain_cfg: {type: EpochBasedTrainLoop, max_epochs: 6}\n"
                     "default_scope: mmdet\n")
    result = check_file(child)
    assert result.dialect == "mmengine"
    assert any("schedule_1x.py" in a for a in result.plan["assumptions"])


def test_samples():
    assert [f for f in check_file(SAMPLES / "retinanet_1x_good.yaml", dataset_size=117266).findings
            if f.severity.name != "INFO"] == []
    assert sorted(codes(check_file(SAMPLES / "short_schedule_bad.yaml"))) == ["SL203", "SL204", "SL205"]


def test_dynamic_intervals_leave_the_evaluation_unread():
    text = ("train_cfg: {type: EpochBasedTrainLoop, max_epochs: 12, val_interval: 5, dynamic_intervals: [[10, 1]]}\n"
            + VAL + "train_dataloader: {batch_size: 10}\n")
    assert plan_of(lint(text, dataset_size=1000)).eval_count is None
    assert plan_of(lint(text.replace(", dynamic_intervals: [[10, 1]]", ""), dataset_size=1000)).eval_count == 3


EPOCHS_8 = ("train_cfg: {type: EpochBasedTrainLoop, max_epochs: 8, val_interval: 1}\n" + VAL +
            "train_dataloader: {batch_size: 10}\n")  # 1000 samples: 100 steps an epoch, 800 in all


def test_save_last_false_saves_no_final_checkpoint():
    # checkpoint_hook.py after_train_epoch: `every_n_epochs(...) or (self.save_last and
    # self.is_last_train_epoch(runner))`: epochs 3 and 6, and epoch 8 only with save_last
    text = EPOCHS_8 + "default_hooks: {checkpoint: {type: CheckpointHook, interval: 3}}\n"
    assert lint(text, dataset_size=1000).plan["checkpoint_count"] == 3
    off = text.replace("interval: 3}", "interval: 3, save_last: false}")
    assert lint(off, dataset_size=1000).plan["checkpoint_count"] == 2
    never = lint(off.replace("interval: 3", "interval: 10"), dataset_size=1000)
    assert never.plan["checkpoint_count"] == 0
    [sl204] = [f for f in never.findings if f.rule == "SL204"]
    assert sl204.message.endswith("no periodic checkpoint is ever saved")  # no "final one MMEngine forces"


def test_val_begin_past_the_run_means_no_evaluation_at_all():
    # loops.py EpochBasedTrainLoop.run: `self._epoch >= self.val_begin and (self._epoch %
    # self.val_interval == 0 or self._epoch == self._max_epochs)`: the last epoch waits for val_begin too
    late = EPOCHS_8.replace("val_interval: 1}", "val_interval: 1, val_begin: 10}")
    result = lint(late, dataset_size=1000)
    assert (result.plan["eval_count"], result.plan["first_eval_step"]) == (0, None)
    on_time = lint(late.replace("val_begin: 10", "val_begin: 8"), dataset_size=1000).plan
    assert (on_time["eval_count"], on_time["first_eval_step"]) == (1, 800)  # epoch 8 only
    # IterBasedTrainLoop.run: `self._iter >= self.val_begin`, at most max_iters
    iters = "train_cfg: {type: IterBasedTrainLoop, max_iters: 8000, val_interval: 2000, val_begin: 9000}\n" + VAL
    assert lint(iters).plan["eval_count"] == 0
    assert lint(iters.replace("9000", "8000")).plan["eval_count"] == 1


def test_save_begin_starts_the_checkpoint_grid():
    # mmengine/hooks/hook.py every_n_epochs: `dividend = runner.epoch + 1 - start`, a save when
    # `dividend % n == 0` and dividend >= 0: epoch 5 (save_begin), then 15, 25...; and the last
    # epoch, 8, with save_last (checkpoint_hook.py after_train_epoch): 2 saves, the first at 5 × 100
    text = EPOCHS_8 + "default_hooks: {checkpoint: {type: CheckpointHook, interval: 10, save_begin: 5}}\n"
    result = lint(text, dataset_size=1000)
    assert (result.plan["checkpoint_count"], result.plan["first_checkpoint_step"]) == (2, 500)
    assert "SL204" not in codes(result)  # the interval 10 > 8 epochs is not a period from 0 here
    assert lint(text).plan["checkpoint_count"] == 2  # epochs only: known without the dataset size
    # every_n_train_iters likewise: iterations 500, 1500, ..., 7500 and the last, 8000; with
    # accumulative_counts 4 iteration 500 ends optimizer step 125 (optimizer_wrapper.py should_update)
    iters = ("train_cfg: {type: IterBasedTrainLoop, max_iters: 8000}\n"
             "optim_wrapper: {type: OptimWrapper, accumulative_counts: 4}\n"
             "default_hooks: {checkpoint: {type: CheckpointHook, interval: 1000, by_epoch: false, save_begin: 500}}\n")
    plan = lint(iters).plan
    assert (plan["checkpoint_count"], plan["first_checkpoint_step"]) == (9, 125)


def test_a_val_begin_past_any_count_does_not_raise():
    # found by forcing the reader on odd values: train_cfg.val_begin 1e20 made an eval delay past
    # steplint's largest count, a Duration that fails validation inside the reader; it is past any
    # run, so (loops.py `self._epoch >= self.val_begin`) nothing is validated
    result = lint(EPOCHS_8.replace("val_interval: 1}", "val_interval: 1, val_begin: 1e20}"), dataset_size=1000)
    assert result.error is None and result.plan["eval_count"] == 0
