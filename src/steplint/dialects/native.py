"""steplint's own config format: every duration says its unit, every section has one meaning.

The pydantic models below are the format's definition: the README documents them, unknown keys
are found from them (with a did-you-mean), and `steplint schema` can print them as JSON Schema.
"""

from __future__ import annotations

import difflib
from typing import Annotated, Any, Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field

from ..loading import KeyPath
from ..units import Unit
from .base import Source, UNKNOWN_KEY, Adapted, Dialect, Problem, RunBuilder


class DurationObject(BaseModel):
    model_config = ConfigDict(extra="forbid")
    every: float
    unit: str = Field(description="epoch, step, batch, sample, token or dur")


DurationSpec = Union[Annotated[float, Field(gt=0)], Annotated[str, Field(pattern=r"^\s*[0-9.eE_+-]+\s*[A-Za-z_%\- ]*$")], DurationObject]
_DURATION_HELP = "a number in the default unit, or '500 steps', '2 epochs', '1ep', '500ba', '0.1dur', or {every, unit}"


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


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


_SECTIONS: dict[str, type[BaseModel]] = {
    "data": DataSection, "distributed": DistributedSection, "optimizer": OptimizerSection,
    "run": RunSection, "schedule": ScheduleSection, "model": ModelSection,
}


class Native(Dialect):
    name = "steplint"
    description = "steplint's own format (top-level `steplint: 1`)"

    def score(self, data: dict) -> float:
        return 1.0 if "steplint" in data else 0.0

    def adapt(self, data: dict, source: Source) -> Adapted:
        b = RunBuilder(strict=True)
        self._unknown_keys(data, b.problems)

        def section(name: str) -> dict:
            value = data.get(name)
            return value if isinstance(value, dict) else {}

        d = section("data")
        if "train_size" in d:
            b.count("dataset_size", d["train_size"], ("data", "train_size"))
        if "batch_size" in d:
            b.count("train_loader.batch_size", d["batch_size"], ("data", "batch_size"))
        for key in ("drop_last", "shuffle"):
            if key in d:
                b.flag(f"train_loader.{key}", d[key], ("data", key))
        if "eval_batch_size" in d or "eval_drop_last" in d:
            b.eval_loader(_opt(d, "eval_batch_size", ("data",)), _opt(d, "eval_drop_last", ("data",)))

        dist = section("distributed")
        if "world_size" in dist:
            b.count("world_size", dist["world_size"], ("distributed", "world_size"))
        if "sampler_drop_last" in dist:
            b.flag("sampler_drop_last", dist["sampler_drop_last"], ("distributed", "sampler_drop_last"))

        opt = section("optimizer")
        if "gradient_accumulation" in opt:
            b.count("gradient_accumulation", opt["gradient_accumulation"], ("optimizer", "gradient_accumulation"))
        if "global_batch_size" in opt:
            b.count("global_batch_size", opt["global_batch_size"], ("optimizer", "global_batch_size"))

        run = section("run")
        for key, unit in (("epochs", Unit.EPOCH), ("max_steps", Unit.STEP), ("total_steps", Unit.STEP)):
            if key in run:
                b.duration(key, run[key], ("run", key), unit)

        sched = section("schedule")
        if "name" in sched:
            b.name("schedule.name", sched["name"], ("schedule", "name"))
        stepped = sched.get("stepped_per")
        if stepped is not None:
            if stepped in ("step", "epoch"):
                b.name("schedule.stepped_per", stepped, ("schedule", "stepped_per"))
            else:
                b._invalid(("schedule", "stepped_per"), stepped, "must be 'step' or 'epoch'")
        stepped_unit = Unit.EPOCH if stepped == "epoch" else Unit.STEP
        if "warmup" in sched:
            b.duration("schedule.warmup", sched["warmup"], ("schedule", "warmup"), Unit.STEP, zero_is_unset=True)
        for key in ("horizon", "step_size"):
            if key in sched:
                b.duration(f"schedule.{key}", sched[key], ("schedule", key), stepped_unit)
        if "milestones" in sched:
            b.milestones("schedule.milestones", sched["milestones"], ("schedule", "milestones"), stepped_unit)

        for key in ("checkpoint", "eval", "logging"):
            if key in data:
                b.duration(key, data[key], (key,), Unit.STEP)
        model = section("model")
        if "batchnorm" in model:
            b.flag("batchnorm", model["batchnorm"], ("model", "batchnorm"))
        return b.build()

    @staticmethod
    def _unknown_keys(data: dict, problems: list[Problem]) -> None:
        def check(mapping: dict, allowed: list[str], prefix: KeyPath) -> None:
            for key in mapping:
                if key not in allowed:
                    close = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.6)
                    hint = f"; did you mean '{close[0]}'?" if close else f"; known keys: {', '.join(allowed)}"
                    where = f" in '{'.'.join(map(str, prefix))}'" if prefix else ""
                    problems.append(Problem(UNKNOWN_KEY, f"unknown key '{key}'{where}{hint}", prefix + (key,)))

        check(data, list(NativeConfig.model_fields), ())
        for name, model in _SECTIONS.items():
            if isinstance(data.get(name), dict):
                check(data[name], list(model.model_fields), (name,))


def _opt(mapping: dict, key: str, prefix: KeyPath) -> Optional[tuple[Any, KeyPath]]:
    return (mapping[key], prefix + (key,)) if key in mapping else None


def json_schema() -> dict:
    """JSON Schema of the format, for the `# yaml-language-server: $schema=...` modeline."""
    schema = NativeConfig.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "steplint training config"
    schema["$id"] = "https://steplint.dev/schema/steplint-1.json"
    return schema
