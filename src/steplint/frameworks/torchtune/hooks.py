"""What the torchtune profile cannot say as data: the settings its rules read (SL470), and the
version it counts by: torchtune <= 0.6 runs an epoch's leftover micro-batches and carries their
gradients into the next epoch; HEAD never loads them [S-TT recipes/*.py `train`, v0.6.1 and HEAD]."""

from __future__ import annotations

from typing import Any

from ..base import RunBuilder, Source
from .settings import TorchtuneSettings
from ...datasets import rows_at_least, slice_limit
from ...units import to_number


def _split_limit(data: dict, b: RunBuilder) -> None:
    """N <= the rows an absolute split slice selects (`split: train[:5000]`): torchtune's dataset
    builders pass `split` to `datasets.load_dataset` and keep one sample per row [S-TT
    torchtune/datasets/_sft.py SFTDataset]. Not when packed: a pack may hold part of a row."""
    dataset = data.get("dataset")
    if not isinstance(dataset, dict) or dataset.get("packed") is True:
        return
    limit = slice_limit(dataset.get("split"))
    if limit is not None:
        b.count("dataset_size_at_most", limit, ("dataset", "split"), note=f"split {dataset['split']}")


# builder -> the Hub dataset it loads when `source` is not given [S-TT torchtune/datasets/_alpaca.py]
BUILDER_SOURCES = {"torchtune.datasets.alpaca_dataset": "tatsu-lab/alpaca",
                   "torchtune.datasets.alpaca_cleaned_dataset": "yahma/alpaca-cleaned"}


def _known_rows(data: dict, b: RunBuilder) -> None:
    """N >= the rows a public dataset is known to have: SFTDataset keeps one sample per row of
    `load_dataset(source, split=split)` unless a filter_fn drops some [S-TT torchtune/datasets/_sft.py];
    not when packed, nor with local data_files."""
    dataset = data.get("dataset")
    if not isinstance(dataset, dict) or dataset.get("packed") not in (None, False) \
            or dataset.get("filter_fn") is not None or "data_files" in dataset:
        return
    builder = dataset.get("_component_")
    source = dataset.get("source", BUILDER_SOURCES[builder]) if isinstance(builder, str) and builder in BUILDER_SOURCES else None
    known = rows_at_least(source, dataset.get("split", "train"))
    if known is not None:
        b.count("dataset_size_at_least", known[0], ("dataset", "_component_"), note=known[1])


def adapt(data: dict, b: RunBuilder, source: Source) -> dict:
    settings: dict[str, Any] = {"version": source.version("torchtune")}
    if data.get("gradient_accumulation_steps") is not None:
        settings["accumulation_key"] = "gradient_accumulation_steps"
    cap = to_number(data.get("max_steps_per_epoch"))
    if isinstance(cap, int) and cap > 0:
        settings["max_steps_per_epoch"] = cap
    if data.get("optimizer_in_bwd") is True:
        settings.update(optimizer_in_bwd=True, optimizer_in_bwd_key="optimizer_in_bwd")
    _split_limit(data, b)
    _known_rows(data, b)
    framework = TorchtuneSettings(**settings)
    if not framework.carries_leftovers:
        return {"settings": framework}
    return {"settings": framework, "name": "torchtune recipe: DistributedSampler, drop_last=True, floor(L / GA) "
            "optimizer steps per epoch (leftover micro-batches run and carried into the next epoch)"}


def rl(data: dict, b: RunBuilder, source: Source) -> dict:
    return {"settings": TorchtuneSettings(version=source.version("torchtune"))}
