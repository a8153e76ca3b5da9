"""The hand-written GPT-NeoX and Megatron-LM argument sets dialect steplint had before its profile (frameworks/neox/profile.yaml),
kept as the reference the profile must reproduce (tests/test_profiles.py).

GPT-NeoX (JSON-like YAML with `#` comments, dashed or underscored keys) and Megatron-LM style keys.

GPT-NeoX [S-NX megatron/neox_arguments/neox_args.py, arguments.py `calculate_batch_parameters`,
megatron/training.py `get_learning_rate_scheduler`]:
    train_iters          optimizer steps (iterations)
    lr_decay_iters       the decay horizon (default train_iters; lr_decay_fraction: floor(train_iters × f))
    warmup               a FRACTION OF lr_decay_iters (warmup_iter = warmup × lr_decay_iters), not of the run
    checkpoint_factor    save every N iterations (checkpoint_scale linear); the last one is always saved
    eval_interval        iterations
    train_batch_size = train_micro_batch_size_per_gpu × gradient_accumulation_steps × data-parallel size
                         (DeepSpeed infers the missing one with floor division, then asserts the product)
Megatron-LM [S-MG megatron/training/arguments.py `validate_args`]: train_iters, lr_decay_iters,
lr_warmup_iters or lr_warmup_fraction (of lr_decay_iters; both -> AssertionError), global_batch_size,
micro_batch_size, save_interval, eval_interval, *_samples variants.
"""

from __future__ import annotations

import math
from typing import Any, Optional

from steplint.units import Unit
from steplint.units import to_number as _to_number
from steplint.frameworks.base import Adapted, Dialect, RunBuilder, Semantics, Source
from steplint.frameworks.neox.settings import NeoxSettings


def to_number(value: Any) -> Optional[float]:
    """units.to_number, without infinities and NaN (`1e999` is not a duration anyone can run)."""
    number = _to_number(value)
    return number if number is not None and math.isfinite(number) else None


_DURATION = {"train_iters", "train_samples", "train_epochs"}
_STRONG = {"lr_decay_iters", "lr_decay_style", "lr_decay_samples", "lr_decay_fraction", "pipe_parallel_size",
           "model_parallel_size", "tensor_model_parallel_size", "pipeline_model_parallel_size",
           "checkpoint_factor", "lr_warmup_iters", "lr_warmup_fraction", "lr_warmup_samples", "seq_length",
           "num_attention_heads", "data_impl", "train_micro_batch_size_per_gpu", "eval_iters",
           "max_position_embeddings", "num_layers", "hidden_size"}




def normalize(data: dict) -> dict[str, str]:
    """Underscored key -> the key as written (`train-iters` and `train_iters` are one key)."""
    keys: dict[str, str] = {}
    for key in data:
        keys.setdefault(str(key).replace("-", "_"), key)
    return keys


class Neox(Dialect):
    name = "gpt-neox"
    description = "GPT-NeoX / Megatron-LM args (train_iters, lr_decay_iters, warmup fraction, DeepSpeed batch triple)"

    def score(self, data: dict) -> float:
        keys = set(normalize(data))
        if not keys & _DURATION:
            return 0.0
        strong = keys & _STRONG
        if len(strong) >= 2:
            return 0.95
        if strong:
            return 0.6
        return 0.0

    def adapt(self, data: dict, source: Source) -> Adapted:
        b = RunBuilder(strict=False, framework="GPT-NeoX (DeepSpeed)")
        keys = normalize(data)
        megatron = bool({"lr_warmup_iters", "lr_warmup_fraction", "lr_warmup_samples", "global_batch_size",
                         "micro_batch_size", "train_samples"} & keys.keys()) and "warmup" not in keys

        def has(key: str) -> bool:
            return key in keys and data[keys[key]] is not None

        def value(key: str) -> Any:
            return data[keys[key]] if key in keys else None

        def path(key: str) -> tuple[str]:
            return (keys[key],)

        def positive(key: str) -> Optional[float]:
            number = to_number(value(key))
            return number if number is not None and number > 0 else None

        settings: dict[str, Any] = {"megatron": megatron}
        # -- batch: the DeepSpeed triple (NeoX) or Megatron's global/micro pair
        for key, field in (("train_batch_size", "global_batch_size"), ("global_batch_size", "global_batch_size"),
                           ("train_micro_batch_size_per_gpu", "train_loader.batch_size"),
                           ("micro_batch_size", "train_loader.batch_size"),
                           ("gradient_accumulation_steps", "gradient_accumulation")):
            if has(key) and not b.has(field) and to_number(value(key)) is not None:
                b.count(field, value(key), path(key))

        # -- run length
        train_iters = positive("train_iters")
        if train_iters is not None and train_iters != int(train_iters):
            train_iters = None  # not a whole number of iterations: RunBuilder reports it below
            b.duration("max_steps", value("train_iters"), path("train_iters"), Unit.STEP)
        if train_iters is not None:
            b.duration("max_steps", train_iters, path("train_iters"), Unit.STEP)
            settings["train_iters"], settings["train_iters_key"] = int(train_iters), keys["train_iters"]
        elif positive("train_samples") is not None:
            b.duration("max_steps", value("train_samples"), path("train_samples"), Unit.SAMPLE)
        if positive("train_epochs") is not None and train_iters is None:
            b.duration("epochs", value("train_epochs"), path("train_epochs"), Unit.EPOCH)

        # -- the decay horizon, which the warmup fraction multiplies
        decay = positive("lr_decay_iters")
        if decay is not None:
            b.duration("schedule.horizon", decay, path("lr_decay_iters"), Unit.STEP)
            settings.update(decay_iters=decay, decay_key=keys["lr_decay_iters"], decay_how="lr_decay_iters")
        elif positive("lr_decay_samples") is not None:
            b.duration("schedule.horizon", value("lr_decay_samples"), path("lr_decay_samples"), Unit.SAMPLE)
        elif positive("lr_decay_fraction") is not None and train_iters is not None:
            fraction = positive("lr_decay_fraction")
            decay = max(int(train_iters * fraction), 1)
            b.duration("schedule.horizon", decay, path("lr_decay_fraction"), Unit.STEP,
                       note=f"floor({int(train_iters)} × {fraction})")
            settings.update(decay_iters=decay, decay_key=keys["lr_decay_fraction"],
                            decay_how=f"floor(train_iters × lr_decay_fraction {fraction})")
        elif train_iters is not None:
            settings.update(decay_iters=train_iters, decay_key=keys["train_iters"], decay_how="train_iters")
        style = value("lr_decay_style")
        if isinstance(style, str):  # AnnealingLR holds min_lr after the horizon: never a periodic cosine
            b.name("schedule.name", f"AnnealingLR({style})", path("lr_decay_style"))

        # with train_epochs alone, the decay horizon is the run NeoX derives from them (megatron/training.py)
        of_the_run = train_iters is None and positive("train_epochs") is not None and not settings.get("megatron") \
            and not {"lr_decay_iters", "lr_decay_samples", "lr_decay_fraction"} & keys.keys()
        self._warmup(b, keys, data, settings, of_the_run)
        # -- intervals (iterations)
        # checkpoint_scale "log" saves at factor^k, not periodically. (`save`, the directory, usually sits
        # in a separate file such as local_setup.yml that NeoX merges in, so its absence here means nothing.)
        scale = value("checkpoint_scale")
        for key in ("checkpoint_factor", "save_interval"):
            if positive(key) is not None and not b.has("checkpoint") \
                    and (key != "checkpoint_factor" or scale in (None, "linear")):
                b.duration("checkpoint", value(key), path(key), Unit.STEP)
        for key, field in (("eval_interval", "eval"), ("log_interval", "logging")):
            if positive(key) is not None and (field != "eval" or to_number(value("eval_iters")) != 0):
                b.duration(field, value(key), path(key), Unit.STEP)
        # eval_iters 0: no validation at all (`do_valid` needs eval_iters > 0), nor at the end
        ruled_out = ("eval",) if has("eval_iters") and to_number(value("eval_iters")) == 0 else ()

        seq = to_number(value("seq_length"))
        what = "Megatron-LM" if megatron else "GPT-NeoX (DeepSpeed)"
        semantics = Semantics(
            f"{what}: iterations are optimizer steps; the global batch = micro-batch × accumulation × "
            f"data-parallel size (asserted; the world size is the data-parallel size, GPUs / (pipeline × "
            f"model parallel)); warmup is a fraction of lr_decay_iters",
            accumulation_from_global=True,
            tokens_per_sample=seq if isinstance(seq, int) and seq > 0 else None,
            final_events=("checkpoint", "eval"),  # the validation after train() (megatron/training.py pretrain)
            ruled_out=ruled_out,
        )
        return b.build(semantics, NeoxSettings(**settings))

    @staticmethod
    def _warmup(b: RunBuilder, keys: dict[str, str], data: dict, settings: dict, of_the_run: bool) -> None:
        decay = settings.get("decay_iters")
        for key in ("warmup", "lr_warmup_fraction"):
            if key not in keys:
                continue
            fraction = to_number(data[keys[key]])
            if fraction is None or isinstance(fraction, bool) or not 0 < fraction:
                continue
            settings["warmup"], settings["warmup_key"] = fraction, keys[key]
            if decay is not None and not b.has("schedule.warmup"):
                b.duration("schedule.warmup", fraction * max(decay, 1), (keys[key],), Unit.STEP,
                           note=f"{fraction} × {settings['decay_how']} {int(decay)}")
            elif decay is None and of_the_run and fraction <= 1 and not b.has("schedule.warmup"):
                b.duration("schedule.warmup", fraction, (keys[key],), Unit.DUR,
                           note=f"{fraction} × train_iters (from train_epochs)")
        if "lr_warmup_iters" in keys:
            iters = to_number(data[keys["lr_warmup_iters"]])
            if iters is not None and iters > 0:
                settings["warmup_iters"], settings["warmup_iters_key"] = iters, keys["lr_warmup_iters"]
                if not b.has("schedule.warmup"):
                    b.duration("schedule.warmup", iters, (keys["lr_warmup_iters"],), Unit.STEP)
        if "lr_warmup_samples" in keys and not b.has("schedule.warmup"):
            b.duration("schedule.warmup", data[keys["lr_warmup_samples"]], (keys["lr_warmup_samples"],),
                       Unit.SAMPLE, zero_is_unset=True)
