"""What the verl profile cannot say as data: one loader on the single controller (the world size
does not divide the prompts), no gradient accumulation over the prompt batch, which events
save_freq / test_freq (-1 or 0: off) rule out, a warmup ratio of a written total_training_steps, and
the settings SL710 reads [verl/trainer/ppo/ray_trainer.py `fit`; verl/utils/config.py `validate_config`]."""

from __future__ import annotations

from ..base import RunBuilder, Source, value_at
from ...units import Unit, to_number
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
    _warmup_of_written_total(data, b)
    return {"ruled_out": tuple(ruled_out), "final_events": final, "settings": VerlSettings(
        train_batch_size=value_at(data, "data", "train_batch_size"),
        ppo_mini_batch_size=value_at(actor, "ppo_mini_batch_size"),
        rollout_n=value_at(data, "actor_rollout_ref", "rollout", "n"),
        n_gpus_per_node=value_at(data, "trainer", "n_gpus_per_node"), nnodes=value_at(data, "trainer", "nnodes"),
        dynamic_bsz=value_at(actor, "use_dynamic_bsz"), strategy=value_at(actor, "strategy"))}


def _warmup_of_written_total(data: dict, b: RunBuilder) -> None:
    """The actor's warmup from lr_warmup_steps_ratio is int(ratio × total_training_steps), the
    value ray_trainer.py injects into the optimizer config: a written total_training_steps even
    where the epochs end the run before it (verl/workers/fsdp_workers.py `_build_model_optimizer`:
    `num_warmup_steps = int(num_warmup_steps_ratio * total_steps)`)."""
    total = to_number(value_at(data, "trainer", "total_training_steps"))
    optim = value_at(data, "actor_rollout_ref", "actor", "optim")
    steps, ratio = to_number(value_at(optim, "lr_warmup_steps")), to_number(value_at(optim, "lr_warmup_steps_ratio"))
    if isinstance(total, bool) or isinstance(ratio, bool) or total is None or ratio is None or total <= 0 \
            or not 0 < ratio <= 1 or steps is not None and steps > 0:
        return  # no ratio, or the profile's fraction of the run (total_training_steps = the epochs' steps)
    warmup = int(ratio * total)
    path = ("actor_rollout_ref", "actor", "optim", "lr_warmup_steps_ratio")
    if warmup > 0:
        b.duration("schedule.warmup", warmup, path, Unit.STEP,
                   note=f"int({ratio:g} × trainer.total_training_steps {int(total)})")
    else:
        b.raw.get("schedule", {}).pop("warmup", None)  # int() floors it to none
