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
    if b.has("max_steps"):
        return {"cadence": lambda plan: _cadence(b, int(number))}
    return {}


def _cadence(b: RunBuilder, max_iters: int) -> dict:
    """The evaluation runs at the top of iterations 0..max_iters with iter_num % eval_interval == 0,
    before that iteration's step: after 0, n, 2n... steps (the one at 0 before any); the checkpoint
    is saved there only once iter_num > 0 [train.py, the training loop]."""
    counted = {}
    for label in ("eval", "checkpoint"):
        leaf = b.get(label)
        every = leaf["value"] if leaf else None
        if not isinstance(every, (int, float)) or isinstance(every, bool) or every < 1 or every != int(every):
            continue
        periodic = max_iters // int(every)  # iterations n, 2n... up to max_iters
        if label == "eval":
            counted[label] = (periodic + 1, 0)
        else:
            counted[label] = (periodic, int(every) if periodic else None)
    return counted
