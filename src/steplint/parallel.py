"""`--jobs N`: check files in N worker processes, results in the same order as one process gives.

Each worker builds its own settings resolver from the plain command-line value (so it works with
any multiprocessing start method) and returns plain `FileResult` values.
"""

from __future__ import annotations

import os
from typing import Callable, Iterator, Optional

from .engine import FileResult, iter_check

# Below this many files, starting workers costs more than it saves.
PARALLEL_THRESHOLD = 64
_worker: Optional[tuple[Callable, Callable]] = None


def default_jobs(file_count: int) -> int:
    if file_count < PARALLEL_THRESHOLD:
        return 1
    return max(1, min(os.cpu_count() or 1, 8))


def _init(command_line, read) -> None:
    global _worker
    from .project import Resolver
    _worker = (Resolver(command_line).options, read)


def _check_one(path: str) -> FileResult:
    options_for, read = _worker
    return next(iter_check([path], options_for, read))


def check_files(files: list[str], jobs: int, command_line, options_for: Callable, read: Callable) -> Iterator[FileResult]:
    if jobs <= 1 or len(files) < 2:
        yield from iter_check(files, options_for, read)
        return
    import multiprocessing

    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else None)
    with context.Pool(jobs, initializer=_init, initargs=(command_line, read)) as pool:
        # imap keeps the order; a chunk of files per task keeps the inter-process traffic small
        yield from pool.imap(_check_one, files, chunksize=max(1, min(64, len(files) // (jobs * 8) or 1)))

