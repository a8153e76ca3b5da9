"""NeMo Framework Launcher configs (read by the `nemo` dialect): every training config recognised,
the LR schedule's horizon as NeMo sets it (trainer.max_steps over sched.max_steps), SL703-SL705 on
real launcher files, and the RLHF PPO (actor + critic) file read as NeMo with nothing to check."""

from __future__ import annotations

import csv

import pytest

from steplint.frameworks import detect
from steplint.interpolation import resolve
from steplint.loading import load_bytes

from .conftest import ROOT, SHARED, check_file, codes, lint

WILD = SHARED / "corpus-wild"
LAUNCHER = WILD / "NVIDIA__NeMo-Framework-Launcher"
CONF = LAUNCHER / "launcher_scripts" / "conf"
SAMPLES = ROOT / "sample_configs" / "nemo"
needs_wild = pytest.mark.skipif(not LAUNCHER.is_dir(), reason="../shared/corpus-wild (NeMo launcher files) is absent")


def loud(result) -> list[str]:
    return [f.rule for f in result.findings if f.severity.name != "INFO"]


def dialect_of(path):
    documents = load_bytes(str(path), path.read_bytes()).documents
    return getattr(detect(resolve(documents[0].data)), "name", None) if documents else None


@needs_wild
def test_every_launcher_training_config_is_nemo_and_the_userbuffer_files_are_not_configs_of_a_run():
    with open(WILD / "MANIFEST.tsv", newline="") as handle:
        files = [r["file"] for r in csv.DictReader(handle, delimiter="\t") if r["dialect"] == "nemo-hydra"]
    assert len(files) == 66
    unread = sorted(f for f in files if dialect_of(WILD / f) != "nemo")
    assert [f.rsplit("/", 1)[-1] for f in unread] == ["ub_cfg_h100_h5120_tp2_mbs1_seqlen4096.yaml",
                                                      "ub_cfg_h100_h8192_tp4_mbs1_seqlen8192.yaml"]
    for name in unread:  # tp_overlap userbuffer settings: no trainer, nothing to check
        assert check_file(WILD / name).findings == []


@needs_wild
def test_the_rlhf_ppo_actor_and_critic_file_is_nemo_and_not_read_as_one_run():
    result = check_file(CONF / "rlhf_ppo/gpt3/2b_ppo.yaml")
    assert result.dialect == "nemo" and result.findings == []
    assert any("PPO" in a for a in result.plan["assumptions"])


@needs_wild
def test_the_schedule_spans_trainer_max_steps_and_an_overwritten_sched_max_steps_is_reported():
    result = check_file(CONF / "training/retro/300m.yaml")
    assert result.plan["schedule_end_step"] == 750000  # not sched.max_steps 650000
    assert loud(result) == ["SL703"]
    assert "650000 is overwritten by trainer.max_steps 750000" in result.findings[-1].message or \
        any("650000 is overwritten by trainer.max_steps 750000" in f.message for f in result.findings)


@needs_wild
def test_a_cosine_whose_constant_steps_outlast_the_run():
    result = check_file(CONF / "steerlm_reg/ac_sft/gpt_sft.yaml")
    assert loud(result) == ["SL704"]
    [finding] = [f for f in result.findings if f.rule == "SL704"]
    assert "10 + constant_steps 1000" in finding.message and "remaining 90 steps" in finding.message


@needs_wild
@pytest.mark.parametrize("name,numbers", [
    ("training/falcon/falcon_7b.yaml", "32 is not a multiple of micro_batch_size 1 × data-parallel size 128"),
    ("training/mixtral/mixtral_8x22b.yaml", "1 is not a multiple of micro_batch_size 1 × data-parallel size 24"),
    ("training/clip/siglip_config.yaml", "288 is not a multiple of micro_batch_size 36 × data-parallel size 64"),
    ("training/sdxl/sdxl_base_train_res_1024_stage_3.yaml",
     "256 is not a multiple of micro_batch_size 4 × data-parallel size 128"),
])
def test_global_batches_megatron_refuses_at_launch(name, numbers):
    result = check_file(CONF / name)
    assert loud(result) == ["SL705"]  # and not SL303 beside it
    assert numbers in result.findings[[f.rule for f in result.findings].index("SL705")].message


@needs_wild
def test_a_launcher_config_that_adds_up_has_no_warning():
    result = check_file(CONF / "training/gpt3/126m.yaml")
    assert loud(result) == []
    plan = result.plan
    assert (plan["total_optimizer_steps"], plan["warmup_steps"], plan["schedule_end_step"]) == (600000, 636, 600000)


SCHED = """\
trainer: {{devices: 1, max_steps: {trainer_steps}, max_epochs: {epochs}, val_check_interval: 100}}
model:
  micro_batch_size: 4
  global_batch_size: 4
  optim:
    name: adam
    lr: 1e-4
    sched: {{name: CosineAnnealing, warmup_steps: 10, max_steps: {sched_steps}}}
exp_manager: {{create_checkpoint_callback: true}}
"""


def test_sched_max_steps_is_the_horizon_only_when_the_trainer_has_no_max_steps():
    result = lint(SCHED.format(trainer_steps=-1, epochs=3, sched_steps=500))
    assert result.plan["schedule_end_step"] == 500 and "SL703" not in codes(result)


def test_sched_max_steps_minus_one_builds_no_scheduler_with_an_unlimited_trainer():
    result = lint(SCHED.format(trainer_steps=-1, epochs=3, sched_steps=-1))
    assert result.plan["warmup_steps"] is None and result.plan["schedule_end_step"] is None
    assert any("builds no LR scheduler" in a for a in result.plan["assumptions"])


def test_sched_max_steps_minus_one_is_overwritten_by_a_trainer_max_steps():
    result = lint(SCHED.format(trainer_steps=200, epochs="null", sched_steps=-1))
    assert result.plan["schedule_end_step"] == 200 and "SL703" in codes(result)


def test_an_unreadable_trainer_max_steps_leaves_the_horizon_unknown():
    result = lint(SCHED.format(trainer_steps="'${oc.env:STEPS}'", epochs="null", sched_steps=500))
    assert result.plan["schedule_end_step"] is None and "SL703" not in codes(result)


def test_launcher_samples():
    assert loud(check_file(SAMPLES / "launcher_bad.yaml")) == ["SL705", "SL704"]
    assert check_file(SAMPLES / "launcher_good.yaml").findings == []
