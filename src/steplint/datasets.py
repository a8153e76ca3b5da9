"""What a config's own words say about the dataset size N: a split slice, a dataset known by name.

Split slices follow Hugging Face datasets' split syntax [datasets arrow_reader.py
`ReadInstruction`]: `train[:5000]` or `train[100:5100]` select those rows, fewer when the split is
shorter, so N <= end - start. A percent slice (`train[:95%]`) needs the split's length; a
combination (`train[:10]+validation[:10]`) or a negative index is not read.

Public datasets whose rows are known to a lower bound whatever revision is downloaded give N at
least (a percent slice of one too: Hugging Face rounds each boundary to the closest row, so
`train[:95%]` of n rows holds at least 0.95 n - 1).

Datasets whose training split has a size fixed by the name alone, only where the name cannot mean
anything else (not "imagenet", which may be ImageNet-21k; not a data module, which may hold out a
validation split of its own: Lightning-Hydra's MNIST trains on 55000).
"""

from __future__ import annotations

import re
from typing import Optional

_SLICE = re.compile(r"^\s*[A-Za-z_][\w.-]*\[\s*(\d*)\s*:\s*(\d*)\s*\]\s*$")
_PERCENT = re.compile(r"^\s*train\s*\[\s*(?:(\d+(?:\.\d+)?)\s*%)?\s*:\s*(?:(\d+(?:\.\d+)?)\s*%)?\s*\]\s*$")

# Hub dataset -> (rows of its train split at least, where that comes from)
ROWS_AT_LEAST = {
    "tatsu-lab/alpaca": (52_000, "tatsu-lab/alpaca: 52,000 instructions (its dataset card)"),
    "yahma/alpaca-cleaned": (51_700, "yahma/alpaca-cleaned: 51.8k rows (the Hub's viewer; unchanged since April 2023)"),
}


def rows_at_least(source: object, split: object = "train") -> Optional[tuple[int, str]]:
    """(N at least, why) for the train split, or a slice of it, of a dataset in ROWS_AT_LEAST."""
    known = ROWS_AT_LEAST.get(source) if isinstance(source, str) else None
    if known is None or not isinstance(split, str):
        return None
    rows, why = known
    if split.strip() == "train":
        return rows, why
    percent = _PERCENT.match(split)
    if percent is not None:
        start, end = float(percent.group(1) or 0), float(percent.group(2) or 100)
        if 0 <= start < end <= 100:
            least = int((end - start) * rows / 100) - 1
            return (least, f"{split} of {why}") if least > 0 else None
        return None
    match = _SLICE.match(split)
    if match is not None and split.strip().startswith("train") and match.group(2):
        start, end = int(match.group(1) or 0), int(match.group(2))
        least = min(end, rows) - start
        return (least, f"{split} of {why}") if least > 0 else None
    return None


def slice_limit(split: object) -> Optional[int]:
    """N at most, from an absolute split slice: 'train[:5000]' -> 5000; None when it says nothing."""
    if not isinstance(split, str):
        return None
    match = _SLICE.match(split)
    if match is None or not match.group(2):
        return None
    start, end = int(match.group(1) or 0), int(match.group(2))
    return end - start if end > start else None


# normalised name -> (training samples, what it is)
TRAINING_SET_SIZES = {
    "mnist": (60000, "the MNIST training set"),
    "ylecun/mnist": (60000, "the MNIST training set"),
    "cifar10": (50000, "the CIFAR-10 training set"),
    "uoft-cs/cifar10": (50000, "the CIFAR-10 training set"),
    "cifar100": (50000, "the CIFAR-100 training set"),
    "uoft-cs/cifar100": (50000, "the CIFAR-100 training set"),
    "imagenet-1k": (1281167, "the ImageNet-1k (ILSVRC-2012) training set"),
    "imagenet1k": (1281167, "the ImageNet-1k (ILSVRC-2012) training set"),
    "ilsvrc2012": (1281167, "the ImageNet-1k (ILSVRC-2012) training set"),
    "ilsvrc/imagenet-1k": (1281167, "the ImageNet-1k (ILSVRC-2012) training set"),
}


def training_set_size(name: object) -> Optional[tuple[int, str]]:
    """(N, what it is) for a dataset name fixed in size ('CIFAR-10', 'cifar10', 'uoft-cs/cifar10')."""
    if not isinstance(name, str):
        return None
    key = re.sub(r"[\s_]", "", name.strip().lower())
    key = re.sub(r"^(cifar)-(10|100)$", r"\1\2", key)
    return TRAINING_SET_SIZES.get(key)
