"""The effective options for one file: built-in defaults < project config < command line."""

from __future__ import annotations

from .config import LoadedSettings, glob_match, settings_for
from .values import CommandLine, Options
from .findings import Severity
from .plan import Context


class Resolver:
    """Caches settings per config file, so a tree of thousands of files reads each config once."""

    def __init__(self, cli: CommandLine) -> None:
        self.cli = cli
        self._options: dict[tuple, Options] = {}
        self._last: tuple = (None, None)  # (path, its settings): asked for by discovery, then options

    def settings(self, path: str) -> LoadedSettings:
        if self._last[0] != path:
            self._last = (path, settings_for(path, self.cli.config, self.cli.isolated))
        return self._last[1]

    def excluded(self, path: str) -> bool:
        loaded = self.settings(path)
        return loaded.settings is not None and any(glob_match(path, loaded.root, pattern) for pattern in loaded.settings.exclude)

    def included(self, path: str) -> bool:
        """For files found by walking a directory: the project's `include` globs, if it has any."""
        loaded = self.settings(path)
        include = loaded.settings.include if loaded.settings is not None else None
        return include is None or any(glob_match(path, loaded.root, pattern) for pattern in include)

    def options(self, path: str) -> Options:
        loaded = self.settings(path)
        s, cli = loaded.settings, self.cli
        if s is None:  # no project config: the command line and the defaults
            return self._defaults()
        per_file_ignores = tuple(code for glob, codes in s.per_file_ignores.items()
                                 if glob_match(path, loaded.root, glob) for code in codes)
        per_file_context = [ctx for glob, ctx in s.context.per_file.items() if glob_match(path, loaded.root, glob)]
        included = bool(s.include) and any(glob_match(path, loaded.root, pattern) for pattern in s.include)
        cache_key = (loaded.path, per_file_ignores, tuple(id(c) for c in per_file_context),
                     tuple(p.key for p in s.per_key_ignores if glob_match(path, loaded.root, p.files)), included)
        cached = self._options.get(cache_key)
        if cached is not None:
            return cached
        select = cli.select or tuple(s.select or ())
        extend = tuple(s.extend_select) + cli.extend_select
        if extend and select:
            select = select + extend
        dataset_default = next((c.dataset_size for c in per_file_context if c.dataset_size), None) \
            or s.context.dataset_size
        world_default = next((c.world_size for c in per_file_context if c.world_size), None) or s.context.world_size
        versions = dict(s.context.framework_versions)
        versions.update(dict(cli.framework_versions))
        options = Options(
            select=select,
            ignore=tuple(s.ignore) + per_file_ignores + cli.ignore,
            fail_on=cli.fail_on or (Severity.parse(s.fail_on) if s.fail_on else Severity.WARNING),
            context=Context(dataset_size=cli.dataset_size, world_size=cli.world_size,
                            default_dataset_size=dataset_default, default_world_size=world_default,
                            dataset_sizes=tuple(s.context.dataset_sizes.items())),
            dialect=cli.dialect,
            framework_versions=tuple(sorted(versions.items())),
            severity=tuple((code.upper(), Severity.parse(level)) for code, level in s.severity.items()),
            key_map=tuple((key, entry.field, entry.unit) for key, entry in s.key_map.items()),
            per_key_ignores=tuple((p.key, tuple(p.rules)) for p in s.per_key_ignores
                                  if glob_match(path, loaded.root, p.files)),
            inline_ignores=cli.inline_ignores,
            included=included,
            profiles=tuple(s.profiles),
        )
        self._options[cache_key] = options
        return options

    def _defaults(self) -> Options:
        cached = self._options.get(None)
        if cached is None:
            cli = self.cli
            cached = self._options[None] = Options(
                select=cli.select + (cli.extend_select if cli.select else ()), ignore=cli.ignore,
                fail_on=cli.fail_on or Severity.WARNING,
                context=Context(dataset_size=cli.dataset_size, world_size=cli.world_size),
                dialect=cli.dialect, framework_versions=cli.framework_versions, inline_ignores=cli.inline_ignores)
        return cached
