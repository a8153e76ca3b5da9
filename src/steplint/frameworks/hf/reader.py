"""Hugging Face Trainer configs: flat YAML of `TrainingArguments` keys, as written for the plain
Trainer, TRL (SFT/DPO/GRPO configs, alignment-handbook and open-r1 recipes) and LLaMA-Factory.

What the Trainer does with the numbers (frameworks.md §1, §8; transformers trainer.py
`set_initial_training_values`, training_args.py `__post_init__` / `get_warmup_steps`,
trainer_callback.py `DefaultFlowCallback`; accelerate data_loader.py `BatchSamplerShard`),
checked against the real Trainer in tests/oracle/hf_trainer_*.json:

    batches = ceil(N / B)  (floor with dataloader_drop_last)
    L       = batches, or ceil(batches / P) on P ranks (floor with drop_last): accelerate shards
              whole batches and completes the last ones, it does not use DistributedSampler
    U       = max(ceil(L / GA), 1)      transformers >= 4.52
            = max(floor(L / GA), 1)     transformers <= 4.51
    T       = max_steps if max_steps > 0, else ceil(num_train_epochs × U)
    W       = 4.x: warmup_steps if > 0, else ceil(T × warmup_ratio)
              5.0-5.14: a set warmup_ratio replaces warmup_steps; 5.x: warmup_steps < 1 is a ratio
              (ceil(T × w)), else int(warmup_steps); >= 5.15: warmup_ratio does not exist
    save/eval/logging_steps < 1 are ratios of T (ceil); a checkpoint is forced at the last step
    (steps strategy), an evaluation too from 5.4; epoch strategies fire at the end of a truncated
    last epoch; evaluation waits for eval_delay (epochs with the epoch strategy, else steps).

The version: `--framework-version transformers=X.Y`, else the installed transformers (its metadata
only: transformers is never imported), else the newest release the reference covers.
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any, NamedTuple, Optional

from ...findings import Missing
from ...loading import KeyPath, format_key_path
from ...model import Duration
from ...units import Unit
from ...units import to_number as _to_number
from ...loading import python_tag
from ..base import INVALID_VALUE, Adapted, Dialect, Problem, RunBuilder, Semantics, Source, wrong_type
from ..deepspeed import reader as deepspeed_reader

TRANSFORMERS_VERSION = Missing("the transformers version", "pass --framework-version transformers=X.Y")
NEWEST = (5, 23, 0)  # the newest transformers release frameworks.md was checked against

# TrainingArguments fields that (nearly) only Hugging Face configs use at the top level.
DISTINCTIVE_KEYS = {
    "per_device_train_batch_size", "per_device_eval_batch_size", "per_gpu_train_batch_size", "num_train_epochs",
    "lr_scheduler_type", "lr_scheduler_kwargs", "warmup_ratio", "save_strategy", "eval_strategy",
    "evaluation_strategy", "logging_strategy", "save_total_limit", "load_best_model_at_end", "metric_for_best_model",
    "greater_is_better", "overwrite_output_dir", "report_to", "push_to_hub", "hub_model_id", "hub_strategy",
    "hub_private_repo", "gradient_checkpointing_kwargs", "dataloader_num_workers", "dataloader_drop_last",
    "dataloader_pin_memory", "ddp_timeout", "ddp_find_unused_parameters", "logging_first_step", "logging_steps",
    "save_steps", "eval_steps", "eval_delay", "eval_on_start", "save_only_model", "save_safetensors",
    "remove_unused_columns", "log_level", "do_train", "do_eval", "do_predict", "fp16_full_eval", "bf16_full_eval",
    "torch_compile", "optim", "optim_args", "adam_beta1", "adam_beta2", "adam_epsilon", "max_grad_norm",
    "auto_find_batch_size", "group_by_length", "length_column_name", "label_smoothing_factor", "run_name",
    "include_num_input_tokens_seen", "neftune_noise_alpha", "torch_empty_cache_steps", "prediction_loss_only",
    "eval_accumulation_steps", "logging_dir", "use_liger_kernel", "average_tokens_across_devices",
    "per_device_eval_batch_size", "predict_with_generate", "generation_max_length", "ddp_backend",
}
# Names no other tool uses: one of them is enough.
UNMISTAKABLE_KEYS = {"per_device_train_batch_size", "per_gpu_train_batch_size", "per_device_eval_batch_size",
                     "eval_strategy", "evaluation_strategy", "save_strategy", "logging_strategy", "lr_scheduler_type",
                     "load_best_model_at_end", "dataloader_drop_last", "overwrite_output_dir", "save_total_limit"}
# Keys of the derived tools, to name the flavour (and not to be mistaken for plain Trainer keys).
LLAMA_FACTORY_KEYS = {"stage", "finetuning_type", "template", "cutoff_len", "lora_target", "val_size", "plot_loss",
                      "max_samples", "preprocessing_num_workers", "overwrite_cache", "lora_rank", "pref_beta",
                      "dataset_dir", "mix_strategy", "packing", "use_badam", "use_galore", "use_apollo"}
TRL_KEYS = {"max_seq_length", "max_length", "dataset_text_field", "num_generations", "max_prompt_length",
            "max_completion_length", "use_vllm", "reward_funcs", "reward_weights", "dataset_mixture", "dataset_name",
            "dataset_num_proc", "loss_type", "completion_only_loss", "assistant_only_loss", "beta",
            "dataset_kwargs", "model_init_kwargs", "log_completions", "dataset_prompt_column", "chat_template",
            "torch_dtype", "attn_implementation", "model_revision"}
AXOLOTL_MARKERS = {"micro_batch_size", "base_model", "num_epochs", "lr_scheduler", "sequence_len", "sample_packing",
                   "val_set_size", "saves_per_epoch", "evals_per_epoch", "dataset_prepared_path", "adapter",
                   "lora_r", "wandb_project", "pad_to_sequence_len", "special_tokens", "base_model_config"}

# TrainingArguments fields steplint reads, as the dataclass types them, and where the Trainer fails
# on a value of another type (transformers 5.24 and 4.57.1 trainer.py / training_args.py, read for
# this: the same lines in both):
# HfArgumentParser.parse_yaml_file / parse_dict build the dataclass with `dtype(**inputs)`, so
# a YAML value arrives as written ("4" stays text). The `*_steps` intervals fail only where their
# strategy (key, default) is "steps" (the comparison is behind the strategy test).
TYPED_FIELDS: dict[str, tuple[str, str, Optional[tuple[tuple[str, str], ...]]]] = {
    "per_device_train_batch_size": ("an int", "torch's DataLoader raises ValueError ('batch_size should be a positive "
                                    "integer value') when training starts", None),
    "gradient_accumulation_steps": ("an int", "the Trainer fails with TypeError at `len_dataloader // "
                                    "args.gradient_accumulation_steps` (trainer.py) when training starts", None),
    "num_train_epochs": ("a float", "the Trainer fails with TypeError at `math.ceil(args.num_train_epochs * "
                         "num_update_steps_per_epoch)` (trainer.py) when training starts", None),
    "max_steps": ("an int", "the Trainer fails with TypeError at `args.max_steps > 0` (trainer.py Trainer.__init__)",
                  None),
    "warmup_steps": ("a number", "TrainingArguments refuses it in __post_init__ (4.x: ValueError, `not "
                     "isinstance(self.warmup_steps, int)`; 5.x: TypeError at `self.warmup_steps < 0`)", None),
    "save_steps": ("a number", "TrainingArguments fails with TypeError at `self.save_steps > 1` (__post_init__)",
                   (("save_strategy", "steps"),)),
    "logging_steps": ("a number", "TrainingArguments fails with TypeError at `self.logging_steps > 1` "
                      "(__post_init__)", (("logging_strategy", "steps"),)),
    "eval_steps": ("a number", "TrainingArguments fails with TypeError at `self.eval_steps > 1` (__post_init__)",
                   (("eval_strategy", "no"), ("evaluation_strategy", "no"))),
    "dataloader_drop_last": ("a bool", "torch's DataLoader raises ValueError ('drop_last should be a boolean "
                             "value') when training starts", None),
}

# Written settings the Hugging Face rules read (besides those the mapping notes with their defaults).
RULE_SETTINGS = ("load_best_model_at_end", "save_total_limit", "streaming", "metric_for_best_model", "learning_rate",
                 "max_grad_norm", "eval_strategy", "evaluation_strategy", "eval_steps", "save_steps", "warmup_steps",
                 "warmup_ratio", "lr_scheduler_type", "do_eval", "val_size", "eval_dataset")

# what argparse's string_to_bool (TRL) converts; as text, TrainingArguments keeps it
_BOOL_WORDS = {"yes", "no", "true", "false", "t", "f", "y", "n", "1", "0"}

STRATEGIES = ("no", "steps", "epoch")
SAVE_STRATEGIES = ("no", "steps", "epoch", "best")
WARMUP_FREE_SCHEDULERS = ("constant", "reduce_lr_on_plateau")


# ---------------------------------------------------------------------------------------- version

@dataclass(frozen=True)
class HFVersion:
    numbers: tuple[int, ...]
    source: str  # "--framework-version", "installed", "assumed"

    @property
    def known(self) -> bool:
        return self.source != "assumed"

    @cached_property
    def text(self) -> str:
        return ".".join(str(n) for n in self.numbers[:2])

    @cached_property
    def _padded(self) -> tuple[int, ...]:
        return _pad(self.numbers)

    def at_least(self, *version: int) -> bool:
        return self._padded >= _pad(version)

    def describe(self) -> str:
        if self.source == "assumed":
            return (f"transformers {self.text} semantics (assumed: the newest; pass "
                    "--framework-version transformers=X.Y)")
        return f"transformers {self.text} semantics ({self.source})"


def _pad(numbers: tuple[int, ...]) -> tuple[int, ...]:
    return (tuple(numbers) + (0, 0, 0))[:3]


def parse_version(text: str) -> Optional[tuple[int, ...]]:
    """'4.57.1' -> (4, 57, 1); '5.0.0rc1' -> (5, 0, 0); None when it does not start with a number."""
    match = re.match(r"\s*v?(\d+)(?:\.(\d+))?(?:\.(\d+))?", str(text))
    if not match:
        return None
    return tuple(int(g) for g in match.groups() if g is not None)


@lru_cache(maxsize=4)
def _installed(package: str) -> Optional[str]:
    import importlib.metadata  # deferred: it costs start-up time and only HF configs need it

    try:
        return importlib.metadata.version(package)  # the metadata only: the package is never imported
    except Exception:  # noqa: BLE001 - not installed, or broken metadata: same answer
        return None


def transformers_version(source: Source) -> HFVersion:
    given = source.version("transformers")
    version = _version(given, "--framework-version") if given is not None else None
    if version is None:
        installed = _installed("transformers")
        version = _version(installed, "installed") if installed is not None else None
    return version or _version(None, "assumed")


@lru_cache(maxsize=16)
def _version(text: Optional[str], source: str) -> Optional[HFVersion]:
    """The version `text` names (None: the newest), or None when it names none. Cached: every config
    of a run shares one HFVersion (and what it caches)."""
    numbers = NEWEST if text is None else parse_version(text)
    return HFVersion(numbers, source) if numbers else None


def trainer_semantics(name: str, v: "HFVersion", **extra: Any) -> Semantics:
    """How the Trainer of transformers version `v` counts [trainer.py set_initial_training_values,
    _inner_training_loop; trainer_callback.py DefaultFlowCallback]; `extra` adds dialect settings."""
    return _trainer_semantics(name, v, tuple(sorted(extra.items())))


@lru_cache(maxsize=256)
def _trainer_semantics(name: str, v: "HFVersion", extra: tuple[tuple[str, Any], ...]) -> Semantics:
    """Semantics is frozen (and the settings in `extra` are hashable values, a Duration too): configs
    that count alike share one."""
    return Semantics(
        name=f"{name}, {v.describe()}",
        accumulation_rounding="ceil" if v.at_least(4, 52) else "floor",
        accumulation_remainder="dataset" if v.at_least(4, 46) and not v.at_least(4, 52) else "loader",
        limit_precedence="max_steps",
        sharding="accelerate",
        final_events=("checkpoint", "eval") if v.at_least(5, 4) else ("checkpoint",),
        epoch_end_events=True,
        **dict(extra),
    )


def map_run_length(b: RunBuilder, data: dict, epochs_key: str, default_epochs: float, default_note: str) -> None:
    """max_steps > 0 replaces the epoch count entirely [trainer.py set_initial_training_values];
    a written epoch count of 0 next to it is not an error; no epoch count means the default."""
    max_steps = to_number(data.get("max_steps"))
    limited = max_steps is not None and max_steps > 0
    if limited:
        b.duration("max_steps", data["max_steps"], ("max_steps",), Unit.STEP)
    epochs = data.get(epochs_key)
    if epochs is not None and to_number(epochs) is not None:
        if not limited or to_number(epochs) > 0:
            b.duration("epochs", epochs, (epochs_key,), Unit.EPOCH)
    elif not limited and epochs is None:
        b.duration("epochs", default_epochs, (), Unit.EPOCH, note=default_note)


# ---------------------------------------------------------------------------------------- settings

class Setting(NamedTuple):
    """One setting the rules read. Immutable like a frozen dataclass; a NamedTuple because a reader
    builds one per key, and a frozen dataclass costs a __setattr__ call per field."""

    value: Any
    key: str  # dotted key path in the config
    written: bool = True  # False = the framework's default


class HFSettings(NamedTuple):
    """What the Hugging Face rules read that the canonical model has no place for. Immutable; a
    NamedTuple: one is built per config, and a frozen dataclass sets each field with __setattr__."""

    flavour: str  # "Hugging Face Trainer", "TRL", "LLaMA-Factory", "axolotl"
    version: HFVersion
    values: dict  # setting name -> Setting
    # The warmup HF computes with get_warmup_steps (what DeepSpeed "auto" gets), whatever the
    # scheduler does with it.
    warmup: Optional[Duration] = None
    deepspeed: Optional[object] = None  # deepspeed.DeepSpeedConfig read from the `deepspeed` pointer
    deepspeed_key: Optional[str] = None
    deepspeed_note: Optional[str] = None  # why the pointer could not be read

    def get(self, name: str) -> Optional[Setting]:
        return self.values.get(name)

    def written(self, name: str) -> Optional[Setting]:
        setting = self.values.get(name)
        return setting if setting is not None and setting.written else None


def to_number(value: Any) -> Optional[float]:
    """A finite number, or None (text, booleans, NaN and infinities are not numbers here)."""
    number = _to_number(value)
    return number if number is not None and math.isfinite(number) else None


def number_of(setting: Optional[Setting]) -> Optional[float]:
    """The setting's value as a number; None for text, booleans and unset settings."""
    if setting is None or isinstance(setting.value, bool):
        return None
    return to_number(setting.value)


def is_float_value(raw: Any) -> bool:
    """A YAML float (0.1, 1.0, 1e3) as HfArgumentParser passes it on: transformers 4.x wants an int."""
    if isinstance(raw, bool):
        return False
    if isinstance(raw, float):
        return True
    return isinstance(raw, str) and isinstance(to_number(raw), float)


def safe_duration(value: float, unit: Unit, key: Optional[str], note: Optional[str] = None) -> Optional[Duration]:
    """A Duration for the settings, or None when the value cannot be one (negative, infinite...)."""
    try:
        return Duration(value=value, unit=unit, key=key, note=note)
    except ValueError:  # pydantic's ValidationError is a ValueError
        return None


# ---------------------------------------------------------------------------------------- dialect

def _online_rl(data: dict) -> Optional[str]:
    """'TRL GRPO' / 'PPO' when the trainer generates its own batches (not N / B per epoch)."""
    if "num_generations" in data or "reward_funcs" in data:
        return "TRL GRPO"
    if str(data.get("stage", "")).lower() == "ppo":
        return "LLaMA-Factory PPO"
    return None


def flavour_of(data: dict) -> str:
    if len(data.keys() & LLAMA_FACTORY_KEYS) >= 2:
        return "LLaMA-Factory"
    if data.keys() & TRL_KEYS:
        return "TRL"
    return "Hugging Face Trainer"


class HuggingFace(Dialect):
    name = "hf-trainer"
    versions_read = ("transformers",)
    description = ("Hugging Face Trainer YAML (TrainingArguments keys: plain, TRL, alignment-handbook, open-r1, "
                   "LLaMA-Factory), with the DeepSpeed JSON it points to")
    triggers = frozenset(DISTINCTIVE_KEYS | UNMISTAKABLE_KEYS)

    def score(self, data: dict) -> float:
        keys = {k for k in data if isinstance(k, str)}
        distinctive = keys & DISTINCTIVE_KEYS
        if len(distinctive) + len(keys & UNMISTAKABLE_KEYS) < 2:
            return 0.0
        if len(keys & AXOLOTL_MARKERS) >= 2 and "per_device_train_batch_size" not in keys:
            return 0.2  # axolotl's own names: the axolotl dialect reads it
        return min(0.55 + 0.03 * len(distinctive), 0.9)

    def adapt(self, data: dict, source: Source) -> Adapted:
        reader = _Reader(data, source, flavour_of(data))
        return reader.read()


class _Reader:
    """Maps TrainingArguments keys into the canonical model, the way the Trainer reads them."""

    def __init__(self, data: dict, source: Source, flavour: str) -> None:
        self.data = data
        self.source = source
        self.flavour = flavour
        self.version = transformers_version(source)
        self.b = RunBuilder(strict=False, framework=flavour)
        self.values: dict[str, Setting] = {}
        self.warmup: Optional[Duration] = None
        self.eval_delay: Optional[Duration] = None
        self.ruled_out: list[str] = []  # events the config turns off (Semantics.ruled_out)

    # -- helpers
    def raw(self, name: str, default: Any = None) -> Any:
        value = self.data.get(name, default)
        return default if value is None else value

    def note(self, name: str, default: Any = None) -> Optional[Setting]:
        """Remember a setting (written, or the framework's default) for the rules."""
        value = self.data.get(name)
        if value is not None:
            setting = self.values[name] = Setting(value, name)
        elif default is not None:
            setting = self.values[name] = Setting(default, name, written=False)
        else:
            return self.values.get(name)
        return setting

    def invalid(self, name: str, message: str) -> None:
        self.b.problems.append(Problem(INVALID_VALUE, message, (name,)))

    # -- the mapping
    def _wrong_types(self) -> None:
        """SL003 for a TrainingArguments value of the wrong type, which is then not read further.
        HfArgumentParser passes YAML values to the dataclass unconverted, so text that looks like a
        number stays text; TRL's TrlParser sets them as argparse defaults instead, and argparse
        converts text defaults with the field's type (`"4"` becomes 4, `"four"` is refused at
        start), so for TRL only what no parser converts is reported."""
        data = self.data
        # Text that looks like a number is wrong only for a file HfArgumentParser certainly reads: one
        # with a key no other tool uses (kohya_ss GUI presets share logging_dir and max_grad_norm,
        # and its GUI converts "1" itself).
        certain = bool(data.keys() & UNMISTAKABLE_KEYS)
        for name, (expected, failure, needs) in TYPED_FIELDS.items():
            value = data.get(name)
            if value is None or isinstance(value, (bool, int, float)):
                continue  # numbers and booleans: the range checks and flag() say the rest
            if needs is not None and not any(str(data.get(k, default)).strip().lower() == "steps"
                                             for k, default in needs):
                continue  # behind a strategy that does not read it
            if name == "num_train_epochs" and (to_number(data.get("max_steps")) or 0) > 0:
                # a positive max_steps replaces it, but Trainer.__init__ still compares it
                failure = ("the Trainer fails with TypeError at `args.max_steps > 0 and args.num_train_epochs > 0` "
                           "(trainer.py Trainer.__init__)")
            tag = python_tag(value)
            if tag:  # yaml.safe_load refuses every !!python/ tag, even !!python/int
                kind = f"a {tag.split(':')[0]} value"
            elif expected == "a bool" and isinstance(value, str) and value.strip().lower() in _BOOL_WORDS:
                kind = None if self.flavour == "TRL" or not certain else "text"  # TRL: argparse's string_to_bool
            else:
                kind = wrong_type(value)
                if kind is None and isinstance(value, str) and to_number(value) is not None and self.flavour != "TRL" \
                        and certain:
                    kind = "text"  # "4": TrainingArguments keeps the text; argparse would convert it for TRL
            if kind is None:
                continue
            if kind.startswith("a !!python"):
                why = "transformers loads the YAML with yaml.safe_load, which refuses the tag: the config does not load"
            elif self.flavour == "TRL" and kind == "text":
                why = (f"TrlParser's argparse refuses it at start (it converts text with the field's type), and "
                       f"TrainingArguments(**config) gets it as text: {failure}")
            else:
                why = f"TrainingArguments receives {kind} ({self.flavour}'s parser passes YAML values on as written): {failure}"
            self.invalid(name, f"invalid value {value!r} for '{name}': {kind}, where TrainingArguments expects "
                               f"{expected}; {why}")
            self.data = data = {k: v for k, v in data.items() if k != name}

    def read(self) -> Adapted:
        b, v = self.b, self.version
        self._wrong_types()
        self._batches()
        self._sample_limit()
        self._length()
        self._warmup()
        self._schedule()
        self._save()
        self._eval()
        self._logging()
        for name in RULE_SETTINGS:
            if name not in self.values:
                self.note(name)
        ds, ds_key, ds_note = _deepspeed(self.data, self.source)
        if ds_note:
            b.assumptions.append(ds_note)
        settings = HFSettings(self.flavour, v, self.values, self.warmup, ds, ds_key, ds_note)
        name = f"Hugging Face Trainer{'' if self.flavour == 'Hugging Face Trainer' else f' ({self.flavour})'}"
        return b.build(trainer_semantics(name, v, eval_delay=self.eval_delay, ruled_out=tuple(self.ruled_out)),
                       settings)

    def _batches(self) -> None:
        b = self.b
        key = "per_device_train_batch_size" if "per_device_train_batch_size" in self.data else (
            "per_gpu_train_batch_size" if "per_gpu_train_batch_size" in self.data else None)
        online = _online_rl(self.data)
        if online:
            # GRPO / PPO repeat prompts and generate completions per step: the dataloader length is
            # not N / B, so steplint derives no per-epoch numbers (max_steps still counts).
            b.assumptions.append(f"{online}: batches per epoch are not derived (prompts are repeated and completions "
                                 "generated; the dataloader is not N / batch)")
            if self.data.get("gradient_accumulation_steps") is not None:
                b.count("gradient_accumulation", self.data["gradient_accumulation_steps"],
                        ("gradient_accumulation_steps",))
            return
        if key is not None and self.data[key] is not None:
            b.count("train_loader.batch_size", self.data[key], (key,))
        else:
            b.count("train_loader.batch_size", 8, (), note="transformers default per_device_train_batch_size")
        if self.data.get("gradient_accumulation_steps") is not None:
            b.count("gradient_accumulation", self.data["gradient_accumulation_steps"], ("gradient_accumulation_steps",))
        if self.data.get("dataloader_drop_last") is not None:
            b.flag("train_loader.drop_last", self.data["dataloader_drop_last"], ("dataloader_drop_last",))

    def _sample_limit(self) -> None:
        """A sample limit that truncates the training set, so N <= it (Plan.bounds):
        - `max_train_samples` of the transformers examples (run_clm, run_glue, run_qa...):
          `train_dataset.select(range(min(len, max_train_samples)))` on the dataset the Trainer gets
          (after the preprocessing that can add samples, such as run_qa's doc stride);
        - LLaMA-Factory `max_samples`: each dataset of `dataset` is cut to it before they are merged
          [data/loader.py _load_single_dataset, data/data_utils.py merge_dataset], so N <= max_samples
          × the number of datasets; preprocessing and packing only drop or merge samples, except
          the pretraining stage (`stage: pt` cuts texts into cutoff_len blocks) and
          `mix_strategy: interleave_over` (oversamples), where there is no such bound."""
        data = self.data
        if self.flavour == "LLaMA-Factory":
            limit, names = data.get("max_samples"), data.get("dataset")
            stage, mix = str(data.get("stage", "sft")).lower(), str(data.get("mix_strategy", "concat")).lower()
            if stage in ("pt", "ppo") or mix == "interleave_over" or data.get("streaming") is True:
                return
            count = len([n for n in names.split(",") if n.strip()]) if isinstance(names, str) else (
                len(names) if isinstance(names, list) else 0)
            number = to_number(limit)
            if count and isinstance(number, int) and not isinstance(limit, bool) and number > 0:
                note = f"{count} datasets × {number}" if count > 1 else None
                self.b.count("dataset_size_at_most", number * count, ("max_samples",), note=note)
        elif self.flavour == "Hugging Face Trainer" and data.get("max_train_samples") is not None:
            self.b.count("dataset_size_at_most", data["max_train_samples"], ("max_train_samples",))

    def _length(self) -> None:
        map_run_length(self.b, self.data, "num_train_epochs", 3, "transformers default num_train_epochs")

    def _warmup(self) -> None:
        """W as get_warmup_steps computes it, for the version used [training_args.py]."""
        v, data = self.version, self.data
        steps_raw, ratio_raw = data.get("warmup_steps"), data.get("warmup_ratio")
        steps, ratio = to_number(steps_raw), to_number(ratio_raw)
        if isinstance(steps_raw, bool):
            steps = None
        warmup: Optional[tuple[float, Unit, str]] = None  # (value, unit, key)
        if not v.at_least(5):
            if steps is not None and steps > 0 and not is_float_value(steps_raw):
                warmup = (steps, Unit.STEP, "warmup_steps")
            elif steps is not None and is_float_value(steps_raw):
                warmup = None  # 4.x raises ValueError (rule SL407): no run, no warmup
            elif ratio is not None and ratio > 1:
                self.invalid("warmup_ratio", f"invalid value {ratio_raw!r} for 'warmup_ratio': transformers "
                                             f"{v.text} raises ValueError (warmup_ratio must lie in range [0,1])")
            elif ratio is not None and ratio > 0:
                warmup = (ratio, Unit.DUR, "warmup_ratio")
        else:
            ratio_counts = ratio is not None and (not v.at_least(5, 15) or not v.known)
            if ratio_raw is not None and ratio_counts and ratio is not None:
                if v.at_least(5, 15):
                    self.b.assumptions.append("warmup_ratio read as a fraction of the run, as transformers 5.0-5.14 "
                                              "does (5.15 and later refuse it)")
                value, key = ratio, "warmup_ratio"  # 5.0-5.14: warmup_steps := warmup_ratio
            else:
                value, key = steps, "warmup_steps"
            if value is not None and value > 0:
                warmup = (int(value), Unit.STEP, key) if value >= 1 else (value, Unit.DUR, key)
        if warmup is None:
            return
        amount, unit, key = warmup
        note = None
        if unit is Unit.STEP and key == "warmup_ratio":
            note = f"transformers {v.text}: warmup_ratio {amount} is copied into warmup_steps and means {amount} steps"
        elif unit is Unit.STEP and to_number(data.get(key)) != amount:
            note = f"int({data.get(key)})"
        self.warmup = safe_duration(amount, unit, key, note)

    def _schedule(self) -> None:
        b = self.b
        name = self.data.get("lr_scheduler_type")
        if isinstance(name, str) and name:
            b.name("schedule.name", name, ("lr_scheduler_type",))
        else:
            b.name("schedule.name", "linear", ())
            name = "linear"
        b.name("schedule.stepped_per", "step", ())
        if self.warmup is not None and str(name).lower() not in WARMUP_FREE_SCHEDULERS:
            w = self.warmup
            b.duration("schedule.warmup", w.value, (w.key,), w.unit, note=w.note)
        elif self.warmup is not None or all(_zero_or_unset(self.data.get(k)) for k in ("warmup_steps", "warmup_ratio")):
            self.ruled_out.append("warmup")  # a scheduler without warmup, or none written: the LR starts at its peak

    def _interval(self, field_name: str, steps_key: str, default: Optional[float], strategy_key: str
                  ) -> None:
        """One `*_steps` value: > 1 must be whole, < 1 is a ratio of T, else optimizer steps."""
        raw = self.data.get(steps_key)
        key: KeyPath = (steps_key,)
        note = None
        if raw is None:
            # The default interval only when the strategy is written: a rule about an interval the
            # user never wrote (the default 500 against a short run) would be noise.
            if strategy_key not in self.data:
                return
            raw, key, note = default, (strategy_key,), f"transformers default {steps_key}"
        if raw is None or isinstance(raw, bool):
            return
        number = to_number(raw)
        if number is None:
            return  # an unresolved reference, or text: unknown
        if number > 1 and number != int(number):
            self.invalid(steps_key, f"invalid value {raw!r} for '{steps_key}': transformers raises ValueError "
                                    f"(--{steps_key} must be an integer if bigger than 1)")
            return
        if number <= 0:
            return
        if number < 1:
            self.b.duration(field_name, number, key, Unit.DUR, note=note)
        else:
            self.b.duration(field_name, int(number), key, Unit.STEP, note=note)

    def _strategy(self, name: str, default: str, allowed: tuple[str, ...]) -> Optional[str]:
        raw = self.data.get(name)
        if raw is None:
            self.values.setdefault(name, Setting(default, name, written=False))
            return default
        self.values[name] = Setting(raw, name)
        text = str(raw).strip().lower() if not isinstance(raw, bool) else ""
        if isinstance(raw, str) and raw.strip().startswith("${"):
            return None
        if text not in allowed:
            self.invalid(name, f"invalid value {raw!r} for '{name}': transformers accepts {', '.join(allowed)}")
            return None
        return text

    def _save(self) -> None:
        strategy = self._strategy("save_strategy", "steps", SAVE_STRATEGIES)
        self.note("save_steps", 500)
        if strategy == "steps":
            self._interval("checkpoint", "save_steps", 500, "save_strategy")
        elif strategy == "epoch":
            self.b.duration("checkpoint", 1, ("save_strategy",), Unit.EPOCH)
        elif strategy == "no":
            self.ruled_out.append("checkpoint")

    def _logging_default(self) -> int:
        return 10 if self.flavour == "TRL" else 500

    def _eval(self) -> None:
        name = "eval_strategy"
        if "eval_strategy" not in self.data and "evaluation_strategy" in self.data:
            # the old name, accepted through 4.50 (from 4.51 the config fails: SL409); the plan
            # shows what the user meant
            name = "evaluation_strategy"
            if not self.version.known:
                self.b.assumptions.append("evaluation_strategy read as eval_strategy, as transformers up to 4.50 "
                                          "does (4.51 and later refuse it)")
        strategy = self._strategy(name, "no", STRATEGIES)
        if name == "evaluation_strategy":
            self.values["eval_strategy"] = self.values[name]
        if strategy == "steps":
            logging_default = self._logging_default()
            logging = to_number(self.data.get("logging_steps"))
            eval_steps = to_number(self.data.get("eval_steps"))
            if eval_steps is None or eval_steps == 0:
                # eval_steps falls back to logging_steps [training_args.py __post_init__]
                fallback = logging if logging is not None else logging_default
                source = "logging_steps" if logging is not None else None
                if fallback and fallback > 0:
                    unit = Unit.DUR if fallback < 1 else Unit.STEP
                    self.b.duration("eval", fallback if fallback < 1 else int(fallback),
                                    (source,) if source else ((name,) if name in self.data else ()), unit,
                                    note="eval_steps unset: transformers uses logging_steps")
            else:
                self._interval("eval", "eval_steps", None, name)
        elif strategy == "epoch":
            self.b.duration("eval", 1, (name,), Unit.EPOCH)
        elif strategy == "no" and self.data.get("eval_on_start") in (None, False):  # eval_on_start: one at step 0
            self.ruled_out.append("eval")
        if strategy in ("steps", "epoch"):
            delay = to_number(self.data.get("eval_delay"))
            if delay is not None and delay > 0:
                unit = Unit.EPOCH if strategy == "epoch" else Unit.STEP
                self.eval_delay = safe_duration(delay, unit, "eval_delay")
            batch = self.data.get("per_device_eval_batch_size")
            drop = self.data.get("dataloader_drop_last")
            self.b.eval_loader((batch, ("per_device_eval_batch_size",)) if batch is not None else None,
                               (drop, ("dataloader_drop_last",)) if drop is not None else None)

    def _logging(self) -> None:
        self.note("logging_steps", self._logging_default())
        strategy = self._strategy("logging_strategy", "steps", STRATEGIES)
        if strategy == "steps":
            self._interval("logging", "logging_steps", self._logging_default(), "logging_strategy")
        elif strategy == "epoch":
            self.b.duration("logging", 1, ("logging_strategy",), Unit.EPOCH)
        elif strategy == "no" and self.data.get("logging_first_step") in (None, False):  # that one logs step 1
            self.ruled_out.append("logging")


def _zero_or_unset(raw: Any) -> bool:
    """A warmup key that asks for no warmup: absent, null or the number 0 (not text: `${W}` is unknown)."""
    return raw is None or not isinstance(raw, bool) and to_number(raw) == 0


# ---------------------------------------------------------------------------------------- deepspeed pointer

_ANCESTORS = 6  # LLaMA-Factory and axolotl examples point at files relative to the repository root


def _deepspeed(data: dict, source: Source) -> tuple[Optional[object], Optional[str], Optional[str]]:
    """(DeepSpeed config, key, note): the DS JSON the `deepspeed:` key points to, or why not."""
    value = data.get("deepspeed")
    if value is None or value == "" or value is False:
        return None, None, None
    if isinstance(value, dict):
        return deepspeed_reader.parse(value, "the inline deepspeed config"), "deepspeed", None
    if not isinstance(value, str) or value.strip().startswith("${"):
        return None, "deepspeed", None
    path = resolve_pointer(source.path, value.strip())
    if path is None:
        return None, "deepspeed", (f"DeepSpeed config '{value}' not found next to the config or above it: its batch "
                                   "and scheduler values are not checked")
    loaded = deepspeed_reader.load_file(path)
    if loaded is None:
        return None, "deepspeed", f"DeepSpeed config '{value}' could not be read: its values are not checked"
    return loaded, "deepspeed", None


def resolve_pointer(config_path: str, target: str) -> Optional[str]:
    """The file a relative path in a config names: next to the config, else in one of its parent
    directories (launchers run from the repository root). None when no such file exists."""
    if os.path.isabs(target):
        return target if os.path.isfile(target) else None
    base = os.path.dirname(os.path.abspath(config_path)) if config_path and not config_path.startswith("<") else None
    if base is None:
        return None
    for _ in range(_ANCESTORS + 1):
        candidate = os.path.join(base, target)
        if os.path.isfile(candidate):
            return candidate
        parent = os.path.dirname(base)
        if parent == base:
            break
        base = parent
    return None


__all__ = ["HuggingFace", "HFSettings", "HFVersion", "Setting", "transformers_version",
           "parse_version", "resolve_pointer", "format_key_path", "map_run_length", "trainer_semantics"]
