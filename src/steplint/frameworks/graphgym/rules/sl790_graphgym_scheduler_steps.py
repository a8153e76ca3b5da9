"""SL790 graphgym-scheduler-steps: `optim.scheduler: steps`, the name config.py's comment gives
("scheduler: none, steps, cos"), is not a scheduler GraphGym registers: optim.py registers the
MultiStepLR policy as 'step', and create_scheduler raises ValueError("Scheduler 'steps' not
supported") before the first epoch, unless the project registers a 'steps' scheduler of its own
(register.register_scheduler) [torch_geometric/graphgym/optim.py, config.py `set_cfg`]."""

from __future__ import annotations

from typing import Iterator

from ..settings import GraphGymSettings
from ....findings import Hit
from ....rules.context import RuleContext

CODE = "SL790"


def check(ctx: RuleContext) -> Iterator[Hit]:
    s: GraphGymSettings = ctx.settings
    if s.scheduler == "steps":
        yield ctx.hit("optim.scheduler 'steps' is not a GraphGym scheduler (its MultiStepLR policy is registered as "
                      "'step'): create_scheduler raises ValueError \"Scheduler 'steps' not supported\" before the first "
                      "epoch, unless your project registers 'steps' itself", "optim.scheduler")
