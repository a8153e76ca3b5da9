"""Command line. It only parses options into plain values, calls the engine and maps to exit codes:
0 nothing at or above --fail-on, 1 findings at or above it, 2 steplint could not do its job."""

from __future__ import annotations

import os
import sys
from typing import Optional

import click

from . import __version__
from .output_encoding import is_unicode
from .errors import CannotRun, UsageProblem

# steplint's pydantic models are internal: scanning every installed package for pydantic plugins
# costs ~30 ms of every start and adds nothing here.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

EXIT_ERROR, EXIT_FINDINGS = 2, 1  # as runner.py: 0 clean, 1 findings, 2 steplint could not do its job


def _fail(message: str) -> None:
    click.echo(f"steplint: {message}", err=True)
    sys.exit(EXIT_ERROR)


def _set_debug(ctx: click.Context, _param, value: bool) -> None:
    if value:
        ctx.find_root().meta["steplint.debug"] = True


def _debug_option() -> click.Option:
    return click.Option(["--debug"], is_flag=True, hidden=True, expose_value=False, is_eager=True,
                        callback=_set_debug, help="Show tracebacks of internal errors.")


class _Group(click.Group):
    """Every error is one line on stderr and exit 2: a usage error, a CannotRun, and any unexpected
    exception (with its traceback under --debug, which every command accepts where users type it)."""

    def add_command(self, cmd: click.Command, name: Optional[str] = None) -> None:
        cmd.params.append(_debug_option())
        super().add_command(cmd, name)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:
            command = f"steplint {exc.ctx.info_name} --help" if exc.ctx and exc.ctx.parent else "steplint --help"
            _fail(f"{exc.format_message()} (see `{command}`)")
        except UsageProblem as exc:
            _fail(f"{exc} (see `steplint {ctx.invoked_subcommand} --help`)")
        except CannotRun as exc:
            _fail(str(exc))
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException, SystemExit):
            raise
        except KeyboardInterrupt:
            _fail("interrupted")
        except BrokenPipeError:
            sys.exit(EXIT_ERROR)
        except Exception as exc:  # noqa: BLE001 - the contract is "never a traceback"
            if ctx.meta.get("steplint.debug") or os.environ.get("STEPLINT_DEBUG"):
                import traceback
                traceback.print_exc()
            _fail(f"internal error: {type(exc).__name__}: {exc} (run with --debug for details)")


def _print(text: str) -> None:
    """A line on stdout as the stream is set up (guarded by `main`): click.echo would swap an ASCII
    stdout for UTF-8 and write bytes its reader cannot decode."""
    sys.stdout.write(text + "\n")


def _split(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(part.strip() for value in values for part in value.split(",") if part.strip())


def _validate_selectors(selectors: tuple[str, ...], option: str) -> None:
    from . import catalogue
    for selector in selectors:
        upper = selector.upper()
        if upper == "ALL" or any(code.startswith(upper) for code in catalogue.codes()) or catalogue.get(selector):
            continue
        raise click.BadParameter(f"no rule matches '{selector}' (see `steplint rules`)", param_hint=option)


def _positive(_ctx, param, value: Optional[int]) -> Optional[int]:
    limit = 2**53  # model.MAX_COUNT: beyond it counts are no longer exact in the plan's arithmetic
    if value is not None and not 1 <= value <= limit:
        raise click.BadParameter(f"must be between 1 and {limit}", param_hint=f"--{param.name.replace('_', '-')}")
    return value


def _dialect(_ctx, _param, value: Optional[str]) -> Optional[str]:
    if value is None:
        return None
    from .frameworks import dialect_names
    if value not in dialect_names():
        raise click.BadParameter(f"unknown dialect '{value}'; known: {', '.join(dialect_names())}", param_hint="--dialect")
    return value


def _versions(_ctx, _param, values: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    pairs = []
    for value in values:
        name, sep, version = value.partition("=")
        name, version = name.strip().lower(), version.strip()
        if not sep or not name or not version:
            raise click.BadParameter(f"'{value}' is not NAME=VERSION (e.g. transformers=4.46)",
                                     param_hint="--framework-version")
        from .frameworks import framework_version_problem
        problem = framework_version_problem(name, version)
        if problem:
            raise click.BadParameter(problem, param_hint="--framework-version")
        pairs.append((name, version))
    return tuple(pairs)


context_options = [
    click.option("--dataset-size", type=int, callback=_positive, metavar="N",
                 help="Training samples (N), when the config does not say."),
    click.option("--world-size", type=int, callback=_positive, metavar="N",
                 help="Data-parallel ranks the run will use (default: the config's, else 1)."),
    click.option("--dialect", default=None, callback=_dialect, metavar="NAME",
                 help="Read every file as this dialect instead of detecting it (see `steplint dialects`)."),
    click.option("--framework-version", "framework_versions", multiple=True, callback=_versions,
                 metavar="NAME=VERSION", help="Framework semantics to use, e.g. transformers=4.46 (repeatable)."),
]


def _with(options):
    def decorate(func):
        for option in reversed(options):
            func = option(func)
        return func
    return decorate


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="steplint")
@click.option("--debug", is_flag=True, hidden=True, expose_value=False, is_eager=True, callback=_set_debug,
              help="Show tracebacks of internal errors.")
def main() -> None:
    """steplint: check that a training config's sense of time adds up."""
    from .output_encoding import guard

    guard(sys.stdout)  # a stream that cannot encode ×, ≈ or the timeline gets ASCII spellings, not a crash
    guard(sys.stderr)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--format", "output_format", default=None, metavar="FORMAT",
              help="text, concise, json, sarif, github, junit, gitlab or azure. Default: the project config's, "
                   "github inside GitHub Actions, azure inside Azure Pipelines, concise under pre-commit, else text.")
@_with(context_options)
@click.option("--select", multiple=True, metavar="RULES", help="Rule codes, prefixes (SL2) or names to run; comma-separated.")
@click.option("--extend-select", multiple=True, metavar="RULES", help="Rules to add to the selection.")
@click.option("--ignore", multiple=True, metavar="RULES", help="Rule codes, prefixes or names to skip; comma-separated.")
@click.option("--fail-on", type=click.Choice(["error", "warning", "info"]), default=None,
              help="Lowest severity that makes the exit code 1 (default: warning).")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even with findings (2 still means steplint failed).")
@click.option("--quiet", "-q", is_flag=True, help="Findings only: no source lines, no summary when clean.")
@click.option("--no-color", is_flag=True, help="No ANSI colours (also when NO_COLOR is set).")
@click.option("--stdin-filename", default=None, metavar="PATH", help="The path to report for `-` (standard input).")
@click.option("--config", "config_path", default=None, metavar="PATH", help="Use this project config file only.")
@click.option("--isolated", is_flag=True, help="Ignore every project config file.")
@click.option("--no-inline-ignores", is_flag=True, help="Ignore `# steplint: ignore[...]` comments (for CI).")
@click.option("--force-exclude", is_flag=True, help="Apply `exclude` to files named on the command line too.")
@click.option("--statistics", is_flag=True, help="Also print how many findings each rule produced.")
@click.option("--output-file", "-o", default=None, metavar="PATH", help="Write the report to PATH (atomically).")
@click.option("--jobs", "-j", type=int, default=None, callback=_positive, metavar="N",
              help="Check files in N processes (default: the number of cores for large trees).")
def check(paths, output_format, dataset_size, world_size, dialect, framework_versions, select, extend_select,
          ignore, fail_on, exit_zero, quiet, no_color, stdin_filename, config_path, isolated, no_inline_ignores,
          force_exclude, statistics, output_file, jobs) -> None:
    """Check training configs (files, or directories searched for *.yaml, *.yml, *.json, *.toml)."""
    from .findings import Severity
    from .runner import run_check
    from .values import CheckRequest, CommandLine

    select, extend_select, ignore = _split(select), _split(extend_select), _split(ignore)
    _validate_selectors(select + extend_select, "--select")
    _validate_selectors(ignore, "--ignore")
    command_line = CommandLine(
        select=select, extend_select=extend_select, ignore=ignore,
        fail_on=Severity.parse(fail_on) if fail_on else None, dataset_size=dataset_size, world_size=world_size,
        dialect=dialect, framework_versions=framework_versions, config=config_path, isolated=isolated,
        inline_ignores=not no_inline_ignores)
    sys.exit(run_check(CheckRequest(
        paths=paths, command_line=command_line, output_format=output_format, output_file=output_file,
        quiet=quiet, color=not no_color and "NO_COLOR" not in os.environ, statistics=statistics,
        exit_zero=exit_zero, force_exclude=force_exclude, jobs=jobs, stdin_filename=stdin_filename)))


@main.command()
@click.argument("file", type=click.Path())
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@_with(context_options)
@click.option("--config", "config_path", default=None, metavar="PATH", help="Use this project config file only.")
@click.option("--isolated", is_flag=True, help="Ignore every project config file.")
def plan(file, output_format, dataset_size, world_size, dialect, framework_versions, config_path, isolated) -> None:
    """Show the numbers steplint derives for one config: where your run's time goes.

    Options resolve as for `check` (the project config's context, then the command line), and the
    exit code is `check`'s for the same file."""
    import json

    from .config import ConfigError
    from .engine import check_bytes, exit_code
    from .planview import render_plan
    from .project import Resolver
    from .runner import read_file
    from .values import CommandLine

    resolver = Resolver(CommandLine(dataset_size=dataset_size, world_size=world_size, dialect=dialect,
                                    framework_versions=framework_versions, config=config_path, isolated=isolated))
    try:
        options = resolver.options(file)
    except ConfigError as exc:
        raise CannotRun(f"invalid configuration: {exc}") from None
    try:
        raw = sys.stdin.buffer.read() if file == "-" else read_file(file)
    except OSError as exc:
        raise CannotRun(f"{file}: cannot read: {exc.strerror or exc}") from None
    result = check_bytes(file, raw, options)
    if output_format == "json":
        _print(json.dumps({"path": result.path, "dialect": result.dialect, "plan": result.plan}, indent=2))
    elif result.plan is None:
        problems = "; ".join(f"{f.line}:{f.column} {f.rule} {f.message}" for f in result.findings)
        _print(f"{file}: not a training config steplint can read" + (f" ({problems})" if problems else ""))
    else:
        _print(render_plan(result.path, result.dialect, result.plan, unicode=is_unicode(sys.stdout)))
    code = exit_code([result], options)
    if code == EXIT_FINDINGS:
        count = sum(f.severity >= options.fail_on for f in result.findings)
        click.echo(f"steplint: {count} finding{'s' if count != 1 else ''} at or above {options.fail_on.label} "
                   f"(see `steplint check {file}`)", err=True)
    sys.exit(code)


@main.command()
@click.argument("code")
def rule(code: str) -> None:
    """Explain one rule: what it checks, why it matters, a bad and a good example."""
    from . import catalogue
    from .ruledoc import render_rule

    doc = catalogue.get(code)
    if doc is None:
        click.echo(f"steplint: unknown rule '{code}' (see `steplint rules`)", err=True)
        sys.exit(EXIT_ERROR)
    _print(render_rule(doc))


@main.command()
@click.option("-o", "--output", "output", default=None, metavar="FILE", help="Write the schema to FILE.")
def schema(output: Optional[str]) -> None:
    """Print the JSON Schema of steplint's own config format (for editors: yaml-language-server)."""
    import json

    from .frameworks.native.schema import json_schema

    text = json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"
    if output:
        from .runner import ReportFile
        with ReportFile(output) as out:
            out.write(text)
    else:
        from .output_encoding import guard
        guard(sys.stdout, "json")
        sys.stdout.write(text)


@main.command(name="config")
@click.argument("file", default=".", type=click.Path())
@click.option("--show", is_flag=True, help="Print the effective settings for FILE (default: this directory).")
@click.option("--config", "config_path", default=None, metavar="PATH", help="Use this project config file only.")
@click.option("--isolated", is_flag=True, help="Ignore every project config file.")
def config_command(file: str, show: bool, config_path: Optional[str], isolated: bool) -> None:
    """Show which project configuration applies to FILE, and the options it gives."""
    import dataclasses
    import json

    from .config import ConfigError
    from .project import Resolver
    from .values import CommandLine

    resolver = Resolver(CommandLine(config=config_path, isolated=isolated))
    probe = os.path.join(file, "_") if os.path.isdir(file) else file
    try:
        loaded = resolver.settings(probe)
        options = resolver.options(probe)
    except ConfigError as exc:
        click.echo(f"steplint: invalid configuration: {exc}", err=True)
        sys.exit(EXIT_ERROR)
    effective = dataclasses.asdict(options)
    effective["fail_on"] = options.fail_on.label
    effective["severity"] = {code: level.label for code, level in options.severity}
    _print(json.dumps({"config_file": str(loaded.path) if loaded.path else None,
                           "settings": loaded.settings.model_dump(by_alias=True, exclude_defaults=True)
                           if loaded.settings else {},
                           "effective": effective}, indent=2, default=str))


@main.command()
def dialects() -> None:
    """List the config dialects steplint reads."""
    from .frameworks import DIALECTS

    for dialect in DIALECTS.values():
        _print(f"{dialect.name:16} {dialect.description}")


@main.command(name="rules")
def list_rules() -> None:
    """List every rule: code, name, default severity, summary."""
    from . import catalogue

    for doc in catalogue.load().values():
        _print(f"{doc.code}  {doc.name:32} {doc.severity.label:8} {doc.summary}")


if __name__ == "__main__":  # pragma: no cover
    main()
