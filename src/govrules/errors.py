"""The exceptions govrules raises, and the `Problem` record that describes one defect of a file.

Exceptions mean the *inputs* are unusable; non-compliance is never an exception (it is a
finding in the report). The tree::

    GovrulesError (Exception)
    ├── LoadError (ValueError)            a file cannot be used; `.problems` lists every defect
    │   ├── RuleSetError                  a rule set file
    │   ├── OrganisationError             an organisation file
    │   └── EventLogError                 an event log as a whole (a bad *record* is a finding)
    ├── InvalidArgument (ValueError)      a bad argument to a library call (naive datetime, end <= start)
    ├── PeriodError (ValueError)          a period label or period specification that cannot be read
    └── CalendarError (LookupError)       a business-day calendar lacks data for a year it is asked about

This module imports nothing from govrules.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import total_ordering

__all__ = [
    "CalendarError",
    "EventLogError",
    "GovrulesError",
    "InvalidArgument",
    "LoadError",
    "OrganisationError",
    "PeriodError",
    "Problem",
    "RuleSetError",
]


@total_ordering
@dataclass(frozen=True, slots=True)
class Problem:
    """One defect of an input file.

    Attributes:
        file: the file's path as given, or ``<string>`` for text passed directly.
        line: 1-based line, when known.
        column: 1-based column, when known.
        pointer: JSON pointer to the offending value (``/rules/3/within``), ``""`` for the root.
        code: a stable kebab-case code (``unknown-key``, ``bad-duration``, ``yaml-syntax``...).
        message: what was expected and what was found.
    """

    file: str
    line: int | None
    column: int | None
    pointer: str
    code: str
    message: str

    def sort_key(self) -> tuple[str, int, int, str, str, str]:
        """File order: by file, line and column (unknown ones first), then pointer, code and message."""
        return (self.file, self.line or 0, self.column or 0, self.pointer, self.code, self.message)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Problem):
            return NotImplemented
        return self.sort_key() < other.sort_key()

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        pointer = f" {self.pointer}" if self.pointer else ""
        return f"{where}:{pointer} {self.message} [{self.code}]"


class GovrulesError(Exception):
    """Base class of every exception govrules raises on purpose."""


class LoadError(GovrulesError, ValueError):
    """A file cannot be used; ``problems`` lists every defect found, in file order."""

    def __init__(self, problems: tuple[Problem, ...] | list[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        lines = [str(p) for p in self.problems]
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''}"
        super().__init__(head + ":\n" + "\n".join(lines) if lines else head)


class RuleSetError(LoadError):
    """A rule set file is unusable."""


class OrganisationError(LoadError):
    """An organisation file is unusable."""


class EventLogError(LoadError):
    """An event log cannot be read at all (missing file, unknown format, broken container)."""


class InvalidArgument(GovrulesError, ValueError):
    """A library function was called with an argument it cannot accept."""


class PeriodError(GovrulesError, ValueError):
    """A period label or specification cannot be read; the message teaches the legal syntax."""


class CalendarError(GovrulesError, LookupError):
    """A business-day calendar has no data for a year that a computation needs (``year``)."""

    def __init__(self, message: str, year: int | None = None) -> None:
        super().__init__(message)
        self.year = year
