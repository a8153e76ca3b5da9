"""Deterministic generator of realistic training configs for the benchmark.

Nothing here is copied from a real repository: every file is assembled from the key names that the
frameworks document, with seeded random values that keep the arithmetic consistent (dataset size,
batch, world size, epochs -> steps), and, in a share of the files, one deliberate time
inconsistency (warmup longer than the run, a checkpoint interval beyond the run, a declared total
that is off, BatchNorm without drop_last, milestones past the end, epochs and max_steps that
disagree, a global batch that is not micro x accumulation x world).

    python benchmarks/generate.py corpus OUT_DIR [--files 2000] [--seed 0] [--fault-rate 0.3]
    python benchmarks/generate.py big OUT_FILE --size 1MB [--seed 0]

`corpus` writes OUT_DIR/<dialect>/<project>/<name>.yaml|json plus OUT_DIR/MANIFEST.tsv (file,
dialect, fault); `big` writes one config whose long lists and maps (per-layer learning-rate
multipliers, a dataset mixture) bring it to the requested size. The same arguments always give
the same bytes.
"""

from __future__ import annotations

import argparse
import json
import os
import random
from typing import Callable, Optional

# ----------------------------------------------------------------------------------------------
# shared vocabulary

DATASETS_CV = [("imagenet", 1281167), ("cifar10", 50000), ("cifar100", 50000), ("places365", 1803460),
               ("inat2021", 2686843), ("coco_crops", 860001), ("food101", 75750), ("stl10", 5000)]
DATASETS_TEXT = ["tatsu-lab/alpaca", "yahma/alpaca-cleaned", "Open-Orca/SlimOrca", "teknium/OpenHermes-2.5",
                 "HuggingFaceH4/ultrachat_200k", "mlabonne/orpo-dpo-mix-40k", "databricks/databricks-dolly-15k",
                 "garage-bAInd/Open-Platypus", "vicgalle/alpaca-gpt4", "glaiveai/glaive-code-assistant"]
BASE_MODELS = ["meta-llama/Llama-3.1-8B", "meta-llama/Llama-3.2-1B", "Qwen/Qwen2.5-7B", "Qwen/Qwen2.5-0.5B",
               "mistralai/Mistral-7B-v0.3", "google/gemma-2-2b", "microsoft/phi-2", "EleutherAI/pythia-1.4b",
               "TinyLlama/TinyLlama_v1.1", "HuggingFaceTB/SmolLM2-360M"]
ARCHS = ["resnet18", "resnet50", "resnet101", "wide_resnet50_2", "convnext_tiny", "efficientnet_b0",
         "regnety_016", "mobilenet_v3_large", "densenet121", "vit_small_patch16_224"]
PROJECTS = ["vision-baselines", "llm-sft", "pretrain-lab", "ablations", "paper-repro", "infra-configs",
            "team-a", "team-b", "sweeps", "prod-training", "research", "legacy"]
FAULT_RATE = 0.3


def ceil_div(a: int, b: int) -> int:
    return -(-a // b)


def yv(value) -> str:
    """A YAML scalar the way people write them."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, float):
        if value != 0 and (abs(value) < 1e-3 or abs(value) >= 1e6):
            return f"{value:.1e}".replace("e-0", "e-").replace("e+0", "e+")
        return repr(value)
    return str(value)


class Run:
    """Consistent numbers for one run; dialects pick the ones they spell."""

    def __init__(self, rng: random.Random, n: Optional[int] = None, batch: Optional[int] = None,
                 drop_last: Optional[bool] = None) -> None:
        self.rng = rng
        self.n = n or rng.choice([5000, 50000, 73257, 118287, 250000, 1281167])
        self.batch = batch or rng.choice([16, 32, 64, 128, 256])
        self.world = rng.choice([1, 1, 2, 4, 8])
        self.accum = rng.choice([1, 1, 1, 2, 4])
        self.epochs = rng.choice([3, 10, 20, 30, 50, 90, 100, 200])
        self.drop_last = rng.random() < 0.5 if drop_last is None else drop_last
        per_rank = ceil_div(self.n, self.world)
        batches = per_rank // self.batch if self.drop_last else ceil_div(per_rank, self.batch)
        self.batches_per_epoch = max(batches, 1)
        self.steps_per_epoch = ceil_div(self.batches_per_epoch, self.accum)
        self.total = self.epochs * self.steps_per_epoch
        self.warmup = max(1, int(self.total * rng.choice([0.01, 0.02, 0.05, 0.1])))
        self.save_every = max(1, int(self.total * rng.choice([0.05, 0.1, 0.2, 0.25])))
        self.eval_every = max(1, int(self.total * rng.choice([0.02, 0.05, 0.1])))
        self.log_every = min(rng.choice([10, 20, 50, 100]), max(1, self.total // 10))
        self.lr = rng.choice([1e-4, 3e-4, 5e-4, 1e-3, 0.1, 0.05, 2e-5])
        self.seed = rng.choice([0, 1, 42, 1234, 3407])

    @property
    def global_batch(self) -> int:
        return self.batch * self.accum * self.world


def comment(rng: random.Random, options: list[str], p: float = 0.5) -> list[str]:
    return [f"# {rng.choice(options)}"] if rng.random() < p else []


# ----------------------------------------------------------------------------------------------
# dialects: each returns (extension, text, fault) for a fault name or None (clean)

def native(rng: random.Random, fault: Optional[str]) -> tuple[str, str]:
    dataset, n = rng.choice(DATASETS_CV)
    bn = rng.random() < 0.6
    drop_last = True if bn and fault != "batchnorm_no_drop_last" else None  # a clean BatchNorm model drops its last batch
    r = Run(rng, n=n, drop_last=drop_last if fault != "batchnorm_no_drop_last" else False)
    drop_last = r.drop_last
    total_steps = r.total
    # one unit for the whole file (mixing them is SL101); milestones are written only in epochs
    in_epochs = rng.random() < 0.5 or fault == "milestones_past_end"
    warmup = f"{max(1, r.epochs // 20)} epochs" if in_epochs else r.warmup
    checkpoint = f"{max(1, r.epochs // 10)} epochs" if in_epochs else f"{r.save_every} steps"
    milestones = [int(r.epochs * 0.5), int(r.epochs * 0.75)]
    if fault == "total_steps_off":
        total_steps = r.total * 2 + rng.randint(1, 50)
    elif fault == "warmup_exceeds_run":
        warmup = f"{r.epochs + rng.randint(1, 10)} epochs"
    elif fault == "checkpoint_beyond_run":
        checkpoint = f"{r.epochs + rng.randint(1, 20)} epochs" if in_epochs else f"{r.total + rng.randint(100, 5000)} steps"
    elif fault == "batchnorm_no_drop_last":
        bn = True
        if r.n % r.batch == 0 or (ceil_div(r.n, r.world) % r.batch) == 0:
            total_steps = r.total * 2 + 1  # make sure something is off anyway
    elif fault == "milestones_past_end":
        milestones = [int(r.epochs * 0.6), r.epochs + rng.randint(5, 30)]
    per_epoch = in_epochs  # a schedule stepped per step beside epoch intervals would mix units (SL101)
    lines = [f"# {dataset}: {rng.choice(ARCHS)} baseline, {r.epochs} epochs on {r.world} GPU(s)",
             "# checked with `steplint check` in CI before the job is submitted",
             "steplint: 1", "", "data:",
             f"  train_size: {r.n}          # training samples in one epoch",
             f"  batch_size: {r.batch}           # per rank",
             f"  drop_last: {yv(drop_last)}",
             "  shuffle: true",
             f"  eval_batch_size: {r.batch * 2}",
             "  eval_drop_last: false", "",
             "distributed:",
             f"  world_size: {r.world}",
             "  sampler_drop_last: false", "",
             "optimizer:",
             f"  gradient_accumulation: {r.accum}",
             f"  global_batch_size: {r.global_batch}   # batch x accumulation x world", "",
             "run:",
             f"  epochs: {r.epochs}",
             f"  total_steps: {total_steps}" + ("   # sized for the LR schedule" if rng.random() < 0.5 else ""), "",
             "schedule:"]
    if per_epoch:
        lines += ["  name: multistep", "  stepped_per: epoch", f"  warmup: {warmup}",
                  f"  milestones: [{', '.join(map(str, milestones))}]"]
    else:
        lines += ["  name: cosine", "  stepped_per: step", f"  warmup: {warmup}", f"  horizon: {total_steps}"]
    lines += ["", "# intervals: a bare number is in optimizer steps",
              f"checkpoint: {checkpoint}", f"eval: {rng.choice(['1 epoch', '2 epochs']) if in_epochs else f'{r.eval_every} steps'}",
              f"logging: {r.log_every} steps" if not in_epochs else "logging: 0.01dur", "", "model:", f"  batchnorm: {yv(bn)}", ""]
    lines += [f"# notes: lr {yv(r.lr)}, weight decay {rng.choice(['1e-4', '5e-4', '0.05'])}, label smoothing 0.1",
              "#   augmentations: random resized crop, horizontal flip, randaugment(n=2, m=9)",
              "#   mixed precision: bf16; channels_last; torch.compile(mode='max-autotune')",
              f"#   expected top-1 after {r.epochs} epochs: {rng.uniform(70, 82):.1f}"]
    return "yaml", "\n".join(lines) + "\n"


def generic(rng: random.Random, fault: Optional[str]) -> tuple[str, str]:
    dataset, n = rng.choice(DATASETS_CV)
    arch = rng.choice(ARCHS)
    if fault == "batchnorm_no_drop_last":
        arch = rng.choice(["resnet18", "resnet50", "densenet121"])
    bn = not arch.startswith(("vit", "convnext"))
    r = Run(rng, n=n, drop_last=(fault != "batchnorm_no_drop_last") if bn else None)
    drop_last = r.drop_last
    warmup_epochs = max(1, r.epochs // 20)
    save_every = max(1, r.epochs // 5)
    total_steps = r.total
    milestones = [int(r.epochs * 0.5), int(r.epochs * 0.75)]
    max_steps = None
    if fault == "warmup_exceeds_run":
        warmup_epochs = r.epochs + rng.randint(1, 20)
    elif fault == "checkpoint_beyond_run":
        save_every = r.epochs + rng.randint(5, 50)
    elif fault == "total_steps_off":
        total_steps = r.epochs * r.batches_per_epoch * 3 + 7
    elif fault == "milestones_past_end":
        milestones = [int(r.epochs * 0.75), r.epochs + rng.randint(10, 60)]
    elif fault == "epochs_vs_max_steps":
        max_steps = max(1, r.total // 3)
    sched = "multistep" if fault == "milestones_past_end" else rng.choice(["cosine", "multistep"])
    lines = [f"# {arch} on {dataset}", f"experiment: {dataset}_{arch}_e{r.epochs}", f"seed: {r.seed}",
             f"output_dir: runs/{dataset}/{arch}", "",
             "data:", f"  name: {dataset}", f"  root: /datasets/{dataset}",
             f"  num_samples: {r.n}", f"  batch_size: {r.batch}", f"  num_workers: {rng.choice([4, 8, 16])}",
             f"  drop_last: {yv(drop_last)}", "  pin_memory: true", "  augment:",
             "    - random_resized_crop", "    - horizontal_flip",
             f"    - {rng.choice(['randaugment', 'autoaugment', 'trivialaugment'])}", "  val:",
             f"    batch_size: {r.batch * 2}", "    drop_last: false", "",
             "model:", f"  arch: {arch}", f"  num_classes: {rng.choice([10, 100, 365, 1000])}",
             f"  norm: {'batch' if bn else 'layer'}", f"  dropout: {rng.choice([0.0, 0.1, 0.2])}",
             f"  pretrained: {yv(rng.random() < 0.3)}", "",
             "optimizer:", f"  name: {rng.choice(['sgd', 'adamw', 'lamb'])}", f"  lr: {yv(r.lr)}",
             f"  weight_decay: {rng.choice(['1.0e-4', '5.0e-4', '0.05'])}", "  momentum: 0.9", "  nesterov: true", "",
             "scheduler:"]
    if sched == "cosine":  # stepped per epoch, like the epoch checkpoints below (steps would mix units: SL101)
        lines += ["  name: cosine", f"  T_max: {r.epochs}", "  interval: epoch", f"  warmup_epochs: {warmup_epochs}",
                  "  eta_min: 0.0"]
    else:
        lines += ["  name: multistep", f"  milestones: [{', '.join(map(str, milestones))}]", "  gamma: 0.1",
                  "  interval: epoch", f"  warmup_epochs: {warmup_epochs}"]
    lines += ["", "train:", f"  epochs: {r.epochs}"]
    if fault == "total_steps_off" or rng.random() < 0.3:
        lines += [f"  total_steps: {total_steps}"]
    if max_steps:
        lines += [f"  max_steps: {max_steps}"]
    lines += [f"  world_size: {r.world}", f"  gradient_accumulation_steps: {r.accum}", "  amp: bf16",
              "  grad_clip: 1.0", "  label_smoothing: 0.1", "",
              "checkpoint:", f"  save_every_n_epochs: {save_every}", "  keep_last: 3", "",
              "logging:", f"  log_every: {r.log_every}", "  wandb:", f"    project: {dataset}-baselines",
              f"    tags: [{arch}, e{r.epochs}]"]
    return "yaml", "\n".join(lines) + "\n"


def _hf_common(rng: random.Random, r: Run, fault: Optional[str], max_steps: Optional[int]) -> dict:
    horizon = max_steps or r.total
    v = {"warmup_steps": max(1, horizon // 20), "save_steps": max(1, horizon // 5),
         "eval_steps": max(1, horizon // 10), "logging_steps": rng.choice([1, 5, 10, 25])}
    if fault == "warmup_exceeds_run":
        v["warmup_steps"] = horizon + rng.randint(1, 1000)
    elif fault == "checkpoint_beyond_run":
        v["save_steps"] = horizon + rng.randint(1, 5000)
    elif fault == "eval_beyond_run":
        v["eval_steps"] = horizon + rng.randint(1, 5000)
    return v


def hf_trainer(rng: random.Random, fault: Optional[str]) -> tuple[str, str]:
    r = Run(rng, n=rng.choice([10000, 52002, 200000]), batch=rng.choice([4, 8, 16, 32]))
    max_steps = rng.choice([500, 1000, 3000, 10000]) if fault or rng.random() < 0.6 else None
    v = _hf_common(rng, r, fault, max_steps)
    model = rng.choice(BASE_MODELS)
    lines = ["# TrainingArguments for run_clm.py / Trainer", f"model_name_or_path: {model}",
             f"dataset_name: {rng.choice(DATASETS_TEXT)}", f"output_dir: ./checkpoints/{model.split('/')[1].lower()}",
             "overwrite_output_dir: true", "", "# training", "do_train: true", "do_eval: true",
             f"num_train_epochs: {rng.choice([1, 2, 3, 5])}"]
    if max_steps:
        lines.append(f"max_steps: {max_steps}")
    lines += [f"per_device_train_batch_size: {r.batch}", f"per_device_eval_batch_size: {r.batch * 2}",
              f"gradient_accumulation_steps: {r.accum}", f"learning_rate: {yv(rng.choice([1e-5, 2e-5, 5e-5, 1e-4]))}",
              "weight_decay: 0.01", "adam_beta1: 0.9", "adam_beta2: 0.999", "adam_epsilon: 1.0e-8",
              "max_grad_norm: 1.0", f"lr_scheduler_type: {rng.choice(['linear', 'cosine', 'constant_with_warmup'])}",
              f"warmup_steps: {v['warmup_steps']}", "", "# evaluation and checkpoints",
              "eval_strategy: steps", f"eval_steps: {v['eval_steps']}", "save_strategy: steps",
              f"save_steps: {v['save_steps']}", "save_total_limit: 3", "load_best_model_at_end: false",
              "logging_strategy: steps", f"logging_steps: {v['logging_steps']}", "logging_first_step: true", "",
              "# data loading", f"dataloader_num_workers: {rng.choice([2, 4, 8])}",
              "dataloader_drop_last: false", "dataloader_pin_memory: true",
              f"max_seq_length: {rng.choice([512, 1024, 2048, 4096])}", "group_by_length: false", "",
              "# precision and memory", "bf16: true", "tf32: true", "gradient_checkpointing: true",
              "optim: adamw_torch_fused", "torch_compile: false", "", f"seed: {r.seed}", f"data_seed: {r.seed}",
              "report_to: [tensorboard, wandb]", f"run_name: {model.split('/')[1].lower()}-sft",
              "push_to_hub: false", "ddp_find_unused_parameters: false", "remove_unused_columns: true"]
    return "yaml", "\n".join(lines) + "\n"


def llama_factory(rng: random.Random, fault: Optional[str]) -> tuple[str, str]:
    r = Run(rng, n=rng.choice([1000, 5000, 20000]), batch=rng.choice([1, 2, 4, 8]))
    max_steps = rng.choice([200, 500, 1000]) if fault or rng.random() < 0.3 else None
    v = _hf_common(rng, r, fault, max_steps)
    model = rng.choice(BASE_MODELS)
    lines = ["### model", f"model_name_or_path: {model}", "trust_remote_code: true", "",
             "### method", f"stage: {rng.choice(['sft', 'pt', 'dpo'])}", "do_train: true",
             f"finetuning_type: {rng.choice(['lora', 'full', 'freeze'])}", f"lora_rank: {rng.choice([8, 16, 64])}",
             "lora_target: all", "", "### dataset", f"dataset: {rng.choice(['alpaca_en_demo', 'identity', 'glaive_toolcall_en_demo'])}",
             f"template: {rng.choice(['llama3', 'qwen', 'mistral', 'gemma'])}", f"cutoff_len: {rng.choice([1024, 2048, 4096])}",
             f"max_samples: {r.n}", "overwrite_cache: true", "preprocessing_num_workers: 16",
             "dataloader_num_workers: 4", "", "### output", f"output_dir: saves/{model.split('/')[1].lower()}/lora/sft",
             f"logging_steps: {v['logging_steps']}", f"save_steps: {v['save_steps']}", "plot_loss: true",
             "overwrite_output_dir: true", "save_only_model: false", "report_to: none", "", "### train",
             f"per_device_train_batch_size: {r.batch}", f"gradient_accumulation_steps: {r.accum * 4}",
             f"learning_rate: {yv(rng.choice([1e-5, 5e-5, 1e-4]))}", f"num_train_epochs: {float(rng.choice([1, 3, 5]))}"]
    if max_steps:
        lines.append(f"max_steps: {max_steps}")
    lines += [f"lr_scheduler_type: {rng.choice(['cosine', 'linear'])}", f"warmup_steps: {v['warmup_steps']}",
              "bf16: true", "ddp_timeout: 180000000", "resume_from_checkpoint: null", "",
              "### eval", "val_size: 0.1", f"per_device_eval_batch_size: {r.batch}", "eval_strategy: steps",
              f"eval_steps: {v['eval_steps']}"]
    return "yaml", "\n".join(lines) + "\n"


def axolotl(rng: random.Random, fault: Optional[str]) -> tuple[str, str]:
    r = Run(rng, n=20000, batch=rng.choice([1, 2, 4, 8]))
    max_steps = rng.choice([300, 1000, 2000]) if fault or rng.random() < 0.3 else None
    v = _hf_common(rng, r, fault, max_steps)
    model = rng.choice(BASE_MODELS)
    ds = rng.sample(DATASETS_TEXT, 2)
    lines = [f"base_model: {model}", "model_type: AutoModelForCausalLM", "tokenizer_type: AutoTokenizer", "",
             f"load_in_8bit: {yv(rng.random() < 0.3)}", "load_in_4bit: false", "strict: false", "",
             "datasets:", f"  - path: {ds[0]}", "    type: alpaca", f"  - path: {ds[1]}", "    type: chat_template",
             "    field_messages: messages", "    message_property_mappings:", "      role: role", "      content: content",
             "dataset_prepared_path: last_run_prepared", "val_set_size: 0.05", "output_dir: ./outputs/out", "",
             f"sequence_len: {rng.choice([2048, 4096, 8192])}", "sample_packing: true", "pad_to_sequence_len: true", "",
             f"adapter: {rng.choice(['lora', 'qlora'])}", "lora_r: 32", "lora_alpha: 16", "lora_dropout: 0.05",
             "lora_target_linear: true", "", "wandb_project:", "wandb_entity:", "wandb_name:", "",
             f"gradient_accumulation_steps: {r.accum * 2}", f"micro_batch_size: {r.batch}",
             f"num_epochs: {rng.choice([1, 2, 3, 4])}"]
    if max_steps:
        lines.append(f"max_steps: {max_steps}")
    lines += ["optimizer: adamw_bnb_8bit", f"lr_scheduler: {rng.choice(['cosine', 'linear'])}",
              f"learning_rate: {yv(rng.choice([2e-5, 1e-4, 2e-4]))}", "", "bf16: auto", "tf32: false", "",
              "gradient_checkpointing: true", "resume_from_checkpoint:", f"logging_steps: {v['logging_steps']}",
              "flash_attention: true", "", f"warmup_steps: {v['warmup_steps']}", f"eval_steps: {v['eval_steps']}",
              f"save_steps: {v['save_steps']}", "weight_decay: 0.0", "special_tokens:", "  pad_token: <|end_of_text|>"]
    return "yaml", "\n".join(lines) + "\n"


def lightning_cli(rng: random.Random, fault: Optional[str]) -> tuple[str, str]:
    dataset, n = rng.choice(DATASETS_CV)
    r = Run(rng, n=n)
    every = f"every_n_epochs: {max(1, r.epochs // 10)}"  # the scheduler counts epochs too (no SL101)
    max_steps = -1
    if fault == "checkpoint_beyond_run":
        every = f"every_n_epochs: {r.epochs + rng.randint(1, 50)}"
    elif fault == "epochs_vs_max_steps":
        max_steps = max(1, r.total // 4)
    log_every = min(r.log_every, max(1, r.batches_per_epoch // 2))
    devices = r.world
    lines = ["# lightning.pytorch.cli.LightningCLI config", f"seed_everything: {r.seed}", "trainer:",
             "  accelerator: gpu", f"  devices: {devices}", "  num_nodes: 1", "  strategy: auto",
             f"  precision: {rng.choice(['bf16-mixed', '16-mixed', '32-true'])}", f"  max_epochs: {r.epochs}",
             f"  max_steps: {max_steps}", f"  accumulate_grad_batches: {r.accum}", "  gradient_clip_val: 1.0",
             f"  log_every_n_steps: {log_every}", "  check_val_every_n_epoch: 1", "  deterministic: false",
             "  benchmark: true", "  logger:", "    class_path: lightning.pytorch.loggers.TensorBoardLogger",
             "    init_args:", "      save_dir: lightning_logs", f"      name: {dataset}", "  callbacks:",
             "    - class_path: lightning.pytorch.callbacks.ModelCheckpoint", "      init_args:",
             "        monitor: val/acc", "        mode: max", "        save_top_k: 3", "        save_last: true",
             f"        {every}", "    - class_path: lightning.pytorch.callbacks.LearningRateMonitor",
             "      init_args:", "        logging_interval: step",
             "    - class_path: lightning.pytorch.callbacks.EarlyStopping", "      init_args:",
             "        monitor: val/loss", "        patience: 10", "model:", f"  class_path: mylab.models.{rng.choice(['Classifier', 'LitResNet', 'LitViT'])}",
             "  init_args:", f"    arch: {rng.choice(ARCHS)}", f"    num_classes: {rng.choice([10, 100, 1000])}",
             f"    lr: {yv(r.lr)}", "    weight_decay: 0.05", "data:", f"  class_path: mylab.data.{dataset.title().replace('_', '')}DataModule",
             "  init_args:", f"    data_dir: /datasets/{dataset}", f"    batch_size: {r.batch}",
             f"    num_workers: {rng.choice([4, 8])}", f"    train_size: {r.n}", "optimizer:",
             "  class_path: torch.optim.AdamW", "  init_args:", f"    lr: {yv(r.lr)}", "    weight_decay: 0.05",
             "lr_scheduler:", "  class_path: torch.optim.lr_scheduler.CosineAnnealingLR", "  init_args:",
             f"    T_max: {r.epochs}", "ckpt_path: null"]
    return "yaml", "\n".join(lines) + "\n"


def deepspeed_json(rng: random.Random, fault: Optional[str]) -> tuple[str, str]:
    micro = rng.choice([1, 2, 4, 8, 16])
    accum = rng.choice([1, 2, 4, 8])
    world = rng.choice([8, 16, 32, 64])
    train_batch = micro * accum * world
    total = rng.choice([10000, 50000, 100000, 300000])
    warmup = max(1, total // rng.choice([50, 100, 20]))
    if fault == "warmup_exceeds_run":
        warmup = total + rng.randint(1, 5000)
    elif fault == "global_batch_mismatch":
        train_batch = train_batch + micro * rng.choice([1, 3])
    stage = rng.choice([1, 2, 3])
    conf = {
        "train_batch_size": train_batch,
        "train_micro_batch_size_per_gpu": micro,
        "gradient_accumulation_steps": accum,
        "steps_per_print": rng.choice([10, 100, 1000]),
        "optimizer": {"type": "AdamW", "params": {"lr": rng.choice([1e-4, 3e-4, 6e-4]), "betas": [0.9, 0.95],
                                                   "eps": 1e-8, "weight_decay": 0.1}},
        "scheduler": {"type": "WarmupDecayLR", "params": {"warmup_min_lr": 0, "warmup_max_lr": 3e-4,
                                                          "warmup_num_steps": warmup, "total_num_steps": total,
                                                          "warmup_type": "linear"}},
        "gradient_clipping": 1.0,
        "bf16": {"enabled": True},
        "fp16": {"enabled": False, "loss_scale": 0, "initial_scale_power": 16, "loss_scale_window": 1000,
                 "hysteresis": 2, "min_loss_scale": 1},
        "zero_optimization": {"stage": stage, "overlap_comm": True, "contiguous_gradients": True,
                              "reduce_bucket_size": 5e8, "allgather_bucket_size": 5e8,
                              "offload_optimizer": {"device": rng.choice(["cpu", "none"]), "pin_memory": True}},
        "activation_checkpointing": {"partition_activations": False, "contiguous_memory_optimization": False,
                                     "cpu_checkpointing": False},
        "wall_clock_breakdown": False,
        "flops_profiler": {"enabled": False, "profile_step": 1, "module_depth": -1, "top_modules": 3},
    }
    if stage == 3:
        conf["zero_optimization"].update({"stage3_prefetch_bucket_size": 5e7, "stage3_param_persistence_threshold": 1e5,
                                          "stage3_max_live_parameters": 1e9, "stage3_gather_16bit_weights_on_model_save": True})
    return "json", json.dumps(conf, indent=2) + "\n"


def torchtune(rng: random.Random, fault: Optional[str]) -> tuple[str, str]:
    r = Run(rng, n=52002, batch=rng.choice([2, 4, 8]))
    model = rng.choice(["llama3_2.llama3_2_1b", "llama3_1.llama3_1_8b", "qwen2_5.qwen2_5_7b_base", "gemma2.gemma2_2b"])
    lora = rng.random() < 0.6
    warmup = rng.choice([10, 50, 100])
    max_steps_per_epoch = rng.choice(["null", "null", "1000"])
    epochs = rng.choice([1, 2, 3])
    if fault == "warmup_exceeds_run":
        max_steps_per_epoch = str(rng.choice([20, 50]))
        warmup = int(max_steps_per_epoch) * epochs + rng.randint(10, 500)
    family, fn = model.split(".")
    lines = [f"# Config for single device {'LoRA' if lora else 'full'} finetuning of {fn}",
             "#   tune run lora_finetune_single_device --config this.yaml", "",
             f"output_dir: /tmp/torchtune/{fn}/{'lora' if lora else 'full'}", "",
             "# Model Arguments", "model:", f"  _component_: torchtune.models.{model}" + ("" if not lora else "")]
    if lora:
        lines = lines[:-1] + [f"  _component_: torchtune.models.{family}.lora_{fn}",
                              "  lora_attn_modules: ['q_proj', 'v_proj', 'output_proj']",
                              "  apply_lora_to_mlp: true", f"  lora_rank: {rng.choice([8, 16, 64])}",
                              "  lora_alpha: 16", "  lora_dropout: 0.0"]
    lines += ["", "# Tokenizer", "tokenizer:", f"  _component_: torchtune.models.{family}.{family}_tokenizer",
              f"  path: /tmp/{fn}/original/tokenizer.model", "  max_seq_len: null", "",
              "checkpointer:", "  _component_: torchtune.training.FullModelHFCheckpointer",
              f"  checkpoint_dir: /tmp/{fn}/", "  checkpoint_files: [model-00001-of-00002.safetensors, model-00002-of-00002.safetensors]",
              "  recipe_checkpoint: null", "  output_dir: ${output_dir}", "  model_type: LLAMA3",
              "resume_from_checkpoint: false", "save_adapter_weights_only: false", "",
              "# Dataset and Sampler", "dataset:", "  _component_: torchtune.datasets.alpaca_cleaned_dataset",
              "  packed: false", "seed: null", "shuffle: true", f"batch_size: {r.batch}", "",
              "# Optimizer and Scheduler", "optimizer:", "  _component_: torch.optim.AdamW", "  fused: true",
              "  weight_decay: 0.01", f"  lr: {yv(rng.choice([3e-4, 2e-5, 1e-4]))}", "lr_scheduler:",
              "  _component_: torchtune.training.lr_schedulers.get_cosine_schedule_with_warmup",
              f"  num_warmup_steps: {warmup}", "", "loss:", "  _component_: torchtune.modules.loss.CEWithChunkedOutputLoss", "",
              "# Training", f"epochs: {epochs}", f"max_steps_per_epoch: {max_steps_per_epoch}",
              f"gradient_accumulation_steps: {r.accum * 8}", "compile: false", "",
              "# Logging", "metric_logger:", "  _component_: torchtune.training.metric_logging.DiskLogger",
              "  log_dir: ${output_dir}/logs", "log_every_n_steps: 1", "log_peak_memory_stats: true", "",
              "# Environment", "device: cuda", "dtype: bf16", "enable_activation_checkpointing: true", "",
              "profiler:", "  _component_: torchtune.training.setup_torch_profiler", "  enabled: false",
              "  output_dir: ${output_dir}/profiling_outputs", "  wait_steps: 5", "  warmup_steps: 3",
              "  active_steps: 2", "  num_cycles: 1"]
    return "yaml", "\n".join(lines) + "\n"


def composer(rng: random.Random, fault: Optional[str]) -> tuple[str, str]:
    global_batch = rng.choice([256, 512, 1024])
    micro = rng.choice([8, 16, 32])
    total_ba = rng.choice([2400, 4800, 24800, 60000])
    warmup_ba = max(1, total_ba // rng.choice([20, 50, 100]))
    eval_ba = max(1, total_ba // 10)
    save_ba = max(1, total_ba // 4)
    if fault == "warmup_exceeds_run":
        warmup_ba = total_ba + rng.randint(1, 2000)
    elif fault == "checkpoint_beyond_run":
        save_ba = total_ba + rng.randint(100, 20000)
    size = rng.choice(["125m", "350m", "760m", "1b", "3b"])
    d_model = {"125m": 768, "350m": 1024, "760m": 1536, "1b": 2048, "3b": 2560}[size]
    lines = ["variables:", "  data_local: ./my-copy-c4", "  data_remote:  # If blank, files must be present in data_local",
             f"  max_seq_len: {rng.choice([1024, 2048])}", "  global_seed: 17", "", f"  run_name: mpt-{size}", "",
             "max_seq_len: ${variables.max_seq_len}", "run_name: ${variables.run_name}", "", "# Model", "model:",
             "  name: mpt_causal_lm", "  init_device: meta", f"  d_model: {d_model}", f"  n_heads: {d_model // 128}",
             f"  n_layers: {rng.choice([12, 24, 32])}", "  expansion_ratio: 4", "  max_seq_len: ${variables.max_seq_len}",
             "  vocab_size: 50368", "  attn_config:", "    attn_impl: flash", "", "# Tokenizer", "tokenizer:",
             "  name: EleutherAI/gpt-neox-20b", "  kwargs:", "    model_max_length: ${variables.max_seq_len}", "",
             "# Dataloaders", "train_loader:", "  name: text", "  dataset:", "    local: ${variables.data_local}",
             "    split: train", "    shuffle: true", "    max_seq_len: ${variables.max_seq_len}",
             "    shuffle_seed: ${variables.global_seed}", "  drop_last: true", "  num_workers: 8", "",
             "eval_loader:", "  name: text", "  dataset:", "    local: ${variables.data_local}", "    split: val_small",
             "    shuffle: false", "    max_seq_len: ${variables.max_seq_len}", "  drop_last: false", "  num_workers: 8", "",
             "# Optimization", "scheduler:", "  name: cosine_with_warmup", f"  t_warmup: {warmup_ba}ba", "  alpha_f: 0.1", "",
             "optimizer:", "  name: decoupled_adamw", f"  lr: {yv(rng.choice([6e-4, 3e-4, 2e-4]))}", "  betas:", "  - 0.9",
             "  - 0.95", "  eps: 1.0e-08", "  weight_decay: 0.0", "", "algorithms:", "  gradient_clipping:",
             "    clipping_type: norm", "    clipping_threshold: 1.0", "", f"max_duration: {total_ba}ba",
             f"eval_interval: {eval_ba}ba", "eval_first: false", "eval_subset_num_batches: -1",
             f"global_train_batch_size: {global_batch}", "", "# System", "seed: ${variables.global_seed}",
             f"device_eval_batch_size: {micro}", f"device_train_microbatch_size: {micro}", "precision: amp_bf16", "",
             "fsdp_config:", "  sharding_strategy: FULL_SHARD", "  mixed_precision: PURE", "  activation_checkpointing: false",
             "  activation_cpu_offload: false", "  limit_all_gathers: true", "", "# Logging", "progress_bar: false",
             "log_to_console: true", "console_log_interval: 1ba", "", "callbacks:", "  speed_monitor:",
             "    window_size: 10", "  lr_monitor: {}", "  memory_monitor: {}", "  runtime_estimator: {}", "",
             "# Checkpoint to local filesystem or remote object store", f"save_interval: {save_ba}ba",
             "save_num_checkpoints_to_keep: 1", "save_folder: ./{run_name}/checkpoints"]
    return "yaml", "\n".join(lines) + "\n"


def detectron2(rng: random.Random, fault: Optional[str]) -> tuple[str, str]:
    max_iter = rng.choice([90000, 180000, 270000, 40000])
    steps = (int(max_iter * 0.78), int(max_iter * 0.93))
    warmup = rng.choice([1000, 500, 2000])
    ckpt = rng.choice([5000, 10000, 20000])
    eval_period = rng.choice([0, 5000, 10000])
    if fault == "milestones_past_end":
        steps = (int(max_iter * 0.8), max_iter + rng.randint(1000, 50000))
    elif fault == "warmup_exceeds_run":
        warmup = max_iter + rng.randint(1, 10000)
    elif fault == "checkpoint_beyond_run":
        ckpt = max_iter + rng.randint(1000, 100000)
    depth = rng.choice([50, 101])
    norm = rng.choice(['"FrozenBN"', '"SyncBN"', '"BN"', '"GN"'])
    lines = [f"_BASE_: \"../Base-RCNN-{rng.choice(['FPN', 'C4', 'DilatedC5'])}.yaml\"", "MODEL:",
             "  META_ARCHITECTURE: \"GeneralizedRCNN\"", f"  WEIGHTS: \"detectron2://ImageNetPretrained/MSRA/R-{depth}.pkl\"",
             f"  MASK_ON: {yv(rng.random() < 0.5)}", "  PIXEL_MEAN: [103.530, 116.280, 123.675]",
             "  PIXEL_STD: [1.0, 1.0, 1.0]", "  RESNETS:", f"    DEPTH: {depth}", f"    NORM: {norm}",
             "    STRIDE_IN_1X1: true", "    OUT_FEATURES: [\"res2\", \"res3\", \"res4\", \"res5\"]", "  FPN:",
             "    IN_FEATURES: [\"res2\", \"res3\", \"res4\", \"res5\"]", f"    NORM: {norm}", "  ANCHOR_GENERATOR:",
             "    SIZES: [[32], [64], [128], [256], [512]]", "    ASPECT_RATIOS: [[0.5, 1.0, 2.0]]", "  RPN:",
             "    IN_FEATURES: [\"p2\", \"p3\", \"p4\", \"p5\", \"p6\"]", "    PRE_NMS_TOPK_TRAIN: 2000",
             "    PRE_NMS_TOPK_TEST: 1000", "    POST_NMS_TOPK_TRAIN: 1000", "    POST_NMS_TOPK_TEST: 1000", "  ROI_HEADS:",
             "    NAME: \"StandardROIHeads\"", "    IN_FEATURES: [\"p2\", \"p3\", \"p4\", \"p5\"]",
             f"    NUM_CLASSES: {rng.choice([80, 1203, 20])}", "    BATCH_SIZE_PER_IMAGE: 512", "  ROI_BOX_HEAD:",
             "    NAME: \"FastRCNNConvFCHead\"", "    NUM_FC: 2", "    POOLER_RESOLUTION: 7", "DATASETS:",
             "  TRAIN: (\"coco_2017_train\",)", "  TEST: (\"coco_2017_val\",)", "DATALOADER:",
             "  NUM_WORKERS: 4", "  FILTER_EMPTY_ANNOTATIONS: true", "SOLVER:",
             f"  IMS_PER_BATCH: {rng.choice([16, 32, 64])}", f"  BASE_LR: {rng.choice([0.02, 0.01, 0.04])}",
             f"  STEPS: ({steps[0]}, {steps[1]})", f"  MAX_ITER: {max_iter}", f"  WARMUP_ITERS: {warmup}",
             "  WARMUP_FACTOR: 0.001", "  WEIGHT_DECAY: 0.0001", f"  CHECKPOINT_PERIOD: {ckpt}", "  AMP:",
             "    ENABLED: true", "INPUT:", "  MIN_SIZE_TRAIN: (640, 672, 704, 736, 768, 800)",
             "  MIN_SIZE_TRAIN_SAMPLING: \"choice\"", "  MAX_SIZE_TRAIN: 1333", "  MIN_SIZE_TEST: 800", "TEST:",
             f"  EVAL_PERIOD: {eval_period}", f"OUTPUT_DIR: \"./output/mask_rcnn_R_{depth}_FPN\"", "VERSION: 2"]
    return "yaml", "\n".join(lines) + "\n"


# dialect -> (writer, faults it can carry)
DIALECTS: dict[str, tuple[Callable, tuple[str, ...]]] = {
    "steplint": (native, ("total_steps_off", "warmup_exceeds_run", "checkpoint_beyond_run",
                          "batchnorm_no_drop_last", "milestones_past_end")),
    "generic": (generic, ("warmup_exceeds_run", "checkpoint_beyond_run", "total_steps_off",
                          "batchnorm_no_drop_last", "milestones_past_end", "epochs_vs_max_steps")),
    "hf-trainer": (hf_trainer, ("warmup_exceeds_run", "checkpoint_beyond_run", "eval_beyond_run")),
    "llama-factory": (llama_factory, ("warmup_exceeds_run", "checkpoint_beyond_run", "eval_beyond_run")),
    "axolotl": (axolotl, ("warmup_exceeds_run", "checkpoint_beyond_run", "eval_beyond_run")),
    "lightning-cli": (lightning_cli, ("checkpoint_beyond_run", "epochs_vs_max_steps")),
    "deepspeed": (deepspeed_json, ("warmup_exceeds_run", "global_batch_mismatch")),
    "torchtune": (torchtune, ("warmup_exceeds_run",)),
    "composer": (composer, ("warmup_exceeds_run", "checkpoint_beyond_run")),
    "detectron2": (detectron2, ("milestones_past_end", "warmup_exceeds_run", "checkpoint_beyond_run")),
}


def generate_corpus(out_dir: str, files: int = 2000, seed: int = 0, fault_rate: float = FAULT_RATE) -> list[tuple[str, str, str]]:
    """Write `files` configs under out_dir (round-robin over the dialects); return the manifest rows."""
    rng = random.Random(seed)
    names = list(DIALECTS)
    rows = []
    os.makedirs(out_dir, exist_ok=True)
    for i in range(files):
        dialect = names[i % len(names)]
        writer, faults = DIALECTS[dialect]
        fault = rng.choice(faults) if rng.random() < fault_rate else None
        ext, text = writer(random.Random(rng.getrandbits(64)), fault)
        project = PROJECTS[rng.randrange(len(PROJECTS))]
        rel = os.path.join(dialect, project, f"{dialect.replace('-', '_')}_{i:05d}.{ext}")
        path = os.path.join(out_dir, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        rows.append((rel, dialect, fault or "clean"))
    with open(os.path.join(out_dir, "MANIFEST.tsv"), "w", encoding="utf-8") as fh:
        fh.write("file\tdialect\tfault\n")
        fh.writelines(f"{a}\t{b}\t{c}\n" for a, b, c in rows)
    return rows


# ----------------------------------------------------------------------------------------------
# one large file: a real training config whose long maps and lists make up the size

def big_config(size: int, seed: int = 0) -> str:
    """A generic-dialect config of about `size` bytes: per-parameter LR multipliers and freeze flags
    (a map with one key per parameter tensor, as layer-wise LR decay configs have) and a dataset
    mixture (a list of mappings), then the training section at the end, after the bulk."""
    rng = random.Random(seed)
    head = ["# layer-wise LR decay fine-tune with a large dataset mixture", f"experiment: lld_mixture_{seed}",
            "seed: 42", "output_dir: runs/lld", "", "data:", "  num_samples: 1281167", "  batch_size: 128",
            "  drop_last: true", "  num_workers: 16", "model:", "  arch: vit_base_patch16_224", "  norm: layer",
            "  drop_path: 0.1", "optimizer:", "  name: adamw", "  lr: 5.0e-4", "  weight_decay: 0.05",
            "scheduler:", "  name: cosine", "  interval: step", "  warmup_epochs: 5", "train:", "  epochs: 100",
            "  world_size: 8", "checkpoint:", "  save_every_n_epochs: 10", "logging:", "  log_every: 50", ""]
    tail = ["", "# end of generated parameter groups"]
    parts = ["\n".join(head) + "\n", "param_groups:\n"]
    total = sum(len(p) for p in parts) + len("\n".join(tail)) + 1
    mixture: list[str] = []
    block = 0
    while total < size:
        # one transformer block: 12 parameter tensors, each a small mapping
        for name in ("attn.qkv.weight", "attn.qkv.bias", "attn.proj.weight", "attn.proj.bias", "norm1.weight",
                     "norm1.bias", "mlp.fc1.weight", "mlp.fc1.bias", "mlp.fc2.weight", "mlp.fc2.bias",
                     "norm2.weight", "norm2.bias"):
            decay = 0.0 if name.endswith("bias") or name.startswith("norm") else 0.05
            entry = (f"  blocks.{block}.{name}:\n    lr_scale: {0.75 ** (block % 48):.6f}\n"
                     f"    weight_decay: {decay}\n    freeze: {yv(rng.random() < 0.1)}\n")
            parts.append(entry)
            total += len(entry)
        # and one dataset of the mixture
        ds = rng.choice(DATASETS_TEXT)
        item = (f"  - path: {ds}\n    split: train[{rng.randint(0, 90)}%:]\n    weight: {rng.uniform(0.01, 1):.4f}\n"
                f"    max_samples: {rng.randint(1000, 100000)}\n    shuffle_seed: {rng.randint(0, 9999)}\n")
        mixture.append(item)
        total += len(item)
        block += 1
    text = "".join(parts) + "dataset_mixture:\n" + "".join(mixture) + "\n".join(tail) + "\n"
    return text


def parse_size(text: str) -> int:
    text = text.strip().upper().replace("IB", "B")
    for suffix, factor in (("KB", 1024), ("MB", 1024 ** 2), ("K", 1024), ("M", 1024 ** 2), ("B", 1)):
        if text.endswith(suffix):
            return int(float(text[: -len(suffix)]) * factor)
    return int(text)


def main(argv: Optional[list[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="mode", required=True)
    c = sub.add_parser("corpus", help="a directory of configs across dialects")
    c.add_argument("out")
    c.add_argument("--files", type=int, default=2000)
    c.add_argument("--seed", type=int, default=0)
    c.add_argument("--fault-rate", type=float, default=FAULT_RATE)
    b = sub.add_parser("big", help="one large config")
    b.add_argument("out")
    b.add_argument("--size", default="1MB")
    b.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.mode == "corpus":
        rows = generate_corpus(args.out, args.files, args.seed, args.fault_rate)
        faulty = sum(1 for r in rows if r[2] != "clean")
        print(f"{len(rows)} files ({faulty} with a fault) in {args.out}")
    else:
        text = big_config(parse_size(args.size), args.seed)
        with open(args.out, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        print(f"{len(text.encode())} bytes, {text.count(chr(10))} lines in {args.out}")


if __name__ == "__main__":
    main()
