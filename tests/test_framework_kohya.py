"""kohya_ss GUI presets: detection (corpus-wild in place: none of them is Hugging Face's), the run's
length as the GUI and sd-scripts settle it (max_train_epochs, max_train_steps, `epoch`, the default
1600 steps), the warmup percent, additional_parameters, and SL633."""

from __future__ import annotations

import csv
import json
from types import SimpleNamespace

import pytest

from .conftest import ROOT, SHARED, check_file, codes, lint

WILD = SHARED / "corpus-wild"
KOHYA = WILD / "bmaltais__kohya_ss"
SAMPLES = ROOT / "sample_configs" / "kohya"
needs_wild = pytest.mark.skipif(not KOHYA.is_dir(), reason="../shared/corpus-wild is absent (it sits beside the repo)")

BASE = {"LoRA_type": "Standard", "model_list": "custom", "train_data_dir": "./img", "dataset_config": "",
        "epoch": 10, "max_train_epochs": 0, "max_train_steps": 0, "train_batch_size": 2,
        "gradient_accumulation_steps": 1, "lr_scheduler": "cosine", "lr_warmup": 0, "save_every_n_epochs": 1,
        "save_every_n_steps": 0, "cache_latents": True, "num_processes": 1, "additional_parameters": ""}


def preset(**changes):
    data = {**BASE, **changes}
    return json.dumps({k: v for k, v in data.items() if v is not ...}, indent=1)


def plan_of(result) -> SimpleNamespace:
    return SimpleNamespace(**result.plan)


def run(**changes):
    return lint(preset(**{k: v for k, v in changes.items() if k not in ("dataset_size",)}), "preset.json",
                dataset_size=changes.get("dataset_size"))


@needs_wild
def test_every_kohya_preset_of_corpus_wild_is_kohya_and_no_other_file_is():
    with open(WILD / "MANIFEST.tsv", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    ours = [r["file"] for r in rows if r["repo"] == "bmaltais/kohya_ss" and r["file"].endswith(".json")]
    assert len(ours) == 22
    assert [f for f in ours if check_file(WILD / f).dialect != "kohya"] == []
    others = [r["file"] for r in rows if r["repo"] != "bmaltais/kohya_ss"]
    assert [f for f in others if check_file(WILD / f).dialect == "kohya"] == []


@needs_wild
def test_corpus_wild_presets_read_as_the_gui_does():
    # max_train_epochs "240" (text) replaces max_train_steps
    assert plan_of(check_file(KOHYA / "presets/finetune/SDXL - AI_Now PagedAdamW8bit v1.0.json")).epochs == 240
    # max_train_epochs "" (0) and max_train_steps "160"
    one_image = check_file(KOHYA / "presets/lora/SDXL - 1 image LoRA v1.0.json")
    assert plan_of(one_image).total_optimizer_steps == 160
    # --lr_scheduler_type CosineAnnealingLR --lr_scheduler_args "T_max=1000" in additional_parameters
    [horizon] = [f for f in one_image.findings if f.rule == "SL205"]
    assert "sized for 1000 steps" in horizon.message and "the run is 160 steps" in horizon.message
    # a dataset config, max_train_steps "" and max_train_epochs "": sd-scripts' default 1600 steps
    oft = check_file(KOHYA / "test/config/Diag-OFT-AdamW8bit-toml.json")
    assert plan_of(oft).total_optimizer_steps == 1600 and "SL633" in codes(oft)
    # no dataset config, both 0: the GUI computes the steps of `epoch` (8) epochs from the image folders
    assert plan_of(check_file(KOHYA / "test/config/locon-AdamW8bit.json")).epochs == 8
    # max_train_steps absent: the GUI keeps its current value, so the run's length is unknown
    prodigy = plan_of(check_file(KOHYA / "presets/lora/SDXL - LoRA AI_Now prodigy v1.0.json"))
    assert prodigy.epochs is None and prodigy.total_optimizer_steps is None


def test_epoch_is_the_run_when_the_gui_computes_the_steps():
    plan = plan_of(run(dataset_size=400))  # 400 images × repeats, batch 2: 200 steps an epoch
    assert (plan.optimizer_steps_per_epoch, plan.total_optimizer_steps) == (200, 2000)


def test_max_train_epochs_replaces_max_train_steps():
    plan = plan_of(run(max_train_epochs=3, max_train_steps=5000, dataset_size=400))
    assert plan.total_optimizer_steps == 600


def test_text_that_is_not_a_whole_number_loads_as_zero():
    # update_my_data: int("7.5") raises ValueError, so the GUI loads 0 and falls back to `epoch`
    plan = plan_of(run(max_train_epochs="7.5", dataset_size=400))
    assert plan.total_optimizer_steps == 2000


def test_an_absent_epoch_or_limit_is_unknown():
    assert plan_of(run(max_train_epochs=..., dataset_size=400)).total_optimizer_steps is None
    assert plan_of(run(dataset_config=..., dataset_size=400)).total_optimizer_steps is None


def test_lr_warmup_is_a_percent_and_lr_warmup_steps_overrides_it():
    assert plan_of(run(lr_warmup=10, dataset_size=400)).warmup_steps == 200
    assert plan_of(run(lr_warmup=10, lr_warmup_steps=50, dataset_size=400)).warmup_steps == 50
    assert "SL203" in codes(run(lr_warmup=100))


def test_with_a_dataset_config_the_lora_tab_takes_the_percent_of_the_written_max_train_steps():
    # kohya_gui/lora_gui.py train_model (dataset_config, `if max_train_steps > 0:`): `lr_warmup_steps =
    # round(_warmup_pct * int(max_train_steps) / 100)` = 10% of 10000 = 1000 steps, which sd-scripts keeps while
    # max_train_epochs sets the run (train_network.py train: 2 epochs × 100 batches = 200 steps)
    result = run(dataset_config="./d.toml", max_train_epochs=2, max_train_steps=10000, lr_warmup=10,
                 train_batch_size=1, dataset_size=100)
    assert (plan_of(result).total_optimizer_steps, plan_of(result).warmup_steps) == (200, 1000)
    assert "SL203" in codes(result)
    # lora_gui.py train_model (dataset_config, max_train_steps 0: `lr_warmup_steps = 0`): the override is
    # dropped and resolve_lr_warmup_steps returns the percent, 10% of the 200 steps
    dropped = run(dataset_config="./d.toml", max_train_epochs=2, max_train_steps=0, lr_warmup=10,
                  lr_warmup_steps=50, train_batch_size=1, dataset_size=100)
    assert plan_of(dropped).warmup_steps == 20
    # without a dataset config, lr_warmup_steps > 0 overrides the percent (common_gui.py resolve_lr_warmup_steps)
    assert plan_of(run(max_train_epochs=2, lr_warmup=10, lr_warmup_steps=50, dataset_size=100)).warmup_steps == 50


def test_the_warmup_percent_is_floored_as_sd_scripts_does():
    # the GUI passes lr_warmup 15 as 0.15 (common_gui.py resolve_lr_warmup_steps) and sd-scripts floors it:
    # library/train_util.py get_scheduler_fix `int(args.lr_warmup_steps * num_training_steps)`: int(1.5) = 1
    assert plan_of(run(lr_warmup=15, max_train_steps=10, dataset_size=400)).warmup_steps == 1


def test_save_every_n_epochs_zero_is_off_and_too_long_is_reported():
    assert "SL204" not in codes(run(save_every_n_epochs=0))
    result = run(save_every_n_epochs=20)
    assert [f.key_path for f in result.findings if f.rule == "SL204"] == ["save_every_n_epochs"]


def test_save_every_n_steps_and_save_every_n_epochs_both_save():
    # sd-scripts train_network.py train: a step save at `global_step % args.save_every_n_steps == 0`, an epoch
    # save at `(epoch + 1) % args.save_every_n_epochs == 0 and (epoch + 1) < num_train_epochs`, the model at the
    # end; the GUI passes both (lora_gui.py train_model). 400 images, batch 2: 200 steps an epoch, 10 epochs:
    # epoch saves at steps 200..1800, the last model at 2000; no step save at 5000
    result = run(save_every_n_epochs=1, save_every_n_steps=5000, dataset_size=400)
    assert "SL204" not in codes(result)
    assert (plan_of(result).checkpoint_count, plan_of(result).first_checkpoint_step) == (10, 200)
    # every 300 steps (300..1800, and 600, 1200, 1800 are epoch ends too) and every 3 epochs (600, 1200, 1800)
    # and the last model: 6 + 0 + 1 distinct steps, the first at 300
    both = plan_of(run(save_every_n_epochs=3, save_every_n_steps=300, dataset_size=400))
    assert (both.checkpoint_count, both.first_checkpoint_step) == (7, 300)


def test_sd_scripts_step_and_epoch_saves_are_counted_together():
    # 100 images, batch 2: 50 steps an epoch, 4 epochs; saves at 40, 80, 120, 160, 200, epochs 1 to 3 at 50, 100,
    # 150, the last model at 200 (a step save too): 8 distinct steps
    result = sd("max_train_epochs = 4\nsave_every_n_steps = 40\nsave_every_n_epochs = 1", dataset_size=100)
    assert (result.plan["checkpoint_count"], result.plan["first_checkpoint_step"]) == (8, 40)
    # save_n_epoch_ratio with max_train_steps: num_train_epochs = ceil(500 / 50) = 10 (train_network.py train),
    # every floor(10 / 5) = 2 epochs: 4 epoch saves and the last model
    ratio = sd("max_train_steps = 500\nsave_n_epoch_ratio = 5", dataset_size=100)
    assert (ratio.plan["checkpoint_count"], ratio.plan["first_checkpoint_step"]) == (5, 100)


def test_a_time_argument_in_additional_parameters_replaces_the_presets():
    plan = plan_of(run(max_train_steps=100, max_train_epochs=0, additional_parameters="--max_train_steps=5000"))
    assert plan.total_optimizer_steps is None


def test_t_max_is_read_only_on_one_process():
    args = '--lr_scheduler_type "CosineAnnealingLR" --lr_scheduler_args "T_max=1000"'
    assert "SL205" in codes(run(max_train_steps=100, additional_parameters=args))
    assert "SL205" not in codes(run(max_train_steps=100, additional_parameters=args, num_processes=2))


def test_sl633_only_with_a_dataset_config_and_no_length():
    assert "SL633" in codes(run(dataset_config="./d.toml", max_train_steps=""))
    assert "SL633" not in codes(run(dataset_config="./d.toml", max_train_steps=800))
    assert "SL633" not in codes(run(dataset_config="./d.toml", max_train_epochs=4))
    assert "SL633" not in codes(run())


def test_samples():
    assert check_file(SAMPLES / "lora_preset_good.json", dataset_size=400).findings == []
    assert sorted(codes(check_file(SAMPLES / "lora_preset_bad.json"))) == ["SL204", "SL205", "SL633"]


def test_epoch_is_the_run_only_on_one_process():
    # the GUI's step count is not divided by the processes, whose epochs are shorter
    assert plan_of(run(num_processes=2, dataset_size=400)).epochs is None
    assert plan_of(run(num_processes=..., dataset_size=400)).epochs is None  # absent: the GUI's current value


# -- sd-scripts' own --config_file TOML (frameworks/kohya/sd_scripts.py) ------------------------------

SD = """[model_arguments]
pretrained_model_name_or_path = "runwayml/stable-diffusion-v1-5"
[additional_network_arguments]
network_module = "networks.lora"
network_dim = 8
[training_arguments]
train_batch_size = 2
{training}
[optimizer_arguments]
learning_rate = 1e-4
{optimizer}
"""


def sd(training="", optimizer="", **options):
    return lint(SD.format(training=training, optimizer=optimizer), "config.toml", **options)


def test_sd_scripts_tables_are_flattened_into_the_arguments():
    result = sd("max_train_epochs = 4", dataset_size=100)
    assert result.dialect == "sd-scripts"
    # 100 images, batch 2: 50 batches an epoch, 4 epochs
    assert (result.plan["epochs"], result.plan["total_optimizer_steps"]) == (4, 200)
    # a preset of the GUI stays the GUI's
    assert lint(preset(), "preset.json").dialect == "kohya"


def test_sd_scripts_runs_its_default_1600_steps_without_max_train_epochs():
    result = sd("save_every_n_steps = 2000")
    assert result.plan["total_optimizer_steps"] == 1600 and codes(result) == ["SL204"]
    assert "the run is 1600 steps" in result.findings[0].message
    assert codes(sd("max_train_steps = 3000\nsave_every_n_steps = 2000")) == []


def test_sd_scripts_warmup_is_steps_as_an_int_and_a_ratio_as_a_float():
    assert sd("max_train_steps = 1000", "lr_warmup_steps = 100").plan["warmup_steps"] == 100
    assert sd("max_train_steps = 1000", "lr_warmup_steps = 0.1").plan["warmup_steps"] == 100
    assert codes(sd("max_train_steps = 1000", "lr_warmup_steps = 2000")) == ["SL203"]
    # library/train_util.py get_scheduler_fix `int(args.lr_warmup_steps * num_training_steps)`: int(1.5) = 1
    assert sd("max_train_steps = 1000", "lr_warmup_steps = 0.0015").plan["warmup_steps"] == 1


def test_sd_scripts_save_n_epoch_ratio_replaces_save_every_n_epochs():
    # train_network.py train: `args.save_every_n_epochs = math.floor(num_train_epochs / args.save_n_epoch_ratio)
    # or 1`: 10 epochs / 5 = every 2 epochs (saves after epochs 2, 4, 6, 8, the last model after 10), not every 20
    result = sd("max_train_epochs = 10\nsave_every_n_epochs = 20\nsave_n_epoch_ratio = 5", dataset_size=100)
    assert codes(result) == [] and result.plan["checkpoint_count"] == 5
    assert sd("max_train_epochs = 3\nsave_n_epoch_ratio = 5", dataset_size=100).plan["checkpoint_count"] == 3  # or 1
    # max_train_steps sets the run: num_train_epochs depends on the dataset, so the interval is not read
    unread = sd("max_train_steps = 500\nsave_every_n_epochs = 20\nsave_n_epoch_ratio = 5")
    assert codes(unread) == [] and unread.plan["checkpoint_count"] is None  # no dataset size: not counted
    # in a GUI preset's additional_parameters it replaces the preset's save_every_n_epochs 20 (unread)
    gui = run(max_train_epochs=10, save_every_n_epochs=20, additional_parameters="--save_n_epoch_ratio 5")
    assert "SL204" not in codes(gui) and plan_of(gui).checkpoint_count is None


def test_sd_scripts_keeps_a_quoted_number_as_text_and_fails_on_it():
    # read_config_from_file hands the TOML value to the script unconverted: "4" is text
    result = lint(SD.format(training="", optimizer="").replace("train_batch_size = 2", 'train_batch_size = "4"'),
                  "config.toml")
    assert codes(result) == ["SL003"] and "passes a --config_file value to the script unconverted" in result.findings[0].message
    assert result.plan["micro_batch_size"] is None  # not the default of 1: the file sets it, to text


def test_the_sd_scripts_samples():
    assert codes(check_file(SAMPLES / "sd_scripts_good.toml")) == []
    assert sorted(codes(check_file(SAMPLES / "sd_scripts_bad.toml"))) == ["SL203", "SL204"]
