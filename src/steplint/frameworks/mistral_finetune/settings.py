"""What mistral-finetune's own rule (SL706) reads."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class MistralFinetuneSettings:
    no_eval: bool = True  # TrainArgs default
    eval_data: Any = ""  # data.eval_instruct_data as written ("" = none)
    num_microbatches: Any = 1
    num_ckpt_keep: Any = 3
