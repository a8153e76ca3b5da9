"""torchtune dialect: detection, mapping, plan (floor per epoch, max_steps_per_epoch), rules, corpus."""

from __future__ import annotations

import csv

from steplint.frameworks import detect
from steplint.frameworks.base import Source
from steplint.engine import check_bytes
from steplint.values import Options
from steplint.findings import Severity
from steplint.interpolation import resolve
from steplint.loading import load_bytes, load_text
from steplint.plan import Context, derive

from .conftest import CORPUS, codes, lint, needs_corpus


def files():
    with open(CORPUS / "MANIFEST.tsv") as handle:
        return [r["file"] for r in csv.DictReader(handle, delimiter="\t") if r["dialect"] == "torchtune"]


def adapted(source, dataset_size=None, world_size=None, versions=()):
    if isinstance(source, str):
        document = load_text("config.yaml", source).documents[0]
    else:
        document = load_bytes(str(source), source.read_bytes()).documents[0]
    dialect = detect(document.data)
    result = dialect.adapt(resolve(document.data), Source(str(source), versions))
    return dialect.name, result, derive(result.run, result.semantics, Context(dataset_size, world_size))


@needs_corpus
def test_detection_rate():
    names = files()
    misses = [n for n in names if detect(load_bytes(n, (CORPUS / n).read_bytes()).documents[0].data).name != "torchtune"]
    print(f"torchtune: {len(names) - len(misses)}/{len(names)} detected; misses: {misses}")
    assert (len(names) - len(misses)) / len(names) >= 0.95


@needs_corpus
def test_no_crash_on_the_corpus():
    for name in files():
        for context in (Context(), Context(dataset_size=52_002, world_size=8), Context(dataset_size=10, world_size=64)):
            result = check_bytes(name, (CORPUS / name).read_bytes(), Options(context=context))
            assert result.error is None
        loud = [(f.rule, f.key_path) for f in check_bytes(name, (CORPUS / name).read_bytes(), Options()).findings
                if f.severity >= Severity.WARNING]
        # reviewed and true: 100 warmup steps in a run capped at 1 epoch × max_steps_per_epoch 50
        expected = [("SL203", "lr_scheduler.num_warmup_steps")] if name.endswith("dev/11B_lora_multi_dataset.yaml") else []
        assert loud == expected, name


@needs_corpus
def test_mapping_llama3_1_lora():
    name, a, plan = adapted(CORPUS / "pytorch__torchtune/recipes/configs/llama3_1/8B_lora_single_device.yaml",
                            dataset_size=52_002)
    run = a.run
    assert name == "torchtune"
    assert (run.train_loader.batch_size.value, run.train_loader.batch_size.key) == (2, "batch_size")
    assert run.train_loader.drop_last.value is True
    assert (run.gradient_accumulation.value, run.gradient_accumulation.key) == (8, "gradient_accumulation_steps")
    assert (run.schedule.warmup.value, run.schedule.warmup.key) == (100, "lr_scheduler.num_warmup_steps")
    assert run.schedule.name.value == "get_cosine_schedule_with_warmup"
    assert (run.logging.value, run.epochs.value) == (1, 1)
    # 52002 / 2 = 26001 micro-batches, floor(26001 / 8) = 3250 optimizer steps (1 left over)
    assert (plan.batches_per_epoch, plan.optimizer_steps_per_epoch, plan.total_optimizer_steps) == (26001, 3250, 3250)


@needs_corpus
def test_profiler_warmup_steps_are_not_the_lr_warmup():
    _, a, _ = adapted(CORPUS / "pytorch__torchtune/recipes/configs/llama3_1/8B_lora_single_device.yaml")
    assert a.run.schedule.warmup.key == "lr_scheduler.num_warmup_steps"


@needs_corpus
def test_rl_recipes_read_only_logging():
    _, a, _ = adapted(CORPUS / "pytorch__torchtune/recipes/configs/mistral/7B_full_ppo_low_memory.yaml")
    assert a.run.epochs is None and a.run.gradient_accumulation is None


BASE = """
model:
  _component_: torchtune.models.llama3_2.llama3_2_1b
batch_size: {b}
epochs: {e}
gradient_accumulation_steps: {ga}
max_steps_per_epoch: {cap}
"""


def test_worked_example_from_the_reference():
    # frameworks.md §8.1: N=1000, B=8, P=2, GA=4, E=3 -> 500 per rank, 62 batches, 15 steps, 45
    _, _, plan = adapted(BASE.format(b=8, e=3, ga=4, cap="null"), 1000, 2)
    assert (plan.batches_per_epoch, plan.optimizer_steps_per_epoch, plan.total_optimizer_steps) == (62, 15, 45)


def test_max_steps_per_epoch_caps_each_epoch():
    _, _, plan = adapted(BASE.format(b=8, e=3, ga=4, cap=10), 1000, 2)
    assert plan.optimizer_steps_per_epoch == 10 and plan.total_optimizer_steps == 30


def test_remainder_rule_says_how_many_micro_batches_are_dropped():
    result = lint(BASE.format(b=8, e=3, ga=4, cap="null"), dataset_size=1000, world_size=2)
    [hit] = [f for f in result.findings if f.rule == "SL470"]
    assert "62 micro-batches per epoch" in hit.message and "2 micro-batches" in hit.message
    assert "never loads them" in hit.message and hit.severity is Severity.INFO  # 2 of 62: under 5%
    [big] = [f for f in lint(BASE.format(b=8, e=3, ga=4, cap="null"), dataset_size=120).findings if f.rule == "SL470"]
    assert big.severity is Severity.WARNING and "3 micro-batches (24 samples per rank, 20.0% of the epoch)" in big.message
    old = lint(BASE.format(b=8, e=3, ga=4, cap="null"), dataset_size=1000, world_size=2,
               framework_versions=(("torchtune", "0.6.1"),))
    assert "carries their gradients" in [f for f in old.findings if f.rule == "SL470"][0].message
    assert "SL470" not in codes(lint(BASE.format(b=8, e=3, ga=4, cap=10), dataset_size=1000, world_size=2))
    assert "SL470" not in codes(lint(BASE.format(b=8, e=3, ga=2, cap="null"), dataset_size=1000, world_size=2))


def test_loader_shorter_than_accumulation_is_an_error():
    result = lint(BASE.format(b=8, e=1, ga=16, cap="null"), dataset_size=1000, world_size=8)
    [hit] = [f for f in result.findings if f.rule == "SL471"]
    assert hit.severity is Severity.ERROR and "ZeroDivisionError" in hit.message
    assert "SL470" not in codes(result)


def test_optimizer_in_bwd_with_accumulation():
    text = BASE.format(b=2, e=1, ga=4, cap="null") + "optimizer_in_bwd: True\n"
    assert "SL472" in codes(lint(text))
    assert "SL472" not in codes(lint(text.replace("gradient_accumulation_steps: 4", "gradient_accumulation_steps: 1")))


def test_warmup_longer_than_a_capped_run():
    text = BASE.format(b=2, e=1, ga=8, cap=50) + ("lr_scheduler:\n  _component_: torchtune.training.lr_schedulers."
                                                 "get_cosine_schedule_with_warmup\n  num_warmup_steps: 100\n")
    assert "SL203" in codes(lint(text, dataset_size=52_002))


def test_bad_values_do_not_crash():
    for text in ("model: {_component_: torchtune.x}\nbatch_size: -3\nepochs: many\ngradient_accumulation_steps: 0\n",
                 "model: {_component_: torchtune.x}\nlr_scheduler: [1]\nmax_steps_per_epoch: -1\nsave_every_n_steps: x\n"):
        assert lint(text, dataset_size=100).error is None
