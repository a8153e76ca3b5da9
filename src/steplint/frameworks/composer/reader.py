"""MosaicML Composer / llm-foundry YAML, and MosaicML platform (`mcli`) run files that embed one.

Time strings [S-CO composer/core/time.py `Time.from_timestring`]: a number and a unit, `ep`, `ba`,
`sp`, `tok`, `dur`, `iter` or `sec` (`1ep`, `4800ba`, `0.02dur`); a bare integer is epochs in
`max_duration`, `eval_interval` and `save_interval`. A Composer "batch" is one optimizer step: the
whole per-rank batch, split into microbatches inside the step (no accumulation across batches).

llm-foundry [S-LF llmfoundry/utils/config_utils.py `calculate_batch_size_info`]:
    device_train_batch_size = global_train_batch_size / world size   (ValueError if not divisible)
    device_train_grad_accum = ceil(device batch / device_train_microbatch_size)

Schedulers [S-CO composer/optim/scheduler.py `_convert_time`, `_raise_if_warmup_and_max_incompatible`,
`_raise_if_max_duration_exceeds_t_max`]: `dur` becomes int(fraction × max_duration) in max_duration's
unit (batches when max_duration is in epochs: int(fraction × epochs × dataloader length)), `ep`
becomes batches; the *_with_warmup schedulers raise ValueError when t_warmup and t_max end up in
different units or when t_max is shorter than max_duration.

Hydra layouts (mosaicml/diffusion [S-MD diffusion/train.py `train`, commit 49282fd7]): the Trainer's
arguments sit in a `trainer:` node with `_target_: composer.Trainer`, the scheduler is a `_target_`
node of its own, and each rank loads `dataset.train_batch_size // world_size` samples per batch
(floored, never refused).
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from typing import Any, NamedTuple, Optional

from ...loading import KeyPath, format_key_path
from ...units import Unit
from ...units import to_number as _to_number
from ..base import Adapted, Dialect, RunBuilder, Semantics, Source


def to_number(value: Any) -> Optional[float]:
    """units.to_number, without infinities and NaN (`1e999` is not a duration anyone can run)."""
    number = _to_number(value)
    return number if number is not None and math.isfinite(number) else None


# Composer unit -> canonical unit; `ba` is an optimizer step, not a micro-batch.
_CANONICAL = {"ep": Unit.EPOCH, "ba": Unit.STEP, "sp": Unit.SAMPLE, "tok": Unit.TOKEN, "dur": Unit.DUR}
UNIT_WORDS = {"ep": "epochs", "ba": "batches", "sp": "samples", "tok": "tokens", "dur": "of the run",
              "iter": "iterations", "sec": "seconds"}
_TIME = re.compile(r"^\s*(.+?)\s*(iter|ep|ba|sp|tok|dur|sec)\s*$", re.I)
# llm-foundry / Composer schedulers that check their units at the first step
WARMUP_SCHEDULERS = {"cosine_with_warmup", "linear_decay_with_warmup", "constant_with_warmup",
                     "polynomial_with_warmup"}
_MARKERS = {"global_train_batch_size", "device_train_microbatch_size", "device_eval_batch_size",
            "device_train_batch_size", "train_loader", "eval_loader", "eval_interval", "max_seq_len",
            "fsdp_config", "icl_tasks", "eval_gauntlet", "algorithms", "callbacks", "loggers", "variables",
            "eval_first", "save_interval", "console_log_interval", "eval_subset_num_batches"}


class Time(NamedTuple):
    """A Composer time as written: amount, Composer unit, dotted key, and whether it was a bare number.
    Immutable; a NamedTuple, built per key without the __setattr__ call per field a frozen dataclass
    makes."""

    value: float
    unit: str
    path: KeyPath
    bare: bool = False

    @property
    def key(self) -> str:
        return format_key_path(self.path)

    def text(self) -> str:
        amount = int(self.value) if float(self.value).is_integer() else self.value
        return f"{amount}{self.unit}"


def parse_time(value: Any, default_unit: Optional[str], path: KeyPath) -> Optional[Time]:
    """A Composer time string, or a bare number in `default_unit`; None when Composer would refuse it
    or steplint cannot tell (interpolations, `auto`, wall-clock times such as `1h30m`, which name no
    unit of the run)."""
    if isinstance(value, bool) or value is None:
        return None
    match = _TIME.match(value) if isinstance(value, str) else None  # a number never ends with a unit
    if match is None:
        number = to_number(value)
        return Time(number, default_unit, path, bare=True) if number is not None and default_unit else None
    amount = to_number(match.group(1))
    if amount is None:
        try:
            amount = float(match.group(1))  # Composer parses the number with float()
        except ValueError:
            return None
    return Time(amount, match.group(2).lower(), path)


class ComposerSettings(NamedTuple):
    """What the Composer rules read (SL501-SL505). Immutable; a NamedTuple: one is built per config,
    and a frozen dataclass sets each field with __setattr__."""

    max_duration: Optional[Time] = None
    t_warmup: Optional[Time] = None
    t_max: Optional[Time] = None
    scheduler: Optional[str] = None  # registry name, e.g. cosine_with_warmup
    scheduler_key: Optional[str] = None
    eval_interval: Optional[Time] = None
    evaluates: bool = False  # an eval loader, ICL tasks or a gauntlet is configured
    global_batch: Optional[int] = None
    global_batch_key: Optional[str] = None
    microbatch: Optional[int] = None
    microbatch_key: Optional[str] = None
    world_key: Optional[str] = None  # where the config states the world size (mcli compute.gpus)


def _config_root(data: dict) -> tuple[dict, KeyPath]:
    """An mcli run file keeps the training config under `parameters`."""
    params = data.get("parameters")
    if isinstance(params, dict) and params and ({"command", "compute", "integrations", "image"} & data.keys()):
        return params, ("parameters",)
    return data, ()


def _hydra_trainer(d: dict) -> Optional[dict]:
    """The `trainer:` node that Hydra instantiates as composer.Trainer (mosaicml/diffusion)."""
    trainer = d.get("trainer")
    if isinstance(trainer, dict) and isinstance(trainer.get("_target_"), str) \
            and trainer["_target_"] in ("composer.Trainer", "composer.trainer.Trainer", "composer.trainer.trainer.Trainer"):
        return trainer
    return None


def _looks_olmo(d: dict) -> bool:
    """OLMo's TrainConfig shares max_duration and the batch keys; its own keys tell it apart."""
    if "train_loader" in d or "variables" in d or "max_seq_len" in d:
        return False
    tok, model, sched, data = (d.get(k) if isinstance(d.get(k), dict) else {} for k in
                               ("tokenizer", "model", "scheduler", "data"))
    return bool("identifier" in tok or "save_interval_unsharded" in d or "evaluators" in d
                or "max_sequence_length" in model or "units" in sched
                or {"paths", "datasets", "memmap_dtype"} & data.keys())


class Composer(Dialect):
    name = "composer"
    description = "MosaicML Composer / llm-foundry YAML (max_duration time strings, global_train_batch_size)"
    triggers = frozenset({"max_duration", "train_loader"})

    def score(self, data: dict) -> float:
        d, _ = _config_root(data)
        if not isinstance(d, dict) or _looks_olmo(d):
            return 0.0
        trainer = _hydra_trainer(d)
        if trainer is not None and "max_duration" in trainer:
            return 0.9
        markers = _MARKERS & d.keys()
        if "max_duration" in d and markers:
            return 0.9
        if "train_loader" in d and len(markers) >= 3:
            return 0.7
        return 0.0

    def adapt(self, data: dict, source: Source) -> Adapted:
        d, root = _config_root(data)
        if _hydra_trainer(d) is not None:
            return self._adapt_hydra(data, d, root)
        # llm-foundry's train.py reads its YAML with OmegaConf (om.load); an MCLI run file is read by
        # mcli with PyYAML before its `parameters` reach llm-foundry
        b = RunBuilder(strict=False, framework="Composer", yaml_loader="pyyaml" if root else "omegaconf")
        key = lambda *parts: format_key_path(root + parts)  # noqa: E731
        path = lambda *parts: root + parts  # noqa: E731

        def section(name: str) -> dict:
            value = d.get(name)
            return value if isinstance(value, dict) else {}

        settings: dict[str, Any] = {}
        if root:  # mcli: compute.gpus is the world size
            gpus = (data.get("compute") or {}).get("gpus") if isinstance(data.get("compute"), dict) else None
            if isinstance(to_number(gpus), int) and to_number(gpus) > 0:
                b.count("world_size", gpus, ("compute", "gpus"))
                settings["world_key"] = "compute.gpus"

        max_duration = parse_time(d.get("max_duration"), "ep", path("max_duration"))
        if max_duration is not None:
            settings["max_duration"] = max_duration
            if max_duration.unit != "dur":
                self._duration(b, "epochs" if max_duration.unit == "ep" else "max_steps", max_duration)

        global_batch = d.get("global_train_batch_size")
        if global_batch is not None:
            b.count("global_batch_size", global_batch, root + ("global_train_batch_size",))
            if b.has("global_batch_size"):
                settings["global_batch"] = b.get("global_batch_size")["value"]
                settings["global_batch_key"] = key("global_train_batch_size")
        micro = to_number(d.get("device_train_microbatch_size"))
        if isinstance(micro, int) and micro > 0:
            settings["microbatch"], settings["microbatch_key"] = micro, key("device_train_microbatch_size")

        train_loader = section("train_loader")
        if "drop_last" in train_loader:
            b.flag("train_loader.drop_last", train_loader["drop_last"], root + ("train_loader", "drop_last"))
        eval_loader = d.get("eval_loader")
        eval_loaders = eval_loader if isinstance(eval_loader, list) else [eval_loader]
        eval_batch = d.get("device_eval_batch_size")
        for index, loader in enumerate(eval_loaders):
            if not isinstance(loader, dict):
                continue
            where = root + (("eval_loader", index) if isinstance(eval_loader, list) else ("eval_loader",))
            batch = (eval_batch, root + ("device_eval_batch_size",)) if to_number(eval_batch) else None
            drop = (loader["drop_last"], where + ("drop_last",)) if "drop_last" in loader else None
            b.eval_loader(batch, drop)
        settings["evaluates"] = bool(eval_loader or any(d.get(k) for k in (
            "eval_loaders", "icl_tasks", "icl_tasks_str", "eval_gauntlet", "eval_gauntlet_str")))

        self._scheduler(b, d, root, settings)
        # No evaluation without something to evaluate or with eval_interval 0; no CheckpointSaver
        # without a save_folder [S-CO Trainer.__init__].
        ruled_out = [] if d.get("save_folder") is not None else ["checkpoint"]
        if not settings["evaluates"]:
            ruled_out.append("eval")
        for field, name in (("eval", "eval_interval"), ("checkpoint", "save_interval"),
                            ("logging", "console_log_interval")):
            time = parse_time(d.get(name), "ep", path(name))  # a bare number is epochs in all three
            if time is not None and time.value == 0 and name == "eval_interval" and "eval" not in ruled_out:
                ruled_out.append("eval")
            if time is None or time.value == 0:  # eval_interval 0 disables evaluation
                continue
            if name == "eval_interval":
                settings["eval_interval"] = time
                if not settings["evaluates"]:
                    continue  # nothing to evaluate: the interval does not matter
            self._duration(b, field, time)

        seq = to_number(d.get("max_seq_len"))
        if not isinstance(seq, int):
            model = section("model")
            seq = to_number(model.get("max_seq_len"))
        semantics = _semantics(seq if isinstance(seq, int) and seq > 0 else None, tuple(ruled_out))
        return b.build(semantics, ComposerSettings(**settings))

    def _adapt_hydra(self, data: dict, d: dict, root: KeyPath) -> Adapted:
        """A `trainer: {_target_: composer.Trainer, ...}` node: the Trainer's own arguments."""
        trainer = _hydra_trainer(d) or {}
        at = root + ("trainer",)
        b = RunBuilder(strict=False, framework="Composer", yaml_loader="omegaconf")  # Hydra composes it
        settings: dict[str, Any] = {}
        max_duration = parse_time(trainer.get("max_duration"), "ep", at + ("max_duration",))
        if max_duration is not None:
            settings["max_duration"] = max_duration
            if max_duration.unit != "dur":
                self._duration(b, "epochs" if max_duration.unit == "ep" else "max_steps", max_duration)
        dataset = d.get("dataset") if isinstance(d.get("dataset"), dict) else {}
        if to_number(dataset.get("train_batch_size")) is not None:
            # per rank: train_batch_size // world size, floored (not refused, so no SL505 settings)
            b.count("global_batch_size", dataset["train_batch_size"], root + ("dataset", "train_batch_size"))
        settings["evaluates"] = bool(dataset.get("eval_dataset") or d.get("evaluators"))
        sched = d.get("scheduler")
        if isinstance(sched, dict):
            target = sched.get("_target_")
            if isinstance(target, str) and target:
                b.name("schedule.name", target.rsplit(".", 1)[-1], root + ("scheduler", "_target_"))
            for arg, field in (("t_warmup", "schedule.warmup"), ("t_max", "schedule.horizon")):
                time = parse_time(sched.get(arg), None, root + ("scheduler", arg))
                if time is not None:
                    settings[arg] = time
                    self._duration(b, field, time)
        # Trainer: no CheckpointSaver without save_folder; evaluation only with something to evaluate
        ruled_out = [] if trainer.get("save_folder") else ["checkpoint"]
        if not settings["evaluates"]:
            ruled_out.append("eval")
        for field, name in (("eval", "eval_interval"), ("checkpoint", "save_interval"),
                            ("logging", "console_log_interval")):
            time = parse_time(trainer.get(name), "ep", at + (name,))
            if time is None or time.value == 0:
                if time is not None and name == "eval_interval" and "eval" not in ruled_out:
                    ruled_out.append("eval")
                continue
            if name == "eval_interval":
                settings["eval_interval"] = time
            if field in ruled_out:
                continue
            self._duration(b, field, time)
        semantics = Semantics(
            "Composer: a Hydra trainer node; one optimizer step per batch, each rank loading "
            "train_batch_size // world size samples (split into microbatches); save and eval also at the end "
            "of training", batch_is_global=True, warmup_rounding="floor", final_events=("checkpoint", "eval"),
            ruled_out=tuple(ruled_out))
        return b.build(semantics, ComposerSettings(**settings))

    @staticmethod
    def _duration(b: RunBuilder, field: str, time: Time) -> None:
        unit = _CANONICAL.get(time.unit)
        if unit is None:
            return  # iterations or seconds: not on steplint's scale
        note = f"Composer {time.text()}" + (" (a bare number is epochs)" if time.bare else "")
        b.duration(field, time.value, time.path, unit, note=note, zero_is_unset=True)

    def _scheduler(self, b: RunBuilder, d: dict, root: KeyPath, settings: dict) -> None:
        sched, where = d.get("scheduler"), root + ("scheduler",)
        if sched is None and isinstance(d.get("schedulers"), list) and len(d["schedulers"]) == 1:
            sched, where = d["schedulers"][0], root + ("schedulers", 0)
        if not isinstance(sched, dict):
            return
        name = sched.get("name")
        if isinstance(name, str):
            b.name("schedule.name", name, where + ("name",))
            settings["scheduler"], settings["scheduler_key"] = name, format_key_path(where + ("name",))
        for arg, field in (("t_warmup", "schedule.warmup"), ("t_max", "schedule.horizon")):
            time = parse_time(sched.get(arg), None, where + (arg,))
            if time is None:
                continue
            settings[arg] = time
            self._duration(b, field, time)


@lru_cache(maxsize=64)
def _semantics(tokens_per_sample: Optional[int], ruled_out: tuple[str, ...]) -> Semantics:
    """How Composer / llm-foundry counts (Semantics is frozen: configs that count alike share one)."""
    return Semantics(
        "Composer / llm-foundry: one optimizer step per batch of global_train_batch_size (split into "
        "microbatches), per-rank batch = global / world size; save and eval also at the end of training",
        batch_is_global=True,
        tokens_per_sample=tokens_per_sample,
        warmup_rounding="floor",
        final_events=("checkpoint", "eval"),
        ruled_out=ruled_out,
    )


def converted(time: Time, max_duration: Time, batches_per_epoch: Optional[int]) -> tuple[Optional[float], str]:
    """What Composer's `_convert_time` makes of a scheduler time: (value or None, unit). `dur`
    becomes int(fraction × max_duration) in max_duration's unit (batches when max_duration is in
    epochs), `ep` becomes batches; the value is None when it needs the dataloader length."""
    if time.unit == "dur":
        if max_duration.unit == "ep":
            value = None if batches_per_epoch is None else int(time.value * batches_per_epoch * max_duration.value)
            return value, "ba"
        return int(time.value * max_duration.value), max_duration.unit
    if time.unit == "ep":
        return (None if batches_per_epoch is None else time.value * batches_per_epoch), "ba"
    return time.value, time.unit
