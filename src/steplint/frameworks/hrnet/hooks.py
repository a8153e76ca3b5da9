"""What the HRNet profile cannot say as data: GPUS is a tuple written as text ("(0,1,2,3)", which
yacs literal_evals), and the batch and world size depend on the trainer: the segmentation trainer
runs BATCH_SIZE_PER_GPU on each of len(GPUS) distributed ranks, the classification trainer one
DataParallel process of BATCH_SIZE_PER_GPU × len(GPUS) [HRNet-Semantic-Segmentation tools/train.py,
HRNet-Image-Classification tools/train.py]. Both validate and save checkpoint.pth.tar after every
epoch."""

from __future__ import annotations

from typing import Optional

from ..base import RunBuilder, Source, yacs_value
from ...units import Unit, whole_number
from .settings import HrnetSettings

# lib/config/default.py of each repository
DEFAULTS = {"seg": {"TRAIN.END_EPOCH": 484, "TRAIN.BATCH_SIZE_PER_GPU": 32, "TRAIN.BEGIN_EPOCH": 0, "GPUS": (0,)},
            "cls": {"TRAIN.END_EPOCH": 140, "TRAIN.BATCH_SIZE_PER_GPU": 32, "TRAIN.BEGIN_EPOCH": 0, "GPUS": (0,)}}




def _where(dotted: str, written: bool) -> tuple:
    return tuple(dotted.split(".")) if written else ("TRAIN",)


def adapt(data: dict, b: RunBuilder, source: Source) -> dict:
    model = data.get("MODEL") if isinstance(data.get("MODEL"), dict) else {}
    name = model.get("NAME")
    if name not in ("seg_hrnet", "seg_hrnet_ocr", "cls_hrnet"):
        return {"settings": HrnetSettings()}
    segmentation = name != "cls_hrnet"
    defaults = DEFAULTS["seg" if segmentation else "cls"]
    framework = "HRNet" + (" segmentation" if segmentation else " classification")

    def note(dotted: str, written: bool) -> Optional[str]:
        return None if written else f"{framework} default {dotted}"

    gpus_value, gpus_written = yacs_value(data, "GPUS", defaults)
    gpus = len(gpus_value) if isinstance(gpus_value, (list, tuple)) and gpus_value else None
    batch, batch_written = yacs_value(data, "TRAIN.BATCH_SIZE_PER_GPU", defaults)
    batch = whole_number(batch)
    end, end_written = yacs_value(data, "TRAIN.END_EPOCH", defaults)
    end = whole_number(end)
    begin, begin_written = yacs_value(data, "TRAIN.BEGIN_EPOCH", defaults)
    begin = whole_number(begin)
    if gpus is not None and batch is not None and batch > 0:
        if segmentation:
            b.count("train_loader.batch_size", batch, _where("TRAIN.BATCH_SIZE_PER_GPU", batch_written),
                    note=note("TRAIN.BATCH_SIZE_PER_GPU", batch_written))
            b.count("world_size", gpus, ("GPUS",), note=f"len(GPUS) = {gpus} ranks (torch.distributed.launch, as the "
                                                           f"README runs it)")
            b.flag("train_loader.drop_last", True, _where("TRAIN.BATCH_SIZE_PER_GPU", batch_written))
        else:
            b.count("train_loader.batch_size", batch * gpus, _where("TRAIN.BATCH_SIZE_PER_GPU", batch_written),
                    note=f"BATCH_SIZE_PER_GPU {batch} × len(GPUS) {gpus} in one DataParallel process")
            b.count("world_size", 1, ("GPUS",), note="one DataParallel process")
    if end is not None:
        # the segmentation trainer starts at 0 (or the resumed epoch) whatever BEGIN_EPOCH says
        start = begin if not segmentation and begin is not None and begin >= 0 else 0
        epochs = end - start
        if epochs > 0:
            b.duration("epochs", epochs, _where("TRAIN.END_EPOCH", end_written), Unit.EPOCH,
                       note=f"END_EPOCH {end} - BEGIN_EPOCH {start}" if start else note("TRAIN.END_EPOCH", end_written))
            where = _where("TRAIN.END_EPOCH", end_written)
            b.duration("checkpoint", 1, where, Unit.EPOCH, note="checkpoint.pth.tar after every epoch")
            b.duration("eval", 1, where, Unit.EPOCH, note="validation after every epoch")
    lr_step: Optional[tuple] = None
    if not segmentation:
        steps, steps_written = yacs_value(data, "TRAIN.LR_STEP", {"TRAIN.LR_STEP": [90, 110]})
        if isinstance(steps, (list, tuple)) and steps and all(whole_number(m) is not None for m in steps):
            lr_step = tuple(whole_number(m) for m in steps)
    if segmentation:
        extra_epochs = whole_number(yacs_value(data, "TRAIN.EXTRA_EPOCH", {})[0])
        extra_set = yacs_value(data, "DATASET.EXTRA_TRAIN_SET", {})[0]
        if extra_epochs and extra_epochs > 0 and extra_set:
            b.assumptions.append(f"TRAIN.EXTRA_EPOCH {extra_epochs} more epochs on DATASET.EXTRA_TRAIN_SET "
                                 f"{extra_set!r} (another dataset) are not counted")
    return {"settings": HrnetSettings(segmentation=segmentation, gpus=gpus, end_epoch=end,
                                      begin_epoch=begin if begin is not None and begin >= 0 else 0, lr_step=lr_step,
                                      lr_step_written=steps_written if lr_step else False)}
