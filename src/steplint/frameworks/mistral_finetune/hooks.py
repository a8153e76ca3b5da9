"""What the mistral-finetune profile cannot say as data: which events the config rules out
(`no_eval` defaults to true, `no_ckpt` to false [finetune/args.py]) and the settings SL706 reads."""

from __future__ import annotations

from ..base import RunBuilder, Source, at_the_last_step_only
from .settings import MistralFinetuneSettings


def adapt(data: dict, b: RunBuilder, source: Source) -> dict:
    no_eval = data.get("no_eval", True) is not False
    no_ckpt = data.get("no_ckpt", False) is True
    ruled_out = (("eval",) if no_eval else ()) + (("checkpoint",) if no_ckpt else ())
    final = tuple(e for e in ("checkpoint", "eval") if e not in ruled_out)
    data_section = data.get("data") if isinstance(data.get("data"), dict) else {}
    # train.py `_train`: `(args.ckpt_freq > 0 and state.step % args.ckpt_freq == 0) or is_last_step` (eval_freq
    # alike): a frequency of 0, the default, or below leaves the one at the last step
    only_last = tuple(label for label, key in (("checkpoint", "ckpt_freq"), ("eval", "eval_freq"))
                      if label in final and not b.has(label) and _at_most_zero(data.get(key, 0)))
    overrides = {"cadence": at_the_last_step_only(*only_last)} if only_last else {}
    return {**overrides, "ruled_out": ruled_out, "final_events": final,
            "settings": MistralFinetuneSettings(no_eval=no_eval, eval_data=data_section.get("eval_instruct_data", ""),
                                                num_microbatches=data.get("num_microbatches", 1),
                                                num_ckpt_keep=data.get("num_ckpt_keep", 3))}


def _at_most_zero(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value <= 0
