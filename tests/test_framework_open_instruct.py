"""open-instruct train_configs: recognised as open-instruct, not as the Hugging Face Trainer (whose
defaults, 3 epochs, it used to be given), `num_epochs` (DPO) and `num_train_epochs` (SFT) both read,
max_train_steps over the epochs, checkpointing_steps as steps or "epoch", SL709."""

from __future__ import annotations

from steplint.frameworks import detect
from steplint.interpolation import resolve
from steplint.loading import load_bytes

from .conftest import ROOT, check_file, codes, lint

SAMPLES = ROOT / "sample_configs" / "open_instruct"

# The shape of open-instruct's configs/train_configs/dpo/default.yaml.
DPO = """\
model_name_or_path: allenai/tulu-2-7b
tokenizer_name: allenai/tulu-2-7b
use_slow_tokenizer: true
dataset_name: HuggingFaceH4/ultrafeedback_binarized
per_device_train_batch_size: 1
gradient_accumulation_steps: 4
lr_scheduler_type: linear
warmup_ratio: 0.1
num_epochs: 3
output_dir: output/dpo
with_tracking: true
logging_steps: 1
{extra}
"""


def dialect(text: str):
    return getattr(detect(resolve(load_bytes("c.yaml", text.encode()).documents[0].data)), "name", None)


def test_an_open_instruct_config_is_not_read_as_the_hugging_face_trainer():
    assert dialect(DPO.format(extra="checkpointing_steps: 1000")) == "open-instruct"
    # alignment-handbook / TRL recipes (save_strategy, eval_strategy) stay with the Trainer
    assert dialect("model_name_or_path: m\ndataset_mixer: {d: 1.0}\nper_device_train_batch_size: 2\n"
                   "num_train_epochs: 1\nsave_strategy: steps\nsave_steps: 100\nwith_tracking: true\n"
                   "use_slow_tokenizer: true\n") == "hf-trainer"


def test_num_epochs_is_the_dpo_run_length_and_nothing_is_invented():
    plan = lint(DPO.format(extra="checkpointing_steps: 1000"), dataset_size=64000, world_size=8).plan
    # accelerate deals whole batches: 64000 / 1 / 8 ranks = 8000 batches, 2000 steps an epoch
    assert (plan["epochs"], plan["optimizer_steps_per_epoch"], plan["total_optimizer_steps"]) == (3, 2000, 6000)
    assert (plan["warmup_steps"], plan["checkpoint_count"]) == (600, 6)


def test_max_train_steps_replaces_the_epochs():
    result = lint(DPO.format(extra="max_train_steps: 500\ncheckpointing_steps: 1000"))
    assert result.plan["total_optimizer_steps"] == 500
    assert "SL204" in codes(result)  # 1000-step checkpoints in a 500-step run


def test_checkpointing_steps_epoch_and_text():
    plan = lint(DPO.format(extra="checkpointing_steps: epoch"), dataset_size=64000, world_size=8).plan
    assert (plan["checkpoint_count"], plan["first_checkpoint_step"]) == (3, 2000)
    assert lint(DPO.format(extra='checkpointing_steps: "500"'), dataset_size=64000, world_size=8
                ).plan["first_checkpoint_step"] == 500
    assert codes(lint(DPO.format(extra="checkpointing_steps: 500 steps"))) == ["SL709"]
    assert codes(lint(DPO.format(extra="checkpointing_steps: 0"))) == ["SL709"]


def test_samples():
    assert [f.rule for f in check_file(SAMPLES / "good.yaml").findings if f.severity.name != "INFO"] == []
    assert codes(check_file(SAMPLES / "bad.yaml")) == ["SL207", "SL204"]  # epochs vs max_train_steps needs N
