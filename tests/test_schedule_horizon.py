"""SL205 on a cosine horizon with a warmup: warmup-then-cosine (horizon + warmup = the run) and a
warmup inside the horizon (horizon = the run) both fit; any other horizon is a finding that says
where the LR climbs back up under either reading."""

from __future__ import annotations

import pytest

from .conftest import lint

# 90 epochs of 195 steps (49920 / 256) = 17550 steps; 5 epochs = 975 steps.
GENERIC = """\
epochs: 90
batch_size: 256
{size}lr: 0.1
{warmup}
scheduler:
  name: CosineAnnealingLR
  T_max: {t_max}
  interval: {interval}
"""
NATIVE = """\
steplint: 1
data: {{train_size: 49920, batch_size: 256}}
run: {{epochs: 90}}
schedule:
  name: cosine
  stepped_per: step
  warmup: {warmup}
  horizon: {horizon}
"""


def sl205(text: str, **options):
    return [f for f in lint(text, "train.yaml", **options).findings if f.rule == "SL205"]


def generic(t_max, warmup="warmup_epochs: 5", interval="epoch", size=True) -> str:
    return GENERIC.format(t_max=t_max, warmup=warmup, interval=interval, size="train_size: 49920\n" if size else "")


@pytest.mark.parametrize("text", [
    generic(85),  # the config: warmup_epochs 5, T_max 85, epochs 90
    generic(16575, warmup="warmup_steps: 975", interval="step"),  # the same in steps
    generic(85, size=False),  # epochs against epochs: no dataset size needed
    generic(90),  # warmup inside the horizon
    NATIVE.format(warmup=975, horizon=16575),
    NATIVE.format(warmup="5 epochs", horizon=16575),
    NATIVE.format(warmup="0.05dur", horizon=16672),  # ceil(5% of 17550) = 878 steps of warmup
    "max_steps: 17550\nbatch_size: 256\nlr: 0.1\nwarmup_steps: 975\n"
    "scheduler: {type: cosine, T_max: 16575, interval: step}\n",
])
def test_warmup_then_cosine_over_the_rest_of_the_run_fits(text):
    assert sl205(text) == []


def test_a_shorter_horizon_says_where_the_lr_climbs_under_both_readings():
    [hit] = sl205(NATIVE.format(warmup=975, horizon=16000))
    assert hit.message == (
        "the cosine horizon is 16000 steps (schedule.horizon) but the run is 17550 steps (90 epochs × 195) with a "
        "warmup of 975 steps (schedule.warmup): neither the run nor the run after the warmup (16575 steps), so the "
        "LR climbs back up after step 16000 (after step 16975 if the cosine starts when the warmup ends)")
    assert hit.severity.label == "warning" and hit.related == ["schedule.warmup"]


def test_a_horizon_between_the_run_after_warmup_and_the_run():
    [hit] = sl205(NATIVE.format(warmup=975, horizon=17000))
    assert hit.message.endswith(
        "neither the run nor the run after the warmup (16575 steps): counted from the start, the LR climbs back up "
        "after step 17000; started when the warmup ends, the cosine stops at 98% of its horizon")


def test_epochs_against_epochs_without_the_dataset_size():
    [hit] = sl205(generic(80, size=False))
    assert hit.severity.label == "warning"
    assert hit.message == (
        "the cosine horizon is 80 epochs (scheduler.T_max) but the run is 90 epochs with a warmup of 5 epochs "
        "(warmup_epochs): neither the run nor the run after the warmup (85 epochs), so the LR climbs back up after "
        "epoch 80 (after epoch 85 if the cosine starts when the warmup ends)")
    [longer] = sl205(generic(120, size=False))
    assert "sized for 120 epochs (scheduler.T_max) but the run is 90 epochs: the LR stops at 75%" in longer.message


def test_a_warmup_in_another_unit_needs_the_dataset_size():
    text = generic(85, warmup="warmup_steps: 975", size=False)
    assert sl205(text) == []
    [info] = [f for f in lint(text, "train.yaml").findings if f.rule == "SL207"]
    assert info.severity.label == "info"
    assert "the cosine horizon (85 epochs) plus the warmup (975 steps) against the run" in info.message


def test_a_horizon_that_counts_the_warmup_itself_must_be_the_run():
    """transformers' get_cosine_schedule_with_warmup: num_training_steps includes the warmup steps."""
    text = ("epochs: 90\nbatch_size: 256\ntrain_size: 49920\nlr: 0.1\nwarmup_steps: 975\n"
            "scheduler: {{name: cosine, num_training_steps: {n}, interval: step}}\n")
    assert sl205(text.format(n=17550)) == []
    [hit] = sl205(text.format(n=16575))
    assert "which scheduler.num_training_steps includes: after step 16575 the LR climbs back up" in hit.message


def test_without_a_warmup_the_message_is_unchanged():
    [hit] = sl205("steplint: 1\ndata: {train_size: 49920, batch_size: 256}\nrun: {epochs: 90}\n"
                  "schedule: {name: cosine, stepped_per: step, horizon: 16575}\n")
    assert hit.message == ("the cosine horizon is 16575 steps (schedule.horizon) but the run is 17550 steps "
                           "(90 epochs × 195): after step 16575 the LR climbs back up")
