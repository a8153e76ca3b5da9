"""OpenNMT-py train YAML: recognised as OpenNMT-py (the Hugging Face reader used to claim it and
invent its defaults), train_steps as the run, batch_type deciding whether batch_size is samples,
accum_count lists, warmup only for noam/noamwd, validation only with a `valid` corpus, SL707, SL708."""

from __future__ import annotations

from steplint.frameworks import detect
from steplint.interpolation import resolve
from steplint.loading import load_bytes

from .conftest import ROOT, check_file, codes, lint

SAMPLES = ROOT / "sample_configs" / "opennmt"

# The shape of OpenNMT-py's config/config-transformer-base-1GPU.yml (old `data:` string form).
TRANSFORMER = """\
data: exp/dataset.de-en
save_model: exp/model.de-en
save_checkpoint_steps: 10000
keep_checkpoint: 10
seed: 3435
train_steps: {steps}
valid_steps: 10000
warmup_steps: 8000
report_every: 100
decoder_type: transformer
encoder_type: transformer
hidden_size: 512
accum_count: {accum}
optim: adam
decay_method: {decay}
learning_rate: 2.0
batch_size: {batch}
batch_type: {batch_type}
normalization: tokens
world_size: 1
gpu_ranks: [0]
"""


def transformer(steps=200000, accum=8, decay="noam", batch=4096, batch_type="tokens"):
    return TRANSFORMER.format(steps=steps, accum=accum, decay=decay, batch=batch, batch_type=batch_type)


def dialect(text: str):
    return getattr(detect(resolve(load_bytes("c.yaml", text.encode()).documents[0].data)), "name", None)


def test_an_opennmt_config_is_opennmt_not_the_hugging_face_trainer():
    assert dialect(transformer()) == "opennmt"
    assert dialect("output_dir: out\nper_device_train_batch_size: 8\nnum_train_epochs: 3\nwarmup_steps: 100\n"
                   "save_steps: 500\nmax_steps: 1000\nlearning_rate: 2e-5\n") == "hf-trainer"


def test_train_steps_is_the_run_and_token_batches_are_not_samples():
    result = lint(transformer())
    plan = result.plan
    assert (plan["total_optimizer_steps"], plan["warmup_steps"], plan["gradient_accumulation_steps"]) == \
        (200000, 8000, 8)
    assert plan["micro_batch_size"] is None and plan["checkpoint_count"] == 20
    assert plan["eval_count"] is None  # no `valid` corpus is named: whether it validates is not known
    assert codes(result) == []


def test_sentence_batches_are_samples_and_accum_count_may_be_an_int():
    plan = lint(transformer(batch=64, batch_type="sents", accum="[4]")).plan
    assert (plan["micro_batch_size"], plan["gradient_accumulation_steps"]) == (64, 4)


def test_warmup_is_read_only_for_noam_and_written_elsewhere_it_is_reported():
    result = lint(transformer(steps=40000, decay="none"))
    assert result.plan["warmup_steps"] is None
    assert codes(result) == ["SL707"]
    assert lint(transformer(steps=40000, decay="rsqrt")).plan["warmup_steps"] is None  # flat, not a ramp
    assert codes(lint(transformer(steps=40000, decay="rsqrt"))) == []


def test_a_warmup_longer_than_the_run():
    result = lint(transformer(steps=5000))
    assert "SL203" in codes(result)


def test_accumulation_schedules_opennmt_refuses():
    assert codes(lint(transformer(accum="[4, 8]"))) == ["SL708"]  # accum_steps defaults to [0]
    plan = lint(transformer(accum="[4, 8]") + "accum_steps: [0, 1000]\n").plan
    assert plan["gradient_accumulation_steps"] == 1 or any("accum_count [4, 8]" in a for a in plan["assumptions"])
    assert codes(lint(transformer(accum="[4]") + "accum_steps: [10]\n")) == ["SL708"]
    assert codes(lint(transformer().replace("gpu_ranks: [0]", "gpu_ranks: [0, 1]"))) == ["SL708"]


def test_a_vocabulary_config_gets_no_findings():
    text = ("save_data: run/example\nsrc_vocab: run/example.vocab.src\ntgt_vocab: run/example.vocab.tgt\n"
            "overwrite: false\nshare_vocab: true\nsrc_seq_length: 200\n"
            "data: {corpus_1: {path_src: a.txt, path_tgt: b.txt}}\n")
    assert lint(text).findings == []
    result = lint(text + "report_every: 100\n")  # recognised, and still no run of its own (no defaults applied)
    assert result.dialect == "opennmt" and result.findings == []
    assert result.plan["total_optimizer_steps"] is None


def test_samples():
    assert check_file(SAMPLES / "good.yaml").findings == []
    assert codes(check_file(SAMPLES / "bad.yaml")) == ["SL204", "SL708", "SL707"]


def test_single_pass_ignores_train_steps():
    # onmt/train_single.py: "Option single_pass is enabled, ignoring train_steps." (train_steps = 0)
    plan = lint(transformer(steps=1000) + "single_pass: true\n").plan
    assert plan["total_optimizer_steps"] is None
    assert "SL204" not in codes(lint(transformer(steps=1000) + "single_pass: true\n"))


def test_keep_checkpoint_zero_saves_nothing_and_zero_steps_saves_only_at_the_end():
    # onmt/models/model_saver.py `save`: `if self.keep_checkpoint == 0 ...: return`
    assert lint(transformer().replace("keep_checkpoint: 10", "keep_checkpoint: 0")).plan["checkpoint_count"] == 0
    # onmt/trainer.py `train`: `save_checkpoint_steps != 0 and ...`, then the save after the loop
    plan = lint(transformer().replace("save_checkpoint_steps: 10000", "save_checkpoint_steps: 0")).plan
    assert (plan["checkpoint_count"], plan["first_checkpoint_step"]) == (1, 200000)
