"""What the PaddleOCR profile cannot say as data: its evaluation cadence, on a grid that starts at
eval_batch_step's start instead of step 0 [S-PO tools/program.py `train`]."""

from __future__ import annotations

import math
from typing import Any, Optional

from ..base import RunBuilder, Source
from .settings import PaddleocrSettings
from ...units import to_number


def _number(value: Any) -> Optional[float]:
    number = to_number(value)
    return number if number is not None and math.isfinite(number) else None


def evaluations(total: Optional[int], start: float, interval: float) -> tuple[Optional[int], Optional[int]]:
    """(how many, first step) of PaddleOCR's evaluations in a run of `total` optimizer steps: at the
    0-based global_step g (after g + 1 steps) with g > start and (g - start) % interval == 0."""
    if start != int(start):
        return 0, None  # g - start is never a whole multiple of the interval: no evaluation ever
    first_index = int(start) + int(interval)  # the first g past start on the grid
    if total is None:
        return None, first_index + 1
    if first_index > total - 1:
        return 0, None
    return (total - 1 - first_index) // int(interval) + 1, first_index + 1


def adapt(data: dict, b: RunBuilder, source: Source) -> dict:
    glob = data.get("Global") if isinstance(data.get("Global"), dict) else {}
    written = glob.get("eval_batch_step")
    start, interval = None, None
    if isinstance(written, list) and len(written) >= 2:
        start, interval = _number(written[0]), _number(written[1])
    elif isinstance(written, (int, float)) and not isinstance(written, bool):
        start, interval = 0, _number(written)
    settings = PaddleocrSettings(eval_start=start, eval_interval=interval,
                                 save_epoch_step=_number(glob.get("save_epoch_step")),
                                 print_batch_step=_number(glob.get("print_batch_step")))
    if glob.get("eval_batch_epoch"):
        # newer PaddleOCR: an evaluation every eval_batch_epoch × (iterations per epoch), from step 0
        settings = PaddleocrSettings(save_epoch_step=settings.save_epoch_step,
                                     print_batch_step=settings.print_batch_step)
        start = interval = None
    overrides: dict = {"settings": settings}
    if start is not None and interval is not None and interval > 0 and interval == int(interval):
        overrides["cadence"] = lambda plan: {"eval": evaluations(plan.total_optimizer_steps, start, interval)}
    return overrides
