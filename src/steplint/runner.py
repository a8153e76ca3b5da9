"""`steplint check` over many files: discover them, resolve each one's options, run the pipeline
(in worker processes for large trees), stream the results to the reporter, and decide the exit
code. The CLI only turns the command line into a `CheckRequest` and calls `run_check`."""

from __future__ import annotations

import os
import sys
from typing import Iterator, Optional

from .discover import EXTENSIONS, MissingPath, discover
from .loading import MAX_FILE_BYTES, file_id
from .errors import CannotRun, UsageProblem
from .values import CheckRequest, FileResult

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def run_check(request: CheckRequest) -> int:
    from .config import ConfigError
    from .engine import check_bytes, failed
    from .output_encoding import guard
    from .project import Resolver
    from .report import FORMATS, ReportOptions, Summary, encoding_fallback, make_reporter
    from .report._common import repository_root

    paths, command_line = request.paths, request.command_line
    if request.stdin_filename is not None and paths != ("-",):
        raise UsageProblem("--stdin-filename names the file read from standard input: give `-` as the only path")
    if "-" in paths and paths != ("-",):
        raise UsageProblem("'-' (standard input) cannot be combined with other paths")
    resolver = Resolver(command_line)
    first_path = paths[0] if paths and paths != ("-",) else "."
    # What is imported by now lives as long as the process: kept out of the collector's walks
    # (frameworks.package freezes each framework as it loads). Refcounting still frees the rest.
    import gc
    gc.freeze()
    try:
        output_format = request.output_format or _default_format(command_line)
        if output_format not in FORMATS:
            raise UsageProblem(f"--format: '{output_format}' is not one of {', '.join(FORMATS)}")
        if paths == ("-",):
            name = request.stdin_filename or "<stdin>"
            results: Iterator[FileResult] = iter([check_bytes(name, sys.stdin.buffer.read(), resolver.options(name))])
        else:
            results = _check_files(request, resolver)
        # CI formats name files relative to the repository (code scanning and annotations place them
        # there), whatever directory steplint runs in.
        root = os.path.dirname(os.path.abspath(command_line.config)) if command_line.config \
            else repository_root(first_path)
        with ReportFile(request.output_file) as out:
            if out is sys.stdout:
                guard(out, encoding_fallback(output_format))
            reporter = make_reporter(output_format, out, ReportOptions(
                color=request.color and out.isatty(), quiet=request.quiet, base=root))
            summary = Summary()
            failing = broken = False
            for result in results:
                if result.error:
                    print(f"steplint: {result.error}", file=sys.stderr, flush=True)
                    broken = True
                summary.add(result)
                reporter.file(result)
                failing = failing or failed([result], result.fail_on)  # each file by its project's fail level
            reporter.finish(summary)
            if request.statistics:  # machine-readable reports stay parseable: statistics go to stderr
                _print_statistics(summary, out if output_format in ("text", "concise") else sys.stderr)
    except ConfigError as exc:
        raise CannotRun(f"invalid configuration: {exc}") from None
    if summary.files == 0 and paths != ("-",):
        # as ruff does: a mistyped path in CI must not pass silently
        print(f"steplint: warning: no config files found in {', '.join(paths) if paths else '.'} "
              f"(looked for {', '.join('*' + e for e in EXTENSIONS)})", file=sys.stderr, flush=True)
    if broken:
        return EXIT_ERROR
    return EXIT_CLEAN if request.exit_zero or not failing else EXIT_FINDINGS


def _default_format(command_line) -> str:
    """One format for the whole run, so it comes from the project config of the directory steplint
    runs in (as ruff takes its run-wide settings), not from whichever path happens to come first."""
    from .config import settings_for

    configured = settings_for("-", command_line.config, command_line.isolated)  # "-": the current directory's
    return (configured.settings and configured.settings.output_format) or (
        "github" if os.environ.get("GITHUB_ACTIONS") == "true" else
        "azure" if os.environ.get("TF_BUILD", "").lower() == "true" else  # Azure Pipelines sets TF_BUILD=True
        "concise" if os.environ.get("PRE_COMMIT") == "1" else "text")


def _check_files(request: CheckRequest, resolver) -> Iterator[FileResult]:
    from .parallel import check_files

    paths = request.paths or (".",)
    try:
        found = discover(paths)
    except MissingPath as exc:
        raise CannotRun(str(exc)) from None
    report = os.path.realpath(request.output_file) if request.output_file else None
    if report and any(not os.path.isdir(path) and os.path.realpath(path) == report for path in paths):
        raise UsageProblem(f"--output-file {request.output_file} is one of the files to check; it would be "
                           "overwritten with the report")
    # A report from an earlier run, found by walking the directory, is not a config. One that does
    # not exist yet cannot be found, so no file needs comparing with it.
    earlier_report = file_id(report) if report else None

    def wanted(path: str, named: bool) -> bool:
        if named and not request.force_exclude:
            return True  # a file named on the command line is checked, as in ruff
        return not resolver.excluded(path) and (named or resolver.included(path))

    files = (path for path, named in found
             if wanted(path, named) and (earlier_report is None or file_id(path) != earlier_report))
    return check_files(files, request.jobs, request.command_line, resolver.options, read_file)


def _print_statistics(summary, out) -> None:
    from . import catalogue
    for code, count in sorted(summary.by_rule.items(), key=lambda item: (-item[1], item[0])):
        out.write(f"{count:6}  {code}  {catalogue.rule(code).name}\n")


def read_file(path: str) -> bytes:
    """A config's bytes; past the size limit only enough to know it is past (a finding says so)."""
    with open(path, "rb") as handle:
        try:
            size = os.fstat(handle.fileno()).st_size
        except OSError:
            size = 0
        # A regular file is read at its size: asking for the limit itself allocates 16 MiB each time.
        # A pipe or a device says 0 and is read up to the limit.
        return handle.read(min(size, MAX_FILE_BYTES) + 1 if size else MAX_FILE_BYTES + 1)


class ReportFile:
    """stdout, or a file written atomically: a crash mid-run leaves no half-written report, and a
    report that cannot be written is one line and exit 2, with nothing left behind."""

    def __init__(self, path: Optional[str]) -> None:
        self.path = path
        self.handle = None
        self.tmp: Optional[str] = None

    def __enter__(self):
        if self.path is None:
            return sys.stdout
        import tempfile
        target = os.path.abspath(self.path)
        directory = os.path.dirname(target)
        if os.path.isdir(target):
            raise CannotRun(f"cannot write the report to {self.path}: it is a directory")
        if not os.path.isdir(directory):
            raise CannotRun(f"cannot write the report to {self.path}: the folder {directory} does not exist")
        try:
            fd, self.tmp = tempfile.mkstemp(prefix=".steplint-", suffix=".tmp", dir=directory)
        except OSError as exc:
            raise CannotRun(f"cannot write the report to {self.path}: {exc.strerror or exc}") from None
        if hasattr(os, "fchmod"):  # POSIX: the report gets the mode any new file would, not mkstemp's 0600
            umask = os.umask(0)
            os.umask(umask)
            os.fchmod(fd, 0o666 & ~umask)
        self.handle = os.fdopen(fd, "w", encoding="utf-8")
        return self.handle

    def __exit__(self, exc_type, exc, tb) -> None:
        if self.handle is None:
            return
        try:
            self.handle.close()
            if exc_type is None:
                os.replace(self.tmp, self.path)
                return
        except OSError as error:  # full disk, the target turned into a directory meanwhile...
            raise CannotRun(f"cannot write the report to {self.path}: {error.strerror or error}") from None
        finally:
            if os.path.exists(self.tmp):
                os.unlink(self.tmp)
