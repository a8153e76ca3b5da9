"""SL706 mistral-finetune-refused-at-start: settings mistral-finetune asserts on before training.

- `no_eval: false` with no `data.eval_instruct_data`: train.py asserts "Either set `no_eval` to True
  or provide evaluation samples under `data.eval_instruct_data`".
- num_microbatches below 1, num_ckpt_keep below 1: TrainArgs.__post_init__ asserts
  [finetune/args.py].
"""

from __future__ import annotations

from typing import Iterator

from ..settings import MistralFinetuneSettings
from ....findings import Hit
from ....rules.context import RuleContext
from ....units import to_number

CODE = "SL706"


def check(ctx: RuleContext) -> Iterator[Hit]:
    s: MistralFinetuneSettings = ctx.settings
    if not s.no_eval and (s.eval_data is None or s.eval_data == ""):
        yield ctx.hit("no_eval is false but data.eval_instruct_data is empty: mistral-finetune stops at start with "
                      "an AssertionError (set no_eval: true, or give evaluation data)", "no_eval",
                      "data.eval_instruct_data")
    for key, value in (("num_microbatches", s.num_microbatches), ("num_ckpt_keep", s.num_ckpt_keep)):
        number = to_number(value)
        if number is not None and number < 1:
            yield ctx.hit(f"{key} {value} is below 1: mistral-finetune stops at start (TrainArgs asserts "
                          f"{key} >= 1)", key)
