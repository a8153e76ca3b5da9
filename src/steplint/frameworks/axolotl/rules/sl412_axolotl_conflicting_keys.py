"""SL412 axolotl-conflicting-keys: axolotl keys that its config validation refuses together
(axolotl utils/schemas/validation.py), so the run never starts."""

from __future__ import annotations

from typing import Iterator

from ...hf.reader import HFSettings, number_of
from ....findings import Hit
from ....rules.context import RuleContext

CODE = "SL412"
_PAIRS = (
    ("save_steps", "saves_per_epoch", "both set the checkpoint cadence"),
    ("eval_steps", "evals_per_epoch", "both set the evaluation cadence"),
    ("gradient_accumulation_steps", "batch_size", "batch_size is micro_batch_size × gradient_accumulation_steps: "
                                                  "set one of the two"),
)


def check(ctx: RuleContext) -> Iterator[Hit]:
    s: HFSettings = ctx.settings
    if s.flavour != "axolotl":
        return
    for first, second, why in _PAIRS:
        a, b = s.written(first), s.written(second)
        if a is not None and b is not None and a.value not in (None, 0) and b.value not in (None, 0):
            yield ctx.hit(f"{a.key} and {b.key} are both set ({why}): axolotl refuses the config", b.key, a.key)
    for prefix in ("save", "eval"):
        steps, strategy = s.written(f"{prefix}_steps"), s.written(f"{prefix}_strategy")
        if steps is not None and strategy is not None and number_of(steps) \
                and str(strategy.value).lower() != "steps":
            yield ctx.hit(f"{steps.key} is set while {strategy.key} is '{strategy.value}': axolotl refuses the config "
                          f"(a step interval needs the steps strategy)", steps.key, strategy.key)
    if s.written("batch_size") is not None and s.written("micro_batch_size") is None:
        yield ctx.hit("batch_size is set without micro_batch_size: axolotl cannot derive the per-device batch and "
                      "refuses the config", s.written("batch_size").key)
