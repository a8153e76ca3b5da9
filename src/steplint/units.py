"""The units grammar: how a duration is written anywhere steplint reads one.

    duration := number                      unit taken from the key (warmup_steps, save_every_n_epochs...)
              | number [space] unit         "500 steps", "2 epochs", "1ep", "500ba", "0.1dur", "10%"
              | {every|value: number, unit: unit}
    unit     := epoch | step | batch | sample | token | dur, with these spellings:
"""

from __future__ import annotations

import math
import re
from enum import Enum
from typing import Any


class Unit(str, Enum):
    EPOCH = "epoch"
    STEP = "step"  # optimizer step (one update after the accumulated micro-batches)
    BATCH = "batch"  # micro-batch: one forward/backward pass
    SAMPLE = "sample"
    TOKEN = "token"
    DUR = "dur"  # a fraction of the whole run


SPELLINGS: dict[str, Unit] = {
    **dict.fromkeys(["ep", "epoch", "epochs"], Unit.EPOCH),
    **dict.fromkeys(["step", "steps", "optimizer_step", "optimizer_steps", "update", "updates",
                     "it", "iter", "iters", "iteration", "iterations", "ba_opt"], Unit.STEP),
    **dict.fromkeys(["ba", "batch", "batches", "micro_batch", "micro_batches", "microbatch",
                     "microbatches"], Unit.BATCH),
    **dict.fromkeys(["sp", "sample", "samples", "example", "examples"], Unit.SAMPLE),
    **dict.fromkeys(["tok", "token", "tokens", "t"], Unit.TOKEN),
    **dict.fromkeys(["dur", "%", "of_run", "fraction"], Unit.DUR),
}
__doc__ += "\n".join(
    f"    {unit.value:7} {', '.join(sorted(s for s, u in SPELLINGS.items() if u is unit))}" for unit in Unit
)

_NUMBER = r"[+-]?(?:\d[\d_]*\.?\d*|\.\d+)(?:[eE][+-]?\d+)?"
_WRITTEN = re.compile(rf"^\s*({_NUMBER})\s*([A-Za-z_%\- ]+?)\s*$")


def to_number(value: Any) -> float | int | None:
    """A number as YAML 1.2 would read it: `1e-4` and `739_328` are numbers, booleans are not."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str):
        text = value.strip().replace("_", "")
        if not text or not re.fullmatch(_NUMBER, text):
            return None
        try:
            number = float(text)
        except ValueError:
            return None
        if math.isfinite(number) and number == int(number) and not re.search(r"[.eE]", text):
            return int(text)
        return number
    return None


def finite_number(value: Any) -> float | int | None:
    """to_number without infinity and NaN (`.inf` in a ratio is no number to multiply a run by)."""
    number = to_number(value)
    return number if number is None or math.isfinite(number) else None


def whole_number(value: Any) -> int | None:
    """A finite whole number as an int (`12`, `12.0`, "1_000"), else None: text, a fraction, a
    boolean, infinity or NaN."""
    number = to_number(value)
    if number is None or not math.isfinite(number) or number != int(number):
        return None
    return int(number)


def parse_unit(word: str) -> Unit | None:
    return SPELLINGS.get(word.strip().lower().replace("-", "_").replace(" ", "_"))


def parse_duration(value: Any, default_unit: Unit | None) -> tuple[float | int, Unit] | None:
    """(amount, unit), or None when `value` is not a duration steplint can read."""
    if isinstance(value, dict):
        amount = value.get("every", value.get("value"))
        unit = parse_unit(str(value["unit"])) if "unit" in value else default_unit
        number = to_number(amount)
        return (number, unit) if number is not None and unit is not None else None
    number = to_number(value)
    if number is not None:
        return (number, default_unit) if default_unit is not None else None
    if isinstance(value, str):
        match = _WRITTEN.match(value)
        if match:
            number, unit = to_number(match.group(1)), parse_unit(match.group(2))
            if number is not None and unit is not None:
                return (number / 100, Unit.DUR) if match.group(2).strip() == "%" else (number, unit)
    return None
