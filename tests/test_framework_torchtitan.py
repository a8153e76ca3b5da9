"""torchtitan: TOML job configs are discovered and loaded (positions, syntax errors), recognised
(and other TOML is not), and read as torchtitan's JobConfig and Trainer do: the global batch and its
accumulation, the tables that enable checkpoints and validation, the warmup build_lr_schedulers
clamps (SL670); the real configs of pytorch/torchtitan read in place."""

from __future__ import annotations

import json

import pytest

from steplint.discover import discover
from steplint.loading import load_bytes

from .conftest import ROOT, SHARED, check_file, codes, lint, run_cli

SAMPLES = ROOT / "sample_configs" / "torchtitan"
TORCHTITAN = SHARED / "corpus-wild" / "pytorch__torchtitan"
needs_wild = pytest.mark.skipif(not TORCHTITAN.is_dir(), reason="../shared/corpus-wild is absent (it sits beside the repo)")

JOB = """\
[job]
dump_folder = "./outputs"

[training]
local_batch_size = 2
seq_len = 4096
steps = {steps}
{training}
[lr_scheduler]
{scheduler}
[checkpoint]
{checkpoint}
"""


def job(steps=1000, training="", scheduler="warmup_steps = 100", checkpoint="enable = true\ninterval = 250"):
    return lint(JOB.format(steps=steps, training=training, scheduler=scheduler, checkpoint=checkpoint), "job.toml")


def test_toml_is_loaded_with_a_position_for_every_key():
    loaded = load_bytes("job.toml", JOB.format(steps=10, training="", scheduler="warmup_steps = 2",
                                               checkpoint="enable = false").encode())
    [document] = loaded.documents
    assert document.data["training"] == {"local_batch_size": 2, "seq_len": 4096, "steps": 10}
    assert document.positions[("training", "steps")].line == 7
    assert document.positions[("lr_scheduler", "warmup_steps")].line == 10


def test_a_key_written_twice_is_a_syntax_error_as_torchtitan_refuses_the_file():
    result = lint('[job]\ndump_folder = "o"\n[training]\nsteps = 10\nlocal_batch_size = 2\nsteps = 20\n', "job.toml")
    [finding] = result.findings
    assert finding.rule == "SL001" and finding.line == 6 and "Cannot overwrite a value" in finding.message


def test_a_broken_toml_file_that_is_not_a_training_config_gets_nothing():
    assert lint('[tool.ruff]\nline-length = 120\nline-length = 100\n', "ruff.toml").findings == []


def test_directories_are_searched_for_toml_but_not_for_project_configs(tmp_path):
    for name in ("job.toml", "pyproject.toml", "steplint.toml", ".steplint.toml", "Cargo.toml"):
        (tmp_path / name).write_text('[package]\nname = "x"\n')
    found = sorted(p.rsplit("/", 1)[-1] for p, _ in discover((str(tmp_path),)))
    assert found == ["Cargo.toml", "job.toml"]


def test_other_toml_files_are_not_torchtitan(tmp_path):
    (tmp_path / "Cargo.toml").write_text('[package]\nname = "x"\n[profile.release]\nopt-level = 3\n')
    (tmp_path / "job.toml").write_text(JOB.format(steps=100, training="", scheduler="warmup_steps = 10",
                                                  checkpoint="enable = false"))
    data = json.loads(run_cli("check", "--isolated", "--format", "json", tmp_path).stdout)
    dialects = {f["path"].rsplit("/", 1)[-1]: f["dialect"] for f in data["files"]}
    assert dialects == {"Cargo.toml": None, "job.toml": "torchtitan"}


def test_the_global_batch_and_its_accumulation():
    result = job(training="global_batch_size = 64\n[parallelism]\ndata_parallel_replicate_degree = 2\n"
                          "data_parallel_shard_degree = 4\n")
    plan = result.plan
    assert result.dialect == "torchtitan"
    assert (plan["world_size"], plan["micro_batch_size"], plan["gradient_accumulation_steps"]) == (8, 2, 4)
    assert plan["global_batch_size"] == 64 and plan["tokens_per_step"] == 64 * 4096
    assert plan["total_optimizer_steps"] == 1000 and plan["warmup_steps"] == 100
    assert plan["checkpoint_count"] == 4  # 250, 500, 750, and 1000 (also the last step)


def test_checkpoints_and_validation_need_their_table_enabled():
    plan = job(checkpoint="interval = 250").plan  # Checkpoint.enable defaults to false
    assert plan["checkpoint_count"] == 0 and plan["eval_count"] == 0
    plan = job(checkpoint="enable = true\ninterval = 250\n[validation]\nenable = true\nfreq = 100").plan
    # components/validate.py `should_validate`: `step == 1 or step % freq == 0`: 1, 100, ..., 1000
    assert (plan["eval_count"], plan["first_eval_step"]) == (11, 1)
    forced = job(checkpoint="enable = true\ninterval = 5000")
    [hit] = [f for f in forced.findings if f.rule == "SL204"]
    assert "only the final one, which torchtitan forces at the end" in hit.message


def test_the_first_step_checkpoint():
    # components/checkpointer/dcp.py `_should_save`: `if curr_step == 1 and self.enable_first_step_checkpoint:
    # return True`, then `if last_step: return True`, then `curr_step % self.interval == 0`
    plan = job(checkpoint="enable = true\ninterval = 250\nenable_first_step_checkpoint = true").plan
    assert (plan["checkpoint_count"], plan["first_checkpoint_step"]) == (5, 1)  # 1, 250, 500, 750, 1000
    assert job().plan["checkpoint_count"] == 4  # False by default
    [hit] = [f for f in job(checkpoint="enable = true\ninterval = 5000\nenable_first_step_checkpoint = true").findings
             if f.rule == "SL204"]
    assert hit.message.endswith("no periodic checkpoint is ever saved (only the ones at the first and the last "
                                "step, which torchtitan always runs)")


def test_load_only_saves_nothing_not_even_at_the_last_step():
    # components/checkpointer/dcp.py `_should_save`: `if not self.enable or self.load_only: return False`
    forced = job(checkpoint="enable = true\ninterval = 5000\nload_only = true")
    assert forced.plan["checkpoint_count"] == 0
    [hit] = [f for f in forced.findings if f.rule == "SL204"]
    assert hit.message == "checkpoint every 5000 steps but the run is 1000 steps: no periodic checkpoint is ever saved"


def test_a_warmup_longer_than_the_schedule_is_clamped():
    def short(scheduler):
        return job(steps=100, scheduler=scheduler, checkpoint="enable = false")

    [hit] = short("decay_ratio = 0.8").findings  # JobConfig's default warmup: 200
    assert hit.rule == "SL670" and "cuts it to 100 steps" in hit.message and hit.key_path == "training.steps"
    [hit] = short("warmup_steps = 150").findings
    assert hit.rule == "SL670" and hit.key_path == "lr_scheduler.warmup_steps"
    # total_steps decouples the schedule from the run: no clamp, and the run stops inside the warmup
    assert sorted(codes(short("warmup_steps = 150\ntotal_steps = 1000"))) == ["SL203", "SL205"]
    assert short("warmup_steps = 20").findings == []


def test_the_older_layout():
    text = ('[job]\ndump_folder = "./outputs"\n[training]\nbatch_size = 8\nwarmup_steps = 2000\nsteps = 1000\n'
            'data_parallel_shard_degree = 4\n[checkpoint]\nenable_checkpoint = true\ninterval_type = "steps"\n'
            'interval = 500\n')
    result = lint(text, "llama2_7b.toml")
    assert result.dialect == "torchtitan"
    assert (result.plan["world_size"], result.plan["micro_batch_size"], result.plan["checkpoint_count"]) == (4, 8, 2)
    assert codes(result) == ["SL203"]  # that warmup was not clamped yet
    seconds = lint(text.replace('"steps"', '"seconds"'), "llama2_7b.toml")
    assert seconds.plan["first_checkpoint_step"] is None  # a wall-clock interval: no step is known


def test_samples():
    assert not check_file(SAMPLES / "good.toml").findings
    assert sorted(codes(check_file(SAMPLES / "bad.toml"))) == ["SL204", "SL670"]


@needs_wild
def test_every_torchtitan_config_is_recognised_and_clean():
    files = sorted(TORCHTITAN.rglob("*.toml"))
    assert len(files) == 26
    for path in files:
        result = check_file(path)
        assert result.dialect == "torchtitan", path
        assert not [f for f in result.findings if f.severity.label != "info"], (path, result.findings)


@needs_wild
def test_the_llama3_8b_preset():
    plan = check_file(TORCHTITAN / "torchtitan/models/llama3/train_configs/llama3_8b.toml").plan
    assert (plan["total_optimizer_steps"], plan["warmup_steps"], plan["micro_batch_size"]) == (1000, 200, 1)
    assert plan["checkpoint_count"] == 0  # [checkpoint] enable = false


@pytest.mark.parametrize("text", [
    "a = " + "[" * 50000 + "]" * 50000 + "\n",   # tomllib recurses: RecursionError
    "a = " + "[" * 300 + "]" * 300 + "\n",       # deeper than the loader's 200 levels
    "a" + " . a" * 100000 + " = 1\n",             # tomllib is quadratic in a key's dotted parts
])
def test_toml_nested_past_the_limit_is_refused_quickly(text):
    import time
    started = time.monotonic()
    [finding] = lint(text, "job.toml").findings
    assert finding.rule == "SL005" and "nesting deeper than 200 levels" in finding.message
    assert time.monotonic() - started < 10


def test_toml_arrays_of_floats_are_not_dotted_keys():
    text = JOB.format(steps=10, training="x = [" + ", ".join(["0.5"] * 500) + "]", scheduler="warmup_steps = 2",
                      checkpoint="enable = false")
    result = lint(text, "job.toml")
    assert result.dialect == "torchtitan" and result.findings == []


def test_the_older_layout_warms_up_for_its_default_200_steps_unclamped():
    # torchtitan 6a6f755d config_manager.py: --training.warmup_steps default 200; optimizer.py
    # `build_lr_schedulers`: warmup_steps = int(job_config.training.warmup_steps), not clamped
    text = ('[job]\ndump_folder = "./outputs"\n[training]\nsteps = 100\nbatch_size = 8\nseq_len = 2048\n'
            '[checkpoint]\nenable_checkpoint = false\n')
    result = lint(text, "train.toml")
    assert result.plan["warmup_steps"] == 200
    assert [f.rule for f in result.findings if f.severity.label != "info"] == ["SL203"]  # no SL670: no clamp here
