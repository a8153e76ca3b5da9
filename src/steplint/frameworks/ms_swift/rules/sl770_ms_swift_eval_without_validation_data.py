"""SL770 ms-swift-eval-without-validation-data: evaluation asked for (eval_steps, eval_strategy) with
no validation data. SftArguments.__post_init__ sets eval_strategy to 'no' unless val_dataset,
cached_val_dataset, eval_dataset or a split_dataset_ratio above 0 gives it some, and the ratio
defaults to 0 since ms-swift 3.6 [swift/arguments/sft_args.py, base_args/data_args.py
`_init_val_dataset_exists`]: the run never evaluates."""

from __future__ import annotations

from typing import Iterator

from ..settings import MsSwiftSettings
from ....findings import Hit
from ....rules.context import RuleContext

CODE = "SL770"


def check(ctx: RuleContext) -> Iterator[Hit]:
    s: MsSwiftSettings = ctx.settings
    if s is None or s.eval_requested_by is None or s.validation_data is not None:
        return
    if s.split_ratio_written:
        ratio = "split_dataset_ratio is 0"
    elif s.version == "newest":
        ratio = "split_dataset_ratio defaults to 0, as from ms-swift 3.6 (0.01 before: pass --framework-version ms-swift=X.Y)"
    else:
        ratio = f"split_dataset_ratio defaults to 0 in {s.version}"
    yield ctx.hit(f"{s.eval_requested_by} {s.eval_requested_value!r} asks for evaluation, but there is no validation "
                  f"data (no val_dataset, and {ratio}): ms-swift sets eval_strategy to 'no' and the run makes 0 "
                  "evaluations", s.eval_requested_by)
