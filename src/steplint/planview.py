"""The human view of a plan: a table of the derived numbers."""

from __future__ import annotations

_ROWS = [
    ("dataset_size", "dataset size (N)"),
    ("world_size", "world size (ranks)"),
    ("micro_batch_size", "micro-batch per rank (B)"),
    ("gradient_accumulation_steps", "gradient accumulation"),
    ("global_batch_size", "global batch (B × GA × ranks)"),
    ("samples_per_rank", "samples per rank per epoch"),
    ("batches_per_epoch", "batches per epoch (per rank)"),
    ("last_batch_size", "last batch size"),
    ("samples_dropped_per_epoch", "samples dropped per epoch"),
    ("samples_padded_per_epoch", "samples repeated per epoch (padding)"),
    ("optimizer_steps_per_epoch", "optimizer steps per epoch"),
    ("epochs", "epochs"),
    ("total_optimizer_steps", "total optimizer steps"),
    ("limited_by", "run ends by"),
    ("warmup_steps", "warmup (optimizer steps)"),
    ("checkpoint_count", "checkpoints"),
    ("first_checkpoint_step", "first checkpoint at step"),
    ("eval_count", "evaluations"),
    ("first_eval_step", "first evaluation at step"),
]


def _show(value) -> str:
    if value is None:
        return "unknown"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:.3f}".rstrip("0")
    return str(value)


def render_plan(path: str, dialect: str, plan: dict) -> str:
    width = max(len(label) for _, label in _ROWS)
    lines = [f"{path}  (dialect: {dialect})", f"semantics: {plan['semantics']}", ""]
    lines += [f"  {label:<{width}}  {_show(plan.get(key))}" for key, label in _ROWS]
    if plan.get("assumptions"):
        lines += ["", "assumed:"] + [f"  - {a}" for a in plan["assumptions"]]
    if plan.get("dataset_size") is None:
        lines += ["", "Pass --dataset-size N (or set it in the config) to derive the per-epoch numbers."]
    return "\n".join(lines)
