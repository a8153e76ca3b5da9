"""ms-swift `swift sft/pt/rlhf` config files (modelscope/ms-swift at 3602360a): recognised without
taking Hugging Face Trainer, LLaMA-Factory or axolotl files; the accumulation ms-swift derives when
none is written (max(1, ceil(16 / B / ranks)), TrainArgumentsMixin.__post_init__); the '#N' sample
counts of `dataset` as an upper bound on N; eval_strategy and eval_steps following save_strategy
and save_steps, and no evaluation without validation data; SL770, SL771."""

from __future__ import annotations

import pytest

from steplint.frameworks import detect
from steplint.interpolation import resolve
from steplint.loading import load_bytes

from .conftest import ROOT, check_file, codes, lint

SAMPLES = ROOT / "sample_configs" / "ms_swift"

# The shape of ms-swift's examples/yaml/deepspeed/sft.yaml (its sft.json holds the same keys).
EXAMPLE = """\
model: Qwen/Qwen2.5-7B-Instruct
torch_dtype: bfloat16
tuner_type: lora
lora_rank: 8
target_modules: all-linear
dataset:
  - 'AI-ModelScope/alpaca-gpt4-data-zh#500'
  - 'AI-ModelScope/alpaca-gpt4-data-en#500'
  - 'swift/self-cognition#500'
split_dataset_ratio: 0.0
max_length: 2048
num_train_epochs: 1
per_device_train_batch_size: 1
per_device_eval_batch_size: 1
learning_rate: 1e-4
gradient_accumulation_steps: 8
eval_steps: 50
save_steps: 50
logging_steps: 5
warmup_ratio: 0.05
deepspeed: zero2
"""

BASE = "model: Qwen/Qwen2.5-7B-Instruct\ntuner_type: lora\ndataset: ['d.jsonl']\n"


def dialect(text: str):
    return getattr(detect(resolve(load_bytes("c.yaml", text.encode()).documents[0].data)), "name", None)


def test_ms_swift_files_are_recognised_and_the_neighbours_keep_their_readers():
    assert dialect(EXAMPLE) == "ms-swift"
    assert dialect("model: m\ndataset: d#10\ntrain_type: full\nnum_train_epochs: 2\n") == "ms-swift"  # ms-swift 3.x
    # LLaMA-Factory (model_name_or_path, stage, finetuning_type, lora_rank, dataset)
    assert dialect("model_name_or_path: m\nstage: sft\nfinetuning_type: lora\nlora_rank: 8\ndataset: alpaca_en\n"
                   "per_device_train_batch_size: 1\nnum_train_epochs: 3\nsave_steps: 500\n") == "hf-trainer"
    # plain TrainingArguments
    assert dialect("per_device_train_batch_size: 8\nnum_train_epochs: 3\nsave_strategy: steps\n"
                   "save_steps: 500\nlr_scheduler_type: cosine\n") == "hf-trainer"
    # axolotl, even with a key ms-swift shares
    assert dialect("base_model: m\nmicro_batch_size: 2\nnum_epochs: 3\nsequence_len: 2048\ndatasets: []\n"
                   "attn_impl: flash\n") == "axolotl"


def test_swift_megatron_configs_are_not_read_with_the_trainers_semantics():
    # `swift megatron sft` (examples/yaml/megatron/sft.yaml) counts in Megatron's global batches
    megatron = ("model: Qwen/Qwen3.5-35B-A3B\ntuner_type: lora\ndataset: ['d#500']\nsplit_dataset_ratio: 0.01\n"
                "micro_batch_size: 1\nglobal_batch_size: 4\nnum_train_epochs: 1\nlr: 1e-4\nsave_steps: 200\n")
    assert dialect(megatron) != "ms-swift"


def test_the_example_plan_counts_as_ms_swift_does():
    plan = lint(EXAMPLE, dataset_size=1500, world_size=2).plan
    # accelerate deals whole batches: 1500 / 2 ranks = 750 batches, ceil(750 / 8) = 94 steps
    assert (plan["gradient_accumulation_steps"], plan["optimizer_steps_per_epoch"]) == (8, 94)
    # save every 50 and a save forced at the last step (DefaultFlowCallbackNew); no validation data
    assert (plan["checkpoint_count"], plan["eval_count"]) == (2, 0)


@pytest.mark.parametrize("batch,world,accumulation", [(1, 1, 16), (1, 2, 8), (3, 1, 6), (2, 4, 2), (4, 8, 1),
                                                      (32, 1, 1)])
def test_an_unwritten_accumulation_is_ceil_16_over_batch_and_ranks(batch, world, accumulation):
    text = BASE + f"per_device_train_batch_size: {batch}\nnum_train_epochs: 1\n"
    plan = lint(text, dataset_size=6400, world_size=world).plan
    assert plan["gradient_accumulation_steps"] == accumulation
    assert plan["global_batch_size"] == batch * accumulation * world


def test_a_written_accumulation_and_the_default_batch():
    plan = lint(BASE + "gradient_accumulation_steps: 2\n", dataset_size=100).plan
    assert (plan["micro_batch_size"], plan["gradient_accumulation_steps"]) == (1, 2)  # ms-swift's batch 1, not 8
    assert plan["epochs"] == 3  # transformers' num_train_epochs
    plan = lint(BASE + "gradient_accumulation_steps: '4'\n", dataset_size=100).plan  # passed on as --key str(value)
    assert plan["gradient_accumulation_steps"] == 4


def test_env_nproc_per_node_is_the_world_size():
    plan = lint("ENV: {NPROC_PER_NODE: 4, NNODES: 2}\n" + BASE, dataset_size=6400).plan
    assert (plan["world_size"], plan["gradient_accumulation_steps"]) == (8, 2)
    assert lint("ENV: {NPROC_PER_NODE: 4}\n" + BASE, dataset_size=6400, world_size=2).plan["world_size"] == 2


def test_sample_counts_bound_the_dataset():
    bounds = lint(EXAMPLE).plan["bounds"]
    assert bounds["dataset_size"][1] == 1500
    held_out = lint(EXAMPLE.replace("split_dataset_ratio: 0.0", "split_dataset_ratio: 0.1")).plan["bounds"]
    assert held_out["dataset_size"][1] == 1497  # each dataset holds out at least one row
    whole = EXAMPLE.replace("'swift/self-cognition#500'", "'swift/self-cognition'")
    assert "dataset_size" not in lint(whole).plan["bounds"] or lint(whole).plan["bounds"]["dataset_size"][1] is None
    assert lint(BASE.replace("d.jsonl", "d.jsonl#300")).plan["bounds"]["dataset_size"][1] == 300


def test_eval_follows_save_and_needs_validation_data():
    text = BASE + "split_dataset_ratio: 0.01\nnum_train_epochs: 1\nper_device_train_batch_size: 16\nsave_steps: 10\n"
    plan = lint(text, dataset_size=1600).plan  # 100 steps, GA 1
    assert (plan["first_eval_step"], plan["eval_count"]) == (10, 10)  # eval_steps := save_steps
    plan = lint(text.replace("split_dataset_ratio: 0.01", "split_dataset_ratio: 0"), dataset_size=1600).plan
    assert plan["eval_count"] == 0
    plan = lint(text + "save_strategy: epoch\n", dataset_size=1600).plan  # eval_strategy := save_strategy
    assert (plan["first_eval_step"], plan["first_checkpoint_step"]) == (100, 100)


def test_sl770_evaluation_without_validation_data():
    assert "SL770" in codes(lint(EXAMPLE))  # ms-swift's own example: eval_steps 50, split_dataset_ratio 0.0
    result = lint(BASE + "eval_strategy: steps\neval_steps: 20\n")
    hit = next(f for f in result.findings if f.rule == "SL770")
    assert "0 evaluations" in hit.message and "from ms-swift 3.6" in hit.message
    for fix in ("split_dataset_ratio: 0.05\n", "val_dataset: [v.jsonl]\n", "cached_val_dataset: cache/val\n"):
        assert "SL770" not in codes(lint(BASE + "eval_steps: 20\n" + fix))
    assert "SL770" not in codes(lint(BASE + "save_steps: 20\n"))  # evaluation never asked for
    assert "SL770" not in codes(lint(BASE + "eval_steps: 20\nsplit_dataset_ratio: ${R}\n"))  # unknown ratio
    # before ms-swift 3.6 split_dataset_ratio defaulted to 0.01
    assert "SL770" not in codes(lint(BASE + "eval_steps: 20\n", framework_versions=(("ms-swift", "3.5"),)))
    assert "SL770" in codes(lint(BASE + "eval_steps: 20\n", framework_versions=(("ms-swift", "3.8"),)))


def test_sl771_streaming_without_max_steps():
    assert "SL771" in codes(lint(BASE + "streaming: true\n"))
    assert "SL771" in codes(lint(BASE + "streaming: 'True'\n"))  # argparse string_to_bool
    assert "SL771" not in codes(lint(BASE + "streaming: true\nmax_steps: 100\n"))
    assert "SL771" not in codes(lint(BASE + "streaming: false\n"))
    # streaming sets split_dataset_ratio to 0: no validation data
    assert "SL770" in codes(lint(BASE + "streaming: true\nmax_steps: 100\nsplit_dataset_ratio: 0.1\neval_steps: 10\n"))


def test_warmup_values_ms_swift_refuses():
    both = lint(BASE + "warmup_ratio: 0.1\nwarmup_steps: 10\n")
    assert any(f.rule == "SL003" and "cannot be set at the same time" in f.message for f in both.findings)
    assert any(f.rule == "SL003" and "less than 1" in f.message for f in lint(BASE + "warmup_ratio: 1.0\n").findings)
    text = BASE + "per_device_train_batch_size: 16\nnum_train_epochs: 1\nwarmup_ratio: 0.1\n"
    assert lint(text, dataset_size=1600).plan["warmup_steps"] == 10


def test_max_epochs_ends_the_run_before_the_schedule():
    text = BASE + "per_device_train_batch_size: 16\nnum_train_epochs: 4\nmax_epochs: 1\n"
    result = lint(text, dataset_size=1600)
    assert (result.plan["epochs"], result.plan["total_optimizer_steps"]) == (1, 100)
    assert "SL205" in codes(result)  # cosine sized for 400 steps, stopped at 100



def test_under_max_epochs_a_warmup_ratio_is_of_the_steps_num_train_epochs_give():
    # the Trainer sizes the schedule, its warmup included (ceil(warmup_ratio × max_steps)), from
    # num_train_epochs; max_epochs only stops training at an epoch's end (swift/trainers/patcher.py)
    text = BASE + "per_device_train_batch_size: 16\nnum_train_epochs: 4\nmax_epochs: 1\nwarmup_ratio: 0.5\n"
    result = lint(text, dataset_size=1600)
    assert (result.plan["total_optimizer_steps"], result.plan["warmup_steps"]) == (100, 200)
    assert "SL203" in codes(result)  # 0.5 × 400 = 200 warmup steps in a 100-step run


def test_online_rl_derives_no_epoch_steps():
    plan = lint(BASE + "rlhf_type: grpo\nper_device_train_batch_size: 8\nnum_generations: 8\n", dataset_size=800).plan
    assert plan["optimizer_steps_per_epoch"] is None
    assert lint(BASE + "rlhf_type: dpo\nper_device_train_batch_size: 8\n", dataset_size=800).plan[
        "optimizer_steps_per_epoch"] == 50  # GA 2: a preference pair is one sample


def test_samples():
    assert codes(check_file(SAMPLES / "good.yaml", dataset_size=10000)) == []
    bad = codes(check_file(SAMPLES / "bad.yaml"))
    assert "SL770" in bad and "SL204" in bad


def test_ranks_get_n_floor_world_samples_as_ms_swifts_batch_sampler_deals_them():
    # swift/dataloader/shard.py BatchSamplerShard: total_samples // world_size per rank, then
    # ceil(per rank / batch): 1001 samples on 2 ranks are 500 batches a rank (accelerate's would be 501)
    text = BASE + "per_device_train_batch_size: 1\ngradient_accumulation_steps: 1\nnum_train_epochs: 1\n"
    plan = lint(text, dataset_size=1001, world_size=2).plan
    assert (plan["samples_per_rank"], plan["batches_per_epoch"], plan["optimizer_steps_per_epoch"]) == (500, 500, 500)
    assert plan["samples_dropped_per_epoch"] == 1
    plan = lint(text.replace("per_device_train_batch_size: 1", "per_device_train_batch_size: 3"), dataset_size=1001,
                world_size=2).plan
    assert plan["batches_per_epoch"] == 167  # ceil(500 / 3): the last batch is kept


@pytest.mark.parametrize("key,value", [("gradient_accumulation_steps", "8.0"), ("per_device_train_batch_size", "2.0"),
                                       ("max_steps", "1e3"), ("logging_steps", "0.5"), ("max_epochs", "true")])
def test_an_int_argument_argparse_refuses_is_reported_and_not_read(key, value):
    # parse_yaml_args passes --key str(value); HfArgumentParser's int type refuses '8.0', '1e3', 'True'
    result = lint(BASE + f"{key}: {value}\n", dataset_size=1000)
    hit = [f for f in result.findings if f.rule == "SL003" and f.key_path == key]
    assert hit and "int" in hit[0].message and "before training" in hit[0].message
    assert not [f for f in lint(BASE + f"{key}: 8\n").findings if f.rule == "SL003"]


def test_a_refused_accumulation_is_not_read_as_eight():
    plan = lint(BASE + "gradient_accumulation_steps: 8.0\nper_device_train_batch_size: 4\n", dataset_size=1000).plan
    assert plan["gradient_accumulation_steps"] != 8


def test_a_max_steps_run_has_no_default_epoch_count_to_disagree_with():
    # transformers' num_train_epochs 3 is no limit of a max_steps run: nothing the user wrote disagrees
    result = lint(BASE + "max_steps: 1000\n", dataset_size=1000)
    assert "SL202" not in codes(result) and result.plan["total_optimizer_steps"] == 1000
    assert lint(BASE, dataset_size=1600).plan["epochs"] == 3  # without max_steps the default stands
    written = lint(BASE + "max_steps: 1000\nnum_train_epochs: 2\n", dataset_size=1000)
    assert "SL202" in codes(written)  # both written and disagreeing: max_steps wins, as in the Trainer
