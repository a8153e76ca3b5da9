"""VITS training configs (jaywalnut310/vits @ 2e561ba5 configs/*.json, read by train.py and utils.get_hparams).

What train.py does with the numbers:

* `train.epochs` epochs (`for epoch in range(epoch_str, hps.train.epochs + 1)`), `train.batch_size`
  per GPU (one process per GPU). The loader's batches come from `DistributedBucketSampler`
  (data_utils.py), which groups utterances by length and pads every bucket to a multiple of
  GPUs × batch_size, so the batches per epoch are not a function of the dataset size: the run's
  length in steps is not derivable from the config, and the intervals are not compared with it.
* `train.log_interval` and `train.eval_interval` count global steps from 0; at every eval_interval
  (step 0 included) train.py evaluates and saves G_<step>.pth / D_<step>.pth.
* The LR decays per epoch (ExponentialLR, gamma `train.lr_decay`). `train.warmup_epochs` and
  `train.init_lr_ratio` are in every shipped config but train.py never reads them: there is no warmup.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from ...units import to_number
from ..base import Adapted, Dialect, RunBuilder, Semantics, Source

TRAIN_KEYS = frozenset({"log_interval", "eval_interval", "epochs", "batch_size", "segment_size", "lr_decay",
                        "c_mel", "c_kl", "fp16_run", "betas", "eps", "warmup_epochs", "init_lr_ratio"})


@dataclass(frozen=True)
class VITSSettings:
    warmup_epochs: Optional[float] = None
    init_lr_ratio: Optional[float] = None


def _number(value: Any) -> Optional[float]:
    return None if isinstance(value, bool) else to_number(value)


class VITS(Dialect):
    name = "vits"
    description = "VITS configs (train.epochs, train.batch_size, train.eval_interval, data.hop_length, model)"
    triggers = frozenset({"segment_size", "c_mel"})  # in train:, as score() needs one

    def score(self, data: dict) -> float:
        train, d = data.get("train"), data.get("data")
        if not isinstance(train, dict) or not isinstance(d, dict) or not isinstance(data.get("model"), dict):
            return 0.0
        own = len(TRAIN_KEYS & set(train)) >= 4 and {"segment_size", "c_mel"} & set(train)
        audio = {"training_files", "hop_length", "filter_length", "sampling_rate"} & set(d)
        return 0.9 if own and audio else 0.0

    def adapt(self, data: dict, source: Source) -> Adapted:
        b = RunBuilder(strict=False)
        train = data.get("train") if isinstance(data.get("train"), dict) else {}
        if "batch_size" in train:
            b.count("train_loader.batch_size", train["batch_size"], ("train", "batch_size"))
        b.assumptions.append("DistributedBucketSampler pads each length bucket to a multiple of GPUs × batch_size: "
                             "the steps per epoch are not derivable from the dataset size, so the run length in "
                             "steps is not computed")
        settings = VITSSettings(_number(train.get("warmup_epochs")), _number(train.get("init_lr_ratio")))
        semantics = Semantics("VITS: train.py with DistributedBucketSampler, one generator and discriminator step "
                              "per batch; evaluation and checkpoints every eval_interval global steps")
        return b.build(semantics, settings)
