"""SL409 hf-removed-argument: an argument the transformers version in use no longer accepts
(evaluation_strategy from 4.51, warmup_ratio from 5.15): the config fails to parse.

Only with the version known (--framework-version, or the installed transformers): the config is
valid on every release before the removal, and with the version unknown the plan's assumptions
already say which releases refuse it (an info on every such file would only repeat them)."""

from __future__ import annotations

from typing import Iterator

from ..reader import HFSettings
from ....findings import Hit
from ....rules.context import RuleContext

CODE = "SL409"
_REMOVED = (("evaluation_strategy", (4, 51), "eval_strategy"),
            ("warmup_ratio", (5, 15), "warmup_steps with a value below 1 (a fraction of the run)"))


def check(ctx: RuleContext) -> Iterator[Hit]:
    s: HFSettings = ctx.settings
    if s.flavour == "axolotl" or not s.version.known:  # axolotl translates its own keys
        return
    v = s.version
    for name, removed_in, instead in _REMOVED:
        setting = s.written(name)
        if setting is None or setting.key != name or not v.at_least(*removed_in):
            continue
        since = ".".join(map(str, removed_in))
        yield ctx.hit(f"{name} does not exist in transformers {v.text} (removed in {since}): building "
                      f"TrainingArguments fails on it; use {instead}", setting.key)
