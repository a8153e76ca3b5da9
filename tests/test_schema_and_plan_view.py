"""`steplint schema` describes the native format exactly; `steplint plan` draws the run."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from steplint import cli
from steplint.planview import render_timeline

from .conftest import lint

SAMPLES = Path(__file__).resolve().parents[1] / "sample_configs"
NATIVE = sorted(p for p in SAMPLES.rglob("*.yaml") if "\nsteplint: 1" in "\n" + p.read_text())


def schema() -> dict:
    result = CliRunner().invoke(cli.main, ["schema"])
    assert result.exit_code == 0
    return json.loads(result.output)


def test_schema_is_valid_json_schema():
    jsonschema.Draft202012Validator.check_schema(schema())


def test_schema_output_file(tmp_path):
    out = tmp_path / "steplint.schema.json"
    assert CliRunner().invoke(cli.main, ["schema", "-o", str(out)]).exit_code == 0
    assert json.loads(out.read_text()) == schema()


@pytest.mark.parametrize("path", NATIVE, ids=lambda p: p.name)
def test_schema_accepts_exactly_the_native_samples_steplint_reads_without_file_errors(path):
    """The editor's verdict (schema) and steplint's own (SL001-SL004) agree on every native sample."""
    try:
        data = yaml.safe_load(path.read_text())
    except yaml.YAMLError:
        pytest.skip("not YAML (the SL001 sample)")
    errors = list(jsonschema.Draft202012Validator(schema()).iter_errors(data))
    file_findings = [f for f in lint(path.read_text(), path.name).findings if f.rule in ("SL002", "SL003", "SL004")]
    duplicate_only = file_findings and all(f.rule == "SL002" for f in file_findings)  # YAML hides those from both
    assert bool(errors) == (bool(file_findings) and not duplicate_only), (errors, file_findings)


def test_plan_timeline_marks_warmup_checkpoints_evals_and_end():
    plan = lint((SAMPLES / "seed_consistent.yaml").read_text()).plan
    lines = render_timeline(plan, width=60).splitlines()
    assert lines[0].startswith("timeline: 17640 optimizer steps = 90 epochs × 196")
    rows = {line.split()[0]: line for line in lines[1:]}
    assert rows["warmup"].count("█") == 4 and rows["warmup"].endswith("980 steps")
    assert rows["checkpoint"].count("▲") == 9 and rows["checkpoint"].endswith("9×, first at step 1960")
    assert rows["end"].endswith("┃  step 17640")
    ascii_view = render_timeline(plan, width=60, unicode=False)
    assert "█" not in ascii_view and "#" in ascii_view


def test_plan_timeline_says_when_a_checkpoint_never_happens_and_where_the_decay_ends():
    plan = lint((SAMPLES / "seed_inconsistent.yaml").read_text()).plan
    rows = {line.split()[0]: line for line in render_timeline(plan, width=60).splitlines()[1:]}
    assert rows["checkpoint"].endswith("never")
    assert rows["lr"].count("-") == 56 and rows["lr"].endswith(
        "decays until step 35190 (past the end: the run stops at 50% of it)")


def test_plan_timeline_without_dataset_size_names_the_missing_input():
    plan = lint("steplint: 1\ndata: {batch_size: 8}\nrun: {epochs: 3}\n").plan
    assert "--dataset-size" in render_timeline(plan)


def test_plan_timeline_of_a_run_without_steps_or_length_says_which():
    """0 steps is a run that never steps, and a run whose length the config does not give (its
    epochs refused, SL003) needs no dataset size: the message does not ask for one."""
    # torchtune floors an epoch's 2 batches into optimizer steps of 4: none
    no_step = lint("model: {_component_: torchtune.models.llama3_2.lora_llama3_2_1b}\n"
                   "dataset: {_component_: torchtune.datasets.alpaca_cleaned_dataset}\n"
                   "batch_size: 8\nepochs: 3\ngradient_accumulation_steps: 4\n", dataset_size=16).plan
    refused = lint("steplint: 1\ndata: {train_size: 1000, batch_size: 8}\nrun: {epochs: 0}\n").plan
    assert render_timeline(refused) == "timeline: unknown (the config does not give the run's length: see `steplint check`)"
    assert no_step["total_optimizer_steps"] == 0, no_step
    assert render_timeline(no_step) == "timeline: none (the run takes no optimizer step)"


# -- an event the config rules out is planned as none of it (issue 9, defect 5) ---------------------

LIGHTNING_CLI = ("trainer:\n  max_epochs: 3\n{trainer}model:\n  class_path: my.Model\n"
                 "data:\n  class_path: my.Data\n  init_args: {{batch_size: 8}}\n")
NEMO = ("trainer:\n  max_epochs: 3\n  enable_checkpointing: false\n{trainer}"
        "model:\n  train_ds: {{batch_size: 8}}\n  optim: {{name: adamw, lr: 0.001}}\n"
        "exp_manager:\n  create_checkpoint_callback: {create}\n")
COMPOSER = ("max_duration: 2ep\nglobal_train_batch_size: 8\ntrain_loader: {{name: text}}\n{more}")
RULED_OUT = [
    # (id, config, dialect, events planned as none)
    ("hf-save-no", 'per_device_train_batch_size: 8\nsave_strategy: "no"\neval_strategy: steps\neval_steps: 5\n',
     "hf-trainer", {"checkpoint"}),
    ("hf-eval-no", "per_device_train_batch_size: 8\nsave_strategy: steps\nsave_steps: 5\neval_strategy: 'no'\n",
     "hf-trainer", {"eval"}),
    ("hf-eval-default", "per_device_train_batch_size: 8\nsave_strategy: epoch\nnum_train_epochs: 1\n",
     "hf-trainer", {"eval"}),
    ("hf-old-eval-name", "per_device_train_batch_size: 8\nsave_strategy: epoch\nevaluation_strategy: 'no'\n",
     "hf-trainer", {"eval"}),
    ("hf-logging-no", "per_device_train_batch_size: 8\nsave_strategy: epoch\nlogging_strategy: 'no'\n",
     "hf-trainer", {"eval", "logging"}),
    ("axolotl-save-no-no-val-set", 'base_model: m\nmicro_batch_size: 8\nnum_epochs: 1\nsave_strategy: "no"\n',
     "axolotl", {"checkpoint", "eval"}),
    ("lightning-checkpointing-off", LIGHTNING_CLI.format(trainer="  enable_checkpointing: false\n"),
     "lightning", {"checkpoint"}),
    ("lightning-validation-off", LIGHTNING_CLI.format(trainer="  limit_val_batches: 0\n"), "lightning", {"eval"}),
    ("lightning-save-top-k-0", LIGHTNING_CLI.format(trainer=(
        "  callbacks:\n    - class_path: lightning.pytorch.callbacks.ModelCheckpoint\n"
        "      init_args: {every_n_train_steps: 2, save_top_k: 0}\n")), "lightning", {"checkpoint"}),
    ("lightning-every-n-epochs-0", LIGHTNING_CLI.format(trainer=(
        "  callbacks:\n    - class_path: lightning.pytorch.callbacks.ModelCheckpoint\n"
        "      init_args: {every_n_epochs: 0}\n")), "lightning", {"checkpoint"}),
    ("nemo-no-checkpoint-callback", NEMO.format(trainer="  limit_val_batches: 0.0\n", create="false"), "nemo",
     {"checkpoint", "eval"}),
    ("composer-no-eval-no-save-folder", COMPOSER.format(more="eval_interval: 500ba\nsave_interval: 1ep\n"),
     "composer", {"checkpoint", "eval"}),
    ("composer-eval-interval-0", COMPOSER.format(more="eval_loader: {name: text}\neval_interval: 0\n"
                                                      "save_folder: s3://bucket/run\n"), "composer", {"eval"}),
    ("neox-eval-iters-0", "train_iters: 100\ntrain_micro_batch_size_per_gpu: 4\ngradient_accumulation_steps: 1\n"
                          "lr_decay_iters: 100\neval_interval: 10\neval_iters: 0\n", "gpt-neox", {"eval"}),
    ("olmo-no-evaluators", "max_duration: 100\nglobal_train_batch_size: 8\ndevice_train_microbatch_size: 8\n"
                           "tokenizer: {identifier: gpt2}\neval_interval: 10\nevaluators: []\n", "olmo", {"eval"}),
]
COUNTS = {"checkpoint": ("checkpoint_count", "first_checkpoint_step"), "eval": ("eval_count", "first_eval_step"),
          "logging": ("logging_count", None)}


@pytest.mark.parametrize("text,dialect,none_of", [c[1:] for c in RULED_OUT], ids=[c[0] for c in RULED_OUT])
def test_an_event_the_config_rules_out_is_planned_as_none(text, dialect, none_of):
    result = lint(text, dataset_size=1000)
    assert result.dialect == dialect
    for event, (count, first) in COUNTS.items():
        if event in none_of:
            assert result.plan[count] == 0, (event, result.plan)
            assert first is None or result.plan[first] is None
        else:
            assert result.plan[count] != 0, (event, result.plan)  # only what the config rules out


@pytest.mark.parametrize("text", [
    "per_device_train_batch_size: 8\nsave_strategy: best\neval_strategy: 'no'\neval_on_start: true\n",  # HF
    NEMO.format(trainer="", create="true"),  # NeMo's exp_manager adds its own ModelCheckpoint
    COMPOSER.format(more="eval_loaders: [{name: text}]\nsave_folder: ckpt\n"),  # llm-foundry's list of loaders
], ids=["hf-best-and-eval-on-start", "nemo-exp-manager-checkpoints", "composer-eval-loaders"])
def test_what_the_config_does_not_rule_out_stays_unknown(text):
    plan = lint(text, dataset_size=1000).plan
    assert plan["checkpoint_count"] is None and plan["first_checkpoint_step"] is None
    assert plan["eval_count"] is None


def test_hf_without_warmup_plans_no_warmup():
    text = "per_device_train_batch_size: 8\nnum_train_epochs: 1\nsave_strategy: epoch\n"
    assert lint(text, dataset_size=100).plan["warmup_steps"] == 0
    assert lint(text + "warmup_steps: 3\n", dataset_size=100).plan["warmup_steps"] == 3
    assert lint(text + "warmup_steps: 3\nlr_scheduler_type: constant\n", dataset_size=100).plan["warmup_steps"] == 0
    assert lint(text + "warmup_steps: ${oc.env:W}\n", dataset_size=100).plan["warmup_steps"] is None


def test_the_table_says_none_and_json_says_0_for_what_never_happens(tmp_path):
    config = tmp_path / "train.yaml"
    config.write_text('per_device_train_batch_size: 8\nnum_train_epochs: 1\nsave_strategy: "no"\n'
                      "eval_strategy: 'no'\n")
    table = CliRunner().invoke(cli.main, ["plan", str(config), "--dataset-size", "100"])
    rows = dict(re.findall(r"^  (\S.*?)\s{2,}(\S.*)$", table.output, re.M))
    for label in ("checkpoints", "first checkpoint at step", "evaluations", "first evaluation at step"):
        assert rows[label] == "none", (label, table.output)
    plan = json.loads(CliRunner().invoke(cli.main, ["plan", str(config), "--dataset-size", "100", "--format",
                                                    "json"]).output)["plan"]
    assert (plan["checkpoint_count"], plan["first_checkpoint_step"], plan["eval_count"], plan["first_eval_step"]) \
        == (0, None, 0, None)
    checked = json.loads(CliRunner().invoke(cli.main, ["check", str(config), "--dataset-size", "100", "--format",
                                                       "json"]).output)
    assert (checked["files"][0]["plan"]["checkpoint_count"], checked["files"][0]["plan"]["eval_count"]) == (0, 0)


def test_plan_timeline_draws_only_evenly_spaced_events_and_always_states_the_plans_count():
    # Lightning validating after every batch of every other epoch (sample_configs/lightning/bad.yaml):
    # 1185 evaluations that no "every 40 steps" row of ticks can show
    plan = {"total_optimizer_steps": 1200, "optimizer_steps_per_epoch": 40, "epochs": 30.0,
            "eval_count": 1185, "first_eval_step": 40, "checkpoint_count": 10, "first_checkpoint_step": 120}
    rows = {line.split()[0]: line for line in render_timeline(plan, width=60).splitlines()[1:]}
    assert rows["eval"].endswith("1185×, first at step 40 (not evenly spaced: not drawn)") and "▲" not in rows["eval"]
    assert rows["checkpoint"].count("▲") == 10 and rows["checkpoint"].endswith("10×, first at step 120")
