"""Composer / llm-foundry and OLMo dialects: detection on the corpus, mapping, plan numbers, the
SL50x (Composer) and SL51x (OLMo) rules."""

from __future__ import annotations

import csv

import pytest

from steplint.frameworks import detect
from steplint.frameworks.base import Source
from steplint.frameworks.composer.reader import Composer, parse_time
from steplint.frameworks import DIALECTS

from .reference_dialects.olmo import parse_max_duration
from steplint.plan import derive
from steplint.units import Unit

from .conftest import CORPUS, ROOT, check_file, codes, corpus_files, lint, load_data, needs_corpus

SAMPLES = ROOT / "sample_configs" / "composer"





def by_rule(result, rule):
    return [f for f in result.findings if f.rule == rule]


# -- time strings ---------------------------------------------------------------------------------

@pytest.mark.parametrize("text,default,expected", [
    ("4800ba", None, (4800, "ba", False)), ("1ep", None, (1, "ep", False)), ("0.02dur", None, (0.02, "dur", False)),
    ("3e4tok", None, (30000, "tok", False)), ("1_000BA", None, (1000, "ba", False)), (10, "ep", (10, "ep", True)),
    ("2048sp", None, (2048, "sp", False)),
])
def test_composer_time_strings(text, default, expected):
    time = parse_time(text, default, ("k",))
    assert (time.value, time.unit, time.bare) == expected


@pytest.mark.parametrize("text", ["1h30m", "auto", "${variables.x}", None, True, 10])
def test_composer_time_strings_steplint_cannot_use(text):
    assert parse_time(text, None, ("k",)) is None


@pytest.mark.parametrize("value,expected", [
    (10000, (10000, Unit.STEP)), ("2e12T", (2e12, Unit.TOKEN)), ("2ep", (2, Unit.EPOCH)),
    ("739_328", (739328, Unit.STEP)), ("50e9T", (50e9, Unit.TOKEN)),
])
def test_olmo_max_duration(value, expected):
    assert parse_max_duration(value) == expected


# -- detection --------------------------------------------------------------------------------------

@needs_corpus
@pytest.mark.parametrize("label,name", [("composer", "composer"), ("olmo", "olmo")])
def test_corpus_detection(label, name):
    files = corpus_files(label)
    misses = [(str(p.relative_to(CORPUS)), getattr(detect(load_data(p)), "name", None)) for p in files
              if getattr(detect(load_data(p)), "name", None) != name]
    print(f"{label}: {len(files) - len(misses)}/{len(files)} detected; misses: {misses}")
    assert len(misses) <= 0.05 * len(files), misses


@needs_corpus
def test_mcli_run_files_without_a_config_are_not_composer():
    # OLMo's mcli run files (label `other`) launch a training script with a config path; they hold no config.
    for path in sorted((CORPUS / "allenai__OLMo" / "configs" / "mcli").glob("*.yaml")):
        assert getattr(detect(load_data(path)), "name", None) not in ("composer", "olmo"), path


@needs_corpus
def test_no_other_label_is_read_as_composer_or_olmo():
    with open(CORPUS / "MANIFEST.tsv", newline="") as handle:
        rows = [r for r in csv.DictReader(handle, delimiter="\t") if r["dialect"] not in ("composer", "olmo")]
    wrong = [r["file"] for r in rows if getattr(detect(load_data(CORPUS / r["file"])), "name", None) in ("composer", "olmo")]
    assert not wrong


@needs_corpus
@pytest.mark.parametrize("label", ["composer", "olmo"])
def test_corpus_files_check_without_a_crash(label):
    for path in corpus_files(label):
        result = check_file(path)
        assert result.error is None


# -- mapping ----------------------------------------------------------------------------------------

@needs_corpus
def test_llm_foundry_mapping_mpt_125m():
    path = CORPUS / "mosaicml__llm-foundry/scripts/train/yamls/pretrain/mpt-125m.yaml"
    adapted = Composer().adapt(load_data(path), Source(str(path)))
    run = adapted.run
    assert (run.max_steps.value, run.max_steps.unit, run.max_steps.key) == (4800, Unit.STEP, "max_duration")
    assert (run.global_batch_size.value, run.global_batch_size.key) == (256, "global_train_batch_size")
    assert (run.schedule.warmup.value, run.schedule.warmup.unit, run.schedule.warmup.key) == \
        (100, Unit.STEP, "scheduler.t_warmup")
    assert (run.eval.value, run.eval.unit, run.eval.key) == (500, Unit.STEP, "eval_interval")
    assert run.train_loader.drop_last.value is True
    assert adapted.semantics.tokens_per_sample == 2048 and adapted.semantics.batch_is_global
    assert run.epochs is None


@needs_corpus
def test_mcli_run_file_maps_parameters_and_gpus():
    path = CORPUS / "mosaicml__llm-foundry/mcli/mcli-llama2-finetune.yaml"
    run = Composer().adapt(load_data(path), Source(str(path))).run
    assert (run.world_size.value, run.world_size.key) == (8, "compute.gpus")
    assert (run.epochs.value, run.epochs.key) == (1, "parameters.max_duration")
    assert run.schedule.warmup.key == "parameters.scheduler.t_warmup"


@needs_corpus
def test_olmo_mapping_olmo_7b():
    path = CORPUS / "allenai__OLMo/configs/official-0724/OLMo-7B.yaml"
    adapted = DIALECTS["olmo"].adapt(load_data(path), Source(str(path)))
    run = adapted.run
    assert (run.max_steps.value, run.max_steps.unit) == (2e12, Unit.TOKEN)
    assert (run.schedule.warmup.value, run.schedule.warmup.unit) == (5000, Unit.STEP)
    assert (run.checkpoint.value, run.checkpoint.key) == (1000, "save_interval")
    assert (run.eval.value, run.eval.key) == (1000, "eval_interval")  # ${save_interval}, resolved
    assert adapted.semantics.tokens_per_sample == 2048


@needs_corpus
def test_olmo_checkpoint_is_the_most_frequent_interval():
    # llama7: sharded every 1000000 steps (never), unsharded every 500
    path = CORPUS / "allenai__OLMo/configs/llama7.yaml"
    run = DIALECTS["olmo"].adapt(load_data(path), Source(str(path))).run
    assert (run.checkpoint.value, run.checkpoint.key) == (500, "save_interval_unsharded")


@needs_corpus
def test_olmo_scheduler_in_tokens():
    path = CORPUS / "allenai__OLMo/configs/mitchish70.yaml"
    adapted = DIALECTS["olmo"].adapt(load_data(path), Source(str(path)))
    plan = derive(adapted.run, adapted.semantics)
    assert adapted.run.schedule.warmup.unit is Unit.TOKEN
    assert plan.tokens_per_step == 512 * 4096
    assert plan.warmup_steps == 5000  # 10485760000 tokens / (512 × 4096)
    assert plan.total_optimizer_steps == 953675  # ceil(2e12 / 2097152)


# -- plan numbers -----------------------------------------------------------------------------------

@needs_corpus
def test_llm_foundry_plan_with_world_size():
    result = check_file(CORPUS / "mosaicml__llm-foundry/scripts/train/yamls/pretrain/mpt-125m.yaml", world_size=8)
    plan = result.plan
    assert plan["micro_batch_size"] == 32  # the per-rank batch: 256 / 8, split into microbatches of 16
    assert plan["gradient_accumulation_steps"] == 1  # no accumulation across batches in Composer
    assert plan["global_batch_size"] == 256 and plan["total_optimizer_steps"] == 4800
    assert plan["tokens_per_step"] == 256 * 2048
    assert plan["eval_count"] == 10  # 9 at 500..4500, and the end of training


@needs_corpus
def test_llm_foundry_epochs_with_dataset_size():
    result = check_file(CORPUS / "mosaicml__llm-foundry/scripts/train/yamls/finetune/1b_local_data_sft.yaml",
                        world_size=8, dataset_size=100_000)
    plan = result.plan
    # 100000 / 8 = 12500 per rank; drop_last: 12500 // 16 = 781 batches = optimizer steps
    assert plan["optimizer_steps_per_epoch"] == 781 and plan["total_optimizer_steps"] == 781


def test_composer_dur_warmup_floors():
    result = lint("global_train_batch_size: 64\ndevice_train_microbatch_size: 8\n"
                  "scheduler: {name: cosine_with_warmup, t_warmup: 0.015dur}\nmax_duration: 1000ba\n")
    assert result.dialect == "composer" and result.plan["warmup_steps"] == 15
    result = lint("global_train_batch_size: 64\ndevice_train_microbatch_size: 8\n"
                  "scheduler: {name: cosine_with_warmup, t_warmup: 0.0155dur}\nmax_duration: 1000ba\n")
    assert result.plan["warmup_steps"] == 15  # int(15.5), not 16


def test_composer_samples_and_tokens_convert_to_steps():
    result = lint("max_seq_len: 1024\nglobal_train_batch_size: 64\ndevice_train_microbatch_size: 8\n"
                  "max_duration: 6553600tok\nsave_interval: 6400sp\nsave_folder: ckpt\n")
    assert result.plan["total_optimizer_steps"] == 100 and result.plan["first_checkpoint_step"] == 100


# -- Composer rules ---------------------------------------------------------------------------------

COMPOSER = """\
max_seq_len: 2048
train_loader: {{name: text, drop_last: true}}
eval_loader: {{name: text, drop_last: false}}
global_train_batch_size: {batch}
device_train_microbatch_size: 8
scheduler: {{name: {name}, t_warmup: {warmup}{t_max}}}
max_duration: {duration}
eval_interval: {eval}
"""


def composer(batch=256, name="cosine_with_warmup", warmup="100ba", t_max="", duration="4800ba", eval="500ba"):
    return COMPOSER.format(batch=batch, name=name, warmup=warmup, t_max=f", t_max: {t_max}" if t_max else "",
                           duration=duration, eval=eval)


def test_sl501_warmup_in_batches_with_a_run_in_tokens():
    result = lint(composer(duration="2000000000tok"))
    [hit] = by_rule(result, "SL501")
    assert hit.key_path == "scheduler.t_warmup" and hit.severity.label == "error"
    assert "t_warmup 100ba counts batches but t_max (default 1dur) is a fraction of max_duration 2000000000tok" \
        in hit.message


def test_sl501_epoch_warmup_becomes_batches():
    [hit] = by_rule(lint(composer(warmup="1ep", duration="100000sp")), "SL501")
    assert "Composer converts epochs to batches" in hit.message


@pytest.mark.parametrize("kwargs", [
    {}, {"duration": "1ep"}, {"warmup": "0.01dur", "duration": "2000000tok"}, {"warmup": "1000tok", "duration": "1e9tok"},
    {"name": "multistep_with_warmup", "duration": "2000000tok"},  # does not check units
])
def test_sl501_quiet_when_units_agree(kwargs):
    assert "SL501" not in codes(lint(composer(**kwargs)))


def test_sl502_t_max_shorter_than_the_run():
    [hit] = by_rule(lint(composer(t_max="1000ba")), "SL502")
    assert hit.key_path == "scheduler.t_max" and "t_max 1000ba is shorter than max_duration 4800ba" in hit.message
    [hit] = by_rule(lint(composer(t_max="0.5dur")), "SL502")
    assert "t_max 0.5dur = 2400ba is shorter than max_duration 4800ba" in hit.message


def test_sl502_epochs_against_batches_needs_the_dataset_size():
    text = composer(t_max="1ep", duration="2ep", eval="1ep")
    assert "SL502" not in codes(lint(text))
    [hit] = by_rule(lint(text, dataset_size=100_000, world_size=8), "SL502")
    assert "max_duration 2ep = 780ba (2 × 390 batches per epoch)" in hit.message


@pytest.mark.parametrize("t_max", ["4800ba", "1dur", "5000ba", "1000000tok"])
def test_sl502_quiet(t_max):
    assert "SL502" not in codes(lint(composer(t_max=t_max)))


def test_sl503_dur_warmup_truncated_to_zero():
    [hit] = by_rule(lint(composer(warmup="0.001dur", duration="500ba")), "SL503")
    assert hit.severity.label == "warning" and "t_warmup 0.001dur of 500ba is int(0.5) = 0ba" in hit.message
    assert "SL503" not in codes(lint(composer(warmup="0.002dur", duration="500ba")))
    # in epochs it needs the dataloader length: 0.001 × 1 × 390 = 0.39
    text = composer(warmup="0.001dur", duration="1ep", eval="1ep")
    assert "SL503" not in codes(lint(text))
    assert "SL503" in codes(lint(text, dataset_size=100_000, world_size=8))


def test_sl504_bare_eval_interval_is_epochs():
    [hit] = by_rule(lint(composer(eval="500")), "SL504")
    assert hit.key_path == "eval_interval"
    assert "eval_interval: 500 is a bare number, which Composer reads as 500 epochs, but max_duration is 4800ba" \
        in hit.message


@pytest.mark.parametrize("text", [
    composer(eval="1"),  # one epoch: SL204 says what it can
    composer(eval="2", duration="10ep"),  # the run is in epochs too
    composer(eval="500ba"),
    composer(eval="500").replace("eval_loader: {name: text, drop_last: false}\n", ""),  # nothing to evaluate
])
def test_sl504_quiet(text):
    assert "SL504" not in codes(lint(text))


def test_eval_interval_without_an_evaluator_is_not_mapped():
    # no eval loader, ICL tasks or gauntlet: eval_interval is moot. (save_interval is kept without a
    # save_folder in the file: llm-foundry runs often pass save_folder=... on the command line.)
    text = composer(eval="100000ba").replace("eval_loader: {name: text, drop_last: false}\n", "")
    assert "SL204" not in codes(lint(text))
    assert [f.key_path for f in lint(text + "save_interval: 100000ba\n").findings if f.rule == "SL204"] == \
        ["save_interval"]


def test_sl504_leaves_known_epoch_lengths_to_sl204():
    result = lint(composer(eval="500"), dataset_size=100_000, world_size=8)
    assert "SL504" not in codes(result) and "SL204" in codes(result)


def test_sl505_global_batch_not_divisible_by_world_size():
    [hit] = by_rule(lint(composer(batch=250), world_size=8), "SL505")
    assert hit.severity.label == "error" and hit.key_path == "global_train_batch_size"
    assert "global_train_batch_size 250 is not divisible by the world size 8" in hit.message and "248 or 256" in hit.message
    assert "SL505" not in codes(lint(composer(batch=250)))  # world size unknown
    assert "SL505" not in codes(lint(composer(batch=256), world_size=8))


@needs_corpus
def test_composer_corpus_true_findings():
    # warmup 100ba in a 50-batch run (its eval_interval 100ba is moot: the file has no eval loader)
    result = check_file(CORPUS / "mosaicml__llm-foundry/scripts/train/yamls/pretrain/hf-llama-3.1-8B.yaml")
    assert {(f.rule, f.key_path) for f in result.findings if f.severity.label != "info"} == \
        {("SL203", "scheduler.t_warmup")}
    result = check_file(CORPUS / "mosaicml__llm-foundry/scripts/train/yamls/pretrain/mpt-small-cpu.yaml")
    assert {(f.rule, f.key_path) for f in result.findings if f.severity.label != "info"} == \
        {("SL203", "scheduler.t_warmup")}  # warmup 100ba in a 10-batch run


@needs_corpus
def test_composer_corpus_has_no_composer_rule_findings():
    for path in corpus_files("composer"):
        assert not [f for f in check_file(path).findings if f.rule.startswith("SL50")], path


# -- OLMo rules -------------------------------------------------------------------------------------

OLMO = """\
model: {{d_model: 2048, max_sequence_length: 2048}}
tokenizer: {{identifier: allenai/gpt-neox-olmo-dolma-v1_5}}
scheduler: {{name: cosine_with_warmup, t_warmup: {warmup}{extra}}}
max_duration: {duration}
global_train_batch_size: {batch}
device_train_microbatch_size: 8
"""


def olmo(warmup=2000, duration=10000, batch=2048, extra=""):
    return OLMO.format(warmup=warmup, duration=duration, batch=batch, extra=extra)


def test_sl510_fractional_warmup_truncated():
    result = lint(olmo(warmup=0.01))
    assert result.dialect == "olmo" and result.plan["warmup_steps"] is None
    [hit] = by_rule(result, "SL510")
    assert hit.key_path == "scheduler.t_warmup"
    assert "scheduler.t_warmup 0.01 is cast with int() to 0 steps: no warmup at all" in hit.message
    assert "1% of this 10000-step run would be 100" in hit.message


def test_sl510_t_max_and_quiet_cases():
    assert "SL510" in codes(lint(olmo(extra=", t_max: 0.9")))
    assert "SL510" not in codes(lint(olmo(warmup=2000)))
    assert "SL510" not in codes(lint(olmo(warmup=0)))
    assert lint(olmo(warmup=100.7)).plan["warmup_steps"] == 100  # int(), and not worth a finding


def test_sl511_batch_floored_over_ranks():
    [hit] = by_rule(lint(olmo(), world_size=7), "SL511")
    assert "OLMo floors the device batch to 2048 // 7 = 292, so each step trains on 2044 sequences, not 2048" \
        in hit.message
    assert "SL511" not in codes(lint(olmo(), world_size=8))
    assert "SL511" not in codes(lint(olmo()))  # world size unknown
    [hit] = by_rule(lint(olmo(batch=4), world_size=8), "SL511")
    assert "= 0" in hit.message


def test_olmo_tokens_need_the_sequence_length():
    result = lint(olmo(duration="2e12T"))
    assert result.plan["total_optimizer_steps"] == 476838  # ceil(2e12 / (2048 × 2048))
    assert any("packed full-length sequences" in a for a in result.plan["assumptions"])
    result = lint(olmo(duration="2e12T").replace("max_sequence_length: 2048", "n_layers: 16"))
    assert result.plan["total_optimizer_steps"] is None


@needs_corpus
def test_olmo_corpus_true_findings():
    findings = {p.name: {(f.rule, f.key_path) for f in check_file(p).findings if f.severity.label != "info"}
                for p in corpus_files("olmo")}
    # warmup 1000 steps in a 515-step run
    assert findings["custom_dataset_example.yaml"] == {("SL203", "scheduler.t_warmup")}
    # eval_interval = ${save_interval} = 1000000 in a 423855-step run (checkpoints come from the unsharded 500)
    assert findings["llama7.yaml"] == {("SL204", "eval_interval")}
    # a 5e12-token schedule in a 4e12-token run: the LR stops at 80% of its decay
    assert findings["OLMo2-1B-stage1.yaml"] == {("SL205", "scheduler.t_max")}
    others = {name: f for name, f in findings.items()
              if name not in ("custom_dataset_example.yaml", "llama7.yaml", "OLMo2-1B-stage1.yaml")}
    assert not any(others.values()), others


# -- samples ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["llm_foundry_good.yaml", "olmo_good.yaml"])
def test_good_samples_are_clean(name):
    result = check_file(SAMPLES / name)
    assert result.dialect in ("composer", "olmo")
    assert not [f for f in result.findings if f.severity.label != "info"], [f.to_dict() for f in result.findings]


@pytest.mark.parametrize("name,expected", [
    ("llm_foundry_bad.yaml", {("SL503", "scheduler.t_warmup", 8), ("SL504", "eval_interval", 12)}),
    ("mcli_bad.yaml", {("SL502", "parameters.scheduler.t_max", 16),
                       ("SL505", "parameters.global_train_batch_size", 18)}),
    ("olmo_bad.yaml", {("SL510", "scheduler.t_warmup", 12), ("SL204", "eval_interval", 16)}),
])
def test_bad_samples(name, expected):
    result = check_file(SAMPLES / name)
    assert {(f.rule, f.key_path, f.line) for f in result.findings if f.severity.label != "info"} == expected
