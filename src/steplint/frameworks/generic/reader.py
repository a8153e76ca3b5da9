"""Hand-written research configs: the common spellings, wherever they sit in the tree.

Precision over recall. A document is read as a training config only when it names a duration
(epochs or a step count) *and* something else a training run has (a batch size, a schedule, an
optimizer or learning rate, a checkpoint or eval interval). Files that are plainly something else
(CI workflows, Kubernetes manifests, compose files, OpenAPI specs, conda environments) score 0.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Optional

from ...loading import KeyPath
from ...units import Unit, parse_duration, parse_unit, to_number
from ..base import Source, Adapted, Dialect, RunBuilder, key_names, walk

# Sections that configure inference, never the train loader (PaddleClas `Infer.batch_size`).
_INFER_PART = re.compile(r"^(infer|inference|predict|prediction|export|deploy)($|_)", re.I)
_EVAL_PART = re.compile(r"(^|_)(val|valid|validation|eval|evaluation|test|dev)($|_|\d)", re.I)
# `lr_config`: mmcv's schedule; a mapping under `lr` is one too (PaddleClas `Optimizer.lr`)
_SCHED_PART = re.compile(r"sched|lr_policy|lr_decay|schedule|^lr_config$|^lr$", re.I)
_CKPT_PART = re.compile(r"ckpt|checkpoint|save", re.I)

EPOCH_KEYS = {"epochs", "num_epochs", "max_epochs", "train_epochs", "n_epochs", "num_train_epochs",
              "total_epochs", "nepochs", "epoch_num", "training_epochs"}
BATCH_KEYS = {"batch_size", "train_batch_size", "per_device_train_batch_size", "micro_batch_size",
              "batch_size_per_gpu", "per_gpu_batch_size", "train_micro_batch_size_per_gpu",
              "batch_size_per_device", "samples_per_gpu", "imgs_per_gpu", "per_gpu_train_batch_size"}
EVAL_BATCH_KEYS = {"eval_batch_size", "val_batch_size", "valid_batch_size", "per_device_eval_batch_size",
                   "test_batch_size", "per_gpu_eval_batch_size"}
MAX_STEP_KEYS = {"max_steps", "num_steps", "max_iters", "max_iter", "train_iters", "train_steps",
                 "num_train_steps", "max_iterations", "num_iterations", "max_updates", "max_update",
                 "training_steps", "n_steps", "iterations"}
TOTAL_STEP_KEYS = {"total_steps", "num_training_steps", "total_training_steps", "total_iters_planned"}
DATASET_KEYS = {"num_samples", "dataset_size", "train_size", "num_train_samples", "n_train",
                "train_samples", "num_train_examples", "train_dataset_size", "num_training_samples",
                "n_train_samples", "train_len"}
DATASET_NAME_KEYS = {"dataset", "dataset_name", "train_dataset", "data_name", "dataset_id"}
WORLD_KEYS = {"world_size", "num_gpus", "n_gpus", "ngpus", "ngpu", "gpus", "devices", "num_devices",
              "nproc_per_node", "gpus_per_node"}
NODE_KEYS = {"num_nodes", "nnodes", "nodes"}
ACCUM_KEYS = {"gradient_accumulation_steps", "grad_accum_steps", "grad_accum", "accumulate_grad_batches",
              "accum_steps", "accumulation_steps", "gradient_accumulation", "accum_iter", "update_freq",
              "grad_accumulation_steps", "accumulate_steps"}
GLOBAL_BATCH_KEYS = {"global_batch_size", "effective_batch_size", "total_batch_size", "global_train_batch_size"}
WARMUP_KEYS = {
    "warmup_steps": Unit.STEP, "warmup_iters": Unit.STEP, "warmup_updates": Unit.STEP,
    "warmup_iterations": Unit.STEP, "num_warmup_steps": Unit.STEP, "lr_warmup_steps": Unit.STEP,
    "lr_warmup_iters": Unit.STEP, "warmup_epochs": Unit.EPOCH, "warmup_epoch": Unit.EPOCH,
    "lr_warmup_epochs": Unit.EPOCH, "warmup_ratio": Unit.DUR, "warmup_fraction": Unit.DUR,
    "warmup_pct": Unit.DUR, "lr_warmup_fraction": Unit.DUR, "warmup_proportion": Unit.DUR,
}
# key -> unit; None = the unit is not in the name (resolved from the run, see _ambiguous_unit)
CHECKPOINT_KEYS: dict[str, Optional[Unit]] = {
    "save_steps": Unit.STEP, "save_every_n_steps": Unit.STEP, "every_n_train_steps": Unit.STEP,
    "ckpt_every_n_steps": Unit.STEP, "checkpoint_every_n_steps": Unit.STEP, "save_interval_steps": Unit.STEP,
    "save_every_steps": Unit.STEP, "checkpoint_every_steps": Unit.STEP,
    "save_every_n_epochs": Unit.EPOCH, "save_every_epochs": Unit.EPOCH, "checkpoint_every_n_epochs": Unit.EPOCH,
    "ckpt_every_n_epochs": Unit.EPOCH, "save_epochs": Unit.EPOCH,
    "save_every": None, "save_interval": None, "checkpoint_interval": None, "ckpt_every": None,
    "save_freq": None, "checkpoint_every": None, "checkpoint_freq": None, "ckpt_interval": None,
    "save_period": None,
}
CHECKPOINT_SECTION_KEYS: dict[str, Optional[Unit]] = {  # inside a checkpoint/save mapping
    "every_n_steps": Unit.STEP, "every_n_epochs": Unit.EPOCH, "every": None, "interval": None,
    "frequency": None, "freq": None,
}
EVAL_KEYS: dict[str, Optional[Unit]] = {
    "eval_steps": Unit.STEP, "eval_every_n_steps": Unit.STEP, "val_every_n_steps": Unit.STEP,
    "eval_every_steps": Unit.STEP, "eval_interval_steps": Unit.STEP,
    "eval_every_n_epochs": Unit.EPOCH, "check_val_every_n_epoch": Unit.EPOCH, "val_every_n_epochs": Unit.EPOCH,
    "eval_epochs": Unit.EPOCH, "validate_every_n_epochs": Unit.EPOCH, "eval_every_epochs": Unit.EPOCH,
    "eval_interval": None, "eval_every": None, "val_interval": None, "eval_freq": None, "val_freq": None,
    "validate_every": None, "val_every": None, "eval_period": None,
}
LOG_KEYS: dict[str, Optional[Unit]] = {
    "logging_steps": Unit.STEP, "log_every_n_steps": Unit.STEP, "log_steps": Unit.STEP,
    "log_every_steps": Unit.STEP, "log_every": Unit.STEP, "log_interval": Unit.STEP, "log_freq": Unit.STEP,
    "print_freq": Unit.STEP, "logging_interval": Unit.STEP,
}
SCHEDULER_HOLDERS = {"scheduler", "lr_scheduler", "lr_schedule", "sched", "scheduler_type", "lr_scheduler_type",
                     "schedule", "lr_policy", "lr_decay_style", "decay_style"}
SCHEDULER_NAME_KEYS = {"name", "type", "_target_", "class_path", "target", "scheduler", "policy"}
HORIZON_KEYS = {"t_max": None, "total_iters": None, "total_steps": None, "num_training_steps": None,
                "decay_steps": None, "lr_decay_iters": Unit.STEP, "total_num_update": Unit.STEP, "t_0": None}
# (audiocraft's cosine `cycle_length` is a fraction of total_steps, not a horizon:
# audiocraft/optim/cosine_lr_scheduler.py `CosineLRScheduler`)
KNOWN_SCHEDULERS = re.compile(
    r"cosine|linear|step|multistep|onecycle|one_cycle|poly|exponential|constant|plateau|cyclic|inverse_sqrt|"
    r"warmup|wsd|rsqrt|noam|lambda|sequential|anneal", re.I)
LR_KEYS = {"lr", "learning_rate", "base_lr", "max_lr", "optimizer", "optim", "optimizer_name", "weight_decay"}
BATCHNORM_VALUE = re.compile(r"^(batch_?norm([123]d)?|bn([123]d)?|batch|syncbn|sync_?batch_?norm|nn\.batchnorm[123]d|"
                             r"torch\.nn\.batchnorm[123]d)$", re.I)
NOT_TRAINING = [
    {"apiVersion", "kind"}, {"on", "jobs"}, {"jobs", "name"}, {"services", "version"}, {"openapi"},
    {"swagger"}, {"dependencies", "channels"}, {"hosts", "tasks"}, {"stages", "script"}, {"repos"},
    {"name", "version", "scripts"}, {"name", "version", "dependencies"}, {"$schema", "properties"},
]
# What score() looks for anywhere in the tree: a duration, and another training setting (built once).
_DURATION_KEYS = frozenset(EPOCH_KEYS | MAX_STEP_KEYS | TOTAL_STEP_KEYS)
_OTHER_KEYS = frozenset(BATCH_KEYS | LR_KEYS | SCHEDULER_HOLDERS | set(WARMUP_KEYS) | set(CHECKPOINT_KEYS)
                        | set(EVAL_KEYS) | ACCUM_KEYS)
# Every (lower-case) key `_Found.see` reads a value of: any other key can only name a batch norm.
_READ_KEYS = frozenset(
    EPOCH_KEYS | BATCH_KEYS | EVAL_BATCH_KEYS | MAX_STEP_KEYS | TOTAL_STEP_KEYS | DATASET_KEYS | DATASET_NAME_KEYS
    | WORLD_KEYS | NODE_KEYS | ACCUM_KEYS | GLOBAL_BATCH_KEYS | set(WARMUP_KEYS) | set(CHECKPOINT_KEYS)
    | set(CHECKPOINT_SECTION_KEYS) | set(EVAL_KEYS) | set(LOG_KEYS) | set(HORIZON_KEYS) | SCHEDULER_HOLDERS
    | SCHEDULER_NAME_KEYS | {"drop_last", "shuffle", "warmup", "milestones", "step_size", "step", "steps_per_epoch",
                             "interval", "by_epoch"})
_TORCH_BATCHNORM = re.compile(r"(torch\.)?(nn\.)?BatchNorm[123]d")


@dataclass(frozen=True)
class GenericSettings:
    """What the research-config rules read beyond the canonical run: nothing yet, but a document the
    generic dialect read is one whose training loop is hand-written (its rules say so)."""


def _eval_path(path: KeyPath) -> bool:
    return any(isinstance(p, str) and _EVAL_PART.search(p) for p in path[:-1]) or bool(_EVAL_PART.search(str(path[-1])))


def _positive_int(value: Any) -> bool:
    number = to_number(value)
    return isinstance(number, int) and number > 0


def _in_lr_config(path: KeyPath) -> bool:
    """An mmcv `lr_config` mapping (mmcv/runner/hooks/lr_updater.py)."""
    return len(path) >= 2 and str(path[-2]).lower() == "lr_config"


def _in_sequence(data: Any, path: KeyPath) -> bool:
    """Inside one of several `schedulers` (a SequentialLR's or ChainedScheduler's): its horizon is a
    part of the run (a warmup, a decay after it), not the run's."""
    node = data
    for i, part in enumerate(path[:-1]):
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return False
        if str(part).lower() == "schedulers" and isinstance(node, list) and len(node) > 1 and i + 1 < len(path) - 1:
            return True
    return False


def _under(path: KeyPath, pattern: re.Pattern) -> bool:
    return any(isinstance(p, str) and pattern.search(p) for p in path[:-1])


class Generic(Dialect):
    name = "generic"
    description = "hand-written research configs: common key spellings anywhere in the tree"
    ceiling = 0.3  # what score() gives a research config: any framework that knows the file scores more

    def score(self, data: dict) -> float:
        if any(marker <= data.keys() for marker in NOT_TRAINING):
            return 0.0
        names = key_names(data, max_nodes=20_000)
        if _DURATION_KEYS.isdisjoint(names) or _OTHER_KEYS.isdisjoint(names):  # else both hold as written
            lower = {str(k).lower() for k in names}
            if _DURATION_KEYS.isdisjoint(lower) or _OTHER_KEYS.isdisjoint(lower):
                return 0.0
        return self.ceiling

    def adapt(self, data: dict, source: Source) -> Adapted:
        found = _Found(data)
        for path, key, value in walk(data):
            found.see(path, str(key), value)
        return found.build()


class _Found:
    """First (shallowest) candidate per canonical field."""

    def __init__(self, data: dict) -> None:
        self.data = data
        # hand-written code may load YAML any way, yaml.unsafe_load included
        self.b = RunBuilder(strict=False, framework="the training code", unsafe_yaml=True)
        self.ambiguous: list[tuple[str, Any, KeyPath]] = []  # intervals whose unit the key does not say
        self.horizons: list[tuple[Any, KeyPath]] = []
        self.eval_batch: Optional[tuple[Any, KeyPath]] = None
        self.eval_drop: Optional[tuple[Any, KeyPath]] = None
        self.nodes: Optional[tuple[Any, KeyPath]] = None
        self.scheduler_path: Optional[KeyPath] = None

    def first(self, field: str) -> bool:
        return not self.b.has(field)

    def see(self, path: KeyPath, key: str, value: Any) -> None:
        k = key.lower()
        b = self.b
        if k == "decay_step_list" and isinstance(value, list):
            self._openpcdet_decays(value, path)
            return
        if isinstance(value, (dict, list)) and k != "milestones" and not (k == "step" and _in_lr_config(path)):
            if k in SCHEDULER_HOLDERS and isinstance(value, dict) and self.scheduler_path is None:
                self.scheduler_path = path
            if k == "norm_cfg" and isinstance(value, dict) and BATCHNORM_VALUE.match(str(value.get("type", ""))):
                self._batchnorm(path)
            return
        if k not in _READ_KEYS:  # most keys: spares the section tests below
            if self._names_batchnorm(k, value):
                self._batchnorm(path)
            return
        in_sched = _under(path, _SCHED_PART)
        if k in EPOCH_KEYS and not in_sched and self.first("epochs") and not _eval_path(path):
            if (to_number(value) or 0) >= 0:  # -1 = "no epoch limit" (Lightning, NeMo)
                b.duration("epochs", value, path, Unit.EPOCH)
        elif k in BATCH_KEYS and not _eval_path(path) and not _under(path, _INFER_PART):
            if self.first("train_loader.batch_size") and to_number(value) != -1:  # -1: "use the default"
                b.count("train_loader.batch_size", value, path)
        elif (k in EVAL_BATCH_KEYS or k in BATCH_KEYS) and self.eval_batch is None and to_number(value) is not None:
            self.eval_batch = (value, path)
        elif k == "drop_last":
            if _eval_path(path):
                self.eval_drop = self.eval_drop or (value, path)
            elif self.first("train_loader.drop_last"):
                b.flag("train_loader.drop_last", value, path)
        elif k == "shuffle" and not _eval_path(path) and self.first("train_loader.shuffle"):
            b.flag("train_loader.shuffle", value, path)
        elif k in HORIZON_KEYS and in_sched:
            self.horizons.append((value, path))
        elif k in MAX_STEP_KEYS and not in_sched and self.first("max_steps"):
            number = to_number(value)
            if number is not None and number > 0:  # -1 / 0 mean "not set" in most codebases
                b.duration("max_steps", value, path, Unit.STEP)
        elif k in TOTAL_STEP_KEYS and self.first("total_steps"):
            b.duration("total_steps", value, path, Unit.STEP)
        elif k in DATASET_KEYS and not _eval_path(path) and self.first("dataset_size"):
            b.count("dataset_size", value, path)
        elif k in DATASET_NAME_KEYS and isinstance(value, str) and not _eval_path(path) and self.first("dataset_name"):
            b.name("dataset_name", value, path)
        elif k in WORLD_KEYS and self.first("world_size") and _positive_int(value):  # -1 = "all devices"
            b.count("world_size", value, path)
        elif k in NODE_KEYS and _positive_int(value):
            self.nodes = self.nodes or (value, path)
        elif k in ACCUM_KEYS and self.first("gradient_accumulation"):
            b.count("gradient_accumulation", value, path)
        elif k in GLOBAL_BATCH_KEYS and self.first("global_batch_size"):
            b.count("global_batch_size", value, path)
        elif k in WARMUP_KEYS and self.first("schedule.warmup"):
            b.duration("schedule.warmup", value, path, WARMUP_KEYS[k], zero_is_unset=True)
        elif k == "warmup" and self.first("schedule.warmup") and not isinstance(value, bool):
            number = to_number(value)
            unit = Unit.DUR if number is not None and 0 < number < 1 else Unit.STEP
            b.duration("schedule.warmup", value, path, unit, zero_is_unset=True)
        elif k in CHECKPOINT_KEYS and self.first("checkpoint"):
            self._interval("checkpoint", value, path, CHECKPOINT_KEYS[k])
        elif k in CHECKPOINT_SECTION_KEYS and _under(path, _CKPT_PART) and self.first("checkpoint"):
            self._interval("checkpoint", value, path, CHECKPOINT_SECTION_KEYS[k])
        elif k in EVAL_KEYS and self.first("eval"):
            self._interval("eval", value, path, EVAL_KEYS[k])
        elif k in LOG_KEYS and self.first("logging"):
            self._interval("logging", value, path, LOG_KEYS[k])
        elif k in ("milestones", "step_size") and in_sched:
            self.horizons.append((value, path))
        elif k == "step" and _in_lr_config(path) and (to_number(value) is not None or isinstance(value, list)):
            self.horizons.append((value, path))  # mmcv StepLrUpdaterHook: a step size
        elif k == "steps_per_epoch" and in_sched:
            self.horizons.append((value, path))  # OneCycleLR(epochs, steps_per_epoch)
        elif k == "interval" and in_sched and value in ("step", "epoch") and self.first("schedule.stepped_per"):
            b.name("schedule.stepped_per", value, path)
        elif k == "by_epoch" and in_sched and isinstance(value, bool) and self.first("schedule.stepped_per") \
                and "step_each_epoch" not in self._mapping(path):  # PaddleClas: by_epoch does not change the unit
            b.name("schedule.stepped_per", "epoch" if value else "step", path)
        elif (k in SCHEDULER_HOLDERS or (k in SCHEDULER_NAME_KEYS and in_sched)) and isinstance(value, str) \
                and KNOWN_SCHEDULERS.search(value) and self.first("schedule.name"):
            b.name("schedule.name", value.rsplit(".", 1)[-1], path)
        elif self._names_batchnorm(k, value):
            self._batchnorm(path)

    @staticmethod
    def _names_batchnorm(key: str, value: Any) -> bool:
        if isinstance(value, str) and key in ("norm", "norm_layer", "normalization", "norm_type", "bn_type", "norm_cfg"):
            return bool(BATCHNORM_VALUE.match(value.strip()))
        if value is True and (key in ("bn", "use_bn", "batch_norm", "batchnorm", "use_batchnorm", "use_batch_norm")
                              or key.endswith("_bn")):
            return True
        return isinstance(value, str) and bool(_TORCH_BATCHNORM.fullmatch(value.strip()))

    def _batchnorm(self, path: KeyPath) -> None:
        if self.first("batchnorm"):
            self.b.flag("batchnorm", True, path)

    def _interval(self, field: str, value: Any, path: KeyPath, unit: Optional[Unit]) -> None:
        if isinstance(value, dict) or (isinstance(value, str) and to_number(value) is None):
            self.b.duration(field, value, path, unit)  # written with its own unit
        elif unit is None:
            self.ambiguous.append((field, value, path))
        else:
            self.b.duration(field, value, path, unit)

    def build(self) -> Adapted:
        b = self.b
        if self.nodes is not None and b.has("world_size"):
            nodes, per_node = to_number(self.nodes[0]), b.get("world_size")["value"]
            if isinstance(nodes, int) and nodes > 1:
                b.count("world_size", nodes * per_node, self.nodes[1], note=f"{nodes} nodes × {per_node}")
        if self.eval_batch is not None or self.eval_drop is not None:
            b.eval_loader(self.eval_batch, self.eval_drop)
        for value, path in self.horizons:
            self._schedule_amount(value, path)
        for field, value, path in self.ambiguous:
            if b.has(field):
                continue
            unit = self._ambiguous_unit(value)
            b.duration(field, value, path, unit, note=f"unit assumed: {unit.value}")
            if b.has(field):
                b.assumptions.append(f"'{path[-1]}' read as {unit.value}s (the key does not say)")
        return b.build(settings=GenericSettings())

    def _schedule_amount(self, value: Any, path: KeyPath) -> None:
        """A horizon, milestones or step size: with the unit its key or its mapping states, else unitless."""
        b, key = self.b, str(path[-1]).lower()
        role = "milestones" if key == "milestones" or isinstance(value, list) else (
            "step_size" if key in ("step_size", "step") else "horizon")
        field = {"milestones": "schedule.milestones", "step_size": "schedule.step_size"}.get(role, "schedule.horizon")
        if b.has(field) or any(u["role"] == role for u in b.get("schedule.unitless") or ()):
            return  # the first schedule found is the run's
        if key == "steps_per_epoch":
            if self._mapping(path).get("total_steps") is not None:
                return  # OneCycleLR takes total_steps first
            epochs, per_epoch = to_number(self._mapping(path).get("epochs")), to_number(value)
            if isinstance(epochs, int) and isinstance(per_epoch, int) and epochs > 0 and per_epoch > 0:
                b.duration(field, epochs * per_epoch, path, Unit.STEP,
                           note=f"epochs {epochs} × steps_per_epoch {per_epoch}")
            return
        unit = self._stated_unit(path)
        if role == "milestones":
            if unit is not None:
                b.milestones(field, value, path, unit)
            elif not _in_sequence(self.data, path):
                b.unitless(role, value, path)
        elif unit is not None or parse_duration(value, None) is not None:
            b.duration(field, value, path, unit)
        elif to_number(value) is not None and not _in_sequence(self.data, path):
            b.unitless(role, value, path)

    def _openpcdet_decays(self, value: list, path: KeyPath) -> None:
        """OpenPCDet `OPTIMIZATION.DECAY_STEP_LIST`: epochs, multiplied by the iterations of an epoch
        for the LambdaLR of the `adam` and `sgd` optimizers; the other optimizers' schedulers
        (adam_onecycle...) never read it [tools/train_utils/optimization/__init__.py build_scheduler]."""
        optimizer = next((v for k, v in self._mapping(path).items() if str(k).lower() == "optimizer"), None)
        if optimizer in ("adam", "sgd") and self.first("schedule.milestones"):
            self.b.milestones("schedule.milestones", value, path, Unit.EPOCH)

    def _mapping(self, path: KeyPath) -> dict:
        """The mapping that holds the key at `path`."""
        node: Any = self.data
        for part in path[:-1]:
            try:
                node = node[part]
            except (KeyError, IndexError, TypeError):
                return {}
        return node if isinstance(node, dict) else {}

    def _stated_unit(self, path: KeyPath) -> Optional[Unit]:
        """The unit a schedule amount's key says, or one written beside it in the schedule's mapping
        (the nearest mapping first, up to the schedule's own)."""
        key = str(path[-1]).lower()
        if HORIZON_KEYS.get(key):
            return HORIZON_KEYS[key]
        # A unit beside says what one call to scheduler.step() is, which `total_steps` and
        # `num_training_steps` count whatever their names say; without one, the name is the unit.
        named = Unit.EPOCH if re.search(r"_epochs?$", key) else Unit.STEP if key.endswith("_steps") else None
        roots = [i for i, p in enumerate(path[:-1]) if isinstance(p, str) and _SCHED_PART.search(p)]
        for depth in range(len(path), roots[0] + 1 if roots else len(path), -1):
            mapping = self._mapping(path[:depth])
            if "step_each_epoch" in mapping:
                return Unit.EPOCH  # PaddleClas converts epochs to iterations itself
            if isinstance(mapping.get("by_epoch"), bool):
                return Unit.EPOCH if mapping["by_epoch"] else Unit.STEP
            for word in ("interval", "unit", "units"):
                unit = parse_unit(mapping[word]) if isinstance(mapping.get(word), str) else None
                if unit is not None:  # tokens, samples...: stated, so not weighed as epochs or steps
                    return unit
        if _in_lr_config(path):
            return Unit.EPOCH  # mmcv: by_epoch defaults to true
        return named

    def _ambiguous_unit(self, value: Any) -> Unit:
        """`save_every: 5` in a 100-epoch run means epochs; `eval_interval: 2000` means steps."""
        epochs, max_steps = self.b.get("epochs"), self.b.get("max_steps")
        number = to_number(value)
        if epochs and not max_steps and number is not None and number <= epochs["value"]:
            return Unit.EPOCH
        return Unit.STEP
