"""SpeechBrain hparams: HyperPyYAML tags are never constructed; !ref to top-level keys is followed."""

from __future__ import annotations

from steplint.findings import Severity

from .conftest import ROOT, check_file, codes, lint

SAMPLES = ROOT / "sample_configs" / "speechbrain"


def test_tags_load_as_data_and_refs_are_followed():
    result = check_file(SAMPLES / "good.yaml", dataset_size=28_539)
    assert result.dialect == "speechbrain" and result.error is None
    assert [f for f in result.findings if f.severity >= Severity.WARNING] == []
    plan = result.plan
    # batch_size !ref <batch_size> = 16, 1784 batches, a step every 4 (floored): 446 per epoch
    assert plan["micro_batch_size"] == 16 and plan["optimizer_steps_per_epoch"] == 446
    assert plan["epochs"] == 110 and plan["warmup_steps"] == 25000


def test_bad_sample():
    result = check_file(SAMPLES / "bad.yaml", dataset_size=28_539)
    assert [(f.rule, f.key_path) for f in result.findings] == [
        ("SL769", "ckpt_interval_steps"), ("SL203", "noam_annealing.n_warmup_steps")]


def test_nothing_in_the_file_runs():
    # a tag that would run code if constructed is only text to steplint
    text = ("number_of_epochs: 2\nepoch_counter: !new:speechbrain.utils.epoch_loop.EpochCounter\n"
            "  limit: !ref <number_of_epochs>\nboom: !apply:os.system ['exit 3']\n"
            "train_dataloader_opts: {batch_size: 4}\n")
    result = lint(text)
    assert result.dialect == "speechbrain" and result.plan["epochs"] == 2


def test_dynamic_batching_is_not_derived():
    text = ("number_of_epochs: 5\ndynamic_batching: true\nbatch_size: 8\ngrad_accumulation_factor: 2\n"
            "epoch_counter: {limit: 5}\ntrain_dataloader_opts: {batch_size: 8}\n")
    assert lint(text, dataset_size=1000).plan["optimizer_steps_per_epoch"] is None
    assert codes(lint(text.replace("dynamic_batching: true\n", ""), dataset_size=1000)) == []


def test_optimizer_step_limit_ends_the_run_at_the_first_limit():
    # speechbrain/core.py `Brain.__init__` reads run options from the hparams; `_fit_train` breaks once
    # `optimizer_step >= optimizer_step_limit` (`_optimizer_step_limit_exceeded`), and `fit` then leaves the
    # epoch loop. 1000 samples in batches of 4, a step every 2 batches: 125 steps an epoch, 10 epochs = 1250
    text = ("number_of_epochs: 10\nepoch_counter: {{limit: !ref <number_of_epochs>}}\n"
            "train_dataloader_opts: {{batch_size: 4}}\ngrad_accumulation_factor: 2\noptimizer_step_limit: {limit}\n")
    plan = lint(text.format(limit=300), dataset_size=1000).plan
    assert (plan["optimizer_steps_per_epoch"], plan["total_optimizer_steps"], plan["limited_by"]) == (125, 300, "max_steps")
    assert codes(lint(text.format(limit=300), dataset_size=1000)) == ["SL202"]
    # a limit past the epochs' 1250 steps is never reached: the epochs end the run
    plan = lint(text.format(limit=5000), dataset_size=1000).plan
    assert (plan["total_optimizer_steps"], plan["limited_by"]) == (1250, "epochs")
    # null is RunOptions' default (no limit), and `optimizer_step >= inf` never holds
    for limit in ("null", ".inf"):
        assert lint(text.format(limit=limit), dataset_size=1000).plan["total_optimizer_steps"] == 1250
