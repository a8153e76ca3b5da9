"""What every rule's `check` receives, and the helpers rules share to talk about time."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, Iterator, Optional

from ..findings import DATASET_SIZE, Hit, Missing, Severity
from ..model import Duration, TrainingRun
from ..plan import Plan, Semantics
from ..units import Unit


@dataclass(frozen=True)
class RuleContext:
    run: TrainingRun
    plan: Plan
    semantics: Semantics
    # The framework's own settings (an immutable record of its package): read by that
    # framework's rules, which run only on the documents it read and only when it has settings.
    settings: Any = None

    def hit(self, message: str, key: Optional[str], *related: Optional[str],
            severity: Optional[Severity] = None) -> Hit:
        return Hit(message, key, tuple(r for r in related if r and r != key), severity)

    def needs_dataset_size(self, what: str, key: Optional[str], *related: Optional[str]) -> Hit:
        """The explicit 'cannot verify' outcome: `what` is the check N would settle (the engine
        gathers a document's into one SL207 info)."""
        return self.needs(DATASET_SIZE, what, key, *related)

    def needs(self, missing: Missing, what: str, key: Optional[str], *related: Optional[str]) -> Hit:
        return Hit(what, key, tuple(r for r in related if r and r != key), Severity.INFO, missing)

    def steps_range(self, duration: Optional[Duration]) -> Optional[tuple[float, Optional[float]]]:
        """A duration in optimizer steps as (lower, upper) whatever the dataset size (upper None:
        unbounded); (v, v) when known; None when not even bounds are known."""
        if duration is None:
            return None
        exact = self.plan.steps(duration)
        if exact is not None:
            return exact, exact
        scale = {Unit.EPOCH: "optimizer_steps_per_epoch", Unit.DUR: "total_optimizer_steps"}.get(duration.unit)
        known = self.plan.range_of(scale) if scale else None
        if known is None:
            return None
        low, high = known
        if duration.unit is Unit.DUR:  # a fraction of the run, in whole steps as the plan rounds it
            return math.ceil(duration.value * low - 1e-9), None if high is None else math.ceil(duration.value * high - 1e-9)
        return duration.value * low, None if high is None else duration.value * high

    def run_range(self) -> Optional[tuple[float, Optional[float]]]:
        """The run's optimizer steps as (lower, upper) whatever the dataset size."""
        return self.plan.range_of("total_optimizer_steps")

    def run_at_least(self) -> str:
        """'at least 90 steps (90 epochs of at least 1 step each, a dataset being at least one batch)'."""
        low = self.run_range()[0]
        per_epoch = self.plan.range_of("optimizer_steps_per_epoch")
        epochs = self.run.epochs
        why = ""
        if per_epoch is not None and epochs is not None and epochs.unit is Unit.EPOCH:
            why = (f" ({num(epochs.value)} epoch{'' if epochs.value == 1 else 's'} of at least {num(per_epoch[0])} "
                   f"step{'' if per_epoch[0] == 1 else 's'}, a dataset being at least one batch)")
        return f"at least {num(low)} steps{why}"

    def run_at_most(self) -> str:
        """'at most 50 steps (1 epoch of at most 50 steps)': the run's upper bound and what sets it."""
        high = self.run_range()[1]
        run, sem = self.run, self.semantics
        epochs = run.epochs.value if run.epochs is not None and run.epochs.unit is Unit.EPOCH else None
        why = ""
        if sem.max_steps_per_epoch and epochs and high == math.ceil(epochs) * sem.max_steps_per_epoch:
            # the cap's own key differs by framework (torchtune max_steps_per_epoch, ESPnet2
            # num_iters_per_epoch, AudioCraft optim.updates_per_epoch): say what it does
            why = f" ({num(epochs)} epoch{'' if epochs == 1 else 's'} of at most {num(sem.max_steps_per_epoch)} steps)"
        elif run.max_steps is not None and self.plan.steps(run.max_steps) == high:
            why = f" ({run.max_steps.label})"
        elif run.dataset_size_at_most is not None:
            most = run.dataset_size_at_most
            why = f" whatever the dataset size, which {most.key} caps at {most.value}" + (f" ({most.note})" if most.note else "")
        return f"at most {num(high)} steps{why}"

    def run_length(self) -> str:
        """'15640 steps (40 epochs × 391)', or as much of it as is known."""
        plan = self.plan
        total = plan.total_optimizer_steps
        if total is None:
            return "of unknown length"
        per_epoch = plan.optimizer_steps_per_epoch
        if per_epoch and plan.epochs is not None:
            return f"{total} steps ({num(plan.epochs)} epoch{'' if plan.epochs == 1 else 's'} × {per_epoch})"
        return f"{total} steps"

    def in_steps(self, duration: Optional[Duration]) -> Optional[float]:
        return self.plan.steps(duration)

    def in_epochs(self, duration: Optional[Duration]) -> Optional[float]:
        if duration is None:
            return None
        if duration.unit is Unit.EPOCH:
            return duration.value
        steps = self.plan.steps(duration)
        per_epoch = self.plan.optimizer_steps_per_epoch
        return steps / per_epoch if steps is not None and per_epoch else None

    def run_epochs(self) -> Optional[float]:
        """The run's length in epochs when it can be known without the dataset size."""
        if self.plan.epochs is not None:
            return self.plan.epochs
        run = self.run
        if run.epochs is not None and run.epochs.unit is Unit.EPOCH and run.max_steps is None:
            return run.epochs.value
        return None


# A decay that ends before half the run leaves most of the training at its floor LR: a schedule
# sized for another run length (nanotron's own examples: a 13-step decay left in a 2,000-step run).
# A shorter constant tail at the end is a common design and is not reported.
FLOOR_TAIL_SHARE = 0.5


def floor_tail(schedule_end: float, run: float) -> Optional[str]:
    """'for the last 1985 of the 2000 steps (99% of the run)' when the LR holds its floor for more than
    FLOOR_TAIL_SHARE of the run after the schedule ends, else None."""
    if run <= 0 or schedule_end >= run or (run - schedule_end) / run <= FLOOR_TAIL_SHARE:
        return None
    rest = run - schedule_end
    return f"for the last {num(rest)} of the {num(run)} steps ({rest / run:.0%} of the run)"


def num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}".rstrip("0").rstrip(".")


def as_written(duration: Duration, steps: float) -> str:
    """'20000 steps', or '100 epochs (19600 steps)' when the config wrote another unit."""
    if duration.unit is Unit.STEP:
        return f"{num(steps)} steps"
    return f"{duration.describe()} ({num(steps)} steps)"


# What an LR schedule does once stepped past its horizon, by family (torch/optim/lr_scheduler.py):
# CosineAnnealingLR follows cos past T_max, so the LR climbs back up (period 2 × T_max); OneCycleLR's
# get_lr raises ValueError("Tried to step X times. The specified number of total steps is Y") once
# stepped more than total_steps times; PolynomialLR holds base_lr × (1 - min(t, total_iters) /
# total_iters) ** power, which is 0 from total_iters on. transformers' get_linear_schedule_with_warmup
# (optimization.py; mmf's `warmup_linear` is it, mmf/modules/schedulers.py; DeepSpeed's WarmupDecayLR
# likewise, deepspeed/runtime/lr_schedules.py) decays linearly from the end of the warmup, which it
# counts inside the horizon, to 0 and holds it there. Other schedulers (a cosine with a floor, LinearLR
# used as a warmup, StepLR...) have no consequence past the horizon that steplint can state.
PERIODIC = "periodic"
ONE_CYCLE = "one-cycle"
POLYNOMIAL = "polynomial"
LINEAR = "linear"  # linear decay to 0 over the horizon, the warmup counted inside it
_FAMILIES = (
    (re.compile(r"cosineannealinglr$|^cosine$", re.I), PERIODIC),
    (re.compile(r"(^|\.)onecyclelr$", re.I), ONE_CYCLE),
    (re.compile(r"(^|\.)(polynomiallr|poly|polynomial|polynomial_decay)$", re.I), POLYNOMIAL),
    (re.compile(r"(^|\.)(warmup_linear|linear_schedule_with_warmup|get_linear_schedule_with_warmup|"
                r"warmupdecaylr)$", re.I), LINEAR),
)


def schedule_family(name: Optional[str], key: Optional[str] = None) -> Optional[str]:
    """The family of the schedule named `name` (or, unnamed, of the argument `key`: T_max is
    CosineAnnealingLR's), None when what it does past its horizon is unknown."""
    if name:
        return next((family for pattern, family in _FAMILIES if pattern.search(name.strip())), None)
    if key and key.rsplit(".", 1)[-1].lower() == "t_max":
        return PERIODIC
    return None


def after_horizon(family: str, horizon: float, run: float, unit: str) -> str:
    """What the LR does from the end of a horizon shorter than the run (`unit`: "step" or "epoch")."""
    at, rest = num(round(horizon, 2)), num(round(run - horizon, 2))
    if family == ONE_CYCLE:
        if unit == "step":
            return (f"OneCycleLR raises ValueError at step {num(math.floor(horizon) + 1)} (\"Tried to step "
                    f"{num(math.floor(horizon) + 1)} times. The specified number of total steps is {at}\")")
        return f"OneCycleLR raises ValueError when stepped at the end of epoch {num(math.floor(horizon) + 1)}"
    if family == LINEAR:
        return (f"the LR reaches 0 at {unit} {at} and stays there for the last {rest} {unit}s "
                f"({(run - horizon) / run:.0%} of the run)")
    if family == POLYNOMIAL:
        return (f"the LR reaches its end value (0 unless set) at {unit} {at} and stays there for the last "
                f"{rest} {unit}s ({(run - horizon) / run:.0%} of the run)")
    return f"the LR climbs back up after {unit} {at} (CosineAnnealingLR is periodic)"


def fvcore_composite_problems(ctx: RuleContext, composites) -> Iterator[Hit]:
    """fvcore's CompositeParamScheduler (fvcore/common/param_scheduler.py), which VISSL and
    ClassyVision build their schedules with, asserts len(schedulers) == len(lengths) and
    abs(sum(lengths) - 1.0) < 1e-3: `composites` are (key, number of schedulers, lengths)."""
    for key, count, lengths in composites:
        if count != len(lengths):
            yield ctx.hit(f"{key} has {count} schedulers but {len(lengths)} lengths: fvcore's "
                          f"CompositeParamScheduler asserts they match, and the job fails before training",
                          f"{key}.lengths")
        elif abs(sum(lengths) - 1.0) >= 1e-3:
            yield ctx.hit(f"{key}.lengths sum to {num(round(sum(lengths), 6))}, not 1: they are fractions of the run, "
                          f"and fvcore's CompositeParamScheduler asserts they sum to 1 (within 0.001) before "
                          f"training", f"{key}.lengths")
