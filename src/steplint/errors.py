"""Why steplint could not do its job (exit 2): raised anywhere, reported by the CLI in one line."""


class CannotRun(Exception):
    """steplint cannot do what was asked (an unwritable report, a missing path, an invalid project
    configuration): one line on stderr, exit 2."""


class UsageProblem(CannotRun):
    """The options contradict each other: reported as a usage error."""
