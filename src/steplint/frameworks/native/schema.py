"""The definition of steplint's own format, as pydantic models.

The README documents these models, unknown keys are found from them (with a did-you-mean), and
`steplint schema` prints them as JSON Schema. They are built only when a file in this format is
checked or the schema is asked for, so other runs do not pay for them at start-up. A check needs
only their field names, so their validators are built only for `steplint schema` (defer_build).
"""

from __future__ import annotations

from typing import Annotated, Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field


class DurationObject(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    every: float
    unit: str = Field(description="epoch, step, batch, sample, token or dur")


DurationSpec = Union[Annotated[float, Field(gt=0)], Annotated[str, Field(pattern=r"^\s*[0-9.eE_+-]+\s*[A-Za-z_%\- ]*$")], DurationObject]
_DURATION_HELP = "a number in the default unit, or '500 steps', '2 epochs', '1ep', '500ba', '0.1dur', or {every, unit}"


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)


class DataSection(_Section):
    train_size: Optional[int] = Field(None, ge=1, description="N: training samples in one epoch")
    batch_size: Optional[int] = Field(None, ge=1, description="per-device (per-rank) micro-batch size B")
    drop_last: Optional[bool] = Field(None, description="train loader drops its last incomplete batch")
    shuffle: Optional[bool] = None
    eval_batch_size: Optional[int] = Field(None, ge=1)
    eval_drop_last: Optional[bool] = Field(None, description="eval loader drops samples (usually a mistake)")


class DistributedSection(_Section):
    world_size: Optional[int] = Field(None, ge=1, description="data-parallel ranks")
    sampler_drop_last: Optional[bool] = Field(None, description="DistributedSampler(drop_last=...)")


class OptimizerSection(_Section):
    gradient_accumulation: Optional[int] = Field(None, ge=1, description="micro-batches per optimizer step")
    global_batch_size: Optional[int] = Field(None, ge=1, description="must equal batch_size × gradient_accumulation × world_size")


class RunSection(_Section):
    epochs: Optional[DurationSpec] = Field(None, description="epochs (default unit: epoch)")
    max_steps: Optional[DurationSpec] = Field(None, description="a limit on the run (default unit: step)")
    total_steps: Optional[DurationSpec] = Field(None, description="the run length a schedule was sized for (default unit: step)")


class ScheduleSection(_Section):
    name: Optional[str] = None
    stepped_per: Optional[Literal["step", "epoch"]] = Field(None, description="when scheduler.step() is called")
    warmup: Optional[DurationSpec] = Field(None, description=f"{_DURATION_HELP}; default unit: step")
    horizon: Optional[DurationSpec] = Field(None, description="T_max / total_iters; default unit: stepped_per")
    milestones: Optional[list[float]] = Field(None, description="MultiStepLR milestones, in stepped_per units")
    step_size: Optional[DurationSpec] = Field(None, description="StepLR step_size; default unit: stepped_per")


class ModelSection(_Section):
    batchnorm: Optional[bool] = Field(None, description="the model has BatchNorm layers")


class NativeConfig(_Section):
    """A training run in steplint's own format."""

    steplint: Literal[1] = Field(description="format version marker")
    data: Optional[DataSection] = None
    distributed: Optional[DistributedSection] = None
    optimizer: Optional[OptimizerSection] = None
    run: Optional[RunSection] = None
    schedule: Optional[ScheduleSection] = None
    checkpoint: Optional[DurationSpec] = Field(None, description=f"checkpoint interval: {_DURATION_HELP}; default unit: step")
    eval: Optional[DurationSpec] = Field(None, description="evaluation interval; default unit: step")
    logging: Optional[DurationSpec] = Field(None, description="logging interval; default unit: step")
    model: Optional[ModelSection] = None


SECTIONS: dict[str, type[BaseModel]] = {
    "data": DataSection, "distributed": DistributedSection, "optimizer": OptimizerSection,
    "run": RunSection, "schedule": ScheduleSection, "model": ModelSection,
}


def json_schema() -> dict:
    """JSON Schema of the format, for the `# yaml-language-server: $schema=...` modeline."""
    schema = NativeConfig.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "steplint training config"
    schema["$id"] = "https://steplint.dev/schema/steplint-1.json"
    return schema
