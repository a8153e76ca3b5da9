"""SL205 schedule-horizon-mismatch: a schedule horizon or milestones that do not fit the run.

A torch cosine (`CosineAnnealingLR`, or a bare `cosine` with a horizon) is periodic: past its horizon
the LR climbs back up. Its warmup is composed by the user's code, in one of two ways: multiplied in
over the same horizon (warmup inside it: T_max = the run), or run first and the cosine started when
it ends (`SequentialLR([warmup, CosineAnnealingLR(T_max)], milestones=[warmup])`: T_max = the run -
the warmup). Both fit the run; only a horizon that is neither is a finding. Where the horizon is an
argument that counts the warmup itself (transformers `get_*_schedule_with_warmup`'s
`num_training_steps`), only the first fits. The other dialects that read a warmup and a horizon
(NeMo, Composer, OLMo, GPT-NeoX) name their own schedulers, which count the warmup inside the
horizon and are not matched as periodic here.

Shorter than the run, the other schedules whose behaviour past the horizon torch fixes are findings
too (torch/optim/lr_scheduler.py): `OneCycleLR` raises ValueError once stepped past total_steps (an
error), `PolynomialLR` and polynomial decays sit at their end LR (0 by default) for the rest of the
run. Longer than the run, a cosine's message says where its closed form leaves the LR.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Iterator, Optional

from ..findings import Hit, Severity
from ..plan import to_steps
from ..units import Unit
from .context import LINEAR, ONE_CYCLE, PERIODIC, POLYNOMIAL, RuleContext, after_horizon, num, schedule_family

CODE = "SL205"
_PERIODIC = re.compile(r"cosineannealinglr$|^cosine$", re.I)  # closed form keeps following cos past T_max
_COUNTS_WARMUP = ("num_training_steps",)  # horizon arguments that include the warmup steps


@dataclass(frozen=True)
class _Scale:
    """The horizon, the run and the warmup on one scale: optimizer steps, else epochs."""

    horizon: float
    run: float
    warmup: Optional[float]  # None: there is a warmup, but not on this scale
    unit: str
    run_text: str

    def amount(self, value: float) -> str:
        return f"{num(round(value) if self.unit == 'steps' else round(value, 2))} {self.unit}"


def check(ctx: RuleContext) -> Iterator[Hit]:
    if ctx.run.schedule.horizon is not None:
        yield from _horizon(ctx)
    yield from _milestones(ctx)


def _horizon(ctx: RuleContext) -> Iterator[Hit]:
    s = ctx.run.schedule
    key = s.horizon.key
    scale = _scale(ctx)
    if scale is None and ctx.run.epochs is None and ctx.run.max_steps is None:
        return  # a run of no stated length: the dataset size would not tell it
    if scale is None:
        yield from _horizon_bounded(ctx)
        return
    horizon, run = scale.horizon, scale.run
    family = schedule_family(s.name.value if s.name else None)
    if horizon > run * 1.0001:
        share = run / horizon
        reached = f"{share:.0%}" if share >= 0.01 else f"{share:.2%}"
        level = ""
        if family == PERIODIC and s.warmup is None:  # eta_min + (peak - eta_min)(1 + cos(pi t / T_max)) / 2
            still = (1 + math.cos(math.pi * share)) / 2
            level = f" (the cosine is still {still:.0%} of the way from its floor to its peak)"
        elif family == LINEAR and (s.warmup is None or scale.warmup is not None) and horizon > (scale.warmup or 0):
            warmup = scale.warmup or 0  # counted inside the horizon: the decay runs from its end to the horizon
            level = f" (the linear decay is still at {(horizon - run) / (horizon - warmup):.0%} of its peak LR)"
        yield ctx.hit(f"the schedule is sized for {scale.amount(horizon)} ({_source(s.horizon)}) but the run is "
                      f"{scale.run_text}: the LR stops at {reached} of its schedule and never finishes decaying{level}",
                      key)
        return
    if horizon >= run * 0.9999:
        return
    if family in (ONE_CYCLE, POLYNOMIAL, LINEAR):
        yield from _short(ctx, scale, family)
        return
    if s.name is None or not _PERIODIC.search(s.name.value):
        return
    short = f"the cosine horizon is {scale.amount(horizon)} ({_source(s.horizon)}) but the run is {scale.run_text}"
    if s.warmup is None:
        yield ctx.hit(f"{short}: after {_at(scale, horizon)} the LR climbs back up", key)
        return
    if scale.warmup is None:  # the warmup may make up the difference: only its length in this unit can tell
        yield ctx.needs_dataset_size(f"the cosine horizon ({s.horizon.describe()}) plus the warmup "
                                     f"({s.warmup.describe()}) against the run", key, s.warmup.key)
        return
    warmup, after_warmup = scale.warmup, run - scale.warmup
    if after_warmup <= 0:  # the warmup alone outlasts the run: SL203's finding
        yield ctx.hit(f"{short}: after {_at(scale, horizon)} the LR climbs back up", key)
        return
    counts_warmup = str(key).rsplit(".", 1)[-1].lower() in _COUNTS_WARMUP
    if math.isclose(horizon, after_warmup, rel_tol=1e-4) and not counts_warmup:
        return  # warmup, then a cosine over the rest of the run
    short += f" with a warmup of {scale.amount(warmup)} ({s.warmup.key})"
    if counts_warmup:
        yield ctx.hit(f"{short}, which {key} includes: after {_at(scale, horizon)} the LR climbs back up",
                      key, s.warmup.key)
    elif horizon < after_warmup:
        yield ctx.hit(f"{short}: neither the run nor the run after the warmup ({scale.amount(after_warmup)}), so "
                      f"the LR climbs back up after {_at(scale, horizon)} (after {_at(scale, horizon + warmup)} "
                      f"if the cosine starts when the warmup ends)", key, s.warmup.key)
    else:
        yield ctx.hit(f"{short}: neither the run nor the run after the warmup ({scale.amount(after_warmup)}): "
                      f"counted from the start, the LR climbs back up after {_at(scale, horizon)}; started when "
                      f"the warmup ends, the cosine stops at {after_warmup / horizon:.0%} of its horizon",
                      key, s.warmup.key)


def _short(ctx: RuleContext, scale: _Scale, family: str) -> Iterator[Hit]:
    """A OneCycleLR, polynomial or linear-decay horizon shorter than the run. OneCycleLR counts its
    warmup (pct_start) inside total_steps, and transformers' linear schedule its warmup steps inside
    num_training_steps, so neither fits short of the run whatever warmup the config names; a
    polynomial decay run after a warmup (SequentialLR) fits when it is the run minus the warmup."""
    s = ctx.run.schedule
    key, unit = s.horizon.key, scale.unit.rstrip("s")
    head = (f"the schedule is sized for {scale.amount(scale.horizon)} ({_source(s.horizon)}) but the run is "
            f"{scale.run_text}")
    if family == ONE_CYCLE:
        yield ctx.hit(f"{head}: {after_horizon(family, scale.horizon, scale.run, unit)}", key, severity=Severity.ERROR)
        return
    if family == LINEAR:  # the warmup is inside its horizon: the horizon alone must be the run
        pass
    elif s.warmup is not None and scale.warmup is None:
        return  # the warmup may make up the difference, in a unit this scale cannot place
    elif scale.warmup and math.isclose(scale.horizon + scale.warmup, scale.run, rel_tol=1e-4):
        return  # warmup, then the decay over the rest of the run
    yield ctx.hit(f"{head}: {after_horizon(family, scale.horizon, scale.run, unit)}", key,
                  s.warmup.key if s.warmup is not None else None)


def _source(horizon) -> str:
    """The horizon's key, and how it was derived when the config wrote its factors (OneCycleLR's
    `epochs × steps_per_epoch`): the factor that differs from the run is then in plain sight."""
    note = horizon.note
    return f"{horizon.key}: {note}" if note and "×" in note else str(horizon.key)


def _horizon_bounded(ctx: RuleContext) -> Iterator[Hit]:
    """Without N: a horizon past every run the config allows never finishes; a cosine without a
    warmup whose horizon ends before the shortest run climbs back; a non-periodic schedule that
    ends before the shortest run stays at its floor, as intended."""
    s = ctx.run.schedule
    key = s.horizon.key
    horizon, run = ctx.steps_range(s.horizon), ctx.run_range()
    if horizon is not None and run is not None:
        periodic = s.name is not None and _PERIODIC.search(s.name.value)
        if run[1] is not None and horizon[0] > run[1] * 1.0001:
            yield ctx.hit(f"the schedule is sized for {_steps_text(s.horizon, horizon)} ({key}) but the run is "
                          f"{ctx.run_at_most()}: the LR stops at {run[1] / horizon[0]:.0%} of its schedule at most "
                          f"and never finishes decaying", key)
            return
        if horizon[1] is not None and horizon[1] < run[0] * 0.9999 and (not periodic or s.warmup is None):
            if periodic:
                yield ctx.hit(f"the cosine horizon is {_steps_text(s.horizon, horizon)} ({key}) but the run is "
                              f"{ctx.run_at_least()}: after step {num(round(horizon[1]))} the LR climbs back up", key)
            return
        if horizon[1] is not None and horizon[1] <= run[0] * 1.0001 and not periodic:
            return
    yield ctx.needs_dataset_size(f"the schedule horizon ({s.horizon.describe()}) against the run", key)


def _steps_text(duration, steps) -> str:
    if steps[0] == steps[1]:
        return f"{num(round(steps[0]))} steps" if duration.unit is Unit.STEP else \
            f"{duration.describe()} ({num(round(steps[0]))} steps)"
    return duration.describe()


def _scale(ctx: RuleContext) -> Optional[_Scale]:
    s, plan = ctx.run.schedule, ctx.plan
    horizon, total = ctx.in_steps(s.horizon), plan.total_optimizer_steps
    if horizon is not None and total is not None:
        warmup = None if s.warmup is None else plan.warmup_steps
        return _Scale(horizon, total, warmup, "steps", ctx.run_length())
    run_epochs = ctx.run_epochs()
    if s.horizon.unit is Unit.EPOCH and run_epochs is not None:  # both in epochs: no dataset size needed
        warmup = None
        if s.warmup is not None:
            warmup = s.warmup.value * run_epochs if s.warmup.unit is Unit.DUR else ctx.in_epochs(s.warmup)
        return _Scale(s.horizon.value, run_epochs, warmup, "epochs", f"{num(run_epochs)} epochs")
    return None


def _at(scale: _Scale, point: float) -> str:
    return f"step {num(round(point))}" if scale.unit == "steps" else f"epoch {num(round(point, 2))}"


def _milestones(ctx: RuleContext) -> Iterator[Hit]:
    m, total = ctx.run.schedule.milestones, ctx.plan.total_optimizer_steps
    if m is None:
        return
    run_epochs = ctx.run_epochs()
    if m.unit is Unit.EPOCH and run_epochs is not None:
        ends, positions = run_epochs, m.values  # compare in epochs: no dataset size needed
    elif total is not None and all(to_steps(v, m.unit, ctx.plan) is not None for v in m.values):
        ends, positions = total, [to_steps(v, m.unit, ctx.plan) for v in m.values]
    else:
        yield from _milestones_bounded(ctx)
        return
    late = [num(v) for v, at in zip(m.values, positions) if at >= ends]
    if late:
        yield ctx.hit(f"milestones {', '.join(late)} are at or past the end of the run ({ctx.run_length() if total else f'{num(ends)} epochs'}): "
                      f"those LR decays never happen", m.key)


def _milestones_bounded(ctx: RuleContext) -> Iterator[Hit]:
    """Without N: a milestone at or past every run the config allows never happens."""
    m, run = ctx.run.schedule.milestones, ctx.run_range()
    per_epoch = ctx.plan.range_of("optimizer_steps_per_epoch")
    positions = []
    for v in m.values:
        exact = to_steps(v, m.unit, ctx.plan)
        if exact is not None:
            positions.append((exact, exact))
        elif m.unit is Unit.EPOCH and per_epoch is not None:
            positions.append((v * per_epoch[0], None if per_epoch[1] is None else v * per_epoch[1]))
        else:
            positions.append(None)
    if run is None or None in positions:
        yield ctx.needs_dataset_size("the milestones against the run", m.key)
        return
    late = [num(v) for v, (low, _) in zip(m.values, positions) if run[1] is not None and low >= run[1]]
    unsure = any(not (high is not None and high < run[0]) and not (run[1] is not None and low >= run[1])
                 for low, high in positions)
    if late:
        yield ctx.hit(f"milestones {', '.join(late)} are at or past the end of the run ({ctx.run_at_most()}): "
                      f"those LR decays never happen", m.key)
    elif unsure:
        yield ctx.needs_dataset_size("the milestones against the run", m.key)
