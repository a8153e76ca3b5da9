"""SL740 sb3-truncated-minibatch: PPO/TRPO batch_size that does not divide n_steps × n_envs."""

from __future__ import annotations

from typing import Iterator

from ....findings import Hit
from ....rules.context import RuleContext
from ..reader import MINIBATCH_ALGOS, RLZooSettings

CODE = "SL740"
_NAME = {"ppo": "PPO", "trpo": "TRPO"}


def check(ctx: RuleContext) -> Iterator[Hit]:
    s: RLZooSettings = ctx.settings
    if s.algo not in MINIBATCH_ALGOS:
        return
    for e in s.entries:
        if not e.n_steps or not e.batch_size or e.n_envs < 1 or not (e.n_steps_written or e.batch_size_written):
            continue
        buffer = e.n_steps * e.n_envs
        if e.batch_size <= 1 or buffer % e.batch_size == 0:
            continue
        if buffer <= 1 and e.normalize_advantage:
            continue  # refused (ppo.py, trpo.py `__init__` assert buffer_size > 1 then): SL741 reports PPO's
        rollout = (f"n_steps {e.n_steps} × n_envs {e.n_envs} = {buffer}" if e.n_envs_written
                   else f"n_steps {e.n_steps} × 1 environment = {buffer}")
        key = f"{e.env}.batch_size" if e.batch_size_written else f"{e.env}.n_steps"
        related = f"{e.env}.n_steps" if e.batch_size_written else None
        default = "" if e.batch_size_written else f" (SB3's default for {_NAME[s.algo]})"
        if e.batch_size > buffer:
            yield ctx.hit(f"{e.env}: batch_size {e.batch_size}{default} is larger than the rollout buffer "
                          f"({rollout}): every pass over the rollout is one minibatch of {buffer}, so "
                          f"batch_size never applies; {_NAME[s.algo]} warns at start", key, related)
        else:
            full, rest = divmod(buffer, e.batch_size)
            yield ctx.hit(f"{e.env}: batch_size {e.batch_size}{default} does not divide the rollout buffer "
                          f"({rollout}): each pass takes {full} minibatches of {e.batch_size} and a truncated "
                          f"one of {rest}; {_NAME[s.algo]} warns at start (use a factor of {buffer})", key, related)
