"""The canonical model of a training run: what every dialect maps a config into.

Every leaf remembers the key path it was read from (`key`), so a rule can point at the user's own
key whatever the dialect. Values are validated here, once, for every dialect: a zero batch size or
a NaN epoch count becomes an SL003 finding at that key instead of a wrong plan.
"""

from __future__ import annotations

import math
from typing import Optional

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .units import Unit


class _Leaf(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    key: Optional[str] = None  # dotted key path in the source file
    note: Optional[str] = None  # how the value was derived when it is not written literally


# Beyond 2**53 a count is no longer exact as a float: no batch or dataset is that large.
MAX_COUNT = 2**53


class Count(_Leaf):
    value: int = Field(ge=1, le=MAX_COUNT)


class Flag(_Leaf):
    value: bool


class Name(_Leaf):
    value: str


class Duration(_Leaf):
    value: float = Field(gt=0, le=MAX_COUNT)
    unit: Unit

    @field_validator("value")
    @classmethod
    def _finite(cls, value: float) -> float:
        if not math.isfinite(value):
            raise ValueError("must be a finite number")
        return value

    @model_validator(mode="after")
    def _fraction_at_most_one(self) -> "Duration":
        if self.unit is Unit.DUR and self.value > 1:
            raise ValueError("a fraction of the run must be at most 1")
        return self

    def describe(self) -> str:
        amount = int(self.value) if self.value == int(self.value) else self.value
        if self.unit is Unit.DUR:
            return f"{self.value:.0%} of the run"
        plural = "" if amount == 1 else ("es" if self.unit is Unit.BATCH else "s")
        return f"{amount} {self.unit.value}{plural}"


class Milestones(_Leaf):
    values: list[float] = Field(min_length=1)
    unit: Unit


class Loader(BaseModel):
    model_config = ConfigDict(extra="forbid")
    batch_size: Optional[Count] = None
    drop_last: Optional[Flag] = None
    shuffle: Optional[Flag] = None


class Schedule(BaseModel):
    """An LR schedule. Horizon, milestones and step size count calls to `scheduler.step()`,
    so their unit is `stepped_per` unless the config wrote one explicitly."""

    model_config = ConfigDict(extra="forbid")
    name: Optional[Name] = None
    warmup: Optional[Duration] = None
    horizon: Optional[Duration] = None  # T_max, total_iters, total_steps, num_training_steps
    milestones: Optional[Milestones] = None
    step_size: Optional[Duration] = None
    stepped_per: Optional[Name] = None  # "step" (every optimizer step) or "epoch"


class TrainingRun(BaseModel):
    model_config = ConfigDict(extra="forbid")
    dataset_size: Optional[Count] = None
    # N at most: a sample limit that truncates the dataset (HF examples' max_train_samples,
    # LLaMA-Factory max_samples, a split slice train[:5000]); its note says how it was read
    dataset_size_at_most: Optional[Count] = None
    dataset_name: Optional[Name] = None  # looked up in the project config's dataset sizes
    train_loader: Loader = Loader()
    eval_loaders: list[Loader] = []
    world_size: Optional[Count] = None
    sampler_drop_last: Optional[Flag] = None
    gradient_accumulation: Optional[Count] = None
    global_batch_size: Optional[Count] = None
    epochs: Optional[Duration] = None
    max_steps: Optional[Duration] = None  # a limit on the run, in steps (or another unit)
    total_steps: Optional[Duration] = None  # a total the config declares (not itself a limit)
    schedule: Schedule = Schedule()
    checkpoint: Optional[Duration] = None
    eval: Optional[Duration] = None
    logging: Optional[Duration] = None
    batchnorm: Optional[Flag] = None
