"""The settings LAVIS's rules read (SL711: the warmup that only epoch 0 applies; SL792: the
iteration runner), and a run of no epoch, which LAVIS cannot finish."""

from __future__ import annotations

from ..base import RunBuilder, Source
from ...units import to_number
from .settings import LavisSettings


def _no_epoch(run: dict, b: RunBuilder) -> None:
    """max_epoch <= 0: lavis/runners/runner_base.py `RunnerBase.train` loops `for cur_epoch in
    range(self.start_epoch, self.max_epoch)` (start_epoch 0 on a fresh run) and trains nothing; after
    the loop it reads `cur_epoch`, never bound: in `self._save_checkpoint(cur_epoch, ...)` when
    save_last (default True), else in `test_epoch = "best" if len(self.valid_splits) > 0 else cur_epoch`."""
    epochs = run.get("max_epoch")
    number = None if isinstance(epochs, bool) else to_number(epochs)
    if number is None or number > 0:
        return
    save_last = run.get("save_last", True)  # int(run_cfg.get("save_last", True))
    save_last = save_last if isinstance(save_last, bool) else to_number(save_last)
    if save_last is None:
        fate = ""
    elif save_last:
        fate = "; LAVIS then stops with UnboundLocalError (cur_epoch) when it saves the last checkpoint"
    elif not run.get("valid_splits"):
        fate = "; LAVIS then stops with UnboundLocalError (cur_epoch) when it picks the test epoch"
    else:
        fate = ", and the run ends without an error"
    b.invalid(("run", "max_epoch"), epochs, f"LAVIS trains range(0, max_epoch): no epoch runs and nothing trains{fate}")


def adapt(data: dict, b: RunBuilder, source: Source) -> dict:
    run = data.get("run") if isinstance(data.get("run"), dict) else {}
    iteration_runner = run.get("runner") == "runner_iter"
    if not iteration_runner and run.get("evaluate") is not True:
        _no_epoch(run, b)
    sched = run.get("lr_sched")
    return {"settings": LavisSettings(lr_sched=sched if isinstance(sched, str) else None,
                                      warmup_steps=run.get("warmup_steps"),
                                      iteration_runner=iteration_runner)}
