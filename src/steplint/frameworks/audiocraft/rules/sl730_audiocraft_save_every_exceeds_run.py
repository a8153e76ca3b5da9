"""SL730 audiocraft-save-every-exceeds-run: `checkpoint.save_every` longer than the run's epochs."""

from __future__ import annotations

from typing import Iterator

from ....findings import Hit
from ....rules.context import RuleContext, num
from ..reader import AudioCraftSettings

CODE = "SL730"


def check(ctx: RuleContext) -> Iterator[Hit]:
    s: AudioCraftSettings = ctx.settings
    if s.save_every is None or s.epochs is None or s.save_every <= s.epochs:
        return
    if not s.save_last:
        return  # then save_every is the only checkpoint: SL204 reports it
    yield ctx.hit(f"checkpoint.save_every is {s.save_every} epochs but the run is {num(s.epochs)} epochs "
                  f"(optim.epochs): no epoch checkpoint is ever kept; only the latest state survives, "
                  f"rewritten after every epoch (checkpoint.save_last)", s.save_every_key, s.epochs_key)
