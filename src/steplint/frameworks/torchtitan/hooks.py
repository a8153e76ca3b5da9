"""What the torchtitan profile cannot say as data: the data-parallel degree (replicate × shard; a
shard degree of -1 takes the ranks left over, unknown here), the events a disabled [checkpoint] or
[validation] table rules out, and the warmup build_lr_schedulers clamps to the schedule's total
steps [torchtitan torchtitan/train.py `Trainer.__init__`, torchtitan/config/job_config.py
`Parallelism`, torchtitan/components/lr_scheduler.py `build_lr_schedulers`, commit 238fa995], and the
checkpoint after the first step that enable_first_step_checkpoint asks for
[torchtitan/components/checkpointer/dcp.py `_should_save`, commit b5bcd76c]."""

from __future__ import annotations

from typing import Any

from ..base import RunBuilder, Source
from .settings import TorchtitanSettings
from ...units import Unit, whole_number

DEFAULT_WARMUP_STEPS = 200  # LRScheduler.warmup_steps


def _table(data: dict, name: str) -> dict:
    found = data.get(name)
    return found if isinstance(found, dict) else {}




def adapt(data: dict, b: RunBuilder, source: Source) -> dict:
    training, parallelism = _table(data, "training"), _table(data, "parallelism")
    # the profile's legacy variant: the layout before the [lr_scheduler] and [parallelism] tables
    legacy = any(key in training for key in ("batch_size", "warmup_steps", "data_parallel_shard_degree",
                                             "data_parallel_degree")) or "enable_checkpoint" in _table(data, "checkpoint")
    degrees = training if legacy else parallelism
    shard = whole_number(degrees.get("data_parallel_shard_degree", -1))
    replicate = whole_number(degrees.get("data_parallel_replicate_degree", 1))
    table = "training" if legacy else "parallelism"
    if shard is not None and shard >= 1 and replicate is not None and replicate >= 1:
        b.count("world_size", shard * replicate, (table, "data_parallel_shard_degree"),
                note=f"data-parallel degree: replicate {replicate} × shard {shard}")

    checkpoint, validation = _table(data, "checkpoint"), _table(data, "validation")
    ruled_out = []
    if checkpoint.get("enable", checkpoint.get("enable_checkpoint", False)) is not True \
            or checkpoint.get("load_only") is True:
        ruled_out.append("checkpoint")  # Checkpoint.enable defaults to False
    if validation.get("enable", False) is not True:
        ruled_out.append("eval")  # Validation.enable defaults to False

    settings: dict[str, Any] = {}
    if legacy and "warmup_steps" not in training:
        # 6a6f755d config_manager.py: --training.warmup_steps default 200, applied unclamped
        # (optimizer.py `build_lr_schedulers`: warmup_steps = int(job_config.training.warmup_steps))
        b.duration("schedule.warmup", DEFAULT_WARMUP_STEPS, ("training",), Unit.STEP,
                   note="torchtitan default training.warmup_steps")
    if not legacy and "warmup_steps" not in training:
        scheduler = _table(data, "lr_scheduler")
        written = "warmup_steps" in scheduler
        warmup = whole_number(scheduler["warmup_steps"]) if written else DEFAULT_WARMUP_STEPS
        total = whole_number(scheduler.get("total_steps"))
        schedule_key = "lr_scheduler.total_steps" if total is not None else "training.steps"
        if total is None:
            total = whole_number(training.get("steps"))
        settings.update(warmup_steps=warmup, warmup_key="lr_scheduler.warmup_steps", warmup_written=written,
                        schedule_steps=total, schedule_key=schedule_key)
        # A warmup longer than the schedule is clamped to it: SL670 says so, and the plan has no
        # warmup that SL203 would call a warmup longer than the run.
        if warmup is not None and warmup > 0 and (total is None or warmup <= total):
            path = ("lr_scheduler", "warmup_steps") if written else ("lr_scheduler",)
            b.duration("schedule.warmup", warmup, path, Unit.STEP,
                       note=None if written else "torchtitan default lr_scheduler.warmup_steps")
    overrides: dict[str, Any] = {"settings": TorchtitanSettings(**settings), "ruled_out": tuple(ruled_out)}
    if not legacy and checkpoint.get("enable_first_step_checkpoint") is True:
        # components/checkpointer/dcp.py `_should_save`: `if curr_step == 1 and
        # self.enable_first_step_checkpoint: return True` (the older layout has no such key); eval and
        # logging are the profile's own first_step_events, which this replaces
        overrides["first_step_events"] = ("eval", "logging", "checkpoint")
    return overrides
