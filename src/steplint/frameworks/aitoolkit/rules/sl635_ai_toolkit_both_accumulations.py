"""SL635 ai-toolkit-both-accumulations: train.gradient_accumulation > 1 with
train.gradient_accumulation_steps other than 1, which TrainConfig refuses with ValueError
("gradient_accumulation and gradient_accumulation_steps are mutually exclusive")
[S-AT toolkit/config_modules.py `TrainConfig.__init__`]."""

from __future__ import annotations

from typing import Iterator

from ..settings import AiToolkitSettings
from ....findings import Hit
from ....rules.context import RuleContext, num

CODE = "SL635"


def check(ctx: RuleContext) -> Iterator[Hit]:
    s: AiToolkitSettings = ctx.settings
    if s.gradient_accumulation is None or s.gradient_accumulation_steps is None:
        return
    if s.gradient_accumulation > 1 and s.gradient_accumulation_steps != 1:
        train = f"{s.process_key}.train"
        yield ctx.hit(f"train.gradient_accumulation is {num(s.gradient_accumulation)} and train."
                      f"gradient_accumulation_steps is {num(s.gradient_accumulation_steps)}: ai-toolkit raises "
                      f"ValueError before training (they are mutually exclusive); keep gradient_accumulation and "
                      f"remove gradient_accumulation_steps", f"{train}.gradient_accumulation",
                      f"{train}.gradient_accumulation_steps")
