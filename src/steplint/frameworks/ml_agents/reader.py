"""Unity ML-Agents trainer configs: the YAML `mlagents-learn` reads (`behaviors.<name>`, with
`default_settings` deep-merged under each behavior).

What ML-Agents does with them (Unity-Technologies/ml-agents, ml-agents/mlagents/trainers/settings.py
`TrainerSettings`, `TrainerSettings.structure`, `strict_to_cls`, `HyperparamSettings`,
`OnPolicyHyperparamSettings`, `OffPolicyHyperparamSettings`; trainer/on_policy_trainer.py
`_is_ready_update`, `_update_policy`; ppo/optimizer_torch.py `PPOSettings`; sac/optimizer_torch.py
`SACSettings`):

* `max_steps`, `checkpoint_interval`, `summary_freq` and `time_horizon` count agent steps of the
  environment, not optimizer steps; there is no dataset and no epoch.
* PPO / POCA update once the experience buffer holds more than `buffer_size` steps: `num_epoch`
  passes over it in `buffer_length // batch_size` minibatches. SAC samples `batch_size` from a
  replay buffer of `buffer_size`. Defaults: PPO/POCA batch_size 1024, buffer_size 10240,
  num_epoch 3; SAC batch_size 128, buffer_size 50000; trainer_type ppo; max_steps 500000,
  checkpoint_interval 500000, summary_freq 50000, time_horizon 64; memory.sequence_length 64.
* Refused at start (TrainerConfigError): `hyperparameters` without a `trainer_type`; a
  hyperparameter the trainer type's settings class does not have (`strict_to_cls`); with
  `network_settings.memory`, a `sequence_length` larger than `batch_size`.

None of these is a dataset epoch, batch or optimizer-step count, so the canonical run is left empty
(no generic rule applies) and ML-Agents' own rules read the behaviors.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from ...named_files import deep_merge
from ...units import whole_number
from ..base import Adapted, Dialect, RunBuilder, Semantics, Source

TRAINER_KEYS = frozenset({"trainer_type", "hyperparameters", "max_steps", "time_horizon", "summary_freq",
                          "network_settings", "reward_signals", "keep_checkpoints", "checkpoint_interval",
                          "self_play", "behavioral_cloning"})
ON_POLICY = frozenset({"ppo", "poca"})
OFF_POLICY = frozenset({"sac"})
# hyperparameters only one family's settings class has: under the other, strict_to_cls refuses them
ON_POLICY_ONLY = frozenset({"num_epoch", "beta", "epsilon", "lambd", "shared_critic", "beta_schedule",
                            "epsilon_schedule"})
OFF_POLICY_ONLY = frozenset({"buffer_init_steps", "tau", "steps_per_update", "save_replay_buffer",
                             "init_entcoef", "reward_signal_steps_per_update"})
DEFAULT_BATCH = {"ppo": 1024, "poca": 1024, "sac": 128}
DEFAULT_SEQUENCE_LENGTH = 64


@dataclass(frozen=True)
class Behavior:
    name: str
    path: str  # where the behavior is written: behaviors.<name> or default_settings
    trainer_type: Optional[str]
    trainer_type_written: bool
    hyperparameter_keys: tuple[str, ...]
    hyperparameters_written: bool
    batch_size: Optional[int]
    batch_size_key: Optional[str]
    sequence_length: Optional[int]  # with network_settings.memory only
    sequence_length_key: Optional[str]


@dataclass(frozen=True)
class MLAgentsSettings:
    behaviors: tuple[Behavior, ...] = ()




def _trainer_like(value: Any) -> bool:
    return isinstance(value, dict) and bool(TRAINER_KEYS & set(map(str, value)))


class MLAgents(Dialect):
    name = "ml-agents"
    description = "Unity ML-Agents trainer configs (behaviors.<name>.hyperparameters, max_steps, time_horizon)"
    triggers = frozenset({"behaviors", "default_settings"})

    def score(self, data: dict) -> float:
        behaviors = data.get("behaviors")
        if isinstance(behaviors, dict) and behaviors and all(_trainer_like(v) or v is None
                                                             for v in behaviors.values()) \
                and any(_trainer_like(v) for v in behaviors.values()):
            return 0.9
        if _trainer_like(data.get("default_settings")) and "hyperparameters" in data["default_settings"]:
            return 0.9
        return 0.0

    def adapt(self, data: dict, source: Source) -> Adapted:
        b = RunBuilder(strict=False)
        b.assumptions.append("ML-Agents trainer config: max_steps, checkpoint_interval and summary_freq count agent "
                             "steps, num_epoch the passes over each experience buffer; no dataset epochs, so only "
                             "ML-Agents' own rules apply, per behavior")
        default = data.get("default_settings") if isinstance(data.get("default_settings"), dict) else {}
        written = [(f"behaviors.{name}", str(name), value) for name, value in (data.get("behaviors") or {}).items()
                   if isinstance(value, dict)] if isinstance(data.get("behaviors"), dict) else []
        if default and not written:
            written = [("default_settings", "default_settings", {})]
        behaviors = []
        for path, name, own in written:
            merged = deep_merge(default, own)  # settings.py `deep_update_dict`

            def where(*keys: str, own=own, path=path) -> str:
                node: Any = own
                for key in keys:
                    if not isinstance(node, dict) or key not in node:
                        return "default_settings." + ".".join(keys)
                    node = node[key]
                return f"{path}." + ".".join(keys)

            trainer_type = merged.get("trainer_type")
            trainer_type = trainer_type if isinstance(trainer_type, str) else None
            hyper = merged.get("hyperparameters") if isinstance(merged.get("hyperparameters"), dict) else {}
            batch = whole_number(hyper["batch_size"]) if "batch_size" in hyper else DEFAULT_BATCH.get(trainer_type or "ppo")
            network = merged.get("network_settings") if isinstance(merged.get("network_settings"), dict) else {}
            memory = network.get("memory")
            sequence = None
            if isinstance(memory, dict):
                sequence = whole_number(memory["sequence_length"]) if "sequence_length" in memory \
                    else DEFAULT_SEQUENCE_LENGTH
            behaviors.append(Behavior(
                name=name, path=path, trainer_type=trainer_type if trainer_type else "ppo",
                trainer_type_written="trainer_type" in merged,
                hyperparameter_keys=tuple(map(str, hyper)), hyperparameters_written="hyperparameters" in merged,
                batch_size=batch, batch_size_key=where("hyperparameters", "batch_size") if "batch_size" in hyper else None,
                sequence_length=sequence,
                sequence_length_key=where("network_settings", "memory", "sequence_length")
                if isinstance(memory, dict) and "sequence_length" in memory else where("network_settings", "memory")))
        semantics = Semantics("Unity ML-Agents: agent steps, experience buffers and minibatch passes, no dataset epochs")
        return b.build(semantics, MLAgentsSettings(tuple(behaviors)))
