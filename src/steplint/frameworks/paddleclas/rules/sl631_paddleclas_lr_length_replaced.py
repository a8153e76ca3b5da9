"""SL631 paddleclas-lr-length-replaced: `epochs` (or `step_each_epoch`) written in an Optimizer's lr
section differs from what PaddleClas sizes the schedule with: build_lr_scheduler overwrites both with
Global.epochs and iter_per_epoch // update_freq [S-PC ppcls/optimizer/__init__.py
`build_lr_scheduler`: `lr_config.update({'epochs': epochs, 'step_each_epoch': step_each_epoch})`]."""

from __future__ import annotations

from typing import Iterator

from ..settings import PaddleclasSettings
from ....findings import Hit
from ....rules.context import RuleContext, num

CODE = "SL631"


def check(ctx: RuleContext) -> Iterator[Hit]:
    s: PaddleclasSettings = ctx.settings
    if s.epochs is not None:
        for key, written in s.lr_epochs:
            if written != s.epochs:
                yield ctx.hit(f"{key} is {num(written)} but PaddleClas replaces it with Global.epochs "
                              f"({s.epochs}): the schedule is sized for {s.epochs} epochs, not {num(written)}; "
                              f"set Global.epochs instead", key, "Global.epochs")
    if s.iter_per_epoch is not None:
        update_freq = s.update_freq if s.update_freq <= s.iter_per_epoch else 1
        per_epoch = s.iter_per_epoch // update_freq
        for key, written in s.lr_steps_per_epoch:
            if written != per_epoch:
                yield ctx.hit(f"{key} is {num(written)} but PaddleClas replaces it with {per_epoch} (Global."
                              f"iter_per_epoch {s.iter_per_epoch} // update_freq {update_freq}): the schedule "
                              f"counts {per_epoch} steps per epoch, not {num(written)}", key, "Global.iter_per_epoch")
