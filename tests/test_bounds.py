"""Without the dataset size N the run is still bounded (issue 11, item 1), and some configs say N
themselves (item 2): the plan carries (lower, upper) bounds, the rules decide every comparison the
bounds decide, and what is left is one SL207 info per file."""

from __future__ import annotations

import json
import re

from steplint.datasets import rows_at_least, slice_limit, training_set_size
from steplint.findings import Severity

from .conftest import ROOT, codes, lint, run_cli

NATIVE = "steplint: 1\ndata: {{batch_size: 256{size}}}\nrun: {{{run}}}\n{rest}"


def native(run: str, rest: str = "", size: str = "") -> str:
    return NATIVE.format(run=run, rest=rest, size=size)


def loud(result) -> list:
    return [f for f in result.findings if f.severity >= Severity.WARNING]


# -- the plan's bounds ---------------------------------------------------------------------------

def test_the_plan_bounds_what_it_cannot_know():
    """90 epochs of a dataset of at least one batch (256 samples): at least 90 steps, no upper bound."""
    plan = lint(native("epochs: 90")).plan
    assert plan["total_optimizer_steps"] is None
    assert plan["bounds"]["total_optimizer_steps"] == [90, None]
    assert plan["bounds"]["dataset_size"] == [256, None]
    assert plan["bounds"]["optimizer_steps_per_epoch"] == [1, None]
    with_n = lint(native("epochs: 90"), dataset_size=50000).plan
    assert with_n["bounds"] == {} and with_n["dataset_size_source"] == "--dataset-size"


def test_max_steps_caps_the_run_whatever_n():
    plan = lint(native("epochs: 3, max_steps: 500")).plan
    assert plan["total_optimizer_steps"] is None and plan["bounds"]["total_optimizer_steps"] == [3, 500]


def test_a_run_the_same_for_every_n_is_known():
    """max_epochs 9999 beside max_steps 100 (NeMo's way of saying "steps only"): the epochs cannot end
    the run for any N, so the run is 100 steps, and SL202 has nothing to say."""
    result = lint(native("epochs: 9999, max_steps: 100"))
    assert result.plan["total_optimizer_steps"] == 100 and result.plan["limited_by"] == "max_steps"
    assert result.plan["epochs"] is None  # how many epochs 100 steps are depends on N
    assert "total_optimizer_steps" not in result.plan["bounds"]
    assert "SL202" not in codes(result) and "SL207" not in codes(result)


def test_the_plan_table_shows_the_bounds(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text(native("epochs: 3, max_steps: 500"))
    result = run_cli("plan", str(path))
    assert "unknown (3 to 500)" in result.stdout and "unknown (at least 256)" in result.stdout
    as_json = json.loads(run_cli("plan", str(path), "--format", "json").stdout)
    assert as_json["plan"]["bounds"]["total_optimizer_steps"] == [3, 500]


# -- comparisons the bounds decide ---------------------------------------------------------------

def test_a_warmup_longer_than_the_longest_possible_run_is_found_without_n():
    [hit] = [f for f in lint(native("epochs: 3, max_steps: 50", "schedule: {warmup: 100 steps}\n")).findings
             if f.rule == "SL203"]
    assert hit.severity is Severity.WARNING  # no framework refuses it (issue 11 item 7): a warning
    assert hit.message == ("warmup is 100 steps but the run is at most 50 steps (run.max_steps): the LR never "
                           "reaches its peak")


def test_an_interval_longer_than_the_longest_possible_run_is_a_warning_without_n():
    [hit] = [f for f in lint(native("epochs: 3, max_steps: 50", "checkpoint: 800 steps\n")).findings
             if f.rule == "SL204"]
    assert hit.severity is Severity.WARNING and "the run is at most 50 steps (run.max_steps)" in hit.message


def test_an_interval_below_the_shortest_possible_run_is_fine():
    """90 epochs take at least 90 steps: a checkpoint every 50 steps fires, whatever N."""
    assert lint(native("epochs: 90", "checkpoint: 50 steps\n")).findings == []
    assert codes(lint(native("epochs: 90", "checkpoint: 500 steps\n"))) == ["SL207"]


def test_a_declared_total_below_the_shortest_possible_run():
    [hit] = [f for f in lint(native("epochs: 90, total_steps: 60")).findings if f.rule == "SL201"]
    assert hit.severity is Severity.WARNING and "at least 90 steps" in hit.message


def test_a_horizon_past_the_longest_possible_run():
    text = native("epochs: 3, max_steps: 50", "schedule: {name: linear, stepped_per: step, horizon: 1000 steps}\n")
    [hit] = [f for f in lint(text).findings if f.rule == "SL205"]
    assert "sized for 1000 steps (schedule.horizon) but the run is at most 50 steps" in hit.message


def test_milestones_past_the_longest_possible_run():
    text = native("epochs: 3, max_steps: 50", "schedule: {name: multistep, stepped_per: step, milestones: [30, 60]}\n")
    [hit] = [f for f in lint(text).findings if f.rule == "SL205"]
    assert hit.message.startswith("milestones 60 are at or past the end of the run (at most 50 steps")


def test_max_steps_that_no_epoch_count_can_match_on_the_trainer():
    """Hugging Face: max_steps replaces num_train_epochs; 3 epochs are at least 3 steps, so max_steps 2
    disagrees with them for every N. max_steps 500 may or may not: a check N would settle."""
    base = "per_device_train_batch_size: 8\nnum_train_epochs: 3\noutput_dir: out\nmax_steps: {m}\n"
    [hit] = [f for f in lint(base.format(m=2), "train.yaml").findings if f.rule == "SL202"]
    assert hit.severity is Severity.WARNING and "max_steps wins and num_train_epochs is ignored" in hit.message
    result = lint(base.format(m=500), "train.yaml")
    assert "SL202" not in codes(result)
    [info] = [f for f in result.findings if f.rule == "SL207"]
    assert "whether num_train_epochs (3 epochs) agrees with max_steps = 500" in info.message


# -- one info per file ----------------------------------------------------------------------------

def test_one_info_per_file_naming_what_is_missing_and_what_it_would_settle():
    result = lint(native("epochs: 90", "schedule: {warmup: 2000 steps}\ncheckpoint: 5000 steps\neval: 3000 steps\n"))
    [info] = result.findings
    assert info.rule == "SL207" and info.severity is Severity.INFO and info.key_path == "schedule.warmup"
    assert info.message == (
        "not known: the dataset size, which would settle warmup (2000 steps) against the run, the checkpoint "
        "interval (5000 steps) against the run and the eval interval (3000 steps) against the run; without it the "
        "run is at least 90 optimizer steps (pass --dataset-size N or set it in the config)")
    assert set(info.related) >= {"checkpoint", "eval"}


def test_no_info_asks_for_a_dataset_size_that_was_given():
    """With N known, a check still undecided waits on something else (here the run's length: Swin's
    EPOCHS of -3 is not read; with the step schedule Swin does not refuse it as it refuses the cosine's),
    so asking for N would be noise."""
    text = (ROOT / "sample_configs" / "swin" / "good.yaml").read_text()
    refused = re.sub(r"(?m)^  EPOCHS: .*$", "  EPOCHS: -3\n  LR_SCHEDULER: {NAME: step}", text)
    assert refused != text
    assert "SL207" in codes(lint(refused, "swin.yaml"))  # without N: N is one input it needs
    assert "SL207" not in codes(lint(refused, "swin.yaml", dataset_size=1_281_167))


def test_a_deselected_rule_takes_its_checks_out_of_the_info():
    text = native("epochs: 90", "schedule: {warmup: 2000 steps}\ncheckpoint: 5000 steps\n")
    [info] = lint(text, ignore=("SL203",)).findings
    assert "warmup" not in info.message and "checkpoint interval" in info.message
    assert lint(text, ignore=("SL207",)).findings == []


def test_a_suppression_takes_its_check_out_of_the_info_and_is_used():
    """`# steplint: ignore[SL204]` where a checkpoint check was an info keeps working: the check
    leaves SL207 and the suppression is not reported unused (SL006)."""
    base = "steplint: 1\ndata: {{batch_size: 256}}\nrun: {{epochs: 90}}\nschedule:\n  warmup: 2000 steps{w}\n" \
           "checkpoint: 5000 steps{c}\n"
    result = lint(base.format(w="", c="  # steplint: ignore[SL204] -- sized for the real dataset"))
    [info] = result.findings
    assert info.rule == "SL207" and "checkpoint" not in info.message and result.suppressed == 1
    whole = lint(base.format(w="  # steplint: ignore[SL207]", c=""))
    assert whole.findings == [] and whole.suppressed == 1
    per_key = lint(base.format(w="", c=""), per_key_ignores=(("checkpoint", ("SL204",)),))
    assert [f.rule for f in per_key.findings] == ["SL207"] and "checkpoint" not in per_key.findings[0].message


def test_no_info_for_a_check_n_could_not_settle():
    """Without a per-rank batch the plan derives nothing from N: telling the user to pass N would be
    wrong (TRL GRPO generates its own batches; a config that gives no batch size)."""
    grpo = ("per_device_train_batch_size: 8\nnum_train_epochs: 1\nmax_steps: 500\nnum_generations: 8\n"
            "reward_funcs: [accuracy]\noutput_dir: out\nsave_steps: 1000\n")
    result = lint(grpo, "grpo.yaml")
    assert result.plan["micro_batch_size"] is None and "SL207" not in codes(result)
    assert "SL204" in codes(result)  # save_steps 1000 past the 500-step run is decided all the same
    assert lint("steplint: 1\nrun: {epochs: 90}\ncheckpoint: 5000 steps\n").findings == []


# -- N from the config ---------------------------------------------------------------------------

LLAMA_FACTORY = ("stage: {stage}\ndo_train: true\nfinetuning_type: lora\ndataset: {dataset}\ntemplate: qwen\n"
                 "cutoff_len: 2048\nmax_samples: 1000\noutput_dir: out\nsave_steps: 500\n"
                 "per_device_train_batch_size: 1\ngradient_accumulation_steps: 8\nnum_train_epochs: 3.0\n")


def test_llama_factory_max_samples_caps_each_dataset():
    one = lint(LLAMA_FACTORY.format(stage="sft", dataset="alpaca_en_demo"), "train.yaml")
    assert one.plan["dataset_size_source"] == "at most 1000: config: max_samples"
    assert one.plan["bounds"]["total_optimizer_steps"] == [3, 375]  # 3 epochs × ceil(1000 / 8)
    [hit] = [f for f in one.findings if f.rule == "SL204"]
    assert hit.message.startswith("checkpoint every 500 steps but the run is at most 375 steps whatever the dataset "
                                  "size, which max_samples caps at 1000")
    two = lint(LLAMA_FACTORY.format(stage="sft", dataset="identity,alpaca_en_demo"), "train.yaml")
    assert two.plan["bounds"]["dataset_size"] == [8, 2000]
    assert "(2 datasets × 1000)" in two.plan["dataset_size_source"]
    assert not loud(two)  # up to 750 steps: the 500-step checkpoint may fire


def test_llama_factory_pretraining_cuts_texts_into_blocks_so_max_samples_bounds_nothing():
    result = lint(LLAMA_FACTORY.format(stage="pt", dataset="c4_demo"), "train.yaml")
    assert result.plan["dataset_size_source"] is None and result.plan["bounds"]["dataset_size"] == [8, None]
    assert not loud(result)


def test_transformers_examples_max_train_samples():
    text = ("per_device_train_batch_size: 8\nnum_train_epochs: 1\nmax_train_samples: 800\noutput_dir: out\n"
            "save_steps: 200\nwarmup_steps: 150\n")
    result = lint(text, "train.yaml")
    assert result.plan["bounds"]["total_optimizer_steps"] == [1, 100]
    assert {f.rule for f in loud(result)} == {"SL203", "SL204"}


LITGPT = ("checkpoint_dir: checkpoints/x\nout_dir: out\ndevices: 1\ndata:\n  class_path: litgpt.data.Alpaca2k\n"
          "  init_args:\n{args}    seed: 42\ntrain:\n  save_interval: 800\n  global_batch_size: 8\n"
          "  micro_batch_size: 1\n  lr_warmup_steps: 10\n  epochs: 2\n  max_seq_length: 512\neval:\n  interval: 100\n")


def test_litgpt_alpaca2k_has_a_fixed_size():
    """2000 rows; datasets' train_test_split holds out ceil(fraction × 2000) for validation."""
    plan = lint(LITGPT.format(args="    val_split_fraction: 0.03847\n"), "lora.yaml").plan
    assert plan["dataset_size"] == 1923 and plan["total_optimizer_steps"] == 2 * (1923 // 8)
    assert plan["dataset_size_source"].startswith("config: data.class_path (litgpt.data.Alpaca2k: 2000 rows, 77 held")
    assert lint(LITGPT.format(args=""), "lora.yaml").plan["dataset_size"] == 1900  # the default fraction 0.05


TORCHTUNE = ("model:\n  _component_: torchtune.models.llama3_2.lora_llama3_2_1b\ntokenizer:\n  _component_: t\n"
             "dataset:\n  _component_: torchtune.datasets.alpaca_dataset\n  split: {split}\n  packed: {packed}\n"
             "batch_size: 4\nepochs: 1\ngradient_accumulation_steps: 1\noptimizer:\n  _component_: torch.optim.AdamW\n"
             "lr_scheduler:\n  _component_: torchtune.training.lr_schedulers.get_cosine_schedule_with_warmup\n"
             "  num_warmup_steps: 2000\n")


def test_torchtune_split_slice_caps_n():
    text = TORCHTUNE.replace("alpaca_dataset", "slimorca_dataset")  # a dataset of unknown size
    result = lint(text.format(split="'train[:4000]'", packed="false"))
    assert result.plan["dataset_size_source"] == "at most 4000: config: dataset.split (split train[:4000])"
    [hit] = [f for f in result.findings if f.rule == "SL203"]
    assert "the run is at most 1000 steps" in hit.message
    for split, packed in (("'train[:95%]'", "false"), ("'train[:4000]'", "true")):
        assert lint(text.format(split=split, packed=packed)).plan["bounds"]["dataset_size"] == [4, None]


def test_a_public_dataset_of_known_rows_bounds_n_from_below():
    # torchtune's alpaca_dataset loads tatsu-lab/alpaca (52,000 rows): 95% of it is at least 49,399
    result = lint(TORCHTUNE.format(split="'train[:95%]'", packed="false"))
    assert result.plan["bounds"]["dataset_size"] == [49399, None]
    assert "at least 49399" in result.plan["dataset_size_source"]
    assert not [f for f in result.findings if f.rule in ("SL203", "SL207")]  # warmup 2,000 < 12,349 steps
    # the first 4,000 rows of a dataset that has more: exactly 4,000, and the warmup outlasts its 1,000 steps
    exact = lint(TORCHTUNE.format(split="'train[:4000]'", packed="false"))
    assert exact.plan["dataset_size"] == 4000
    assert [f.rule for f in exact.findings if f.severity.label != "info"] == ["SL203"]
    # packed samples, a filter or another source: the rows say nothing of N
    for split, packed in (("'train[:95%]'", "true"), ("train", "false\n  filter_fn: my.filter")):
        assert lint(TORCHTUNE.format(split=split, packed=packed)).plan["bounds"]["dataset_size"] == [4, None]
    other = TORCHTUNE.replace("  packed:", "  source: me/my-data\n  packed:")
    assert lint(other.format(split="train", packed="false")).plan["bounds"]["dataset_size"] == [4, None]


def test_rows_at_least_of_slices():
    assert rows_at_least("yahma/alpaca-cleaned")[0] == 51700
    assert rows_at_least("yahma/alpaca-cleaned", "train[95%:]")[0] == 2584  # 5% of 51,700, less a row of rounding
    assert rows_at_least("tatsu-lab/alpaca", "train[:1000]")[0] == 1000
    assert rows_at_least("tatsu-lab/alpaca", "train[60000:70000]") is None
    for source, split in (("tatsu-lab/alpaca", "test"), ("me/data", "train"), ("tatsu-lab/alpaca", "train[:10]+train[20:30]")):
        assert rows_at_least(source, split) is None


def test_split_slices():
    assert slice_limit("train[:5000]") == 5000 and slice_limit("train[100:600]") == 500
    for text in ("train[:95%]", "train", "train[5000:]", "train[:10]+validation[:10]", "train[-10:]", 5000):
        assert slice_limit(text) is None, text


def test_datasets_fixed_in_size_by_name_only_when_unambiguous():
    assert training_set_size("CIFAR-10")[0] == 50000 and training_set_size("uoft-cs/cifar100")[0] == 50000
    assert training_set_size("mnist")[0] == 60000 and training_set_size("imagenet-1k")[0] == 1281167
    for name in ("imagenet", "cifar", "mnist_subset", "my/cifar10", None):
        assert training_set_size(name) is None, name


def test_a_dataset_named_in_the_config_gives_n_and_the_project_config_wins():
    text = "epochs: 10\nbatch_size: 128\ndataset: cifar10\nwarmup_steps: 5000\n"
    result = lint(text, "train.yaml")
    assert result.plan["dataset_size"] == 50000
    assert result.plan["dataset_size_source"] == "config: dataset (cifar10: the CIFAR-10 training set)"
    [hit] = [f for f in result.findings if f.rule == "SL203"]  # 10 × ceil(50000 / 128) = 3910 steps
    assert "the run is 3910 steps" in hit.message
    assert lint(text, "train.yaml", dataset_size=45000).plan["dataset_size_source"] == "--dataset-size"


# -- the bounds hold for every N -----------------------------------------------------------------

from dataclasses import replace  # noqa: E402

from hypothesis import example, given, settings, strategies as st  # noqa: E402

from steplint.model import TrainingRun  # noqa: E402
from steplint.plan import (BOUNDED, PYTORCH, AccumulationRemainder, AccumulationRounding,  # noqa: E402
                           Context, Sharding, derive)

SEMANTICS = {
    "pytorch": PYTORCH,
    "floor": replace(PYTORCH, accumulation_rounding=AccumulationRounding.FLOOR),
    "torchtune": replace(PYTORCH, accumulation_rounding=AccumulationRounding.DROP, max_steps_per_epoch=7),
    "accelerate": replace(PYTORCH, sharding=Sharding.ACCELERATE),
    "transformers 4.46-4.51": replace(PYTORCH, accumulation_rounding=AccumulationRounding.FLOOR,
                                      accumulation_remainder=AccumulationRemainder.DATASET),
    "limit_train_batches 0.3": replace(PYTORCH, batch_limit_fraction=0.3),
    "limit_train_batches 5": replace(PYTORCH, batch_limit_count=5),
    "last batch cut to a multiple of 8, batches dealt whole (fairseq)": replace(
        PYTORCH, batch_multiple=8, sharding=Sharding.ACCELERATE),
    "groups across epochs, last one stepped (MMEngine)": replace(PYTORCH, accumulation_rounding=AccumulationRounding.RUN_CEIL),
    "groups across epochs, last one dropped (ClassyVision)": replace(
        PYTORCH, accumulation_rounding=AccumulationRounding.RUN_FLOOR),
}


@settings(deadline=None, max_examples=300)
# transformers 4.46-4.51 fetch N % GA micro-batches for an epoch's last group: 20 samples take 3 steps
# an epoch, 21 take 2, so the steps an epoch really takes are not bounded by N <= 21
@example(semantics="transformers 4.46-4.51", n=20, b=2, ga=4, world=1, drop_last=False, epochs=1, max_steps=None,
         most=21, warmup=0.1)
@given(semantics=st.sampled_from(sorted(SEMANTICS)), n=st.integers(1, 5000), b=st.integers(1, 16),
       ga=st.integers(1, 8), world=st.integers(1, 4), drop_last=st.booleans(),
       epochs=st.integers(1, 20), max_steps=st.one_of(st.none(), st.integers(1, 400)),
       most=st.one_of(st.none(), st.integers(1, 5000)), warmup=st.floats(0.01, 1.0))
def test_every_n_gives_values_inside_the_bounds(semantics, n, b, ga, world, drop_last, epochs, max_steps, most,
                                                warmup):
    """The plan without N bounds what the plan with any N the config allows computes (N at least
    one global batch, at most the sample limit)."""
    leaf = {"key": "k"}
    raw = {"train_loader": {"batch_size": {"value": b, **leaf}, "drop_last": {"value": drop_last, **leaf}},
           "gradient_accumulation": {"value": ga, **leaf}, "world_size": {"value": world, **leaf},
           "epochs": {"value": epochs, "unit": "epoch", **leaf},
           "schedule": {"warmup": {"value": warmup, "unit": "dur", **leaf}}}
    if max_steps:
        raw["max_steps"] = {"value": max_steps, "unit": "step", **leaf}
    if most:
        raw["dataset_size_at_most"] = {"value": most, **leaf}
    run = TrainingRun.model_validate(raw)
    if n < b * ga * world or (most and n > most):
        return
    sem = SEMANTICS[semantics]
    unknown, known = derive(run, sem, Context()), derive(run, sem, Context(dataset_size=n))
    for name in BOUNDED:
        value = getattr(known, name)
        if getattr(unknown, name) is not None:
            assert getattr(unknown, name) == value, name  # known whatever N: the same for this N
        elif name in unknown.bounds and value is not None:
            low, high = unknown.bounds[name]
            assert low <= value and (high is None or value <= high), (name, value, low, high)
