"""What the Swin profile cannot say as data: yacs refuses a value whose type is not its default's.
config.py's defaults for the counts the profile reads are ints (`_C.TRAIN.EPOCHS = 300`,
`_C.TRAIN.WARMUP_EPOCHS = 20`, `_C.TRAIN.LR_SCHEDULER.DECAY_EPOCHS = 30`, `_C.DATA.BATCH_SIZE = 128`,
`_C.TRAIN.ACCUMULATION_STEPS = 1`, `_C.TRAIN.START_EPOCH = 0`), and yacs (0.1.8, get_started.md:47)
`_check_and_coerce_cfg_value_type` casts only between tuple and list: `TRAIN.WARMUP_EPOCHS: 0.5` (or
5.0) stops `_update_config_from_file` (config.py:268-279) with "Type mismatch (<class 'int'> vs.
<class 'float'>)". So lr_scheduler.py:17-19 `int(config.TRAIN.WARMUP_EPOCHS * n_iter_per_epoch)`
(and EPOCHS, DECAY_EPOCHS) only ever multiply whole epochs: no rounding to model, and the profile
reads those keys as integers only."""

from __future__ import annotations

from ..base import RunBuilder, Source, yacs_value

INT_DEFAULTS = {"TRAIN.EPOCHS": 300, "TRAIN.WARMUP_EPOCHS": 20, "TRAIN.LR_SCHEDULER.DECAY_EPOCHS": 30,
                "DATA.BATCH_SIZE": 128, "TRAIN.ACCUMULATION_STEPS": 1, "TRAIN.START_EPOCH": 0}


def adapt(data: dict, b: RunBuilder, source: Source) -> dict:
    for dotted, default in INT_DEFAULTS.items():
        value, written = yacs_value(data, dotted, INT_DEFAULTS)
        if written and isinstance(value, float):
            fix = f"write {int(value)}" if value.is_integer() else "write a whole number"
            b.invalid(tuple(dotted.split(".")), value,
                      f"Swin's default is the int {default} (config.py), and yacs refuses a float in its place when "
                      f"it merges the file ('Type mismatch (<class 'int'> vs. <class 'float'>)'): training never "
                      f"starts; {fix}")
    if not data.get("BASE"):  # a value not written here may be a BASE file's (not read yet), not Swin's default
        scheduler, _ = yacs_value(data, "TRAIN.LR_SCHEDULER.NAME", _SCHEDULER_DEFAULTS)
        if scheduler == "cosine":
            _cosine_without_decay(data, b)
        elif scheduler == "multistep":
            _multistep_milestones(data, b)
    return {}


def _cosine_without_decay(data: dict, b: RunBuilder) -> None:
    """The cosine schedule (Swin's default) is timm's CosineLRScheduler with t_initial = (EPOCHS -
    WARMUP_EPOCHS) × n with WARMUP_PREFIX (the default), else EPOCHS × n (lr_scheduler.py:16-33), and
    CosineLRScheduler.__init__ asserts `t_initial > 0` (timm/scheduler/cosine_lr.py, in timm 0.4.12,
    which Swin pins in get_started.md:41, as at timm's HEAD): with whole epochs (yacs), a warmup as
    long as the run (or a run of no epoch) stops main.py at build_scheduler for any n, before the
    first step. The LR never warming up fully (SL203) is then not what happens: the warmup is not
    planned."""
    prefix, _ = yacs_value(data, "TRAIN.LR_SCHEDULER.WARMUP_PREFIX", _SCHEDULER_DEFAULTS)
    epochs, _ = yacs_value(data, "TRAIN.EPOCHS", INT_DEFAULTS)
    warmup, warmup_written = yacs_value(data, "TRAIN.WARMUP_EPOCHS", INT_DEFAULTS)
    if type(epochs) is not int or type(warmup) is not int or type(prefix) is not bool:
        return
    if (epochs - warmup if prefix else epochs) > 0:
        return
    t_initial = f"({epochs} − {warmup}) × iterations per epoch" if prefix else f"{epochs} × iterations per epoch"
    b.raw.get("schedule", {}).pop("warmup", None)
    refused = (f"Swin builds timm's CosineLRScheduler with t_initial = {t_initial} ≤ 0, which it refuses "
               f"(AssertionError: t_initial > 0) before the first step")
    if epochs <= 0:
        b.invalid(("TRAIN", "EPOCHS"), epochs, f"with the cosine schedule, {refused}")
        return
    shown = "" if warmup_written else " (not written: Swin's default)"
    b.invalid(("TRAIN", "WARMUP_EPOCHS"), warmup, f"WARMUP_EPOCHS{shown} {warmup} is at least EPOCHS {epochs}: "
              f"with the cosine schedule and WARMUP_PREFIX, {refused}")


def _multistep_milestones(data: dict, b: RunBuilder) -> None:
    """Swin's MultiStepLRScheduler (lr_scheduler.py:116-133) ends its __init__ with `assert
    self.warmup_t <= min(self.milestones)`, milestones = [i × n for i in MULTISTEPS] and warmup_t =
    int(WARMUP_EPOCHS × n) (lr_scheduler.py:17-20): whole epochs (yacs), so a warmup past the first
    milestone is an AssertionError for any n, and no milestone at all (MULTISTEPS defaults to [],
    config.py:181) a ValueError from min(), both in build_scheduler, before the first step."""
    steps, written = yacs_value(data, "TRAIN.LR_SCHEDULER.MULTISTEPS", _SCHEDULER_DEFAULTS)
    warmup, warmup_written = yacs_value(data, "TRAIN.WARMUP_EPOCHS", INT_DEFAULTS)
    if not isinstance(steps, (list, tuple)) or not all(type(step) is int for step in steps) or type(warmup) is not int:
        return
    if not steps:
        path = ("TRAIN", "LR_SCHEDULER", "MULTISTEPS" if written else "NAME")
        b.invalid(path, list(steps) if written else "multistep",
                  "Swin's multistep schedule takes min() of TRAIN.LR_SCHEDULER.MULTISTEPS" +
                  ("" if written else " (not written: Swin's default [])") +
                  ", and of no milestone that is a ValueError (min() arg is an empty sequence) before the first step")
    elif warmup > min(steps):
        shown = "" if warmup_written else " (not written: Swin's default)"
        b.invalid(("TRAIN", "WARMUP_EPOCHS"), warmup,
                  f"WARMUP_EPOCHS{shown} {warmup} is past the first MULTISTEPS milestone, epoch {min(steps)}: Swin's "
                  f"MultiStepLRScheduler asserts warmup_t <= min(milestones) (AssertionError) before the first step")


_SCHEDULER_DEFAULTS = {"TRAIN.LR_SCHEDULER.NAME": "cosine", "TRAIN.LR_SCHEDULER.WARMUP_PREFIX": True,
                       "TRAIN.LR_SCHEDULER.MULTISTEPS": []}
