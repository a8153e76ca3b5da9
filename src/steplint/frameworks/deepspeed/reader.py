"""DeepSpeed config JSON (`ds_config.json`), on its own or pointed to by a Hugging Face config.

What DeepSpeed does with the numbers (frameworks.md §6; deepspeed/runtime/config.py
`_set_batch_related_parameters`, `_batch_assertion`; deepspeed/runtime/lr_schedules.py):

    train_batch_size = train_micro_batch_size_per_gpu × gradient_accumulation_steps × world_size
    a missing one is derived with floor division (GA = train_batch // micro // world, ...), then
    DeepSpeed asserts the product is exact and every factor > 0 at deepspeed.initialize.
    "auto" values are filled by the Hugging Face Trainer (or accelerate): unknown here.
    WarmupLR / WarmupDecayLR / WarmupCosineLR count optimizer steps: warmup_num_steps (default
    1000); total_num_steps is a required argument of WarmupDecayLR and WarmupCosineLR.

The batch triple goes into the canonical model (micro-batch, accumulation, global batch), so the
generic global-batch rule (SL303) checks it; the scheduler rule is SL411.
"""

from __future__ import annotations

import math
import os
from typing import Any, NamedTuple, Optional

from ...named_files import read_named
from ...units import Unit, to_number
from ..base import Adapted, Dialect, RunBuilder, Semantics, Source

DISTINCTIVE_KEYS = {
    "train_micro_batch_size_per_gpu", "train_batch_size", "zero_optimization", "steps_per_print",
    "wall_clock_breakdown", "zero_allow_untested_optimizer", "prescale_gradients", "gradient_predivide_factor",
    "activation_checkpointing", "flops_profiler", "aio", "comms_logger", "amp", "data_efficiency",
    "compression_training", "zero_force_ds_cpu_optimizer", "communication_data_type", "sparse_gradients",
    "elasticity", "autotuning", "tensorboard", "csv_monitor", "pipeline", "checkpoint", "dump_state",
    "memory_breakdown", "curriculum_learning", "bf16", "fp16", "gradient_clipping", "sparse_attention",
}
# GPT-NeoX and Megatron configs embed DeepSpeed keys next to their own: those dialects read them.
NOT_DEEPSPEED = {"num_layers", "hidden_size", "num_attention_heads", "seq_length", "train_iters", "lr_decay_iters",
                 "pipe_parallel_size", "model_parallel_size", "max_position_embeddings", "tokenizer_type"}
SCHEDULERS_WITH_TOTAL = ("WarmupDecayLR", "WarmupCosineLR")
WARMUP_DEFAULT = 1000
SEMANTICS = Semantics(name="DeepSpeed: train_batch_size = micro-batch × accumulation × world size (asserted at "
                           "deepspeed.initialize); scheduler stepped every optimizer step")


class DSValue(NamedTuple):
    """One value of the file (immutable; a NamedTuple, built per key without the __setattr__ call per
    field a frozen dataclass makes)."""

    value: Any  # an int/float, "auto", or text steplint cannot read
    key: str  # dotted key path in the DeepSpeed file

    @property
    def auto(self) -> bool:
        return isinstance(self.value, str) and self.value.strip().lower() == "auto"

    @property
    def number(self) -> Optional[float]:
        number = None if isinstance(self.value, bool) else to_number(self.value)
        return number if number is not None and math.isfinite(number) else None


class DeepSpeedConfig(NamedTuple):
    """The time-related values of one DeepSpeed config (immutable, like DSValue)."""

    where: str  # how messages name the file ("ds_z3_config.json")
    micro: Optional[DSValue] = None
    accumulation: Optional[DSValue] = None
    train_batch: Optional[DSValue] = None
    scheduler: Optional[DSValue] = None  # scheduler.type
    warmup_num_steps: Optional[DSValue] = None
    total_num_steps: Optional[DSValue] = None
    warmup_max_lr: Optional[DSValue] = None
    optimizer_lr: Optional[DSValue] = None
    gradient_clipping: Optional[DSValue] = None


class DSSettings(NamedTuple):
    """What the DeepSpeed rules read from a standalone DeepSpeed file. The DeepSpeed rules also run on
    a Trainer config, whose settings give the DeepSpeed file it points to under the same names.
    Immutable, like DSValue."""

    deepspeed: DeepSpeedConfig
    deepspeed_key: Optional[str] = None  # where a Trainer config names the file; None: this file


def parse(data: dict, where: str, prefix: str = "") -> DeepSpeedConfig:
    lead = f"{prefix}." if prefix else ""
    root = data if isinstance(data, dict) else {}
    scheduler, optimizer = root.get("scheduler"), root.get("optimizer")
    scheduler_params = scheduler.get("params") if isinstance(scheduler, dict) else None
    optimizer_params = optimizer.get("params") if isinstance(optimizer, dict) else None
    in_scheduler = f"{lead}scheduler.params."
    return DeepSpeedConfig(
        where=where, micro=_value(root, "train_micro_batch_size_per_gpu", lead),
        accumulation=_value(root, "gradient_accumulation_steps", lead),
        train_batch=_value(root, "train_batch_size", lead), scheduler=_value(scheduler, "type", f"{lead}scheduler."),
        warmup_num_steps=_value(scheduler_params, "warmup_num_steps", in_scheduler),
        total_num_steps=_value(scheduler_params, "total_num_steps", in_scheduler),
        warmup_max_lr=_value(scheduler_params, "warmup_max_lr", in_scheduler),
        optimizer_lr=_value(optimizer_params, "lr", f"{lead}optimizer.params."),
        gradient_clipping=_value(root, "gradient_clipping", lead))


def _value(block: Any, name: str, block_path: str) -> Optional[DSValue]:
    """block[name] as a DSValue keyed `block_path + name`; None when the block or the value is
    absent, null, or not a single value."""
    value = block.get(name) if isinstance(block, dict) else None
    if value is None or isinstance(value, (dict, list)):
        return None
    return DSValue(value, block_path + name)


MAX_FILE_BYTES = 1024 * 1024


def load_file(path: str) -> Optional[DeepSpeedConfig]:
    """The DeepSpeed JSON another config names; None when it cannot be used."""
    named = read_named(path)
    return None if named.problem else parse(named.data, os.path.basename(path))


class DeepSpeed(Dialect):
    name = "deepspeed"
    description = "DeepSpeed config JSON: batch triple (micro × accumulation × world) and LR scheduler steps"
    triggers = frozenset(DISTINCTIVE_KEYS | {"train_micro_batch_size_per_gpu", "zero_optimization", "steps_per_print", "zero_allow_untested_optimizer", "wall_clock_breakdown", "train_batch_size"})

    def score(self, data: dict) -> float:
        keys = {k for k in data if isinstance(k, str)}
        if keys & NOT_DEEPSPEED:
            return 0.0
        distinctive = keys & DISTINCTIVE_KEYS
        strong = {"train_micro_batch_size_per_gpu", "zero_optimization", "steps_per_print",
                  "zero_allow_untested_optimizer", "wall_clock_breakdown"} & keys
        if strong and (len(distinctive) >= 2 or _is_ds_block(data.get("optimizer"))
                       or _is_ds_block(data.get("scheduler")) or "gradient_accumulation_steps" in keys):
            return 0.8
        if "train_batch_size" in keys and len(distinctive) >= 3:
            return 0.7
        if len(distinctive) >= 3 and _is_ds_block(data.get("optimizer")) | _is_ds_block(data.get("scheduler")):
            return 0.7
        return 0.0

    def adapt(self, data: dict, source: Source) -> Adapted:
        config = parse(data, os.path.basename(source.path) if source.path else "DeepSpeed config")
        b = RunBuilder(strict=False, framework="DeepSpeed")
        auto = []  # the batch triple's keys written "auto"
        for field_name, ds_value in (("train_loader.batch_size", config.micro),
                                     ("gradient_accumulation", config.accumulation),
                                     ("global_batch_size", config.train_batch)):
            if ds_value is None:
                continue
            if ds_value.auto:
                auto.append(ds_value.key)
            else:
                b.count(field_name, ds_value.value, tuple(ds_value.key.split(".")))
        if config.scheduler is not None and isinstance(config.scheduler.value, str):
            b.name("schedule.name", config.scheduler.value, ("scheduler", "type"))
            b.name("schedule.stepped_per", "step", ())
        if auto:
            b.assumptions.append(f"{', '.join(auto)} = auto: filled in by the Hugging Face Trainer or accelerate at "
                                 "launch")
        if config.train_batch is not None and config.accumulation is None and not config.train_batch.auto:
            b.assumptions.append("gradient_accumulation_steps derived by DeepSpeed at launch: train_batch_size // "
                                 "micro-batch // world size")
        return b.build(SEMANTICS, DSSettings(config))


def _is_ds_block(value: Any) -> bool:
    return isinstance(value, dict) and "type" in value and isinstance(value.get("params", {}), dict)


def warmup_and_total(config: DeepSpeedConfig) -> tuple[Optional[float], Optional[float]]:
    """(warmup_num_steps, total_num_steps) as the scheduler uses them, defaults included; None
    where "auto" or unreadable."""
    warmup = WARMUP_DEFAULT if config.warmup_num_steps is None else config.warmup_num_steps.number
    total = None if config.total_num_steps is None else config.total_num_steps.number
    return warmup, total


__all__ = ["DeepSpeed", "DeepSpeedConfig", "DSSettings", "DSValue", "parse", "load_file",
           "warmup_and_total", "SCHEDULERS_WITH_TOTAL", "Unit"]
