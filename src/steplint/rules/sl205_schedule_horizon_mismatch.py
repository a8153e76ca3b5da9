"""SL205 schedule-horizon-mismatch: a schedule horizon or milestones that do not fit the run."""

from __future__ import annotations

import re
from typing import Iterator

from ..findings import Hit
from ..plan import to_steps
from ..units import Unit
from .context import RuleContext, num

CODE = "SL205"
_PERIODIC = re.compile(r"cosineannealinglr$|^cosine$", re.I)  # closed form keeps following cos past T_max


def check(ctx: RuleContext) -> Iterator[Hit]:
    s, total = ctx.run.schedule, ctx.plan.total_optimizer_steps
    horizon = ctx.in_steps(s.horizon)
    if s.horizon is not None:
        if horizon is None or total is None:
            yield ctx.needs_dataset_size(f"the schedule horizon ({s.horizon.describe()}) against the run",
                                         s.horizon.key)
        elif horizon > total * 1.0001:
            share = total / horizon
            reached = f"{share:.0%}" if share >= 0.01 else f"{share:.2%}"
            yield ctx.hit(f"the schedule is sized for {num(round(horizon))} steps ({s.horizon.key}) but the run is "
                          f"{ctx.run_length()}: the LR stops at {reached} of its schedule and never finishes "
                          f"decaying", s.horizon.key)
        elif horizon < total * 0.9999 and s.name is not None and _PERIODIC.search(s.name.value):
            yield ctx.hit(f"the cosine horizon is {num(horizon)} steps ({s.horizon.key}) but the run is "
                          f"{ctx.run_length()}: after step {num(horizon)} the LR climbs back up", s.horizon.key)
    m = s.milestones
    if m is None:
        return
    run_epochs = ctx.run_epochs()
    if m.unit is Unit.EPOCH and run_epochs is not None:
        ends, positions = run_epochs, m.values  # compare in epochs: no dataset size needed
    elif total is not None and all(to_steps(v, m.unit, ctx.plan) is not None for v in m.values):
        ends, positions = total, [to_steps(v, m.unit, ctx.plan) for v in m.values]
    else:
        yield ctx.needs_dataset_size("the milestones against the run", m.key)
        return
    late = [num(v) for v, at in zip(m.values, positions) if at >= ends]
    if late:
        yield ctx.hit(f"milestones {', '.join(late)} are at or past the end of the run ({ctx.run_length() if total else f'{num(ends)} epochs'}): "
                      f"those LR decays never happen", m.key)
