"""SL783 rllib-old-schedule-on-new-stack: lr_schedule / entropy_coeff_schedule with the new API stack on."""

from __future__ import annotations

from typing import Iterator

from ....findings import Hit
from ....rules.context import RuleContext
from ..reader import RLlibSettings

CODE = "SL783"
_INSTEAD = {"lr_schedule": "lr", "entropy_coeff_schedule": "entropy_coeff"}


def check(ctx: RuleContext) -> Iterator[Hit]:
    s: RLlibSettings = ctx.settings
    for e in s.experiments:
        if e.run != "PPO" or e.learner_stack_key is None:
            continue
        for key in e.old_schedule_keys:
            name = key.rsplit(".", 1)[1]
            yield ctx.hit(f"{e.name}: {name} with enable_rl_module_and_learner on: the new API stack does not read it, "
                          f"and PPO raises ValueError at start (\"`{name}` is deprecated and must be None\"); put "
                          f"the schedule in `{_INSTEAD[name]}` as [[timestep, value], ...]", key, e.learner_stack_key)
