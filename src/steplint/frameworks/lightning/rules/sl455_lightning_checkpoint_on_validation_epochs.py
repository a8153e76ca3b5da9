"""SL455 lightning-checkpoint-on-validation-epochs: every_n_epochs counted only on validation epochs."""

from __future__ import annotations

from typing import Iterator

from ..reader import LightningSettings, lcm
from ....rules.context import RuleContext, num
from ....findings import Hit

CODE = "SL455"


def check(ctx: RuleContext) -> Iterator[Hit]:
    s: LightningSettings = ctx.settings
    if s.validation_disabled:
        return
    cv = s.check_val_every_n_epoch
    if cv is None or cv <= 1:
        return
    for ck in s.checkpoints:
        every = ck.every_n_epochs
        if not every or ck.every_n_train_steps or ck.save_on_train_epoch_end is True:
            continue
        period = lcm(every, cv)
        if period == every:
            continue
        run_epochs = ctx.run_epochs()
        if run_epochs is not None and period > run_epochs and not ck.save_last:
            continue  # SL453: no checkpoint at all
        yield ctx.hit(f"ModelCheckpoint(every_n_epochs={every}) with check_val_every_n_epoch {cv}: Lightning saves "
                      f"at the end of validation, so checkpoints are written only every {period} epochs"
                      f"{f' ({int(run_epochs // period)} in a {num(run_epochs)}-epoch run)' if run_epochs else ''}; "
                      f"set save_on_train_epoch_end: true to save every {every} epochs", ck.epochs_key, s.check_val_key)
