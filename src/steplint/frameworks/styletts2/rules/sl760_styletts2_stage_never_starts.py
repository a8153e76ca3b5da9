"""SL760 styletts2-stage-never-starts: TMA_epoch, diff_epoch or joint_epoch at or past the stage's epochs."""

from __future__ import annotations

from typing import Iterator

from ....findings import Hit
from ....rules.context import RuleContext, num
from ..reader import StyleTTS2Settings

CODE = "SL760"
_WHAT = {"loss_params.TMA_epoch": "alignment (TMA) training", "loss_params.diff_epoch": "style diffusion training",
         "loss_params.joint_epoch": "joint SLM-adversarial training"}


def check(ctx: RuleContext) -> Iterator[Hit]:
    s: StyleTTS2Settings = ctx.settings
    for start in s.starts:
        # a resumed run (load_only_params: false) starts at the checkpoint's epoch but shifts neither epochs
        # nor the stage starts (train_second.py / train_finetune.py `if load_pretrained: ... load_checkpoint`,
        # then `for epoch in range(start_epoch, epochs)`): the start is still never reached
        if start.start < start.epochs:
            continue
        epochs = start.epochs_key or f"its default of {start.epochs}"
        span = f"the checkpoint's epoch to {start.epochs - 1}" if start.resumed else f"0-{start.epochs - 1}"
        yield ctx.hit(f"{start.start_key} is {num(start.start)} but {start.script} runs {start.epochs} epochs "
                      f"({epochs}: epochs {span}): {_WHAT[start.start_key]} never starts "
                      f"(`if epoch >= {start.start_key.split('.')[-1]}` never holds)",
                      start.start_key, start.epochs_key)
