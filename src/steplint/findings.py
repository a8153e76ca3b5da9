"""The plain values that leave the rules stage: a finding, and its severity."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from typing import TYPE_CHECKING, Optional

if TYPE_CHECKING:
    from .loading import Span


class Severity(IntEnum):
    INFO = 1
    WARNING = 2
    ERROR = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> "Severity":
        return cls[text.strip().upper()]


@dataclass(frozen=True)
class Missing:
    """An input the config does not give and a check needs: what it is, and how to give it."""

    what: str
    how: str


DATASET_SIZE = Missing("the dataset size", "pass --dataset-size N or set it in the config")


@dataclass(frozen=True)
class Hit:
    """What a rule's check yields: the engine adds the rule's code, name and the position."""

    message: str
    key: Optional[str]  # dotted key path of the value at fault
    related: tuple[str, ...] = ()
    severity: Optional[Severity] = None  # None = the rule's default
    # A check the config leaves undecided for want of this input: `message` names the check, and
    # the engine gathers every such hit of a document into one SL207 info.
    needs: Optional[Missing] = None


@dataclass
class Finding:
    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    rule: str
    name: str
    severity: Severity
    message: str
    key_path: str = ""
    related: list[str] = field(default_factory=list)
    # Where each related key is in the file (None where it is not: a default, a value read from a
    # file the config names), so reporters can point at it without reading the file again.
    related_spans: list[Optional["Span"]] = field(default_factory=list)
    # An undecided check (Hit.needs) on its way into the file's SL207; never in a report
    needs: Optional[Missing] = None

    def to_dict(self) -> dict:
        return {
            "path": self.path, "line": self.line, "column": self.column,
            "end_line": self.end_line, "end_column": self.end_column,
            "rule": self.rule, "name": self.name, "severity": self.severity.label,
            "message": self.message, "key_path": self.key_path, "related": list(self.related),
        }

    def sort_key(self) -> tuple:
        return (self.path, self.line, self.column, self.rule)
