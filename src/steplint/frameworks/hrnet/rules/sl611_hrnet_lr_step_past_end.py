"""SL611 hrnet-lr-step-past-end: the classification trainer's MultiStepLR decays at TRAIN.LR_STEP,
stepped once before each epoch's training, so training epoch e runs at the LR of scheduler epoch
e + 1 and a decay at LR_STEP m applies from epoch m - 1 on [HRNet-Image-Classification
tools/train.py]. A step above END_EPOCH never applies."""

from __future__ import annotations

from typing import Iterator

from ..settings import HrnetSettings
from ....findings import Hit
from ....rules.context import RuleContext

CODE = "SL611"


def check(ctx: RuleContext) -> Iterator[Hit]:
    s: HrnetSettings = ctx.settings
    if s.segmentation or not s.lr_step or s.end_epoch is None:
        return
    # scheduler epochs reached: begin + 1 .. end (the step before the last epoch's training)
    never = [m for m in s.lr_step if m > s.end_epoch]
    if never:
        shown = ", ".join(map(str, never))
        default = "" if s.lr_step_written else " (HRNet's default LR_STEP)"
        yield ctx.hit(f"TRAIN.LR_STEP {shown}{default} past TRAIN.END_EPOCH {s.end_epoch}: MultiStepLR is stepped "
                      f"before each epoch, so the last decay that applies is at LR_STEP {s.end_epoch}; the decay"
                      f"{'s' if len(never) > 1 else ''} at {shown} never happen{'' if len(never) > 1 else 's'}",
                      "TRAIN.LR_STEP" if s.lr_step_written else "TRAIN.END_EPOCH", "TRAIN.END_EPOCH")
