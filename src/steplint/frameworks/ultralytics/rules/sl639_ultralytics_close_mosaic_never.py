"""SL639 ultralytics-close-mosaic-never: close_mosaic larger than epochs. The trainer closes the mosaic
only when `epoch == epochs - close_mosaic`, a negative number then, so the mosaic stays on to the end and
the final epochs without it never happen [S-UL ultralytics/engine/trainer.py `_do_train`]."""

from __future__ import annotations

from typing import Iterator

from ..settings import UltralyticsSettings
from ....findings import Hit
from ....rules.context import RuleContext

CODE = "SL639"


def check(ctx: RuleContext) -> Iterator[Hit]:
    s: UltralyticsSettings = ctx.settings
    if s.epochs is None or s.close_mosaic is None or s.close_mosaic <= s.epochs:
        return
    close = f"close_mosaic is {s.close_mosaic}" + ("" if s.close_mosaic_key else " (the default)")
    yield ctx.hit(f"{close} but the run is {s.epochs} epochs: Ultralytics closes the mosaic at epoch epochs - "
                  f"close_mosaic = {s.epochs - s.close_mosaic}, which never comes, so mosaic augmentation stays on "
                  f"for all {s.epochs} epochs; set close_mosaic to {s.epochs} or less (0 keeps the mosaic on)",
                  s.close_mosaic_key or s.epochs_key, s.epochs_key)
