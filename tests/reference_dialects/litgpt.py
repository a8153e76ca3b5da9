"""The hand-written LitGPT finetune and pretrain configs dialect steplint had before its profile (frameworks/litgpt/profile.yaml),
kept as the reference the profile must reproduce (tests/test_profiles.py).

LitGPT (jsonargparse YAML with `train:` and `eval:` sections) [S-LG litgpt/args.py `TrainArgs`,
`EvalArgs`; litgpt/finetune/lora.py `fit`, `validate_args`; litgpt/pretrain.py `fit`].

    per-rank batch   = train.global_batch_size // (devices × num_nodes)      (floor, unchecked)
    accumulation     = per-rank batch // train.micro_batch_size              (floor, only asserted > 0)
    steps per epoch  = len(train loader) // accumulation                     (finetune)
    the run          = the first of train.epochs and train.max_steps; pretrain: train.max_tokens
                       alone (its loop never reads max_steps: litgpt/pretrain.py `fit`)
    at the end       = a validation unless eval.final_validation is false, then the final save
    warmup           = train.lr_warmup_steps (default 100) optimizer steps, or train.lr_warmup_fraction
                       of ONE epoch (pretrain); both set -> ValueError in TrainArgs.__post_init__
    train.save_interval, eval.interval: optimizer steps; train.log_interval: iterations (micro-batches)
"""

from __future__ import annotations

import math
from typing import Any, Optional

from steplint.units import Unit
from steplint.units import to_number as _to_number
from steplint.frameworks.base import Adapted, Dialect, RunBuilder, Semantics, Source
from steplint.frameworks.litgpt.settings import LitgptSettings, DEFAULT_WARMUP_STEPS


def to_number(value: Any) -> Optional[float]:
    """units.to_number, without infinities and NaN (`1e999` is not a duration anyone can run)."""
    number = _to_number(value)
    return number if number is not None and math.isfinite(number) else None


_TRAIN_KEYS = {"global_batch_size", "micro_batch_size", "lr_warmup_steps", "lr_warmup_fraction", "save_interval",
               "log_interval", "max_tokens", "max_steps", "epochs", "max_seq_length", "max_norm", "min_lr",
               "tie_embeddings"}
_EVAL_KEYS = {"interval", "max_iters", "max_new_tokens", "initial_validation", "final_validation", "evaluate_example"}
_TOP_KEYS = {"checkpoint_dir", "out_dir", "model_name", "model_config", "precision", "devices", "num_nodes",
             "logger_name", "tokenizer_dir", "initial_checkpoint_dir", "resume", "quantize", "seed"}




class Litgpt(Dialect):
    name = "litgpt"
    description = "LitGPT finetune/pretrain YAML (train.global_batch_size, train.micro_batch_size, eval.interval)"

    def score(self, data: dict) -> float:
        train = data.get("train")
        if not isinstance(train, dict):
            return 0.0
        train_keys = _TRAIN_KEYS & train.keys()
        if not ({"global_batch_size", "micro_batch_size", "lr_warmup_steps", "lr_warmup_fraction"} & train_keys):
            return 0.0
        evals = data.get("eval")
        others = (isinstance(evals, dict) and bool(_EVAL_KEYS & evals.keys())) or len(_TOP_KEYS & data.keys()) >= 2
        if len(train_keys) >= 2 and others:
            return 0.9
        return 0.0

    def adapt(self, data: dict, source: Source) -> Adapted:
        b = RunBuilder(strict=False, framework="LitGPT")
        train = data.get("train") if isinstance(data.get("train"), dict) else {}
        evals = data.get("eval") if isinstance(data.get("eval"), dict) else {}
        t = lambda key: ("train", key)  # noqa: E731

        self._world(b, data)
        # N of a data module with a fixed size came after the profile: the reference reads it the same way
        from steplint.frameworks.litgpt.hooks import _dataset_size
        _dataset_size(data, b)
        if train.get("global_batch_size") is not None:
            b.count("global_batch_size", train["global_batch_size"], t("global_batch_size"))
        if train.get("micro_batch_size") is not None:
            b.count("train_loader.batch_size", train["micro_batch_size"], t("micro_batch_size"))
        for key, field, unit in (("epochs", "epochs", Unit.EPOCH), ("max_steps", "max_steps", Unit.STEP)):
            if key == "max_steps" and train.get("max_tokens") is not None:
                continue  # pretrain: max_iters comes from max_tokens alone
            if train.get(key) is not None:
                b.duration(field, train[key], t(key), unit, zero_is_unset=True)
        if train.get("max_tokens") is not None and not b.has("max_steps"):
            b.duration("max_steps", train["max_tokens"], t("max_tokens"), Unit.TOKEN, zero_is_unset=True)

        settings = self._warmup(b, train)
        if train.get("save_interval") is not None:
            b.duration("checkpoint", train["save_interval"], t("save_interval"), Unit.STEP, zero_is_unset=True)
        if train.get("log_interval") is not None:
            b.duration("logging", train["log_interval"], t("log_interval"), Unit.BATCH, zero_is_unset=True)
        if evals.get("interval") is not None:
            b.duration("eval", evals["interval"], ("eval", "interval"), Unit.STEP, zero_is_unset=True)

        seq = to_number(train.get("max_seq_length"))
        semantics = Semantics(
            "LitGPT: accumulation = global_batch_size // (micro_batch_size × devices × num_nodes) (floor, "
            "unchecked); steps per epoch = len(loader) // accumulation; the first of epochs and max_steps ends the run",
            accumulation_rounding="drop",
            accumulation_from_global=True,
            global_batch_floored=True,
            tokens_per_sample=seq if isinstance(seq, int) and seq > 0 else None,
            final_events=("checkpoint",) if evals.get("final_validation") is False else ("checkpoint", "eval"),
        )
        return b.build(semantics, LitgptSettings(**settings))

    @staticmethod
    def _world(b: RunBuilder, data: dict) -> None:
        devices = data.get("devices")
        count = len(devices) if isinstance(devices, list) else to_number(devices)
        if not isinstance(count, int) or count < 1:
            return  # "auto", -1: every visible device, unknown here
        nodes = to_number(data.get("num_nodes"))
        if isinstance(nodes, int) and nodes > 1:
            b.count("world_size", count * nodes, ("num_nodes",), note=f"{nodes} nodes × {count} devices")
        else:
            b.count("world_size", count, ("devices",))

    @staticmethod
    def _warmup(b: RunBuilder, train: dict) -> dict[str, Any]:
        settings: dict[str, Any] = {}
        fraction = to_number(train.get("lr_warmup_fraction"))
        if "lr_warmup_steps" in train:
            steps = to_number(train["lr_warmup_steps"])
            settings["warmup_steps_key"] = "train.lr_warmup_steps"
        else:
            steps = DEFAULT_WARMUP_STEPS
        settings["warmup_steps"] = steps
        if fraction:
            settings["warmup_fraction"], settings["warmup_fraction_key"] = fraction, "train.lr_warmup_fraction"
        # lr_warmup_fraction (pretrain: ceil(fraction × len(train_dataloader)) micro-iterations, a fraction
        # of ONE epoch) is not mapped: as an epoch count it would read as a schedule in epochs (SL101).
        if steps and not fraction and "lr_warmup_steps" in train:
            b.duration("schedule.warmup", steps, ("train", "lr_warmup_steps"), Unit.STEP)
        return settings
