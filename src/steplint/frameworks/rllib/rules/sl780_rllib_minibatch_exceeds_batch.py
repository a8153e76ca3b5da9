"""SL780 rllib-minibatch-exceeds-batch: a PPO minibatch larger than the train batch, which PPO refuses."""

from __future__ import annotations

from typing import Iterator

from ....findings import Hit
from ....rules.context import RuleContext
from ..reader import RLlibSettings

CODE = "SL780"


def check(ctx: RuleContext) -> Iterator[Hit]:
    s: RLlibSettings = ctx.settings
    for e in s.experiments:
        mbs, tbs = e.minibatch_size, e.train_batch_size
        if e.run != "PPO" or mbs.value is None or tbs.value is None or not (mbs.written or tbs.written):
            continue
        if mbs.value <= tbs.value:
            continue
        mbs_name = mbs.key.rsplit(".", 1)[1] if mbs.key else "minibatch_size"
        tbs_name = tbs.key.rsplit(".", 1)[1] if tbs.key else "train_batch_size"
        mbs_text = f"{mbs_name} {mbs.value}" + ("" if mbs.written else " (PPO's default)")
        tbs_text = f"{tbs_name} {tbs.value}" + ("" if tbs.written else " (PPO's default)")
        yield ctx.hit(f"{e.name}: {mbs_text} is larger than {tbs_text}: an iteration's batch of {tbs.value} "
                      f"steps cannot give one minibatch of {mbs.value}, and PPO raises ValueError at start "
                      f"(`minibatch_size` must be <= `{tbs_name}`)",
                      mbs.key or tbs.key, tbs.key if mbs.written else None)
