"""SL782 rllib-lr-schedule-past-stop: an lr_schedule whose last point lies beyond stop.timesteps_total."""

from __future__ import annotations

import math

from typing import Iterator, Optional

from ....findings import Hit
from ....rules.context import RuleContext
from ..reader import RLlibSettings

CODE = "SL782"


def schedule_value(points: tuple[tuple[float, float], ...], t: float) -> Optional[float]:
    """PiecewiseSchedule.value with linear interpolation; outside the points, the last value (RLlib's
    outside_value)."""
    for (lt, lv), (rt, rv) in zip(points, points[1:]):
        if lt <= t < rt:
            return lv + (t - lt) / (rt - lt) * (rv - lv)
    return points[-1][1]


def _steps(t: float) -> str:
    return str(int(t)) if t == int(t) else f"{t:g}"


def check(ctx: RuleContext) -> Iterator[Hit]:
    s: RLlibSettings = ctx.settings
    for e in s.experiments:
        points, stop = e.lr_schedule, e.stop_timesteps
        # the schedule is indexed by agent steps: environment steps only in single-agent runs; the new
        # API stack refuses lr_schedule altogether
        if e.run != "PPO" or not points or stop is None or stop <= 0 or e.multi_agent or e.new_api_stack:
            continue
        if not all(math.isfinite(t) and math.isfinite(v) for t, v in points):
            continue  # a point at .inf or .nan is no timestep the run reaches
        times = [t for t, _ in points]
        if times != sorted(times) or len(set(times)) != len(times):
            continue  # PiecewiseSchedule asserts its points sorted
        last_t, last_lr = points[-1]
        reached = schedule_value(points, stop)
        if last_t <= stop or reached is None or reached == last_lr:
            continue
        yield ctx.hit(
            f"{e.name}: lr_schedule reaches lr {last_lr:g} at timestep {_steps(last_t)}, but stop.timesteps_total ends "
            f"the run at {stop}: RLlib sets the lr from the timesteps sampled before each update, all below "
            f"{stop}, so the lr never gets past {reached:.3g} and the last {_steps(last_t - stop)} timesteps of the "
            f"schedule never happen",
            e.lr_schedule_key, e.stop_key)
