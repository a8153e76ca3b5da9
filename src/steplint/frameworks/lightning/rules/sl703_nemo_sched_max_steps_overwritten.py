"""SL703 nemo-sched-max-steps-overwritten: a `model.optim.sched.max_steps` that NeMo replaces with
trainer.max_steps. ModelPT.setup_optimization sets `optim_config['sched']['max_steps'] =
trainer.max_steps` whenever trainer.max_steps is not negative (nemo/core/classes/modelPT.py), so
the value written in the scheduler is used only with trainer.max_steps -1."""

from __future__ import annotations

from typing import Iterator

from ..reader import LightningSettings
from ....findings import Hit
from ....rules.context import RuleContext, num

CODE = "SL703"


def check(ctx: RuleContext) -> Iterator[Hit]:
    s: LightningSettings = ctx.settings
    sched = s.nemo_sched
    if s.flavour != "nemo" or sched is None or sched.written_max_steps is None:
        return
    trainer_steps = s.max_steps
    if trainer_steps is None or trainer_steps <= 0 or sched.written_max_steps == trainer_steps:
        return
    written = num(sched.written_max_steps)
    if sched.written_max_steps == -1:
        effect = (f"NeMo still builds the scheduler, over {num(trainer_steps)} steps (max_steps -1 builds none only "
                  f"when trainer.max_steps is -1)")
    else:
        effect = f"the LR schedule spans {num(trainer_steps)} steps, not {written}"
    yield ctx.hit(f"{sched.key}.max_steps {written} is overwritten by trainer.max_steps {num(trainer_steps)} "
                  f"(NeMo's ModelPT.setup_optimization): {effect}", f"{sched.key}.max_steps", "trainer.max_steps")
