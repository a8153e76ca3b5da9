"""SL401 hf-load-best-model-mismatch: load_best_model_at_end with save and eval cadences that
transformers refuses (training_args.py `__post_init__`), reproduced before the job starts."""

from __future__ import annotations

from typing import Iterator

from ..reader import HFSettings, number_of
from ....findings import Hit
from ....rules.context import RuleContext, num

CODE = "SL401"


def check(ctx: RuleContext) -> Iterator[Hit]:
    s: HFSettings = ctx.settings
    if s.flavour == "axolotl":
        return
    best = s.written("load_best_model_at_end")
    if best is None or best.value is not True:
        return
    save, evaluate = s.get("save_strategy"), s.get("eval_strategy")
    save_v, eval_v = str(save.value).lower(), str(evaluate.value).lower()
    if save_v == "best":
        return
    where = f"transformers {s.version.text} raises ValueError when TrainingArguments is built"
    if save_v != eval_v:
        yield ctx.hit(f"load_best_model_at_end needs the save and eval strategies to match, but {save.key} is "
                      f"'{save_v}' and {evaluate.key} is '{eval_v}': {where}", best.key,
                      save.key if save.written else None, evaluate.key if evaluate.written else None)
        return
    if eval_v != "steps":
        return
    save_steps, eval_steps, eval_key = number_of(s.get("save_steps")), *_eval_steps(s)
    if save_steps is None or eval_steps is None or eval_steps == 0 or save_steps % eval_steps == 0:
        return
    keys = (s.get("save_steps").key if s.get("save_steps").written else None, eval_key)
    if eval_steps < 1 or save_steps < 1:
        if not (eval_steps < 1 and save_steps < 1):
            yield ctx.hit(f"load_best_model_at_end needs checkpoints at evaluation steps, but save_steps "
                          f"{num(save_steps)} and eval_steps {num(eval_steps)} mix a ratio of the run with a step "
                          f"count: {where}", best.key, *keys)
            return
        parts = round(eval_steps * 1_000_000)  # ratios compared in millionths of the run
        if parts == 0 or round(save_steps * 1_000_000) % parts == 0:
            return
    yield ctx.hit(f"load_best_model_at_end needs checkpoints at evaluation steps, but save_steps {num(save_steps)} "
                  f"is not a multiple of eval_steps {num(eval_steps)}: {where}", best.key, *keys)


def _eval_steps(s):
    """eval_steps, or logging_steps when it is unset or 0 (what __post_init__ does)."""
    eval_steps = number_of(s.get("eval_steps"))
    if eval_steps:
        return eval_steps, s.get("eval_steps").key
    logging = s.get("logging_steps")
    return number_of(logging), (logging.key if logging is not None and logging.written else None)
