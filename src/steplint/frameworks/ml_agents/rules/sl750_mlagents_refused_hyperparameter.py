"""SL750 mlagents-refused-hyperparameter: a hyperparameter of the other trainer family, or
hyperparameters without a trainer_type: mlagents-learn stops with TrainerConfigError."""

from __future__ import annotations

from typing import Iterator

from ....findings import Hit
from ....rules.context import RuleContext
from ..reader import OFF_POLICY, OFF_POLICY_ONLY, ON_POLICY, ON_POLICY_ONLY, MLAgentsSettings

CODE = "SL750"
_CLASS = {"ppo": "PPOSettings", "poca": "POCASettings", "sac": "SACSettings"}


def check(ctx: RuleContext) -> Iterator[Hit]:
    s: MLAgentsSettings = ctx.settings
    for behavior in s.behaviors:
        if behavior.hyperparameters_written and not behavior.trainer_type_written:
            yield ctx.hit(f"{behavior.name}: hyperparameters without a trainer_type: ML-Agents refuses to start "
                          f"(TrainerConfigError: Hyperparameters were specified but no trainer_type was given)",
                          f"{behavior.path}.hyperparameters")
            continue
        wrong = (ON_POLICY_ONLY if behavior.trainer_type in OFF_POLICY else
                 OFF_POLICY_ONLY if behavior.trainer_type in ON_POLICY else frozenset())
        for key in behavior.hyperparameter_keys:
            if key in wrong:
                other = "PPO/POCA" if key in ON_POLICY_ONLY else "SAC"
                yield ctx.hit(f"{behavior.name}: hyperparameters.{key} is a {other} setting, but trainer_type is "
                              f"{behavior.trainer_type}: ML-Agents refuses to start (TrainerConfigError: The option "
                              f"{key} was specified in your YAML file for {_CLASS[behavior.trainer_type]}, but is "
                              f"invalid)", f"{behavior.path}.hyperparameters.{key}")
