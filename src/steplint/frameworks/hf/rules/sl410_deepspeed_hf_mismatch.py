"""SL410 deepspeed-hf-mismatch: a DeepSpeed config (pointed to by `deepspeed:`) whose values that
are not "auto" differ from what the Trainer derives. transformers raises ValueError at train start
(integrations/deepspeed.py `HfTrainerDeepSpeedConfig.fill_match`, `trainer_config_finalize`)."""

from __future__ import annotations

import math
from typing import Iterator, Optional

from ..reader import HFSettings, number_of
from ....findings import Hit, Severity
from ....rules.context import RuleContext, num

CODE = "SL410"
_FIX = ("transformers raises ValueError at train start (DeepSpeed values that are not 'auto' must equal the "
        "TrainingArguments ones); set it to \"auto\"")


def check(ctx: RuleContext) -> Iterator[Hit]:
    s: HFSettings = ctx.settings
    if s.deepspeed is None:
        return
    ds, plan, run = s.deepspeed, ctx.plan, ctx.run
    key = s.deepspeed_key or "deepspeed"
    batch_key = run.train_loader.batch_size.key if run.train_loader.batch_size else None
    ga_key = run.gradient_accumulation.key if run.gradient_accumulation else None

    def mismatch(ds_value, hf_name: str, hf_value, hf_key: Optional[str], extra: str = ""):
        return ctx.hit(f"{ds.where} sets {ds_value.key}={num_or_text(ds_value.value)} but {hf_name} is "
                       f"{num_or_text(hf_value)}{extra}: {_FIX}", key, hf_key)

    b, ga = plan.micro_batch_size, plan.gradient_accumulation_steps
    hf_batch_name = _name(batch_key, "per_device_train_batch_size")
    hf_ga_name = _name(ga_key, "gradient_accumulation_steps")
    micro = _number(ds.micro)
    if micro is not None and b is not None and micro != b:
        yield mismatch(ds.micro, f"the config's {hf_batch_name}", b, batch_key)
    accumulation = _number(ds.accumulation)
    if accumulation is not None and accumulation != ga:
        yield mismatch(ds.accumulation, f"the config's {hf_ga_name}", ga, ga_key)
    train_batch = _number(ds.train_batch)
    if train_batch is not None and b is not None:
        world_known = not any(a.startswith("world size 1") for a in plan.assumptions)
        product = b * ga
        if world_known and train_batch != product * plan.world_size:
            yield mismatch(ds.train_batch, "world size × batch × accumulation", product * plan.world_size, batch_key,
                           f" ({plan.world_size} × {b} × {ga})")
        elif not world_known and train_batch % product:
            yield ctx.hit(f"{ds.where}: {ds.train_batch.key}={num(train_batch)} is not a multiple of "
                          f"{hf_batch_name} × {hf_ga_name} = {b} × {ga} = {product}: no world size matches it and "
                          f"{_FIX}", key, batch_key)
    total = _number(ds.total_num_steps)
    if total is not None:
        if plan.total_optimizer_steps is None:
            bounds = ctx.run_range()  # without N: a total outside every run the config allows
            if bounds is not None and (total < bounds[0] or bounds[1] is not None and total > bounds[1]):
                side = f"at least {num(bounds[0])}" if total < bounds[0] else f"at most {num(bounds[1])}"
                yield ctx.hit(f"{ds.where} sets {ds.total_num_steps.key}={num(total)} but the run is {side} steps "
                              f"whatever the dataset size: {_FIX}", key)
            else:
                yield ctx.needs_dataset_size(f"{ds.where} {ds.total_num_steps.key}={num(total)} against the run "
                                             f"(transformers requires them equal)", key)
        elif total != plan.total_optimizer_steps:
            yield mismatch(ds.total_num_steps, "the run's length", plan.total_optimizer_steps,
                           run.epochs.key if run.epochs and plan.limited_by == "epochs" else
                           (run.max_steps.key if run.max_steps else None), f" steps ({_how(ctx)})")
    warmup = _number(ds.warmup_num_steps)
    if warmup is not None:
        expected = _hf_warmup(ctx, s)
        if expected is None:
            yield ctx.needs_dataset_size(f"{ds.where} {ds.warmup_num_steps.key}={num(warmup)} against the warmup "
                                         f"(transformers requires them equal)", key)
        elif warmup != expected:
            yield mismatch(ds.warmup_num_steps, "the warmup", expected, s.warmup.key if s.warmup else None,
                           f" steps ({_warmup_how(s)})")
    lr = s.written("learning_rate")
    for ds_value in (ds.optimizer_lr, ds.warmup_max_lr):
        if lr is not None and _number(ds_value) is not None and number_of(lr) is not None \
                and not math.isclose(_number(ds_value), number_of(lr), rel_tol=1e-12):
            yield mismatch(ds_value, "the config's learning_rate", number_of(lr), lr.key)
    clip = _number(ds.gradient_clipping)
    norm = s.get("max_grad_norm")
    norm_value = number_of(norm) if norm is not None else 1.0
    if clip is not None and norm_value is not None and not math.isclose(clip, norm_value, rel_tol=1e-12):
        yield mismatch(ds.gradient_clipping, "max_grad_norm", norm_value, norm.key if norm is not None else None,
                       "" if norm is not None else " (default)")


def _hf_warmup(ctx: RuleContext, s) -> Optional[int]:
    """What `args.get_warmup_steps(T)` gives: the scheduler-independent warmup (0 when none)."""
    if s.flavour == "axolotl":
        return ctx.plan.warmup_steps or 0
    if s.warmup is None:
        return 0
    steps = ctx.plan.steps(s.warmup)
    return None if steps is None else math.ceil(steps - 1e-9)


def _how(ctx: RuleContext) -> str:
    text = ctx.run_length()
    return text.split("(", 1)[1].rstrip(")") if "(" in text else "max_steps"


def _warmup_how(s) -> str:
    w = s.warmup
    if w is None:
        return "no warmup is set"
    return f"{w.key} {num(w.value)}" + (" of the run" if w.unit.value == "dur" else "")


def _number(ds_value) -> Optional[float]:
    if ds_value is None or ds_value.auto:
        return None
    return ds_value.number


def _name(key: Optional[str], default: str) -> str:
    return key or f"{default} (default)"


def num_or_text(value) -> str:
    return num(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else repr(value)


__all__ = ["check", "CODE", "Severity"]
