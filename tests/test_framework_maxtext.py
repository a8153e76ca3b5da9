"""MaxText: detection (base.yml is MaxText's, not a Hugging Face Trainer config), `base_config`
inheritance (beside the config, else MaxText's configs/ folder), the plan as MaxText counts (steps and
learning_rate_schedule_steps filling each other's -1, the truncated warmup fraction, checkpoints only
with enable_checkpointing), the RL configs recognised and not read, SL680 and SL681; the MaxText
configs read in place."""

from __future__ import annotations

import pytest

from steplint.frameworks import detect

from .conftest import ROOT, SHARED, check_file, codes, lint, load_data

SAMPLES = ROOT / "sample_configs" / "maxtext"
CONFIGS = SHARED / "corpus-wild" / "AI-Hypercomputer__maxtext" / "src" / "maxtext" / "configs"
needs_wild = pytest.mark.skipif(not CONFIGS.is_dir(), reason="../shared/corpus-wild is absent (it sits beside the repo)")

BASE = """\
run_name: ""
steps: 150_001
learning_rate_schedule_steps: -1
warmup_steps_fraction: 0.1
per_device_batch_size: 12.0
gradient_accumulation_steps: 1
enable_checkpointing: true
checkpoint_period: 10_000
eval_interval: -1
ici_fsdp_parallelism: -1
use_grpo: false
return_log_prob: false
"""


def tree(tmp_path, child: str, name="gpu/models/llama.yml"):
    """A MaxText configs/ folder with base.yml and one child config."""
    configs = tmp_path / "src" / "maxtext" / "configs"
    (configs / name).parent.mkdir(parents=True, exist_ok=True)
    (configs / "base.yml").write_text(BASE)
    (configs / name).write_text(child)
    return check_file(configs / name)


def test_the_plan_counts_as_maxtext_does():
    result = lint("steps: 1000\nlearning_rate_schedule_steps: -1\nwarmup_steps_fraction: 0.15\n"
                  "per_device_batch_size: 4\ngradient_accumulation_steps: 2\nenable_checkpointing: true\n"
                  "checkpoint_period: 250\neval_interval: 100\nici_fsdp_parallelism: -1\n")
    assert result.dialect == "maxtext"
    plan = result.plan
    assert (plan["micro_batch_size"], plan["gradient_accumulation_steps"]) == (4, 2)
    assert plan["total_optimizer_steps"] == 1000 and plan["schedule_end_step"] == 1000
    # checkpoints after 0-based steps 0, 250, 500, 750 (1-based 1, 251, 501, 751) and the one on completion
    assert plan["warmup_steps"] == 150 and plan["checkpoint_count"] == 5 and plan["eval_count"] == 10
    assert not result.findings


def test_steps_minus_one_follows_the_schedule_and_the_warmup_is_truncated():
    plan = lint("steps: -1\nlearning_rate_schedule_steps: 999\nwarmup_steps_fraction: 0.1\n"
                "per_device_batch_size: 0.5\nici_fsdp_parallelism: -1\nenable_checkpointing: false\n").plan
    assert plan["total_optimizer_steps"] == 999 and plan["warmup_steps"] == 99  # int(99.9)
    assert plan["micro_batch_size"] is None  # 0.5 per device: not a whole batch per device
    assert plan["checkpoint_count"] == 0


def test_base_config_is_found_in_the_configs_folder_and_its_intervals_are_defaults(tmp_path):
    result = tree(tmp_path, 'base_config: "base.yml"\nhardware: gpu\nsteps: 10\nper_device_batch_size: 2\n')
    assert result.dialect == "maxtext"
    assert result.plan["total_optimizer_steps"] == 10 and result.plan["warmup_steps"] == 1
    assert result.findings == []  # base.yml's checkpoint_period is MaxText's default, not this run's choice
    assert any("merged with base_config base.yml" in a for a in result.plan["assumptions"])


def test_an_interval_from_a_base_other_than_base_yml_is_reported_at_base_config(tmp_path):
    configs = tmp_path / "src" / "maxtext" / "configs"
    (configs / "post_train").mkdir(parents=True)
    (configs / "post_train" / "distillation.yml").write_text(
        'base_config: "base.yml"\nsteps: 2000\ncheckpoint_period: 500\nstudent_overrides: {}\n')
    result = tree(tmp_path, 'base_config: "post_train/distillation.yml"\nsteps: 100\nuse_sft: true\n',
                  name="post_train/distillation-sft.yml")
    [hit] = result.findings
    assert hit.rule == "SL204" and hit.key_path == "base_config" and "checkpoint every 500 steps" in hit.message
    assert "final one" not in hit.message  # whether Tunix saves at the end is not assumed


def test_rl_configs_are_recognised_and_not_read(tmp_path):
    result = tree(tmp_path, 'base_config: "base.yml"\nuse_grpo: true\nsteps: 10\ncheckpoint_period: 100\n',
                  name="grpo.yml")
    assert result.dialect == "maxtext" and result.findings == [] and result.plan["total_optimizer_steps"] is None
    rollout = lint("trainer_devices_fraction: 0.5\nsampler_devices_fraction: 0.5\nrollout_data_parallelism: -1\n"
                   "num_trainer_slices: -1\neval_batch_size: -1\neval_interval: 10\n", "rl.yml")
    assert rollout.dialect == "maxtext" and rollout.findings == []


def test_the_zero_learning_rate_tail_and_a_schedule_past_the_run():
    common = "per_device_batch_size: 4\nici_fsdp_parallelism: -1\nenable_checkpointing: false\n"
    [hit] = lint(common + "steps: 1000\nlearning_rate_schedule_steps: 800\n").findings
    assert hit.rule == "SL680" and "last 200 of the 1000 steps (20% of the run) with a learning rate of 0" in hit.message
    [hit] = lint(common + "steps: 1000\nlearning_rate_schedule_steps: 4000\n").findings
    assert hit.rule == "SL205" and "stops at 25% of its schedule" in hit.message


def test_wsd_fractions_over_one_are_refused():
    common = "steps: 1000\nper_device_batch_size: 4\nici_fsdp_parallelism: -1\nenable_checkpointing: false\n"
    assert codes(lint(common + "lr_schedule_type: wsd\nwarmup_steps_fraction: 0.5\n"
                               "wsd_decay_steps_fraction: 0.6\n")) == ["SL681"]
    assert lint(common + "lr_schedule_type: cosine\nwarmup_steps_fraction: 0.5\n"
                         "wsd_decay_steps_fraction: 0.6\n").findings == []


def test_samples():
    assert not check_file(SAMPLES / "good.yml").findings
    assert sorted(codes(check_file(SAMPLES / "bad.yml"))) == ["SL204", "SL680", "SL681"]


@needs_wild
def test_every_maxtext_config_is_maxtext_and_clean():
    files = sorted(CONFIGS.parent.rglob("*.yml"))
    assert len(files) == 26
    for path in files:
        result = check_file(path)
        assert result.dialect == "maxtext", path
        assert not [f for f in result.findings if f.severity.label != "info"], (path, result.findings)


@needs_wild
def test_base_yml_is_maxtext_not_a_trainer_config():
    assert detect(load_data(CONFIGS / "base.yml")).name == "maxtext"
    plan = check_file(CONFIGS / "base.yml").plan
    assert (plan["total_optimizer_steps"], plan["warmup_steps"], plan["micro_batch_size"]) == (150001, 15000, 12)


@needs_wild
def test_a_gpu_model_config_inherits_base_yml():
    plan = check_file(CONFIGS / "gpu/models/llama3_8b.yml").plan
    assert plan["total_optimizer_steps"] == 30 and plan["warmup_steps"] == 3 and plan["checkpoint_count"] == 0


def test_evaluations_start_after_the_first_step():
    # src/maxtext/trainers/pre_train/train.py: `(step - eval_start_step) % eval_interval == 0` with
    # 0-based steps and eval_start_step 0: after steps 1, 101, ..., 901 (1-based) of 1000
    text = ("steps: 1000\nlearning_rate_schedule_steps: -1\nwarmup_steps_fraction: 0.15\nper_device_batch_size: 4\n"
            "enable_checkpointing: false\neval_interval: {every}\nici_fsdp_parallelism: -1\n")
    plan = lint(text.format(every=100)).plan
    assert (plan["eval_count"], plan["first_eval_step"]) == (10, 1)
    plan = lint(text.format(every=300)).plan
    assert (plan["eval_count"], plan["first_eval_step"]) == (4, 1)  # 1, 301, 601, 901


CHECKPOINTS = ("steps: 1000\nlearning_rate_schedule_steps: -1\nwarmup_steps_fraction: 0.15\nper_device_batch_size: 4\n"
               "enable_checkpointing: true\ncheckpoint_period: {period}\nici_fsdp_parallelism: -1\n{extra}")


def test_checkpoints_follow_the_0_based_step_and_the_save_on_start():
    # common/checkpointing.py `maybe_save_checkpoint` is called after 0-based step `step` and saves when
    # `step % config.checkpoint_period == 0`; `_should_save_checkpoint_at_step`: `if step == 0 and not
    # config.save_checkpoint_on_start: return False` (types.py: save_checkpoint_on_start defaults to True)
    plan = lint(CHECKPOINTS.format(period=300, extra="")).plan
    assert (plan["checkpoint_count"], plan["first_checkpoint_step"]) == (5, 1)  # 1, 301, 601, 901 and 1000
    plan = lint(CHECKPOINTS.format(period=300, extra="save_checkpoint_on_start: false\n")).plan
    assert (plan["checkpoint_count"], plan["first_checkpoint_step"]) == (4, 301)
    # 0-based 999 is on the grid of 333: the save on completion finds it saved (not forced)
    plan = lint(CHECKPOINTS.format(period=333, extra="")).plan
    assert (plan["checkpoint_count"], plan["first_checkpoint_step"]) == (4, 1)  # 1, 334, 667, 1000


def test_a_checkpoint_period_of_the_whole_run_saves_only_at_the_first_and_last_step():
    # 0-based steps 0..999: none but 0 is a multiple of 1000, and the save on completion is forced
    # (`force_ckpt_save = step is None and actual_step != -1 and (actual_step % config.checkpoint_period != 0)`)
    [hit] = lint(CHECKPOINTS.format(period=1000, extra="")).findings
    assert hit.rule == "SL204" and hit.message == (
        "checkpoint every 1000 steps but the run is 1000 steps, and MaxText counts its steps from 0, so the first "
        "periodic one would come after step 1001: no periodic checkpoint is ever saved (only the ones at the first "
        "and the last step, which MaxText always runs)")
    [hit] = lint(CHECKPOINTS.format(period=1000, extra="save_checkpoint_on_start: false\n")).findings
    assert hit.message.endswith("no periodic checkpoint is ever saved (only the final one, which MaxText forces at "
                                "the end)")
    assert lint(CHECKPOINTS.format(period=999, extra="")).findings == []  # 0-based 999: a periodic save


def test_continuous_checkpointing_does_not_follow_the_period():
    # common/checkpointing.py: `if enable_continuous_checkpointing: save_decision_policy =
    # save_decision_policy_lib.ContinuousCheckpointingPolicy()`, asked instead of `step % checkpoint_period`
    result = lint(CHECKPOINTS.format(period=1000, extra="enable_continuous_checkpointing: true\n"))
    assert result.findings == [] and result.plan["checkpoint_count"] is None
