"""What the nanoGPT profile cannot say as data: the run's length. train.py steps at every iter_num
from 0 and stops once iter_num > max_iters, so max_iters + 1 optimizer steps [nanoGPT train.py, the
training loop, commit 3adf61e1]."""

from __future__ import annotations

import math
from typing import Any

from ..base import RunBuilder, Source
from ...units import Unit, to_number


def adapt(data: dict, b: RunBuilder, source: Source) -> dict:
    value: Any = data.get("max_iters")
    number = to_number(value)
    if not isinstance(value, bool) and number is not None and math.isfinite(number) and number >= 0 \
            and number == int(number):
        b.duration("max_steps", int(number) + 1, ("max_iters",), Unit.STEP,
                   note=f"iterations 0..{int(number)}")
    b.assumptions.append("gradient_accumulation_steps is the total over the ranks (train.py divides it by the "
                         "world size): the plan is for one process")
    return {}
