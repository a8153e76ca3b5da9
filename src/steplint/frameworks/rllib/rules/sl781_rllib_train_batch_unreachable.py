"""SL781 rllib-train-batch-unreachable: train_batch_size more than 10% off any whole number of sampling
rounds of rollout_fragment_length × env runners × environments per runner."""

from __future__ import annotations

import math
from typing import Iterator

from ....findings import Hit
from ....rules.context import RuleContext
from ..reader import AUTO, RLlibSettings

CODE = "SL781"


def _count(setting, one: str, many: str) -> str:
    word = one if setting.value == 1 else many
    return f"{setting.value} {word}" + ("" if setting.written else " (PPO's default)")


def _percent(part: int, whole: int) -> str:
    share = round(part * 100 / whole, 1)
    return f"{share:g}%"


def check(ctx: RuleContext) -> Iterator[Hit]:
    s: RLlibSettings = ctx.settings
    for e in s.experiments:
        fragment, tbs, runners, envs = e.rollout_fragment_length, e.train_batch_size, e.env_runners, e.envs_per_runner
        # DDPPO sets train_batch_size -1 and has its own arithmetic; the new stack's per-learner batch is
        # checked against a total steplint does not rebuild
        if e.run != "PPO" or fragment == AUTO or e.per_learner or fragment.value is None or fragment.value < 1:
            continue
        if tbs.value is None or tbs.value <= 0 or runners.value is None or runners.value < 0 \
                or envs.value is None or envs.value < 1:
            continue
        per_round = max(runners.value, 1) * envs.value * fragment.value
        sampled = math.ceil(tbs.value / per_round) * per_round  # RLlib adds rounds until it has the batch
        if sampled - tbs.value <= 0.1 * tbs.value:
            continue
        suggested = tbs.value // (envs.value * (runners.value or 1))
        rounds = sampled // per_round
        yield ctx.hit(
            f"{e.name}: train_batch_size {tbs.value} is not within 10% of a whole number of sampling rounds of "
            f"rollout_fragment_length {fragment.value} × {_count(runners, 'env runner', 'env runners')}"
            f"{' (the local one samples)' if runners.value == 0 else ''} × "
            f"{_count(envs, 'environment', 'environments')} per runner = {per_round} steps: {rounds} "
            f"{'rounds sample' if rounds != 1 else 'round samples'} {sampled} ({_percent(sampled - tbs.value, tbs.value)} more). "
            f"PPO raises ValueError at start (Ray 1.x instead rewrote rollout_fragment_length to "
            f"{math.ceil(tbs.value / (max(runners.value, 1) * envs.value))}); set it to \"auto\" or {suggested}",
            fragment.key, tbs.key, runners.key, envs.key)
