"""timm train.py argument files: detection (and that no corpus file is claimed), the epochs the
scheduler decides (cooldown, warmup prefix, cycles), the per-GPU batch with drop_last, and the
findings of the bad sample."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from .conftest import read_with, CORPUS, ROOT, SHARED, check_file, codes, lint

SAMPLES = ROOT / "sample_configs" / "timm"
WILD = SHARED / "corpus-wild"

ARGS = "model: resnet50\nepochs: {epochs}\nbatch_size: 100\nsched: {sched}\nopt: sgd\nsmoothing: 0.1\n" \
       "decay_rate: 0.1\nwarmup_lr: 1.0e-05\n{extra}\n"


def plan_of(result) -> SimpleNamespace:
    return SimpleNamespace(**result.plan)


def args(epochs=100, sched="cosine", extra="", **options):
    return lint(ARGS.format(epochs=epochs, sched=sched, extra=extra), **options)


@pytest.mark.parametrize("root", [CORPUS, WILD], ids=["corpus", "corpus-wild"])
def test_no_corpus_file_is_read_as_timm(root):
    assert [file for file, _, read in read_with(root) if read == "timm"] == []


def test_the_sample_plan():
    plan = plan_of(check_file(SAMPLES / "args_good.yaml", dataset_size=1281167, world_size=8))
    # ceil(1281167 / 8) = 160146 per GPU, batch 256, drop_last: 625 updates an epoch
    assert (plan.batches_per_epoch, plan.total_optimizer_steps, plan.warmup_steps) == (625, 187500, 3125)


@pytest.mark.parametrize("sched,extra,epochs", [
    ("cosine", "cooldown_epochs: 10", 110),
    ("cosine", "warmup_prefix: true\nwarmup_epochs: 5", 105),
    ("cosine", "lr_cycle_limit: 3", 300),
    ("cosine", "lr_cycle_limit: 2\nlr_cycle_mul: 2.0", 300),   # 100 + 200
    ("step", "cooldown_epochs: 10", 100),                      # cooldown only for cycle schedulers
    ("multistep", "warmup_prefix: true\nwarmup_epochs: 3", 103),
])
def test_the_scheduler_decides_the_epochs(sched, extra, epochs):
    assert plan_of(args(sched=sched, extra=extra)).epochs == epochs


def test_an_unknown_scheduler_leaves_the_epochs_unread():
    assert plan_of(args(sched="my_sched")).epochs is None


def test_epoch_repeats_leave_the_batch_unread():
    assert plan_of(args(extra="epoch_repeats: 2.0", dataset_size=1000)).optimizer_steps_per_epoch is None


def test_samples():
    assert check_file(SAMPLES / "args_good.yaml", dataset_size=1281167, world_size=8).findings == []
    assert sorted(codes(check_file(SAMPLES / "finetune_bad.yaml"))) == ["SL203", "SL205"]


def test_absent_keys_keep_their_argparse_defaults():
    # train.py `_parse_args`: parser.set_defaults(**cfg) leaves an absent key at its argparse default,
    # --warmup-epochs 5 and --val-interval 1 (train.py): 3200 / 32 = 100 updates an epoch, 3 epochs
    result = lint("model: resnet50\nsched: cosine\nepochs: 3\nbatch_size: 32\nopt: sgd\nsmoothing: 0.1\n"
                  "min_lr: 1.0e-05\n", dataset_size=3200)
    plan = plan_of(result)
    assert (plan.total_optimizer_steps, plan.warmup_steps) == (300, 500)
    assert (plan.eval_count, plan.first_eval_step, plan.checkpoint_count) == (3, 100, 3)
    assert codes(result) == ["SL203"]


def test_a_scheduler_timm_does_not_build_has_no_warmup():
    # create_scheduler_v2 leaves lr_scheduler None for another sched: no warmup_t is ever used
    assert plan_of(args(sched="my_sched", extra="warmup_epochs: 5", dataset_size=1000)).warmup_steps is None


def test_log_interval_is_not_read_as_a_cadence():
    # train.py `train_one_epoch`: `if update_idx % args.log_interval == 0 or last_batch:` logs at
    # update 0 and at the last batch of every epoch, so a log_interval of 500 in 3 epochs of 100 updates
    # still logs 6 times: no "nothing is logged" (SL204)
    result = args(epochs=3, extra="warmup_epochs: 0\nlog_interval: 500", dataset_size=10000)
    assert (plan_of(result).total_optimizer_steps, plan_of(result).logging_count) == (300, None)
    assert "SL204" not in codes(result)


@pytest.mark.parametrize("split,evaluations", [("val_split: ''", 0), ("val_split: null", 0),
                                               ("val_split: validation", 3), ("", 3)])
def test_no_evaluation_without_a_val_split(split, evaluations):
    # train.py `main`: `if args.val_split:` builds loader_eval (--val-split defaults to 'validation'),
    # and the epoch loop evaluates only `if loader_eval is not None:`; the checkpoints are still saved
    plan = plan_of(args(epochs=3, extra=f"warmup_epochs: 0\nval_interval: 1\n{split}", dataset_size=10000))
    # 10000 / 100 = 100 updates an epoch, 3 epochs: eval and checkpoint after each
    assert (plan.total_optimizer_steps, plan.eval_count, plan.checkpoint_count) == (300, evaluations, 3)


def test_an_eval_interval_without_a_val_split_is_no_finding():
    # no loader_eval (train.py `main`): a val_interval longer than the run says nothing of evaluations
    result = args(epochs=3, extra="warmup_epochs: 0\nval_interval: 10\nval_split: ''", dataset_size=10000)
    assert [f.message for f in result.findings if "evaluation" in f.message] == []
