"""The hand-written OLMo TrainConfig YAML dialect steplint had before its profile (frameworks/olmo/profile.yaml),
kept as the reference the profile must reproduce (tests/test_profiles.py).

OLMo (ai2-olmo) `TrainConfig` YAML [S-OL olmo/config.py, olmo/train.py, scripts/train.py].

    max_duration       an int = optimizer steps; "2e12T" = tokens; "2ep" = epochs; other text = steps
    stop_at            a hard stop, in steps
    device batch       = global_train_batch_size // world size     (floor, no check)
    grad accumulation  = device batch // device_train_microbatch_size   (floor; the batch is sliced)
    tokens per step    = global_train_batch_size × model.max_sequence_length
    steps per epoch    = dataset size // global_train_batch_size
    scheduler          t_warmup / t_max in `units` (steps, or tokens), cast with int()
    save_interval, save_interval_unsharded, save_interval_ephemeral, eval_interval: steps
"""

from __future__ import annotations

import math
from typing import Any, Optional

from steplint.loading import KeyPath, format_key_path
from steplint.units import Unit
from steplint.units import to_number as _to_number
from steplint.frameworks.base import Adapted, Dialect, RunBuilder, Semantics, Source
from steplint.frameworks.olmo.settings import OlmoSettings
from steplint.frameworks.composer.reader import _looks_olmo


def to_number(value: Any) -> Optional[float]:
    """units.to_number, without infinities and NaN (`1e999` is not a duration anyone can run)."""
    number = _to_number(value)
    return number if number is not None and math.isfinite(number) else None




def parse_max_duration(value: Any) -> Optional[tuple[float, Unit]]:
    """OLMo `Trainer.max_steps`: int = steps, "...T" = tokens, "...ep" = epochs, else float() steps."""
    if isinstance(value, bool) or value is None:
        return None
    number = to_number(value)
    if number is not None:
        return number, Unit.STEP
    if not isinstance(value, str):
        return None
    text = value.strip()
    for suffix, unit in (("T", Unit.TOKEN), ("ep", Unit.EPOCH)):
        if text.endswith(suffix):
            amount = to_number(text[: -len(suffix)])
            return (amount, unit) if amount is not None else None
    return None


class Olmo(Dialect):
    name = "olmo"
    description = "OLMo TrainConfig YAML (max_duration in steps, tokens `2e12T` or epochs; scheduler.units)"

    def score(self, data: dict) -> float:
        if not ({"max_duration", "global_train_batch_size"} & data.keys()):
            return 0.0
        return 0.9 if _looks_olmo(data) else 0.0

    def adapt(self, data: dict, source: Source) -> Adapted:
        b = RunBuilder(strict=False, framework="OLMo", yaml_loader="omegaconf")
        settings: dict[str, Any] = {}

        def section(name: str) -> dict:
            value = data.get(name)
            return value if isinstance(value, dict) else {}

        duration = parse_max_duration(data.get("max_duration"))
        if duration is not None:
            amount, unit = duration
            field = "epochs" if unit is Unit.EPOCH else "max_steps"
            b.duration(field, amount, ("max_duration",), unit, zero_is_unset=True)
        stop_at = to_number(data.get("stop_at"))
        if isinstance(stop_at, int) and stop_at > 0 and not b.has("max_steps"):
            b.duration("max_steps", stop_at, ("stop_at",), Unit.STEP)

        global_batch = data.get("global_train_batch_size")
        if global_batch is not None:
            b.count("global_batch_size", global_batch, ("global_train_batch_size",))
            if b.has("global_batch_size"):
                settings["global_batch"] = b.get("global_batch_size")["value"]
                settings["global_batch_key"] = "global_train_batch_size"
                # steps per epoch = dataset size // global batch: the last partial batch is dropped
                b.flag("train_loader.drop_last", True, ("global_train_batch_size",))
        micro = to_number(data.get("device_train_microbatch_size"))
        if isinstance(micro, int) and micro > 0:
            settings["microbatch"], settings["microbatch_key"] = micro, "device_train_microbatch_size"

        self._scheduler(b, section("scheduler"), settings)
        self._checkpoint(b, data)
        evaluators = data.get("evaluators")
        if isinstance(evaluators, list) and evaluators:
            self._steps(b, "eval", data, "eval_interval")
        self._steps(b, "logging", data, "console_log_interval")

        seq = to_number(section("model").get("max_sequence_length"))
        semantics = Semantics(
            "OLMo: optimizer steps; device batch = global // world size (floor, unchecked); "
            "steps per epoch = dataset // global batch",
            batch_is_global=True,
            tokens_per_sample=seq if isinstance(seq, int) and seq > 0 else None,
            final_events=("checkpoint",),
            ruled_out=("eval",) if evaluators == [] else (),  # evaluators: []: nothing is ever evaluated
        )
        return b.build(semantics, OlmoSettings(**settings))

    @staticmethod
    def _steps(b: RunBuilder, field: str, data: dict, key: str) -> None:
        number = to_number(data.get(key))
        if number is not None and number > 0:
            b.duration(field, number, (key,), Unit.STEP)

    @staticmethod
    def _checkpoint(b: RunBuilder, data: dict) -> None:
        """The most frequent of the sharded, unsharded and ephemeral checkpoint intervals."""
        candidates = []
        for key in ("save_interval", "save_interval_unsharded", "save_interval_ephemeral"):
            number = to_number(data.get(key))
            if number is not None and number > 0:
                candidates.append((number, key))
        if candidates:
            number, key = min(candidates)
            b.duration("checkpoint", number, (key,), Unit.STEP)

    @staticmethod
    def _scheduler(b: RunBuilder, sched: dict, settings: dict) -> None:
        where: KeyPath = ("scheduler",)
        name = sched.get("name")
        if isinstance(name, str):
            b.name("schedule.name", name, where + ("name",))
        units = sched.get("units") or "steps"
        unit = {"steps": Unit.STEP, "tokens": Unit.TOKEN}.get(str(units))
        if unit is None:
            return
        settings["units"] = str(units)
        for arg, field in (("t_warmup", "schedule.warmup"), ("t_max", "schedule.horizon")):
            number = to_number(sched.get(arg))
            if number is None:
                continue
            settings[arg], settings[f"{arg}_key"] = number, format_key_path(where + (arg,))
            whole = int(number)  # OLMo casts with int(): 0.01 -> 0
            note = None if whole == number else f"int({number}) = {whole}"
            b.duration(field, whole, where + (arg,), unit, note=note, zero_is_unset=True)
