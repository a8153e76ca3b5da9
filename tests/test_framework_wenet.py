"""WeNet training configs: per-GPU static batches, accum_grad floored, steps mode with save_interval."""

from __future__ import annotations

import yaml

from steplint.findings import Severity
from steplint.frameworks import detect
from steplint.frameworks.base import Source

from .conftest import ROOT, check_file, codes, lint

SAMPLES = ROOT / "sample_configs" / "wenet"


def test_good_sample_plans():
    result = check_file(SAMPLES / "good.yaml", dataset_size=120_098, world_size=8)
    assert result.dialect == "wenet"
    assert [f for f in result.findings if f.severity >= Severity.WARNING] == []
    plan = result.plan
    # 15013 utterances per GPU in batches of 16: 939 batches, a step every 4: 234 (the last 3 take none)
    assert plan["batches_per_epoch"] == 939 and plan["optimizer_steps_per_epoch"] == 234
    assert plan["total_optimizer_steps"] == 234 * 240 and plan["warmup_steps"] == 25000


def test_bad_sample_warmup_past_the_run():
    result = check_file(SAMPLES / "bad.yaml", dataset_size=20_000, world_size=4)
    assert codes(result) == ["SL203"]
    assert "the run is 1560 steps (20 epochs × 78)" in result.findings[0].message


def test_dynamic_batches_and_steps_mode():
    base = (SAMPLES / "good.yaml").read_text()
    dynamic = lint(base.replace("batch_type: 'static'", "batch_type: 'dynamic'"), dataset_size=120_098)
    assert dynamic.plan["micro_batch_size"] is None  # batches filled by length
    steps = lint(base + "save_interval: 5000\n", dataset_size=120_098, world_size=8)
    assert steps.plan["first_checkpoint_step"] == 5000 and steps.plan["first_eval_step"] == 5000
    # the default WarmupLR warmup when scheduler_conf omits it
    default = lint(base.replace("    warmup_steps: 25000        # optimizer steps\n", "    {}\n").replace(
        "scheduler_conf:\n    {}\n", "scheduler_conf: {}\n"), dataset_size=120_098, world_size=8)
    assert default.plan["warmup_steps"] == 25000


def test_epoch_mode_validates_and_saves_after_every_epoch():
    # wenet/bin/train.py main, without save_interval (epoch mode): `executor.cv(...)` and `save_model(...)` after
    # each of the max_epoch epochs: 8 GPUs, 939 batches of 16, 234 optimizer steps an epoch, 240 epochs
    plan = check_file(SAMPLES / "good.yaml", dataset_size=120_098, world_size=8).plan
    assert (plan["checkpoint_count"], plan["first_checkpoint_step"]) == (240, 234)
    assert (plan["eval_count"], plan["first_eval_step"]) == (240, 234)


def test_accum_grad_has_no_default():
    # wenet/utils/executor.py Executor.train reads `info_dict['accum_grad']` (a deep copy of the configs) and
    # nothing in train.py fills it: a config without accum_grad stops with a KeyError, so no default is read
    base = (SAMPLES / "good.yaml").read_text()
    assert "accum_grad: 4" in base
    data = yaml.safe_load(base.replace("accum_grad: 4", "grad_clip_extra: 4"))
    dialect = detect(data)
    assert dialect.name == "wenet" and dialect.adapt(data, Source("train.yaml")).run.gradient_accumulation is None
    assert detect(yaml.safe_load(base)).adapt(yaml.safe_load(base), Source("t.yaml")).run.gradient_accumulation.value == 4


def test_espnet2_configs_are_not_wenet():
    espnet = "encoder: conformer\nencoder_conf: {output_size: 256}\nmax_epoch: 50\nbatch_type: numel\nbatch_bins: 1000\n" \
             "keep_nbest_models: 10\n"
    assert lint(espnet).dialect == "espnet2"


def loud(result):
    return [f.rule for f in result.findings if f.severity >= Severity.WARNING]


def test_a_config_without_accum_grad_stops_with_a_key_error():
    # wenet/utils/executor.py:50 (wenet-e2e/wenet @ 01546996) Executor.train starts every epoch with
    # `logging.info(...format(info_dict['accum_grad']))`, info_dict a deep copy of the configs that nothing fills
    # (train.py, check_modify_and_save_config; override_config only replaces keys already present): KeyError
    # before the first batch. WeNet before v3.0.0 read `args.get('accum_grad', 1)` (v2.2.1 executor.py:38).
    base = (SAMPLES / "good.yaml").read_text()
    without = base.replace("accum_grad: 4                  # an optimizer step every 4 batches\n", "")
    assert "accum_grad" not in without
    result = lint(without)
    assert loud(result) == ["SL791"] and result.findings[0].severity == Severity.ERROR
    assert "WeNet stops with KeyError: 'accum_grad' before training" in result.findings[0].message
    assert loud(lint(base)) == []
    # WeNet 2.x defaults it to 1; max_epoch 0 runs no epoch (range(0, 0)), so nothing reads it
    assert loud(lint(without, framework_versions=(("wenet", "2.2.1"),))) == []
    assert loud(lint(without.replace("max_epoch: 240", "max_epoch: 0"))) == []
    # steps mode (save_interval): one epoch whatever max_epoch is, so the KeyError comes
    assert loud(lint(without.replace("max_epoch: 240", "max_epoch: 0") + "save_interval: 5000\n")) == ["SL791"]
    assert loud(check_file(SAMPLES / "bad_no_accum_grad.yaml", dataset_size=120_098, world_size=8)) == ["SL791"]
