"""What the OpenNMT-py profile cannot say as data: the batch, whose unit is batch_type (sentences are
samples; tokens are not read as samples), the accumulation (accum_count is a list that may change
with accum_steps), the world size (world_size processes), and the settings SL707 and SL708 read
[onmt/opts.py; onmt/trainer.py `_accum_count`]."""

from __future__ import annotations

from typing import Any

from ..base import RunBuilder, Source, at_the_last_step_only
from .settings import OpennmtSettings
from ...units import to_number

TRAINING_KEYS = ("train_steps", "valid_steps", "save_checkpoint_steps", "batch_size", "accum_count", "save_model",
                 "learning_rate", "optim", "world_size", "train_from", "warmup_steps", "decay_method")


def _as_list(value: Any) -> tuple:
    return tuple(value) if isinstance(value, list) else (value,)


def adapt(data: dict, b: RunBuilder, source: Source) -> dict:
    training = any(k in data for k in TRAINING_KEYS)
    accum_count = _as_list(data.get("accum_count", [1]))
    accum_steps = _as_list(data.get("accum_steps", [0]))
    settings = OpennmtSettings(training=training, decay_method=data.get("decay_method", "none"),
                               warmup_written=data.get("warmup_steps"), accum_count=accum_count,
                               accum_steps=accum_steps, accum_steps_written="accum_steps" in data,
                               learning_rate=data.get("learning_rate", 1.0), world_size=data.get("world_size", 1),
                               gpu_ranks=data.get("gpu_ranks"))
    if not training:
        return {"settings": settings}
    overrides: dict[str, Any] = {"settings": settings}
    if data.get("single_pass") is True and b.has("max_steps"):
        # onmt/train_single.py: "Option single_pass is enabled, ignoring train_steps." (train_steps = 0)
        b.raw.pop("max_steps", None)
        b.assumptions.append("single_pass: true: train_steps is ignored; the run is one pass over the corpora, "
                             "whose length steplint does not know")
    if to_number(data.get("keep_checkpoint", -1)) == 0:
        overrides["ruled_out"] = ("checkpoint",)  # onmt/models/model_saver.py `save`: keep_checkpoint 0 returns
    elif to_number(data.get("save_checkpoint_steps", 5000)) == 0:
        # onmt/trainer.py `train`: no periodic save with save_checkpoint_steps 0, the one after the loop
        overrides["cadence"] = at_the_last_step_only("checkpoint")
    batch_type = data.get("batch_type", "sents")
    if batch_type == "sents":
        if "batch_size" in data:
            b.count("train_loader.batch_size", data["batch_size"], ("batch_size",))
        else:
            b.count("train_loader.batch_size", 64, (), note="OpenNMT-py default batch_size")
    elif batch_type == "tokens":
        b.assumptions.append("batch_size counts tokens (batch_type tokens): the batch in samples is unknown")
    if len(accum_count) == 1:
        key = ("accum_count",) if "accum_count" in data else ()
        b.count("gradient_accumulation", accum_count[0], key + ((0,) if isinstance(data.get("accum_count"), list)
                                                               else ()))
    else:
        b.assumptions.append(f"accum_count {list(accum_count)} changes at steps {list(accum_steps)}: the "
                             f"accumulation is not one number")
    world = to_number(data.get("world_size"))
    if isinstance(world, int) and world >= 1:
        b.count("world_size", world, ("world_size",))
    return overrides
