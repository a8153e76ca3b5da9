"""fairseq Hydra configs (`# @package _group_` YAML with common, checkpoint, task, dataset,
distributed_training, criterion, optimization, optimizer, lr_scheduler, model groups).

What fairseq does with the numbers (facebookresearch/fairseq @ 3d262bb2: fairseq/dataclass/configs.py
`DatasetConfig`, `OptimizationConfig`, `CheckpointConfig`; fairseq_cli/train.py `main`,
`validate_and_save`; fairseq/optim/lr_scheduler/*.py):

* An update is one optimizer step after `optimization.update_freq` batches (a list: N_i in epoch i;
  GroupedIterator, so a short last group still updates, unless `optimization.skip_remainder_batch`
  drops it: `int(math.floor(len(iterable) / float(chunk_size)))`, after EpochBatchIterator has
  dropped each GPU's last batch, full or not: `total_num_itrs = len(itr) - 1`). The run stops at `max_epoch` or
  `max_update`, whichever comes first; 0 means no limit (`max_epoch or math.inf`).
* `dataset.batch_size` is sentences per GPU per batch; `dataset.max_tokens` caps tokens per batch
  instead, and then the batches per epoch depend on the lengths: not derivable from a config.
  Batches are dealt to the GPUs whole (ShardedIterator: ceil(batches / GPUs), padded with empty ones).
  A batch ends only at a multiple of `dataset.required_batch_size_multiple` (default 8) or below it
  (data_utils_fast.pyx:80-81 batch_by_size_vec), and a last batch that is no multiple of it is dropped
  (data_utils.py:357-358 batch_by_size): an epoch's last batch is cut down to a multiple of it
  (Semantics.batch_multiple). The batches are made over the whole dataset, then dealt to the GPUs.
* `checkpoint.save_interval` counts epochs (default 1), `save_interval_updates` updates (0 = off);
  every mid-epoch save also validates. `dataset.validate_interval` counts epochs (default 1),
  `validate_interval_updates` updates (0 = off), none before `validate_after_updates` (nor a
  mid-epoch save: `do_save` waits for it too; epoch-end saves and the save at max_update do not);
  `disable_validation`, `checkpoint.no_save` switch them off. Reaching max_update saves and
  validates once more (`should_stop`); a run max_epoch ends first has no such save or validation
  (`validate_and_save` at its last epoch's end saves only on save_interval, validates on validate_interval).
* Warmups count updates: inverse_sqrt `warmup_updates` (default 4000), polynomial_decay and cosine
  `warmup_updates` (default 0), tri_stage `warmup_steps`, or with `phase_ratio` int(max_update ×
  phase_ratio[0]) of the max_update written (tri_stage_lr_scheduler.py `__init__`). polynomial_decay
  decays to `end_learning_rate` at `total_num_update` (default: max_update) and holds it after.
* `???` is a mandatory value given on the command line: unknown.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import partial
from typing import Any, Optional

from ...plan import AccumulationRounding, FinalEventsAt
from ...rules.context import num
from ...units import Unit, to_number
from ..base import Adapted, Dialect, RunBuilder, Semantics, Source, value_at

GROUPS = ("common", "checkpoint", "task", "dataset", "distributed_training", "criterion", "optimization",
          "optimizer", "lr_scheduler", "model", "bpe", "tokenizer", "generation")
OPTIMIZATION_KEYS = {"max_update", "max_epoch", "update_freq", "lr", "clip_norm", "sentence_avg", "stop_min_lr"}
WARMUP_KEY = {"inverse_sqrt": "warmup_updates", "polynomial_decay": "warmup_updates", "cosine": "warmup_updates",
              "tri_stage": "warmup_steps", "step": "warmup_updates", "fixed": "warmup_updates"}
WARMUP_DEFAULT = {"inverse_sqrt": 4000}
MISSING = "???"


@dataclass(frozen=True)
class FairseqSettings:
    scheduler: Optional[str] = None
    total_num_update: Optional[float] = None
    total_num_update_key: Optional[str] = None
    end_learning_rate: float = 0.0
    max_update: Optional[int] = None
    max_update_key: Optional[str] = None


def _get(data: dict, *path: str) -> Any:
    node = value_at(data, *path)
    return None if node == MISSING else node


def _number(value: Any) -> Optional[float]:
    """A finite number, else None (`.inf` and NaN are reported by the canonical model where read)."""
    number = None if isinstance(value, bool) else to_number(value)
    return number if number is not None and math.isfinite(number) else None


class Fairseq(Dialect):
    name = "fairseq"
    description = "fairseq Hydra configs (optimization.max_update / max_epoch, dataset.max_tokens, checkpoint.save_interval_updates, lr_scheduler._name)"
    triggers = frozenset({"optimization"})

    def score(self, data: dict) -> float:
        optimization = data.get("optimization")
        if not isinstance(optimization, dict) or not OPTIMIZATION_KEYS & set(map(str, optimization)):
            return 0.0
        named = any(isinstance(data.get(g), dict) and "_name" in data[g] for g in GROUPS)
        groups = sum(isinstance(data.get(g), dict) for g in GROUPS)
        return 0.9 if named and groups >= 3 else 0.0

    def adapt(self, data: dict, source: Source) -> Adapted:
        b = RunBuilder(strict=False)
        ruled_out: list[str] = []
        max_update = _number(_get(data, "optimization", "max_update"))
        if max_update and max_update > 0:
            b.duration("max_steps", max_update, ("optimization", "max_update"), Unit.STEP)
        max_epoch = _number(_get(data, "optimization", "max_epoch"))
        if max_epoch and max_epoch > 0:
            b.duration("epochs", max_epoch, ("optimization", "max_epoch"), Unit.EPOCH)
        update_freq = _get(data, "optimization", "update_freq")
        if isinstance(update_freq, list) and update_freq:
            b.count("gradient_accumulation", update_freq[0], ("optimization", "update_freq"))
            if len(update_freq) > 1:
                b.assumptions.append(f"update_freq {update_freq}: epoch i accumulates N_i batches; the plan uses "
                                     f"the first, {update_freq[0]}")
        elif _number(update_freq) is not None:
            b.count("gradient_accumulation", update_freq, ("optimization", "update_freq"))
        world = _number(_get(data, "distributed_training", "distributed_world_size"))
        if world and world > 0:
            b.count("world_size", world, ("distributed_training", "distributed_world_size"))
        multiple = None
        if _get(data, "dataset", "max_tokens") is not None:
            b.assumptions.append("dataset.max_tokens: batches hold up to that many tokens, so the batches per "
                                 "epoch depend on the lengths of the data and are not derived")
        elif _number(_get(data, "dataset", "batch_size")):
            multiple = self._batch_size(b, data)

        # Epoch-end saves and validations (every save_interval / validate_interval epochs, default 1)
        # run beside the update-based ones; one interval stands for the cadence only when the other
        # cannot fire in the run (its epochs past max_epoch), else which comes first depends on the
        # epoch length, which max_tokens batches do not give
        last_epoch = max_epoch if max_epoch and max_epoch > 0 else None

        def epochs_fire(interval: Optional[float]) -> bool:
            return last_epoch is None or interval is None or interval <= last_epoch

        save_epochs = _number(_get(data, "checkpoint", "save_interval"))
        save_epochs = 1 if save_epochs is None else save_epochs
        save_updates = _number(_get(data, "checkpoint", "save_interval_updates")) or 0
        if _get(data, "checkpoint", "no_save") is True:
            ruled_out.append("checkpoint")
        elif save_updates <= 0:
            if save_epochs > 0:
                self._epochs(b, "checkpoint", data, ("checkpoint", "save_interval"), save_epochs)
        elif not epochs_fire(save_epochs):
            b.duration("checkpoint", save_updates, ("checkpoint", "save_interval_updates"), Unit.STEP)
        else:
            b.assumptions.append(f"checkpoints every {num(save_updates)} updates and every {num(save_epochs)} "
                                 f"epoch(s): which comes first depends on the epoch length (not derived)")
        if _get(data, "dataset", "disable_validation") is True:
            ruled_out.append("eval")
        else:
            val_updates = _number(_get(data, "dataset", "validate_interval_updates")) or 0
            val_epochs = _number(_get(data, "dataset", "validate_interval"))
            val_epochs = 1 if val_epochs is None else val_epochs
            mid_saves = save_updates if save_updates > 0 and "checkpoint" not in ruled_out else 0
            step_cadences = {v for v in (val_updates, mid_saves) if v > 0}
            if not step_cadences:
                if val_epochs > 0:
                    self._epochs(b, "eval", data, ("dataset", "validate_interval"), val_epochs)
            elif len(step_cadences) == 1 and not epochs_fire(val_epochs):
                key = ("dataset", "validate_interval_updates") if val_updates > 0 else ("checkpoint", "save_interval_updates")
                b.duration("eval", step_cadences.pop(), key, Unit.STEP,
                           note=None if val_updates > 0 else "every mid-epoch save validates")
            else:
                b.assumptions.append("validation at several cadences (updates, mid-epoch saves, epoch ends): not "
                                     "one interval, so not compared with the run")

        scheduler = _get(data, "lr_scheduler", "_name")
        settings: dict[str, Any] = {}
        if max_update and max_update > 0:
            settings.update(max_update=int(max_update), max_update_key="optimization.max_update")
        if isinstance(scheduler, str):
            b.name("schedule.name", scheduler, ("lr_scheduler", "_name"))
            settings["scheduler"] = scheduler
            warmup_key = WARMUP_KEY.get(scheduler)
            tri_stage_ratio = scheduler == "tri_stage" and _get(data, "lr_scheduler", "phase_ratio") is not None
            if tri_stage_ratio:
                self._tri_stage_warmup(b, data)
            elif warmup_key:
                written = _get(data, "lr_scheduler", warmup_key)
                if written is not None:
                    b.duration("schedule.warmup", written, ("lr_scheduler", warmup_key), Unit.STEP, zero_is_unset=True)
                elif scheduler in WARMUP_DEFAULT:
                    b.duration("schedule.warmup", WARMUP_DEFAULT[scheduler], ("lr_scheduler", "_name"), Unit.STEP,
                               note=f"fairseq default lr_scheduler.{warmup_key} for {scheduler}")
            if scheduler == "polynomial_decay":
                total = _number(_get(data, "lr_scheduler", "total_num_update"))
                if total and total > 0:
                    b.duration("schedule.horizon", total, ("lr_scheduler", "total_num_update"), Unit.STEP)
                    settings.update(total_num_update=total, total_num_update_key="lr_scheduler.total_num_update")
                end = _number(_get(data, "lr_scheduler", "end_learning_rate"))
                settings["end_learning_rate"] = end if end is not None else 0.0
        delay = _number(_get(data, "dataset", "validate_after_updates"))
        stop_forced = bool(max_update and max_update > 0)
        cadence = None
        if _delay(delay) is not None and b.has("checkpoint") and b.get("checkpoint").get("unit") is Unit.STEP \
                and save_updates == int(save_updates):
            # fairseq_cli/train.py validate_and_save: a mid-epoch save needs `num_updates % save_interval_updates
            # == 0 and num_updates >= cfg.dataset.validate_after_updates`
            cadence = partial(_mid_epoch_saves, int(save_updates), delay)
        if _delay(delay) is not None and stop_forced and delay > max_update and "eval" not in ruled_out:
            # do_validate requires `num_updates >= cfg.dataset.validate_after_updates` always, and the
            # run stops at max_update: no validation at all
            ruled_out.append("eval")
            b.assumptions.append(f"dataset.validate_after_updates {num(delay)} is past optimization.max_update "
                                 f"{num(max_update)}: fairseq never validates")
        # skip_remainder_batch drops twice: EpochBatchIterator the last batch on each GPU, full or not
        # (fairseq/data/iterators.py:523-528 `total_num_itrs = len(itr) - 1`; trainer.py:732), then
        # GroupedIterator the short last group: `total_num_itrs = int(math.floor(len(iterable) /
        # float(chunk_size)))` (iterators.py:587-588; 0 when an epoch is shorter than update_freq)
        skip = _get(data, "optimization", "skip_remainder_batch") is True
        rounding = AccumulationRounding.DROP if skip else AccumulationRounding.CEIL
        # fairseq_cli/train.py validate_and_save: the extra save and validation are `should_stop`'s,
        # set by `num_updates >= max_update` (the epoch loop `while epoch_itr.next_epoch_idx <=
        # max_epoch` just ends): only at max_update, never when max_epoch ends the run first
        semantics = Semantics(
            "fairseq: one update per update_freq batches (the short last group included unless skip_remainder_batch, "
            "which also drops each epoch's last batch), "
            "batches dealt whole to the GPUs; the first of max_epoch and max_update ends the run; a save and a "
            "validation at max_update",
            sharding="accelerate", final_events=("checkpoint", "eval") if stop_forced else (),
            final_events_at=FinalEventsAt.MAX_STEPS, accumulation_rounding=rounding,
            eval_delay=_delay(delay), ruled_out=tuple(ruled_out), cadence=cadence, batch_multiple=multiple,
            last_batch_skipped=skip)
        return b.build(semantics, FairseqSettings(**settings))

    @staticmethod
    def _batch_size(b: RunBuilder, data: dict) -> Optional[int]:
        """dataset.batch_size (max_sentences) with required_batch_size_multiple M: batch_by_size_vec
        (data_utils_fast.pyx:80-81) ends a batch at `new_batch_sentences < bsz_mult or new_batch_sentences %
        bsz_mult == 0` only, so with batch_size B >= M every batch but the last holds B - B % M; then
        data_utils.py:357-358 batch_by_size drops the last batch when `len(b[-1]) % bsz_mult != 0`:
        the plan cuts the last batch to a multiple of M (returned for Semantics.batch_multiple; None
        when M is 1 or not read). With B < M every batch holds B and the last is always dropped.
        (fairseq_dataset.py:117-131: only a dataset with fixed batch shapes, get_batch_shapes, batches
        otherwise; no config key selects one.)"""
        written = _get(data, "dataset", "batch_size")
        batch = _number(written)
        multiple = _get(data, "dataset", "required_batch_size_multiple")
        multiple = 8 if multiple is None else _number(multiple)  # fairseq/dataclass/configs.py DatasetConfig
        if batch is None or batch != int(batch):
            b.count("train_loader.batch_size", written, ("dataset", "batch_size"))  # SL003 where it is no count
            return
        if multiple is None or multiple < 1 or multiple != int(multiple):
            b.assumptions.append("dataset.required_batch_size_multiple is not a whole number: the batches fairseq "
                                 "makes of dataset.batch_size are not derived")
            return None
        batch, multiple = int(batch), int(multiple)
        if batch >= multiple and batch % multiple:
            b.count("train_loader.batch_size", batch - batch % multiple, ("dataset", "batch_size"),
                    note=f"batches of {batch - batch % multiple}: fairseq ends a batch only at a multiple of "
                         f"required_batch_size_multiple {multiple}")
        else:
            b.count("train_loader.batch_size", written, ("dataset", "batch_size"))
        if multiple == 1:
            return None
        b.assumptions.append(
            f"fairseq drops each epoch's last batch: batch_size {batch} is below required_batch_size_multiple "
            f"{multiple}, so no batch is a multiple of it" if batch < multiple else
            f"fairseq cuts each epoch's last batch down to a multiple of required_batch_size_multiple {multiple} "
            "and drops the rest")
        return multiple

    @staticmethod
    def _tri_stage_warmup(b: RunBuilder, data: dict) -> None:
        """tri_stage_lr_scheduler.py TriStageLRSchedule.__init__: with phase_ratio (which replaces
        warmup_steps), `assert cfg.max_update > 0`, `assert sum(cfg.phase_ratio) == 1` and
        `self.warmup_steps = int(cfg.max_update * cfg.phase_ratio[0])`, where cfg.max_update is
        II("optimization.max_update") unless lr_scheduler.max_update is written."""
        ratio = _get(data, "lr_scheduler", "phase_ratio")
        if not isinstance(ratio, list) or len(ratio) != 3 or any(_number(r) is None for r in ratio):
            return
        written = _get(data, "lr_scheduler", "max_update")
        key = ("lr_scheduler", "max_update") if written is not None else ("optimization", "max_update")
        max_update = _number(_get(data, *key))
        if max_update is None or max_update <= 0:
            return
        if sum(_number(r) for r in ratio) != 1:
            b.assumptions.append(f"lr_scheduler.phase_ratio {ratio} does not sum to 1: fairseq's tri_stage "
                                 "refuses it (assert), so no warmup is read")
            return
        product = max_update * _number(ratio[0])
        if not math.isfinite(product) or product < 0:
            return  # a negative warmup_steps is no warmup (update_step < warmup_steps never holds)
        warmup = int(product)
        b.duration("schedule.warmup", warmup, ("lr_scheduler", "phase_ratio"), Unit.STEP, zero_is_unset=True,
                   note=f"int({'.'.join(key)} {num(max_update)} × phase_ratio[0] {num(_number(ratio[0]))})")

    @staticmethod
    def _epochs(b: RunBuilder, field: str, data: dict, path: tuple, value: float) -> None:
        """An epoch cadence: not read with max_tokens batches (an epoch's updates are never derivable,
        so no dataset size could place it) nor when only fairseq's default says it."""
        written = _get(data, *path) is not None
        if _get(data, "dataset", "max_tokens") is not None or not written:
            return
        b.duration(field, value, path, Unit.EPOCH)


def _delay(updates: Optional[float]):
    """validate_after_updates as the plan's eval delay; none when it is not a usable count."""
    from ...model import MAX_COUNT, Duration
    if not updates or not 0 < updates <= MAX_COUNT:
        return None
    return Duration(value=updates, unit=Unit.STEP, key="dataset.validate_after_updates")


def _mid_epoch_saves(every: int, delay: float, plan: Any) -> dict:
    """The plan's checkpoint (count, first update) of save_interval_updates saves that wait for
    validate_after_updates (fairseq_cli/train.py validate_and_save), with should_stop's save at
    max_update when max_update ends the run (the plan's final events at max_steps)."""
    first_k = max(math.ceil(delay / every), 1)
    first, total = first_k * every, plan.total_optimizer_steps
    if total is None:
        return {"checkpoint": (None, first)}
    periodic = max(total // every - first_k + 1, 0)
    last = (first_k + periodic - 1) * every
    if plan.limited_by == "max_steps" and total > 0 and (not periodic or last != total):
        return {"checkpoint": (periodic + 1, first if periodic else total)}
    return {"checkpoint": (periodic, first if periodic else None)}
