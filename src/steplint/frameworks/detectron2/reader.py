"""Detectron2 yacs configs (`SOLVER:`, `MODEL:`, `_BASE_:` inheritance).

What detectron2 does with the numbers (frameworks.md §7.2; detectron2/config/config.py
`CfgNode.load_yaml_with_base`, solver/build.py `build_lr_scheduler`, data/build.py
`build_batch_data_loader`, engine/hooks.py, fvcore PeriodicCheckpointer):

* There are no epochs: the train loader is infinite (TrainingSampler). One iteration = one
  optimizer step on `SOLVER.IMS_PER_BATCH` images in total across ranks (no accumulation);
  `IMS_PER_BATCH % world_size != 0` is an AssertionError. Batches are built with drop_last.
* `SOLVER.MAX_ITER` ends the run; `SOLVER.STEPS` (iterations) at or past MAX_ITER are dropped with
  a warning; `SOLVER.WARMUP_ITERS` counts iterations and is capped at the run
  (warmup fraction = min(WARMUP_ITERS / MAX_ITER, 1)).
* `SOLVER.CHECKPOINT_PERIOD` saves when (iter + 1) % period == 0 and `model_final` at the end;
  `TEST.EVAL_PERIOD` evaluates every period iterations and once more at the end (0 = only at the end).
* `SOLVER.REFERENCE_WORLD_SIZE` != 0 rescales IMS_PER_BATCH and divides the iteration counts when
  the real world size differs (`DefaultTrainer.auto_scale_workers`).

`_BASE_: path` names a file (relative to the config) merged under this one: the child's values
win, mappings merge key by key. steplint reads the chain (at most 10 files deep, cycles stopped);
a key that only a base file sets is reported at this file's `_BASE_` line. Only values the files
write are used: detectron2's built-in defaults (MAX_ITER 40000, STEPS (30000,), WARMUP_ITERS
1000...) are not assumed.
"""

from __future__ import annotations

import ast
from typing import Any, NamedTuple, Optional

from ...loading import KeyPath
from ...named_files import BaseChain
from ...units import Unit, to_number
from ..base import Adapted, Dialect, RunBuilder, Semantics, Source

TOP_KEYS = {"MODEL", "SOLVER", "INPUT", "DATASETS", "DATALOADER", "TEST", "OUTPUT_DIR", "VERSION", "SEED",
            "CUDNN_BENCHMARK", "VIS_PERIOD", "GLOBAL"}

SEMANTICS = Semantics(
    "Detectron2: iterations = optimizer steps on IMS_PER_BATCH images across ranks, infinite sampler "
    "(drop_last), final checkpoint and evaluation at MAX_ITER",
    batch_is_global=True, final_events=("checkpoint", "eval"))


class Detectron2Settings(NamedTuple):
    """What the Detectron2 rules read. Immutable; a NamedTuple: one is built per config, and a frozen
    dataclass sets each field with __setattr__."""

    ims_per_batch: Optional[int] = None
    ims_key: Optional[str] = None
    reference_world_size: Optional[int] = None
    reference_key: Optional[str] = None


_LITERAL_NAMES = {"True", "False", "None"}


def _literal(value: Any) -> Any:
    """yacs reads strings such as "(60000, 80000)" with literal_eval [yacs config.py
    _decode_cfg_value], and keeps the text it refuses. A name (`WarmupMultiStepLR`) other than
    True, False and None is always refused, so it is kept without compiling it."""
    if isinstance(value, str):
        text = value.strip()
        if text.isidentifier() and text not in _LITERAL_NAMES:
            return value
        try:
            return ast.literal_eval(text)
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            return value
    return value


def _section(tree: dict, name: str) -> dict:
    value = tree.get(name)
    return value if isinstance(value, dict) else {}


class Detectron2(Dialect):
    name = "detectron2"
    description = "Detectron2 yacs configs (SOLVER.MAX_ITER, STEPS, IMS_PER_BATCH; `_BASE_` inheritance)"
    triggers = frozenset({"SOLVER", "_BASE_", "MODEL"})

    def score(self, data: dict) -> float:
        """Upper-case sections alone are any yacs project's (PySlowFast, HRNet, Swin, CSAIL...): a
        file is detectron2's when its solver counts iterations (MAX_ITER, IMS_PER_BATCH), it names a
        `_BASE_` file, or its MODEL names a META_ARCHITECTURE."""
        keys = set(map(str, data))
        solver = data.get("SOLVER")
        if isinstance(solver, dict) and set(map(str, solver)) & {"MAX_ITER", "IMS_PER_BATCH"}:
            return 0.95
        if isinstance(data.get("_BASE_"), str) and keys & TOP_KEYS:
            return 0.9
        model = data.get("MODEL")
        if isinstance(model, dict) and "META_ARCHITECTURE" in model and len(keys & TOP_KEYS) >= 2:
            return 0.8
        return 0.0

    def adapt(self, data: dict, source: Source) -> Adapted:
        bases = BaseChain("_BASE_", source.path, keep_key=True)  # yacs load_yaml_with_base
        merged = bases.merged(data)
        # yacs CfgNode.load_yaml_with_base falls back to yaml.unsafe_load: `!!python/object/apply:eval` is
        # how Detectron2's own configs write anchor sizes
        b = RunBuilder(strict=False, framework="Detectron2", unsafe_yaml=True)
        b.assumptions.extend(bases.notes)
        settings: dict[str, Any] = {}

        # Every value read is a key of one section (SOLVER, TEST).
        def where(section: str, key: str) -> tuple[KeyPath, Optional[str]]:
            """The key in this file, or its `_BASE_` line when only a base file sets it."""
            if key not in _section(data, section):
                return ("_BASE_",), f"{section}.{key} from {data.get('_BASE_')}"
            return (section, key), None

        def get(section: str, key: str) -> Any:
            return _literal(_section(merged, section).get(key))

        max_iter = get("SOLVER", "MAX_ITER")
        if to_number(max_iter) is not None:
            path, note = where("SOLVER", "MAX_ITER")
            b.duration("max_steps", max_iter, path, Unit.STEP, note=note)
        steps = get("SOLVER", "STEPS")
        if isinstance(steps, (list, tuple)) and steps:
            path, _ = where("SOLVER", "STEPS")
            b.milestones("schedule.milestones", list(steps), path, Unit.STEP)
        warmup = get("SOLVER", "WARMUP_ITERS")
        if to_number(warmup) is not None:
            path, note = where("SOLVER", "WARMUP_ITERS")
            b.duration("schedule.warmup", warmup, path, Unit.STEP, note=note, zero_is_unset=True)
        name = get("SOLVER", "LR_SCHEDULER_NAME")
        if isinstance(name, str):
            b.name("schedule.name", name, where("SOLVER", "LR_SCHEDULER_NAME")[0])
        ims = get("SOLVER", "IMS_PER_BATCH")
        if to_number(ims) is not None:
            path, note = where("SOLVER", "IMS_PER_BATCH")
            b.count("global_batch_size", ims, path, note=note)
            if b.has("global_batch_size"):
                settings["ims_per_batch"] = b.get("global_batch_size")["value"]
                settings["ims_key"] = b.get("global_batch_size")["key"]
        for field, key_path in (("checkpoint", ("SOLVER", "CHECKPOINT_PERIOD")), ("eval", ("TEST", "EVAL_PERIOD"))):
            every = get(*key_path)
            number = to_number(every)
            if number is not None and number > 0:  # EVAL_PERIOD 0: only the final evaluation
                path, note = where(*key_path)
                b.duration(field, every, path, Unit.STEP, note=note)
        reference = to_number(get("SOLVER", "REFERENCE_WORLD_SIZE"))
        if isinstance(reference, int) and reference > 0:
            settings["reference_world_size"] = reference
            settings["reference_key"] = ".".join(where("SOLVER", "REFERENCE_WORLD_SIZE")[0])
            b.assumptions.append(f"SOLVER.REFERENCE_WORLD_SIZE {reference}: on another world size detectron2 rescales "
                                 f"IMS_PER_BATCH and divides MAX_ITER, STEPS, WARMUP_ITERS and the periods; the "
                                 f"numbers here hold on {reference} ranks")
        if bases.files:
            b.assumptions.append("merged with _BASE_ " + " <- ".join(bases.files))
        return b.build(SEMANTICS, Detectron2Settings(**settings))
