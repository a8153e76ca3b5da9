"""SL751 mlagents-sequence-exceeds-batch: a recurrent sequence_length larger than batch_size."""

from __future__ import annotations

from typing import Iterator

from ....findings import Hit
from ....rules.context import RuleContext
from ..reader import MLAgentsSettings

CODE = "SL751"


def check(ctx: RuleContext) -> Iterator[Hit]:
    s: MLAgentsSettings = ctx.settings
    for b in s.behaviors:
        if b.sequence_length is None or b.batch_size is None or b.sequence_length <= b.batch_size:
            continue
        batch = f"batch_size {b.batch_size}" + ("" if b.batch_size_key else f" (the {b.trainer_type} default)")
        yield ctx.hit(f"{b.name}: network_settings.memory.sequence_length {b.sequence_length} is larger than "
                      f"{batch}: ML-Agents refuses to start (TrainerConfigError: When using memory, sequence length "
                      f"must be less than or equal to batch size)", b.sequence_length_key, b.batch_size_key)
