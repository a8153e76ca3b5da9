"""Levanter dialect (corpus label `other`): detection, mapping, the `warmup <= 1 is a fraction` rule
of its optimizer config, and no false positives on the corpus."""

from __future__ import annotations

from pathlib import Path

from steplint.frameworks import detect
from steplint.frameworks.base import Source
from steplint.frameworks import DIALECTS
from steplint.engine import check_bytes
from steplint.values import Options
from steplint.interpolation import resolve
from steplint.loading import load_bytes
from steplint.plan import Context
from steplint.units import Unit

from .conftest import CORPUS, ROOT, codes, lint, needs_corpus

SAMPLES = ROOT / "sample_configs" / "levanter"
LEVANTER = CORPUS / "stanford-crfm__levanter"


def load(path: Path):
    return resolve(load_bytes(str(path), path.read_bytes()).documents[0].data)


def check_file(path: Path, **context):
    return check_bytes(str(path), path.read_bytes(), Options(context=Context(**context)))


@needs_corpus
def test_levanter_files_with_a_run_length_are_levanter_and_clean():
    files = sorted(LEVANTER.rglob("*.yaml"))
    with_steps = [p for p in files if "num_train_steps" in p.read_text()]
    assert len(with_steps) >= 38
    for path in with_steps:
        result = check_file(path)
        assert result.dialect == "levanter", path
        assert not [f for f in result.findings if f.severity.label != "info"], (path, result.findings)
    for path in set(files) - set(with_steps):  # no run length: not checkable
        assert detect(load(path)) is None, path


@needs_corpus
def test_mapping():
    path = LEVANTER / "config/gpt2_small_fast.yaml"
    adapted = DIALECTS["levanter"].adapt(load(path), Source(str(path)))
    run = adapted.run
    assert run.max_steps.key == "trainer.num_train_steps" and run.max_steps.unit is Unit.STEP
    assert run.global_batch_size.key == "trainer.train_batch_size"
    assert adapted.semantics.batch_is_global


TEXT = """\
data: {{train_urls: [a], validation_urls: [b]}}
model: {{type: llama, seq_len: 2048}}
trainer: {{mp: f32, train_batch_size: 128, num_train_steps: 800, steps_per_eval: {evals}}}
optimizer: {{learning_rate: 2.0e-5, warmup: {warmup}}}
"""


def test_warmup_up_to_one_is_a_fraction_of_the_run():
    result = lint(TEXT.format(evals=100, warmup=0.01))
    assert result.dialect == "levanter" and result.plan["warmup_steps"] == 8
    result = lint(TEXT.format(evals=100, warmup=0.0155))
    assert result.plan["warmup_steps"] == 12  # int(12.4)
    assert "SL203" in codes(lint(TEXT.format(evals=100, warmup=1)))  # 1.0 × 800: the whole run
    result = lint(TEXT.format(evals=100, warmup=100))
    assert result.plan["warmup_steps"] == 100 and "SL203" not in codes(result)


def test_eval_interval_only_with_validation_data():
    assert "SL204" in codes(lint(TEXT.format(evals=1000, warmup=0.01)))
    no_validation = TEXT.format(evals=1000, warmup=0.01).replace(", validation_urls: [b]", "")
    assert "SL204" not in codes(lint(no_validation))


def test_tokens_per_step():
    assert lint(TEXT.format(evals=100, warmup=0.01)).plan["tokens_per_step"] == 128 * 2048


def test_samples():
    good = check_file(SAMPLES / "good.yaml")
    assert good.dialect == "levanter" and not [f for f in good.findings if f.severity.label != "info"]
    bad = check_file(SAMPLES / "bad.yaml")
    assert {(f.rule, f.key_path, f.line) for f in bad.findings if f.severity.label != "info"} == \
        {("SL204", "trainer.steps_per_eval", 12), ("SL203", "optimizer.warmup", 15)}
