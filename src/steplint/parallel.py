"""`--jobs N`: check files in N worker processes, results in the same order as one process gives.

Each worker builds its own settings resolver from the plain command-line value (so it works with
any multiprocessing start method) and returns plain `FileResult` values. Paths are streamed from
discovery to the workers and results streamed back to the reporter, so memory does not grow with
the number of files.
"""

from __future__ import annotations

import os
from itertools import chain, islice
from typing import Callable, Iterable, Iterator, Optional

from .engine import iter_check
from .values import FileResult

# Below this many files, starting workers costs more than it saves.
PARALLEL_THRESHOLD = 64
# Files per task: enough to amortise the inter-process traffic, few enough to keep both cores busy
# to the end of a small tree.
CHUNK = 16
_worker: Optional[tuple[Callable, Callable]] = None


def default_jobs(file_count: int) -> int:
    """The number of cores (up to 8) for a tree of at least PARALLEL_THRESHOLD files, else 1."""
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


def check_files(files: Iterable[str], jobs: Optional[int], command_line, options_for: Callable,
                read: Callable) -> Iterator[FileResult]:
    """Results for `files` in their order; `jobs` None picks default_jobs from the first files."""
    files = iter(files)
    head = list(islice(files, PARALLEL_THRESHOLD))
    if jobs is None:
        jobs = default_jobs(len(head))
    if jobs <= 1 or len(head) < 2:
        yield from iter_check(chain(head, files), options_for, read)
        return
    import gc
    import multiprocessing

    # Objects that exist before the fork are never collected in the workers, so the collector does
    # not touch (and copy) the pages they share with this process.
    gc.collect()
    gc.freeze()
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else None)
    with context.Pool(jobs, initializer=_init, initargs=(command_line, read)) as pool:
        # imap keeps the order and takes the paths lazily
        yield from pool.imap(_check_one, chain(head, files), chunksize=CHUNK)
