"""Severity says what the framework does (issue 11, item 7): an error where it refuses the config
or crashes at start, a warning where it silently drops or ignores a setting."""

from __future__ import annotations

import pytest

from steplint.findings import Severity

from .conftest import lint

TORCHTUNE = "batch_size: 8\nepochs: 3\nbatch_size: 16\nmodel:\n  _component_: torchtune.models.qwen2_5.qwen2_5_0_5b\n"
HF = "per_device_train_batch_size: 8\nnum_train_epochs: 3\nper_device_train_batch_size: 16\nsave_strategy: epoch\n"
HYDRA = "trainer:\n  _target_: lightning.pytorch.Trainer\n  max_epochs: 3\n  max_epochs: 5\nmodel:\n  lr: 0.1\n"
# no class_path, but no Hydra marker either: LightningCLI (jsonargparse, PyYAML) may read it
PLAIN_LIGHTNING = "trainer:\n  max_epochs: 3\n  max_epochs: 5\nmodel:\n  lr: 0.1\n"


@pytest.mark.parametrize("config,severity,words", [
    (HF, Severity.WARNING, "silently overwritten"),  # HfArgumentParser.parse_yaml_file: yaml.safe_load keeps the last
    (TORCHTUNE, Severity.ERROR, "OmegaConf, which loads this file, refuses it"),  # torchtune: OmegaConf.load
    (HYDRA, Severity.ERROR, "OmegaConf, which loads this file, refuses it"),
    (PLAIN_LIGHTNING, Severity.WARNING, "silently overwritten"),
])
def test_a_duplicate_key_is_an_error_only_where_the_loader_refuses_it(config, severity, words):
    [found] = [f for f in lint(config).findings if f.rule == "SL002"]
    assert found.severity is severity and words in found.message


def test_a_duplicate_key_in_a_file_no_dialect_reads_is_not_reported():
    assert not [f for f in lint("a: 1\na: 2\n").findings if f.rule == "SL002"]


def test_warmup_longer_than_the_run_is_a_warning_no_framework_refuses_it():
    config = "steplint: 1\ndata: {train_size: 1000, batch_size: 10}\nrun: {epochs: 2}\nschedule: {warmup: 500 steps}\n"
    [found] = [f for f in lint(config).findings if f.rule == "SL203"]
    assert found.severity is Severity.WARNING and "never reaches its peak" in found.message


def test_a_project_severity_still_overrides_the_framework_s():
    result = lint(TORCHTUNE, severity=(("SL002", Severity.WARNING),))
    assert [f.severity for f in result.findings if f.rule == "SL002"] == [Severity.WARNING]


LITGPT = ("devices: {devices}\ntrain:\n  global_batch_size: {batch}\n  micro_batch_size: 3\n  epochs: 1\n"
          "checkpoint_dir: checkpoints/meta-llama/Llama-2-7b-hf\nout_dir: out/finetune/lora\n")


@pytest.mark.parametrize("devices,batch,severity,words", [
    (1, 512, Severity.WARNING, "floors the accumulation to 512 // 1 // 3 = 170, so every optimizer step trains 510"),
    (4, 512, Severity.WARNING, "512 // 4 // 3 = 42, so every optimizer step trains 504 samples"),
    (4, 8, Severity.ERROR, "8 // 4 // 3 = 0 and its assertion fails at start"),
])
def test_litgpt_floors_a_global_batch_that_does_not_divide(devices, batch, severity, words):
    [found] = [f for f in lint(LITGPT.format(devices=devices, batch=batch)).findings if f.rule == "SL303"]
    assert found.severity is severity and words in found.message, found.message
    assert not [f for f in lint(LITGPT.format(devices=4, batch=480)).findings if f.rule == "SL303"]


def test_deepspeed_refuses_a_batch_triple_that_does_not_multiply_out():
    config = '{"train_batch_size": 100, "train_micro_batch_size_per_gpu": 8, "gradient_accumulation_steps": 4}'
    found = [f for f in lint(config, "ds_config.json", world_size=2).findings if f.rule == "SL303"]
    assert [f.severity for f in found] == [Severity.ERROR]
