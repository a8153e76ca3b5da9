"""The canonical model of a training run: what every dialect maps a config into.

Every leaf remembers the key path it was read from (`key`), so a rule can point at the user's own
key whatever the dialect. Values are validated here, once, for every dialect: a zero batch size or
a NaN epoch count becomes an SL003 finding at that key instead of a wrong plan.
"""

from __future__ import annotations

import math
from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .units import Unit


class _Leaf(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    key: Optional[str] = None  # dotted key path in the source file
    note: Optional[str] = None  # how the value was derived when it is not written literally

    @property
    def default_of(self) -> Optional[tuple[str, str]]:
        """(framework, key) of a framework default nobody wrote: readers note one as
        "<framework> default <key>"."""
        framework, _, key = (self.note or "").rpartition(" default ")
        return (framework, key) if framework and key else None

    @property
    def label(self) -> str:
        """How a message names the value: its key, or, for a framework default nobody wrote, the
        key the default stands for ("trainer.total_epochs (not written: the verl default)")."""
        if self.key:
            return self.key
        if self.default_of:
            framework, key = self.default_of
            return f"{key} (not written: the {framework} default)"
        return self.note or "a value that is not written"


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


class Unitless(_Leaf):
    """Schedule numbers written with no unit (no `interval`, `unit`, `by_epoch`, `_epochs`/`_steps` in
    the key or beside it): rules weigh them as epochs and as steps, never pick one."""
    values: list[float] = Field(min_length=1)
    role: Literal["horizon", "milestones", "step_size"]

    @field_validator("values")
    @classmethod
    def _positive(cls, values: list[float]) -> list[float]:
        if not all(math.isfinite(v) and 0 < v <= MAX_COUNT for v in values):
            raise ValueError("must be positive numbers")
        return values


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
    unitless: list[Unitless] = Field(default_factory=list)  # horizon, milestones or step size whose unit nobody wrote


class TrainingRun(BaseModel):
    model_config = ConfigDict(extra="forbid")
    dataset_size: Optional[Count] = None
    # N at most: a sample limit that truncates the dataset (HF examples' max_train_samples,
    # LLaMA-Factory max_samples, a split slice train[:5000]); its note says how it was read
    dataset_size_at_most: Optional[Count] = None
    # N at least: a public dataset the config names whose rows are known to a lower bound, whatever
    # revision is downloaded (datasets.rows_at_least); its note says which
    dataset_size_at_least: Optional[Count] = None
    dataset_name: Optional[Name] = None  # looked up in the project config's dataset sizes
    # (factories, not shared defaults: pydantic deep-copies a mutable default for every run)
    train_loader: Loader = Field(default_factory=Loader)
    eval_loaders: list[Loader] = Field(default_factory=list)
    world_size: Optional[Count] = None
    sampler_drop_last: Optional[Flag] = None
    gradient_accumulation: Optional[Count] = None
    global_batch_size: Optional[Count] = None
    epochs: Optional[Duration] = None
    max_steps: Optional[Duration] = None  # a limit on the run, in steps (or another unit)
    total_steps: Optional[Duration] = None  # a total the config declares (not itself a limit)
    schedule: Schedule = Field(default_factory=Schedule)
    checkpoint: Optional[Duration] = None
    eval: Optional[Duration] = None
    logging: Optional[Duration] = None
    batchnorm: Optional[Flag] = None


_KINDS = {Count: "count", Flag: "flag", Name: "name", Duration: "duration", Milestones: "milestones"}


def _leaf_fields(model: type[BaseModel], prefix: str = "") -> dict[str, str]:
    fields: dict[str, str] = {}
    for name, info in model.model_fields.items():
        annotation = info.annotation
        inner = [a for a in getattr(annotation, "__args__", (annotation,)) if a is not type(None)]
        kind = _KINDS.get(inner[0]) if len(inner) == 1 else None
        if kind is not None:
            fields[prefix + name] = kind
        elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
            fields.update(_leaf_fields(annotation, f"{prefix}{name}."))
    return fields


# Every canonical field a reader, a profile or a key map can fill, with the kind of value it holds,
# read off the model. Evaluation loaders are a list; a profile or key map describes one of them.
FIELDS: dict[str, str] = {**_leaf_fields(TrainingRun),
                          "eval_loader.batch_size": "count", "eval_loader.drop_last": "flag"}
