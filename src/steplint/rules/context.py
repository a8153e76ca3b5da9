"""What every rule's `check` receives, and the helpers rules share to talk about time."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from ..findings import Hit, Severity
from ..model import Duration, TrainingRun
from ..plan import Plan, Semantics
from ..units import Unit


@dataclass(frozen=True)
class RuleContext:
    run: TrainingRun
    plan: Plan
    semantics: Semantics
    # The framework's own settings (its package's frozen settings dataclass): read by that
    # framework's rules, which run only on the documents it read and only when it has settings.
    settings: Any = None

    def hit(self, message: str, key: Optional[str], *related: Optional[str],
            severity: Optional[Severity] = None) -> Hit:
        return Hit(message, key, tuple(r for r in related if r and r != key), severity)

    def needs_dataset_size(self, what: str, key: Optional[str], *related: Optional[str]) -> Hit:
        """The explicit 'cannot verify' outcome: an info finding naming the missing input."""
        return self.hit(f"cannot check {what} without the dataset size: pass --dataset-size N "
                        "(or set it in the config)", key, *related, severity=Severity.INFO)

    def run_length(self) -> str:
        """'15640 steps (40 epochs × 391)', or as much of it as is known."""
        plan = self.plan
        total = plan.total_optimizer_steps
        if total is None:
            return "of unknown length"
        per_epoch = plan.optimizer_steps_per_epoch
        if per_epoch and plan.epochs is not None:
            return f"{total} steps ({num(plan.epochs)} epochs × {per_epoch})"
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


def num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}".rstrip("0").rstrip(".")


def as_written(duration: Duration, steps: float) -> str:
    """'20000 steps', or '100 epochs (19600 steps)' when the config wrote another unit."""
    if duration.unit is Unit.STEP:
        return f"{num(steps)} steps"
    return f"{duration.describe()} ({num(steps)} steps)"
