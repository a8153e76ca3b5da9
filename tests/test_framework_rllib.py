"""Ray RLlib experiment YAML (rllib/tuned_examples, `rllib train file`): rollout batches, sampling
rounds and minibatch passes, never dataset epochs."""

from __future__ import annotations

import pytest

from .conftest import ROOT, check_file, codes, lint

SAMPLES = ROOT / "sample_configs"


def experiment(config: str, stop: str = "", run: str = "PPO") -> str:
    """One experiment in the tuned_examples layout; `config` and `stop` are YAML lines of their blocks."""
    text = f"exp:\n    env: CartPole-v1\n    run: {run}\n"
    if stop:
        text += "    stop:\n" + "".join(f"        {line}\n" for line in stop.splitlines())
    return text + "    config:\n" + "".join(f"        {line}\n" for line in config.splitlines())


def test_samples():
    assert check_file(SAMPLES / "rllib" / "good.yaml").findings == []
    result = check_file(SAMPLES / "rllib" / "bad.yaml")
    assert result.dialect == "rllib"
    assert [(f.rule, f.key_path) for f in result.findings] == [
        ("SL780", "cartpole-ppo.config.sgd_minibatch_size"),
        ("SL781", "atari-ppo.config.rollout_fragment_length"),
        ("SL782", "pendulum-ppo.config.lr_schedule"),
        ("SL783", "cartpole-ppo-new-stack.config.lr_schedule"),
        ("SL784", "cartpole-ppo-no-gae.config.use_gae")]


def test_dataset_size_and_world_size_change_nothing():
    # num_sgd_iter / minibatches are passes over the rollout batch, never dataset epochs or batches
    for name in ("good.yaml", "bad.yaml"):
        plain = check_file(SAMPLES / "rllib" / name)
        sized = check_file(SAMPLES / "rllib" / name, dataset_size=50_000, world_size=8)
        assert [(f.rule, f.message) for f in sized.findings] == [(f.rule, f.message) for f in plain.findings]


@pytest.mark.parametrize("text,dialect", [
    (experiment("train_batch_size: 4000"), "rllib"),
    (experiment("lr: 0.001", run="DQN"), "rllib"),                        # a registered algorithm
    (experiment("num_workers: 4", run="my_trainable"), "rllib"),           # RLlib's own keys
])
def test_experiments_are_rllib(text, dialect):
    assert lint(text, "x.yaml").dialect == dialect


def test_a_tune_experiment_of_another_trainable_is_not_rllib():
    text = "search:\n  run: train_mnist\n  stop: {training_iteration: 10}\n  config: {lr: 0.1, momentum: 0.9}\n"
    assert lint(text, "x.yaml").dialect != "rllib"


@pytest.mark.parametrize("path", [SAMPLES / "rl_zoo" / "ppo.yml", SAMPLES / "ml_agents" / "good.yaml"])
def test_other_rl_files_keep_their_dialect(path):
    assert check_file(path).dialect != "rllib"


# --- SL780: minibatch larger than the train batch ------------------------------------------------

@pytest.mark.parametrize("config,expected", [
    ("train_batch_size: 400\nsgd_minibatch_size: 512", ["SL780"]),
    ("train_batch_size: 512\nsgd_minibatch_size: 512", []),            # equal is allowed
    ("minibatch_size: 8192", ["SL780"]),                               # against PPO's default 4000
    ("train_batch_size: 100", ["SL780"]),                              # PPO's default minibatch 128 > 100
    ("train_batch_size: {grid_search: [100, 4000]}\nsgd_minibatch_size: 512", []),
])
def test_minibatch_against_train_batch(config, expected):
    assert codes(lint(experiment(config), "x.yaml")) == expected


def test_minibatch_message_names_both_numbers_and_defaults():
    result = lint(experiment("minibatch_size: 8192"), "x.yaml")
    assert "minibatch_size 8192 is larger than train_batch_size 4000 (PPO's default)" in result.findings[0].message
    assert result.findings[0].key_path == "exp.config.minibatch_size"


def test_minibatch_against_the_per_learner_batch_of_the_new_stack():
    result = lint(experiment("train_batch_size_per_learner: 256\nminibatch_size: 512"), "x.yaml")
    assert codes(result) == ["SL780"]
    assert "train_batch_size_per_learner 256" in result.findings[0].message


def test_minibatch_rule_is_ppo_only():
    assert codes(lint(experiment("train_batch_size: 400\nsgd_minibatch_size: 512", run="APPO"), "x.yaml")) == []


# --- SL781: train_batch_size out of reach of the sampling rounds ---------------------------------

@pytest.mark.parametrize("config,fires", [
    ("train_batch_size: 5000\nrollout_fragment_length: 100\nnum_env_runners: 10\nnum_envs_per_env_runner: 5", False),
    ("train_batch_size: 1000\nrollout_fragment_length: 1100\nnum_workers: 1", False),   # 10% over: allowed
    ("train_batch_size: 1000\nrollout_fragment_length: 1101\nnum_workers: 1", True),    # 10.1% over
    ("train_batch_size: 1000\nrollout_fragment_length: 300\nnum_workers: 1", True),     # 4 rounds: 1200
    ("train_batch_size: 1000\nrollout_fragment_length: 1101\nnum_workers: 0", True),    # the local worker samples
    ("train_batch_size: 1000\nrollout_fragment_length: auto\nnum_workers: 1", False),
    ("train_batch_size: 1000\nnum_workers: 1", False),                                 # default differs by version
    ("train_batch_size: 4000\nrollout_fragment_length: 1500", True),                   # 2 default runners: 6000
    ("train_batch_size: 4000\nrollout_fragment_length: 200\nnum_envs_per_worker: {grid_search: [16, 32]}", False),
    ("train_batch_size: 4000\nrollout_fragment_length: 1500\nnum_workers: 1\nnum_env_runners: 2", False),  # unclear
    ("train_batch_size_per_learner: 1000\nrollout_fragment_length: 1500\nnum_env_runners: 1", False),
])
def test_train_batch_against_sampling_rounds(config, fires):
    assert codes(lint(experiment(config), "x.yaml")) == (["SL781"] if fires else [])


def test_train_batch_message_counts_the_rounds_and_names_defaults():
    result = lint(experiment("train_batch_size: 4000\nrollout_fragment_length: 1500"), "x.yaml")
    message = result.findings[0].message
    assert "1500 × 2 env runners (PPO's default) × 1 environment (PPO's default) per runner = 3000 steps" in message
    assert "2 rounds sample 6000 (50% more)" in message
    assert 'set it to "auto" or 2000' in message
    assert result.findings[0].key_path == "exp.config.rollout_fragment_length"
    just_over = lint(experiment("train_batch_size: 1000\nrollout_fragment_length: 1101\nnum_workers: 0"), "x.yaml")
    assert "0 env runners (the local one samples)" in just_over.findings[0].message
    assert "1 round samples 1101 (10.1% more)" in just_over.findings[0].message


# --- SL782: lr_schedule beyond the stop -----------------------------------------------------------

@pytest.mark.parametrize("schedule,stop,extra,fires", [
    ("[[0, 0.001], [1000000, 0.00001]]", "timesteps_total: 400000", "", True),
    ("[[0, 0.001], [400000, 0.00001]]", "timesteps_total: 400000", "", False),        # ends at the stop
    ("[[0, 0.001], [400001, 0.00001]]", "timesteps_total: 400000", "", True),
    ("[[0, 0.001], [100000, 0.00001], [1000000, 0.00001]]", "timesteps_total: 400000", "", False),  # flat
    ("[[0, 0.001], [1000000, 0.00001]]", "training_iteration: 100", "", False),       # no timesteps stop
    ("[[0, 0.001], [1000000, 0.00001]]", "timesteps_total: 400000", "multiagent: {policies: [a, b]}", False),
    ("[[0, 0.001], [1000000, 0.00001]]", "timesteps_total: 400000", "_enable_new_api_stack: true", False),
    ("[[1000000, 0.00001], [0, 0.001]]", "timesteps_total: 400000", "", False),       # unsorted: refused
])
def test_lr_schedule_against_the_stop(schedule, stop, extra, fires):
    config = f"lr_schedule: {schedule}" + (f"\n{extra}" if extra else "")
    assert codes(lint(experiment(config, stop=stop), "x.yaml")) == (["SL782"] if fires else [])


def test_lr_schedule_message_gives_the_lr_at_the_stop():
    result = lint(experiment("lr_schedule: [[0, 0.001], [1000000, 0.00001]]", stop="timesteps_total: 400000"),
                  "x.yaml")
    message = result.findings[0].message
    assert "reaches lr 1e-05 at timestep 1000000" in message
    assert "never gets past 0.000604" in message and "the last 600000 timesteps" in message
    assert result.findings[0].related == ["exp.stop.timesteps_total"]


# --- SL783: the old stack's schedules on the new stack -------------------------------------------

@pytest.mark.parametrize("config,expected", [
    ("enable_rl_module_and_learner: true\nlr_schedule: [[0, 0.001], [1000, 0.0001]]", ["SL783"]),
    ("api_stack: {enable_rl_module_and_learner: true}\nentropy_coeff_schedule: [[0, 0.01], [1000, 0.0]]",
     ["SL783"]),
    ("enable_rl_module_and_learner: true\nlr_schedule: null", []),                  # None is what it asks for
    ("enable_rl_module_and_learner: false\nlr_schedule: [[0, 0.001], [1000, 0.0001]]", []),
    ("lr_schedule: [[0, 0.001], [1000, 0.0001]]", []),                               # the file does not say
    ("enable_rl_module_and_learner: true\nlr: [[0, 0.001], [1000, 0.0001]]", []),
])
def test_old_schedules_on_the_new_stack(config, expected):
    result = lint(experiment(config), "x.yaml")
    assert codes(result) == expected
    if expected:
        assert result.findings[0].related and "enable_rl_module_and_learner" in result.findings[0].related[0]


# --- SL784: truncated episodes without GAE ----------------------------------------------------------

@pytest.mark.parametrize("config,expected", [
    ("use_gae: false", ["SL784"]),                                   # truncate_episodes is PPO's default
    ("use_gae: false\nbatch_mode: truncate_episodes", ["SL784"]),
    ("use_gae: false\nbatch_mode: complete_episodes", []),
    ("use_gae: false\nbatch_mode: {grid_search: [complete_episodes, truncate_episodes]}", []),
    ("use_gae: true", []),
])
def test_truncation_needs_gae(config, expected):
    assert codes(lint(experiment(config), "x.yaml")) == expected


def test_truncation_rule_is_ppo_only():
    assert codes(lint(experiment("use_gae: false", run="A2C"), "x.yaml")) == []


HOSTILE = [
    experiment("train_batch_size: .inf\nsgd_minibatch_size: .nan\nrollout_fragment_length: 0"),
    experiment("train_batch_size: 0\nrollout_fragment_length: -5\nnum_workers: -1\nnum_envs_per_worker: 0"),
    experiment("lr_schedule: [[a, b], [1]]", stop="timesteps_total: .inf"),
    experiment("lr_schedule: [[0, 0.1], [0, 0.2]]", stop="timesteps_total: -1"),
    experiment("lr_schedule: 5\ntrain_batch_size: [1]", stop="timesteps_total: [1]"),
    "exp:\n  run: PPO\n  config: null\n  stop: 3\n",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_values_never_fail(text):
    result = lint(text, "x.yaml", dataset_size=1000, world_size=3)
    assert result.error is None
    assert result.dialect == "rllib" or "config: null" in text
