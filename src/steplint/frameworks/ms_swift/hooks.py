"""What the ms-swift profile cannot say as data [read at modelscope/ms-swift 3602360a]:

- `dataset: [id#N, ...]`: DatasetSyntax.parse splits '#N' off the right, and post_process /
  sample_dataset take exactly N rows of each dataset (repeating a shorter one), less the
  max(int(len × split_dataset_ratio), 1) held out for validation. Rows that fail to encode (longer
  than max_length with truncation_strategy 'delete', the default) are dropped afterwards, so the
  training set is at most the sum, never certainly equal to it;
- the save / evaluation cadence: eval_strategy defaults to save_strategy and eval_steps to save_steps
  (SftArguments._init_eval_strategy), and with no validation data (no val_dataset, no
  cached_val_dataset, split_dataset_ratio 0: the default since ms-swift 3.6) eval_strategy becomes
  'no' (SftArguments.__post_init__);
- the warmup: warmup_ratio and warmup_steps together, or warmup_ratio >= 1, are refused
  (TrainArgumentsMixin._handle_hf_removed_args); a warmup_steps below 1 is a ratio from transformers 5;
- max_epochs: DefaultFlowCallbackNew stops at the end of epoch max_epochs, while the Trainer sized
  the run and its schedule on num_train_epochs;
- the sharding: ms-swift's BatchSamplerShard gives each rank total_samples // world_size samples
  (swift/dataloader/shard.py), as a DistributedSampler with drop_last does;
- int arguments: every value reaches HfArgumentParser as str(value), so '8' is 8 and 8.0 is refused;
- `ENV: {NPROC_PER_NODE, NNODES}`: parse_yaml_args exports them before torchrun is started.
"""

from __future__ import annotations

import math
import re
from typing import Any, Optional

from ..base import INVALID_VALUE, Problem, RunBuilder, Source
from ..hf.reader import parse_version, transformers_version, trainer_semantics  # the Trainer ms-swift runs
from ...units import Unit
from ...units import to_number as _to_number
from .settings import MsSwiftSettings

SPLIT_RATIO_DEFAULT = 0.0
SPLIT_RATIO_DEFAULT_BEFORE_3_6 = 0.01  # data_args.py: "The default was 0.01 in ms-swift<3.6"
SAVE_STEPS_DEFAULT = 500  # transformers TrainingArguments
LOGGING_STEPS_DEFAULT = 5  # TrainArgumentsMixin
WARMUP_FREE_SCHEDULERS = ("constant", "reduce_lr_on_plateau")
_TRUE = {"true", "yes", "t", "y", "1"}  # argparse string_to_bool, on str(value)
_SAMPLE = re.compile(r"^(?P<name>.*)#(?P<count>[0-9]+)$")


def number(value: Any) -> Optional[float]:
    """A finite number, text included (ms-swift passes str(value) to argparse); None otherwise."""
    if isinstance(value, bool) or value is None:
        return None
    n = _to_number(value)
    return n if n is not None and math.isfinite(n) else None


def is_true(value: Any) -> bool:
    return value is True or isinstance(value, str) and value.strip().lower() in _TRUE


def entries(value: Any) -> list:
    """A list-valued argument as ms-swift gets it: one text is one entry, a list is its entries."""
    if value is None or value == "":
        return []
    return value if isinstance(value, list) else [value]


def swift_version(source: Source) -> Optional[tuple[int, ...]]:
    given = source.version("ms-swift") or source.version("ms_swift")
    return parse_version(given) if given else None


# Arguments ms-swift types int (TrainArgumentsMixin, transformers TrainingArguments), with the field
# the profile reads them into: argparse's int() refuses '8.0', '1e3' and 'True'.
INT_ARGUMENTS = {"per_device_train_batch_size": "train_loader.batch_size",
                 "gradient_accumulation_steps": "gradient_accumulation", "max_steps": "max_steps",
                 "logging_steps": None, "max_epochs": None, "per_device_eval_batch_size": None}


def _refused_ints(data: dict, b: RunBuilder) -> dict:
    """SL003 for an int argument whose text int() refuses; returns the data without them. `null` is
    left alone (unknown), as are lists and mappings (passed on otherwise)."""
    refused = set()
    for key, field in INT_ARGUMENTS.items():
        raw = data.get(key)
        if raw is None or isinstance(raw, (list, dict)):
            continue
        text = str(raw)
        try:
            int(text)
        except ValueError:
            b.problems.append(Problem(INVALID_VALUE, f"invalid value {raw!r} for '{key}': ms-swift passes it on as "
                                      f"--{key} {text} and HfArgumentParser's int type refuses {text!r}: swift exits "
                                      "before training", (key,)))
            refused.add(key)
            if field is not None:
                *parents, last = field.split(".")
                node = b.raw
                for part in parents:
                    node = node.get(part, {})
                node.pop(last, None)
    return {k: v for k, v in data.items() if k not in refused}


def adapt(data: dict, b: RunBuilder, source: Source) -> dict:
    data = _refused_ints(data, b)
    hf = transformers_version(source)
    swift = swift_version(source)
    ratio_default = SPLIT_RATIO_DEFAULT_BEFORE_3_6 if swift is not None and swift < (3, 6) else SPLIT_RATIO_DEFAULT
    ruled_out: list[str] = []
    streaming = is_true(data.get("streaming"))
    _world_size(data, b)
    b.flag("sampler_drop_last", True, ())  # BatchSamplerShard: total_samples // world_size a rank
    ratio = _split_ratio(data, ratio_default, streaming)
    _sample_counts(data, b, ratio)
    if not _warmup(data, b, hf.at_least(5)):
        ruled_out.append("warmup")
    save_strategy = _strategy(data, "save_strategy", "steps")
    _save(data, b, save_strategy, ruled_out)
    validation = _validation_data(data, ratio)
    requested = _eval(data, b, save_strategy, validation, ruled_out)
    _logging(data, b, ruled_out)
    if "num_train_epochs" not in data and not b.has("max_steps"):
        b.duration("epochs", 3, (), Unit.EPOCH, note="transformers default num_train_epochs")
    _max_epochs(data, b)
    version = f"ms-swift {source.version('ms-swift') or source.version('ms_swift')}" if swift else "newest"
    settings = MsSwiftSettings(
        eval_requested_by=requested[0] if requested else None,
        eval_requested_value=requested[1] if requested else None,
        validation_data=validation, split_ratio_written=data.get("split_dataset_ratio") is not None, version=version, streaming=streaming)
    trainer = trainer_semantics("ms-swift: the Hugging Face Trainer", hf)
    return {"name": trainer.name, "accumulation_rounding": trainer.accumulation_rounding,
            "accumulation_remainder": trainer.accumulation_remainder, "ruled_out": tuple(ruled_out),
            "settings": settings}


def _world_size(data: dict, b: RunBuilder) -> None:
    env = data.get("ENV")
    if not isinstance(env, dict):
        return
    per_node, nodes = number(env.get("NPROC_PER_NODE")), number(env.get("NNODES", 1))
    if per_node and nodes and per_node > 0 and nodes > 0 and per_node == int(per_node) and nodes == int(nodes):
        note = f"{int(per_node)} × {int(nodes)} nodes" if nodes > 1 else None
        b.count("world_size", int(per_node * nodes), ("ENV", "NPROC_PER_NODE"), note=note)


def _split_ratio(data: dict, default: float, streaming: bool) -> Optional[float]:
    """split_dataset_ratio as DataArguments.__post_init__ leaves it; None when it cannot be read."""
    if entries(data.get("val_dataset")) or streaming:
        return 0.0  # "Because len(args.val_dataset) > 0 / args.streaming is True, setting split_dataset_ratio: 0"
    raw = data.get("split_dataset_ratio")
    return default if raw is None else number(raw)


def _validation_data(data: dict, ratio: Optional[float]) -> Optional[str]:
    """What gives ms-swift validation data ('' = unknown), None when nothing does."""
    for key in ("val_dataset", "cached_val_dataset", "eval_dataset"):
        if entries(data.get(key)):
            return key
    if ratio is None:
        return ""
    if ratio > 0 and entries(data.get("dataset")):
        return f"split_dataset_ratio {ratio:g}"
    return None


def _sample_counts(data: dict, b: RunBuilder, ratio: Optional[float]) -> None:
    """N <= the sum of the '#N' counts (each less one held-out row or more when a split is taken)."""
    names = entries(data.get("dataset"))
    if not names or entries(data.get("cached_dataset")) or ratio is None or not 0 <= ratio < 1:
        return
    counts = []
    for name in names:
        match = _SAMPLE.match(name.strip()) if isinstance(name, str) else None
        if match is None or int(match["count"]) == 0:
            return  # a dataset used whole: no bound
        counts.append(int(match["count"]))
    held_out = len(counts) if ratio > 0 else 0  # at least one row each (max(int(len × ratio), 1))
    total = sum(counts) - held_out
    if total <= 0:
        return
    parts = " + ".join(f"#{c}" for c in counts)
    note = f"{parts}{f' less at least {held_out} held out by split_dataset_ratio' if held_out else ''}"
    b.count("dataset_size_at_most", total, ("dataset",), note=note if len(counts) > 1 or held_out else None)


def _warmup(data: dict, b: RunBuilder, transformers_5: bool) -> bool:
    """Reads the warmup; False when there is none (the schedulers then start at the peak LR)."""
    ratio_raw, steps_raw = data.get("warmup_ratio"), data.get("warmup_steps")
    ratio, steps = number(ratio_raw), number(steps_raw)
    scheduler = str(data.get("lr_scheduler_type") or "cosine").strip().lower()
    if ratio and steps and ratio > 0 and steps > 0:
        b.problems.append(Problem(INVALID_VALUE, f"invalid value {ratio_raw!r} for 'warmup_ratio': ms-swift raises "
                                  "ValueError ('`warmup_ratio` and `warmup_steps` cannot be set at the same time') "
                                  f"with warmup_steps {steps_raw!r}", ("warmup_ratio",)))
        return True
    if ratio is not None and ratio >= 1:
        b.problems.append(Problem(INVALID_VALUE, f"invalid value {ratio_raw!r} for 'warmup_ratio': ms-swift raises "
                                  "ValueError (warmup_ratio must be less than 1; use warmup_steps for a number of "
                                  "steps)", ("warmup_ratio",)))
        return True
    if ratio is not None and ratio > 0:
        amount, unit, key = ratio, Unit.DUR, "warmup_ratio"
    elif steps is not None and steps >= 1 and (steps == int(steps) or transformers_5):
        amount, unit, key = int(steps), Unit.STEP, "warmup_steps"
    elif steps is not None and 0 < steps < 1 and transformers_5:
        amount, unit, key = steps, Unit.DUR, "warmup_steps"
    elif ratio_raw is None and steps_raw is None or (ratio or 0) == 0 and (steps or 0) == 0 and \
            (ratio_raw is None or ratio is not None) and (steps_raw is None or steps is not None):
        return False
    else:
        return True  # unreadable: unknown, not absent
    if scheduler in WARMUP_FREE_SCHEDULERS:
        return False
    b.duration("schedule.warmup", {"value": amount, "unit": unit.value}, (key,), unit)
    return True


def _strategy(data: dict, key: str, default: str) -> Optional[str]:
    raw = data.get(key)
    if raw is None:
        return default
    text = str(raw).strip().lower()
    return text if text in ("no", "steps", "epoch", "best") else None


def _interval(b: RunBuilder, field: str, raw: Any, key: tuple, note: Optional[str] = None) -> None:
    """A `*_steps` value as TrainingArguments reads it: below 1 a ratio of the run, else whole steps."""
    n = number(raw)
    if n is None or n <= 0:
        return
    if n > 1 and n != int(n):
        b.problems.append(Problem(INVALID_VALUE, f"invalid value {raw!r} for '{key[-1]}': transformers raises "
                                  f"ValueError (--{key[-1]} must be an integer if bigger than 1)", key))
    elif n < 1:
        b.duration(field, {"value": n, "unit": "dur"}, key, Unit.DUR, note=note)
    else:
        b.duration(field, int(n), key, Unit.STEP, note=note)


def _save(data: dict, b: RunBuilder, strategy: Optional[str], ruled_out: list) -> None:
    if strategy == "no":
        ruled_out.append("checkpoint")
    elif strategy == "epoch":
        b.duration("checkpoint", {"value": 1, "unit": "epoch"}, ("save_strategy",), Unit.EPOCH)
    elif strategy == "steps":
        if data.get("save_steps") is not None:
            _interval(b, "checkpoint", data["save_steps"], ("save_steps",))
        elif "save_strategy" in data:  # the default interval only when the strategy is written
            _interval(b, "checkpoint", SAVE_STEPS_DEFAULT, ("save_strategy",), "transformers default save_steps")


def _eval(data: dict, b: RunBuilder, save_strategy: Optional[str], validation: Optional[str],
          ruled_out: list) -> Optional[tuple[str, Any]]:
    """The evaluation cadence; returns (key, value) of what asks for periodic evaluation."""
    written = data.get("eval_strategy", data.get("evaluation_strategy"))
    strategy = _strategy(data, "eval_strategy", save_strategy or "") if written is None or "eval_strategy" in data \
        else _strategy(data, "evaluation_strategy", "")
    strategy_key = "eval_strategy" if "eval_strategy" in data else (
        "evaluation_strategy" if "evaluation_strategy" in data else "save_strategy")
    requested = None
    if strategy in ("steps", "epoch") and written is not None:
        requested = (strategy_key, written)
    if strategy == "steps" and data.get("eval_steps") is not None and number(data["eval_steps"]):
        requested = ("eval_steps", data["eval_steps"])
    if validation is None or strategy == "no":
        ruled_out.append("eval")
        return requested
    if validation == "" or strategy is None:
        return requested  # unknown
    if strategy == "epoch":
        b.duration("eval", {"value": 1, "unit": "epoch"}, (strategy_key,), Unit.EPOCH)
    elif strategy == "steps":
        if data.get("eval_steps") is not None:
            _interval(b, "eval", data["eval_steps"], ("eval_steps",))
        elif data.get("save_steps") is not None:
            _interval(b, "eval", data["save_steps"], ("save_steps",), "eval_steps unset: ms-swift uses save_steps")
        elif strategy_key in data:
            _interval(b, "eval", SAVE_STEPS_DEFAULT, (strategy_key,), "eval_steps unset: ms-swift uses save_steps 500")
    batch = data.get("per_device_eval_batch_size")
    b.eval_loader((batch if batch is not None else 1, ("per_device_eval_batch_size",) if batch is not None else ()),
                  None)
    return requested


def _logging(data: dict, b: RunBuilder, ruled_out: list) -> None:
    strategy = _strategy(data, "logging_strategy", "steps")
    if strategy == "no" and not is_true(data.get("logging_first_step", True)):
        ruled_out.append("logging")
    elif strategy == "epoch":
        b.duration("logging", {"value": 1, "unit": "epoch"}, ("logging_strategy",), Unit.EPOCH)
    elif strategy == "steps":
        raw = data.get("logging_steps")
        if raw is None:
            _interval(b, "logging", LOGGING_STEPS_DEFAULT, (), "ms-swift default logging_steps")
        else:
            _interval(b, "logging", raw, ("logging_steps",))


def _max_epochs(data: dict, b: RunBuilder) -> None:
    """max_epochs below num_train_epochs ends the run at that epoch's end; the schedule keeps the
    length the Trainer computed from num_train_epochs."""
    cap, epochs = number(data.get("max_epochs")), b.get("epochs")
    if cap is None or cap <= 0 or cap != int(cap) or b.has("max_steps") or not isinstance(epochs, dict):
        return
    if cap >= epochs["value"]:
        return
    b.duration("schedule.horizon", {"value": epochs["value"], "unit": "epoch"}, (epochs.get("key") or "max_epochs",),
               Unit.EPOCH, note="the Trainer sizes the schedule on num_train_epochs")
    warmup = b.get("schedule.warmup")
    if isinstance(warmup, dict) and warmup.get("unit") == "dur":  # warmup_ratio: of the steps the Trainer sized
        path = tuple(warmup["key"].split(".")) if warmup.get("key") else ()
        b.duration("schedule.warmup", warmup["value"] * epochs["value"], path, Unit.EPOCH,
                   note=f"warmup_ratio {warmup['value']:g} × num_train_epochs {epochs['value']:g}: the Trainer sizes "
                        "the warmup on them, not on max_epochs")
    b.duration("epochs", int(cap), ("max_epochs",), Unit.EPOCH)
