"""Reinforcement-learning configs (RL Baselines3 Zoo, Unity ML-Agents): rollouts and minibatch passes,
never dataset epochs."""

from __future__ import annotations

import pytest

from steplint.findings import Severity

from .conftest import ROOT, SHARED, check_file, codes, lint

WILD = SHARED / "corpus-wild"
ZOO = WILD / "DLR-RM__rl-baselines3-zoo" / "hyperparams"
needs_zoo = pytest.mark.skipif(not ZOO.is_dir(), reason="../shared/corpus-wild (rl-baselines3-zoo) is absent")
SAMPLES = ROOT / "sample_configs"


@needs_zoo
def test_every_zoo_file_is_rl_zoo_and_only_the_ppo_minibatch_findings_come_back():
    results = {p.name: check_file(p, dataset_size=50_000, world_size=8) for p in sorted(ZOO.glob("*.yml"))}
    assert {name: r.dialect for name, r in results.items()} == {name: "rl-zoo" for name in results}
    loud = [(name, f.rule, f.key_path) for name, r in results.items() for f in r.findings
            if f.severity >= Severity.WARNING]
    # batch_size larger than the whole rollout buffer (n_envs 1): SB3 warns on each of them; a dataset
    # size changes nothing (n_epochs, n_steps and batch_size are never read as dataset epochs or batches)
    assert loud == [("ppo.yml", "SL740", "MountainCarContinuous-v0.batch_size"),
                    ("ppo.yml", "SL740", "InvertedDoublePendulum-v2.batch_size"),
                    ("ppo.yml", "SL740", "InvertedPendulum-v2.batch_size")]


ENTRY = """
CartPole-v1:
  n_envs: {n_envs}
  n_timesteps: !!float 1e5
  policy: 'MlpPolicy'
  n_steps: {n_steps}
  {batch}
  n_epochs: 20
"""


@pytest.mark.parametrize("n_envs,n_steps,batch,expected", [
    (8, 32, "batch_size: 256", []),
    (8, 32, "batch_size: 96", ["SL740"]),       # 256 = 2 × 96 + 64
    (8, 32, "batch_size: 1", ["SL741"]),        # PPO asserts batch_size > 1
    (1, 1, "batch_size: 64", ["SL741"]),        # n_steps * n_envs must be > 1
    (3, 100, "", ["SL740"]),                    # SB3's default batch_size 64 does not divide 300
    (4, 1024, "", []),                          # 4096 / 64
])
def test_ppo_minibatch_arithmetic(n_envs, n_steps, batch, expected):
    result = lint(ENTRY.format(n_envs=n_envs, n_steps=n_steps, batch=batch), "ppo.yml")
    assert codes(result) == expected


def test_ppo_checks_batch_and_rollout_only_when_it_normalises_advantages():
    # stable_baselines3/ppo/ppo.py `PPO.__init__`: `if normalize_advantage: assert batch_size > 1` and
    # `assert buffer_size > 1 or not normalize_advantage`: with normalize_advantage False PPO starts
    off = "normalize_advantage: false\n  "
    assert codes(lint(ENTRY.format(n_envs=8, n_steps=32, batch=off + "batch_size: 1"), "ppo.yml")) == []
    assert codes(lint(ENTRY.format(n_envs=8, n_steps=32, batch="normalize_advantage: true\n  batch_size: 1"),
                      "ppo.yml")) == ["SL741"]
    # a 1-transition rollout starts too; batch_size 64 then does not divide it and PPO warns (ppo.py:153)
    result = lint(ENTRY.format(n_envs=1, n_steps=1, batch=off + "batch_size: 64"), "ppo.yml")
    assert codes(result) == ["SL740"]
    assert "batch_size 64 is larger than the rollout buffer (n_steps 1 × n_envs 1 = 1)" in result.findings[0].message


def test_the_file_name_is_the_algorithm():
    text = ENTRY.format(n_envs=8, n_steps=32, batch="batch_size: 96")
    assert codes(lint(text, "trpo.yml")) == ["SL740"]      # TRPO warns the same way
    assert codes(lint(text, "ppo_lstm.yml")) == []         # RecurrentPPO does not check
    assert codes(lint(text, "a2c.yml")) == []


def test_truncated_minibatch_message_counts_the_minibatches():
    result = lint(ENTRY.format(n_envs=8, n_steps=32, batch="batch_size: 96"), "ppo.yml")
    assert "2 minibatches of 96 and a truncated one of 64" in result.findings[0].message
    assert result.findings[0].key_path == "CartPole-v1.batch_size"


# off_policy_algorithm.py `collect_rollouts` adds n_envs per step, train_freq steps per rollout
# (utils.py `should_collect_more_steps`), from 0 while num_timesteps < n_timesteps (`learn`), and `learn`
# trains after a rollout only when num_timesteps > learning_starts: the last count is ceil(20000 / k) × k
@pytest.mark.parametrize("learning_starts,train_freq,n_envs,fires", [
    (20000, 1, 1, True),
    (19999, 1, 1, False),     # the last step makes num_timesteps 20000 > 19999: one gradient step
    (20000, 4, 1, True),      # rollouts of 4 end exactly at 20000, never past it
    (19999, 4, 1, False),
    (20001, 3, 1, True),      # rollouts of 3: the last ends at 20001 (6667 × 3)
    (20000, 3, 1, False),     # 20001 > 20000: one training round
    (20003, 2, 4, True),      # rollouts of 2 × 4 = 8 end at 20000
])
def test_off_policy_learning_starts_against_n_timesteps(learning_starts, train_freq, n_envs, fires):
    text = (f"Pendulum-v1:\n  n_timesteps: 20000\n  policy: MlpPolicy\n  n_envs: {n_envs}\n"
            f"  learning_starts: {learning_starts}\n  train_freq: {train_freq}\n")
    assert codes(lint(text, "sac.yml")) == (["SL742"] if fires else [])


def test_dqn_default_train_freq_never_trains_when_learning_starts_is_the_run():
    # dqn.py `DQN.__init__`: train_freq 4 by default; 1000 environment steps are 250 rollouts of 4 ending at
    # num_timesteps 1000, and off_policy_algorithm.py `learn` needs num_timesteps > learning_starts (1000)
    text = "CartPole-v1:\n  n_timesteps: 1000\n  policy: MlpPolicy\n  learning_starts: 1000\n"
    result = lint(text, "dqn.yml")
    assert codes(result) == ["SL742"]
    assert "learning_starts 1000 but the run is n_timesteps 1000 environment steps:" in result.findings[0].message
    assert codes(lint(text.replace("learning_starts: 1000", "learning_starts: 999"), "dqn.yml")) == []
    # 1001 steps take 251 rollouts, to 1004 > 1000: one training round
    assert codes(lint(text.replace("n_timesteps: 1000", "n_timesteps: 1001"), "dqn.yml")) == []
    result = lint(text.replace("n_timesteps: 1000", "n_timesteps: 999"), "dqn.yml")
    assert "n_timesteps 999 environment steps (its last rollout of train_freq 4 × n_envs 1 ends at 1000)" \
        in result.findings[0].message


def test_zoo_samples():
    assert check_file(SAMPLES / "rl_zoo" / "ppo.yml").findings == []
    assert codes(check_file(SAMPLES / "rl_zoo" / "bad" / "ppo.yml")) == ["SL740", "SL740", "SL741"]


MLA = WILD / "Unity-Technologies__ml-agents" / "config"
needs_mla = pytest.mark.skipif(not MLA.is_dir(), reason="../shared/corpus-wild (ml-agents) is absent")


@needs_mla
def test_every_ml_agents_config_is_ml_agents_with_no_finding():
    results = {p: check_file(p, dataset_size=50_000, world_size=8) for p in sorted(MLA.rglob("*.yaml"))}
    assert len(results) == 24
    assert {r.dialect for r in results.values()} == {"ml-agents"}
    # num_epoch and max_steps are never read as dataset epochs or optimizer steps
    assert [f for r in results.values() for f in r.findings] == []


def test_ml_agents_refused_hyperparameters_and_sequence_length():
    result = check_file(SAMPLES / "ml_agents" / "bad.yaml")
    assert [(f.rule, f.key_path) for f in result.findings] == [
        ("SL750", "behaviors.3DBall.hyperparameters.num_epoch"),
        ("SL751", "behaviors.Hallway.network_settings.memory.sequence_length")]
    assert check_file(SAMPLES / "ml_agents" / "good.yaml").findings == []


def test_ml_agents_default_settings_merge_under_each_behavior():
    text = """
default_settings:
  trainer_type: sac
  hyperparameters: {batch_size: 256}
behaviors:
  Walker:
    hyperparameters: {num_epoch: 3}
    max_steps: 1000000
  Crawler:
    trainer_type: ppo
    hyperparameters: {num_epoch: 3}
"""
    result = lint(text)
    assert [(f.rule, f.key_path) for f in result.findings] == [("SL750", "behaviors.Walker.hyperparameters.num_epoch")]
    # hyperparameters with no trainer_type anywhere; SAC's default batch 128 against sequence 256
    result = lint("behaviors:\n  A:\n    hyperparameters: {batch_size: 64}\n  B:\n    trainer_type: sac\n"
                  "    network_settings: {memory: {sequence_length: 256}}\n")
    assert [(f.rule, f.key_path) for f in result.findings] == [
        ("SL750", "behaviors.A.hyperparameters"), ("SL751", "behaviors.B.network_settings.memory.sequence_length")]
    assert "batch_size 128 (the sac default)" in result.findings[1].message
