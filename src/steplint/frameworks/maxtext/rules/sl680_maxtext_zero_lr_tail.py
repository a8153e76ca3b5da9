"""SL680 maxtext-zero-lr-tail: learning_rate_schedule_steps shorter than steps. MaxText's schedule ends
there and the learning rate is 0 for the remaining steps [maxtext utils/maxtext_utils.py
`create_learning_rate_schedule`: "Constant learning rate of 0 from learning_rate_schedule_steps to
steps"]: those steps cost a full step each and change no weight. A schedule longer than the run is
SL205."""

from __future__ import annotations

from typing import Iterator

from ..reader import MaxTextSettings
from ....findings import Hit
from ....rules.context import RuleContext, num

CODE = "SL680"


def check(ctx: RuleContext) -> Iterator[Hit]:
    s: MaxTextSettings = ctx.settings
    if s.steps is None or s.schedule_steps is None or s.schedule_steps >= s.steps:
        return
    rest = s.steps - s.schedule_steps
    yield ctx.hit(f"the LR schedule ends at step {num(s.schedule_steps)} ({s.schedule_key}) and MaxText trains the "
                  f"last {num(rest)} of the {num(s.steps)} steps ({rest / s.steps:.0%} of the run) with a learning "
                  f"rate of 0: they update nothing", s.schedule_key, s.steps_key)
