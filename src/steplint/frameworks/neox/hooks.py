"""What the GPT-NeoX profile cannot say as data: the decay horizon derived from lr_decay_fraction,
the warmup (NeoX: a FRACTION of the decay horizon; Megatron: lr_warmup_iters or _samples), and the
settings rules SL530-SL532 read [S-NX megatron/training.py `get_learning_rate_scheduler`,
S-MG arguments.py `validate_args`]."""

from __future__ import annotations

import math
from typing import Any, Optional

from ..base import RunBuilder, Source, find
from .settings import NeoxSettings
from ...units import Unit, to_number


def deepspeed(data: dict, b: RunBuilder, source: Source) -> dict:
    return {"settings": _settings(data, b, megatron=False), "ruled_out": _ruled_out(data)}


def megatron(data: dict, b: RunBuilder, source: Source) -> dict:
    return {"settings": _settings(data, b, megatron=True), "ruled_out": _ruled_out(data)}


def _ruled_out(data: dict) -> tuple[str, ...]:
    """eval_iters 0: no validation at all (`do_valid` needs eval_iters > 0), nor at the end."""
    found = find(data, ("eval_iters",), dashes_match_underscores=True)
    return ("eval",) if found is not None and to_number(found[1]) == 0 else ()


def _settings(data: dict, b: RunBuilder, megatron: bool) -> NeoxSettings:
    def key(name: str) -> Optional[tuple[str, Any]]:
        """(the key as written, its value); dashed and underscored spellings are one key."""
        found = find(data, (name,), dashes_match_underscores=True)
        return (found[0][0], found[1]) if found is not None else None

    def positive(name: str) -> Optional[float]:
        found = key(name)
        number = to_number(found[1]) if found is not None else None
        return number if number is not None and math.isfinite(number) and number > 0 else None

    settings: dict[str, Any] = {"megatron": megatron}
    train_iters = positive("train_iters")
    if train_iters is not None and train_iters != int(train_iters):
        train_iters = None  # not a whole number of iterations
    if train_iters is not None:
        settings.update(train_iters=int(train_iters), train_iters_key=key("train_iters")[0])
    if positive("lr_decay_iters") is not None:
        settings.update(decay_iters=positive("lr_decay_iters"), decay_key=key("lr_decay_iters")[0],
                        decay_how="lr_decay_iters")
    elif positive("lr_decay_samples") is not None:
        pass  # a horizon in samples: no iteration count for the warmup fraction to multiply
    elif positive("lr_decay_fraction") is not None and train_iters is not None:
        fraction = positive("lr_decay_fraction")
        decay = max(int(train_iters * fraction), 1)
        written = key("lr_decay_fraction")[0]
        b.duration("schedule.horizon", decay, (written,), Unit.STEP, note=f"floor({int(train_iters)} × {fraction})")
        settings.update(decay_iters=decay, decay_key=written,
                        decay_how=f"floor(train_iters × lr_decay_fraction {fraction})")
    elif train_iters is not None:
        settings.update(decay_iters=train_iters, decay_key=key("train_iters")[0], decay_how="train_iters")

    decay = settings.get("decay_iters")
    # With train_epochs and no train_iters, NeoX derives train_iters from the epochs before it builds
    # the scheduler (megatron/training.py `pretrain`), and the decay horizon is that run: the warmup is
    # a fraction of the run itself
    of_the_run = decay is None and train_iters is None and positive("train_epochs") is not None and not any(
        key(name) is not None for name in ("lr_decay_iters", "lr_decay_samples", "lr_decay_fraction"))
    for name in ("warmup", "lr_warmup_fraction"):
        found = key(name)
        fraction = to_number(found[1]) if found is not None else None
        if fraction is None or not math.isfinite(fraction) or not 0 < fraction:
            continue
        settings.update(warmup=fraction, warmup_key=found[0])
        if decay is not None and not b.has("schedule.warmup"):
            b.duration("schedule.warmup", fraction * max(decay, 1), (found[0],), Unit.STEP,
                       note=f"{fraction} × {settings['decay_how']} {int(decay)}")
        elif of_the_run and not megatron and fraction <= 1 and not b.has("schedule.warmup"):
            b.duration("schedule.warmup", fraction, (found[0],), Unit.DUR,
                       note=f"{fraction} × train_iters (from train_epochs)")
    iters = positive("lr_warmup_iters")
    if iters is not None:
        settings.update(warmup_iters=iters, warmup_iters_key=key("lr_warmup_iters")[0])
        if not b.has("schedule.warmup"):
            b.duration("schedule.warmup", iters, (key("lr_warmup_iters")[0],), Unit.STEP)
    samples = key("lr_warmup_samples")
    if samples is not None and not b.has("schedule.warmup"):
        b.duration("schedule.warmup", samples[1], (samples[0],), Unit.SAMPLE, zero_is_unset=True)
    return NeoxSettings(**settings)
