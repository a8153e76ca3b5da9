"""SL601 slowfast-relative-lrs: with LR_POLICY steps_with_relative_lrs, SOLVER.LRS[i] is the LR
multiplier from epoch SOLVER.STEPS[i] on (slowfast/utils/lr_policy.py `get_step_index` over
STEPS + [MAX_EPOCH]). Before STEPS[0] the index is -1, so epochs before a first step above 0 run at
LRS[-1], the last (smallest) multiplier; fewer LRS than STEPS is an IndexError when the epoch
reaches the first step without one."""

from __future__ import annotations

from typing import Iterator

from ..settings import SlowFastSettings
from ....findings import Hit
from ....rules.context import RuleContext, num

CODE = "SL601"


def check(ctx: RuleContext) -> Iterator[Hit]:
    s: SlowFastSettings = ctx.settings
    if not s.counted or s.lr_policy != "steps_with_relative_lrs" or not s.steps or s.lrs is None:
        return
    steps, lrs = s.steps, s.lrs
    if steps[0] > 0 and lrs:
        yield ctx.hit(f"SOLVER.STEPS starts at epoch {num(steps[0])}, not 0: PySlowFast's get_step_index gives "
                      f"index -1 before it, so epochs 0 to {num(steps[0])} train at LRS[-1] = {num(lrs[-1])} × BASE_LR "
                      f"(the last multiplier), not LRS[0] = {num(lrs[0])}; start STEPS with 0", "SOLVER.STEPS",
                      "SOLVER.LRS")
    if len(lrs) < len(steps):
        reached = [step for step in steps[len(lrs):] if s.max_epoch is None or step < s.max_epoch]
        if reached:
            yield ctx.hit(f"SOLVER.LRS has {len(lrs)} multipliers for {len(steps)} SOLVER.STEPS: at epoch "
                          f"{num(reached[0])} PySlowFast looks up LRS[{len(lrs)}] and training stops with IndexError; "
                          f"give one multiplier per step", "SOLVER.LRS", "SOLVER.STEPS")
