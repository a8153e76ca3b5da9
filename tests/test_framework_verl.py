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


def test_the_epochs_end_the_run_when_total_training_steps_is_beyond_them():
    # verl/trainer/ppo/ray_trainer.py `fit` (b178a3cd): `for epoch in range(current_epoch, total_epochs):
    # for batch_dict in self.train_dataloader:` returns only at is_last_step = global_steps >=
    # total_training_steps, so 3 epochs of 39 steps end the run at 117, and the save and validation
    # at is_last_step never happen
    result = lint(grpo(extra=", total_training_steps: 1000"), dataset_size=10000)
    plan = result.plan
    assert (plan["total_optimizer_steps"], plan["limited_by"]) == (117, "epochs")
    assert (plan["checkpoint_count"], plan["eval_count"]) == (5, 23)  # every 20 and every 5, nothing at 117
    [sl202] = [f for f in result.findings if f.rule == "SL202"]
    assert "the run stops after 3 epochs, before trainer.total_training_steps is reached (verl's final save and " \
           "final validation at trainer.total_training_steps never happen): the run is 117 steps" in sl202.message


def test_total_training_steps_short_of_the_epochs_ends_the_run_with_its_final_save():
    plan = lint(grpo(extra=", total_training_steps: 110"), dataset_size=10000).plan
    assert (plan["total_optimizer_steps"], plan["limited_by"]) == (110, "max_steps")
    assert (plan["checkpoint_count"], plan["eval_count"]) == (6, 22)  # 20..100 and 110; 5..110


def test_the_default_epoch_count_is_named_as_the_default_it_is():
    # ppo_trainer.yaml: total_epochs 30 when the config writes none; 30 × 39 = 1170 steps
    result = lint(grpo(extra=", total_training_steps: 5000").replace("total_epochs: 3, ", ""), dataset_size=10000)
    [sl202] = [f for f in result.findings if f.rule == "SL202"]
    assert sl202.message.startswith("trainer.total_training_steps = 5000 and trainer.total_epochs (not written: "
                                    "the verl default) = 30 epochs = 1170 steps (30 × 39) disagree")


def test_a_warmup_ratio_is_of_the_written_total_training_steps_even_past_the_epochs():
    # verl/workers/fsdp_workers.py: num_warmup_steps = int(lr_warmup_steps_ratio * total_steps), with
    # total_steps the total_training_steps ray_trainer.py injects: 0.25 × 1000 = 250 > the 117-step run
    result = lint(grpo(warmup=", lr_warmup_steps_ratio: 0.25", extra=", total_training_steps: 1000"),
                  dataset_size=10000)
    assert result.plan["warmup_steps"] == 250 and "SL203" in codes(result)
    # without total_training_steps the ratio is of len(loader) × total_epochs: int(0.25 × 117) = 29
    assert lint(grpo(warmup=", lr_warmup_steps_ratio: 0.25"), dataset_size=10000).plan["warmup_steps"] == 29


def test_epochs_that_end_exactly_at_total_training_steps_still_reach_the_last_step():
    # is_last_step = global_steps >= total_training_steps holds at the epochs' last step: 3 × 39 = 117
    plan = lint(grpo(extra=", total_training_steps: 117"), dataset_size=10000).plan
    assert plan["total_optimizer_steps"] == 117 and (plan["checkpoint_count"], plan["eval_count"]) == (6, 24)
