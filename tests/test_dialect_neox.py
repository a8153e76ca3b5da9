"""GPT-NeoX / Megatron-LM dialect: detection on the corpus, dashed and underscored keys, mapping,
plan numbers, SL530-SL532, and the generic rules it feeds."""

from __future__ import annotations

import csv
import json

import pytest

from steplint.frameworks import detect
from steplint.frameworks.base import Source
from steplint.frameworks import DIALECTS

from .conftest import CORPUS, ROOT, check_file, codes, corpus_files, lint, load_data, needs_corpus

SAMPLES = ROOT / "sample_configs" / "neox"





def neox(**keys) -> str:
    base = {"pipe_parallel_size": 1, "model_parallel_size": 1, "seq_length": 2048, "train_micro_batch_size_per_gpu": 4,
            "train_iters": 10000, "lr_decay_iters": 10000, "warmup": 0.01}
    base.update(keys)
    return json.dumps({k: v for k, v in base.items() if v is not None}, indent=1)


def findings(text: str, rule: str, **context):
    return [f for f in lint(text, "neox.yml", **context).findings if f.rule == rule]


@needs_corpus
def test_corpus_detection():
    files = corpus_files("gpt-neox")
    misses = [(str(p.relative_to(CORPUS)), getattr(detect(load_data(p)), "name", None)) for p in files
              if getattr(detect(load_data(p)), "name", None) != "gpt-neox"]
    print(f"gpt-neox: {len(files) - len(misses)}/{len(files)} detected; misses: {misses}")
    assert len(misses) <= 0.05 * len(files), misses


@needs_corpus
def test_no_other_label_is_read_as_neox():
    with open(CORPUS / "MANIFEST.tsv", newline="") as handle:
        rows = [r for r in csv.DictReader(handle, delimiter="\t") if r["dialect"] != "gpt-neox"]
    assert not [r["file"] for r in rows if getattr(detect(load_data(CORPUS / r["file"])), "name", None) == "gpt-neox"]


@needs_corpus
def test_corpus_files_check_without_a_crash():
    for path in corpus_files("gpt-neox"):
        assert check_file(path).error is None


@needs_corpus
def test_mapping_dashed_keys_point_at_the_written_key():
    path = CORPUS / "EleutherAI__gpt-neox/configs/pythia/14M.yml"
    adapted = DIALECTS["gpt-neox"].adapt(load_data(path), Source(str(path)))
    run = adapted.run
    assert (run.max_steps.value, run.max_steps.key) == (143000, "train-iters")
    assert (run.schedule.horizon.value, run.schedule.horizon.key) == (143000, "lr-decay-iters")
    assert (run.schedule.warmup.value, run.schedule.warmup.key) == (1430, "warmup")
    assert (run.checkpoint.value, run.checkpoint.key) == (1000, "checkpoint-factor")
    assert (run.train_loader.batch_size.value, run.train_loader.batch_size.key) == \
        (32, "train_micro_batch_size_per_gpu")
    assert adapted.semantics.tokens_per_sample == 2048


@needs_corpus
def test_mapping_and_plan_20b():
    path = CORPUS / "EleutherAI__gpt-neox/configs/20B.yml"
    result = check_file(path, world_size=12)  # 96 GPUs / (pipe 4 × model 2) data-parallel ranks
    assert result.dialect == "gpt-neox"
    plan = result.plan
    assert plan["gradient_accumulation_steps"] == 32 and plan["global_batch_size"] == 4 * 32 * 12
    assert plan["total_optimizer_steps"] == 150000 and plan["warmup_steps"] == 1500
    assert plan["tokens_per_step"] == 1536 * 2048


def test_accumulation_inferred_from_the_global_batch():
    # DeepSpeed: GA = train_batch_size // micro // world (floor), then the product is asserted
    result = lint(neox(train_batch_size=256), "neox.yml", world_size=8)
    assert result.plan["gradient_accumulation_steps"] == 8 and "SL303" not in codes(result)
    [hit] = findings(neox(train_batch_size=250), "SL303", world_size=8)
    assert hit.key_path == "train_batch_size"


@needs_corpus
def test_corpus_true_findings():
    found = {str(p.relative_to(CORPUS / "EleutherAI__gpt-neox")): {
        (f.rule, f.key_path) for f in check_file(p).findings if f.severity.label != "info"} for p in corpus_files("gpt-neox")}
    # autotuning configs: 200 (100) iterations with the full-size lr-decay-iters 320000
    assert found["configs/autotuning_configs/tune.json"] == {
        ("SL205", "lr-decay-iters"), ("SL203", "warmup"), ("SL530", "warmup"),
        ("SL204", "save-interval"), ("SL204", "eval-interval")}
    assert found["configs/autotuning_configs/tune_6-7B.json"] == {
        ("SL205", "lr-decay-iters"), ("SL203", "warmup"), ("SL530", "warmup"),
        ("SL204", "checkpoint-factor"), ("SL204", "eval-interval")}
    # rwkv: eval every 100000 iterations in a 500-iteration run
    assert found["configs/rwkv/170M.yml"] == {("SL204", "eval_interval")}
    # post-training: checkpoint_factor 1000 in 477-iteration runs (only the final save happens)
    for name in ("llama3-8b-dpo", "llama3-8b-kto", "llama3-8b-reinforce", "llama3-8b-rm", "llama3-8b-sft"):
        assert ("SL204", "checkpoint_factor") in found[f"post-training/configs/{name}.yml"]
    flagged = {k for k, v in found.items() if v}
    assert flagged <= {"configs/autotuning_configs/tune.json", "configs/autotuning_configs/tune_6-7B.json",
                       "configs/rwkv/170M.yml"} | {k for k in found if k.startswith("post-training/")}


def test_sl530_warmup_is_a_fraction_of_the_decay_horizon():
    [hit] = findings(neox(train_iters=2000, lr_decay_iters=320000), "SL530")
    assert hit.key_path == "warmup" and hit.severity.label == "warning"
    assert ("warmup 0.01 is a fraction of lr_decay_iters (320000), not of train_iters (2000): the warmup is "
            "0.01 × 320000 = 3200 iterations, 160% of the 2000-iteration run (not 0.01 × 2000 = 20)") in hit.message
    [hit] = findings(neox(train_iters=10000, lr_decay_fraction=0.5, lr_decay_iters=None), "SL530")
    assert "floor(train_iters × lr_decay_fraction 0.5)" in hit.message


@pytest.mark.parametrize("keys", [
    {}, {"lr_decay_iters": None}, {"lr_decay_iters": 10500}, {"warmup": None},
])
def test_sl530_quiet(keys):
    assert not findings(neox(**keys), "SL530")


def test_sl531_decay_ends_before_the_run():
    assert not findings(neox(train_iters=143000, lr_decay_iters=100000), "SL531")  # a 30% tail: designed
    [hit] = findings(neox(train_iters=143000, lr_decay_iters=20000), "SL531")
    assert hit.severity.label == "warning"
    assert "stays at min_lr for the last 123000 of the 143000 steps (86% of the run)" in hit.message
    assert not findings(neox(), "SL531")


def test_decay_horizon_beyond_the_run_is_sl205():
    [hit] = findings(neox(train_iters=5000, lr_decay_iters=10000), "SL205")
    assert hit.key_path == "lr_decay_iters" and "LR stops at 50% of its schedule" in hit.message


def test_cosine_decay_shorter_than_the_run_is_not_a_restart():
    # AnnealingLR holds min_lr after lr_decay_iters: SL205's "the LR climbs back up" does not apply
    assert not findings(neox(lr_decay_style="cosine", lr_decay_iters=5000), "SL205")


def test_megatron_keys_and_sl532():
    text = ("train_iters: 10000\nlr_decay_iters: 10000\nlr_warmup_fraction: 0.01\nlr_warmup_iters: 100\n"
            "global_batch_size: 64\nmicro_batch_size: 4\nseq_length: 2048\nsave_interval: 20000\nsave: ckpt\n")
    result = lint(text)
    assert result.dialect == "gpt-neox"
    assert {"SL532", "SL204"} <= set(codes(result))
    [hit] = [f for f in result.findings if f.rule == "SL532"]
    assert hit.key_path == "lr_warmup_fraction" and hit.severity.label == "error"
    result = lint(text.replace("lr_warmup_iters: 100\n", ""))
    assert "SL532" not in codes(result) and result.plan["warmup_steps"] == 100


def test_megatron_samples():
    text = "train_samples: 6400000\nlr_decay_samples: 6400000\nglobal_batch_size: 64\nmicro_batch_size: 4\nseq_length: 2048\n"
    result = lint(text, world_size=4)
    assert result.dialect == "gpt-neox" and result.plan["total_optimizer_steps"] == 100000


def test_checkpoint_scale_log_is_not_an_interval():
    result = lint(neox(checkpoint_factor=2, checkpoint_scale="log", save="ckpt"), "neox.yml")
    assert result.plan["checkpoint_count"] is None
    assert lint(neox(checkpoint_factor=2, save="ckpt"), "neox.yml").plan["checkpoint_count"] == 5000


def test_eval_interval_without_evaluation_is_not_mapped():
    result = lint(neox(eval_interval=20000, eval_iters=0), "neox.yml")
    assert "SL204" not in codes(result)
    result = lint(neox(eval_interval=20000), "neox.yml")
    assert [f.key_path for f in result.findings if f.rule == "SL204"] == ["eval_interval"]


def test_good_sample_is_clean():
    result = check_file(SAMPLES / "good.yml")
    assert result.dialect == "gpt-neox"
    assert not [f for f in result.findings if f.severity.label != "info"]


def test_bad_sample():
    result = check_file(SAMPLES / "bad.yml")
    assert {(f.rule, f.key_path, f.line) for f in result.findings if f.severity.label != "info"} == {
        ("SL303", "train_batch_size", 7), ("SL205", "lr_decay_iters", 11), ("SL203", "warmup", 13),
        ("SL530", "warmup", 13), ("SL204", "checkpoint_factor", 14)}


def test_a_validation_follows_training():
    # gpt-neox megatron/training.py `pretrain`: after train(), `if neox_args.do_valid:
    # evaluate_and_print_results(...)` whatever the step; 1500 iterations with eval every 1000: at 1000
    # and after the last
    result = lint(neox(train_iters=1500, eval_interval=1000), "neox.yml")
    assert result.plan["eval_count"] == 2
    [hit] = [f for f in lint(neox(eval_interval=20000), "neox.yml").findings if f.rule == "SL204"]
    assert "only the final one" in hit.message


def test_with_train_epochs_the_warmup_is_a_fraction_of_the_derived_run():
    # megatron/training.py `pretrain`: train_iters = len(loader) × train_epochs // GAS when train_iters
    # is None, before get_learning_rate_scheduler: warmup_iter = warmup × num_iters (that train_iters)
    text = ("train_epochs: 2\nwarmup: 0.1\ntrain_micro_batch_size_per_gpu: 8\ngradient_accumulation_steps: 1\n"
            "seq_length: 2048\nnum_layers: 2\nhidden_size: 64\nnum_attention_heads: 2\n")
    plan = lint(text, "neox.yml", dataset_size=8000).plan
    assert (plan["total_optimizer_steps"], plan["warmup_steps"]) == (2000, 200)
