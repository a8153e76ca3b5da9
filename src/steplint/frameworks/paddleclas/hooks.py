"""What the PaddleClas profile cannot say as data: epochs of a fixed length (Global.iter_per_epoch),
the optimizers written as a list, a warmup capped at Global.epochs, and the settings its rules read
[S-PC ppcls/engine/engine.py `Engine.__init__`, ppcls/optimizer/__init__.py `build_optimizer`,
`build_lr_scheduler`, ppcls/optimizer/learning_rate.py `LRBase.__init__`]."""

from __future__ import annotations

import math
from typing import Any, Iterator, Optional

from ..base import RunBuilder, Source
from .settings import PaddleclasSettings
from ...units import Unit, to_number


def _number(value: Any) -> Optional[float]:
    number = None if isinstance(value, bool) else to_number(value)
    return number if number is not None and math.isfinite(number) else None


def _whole(value: Any) -> Optional[int]:
    number = _number(value)
    return int(number) if number is not None and number == int(number) else None


def _lr_sections(data: dict) -> Iterator[tuple[str, dict]]:
    """(key path, lr section) of each optimizer: `Optimizer: {name, lr}` or a list of
    `{OptimizerName: {scope, lr}}` (build_optimizer turns the first into the second)."""
    optimizer = data.get("Optimizer")
    if isinstance(optimizer, dict) and isinstance(optimizer.get("lr"), dict):
        yield "Optimizer.lr", optimizer["lr"]
    elif isinstance(optimizer, list):
        for i, item in enumerate(optimizer):
            if isinstance(item, dict) and len(item) == 1:
                (name, body), = item.items()
                if isinstance(body, dict) and isinstance(body.get("lr"), dict):
                    yield f"Optimizer[{i}].{name}.lr", body["lr"]


def adapt(data: dict, b: RunBuilder, source: Source) -> dict:
    glob = data.get("Global") if isinstance(data.get("Global"), dict) else {}
    epochs = _whole(glob.get("epochs"))
    update_freq = _whole(glob.get("update_freq"))
    iter_per_epoch = _whole(glob.get("iter_per_epoch"))
    if iter_per_epoch is not None and iter_per_epoch <= 0:
        iter_per_epoch = None  # `if Global.get("iter_per_epoch")`: 0 or null means the loader's length
    lrs = list(_lr_sections(data))
    if iter_per_epoch:
        _fixed_epochs(data, glob, b, epochs, update_freq or 1, iter_per_epoch, lrs)
    else:
        _cap_warmup(b, epochs)
    during_train = glob.get("eval_during_train") is True
    return {"settings": PaddleclasSettings(
        epochs=epochs,
        update_freq=update_freq if update_freq and update_freq > 0 else 1,
        update_freq_key="Global.update_freq" if "update_freq" in glob else None,
        iter_per_epoch=iter_per_epoch,
        print_batch_step=_number(glob.get("print_batch_step")),
        eval_interval=_number(glob.get("eval_interval")) if during_train else None,
        lr_epochs=tuple((f"{key}.epochs", _number(lr["epochs"])) for key, lr in lrs
                        if _number(lr.get("epochs")) is not None),
        lr_steps_per_epoch=tuple((f"{key}.step_each_epoch", _number(lr["step_each_epoch"])) for key, lr in lrs
                                 if _number(lr.get("step_each_epoch")) is not None))}


def _cap_warmup(b: RunBuilder, epochs: Optional[int]) -> None:
    """ppcls/optimizer/learning_rate.py `LRBase.__init__`: `if warmup_epoch >= epochs: ... warmup_epoch =
    epochs` (a warning), with epochs Global.epochs (`build_lr_scheduler`): a longer warmup is the whole run."""
    warmup = b.get("schedule.warmup")
    if epochs is None or epochs <= 0 or not isinstance(warmup, dict) or warmup.get("unit") is not Unit.EPOCH:
        return
    if warmup["value"] > epochs:
        b.duration("schedule.warmup", epochs, tuple(warmup["key"].split(".")), Unit.EPOCH,
                   note=f"warmup_epoch {warmup['value']:g} capped at Global.epochs {epochs} (PaddleClas LRBase)")


def _fixed_epochs(data: dict, glob: dict, b: RunBuilder, epochs: Optional[int], update_freq: int,
                  iter_per_epoch: int, lrs: list) -> None:
    """Global.iter_per_epoch: every epoch is that many iterations (the loader is restarted when it
    runs out), floored to a multiple of update_freq, which the engine sets to 1 when it is larger.
    The run and its epoch intervals are then known in optimizer steps without the dataset size."""
    if update_freq > iter_per_epoch:
        update_freq = 1
        b.count("gradient_accumulation", 1, ("Global", "update_freq"),
                note="PaddleClas sets update_freq to 1 when it exceeds Global.iter_per_epoch")
    per_epoch = iter_per_epoch // update_freq
    how = f"× {per_epoch} optimizer steps per epoch (Global.iter_per_epoch {iter_per_epoch}" + (
        f" // update_freq {update_freq})" if update_freq > 1 else ")")
    if epochs is not None and epochs > 0:
        b.duration("max_steps", epochs * per_epoch, ("Global", "epochs"), Unit.STEP, note=f"{epochs} epochs {how}")
    b.duration("checkpoint", per_epoch, ("Global", "epochs"), Unit.STEP,
               note=f"`latest` every epoch {how}")
    evaluate = _number(glob.get("eval_interval"))
    if glob.get("eval_during_train") is True and evaluate is not None and evaluate > 0:
        b.duration("eval", evaluate * per_epoch, ("Global", "eval_interval"), Unit.STEP,
                   note=f"every {evaluate:g} epochs {how}")
    if len(lrs) == 1:
        key, lr = lrs[0]
        warmup = _number(lr.get("warmup_epoch"))
        if warmup is not None and warmup > 0:  # LRBase: round(min(warmup_epoch, epochs) × step_each_epoch)
            capped = epochs is not None and 0 < epochs < warmup
            cap = f", capped at Global.epochs {epochs} (PaddleClas LRBase)" if capped else ""
            b.duration("schedule.warmup", round((epochs if capped else warmup) * per_epoch),
                       tuple(key.split(".")) + ("warmup_epoch",), Unit.STEP, note=f"{warmup:g} epochs{cap} {how}")


def legacy(data: dict, b: RunBuilder, source: Source) -> dict:
    """A PaddleClas 1.x config: nothing is read, so nothing is checked."""
    return {}
