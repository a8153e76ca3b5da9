"""StyleTTS 2 training configs (yl4579/StyleTTS2 @ 5cedc71c: Configs/config.yml, config_libritts.yml
for train_first.py + train_second.py; config_ft.yml for train_finetune.py).

What the scripts do with the numbers:

* train_first.py runs `epochs_1st` epochs (default 200), train_second.py `epochs_2nd` (default 200),
  train_finetune.py `epochs` (default 200): `for epoch in range(start_epoch, epochs)`. One optimizer
  step per batch of `batch_size` (default 10; meldataset.py `build_dataloader`: drop_last for training).
* `loss_params.TMA_epoch` (stage 1), `diff_epoch` and `joint_epoch` (stage 2 and fine-tuning) are
  the epochs from which alignment training (TMA), style diffusion and the SLM-adversarial joint
  training start: `if epoch >= diff_epoch`. When train_second.py / train_finetune.py start from
  the first stage they shift diff_epoch, joint_epoch and epochs alike; when they resume a
  pretrained model with `load_only_params: false` (`if load_pretrained: ... load_checkpoint`) the
  start epoch comes from the checkpoint and nothing is shifted, so a stage start at or past
  `epochs` still never holds.
* train_finetune.py saves when `(epoch + 1) % save_freq == 0` (default 2); `log_interval` counts
  batches (logging only).
* Utils/ASR/config.yml and Utils/PLBERT/config.yml are the training configs of AuxiliaryASR and
  PL-BERT, which StyleTTS 2 reads only for `model_params`: not read here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Optional

from ...units import Unit, to_number
from ..base import Adapted, Dialect, RunBuilder, Semantics, Source

# stage -> (epochs key, default, the loss_params start keys it reads, script)
STAGES = {
    "first": ("epochs_1st", ("TMA_epoch",), "train_first.py"),
    "second": ("epochs_2nd", ("diff_epoch", "joint_epoch"), "train_second.py"),
    "finetune": ("epochs", ("diff_epoch", "joint_epoch"), "train_finetune.py"),
}
DEFAULT_EPOCHS = 200


@dataclass(frozen=True)
class StageStart:
    script: str
    epochs: int
    epochs_key: Optional[str]  # None: the script's default
    start_key: str
    start: float
    resumed: bool  # the loop starts at the epoch of a checkpoint the config names (epochs and starts unshifted)


@dataclass(frozen=True)
class StyleTTS2Settings:
    starts: tuple[StageStart, ...] = ()


def _number(value: Any) -> Optional[float]:
    """A finite number, else None."""
    number = None if isinstance(value, bool) else to_number(value)
    return number if number is not None and math.isfinite(number) else None


class StyleTTS2(Dialect):
    name = "styletts2"
    description = "StyleTTS 2 configs (epochs_1st / epochs_2nd or epochs, batch_size, loss_params.TMA_epoch / diff_epoch / joint_epoch)"
    triggers = frozenset({"loss_params"})

    def score(self, data: dict) -> float:
        loss = data.get("loss_params")
        if not isinstance(loss, dict) or not isinstance(data.get("model_params"), dict):
            return 0.0
        if ("epochs_1st" in data or "epochs_2nd" in data) or ("epochs" in data and {"diff_epoch", "joint_epoch"} & set(loss)):
            return 0.9
        return 0.0

    def adapt(self, data: dict, source: Source) -> Adapted:
        b = RunBuilder(strict=False)
        loss = data.get("loss_params") if isinstance(data.get("loss_params"), dict) else {}
        finetune = "epochs_1st" not in data and "epochs_2nd" not in data
        stages = ("finetune",) if finetune else tuple(s for s in ("first", "second"))
        if "batch_size" in data:
            b.count("train_loader.batch_size", data["batch_size"], ("batch_size",))
        else:
            b.count("train_loader.batch_size", 10, ("batch_size",), note="StyleTTS 2 default batch_size")
        if b.has("train_loader.batch_size"):
            b.flag("train_loader.drop_last", True, ("batch_size",))
        if finetune:
            b.duration("epochs", data.get("epochs", DEFAULT_EPOCHS), ("epochs",), Unit.EPOCH,
                       note=None if "epochs" in data else "train_finetune.py default epochs")
            save = _number(data.get("save_freq", 2))
            if save and save > 0:
                b.duration("checkpoint", save, ("save_freq",), Unit.EPOCH,
                           note=None if "save_freq" in data else "train_finetune.py default save_freq")
        else:
            b.assumptions.append("two stages in one file: train_first.py runs epochs_1st and train_second.py "
                                 "epochs_2nd; the run length is not one number, so only the stage rules apply")
        resumed = (str(data.get("pretrained_model", "") or "") != "" and data.get("second_stage_load_pretrained") is True
                   and data.get("load_only_params") is False)
        starts = []
        for stage in stages:
            key, start_keys, script = STAGES[stage]
            epochs = _number(data.get(key, DEFAULT_EPOCHS))
            if epochs is None:
                continue
            for start_key in start_keys:
                start = _number(loss.get(start_key))
                if start is None:
                    continue
                starts.append(StageStart(script, int(epochs), key if key in data else None,
                                         f"loss_params.{start_key}", start,
                                         resumed=resumed and stage != "first"))
        semantics = Semantics("StyleTTS 2: one optimizer step per batch (drop_last), epochs per training script, "
                              "stage starts in loss_params counted in epochs")
        return b.build(semantics, StyleTTS2Settings(tuple(starts)))
