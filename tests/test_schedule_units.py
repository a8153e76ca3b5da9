"""Schedules whose unit nobody wrote (SL210), units written beside the numbers, and what a horizon
that does not fit the run does to the LR (SL205: OneCycleLR raises, a polynomial decay sits at its
end value, a cosine stops part-way), on research configs read by the generic dialect."""

from __future__ import annotations

import pytest

import yaml

from steplint.frameworks.base import Source
from steplint.frameworks.generic.reader import Generic

from .conftest import lint


def schedule(text: str):
    """The canonical schedule the generic dialect reads from `text`."""
    return Generic().adapt(yaml.safe_load(text), Source("train.yaml")).run.schedule

# 50000 / 128 = 391 steps per epoch; 100 epochs = 39100 steps.
RUN = "epochs: {epochs}\n{size}batch_size: 128\nlr: 0.1\n"


def findings(text: str, *rules: str, **options):
    return [f for f in lint(text, "train.yaml", **options).findings if not rules or f.rule in rules]


def run(epochs=100, size=True) -> str:
    return RUN.format(epochs=epochs, size="train_size: 50000\n" if size else "")


def test_milestones_wrong_both_ways_give_both_readings_in_numbers():
    text = run() + "scheduler:\n  name: MultiStepLR\n  milestones: [60, 120, 160]\n"
    [hit] = findings(text, "SL210")
    assert hit.severity.label == "warning" and hit.key_path == "scheduler.milestones"
    assert hit.message == (
        "scheduler.milestones = [60, 120, 160] has no unit and is wrong both ways: as epochs, 120 and 160 are at "
        "or past the end of the 100-epoch run (those decays never happen); as steps, all 3 decays happen in the "
        "first of 100 epochs of 391 steps; write the unit the scheduler is stepped in (e.g. interval: epoch)")


@pytest.mark.parametrize("milestones", ["[30, 60, 90]",  # fits as epochs
                                        "[15000, 30000]"])  # fits as steps (as epochs past the end)
def test_one_reading_that_fits_is_silent(milestones):
    text = run() + f"scheduler:\n  name: MultiStepLR\n  milestones: {milestones}\n"
    assert findings(text, "SL210", "SL205", "SL102") == []


def test_wrong_as_epochs_and_unknown_as_steps_is_one_info():
    text = run(size=False) + "scheduler:\n  name: MultiStepLR\n  milestones: [120, 160]\n"
    assert findings(text, "SL210") == []  # undecided: it joins the file's one SL207 info
    [hit] = findings(text, "SL207")
    assert hit.severity.label == "info" and hit.key_path == "scheduler.milestones"
    assert "as epochs, 120 and 160 are at or past the end of the 100-epoch run" in hit.message
    assert "read as steps" in hit.message and "the dataset size" in hit.message


def test_a_cosine_horizon_wrong_both_ways():
    text = run(epochs=90) + "scheduler:\n  name: CosineAnnealingLR\n  T_max: 200\n"
    [hit] = findings(text, "SL210")
    assert hit.message == (
        "scheduler.T_max = 200 has no unit and is wrong both ways: as epochs, the schedule is sized for 200 epochs "
        "but the run is 90: the LR stops at 45% of it and never finishes decaying; as steps, the LR climbs back up "
        "after step 200 (CosineAnnealingLR is periodic), in the run of 35190 steps (90 epochs × 391); write the "
        "unit the scheduler is stepped in (e.g. interval: epoch)")


def test_warmup_then_cosine_over_the_rest_fits_as_epochs():
    text = run(epochs=90) + "warmup_epochs: 5\nscheduler:\n  name: CosineAnnealingLR\n  T_max: 85\n"
    assert findings(text, "SL210") == []


@pytest.mark.parametrize("beside", [
    "  interval: step\n",
    "  unit: steps\n",
    "  by_epoch: false\n",
    "  params:\n    gamma: 0.1\n  interval: step\n",  # the unit one mapping up from the numbers
])
def test_a_unit_written_beside_is_honoured_wherever_it_sits(beside):
    nested = "params" in beside
    numbers = "  params:\n    milestones: [60, 120, 160]\n" if nested else "  milestones: [60, 120, 160]\n"
    text = run() + "scheduler:\n  name: MultiStepLR\n" + numbers + beside.replace("  params:\n    gamma: 0.1\n", "")
    assert findings(text, "SL210") == []
    milestones = schedule(text).milestones
    assert milestones is not None and milestones.unit.value == "step" and milestones.values == [60, 120, 160]


def test_unit_epoch_beside_reads_the_milestones_as_epochs():
    text = run() + "lr_scheduler:\n  scheduler:\n    name: MultiStepLR\n    milestones: [60, 120]\n  unit: epoch\n"
    [hit] = findings(text, "SL205")
    assert hit.message.startswith("milestones 120 are at or past the end of the run")


def test_paddleclas_milestones_are_epochs_whatever_by_epoch_says():
    """ppcls/optimizer/learning_rate.py MultiStepDecay: milestones × step_each_epoch when by_epoch is false."""
    text = ("Global:\n  epochs: 100\n  batch_size: 128\nOptimizer:\n  lr:\n    name: MultiStepDecay\n"
            "    learning_rate: 0.1\n    milestones: [30, 60, 90]\n    step_each_epoch: 391\n    by_epoch: False\n")
    read = schedule(text)
    assert read.milestones.unit.value == "epoch" and read.stepped_per is None
    assert [f.rule for f in findings(text) if f.severity.label != "info"] == []


def test_mmcv_lr_config_step_counts_epochs_by_default():
    """mmcv/runner/hooks/lr_updater.py: LrUpdaterHook(by_epoch=True), StepLrUpdaterHook(step=[...])."""
    text = "total_epochs: 12\nbatch_size: 2\nlr: 0.02\nlr_config:\n  policy: step\n  step: [8, 13]\n"
    [hit] = findings(text, "SL205")
    assert hit.key_path == "lr_config.step" and hit.message.startswith("milestones 13 are at or past the end")
    by_iter = schedule(text.replace("  step: [8, 13]\n", "  by_epoch: false\n  step: [8, 13]\n"))
    assert by_iter.milestones.unit.value == "step"


def test_a_sequential_schedulers_parts_are_not_the_runs_horizon():
    text = ("max_steps: 20\nbatch_size: 8\nlr: 0.1\nschedulers:\n- SequentialLR:\n    schedulers:\n"
            "    - LinearLR: {total_iters: 2000}\n    - CosineDecayLR: {total_iters: 85}\n")
    assert schedule(text).unitless == []
    single = "max_steps: 20\nbatch_size: 8\nlr: 0.1\nschedulers:\n- CosineDecayLR: {total_iters: 2000}\n"
    [horizon] = schedule(single).unitless  # one scheduler in the list is the run's (Cerebras modelzoo)
    assert horizon.values == [2000] and horizon.role == "horizon"


def test_audiocraft_cycle_length_is_a_fraction_not_a_horizon():
    """audiocraft/optim/cosine_lr_scheduler.py: cos(pi × s / cycle_length), s the fraction of total_steps."""
    text = ("epochs: 300\nbatch_size: 16\nlr: 0.0005\nschedule:\n  lr_scheduler: cosine\n"
            "  cosine: {warmup: 4000, lr_min_ratio: 0.0, cycle_length: 1.0}\n")
    assert findings(text, "SL210", "SL205") == []


# -- SL205: what the LR does past a horizon that does not fit ---------------------------------------

ONE_CYCLE = run(epochs=30) + "scheduler:\n  name: OneCycleLR\n  max_lr: 0.1\n  epochs: {e}\n  steps_per_epoch: {s}\n"


def test_one_cycle_shorter_than_the_run_raises():
    [hit] = findings(ONE_CYCLE.format(e=30, s=390), "SL205")
    assert hit.severity.label == "error"
    assert hit.message == (
        "the schedule is sized for 11700 steps (scheduler.steps_per_epoch: epochs 30 × steps_per_epoch 390) but the "
        "run is 11730 steps (30 epochs × 391): OneCycleLR raises ValueError at step 11701 (\"Tried to step 11701 "
        "times. The specified number of total steps is 11700\")")


def test_one_cycle_sized_to_the_run_fits_and_a_longer_one_stops_part_way():
    assert findings(ONE_CYCLE.format(e=30, s=391), "SL205") == []
    [hit] = findings(ONE_CYCLE.format(e=40, s=391), "SL205")
    assert hit.severity.label == "warning" and "the LR stops at 75% of its schedule" in hit.message


def test_one_cycle_total_steps_takes_precedence_over_epochs():
    text = ONE_CYCLE.format(e=30, s=390) + "  total_steps: 11730\n"
    assert findings(text, "SL205") == []


POLY = ("steplint: 1\ndata: {{train_size: 50000, batch_size: 256}}\nrun: {{epochs: 90}}\n"
        "schedule: {{name: PolynomialLR, stepped_per: step, {warmup}horizon: {horizon}}}\n")


def test_polynomial_shorter_than_the_run_sits_at_its_end_value():
    [hit] = findings(POLY.format(warmup="", horizon=10000), "SL205")
    assert hit.severity.label == "warning"
    assert hit.message == (
        "the schedule is sized for 10000 steps (schedule.horizon) but the run is 17640 steps (90 epochs × 196): the "
        "LR reaches its end value (0 unless set) at step 10000 and stays there for the last 7640 steps (43% of the "
        "run)")


def test_polynomial_after_a_warmup_over_the_rest_of_the_run_fits():
    assert findings(POLY.format(warmup="warmup: 640, ", horizon=17000), "SL205") == []
    assert findings(POLY.format(warmup="warmup: 600, ", horizon=17000), "SL205") != []


def test_a_cosine_longer_than_the_run_says_where_it_leaves_the_lr():
    text = POLY.format(warmup="", horizon=35280).replace("PolynomialLR", "cosine")
    [hit] = findings(text, "SL205")
    assert hit.message.endswith("the LR stops at 50% of its schedule and never finishes decaying (the cosine is "
                                "still 50% of the way from its floor to its peak)")


def test_a_horizon_against_a_run_of_no_stated_length_is_silent():
    """No epochs and no step limit: the dataset size would not tell the run's length (mmf vizwiz)."""
    text = ("optimizer: {type: adam_w, params: {lr: 5e-5}}\nscheduler:\n  type: warmup_linear\n"
            "  params: {num_warmup_steps: 2400, num_training_steps: 24000}\ntraining: {batch_size: 32}\n"
            "total_steps: 24000\n")
    assert schedule(text).horizon.value == 24000
    assert findings(text, "SL205") == []


LIGHTNING_HYDRA = """\
trainer: {max_epochs: 10, accelerator: gpu}
model:
  _target_: src.models.mnist_module.MNISTLitModule
  optimizer: {_target_: torch.optim.Adam, _partial_: true, lr: 0.001}
  scheduler: {_target_: torch.optim.lr_scheduler.CosineAnnealingLR, _partial_: true, T_max: {t_max}}
data: {_target_: src.data.mnist_datamodule.MNISTDataModule, batch_size: 64}
"""


def test_a_lightning_module_scheduler_is_weighed_both_ways():
    """The LightningModule's configure_optimizers picks the interval: the Hydra config does not say."""
    [hit] = findings(LIGHTNING_HYDRA.replace("{t_max}", "50"), "SL210", dataset_size=55000)
    assert hit.severity.label == "warning" and hit.key_path == "model.scheduler.T_max"
    assert "as epochs, the schedule is sized for 50 epochs but the run is 10" in hit.message
    assert "as steps, the LR climbs back up after step 50 (CosineAnnealingLR is periodic), in the run of 8600 steps" \
        in hit.message
    assert findings(LIGHTNING_HYDRA.replace("{t_max}", "10"), "SL210", dataset_size=55000) == []


MMF = """\
optimizer: {{type: adam_w, params: {{lr: 5e-5}}}}
scheduler:
  type: warmup_linear
  params: {{num_warmup_steps: 2000, num_training_steps: {horizon}}}
training: {{batch_size: 480, max_updates: 60000, lr_scheduler: true}}
"""


def test_a_linear_decay_longer_than_the_run_says_how_high_the_lr_stays():
    """mmf's warmup_linear is transformers' get_linear_schedule_with_warmup: 0 at num_training_steps."""
    [hit] = findings(MMF.format(horizon=88000), "SL205")
    assert hit.message == (
        "the schedule is sized for 88000 steps (scheduler.params.num_training_steps) but the run is 60000 steps: "
        "the LR stops at 68% of its schedule and never finishes decaying (the linear decay is still at 33% of "
        "its peak LR)")


def test_a_linear_decay_shorter_than_the_run_sits_at_zero():
    [hit] = findings(MMF.format(horizon=50000), "SL205")
    assert hit.severity.label == "warning" and hit.message.endswith(
        "the LR reaches 0 at step 50000 and stays there for the last 10000 steps (17% of the run)")
    assert findings(MMF.format(horizon=60000), "SL205") == []


def test_lightning_cli_one_cycle_stepped_per_epoch_raises_after_its_total():
    """LightningCLI returns the scheduler with Lightning's default interval "epoch": OneCycleLR(total_steps=8)
    is stepped once per epoch and raises at the 9th call."""
    text = ("trainer: {max_epochs: 10}\nmodel: {class_path: my.Model}\n"
            "data: {class_path: my.Data, init_args: {batch_size: 32}}\n"
            "optimizer: {class_path: torch.optim.SGD, init_args: {lr: 0.1}}\n"
            "lr_scheduler: {class_path: torch.optim.lr_scheduler.OneCycleLR, init_args: {max_lr: 0.1, total_steps: 8}}\n")
    [hit] = findings(text, "SL205")
    assert hit.severity.label == "error" and hit.message == (
        "the schedule is sized for 8 epochs (lr_scheduler.init_args.total_steps) but the run is 10 epochs: "
        "OneCycleLR raises ValueError when stepped at the end of epoch 9")
    assert findings(text.replace("total_steps: 8", "total_steps: 10"), "SL205") == []


OPENPCDET = """\
OPTIMIZATION:
  BATCH_SIZE_PER_GPU: 4
  NUM_EPOCHS: 80
  OPTIMIZER: {optimizer}
  LR: 0.003
  DECAY_STEP_LIST: [35, 85]
  LR_DECAY: 0.1
"""


def test_openpcdet_decay_step_list_counts_epochs_for_adam_and_sgd_only():
    """tools/train_utils/optimization/__init__.py: [x * total_iters_each_epoch for x in DECAY_STEP_LIST]
    feeds the LambdaLR of adam and sgd; adam_onecycle never reads the list."""
    [hit] = findings(OPENPCDET.format(optimizer="adam"), "SL205")
    assert hit.key_path == "OPTIMIZATION.DECAY_STEP_LIST"
    assert hit.message.startswith("milestones 85 are at or past the end of the run (80 epochs)")
    assert findings(OPENPCDET.format(optimizer="adam_onecycle"), "SL205", "SL210") == []


def test_a_horizon_of_unknown_shape_longer_than_both_readings_says_only_how_far_it_gets():
    """LinearLR is as often a warmup as a decay: past the run it never peaks, or never finishes decaying."""
    [hit] = findings(run(epochs=3) + "scheduler:\n  name: LinearLR\n  total_iters: 5000\n", "SL210")
    assert hit.message == (
        "scheduler.total_iters = 5000 has no unit and is wrong both ways: as epochs, the schedule is sized for 5000 "
        "epochs but the run is 3: the LR stops at 0.06% of it; as steps, the schedule is sized for 5000 steps but the "
        "run is 1173: the LR stops at 23% of it; write the unit the scheduler is stepped in (e.g. interval: epoch)")


def test_a_horizon_in_tokens_is_stated_not_unitless():
    read = schedule(run() + "scheduler:\n  name: cosine\n  t_max: 2000000\n  units: tokens\n")
    assert read.unitless == [] and read.horizon.unit.value == "token"


def test_a_unit_beside_says_what_total_steps_counts():
    """OneCycleLR's total_steps counts calls to scheduler.step(): stepped per epoch, they are epochs."""
    text = run() + "scheduler:\n  name: OneCycleLR\n  total_steps: {n}\n{beside}"
    assert schedule(text.format(n=100, beside="  interval: epoch\n")).horizon.unit.value == "epoch"
    assert schedule(text.format(n=39100, beside="")).horizon.unit.value == "step"
