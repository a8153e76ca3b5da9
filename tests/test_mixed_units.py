"""SL101: a mix of epochs and steps is a warning only with a consequence in numbers (events that fall
mid-epoch, or a first event after the last milestone); intervals that line up with the epochs say
nothing, and without the dataset size the question is one info."""

from __future__ import annotations

from .conftest import lint

# LightningCLI: CosineAnnealingLR stepped once per epoch; 64000 samples / batch 64 = 1000 steps per epoch.
LIGHTNING = """\
trainer:
  max_epochs: 30
  callbacks:
    - class_path: lightning.pytorch.callbacks.ModelCheckpoint
      init_args:
        every_n_train_steps: {every}
model:
  class_path: my_project.LitClassifier
data:
  class_path: my_project.DataModule
  init_args:
    batch_size: 64
optimizer:
  class_path: torch.optim.AdamW
lr_scheduler:
  class_path: torch.optim.lr_scheduler.CosineAnnealingLR
  init_args:
    T_max: 30
"""
# A schedule in steps (stepped every step, T_max = the run) with a checkpoint every 2 epochs.
STEP_SCHEDULE = """\
epochs: 90
batch_size: 256
{size}lr: 0.1
save_every_n_epochs: 2
scheduler:
  name: CosineAnnealingLR
  T_max: 17550
  interval: step
"""
NATIVE = """\
steplint: 1
data: {{train_size: 64000, batch_size: 64}}
run: {{epochs: 30}}
schedule: {{name: cosine, stepped_per: epoch, horizon: 30}}
{intervals}
"""


def sl101(text: str, name: str = "config.yaml", **options):
    return [f for f in lint(text, name, **options).findings if f.rule == "SL101"]


def test_a_step_interval_of_exactly_one_epoch_is_not_a_finding():
    """The issue's Lightning config: per-epoch cosine, every_n_train_steps 1000, 1000 steps per epoch."""
    assert sl101(LIGHTNING.format(every=1000), dataset_size=64000) == []
    assert sl101(LIGHTNING.format(every=3000), dataset_size=64000) == []  # every 3 epochs


def test_a_step_interval_that_is_not_a_whole_number_of_epochs_says_where_they_fall():
    [hit] = sl101(LIGHTNING.format(every=1500), dataset_size=64000)
    assert hit.severity.label == "warning"
    assert hit.message == (
        "checkpoint every 1500 steps = every 1.5 epochs of 1000 steps: checkpoints fall mid-epoch, between the "
        "epoch boundaries the LR schedule is counted in (lr_scheduler.init_args.T_max = 30 epochs); the run is "
        "30000 steps (30 epochs × 1000)")


def test_an_interval_that_divides_the_epoch_lines_up():
    assert sl101(NATIVE.format(intervals="eval: 250 steps\ncheckpoint: 2000 steps")) == []
    [hit] = sl101(NATIVE.format(intervals="eval: 300 steps"))
    assert hit.message.startswith("evaluation every 300 steps = every 0.3 epochs of 1000 steps: evaluations fall "
                                  "mid-epoch")


def test_an_epoch_interval_on_a_step_schedule_costs_nothing():
    """The issue's second config: `save_every_n_epochs: 2` next to a schedule stepped every step."""
    assert sl101(STEP_SCHEDULE.format(size="train_size: 49920\n")) == []
    assert sl101(STEP_SCHEDULE.format(size="")) == []  # nothing to line up: not even an info


def test_without_the_dataset_size_one_info_and_no_warning():
    text = NATIVE.format(intervals="checkpoint: 1500 steps\neval: 700 steps").replace("train_size: 64000, ", "")
    assert sl101(text) == []
    [hit] = [f for f in lint(text, "config.yaml").findings if f.rule == "SL207"]
    assert hit.severity.label == "info"
    assert ("whether checkpoints every 1500 steps and evaluations every 700 steps fall on the epoch boundaries the "
            "LR schedule is counted in (schedule.horizon)") in hit.message
    assert hit.key_path == "checkpoint" and {"eval", "schedule.horizon"} <= set(hit.related)


def test_a_first_event_after_the_last_milestone():
    text = ("steplint: 1\ndata: {train_size: 256000, batch_size: 64}\nrun: {max_steps: 10000}\n"
            "schedule: {name: multistep, stepped_per: step, milestones: [3000, 6000]}\ncheckpoint: 2 epochs\n")
    [hit] = sl101(text)
    assert hit.message == (
        "checkpoint every 2 epochs = every 8000 steps (4000 per epoch): the first comes only at step 8000, after "
        "the last milestone (schedule.milestones: step 6000): no checkpoint sees the LR before its final decay; the "
        "run is 10000 steps (2.5 epochs × 4000)")
    assert sl101(text.replace("2 epochs", "1.5 epochs")) == []  # step 6000: at the last milestone


def test_an_interval_longer_than_the_run_is_left_to_sl204():
    result = lint(NATIVE.format(intervals="checkpoint: 45500 steps"))
    assert [f.rule for f in result.findings if f.rule in ("SL101", "SL204")] == ["SL204"]


def test_a_subnormal_interval_is_a_finding_not_a_crash():
    """1 / (4.9e-324 / 1000) overflows: the alignment check must not round an infinity."""
    result = lint(NATIVE.format(intervals="eval: 4.9e-324 steps"))
    assert result.error is None and "SL101" in [f.rule for f in result.findings]
