"""Values no real config writes, in configs each framework reads: every one is a finding or nothing,
never an internal error or a hang. Each case was one once, found by mutating the values of real
and sample configs (a mapping where a name goes, .inf where a fraction goes) and checking the result."""

from __future__ import annotations

import pytest

from .conftest import lint

# name: (file name, text, the dialect that reads it)
CASES = {
    # litgpt/hooks.py looked the data module's class_path up in a dict
    "litgpt-class-path-is-a-mapping": ("config.yaml", """\
out_dir: out
devices: 1
data:
  class_path: {}
train: {global_batch_size: 16, micro_batch_size: 2, epochs: 1, save_interval: 100}
eval: {interval: 100}
""", "litgpt"),
    # mlx_lm/hooks.py looked the schedule's name up in a dict
    "mlx-lm-schedule-name-is-a-list": ("lora_config.yaml", """\
model: mlx-community/Llama-3.2-1B-Instruct-bf16
train: true
fine_tune_type: lora
data: mlx-community/WikiSQL
batch_size: 4
iters: 1000
steps_per_eval: 200
save_every: 100
adapter_path: adapters
lr_schedule: {name: [cosine_decay], warmup: 50, arguments: [1.0e-5, 449, 1.0e-7]}
""", "mlx-lm"),
    # lightning/reader.py `_val_check_batch`: int(batches × inf)
    "lightning-val-check-interval-inf": ("config.yaml", """\
trainer: {max_epochs: 2, val_check_interval: .inf, limit_val_batches: 3.7}
model: {class_path: m.M}
data: {class_path: m.D, init_args: {batch_size: 8}}
""", "lightning"),
    # paddleocr/hooks.py `evaluations` stepped to the first g past a fractional start one at a time, forever
    "paddleocr-fractional-eval-start": ("rec.yml", """\
Global: {epoch_num: 10, print_batch_step: 10, save_epoch_step: 3, eval_batch_step: [0.5, 2000]}
Architecture: {model_type: rec, algorithm: CRNN}
Train: {loader: {shuffle: true, batch_size_per_card: 64, drop_last: true}}
""", "paddleocr"),
    "paddleocr-huge-eval-start": ("rec.yml", """\
Global: {epoch_num: 10, print_batch_step: 10, save_epoch_step: 3, eval_batch_step: [1.0e+30, 2000]}
Architecture: {model_type: rec, algorithm: CRNN}
Train: {loader: {shuffle: true, batch_size_per_card: 64, drop_last: true}}
""", "paddleocr"),
    # rllib/rules/sl782: int(inf) formatting a schedule point at .inf
    "rllib-lr-schedule-point-at-inf": ("ppo.yaml", """\
cartpole-ppo:
  env: CartPole-v1
  run: PPO
  stop: {timesteps_total: 400000}
  config:
    train_batch_size: 4000
    lr_schedule: [[0, 0.001], [.inf, 1.0e-05]]
""", "rllib"),
    # lightning/rules/sl704: int(warmup_ratio × max_steps) of an infinite ratio
    "nemo-warmup-ratio-inf": ("config.yaml", """\
name: HifiGan
trainer: {max_steps: 2500000, devices: 1}
model:
  optim:
    name: adamw
    lr: 0.0002
    sched: {name: CosineAnnealing, warmup_ratio: .inf, constant_steps: 1000, min_lr: 1.0e-5}
exp_manager: {exp_dir: null}
""", "nemo"),
    # hf/rules/sl401: save_steps % eval_steps in millionths of the run, of a ratio below one millionth
    "hf-eval-steps-ratio-below-a-millionth": ("sft.yaml", """\
model_name_or_path: Qwen/Qwen2.5-0.5B
per_device_train_batch_size: 8
num_train_epochs: 1
eval_strategy: steps
eval_steps: 1.0e-300
save_strategy: steps
save_steps: 0.5
load_best_model_at_end: true
output_dir: out
""", "hf-trainer"),
    # lightning/reader.py: int(limit_train_batches) of .inf
    "lightning-limit-train-batches-inf": ("limit.yaml", """\
defaults: [default]
trainer: {max_epochs: 3, limit_train_batches: .inf, limit_val_batches: 0.05}
""", "lightning"),
}


@pytest.mark.parametrize("name", CASES)
def test_an_odd_value_is_no_internal_error(name):
    file_name, text, dialect = CASES[name]
    for dataset_size in (None, 1000):
        result = lint(text, file_name, dataset_size=dataset_size)  # an internal error raises here
        assert result.dialect == dialect and result.error is None
