"""PyG GraphGym experiment configs (torch_geometric/graphgym/config.py, train.py, optim.py): the five
GraphGym files of corpus-wild are read and no other file is, epochs and MultiStepLR milestones come
from optim.*, and 'steps' (the name config.py's comment gives) is no registered scheduler."""

from __future__ import annotations

import pytest

from .conftest import CORPUS, ROOT, SHARED, check_file, codes, lint, read_with

WILD = SHARED / "corpus-wild"
SAMPLES = ROOT / "sample_configs" / "graphgym"
GNN = "gnn: {layers_mp: 2, layer_type: generalconv, dim_inner: 64, stage_type: stack}\n"


@pytest.mark.parametrize("root", [CORPUS, WILD], ids=["corpus", "corpus-wild"])
def test_graphgym_reads_the_graphgym_files_and_no_other(root):
    rows = read_with(root)
    assert [file for file, _, read in rows if read == "graphgym"] == [file for file, label, _ in rows if label == "graphgym"]


def test_epochs_and_milestones_in_epochs_with_graphgyms_defaults():
    plan = lint(GNN + "optim: {scheduler: step, steps: [100, 150]}\n").plan
    assert plan["epochs"] == 200  # cfg.optim.max_epoch
    assert codes(lint(GNN + "optim: {max_epoch: 120, scheduler: step, steps: [100, 150]}\n")) == ["SL205"]
    # 'step' without steps: MultiStepLR at the defaults 30, 60, 90
    assert codes(lint(GNN + "optim: {max_epoch: 50, scheduler: step}\n")) == ["SL205"]
    assert codes(lint(GNN + "optim: {max_epoch: 100, scheduler: step}\n")) == []
    assert codes(lint(GNN + "optim: {max_epoch: 50, steps: [60]}\n")) == []  # cos: the steps are not read


def test_the_samples():
    assert codes(check_file(SAMPLES / "good.yaml")) == []
    bad = check_file(SAMPLES / "bad.yaml")
    assert codes(bad) == ["SL790"] and bad.findings[0].key_path == "optim.scheduler"
