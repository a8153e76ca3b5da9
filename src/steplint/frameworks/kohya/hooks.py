"""What the kohya profile cannot say as data: how the kohya_ss GUI turns a preset into sd-scripts
arguments: the run's length from `epoch` or sd-scripts' default of 1600 steps, the warmup percent,
`additional_parameters` [S-KS kohya_gui/lora_gui.py `train_model`, common_gui.py
`resolve_lr_warmup_steps`; sd-scripts library/train_util.py `add_training_arguments`]."""

from __future__ import annotations

import math
import shlex
from functools import partial
from typing import Any, Optional

from ..base import RunBuilder, Source
from .sd_scripts import checkpoint_cadence
from .settings import KohyaSettings
from ...units import Unit, to_number

SD_SCRIPTS_DEFAULT_STEPS = 1600  # train_util.add_training_arguments: --max_train_steps default
# sd-scripts arguments that, written in additional_parameters, come after the GUI's and replace them
_TIME_ARGS = {"--max_train_steps": ("max_steps",), "--max_train_epochs": ("epochs", "max_steps"),
              "--train_batch_size": ("train_loader",), "--gradient_accumulation_steps": ("gradient_accumulation",),
              "--save_every_n_steps": ("checkpoint",), "--save_every_n_epochs": ("checkpoint",),
              "--save_n_epoch_ratio": ("checkpoint",),
              "--lr_warmup_steps": ("schedule",), "--lr_scheduler": ("schedule",)}
_SAVE_ARGS = {arg for arg, fields in _TIME_ARGS.items() if "checkpoint" in fields}


def _number(value: Any) -> Optional[float]:
    number = to_number(value)
    return number if number is not None and math.isfinite(number) else None


def _loaded(data: dict, key: str) -> Optional[int]:
    """The value as the GUI loads it (common_gui.update_my_data: `int(value)`, 0 when that raises
    ValueError: "" and "7.5" are 0, 7.5 is 7); None when the key is absent (the GUI keeps its current
    value) or is not a number or text."""
    value = data.get(key)
    if value is None or isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    try:
        return int(value)
    except ValueError:
        return 0


def _positive(number: Optional[int]) -> Optional[int]:
    return number if number is not None and number > 0 else None


def adapt(data: dict, b: RunBuilder, source: Source) -> dict:
    epoch, max_epochs, max_steps = (_loaded(data, k) for k in ("epoch", "max_train_epochs", "max_train_steps"))
    dataset_config = data.get("dataset_config")
    default_steps = False
    if _positive(max_epochs):  # replaces max_train_steps
        b.duration("epochs", max_epochs, ("max_train_epochs",), Unit.EPOCH)
    elif max_epochs == 0 and _positive(max_steps):
        b.duration("max_steps", max_steps, ("max_train_steps",), Unit.STEP)
    elif max_epochs == 0 and max_steps == 0 and dataset_config == "" and _positive(epoch) \
            and _loaded(data, "num_processes") == 1:
        # the GUI computes max_train_steps = ceil(images × repeats / batch / GA × epoch × reg): `epoch`
        # epochs on one process (at most: bucketing only adds batches to an epoch). It does not divide
        # by the processes, whose epochs are shorter, so on several the run is about epoch × processes
        b.duration("epochs", epoch, ("epoch",), Unit.EPOCH,
                   note="the GUI computes max_train_steps from the image folders' repeats and epoch")
    elif max_epochs == 0 and max_steps == 0 and isinstance(dataset_config, str) and dataset_config:
        default_steps = True  # the GUI passes no max_train_steps: sd-scripts' default
        b.duration("max_steps", SD_SCRIPTS_DEFAULT_STEPS, ("max_train_steps",), Unit.STEP,
                   note="sd-scripts' default: with a dataset config the GUI computes no steps")
    accumulation = _positive(_loaded(data, "gradient_accumulation_steps"))
    if accumulation:
        b.count("gradient_accumulation", accumulation, ("gradient_accumulation_steps",))
    save_epochs = _positive(_loaded(data, "save_every_n_epochs"))
    save_steps = b.get("checkpoint.value")  # save_every_n_steps, read by the profile
    if save_epochs and not b.has("checkpoint"):
        b.duration("checkpoint", save_epochs, ("save_every_n_epochs",), Unit.EPOCH)
    _gui_warmup(data, b)
    overridden = _additional_parameters(data, b)
    overrides: dict = {}
    if save_epochs and save_steps is not None and not overridden & _SAVE_ARGS:
        # the GUI passes both (lora_gui.py `train_model`: "save_every_n_epochs", "save_every_n_steps"), and both
        # save (sd-scripts train_network.py `train`): neither interval alone is the cadence
        b.raw.pop("checkpoint", None)
        b.assumptions.append("save_every_n_steps and save_every_n_epochs both save: no one interval is read, "
                             "the checkpoints of both are counted")
        overrides["cadence"] = partial(checkpoint_cadence, save_steps, save_epochs, None)
    b.assumptions.append("the dataset size is images × their folder's repeats (× 2 with regularization images); "
                         "aspect-ratio buckets can add batches to an epoch")
    return {**overrides, "settings": KohyaSettings(epoch=_positive(epoch), max_train_epochs=_positive(max_epochs),
                                                   default_steps=default_steps)}


def _gui_warmup(data: dict, b: RunBuilder) -> None:
    """resolve_lr_warmup_steps: lr_warmup_steps > 0 is int(steps); else lr_warmup is a percent of the run.
    With a dataset config the LoRA and TI tabs first rewrite them from max_train_steps (below)."""
    steps, percent = _number(data.get("lr_warmup_steps")), _loaded(data, "lr_warmup")
    dataset_config = data.get("dataset_config")
    if isinstance(dataset_config, str) and dataset_config and ("LoRA_type" in data or "token_string" in data):
        max_steps = _loaded(data, "max_train_steps")
        if max_steps is None:
            return  # absent: the GUI's current value decides the branch below
        if max_steps > 0 and "LoRA_type" in data and not (steps is not None and steps > 0) and percent:
            # kohya_gui/lora_gui.py `train_model` (dataset_config, max_train_steps > 0): `lr_warmup_steps =
            # round(_warmup_pct * int(max_train_steps) / 100)`, steps of the written max_train_steps, which
            # sd-scripts uses as they are even when max_train_epochs sets the run (train_network.py `train`)
            warmup = round(percent * max_steps / 100)
            if warmup > 0:
                b.duration("schedule.warmup", warmup, ("lr_warmup",), Unit.STEP,
                           note=f"{percent}% of max_train_steps {max_steps}, as the GUI computes it with a dataset config")
            return
        if max_steps == 0 or max_steps < 0 and "LoRA_type" in data:
            # lora_gui.py `train_model` (not max_train_steps > 0: `lr_warmup_steps = 0`), textual_inversion_gui.py
            # `train_model` (`if max_train_steps == 0: lr_warmup_steps = 0`): only the percent is left, a fraction
            steps = None
    if steps is not None and steps > 0:
        if int(steps) > 0:
            b.duration("schedule.warmup", int(steps), ("lr_warmup_steps",), Unit.STEP)
    elif percent is not None and 0 < percent <= 100:
        b.duration("schedule.warmup", percent / 100, ("lr_warmup",), Unit.DUR, note=f"{percent}% of the run")


def _additional_parameters(data: dict, b: RunBuilder) -> set[str]:
    """Arguments the GUI appends to the sd-scripts command line. A time argument there replaces the
    preset's, so what was read from the preset for it is dropped (not guessed); a torch scheduler's
    T_max (`--lr_scheduler_type CosineAnnealingLR --lr_scheduler_args T_max=N`) is its horizon in
    scheduler steps, which are optimizer steps on one process (accelerate steps a prepared scheduler
    once per process). Returns the `--` arguments written there."""
    text = data.get("additional_parameters")
    if not isinstance(text, str) or not text.strip():
        return set()
    try:
        words = shlex.split(text)
    except ValueError:
        return set()
    names = {w.split("=", 1)[0] for w in words if w.startswith("--")}
    for arg in names & set(_TIME_ARGS):
        for field in _TIME_ARGS[arg]:
            b.raw.pop(field, None)
    scheduler = _value_after(words, "--lr_scheduler_type")
    if scheduler is None:
        return names
    b.raw.get("schedule", {}).pop("warmup", None)  # a --lr_scheduler_type scheduler has no warmup
    b.name("schedule.name", scheduler, ("additional_parameters",))
    processes = _number(data.get("num_processes"))
    if processes != 1:
        return names
    for word in _values_after(words, "--lr_scheduler_args"):
        name, _, value = word.partition("=")
        if name == "T_max" and _number(value) is not None:
            b.duration("schedule.horizon", _number(value), ("additional_parameters",), Unit.STEP,
                       note="T_max in --lr_scheduler_args")
    return names


def _value_after(words: list[str], flag: str) -> Optional[str]:
    values = _values_after(words, flag)
    return values[0] if values else None


def _values_after(words: list[str], flag: str) -> list[str]:
    """The words after `flag` up to the next `--` argument (`--flag=value` too)."""
    for i, word in enumerate(words):
        if word.startswith(flag + "="):
            return [word.split("=", 1)[1]]
        if word == flag:
            out = []
            for nxt in words[i + 1:]:
                if nxt.startswith("--"):
                    break
                out.append(nxt)
            return out
    return []
