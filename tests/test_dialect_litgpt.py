"""LitGPT dialect: detection on the corpus, mapping, plan numbers (floor accumulation), SL520, and
the generic rules it feeds (SL303 for a global batch the devices cannot split)."""

from __future__ import annotations

import csv


from steplint.frameworks import detect
from steplint.frameworks.base import Source
from steplint.frameworks import DIALECTS
from steplint.units import Unit

from .conftest import CORPUS, ROOT, check_file, codes, corpus_files, lint, load_data, needs_corpus

SAMPLES = ROOT / "sample_configs" / "litgpt"





LITGPT = """\
out_dir: out/finetune
devices: {devices}
num_nodes: {nodes}
train:
  global_batch_size: {batch}
  micro_batch_size: {micro}
  {warmup}
  epochs: {epochs}
  max_steps: {max_steps}
  save_interval: 200
  max_seq_length: 512
eval:
  interval: 100
"""


def litgpt(devices=1, nodes=1, batch=16, micro=2, warmup="lr_warmup_steps: 10", epochs=2, max_steps=""):
    return LITGPT.format(devices=devices, nodes=nodes, batch=batch, micro=micro, warmup=warmup, epochs=epochs,
                         max_steps=max_steps)


@needs_corpus
def test_corpus_detection():
    files = corpus_files("litgpt")
    misses = [(str(p.relative_to(CORPUS)), getattr(detect(load_data(p)), "name", None)) for p in files
              if getattr(detect(load_data(p)), "name", None) != "litgpt"]
    print(f"litgpt: {len(files) - len(misses)}/{len(files)} detected; misses: {misses}")
    assert len(misses) <= 0.05 * len(files), misses


@needs_corpus
def test_no_other_label_is_read_as_litgpt():
    with open(CORPUS / "MANIFEST.tsv", newline="") as handle:
        rows = [r for r in csv.DictReader(handle, delimiter="\t") if r["dialect"] != "litgpt"]
    assert not [r["file"] for r in rows if getattr(detect(load_data(CORPUS / r["file"])), "name", None) == "litgpt"]


@needs_corpus
def test_corpus_files_check_without_a_crash_and_warn_only_about_the_run_length():
    # The config hub's batches all divide (e.g. 16 over 4 devices × micro 1). What it gets wrong is
    # the run's length against its warmups and intervals, which Alpaca2k's fixed size (N = 2000 less
    # the validation split) or a max_steps decides (tests/verdicts/corpus.tsv says why each holds).
    for path in corpus_files("litgpt"):
        result = check_file(path)
        assert result.error is None
        loud = [f for f in result.findings if f.severity.label != "info"]
        assert {f.rule for f in loud} <= {"SL202", "SL203", "SL204"}, (path, loud)
        assert not loud or result.plan["dataset_size"] or result.plan["limited_by"] == "max_steps", path


@needs_corpus
def test_mapping_lora_finetune():
    path = CORPUS / "Lightning-AI__litgpt/config_hub/finetune/llama-3-8b/lora.yaml"
    run = DIALECTS["litgpt"].adapt(load_data(path), Source(str(path))).run
    assert (run.global_batch_size.value, run.global_batch_size.key) == (8, "train.global_batch_size")
    assert (run.train_loader.batch_size.value, run.train_loader.batch_size.key) == (1, "train.micro_batch_size")
    assert (run.epochs.value, run.epochs.key) == (2, "train.epochs")
    assert (run.schedule.warmup.value, run.schedule.warmup.unit) == (10, Unit.STEP)
    assert (run.checkpoint.value, run.checkpoint.key) == (200, "train.save_interval")
    assert (run.eval.value, run.eval.key) == (100, "eval.interval")
    assert (run.logging.value, run.logging.unit) == (1, Unit.BATCH)  # log_interval counts iterations
    assert (run.world_size.value, run.world_size.key) == (1, "devices")


@needs_corpus
def test_mapping_pretrain_in_tokens():
    path = CORPUS / "Lightning-AI__litgpt/config_hub/pretrain/tinyllama.yaml"
    result = check_file(path, world_size=8)
    assert result.dialect == "litgpt"
    plan = result.plan
    # 512 // 8 // 4 = 16 micro-batches per step; 3e12 tokens / (512 × 2048) per step
    assert plan["gradient_accumulation_steps"] == 16 and plan["global_batch_size"] == 512
    assert plan["tokens_per_step"] == 512 * 2048 and plan["total_optimizer_steps"] == 2861023


def test_plan_accumulation_floors_and_epoch_length():
    # 16 over 1 device, micro 2: GA 8; 1000 samples -> 500 batches -> 500 // 8 = 62 steps per epoch
    result = lint(litgpt(), dataset_size=1000)
    assert result.dialect == "litgpt"
    plan = result.plan
    assert plan["gradient_accumulation_steps"] == 8 and plan["optimizer_steps_per_epoch"] == 62
    assert plan["total_optimizer_steps"] == 124


def test_world_size_is_devices_times_nodes():
    result = lint(litgpt(devices=4, nodes=2, batch=64, micro=2))
    assert result.plan["world_size"] == 8 and result.plan["gradient_accumulation_steps"] == 4
    result = lint(litgpt(devices="auto"))
    assert any(a.startswith("world size 1") for a in result.plan["assumptions"])


def test_global_batch_the_devices_cannot_split_is_sl303():
    # 64 // 3 = 21 per rank, // 4 = 5 micro-batches: LitGPT trains on 60 samples a step
    result = lint(litgpt(devices=3, batch=64, micro=4))
    assert result.plan["gradient_accumulation_steps"] == 5 and result.plan["global_batch_size"] == 60
    [hit] = [f for f in result.findings if f.rule == "SL303"]
    assert hit.key_path == "train.global_batch_size" and hit.severity.label == "warning"  # LitGPT floors, silently
    assert "64 // 3 // 4 = 5, so every optimizer step trains 60 samples, not 64" in hit.message
    assert "SL303" not in codes(lint(litgpt(devices=4, batch=64, micro=4)))


def test_sl520_both_warmup_forms():
    [hit] = [f for f in lint(litgpt(warmup="lr_warmup_fraction: 0.1")).findings if f.rule == "SL520"]
    assert hit.severity.label == "error" and hit.key_path == "train.lr_warmup_fraction"
    assert "keeps its default 100" in hit.message
    text = litgpt(warmup="lr_warmup_fraction: 0.1\n  lr_warmup_steps: 50")
    [hit] = [f for f in lint(text).findings if f.rule == "SL520"]
    assert "train.lr_warmup_steps is 50" in hit.message
    for quiet in ("lr_warmup_fraction: 0.1\n  lr_warmup_steps: null", "lr_warmup_fraction: 0.1\n  lr_warmup_steps: 0",
                  "lr_warmup_steps: 10", "lr_warmup_fraction: 0"):
        assert "SL520" not in codes(lint(litgpt(warmup=quiet))), quiet


def test_generic_rules_see_litgpt_numbers():
    result = lint(litgpt(max_steps=5, epochs=""))
    assert {"SL203", "SL204"} <= set(codes(result))  # warmup 10 > 5 steps; save every 200 steps
    hit = next(f for f in result.findings if f.rule == "SL203")
    assert hit.key_path == "train.lr_warmup_steps"


def test_good_sample_is_clean():
    result = check_file(SAMPLES / "finetune_good.yaml")
    assert result.dialect == "litgpt"
    assert not [f for f in result.findings if f.severity.label != "info"]


def test_bad_sample():
    result = check_file(SAMPLES / "pretrain_bad.yaml")
    assert {(f.rule, f.key_path, f.line) for f in result.findings if f.severity.label != "info"} == \
        {("SL303", "train.global_batch_size", 11), ("SL520", "train.lr_warmup_fraction", 13)}


PRETRAIN = """\
out_dir: out/pretrain
devices: 1
train:
  global_batch_size: 8
  micro_batch_size: 8
  max_tokens: 8000000
  max_seq_length: 100
  {max_steps}
  save_interval: 3000
eval:
  interval: 3000
  {final}
"""


def test_pretrain_runs_to_max_tokens_whatever_max_steps_says():
    # litgpt/pretrain.py `fit`: max_iters = max_tokens_per_device // (micro_batch_size × max_seq_length)
    # = 8e6 // 800 = 10,000 iterations, and `if state["iter_num"] >= max_iters: break` is the only stop;
    # train.max_steps is only warned about (`validate_args`: "intended for profiling or debug runs")
    with_steps = lint(PRETRAIN.format(max_steps="max_steps: 50", final="")).plan
    without = lint(PRETRAIN.format(max_steps="", final="")).plan
    assert with_steps["total_optimizer_steps"] == without["total_optimizer_steps"] == 10000


def test_the_final_validation_and_save_after_fit():
    # every LitGPT script ends with `if eval.final_validation: validate(...)` (default True,
    # litgpt/args.py EvalArgs) and the final save: at 3000, 6000, 9000 and 10,000 each
    plan = lint(PRETRAIN.format(max_steps="", final="")).plan
    assert (plan["checkpoint_count"], plan["eval_count"]) == (4, 4)
    plan = lint(PRETRAIN.format(max_steps="", final="final_validation: false")).plan
    assert (plan["checkpoint_count"], plan["eval_count"]) == (4, 3)


def test_a_finetune_config_with_max_tokens_null_stops_at_max_steps():
    # the config hub's finetune files write `max_tokens:` (null; finetune refuses any other value)
    text = litgpt(max_steps=50).replace("  save_interval: 200\n", "  save_interval: 200\n  max_tokens:\n")
    assert "max_tokens:\n" in text
    plan = lint(text, dataset_size=1000).plan
    assert (plan["total_optimizer_steps"], plan["limited_by"]) == (50, "max_steps")
