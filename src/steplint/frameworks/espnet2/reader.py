"""ESPnet2 training configs (`--config conf/train_*.yaml` of espnet2/bin/*_train.py: every key is an
argument of the task's parser).

What ESPnet2 does with the numbers (espnet/espnet: espnet2/tasks/abs_task.py `get_parser` defaults,
espnet2/samplers/build_batch_sampler.py, espnet2/iterators/sequence_iter_factory.py,
espnet2/train/trainer.py `Trainer.run`, `train_one_epoch`; espnet2/schedulers/warmup_lr.py):

* `max_epoch` epochs (default 40). An optimizer step every `accum_grad` iterations (default 1):
  `if iiter % accum_grad == 0`, so an epoch's short last group takes no step. Batch-step
  schedulers (warmuplr...) step once per optimizer step; WarmupLR's `warmup_steps` defaults to 25000.
* `batch_type` (default folded) picks the batch sampler: unsorted, sorted and folded read
  `batch_size` (default 20), numel and length read `batch_bins` (default 1000000); the other key is
  unused. The batches hold the whole mini-batch, split over the GPUs (`batch[rank::world_size]`);
  folded halves it for long utterances and numel/length fill bins, so only unsorted and sorted
  batches follow from the number of utterances.
* `num_iters_per_epoch` makes an epoch that many iterations when the corpus has more batches
  (continuing through the data across epochs), else the whole corpus: at most
  num_iters_per_epoch // accum_grad optimizer steps per epoch.
* A checkpoint and a validation after every epoch; `patience` (early stopping, default none) and
  `keep_nbest_models` (default 10) do not change the cadence.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Optional

from ...units import Unit, to_number
from ..base import Adapted, Dialect, RunBuilder, Semantics, Source

OWN_KEYS = frozenset({"batch_type", "batch_bins", "best_model_criterion", "keep_nbest_models", "num_iters_per_epoch",
                      "frontend_conf", "specaug_conf", "normalize_conf", "val_scheduler_criterion",
                      "valid_batch_bins", "valid_batch_type", "nbest_averaging_interval", "init_param", "freeze_param"})
CONF_KEYS = frozenset({"optim_conf", "scheduler_conf", "encoder_conf", "decoder_conf", "model_conf", "frontend_conf",
                       "specaug_conf", "normalize_conf", "ctc_conf", "preencoder_conf", "postencoder_conf"})
SIZE_TYPES = ("unsorted", "sorted", "folded")
BINS_TYPES = ("numel", "length")
DEFAULT_BATCH_TYPE = "folded"
WARMUP_SCHEDULERS = {"warmuplr": 25000}


@dataclass(frozen=True)
class ESPnet2Settings:
    batch_type: str = DEFAULT_BATCH_TYPE
    batch_type_written: bool = False
    batch_size: Optional[int] = None  # as written
    batch_bins: Optional[int] = None  # as written


def _number(value: Any) -> Optional[float]:
    """A finite number, else None."""
    number = None if isinstance(value, bool) else to_number(value)
    return number if number is not None and math.isfinite(number) else None


class ESPnet2(Dialect):
    name = "espnet2"
    description = "ESPnet2 train configs (max_epoch, batch_type, batch_bins / batch_size, accum_grad, scheduler_conf)"
    triggers = OWN_KEYS

    def score(self, data: dict) -> float:
        keys = set(map(str, data))
        if "dataset_conf" in keys or not keys & OWN_KEYS:  # dataset_conf: WeNet's
            return 0.0
        if len(keys & CONF_KEYS) >= 1 and len(keys & (OWN_KEYS | {"max_epoch", "accum_grad", "patience"})) >= 2:
            return 0.9
        return 0.0

    def adapt(self, data: dict, source: Source) -> Adapted:
        b = RunBuilder(strict=False)
        epochs = data.get("max_epoch", 40)
        if _number(epochs) and _number(epochs) > 0:
            b.duration("epochs", epochs, ("max_epoch",), Unit.EPOCH,
                       note=None if "max_epoch" in data else "ESPnet2 default max_epoch")
        accum = _number(data.get("accum_grad", 1)) or 1
        if "accum_grad" in data:
            b.count("gradient_accumulation", data["accum_grad"], ("accum_grad",))
        batch_type = data.get("batch_type") if isinstance(data.get("batch_type"), str) else DEFAULT_BATCH_TYPE
        if batch_type in ("unsorted", "sorted"):
            size = _number(data.get("batch_size", 20))
            if size and size == int(size) and accum == int(accum):
                # the plan's global batch is per optimizer step: batch_size utterances per iteration
                b.count("global_batch_size", int(size * accum), ("batch_size",) if "batch_size" in data else ("batch_type",),
                        note=f"batch_size {int(size)} per iteration × accum_grad {int(accum)}"
                        + ("" if "batch_size" in data else " (ESPnet2 default batch_size)"))
        else:
            b.assumptions.append(f"batch_type {batch_type}: the batches per epoch depend on the utterance lengths "
                                 f"(shape files), not on their number")
        cap = None
        iters = _number(data.get("num_iters_per_epoch"))
        if iters and iters > 0 and accum >= 1:
            cap = int(iters // accum)
            b.assumptions.append(f"num_iters_per_epoch {int(iters)}: at most {cap} optimizer steps per epoch")
        scheduler = data.get("scheduler")
        conf = data.get("scheduler_conf") if isinstance(data.get("scheduler_conf"), dict) else {}
        if isinstance(scheduler, str):
            b.name("schedule.name", scheduler, ("scheduler",))
            name = scheduler.lower()
            if name in WARMUP_SCHEDULERS or name.startswith("warmup"):
                if "warmup_steps" in conf:
                    b.duration("schedule.warmup", conf["warmup_steps"], ("scheduler_conf", "warmup_steps"), Unit.STEP,
                               zero_is_unset=True)
                elif name in WARMUP_SCHEDULERS:
                    b.duration("schedule.warmup", WARMUP_SCHEDULERS[name], ("scheduler",), Unit.STEP,
                               note=f"ESPnet2 {scheduler} default warmup_steps")
        settings = ESPnet2Settings(batch_type, "batch_type" in data,
                                   int(_number(data["batch_size"])) if _number(data.get("batch_size")) else None,
                                   int(_number(data["batch_bins"])) if _number(data.get("batch_bins")) else None)
        semantics = Semantics(
            "ESPnet2: an optimizer step every accum_grad iterations (the short last group takes none), batches "
            "global and split over the GPUs; a checkpoint and a validation after every epoch",
            accumulation_rounding="drop", batch_is_global=True, max_steps_per_epoch=cap)
        return b.build(semantics, settings)
