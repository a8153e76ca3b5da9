"""SL633 kohya-default-steps: a kohya_ss GUI preset with a dataset config and neither
max_train_steps nor max_train_epochs. The GUI computes max_train_steps from `epoch` only from the
image folders, not with a dataset config; it passes none, and sd-scripts trains its default 1600 steps
[S-KS kohya_gui/lora_gui.py `train_model`: "Max train steps: 0. sd-scripts will therefore default to
1600"; sd-scripts library/train_util.py `--max_train_steps` default 1600]."""

from __future__ import annotations

from typing import Iterator

from ..settings import KohyaSettings
from ....findings import Hit
from ....rules.context import RuleContext

CODE = "SL633"


def check(ctx: RuleContext) -> Iterator[Hit]:
    s: KohyaSettings = ctx.settings
    if not s.default_steps:
        return
    epochs = f"; epoch ({s.epoch}) is not used" if s.epoch else ""
    yield ctx.hit(f"dataset_config is set and neither max_train_steps nor max_train_epochs is: the GUI computes no "
                  f"step count, so sd-scripts trains its default 1600 steps{epochs}; set max_train_epochs (or "
                  f"max_train_steps)", "max_train_steps", "dataset_config", "epoch")
