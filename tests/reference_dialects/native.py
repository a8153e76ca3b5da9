"""The hand-written reader of steplint's own format before its profile (frameworks/native/profile.yaml),
kept as the reference the profile must reproduce (tests/test_profiles.py).

steplint's own config format: every duration says its unit, every section has one meaning.

The format is defined by the pydantic models in `native_schema.py`.
"""

from __future__ import annotations

from typing import Any, Optional

from steplint.loading import KeyPath
from steplint.units import Unit
from steplint.frameworks.base import UNKNOWN_KEY, Adapted, Dialect, Problem, RunBuilder, Source


class Native(Dialect):
    name = "steplint"
    description = "steplint's own format (top-level `steplint: 1`)"

    def score(self, data: dict) -> float:
        return 1.0 if "steplint" in data else 0.0

    def adapt(self, data: dict, source: Source) -> Adapted:
        b = RunBuilder(strict=True, framework="PyTorch DataLoader + DistributedSampler")
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
                b.invalid(("schedule", "stepped_per"), stepped, "must be 'step' or 'epoch'")
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
                    import difflib
                    close = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.6)
                    hint = f"; did you mean '{close[0]}'?" if close else f"; known keys: {', '.join(allowed)}"
                    where = f" in '{'.'.join(map(str, prefix))}'" if prefix else ""
                    problems.append(Problem(UNKNOWN_KEY, f"unknown key '{key}'{where}{hint}", prefix + (key,)))

        from steplint.frameworks.native.schema import SECTIONS, NativeConfig

        check(data, list(NativeConfig.model_fields), ())
        for name, model in SECTIONS.items():
            if isinstance(data.get(name), dict):
                check(data[name], list(model.model_fields), (name,))


def _opt(mapping: dict, key: str, prefix: KeyPath) -> Optional[tuple[Any, KeyPath]]:
    return (mapping[key], prefix + (key,)) if key in mapping else None

