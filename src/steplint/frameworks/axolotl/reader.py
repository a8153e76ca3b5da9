"""axolotl YAML: its own key names, translated into Hugging Face `TrainingArguments` (frameworks.md
§1.12; axolotl utils/config `normalize_config`, core/builders/base.py
`_configure_warmup_and_logging`, `_configure_scheduler`, `_configure_save_and_eval_strategy`).

    B   = micro_batch_size (per device)
    GA  = gradient_accumulation_steps, else batch_size // micro_batch_size (floor)
    E   = num_epochs (default 1); max_steps > 0 replaces it (the Trainer's rule)
    W   = warmup_steps if set; else int(warmup_ratio × total) (floor); else, when neither is set, an
          implicit min(int(0.03 × total), 100); a computed 1 becomes 2
    schedule: lr_scheduler (default cosine)
    saves_per_epoch k -> save_steps = 1 / (k × num_epochs) as a ratio of the run when < 1; without
          save_steps the save strategy is save_strategy, else "epoch"
    evals_per_epoch k -> eval_steps = 1 / (k × num_epochs) when < 1 and there is a validation set
    save_total_limit: unset or 0 -> 4

axolotl sizes the warmup with its own estimate of the run (`calculate_total_num_steps`); steplint
uses the Trainer's total, which is the same for unpacked data and the number to check against.
Everything else (batches per epoch, steps, checkpoints) is the Trainer's arithmetic, with the
transformers version handled as in the hf-trainer dialect.
"""

from __future__ import annotations

from typing import Optional

from ...model import Duration
from ...units import Unit
from ..base import Adapted, Dialect, RunBuilder, Source
from ..hf.reader import (AXOLOTL_MARKERS, HFSettings, Setting, _deepspeed, is_float_value, map_run_length, safe_duration,
                 to_number, trainer_semantics, transformers_version)

AXOLOTL_ONLY = {"micro_batch_size", "base_model", "num_epochs", "lr_scheduler", "sequence_len", "sample_packing",
                "val_set_size", "saves_per_epoch", "evals_per_epoch", "dataset_prepared_path", "adapter",
                "lora_r", "lora_alpha", "lora_target_linear", "pad_to_sequence_len", "base_model_config",
                "pretraining_dataset", "wandb_project", "special_tokens", "load_in_4bit", "load_in_8bit",
                "eval_sample_packing", "tokenizer_type", "model_type", "chat_template", "datasets"}
# The settings, as written, that the rules read.
RULE_SETTINGS = ("save_steps", "saves_per_epoch", "eval_steps", "evals_per_epoch", "batch_size", "micro_batch_size",
                 "gradient_accumulation_steps", "save_strategy", "eval_strategy", "warmup_steps", "warmup_ratio",
                 "lr_scheduler", "save_total_limit", "streaming", "pretraining_dataset", "learning_rate",
                 "max_grad_norm", "val_set_size", "test_datasets")
IMPLICIT_WARMUP = 0.03
IMPLICIT_WARMUP_CAP = 100


class Axolotl(Dialect):
    name = "axolotl"
    versions_read = ("transformers",)
    description = "axolotl YAML (micro_batch_size, num_epochs, saves_per_epoch...), run by the Hugging Face Trainer"
    triggers = frozenset({"micro_batch_size", "base_model"})

    def score(self, data: dict) -> float:
        keys = {k for k in data if isinstance(k, str)}
        if "per_device_train_batch_size" in keys:
            return 0.0
        if "micro_batch_size" in keys and len(keys & AXOLOTL_ONLY) >= 2:
            return 0.95
        if "base_model" in keys and len(keys & AXOLOTL_MARKERS) >= 3:
            return 0.9
        return 0.0

    def adapt(self, data: dict, source: Source) -> Adapted:
        return _Reader(data, source).read()


class _Reader:
    def __init__(self, data: dict, source: Source) -> None:
        self.data, self.source = data, source
        self.version = transformers_version(source)
        self.b = RunBuilder(strict=False, framework="axolotl")
        self.values: dict[str, Setting] = {}
        self.warmup: Optional[Duration] = None
        self.implicit_warmup = False
        self.ruled_out: list[str] = []  # events the config turns off (Semantics.ruled_out)

    def read(self) -> Adapted:
        b, data, v = self.b, self.data, self.version
        for name in RULE_SETTINGS:
            if data.get(name) is not None:
                self.values[name] = Setting(data[name], name)
        micro = data.get("micro_batch_size")
        if micro is not None:
            b.count("train_loader.batch_size", micro, ("micro_batch_size",))
        ga = data.get("gradient_accumulation_steps")
        if ga is not None:
            b.count("gradient_accumulation", ga, ("gradient_accumulation_steps",))
        else:
            batch, m = to_number(data.get("batch_size")), to_number(micro)
            if isinstance(batch, int) and isinstance(m, int) and m > 0 and batch // m > 0:
                b.count("gradient_accumulation", batch // m, ("batch_size",),
                        note=f"batch_size // micro_batch_size = {batch} // {m}")
        if data.get("sample_packing") is True:
            b.assumptions.append("sample_packing: the dataset size is the number of packed sequences")
        self._length()
        self._warmup()
        self._schedule()
        self._save()
        self._eval()
        logging = to_number(data.get("logging_steps"))
        if logging is not None and logging > 0:
            b.duration("logging", logging, ("logging_steps",), Unit.DUR if logging < 1 else Unit.STEP)
        ds, ds_key, ds_note = _deepspeed(data, self.source)
        if ds_note:
            b.assumptions.append(ds_note)
        settings = HFSettings("axolotl", v, self.values, self.warmup, ds, ds_key, ds_note)
        return b.build(trainer_semantics(
            "axolotl on the Hugging Face Trainer", v,
            warmup_rounding="ceil" if self.warmup is not None and self.warmup.key == "warmup_steps" else "floor",
            warmup_cap=IMPLICIT_WARMUP_CAP if self.implicit_warmup else None, ruled_out=tuple(self.ruled_out)), settings)

    def _epochs(self) -> float:
        epochs = to_number(self.data.get("num_epochs"))
        return epochs if epochs is not None and epochs > 0 else 1.0

    def _length(self) -> None:
        map_run_length(self.b, self.data, "num_epochs", 1, "axolotl default num_epochs")

    def _warmup(self) -> None:
        """[core/builders/base.py _configure_warmup_and_logging]"""
        data, v = self.data, self.version
        steps_raw, ratio = data.get("warmup_steps"), to_number(data.get("warmup_ratio"))
        steps = None if isinstance(steps_raw, bool) else to_number(steps_raw)
        if steps:  # passed to the Trainer as warmup_steps, where the transformers version decides
            if is_float_value(steps_raw) and not v.at_least(5) or steps < 0:
                return  # 4.x raises ValueError for a float (SL407); a negative count is refused
            if steps < 1:
                self.warmup = safe_duration(steps, Unit.DUR, "warmup_steps")
            else:
                whole = 2 if int(steps) == 1 else int(steps)
                self.warmup = safe_duration(whole, Unit.STEP, "warmup_steps",
                                            "axolotl turns a warmup of 1 step into 2" if whole != steps else None)
        elif ratio:
            if 0 < ratio <= 1:
                self.warmup = safe_duration(ratio, Unit.DUR, "warmup_ratio",
                                            "int(warmup_ratio × total steps), rounded down")
        else:
            self.implicit_warmup = True
            self.warmup = safe_duration(IMPLICIT_WARMUP, Unit.DUR, None,
                                        "axolotl's implicit warmup: int(3% of the run), at most 100 steps")

    def _schedule(self) -> None:
        b = self.b
        name = self.data.get("lr_scheduler")
        if isinstance(name, str) and name:
            b.name("schedule.name", "cosine" if name in ("one_cycle", "rex") else name, ("lr_scheduler",))
        else:
            b.name("schedule.name", "cosine", ())
            name = "cosine"
        b.name("schedule.stepped_per", "step", ())
        w = self.warmup
        if w is not None and str(name).lower() not in ("constant", "reduce_lr_on_plateau"):
            b.duration("schedule.warmup", w.value, (w.key,) if w.key else (), w.unit, note=w.note)

    def _ratio_from_per_epoch(self, name: str) -> Optional[float]:
        per_epoch = to_number(self.data.get(name))
        if per_epoch is None or per_epoch <= 0:
            return None
        ratio = 1.0 / (per_epoch * self._epochs())
        return ratio if ratio < 1.0 else None

    def _save(self) -> None:
        b, data = self.b, self.data
        steps = to_number(data.get("save_steps"))
        ratio = self._ratio_from_per_epoch("saves_per_epoch")
        if steps is None and ratio is not None:
            b.duration("checkpoint", ratio, ("saves_per_epoch",), Unit.DUR,
                       note=f"1 / (saves_per_epoch × num_epochs) = {ratio:.4g} of the run")
            return
        if steps is not None and steps > 0:
            unit = Unit.DUR if steps < 1 else Unit.STEP
            b.duration("checkpoint", steps if steps < 1 else int(steps), ("save_steps",), unit)
            return
        # Without save_steps the strategy is save_strategy, else "epoch" (axolotl's default); the
        # default is mapped only when the config asks for per-epoch saves, so that no rule reports a
        # cadence the user never wrote.
        strategy = str(data.get("save_strategy") or "epoch").lower()
        written = "save_strategy" if data.get("save_strategy") else (
            "saves_per_epoch" if to_number(data.get("saves_per_epoch")) else None)
        if strategy == "epoch" and written is not None:
            b.duration("checkpoint", 1, (written,), Unit.EPOCH,
                       note=None if written == "save_strategy" else "saves_per_epoch × num_epochs ≤ 1: every epoch")
        elif strategy == "no" and written == "save_strategy":
            self.ruled_out.append("checkpoint")

    def _eval(self) -> None:
        b, data = self.b, self.data
        has_eval = bool(to_number(data.get("val_set_size")) or data.get("test_datasets"))
        if not has_eval or str(data.get("eval_strategy") or "").lower() == "no":
            self.ruled_out.append("eval")  # no validation set: axolotl sets eval_strategy "no"
            return
        steps = to_number(data.get("eval_steps"))
        ratio = self._ratio_from_per_epoch("evals_per_epoch")
        if steps is None and ratio is not None:
            b.duration("eval", ratio, ("evals_per_epoch",), Unit.DUR,
                       note=f"1 / (evals_per_epoch × num_epochs) = {ratio:.4g} of the run")
        elif steps is not None and steps > 0:
            unit = Unit.DUR if steps < 1 else Unit.STEP
            b.duration("eval", steps if steps < 1 else int(steps), ("eval_steps",), unit)
        elif str(data.get("eval_strategy") or "").lower() == "epoch":
            b.duration("eval", 1, ("eval_strategy",), Unit.EPOCH)
        batch = data.get("eval_batch_size")
        if batch is not None:
            b.eval_loader((batch, ("eval_batch_size",)), None)


__all__ = ["Axolotl"]
