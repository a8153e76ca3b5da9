"""The human view of a plan: a table of the derived numbers."""

from __future__ import annotations

from dataclasses import fields

from .plan import Plan

# The table's rows: the plan's labelled fields, in their order.
_ROWS = [(f.name, f.metadata["label"]) for f in fields(Plan) if "label" in f.metadata]


# The rows of an event, and its count: an event that never happens reads "none", not 0 and "unknown".
_COUNT_OF = {"checkpoint_count": "checkpoint_count", "first_checkpoint_step": "checkpoint_count",
             "eval_count": "eval_count", "first_eval_step": "eval_count"}


def _cell(plan: dict, key: str) -> str:
    if key in _COUNT_OF and plan.get(_COUNT_OF[key]) == 0:
        return "none"
    bounds = (plan.get("bounds") or {}).get(key)
    if plan.get(key) is None and bounds:
        low, high = bounds
        return f"unknown (at least {_show(low)})" if high is None else f"unknown ({_show(low)} to {_show(high)})"
    return _show(plan.get(key))


def _show(value) -> str:
    if value is None:
        return "unknown"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:.3f}".rstrip("0")
    return str(value)


def render_plan(path: str, dialect: str, plan: dict, unicode: bool = True) -> str:
    width = max(len(label) for _, label in _ROWS)
    lines = [f"{path}  (dialect: {dialect})", f"semantics: {plan['semantics']}", ""]
    lines += [f"  {label:<{width}}  {_cell(plan, key)}" for key, label in _ROWS
              if key != "optimizer_steps_taken" or plan.get(key) != plan.get("total_optimizer_steps")]
    if plan.get("assumptions"):
        lines += ["", "assumed:"] + [f"  - {a}" for a in plan["assumptions"]]
    if plan.get("dataset_size") is None:
        lines += ["", "Pass --dataset-size N (or set it in the config) to derive the per-epoch numbers."]
    lines += ["", render_timeline(plan, unicode=unicode)]
    return "\n".join(lines)


def _marks(first, count, total) -> list[int]:
    """Steps at which a periodic event fires: every `first` steps, plus any forced final one; none
    when that does not make `count` events (Lightning validating on some epochs only)."""
    if not first or not count or not total:
        return []
    steps = list(range(first, total + 1, first))[:count]
    if len(steps) < count and steps[-1:] != [total]:
        steps.append(total)
    return steps if len(steps) == count else []


def render_timeline(plan: dict, width: int = 60, unicode: bool = True) -> str:
    """The run on one axis: warmup, checkpoints, evaluations and the end, where a person sees them."""
    total, per_epoch = plan.get("total_optimizer_steps"), plan.get("optimizer_steps_per_epoch")
    if total == 0:
        return "timeline: none (the run takes no optimizer step)"
    if not total:
        if plan.get("dataset_size") is None and plan.get("optimizer_steps_per_epoch") is None:
            return "timeline: unknown (the run's length in steps needs the dataset size: pass --dataset-size N)"
        return "timeline: unknown (the config does not give the run's length: see `steplint check`)"
    full, tick, end = ("█", "▲", "┃") if unicode else ("#", "^", "|")
    scale = total / width

    def col(step: float) -> int:
        return min(width - 1, max(0, int((step - 1e-9) / scale)))

    def row(label: str, cells: list[str]) -> str:
        return f"  {label:<11}{''.join(cells)}"

    lines = [f"timeline: {total} optimizer steps" + (f" = {_show(plan.get('epochs'))} epochs × {per_epoch}"
                                                     if per_epoch and plan.get("epochs") else "")
             + f"; one column ≈ {_show(round(scale, 2))} steps"]
    axis = [" "] * width
    if per_epoch and plan.get("epochs"):
        epochs = plan["epochs"]
        every = max(1, round(epochs / 6))
        marker = 0
        while marker <= epochs:
            text = str(marker)
            at = col(marker * per_epoch) if marker else 0
            if at + len(text) <= width and all(c == " " for c in axis[at:at + len(text)]):
                axis[at:at + len(text)] = list(text)
            marker += every
        lines.append(row("epoch", axis))
    warmup = plan.get("warmup_steps") or 0
    if warmup:
        cells = [full if i <= col(min(warmup, total)) else " " for i in range(width)]
        lines.append(row("warmup", cells) + (f"  {warmup} steps" + ("  (longer than the run!)" if warmup >= total else "")))
    end_of_schedule = plan.get("schedule_end_step")
    if end_of_schedule:
        start = col(min(warmup, total)) + 1 if warmup else 0
        stop = col(min(end_of_schedule, total))
        cells = ["-" if start <= i <= stop else " " for i in range(width)]
        note = f"decays until step {end_of_schedule}"
        if end_of_schedule > total:
            note += f" (past the end: the run stops at {total / end_of_schedule:.0%} of it)"
        elif end_of_schedule < total:
            note += " (ends before the run)"
        lines.append(row("lr decay", cells) + f"  {note}")
    for label, first, count in (("checkpoint", plan.get("first_checkpoint_step"), plan.get("checkpoint_count")),
                                ("eval", plan.get("first_eval_step"), plan.get("eval_count"))):
        if count == 0 or first is None and count is not None:
            lines.append(row(label, [" "] * width) + "  never")
            continue
        if not first or not count:
            continue
        cells = [" "] * width
        steps = _marks(first, count, total)
        for step in steps:
            cells[col(step)] = tick
        drawn = "" if steps else " (not evenly spaced: not drawn)"
        lines.append(row(label, cells) + f"  {count}×, first at step {first}{drawn}")
    lines.append(row("end", [" "] * (width - 1) + [end]) + f"  step {total}")
    return "\n".join(lines)
