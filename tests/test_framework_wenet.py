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


def _with_accum(value: str) -> str:
    return (SAMPLES / "good.yaml").read_text().replace(
        "accum_grad: 4                  # an optimizer step every 4 batches", f"accum_grad: {value}")


def test_an_epoch_shorter_than_accum_grad_never_steps():
    # wenet/utils/executor.py:60 `for batch_idx, batch_dict in enumerate(train_data_loader)`, batch_idx from 0 in
    # every epoch (train.py:144-157 calls Executor.train once per epoch); train_utils.py:762 steps the optimizer only
    # `elif (batch_idx + 1) % accum_grad == 0`, and train.py:162-174 ends an epoch with cv and save_model, no step.
    # 100 utterances on 8 GPUs: at most 13 a GPU, fewer than accum_grad 16, so at most 13 batches whatever
    # --num_workers (each batch holds one utterance or more)
    result = lint(_with_accum(16), dataset_size=100, world_size=8)
    assert "SL793" in loud(result)
    hit = next(f for f in result.findings if f.rule == "SL793")
    assert hit.severity == Severity.ERROR and hit.key_path == "accum_grad"
    assert ("each GPU gets at most 13 utterances an epoch (100 / 8 GPUs), fewer than accum_grad 16: an epoch has 1 "
            "batch per GPU with one loader worker and at most 13 whatever --num_workers") in hit.message
    assert "none of the 240 epochs takes an optimizer step" in hit.message
    # 1600 utterances a GPU: 100 batches, 6 optimizer steps an epoch
    assert "SL793" not in loud(lint(_with_accum(16), dataset_size=12_800, world_size=8))
    sample = check_file(SAMPLES / "bad_accumulation_never_steps.yaml", dataset_size=100, world_size=8)
    assert loud(sample) == ["SL793", "SL203"]
    assert "an epoch has 4 batches per GPU with one loader worker" in sample.findings[0].message and "none of the 240 epochs" in sample.findings[0].message


def test_an_epoch_shorter_than_accum_grad_with_one_worker_depends_on_the_workers():
    # torch DataLoader shards an IterDataPipe over world_size × num_workers (_sharding_worker_init_fn) and WeNet
    # batches after the shard (wenet/dataset/datapipes.py:443-444, dataset.py:136-139), so each loader worker
    # makes its own last batch: 100 utterances a GPU in batches of 16 are 7 batches with one worker, 16 with 16
    # workers (6 or 7 utterances each). WeNet's DataLoader needs a worker (train_utils.py:393-399
    # persistent_workers=True), the recipes pass --num_workers 8 (examples/aishell/s0/run.sh)
    result = lint(_with_accum(16), dataset_size=800, world_size=8)
    hit = next(f for f in result.findings if f.rule == "SL793")
    assert hit.severity == Severity.INFO
    assert ("an epoch has 7 batches per GPU with one loader worker (100 utterances / batch_size 16) but accum_grad is "
            "16") in hit.message
    assert "with --num_workers below 16" in hit.message
    # steps mode (save_interval): one epoch of the data cycled max_epoch times, batch_idx never restarts
    assert "SL793" not in codes(lint(_with_accum(16) + "save_interval: 500\n", dataset_size=800, world_size=8))
    assert "SL793" not in codes(lint(_with_accum(16), dataset_size=2048 * 8, world_size=8))


def test_the_workers_that_make_an_epoch_step_are_searched_up_to_a_bound(monkeypatch):
    """More workers can make fewer batches (6 utterances in batches of 2: 4 batches with 2 workers, 3 with 3),
    so the search goes one count at a time; an accum_grad of 10**8 over 10**8 utterances in pairs searched
    10**8 counts, 40 s, before it was bounded."""
    from steplint.frameworks.wenet.rules import sl793_wenet_accumulation_never_steps as sl793

    assert [sl793.batches_with_workers(6, 2, w) for w in (1, 2, 3)] == [3, 4, 3]
    tried = []
    real = sl793.batches_with_workers
    monkeypatch.setattr(sl793, "batches_with_workers", lambda *args: tried.append(args) or real(*args))
    text = _with_accum(10**8).replace("batch_size: 16", "batch_size: 2")
    hit = next(f for f in lint(text, dataset_size=10**8).findings if f.rule == "SL793")
    assert len(tried) == sl793.MOST_WORKERS
    assert "with any --num_workers up to 1,024 none of the" in hit.message and hit.severity == Severity.INFO


def test_accum_grad_values_wenet_cannot_compute_with():
    # wenet/utils/executor.py:76 `(batch_idx + 1) % info_dict["accum_grad"]` at the first batch (the default
    # torch_ddp engine; :117-118 computes it for every engine): null and text are TypeError, 0 ZeroDivisionError
    def sl003(value):
        result = lint(_with_accum(value), dataset_size=120_098, world_size=8)
        return [f.message for f in result.findings if f.rule == "SL003"]
    assert "TypeError" in sl003("null")[0] and "'NoneType'" in sl003("null")[0]
    assert "TypeError" in sl003("'4'")[0]
    assert "ZeroDivisionError" in sl003("0")[0] and "ZeroDivisionError" in sl003("false")[0]
    # a negative accum_grad divides every loss by it (train_utils.py:720 `loss / accum_grad`): gradient ascent
    assert "the optimizer climbs the loss" in sl003("-4")[0]
    # 2.5: (batch_idx + 1) % 2.5 == 0 at every 5th batch, each loss divided by 2.5: twice the mean gradient
    assert "every 5 batches" in sl003("2.5")[0] and "2 × the mean" in sl003("2.5")[0]
    # 4.0 computes as 4; true as 1 (1 % True == 0, loss / True)
    assert sl003("4.0") == [] and lint(_with_accum("4.0"), dataset_size=120_098, world_size=8).plan[
        "gradient_accumulation_steps"] == 4
    assert sl003("true") == []
    # the SL791 KeyError comes first for an absent key; null is written, so it is this TypeError
    assert "SL791" not in codes(lint(_with_accum("null")))


def test_steps_mode_is_one_pass_over_the_data_cycled_max_epoch_times():
    # wenet/utils/train_utils.py:371-372 `configs['dataset_conf']['cycle'] = configs.get('max_epoch', 100)` with
    # save_interval, and train.py:139-140 runs one epoch; datapipes.py:443-444 repeats the data list before the shard
    # and dataset.py:136-139 batches after it: batches and accumulation groups run on across the cycles, batch_idx
    # never restarts. 240 × 120098 utterances on 8 GPUs: 3602940 a GPU, 225184 batches of 16, 56296 steps of 4
    # (not 240 × floor(939 / 4) = 56160, nor a run-wide floor(240 × 939 / 4) = 56340)
    base = (SAMPLES / "good.yaml").read_text()
    plan = lint(base + "save_interval: 5000\n", dataset_size=120_098, world_size=8).plan
    assert (plan["samples_per_rank"], plan["batches_per_epoch"], plan["epochs"]) == (3_602_940, 225_184, 1)
    assert plan["total_optimizer_steps"] == 56_296
    # executor.py:94-96 saves and validates after optimizer steps 5000, 10000... 55000; train.py:162-174 once more
    # after the one epoch
    assert (plan["checkpoint_count"], plan["first_checkpoint_step"]) == (12, 5000)
    # max_epoch absent: configs.get('max_epoch', 100) cycles
    without = base.replace("max_epoch: 240\n", "") + "save_interval: 5000\n"
    assert lint(without, dataset_size=120_098, world_size=8).plan["total_optimizer_steps"] == 23_456
    # an epoch shorter than accum_grad: 800 utterances, 100 a GPU, 7 batches; cycled 240 times: 24000 utterances,
    # 1500 batches, 93 steps of 16 (epoch mode: none)
    short = lint(_with_accum(16) + "save_interval: 500\n", dataset_size=800, world_size=8).plan
    assert short["total_optimizer_steps"] == 93
    assert lint(_with_accum(16), dataset_size=800, world_size=8).plan["total_optimizer_steps"] == 0
    # dynamic batches fill across the cycles by length (dataset.py:148-152): not counted, and a dataset of one
    # utterance cycled 240 times may make one batch, no step: the run's lower bound stays 0
    dynamic = lint(base.replace("batch_type: 'static'", "batch_type: 'dynamic'") + "save_interval: 5000\n").plan
    assert dynamic["total_optimizer_steps"] is None and dynamic["bounds"]["total_optimizer_steps"][0] == 0
