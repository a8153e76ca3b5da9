"""SL710 verl-refused-at-start: prompt and mini-batch sizes verl refuses before the first rollout,
checked only with every size written in the file (verl's command lines usually override them).

- data.train_batch_size below actor.ppo_mini_batch_size: ActorConfig.validate raises ValueError
  (verl/workers/config/actor.py).
- data.train_batch_size × rollout.n not a multiple of the GPUs (n_gpus_per_node × nnodes, FSDP):
  validate_config asserts (verl/utils/config.py).
Neither applies with use_dynamic_bsz.
"""

from __future__ import annotations

from typing import Iterator

from ..settings import VerlSettings
from ....findings import Hit
from ....rules.context import RuleContext, num
from ....units import to_number

CODE = "SL710"


def check(ctx: RuleContext) -> Iterator[Hit]:
    s: VerlSettings = ctx.settings
    if s.dynamic_bsz is True:
        return
    batch, mini = to_number(s.train_batch_size), to_number(s.ppo_mini_batch_size)
    if batch is not None and mini is not None and batch < mini:
        yield ctx.hit(f"data.train_batch_size {num(batch)} is below actor_rollout_ref.actor.ppo_mini_batch_size "
                      f"{num(mini)}: verl stops at start with ValueError (train_batch_size must be >= "
                      f"ppo_mini_batch_size)", "data.train_batch_size", "actor_rollout_ref.actor.ppo_mini_batch_size")
    n, per_node, nodes = to_number(s.rollout_n), to_number(s.n_gpus_per_node), to_number(s.nnodes)
    if s.strategy in (None, "fsdp", "fsdp2") and batch is not None and n is not None and per_node and nodes:
        gpus = per_node * nodes
        if (batch * n) % gpus:
            yield ctx.hit(f"data.train_batch_size {num(batch)} × rollout.n {num(n)} = {num(batch * n)} is not a "
                          f"multiple of the {num(gpus)} GPUs ({num(per_node)} per node × {num(nodes)}): verl's "
                          f"validate_config asserts at start", "data.train_batch_size", "actor_rollout_ref.rollout.n",
                          "trainer.n_gpus_per_node")
