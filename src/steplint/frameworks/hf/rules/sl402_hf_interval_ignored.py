"""SL402 hf-interval-ignored: save_steps / eval_steps / logging_steps set while its strategy does not
count steps, so transformers ignores the number (trainer_callback.py `DefaultFlowCallback`)."""

from __future__ import annotations

from typing import Iterator

from ..reader import HFSettings, number_of
from ....findings import Hit
from ....rules.context import RuleContext, num

CODE = "SL402"
_WHAT = {"no": "never happens", "epoch": "happens at every epoch end instead", "best": "happens only when an "
         "evaluation improves the best metric"}
_EVENTS = {"save": "checkpointing", "eval": "evaluation", "logging": "logging"}


def check(ctx: RuleContext) -> Iterator[Hit]:
    s: HFSettings = ctx.settings
    if s.flavour == "axolotl":  # axolotl picks the strategy from the keys (SL412)
        return
    for prefix in ("save", "eval", "logging"):
        steps = s.written(f"{prefix}_steps")
        strategy = s.get(f"{prefix}_strategy")
        if steps is None or strategy is None or number_of(steps) is None:
            continue
        if prefix == "logging" and not strategy.written:
            continue
        value = str(strategy.value).lower()
        if value not in _WHAT:
            continue
        how = "is not set, so it is 'no'" if not strategy.written else f"is '{value}'"
        yield ctx.hit(f"{steps.key} {num(number_of(steps))} is ignored: {strategy.key} {how} and "
                      f"{_EVENTS[prefix]} {_WHAT[value]}"
                      + (f"; set {strategy.key}: steps to use it" if value != "best" else ""),
                      steps.key, strategy.key if strategy.written else None)
