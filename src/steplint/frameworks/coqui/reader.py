"""Coqui TTS training configs (config.json, `//` comments stripped by Coqui's own loader, as by
steplint's; the model's config class fills what the file omits).

What the Coqui Trainer does with the numbers (coqui-ai/Trainer @ 7704b0f3 trainer/trainer.py
`TrainerConfig`, `Trainer.fit`, `train_epoch`, `train_step`; coqui-ai/TTS TTS/config/shared_configs.py
`BaseTrainingConfig`):

* `epochs` epochs (`for epoch in range(0, self.config.epochs)`); `batch_size` per GPU
  (DistributedSampler); an optimizer step every `grad_accum_steps` batches and at the epoch's last
  batch (`(step + 1) % grad_accum_steps != 0 and step + 1 != batch_n_steps` skips only the others).
* `save_step`, `print_step`, `plot_step` and `run_eval_steps` count `total_steps_done`, which grows
  by one per batch: a checkpoint when `total_steps_done % save_step == 0` (not at 0), none if
  `checkpoint` is false. `train_step` checks it before `self.total_steps_done += 1`, so the save
  fires in the batch after each multiple: in a run of B batches there are (B - 1) // save_step. `run_eval` (default true) evaluates after every epoch.
* The LR scheduler steps once per epoch when `scheduler_after_epoch` is true, else after every
  optimizer step. Its default differs (the Trainer's TrainerConfig: true; TTS's BaseTrainingConfig:
  false; model config classes set their own), so steplint reads a scheduler's `warmup_steps` only
  when the file writes `scheduler_after_epoch`: never a guessed unit. Nor does it assume the
  class defaults of `epochs` (1000 in the Trainer, 10000 in BaseTrainingConfig).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any, Optional

from ...units import Unit, to_number
from ..base import Adapted, Dialect, RunBuilder, Semantics, Source

STEP_KEYS = frozenset({"print_step", "save_step", "plot_step", "test_delay_epochs", "run_eval", "save_n_checkpoints",
                       "print_eval", "mixed_precision", "eval_batch_size", "num_loader_workers", "lr_scheduler",
                       "scheduler_after_epoch", "save_checkpoints", "save_all_best", "save_best_after"})


@dataclass(frozen=True)
class CoquiSettings:
    scheduler: Optional[str] = None
    scheduler_key: Optional[str] = None
    warmup_steps: Optional[float] = None
    warmup_key: Optional[str] = None
    after_epoch: Optional[bool] = None  # as written
    epochs: Optional[float] = None


def _number(value: Any) -> Optional[float]:
    return None if isinstance(value, bool) else to_number(value)


def checkpoints(save_step: int, plan: Any) -> tuple[Optional[int], Optional[int]]:
    """(how many, first optimizer step) of the save_step checkpoints of a fresh run: trainer.py
    `train_step` tests `self.total_steps_done % self.config.save_step == 0 and self.total_steps_done != 0`
    before `self.total_steps_done += 1`, so batch t (0-based over the run) saves when t is a positive
    multiple of save_step, after that batch's optimizer step (one every grad_accum_steps batches and at
    each epoch's last)."""
    per_epoch, epochs, steps = plan.batches_per_epoch, plan.epochs, plan.optimizer_steps_per_epoch
    if not per_epoch or epochs is None or epochs != int(epochs) or steps is None:
        return None, None
    count = (per_epoch * int(epochs) - 1) // save_step
    if count <= 0:
        return 0, None
    epoch, batch = divmod(save_step, per_epoch)  # the first saving batch: `batch` (0-based) of epoch `epoch`
    ga, done = plan.gradient_accumulation_steps, batch + 1
    return count, epoch * steps + done // ga + (1 if done == per_epoch and per_epoch % ga else 0)


def _cadence(save_step: int, plan: Any) -> dict:
    return {"checkpoint": checkpoints(save_step, plan)}


class Coqui(Dialect):
    name = "coqui"
    description = "Coqui TTS config.json (epochs, batch_size, save_step, print_step, lr_scheduler, audio, datasets)"
    triggers = STEP_KEYS  # score() needs two of them

    def score(self, data: dict) -> float:
        keys = set(map(str, data))
        if "epochs" not in keys or len(keys & STEP_KEYS) < 2:
            return 0.0
        tts = isinstance(data.get("audio"), dict) or isinstance(data.get("datasets"), list) or "run_name" in keys
        return 0.9 if tts and ("print_step" in keys or "save_step" in keys) else 0.0

    def adapt(self, data: dict, source: Source) -> Adapted:
        b = RunBuilder(strict=False)
        if _number(data.get("epochs")) and _number(data["epochs"]) > 0:
            b.duration("epochs", data["epochs"], ("epochs",), Unit.EPOCH)
        if "batch_size" in data:
            b.count("train_loader.batch_size", data["batch_size"], ("batch_size",))
        if "eval_batch_size" in data:
            b.eval_loader((data["eval_batch_size"], ("eval_batch_size",)), None)
        if "grad_accum_steps" in data:
            b.count("gradient_accumulation", data["grad_accum_steps"], ("grad_accum_steps",))
        ruled_out, cadence = [], None
        if data.get("checkpoint") is False or data.get("save_checkpoints") is False:
            ruled_out.append("checkpoint")
        elif _number(data.get("save_step")) and _number(data["save_step"]) > 0:
            b.duration("checkpoint", data["save_step"], ("save_step",), Unit.BATCH)
            save_step = _number(data["save_step"])
            if b.has("checkpoint") and save_step == int(save_step):
                cadence = partial(_cadence, int(save_step))
        if _number(data.get("print_step")) and _number(data["print_step"]) > 0:
            b.duration("logging", data["print_step"], ("print_step",), Unit.BATCH)
        if data.get("run_eval") is False:
            ruled_out.append("eval")
        settings: dict[str, Any] = {}
        scheduler = data.get("lr_scheduler")
        params = data.get("lr_scheduler_params") if isinstance(data.get("lr_scheduler_params"), dict) else {}
        after_epoch = data.get("scheduler_after_epoch")
        if isinstance(scheduler, str):
            b.name("schedule.name", scheduler, ("lr_scheduler",))
            settings.update(scheduler=scheduler, scheduler_key="lr_scheduler")
            warmup = _number(params.get("warmup_steps"))
            if warmup and warmup > 0:
                settings.update(warmup_steps=warmup, warmup_key="lr_scheduler_params.warmup_steps")
                if isinstance(after_epoch, bool):
                    b.duration("schedule.warmup", warmup, ("lr_scheduler_params", "warmup_steps"),
                               Unit.EPOCH if after_epoch else Unit.STEP,
                               note="scheduler_after_epoch: stepped once per epoch" if after_epoch else None)
                else:
                    b.assumptions.append("scheduler_after_epoch is not written: whether warmup_steps counts epochs "
                                         "or steps depends on the model's config class, so it is not read")
        if isinstance(after_epoch, bool):
            settings["after_epoch"] = after_epoch
        if b.has("epochs"):
            settings["epochs"] = b.get("epochs")["value"]
        semantics = Semantics("Coqui Trainer: an optimizer step every grad_accum_steps batches and at each epoch's "
                              "last batch; save_step and print_step count batches", ruled_out=tuple(ruled_out),
                              cadence=cadence)
        return b.build(semantics, CoquiSettings(**settings))
