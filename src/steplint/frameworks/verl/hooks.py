"""What the verl profile cannot say as data: one loader on the single controller (the world size
does not divide the prompts), no gradient accumulation over the prompt batch, which events
save_freq / test_freq (-1 or 0: off) rule out, and the settings SL710 reads
[verl/trainer/ppo/ray_trainer.py `fit`; verl/utils/config.py `validate_config`]."""

from __future__ import annotations

from ..base import RunBuilder, Source, value_at
from ...units import to_number
from .settings import VerlSettings




def adapt(data: dict, b: RunBuilder, source: Source) -> dict:
    b.count("world_size", 1, ("data",), note="verl's controller loads every prompt batch itself")
    b.assumptions.append("one prompt loader on verl's controller: the GPU count does not split the prompts "
                         "(a --world-size would)")
    b.count("gradient_accumulation", 1, ("data",), note="one training step per prompt batch")
    ruled_out = []
    for event, key in (("checkpoint", "save_freq"), ("eval", "test_freq")):
        value = to_number(value_at(data, "trainer", key))
        if value is None and value_at(data, "trainer", key) is None:
            value = -1  # ppo_trainer.yaml: -1
        if value is not None and value <= 0:
            ruled_out.append(event)
    final = tuple(e for e in ("checkpoint", "eval") if e not in ruled_out)
    actor = value_at(data, "actor_rollout_ref", "actor")
    return {"ruled_out": tuple(ruled_out), "final_events": final, "settings": VerlSettings(
        train_batch_size=value_at(data, "data", "train_batch_size"),
        ppo_mini_batch_size=value_at(actor, "ppo_mini_batch_size"),
        rollout_n=value_at(data, "actor_rollout_ref", "rollout", "n"),
        n_gpus_per_node=value_at(data, "trainer", "n_gpus_per_node"), nnodes=value_at(data, "trainer", "nnodes"),
        dynamic_bsz=value_at(actor, "use_dynamic_bsz"), strategy=value_at(actor, "strategy"))}
