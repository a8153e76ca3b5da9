"""SpeechBrain hparams files (HyperPyYAML, read by a recipe's train.py with `load_hyperpyyaml`).

steplint loads them as plain YAML and constructs no tag: `!new:`, `!name:`, `!apply:` objects are
never built (their mappings are read as data) and a `!ref <key>` is the text `<key>`, which this
reader looks up among the top-level keys (the only references it follows).

What SpeechBrain does with the numbers (speechbrain/speechbrain @ 9c826ef3: speechbrain/core.py
`Brain.__init__`, `fit`, `_fit_train`, `fit_batch`, `_should_save_intra_epoch_ckpt`;
speechbrain/utils/run_opts.py `RunOptions` defaults; speechbrain/utils/epoch_loop.py
`EpochCounter`):

* The run is the `epoch_counter`'s `limit` epochs (EpochCounter yields 1 ... limit), usually
  `!ref <number_of_epochs>`.
* `train_dataloader_opts.batch_size` (else a top-level `batch_size`) per process: make_dataloader
  adds a DistributedSampler under DDP. A dynamic batch sampler fills batches by length instead.
* Run options may be written in the hparams (Brain.__init__ reads them from hparams when the command
  line does not give them): `grad_accumulation_factor` (default 1): a step when
  `self.step % grad_accumulation_factor == 0`, the counter restarting each epoch, and the leftover
  gradients flushed at the epoch's end. `ckpt_interval_minutes` / `ckpt_interval_steps` (default 0)
  save intra-epoch checkpoints; both positive is refused at start (sys.exit).
* `optimizer_step_limit` (a run option too, default None): `_fit_train` stops before a batch once
  `optimizer_step >= optimizer_step_limit`, and `fit` leaves the epoch loop after that epoch's
  validation, so the run ends at the first of the epochs and the limit.
* NoamScheduler's `n_warmup_steps` counts its calls, which recipes make once per optimizer step
  (`on_fit_batch_end` when should_step).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, Optional

from ...units import Unit, to_number
from ..base import Adapted, Dialect, RunBuilder, Semantics, Source

_REF = re.compile(r"^<([A-Za-z_][\w]*)>$")
OWN_KEYS = frozenset({"number_of_epochs", "train_dataloader_opts", "valid_dataloader_opts", "test_dataloader_opts",
                      "ckpt_interval_minutes", "ckpt_interval_steps", "grad_accumulation_factor", "dynamic_batching",
                      "checkpointer", "train_logger", "output_folder", "save_folder"})


@dataclass(frozen=True)
class SpeechBrainSettings:
    ckpt_minutes: Optional[float] = None
    ckpt_steps: Optional[float] = None


def _deref(data: dict, value: Any, depth: int = 0) -> Any:
    """A whole-value `!ref <key>` to a top-level key, followed up to 5 times."""
    while isinstance(value, str) and depth < 5:
        match = _REF.match(value.strip())
        if not match or match.group(1) not in data:
            return value
        value, depth = data[match.group(1)], depth + 1
    return value


def _number(value: Any) -> Optional[float]:
    return None if isinstance(value, bool) else to_number(value)


class SpeechBrain(Dialect):
    name = "speechbrain"
    description = "SpeechBrain hparams (epoch_counter limit / number_of_epochs, train_dataloader_opts, grad_accumulation_factor, optimizer_step_limit)"
    triggers = frozenset({"epoch_counter", "number_of_epochs"})

    def score(self, data: dict) -> float:
        counter = data.get("epoch_counter")
        keys = set(map(str, data))
        if isinstance(counter, dict) and "limit" in counter and len(keys & OWN_KEYS) >= 1:
            return 0.9
        if "number_of_epochs" in keys and len(keys & OWN_KEYS) >= 3:
            return 0.85
        return 0.0

    def adapt(self, data: dict, source: Source) -> Adapted:
        b = RunBuilder(strict=False)
        counter = data.get("epoch_counter")
        limit_path: tuple = ("epoch_counter", "limit")
        limit = _deref(data, counter.get("limit")) if isinstance(counter, dict) and "limit" in counter else None
        if limit is None and "number_of_epochs" in data:
            limit, limit_path = _deref(data, data["number_of_epochs"]), ("number_of_epochs",)
        if _number(limit) and _number(limit) > 0:
            b.duration("epochs", limit, limit_path, Unit.EPOCH)
        opts = data.get("train_dataloader_opts") if isinstance(data.get("train_dataloader_opts"), dict) else {}
        dynamic = data.get("dynamic_batching") is True or "batch_sampler" in opts
        if dynamic:
            b.assumptions.append("dynamic batching: batches are filled by length, so the batches per epoch are "
                                 "not derived")
        else:
            batch, path = (opts["batch_size"], ("train_dataloader_opts", "batch_size")) if "batch_size" in opts \
                else (data.get("batch_size"), ("batch_size",))
            batch = _deref(data, batch)
            if _number(batch):
                b.count("train_loader.batch_size", batch, path)
            drop = _deref(data, opts.get("drop_last"))
            if isinstance(drop, bool):
                b.flag("train_loader.drop_last", drop, ("train_dataloader_opts", "drop_last"))
        # core.py `Brain.__init__` takes run options from the hparams; `_fit_train` breaks before a batch once
        # `_optimizer_step_limit_exceeded` (`optimizer_step >= optimizer_step_limit`) and `fit` then stops the
        # epoch loop: the run ends at the first of the epochs and the limit (null, RunOptions' default: none)
        # (a limit of 0 or less stops it before the first batch: SL003). Only a finite number is compared
        # as a limit: `>= inf` or `>= nan` never holds, and text fails the comparison with a TypeError
        step_limit = _deref(data, data.get("optimizer_step_limit"))
        if isinstance(step_limit, (int, float)) and not isinstance(step_limit, bool) and math.isfinite(step_limit):
            b.duration("max_steps", step_limit, ("optimizer_step_limit",), Unit.STEP)
        accum = _deref(data, data.get("grad_accumulation_factor"))
        if _number(accum):
            b.count("gradient_accumulation", accum, ("grad_accumulation_factor",))
        for name, value in data.items():
            if isinstance(value, dict) and "n_warmup_steps" in value and ("lr_initial" in value or "model_size" in value):
                warmup = _deref(data, value["n_warmup_steps"])
                if _number(warmup):
                    b.duration("schedule.warmup", warmup, (str(name), "n_warmup_steps"), Unit.STEP, zero_is_unset=True)
                    break
        settings = SpeechBrainSettings(_number(_deref(data, data.get("ckpt_interval_minutes"))),
                                       _number(_deref(data, data.get("ckpt_interval_steps"))))
        semantics = Semantics(
            "SpeechBrain Brain.fit: an optimizer step every grad_accumulation_factor batches, the counter "
            "restarting each epoch (the short last group is flushed); epoch_counter.limit epochs, or fewer when "
            "optimizer_step_limit is reached first",
            accumulation_rounding="drop")
        return b.build(semantics, settings)
