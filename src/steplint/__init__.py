"""steplint: a linter for the sense of time in deep-learning training configs."""

__version__ = "0.1.0"
