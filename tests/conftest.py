from __future__ import annotations

from pathlib import Path

import pytest

from steplint.engine import FileResult, Options, check_bytes
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
