"""Hugging Face Trainer (plain, TRL, LLaMA-Factory) and axolotl dialects: detection on the corpus,
mapping of real configs, plan numbers per transformers version, and the SL40x rules."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from steplint.frameworks import detect
from steplint.frameworks.hf import reader as hf_module
from steplint.frameworks.axolotl.reader import Axolotl
from steplint.frameworks.base import Source
from steplint.frameworks.hf.reader import HuggingFace, parse_version, resolve_pointer, transformers_version
from steplint.engine import check_bytes
from steplint.values import Options
from steplint.findings import Severity
from steplint.plan import Context
from steplint.units import Unit

from .conftest import CORPUS, ROOT, corpus_files, lint, load_data, needs_corpus

SAMPLES = ROOT / "sample_configs"
V457 = (("transformers", "4.57"),)
V451 = (("transformers", "4.51.3"),)
V510 = (("transformers", "5.10"),)
V523 = (("transformers", "5.23"),)




def plan_of(text: str, versions=V457, **context):
    result = lint(text, "train.yaml", framework_versions=versions, **context)
    assert result.dialect in ("hf-trainer", "axolotl"), result.dialect
    return result.plan


def rules(result, code):
    return [f for f in result.findings if f.rule == code]


# -- detection --------------------------------------------------------------------------------------

@needs_corpus
@pytest.mark.parametrize("label,dialect", [("hf-trainer", "hf-trainer"), ("axolotl", "axolotl")])
def test_corpus_files_are_detected(label, dialect):
    files = corpus_files(label)
    assert files
    misses = [str(p.relative_to(CORPUS)) for p in files if getattr(detect(load_data(p)), "name", None) != dialect]
    print(f"{label}: {len(files) - len(misses)}/{len(files)} detected; misses: {misses}")
    assert len(misses) <= 0.05 * len(files), misses


@needs_corpus
def test_no_other_label_is_taken():
    with open(CORPUS / "MANIFEST.tsv", newline="") as handle:
        rows = [r for r in csv.DictReader(handle, delimiter="\t")
                if r["dialect"] not in ("hf-trainer", "axolotl", "deepspeed")]
    taken = []
    for row in rows:
        path = CORPUS / row["file"]
        try:
            data = load_data(path)
        except Exception:  # noqa: BLE001 - unreadable files are another test's business
            continue
        if isinstance(data, dict) and getattr(detect(data), "name", None) in ("hf-trainer", "axolotl", "deepspeed"):
            taken.append(row["file"])
    assert not taken, taken


def test_other_configs_are_not_hugging_face():
    assert HuggingFace().score({"trainer": {"max_epochs": 3}, "model": {"lr": 0.1}}) == 0
    assert HuggingFace().score({"epochs": 3, "batch_size": 8}) == 0
    assert Axolotl().score({"per_device_train_batch_size": 8, "num_train_epochs": 3}) == 0
    axolotl = {"base_model": "x", "micro_batch_size": 2, "num_epochs": 1, "gradient_accumulation_steps": 4,
               "learning_rate": 1e-4, "lr_scheduler": "cosine", "save_total_limit": 2, "logging_steps": 1}
    assert Axolotl().score(axolotl) > HuggingFace().score(axolotl)


# -- mapping of real configs ------------------------------------------------------------------------

@needs_corpus
def test_llama_factory_mapping():
    path = CORPUS / "hiyouga__LLaMA-Factory/examples/train_lora/llama3_lora_sft.yaml"
    adapted = HuggingFace().adapt(load_data(path), Source(str(path), V457))
    run = adapted.run
    assert (run.train_loader.batch_size.value, run.train_loader.batch_size.key) == (1, "per_device_train_batch_size")
    assert (run.gradient_accumulation.value, run.gradient_accumulation.key) == (8, "gradient_accumulation_steps")
    assert (run.epochs.value, run.epochs.key) == (3.0, "num_train_epochs")
    assert (run.schedule.warmup.value, run.schedule.warmup.unit, run.schedule.warmup.key) == (0.1, Unit.DUR,
                                                                                               "warmup_ratio")
    assert run.schedule.name.value == "cosine"
    assert (run.checkpoint.value, run.checkpoint.unit, run.checkpoint.key) == (500, Unit.STEP, "save_steps")
    assert (run.logging.value, run.logging.key) == (10, "logging_steps")
    assert run.eval is None  # eval_strategy is commented out
    assert "LLaMA-Factory" in adapted.semantics.name and "transformers 4.57" in adapted.semantics.name


@needs_corpus
def test_alignment_handbook_mapping():
    path = CORPUS / "huggingface__alignment-handbook/recipes/zephyr-7b-beta/sft/config_full.yaml"
    adapted = HuggingFace().adapt(load_data(path), Source(str(path), V457))
    run = adapted.run
    assert (run.eval.value, run.eval.unit, run.eval.key) == (1, Unit.EPOCH, "eval_strategy")
    assert (run.checkpoint.value, run.checkpoint.key) == (100, "save_steps")
    assert run.max_steps is None and run.epochs.value == 1
    assert run.eval_loaders[0].batch_size.value == 8
    assert "TRL" in adapted.semantics.name


@needs_corpus
def test_axolotl_mapping():
    path = CORPUS / "axolotl-ai-cloud__axolotl/examples/arcee/afm-4.5b-qlora.yaml"
    adapted = Axolotl().adapt(load_data(path), Source(str(path), V457))
    run = adapted.run
    assert (run.train_loader.batch_size.value, run.train_loader.batch_size.key) == (2, "micro_batch_size")
    assert run.gradient_accumulation.value == 4 and run.epochs.value == 1
    assert (run.schedule.warmup.value, run.schedule.warmup.key) == (0.1, "warmup_ratio")
    assert adapted.semantics.warmup_rounding == "floor"
    # saves_per_epoch 1 × num_epochs 1: save_steps would be 1.0, so axolotl saves every epoch
    assert (run.checkpoint.value, run.checkpoint.unit, run.checkpoint.key) == (1, Unit.EPOCH, "saves_per_epoch")


@needs_corpus
def test_deepspeed_pointer_is_read_from_the_repository_root():
    path = CORPUS / "hiyouga__LLaMA-Factory/examples/extras/badam/llama3_full_sft_ds3.yaml"
    adapted = HuggingFace().adapt(load_data(path), Source(str(path), V457))
    ds = adapted.settings.deepspeed
    assert ds is not None and ds.where == "ds_z3_config.json" and ds.micro.auto


# -- plan numbers -----------------------------------------------------------------------------------

BASE = "per_device_train_batch_size: 8\ngradient_accumulation_steps: 4\nnum_train_epochs: 3\n"


@pytest.mark.parametrize("versions,per_epoch,total,epochs", [(V457, 16, 48, 3), (V451, 16, 45, 45 / 16),
                                                              (V523, 16, 48, 3)])
def test_worked_example_of_the_reference(versions, per_epoch, total, epochs):
    """frameworks.md §8.1: N = 1000, B = 8, P = 2, GA = 4, E = 3: accelerate gives 63 batches per rank.
    4.51 plans floor(63 / 4) = 15 steps an epoch, 45 in all, but takes 16 an epoch (the last group
    is fetched as len(dataset) % GA -> 4 micro-batches, the 3 left, and steps), so 45 steps end 2.8
    epochs in."""
    plan = plan_of(BASE, versions, dataset_size=1000, world_size=2)
    assert plan["batches_per_epoch"] == 63
    assert (plan["optimizer_steps_per_epoch"], plan["total_optimizer_steps"]) == (per_epoch, total)
    assert plan["epochs"] == pytest.approx(epochs) and plan["optimizer_steps_taken"] == total
    assert plan["samples_padded_per_epoch"] == 8  # 63 × 8 × 2 - 1000: accelerate completes the last batches


def test_accelerate_drops_whole_batches_with_drop_last():
    plan = plan_of(BASE + "dataloader_drop_last: true\n", dataset_size=1000, world_size=3)
    assert plan["batches_per_epoch"] == 41  # floor(floor(1000 / 8) / 3)
    assert plan["samples_dropped_per_epoch"] == 1000 - 41 * 8 * 3


def test_max_steps_replaces_epochs_and_fractional_epochs_ceil():
    assert plan_of(BASE + "max_steps: 7\n", dataset_size=1000)["total_optimizer_steps"] == 7
    plan = plan_of("per_device_train_batch_size: 8\nnum_train_epochs: 1.5\n", dataset_size=100)
    assert plan["total_optimizer_steps"] == 20  # ceil(1.5 × 13)


def test_defaults_batch_eight_three_epochs():
    plan = plan_of("lr_scheduler_type: cosine\nsave_strategy: epoch\n", dataset_size=80)
    assert (plan["micro_batch_size"], plan["epochs"], plan["total_optimizer_steps"]) == (8, 3, 30)
    assert plan["checkpoint_count"] == 3


@pytest.mark.parametrize("versions,text,warmup", [
    (V457, "warmup_steps: 10\nwarmup_ratio: 0.5\n", 10),  # 4.x: steps win
    (V510, "warmup_steps: 10\nwarmup_ratio: 0.5\n", 50),  # 5.0-5.14: the ratio replaces the steps
    (V510, "warmup_ratio: 1.0\n", 1),  # ... and 1.0 becomes warmup_steps = 1.0 = one step
    (V523, "warmup_steps: 0.1\n", 10),  # 5.x: below 1 is a ratio, ceil
    (V523, "warmup_steps: 2.5\n", 2),  # int()
    (V457, "warmup_ratio: 0.101\n", 11),  # ceil(100 × 0.101)
])
def test_warmup_per_version(versions, text, warmup):
    plan = plan_of("per_device_train_batch_size: 10\nnum_train_epochs: 1\n" + text, versions, dataset_size=1000)
    assert plan["total_optimizer_steps"] == 100 and plan["warmup_steps"] == warmup


def test_ratio_intervals_forced_final_save_and_final_eval_from_5_4():
    text = BASE + "save_strategy: steps\nsave_steps: 0.3\neval_strategy: steps\neval_steps: 10\n"
    plan = plan_of(text, V457, dataset_size=1000)  # T = 3 × 32 = 96
    assert (plan["checkpoint_count"], plan["first_checkpoint_step"]) == (4, 29)  # 29, 58, 87 + the final 96
    assert plan["eval_count"] == 9
    assert plan_of(text, (("transformers", "5.4"),), dataset_size=1000)["eval_count"] == 10
    assert plan_of(text, (("transformers", "5.3"),), dataset_size=1000)["eval_count"] == 9


def test_eval_steps_fall_back_to_logging_steps_and_eval_delay():
    plan = plan_of(BASE + "eval_strategy: steps\nlogging_steps: 20\neval_delay: 50\n", dataset_size=1000)
    assert (plan["eval_count"], plan["first_eval_step"]) == (2, 60)  # 60 and 80 of 96


def test_trl_logs_every_ten_steps_by_default():
    plan = plan_of("model_name_or_path: m\ndataset_name: d\n" + BASE + "logging_strategy: steps\n",
                   dataset_size=1000)
    assert plan["logging_count"] == 9


def test_grpo_gets_no_per_epoch_numbers():
    result = lint("per_device_train_batch_size: 16\nnum_generations: 8\nnum_train_epochs: 1\nmax_steps: 100\n"
                  "lr_scheduler_type: cosine\n", dataset_size=1000)
    assert result.plan["batches_per_epoch"] is None and result.plan["total_optimizer_steps"] == 100


def test_axolotl_warmup_and_saves():
    text = "base_model: m\nmicro_batch_size: 10\ngradient_accumulation_steps: 1\nnum_epochs: 2\nsaves_per_epoch: 2\n"
    plan = plan_of(text, dataset_size=1000)  # 100 steps per epoch, T = 200
    assert plan["warmup_steps"] == 6  # implicit: int(0.03 × 200)
    assert (plan["checkpoint_count"], plan["first_checkpoint_step"]) == (4, 50)  # save_steps = 1/(2 × 2) of the run
    assert plan_of(text, dataset_size=100_000)["warmup_steps"] == 100  # the implicit warmup stops at 100
    assert plan_of(text + "warmup_ratio: 0.0333\n", dataset_size=1000)["warmup_steps"] == 6  # int(6.66)


# -- version ----------------------------------------------------------------------------------------

def test_version_sources(monkeypatch):
    assert parse_version("4.57.1") == (4, 57, 1) and parse_version("5.0.0rc1") == (5, 0, 0)
    assert parse_version("main") is None
    given = transformers_version(Source("x", (("transformers", "4.46"),)))
    assert (given.numbers, given.source) == ((4, 46), "--framework-version")
    monkeypatch.setattr(hf_module, "_installed", lambda package: "4.57.1")
    installed = transformers_version(Source("x"))
    assert installed.numbers == (4, 57, 1) and installed.known
    assert "transformers 4.57 semantics (installed)" in installed.describe()
    monkeypatch.setattr(hf_module, "_installed", lambda package: None)
    assumed = transformers_version(Source("x"))
    assert assumed.numbers == hf_module.NEWEST and not assumed.known and "assumed" in assumed.describe()


# -- rules ------------------------------------------------------------------------------------------

def test_sl401_load_best_model():
    base = "per_device_train_batch_size: 8\nload_best_model_at_end: true\n"
    assert rules(lint(base + "eval_strategy: steps\neval_steps: 0.1\nsave_steps: 5\n"), "SL401")  # mixing
    assert not rules(lint(base + "eval_strategy: steps\neval_steps: 0.1\nsave_steps: 0.2\n"), "SL401")
    assert rules(lint(base + "eval_strategy: steps\neval_steps: 0.2\nsave_steps: 0.3\n"), "SL401")
    assert not rules(lint(base + "eval_strategy: steps\neval_steps: 0.5\nsave_steps: 10\n"), "SL401")  # 10 % 0.5
    assert not rules(lint(base + "eval_strategy: steps\nsave_strategy: best\n"), "SL401")
    # eval_steps unset: logging_steps (default 500) is used, and 500 divides the default save_steps 500
    assert not rules(lint(base + "eval_strategy: steps\n"), "SL401")
    assert rules(lint(base + "eval_strategy: steps\nlogging_steps: 30\n"), "SL401")


def test_sl402_interval_ignored():
    result = lint("per_device_train_batch_size: 8\nsave_strategy: 'no'\nsave_steps: 100\nlogging_strategy: epoch\n"
                  "logging_steps: 5\n")
    assert sorted(f.key_path for f in rules(result, "SL402")) == ["logging_steps", "save_steps"]
    assert not rules(lint("per_device_train_batch_size: 8\nlogging_steps: 5\n"), "SL402")


def test_sl403_streaming():
    text = "per_device_train_batch_size: 8\nstreaming: true\nlr_scheduler_type: cosine\n"
    assert [f.severity for f in rules(lint(text), "SL403")] == [Severity.ERROR]
    assert not rules(lint(text + "max_steps: 1000\n"), "SL403")
    axolotl = "base_model: m\nmicro_batch_size: 2\nnum_epochs: 1\npretraining_dataset:\n  - path: c4\n"
    assert rules(lint(axolotl), "SL403")


def test_sl404_accumulation_exceeds_epoch():
    text = "per_device_train_batch_size: 8\ngradient_accumulation_steps: 16\nnum_train_epochs: 3\n"
    hit = rules(lint(text, dataset_size=80, framework_versions=V457), "SL404")
    assert hit and "10 micro-batches" in hit[0].message and "3 steps (3 epochs × 1)" in hit[0].message
    assert not rules(lint(text, dataset_size=8000, framework_versions=V457), "SL404")


def test_sl405_warmup_ignored():
    hit = rules(lint("per_device_train_batch_size: 8\nlr_scheduler_type: reduce_lr_on_plateau\nwarmup_ratio: 0.1\n"
                     "eval_strategy: epoch\n", framework_versions=V457), "SL405")
    assert hit and hit[0].key_path == "warmup_ratio"
    assert not rules(lint("per_device_train_batch_size: 8\nlr_scheduler_type: cosine\nwarmup_ratio: 0.1\n"), "SL405")


def test_sl406_says_which_warmup_wins():
    text = "per_device_train_batch_size: 8\nwarmup_steps: 10\nwarmup_ratio: 0.1\n"
    assert "uses warmup_steps" in rules(lint(text, framework_versions=V457), "SL406")[0].message
    assert "copies warmup_ratio over warmup_steps" in rules(lint(text, framework_versions=V510), "SL406")[0].message
    assert not rules(lint(text, framework_versions=V523), "SL406")  # SL409 instead
    assert rules(lint(text, framework_versions=V523), "SL409")


def test_sl407_float_warmup_steps():
    text = "per_device_train_batch_size: 8\nwarmup_steps: 1.0\n"
    assert [f.severity for f in rules(lint(text, framework_versions=V457), "SL407")] == [Severity.ERROR]
    assert not rules(lint(text, framework_versions=V523), "SL407")
    assert not rules(lint("per_device_train_batch_size: 8\nwarmup_steps: 10\n", framework_versions=V457), "SL407")


def test_with_the_version_assumed_sl407_is_a_check_the_version_settles_and_sl409_an_assumption(monkeypatch):
    """An unknown version: a float warmup_steps means different things (SL407 is one of the checks
    the file's one SL207 info names); a removed argument parses on every release before its removal,
    so the plan says which releases refuse it and SL409 says nothing."""
    monkeypatch.setattr(hf_module, "_installed", lambda package: None)
    result = lint("per_device_train_batch_size: 8\nwarmup_steps: 0.1\nevaluation_strategy: epoch\n")
    assert not rules(result, "SL407") and not rules(result, "SL409")
    [info] = rules(result, "SL207")
    assert info.severity is Severity.INFO and info.key_path == "warmup_steps"
    assert "the transformers version, which would settle what warmup_steps 0.1 means" in info.message
    assert "--framework-version transformers=X.Y" in info.message
    assert any("4.51 and later refuse it" in a for a in result.plan["assumptions"])


def test_sl408_save_total_limit_zero():
    assert rules(lint("per_device_train_batch_size: 8\nsave_total_limit: 0\nsave_steps: 10\n"), "SL408")
    assert not rules(lint("per_device_train_batch_size: 8\nsave_total_limit: 0\nsave_strategy: 'no'\n"), "SL408")


def test_sl409_evaluation_strategy_is_still_read_for_the_plan():
    result = lint(BASE + "evaluation_strategy: epoch\n", framework_versions=V457, dataset_size=1000)
    assert [f.severity for f in rules(result, "SL409")] == [Severity.ERROR]
    assert result.plan["eval_count"] == 3
    assert not rules(lint(BASE + "evaluation_strategy: epoch\n", framework_versions=(("transformers", "4.50"),)),
                     "SL409")


def test_sl410_deepspeed_pointer(tmp_path):
    (tmp_path / "configs").mkdir()
    (tmp_path / "ds").mkdir()
    (tmp_path / "ds" / "z2.json").write_text(json.dumps({
        "train_batch_size": 60, "train_micro_batch_size_per_gpu": "auto", "gradient_accumulation_steps": 4,
        "scheduler": {"type": "WarmupDecayLR", "params": {"total_num_steps": 96, "warmup_num_steps": 10}}}))
    config = tmp_path / "configs" / "train.yaml"
    config.write_text(BASE + "deepspeed: ds/z2.json\nwarmup_steps: 10\n")
    assert resolve_pointer(str(config), "ds/z2.json") == str(tmp_path / "ds" / "z2.json")
    result = check_bytes(str(config), config.read_bytes(),
                         Options(context=Context(dataset_size=1000), framework_versions=V457))
    hits = rules(result, "SL410")
    assert len(hits) == 1 and "train_batch_size=60" in hits[0].message and hits[0].key_path == "deepspeed"
    assert "no world size matches" in hits[0].message  # 60 is not a multiple of 8 × 4
    result = check_bytes(str(config), config.read_bytes(),
                         Options(context=Context(dataset_size=2000), framework_versions=V457))
    assert any("total_num_steps=96" in f.message and "189 steps" in f.message for f in rules(result, "SL410"))


def test_sl410_missing_pointer_is_not_an_error(tmp_path):
    config = tmp_path / "train.yaml"
    config.write_text(BASE + "deepspeed: nowhere/ds.json\n")
    result = check_bytes(str(config), config.read_bytes(), Options(framework_versions=V457))
    assert not [f for f in result.findings if f.severity >= Severity.WARNING]
    assert any("not found" in a for a in result.plan["assumptions"])


def test_sl411_through_the_pointer():
    text = BASE + "deepspeed:\n  scheduler:\n    type: WarmupCosineLR\n    params: {warmup_num_steps: 100}\n"
    hit = rules(lint(text), "SL411")
    assert hit and "TypeError" in hit[0].message and hit[0].key_path == "deepspeed"


def test_sl412_axolotl_conflicts():
    base = "base_model: m\nmicro_batch_size: 2\nnum_epochs: 1\n"
    assert rules(lint(base + "gradient_accumulation_steps: 4\nbatch_size: 8\n"), "SL412")
    assert rules(lint(base + "eval_steps: 10\nevals_per_epoch: 2\nval_set_size: 0.1\n"), "SL412")
    assert rules(lint(base + "save_steps: 10\nsave_strategy: epoch\n"), "SL412")
    assert not rules(lint(base + "save_steps: 10\nsave_strategy: steps\n"), "SL412")


def test_sl413_transformers_4_51_loses_micro_batches():
    text = "per_device_train_batch_size: 8\ngradient_accumulation_steps: 5\nnum_train_epochs: 2\nsave_strategy: epoch\n"
    result = lint(text, dataset_size=100, framework_versions=V451)  # the recorded hf-124 case
    assert not rules(result, "SL413")  # 100 % 5 == 0: the last group is fetched whole
    assert result.plan["first_checkpoint_step"] == 3 and result.plan["checkpoint_count"] == 2
    result = lint(text, dataset_size=98, framework_versions=V451)  # 13 batches, 98 % 5 = 3 fetched of 3 left
    assert not rules(result, "SL413")
    result = lint(text, dataset_size=97, framework_versions=V451)  # 13 batches, 97 % 5 = 2 fetched of 3 left
    assert rules(result, "SL413") and "12 of its 13" in rules(result, "SL413")[0].message
    assert not rules(lint(text, dataset_size=97, framework_versions=V457), "SL413")


# -- samples and the corpus -------------------------------------------------------------------------

def _check(path: Path, **context):
    return check_bytes(str(path), path.read_bytes(),
                       Options(context=Context(dataset_size=20000, **context), framework_versions=V457))


@pytest.mark.parametrize("path", sorted((SAMPLES / "hf").glob("*good.yaml")) + sorted((SAMPLES / "axolotl").glob(
    "*good.yaml")), ids=lambda p: p.name)
def test_good_samples_are_clean(path):
    result = _check(path)
    assert not [f.to_dict() for f in result.findings if f.severity >= Severity.WARNING]


@pytest.mark.parametrize("path,expected", [
    (SAMPLES / "hf" / "sft_bad.yaml", {("SL405", 10, "warmup_ratio"), ("SL408", 16, "save_total_limit"),
                                       ("SL401", 17, "load_best_model_at_end")}),
    (SAMPLES / "hf" / "deepspeed_bad.yaml", {("SL410", 7, "deepspeed")}),
    (SAMPLES / "axolotl" / "qlora_bad.yaml", {("SL405", 15, "warmup_steps"), ("SL406", 16, "warmup_ratio"),
                                              ("SL412", 18, "saves_per_epoch")}),
], ids=lambda v: v.name if isinstance(v, Path) else "")
def test_bad_samples(path, expected):
    result = _check(path)
    assert {(f.rule, f.line, f.key_path) for f in result.findings if f.severity >= Severity.WARNING} == expected


@needs_corpus
def test_corpus_files_check_without_a_crash():
    for path in corpus_files("hf-trainer", "axolotl"):
        for context in ({}, {"dataset_size": 1000, "world_size": 8}):
            result = check_bytes(str(path), path.read_bytes(),
                                 Options(context=Context(**context), framework_versions=V457))
            assert result.error is None and result.plan is not None, path


def test_sl410_total_num_steps_outside_every_possible_run_needs_no_dataset_size(tmp_path):
    """3 epochs are at least 3 optimizer steps whatever N: a DeepSpeed total of 2 can never match."""
    (tmp_path / "ds.json").write_text(json.dumps({
        "train_micro_batch_size_per_gpu": "auto",
        "scheduler": {"type": "WarmupDecayLR", "params": {"total_num_steps": 2}}}))
    config = tmp_path / "train.yaml"
    config.write_text("per_device_train_batch_size: 8\nnum_train_epochs: 3\noutput_dir: out\ndeepspeed: ds.json\n")
    result = check_bytes(str(config), config.read_bytes(), Options(framework_versions=V457))
    [hit] = rules(result, "SL410")
    assert "total_num_steps=2 but the run is at least 3 steps whatever the dataset size" in hit.message
    assert not rules(result, "SL207")
