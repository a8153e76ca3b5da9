"""DeepSpeed config JSON: detection on the corpus, mapping of the batch triple (checked by SL303),
"auto" values, the scheduler rule SL411."""

from __future__ import annotations

import json

import pytest

from steplint.frameworks import detect
from steplint.frameworks.base import Source
from steplint.frameworks.deepspeed.reader import DeepSpeed, load_file, parse
from steplint.engine import check_bytes
from steplint.values import Options
from steplint.findings import Severity
from steplint.plan import Context

from .conftest import CORPUS, ROOT, corpus_files, lint, load_data, needs_corpus

SAMPLES = ROOT / "sample_configs" / "deepspeed"




def ds(config: dict, **options):
    return lint(json.dumps(config), "ds_config.json", **options)


def rules(result, code):
    return [f for f in result.findings if f.rule == code]


@needs_corpus
def test_corpus_files_are_detected():
    files = corpus_files("deepspeed")
    misses = [str(p.relative_to(CORPUS)) for p in files if getattr(detect(load_data(p)), "name", None) != "deepspeed"]
    print(f"deepspeed: {len(files) - len(misses)}/{len(files)} detected; misses: {misses}")
    assert len(misses) <= 0.05 * len(files), misses


def test_neox_and_generic_configs_are_not_deepspeed():
    neox = {"train_micro_batch_size_per_gpu": 4, "zero_optimization": {"stage": 1}, "num_layers": 24,
            "train_iters": 1000}
    assert DeepSpeed().score(neox) == 0
    assert DeepSpeed().score({"train_batch_size": 32, "epochs": 3, "lr": 0.1}) == 0


@needs_corpus
def test_mapping_of_a_real_config():
    path = CORPUS / "microsoft__DeepSpeedExamples/training/bing_bert/deepspeed_bsz64k_lamb_config_seq128.json"
    adapted = DeepSpeed().adapt(load_data(path), Source(str(path)))
    run = adapted.run
    assert (run.train_loader.batch_size.value, run.train_loader.batch_size.key) == (64, "train_micro_batch_size_per_gpu")
    assert (run.global_batch_size.value, run.global_batch_size.key) == (65536, "train_batch_size")
    assert run.gradient_accumulation is None  # DeepSpeed derives it at launch
    assert any("derived by DeepSpeed" in a for a in adapted.assumptions)


@needs_corpus
def test_auto_values_stay_unknown():
    path = CORPUS / "hiyouga__LLaMA-Factory/examples/deepspeed/ds_z3_config.json"
    result = check_bytes(str(path), path.read_bytes(), Options())
    assert result.dialect == "deepspeed" and result.findings == []
    assert result.plan["micro_batch_size"] is None
    assert load_file(str(path)).train_batch.auto


def test_batch_triple_is_checked_by_sl303():
    config = {"train_batch_size": 256, "train_micro_batch_size_per_gpu": 8, "gradient_accumulation_steps": 4,
              "zero_optimization": {"stage": 1}}
    assert not [f for f in ds(config, world_size=8).findings if f.severity >= Severity.WARNING]
    hit = rules(ds(config, world_size=4), "SL303")
    assert hit and "256 ≠ micro-batch 8 × accumulation 4 × world size 4 = 128" in hit[0].message
    # train_batch_size + micro only: DeepSpeed floors GA = 250 // 8 // world, then asserts the product
    hit = rules(ds({"train_batch_size": 250, "train_micro_batch_size_per_gpu": 8, "steps_per_print": 10}), "SL303")
    assert hit and hit[0].severity is Severity.ERROR


def test_sl411_scheduler_steps():
    base = {"train_micro_batch_size_per_gpu": 8, "zero_optimization": {"stage": 1}}
    hit = rules(ds({**base, "scheduler": {"type": "WarmupDecayLR", "params": {"total_num_steps": 500}}}), "SL411")
    assert hit and "1000 (the default)" in hit[0].message and hit[0].severity is Severity.WARNING
    hit = rules(ds({**base, "scheduler": {"type": "WarmupDecayLR", "params": {"warmup_num_steps": 10}}}), "SL411")
    assert hit and "TypeError" in hit[0].message and hit[0].severity is Severity.ERROR
    assert not rules(ds({**base, "scheduler": {"type": "WarmupLR", "params": {"warmup_num_steps": 10}}}), "SL411")
    assert not rules(ds({**base, "scheduler": {"type": "WarmupDecayLR",
                                              "params": {"total_num_steps": "auto", "warmup_num_steps": 10}}}), "SL411")


def test_parse_keeps_key_paths():
    config = parse({"scheduler": {"type": "WarmupCosineLR", "params": {"total_num_steps": 10}}}, "x.json")
    assert config.total_num_steps.key == "scheduler.params.total_num_steps" and config.total_num_steps.number == 10


def test_samples():
    good = SAMPLES / "ds_good.json"
    result = check_bytes(str(good), good.read_bytes(), Options(context=Context(world_size=8)))
    assert not [f for f in result.findings if f.severity >= Severity.WARNING]
    bad = SAMPLES / "ds_bad.json"
    result = check_bytes(str(bad), bad.read_bytes(), Options())
    assert {(f.rule, f.line) for f in result.findings if f.severity >= Severity.WARNING} == {("SL303", 2), ("SL411", 9)}


@needs_corpus
def test_corpus_files_check_without_a_crash_or_warning():
    for path in corpus_files("deepspeed"):
        result = check_bytes(str(path), path.read_bytes(), Options())
        assert result.error is None, path
        assert not [f.to_dict() for f in result.findings if f.severity >= Severity.WARNING], path


@pytest.mark.parametrize("text", ["[]", "{\"train_micro_batch_size_per_gpu\": \"x\", \"steps_per_print\": 1, "
                                        "\"scheduler\": {\"type\": \"WarmupDecayLR\", \"params\": 3}}"])
def test_odd_values_do_not_crash(text):
    result = lint(text, "ds.json")
    assert result.error is None
