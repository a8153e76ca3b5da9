"""yacs-style configs that are not detectron2's: PySlowFast, HRNet, Swin Transformer, OpenPCDet and
CSAIL semantic-segmentation. Each is recognised as its own framework (detectron2 keeps its own
files), read with its trainer's units and defaults, and checked by its own rules; the real files of
../shared/corpus-wild are read in place."""

from __future__ import annotations

import csv

import pytest

from .conftest import CORPUS, ROOT, SHARED, check_file, codes, lint

WILD = SHARED / "corpus-wild"
needs_wild = pytest.mark.skipif(not WILD.is_dir(), reason="../shared/corpus-wild is absent (it sits beside the repo)")
SAMPLES = ROOT / "sample_configs"


def wild_files(repo: str) -> list:
    if not WILD.is_dir():
        return []
    with open(WILD / "MANIFEST.tsv", newline="") as handle:
        return [WILD / row["file"] for row in csv.DictReader(handle, delimiter="\t") if row["repo"] == repo]


def loud(result) -> list:
    return [(f.rule, f.line) for f in result.findings if f.severity.label != "info"]


# --- detectron2 keeps its files and no longer claims other yacs projects ------------------------

@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is absent")
def test_detectron2_still_claims_every_detectron2_file_of_the_corpus():
    with open(CORPUS / "MANIFEST.tsv", newline="") as handle:
        files = [CORPUS / r["file"] for r in csv.DictReader(handle, delimiter="\t") if r["dialect"] == "detectron2"]
    assert len(files) >= 90
    assert {check_file(path).dialect for path in files} == {"detectron2"}


def test_upper_case_sections_alone_are_not_detectron2():
    # HRNet-style: MODEL and TRAIN sections, no iteration solver, no _BASE_, no META_ARCHITECTURE
    assert lint("MODEL: {NAME: my_net}\nTRAIN: {LR: 0.1}\nDATASET: {ROOT: data}\n").dialect != "detectron2"
    assert lint("MODEL: {META_ARCHITECTURE: GeneralizedRCNN}\nDATASETS: {TRAIN: [coco]}\n").dialect == "detectron2"
    assert lint("SOLVER: {BASE_LR: 0.1, MAX_EPOCH: 10}\nNUM_GPUS: 8\n").dialect == "slowfast"


# --- PySlowFast ----------------------------------------------------------------------------------

@needs_wild
def test_every_slowfast_file_is_slowfast():
    files = wild_files("facebookresearch/SlowFast")
    assert len(files) == 31
    assert {check_file(path).dialect for path in files} == {"slowfast"}


@needs_wild
def test_slowfast_plan_counts_epochs_of_the_per_process_batch():
    path = WILD / "facebookresearch__SlowFast/configs/Charades/SLOWFAST_16x8_R50.yaml"
    plan = check_file(path, dataset_size=8000).plan
    # BATCH_SIZE 16 over NUM_GPUS 8: 2 clips per process, 8 ranks, 8000 / 8 / 2 = 500 steps an epoch
    assert (plan["micro_batch_size"], plan["world_size"], plan["optimizer_steps_per_epoch"]) == (2, 8, 500)
    assert (plan["epochs"], plan["total_optimizer_steps"], plan["warmup_steps"]) == (57, 28500, 2000)
    # CHECKPOINT_PERIOD / EVAL_PERIOD 6 epochs: epochs 6, 12, ... 54, and the forced one at 57
    assert (plan["checkpoint_count"], plan["first_checkpoint_step"], plan["eval_count"]) == (10, 3000, 10)


def test_slowfast_period_past_the_run_is_how_configs_keep_only_the_final_evaluation():
    result = lint("SOLVER: {MAX_EPOCH: 10}\nTRAIN: {BATCH_SIZE: 8, EVAL_PERIOD: 100000}\nNUM_GPUS: 8\n",
                  dataset_size=640)   # 1 clip per process, 8 ranks: 80 steps an epoch
    assert "SL204" not in codes(result)
    assert any("TRAIN.EVAL_PERIOD 100000" in a for a in result.plan["assumptions"])


@needs_wild
def test_slowfast_masked_pretraining_never_evaluates():
    # tools/train_net.py train: `is_eval_epoch = misc.is_eval_epoch(...) and not cfg.MASK.ENABLE`
    path = WILD / "facebookresearch__SlowFast/configs/masked_ssl/k400_VIT_L_16x4_MAE_PT.yaml"  # MASK.ENABLE True
    result = check_file(path, dataset_size=240000)
    assert "SL204" not in codes(result) and result.plan["eval_count"] == 0
    assert any("MASK.ENABLE" in a for a in result.plan["assumptions"])
    # the same without the file's EVAL_PERIOD 100000: the default EVAL_PERIOD 10 is no cadence either
    masked = lint("SOLVER: {MAX_EPOCH: 20}\nTRAIN: {BATCH_SIZE: 8}\nMASK: {ENABLE: True}\nNUM_GPUS: 8\n",
                  dataset_size=640)
    assert (masked.plan["eval_count"], masked.plan["checkpoint_count"]) == (0, 2)   # checkpoints at epochs 10, 20


@pytest.mark.parametrize("gpus,shards,world,steps", [(1, 4, 1, 100), (0, 4, 1, 100), (2, 4, 8, 25), (1, 1, 1, 100)])
def test_slowfast_one_gpu_trains_alone_whatever_the_shards(gpus, shards, world, steps):
    # slowfast/utils/misc.py launch_job: `if cfg.NUM_GPUS > 1:` spawns the process group (world NUM_GPUS ×
    # NUM_SHARDS, utils/multiprocessing.py run), else runs func directly; datasets/utils.py create_sampler:
    # `DistributedSampler(dataset) if cfg.NUM_GPUS > 1 else None`. 800 clips, BATCH_SIZE 8 per machine:
    # one process of 8 clips takes 100 steps; 2 GPUs × 4 shards of 4 clips each take 800 / 8 / 4 = 25
    result = lint(f"SOLVER: {{MAX_EPOCH: 1}}\nTRAIN: {{BATCH_SIZE: 8}}\nNUM_GPUS: {gpus}\nNUM_SHARDS: {shards}\n",
                  dataset_size=800)
    assert (result.plan["world_size"], result.plan["optimizer_steps_per_epoch"]) == (world, steps)


@needs_wild
def test_slowfast_real_batch_that_fails_the_start_up_assertion():
    path = WILD / "facebookresearch__SlowFast/configs/masked_ssl/k400_VIT_B_16x4_FT.yaml"  # BATCH_SIZE 1, NUM_GPUS 8
    assert ("SL600", 5) in loud(check_file(path))


def test_slowfast_samples():
    assert codes(check_file(SAMPLES / "slowfast/good.yaml")) == []
    bad = check_file(SAMPLES / "slowfast/bad.yaml")
    assert sorted(codes(bad)) == ["SL203", "SL600", "SL601"]


def test_slowfast_defaults_fill_what_the_file_leaves_out():
    # MAX_EPOCH 300, CHECKPOINT_PERIOD 10 and TRAIN.BATCH_SIZE 64 are PySlowFast's defaults
    plan = lint("SOLVER: {LR_POLICY: cosine}\nDATA: {NUM_FRAMES: 8}\nNUM_GPUS: 4\n", dataset_size=1600).plan
    assert (plan["micro_batch_size"], plan["world_size"], plan["epochs"]) == (16, 4, 300)
    assert plan["optimizer_steps_per_epoch"] == 25 and plan["checkpoint_count"] == 30


def test_slowfast_multigrid_and_test_only_files_are_not_counted():
    for extra in ("MULTIGRID: {LONG_CYCLE: True}", "MULTIGRID: {SHORT_CYCLE: True}", "TRAIN: {ENABLE: False}"):
        result = lint(f"SOLVER: {{MAX_EPOCH: 10, WARMUP_EPOCHS: 20.0}}\nNUM_GPUS: 8\n{extra}\n", dataset_size=1000)
        assert result.dialect == "slowfast" and codes(result) == [] and result.plan["total_optimizer_steps"] is None


@pytest.mark.parametrize("steps,lrs,expected", [
    ("[0, 40, 50]", "[1, 0.1, 0.01]", []),
    ("[10, 40]", "[1, 0.1, 0.01]", ["SL601"]),          # epochs 0-10 at LRS[-1]
    ("[0, 40, 50]", "[1, 0.1]", ["SL601"]),             # IndexError at epoch 50
    ("[0, 40, 70]", "[1, 0.1]", []),                    # the step without a multiplier is never reached
])
def test_slowfast_relative_lrs(steps, lrs, expected):
    text = f"SOLVER: {{MAX_EPOCH: 60, LR_POLICY: steps_with_relative_lrs, STEPS: {steps}, LRS: {lrs}}}\nNUM_GPUS: 8\n"
    assert [c for c in codes(lint(text)) if c.startswith("SL6")] == expected


def test_slowfast_batch_divisibility_uses_num_gpus_and_cpu_runs_are_not_asserted():
    assert "SL600" in codes(lint("SOLVER: {MAX_EPOCH: 10}\nTRAIN: {BATCH_SIZE: 12}\nNUM_GPUS: 8\n"))
    assert "SL600" in codes(lint("SOLVER: {MAX_EPOCH: 10}\nTEST: {BATCH_SIZE: 12}\nNUM_GPUS: 8\n"))
    assert "SL600" not in codes(lint("SOLVER: {MAX_EPOCH: 10}\nTRAIN: {BATCH_SIZE: 12}\nNUM_GPUS: 0\n"))


# --- HRNet ---------------------------------------------------------------------------------------

CITYSCAPES = "HRNet__HRNet-Semantic-Segmentation/experiments/cityscapes/seg_hrnet_w48_train_512x1024_sgd_lr1e-2_wd5e-4_bs_12_epoch484.yaml"


@needs_wild
def test_every_hrnet_file_is_hrnet_and_clean():
    files = wild_files("HRNet/HRNet-Semantic-Segmentation") + wild_files("HRNet/HRNet-Image-Classification")
    assert len(files) == 35
    for path in files:
        result = check_file(path)
        assert result.dialect == "hrnet" and loud(result) == [], path


@needs_wild
def test_hrnet_segmentation_runs_the_per_gpu_batch_on_each_listed_gpu():
    # Cityscapes 2975 images, GPUS (0,1,2,3), 3 per GPU: ceil(2975 / 4) = 744 per rank, 248 batches
    plan = check_file(WILD / CITYSCAPES, dataset_size=2975).plan
    assert (plan["world_size"], plan["micro_batch_size"], plan["optimizer_steps_per_epoch"]) == (4, 3, 248)
    assert (plan["epochs"], plan["total_optimizer_steps"], plan["checkpoint_count"], plan["eval_count"]) == \
        (484, 484 * 248, 484, 484)


@needs_wild
def test_hrnet_classification_is_one_dataparallel_process():
    path = WILD / "HRNet__HRNet-Image-Classification/experiments/cls_hrnet_w18_sgd_lr5e-2_wd1e-4_bs32_x100.yaml"
    plan = check_file(path, dataset_size=1281167).plan
    assert (plan["world_size"], plan["micro_batch_size"], plan["optimizer_steps_per_epoch"]) == (1, 128, 10010)


@needs_wild
def test_hrnet_fewer_ranks_than_gpus_runs_the_poly_lr_past_its_end():
    assert codes(check_file(WILD / CITYSCAPES, dataset_size=2975, world_size=4)) == []
    result = check_file(WILD / CITYSCAPES, dataset_size=2975, world_size=2)
    assert codes(result) == ["SL610"] and "max_iters 119548" in result.findings[0].message
    assert codes(check_file(WILD / CITYSCAPES, dataset_size=2975, world_size=1)) == []  # DataParallel: consistent


HRNET_CLS = "GPUS: (0,1,2,3)\nWORKERS: 4\nMODEL: {{NAME: cls_hrnet}}\nTRAIN: {{END_EPOCH: {end}{steps}}}\n"


@pytest.mark.parametrize("end,steps,expected", [
    (60, ", LR_STEP: [30, 60]", []),        # stepped before each epoch: the decay at 60 applies to epoch 59
    (60, ", LR_STEP: [30, 61]", ["SL611"]),
    (100, "", ["SL611"]),                   # the default LR_STEP [90, 110]
    (120, "", []),
])
def test_hrnet_lr_step_past_the_end(end, steps, expected):
    assert codes(lint(HRNET_CLS.format(end=end, steps=steps))) == expected


def test_hrnet_unknown_trainer_is_recognised_but_not_counted():
    result = lint("GPUS: (0,)\nWORKERS: 4\nMODEL: {NAME: pose_hrnet}\nTRAIN: {END_EPOCH: 10, LR_STEP: [90]}\n",
                  dataset_size=1000)
    assert result.dialect == "hrnet" and codes(result) == [] and result.plan["total_optimizer_steps"] is None


def test_hrnet_samples():
    assert codes(check_file(SAMPLES / "hrnet/good.yaml")) == []
    assert codes(check_file(SAMPLES / "hrnet/bad.yaml")) == ["SL611"]


# --- Swin Transformer ----------------------------------------------------------------------------

@needs_wild
def test_every_swin_file_is_swin_and_clean():
    files = wild_files("microsoft/Swin-Transformer")
    assert len(files) == 32
    for path in files:
        result = check_file(path)
        assert result.dialect == "swin" and loud(result) == [], path


@needs_wild
def test_swin_reads_epochs_per_gpu_batch_and_warmup_in_epochs():
    path = WILD / "microsoft__Swin-Transformer/configs/swin/swin_base_patch4_window7_224_22kto1k_finetune.yaml"
    plan = check_file(path, dataset_size=1281167, world_size=8).plan
    # DATA.BATCH_SIZE is Swin's default 128 per GPU: 160146 images per rank, 1251 full batches
    assert (plan["micro_batch_size"], plan["optimizer_steps_per_epoch"], plan["epochs"]) == (128, 1251, 30)
    assert (plan["warmup_steps"], plan["eval_count"]) == (5 * 1251, 30)


@needs_wild
def test_a_swin_model_only_file_trains_with_swins_defaults():
    path = WILD / "microsoft__Swin-Transformer/configs/swin/swin_tiny_patch4_window7_224.yaml"
    plan = check_file(path, dataset_size=1281167, world_size=8).plan
    assert (plan["epochs"], plan["warmup_steps"], plan["micro_batch_size"]) == (300, 20 * 1251, 128)


def test_swin_accumulation_drops_the_short_last_group():
    text = "MODEL: {TYPE: swin, SWIN: {EMBED_DIM: 96}}\nDATA: {BATCH_SIZE: 10}\nTRAIN: {EPOCHS: 2, ACCUMULATION_STEPS: 4}\n"
    plan = lint(text, dataset_size=1000, world_size=1).plan  # 100 batches: 25 steps; 110 batches: 27, not 28
    assert plan["optimizer_steps_per_epoch"] == 25
    assert lint(text, dataset_size=1100, world_size=1).plan["optimizer_steps_per_epoch"] == 27


def _swin_scheduler_steps(n: int, batch: int, world: int, accumulation: int, epochs: int, warmup: int) -> tuple:
    """microsoft/Swin-Transformer @ f82860bf: data/build.py DistributedSampler + drop_last=True;
    main.py:110-113 n_iter_per_epoch = len(data_loader_train) // ACCUMULATION_STEPS (len() when 1);
    lr_scheduler.py:17-18 num_steps = int(EPOCHS * n_iter_per_epoch), warmup_steps =
    int(WARMUP_EPOCHS * n_iter_per_epoch); main.py:203-205 step_update after each optimizer step."""
    per_rank = -(-n // world)
    loader = per_rank // batch
    n_iter = loader // accumulation if accumulation > 1 else loader
    return int(epochs * n_iter), int(warmup * n_iter)


def test_swin_warmup_and_run_are_whole_epochs_of_optimizer_steps():
    text = ("MODEL: {{TYPE: swin, SWIN: {{EMBED_DIM: 96}}}}\nDATA: {{BATCH_SIZE: {b}}}\n"
            "TRAIN: {{EPOCHS: {e}, WARMUP_EPOCHS: {w}, ACCUMULATION_STEPS: {ga}}}\n")
    for n, b, world, ga, e, w in [(1000, 10, 1, 1, 3, 1), (1000, 10, 1, 4, 3, 2), (1003, 7, 3, 3, 5, 2),
                                  (50, 8, 2, 2, 4, 3), (1281167, 128, 8, 1, 300, 20), (999, 16, 4, 5, 9, 1)]:
        plan = lint(text.format(b=b, e=e, w=w, ga=ga), dataset_size=n, world_size=world).plan
        assert (plan["total_optimizer_steps"], plan["warmup_steps"]) == _swin_scheduler_steps(n, b, world, ga, e, w)


@pytest.mark.parametrize("key,value", [("TRAIN.WARMUP_EPOCHS", "0.5"), ("TRAIN.WARMUP_EPOCHS", "5.0"),
                                       ("TRAIN.EPOCHS", "2.5"), ("TRAIN.LR_SCHEDULER.DECAY_EPOCHS", "1.5")])
def test_swin_refuses_a_float_where_its_default_is_an_int(key, value):
    # config.py:153-174 `_C.TRAIN.WARMUP_EPOCHS = 20` (EPOCHS 300, DECAY_EPOCHS 30): yacs 0.1.8 (get_started.md:47)
    # `_check_and_coerce_cfg_value_type` casts only tuple <-> list, so merge_from_file (config.py:279) raises
    # "Type mismatch (<class 'int'> vs. <class 'float'>)": Swin never reaches lr_scheduler.py:17-19's int(),
    # and steplint plans no fractional epochs it would round
    section, *rest = key.split(".")
    inner = rest[-1] + ": " + value
    if len(rest) == 2:
        inner = f"{rest[0]}: {{NAME: step, {inner}}}"
    text = f"MODEL: {{TYPE: swin, SWIN: {{EMBED_DIM: 96}}}}\n{section}: {{EPOCHS: 30, {inner}}}\n".replace(
        "EPOCHS: 30, EPOCHS: 2.5", "EPOCHS: 2.5")
    result = lint(text, dataset_size=1000, world_size=1)
    errors = [f for f in result.findings if f.severity.label == "error"]
    assert [f.rule for f in errors] == ["SL003"] and not loud(result)[1:]
    assert "yacs refuses a float" in errors[0].message and f"'{rest[-1]}'" in errors[0].message
    field = {"TRAIN.WARMUP_EPOCHS": "warmup_steps", "TRAIN.EPOCHS": "total_optimizer_steps"}.get(key)
    if field:
        assert result.plan[field] is None  # not a number Swin runs


def test_swin_cosine_refuses_a_warmup_as_long_as_the_run():
    # lr_scheduler.py:16-33 build_scheduler: cosine (config.py:172, the default) with WARMUP_PREFIX
    # (config.py:178, True) gives timm's CosineLRScheduler t_initial = num_steps - warmup_steps = (EPOCHS -
    # WARMUP_EPOCHS) × n_iter_per_epoch, and timm 0.4.12 (get_started.md:41) asserts `t_initial > 0`: the
    # default 20 warmup epochs in a 10-epoch run stop Swin before its first step (not SL203's warmup)
    model = "MODEL: {TYPE: swin, SWIN: {EMBED_DIM: 96}}\n"
    result = lint(model + "TRAIN: {EPOCHS: 10}\n", dataset_size=1000)
    assert codes(result) == ["SL003"] and result.findings[0].key_path == "TRAIN.WARMUP_EPOCHS"
    assert "(not written: Swin's default) 20 is at least EPOCHS 10" in result.findings[0].message
    assert "AssertionError: t_initial > 0" in result.findings[0].message and result.plan["warmup_steps"] is None
    assert codes(lint(model + "TRAIN: {EPOCHS: 20, WARMUP_EPOCHS: 20}\n")) == ["SL003"]  # t_initial 0
    assert codes(lint(model + "TRAIN: {EPOCHS: 21, WARMUP_EPOCHS: 20}\n", dataset_size=1000)) == []
    # without WARMUP_PREFIX t_initial is the whole run: the warmup never ends, as SL203 says
    no_prefix = lint(model + "TRAIN: {EPOCHS: 10, LR_SCHEDULER: {WARMUP_PREFIX: false}}\n")
    assert codes(no_prefix) == ["SL203"] and "20 epochs" in no_prefix.findings[0].message
    # a run of no epoch: t_initial (-3 - 5) × n
    [error] = lint(model + "TRAIN: {EPOCHS: -3, WARMUP_EPOCHS: 5}\n", dataset_size=1000).findings
    assert (error.rule, error.key_path) == ("SL003", "TRAIN.EPOCHS")
    # the step scheduler asserts nothing of the kind, and a BASE file may set what this one does not
    assert codes(lint(model + "TRAIN: {EPOCHS: 10, LR_SCHEDULER: {NAME: step}}\n")) == ["SL203"]
    assert codes(lint("BASE: ['base.yaml']\n" + model + "TRAIN: {EPOCHS: 10}\n")) == []


def test_swin_multistep_refuses_a_warmup_past_its_first_milestone_and_no_milestone():
    # lr_scheduler.py:116-133 MultiStepLRScheduler: `assert self.warmup_t <= min(self.milestones)`, with
    # milestones [i × n_iter_per_epoch for i in MULTISTEPS] (lr_scheduler.py:20) and MULTISTEPS [] by default
    # (config.py:181): min([]) is a ValueError
    model = "MODEL: {TYPE: swin, SWIN: {EMBED_DIM: 96}}\n"
    [error] = lint(model + "TRAIN: {EPOCHS: 30, LR_SCHEDULER: {NAME: multistep, MULTISTEPS: [10, 20]}}\n").findings
    assert (error.rule, error.key_path) == ("SL003", "TRAIN.WARMUP_EPOCHS")
    assert "(not written: Swin's default) 20 is past the first MULTISTEPS milestone, epoch 10" in error.message
    fits = model + "TRAIN: {EPOCHS: 30, WARMUP_EPOCHS: 10, LR_SCHEDULER: {NAME: multistep, MULTISTEPS: [10, 20]}}\n"
    assert codes(lint(fits, dataset_size=1000)) == []  # warmup_t = 10 n <= 10 n
    [empty] = lint(model + "TRAIN: {EPOCHS: 30, LR_SCHEDULER: {NAME: multistep, MULTISTEPS: []}}\n").findings
    assert (empty.rule, empty.key_path) == ("SL003", "TRAIN.LR_SCHEDULER.MULTISTEPS") and "ValueError" in empty.message
    [unwritten] = lint(model + "TRAIN: {EPOCHS: 30, LR_SCHEDULER: {NAME: multistep}}\n").findings
    assert unwritten.key_path == "TRAIN.LR_SCHEDULER.NAME" and "not written: Swin's default []" in unwritten.message


def test_swin_files_with_bases_are_not_counted():
    result = lint("BASE: ['base.yaml']\nMODEL: {TYPE: swin, SWIN: {EMBED_DIM: 96}}\nTRAIN: {EPOCHS: 10}\n")
    assert result.dialect == "swin" and codes(result) == []


def test_swin_samples():
    assert codes(check_file(SAMPLES / "swin/good.yaml")) == []
    assert codes(check_file(SAMPLES / "swin/bad.yaml")) == ["SL205"]


# --- OpenPCDet -----------------------------------------------------------------------------------

@needs_wild
def test_every_openpcdet_file_is_openpcdet_and_dataset_files_are_not_counted():
    files = wild_files("open-mmlab/OpenPCDet")
    assert len(files) == 35
    for path in files:
        result = check_file(path, dataset_size=3712)
        assert result.dialect == "openpcdet" and loud(result) == [], path
        if "dataset_configs" in path.parts:
            assert result.plan["total_optimizer_steps"] is None and result.findings == [], path


@needs_wild
def test_openpcdet_one_cycle_warms_up_for_pct_start_of_the_run():
    path = WILD / "open-mmlab__OpenPCDet/tools/cfgs/kitti_models/pv_rcnn.yaml"  # 2 per GPU, 80 epochs, PCT_START 0.4
    plan = check_file(path, dataset_size=3712, world_size=8).plan
    assert (plan["micro_batch_size"], plan["optimizer_steps_per_epoch"], plan["epochs"]) == (2, 232, 80)
    assert plan["warmup_steps"] == int(0.4 * 80 * 232)


OPENPCDET = ("CLASS_NAMES: [Car]\nOPTIMIZATION: {{BATCH_SIZE_PER_GPU: 4, NUM_EPOCHS: 80, OPTIMIZER: {optimizer}, "
             "PCT_START: 0.4, DECAY_STEP_LIST: [35, 45], LR_WARMUP: {warmup}, WARMUP_EPOCH: 1}}\n")


@pytest.mark.parametrize("optimizer,warmup,expected", [
    ("adam_onecycle", "False", []),
    ("adam_onecycle", "True", [("SL620", "warning")]),
    ("adam_cosineanneal", "True", [("SL620", "warning")]),
    ("adam", "True", [("SL620", "error")]),
    ("sgd", "True", [("SL620", "error")]),
    ("sgd", "False", []),
])
def test_openpcdet_lr_warmup(optimizer, warmup, expected):
    result = lint(OPENPCDET.format(optimizer=optimizer, warmup=warmup))
    assert [(f.rule, f.severity.label) for f in result.findings] == expected


def test_openpcdet_decay_steps_are_read_only_by_adam_and_sgd():
    # adam_onecycle never reads DECAY_STEP_LIST: the [35, 45] every config carries is not a finding
    text = "CLASS_NAMES: [Car]\nOPTIMIZATION: {{NUM_EPOCHS: 40, OPTIMIZER: {}, DECAY_STEP_LIST: [35, 45]}}\n"
    assert codes(lint(text.format("adam_onecycle"))) == []
    assert codes(lint(text.format("adam"))) == ["SL205"]


def test_openpcdet_samples():
    assert codes(check_file(SAMPLES / "openpcdet/good.yaml")) == []
    assert sorted(codes(check_file(SAMPLES / "openpcdet/bad.yaml"))) == ["SL205", "SL620"]


# --- CSAIL semantic-segmentation -----------------------------------------------------------------

CSAIL = "MODEL: {{arch_encoder: resnet50, arch_decoder: upernet}}\nTRAIN: {{{train}}}\n{extra}"


@needs_wild
def test_every_csail_file_is_csail_and_the_one_inconsistent_checkpoint_is_found():
    files = wild_files("CSAILVision/semantic-segmentation-pytorch")
    assert len(files) == 7
    found = {}
    for path in files:
        result = check_file(path)
        assert result.dialect == "csail-semseg", path
        if loud(result):
            found[path.name] = loud(result)
    # num_epoch 40 but VAL and TEST load epoch_50.pth
    assert found == {"ade20k-resnet101-upernet.yaml": [("SL625", 36), ("SL625", 39)]}


def test_csail_run_is_epochs_of_epoch_iters_whatever_the_dataset():
    plan = lint(CSAIL.format(train="num_epoch: 30, epoch_iters: 5000, batch_size_per_gpu: 2", extra=""),
                dataset_size=20210).plan
    assert (plan["total_optimizer_steps"], plan["checkpoint_count"], plan["first_checkpoint_step"]) == \
        (150000, 30, 5000)
    # defaults: 20 epochs of 5000; a resumed run counts from start_epoch
    assert lint(CSAIL.format(train="lr_pow: 0.9, lr_encoder: 0.02", extra="")).plan["total_optimizer_steps"] == 100000
    assert lint(CSAIL.format(train="num_epoch: 30, start_epoch: 10, epoch_iters: 100",
                             extra="")).plan["total_optimizer_steps"] == 2000


@pytest.mark.parametrize("train,extra,expected", [
    ("num_epoch: 30, epoch_iters: 5000", "VAL: {checkpoint: epoch_30.pth}\nTEST: {checkpoint: epoch_30.pth}\n", []),
    ("num_epoch: 30, epoch_iters: 5000", "VAL: {checkpoint: epoch_25.pth}\nTEST: {checkpoint: epoch_30.pth}\n", []),
    ("num_epoch: 30, epoch_iters: 5000", "VAL: {checkpoint: epoch_31.pth}\nTEST: {checkpoint: epoch_30.pth}\n",
     ["SL625"]),
    ("num_epoch: 10, epoch_iters: 5000", "", ["SL625", "SL625"]),   # the default epoch_20.pth, twice
])
def test_csail_eval_checkpoint(train, extra, expected):
    assert codes(lint(CSAIL.format(train=train, extra=extra))) == expected


def test_csail_disp_iter_past_the_epoch_still_logs_every_epoch():
    # train.py train: `for i in range(cfg.TRAIN.epoch_iters):` ... `if i % cfg.TRAIN.disp_iter == 0:` logs
    # at i = 0 of every epoch: 2 epochs of 100 iterations with disp_iter 500 log twice, not never
    result = lint(CSAIL.format(train="num_epoch: 2, epoch_iters: 100, batch_size_per_gpu: 2, disp_iter: 500",
                               extra=""))
    assert (result.plan["total_optimizer_steps"], result.plan["logging_count"]) == (200, None)
    assert "SL204" not in codes(result)


def test_csail_samples():
    assert codes(check_file(SAMPLES / "csail-semseg/good.yaml")) == []
    assert codes(check_file(SAMPLES / "csail-semseg/bad.yaml")) == ["SL625"]


# --- VISSL ---------------------------------------------------------------------------------------

@needs_wild
def test_every_vissl_file_is_vissl_and_clean():
    from steplint.frameworks import DIALECTS
    from .conftest import load_data
    from steplint.frameworks.base import Source
    files = wild_files("facebookresearch/vissl")
    assert len(files) == 42
    judged = 0
    for path in files:
        result = check_file(path, dataset_size=1281167)
        assert result.dialect == "vissl" and loud(result) == [], path
        judged += len(DIALECTS["vissl"].adapt(load_data(path), Source(str(path))).settings.composites)
    assert judged >= 5  # composite schedules without auto_lr_scaling, whose lengths were checked


@needs_wild
def test_vissl_plan_reads_the_replica_batch_and_the_world():
    path = WILD / "facebookresearch__vissl/configs/config/pretrain/jigsaw/jigsaw_8gpu_resnet.yaml"
    plan = check_file(path, dataset_size=1281167).plan
    # 32 per replica on 1 node × 8, DROP_LAST left at VISSL's default False: ceil(160146 / 32) = 5005
    assert (plan["world_size"], plan["micro_batch_size"], plan["optimizer_steps_per_epoch"]) == (8, 32, 5005)
    assert (plan["epochs"], plan["checkpoint_count"]) == (105, 105)


VISSL = ("config:\n  MODEL: {{TRUNK: {{NAME: resnet}}}}\n  OPTIMIZER:\n    num_epochs: 10\n    param_schedulers:\n"
         "      lr: {{name: composite, schedulers: [{{name: linear}}, {{name: cosine}}], lengths: {lengths}{extra}}}\n")


@pytest.mark.parametrize("lengths,extra,expected", [
    ("[0.1, 0.9]", "", []),
    ("[0.1, 0.8999]", "", []),                # within ClassyVision's 0.001
    ("[0.2, 0.9]", "", ["SL626"]),
    ("[1.0]", "", ["SL626"]),                 # one length for two schedulers
    ("[0.2, 0.9]", ", auto_lr_scaling: {auto_scale: true}", []),   # VISSL may drop the linear warmup first
])
def test_vissl_composite_lengths(lengths, extra, expected):
    assert codes(lint(VISSL.format(lengths=lengths, extra=extra))) == expected


VISSL_CHECKPOINT = "config:\n  MODEL: {{TRUNK: {{NAME: resnet}}}}\n  OPTIMIZER: {{num_epochs: {}}}\n  CHECKPOINT: {{{}}}\n"


def test_vissl_checkpoint_every_n_epochs_from_the_first_and_the_final_one():
    # vissl/utils/checkpoint.py is_checkpoint_phase: `(mode_num % mode_frequency) == 0 or train_phase_idx ==
    # (num_train_phases - 1)`, mode_num = train_phase_idx from 0: after epochs 1, 5, 9 and 10 of 10
    plan = lint(VISSL_CHECKPOINT.format(10, "CHECKPOINT_FREQUENCY: 4"), dataset_size=2560).plan  # 256 × 8: 2 steps
    assert (plan["world_size"], plan["optimizer_steps_per_epoch"]) == (8, 2)
    assert (plan["checkpoint_count"], plan["first_checkpoint_step"]) == (4, 2)
    # a frequency past the run still saves after the first epoch (train_phase_idx 0) and the last
    result = lint(VISSL_CHECKPOINT.format(10, "CHECKPOINT_FREQUENCY: 100"), dataset_size=2560)
    assert codes(result) == [] and (result.plan["checkpoint_count"], result.plan["first_checkpoint_step"]) == (2, 2)


def test_vissl_iteration_checkpoints_come_besides_the_epoch_ones():
    # vissl/hooks/log_hooks.py: on_step saves only `if checkpoint_frequency > 0` (CHECKPOINT_ITER_FREQUENCY),
    # and on_phase_end still saves at the CHECKPOINT_FREQUENCY cadence (default 1): 20 epochs of 10 steps
    # (20480 / 8 ranks / 256) save 20 times, none at iteration 1000 of the 200
    result = lint(VISSL_CHECKPOINT.format(20, "CHECKPOINT_ITER_FREQUENCY: 1000"), dataset_size=20480)
    assert (result.plan["total_optimizer_steps"], result.plan["checkpoint_count"]) == (200, 20)
    assert codes(result) == []   # no SL204: a checkpoint after every epoch
    # every 15 iterations besides (task.iteration from 1, trainer_main.py): steps 15, 30... 195 (13) and the
    # 20 epoch ends, of which 30, 60... 180 (6) are both: 27 steps, the first at 10
    plan = lint(VISSL_CHECKPOINT.format(20, "CHECKPOINT_ITER_FREQUENCY: 15"), dataset_size=20480).plan
    assert (plan["checkpoint_count"], plan["first_checkpoint_step"]) == (27, 10)


def test_vissl_samples():
    assert codes(check_file(SAMPLES / "vissl/good.yaml")) == []
    assert codes(check_file(SAMPLES / "vissl/bad.yaml")) == ["SL626"]


# --- ClassyVision --------------------------------------------------------------------------------

@needs_wild
def test_classy_vision_task_configs_are_recognised_and_hydra_fragments_are_not_training_configs():
    files = wild_files("facebookresearch/ClassyVision")
    assert len(files) == 24
    fragments = {"optimizer/sgd.yaml", "param_scheduler/step.yaml", "task/classification_task.yaml",
                 "hydra_configs/args.yaml"}
    for path in files:
        result = check_file(path, dataset_size=1281167, world_size=8)
        fragment = "/".join(path.parts[-2:]) in fragments
        assert result.dialect == (None if fragment else "classy-vision"), path
        assert loud(result) == [], path


@needs_wild
def test_classy_vision_accumulates_up_to_the_simulated_global_batch():
    path = WILD / "facebookresearch__ClassyVision/examples/vit/vit_l16_in_ft.json"  # 512 simulated, 4 per replica
    plan = check_file(path, dataset_size=1281167, world_size=8).plan
    assert (plan["gradient_accumulation_steps"], plan["global_batch_size"], plan["epochs"]) == (16, 512, 8)
    # classification_task.py:1083-1084 and :1143: the accumulation counter is never reset between
    # epochs, so 8 epochs of 40037 batches take floor(8 × 40037 / 16) steps, not 8 × floor(40037 / 16)
    assert plan["optimizer_steps_per_epoch"] is None and plan["bounds"]["optimizer_steps_per_epoch"] == [2502, 2503]
    assert plan["total_optimizer_steps"] == 8 * 40037 // 16 == 20018


@needs_wild
def test_classy_vision_num_samples_is_the_dataset_size():
    path = WILD / "facebookresearch__ClassyVision/classy_vision/configs/resnet50_synthetic_image_classy_config.json"
    plan = check_file(path, world_size=1).plan  # num_samples 2000, 32 per replica, 2 epochs, a test phase each
    assert (plan["dataset_size"], plan["optimizer_steps_per_epoch"], plan["total_optimizer_steps"]) == (2000, 63, 126)
    assert plan["eval_count"] == 2


def test_classy_vision_samples():
    assert codes(check_file(SAMPLES / "classy-vision/good.json")) == []
    assert codes(check_file(SAMPLES / "classy-vision/bad.json")) == ["SL627"]


@pytest.mark.parametrize("extra,epochs,steps", [("", 3, 300), (', "phases_per_epoch": 1', 3, 300)])
def test_classy_vision_runs_whole_train_phases_for_a_fractional_num_epochs(extra, epochs, steps):
    # classy_vision/tasks/classification_task.py _build_phases: `for _ in range(math.ceil(
    # self.train_phases_per_epoch * self.num_epochs))` train phases: num_epochs 2.5 runs 3 passes of
    # 3200 / 32 = 100 steps
    text = ('{"num_epochs": 2.5, "dataset": {"train": {"batchsize_per_replica": 32%s}}, "model": {"name": "resnet"},'
            ' "loss": {"name": "ce"}}' % extra)
    plan = lint(text, filename="task.json", dataset_size=3200).plan
    assert (plan["epochs"], plan["total_optimizer_steps"]) == (epochs, steps)
