"""Composer configs whose Trainer is a Hydra node (`trainer: {_target_: composer.Trainer}`, as in
mosaicml/diffusion), alone or inside an mcli run file's `parameters`: recognised as Composer and read
from the Trainer's own arguments."""

from __future__ import annotations

import pytest

from .conftest import ROOT, SHARED, check_file, codes, lint

SAMPLES = ROOT / "sample_configs" / "composer"
DIFFUSION = SHARED / "corpus-wild" / "mosaicml__diffusion" / "yamls"
needs_wild = pytest.mark.skipif(not DIFFUSION.is_dir(), reason="../shared/corpus-wild is absent (it sits beside the repo)")

HYDRA = """\
dataset: {{train_batch_size: 512, eval_dataset: {{_target_: x.build_eval}}}}
scheduler: {{_target_: composer.optim.CosineAnnealingWithWarmupScheduler, t_warmup: {warmup}}}
trainer:
  _target_: composer.Trainer
  max_duration: {duration}
  eval_interval: 1000ba
  save_interval: 1000ba
{save}"""


def hydra(duration="10000ba", warmup="500ba", save="  save_folder: ckpt\n"):
    return lint(HYDRA.format(duration=duration, warmup=warmup, save=save))


def test_the_trainer_node_is_read():
    result = hydra()
    assert result.dialect == "composer"
    plan = result.plan
    assert (plan["total_optimizer_steps"], plan["warmup_steps"], plan["global_batch_size"]) == (10000, 500, 512)
    assert plan["checkpoint_count"] == 10 and plan["eval_count"] == 10
    assert not result.findings


def test_no_save_folder_no_checkpoints():
    assert hydra(save="").plan["checkpoint_count"] == 0


def test_findings_on_the_trainer_node():
    result = hydra(duration="800ba", warmup="1000ba")
    assert sorted(codes(result)) == ["SL203", "SL204", "SL204"]
    assert {f.key_path for f in result.findings} == {"scheduler.t_warmup", "trainer.eval_interval",
                                                     "trainer.save_interval"}


def test_a_trainer_node_that_is_not_composers_is_not_read_as_composer():
    assert lint("trainer: {_target_: pytorch_lightning.Trainer, max_duration: 10ba, max_epochs: 3}\n"
                "model: {_target_: m.M}\n").dialect != "composer"


def test_samples():
    assert not check_file(SAMPLES / "hydra_good.yaml").findings
    assert sorted(codes(check_file(SAMPLES / "hydra_bad.yaml"))) == ["SL203", "SL204", "SL204"]


@needs_wild
@pytest.mark.parametrize("folder", ["hydra-yamls", "mosaic-yamls"])
def test_the_diffusion_configs_are_composer(folder):
    files = sorted((DIFFUSION / folder).glob("*.yaml"))
    assert len(files) == 7
    for path in files:
        result = check_file(path)
        assert result.dialect == "composer", path
        assert not [f for f in result.findings if f.severity.label != "info"], (path, result.findings)


@needs_wild
def test_the_mcli_run_file_reads_its_parameters():
    result = check_file(DIFFUSION / "mosaic-yamls/SD-2-base-256.yaml")
    plan = result.plan
    assert (plan["total_optimizer_steps"], plan["warmup_steps"], plan["eval_count"]) == (550000, 10000, 55)
    assert plan["checkpoint_count"] == 0  # save_folder is left empty
