"""SL409 hf-removed-argument: an argument the transformers version in use no longer accepts
(evaluation_strategy from 4.51, warmup_ratio from 5.15): the config fails to parse."""

from __future__ import annotations

from typing import Iterator

from ..reader import HFSettings
from ....findings import Hit, Severity
from ....rules.context import RuleContext

CODE = "SL409"
_REMOVED = (("evaluation_strategy", (4, 51), "eval_strategy"),
            ("warmup_ratio", (5, 15), "warmup_steps with a value below 1 (a fraction of the run)"))


def check(ctx: RuleContext) -> Iterator[Hit]:
    s: HFSettings = ctx.settings
    if s.flavour == "axolotl":  # axolotl translates its own keys
        return
    v = s.version
    for name, removed_in, instead in _REMOVED:
        setting = s.written(name)
        if setting is None or setting.key != name or not v.at_least(*removed_in):
            continue
        since = ".".join(map(str, removed_in))
        if v.known:
            yield ctx.hit(f"{name} does not exist in transformers {v.text} (removed in {since}): building "
                          f"TrainingArguments fails on it; use {instead}", setting.key)
        else:
            yield ctx.hit(f"{name} was removed in transformers {since}: with {since} or later the config fails to "
                          f"parse; use {instead} (the version is not known: pass --framework-version "
                          f"transformers=X.Y)", setting.key, severity=Severity.INFO)
