"""PyTorch Lightning Trainer configs: LightningCLI YAML, Hydra-composed Lightning configs
(lightning-hydra-template), and NVIDIA NeMo's Hydra configs, whose `trainer:` block is the
Lightning Trainer.

What Lightning does with the numbers (frameworks.md §3; Lightning 2.x source, checked against the
real Trainer in tests/oracle/lightning_*.json):

    n_rank = ceil(N / P)                          DistributedSampler(drop_last=False), injected
    L      = len(train_dataloader) on one rank    floor/ceil by the user's DataLoader drop_last
    nb     = min(L, limit) | int(L × fraction)    limit_train_batches   [trainer/connectors/data_connector.py _parse_num_batches]
    U      = ceil(nb / accumulate_grad_batches)   Lightning steps on the last batch of an epoch
                                                  [loops/training_epoch_loop.py _should_accumulate]
    T      = min(U × max_epochs, max_steps)       first limit reached wins  [trainer.py estimated_stepping_batches]
             max_epochs defaults to 1000 when neither limit is set; -1 = unlimited
    validation after micro-batch j of an epoch when j % val_check_batch == 0 (int: that many
    batches; float v: max(1, int(nb × v))), in epochs where (epoch + 1) % check_val_every_n_epoch == 0;
    with check_val_every_n_epoch None the int counts batches over the whole run
                                                  [loops/training_epoch_loop.py _should_check_val_fx]

NeMo (nemo/core/optim/lr_scheduler.py, nemo/utils/exp_manager.py): `model.optim.sched` is stepped
every optimizer step; warmup_steps / warmup_ratio count optimizer steps / a fraction of the run.
Megatron-style NeMo models take `model.global_batch_size` and `model.micro_batch_size`; the
accumulation is derived: global / (micro × data-parallel size), data-parallel = devices × nodes /
(tensor × pipeline × context parallel) (megatron/core/num_microbatches_calculator.py, which asserts
the division is exact). The scheduler's max_steps is trainer.max_steps whenever that is not negative
(nemo/core/classes/modelPT.py `setup_optimization` writes it over `sched.max_steps`).

NeMo Framework Launcher (NVIDIA/NeMo-Framework-Launcher 26e42fa, launcher_scripts/conf/<stage>/...):
each stage's file is the NeMo job's own config (trainer / exp_manager / model, plus the launcher's
`run:` block), read as above; its Hydra `defaults:` lists only add the tp_overlap userbuffer
settings (no time keys), and `rlhf_ppo` files hold two jobs (`actor:`, `critic:`) run by
NeMo-Aligner, whose steps are PPO rollouts: recognised, not read.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import partial
from typing import Any, NamedTuple, Optional

from ...loading import KeyPath, format_key_path
from ...units import Unit, finite_number, to_number
from ..base import Adapted, Dialect, RunBuilder, Semantics, Source, walk

SEMANTICS_NAME = ("PyTorch Lightning Trainer: DistributedSampler per rank, optimizer step on the last "
                  "batch of an epoch (ceil), first of max_epochs / max_steps")
NEMO_SEMANTICS_NAME = SEMANTICS_NAME + "; NeMo model.optim.sched stepped every optimizer step"

# Trainer.__init__ arguments that (almost) only Lightning uses; `max_steps`, `logger`, `precision`
# and friends are too common elsewhere to count on their own.
DISTINCTIVE_TRAINER_KEYS = {
    "max_epochs", "min_epochs", "accumulate_grad_batches", "check_val_every_n_epoch", "val_check_interval",
    "limit_train_batches", "limit_val_batches", "limit_test_batches", "limit_predict_batches",
    "log_every_n_steps", "num_sanity_val_steps", "enable_checkpointing", "enable_progress_bar",
    "enable_model_summary", "fast_dev_run", "overfit_batches", "gradient_clip_val", "gradient_clip_algorithm",
    "accelerator", "strategy", "sync_batchnorm", "use_distributed_sampler", "default_root_dir",
    "detect_anomaly", "reload_dataloaders_every_n_epochs", "replace_sampler_ddp", "max_time", "min_steps",
    "inference_mode", "barebones", "move_metrics_to_cpu", "multiple_trainloader_mode", "auto_lr_find",
    "auto_scale_batch_size", "progress_bar_refresh_rate", "weights_summary", "track_grad_norm", "amp_backend",
}
TRAINER_KEYS = DISTINCTIVE_TRAINER_KEYS | {
    "max_steps", "devices", "num_nodes", "precision", "logger", "callbacks", "plugins", "profiler",
    "deterministic", "benchmark", "gpus", "tpu_cores", "ipus", "num_processes",
}
CLI_TOP_KEYS = {"trainer", "model", "data", "optimizer", "lr_scheduler", "seed_everything", "ckpt_path"}
_LIGHTNING_TARGET = re.compile(r"^(lightning\.pytorch|pytorch_lightning|lightning)\.", re.I)
_LIGHTNING_CLASS = re.compile(r"(DataModule|LitModule|LightningModule|LightningDataModule|ModelCheckpoint|"
                              r"EarlyStopping|LearningRateMonitor)$")
_NEMO_TARGET = re.compile(r"^nemo\.", re.I)
_CHECKPOINT_CLASS = re.compile(r"ModelCheckpoint$")

# LightningCLI lr_scheduler init_args that count calls to scheduler.step() (once per epoch under the CLI).
HORIZON_ARGS = ("T_max", "total_steps", "total_iters", "T_0")


class CheckpointSettings(NamedTuple):
    """One ModelCheckpoint callback [S-PL callbacks/model_checkpoint.py]. Immutable; a NamedTuple,
    built per callback without the __setattr__ call per field a frozen dataclass makes."""

    key: str  # dotted key of the callback (its init args)
    every_n_train_steps: Optional[int] = None  # as written; 0 = no step trigger
    every_n_epochs: Optional[int] = None  # None with no other trigger = 1 (Lightning's default)
    save_last: Optional[bool] = None
    save_on_train_epoch_end: Optional[bool] = None
    train_time_interval: bool = False
    steps_key: Optional[str] = None
    epochs_key: Optional[str] = None
    save_top_k: int = 1  # Lightning's default
    monitor: bool = False  # a monitored metric: what is written then depends on its values
    readable: bool = True  # False when a trigger or save argument is written but not a plain value

    @property
    def epochs_every(self) -> int:
        """Lightning's effective every_n_epochs: 1 when no trigger is set, 0 when another one is."""
        if self.every_n_epochs is not None:
            return self.every_n_epochs
        return 0 if (self.every_n_train_steps is not None or self.train_time_interval) else 1


# The schedulers of nemo/core/optim/lr_scheduler.py AVAILABLE_SCHEDULERS (the names `sched.name` takes).
NEMO_SCHEDULERS = {"WarmupPolicy", "WarmupHoldPolicy", "SquareAnnealing", "CosineAnnealing", "NoamAnnealing",
                   "NoamHoldAnnealing", "WarmupAnnealing", "InverseSquareRootAnnealing",
                   "T5InverseSquareRootAnnealing", "SquareRootAnnealing", "PolynomialDecayAnnealing",
                   "PolynomialHoldDecayAnnealing", "StepLR", "ExponentialLR", "ReduceLROnPlateau", "CyclicLR"}


@dataclass(frozen=True)
class NemoSched:
    """NeMo's `model.optim.sched`, as written, for NeMo's own rules (SL703, SL704)."""

    name: Optional[str]
    key: str  # "model.optim.sched"
    written_max_steps: Optional[float] = None  # sched.max_steps as written
    horizon: Optional[float] = None  # the max_steps NeMo gives the scheduler
    warmup_steps: Optional[float] = None
    warmup_ratio: Optional[float] = None
    constant_steps: Optional[float] = None
    constant_ratio: Optional[float] = None
    min_lr: Optional[float] = None


class LightningSettings(NamedTuple):
    """The Trainer arguments Lightning's own rules and the cadence simulation need. Immutable; a
    NamedTuple: one is built per config, and a frozen dataclass sets each of its 24 fields with
    __setattr__."""

    flavour: str  # "cli", "hydra" or "nemo"
    trainer_key: Optional[str] = None  # "trainer" or "fit.trainer"; None = no trainer block in the file
    val_check_interval: Any = None  # int (batches) or float (fraction of an epoch), as written
    val_check_key: Optional[str] = None
    check_val_every_n_epoch: Optional[int] = 1  # None = count val_check_interval over the whole run
    check_val_key: Optional[str] = None
    validation_disabled: bool = False  # limit_val_batches: 0
    validation_written: bool = False  # a validation key is set: the run validates (the module decides otherwise)
    validation_readable: bool = True  # False for a time-based val_check_interval, an interpolation...
    checkpointing: Optional[bool] = None  # enable_checkpointing as written
    limit_train_batches: Any = None
    limit_train_key: Optional[str] = None
    log_every_n_steps: Optional[int] = None
    log_key: Optional[str] = None
    checkpoints: tuple[CheckpointSettings, ...] = ()
    cli_scheduler: Optional[str] = None  # class name of LightningCLI's lr_scheduler (stepped per epoch)
    cli_scheduler_key: Optional[str] = None
    cli_horizon: Optional[float] = None  # in calls to scheduler.step()
    cli_horizon_key: Optional[str] = None
    max_epochs: Optional[int] = None  # as written (-1 = unlimited)
    max_steps: Optional[int] = None
    megatron: bool = False
    nemo_sched: Optional[NemoSched] = None

    @property
    def val_check_batch_int(self) -> Optional[int]:
        v = self.val_check_interval
        return v if isinstance(v, int) and not isinstance(v, bool) else None


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _int(value: Any) -> Optional[int]:
    number = to_number(value)
    return number if isinstance(number, int) else None


def _class_name(node: Any) -> Optional[str]:
    if isinstance(node, dict):
        for key in ("class_path", "_target_", "target", "_component_"):
            if isinstance(node.get(key), str):
                return node[key]
    return None


def _args(node: dict) -> tuple[dict, tuple]:
    """(init args, their key path suffix) of a `class_path`/`init_args` node, or the node itself."""
    if isinstance(node.get("init_args"), dict):
        return node["init_args"], ("init_args",)
    return node, ()


def _cli_root(data: dict) -> tuple[dict, KeyPath]:
    """LightningCLI accepts the tree under a subcommand key (`fit:`)."""
    for sub in ("fit",):
        if isinstance(data.get(sub), dict) and isinstance(data[sub].get("trainer"), dict):
            return data[sub], (sub,)
    return data, ()


def _trainer_score(trainer: dict) -> float:
    keys = set(map(str, trainer))
    distinctive = len(keys & DISTINCTIVE_TRAINER_KEYS)
    if distinctive >= 1 and len(keys & TRAINER_KEYS) >= 2:
        return 0.9
    if distinctive >= 1:
        return 0.7
    if isinstance(trainer.get("_target_"), str) and _LIGHTNING_TARGET.match(trainer["_target_"]):
        return 0.9
    return 0.0


def _is_nemo(data: dict) -> bool:
    if isinstance(data.get("exp_manager"), dict):
        return True
    model = _dict(data.get("model"))
    if isinstance(data.get("trainer"), dict) and (isinstance(model.get("optim"), dict)
                                                 or isinstance(model.get("train_ds"), dict)):
        return True
    for _, key, value in walk(data, max_nodes=5_000, keys=("_target_",)):
        if key == "_target_" and isinstance(value, str) and _NEMO_TARGET.match(value):
            return True
    return False


def _is_actor_critic(data: dict) -> bool:
    """NeMo Framework Launcher's rlhf_ppo configs: `actor:` and `critic:`, each a NeMo job."""
    return all(isinstance(data.get(k), dict) and isinstance(data[k].get("trainer"), dict)
               and (isinstance(data[k].get("exp_manager"), dict) or isinstance(data[k].get("model"), dict))
               for k in ("actor", "critic"))


def _lightning_score(data: dict) -> float:
    root, _ = _cli_root(data)
    targets = [v for _, k, v in walk(data, max_nodes=5_000, keys=("_target_", "class_path"))
               if k in ("_target_", "class_path") and isinstance(v, str)]
    if any(t.startswith("litgpt.") for t in targets) or isinstance(data.get("train"), dict) \
            and isinstance(data.get("eval"), dict):
        return 0.0  # LitGPT's jsonargparse configs (train:/eval: sections, litgpt.* classes)
    score = 0.0
    if isinstance(root.get("trainer"), dict):
        score = max(score, _trainer_score(root["trainer"]))
    if any(_LIGHTNING_TARGET.match(t) for t in targets):
        score = max(score, 0.8)
    if any(_LIGHTNING_CLASS.search(t) for t in targets):
        score = max(score, 0.6)
    # A Hydra `trainer/` group file: the Trainer arguments at the top level.
    top = set(map(str, data))
    if len(top & DISTINCTIVE_TRAINER_KEYS) >= 2 or (isinstance(data.get("defaults"), list)
                                                     and len(top & TRAINER_KEYS) >= 2
                                                     and top & DISTINCTIVE_TRAINER_KEYS):
        score = max(score, 0.6)
    # A Hydra primary config that composes a `trainer` group.
    defaults = data.get("defaults")
    if isinstance(defaults, list) and any(isinstance(d, dict) and "trainer" in d for d in defaults):
        score = max(score, 0.6)
    # LightningCLI: model/data given as class_path + init_args.
    if any(isinstance(root.get(k), dict) and "class_path" in root[k] for k in ("model", "data")) \
            and set(map(str, root)) <= CLI_TOP_KEYS | {"fit", "validate", "test", "predict"}:
        score = max(score, 0.6)
    # A Hydra `callbacks/` group file for ModelCheckpoint.
    if isinstance(data.get("model_checkpoint"), dict):
        score = max(score, 0.6)
    return score


class _Reader:
    """Reads one config into a RunBuilder plus the Lightning settings."""

    def __init__(self, data: dict, flavour: str) -> None:
        self.data = data
        self.flavour = flavour
        # LightningCLI reads YAML with jsonargparse (PyYAML underneath); Hydra and NeMo with OmegaConf.
        # A file without class_path may still be a LightningCLI one: only a Hydra defaults list or
        # `_target_` says OmegaConf for certain.
        hydra = flavour == "nemo" or flavour == "hydra" and (
            isinstance(data.get("defaults"), list) or bool(walk(data, 5000, keys=("_target_",))))
        self.b = RunBuilder(strict=False, framework="NeMo" if flavour == "nemo" else "PyTorch Lightning",
                            yaml_loader="omegaconf" if hydra else "pyyaml")
        self.s: dict[str, Any] = {"flavour": flavour}
        self.sem: dict[str, Any] = {}
        self.checkpoints: list[CheckpointSettings] = []
        self.script_checkpoints = False  # a checkpoint callback the training script adds (NeMo's exp_manager)

    # -- trainer ---------------------------------------------------------------------------------
    def trainer(self, trainer: dict, prefix: KeyPath, megatron: bool) -> None:
        b, s = self.b, self.s
        s["trainer_key"] = format_key_path(prefix) or None

        def at(key: str) -> KeyPath:
            return prefix + (key,)

        max_epochs, max_steps = _int(trainer.get("max_epochs")), _int(trainer.get("max_steps"))
        s["max_epochs"], s["max_steps"] = max_epochs, max_steps
        if max_epochs is not None and max_epochs > 0:
            b.duration("epochs", max_epochs, at("max_epochs"), Unit.EPOCH)
        elif "max_epochs" in trainer and max_epochs is None and trainer["max_epochs"] is not None:
            b.duration("epochs", trainer["max_epochs"], at("max_epochs"), Unit.EPOCH)  # "abc": SL003 or unknown
        if max_steps is not None and max_steps > 0:
            b.duration("max_steps", max_steps, at("max_steps"), Unit.STEP)
        no_limit = (trainer.get("max_epochs") is None and (max_steps is None or max_steps == -1)
                    and trainer.get("max_time") is None)
        if no_limit and prefix and not isinstance(self.data.get("defaults"), list) and not megatron:
            # Trainer: max_epochs None and max_steps -1 -> 1000 epochs [S-PL trainer/connectors... fit_loop]
            b.duration("epochs", 1000, prefix, Unit.EPOCH, note="Lightning's default when no limit is set")
            b.assumptions.append("max_epochs = 1000 (Lightning's default when neither max_epochs nor max_steps is set)")
            s["max_epochs"] = 1000

        ga = trainer.get("accumulate_grad_batches")
        # a mapping is Lightning 1.x's accumulation schedule ({epoch: factor}; 2.0 refuses it): not a count
        if ga is not None and not megatron and not isinstance(ga, dict):
            b.count("gradient_accumulation", ga, at("accumulate_grad_batches"))

        self._world(trainer, prefix)

        limit = trainer.get("limit_train_batches")
        number = to_number(limit)
        if number is not None and not isinstance(limit, str) and number > 0:
            s["limit_train_batches"], s["limit_train_key"] = limit, format_key_path(at("limit_train_batches"))
            if isinstance(number, int):
                self.sem["batch_limit_count"] = number
            elif number < 1:
                self.sem["batch_limit_fraction"] = float(number)
            elif 1 < number < math.inf and number == int(number):
                self.sem["batch_limit_count"] = int(number)  # 3.0 is read as 3 batches by Lightning too

        self._validation(trainer, prefix)

        log = _int(trainer.get("log_every_n_steps"))
        if log is not None and log > 0:
            b.duration("logging", log, at("log_every_n_steps"), Unit.STEP)
            s["log_every_n_steps"], s["log_key"] = log, format_key_path(at("log_every_n_steps"))

        if isinstance(trainer.get("enable_checkpointing"), bool):
            s["checkpointing"] = trainer["enable_checkpointing"]
        callbacks = trainer.get("callbacks")
        if isinstance(callbacks, (list, dict)):
            self.callbacks(callbacks, at("callbacks"))

    def _world(self, trainer: dict, prefix: KeyPath) -> None:
        devices = trainer.get("devices", trainer.get("gpus"))
        key = "devices" if "devices" in trainer else "gpus"
        count: Optional[int] = None
        if isinstance(devices, list):
            count = len(devices) or None
        elif isinstance(devices, str) and re.fullmatch(r"\s*\d+(\s*,\s*\d+)+\s*,?\s*", devices):
            count = len([d for d in devices.split(",") if d.strip()])  # "0,1": device ids
        else:
            number = _int(devices)
            count = number if number is not None and number > 0 else None
        if count is None:
            return
        nodes = _int(trainer.get("num_nodes"))
        path = prefix + (key,)
        if nodes is not None and nodes > 1:
            self.b.count("world_size", count * nodes, prefix + ("num_nodes",), note=f"{nodes} nodes × {count} devices")
        else:
            self.b.count("world_size", count, path)

    def _validation(self, trainer: dict, prefix: KeyPath) -> None:
        b, s = self.b, self.s
        vci = trainer.get("val_check_interval")
        limit_val = to_number(trainer.get("limit_val_batches"))
        s["validation_written"] = trainer.get("val_check_interval") is not None or "check_val_every_n_epoch" in trainer \
            or limit_val is not None and limit_val > 0
        if isinstance(vci, bool) or (vci is not None and not isinstance(vci, (int, float))) \
                or isinstance(vci, float) and not math.isfinite(vci):
            vci = None  # a time string ("00:01:00:00"), an interpolation, .inf or .nan: not counted in batches
            s["validation_readable"] = False
        cv_written = "check_val_every_n_epoch" in trainer
        cv = trainer.get("check_val_every_n_epoch", 1)
        cv = _int(cv) if cv is not None else None
        if cv_written and trainer.get("check_val_every_n_epoch") is not None and (cv is None or cv < 1):
            s["validation_readable"] = False
            return  # not a whole number: Lightning refuses it; leave validation unknown
        disabled = limit_val is not None and limit_val == 0
        s.update(val_check_interval=vci, check_val_every_n_epoch=cv, validation_disabled=disabled)
        if vci is not None:
            s["val_check_key"] = format_key_path(prefix + ("val_check_interval",))
        if cv_written:
            s["check_val_key"] = format_key_path(prefix + ("check_val_every_n_epoch",))
        if vci is not None and vci <= 0:
            s["validation_readable"] = False  # 0 is not a cadence steplint can count
        if disabled or (vci is not None and vci <= 0):
            return
        vci_key, cv_key = prefix + ("val_check_interval",), prefix + ("check_val_every_n_epoch",)
        is_int = isinstance(vci, int)
        if cv is None:
            if is_int:
                b.duration("eval", vci, vci_key, Unit.BATCH, note="micro-batches counted over the whole run")
        elif is_int:
            if cv == 1:
                b.duration("eval", vci, vci_key, Unit.BATCH, note="micro-batches, counted again every epoch")
        elif vci is None or vci == 1.0:
            if cv_written and cv > 1:  # every epoch is Lightning's default: nothing to check
                b.duration("eval", cv, cv_key, Unit.EPOCH)
        elif cv == 1 and 0 < vci < 1:
            b.duration("eval", vci, vci_key, Unit.EPOCH, note="int(batches × fraction) batches")

    # -- callbacks -------------------------------------------------------------------------------
    def callbacks(self, callbacks: Any, prefix: KeyPath) -> None:
        items = list(enumerate(callbacks)) if isinstance(callbacks, list) else list(callbacks.items())
        for name, node in items:
            if not isinstance(node, dict):
                continue
            cls = _class_name(node) or ""
            if _CHECKPOINT_CLASS.search(cls) or (not cls and name == "model_checkpoint"):
                args, suffix = _args(node)
                self.checkpoint(args, prefix + (name,) + suffix)

    def checkpoint(self, args: dict, path: KeyPath) -> None:
        steps, epochs = _int(args.get("every_n_train_steps")), _int(args.get("every_n_epochs"))
        save_last = args.get("save_last")
        on_epoch_end = args.get("save_on_train_epoch_end")
        top_k = _int(args.get("save_top_k", 1))

        def unset_or_count(key: str) -> bool:
            number = _int(args.get(key))
            return args.get(key) is None or number is not None and number >= 0

        settings = CheckpointSettings(
            key=format_key_path(path),
            every_n_train_steps=steps if steps is not None and steps >= 0 else None,
            every_n_epochs=epochs if epochs is not None and epochs >= 0 else None,
            save_last=bool(save_last) if isinstance(save_last, bool) or save_last == "link" else None,
            save_on_train_epoch_end=on_epoch_end if isinstance(on_epoch_end, bool) else None,
            train_time_interval=args.get("train_time_interval") is not None,
            steps_key=format_key_path(path + ("every_n_train_steps",)) if steps and steps > 0 else None,
            epochs_key=format_key_path(path + ("every_n_epochs",)) if epochs and epochs > 0 else None,
            save_top_k=top_k if top_k is not None else 1,
            monitor=args.get("monitor") is not None,
            readable=unset_or_count("every_n_train_steps") and unset_or_count("every_n_epochs") and top_k is not None
            and save_last in (None, True, False, "link") and on_epoch_end in (None, True, False),
        )
        self.checkpoints.append(settings)
        if self.b.has("checkpoint"):
            return
        if settings.every_n_train_steps:
            self.b.duration("checkpoint", settings.every_n_train_steps, path + ("every_n_train_steps",), Unit.STEP)
        elif settings.every_n_epochs:
            self.b.duration("checkpoint", settings.every_n_epochs, path + ("every_n_epochs",), Unit.EPOCH)

    # -- data, model, scheduler ------------------------------------------------------------------
    def batch(self, section: Any, path: KeyPath, keys=("batch_size", "train_batch_size")) -> bool:
        if not isinstance(section, dict):
            return False
        args, suffix = _args(section)
        for key in keys:
            if key in args and to_number(args[key]) is not None and to_number(args[key]) > 0:
                self.b.count("train_loader.batch_size", args[key], path + suffix + (key,))
                for flag in ("drop_last", "shuffle"):
                    if isinstance(args.get(flag), bool):
                        self.b.flag(f"train_loader.{flag}", args[flag], path + suffix + (flag,))
                return True
        return False

    def cli_scheduler(self, node: Any, path: KeyPath) -> None:
        """LightningCLI's `lr_scheduler:` [S-PL cli.py configure_optimizers]: returned as a plain
        list, so Lightning's default interval "epoch" applies: scheduler.step() once per epoch."""
        if not isinstance(node, dict):
            return
        cls = _class_name(node)
        args, suffix = _args(node)
        b, s = self.b, self.s
        name = cls.rsplit(".", 1)[-1] if cls else None
        if name:
            b.name("schedule.name", name, path + ("class_path",) if "class_path" in node else path)
            s["cli_scheduler"], s["cli_scheduler_key"] = name, format_key_path(path)
        horizon: Optional[tuple[float, KeyPath, Optional[str]]] = None
        for key in HORIZON_ARGS:
            value = to_number(args.get(key))
            if value is not None and value > 0:
                horizon = (value, path + suffix + (key,), None)
                break
        else:
            epochs, per_epoch = _int(args.get("epochs")), _int(args.get("steps_per_epoch"))
            if epochs and per_epoch and epochs > 0 and per_epoch > 0:  # OneCycleLR(epochs, steps_per_epoch)
                horizon = (epochs * per_epoch, path + suffix + ("steps_per_epoch",),
                           f"epochs {epochs} × steps_per_epoch {per_epoch} calls")
        if horizon is not None:
            value, where, note = horizon
            s["cli_horizon"], s["cli_horizon_key"] = value, format_key_path(where)
            if not cli_horizon_in_steps(value, s.get("max_epochs"), s.get("max_steps")):
                # In epochs, as the CLI steps it: the generic schedule rules compare it with the run.
                # Sized in steps, it is SL454's finding alone (SL205 would restate it in epochs × steps).
                b.duration("schedule.horizon", value, where, Unit.EPOCH,
                           note=note or "calls to scheduler.step(): once per epoch under LightningCLI")
        if isinstance(args.get("milestones"), list):
            b.milestones("schedule.milestones", args["milestones"], path + suffix + ("milestones",), Unit.EPOCH)
        if to_number(args.get("step_size")) is not None:
            b.duration("schedule.step_size", args["step_size"], path + suffix + ("step_size",), Unit.EPOCH)

    def build(self, name: str) -> Adapted:
        self.s["checkpoints"] = tuple(self.checkpoints)
        settings = LightningSettings(**self.s)
        ruled_out = ["eval"] if settings.validation_disabled else []
        if settings.checkpointing is False and not self.checkpoints and not self.script_checkpoints:
            ruled_out.append("checkpoint")  # enable_checkpointing: false and no ModelCheckpoint
        return self.b.build(Semantics(name, ruled_out=tuple(ruled_out), cadence=partial(cadence, settings), **self.sem),
                            settings)


class Lightning(Dialect):
    name = "lightning"
    description = ("PyTorch Lightning: LightningCLI YAML (trainer/model/data/optimizer/lr_scheduler) and "
                   "Hydra-composed Lightning configs (trainer/, callbacks/ groups)")
    triggers = frozenset({"trainer", "_target_", "class_path", "defaults", "model_checkpoint", *DISTINCTIVE_TRAINER_KEYS})

    def score(self, data: dict) -> float:
        if _is_nemo(data):
            return 0.0
        return _lightning_score(data)

    def adapt(self, data: dict, source: Source) -> Adapted:
        root, prefix = _cli_root(data)
        cli = any(isinstance(root.get(k), dict) and "class_path" in root[k] for k in ("model", "data")) \
            or isinstance(root.get("lr_scheduler"), dict) and "class_path" in root["lr_scheduler"]
        r = _Reader(data, "cli" if cli else "hydra")
        trainer = root.get("trainer")
        if isinstance(trainer, dict):
            r.trainer(trainer, prefix + ("trainer",), megatron=False)
        elif _trainer_score(root) or len(set(map(str, root)) & DISTINCTIVE_TRAINER_KEYS) >= 1 \
                and "model" not in root and "data" not in root:
            r.trainer(root, prefix, megatron=False)  # a Hydra trainer/ group file
        for key in ("callbacks",):
            if isinstance(root.get(key), (dict, list)):
                r.callbacks(root[key], prefix + (key,))
        if isinstance(root.get("model_checkpoint"), dict):  # a Hydra callbacks/ group file
            r.callbacks({"model_checkpoint": root["model_checkpoint"]}, prefix)
        if not r.batch(root.get("data"), prefix + ("data",)) and not r.batch(root.get("model"), prefix + ("model",)):
            if re.search(r"DataModule$", _class_name(root) or ""):
                r.batch(root, prefix)  # a Hydra data/ group file: the DataModule's arguments at the top
        if cli:
            r.cli_scheduler(root.get("lr_scheduler"), prefix + ("lr_scheduler",))
        else:
            sched = _dict(_dict(root.get("model")).get("scheduler"))
            cls = _class_name(sched)
            if cls:
                r.b.name("schedule.name", cls.rsplit(".", 1)[-1], prefix + ("model", "scheduler", "_target_"))
                # The LightningModule's configure_optimizers picks the interval (Lightning's default
                # "epoch", or "step"): the config does not say, so SL210 weighs both readings.
                where = prefix + ("model", "scheduler")
                for key in (*HORIZON_ARGS, "milestones", "step_size"):
                    if key in sched:
                        role = {"milestones": "milestones", "step_size": "step_size"}.get(key, "horizon")
                        r.b.unitless(role, sched[key], where + (key,))
        return r.build(SEMANTICS_NAME)


class NeMo(Dialect):
    name = "nemo"
    description = "NVIDIA NeMo Hydra configs: a Lightning `trainer:` block, `model.optim.sched`, `exp_manager`"
    triggers = frozenset({"exp_manager", "trainer", "_target_"})  # _is_nemo, _is_actor_critic

    def score(self, data: dict) -> float:
        return 0.95 if _is_nemo(data) or _is_actor_critic(data) else 0.0

    def adapt(self, data: dict, source: Source) -> Adapted:
        if _is_actor_critic(data) and not _is_nemo(data):
            b = RunBuilder(strict=False)
            b.assumptions.append("a NeMo Framework Launcher RLHF PPO config (an actor and a critic job, run by "
                                 "NeMo-Aligner): its steps are PPO rollouts, not passes over a dataset; not read")
            return b.build(Semantics(NEMO_SEMANTICS_NAME), LightningSettings(flavour="nemo"))
        r = _Reader(data, "nemo")
        b = r.b
        model = _dict(data.get("model"))
        megatron = to_number(model.get("global_batch_size")) is not None \
            and to_number(model.get("micro_batch_size")) is not None
        r.s["megatron"] = megatron
        trainer = data.get("trainer")
        if isinstance(trainer, dict):
            r.trainer(trainer, ("trainer",), megatron=megatron)
        if megatron:
            self._megatron(r, model)
            # Megatron's microbatch calculator: GA = global / (micro × data-parallel) at launch; it
            # refuses a global batch that does not divide (SL303) [megatron/core/
            # num_microbatches_calculator.py ConstantNumMicroBatchesCalculator]
            r.sem["accumulation_from_global"] = True
        else:
            train_ds = _dict(model.get("train_ds"))
            if not r.batch(train_ds, ("model", "train_ds")):
                r.batch(train_ds.get("dataloader_params"), ("model", "train_ds", "dataloader_params"))
            for name in ("validation_ds", "val_ds"):
                val = _dict(model.get(name))
                loader = val if "batch_size" in val else _dict(val.get("dataloader_params"))
                where = ("model", name) if loader is val else ("model", name, "dataloader_params")
                if to_number(loader.get("batch_size")) is not None or isinstance(loader.get("drop_last"), bool):
                    b.eval_loader((loader["batch_size"], where + ("batch_size",)) if "batch_size" in loader else None,
                                  (loader["drop_last"], where + ("drop_last",))
                                  if isinstance(loader.get("drop_last"), bool) else None)
                    break
        self._sched(r, _dict(_dict(model.get("optim")).get("sched")), ("model", "optim", "sched"))
        exp = _dict(data.get("exp_manager"))
        params = exp.get("checkpoint_callback_params")
        r.script_checkpoints = exp.get("create_checkpoint_callback", True) is not False  # exp_manager's default
        if isinstance(params, dict) and r.script_checkpoints:
            r.checkpoint(params, ("exp_manager", "checkpoint_callback_params"))
        return r.build(NEMO_SEMANTICS_NAME)

    @staticmethod
    def _megatron(r: _Reader, model: dict) -> None:
        b = r.b
        micro, global_ = _int(model.get("micro_batch_size")), _int(model.get("global_batch_size"))
        b.count("train_loader.batch_size", model["micro_batch_size"], ("model", "micro_batch_size"))
        b.count("global_batch_size", model["global_batch_size"], ("model", "global_batch_size"))
        world = b.get("world_size")
        if not world or not micro or not global_ or micro <= 0 or global_ <= 0:
            return
        parallel = 1
        factors = []
        for key in ("tensor_model_parallel_size", "pipeline_model_parallel_size", "context_parallel_size"):
            size = _int(model.get(key))
            if size is None and model.get(key) is not None:
                b.raw.pop("world_size", None)  # an unreadable parallel size: the data-parallel size is unknown
                return
            if size and size > 1:
                parallel *= size
                factors.append(f"{key.split('_model')[0].split('_parallel')[0]} {size}")
        devices = world["value"]
        if devices % parallel:
            b.raw.pop("world_size", None)
            return
        dp = devices // parallel
        key = tuple(world["key"].split("."))
        if parallel > 1:
            b.count("world_size", dp, key, note=f"data-parallel: {devices} devices / ({' × '.join(factors)})")
        # The accumulation itself is not set: Megatron derives it at launch from the real world size
        # (which --world-size may override); SL303 checks that global divides by micro × data-parallel.
        if global_ % (micro * dp) == 0:
            b.assumptions.append(f"gradient accumulation {global_ // (micro * dp)} = global {global_} / (micro "
                                 f"{micro} × data-parallel {dp}), derived by Megatron at launch")

    @staticmethod
    def _sched(r: _Reader, sched: dict, path: KeyPath) -> None:
        """NeMo schedulers step every optimizer step (nemo/core/optim/lr_scheduler.py
        prepare_lr_scheduler: interval "step"). Their max_steps is trainer.max_steps whenever that is
        not negative: ModelPT.setup_optimization writes it over `sched.max_steps`
        (nemo/core/classes/modelPT.py); only with trainer.max_steps -1 is sched.max_steps used, and
        sched.max_steps -1 then builds no scheduler at all (prepare_lr_scheduler returns None)."""
        if not sched:
            return
        b = r.b
        name = sched.get("name") if isinstance(sched.get("name"), str) else None
        if name:
            b.name("schedule.name", name, path + ("name",))
        trainer_steps, written = r.s.get("max_steps"), to_number(sched.get("max_steps"))
        if trainer_steps is None and _dict(r.data.get("trainer")).get("max_steps") is not None:
            horizon_known = False  # trainer.max_steps is written but unreadable (${...}): NeMo's horizon is unknown
        else:
            horizon_known = True
            trainer_steps = -1 if trainer_steps is None else trainer_steps  # Lightning's default
        if horizon_known and trainer_steps < 0 and written == -1:
            b.assumptions.append("model.optim.sched.max_steps -1: NeMo builds no LR scheduler (constant LR)")
            return
        steps, ratio = sched.get("warmup_steps"), sched.get("warmup_ratio")
        if to_number(steps) is not None:
            b.duration("schedule.warmup", steps, path + ("warmup_steps",), Unit.STEP, zero_is_unset=True)
        elif to_number(ratio) is not None:
            b.duration("schedule.warmup", ratio, path + ("warmup_ratio",), Unit.DUR, zero_is_unset=True)
        horizon, horizon_key = None, None
        if name not in NEMO_SCHEDULERS or not horizon_known:
            pass  # a scheduler NeMo does not ship (MLPerf's CosineAnnealingExp...): its horizon is its own
        elif trainer_steps > 0:
            horizon, horizon_key = trainer_steps, ("trainer", "max_steps")
            b.duration("schedule.horizon", horizon, horizon_key, Unit.STEP,
                       note="NeMo sets model.optim.sched.max_steps to trainer.max_steps")
        elif written is not None and written > 0 and trainer_steps < 0:
            horizon, horizon_key = written, path + ("max_steps",)
            b.duration("schedule.horizon", horizon, horizon_key, Unit.STEP)
        r.s["nemo_sched"] = NemoSched(
            name=name, key=format_key_path(path),
            written_max_steps=written if "max_steps" in sched else None,
            horizon=horizon,
            # an infinite one is SL003 (the builder refuses it), and NeMo's int() of it an OverflowError
            warmup_steps=finite_number(steps), warmup_ratio=finite_number(ratio),
            constant_steps=finite_number(sched.get("constant_steps")),
            constant_ratio=finite_number(sched.get("constant_ratio")),
            min_lr=finite_number(sched.get("min_lr")))


# -- the cadence Lightning follows: validation runs and checkpoint saves -------------------------------

# At most this many validation runs are walked through to count the checkpoints saved on them
# (about 0.05 s); beyond it the plan gives the first one only.
CADENCE_LIMIT = 100_000
Occurrences = tuple[Optional[int], Optional[int]]  # (how many, first global step)


def cadence(settings: LightningSettings, plan: Any) -> dict[str, Occurrences]:
    """How many validation runs and checkpoint writes a fit makes, and the global step of the first,
    from the plan's batches per epoch (after limit_train_batches), accumulation and total optimizer
    steps: `training_epoch_loop._should_check_val_fx` (after micro-batch j of an epoch, or of the run
    with check_val_every_n_epoch None), `ModelCheckpoint.on_train_batch_end / on_train_epoch_end /
    on_validation_end` with `_should_skip_saving_checkpoint` (never twice at one global step, never at
    step 0). Checked against the real Trainer in tests/oracle/lightning_*.json. (None, None) where the
    config does not decide it: whether the module validates at all when no validation key is written,
    a time-based interval, a monitored metric, save_last, several ModelCheckpoints."""
    nb, ga, total = plan.batches_per_epoch, plan.gradient_accumulation_steps, plan.total_optimizer_steps
    if settings.megatron and total is not None:
        nb, ga = total, 1  # Megatron sizes its loader from max_steps: one epoch of one batch per step
    if nb is None:
        return {"eval": (None, None), "checkpoint": (None, None)}
    if nb == 0 or total == 0:  # "No training batches": fit stops before the first one
        return {"eval": (0, None), "checkpoint": (0, None)}
    vcb = _val_check_batch(nb, settings) if settings.validation_readable else None
    counted = total is not None
    if not counted:  # an unbounded run (or one of unknown length): where the first ones fall, not how many
        period = lcm(settings.check_val_every_n_epoch or 1, max([c.epochs_every for c in settings.checkpoints] + [1]))
        total = max(-(-nb // ga) * (period + 1 + (vcb or 0) // nb),
                    max([c.every_n_train_steps or 0 for c in settings.checkpoints] + [0]))
    run = _Run(nb, ga, total)
    validations = _validations(run, vcb, settings.check_val_every_n_epoch) if vcb is not None else None
    evals: Occurrences = (None, None)
    if validations is not None and settings.validation_written:
        evals = (validations.count, validations.first)
    checkpoints = _checkpoints(run, settings, vcb, validations)
    if not counted:
        evals, checkpoints = (None, evals[1]), (None, checkpoints[1])
    return {"eval": evals, "checkpoint": checkpoints}


@dataclass(frozen=True)
class _Run:
    """The shape of a fit: nb micro-batches per epoch, an optimizer step at every ga-th one and at the
    last one, stopped at `total` optimizer steps (whichever of max_epochs and max_steps came first)."""

    nb: int
    ga: int
    total: int

    @property
    def per_epoch(self) -> int:
        return -(-self.nb // self.ga)

    @property
    def epochs(self) -> int:
        """Epochs started; the last one may stop early (max_steps)."""
        return -(-self.total // self.per_epoch)

    def batches_in(self, epoch: int) -> int:
        if epoch < self.epochs - 1:
            return self.nb
        return min((self.total - epoch * self.per_epoch) * self.ga, self.nb)

    def step_after(self, epoch: int, batch: int) -> int:
        """`global_step` once micro-batch `batch` (1-based) of `epoch` has run."""
        return epoch * self.per_epoch + (self.per_epoch if batch == self.nb else batch // self.ga)


@dataclass(frozen=True)
class _Validations:
    count: int
    first: Optional[int]
    every: int  # val_check_batch
    per_run: bool  # check_val_every_n_epoch None: counted over the micro-batches of the whole run
    every_epochs: int  # check_val_every_n_epoch otherwise


def _validations(run: _Run, vcb: int, cv: Optional[int]) -> _Validations:
    if cv is None:
        batches = (run.epochs - 1) * run.nb + run.batches_in(run.epochs - 1)
        first = None
        if vcb <= batches:
            first = run.step_after((vcb - 1) // run.nb, (vcb - 1) % run.nb + 1)
        return _Validations(batches // vcb, first, vcb, True, 1)
    count = ((run.epochs - 1) // cv) * (run.nb // vcb) + (run.batches_in(run.epochs - 1) // vcb
                                                          if run.epochs % cv == 0 else 0)
    first_epoch = cv - 1
    first = run.step_after(first_epoch, vcb) if first_epoch < run.epochs and vcb <= run.batches_in(first_epoch) \
        else None
    return _Validations(count, first, vcb, False, cv)


def _checkpoints(run: _Run, settings: LightningSettings, vcb: Optional[int],
                 validations: Optional[_Validations]) -> Occurrences:
    if settings.flavour == "nemo" or len(settings.checkpoints) != 1:
        return None, None  # NeMo's exp_manager callback has its own defaults; several callbacks: several cadences
    ck = settings.checkpoints[0]
    if not ck.readable:
        return None, None
    if ck.save_top_k == 0 and not ck.save_last:
        return 0, None  # `_save_topk_checkpoint` returns at once: nothing is ever written
    if ck.save_last or ck.monitor or ck.train_time_interval:
        return None, None  # last.ckpt at every epoch or validation end; the metric; the clock
    if ck.every_n_train_steps:
        every = ck.every_n_train_steps
        return run.total // every, (every if every <= run.total else None)
    every = ck.epochs_every
    if not every:
        return 0, None
    if not settings.validation_readable and ck.save_on_train_epoch_end is not True:
        return None, None
    if _saves_on_train_epoch_end(settings, ck, vcb):
        first = min(every * run.per_epoch, run.total) if every <= run.epochs else None
        return run.epochs // every, first
    if validations is None:
        return 0, None  # saved only at the end of validation, which never runs
    return _saves_on_validation(run, validations, every)


def _saves_on_validation(run: _Run, validations: _Validations, every_epochs: int) -> Occurrences:
    """Checkpoints written at the end of the validation runs of every `every_epochs`-th epoch, at most
    one per global step and none at step 0 (`_last_global_step_saved` starts at 0)."""
    too_many = validations.count > CADENCE_LIMIT
    count, first, last_saved = 0, None, 0
    vcb = validations.every
    if validations.per_run:
        points = (((b - 1) // run.nb, (b - 1) % run.nb + 1) for b in range(vcb, validations.count * vcb + 1, vcb))
    else:
        period = lcm(validations.every_epochs, every_epochs)
        points = ((epoch, j) for epoch in range(period - 1, run.epochs, period)
                  for j in range(vcb, run.batches_in(epoch) + 1, vcb))
    for epoch, batch in points:
        if (epoch + 1) % every_epochs:
            continue
        step = run.step_after(epoch, batch)
        if step != last_saved:
            count, last_saved = count + 1, step
            first = step if first is None else first
            if too_many:
                return None, first
    return (None if too_many else count), first


def _val_check_batch(nb: int, settings: LightningSettings) -> Optional[int]:
    """`fit_loop.setup_data`: int -> that many batches; float -> max(1, int(nb × v)); None = no validation."""
    if settings.validation_disabled:
        return None
    v = settings.val_check_interval
    if v is None:
        return nb
    if isinstance(v, int):
        return v if v > 0 else None
    return max(1, int(nb * v)) if v > 0 else None


def _saves_on_train_epoch_end(settings: LightningSettings, ckpt: CheckpointSettings, vcb: Optional[int]) -> bool:
    """ModelCheckpoint._should_save_on_train_epoch_end [S-PL callbacks/model_checkpoint.py]."""
    if ckpt.save_on_train_epoch_end is not None:
        return ckpt.save_on_train_epoch_end
    if settings.check_val_every_n_epoch != 1:
        return False
    if vcb is None:
        return True  # no validation: save at the end of the training epoch
    return settings.val_check_interval is None or settings.val_check_interval == 1.0


def cli_horizon_in_steps(horizon: float, max_epochs: Optional[int], max_steps: Optional[int],
                         total_steps: Optional[int] = None) -> bool:
    """A LightningCLI scheduler horizon that was sized in optimizer steps, not in epochs: far more
    calls than the run has epochs, or about max_steps."""
    if max_epochs is not None and max_epochs > 0:
        return horizon > 2 * max_epochs and (total_steps is None or horizon >= total_steps * 0.5)
    return max_steps is not None and max_steps > 0 and horizon >= max_steps * 0.5


def lcm(a: int, b: int) -> int:
    return a * b // math.gcd(a, b)

