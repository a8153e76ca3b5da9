"""verl PPO/GRPO configs: a step is one RL iteration over train_batch_size prompts from one loader
(drop_last), total_training_steps over total_epochs, save_freq / test_freq -1 = off (and a save and a
validation at the last step when on), the actor's warmup in training steps, SL710."""

from __future__ import annotations

from steplint.frameworks import detect
from steplint.interpolation import resolve
from steplint.loading import load_bytes

from .conftest import ROOT, check_file, codes, lint

SAMPLES = ROOT / "sample_configs" / "verl"

GRPO = """\
data: {{train_batch_size: 256}}
algorithm: {{adv_estimator: grpo}}
actor_rollout_ref:
  model: {{path: Qwen/Qwen2.5-3B-Instruct}}
  actor: {{ppo_mini_batch_size: 64, optim: {{lr: 1e-6{warmup}}}}}
  rollout: {{name: vllm, n: 5}}
trainer: {{total_epochs: 3, n_gpus_per_node: 8, nnodes: 1, save_freq: {save}, test_freq: {test}{extra}}}
"""


def grpo(warmup="", save=20, test=5, extra=""):
    return GRPO.format(warmup=warmup, save=save, test=test, extra=extra)


def loud(result) -> list[str]:
    return [f.rule for f in result.findings if f.severity.name != "INFO"]


def test_a_verl_config_is_verl():
    assert getattr(detect(resolve(load_bytes("c.yaml", grpo().encode()).documents[0].data)), "name", None) == "verl"


def test_steps_are_prompt_batches_of_the_whole_dataset():
    plan = lint(grpo(), dataset_size=10000).plan
    # one loader of 256 prompts, drop_last: floor(10000 / 256) = 39 steps an epoch, 3 epochs
    assert (plan["optimizer_steps_per_epoch"], plan["total_optimizer_steps"]) == (39, 117)
    # save every 20 (20..100) and at step 117; test every 5 (23) and at the last step
    assert (plan["checkpoint_count"], plan["eval_count"]) == (6, 24)


def test_total_training_steps_replaces_the_epochs_and_minus_one_turns_saving_off():
    plan = lint(grpo(save=-1, extra=", total_training_steps: 50"), dataset_size=10000).plan
    assert plan["total_optimizer_steps"] == 50 and plan["checkpoint_count"] == 0


def test_the_actor_warmup_counts_training_steps():
    result = lint(grpo(warmup=", lr_warmup_steps: 200", extra=", total_training_steps: 100"))
    assert result.plan["warmup_steps"] == 200 and "SL203" in codes(result)
    ratio = lint(grpo(warmup=", lr_warmup_steps_ratio: 0.1", extra=", total_training_steps: 100")).plan
    assert ratio["warmup_steps"] == 10


def test_batch_sizes_verl_refuses():
    assert loud(lint(grpo().replace("ppo_mini_batch_size: 64", "ppo_mini_batch_size: 512"))) == ["SL710"]
    assert loud(lint(grpo().replace("n: 5", "n: 3").replace("train_batch_size: 256", "train_batch_size: 250"))) \
        == ["SL710"]  # 750 responses over 8 GPUs
    assert loud(lint(grpo().replace("ppo_mini_batch_size: 64", "ppo_mini_batch_size: 512, use_dynamic_bsz: true"))) \
        == []


def test_samples():
    assert loud(check_file(SAMPLES / "good.yaml")) == []
    assert loud(check_file(SAMPLES / "bad.yaml")) == ["SL710", "SL203"]
