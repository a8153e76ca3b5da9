"""MaxText YAML configs (`base_config:` inheritance; flat keys such as steps, per_device_batch_size,
learning_rate_schedule_steps, checkpoint_period).

What MaxText does with the numbers (AI-Hypercomputer/maxtext at commit e591f30c):

* configs/pyconfig.py `_load_config`: `base_config` names a file, relative to the config's folder,
  else to MaxText's configs/ folder; it is loaded first and the file's keys merged over it (OmegaConf,
  mappings key by key), recursively. Keys no file sets take configs/types.py's defaults.
* configs/types.py: steps (default 150_001) is the number of training steps; -1 takes
  learning_rate_schedule_steps, whose -1 (the default) takes steps. gradient_accumulation_steps
  micro-batches make one step; the global batch is per_device_batch_size × devices × accumulation
  (`calculate_global_batch_sizes`), the device count is the hardware's, unknown here.
* utils/maxtext_utils.py `create_learning_rate_schedule`: a linear warmup of
  int(learning_rate_schedule_steps × warmup_steps_fraction) steps, a cosine (or WSD) decay until
  learning_rate_schedule_steps, then a learning rate of 0 until steps.
* trainers/pre_train/train.py and common/checkpointing.py `maybe_save_checkpoint`: with
  enable_checkpointing, a checkpoint after the 0-based step `step` when step % checkpoint_period == 0
  (after 1-based steps 1 + n, 1 + 2n..., and after the first with save_checkpoint_on_start, true by
  default) and, with save_checkpoint_on_completion, one at the end; an evaluation when
  eval_interval > 0 and (step - eval_start_step) % eval_interval == 0; metrics every log_period steps.
* SFT (use_sft) and DPO (use_dpo) hand the same steps, checkpoint_period and eval_interval to Tunix
  (trainers/post_train/sft/train_sft.py); whether it saves at the end is not read here. The RL
  trainers (use_grpo, rl.yml's rollout and sampler settings) count in rollouts: their configs are
  recognised and not read.

Durations only a base file sets are reported at this file's `base_config` line; types.py defaults
fill only steps, learning_rate_schedule_steps, warmup_steps_fraction and the switches, never an
interval (a smoke test that sets steps: 10 gets no finding from a default checkpoint_period).
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from typing import Any, Optional

from ...loading import KeyPath
from ...named_files import BaseChain
from ...units import Unit, to_number, whole_number
from ..base import Adapted, Dialect, RunBuilder, Semantics, Source

# configs/types.py defaults read when no file of the chain sets the key
DEFAULTS = {"steps": 150_001, "learning_rate_schedule_steps": -1, "warmup_steps_fraction": 0.1,
            "gradient_accumulation_steps": 1, "enable_checkpointing": True, "save_checkpoint_on_start": True,
            "save_checkpoint_on_completion": True,
            "lr_schedule_type": "cosine", "wsd_decay_steps_fraction": 0.1}
# Keys only MaxText writes (base.yml, its model and hardware configs).
SIGNATURE = {"per_device_batch_size", "learning_rate_schedule_steps", "warmup_steps_fraction", "checkpoint_period",
             "ici_fsdp_parallelism", "ici_data_parallelism", "ici_tensor_parallelism", "dcn_data_parallelism",
             "dcn_fsdp_parallelism", "remat_policy", "use_iota_embed", "max_segments_per_seq", "reuse_example_batch",
             "base_emb_dim", "base_num_decoder_layers", "base_num_query_heads", "base_mlp_dim",
             "enable_checkpointing", "async_checkpointing", "use_sft", "use_dpo", "use_grpo",
             "sft_train_on_completion_only", "use_tunix_gradient_accumulation", "student_overrides",
             "teacher_overrides", "logical_axis_rules", "hardware", "megablox", "learning_rate_final_fraction",
             "trainer_devices_fraction", "sampler_devices_fraction", "rollout_data_parallelism", "num_trainer_slices",
             "num_samplers_slices", "rollout_tensor_parallelism"}
RL_KEYS = ("trainer_devices_fraction", "sampler_devices_fraction", "rollout_data_parallelism", "num_generations",
           "rl")
RL_SWITCHES = ("use_grpo", "return_log_prob")  # base.yml writes them false


@dataclass(frozen=True)
class MaxTextSettings:
    """What the MaxText rules read (SL680, SL681)."""

    steps: Optional[int] = None
    steps_key: Optional[str] = None
    schedule_steps: Optional[int] = None
    schedule_key: Optional[str] = None
    wsd_fractions: Optional[tuple[float, float]] = None  # (warmup, decay) of a WSD schedule
    wsd_keys: tuple[str, ...] = ()


def _locate(name: str, naming_path: str) -> str:
    """A relative base_config: beside the naming file, else in MaxText's configs/ folder."""
    beside = os.path.join(os.path.dirname(naming_path), name)
    configs = _configs_folder(naming_path)
    return beside if os.path.isfile(beside) or configs is None else os.path.join(configs, name)


def _configs_folder(path: str) -> Optional[str]:
    """MaxText's configs/ folder (MAXTEXT_CONFIGS_DIR) for a config inside a MaxText tree: the nearest
    ancestor folder named configs."""
    folder = os.path.dirname(os.path.abspath(path))
    for _ in range(8):
        if os.path.basename(folder) == "configs":
            return folder
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent
    return None


class MaxText(Dialect):
    name = "maxtext"
    description = "MaxText YAML (steps, per_device_batch_size, learning_rate_schedule_steps, checkpoint_period; `base_config` inheritance)"
    triggers = frozenset(SIGNATURE)

    def score(self, data: dict) -> float:
        keys = set(map(str, data))
        strong = len(keys & SIGNATURE)
        base = data.get("base_config")
        if isinstance(base, str) and base.strip().endswith((".yml", ".yaml")) and strong >= 1:
            return 0.95
        return 0.95 if strong >= 4 else 0.0

    def adapt(self, data: dict, source: Source) -> Adapted:
        bases = BaseChain("base_config", source.path, keep_key=True, locate=_locate)
        merged = bases.merged(data)
        # the keys the bases set, but for the one at the root of the chain (base.yml, which mirrors
        # types.py's defaults)
        chain_keys = {k for d in bases.bases if isinstance(d.get("base_config"), str) for k in d}
        b = RunBuilder(strict=False)
        b.assumptions.extend(bases.notes)
        if bases.files:
            b.assumptions.append("merged with base_config " + " <- ".join(bases.files))

        def where(key: str) -> tuple[KeyPath, Optional[str]]:
            """The key in this file, or its base_config line when only a base file sets it."""
            if key in data:
                return (key,), None
            if key in merged and "base_config" in data:
                return ("base_config",), f"{key} from {data['base_config']}"
            return ("base_config",) if "base_config" in data else (), f"MaxText default {key}"

        def get(key: str, default: bool = True) -> Any:
            return merged.get(key, DEFAULTS.get(key) if default else None)

        def interval(key: str) -> Optional[float]:
            """An interval this file or a base other than the root one (base.yml, MaxText's defaults) sets:
            a smoke test that sets steps: 10 is not told about base.yml's checkpoint_period."""
            if key not in data and key not in chain_keys:
                return None
            return to_number(merged.get(key))

        written = set(data) | chain_keys  # not only base.yml's
        if any(key in written for key in RL_KEYS) or any(merged.get(key) is True for key in RL_SWITCHES):
            b.assumptions.append("a MaxText RL config (GRPO): it counts rollouts and generations, not dataset "
                                 "steps; nothing is read")
            return b.build(Semantics("MaxText RL: rollouts, not read"), MaxTextSettings())
        post_train = get("use_sft") is True or get("use_dpo") is True or "student_overrides" in written

        steps, schedule = whole_number(get("steps")), whole_number(get("learning_rate_schedule_steps"))
        if schedule == -1:
            schedule = steps
        if steps == -1:
            steps = schedule
        settings: dict[str, Any] = {}
        steps_path, steps_note = where("steps")
        if steps is not None and steps > 0:
            b.duration("max_steps", steps, steps_path, Unit.STEP, note=steps_note)
            settings.update(steps=steps, steps_key=".".join(map(str, steps_path)) or "steps")
        schedule_path, schedule_note = where("learning_rate_schedule_steps")
        if whole_number(get("learning_rate_schedule_steps")) in (-1, None):
            schedule_path, schedule_note = steps_path, steps_note
        if schedule is not None and schedule > 0:
            b.duration("schedule.horizon", schedule, schedule_path, Unit.STEP, note=schedule_note)
            settings.update(schedule_steps=schedule, schedule_key=".".join(map(str, schedule_path)) or "steps")
            fraction = to_number(get("warmup_steps_fraction"))
            if fraction is not None and math.isfinite(fraction) and 0 < fraction <= 1:
                warmup = int(schedule * fraction)  # int(): truncated
                path, note = where("warmup_steps_fraction")
                b.duration("schedule.warmup", warmup, path, Unit.STEP, zero_is_unset=True,
                           note=note or f"int({schedule} × {fraction})")
        kind = get("lr_schedule_type")
        if isinstance(kind, str):
            b.name("schedule.name", f"MaxText {kind} (then 0 until steps)", where("lr_schedule_type")[0])
            if kind.lower() == "wsd":
                fractions = (to_number(get("warmup_steps_fraction")), to_number(get("wsd_decay_steps_fraction")))
                if all(f is not None and math.isfinite(f) for f in fractions):
                    settings.update(wsd_fractions=fractions, wsd_keys=tuple(
                        ".".join(map(str, where(k)[0])) for k in ("warmup_steps_fraction", "wsd_decay_steps_fraction")))

        per_device = get("per_device_batch_size", default=False)
        if whole_number(per_device) is not None and whole_number(per_device) >= 1:  # fractional: < 1 sample per device
            path, note = where("per_device_batch_size")
            b.count("train_loader.batch_size", per_device, path, note=note)
        accumulation = whole_number(get("gradient_accumulation_steps"))
        if accumulation is not None and accumulation >= 1:
            path, note = where("gradient_accumulation_steps")
            b.count("gradient_accumulation", accumulation, path, note=note)

        ruled_out, final = [], []
        checkpoint = interval("checkpoint_period")
        if get("enable_checkpointing") is not True:
            ruled_out.append("checkpoint")
        elif get("enable_continuous_checkpointing") is True:
            # common/checkpointing.py `create_orbax_checkpoint_manager`: a ContinuousCheckpointingPolicy saves
            # as soon as the last save is done, and `_should_save_checkpoint_at_step` asks it, not the period
            b.assumptions.append("enable_continuous_checkpointing: orbax saves whenever the last save is done, "
                                 "not every checkpoint_period steps; the checkpoints are not counted")
        elif checkpoint is not None and checkpoint > 0:
            path, note = where("checkpoint_period")
            b.duration("checkpoint", checkpoint, path, Unit.STEP, note=note)
        if get("enable_checkpointing") is True and get("save_checkpoint_on_completion") is True and not post_train:
            final.append("checkpoint")
        eval_every = to_number(merged.get("eval_interval", -1))
        if eval_every is None or eval_every <= 0:
            ruled_out.append("eval")  # -1, the default: no interval-based evaluation
        elif interval("eval_interval") is not None:
            path, note = where("eval_interval")
            b.duration("eval", eval_every, path, Unit.STEP, note=note)
        # log_period is when TensorBoard is flushed; metrics are logged every step: not read
        b.assumptions.append("the global batch is per_device_batch_size × the devices × gradient_accumulation_steps; "
                             "pass --world-size with the device count")
        # pre_train/train.py counts 0-based steps. It evaluates after those with `(step - eval_start_step) %
        # eval_interval == 0`: after the first step, then every eval_interval (eval_start_step 0, the
        # default). common/checkpointing.py `maybe_save_checkpoint` saves after those with `step %
        # checkpoint_period == 0`, but after step 0 only with save_checkpoint_on_start
        # (`_should_save_checkpoint_at_step`); the save on completion is forced off that grid
        # (`force_ckpt_save = ... actual_step % config.checkpoint_period != 0`); a run of one step without the
        # save on start, whose last step is 0-based 0 and so not forced, saves nothing: not modelled.
        first, shifted = [], []
        if not post_train and not whole_number(merged.get("eval_start_step", 0)):
            first.append("eval")
            shifted.append("eval")
        if not post_train and "checkpoint" not in ruled_out:
            shifted.append("checkpoint")
            if get("save_checkpoint_on_start") is True:
                first.append("checkpoint")
        semantics = Semantics(
            ("MaxText (Tunix post-training): " if post_train else "MaxText: ")
            + "a step is one optimizer step over per_device_batch_size × devices × gradient_accumulation_steps; the "
            "run ends at steps; the LR warms up for int(learning_rate_schedule_steps × warmup_steps_fraction), "
            "decays until learning_rate_schedule_steps and is 0 after it",
            final_events=tuple(final), ruled_out=tuple(ruled_out), first_step_events=tuple(first),
            shifted_events=tuple(shifted))
        return b.build(semantics, MaxTextSettings(**settings))
