from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Optional

import pytest

from steplint.engine import check_bytes
from steplint.values import FileResult, Options
from steplint.plan import Context

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"


def lint(text: str, filename: str = "config.yaml", **options) -> FileResult:
    """Run the whole pipeline on one in-memory config."""
    context = Context(dataset_size=options.pop("dataset_size", None), world_size=options.pop("world_size", None))
    return check_bytes(filename, text.encode("utf-8") if isinstance(text, str) else text,
                       Options(context=context, **options))


def codes(result: FileResult) -> list[str]:
    return [f.rule for f in result.findings]


needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is absent (it sits beside the repo)")


def corpus_files(*labels: str) -> list[Path]:
    """The corpus files whose manifest label is one of `labels` (none when the corpus is absent)."""
    import csv
    if not CORPUS.is_dir():
        return []
    with open(CORPUS / "MANIFEST.tsv", newline="") as handle:
        return [CORPUS / row["file"] for row in csv.DictReader(handle, delimiter="\t") if row["dialect"] in labels]


@lru_cache(maxsize=None)
def _read_with(root: Path) -> tuple[tuple[str, str, Optional[str]], ...]:
    import csv
    with open(root / "MANIFEST.tsv", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return tuple((r["file"], r["dialect"], check_file(root / r["file"]).dialect) for r in rows)


def read_with(root: Path) -> tuple[tuple[str, str, Optional[str]], ...]:
    """(file, MANIFEST label, the dialect steplint reads it with) for each file of a shared corpus,
    checked once per test session; the calling test skips when the corpus is absent."""
    if not root.is_dir():
        pytest.skip(f"{root} is absent (it sits beside the repo)")
    return _read_with(root)


def load_data(path: Path):
    """The first document of a config, loaded and with its references resolved, as a dialect sees it."""
    from steplint.interpolation import resolve
    from steplint.loading import load_bytes
    return resolve(load_bytes(str(path), path.read_bytes()).documents[0].data)


def check_file(path: Path, **context) -> FileResult:
    return check_bytes(str(path), path.read_bytes(), Options(context=Context(**context)))


def cli_runner():
    """A click test runner whose result has separate .stdout and .stderr with every click this
    project allows: click < 8.2 mixes them unless told not to, 8.2 removed the option."""
    from click.testing import CliRunner
    try:
        return CliRunner(mix_stderr=False)
    except TypeError:
        return CliRunner()


def run_cli(*args, **kwargs):
    from steplint import cli
    return cli_runner().invoke(cli.main, [str(a) for a in args], **kwargs)
