"""MMEngine runner configs written as YAML or JSON (train_cfg, param_scheduler, default_hooks,
train_dataloader, optim_wrapper; `_base_` files). Python configs are never executed, so only these
forms are read.

What MMEngine does with the numbers (open-mmlab/mmengine HEAD 25434293):

* mmengine/runner/runner.py `build_train_loop`: train_cfg with `type` (EpochBasedTrainLoop,
  IterBasedTrainLoop) or `by_epoch` (True: epoch based). mmengine/runner/loops.py: an epoch-based loop
  runs max_epochs × len(loader) iterations and validates when epoch >= val_begin and epoch %
  val_interval == 0 (default 1) or at the last epoch; an iteration-based one runs max_iters, val_interval
  default 1000. A val_begin past the run: no validation at all, not even at the end.
* One iteration is one batch; optim_wrapper.accumulative_counts (default 1) batches make an optimizer
  step, counted over the whole run: runner.py:1768-1771 `initialize_count_status(model,
  train_loop.iter, train_loop.max_iters)` (max_epochs × len(loader) in an epoch loop, loops.py:50),
  and optimizer_wrapper.py:345-346 `should_update`: `_inner_count % _accumulative_counts == 0 or
  _inner_count == _max_counts`, so the groups run on across epoch ends and the run's last short group
  steps: ceil(max_epochs × len(loader) / accumulative_counts) steps (AccumulationRounding.RUN_CEIL).
* mmengine/hooks/checkpoint_hook.py `CheckpointHook`: interval (-1: never) in epochs unless by_epoch is
  false, from save_begin (default 0) on: at epoch (or iteration) k when k - save_begin >= 0 is a multiple
  of interval (hook.py `every_n_epochs`, `every_n_train_iters`), and the last one with save_last
  (default true; `after_train_epoch`, `after_train_iter`). LoggerHook interval counts iterations.
* mmengine/optim/scheduler/param_scheduler.py: every scheduler has begin (0), end (inf) and by_epoch
  (default True: in epochs); LinearLR from begin 0 is the warmup; CosineAnnealingLR's T_max (default
  end - begin) is its horizon; MultiStepLR milestones count from begin.
* mmengine/config/config.py: `_base_` (a file or a list, relative to the config) is merged under the
  config, mappings key by key, unless the config's mapping has `_delete_: True`.
"""

from __future__ import annotations

import math
from dataclasses import replace
from functools import partial
from typing import Any, Callable, Optional

from ...model import MAX_COUNT, Duration
from ...named_files import BaseChain
from ...plan import AccumulationRounding
from ...rules.context import num
from ...units import Unit, to_number
from ..base import Adapted, Dialect, RunBuilder, Semantics, Source, find

LOOPS = ("EpochBasedTrainLoop", "IterBasedTrainLoop")
SEMANTICS = Semantics(
    name="MMEngine: batch_size per GPU (DefaultSampler pads), accumulative_counts iterations per optimizer step, counted over the whole run; "
         "validation every val_interval from val_begin and at the end; the last checkpoint saved (save_last)",
    final_events=("checkpoint", "eval"), accumulation_rounding=AccumulationRounding.RUN_CEIL)


def _number(value: Any) -> Optional[float]:
    number = to_number(value)
    return number if number is not None and math.isfinite(number) else None


def _merge(base: dict, child: dict) -> dict:
    if child.get("_delete_") is True:
        return {k: v for k, v in child.items() if k != "_delete_"}
    out = dict(base)
    for key, value in child.items():
        out[key] = _merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def _loop(train_cfg: dict) -> Optional[str]:
    kind = train_cfg.get("type")
    if kind is None and isinstance(train_cfg.get("by_epoch"), bool):
        return "EpochBasedTrainLoop" if train_cfg["by_epoch"] else "IterBasedTrainLoop"
    return kind if kind in LOOPS else None


class MMEngine(Dialect):
    name = "mmengine"
    description = "MMEngine YAML/JSON configs (train_cfg loops, param_scheduler by_epoch/begin/end, default_hooks; `_base_`)"
    triggers = frozenset({"train_cfg"})

    def score(self, data: dict) -> float:
        train_cfg = data.get("train_cfg")
        if not isinstance(train_cfg, dict):
            return 0.0
        own = _loop(train_cfg) is not None or any(k in train_cfg for k in ("max_epochs", "max_iters"))
        others = sum(1 for k in ("param_scheduler", "default_hooks", "train_dataloader", "optim_wrapper", "val_cfg",
                                 "val_dataloader", "val_evaluator", "default_scope") if k in data)
        return 0.9 if own and others >= 1 else 0.0

    def adapt(self, data: dict, source: Source) -> Adapted:
        bases = BaseChain("_base_", source.path, _merge)
        cfg = bases.merged(data)
        b = RunBuilder()
        b.assumptions.extend(bases.notes)

        def at(*path: Any) -> tuple:
            if find(data, path) is None:
                return ("_base_",) if "_base_" in data else tuple(path[:1])
            return tuple(path)

        train_cfg = cfg.get("train_cfg") if isinstance(cfg.get("train_cfg"), dict) else {}
        loop = _loop(train_cfg)
        if loop is None:
            b.assumptions.append("train_cfg names no EpochBasedTrainLoop or IterBasedTrainLoop: the run is not read")
            return b.build(SEMANTICS)
        optim = cfg.get("optim_wrapper") if isinstance(cfg.get("optim_wrapper"), dict) else {}
        counts = _number(optim.get("accumulative_counts", 1))
        if counts is None or counts < 1 or counts != int(counts):
            return b.build(SEMANTICS)
        iteration = Unit.BATCH if counts > 1 else Unit.STEP  # an iteration is one batch
        if counts > 1:
            b.count("gradient_accumulation", int(counts), at("optim_wrapper", "accumulative_counts"))
        by_epoch = loop == "EpochBasedTrainLoop"
        unit_of = lambda epochs: Unit.EPOCH if epochs else iteration  # noqa: E731
        if by_epoch:
            if _number(train_cfg.get("max_epochs")) is not None:
                b.duration("epochs", train_cfg["max_epochs"], at("train_cfg", "max_epochs"), Unit.EPOCH)
        elif _number(train_cfg.get("max_iters")) is not None:
            b.duration("max_steps", train_cfg["max_iters"], at("train_cfg", "max_iters"), iteration)
        loader = cfg.get("train_dataloader") if isinstance(cfg.get("train_dataloader"), dict) else {}
        if "batch_size" in loader:
            b.count("train_loader.batch_size", loader["batch_size"], at("train_dataloader", "batch_size"))
            b.flag("train_loader.drop_last", loader.get("drop_last", False), at("train_dataloader", "drop_last"))
        # dynamic_intervals change val_interval from given epochs or iterations on: not read
        if all(isinstance(cfg.get(k), dict) for k in ("val_cfg", "val_dataloader")) and "val_evaluator" in cfg \
                and not train_cfg.get("dynamic_intervals"):
            interval = _number(train_cfg.get("val_interval", 1 if by_epoch else 1000))
            if interval is not None and interval > 0:
                b.duration("eval", interval, at("train_cfg", "val_interval"), unit_of(by_epoch),
                           note=None if "val_interval" in train_cfg else "MMEngine default val_interval")
        final = ["checkpoint", "eval"]
        cadence = self._hooks(cfg, b, at, by_epoch, unit_of, train_cfg, final)
        self._schedulers(cfg, b, at, unit_of)
        ruled_out = []
        begin = _number(train_cfg.get("val_begin"))
        last = _number(train_cfg.get("max_epochs" if by_epoch else "max_iters"))
        if begin is not None and last is not None and begin > last:
            # loops.py EpochBasedTrainLoop.run / IterBasedTrainLoop.run validate only when
            # `self._epoch >= self.val_begin` (`self._iter >= ...`), the last epoch included
            ruled_out.append("eval")
            b.assumptions.append(f"train_cfg.val_begin {num(begin)} is past the run's {num(last)} "
                                 f"{'epochs' if by_epoch else 'iterations'}: MMEngine never validates")
        delay = None
        if begin is not None and 1 < begin <= MAX_COUNT:  # a larger one is no Duration (it raised)
            delay = Duration(value=begin, unit=unit_of(by_epoch), key="train_cfg.val_begin")
        return b.build(replace(SEMANTICS, final_events=tuple(final), ruled_out=tuple(ruled_out), eval_delay=delay,
                               cadence=cadence))

    @staticmethod
    def _hooks(cfg: dict, b: RunBuilder, at, by_epoch_loop: bool, unit_of, train_cfg: dict,
               final: list) -> Optional[Callable]:
        """Reads the CheckpointHook and LoggerHook; returns the plan's checkpoint cadence when
        save_begin puts the saves off the interval's grid."""
        hooks = cfg.get("default_hooks") if isinstance(cfg.get("default_hooks"), dict) else {}
        checkpoint = hooks.get("checkpoint") if isinstance(hooks.get("checkpoint"), dict) else {}
        interval = _number(checkpoint.get("interval", -1))
        by_epoch = checkpoint.get("by_epoch", True)
        # checkpoint_hook.py after_train_epoch / after_train_iter: the last one only `self.save_last and
        # self.is_last_train_epoch(runner)` (Python truth, default True)
        save_last = bool(checkpoint.get("save_last", True))
        if not save_last:
            final.remove("checkpoint")
        cadence = None
        if interval is not None and interval > 0 and isinstance(by_epoch, bool) and (by_epoch_loop or not by_epoch):
            save_begin = _number(checkpoint.get("save_begin", 0))
            if save_begin == 0:
                b.duration("checkpoint", checkpoint["interval"], at("default_hooks", "checkpoint", "interval"),
                           unit_of(by_epoch))
            else:
                # hook.py every_n_epochs / every_n_train_iters: `dividend = runner.epoch + 1 - start`, a save
                # when it is >= 0 and a multiple of the interval: at save_begin, save_begin + interval, ...,
                # not a period from 0, so the interval is not read as one; counted where the run's length is known
                begin = num(save_begin) if save_begin is not None else repr(checkpoint.get("save_begin"))
                b.assumptions.append(f"default_hooks.checkpoint.save_begin {begin}: a checkpoint at "
                                     f"{'epoch' if by_epoch else 'iteration'} {begin} and every {num(interval)} "
                                     f"after it, not every {num(interval)} from the start")
                if save_begin is not None and save_begin > 0 and save_begin == int(save_begin) \
                        and interval == int(interval):
                    length = _number(train_cfg.get("max_epochs" if by_epoch_loop else "max_iters"))
                    cadence = partial(_checkpoints, int(save_begin), int(interval), save_last, by_epoch,
                                      by_epoch_loop, length)
        logger = hooks.get("logger") if isinstance(hooks.get("logger"), dict) else {}
        if _number(logger.get("interval")) is not None and _number(logger["interval"]) > 0:
            b.duration("logging", logger["interval"], at("default_hooks", "logger", "interval"), Unit.BATCH)
        return cadence

    @staticmethod
    def _schedulers(cfg: dict, b: RunBuilder, at, unit_of) -> None:
        schedulers = cfg.get("param_scheduler")
        if isinstance(schedulers, dict):
            schedulers, listed = [schedulers], False
        else:
            listed = True
        if not isinstance(schedulers, list):
            return
        for i, s in enumerate(schedulers):
            if not isinstance(s, dict) or not isinstance(s.get("by_epoch", True), bool):
                continue
            path = ("param_scheduler", i) if listed else ("param_scheduler",)
            unit = unit_of(s.get("by_epoch", True))
            begin, end = _number(s.get("begin", 0)), _number(s.get("end"))
            kind = s.get("type")
            if kind == "LinearLR" and begin == 0 and end is not None and end > 0 and not b.has("schedule.warmup"):
                b.duration("schedule.warmup", s["end"], at(*path, "end"), unit)
            elif kind == "CosineAnnealingLR" and begin is not None:
                t_max = _number(s.get("T_max"))
                horizon = t_max if t_max is not None else (end - begin if end is not None else None)
                key = at(*path, "T_max") if t_max is not None else at(*path, "end")
                if horizon is not None and horizon > 0 and not b.has("schedule.horizon"):
                    b.name("schedule.name", "CosineAnnealingLR", at(*path))
                    b.duration("schedule.horizon", horizon, key, unit)
            elif kind == "MultiStepLR" and begin is not None and isinstance(s.get("milestones"), list):
                numbers = [_number(m) for m in s["milestones"]]
                if numbers and all(n is not None for n in numbers) and not b.has("schedule.milestones"):
                    b.milestones("schedule.milestones", [begin + n for n in numbers], at(*path, "milestones"), unit)


def _saves(last: int, begin: int, every: int, save_last: bool) -> tuple[int, Optional[int]]:
    """(how many, the first) of CheckpointHook's saves in a run of `last` epochs or iterations
    (1-based k): k >= begin with (k - begin) % every == 0 (hook.py every_n_epochs /
    every_n_train_iters), and k = last with save_last (checkpoint_hook.py after_train_epoch)."""
    first = begin if begin >= 1 else every
    periodic = (last - first) // every + 1 if first <= last else 0
    on_grid = bool(periodic) and (last - first) % every == 0
    extra = 1 if save_last and last >= 1 and not on_grid else 0
    return periodic + extra, (first if periodic else (last if extra else None))


def _checkpoints(begin: int, every: int, save_last: bool, by_epoch: bool, epoch_loop: bool,
                 loop_length: Optional[float], plan: Any) -> dict:
    """The plan's checkpoint (count, first optimizer step) with save_begin; None where the run's
    length in the hook's unit is unknown."""
    if loop_length is None or loop_length != int(loop_length):
        return {"checkpoint": (None, None)}
    if by_epoch:  # an epoch loop (a by-epoch hook in an iteration loop is not read)
        count, first = _saves(int(loop_length), begin, every, save_last)
        per_epoch = plan.optimizer_steps_per_epoch
        return {"checkpoint": (count, first * per_epoch if first is not None and per_epoch is not None else None)}
    ga = plan.gradient_accumulation_steps
    if epoch_loop:  # iterations of an epoch loop: max_epochs × len(train_dataloader)
        if plan.batches_per_epoch is None:
            return {"checkpoint": (None, None)}
        count, first = _saves(int(loop_length) * plan.batches_per_epoch, begin, every, save_last)
        # optimizer steps of an iteration across epochs: only without accumulation
        return {"checkpoint": (count, first if ga == 1 else None)}
    count, first = _saves(int(loop_length), begin, every, save_last)
    # optimizer_wrapper.py should_update: a step every accumulative_counts iterations and at max_iters
    return {"checkpoint": (count, None if first is None else -(-first // ga))}
