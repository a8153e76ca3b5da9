"""SL454 lightning-cli-scheduler-per-epoch: a LightningCLI lr_scheduler sized in steps."""

from __future__ import annotations

from typing import Iterator

from ..reader import LightningSettings, cli_horizon_in_steps
from ....findings import Hit
from ....rules.context import RuleContext, num

CODE = "SL454"


def check(ctx: RuleContext) -> Iterator[Hit]:
    s: LightningSettings = ctx.settings
    if s.flavour != "cli" or s.cli_horizon is None:
        return
    horizon = s.cli_horizon
    epochs = ctx.run_epochs()
    max_steps = s.max_steps if s.max_steps and s.max_steps > 0 else None
    total = ctx.plan.total_optimizer_steps
    if not cli_horizon_in_steps(horizon, int(epochs) if epochs is not None else None, max_steps, total):
        return
    run = f"the run is {num(epochs)} epochs" if epochs is not None else f"the run is max_steps {max_steps} steps"
    done = f": the LR follows {min(epochs / horizon, 1):.1%} of its schedule" if epochs is not None else ""
    name = s.cli_scheduler or "the scheduler"
    yield ctx.hit(f"{name} horizon {num(horizon)} ({s.cli_horizon_key}) looks like a count of optimizer steps, but "
                  f"LightningCLI steps lr_scheduler once per EPOCH (its configure_optimizers uses Lightning's default "
                  f"interval 'epoch'; the YAML has no key to change it); {run}{done}. Size it in epochs, or override "
                  f"configure_optimizers to return interval 'step'", s.cli_horizon_key, s.cli_scheduler_key)
