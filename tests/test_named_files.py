"""Files a config names (`_BASE_`, `deepspeed:`) go through one service: one size limit, regular
files only, references resolved like the checked file, and one read per run however many configs
name the same file."""

from __future__ import annotations

import os

from steplint import named_files
from steplint.named_files import MAX_NAMED_FILE_BYTES, read_named

from .conftest import lint

BASE = "SOLVER:\n  IMS_PER_BATCH: 16\n  MAX_ITER: ${iters}\n  BASE_LR: 0.02\niters: 90000\n"
CHILD = "_BASE_: base.yaml\nSOLVER:\n  STEPS: [60000, 80000]\n"


def test_a_base_shared_by_many_configs_is_read_once_per_run(tmp_path, monkeypatch):
    (tmp_path / "base.yaml").write_text(BASE)
    reads = []
    real = named_files.read_regular_file
    monkeypatch.setattr(named_files, "read_regular_file", lambda path, limit: reads.append(path) or real(path, limit))
    for i in range(5):
        (tmp_path / f"c{i}.yaml").write_text(CHILD)
        result = lint(CHILD, str(tmp_path / f"c{i}.yaml"))
        assert result.dialect == "detectron2" and result.plan["total_optimizer_steps"] == 90000
    assert reads == [str((tmp_path / "base.yaml").resolve())]


def test_a_changed_file_is_read_again(tmp_path):
    path = tmp_path / "ds.json"
    path.write_text('{"train_micro_batch_size_per_gpu": 4}')
    assert read_named(str(path)).data == {"train_micro_batch_size_per_gpu": 4}
    path.write_text('{"train_micro_batch_size_per_gpu": 8, "gradient_accumulation_steps": 2}')
    os.utime(path, ns=(1, 1))  # a different modification time, whatever the clock's resolution
    assert read_named(str(path)).data["train_micro_batch_size_per_gpu"] == 8


def test_references_in_a_named_file_are_resolved(tmp_path):
    (tmp_path / "base.yaml").write_text(BASE)
    assert read_named(str(tmp_path / "base.yaml")).data["SOLVER"]["MAX_ITER"] == 90000


def test_one_size_limit_for_every_named_file(tmp_path):
    big = tmp_path / "ds.json"
    big.write_text('{"train_micro_batch_size_per_gpu": 4, "pad": "' + "x" * MAX_NAMED_FILE_BYTES + '"}')
    assert read_named(str(big)).problem == f"is larger than {MAX_NAMED_FILE_BYTES // 2**20} MiB: not read"
    config = tmp_path / "train.yaml"
    config.write_text("per_device_train_batch_size: 8\nnum_train_epochs: 3\ndeepspeed: ds.json\n")
    result = lint(config.read_text(), str(config))
    assert any("could not be read" in a for a in result.plan["assumptions"])
    (tmp_path / "base.yaml").write_text(big.read_text())
    result = lint(CHILD, str(tmp_path / "child.yaml"))
    assert any("larger than" in a for a in result.plan["assumptions"])
