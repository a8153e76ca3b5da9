"""SL453 lightning-no-checkpoint-saved: ModelCheckpoint never fires and save_last is off."""

from __future__ import annotations

from typing import Iterator

from ..reader import LightningSettings, lcm
from ....findings import Hit
from ....rules.context import RuleContext, num

CODE = "SL453"


def check(ctx: RuleContext) -> Iterator[Hit]:
    s: LightningSettings = ctx.settings
    for ck in s.checkpoints:
        if ck.save_last or ck.train_time_interval:
            continue
        if ck.every_n_train_steps:
            total = ctx.plan.total_optimizer_steps
            if total is not None and ck.every_n_train_steps > total:
                yield ctx.hit(f"ModelCheckpoint(every_n_train_steps={ck.every_n_train_steps}) never fires: the run is "
                              f"{ctx.run_length()}, and without save_last Lightning writes no checkpoint at the end "
                              f"of fit: the run leaves no checkpoint at all", ck.steps_key, ctx.run.epochs and ctx.run.epochs.key)
            continue
        every = ck.epochs_every
        if not every or ck.every_n_epochs is None:
            continue  # Lightning's default (every epoch) is not the user's choice: nothing to compare
        run_epochs = ctx.run_epochs()
        cv = s.check_val_every_n_epoch
        on_validation = ck.save_on_train_epoch_end is not True and cv not in (None, 1) and not s.validation_disabled
        period = lcm(every, cv) if on_validation else every
        if run_epochs is None or period <= run_epochs:
            continue
        why = (f"every_n_epochs {every} only counts on validation epochs (check_val_every_n_epoch {cv}): every "
               f"{period} epochs" if period != every else f"every {every} epochs")
        yield ctx.hit(f"ModelCheckpoint saves {why}, but the run is {num(run_epochs)} epochs and save_last is not "
                      f"set: the run leaves no checkpoint at all", ck.epochs_key, s.check_val_key if period != every else None)
