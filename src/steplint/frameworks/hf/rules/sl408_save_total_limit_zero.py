"""SL408 save-total-limit-zero: save_total_limit 0 (or negative) does not limit anything:
transformers keeps every checkpoint (`_rotate_checkpoints` returns when the limit is <= 0)."""

from __future__ import annotations

from typing import Iterator

from ..reader import HFSettings, number_of
from ....findings import Hit
from ....rules.context import RuleContext, num

CODE = "SL408"


def check(ctx: RuleContext) -> Iterator[Hit]:
    s: HFSettings = ctx.settings
    limit = s.written("save_total_limit")
    value = number_of(limit)
    if limit is None or value is None or value > 0 or ctx.run.checkpoint is None:
        return
    count = ctx.plan.checkpoint_count
    kept = f": all {count} checkpoints of the run stay on disk" if count else ""
    if s.flavour == "axolotl":
        yield ctx.hit(f"{limit.key} {num(value)} is replaced by axolotl's default 4 (it reads 0 as unset): only the "
                      f"4 newest checkpoints are kept", limit.key)
        return
    yield ctx.hit(f"{limit.key} {num(value)} does not limit checkpoints: transformers keeps every one (None or <= 0 "
                  f"means no limit){kept}; remove it, or set the number to keep", limit.key)
