"""kohya-ss/sd-scripts `--config_file` TOML (train_network.py, train_db.py, sdxl_train*.py), read as
sd-scripts reads it (kohya-ss/sd-scripts @ 48d368fa):

- library/train_util.py `read_config_from_file`: every table is flattened one level into the
  arguments (a later table's key replaces an earlier one's), and the values reach the training
  script as TOML wrote them: `parse_args(namespace=...)` neither converts nor defaults a value the
  namespace already holds, so `train_batch_size = "4"` is text the script then computes with;
- `add_training_arguments`: max_train_steps 1600, train_batch_size 1, gradient_accumulation_steps 1,
  lr_scheduler constant, lr_warmup_steps 0 (an int: scheduler steps; a float: a ratio of the run,
  `get_scheduler_fix` int(lr_warmup_steps × steps));
- train_network.py `train`: max_train_epochs replaces max_train_steps with epochs ×
  ceil(len(loader) / processes / GA); save_every_n_steps saves at global steps that divide; save
  every n epochs only before the last epoch, n = floor(epochs / save_n_epoch_ratio) or 1 with a ratio;
  the trained model is always saved at the end.
"""

from __future__ import annotations

import math
from dataclasses import replace
from functools import partial
from typing import Any, Optional

from ...plan import Sharding
from ...units import Unit, to_number
from ..base import Adapted, Dialect, KeyPath, RunBuilder, Semantics, Source
from .settings import KohyaSettings

DEFAULT_STEPS = 1600
# Arguments only sd-scripts' training scripts take (none is a Hugging Face TrainingArguments field)
OWN_KEYS = frozenset({"network_module", "network_dim", "network_alpha", "network_args", "save_model_as",
                      "save_precision", "cache_latents", "cache_latents_to_disk", "train_data_dir", "dataset_config",
                      "output_name", "xformers", "sdpa", "max_data_loader_n_workers", "caption_extension",
                      "noise_offset", "optimizer_type", "unet_lr", "text_encoder_lr", "network_train_unet_only",
                      "v2", "v_parameterization", "prior_loss_weight", "max_train_epochs", "save_every_n_epochs",
                      "enable_bucket", "min_bucket_reso", "max_bucket_reso", "max_token_length", "clip_skip"})
NUMBERS = frozenset({"train_batch_size", "gradient_accumulation_steps", "max_train_epochs", "max_train_steps",
                     "save_every_n_steps", "save_every_n_epochs", "save_n_epoch_ratio", "lr_warmup_steps"})
# kohya_ss GUI preset fields: those files are the kohya profile's
GUI_KEYS = frozenset({"epoch", "lr_warmup", "LoRA_type", "model_list", "additional_parameters"})
SEMANTICS = Semantics(
    "kohya sd-scripts, from its --config_file TOML: accelerate deals the bucketed batches to the processes, "
    "ceil(batches / GA) optimizer steps per epoch; max_train_epochs, else max_train_steps (1600); an int "
    "lr_warmup_steps counts steps, a float is a ratio of the run (floored); the last model is always saved",
    # library/train_util.py `get_scheduler_fix`: int(args.lr_warmup_steps * num_training_steps) floors a ratio
    sharding=Sharding.ACCELERATE, final_events=("checkpoint",), warmup_rounding="floor")


def arguments(data: dict) -> dict[str, tuple[Any, KeyPath]]:
    """argument -> (value, where the file writes it), as read_config_from_file flattens the tables."""
    found: dict[str, tuple[Any, KeyPath]] = {}
    for name, value in data.items():
        if isinstance(value, dict):
            for key, inner in value.items():
                found[str(key)] = (inner, (name, key))
        else:
            found[str(name)] = (value, (name,))
    return found


def checkpoints(plan: Any, every_steps: Optional[float], every_epochs: Optional[float], ratio: Optional[float]
                ) -> tuple[Optional[int], Optional[int]]:
    """(how many, first step) of sd-scripts' saves in the planned run (train_network.py `train`): at each
    global step that save_every_n_steps divides; at the end of each epoch e that save_every_n_epochs
    divides, but the last (`(epoch + 1) < num_train_epochs`), num_train_epochs being ceil(max_train_steps
    / steps per epoch); with save_n_epoch_ratio r the epoch interval is floor(num_train_epochs / r) or 1;
    the model at the end. Saves at one step count once, as the plan counts a periodic save at the end."""
    total, per_epoch = plan.total_optimizer_steps, plan.optimizer_steps_per_epoch
    if not total or not per_epoch or total < 0:
        return None, None
    epochs = -(-total // per_epoch)
    if ratio is not None:
        every_epochs = math.floor(epochs / ratio) or 1
    if any(v is not None and v != int(v) for v in (every_steps, every_epochs)):
        return None, None  # a fractional interval: not counted
    n, m = (int(v) if v is not None else None for v in (every_steps, every_epochs))
    firsts = [total]
    step_saves = total // n if n else 0
    if step_saves:
        firsts.append(n)
    epoch_saves = (epochs - 1) // m if m else 0
    if epoch_saves:
        firsts.append(m * per_epoch)
        if n:  # the end of epoch j·m is step j·m·U, a step save too when n divides it
            epoch_saves -= epoch_saves // (n // math.gcd(m * per_epoch, n))
    final = 0 if n and total % n == 0 else 1  # an epoch save is never at the last step (an epoch before the last)
    return step_saves + epoch_saves + final, min(firsts)


def checkpoint_cadence(every_steps: Optional[float], every_epochs: Optional[float], ratio: Optional[float], plan: Any) -> dict:
    return {"checkpoint": checkpoints(plan, every_steps, every_epochs, ratio)}


def _positive(value: Any) -> bool:
    number = to_number(value) if not isinstance(value, str) else None
    return number is not None and number > 0


class SdScriptsConfig(Dialect):
    name = "sd-scripts"
    description = "kohya-ss/sd-scripts --config_file TOML (tables flattened into the training arguments)"
    triggers = frozenset({"pretrained_model_name_or_path"})  # score() requires it

    def score(self, data: dict) -> float:
        args = arguments(data)
        if "pretrained_model_name_or_path" not in args or GUI_KEYS & args.keys():
            return 0.0
        own = len(OWN_KEYS & args.keys())
        timing = {"max_train_steps", "max_train_epochs", "train_batch_size", "learning_rate"} & args.keys()
        return 0.85 if own >= 2 and timing else 0.0

    def adapt(self, data: dict, source: Source) -> Adapted:
        args = arguments(data)
        b = RunBuilder(strict=False, framework="sd-scripts")

        def get(name: str) -> tuple[Any, Optional[KeyPath]]:
            value, path = args.get(name, (None, None))
            if isinstance(value, str) and name in NUMBERS and path is not None:
                # argparse converts only command-line words: the file's text reaches the script as text
                b.invalid(path, value, f"text, not a number: sd-scripts passes a --config_file value to the "
                                        f"script unconverted, which then fails computing with '{value}'")
                return None, None
            return value, path

        batch, path = get("train_batch_size")
        if path is not None:
            b.count("train_loader.batch_size", batch, path)
        elif "train_batch_size" not in args:
            b.count("train_loader.batch_size", 1, (), note="sd-scripts default train_batch_size")
        accumulation, path = get("gradient_accumulation_steps")
        if path is not None:
            b.count("gradient_accumulation", accumulation, path)
        epochs, epochs_path = get("max_train_epochs")
        steps, steps_path = get("max_train_steps")
        if epochs_path is not None and epochs is not None:  # `is not None`: it replaces max_train_steps
            b.duration("epochs", epochs, epochs_path, Unit.EPOCH)
        elif steps_path is not None:
            b.duration("max_steps", steps, steps_path, Unit.STEP)
        elif "max_train_steps" not in args and "max_train_epochs" not in args:
            b.duration("max_steps", DEFAULT_STEPS, (), Unit.STEP, note="sd-scripts default max_train_steps")
        every_steps, steps_path = get("save_every_n_steps")
        every_steps = every_steps if steps_path is not None and _positive(every_steps) else None
        every_epochs, path = get("save_every_n_epochs")
        every_epochs = every_epochs if path is not None and _positive(every_epochs) else None
        ratio, ratio_path = get("save_n_epoch_ratio")
        ratio = ratio if ratio_path is not None and _positive(ratio) else None
        note = None
        if ratio is not None:
            # train_network.py `train`: `args.save_every_n_epochs = math.floor(num_train_epochs /
            # args.save_n_epoch_ratio) or 1`, num_train_epochs being max_train_epochs when it is written
            every_epochs, path = None, None
            if epochs_path is not None and isinstance(epochs, int) and not isinstance(epochs, bool) and epochs > 0:
                every_epochs, path = math.floor(epochs / ratio) or 1, ratio_path
                note = f"floor(max_train_epochs {epochs} / save_n_epoch_ratio {ratio:g}) or 1"
        cadence = None
        if every_steps is not None and (every_epochs is not None or ratio is not None):
            # both save (train_network.py `train`): `global_step % args.save_every_n_steps == 0` after a step,
            # `(epoch + 1) % args.save_every_n_epochs == 0 and (epoch + 1) < num_train_epochs` after an epoch
            b.assumptions.append("save_every_n_steps and the epoch interval both save: no one interval is read, "
                                 "the checkpoints of both are counted")
            cadence = partial(checkpoint_cadence, every_steps, None if ratio is not None else every_epochs, ratio)
        elif every_steps is not None:
            b.duration("checkpoint", every_steps, steps_path, Unit.STEP)
        elif every_epochs is not None:
            b.duration("checkpoint", every_epochs, path, Unit.EPOCH, note=note)
        elif ratio is not None:
            b.assumptions.append("save_n_epoch_ratio sets the epoch save interval from the run's epochs, which "
                                 "max_train_epochs does not give: no interval is read, the checkpoints are counted")
            cadence = partial(checkpoint_cadence, None, None, ratio)
        warmup, path = get("lr_warmup_steps")
        if path is not None and _positive(warmup):
            if isinstance(warmup, float):  # a ratio of the run; get_scheduler_fix: int(ratio × steps)
                b.duration("schedule.warmup", warmup, path, Unit.DUR, note=f"{warmup:g} of the run")
            else:
                b.duration("schedule.warmup", warmup, path, Unit.STEP)
        scheduler, path = get("lr_scheduler")
        b.name("schedule.name", scheduler if path is not None else "constant", path or ())
        b.assumptions.append("the dataset size is images × their folder's repeats (× 2 with regularization images); "
                             "aspect-ratio buckets can add batches to an epoch")
        return b.build(replace(SEMANTICS, cadence=cadence) if cadence else SEMANTICS, KohyaSettings())
