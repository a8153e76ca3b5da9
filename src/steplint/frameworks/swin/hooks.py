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
    return {}
