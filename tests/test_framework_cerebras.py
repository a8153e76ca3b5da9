"""Cerebras Model Zoo: detection (the trainer layout and the legacy runconfig one), the plan as the
trainer's loop and run schedule count (the least of num_epochs, num_steps and max_steps, eval_frequency as steps or a fraction,
checkpoints only with checkpoint.steps, the last step included), the length of the LR schedulers,
SL675 and SL676; the Model Zoo's own configs read in place."""

from __future__ import annotations

import pytest

from steplint.frameworks import detect

from .conftest import ROOT, SHARED, check_file, codes, lint, load_data

SAMPLES = ROOT / "sample_configs" / "cerebras"
MODELZOO = SHARED / "corpus-wild" / "Cerebras__modelzoo" / "src" / "cerebras" / "modelzoo"
needs_wild = pytest.mark.skipif(not MODELZOO.is_dir(), reason="../shared/corpus-wild is absent (it sits beside the repo)")

CONFIG = """\
trainer:
  init:
    backend: {{backend_type: CSX}}
    schedulers:
      - SequentialLR:
          schedulers:
            - LinearLR: {{initial_learning_rate: 0.0, end_learning_rate: 1.0e-3, total_iters: {warmup}}}
            - CosineDecayLR: {{initial_learning_rate: 1.0e-3, end_learning_rate: 1.0e-4, total_iters: {decay}}}
    loop: {{{loop}}}
    checkpoint: {{{checkpoint}}}
  fit:
    train_dataloader: {{data_processor: GptHDF5MapDataProcessor, batch_size: 256}}
{val}"""
VAL = "    val_dataloader: {data_processor: GptHDF5DataProcessor, batch_size: 256}\n"


def config(loop="max_steps: 1000, eval_frequency: 250", checkpoint="steps: 250", warmup=100, decay=900, val=VAL):
    return lint(CONFIG.format(loop=loop, checkpoint=checkpoint, warmup=warmup, decay=decay, val=val), "params.yaml")


def test_the_plan_counts_as_the_trainer_does():
    result = config()
    assert result.dialect == "cerebras-modelzoo"
    plan = result.plan
    assert plan["global_batch_size"] == 256 and plan["total_optimizer_steps"] == 1000
    assert plan["warmup_steps"] == 100 and plan["schedule_end_step"] == 1000
    assert plan["checkpoint_count"] == 4 and plan["eval_count"] == 4
    assert not result.findings


def test_the_least_of_num_steps_and_max_steps_is_the_run():
    # cerebras.pytorch 2.10 utils/data/utils.py `compute_num_steps`: total_steps = min(total_steps,
    # num_steps), then min(total_steps, max_steps - initial_step), whichever is written first
    assert config(loop="num_steps: 500, max_steps: 1000, eval_frequency: 250").plan["total_optimizer_steps"] == 500
    assert config(loop="num_steps: 1000, max_steps: 200, eval_frequency: 50").plan["total_optimizer_steps"] == 200


def test_epochs_beside_max_steps_end_the_run_when_they_come_first():
    # compute_num_steps: min(num_epochs × steps_per_epoch, max_steps); the loader here has 10,240 / 256
    # = 40 batches (no accumulation on CSX), 3 epochs = 120 steps, before max_steps 100,000
    result = lint(CONFIG.format(loop="num_epochs: 3, max_steps: 100000", checkpoint="steps: 250", warmup=100,
                                decay=900, val=VAL), "params.yaml", dataset_size=10240)
    assert (result.plan["total_optimizer_steps"], result.plan["limited_by"]) == (120, "epochs")
    assert "SL202" in codes(result)


def test_num_epochs_with_num_steps_is_refused():
    # compute_num_steps: ValueError "Only one of `num_epochs` or `num_steps` can be specified."
    result = config(loop="num_epochs: 3, num_steps: 500")
    [refused] = [f for f in result.findings if f.rule == "SL003"]
    assert "num_epochs" in refused.message and refused.severity.name == "ERROR"


def test_eval_frequency_counts_steps_or_a_fraction_of_the_run():
    assert config(loop="max_steps: 1000, eval_frequency: 0.5").plan["eval_count"] == 2   # ceil(0.5 × 1000)
    assert config(loop="max_steps: 1000").plan["eval_count"] == 1                        # default 1.0: at the end
    assert config(loop="max_steps: 1000, eval_frequency: 1").plan["eval_count"] == 1000  # an int: every step
    assert config(loop="max_steps: 1000, eval_frequency: null").plan["eval_count"] == 0
    assert config(loop="max_steps: 1000, eval_frequency: 250", val="").plan["eval_count"] == 0  # no val loader


def test_checkpoints_need_checkpoint_steps_and_include_the_last_step():
    assert config(checkpoint="save_initial_checkpoint: false").plan["checkpoint_count"] == 0
    result = config(checkpoint="steps: 5000")
    [hit] = [f for f in result.findings if f.rule == "SL204"]
    assert "only the final one, which Cerebras Model Zoo forces at the end" in hit.message
    assert result.plan["checkpoint_count"] == 1


def test_the_schedulers_length_against_the_run():
    [hit] = config(decay=1900).findings
    assert hit.rule == "SL205" and "sized for 2000 steps" in hit.message
    assert config(decay=400).findings == []  # half the run at the end value: a designed tail
    [hit] = config(decay=100).findings
    assert hit.rule == "SL675" and hit.severity.label == "warning"
    assert "stays at 0.0001 for the last 800 of the 1000 steps (80% of the run)" in hit.message
    assert sorted(codes(config(loop="max_steps: 50, eval_frequency: 25", checkpoint="steps: 25"))) == ["SL203", "SL205"]


@pytest.mark.parametrize("frequency", ["2.5", "-1", "'often'"])
def test_an_eval_frequency_fit_refuses(frequency):
    [hit] = config(loop=f"max_steps: 1000, eval_frequency: {frequency}").findings
    assert hit.rule == "SL676" and hit.key_path == "trainer.init.loop.eval_frequency"
    assert config(loop=f"max_steps: 1000, eval_frequency: {frequency}", val="").findings == []  # never read


def test_the_batch_is_read_on_csx_only():
    text = CONFIG.format(loop="max_steps: 1000", checkpoint="steps: 250", warmup=100, decay=900, val="")
    assert lint(text.replace("CSX", "GPU"), "params.yaml").plan["global_batch_size"] is None


def test_the_legacy_layout():
    result = lint("train_input: {data_processor: MNISTDataProcessor, batch_size: 4}\n"
                  "eval_input: {data_processor: MNISTDataProcessor, batch_size: 4}\n"
                  "model: {name: fc_mnist}\n"
                  "runconfig: {max_steps: 1000, log_steps: 50, checkpoint_steps: 200, eval_frequency: 500}\n",
                  "params.yaml")
    assert result.dialect == "cerebras-modelzoo"
    assert (result.plan["total_optimizer_steps"], result.plan["checkpoint_count"], result.plan["eval_count"]) == \
        (1000, 5, 2)


def test_samples():
    assert not check_file(SAMPLES / "good.yaml").findings
    assert sorted(codes(check_file(SAMPLES / "bad.yaml"))) == ["SL203", "SL204", "SL205", "SL676"]


@needs_wild
def test_every_model_zoo_config_is_recognised():
    files = sorted(MODELZOO.rglob("*.yaml"))
    assert len(files) == 44
    for path in files:
        assert detect(load_data(path)).name == "cerebras-modelzoo", path


@needs_wild
def test_the_dinov2_warmup_outlasts_its_run():
    result = check_file(MODELZOO / "models/vision/dino/configs/params_dinov2_giant_patch14_img1036.yaml")
    assert sorted(codes(result)) == ["SL203", "SL205"]
    assert result.plan["warmup_steps"] == 360000 and result.plan["total_optimizer_steps"] == 225000


@needs_wild
def test_a_schedule_that_matches_max_steps_is_clean():
    result = check_file(MODELZOO / "models/nlp/gpt3/configs/muP/params_gpt3_111M.yaml")
    assert result.plan["schedule_end_step"] == result.plan["total_optimizer_steps"] == 9037
    assert result.findings == []


@pytest.mark.parametrize("loop", ["'max_steps: 1000'", "[max_steps, 1000]"])
def test_a_loop_that_is_not_a_mapping_is_an_invalid_value_not_a_crash(loop):
    # the trainer builds TrainingLoop(**loop) from trainer.init.loop
    text = CONFIG.replace("loop: {{{loop}}}", "loop: {loop}").format(
        loop=loop, checkpoint="steps: 250", warmup=100, decay=900, val=VAL)
    result = lint(text, "params.yaml")
    assert result.error is None and result.dialect == "cerebras-modelzoo"
    assert [(f.rule, f.key_path) for f in result.findings if f.rule == "SL003"] == [("SL003", "trainer.init.loop")]
