"""Messages stay readable: a finding names its framework in a few words, never by pasting the
semantics description the plan shows (`Semantics.name`, a sentence of how the framework counts)."""

from __future__ import annotations

import re

import pytest

from steplint.frameworks.base import Semantics

from .conftest import ROOT, lint

SAMPLES = sorted(p for p in (ROOT / "sample_configs").rglob("*") if p.suffix in (".yaml", ".yml", ".json"))


def _how_it_counts(description: str) -> str:
    """The start of what a semantics description says after the framework's name."""
    return re.split(r"[:;,]", description, maxsplit=1)[-1].strip()[:30]


@pytest.mark.parametrize("path", SAMPLES, ids=[str(p.relative_to(ROOT / "sample_configs")) for p in SAMPLES])
@pytest.mark.parametrize("dataset_size", [None, 50_000])
def test_no_message_contains_the_semantics_description(path, dataset_size):
    result = lint(path.read_bytes(), path.name, dataset_size=dataset_size)
    if result.plan is None:
        return
    description = result.plan["semantics"]
    leaked = [(f.rule, f.message) for f in result.findings if _how_it_counts(description) in f.message]
    assert not leaked, leaked


def test_the_final_checkpoint_names_the_framework_in_a_few_words():
    text = (ROOT / "sample_configs" / "neox" / "bad.yml").read_text()
    [hit] = [f for f in lint(text, "bad.yml").findings if f.rule == "SL204" and f.key_path == "checkpoint_factor"]
    assert hit.message.endswith("no periodic checkpoint is ever saved (only the final one, which GPT-NeoX "
                                "(DeepSpeed) forces at the end)")


def test_max_steps_precedence_names_the_trainer_not_its_version_text():
    # 3 epochs take at least 3 steps whatever N: max_steps 2 disagrees with them for every dataset
    result = lint("num_train_epochs: 3\nmax_steps: 2\nper_device_train_batch_size: 8\nlearning_rate: 2.0e-5\n"
                  "output_dir: out\n", "train.yaml")
    [hit] = [f for f in result.findings if f.rule == "SL202"]
    assert "(Hugging Face Trainer)" in hit.message and "semantics" not in hit.message


def test_every_framework_name_is_a_few_words():
    """What messages say for each dialect: its semantics description up to the first ':' ',' or ';'."""
    names = {Semantics(lint(p.read_bytes(), p.name).plan["semantics"]).framework_name
             for p in SAMPLES if lint(p.read_bytes(), p.name).plan is not None}
    assert {"GPT-NeoX (DeepSpeed)", "Hugging Face Trainer (TRL)", "PyTorch Lightning Trainer", "OLMo"} <= names
    for name in names:
        assert 1 <= len(name.split()) <= 6 and not re.search(r"[:;,]", name), name
