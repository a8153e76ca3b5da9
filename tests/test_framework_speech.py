"""Speech and TTS recipe configs: Asteroid, StyleTTS 2, VITS."""

from __future__ import annotations

import pytest

from steplint.findings import Severity

from .conftest import ROOT, SHARED, check_file, codes, lint

WILD = SHARED / "corpus-wild"
ASTEROID = WILD / "asteroid-team__asteroid" / "egs"
STYLETTS2 = WILD / "yl4579__StyleTTS2"
VITS = WILD / "jaywalnut310__vits" / "configs"
SAMPLES = ROOT / "sample_configs"


def needs(path):
    return pytest.mark.skipif(not path.is_dir(), reason=f"{path} is absent (../shared/corpus-wild)")


@needs(ASTEROID)
def test_asteroid_recipes_are_asteroid_and_quiet():
    results = {p.relative_to(ASTEROID).as_posix(): check_file(p, dataset_size=13_900, world_size=4)
               for p in sorted(ASTEROID.rglob("conf.yml"))}
    dialects = {name: r.dialect for name, r in results.items()}
    # avspeech's conf.yml holds only training.{epochs, batch_size, num_workers, device} and optim:
    # nothing in it is Asteroid's own, so the fallback reads it
    assert dialects.pop("avspeech/looking-to-listen/local/conf.yml") == "generic"
    assert set(dialects.values()) == {"asteroid"} and len(dialects) == 14
    assert [f for r in results.values() for f in r.findings if f.severity >= Severity.WARNING] == []


def test_asteroid_plan_reads_epochs_and_per_device_batch():
    result = check_file(SAMPLES / "asteroid" / "good.yml", dataset_size=13_900, world_size=2)
    assert result.dialect == "asteroid" and result.findings == []
    plan = result.plan
    assert plan["micro_batch_size"] == 6 and plan["global_batch_size"] == 12
    # 13,900 / 2 ranks = 6,950 samples, ceil(6950 / 6): drop_last differs per recipe, so not assumed
    assert plan["optimizer_steps_per_epoch"] == 1159 and plan["total_optimizer_steps"] == 1159 * 200
    assert codes(check_file(SAMPLES / "asteroid" / "bad.yml")) == ["SL003"]


@needs(STYLETTS2)
def test_styletts2_configs_and_the_embedded_asr_and_plbert_configs():
    for name in ("config.yml", "config_ft.yml", "config_libritts.yml"):
        result = check_file(STYLETTS2 / "Configs" / name)
        assert result.dialect == "styletts2", name
        assert [f for f in result.findings if f.severity >= Severity.WARNING] == [], name
    # AuxiliaryASR's and PL-BERT's own training configs: StyleTTS 2 reads only their model_params
    for name in ("Utils/ASR/config.yml", "Utils/PLBERT/config.yml"):
        assert check_file(STYLETTS2 / name).dialect != "styletts2"


def test_styletts2_stage_starts_against_each_scripts_epochs():
    result = check_file(SAMPLES / "styletts2" / "bad.yml")
    assert [(f.rule, f.key_path) for f in result.findings] == [("SL760", "loss_params.TMA_epoch"),
                                                               ("SL760", "loss_params.joint_epoch")]
    assert "train_second.py runs 20 epochs" in result.findings[1].message
    good = check_file(SAMPLES / "styletts2" / "good.yml")
    assert good.findings == [] and good.plan["epochs"] == 50
    # joint_epoch 49 is the last epoch of 50: it runs once
    assert codes(lint("epochs: 50\nmodel_params: {a: 1}\nloss_params: {diff_epoch: 10, joint_epoch: 49}\n")) == []
    assert codes(lint("epochs: 50\nmodel_params: {a: 1}\nloss_params: {diff_epoch: 10, joint_epoch: 50}\n")) == ["SL760"]
    # the default of 200 epochs when the file has none
    assert codes(lint("epochs_1st: 10\nmodel_params: {a: 1}\nloss_params: {diff_epoch: 150, joint_epoch: 250}\n")) \
        == ["SL760"]
    # resuming a pretrained model (load_only_params false): train_finetune.py `if load_pretrained:` only calls
    # load_checkpoint (start_epoch from it), epochs and joint_epoch are not shifted; `for epoch in
    # range(start_epoch, 20)` never reaches `if epoch >= joint_epoch` with joint_epoch 50; diff_epoch 10 < 20 runs
    resumed = lint("epochs: 20\npretrained_model: m.pth\nsecond_stage_load_pretrained: true\n"
                   "load_only_params: false\nmodel_params: {a: 1}\nloss_params: {diff_epoch: 10, joint_epoch: 50}\n")
    assert [(f.rule, f.key_path) for f in resumed.findings] == [("SL760", "loss_params.joint_epoch")]
    assert "train_finetune.py runs 20 epochs (epochs: epochs the checkpoint's epoch to 19)" in resumed.findings[0].message


@needs(VITS)
def test_vits_configs_are_vits_and_quiet():
    for path in sorted(VITS.glob("*.json")):
        result = check_file(path, dataset_size=13_100, world_size=4)
        assert result.dialect == "vits" and result.findings == [], path
        # the bucket sampler's batches per epoch are not derivable: no run length is invented
        assert result.plan["total_optimizer_steps"] is None


def test_vits_warmup_is_reported_unread():
    result = check_file(SAMPLES / "vits" / "bad.json")
    assert [(f.rule, f.key_path) for f in result.findings] == [("SL765", "train.init_lr_ratio"),
                                                               ("SL765", "train.warmup_epochs")]
    assert check_file(SAMPLES / "vits" / "good.json").findings == []


HOSTILE = ["optim: {epochs: .inf, updates_per_epoch: .inf}\ncheckpoint: {save_every: .inf}\nsolver: musicgen\n",
           "optimization: {max_update: .inf, update_freq: [a]}\ndataset: {validate_after_updates: 1000000000000000000000000000000}\n",
           "max_epoch: .inf\nbatch_type: sorted\nbatch_size: .inf\naccum_grad: .nan\nnum_iters_per_epoch: .inf\n",
           "epochs: .inf\nloss_params: [1]\ntrain: 5\nbehaviors: [1]\nepoch_counter: {limit: <x>}\nx: <x>\n"]


@pytest.mark.parametrize("dialect", ["audiocraft", "asteroid", "rl-zoo", "ml-agents", "styletts2", "vits", "fairseq",
                                     "espnet2", "coqui", "speechbrain"])
def test_forced_dialects_never_fail_on_hostile_values(dialect):
    for text in HOSTILE:
        assert lint(text, dialect=dialect, dataset_size=1000, world_size=3).error is None, (dialect, text)
