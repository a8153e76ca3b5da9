"""Rules stage: the registry, one table from rule code to its check.

Each rule is a small module with `CODE` and `check(ctx)`, which yields `Hit`s. Its name, severity
and docs live in the `rules/` catalogue. Rules without a module here are raised by an earlier
stage (loading, or reading the dialect), which is the only place that can see those problems.
"""

from __future__ import annotations

import importlib
from typing import Callable, Iterator

from ..findings import Hit
from .context import RuleContext

Check = Callable[[RuleContext], Iterator[Hit]]

# The registry table: one module per rule, in code order.
RULE_MODULES = (
    "sl101_mixed_time_units",
    "sl102_horizon_unit_mismatch",
    "sl201_total_steps_mismatch",
    "sl202_epochs_and_max_steps",
    "sl203_warmup_exceeds_run",
    "sl204_interval_exceeds_run",
    "sl205_schedule_horizon_mismatch",
    "sl206_zero_steps_per_epoch",
    "sl301_batchnorm_without_drop_last",
    "sl302_eval_drop_last",
    "sl303_global_batch_mismatch",
    "sl401_hf_load_best_model_mismatch",
    "sl402_hf_interval_ignored",
    "sl403_streaming_without_max_steps",
    "sl404_accumulation_exceeds_epoch",
    "sl405_warmup_ignored_by_scheduler",
    "sl406_warmup_steps_and_ratio",
    "sl407_hf_float_warmup_steps",
    "sl408_save_total_limit_zero",
    "sl409_hf_removed_argument",
    "sl410_deepspeed_hf_mismatch",
    "sl411_deepspeed_scheduler_steps",
    "sl412_axolotl_conflicting_keys",
    "sl413_hf_accumulation_remainder_lost",
    "sl451_lightning_val_check_exceeds_epoch",
    "sl452_lightning_log_interval_exceeds_epoch",
    "sl453_lightning_no_checkpoint_saved",
    "sl454_lightning_cli_scheduler_per_epoch",
    "sl455_lightning_checkpoint_on_validation_epochs",
    "sl456_lightning_int_one_batch",
    "sl457_lightning_refused_at_start",
    "sl470_torchtune_accumulation_remainder",
    "sl471_torchtune_loader_shorter_than_accumulation",
    "sl472_torchtune_optimizer_in_bwd_accumulation",
    "sl480_detectron2_ims_per_batch_world_size",
    "sl501_composer_warmup_units",
    "sl502_composer_t_max_short",
    "sl503_composer_warmup_rounds_to_zero",
    "sl504_composer_bare_eval_interval",
    "sl505_llmfoundry_batch_not_divisible",
    "sl510_olmo_warmup_truncated",
    "sl511_olmo_batch_floor",
    "sl520_litgpt_both_warmups",
    "sl530_neox_warmup_of_decay",
    "sl531_neox_decay_before_end",
    "sl532_megatron_both_warmups",
)

CHECKS: dict[str, Check] = {}
for _name in RULE_MODULES:
    _module = importlib.import_module(f".{_name}", __name__)
    CHECKS[_module.CODE] = _module.check

# Raised while loading (SL001, SL002, SL005), while reading the dialect (SL003, SL004), or when
# inline suppressions are applied (SL006).
RAISED_BEFORE_RULES = ("SL001", "SL002", "SL003", "SL004", "SL005", "SL006")

__all__ = ["CHECKS", "RAISED_BEFORE_RULES", "RuleContext"]
