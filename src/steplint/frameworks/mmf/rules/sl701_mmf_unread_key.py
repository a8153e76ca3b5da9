"""SL701 mmf-unread-key: training keys of older Pythia/MMF configs that no MMF code reads any more
(training.max_iterations, training.snapshot_interval): MMF merges them in silently and the run
follows max_updates, checkpoint_interval and evaluation_interval (the configs' or MMF's defaults)
[mmf/utils/general.py `get_max_updates`; mmf/trainers/core/training_loop.py; the only renames MMF
still maps are in mmf/utils/configuration.py `Configuration.upgrade`]."""

from __future__ import annotations

from typing import Iterator

from ..settings import MmfSettings
from ....findings import Hit
from ....rules.context import RuleContext, num
from ....units import to_number

CODE = "SL701"


def _shown(value) -> str:
    number = to_number(value)
    return num(number) if number is not None else repr(value)


def check(ctx: RuleContext) -> Iterator[Hit]:
    s: MmfSettings = ctx.settings
    if s.fragment or s.lightning:
        return
    for key, value in s.unread:
        if key == "max_iterations":
            if s.max_epochs is not None:
                follows = f"training.max_epochs {_shown(s.max_epochs)}"
            elif s.max_updates_written:
                follows = f"training.max_updates {_shown(s.max_updates)}"
            else:
                follows = f"training.max_updates {_shown(s.max_updates)} (MMF's default)"
            yield ctx.hit(f"training.max_iterations {_shown(value)} is not read by MMF (the key is max_updates): "
                          f"the run length follows {follows}", "training.max_iterations")
        else:
            yield ctx.hit(f"training.snapshot_interval {_shown(value)} is not read by MMF: checkpoints are saved "
                          f"every {_shown(s.checkpoint_interval)} updates (training.checkpoint_interval) and the "
                          f"model is evaluated every {_shown(s.evaluation_interval)} (training.evaluation_interval)",
                          "training.snapshot_interval")
