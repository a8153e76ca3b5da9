"""Values of the wrong type (issue 11, item 6): a list, a mapping, text or a `!!python/` value where
the framework reads a number or a boolean is SL003 at the key, saying what the framework does with
it; what a framework converts (TRL's argparse), or may still resolve, is not."""

from __future__ import annotations

import pytest

from steplint.engine import check_bytes
from steplint.loading import load_text, python_tag
from steplint.values import Options

from .conftest import lint


def sl003(text: str, filename: str = "config.yaml", **options) -> dict[str, str]:
    """key path -> message of each SL003 finding."""
    return {f.key_path: f.message for f in lint(text, filename, **options).findings if f.rule == "SL003"}


HF = "per_device_train_batch_size: 8\nsave_strategy: epoch\n"
TRL = HF + "max_seq_length: 1024\ndataset_text_field: text\n"


def test_hf_text_that_looks_like_a_number_is_text_to_training_arguments():
    found = sl003(HF + 'gradient_accumulation_steps: "4"\n')
    assert list(found) == ["gradient_accumulation_steps"]
    assert "TrainingArguments receives text" in found["gradient_accumulation_steps"]
    assert "TypeError at `len_dataloader // args.gradient_accumulation_steps`" in found["gradient_accumulation_steps"]
    # and the plan does not pretend the Trainer accumulates over 4 micro-batches
    plan = lint(HF + 'gradient_accumulation_steps: "4"\n', dataset_size=800).plan
    assert plan["gradient_accumulation_steps"] == 1


def test_trl_converts_text_defaults_with_argparse_but_refuses_words():
    assert sl003(TRL + 'gradient_accumulation_steps: "4"\ndataloader_drop_last: "false"\n') == {}
    found = sl003(TRL + "num_train_epochs: three\n")
    assert list(found) == ["num_train_epochs"] and "argparse refuses it at start" in found["num_train_epochs"]


@pytest.mark.parametrize("line,key,words", [
    ("num_train_epochs: [90]\n", "num_train_epochs", "a list, where TrainingArguments expects a float"),
    ("max_steps: {value: 100}\n", "max_steps", "a mapping"),
    ('dataloader_drop_last: "false"\n', "dataloader_drop_last", "drop_last should be a boolean value"),
    ('logging_steps: "10"\n', "logging_steps", "`self.logging_steps > 1`"),
    ("num_train_epochs: !!python/object/apply:numpy.core.multiarray.scalar [a, b]\n", "num_train_epochs",
     "yaml.safe_load, which refuses the tag"),
    ("warmup_steps: !!python/int 10\n", "warmup_steps", "a !!python/int value"),
])
def test_hf_wrong_types_are_errors_naming_what_the_trainer_does(line, key, words):
    found = sl003(HF + line)
    assert key in found and words in found[key], found


def test_hf_epochs_as_text_fail_in_the_trainer_even_when_max_steps_replaces_them():
    found = sl003(HF + "num_train_epochs: three\nmax_steps: 100\n")
    assert "`args.max_steps > 0 and args.num_train_epochs > 0`" in found["num_train_epochs"]
    assert "math.ceil" in sl003(HF + "num_train_epochs: three\n")["num_train_epochs"]


@pytest.mark.parametrize("line", [
    'save_steps: "500"\n',  # save_strategy epoch: save_steps is never compared
    'eval_steps: "100"\n',  # eval_strategy defaults to "no"
    'gradient_accumulation_steps: "${GA}"\n',  # a reference: unknown, not wrong
    'gradient_accumulation_steps: auto\n',
])
def test_hf_values_the_trainer_never_reads_or_may_resolve_are_not_sl003(line):
    assert sl003(HF + line) == {}


def test_a_file_only_weakly_like_training_arguments_keeps_quoted_numbers():
    # kohya_ss GUI presets share logging_dir and max_grad_norm, and its GUI converts "1" itself
    config = '{"logging_dir": "./log", "max_grad_norm": 1, "gradient_accumulation_steps": "1", "epoch": 50}'
    assert lint(config, "preset.json").dialect == "hf-trainer"  # read as TrainingArguments, weakly
    assert sl003(config, "preset.json") == {}
    assert "gradient_accumulation_steps" in sl003(config.replace('"epoch"', '"per_device_train_batch_size": 8, "e"'),
                                                  "preset.json")


LIGHTNING = "trainer:\n  max_epochs: {epochs}\n  accumulate_grad_batches: {ga}\nmodel:\n  lr: 0.1\n"


def test_lightning_words_and_lists_are_errors_but_its_accumulation_schedule_is_not():
    found = sl003(LIGHTNING.format(epochs="three", ga="[2]"))
    assert set(found) == {"trainer.max_epochs", "trainer.accumulate_grad_batches"}
    assert "PyTorch Lightning reads a number" in found["trainer.max_epochs"]
    # Lightning 1.x reads a mapping as an accumulation schedule ({epoch: factor})
    assert sl003(LIGHTNING.format(epochs=10, ga="{0: 8, 4: 4}")) == {}


def test_torchtune_list_where_a_count_is_read():
    config = ("batch_size: 8\nepochs: [3]\ngradient_accumulation_steps: four\n"
              "model:\n  _component_: torchtune.models.qwen2_5.qwen2_5_0_5b\n")
    assert set(sl003(config)) == {"epochs", "gradient_accumulation_steps"}


@pytest.mark.parametrize("value", ['"32"', "${data.bs}", "auto", "BATCH_SIZE", "???", '"$BS"'])
def test_research_configs_keep_what_code_may_convert_or_resolve(value):
    assert sl003(f"epochs: 90\nbatch_size: {value}\nlr: 0.1\n") == {}


def test_research_configs_words_where_a_number_is_read_are_errors():
    found = sl003("epochs: three\nbatch_size: 32\nlr: 0.1\ngrad_accum_steps: four\n")
    assert set(found) == {"epochs", "grad_accum_steps"}
    assert "the training code reads a number here" in found["epochs"]


def test_detectron2_builds_python_tags_itself():
    # yacs falls back to yaml.unsafe_load: Detectron2's own configs compute values with eval
    config = ("MODEL:\n  META_ARCHITECTURE: GeneralizedRCNN\nSOLVER:\n  IMS_PER_BATCH: !!python/object/apply:eval "
              '["16"]\n  MAX_ITER: 90000\n  BASE_LR: 0.02\n')
    assert sl003(config) == {}


def test_python_tags_are_kept_on_values_and_nothing_is_built():
    data = load_text("x.yaml", 'a: !!python/object/apply:os.system ["echo hi"]\nb: !!python/int 4\n'
                               'c: !!python/object:foo.Bar {x: 1}\nd: !custom 4\n').documents[0].data
    assert {k: python_tag(v) for k, v in data.items()} == {
        "a": "!!python/object/apply:os.system", "b": "!!python/int", "c": "!!python/object:foo.Bar", "d": ""}
    assert data["a"] == ["echo hi"] and data["c"] == {"x": 1} and data["b"] == "4"


def test_python_tags_survive_the_trip_to_a_worker_process():
    import pickle
    data = load_text("x.yaml", "a: !!python/name:os.system\n").documents[0].data
    assert python_tag(pickle.loads(pickle.dumps(data))["a"]) == "!!python/name:os.system"


def test_the_native_format_reports_a_python_tag_it_would_otherwise_read_as_a_number():
    result = check_bytes("x.yaml", b"steplint: 1\ndata: {batch_size: !!python/object/new:builtins.int 32}\nrun: {epochs: 3}\n", Options())
    assert [(f.rule, f.key_path) for f in result.findings if f.rule == "SL003"] == [("SL003", "data.batch_size")]


TORCHTUNE = ("model:\n  _component_: torchtune.models.llama3_2.lora_llama3_2_1b\n"
             "dataset:\n  _component_: torchtune.datasets.slimorca_dataset\n"
             "epochs: 1\nbatch_size: {batch}\nlog_every_n_steps: {log}\noptimizer:\n  _component_: torch.optim.AdamW\n")


def test_a_profile_reports_a_value_its_read_test_leaves_out_for_its_type_not_for_a_sentinel():
    found = sl003(TORCHTUNE.format(batch="three", log=10))
    assert list(found) == ["batch_size"] and "text, not a whole number" in found["batch_size"]
    assert "a list" in sl003(TORCHTUNE.format(batch=4, log="[10]"))["log_every_n_steps"]
    # log_every_n_steps reads positive values: 0 or -1 is the framework's "off", not a wrong type
    for log in (0, -1, "${oc.env:LOG}"):
        assert sl003(TORCHTUNE.format(batch=4, log=log)) == {}, log


OPEN_INSTRUCT = ("model_name_or_path: m\ndataset_mixer_list: [a, '1.0']\nwith_tracking: true\nuse_flash_attn: true\n"
                 "per_device_train_batch_size: 1\nnum_train_epochs: 2\ncheckpointing_steps: {steps}\n")


def test_text_another_entry_of_the_profile_reads_is_not_a_wrong_type():
    assert lint(OPEN_INSTRUCT.format(steps="epoch")).dialect == "open-instruct"
    assert sl003(OPEN_INSTRUCT.format(steps="epoch")) == {}  # "epoch": a checkpoint each epoch
    # a word open-instruct calls int() on: its own rule says it, once
    assert [f.rule for f in lint(OPEN_INSTRUCT.format(steps="weekly")).findings if f.severity.label == "error"] == ["SL709"]
