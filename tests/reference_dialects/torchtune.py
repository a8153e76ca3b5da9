"""The hand-written torchtune recipe configs dialect steplint had before its profile (frameworks/torchtune/profile.yaml),
kept as the reference the profile must reproduce (tests/test_profiles.py).

torchtune recipe configs (`tune run <recipe> --config <file>`): flat YAML with `_component_` nodes.

What the SFT/LoRA/KD/DPO recipes do with the numbers (frameworks.md §4; torchtune
recipes/full_finetune_distributed.py, lora_finetune_single_device.py, ... `_setup_data`, `train`):

    sampler = StatefulDistributedSampler(num_replicas = data-parallel size)   pads like DistributedSampler
    loader  = StatefulDataLoader(batch_size = B, drop_last = True)            always drop_last
    L       = floor(ceil(N / P) / B)
    U       = L // GA                      floor: the last L mod GA micro-batches of every epoch are
                                           never loaded (HEAD); 0.6.1 runs them and carries their
                                           gradients into the next epoch's first step
    U       = min(U, max_steps_per_epoch)
    T       = epochs × U                   the scheduler's num_training_steps
    L < GA  -> U = 0: ZeroDivisionError at `global_step % steps_per_epoch` when train() starts (HEAD);
               0.6.1 never steps the optimizer
    lr_scheduler.num_warmup_steps counts optimizer steps; the scheduler steps after every optimizer step.
    HEAD saves every save_every_n_steps optimizer steps (default: once per epoch) and always at the end.

The RL recipes (PPO, GRPO: `ppo_epochs`, `num_steps`, `grpo_samples`) count time differently; only
their logging interval is read.
"""

from __future__ import annotations

from typing import Any, Optional

from steplint.units import Unit, to_number
from steplint.frameworks.base import Adapted, Dialect, RunBuilder, Semantics, Source, walk
from steplint.frameworks.torchtune.settings import TorchtuneSettings

RL_KEYS = {"ppo_epochs", "ppo_batch_size", "grpo_samples", "num_steps", "forward_batch_size"}
TOP_KEYS = {"checkpointer", "tokenizer", "model", "dataset", "optimizer", "loss", "output_dir", "metric_logger"}




def _component(node: Any) -> Optional[str]:
    return node.get("_component_") if isinstance(node, dict) and isinstance(node.get("_component_"), str) else None


class Torchtune(Dialect):
    name = "torchtune"
    versions_read = ("torchtune",)
    description = "torchtune recipe configs (top-level epochs, batch_size, gradient_accumulation_steps; `_component_` nodes)"

    def score(self, data: dict) -> float:
        components = [v for _, k, v in walk(data, max_nodes=5_000, keys=("_component_",)) if k == "_component_" and isinstance(v, str)]
        if any(c.startswith("torchtune.") for c in components):
            return 0.9
        if components and len(set(map(str, data)) & TOP_KEYS) >= 3:
            return 0.6
        return 0.0

    def adapt(self, data: dict, source: Source) -> Adapted:
        b = RunBuilder(strict=False, framework="torchtune recipe", yaml_loader="omegaconf")
        version = source.version("torchtune")
        rl = bool(set(map(str, data)) & RL_KEYS)
        sem: dict[str, Any] = {}
        settings: dict[str, Any] = {"version": version}
        log = to_number(data.get("log_every_n_steps"))
        if log is not None and log > 0:
            b.duration("logging", data["log_every_n_steps"], ("log_every_n_steps",), Unit.STEP)
        if rl:
            b.assumptions.append("an RL recipe (PPO/GRPO): its steps are not epochs × batches; only logging is read")
            return b.build(Semantics("torchtune RL recipe"), TorchtuneSettings(**settings))
        if "batch_size" in data and to_number(data["batch_size"]) is not None:
            b.count("train_loader.batch_size", data["batch_size"], ("batch_size",))
            if b.has("train_loader.batch_size"):
                # StatefulDataLoader(..., drop_last=True) in every recipe: not a config key.
                b.flag("train_loader.drop_last", True, ("batch_size",))
        if "epochs" in data and data["epochs"] is not None:
            b.duration("epochs", data["epochs"], ("epochs",), Unit.EPOCH)
        ga = data.get("gradient_accumulation_steps")
        if ga is not None:
            b.count("gradient_accumulation", ga, ("gradient_accumulation_steps",))
            settings["accumulation_key"] = "gradient_accumulation_steps"
        # N <= an absolute split slice and N >= a public dataset's rows came after the profile: the
        # reference reads them the same way
        from steplint.frameworks.torchtune.hooks import _known_rows, _split_limit
        _split_limit(data, b)
        _known_rows(data, b)
        cap = to_number(data.get("max_steps_per_epoch"))
        if isinstance(cap, int) and cap > 0:
            sem["max_steps_per_epoch"] = cap
            settings["max_steps_per_epoch"] = cap
        if data.get("optimizer_in_bwd") is True:
            settings["optimizer_in_bwd"], settings["optimizer_in_bwd_key"] = True, "optimizer_in_bwd"
        sched = data.get("lr_scheduler")
        name = _component(sched)
        if name:
            b.name("schedule.name", name.rsplit(".", 1)[-1], ("lr_scheduler", "_component_"))
        if isinstance(sched, dict) and to_number(sched.get("num_warmup_steps")) is not None:
            b.duration("schedule.warmup", sched["num_warmup_steps"], ("lr_scheduler", "num_warmup_steps"), Unit.STEP,
                       zero_is_unset=True)
        for key, unit in (("save_every_n_steps", Unit.STEP), ("save_every_n_epochs", Unit.EPOCH)):
            every = to_number(data.get(key))
            if every is not None and every > 0:
                b.duration("checkpoint", data[key], (key,), unit)
                break
        old = TorchtuneSettings(version=version).carries_leftovers
        how = ("leftover micro-batches run and carried into the next epoch" if old
               else "the last L mod GA micro-batches of each epoch skipped")
        semantics = Semantics(
            f"torchtune recipe: DistributedSampler, drop_last=True, floor(L / GA) optimizer steps per epoch ({how})",
            accumulation_rounding="drop", final_events=("checkpoint",), **sem)
        return b.build(semantics, TorchtuneSettings(**settings))
