"""Events and streaming event-log readers: CSV, JSON Lines, JSON array and XES (IEEE 1849).

A reader is an iterator: it never holds the log in memory. It yields an `Event` for every
usable record and a `Rejected` for every record it cannot use (file, line or record number,
reason), so that a report accounts for every record. Column names are mapped with a
`FieldMap` (``--map time=created_at``); a time without an offset is read in the given zone.
"""

from __future__ import annotations

import calendar
import codecs
import contextlib
import csv
import dataclasses
import difflib
import io
import json
import math
import os
import re
import sys
from collections.abc import Callable, Collection, Generator, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from functools import cache
from itertools import chain, compress, islice, repeat
from operator import attrgetter, itemgetter
from pathlib import Path
from types import MappingProxyType
from typing import IO, Any, BinaryIO, ClassVar, Protocol, TextIO, cast
from zoneinfo import ZoneInfo

import msgspec

from govrules.errors import EventLogError, InvalidArgument, Problem
from govrules.messages import Reason, Wording, openable, os_error

try:
    from govrules import _speedups as _speedups  # also used by the checker
except ImportError:  # built without a C compiler: every batch is read in Python, with the same results
    _speedups = None  # type: ignore[assignment]

__all__ = [
    "EVENT_FIELDS",
    "NO_ATTRIBUTES",
    "Event",
    "FieldMap",
    "Rejected",
    "parse_time",
    "read_events",
]

EVENT_FIELDS = ("id", "time", "actor", "action", "recipient", "subject", "ref", "period")
_REQUIRED = ("time", "actor", "action")
FORMATS = ("csv", "jsonl", "json", "xes")
MAX_RECORD_CHARS = 1_000_000
_CSV_BATCH = 512  # CSV rows or JSON Lines read as one batch (see `_Builder.rows_reader`, `lines_reader`)
_SHARE_WINDOW = 1 << 16
"""How many distinct subjects and refs a reader remembers in each of its two generations (see
`_Builder.share`)."""
_intern = sys.intern


NO_ATTRIBUTES: Mapping[str, Any] = MappingProxyType({})
"""The attributes of an event that has none (shared, read-only)."""


class Event(msgspec.Struct, frozen=True, gc=False):
    """One thing that happened. ``time`` is always timezone-aware.

    ``file``/``line`` say where the record came from (``line`` is a record number for JSON
    arrays and XES); ``seq`` is its place in the input: `read_events` gives a record's ``line``
    plus its ``start_seq`` (the very same int object as ``line`` when ``start_seq`` is 0, so
    that no event holds a second number). A check does not depend on it: events at one instant
    are taken in the order of their ids, wherever they stand in the input.

    An event is immutable. Use ``event._replace(time=...)`` for a changed copy.
    """

    id: str
    time: datetime
    actor: str
    action: str
    recipient: str | None = None
    subject: str | None = None
    ref: str | None = None
    period: str | None = None
    attributes: Mapping[str, Any] = NO_ATTRIBUTES
    file: str | None = None
    line: int | None = None
    seq: int = 0

    _fields: ClassVar[tuple[str, ...]]

    def _replace(self, **changes: Any) -> Event:
        """A copy with ``changes`` applied (the fields not named are shared)."""
        return msgspec.structs.replace(self, **changes)

    def as_record(self) -> dict[str, Any]:
        """The event as a JSON-ready record (the shape content rules' schemas see)."""
        record: dict[str, Any] = {
            "id": self.id,
            "time": self.time.isoformat(),
            "actor": self.actor,
            "action": self.action,
        }
        for name in ("recipient", "subject", "ref", "period"):
            value = getattr(self, name)
            if value is not None:
                record[name] = value
        record["attributes"] = dict(self.attributes)
        return record


Event._fields = Event.__struct_fields__


@dataclass(frozen=True, slots=True)
class Rejected:
    """An input record that could not be read.

    ``reason`` is the English text. Given a `Reason`, the record keeps its text there and its
    catalogue entry and values in ``said`` (plain data, as JSON holds it), which `reason_in` says
    in another language. ``numbered``: ``line`` is the record's number in its log (a JSON array's,
    an XES log's), not a line. ``actor``: the record's actor, where it was read (text of its own,
    not what the record is rejected for: no control character, no ``role:`` form). ``name``: what
    its log's records without an id are named by (``events.csv``, or the path the command gives
    logs of one check sharing a file name), the log as the reports people read say it; None
    where no reader named it."""

    file: str
    line: int | None
    reason: str
    record_id: str | None = None
    said: dict[str, Any] | None = field(default=None, compare=False, repr=False)
    numbered: bool = field(default=False, compare=False, repr=False)
    actor: str | None = field(default=None, compare=False, repr=False)
    name: str | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if isinstance(self.reason, Reason):
            object.__setattr__(self, "said", self.reason.as_data())
            object.__setattr__(self, "reason", str(self.reason))

    def reason_in(self, lang: str) -> str:
        """The reason in ``lang``, from its catalogue entry and values; as written where it has none."""
        return Reason.from_data(self.said).said(lang) if self.said is not None else self.reason

    def problem(self) -> Problem:
        """The rejection as a `Problem`."""
        return Problem(self.file, self.line, None, "", "rejected-event", self.reason)


_STOPPING = ("array-ends-early", "array-after-end", "array-separator", "array-value", "array-invalid-json",
             "xes-malformed", "xes-unreadable", "xml-refused")  # fmt: skip
"""The reasons after which a reader reads nothing more of its log (the rest of the file is lost)."""

_STOPPED = "reading stopped"
"""Words the English text of every reason in `_STOPPING` holds (a test says so): a reason without
them is none of those, which `reading_stopped` tells without matching each one's pattern."""

_DUPLICATE = ("duplicate-id", "duplicate-id-record", "duplicate-id-given")
"""The reasons a record is rejected for repeating the id of one read before it."""

_DUPLICATE_START = "duplicate event id "
"""How the English text of every reason in `_DUPLICATE` starts (a test says so)."""


@dataclass(frozen=True, slots=True)
class StoppedAt:
    """Where the reading of a log stopped: the line of the file (None where the reason names none)."""

    line: int | None


@dataclass(frozen=True, slots=True)
class FirstAt:
    """Where the record that a record rejected as a duplicate repeats was read: its file and line
    (its record number in a log that numbers its records, a JSON array, an XES log; both None for
    an event made in Python, which has neither)."""

    file: str | None
    line: int | None


@cache
def _patterns(keys: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    """The English text of each reason of ``keys`` as a pattern: ``{line}`` and ``{n}`` (a record
    number) a number, any other value any text, each a group of its name."""
    from govrules.messages import catalogue

    reasons = catalogue("en")["reasons"]
    patterns = []
    for key in keys:
        parts = re.split(r"\{(\w+)(?:![rs])?\}", str(reasons[key]))
        pattern = "".join(
            re.escape(part) if i % 2 == 0 else (f"(?P<{part}>[0-9]+)" if part in ("line", "n") else f"(?P<{part}>.*)")
            for i, part in enumerate(parts)
        )
        patterns.append(re.compile(pattern, re.DOTALL))
    return tuple(patterns)


def reading_stopped(reason: str) -> StoppedAt | None:
    """Where reading stopped, if ``reason`` (a rejection's English text, as a `Rejected` and a
    report's ``detail`` hold it) is one after which its reader read nothing more of the log: a
    JSON array or an XES log broken where the next record's start cannot be found. None for any
    other reason: the records after it were read."""
    found = _matched(_STOPPING, reason) if _STOPPED in reason else None
    if found is None:
        return None
    line = found.get("line")
    return StoppedAt(int(line) if line is not None else None)


def duplicate_of(reason: str) -> FirstAt | None:
    """Where the record that a record rejected as a duplicate repeats was read, if ``reason`` (a
    rejection's English text, as a report's ``detail`` holds it) says it repeats the id of a
    record read before it. None for any other reason."""
    found = _matched(_DUPLICATE, reason) if reason.startswith(_DUPLICATE_START) else None
    if found is None:
        return None
    line = found.get("line", found.get("n"))  # a record number where the log numbers its records
    return FirstAt(found.get("file"), int(line) if line is not None else None)


def _matched(keys: tuple[str, ...], reason: str) -> dict[str, str] | None:
    """The values ``reason`` fills the English text of one of the reasons ``keys`` with, by
    name; None where it is none of them."""
    for pattern in _patterns(keys):
        if (found := pattern.fullmatch(reason)) is not None:
            return found.groupdict()
    return None


PARTY_PREFIXES = {
    "role:": "role:NAME for the holder of a role",
    "relation:": "relation:NAME:ACTOR for the members of an actor's relation",
}
"""How no actor id starts, in any case, and what a report names so: a party that is no one actor
(the checker's party ids), whose words it would say of such an actor ("the holder of role vp").
govrules writes and reads these prefixes in lower case only, but a person reading a report, or a
tool comparing text as most spreadsheets do, takes ``Role:vp`` for ``role:vp``: refused in any
case, as a rule id starting ``govrules/`` is."""


_PARTY_FORM = re.compile("(?ai)(" + "|".join(re.escape(p.rstrip(":")) for p in PARTY_PREFIXES) + "):").match
"""Whether a value starts as a party of `PARTY_PREFIXES` does, in any case of its ASCII letters."""


def party_prefix(value: str) -> str | None:
    """The prefix of `PARTY_PREFIXES` that ``value`` starts with, in any case, or ``None``."""
    found = _PARTY_FORM(value)
    return None if found is None else found.group(1).lower() + ":"


def _party_reason(field: str, value: str) -> Reason:
    """Why a record whose ``field`` (``actor`` or ``recipient``) holds ``value``, a party of
    `PARTY_PREFIXES`, is rejected."""
    key = "role-as-actor" if party_prefix(value) == "role:" else "relation-as-actor"
    return Reason(key, field=field, value=_shown(value) or value)


def _holds_party(*fields: Iterable[str | None]) -> bool:
    """Whether a value of ``fields`` (the actors and recipients of a batch) starts as a party of
    `PARTY_PREFIXES`: looked for among their distinct values, as few as the organisation's actors."""
    distinct: set[str | None] = set()
    for values in fields:
        distinct.update(values)
    return any(map(_PARTY_FORM, filter(None, distinct)))


def log_name(file: str, logs: Iterable[str]) -> str:
    """``file`` as the reports people read say a log, and as the command names its records
    without an id (``id_prefix``): its file name, unless another of ``logs`` (those of one check;
    the same file given twice is one) has that name too, its path then (``jan/events.csv``)."""
    base = Path(file).name or file
    path = os.path.normpath(file)
    shared = any(Path(other).name == base and os.path.normpath(other) != path for other in logs)
    return path if shared else base


def named_by_place(event_id: str, file: str | None, line: int | None) -> bool:
    """Whether ``event_id`` is the name a reader gives a record without an id read at ``line``
    (its record number, in a log that numbers its records) of ``file``: the file's name, or its
    path as the command names the logs of one check that share a name, a colon and the number
    (``events.csv:12``)."""
    if file is None or line is None or not event_id.endswith(f":{line}"):
        return False
    return event_id[: -len(f":{line}")] in (Path(file).name, os.path.normpath(file))


def _readable_actor(actor: str | None) -> str | None:
    """``actor`` as a rejection may name it: text free of control characters and lone surrogates
    (undecodable bytes), not written as a role's holder or a relation's members (`PARTY_PREFIXES`);
    None for anything else."""
    if not actor or _CONTROL_OR_SURROGATE.search(actor) or _PARTY_FORM(actor):
        return None
    return actor


def _reason_of(exc: BaseException) -> str:
    """Why ``exc`` was raised: the `Reason` it carries, said in any language, or its text."""
    reason = exc.args[0] if exc.args else None
    return reason if isinstance(reason, Reason) else str(exc)


class _NotText(Exception):
    """An event field whose value is a list, an object or a boolean."""

    def __init__(self, name: str, key: str, value: list[Any] | dict[str, Any] | bool) -> None:
        super().__init__(name)
        self.name, self.key = name, key
        if isinstance(value, bool):  # said as JSON and XES write it
            self.what = Reason("not-text-boolean", value="true" if value else "false")
        else:
            self.what = Reason("not-text-list" if isinstance(value, list) else "not-text-object")


@dataclass(frozen=True, slots=True)
class FieldMap:
    """Which source column or key feeds each event field.

    ``fields`` maps an event field to a column, or to alternatives separated by ``|`` (the first
    non-empty wins); a quoted alternative is a constant (``actor=org:resource|'police'``). A CSV
    log's header must hold every column the alternatives name (``missing-column``); a JSON or XES
    log has no header, and there a key no record holds reads as empty (`read_events` can say
    which keys no record of a log held: ``unheld``).
    ``lists`` splits an attribute on a separator (``topics`` on ``;``); ``attributes`` renames
    attribute columns (``主题`` -> ``topics``). A CSV log's header must hold the columns these
    name too. ``time_format``, a ``strptime`` pattern (``%d.%m.%Y %H:%M``), is how the time
    field is written, where it is not ISO 8601 (see `time_format_problem`).

    Raises:
        InvalidArgument: ``time_format`` is not a pattern a time can be read with.
    """

    fields: Mapping[str, str] = field(default_factory=dict)
    lists: Mapping[str, str] = field(default_factory=dict)
    attributes: Mapping[str, str] = field(default_factory=dict)
    time_format: str | None = None

    def __post_init__(self) -> None:
        if self.time_format is not None:
            problem = time_format_problem(self.time_format)
            if problem is not None:
                raise InvalidArgument(problem)

    @classmethod
    def parse(cls, items: list[str] | tuple[str, ...], base: FieldMap | None = None) -> FieldMap:
        """A map from ``FIELD=COLUMN`` strings, on top of ``base``.

        Raises:
            InvalidArgument: an item is not ``FIELD=COLUMN``, names an unknown field, or has an empty
                alternative or an empty constant (``''``, or one of blanks only).
        """
        fields = dict(base.fields) if base else {}
        for item in items:
            name, sep, column = item.partition("=")
            name = name.strip()
            if not sep or not column.strip():
                raise InvalidArgument(Wording("map-item-form", item=item))
            if name not in EVENT_FIELDS:
                raise InvalidArgument(
                    Wording("map-unknown-field", name=name, item=item, fields=", ".join(EVENT_FIELDS))
                )
            for source in (s.strip() for s in column.split("|")):
                if not source or (_is_constant(source) and not source[1:-1].strip()):
                    raise InvalidArgument(Wording("map-empty-alternative", item=item))
            fields[name] = column.strip()
        if base is None:
            return cls(fields)
        return cls(fields, dict(base.lists), dict(base.attributes), base.time_format)

    def sources(self, name: str, default: str) -> list[str]:
        """The alternatives for field ``name``."""
        return [s.strip() for s in self.fields.get(name, default).split("|")]

    def used_columns(self, defaults: Mapping[str, str]) -> set[str]:
        """Columns consumed by event fields (the rest become attributes)."""
        used: set[str] = set()
        for name in EVENT_FIELDS:
            used.update(s for s in self.sources(name, defaults.get(name, name)) if not _is_constant(s))
        return used


def _named_keys(fmap: FieldMap) -> dict[str, tuple[str, str]]:
    """The keys ``fmap`` names, each with what it names it for (``field``, ``attribute`` or
    ``list``, and that name): every key among an event field's alternatives, every key renamed
    to an attribute, and the key of every list it splits that no rename feeds."""
    named: dict[str, tuple[str, str]] = {}
    for name in EVENT_FIELDS:
        if name in fmap.fields:
            for source in fmap.sources(name, name):
                if not _is_constant(source):
                    named.setdefault(source, ("field", name))
    for key, attribute in fmap.attributes.items():
        named.setdefault(key, ("attribute", attribute))
    for attribute in fmap.lists:
        if attribute not in fmap.attributes.values() and attribute not in fmap.attributes:
            named.setdefault(attribute, ("list", attribute))
    return named


def _is_constant(source: str) -> bool:
    return len(source) >= 2 and source[0] == source[-1] and source[0] in "'\""


def parse_time(text: str, tz: ZoneInfo) -> datetime:
    """An aware instant from ISO 8601 text; without an offset, the wall time is read in ``tz``.

    A date alone means its local midnight.

    Raises:
        ValueError: not an ISO 8601 date or date-time.
        OverflowError: a time without an offset that would lie outside the calendar in ``tz``.
        TypeError: a time without an offset, and ``tz`` is not a `ZoneInfo`.
    """
    try:  # the common case first: a full ISO 8601 time with its offset, nothing around it
        value = datetime.fromisoformat(text)
        if value.tzinfo is not None:
            return value
    except ValueError:
        pass
    raw = text.strip()
    if not raw:
        raise ValueError(Reason("empty-time"))
    if raw.endswith(("z", "Z")):
        raw = raw[:-1] + "+00:00"
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        raise ValueError(bad_time(text, tz)) from None
    return _placed(value, text, tz) if value.tzinfo is None else value


_PARTS = re.compile(r"\s*([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[T ]([0-9]{2})(?::([0-9]{2})(?::([0-9]{2}))?)?)?")
"""The date and time of day an ISO 8601 time starts with, each part in its digits."""


def example_time(tz: ZoneInfo, *, end_of_day: bool = False) -> str:
    """An ISO 8601 time to show as an example, at the offset ``tz`` has then: 09:30 on
    2024-11-28 (23:59:59 on 2024-12-31 for an audit moment, ``end_of_day``), ``+08:00`` in
    Asia/Shanghai, ``+01:00`` in Europe/Amsterdam."""
    wall = datetime(2024, 12, 31, 23, 59, 59) if end_of_day else datetime(2024, 11, 28, 9, 30)  # noqa: DTZ001 - placed in tz
    return _placed(wall, "", tz).isoformat()


def bad_time(text: str, tz: ZoneInfo) -> Reason:
    """Why ``text`` is no ISO 8601 time (a time of a log, read in ``tz``): the part of its date or
    time of day out of range where one is (day 30 of February, month 13, hour 24), with an
    example at the offset of ``tz``."""
    example = example_time(tz)
    found = _PARTS.match(text)
    if found is None:
        return Reason("bad-time", text=text, example=example)
    year, month, day, hour, minute, second = (None if part is None else int(part) for part in found.groups())
    assert year is not None and month is not None and day is not None  # the pattern requires them
    why: Reason | None = None
    if not 1 <= month <= 12:
        why = Reason("time-month", month=found[2])
    elif not 1 <= day <= (days := calendar.monthrange(max(year, 1), month)[1]):
        why = Reason("time-day", day=found[3], year=found[1], month=found[2], days=days)
    else:
        for value, at, key, top in (
            (hour, 4, "time-hour", 23),
            (minute, 5, "time-minute", 59),
            (second, 6, "time-second", 59),
        ):
            if value is not None and value > top:
                why = Reason(key, value=found[at])
                break
    if why is None:
        return Reason("bad-time", text=text, example=example)
    return Reason("bad-time-part", text=text, example=example, why=why)


def _placed(value: datetime, text: str, tz: ZoneInfo) -> datetime:
    """The instant of the wall time ``value`` (read from ``text``, without an offset) in ``tz``,
    at a fixed offset.

    A wall time the zone skips (02:30 on the night clocks go forward) is read with the offset
    before the change, and so lies an hour later on the clocks (03:30); a wall time it repeats
    (02:30 on the night clocks go back) is read as the first of the two (PEP 495 ``fold=0``).

    Raises:
        OverflowError: the instant would lie outside the calendar.
        TypeError: ``tz`` is not a `ZoneInfo`.
    """
    _require_zone(tz)
    # Read the wall time in the zone (a wall time inside a DST gap moves forward), then keep
    # it with a fixed offset: Python compares two datetimes that share one tzinfo object by
    # wall time, which is wrong in a repeated DST hour; fixed offsets compare as instants.
    try:
        local = value.replace(tzinfo=tz).astimezone(UTC).astimezone(tz)
    except OverflowError:
        raise OverflowError(Reason("time-outside-calendar", text=text.strip(), zone=tz.key)) from None
    offset = local.utcoffset()
    assert offset is not None  # a ZoneInfo always gives an offset
    return local.astimezone(timezone(offset))


_DIRECTIVE = re.compile("%(.)", re.DOTALL)
_TIME_DIRECTIVES = frozenset("aAbBdfGHIjmMpSuUVwWyYz%")
"""The ``strptime`` directives a ``time_format`` may use: not ``%c``, ``%x`` and ``%X`` (the
locale's own formats, which the pattern would not show) nor ``%Z`` (a zone name, which Python
reads only as UTC, GMT or the names of the machine's own zone, so that a log would read in one
process and not in another)."""

_EXAMPLE_TIME = datetime(2024, 11, 28, 9, 30, 15, 250000, tzinfo=timezone(timedelta(hours=8)))
"""The time a ``time_format`` is shown writing, so that a person sees what it reads."""


def time_format_problem(pattern: object) -> Wording | None:
    """What makes ``pattern`` no ``time_format`` (a ``strptime`` pattern a log's times are read
    with), or None where it is one.

    It is a text; each of its directives is one of `_TIME_DIRECTIVES`, written once; it names a
    day (a year with a month and a day, a year and a day of the year, or an ISO year, week and
    weekday; `strptime` would read a pattern without one as a day of 1900, or 1 January); a
    12-hour clock (``%I``) comes with its AM/PM (``%p``), which `strptime` would read as AM.
    """
    if not isinstance(pattern, str) or not pattern:
        return Wording("map-not-text", got=repr(pattern))
    written = _DIRECTIVE.findall(pattern)
    if pattern.replace("%%", "").endswith("%"):
        written.append("")
    why: Wording | None = None
    for directive in written:
        if directive not in _TIME_DIRECTIVES:
            why = Wording("time-format-directive", directive=f"%{directive}")
            break
    else:
        has = set(written)
        twice = sorted(d for d in has - {"%"} if written.count(d) > 1)
        weekday = bool(has & set("aAuw"))
        day = (
            ("d" in has and bool(has & set("mbB")) and bool(has & set("Yy")))
            or ("j" in has and bool(has & set("Yy")))
            or ({"G", "V"} <= has and weekday)
            or (bool(has & set("UW")) and weekday and bool(has & set("Yy")))
        )
        if twice:
            why = Wording("time-format-twice", directive=f"%{twice[0]}")
        elif not day or (bool(has & set("GV")) and not ({"G", "V"} <= has and weekday)):
            why = Wording("time-format-no-day")
        elif "I" in has and "p" not in has:
            why = Wording("time-format-12-hour")
        elif "z" not in has and re.search(r"(?<![A-Za-z])Z(?![A-Za-z])", _DIRECTIVE.sub(" ", pattern)):
            # 'Z' written as text reads the time as naive, placed in the check's zone: a time
            # written at UTC would be read hours off
            why = Wording("time-format-literal-z")
    if why is None:
        try:  # what strptime makes of a time the pattern writes: anything else it refuses
            datetime.strptime(_EXAMPLE_TIME.strftime(pattern), pattern)  # noqa: DTZ007 - only whether it reads
        except (ValueError, re.error) as exc:
            why = Wording("time-format-unread", error=str(exc))
    return None if why is None else Wording("time-format-bad", pattern=pattern, why=why)


def _formatted_time(text: str, pattern: str, example: str, tz: ZoneInfo) -> datetime:
    """An aware instant from ``text`` written as ``pattern`` (a ``time_format``); without an
    offset (``%z``), the wall time is read in ``tz``, as `parse_time` reads it.

    Raises:
        ValueError: ``text`` is not written as ``pattern`` (the reason names it, and ``example``,
            a time it writes).
        OverflowError: a time without an offset that would lie outside the calendar in ``tz``.
    """
    raw = text.strip()
    if not raw:
        raise ValueError(Reason("empty-time"))
    try:
        value = datetime.strptime(raw, pattern)  # noqa: DTZ007 - placed in the zone below
    except ValueError:
        raise ValueError(Reason("time-not-in-format", text=text, pattern=pattern, example=example)) from None
    return _placed(value, raw, tz) if value.tzinfo is None else value


def _require_zone(tz: object) -> None:
    """Refuse a ``tz`` that is no `ZoneInfo`: ``None`` would read a time without an offset in the
    machine's zone (a report that changes with the process's ``TZ``), and a fixed offset
    (`datetime.timezone`) is no zone: it has no name to say, and no DST.

    Raises:
        TypeError: ``tz`` is not a `ZoneInfo`.
    """
    if not isinstance(tz, ZoneInfo):
        raise TypeError(
            "tz: expected a zoneinfo.ZoneInfo, the zone a time written without an offset is read in"
            f" (ZoneInfo('Europe/Rome'); ZoneInfo('UTC') for UTC), got {tz!r}"
        )


def parse_audit_moment(text: str, tz: ZoneInfo) -> datetime:
    """The audit moment ``text`` names: the last instant of what it is written to.

    A date alone is the whole of that local day, and a time without a fraction of a second the
    whole of that second, as a due moment shown as ``23:59:59`` is the end of that second: as of
    ``2024-11-30`` or ``2024-11-30T23:59:59+08:00``, a report due on 30 November is due. A time
    with a fraction is taken as written.

    Raises:
        ValueError: not an ISO 8601 date or date-time.
        OverflowError: the moment lies outside the calendar in ``tz``.
    """
    from govrules.durations import end_of_day

    try:
        return end_of_day(date.fromisoformat(text.strip()), tz)
    except ValueError:
        pass
    moment: datetime = parse_time(text, tz)
    moment.astimezone(tz)  # OverflowError: the zone cannot show it
    if "." in text or "," in text:  # written to a fraction of a second
        return moment
    return moment + timedelta(microseconds=999_999)


DEFAULT_XES_MAP = {
    "id": "identity:id|concept:instance",
    "time": "time:timestamp",
    "actor": "org:resource",
    "action": "concept:name",
    "subject": "case:concept:name",
}


_CONTROL = re.compile("[\x00-\x08\x0a-\x1f]")  # control characters other than tab
_SURROGATE = re.compile("[\udc80-\udcff]")  # bytes that surrogateescape could not decode
_LONE = re.compile("[\ud800-\udfff]")  # any lone surrogate (JSON can write one as an escape)
_SUSPECT = re.compile("[\x00-\x08\x0a-\x1f\udc80-\udcff]")  # either of the two
_CONTROL_OR_SURROGATE = re.compile("[\x00-\x08\x0a-\x1f\ud800-\udfff]")  # a control character or any surrogate


def _shown(text: str | None) -> str | None:
    """``text`` as a report can hold it: undecodable bytes and lone surrogates written as
    ``\\udcff`` escapes (a report is UTF-8, which has no code for them)."""
    if text is None or not _LONE.search(text):
        return text
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _strings(values: Iterable[Any]) -> Iterator[str]:
    """The strings among ``values`` and within them: in lists (an attribute split on its
    separator, a JSON array) and in mappings (a JSON object's keys and values), at any depth."""
    stack = [iter(values)]
    while stack:
        for value in stack[-1]:
            if isinstance(value, str):
                yield value
            elif isinstance(value, Mapping):
                stack.append(chain.from_iterable(value.items()))
                break
            elif isinstance(value, list | tuple):
                stack.append(iter(value))
                break
        else:
            stack.pop()


def _in_zone(when: datetime, zone: Any) -> datetime:
    """``when`` with ``zone``, a fixed offset equal to its own (``astimezone`` takes less than half
    the time of ``replace``, and gives the same wall time; ``replace`` where the conversion through
    UTC would leave the years a datetime can hold)."""
    try:
        return when.astimezone(zone)
    except OverflowError:
        return when.replace(tzinfo=zone)


_tzinfo = attrgetter("tzinfo")


def at_fixed_offsets(times: Iterable[datetime]) -> bool:
    """Whether every one of ``times`` is at a fixed offset (a `datetime.timezone`, as a reader
    gives it), so that comparing them directly compares instants: two times sharing a zone with
    DST compare by wall time, wrongly in the hour a clock change repeats."""
    return all(type(zone) is timezone for zone in set(map(_tzinfo, times)))


def _times_at_one_offset(texts: list[str], zones: dict[Any, Any]) -> list[datetime] | None:
    """``texts`` read as `parse_time` reads them and given the offset object shared from
    ``zones``, when every one is a full ISO 8601 time at one offset (as a log's times mostly
    are), in one call per step for them all; else None, and they are read one by one."""
    try:
        whens = list(map(datetime.fromisoformat, texts))
    except ValueError:
        return None
    offsets = set(map(_tzinfo, whens))  # equal offsets are one
    if len(offsets) != 1 or None in offsets:
        return None
    zone = offsets.pop()
    try:
        return list(map(datetime.astimezone, whens, repeat(zones.setdefault(zone, zone))))
    except OverflowError:
        return None


class _Builder:
    """Turns a flat record (column -> value) into an `Event` or a `Rejected`.

    Runs once per record, so the field sources are resolved once per log, and the few distinct
    actor, action, recipient and period strings and time zone offsets are shared between events
    (memory that follows the organisation, not the log). Subjects and refs are shared between
    the events of one case that come close together (see `share`). ``start_seq`` is added to
    each record's line to make its ``seq``. With ``attributes_of``, only the events of those
    actions keep their attributes (after the checks that read them). A record without an id is
    named by ``id_prefix`` (default: the file's name) and its line.
    """

    def __init__(
        self,
        fmap: FieldMap,
        tz: ZoneInfo,
        file: str,
        defaults: Mapping[str, str],
        encoding: str = "utf-8",
        start_seq: int = 0,
        attributes_of: Iterable[str] | None = None,
        id_prefix: str | None = None,
        unheld_to: list[Problem] | None = None,
    ) -> None:
        self.tz = tz
        self.attributes_of = None if attributes_of is None else frozenset(attributes_of)
        self.file = file
        self.base = id_prefix or Path(file).name  # what an event without an id is named by, with its line
        self.encoding = encoding
        self.start_seq = start_seq
        self._recent: dict[str, str] = {}
        self._older: dict[str, str] = {}
        self.fmap = fmap
        self.sources = {name: fmap.sources(name, defaults.get(name, name)) for name in EVENT_FIELDS}
        self.used = fmap.used_columns(defaults)
        # Per field: the constant it is fixed to (first constant source), and the columns tried before it.
        self.plan: list[tuple[str, tuple[str, ...], str | None]] = []
        for name in EVENT_FIELDS:
            columns: list[str] = []
            constant: str | None = None
            for source in self.sources[name]:
                if _is_constant(source):
                    constant = source[1:-1].strip()  # a value, stripped as a column's are
                    break
                columns.append(source)
            self.plan.append((name, tuple(columns), constant))
        self.attribute_names = dict(fmap.attributes)
        self.lists = dict(fmap.lists)
        self.time_format = fmap.time_format  # None: ISO 8601, read by `parse_time` (and in C)
        # the example a time not in the format is told, at the offset of the zone it is read in
        example = _placed(_EXAMPLE_TIME.replace(tzinfo=None), "", tz)
        self.example_time = None if fmap.time_format is None else example.strftime(fmap.time_format)
        self.zones: dict[Any, Any] = {}
        # the keys the map names that no record of a log without a header has held yet, and
        # whether any record was read at all (see `said_unheld`): looked for only where asked
        self.unheld_to = unheld_to
        self.unheld = _named_keys(fmap) if unheld_to is not None else {}
        self.held_any = unheld_to is None

    @property
    def listening(self) -> bool:
        """Whether the keys of records read are still wanted (see `hold`): a key the map names is
        unheld, or no record was read yet; never where no one asked (``unheld_to``)."""
        return bool(self.unheld) or not self.held_any

    def hold(self, records: Iterable[Mapping[str, Any]]) -> None:
        """Note the keys of ``records`` (flat, as read) that the map names, also of a record
        rejected before it is built (a key written twice): it holds them, whatever else is wrong
        with it."""
        if not self.listening:
            return
        unheld = self.unheld
        for record in records:
            self.held_any = True
            if not unheld:
                return
            for key in [key for key in unheld if key in record]:
                del unheld[key]

    def said_unheld(self) -> None:
        """Once a log without a header (JSON, XES) is read whole, add to ``unheld_to`` a
        ``missing-column`` problem for each key the map names that no record held: every record
        read it as empty, as it would a misspelt key, and a constant after it stood for every
        record's value. Nothing where no record was read."""
        if self.unheld_to is None or not self.held_any:
            return
        self.unheld_to.extend(
            Problem(self.file, None, None, "", "missing-column", Wording(f"unheld-{kind}-key", key=key, name=name))
            for key, (kind, name) in self.unheld.items()
        )

    def _values(self, record: Mapping[str, Any]) -> list[str | None]:
        """The event fields of ``record``, in `EVENT_FIELDS` order (a number as its text).

        Raises:
            _NotText: a field's value is a list, an object or a boolean (JSON, XES), which no text stands for.
        """
        values: list[str | None] = []
        get = record.get
        for name, columns, constant in self.plan:
            found: str | None = constant
            for column in columns:
                value = get(column)
                if value is not None and value != "":
                    if isinstance(value, list | dict | bool):  # a JSON or XES true/false is no text
                        raise _NotText(name, column, value)
                    text = value.strip() if isinstance(value, str) else str(value).strip()
                    if text:
                        found = text
                        break
                    if found is None:  # blank: unless a later alternative or the constant has a value
                        found = text
            values.append(found)
        return values

    def share(self, values: Sequence[str | None]) -> list[str | None]:
        """``values`` (subjects or refs) with each string read before in the recent past replaced
        by the copy read then.

        The events of one case (a post and its review, a trigger and its responses) name the
        same subject or ref, mostly within a few thousand records of each other: one string
        object serves them all (about 80 bytes less per repeat). The memory stays bounded: two
        generations of at most `_SHARE_WINDOW` distinct values each, the older dropped when the
        recent one fills. Sharing a string changes no value.
        """
        if not any(values):
            return list(values)
        recent, older = self._recent, self._older
        take, keep = older.get, recent.setdefault
        if None in values:
            shared = [None if v is None else keep(v, take(v, v)) for v in values]
        else:  # the same, in one call
            shared = list(map(keep, values, map(take, values, values)))  # type: ignore[arg-type]
        self._roll_shared()
        return shared

    def _roll_shared(self) -> None:
        """Start a new generation of shared strings once the recent one is full (see `share`)."""
        if len(self._recent) >= _SHARE_WINDOW:
            self._older, self._recent = self._recent, {}

    def _made_in_c(self, build: Callable[..., list[Any] | None], *batch: Any) -> list[Event | Rejected] | None:
        """What ``build`` (``build_rows`` or ``build_columns`` of the C module) makes of ``batch``
        with this reader's settings and shared strings: the events, or None for a batch it gives
        back (which leaves the shared strings as they were)."""
        made = build(
            *batch,
            Event,
            NO_ATTRIBUTES,
            self.file,
            self.base,
            self.zones,
            self._recent,
            self._older,
            datetime.fromisoformat,
            self.attributes_of,
        )
        self._roll_shared()
        return made

    def read_formatted(self, text: str) -> datetime:
        """``text`` read as the map's ``time_format`` says (`_formatted_time`)."""
        assert self.time_format is not None and self.example_time is not None
        return _formatted_time(text, self.time_format, self.example_time, self.tz)

    def seqs(self, lines: list[int]) -> list[int]:
        """The ``seq`` of records at ``lines``: the lines themselves (the same int objects) unless
        ``start_seq`` moves them."""
        start = self.start_seq
        return lines if start == 0 else [start + line for line in lines]

    def saw(self, record: Mapping[str, Any]) -> None:
        """`hold` for one record."""
        self.hold((record,))

    def build(self, record: Mapping[str, Any], line: int) -> Event | Rejected:
        self.saw(record)
        try:
            values = self._values(record)
        except _NotText as exc:
            record_id, actor = (self._first_key(record, EVENT_FIELDS.index(name)) for name in ("id", "actor"))
            shown = _shown(record_id) if isinstance(record_id, str) else None
            reason = Reason("not-text", field=exc.name, key=exc.key, what=exc.what)
            read_actor = _readable_actor(actor.strip()) if isinstance(actor, str) else None
            return Rejected(self.file, line, reason, shown, actor=read_actor)
        return self._event(values, self._attributes(record), line, suspect=True)

    def _first_key(self, record: Mapping[str, Any], field: int) -> Any:
        """The value of ``record`` under the first key the map names for the event field at
        ``field`` (of `EVENT_FIELDS`), whatever it is; None where the map names none."""
        columns = self.plan[field][1]
        return record.get(columns[0]) if columns else None

    def _attributes(self, record: Mapping[str, Any]) -> dict[str, Any]:
        """The attributes of ``record``: its values that are not event fields, not empty."""
        attributes: dict[str, Any] = {}
        used = self.used
        for key, value in record.items():
            if key in used or key is None or value is None or value == "":
                continue
            name = self.attribute_names.get(key, key)
            sep = self.lists.get(name)
            if sep and isinstance(value, str):
                value = [v.strip() for v in value.split(sep) if v.strip()]
            attributes[name] = value
        return attributes

    def lines_reader(self) -> Callable[[list[str], list[int]], list[Event | Rejected]]:
        """What `_json_record` gives for each of a batch of JSON Lines (their texts and numbers),
        worked out a field at a time where it can be (see `_records_reader`).

        The lines are decoded by msgspec, which reads what ``json`` reads, value for value, and
        refuses the rest (``NaN``, lone surrogates, numbers out of range): a batch it refuses, or
        with a line that is not an object, is read line by line, so rejections and their reasons
        are exactly those of `_json_record`.
        """
        name = self.file

        def line_by_line(texts: list[str], lines: list[int]) -> list[Event | Rejected]:
            return [_json_record(self, text, name, line) for text, line in zip(texts, lines, strict=True)]

        by_records = self._records_reader()
        if by_records is None:
            return line_by_line
        decode = msgspec.json.Decoder().decode

        def build_lines(texts: list[str], lines: list[int]) -> list[Event | Rejected]:
            try:
                decoded = list(map(decode, texts))
            except (msgspec.DecodeError, UnicodeError, ValueError, RecursionError):
                return line_by_line(texts, lines)
            if not _keys_kept(texts, decoded):  # a key written twice: which line, and which key
                return line_by_line(texts, lines)
            # msgspec gives no surrogate, and a control character only through an escape
            made = by_records(decoded, lines, "controls" if any("\\" in text for text in texts) else "none")
            return line_by_line(texts, lines) if made is None else made

        return build_lines

    def objects_reader(self) -> Callable[[list[Any], list[int]], list[Event | Rejected]]:
        """What reading each of a batch of decoded JSON values (the elements of an array, with
        their numbers) alone gives, worked out a field at a time where it can be (see
        `_records_reader`)."""
        name = self.file

        def one_by_one(values: list[Any], numbers: list[int]) -> list[Event | Rejected]:
            return [
                self.build(_flatten_json(value), number)
                if isinstance(value, dict)
                else Rejected(name, number, Reason("not-object", type=_as_json(value)))
                for value, number in zip(values, numbers, strict=True)
            ]

        by_records = self._records_reader()
        if by_records is None:
            return one_by_one

        def build_objects(values: list[Any], numbers: list[int]) -> list[Event | Rejected]:
            made = by_records(values, numbers, "all")
            return one_by_one(values, numbers) if made is None else made

        return build_objects

    def _records_reader(self) -> Callable[[list[Any], list[int], str], list[Event | Rejected] | None] | None:
        """The events of a batch of decoded JSON values (with their numbers), made a field at a
        time as `rows_reader` makes a batch of CSV rows, or ``None`` for a batch that must be read
        one record at a time: one with a value that is not an object, an event field that is not
        a string, a record lacking its time, actor or action, a time that does not read, or a
        string the record-by-record path might reject. ``look`` says what to look for: ``none``
        (no string can hold a control character or a surrogate), ``controls`` (a field may hold a
        control character) or ``all`` (any string may hold either: a batch with one in any
        string goes record by record, which tells a rejection from an accepted attribute).
        ``None`` instead of a function when a field has several keys or a constant."""
        if not all(len(columns) <= 1 and constant is None for _name, columns, constant in self.plan):
            return None
        keys = [columns[0] if columns else None for _name, columns, _ in self.plan]
        used = self.used
        text_or_none = {str, type(None)}
        control = _CONTROL.search
        suspect = _CONTROL_OR_SURROGATE.search

        def by_records(decoded: list[Any], lines: list[int], look: str) -> list[Event | Rejected] | None:
            if set(map(type, decoded)) != {dict}:
                return None
            records = [_flatten_json(r) if "attributes" in r else r for r in decoded]
            self.hold(records)
            n = len(records)
            fields: list[list[str | None]] = []
            for key in keys:
                if key is None:
                    fields.append([None] * n)
                    continue
                values = list(map(dict.get, records, repeat(key)))  # a third of the time methodcaller takes
                if not text_or_none.issuperset(map(type, values)):
                    return None
                fields.append(_stripped(values))
            if look == "controls" and any(control("".join(filter(None, f))) for f in fields):
                return None
            if look == "all" and suspect("".join(_strings(chain.from_iterable(r.values() for r in records)))):
                return None
            keep = self.attributes_of
            attributes = [
                NO_ATTRIBUTES
                if (keep is not None and action not in keep) or used.issuperset(r)
                else (self._attributes(r) or NO_ATTRIBUTES)
                for r, action in zip(records, fields[EVENT_FIELDS.index("action")], strict=True)
            ]
            return self._made(fields, attributes, lines)

        return by_records

    def _header_plan(
        self, header: list[str]
    ) -> tuple[list[tuple[tuple[int, ...], str | None]], list[tuple[int, str, str | None]], bool]:
        """Where the fields and attributes of a CSV row of ``header`` are: per event field, the
        column positions tried and the constant; per attribute, its position, name and list
        separator; and whether every field has one column or none and no constant (``simple``).
        A repeated column name is read from its last column."""
        last = {name: i for i, name in enumerate(header)}
        plan = [(tuple(last[c] for c in columns if c in last), constant) for _name, columns, constant in self.plan]
        attribute_plan = []
        for key, index in last.items():
            if key not in self.used:
                name = self.attribute_names.get(key, key)
                attribute_plan.append((index, name, self.lists.get(name)))
        simple = all(len(indexes) <= 1 and constant is None for indexes, constant in plan)
        return plan, attribute_plan, simple

    def row_reader(self, header: list[str]) -> Callable[[list[str], int, str], Event | Rejected]:
        """A `build` for CSV rows of ``header``: the same result as ``build(dict(zip(header, row)))``
        without building the dict (a repeated column name keeps its last value, as in the dict)."""
        plan, attribute_plan, simple = self._header_plan(header)
        event = self._event
        search = _SUSPECT.search

        def row_attributes(row: list[str]) -> dict[str, Any]:
            attributes: dict[str, Any] = {}
            for index, name, sep in attribute_plan:
                value = row[index]
                if value != "":
                    attributes[name] = [v.strip() for v in value.split(sep) if v.strip()] if sep else value
            return attributes

        if simple:
            # One column (or none) per field, the usual case: the cells are taken in one call,
            # a field without a column reading an empty cell appended to the row.
            cells = itemgetter(*(indexes[0] if indexes else len(header) for indexes, _ in plan))

            def build_row_simple(row: list[str], line: int, text: str) -> Event | Rejected:
                row.append("")
                values: list[str | None] = [c.strip() if c else None for c in cells(row)]
                return event(values, row_attributes(row), line, suspect=search(text) is not None)

            return build_row_simple

        def build_row(row: list[str], line: int, text: str) -> Event | Rejected:
            values: list[str | None] = []
            for indexes, constant in plan:
                found = constant
                for index in indexes:
                    value = row[index]
                    if value != "":
                        stripped = value.strip()
                        if stripped:
                            found = stripped
                            break
                        if found is None:  # blank: unless a later alternative or the constant has a value
                            found = stripped
                values.append(found)
            # ``text`` is the row's cells joined: nothing suspect there, nothing in any field
            return event(values, row_attributes(row), line, suspect=search(text) is not None)

        return build_row

    def rows_reader(self, header: list[str]) -> _RowsBuilder:
        """What `row_reader` gives for each of a batch of CSV rows (their texts and first lines),
        worked out a column at a time where it can be.

        A batch in which no cell holds a control character or an undecodable byte, every event
        has its time, actor and action, and every time reads, is made column by column: one
        call per column for most of the work instead of one per cell. Any other batch is read
        row by row, so rejections and their reasons are exactly those of `row_reader`. Where the
        package was built with its C module, that module makes the batches it can (every time at
        one offset, the usual case) the same way, and gives the others back.
        """
        one = self.row_reader(header)

        def row_by_row(
            rows: list[list[str]], texts: list[str], lines: list[int], *, tried_in_c: bool = False
        ) -> list[Event | Rejected]:
            return [one(*a) for a in zip(rows, lines, texts, strict=True)]

        plan, attribute_plan, simple = self._header_plan(header)
        if not simple:
            return row_by_row
        present = [(field, indexes[0]) for field, (indexes, _) in zip(EVENT_FIELDS, plan, strict=True) if indexes]
        take = itemgetter(*(index for _, index in present))
        search = _SUSPECT.search
        in_c = self.rows_in_c(header)

        def by_columns(rows: list[list[str]], lines: list[int]) -> list[Event | Rejected] | None:
            n = len(rows)
            cells = map(take, rows) if len(present) > 1 else ((cell,) for cell in map(take, rows))
            columns = dict(zip((field for field, _ in present), zip(*cells, strict=True), strict=True))
            fields: list[list[str | None]] = [
                _stripped(columns[field]) if field in columns else [None] * n for field in EVENT_FIELDS
            ]
            attributes: list[Mapping[str, Any]] = [NO_ATTRIBUTES] * n
            for index, name, sep in attribute_plan:
                values = list(map(itemgetter(index), rows))
                for i in compress(range(n), values):  # the rows with a value in this column
                    value = values[i]
                    held = attributes[i]
                    if held is NO_ATTRIBUTES:
                        held = attributes[i] = {}
                    held[name] = [v.strip() for v in value.split(sep) if v.strip()] if sep else value  # type: ignore[index]
            return self._made(fields, attributes, lines)

        def build_rows(
            rows: list[list[str]], texts: list[str], lines: list[int], *, tried_in_c: bool = False
        ) -> list[Event | Rejected]:
            made = in_c(rows, lines) if in_c is not None and not tried_in_c else None
            if made is None:
                made = by_columns(rows, lines) if search("".join(texts)) is None else None
            return row_by_row(rows, texts, lines) if made is None else made

        return build_rows

    def _c_columns(self, header: list[str]) -> tuple[tuple[int, ...], tuple[tuple[int, str, str | None], ...]] | None:
        """Where the C module finds each event field (its column, or -1) and each attribute
        (column, name, list separator) in a row of ``header``; None when the package has no C
        module, a field has several columns or a constant, or the map gives a ``time_format`` (the
        Python path reads those)."""
        plan, attribute_plan, simple = self._header_plan(header)
        if _speedups is None or not simple or self.time_format is not None:  # it reads ISO 8601 times only
            return None
        positions = tuple(indexes[0] if indexes else -1 for indexes, _ in plan)
        # a separator the Python path does not split on (empty) is none for the C module
        return positions, tuple((index, name, sep or None) for index, name, sep in attribute_plan)

    def rows_in_c(
        self, header: list[str]
    ) -> Callable[[list[list[str]], list[int]], list[Event | Rejected] | None] | None:
        """What `rows_reader`'s column-at-a-time path makes of a batch of CSV rows (with their
        first lines), made in C (``_speedups``), or None for a batch the C module leaves to the
        Python path: it also leaves a batch with a row of another width than ``header`` or
        longer than `MAX_RECORD_CHARS`, so that a batch can be given to it before those checks.
        None instead of a function where `_c_columns` is."""
        columns = self._c_columns(header)
        if columns is None or _speedups is None:
            return None
        build, width = _speedups.build_rows, len(header)

        def in_c(rows: list[list[str]], lines: list[int]) -> list[Event | Rejected] | None:
            return self._made_in_c(build, rows, lines, self.seqs(lines), width, MAX_RECORD_CHARS, *columns)

        return in_c

    def lines_in_c(
        self, header: list[str], delimiter: str
    ) -> Callable[[list[str], list[int]], list[Event] | None] | None:
        """What `rows_in_c` makes of the rows the csv module reads from a batch of CSV lines (with
        their numbers), made in C from the lines themselves where each holds one row, its cells
        unquoted or quoted whole (``build_lines``), else None, and the csv module reads the
        batch. None instead of a function where `_c_columns` is."""
        columns = self._c_columns(header)
        if columns is None or _speedups is None:
            return None
        build, width = _speedups.build_lines, len(header)

        def in_c(texts: list[str], lines: list[int]) -> list[Event] | None:
            if max(map(len, texts), default=0) > csv.field_size_limit():
                return None  # a cell might pass the csv module's limit, which rejects its row
            made = self._made_in_c(build, texts, lines, self.seqs(lines), delimiter, width, MAX_RECORD_CHARS, *columns)
            return cast("list[Event] | None", made)

        return in_c

    def _made(
        self, fields: list[list[str | None]], attributes: list[Mapping[str, Any]], lines: list[int]
    ) -> list[Event | Rejected] | None:
        """The events of a batch of records given a field at a time (each field's values, in
        `EVENT_FIELDS` order, stripped, ``None`` where missing) with their attributes and lines;
        ``None`` when a record lacks its time, actor or action, or a time does not read: such a
        batch is for the record-by-record path, which says why. Where the package has its C
        module, that module makes the batches it can (every time at one offset), the same way."""
        formatted = self.time_format is not None  # the C module reads ISO 8601 times only
        if _speedups is not None and not formatted:
            made = self._made_in_c(_speedups.build_columns, tuple(fields), attributes, lines, self.seqs(lines))
            if made is not None:
                return made
        ids, times, actors, actions, recipients, subjects, refs, periods = fields
        if not (all(times) and all(actors) and all(actions)) or _holds_party(actors, recipients):
            return None
        whens = None if formatted else _times_at_one_offset(times, self.zones)  # type: ignore[arg-type]
        if whens is None:
            try:
                if formatted:
                    whens = [self.read_formatted(t) for t in times]  # type: ignore[arg-type]
                else:
                    whens = [parse_time(t, self.tz) for t in times]  # type: ignore[arg-type]
            except (ValueError, OverflowError):
                return None
            zones = self.zones
            for i, when in enumerate(whens):
                zone = when.tzinfo
                shared = zones.setdefault(zone, zone)
                if shared is not zone:
                    whens[i] = _in_zone(when, shared)
        if not all(ids):
            ids = [i or f"{self.base}:{line}" for i, line in zip(ids, lines, strict=True)]
        keep = self.attributes_of
        if keep is not None:
            attributes = [a if name in keep else NO_ATTRIBUTES for a, name in zip(attributes, actions, strict=True)]
        return list(
            map(
                Event,
                ids,
                whens,
                map(_intern, actors),  # type: ignore[arg-type]
                map(_intern, actions),  # type: ignore[arg-type]
                _interned(recipients),
                self.share(subjects),
                self.share(refs),
                _interned(periods),
                attributes,
                repeat(self.file, len(lines)),
                lines,
                self.seqs(lines),
            )
        )

    def _event(
        self, values: list[str | None], attributes: dict[str, Any], line: int, suspect: bool
    ) -> Event | Rejected:
        """The event of ``values`` (in `EVENT_FIELDS` order). ``suspect``: the record may hold
        control characters or undecodable bytes, so every field is looked at."""
        record_id, time_text, actor, action, recipient, subject, ref, period = values
        shown_id = _shown(record_id) if suspect else record_id  # as a report may cite it
        read_actor = _readable_actor(actor)  # who the record names, for a rejection to say
        if not time_text or not actor or not action:
            missing = [name for name, value in zip(EVENT_FIELDS[1:4], values[1:4], strict=True) if not value]
            wanted = tuple(Reason("missing-field", field=m, columns="|".join(self.sources[m])) for m in missing)
            return Rejected(self.file, line, Reason("missing", fields=wanted), shown_id, actor=read_actor)
        try:
            when = parse_time(time_text, self.tz) if self.time_format is None else self.read_formatted(time_text)
        except (ValueError, OverflowError) as exc:
            return Rejected(self.file, line, _reason_of(exc), shown_id, actor=read_actor)
        zone = when.tzinfo
        shared_zone = self.zones.setdefault(zone, zone)
        if shared_zone is not zone:
            when = _in_zone(when, shared_zone)
        event_id = record_id or f"{self.base}:{line}"
        if suspect:
            for name, value in zip(EVENT_FIELDS, values, strict=True):
                if value is not None and _CONTROL.search(value):
                    reason = Reason("control-characters", field=name)
                    return Rejected(self.file, line, reason, shown_id, actor=read_actor)
            joined = f"{event_id}{actor}{action}{recipient}{subject}{ref}{period}"
            texts = [joined, *_strings(attributes.values())]
            if any(_SURROGATE.search(t) for t in texts):
                reason = Reason("undecodable", encoding=self.encoding)
                return Rejected(self.file, line, reason, _shown(event_id), actor=read_actor)
            if any(_LONE.search(t) for t in texts):
                return Rejected(self.file, line, Reason("lone-surrogate"), _shown(event_id), actor=read_actor)
        for name, value in (("actor", actor), ("recipient", recipient)):
            if value is not None and _PARTY_FORM(value):
                return Rejected(self.file, line, _party_reason(name, value), shown_id)
        # Actor, action, recipient and period strings repeat across the log: one copy of each.
        subject, ref = self.share([subject, ref])
        if self.attributes_of is not None and action not in self.attributes_of:
            attributes = {}
        return Event(
            event_id,
            when,
            _intern(actor),
            _intern(action),
            None if recipient is None else _intern(recipient),
            subject,
            ref,
            None if period is None else _intern(period),
            attributes or NO_ATTRIBUTES,
            self.file,
            line,
            self.seqs([line])[0],
        )


_BLANK = " \t\r\n"
"""What a blank line of a CSV or JSON Lines log holds: JSON's whitespace. A line of other space
(an ideographic space U+3000, a no-break space, U+2028) is a record, and rejected as one."""


def _has_text(line: str) -> bool:
    """Whether ``line`` (a log's line, or a CSV row's cells joined) is not blank (see `_BLANK`)."""
    return bool(line.strip(_BLANK))


def _stripped(cells: Sequence[str | None]) -> list[str | None]:
    """A column of CSV cells (or JSON values, strings or ``None``) as event fields: each stripped,
    an empty one ``None`` (one of blanks is stripped to ``""``, as the record-by-record paths give
    it). A column with no empty cell, or only empty ones, is made in one call."""
    if all(cells):
        return list(map(str.strip, cells))  # type: ignore[arg-type]
    if not any(cells):
        return [None] * len(cells)
    return [c.strip() if c else None for c in cells]


def _interned(values: list[str | None]) -> list[str | None]:
    """``values`` with each string replaced by its one interned copy (``None`` kept)."""
    if not any(values):
        return values
    return [None if v is None else _intern(v) for v in values]


def known_encoding(name: str) -> bool:
    """Whether Python can decode a log's text in the encoding ``name`` (a log's, a map file's,
    ``--encoding``): a codec that turns bytes into bytes (``base64``, ``hex``) or text into text
    (``rot13``) is not one, nor one that cannot keep the bytes that do not decode to be said
    (``idna``, ``punycode``: a log is read with ``surrogateescape``) or decodes nothing
    (``undefined``)."""
    try:
        codec = codecs.lookup(name)
        if getattr(codec, "_is_text_encoding", True) is False:
            return False
        codec.incrementaldecoder(errors="surrogateescape").decode(b"", final=True)
    except (LookupError, UnicodeError):
        return False
    return True


def detect_format(path: str) -> str:
    """The log format from the file name (``.csv``, ``.jsonl``/``.ndjson``, ``.json``, ``.xes``)."""
    lower = path.lower()
    for suffix, fmt in (
        (".csv", "csv"),
        (".tsv", "csv"),
        (".jsonl", "jsonl"),
        (".ndjson", "jsonl"),
        (".json", "json"),
        (".xes", "xes"),
    ):
        if lower.endswith(suffix):
            return fmt
    raise EventLogError(
        [
            Problem(
                path,
                None,
                None,
                "",
                "unknown-format",
                Wording("log-unknown-format-name", formats=", ".join(FORMATS)),
            )
        ]
    )


def read_events(
    path: str | os.PathLike[str],
    *,
    tz: ZoneInfo,
    fmap: FieldMap | None = None,
    fmt: str | None = None,
    encoding: str = "utf-8-sig",
    start_seq: int = 0,
    attributes_of: Iterable[str] | None = None,
    id_prefix: str | None = None,
    unheld: list[Problem] | None = None,
    delimiter: str | None = None,
) -> Generator[Event | Rejected, None, None]:
    """Stream the records of an event log.

    The file is opened by the call, and closed once the records are read, or when the generator
    is closed (``close()``) or dropped, whether it was read or not.

    Args:
        path: the log file.
        tz: the zone for times written without an offset, a `ZoneInfo`: ``None`` (the machine's
            zone) and a fixed offset (`datetime.timezone`) are refused, as the same log must give
            the same events in every process.
        fmap: column mapping; default: columns named like the event fields (XES: the standard
            ``concept:name``, ``time:timestamp``, ``org:resource`` and ``case:concept:name``).
        fmt: ``csv``, ``jsonl``, ``json`` or ``xes``; default: from the file name.
        encoding: text encoding of CSV and JSON logs (``gb18030`` for many Chinese exports).
        start_seq: added to each record's line (or record number) to make its ``seq``, its
            place in the input (start each of several logs past the last ``seq`` of the one
            before for one order over all of them); a check does not depend on it.
        attributes_of: read only the attributes of the events of these actions; the others
            come without theirs. ``rules.attribute_actions()`` names the actions whose
            attributes a check of ``rules`` reads: with it, the check gives the same report, and
            reading takes less time and memory. Records are checked and rejected as without it.
        id_prefix: what a record without an id is named by, with its line (``events.csv:12``);
            default: the file's name. Logs of one check that share a name need prefixes of their
            own (the command gives them their paths), or their records would share ids.
        unheld: where given, once a JSON Lines, JSON or XES log (which has no header to check
            ``fmap`` against) has been read whole, a ``missing-column`` problem is added to it
            for each key ``fmap`` names that no record held: every record read that key as empty,
            as it would a misspelt one (an export may also leave out a key it never fills, so this
            is no error; the command says each in the report's notes and on stderr).
        delimiter: what separates a CSV log's columns (one character: ``;``, ``\t``); default:
            tabs for a log named ``.tsv``, else the one of comma, tab, semicolon and bar its header
            line holds most often outside quoted names (a tie going to the first), unless only
            another it holds splits it into the columns ``fmap`` asks for (see `_sniffed`). Other
            formats have none, and do not use it.

    Yields:
        An `Event` or a `Rejected` per record, in file order.

    Raises:
        EventLogError: the format is unknown (or the name tells none), ``encoding`` is no text
            encoding, the file cannot be opened or read to its end, it starts with a byte order
            mark ``encoding`` does not read as one (a UTF-8 mark read as ``gb18030``), it does not
            read in ``encoding``, a JSON log is not an array, or a CSV log's header names a column
            twice or lacks one ``fmap`` names. An XES document broken before its first event (an
            unknown encoding declaration, a DTD) is a `Rejected` whose reason says reading
            stopped, as one broken later is.
        TypeError: ``tz`` is not a `ZoneInfo`.
        InvalidArgument: ``attributes_of`` is a string (a collection of action names is meant),
            or ``delimiter`` is not one character that can separate columns (`usable_delimiter`).
    """
    _require_zone(tz)
    if isinstance(attributes_of, str):  # a string is an iterable of its characters, none of them an action
        raise InvalidArgument(
            f"expected 'attributes_of' as a collection of action names, got the string {attributes_of!r}"
        )
    if delimiter is not None and not usable_delimiter(delimiter):
        raise InvalidArgument(Wording("delimiter-unusable", got=repr(delimiter)))
    name = os.fspath(path)
    fmt = fmt or detect_format(name)
    if fmt not in FORMATS:
        raise EventLogError(
            [
                Problem(
                    name,
                    None,
                    None,
                    "",
                    "unknown-format",
                    Wording("log-unknown-format", fmt=fmt, formats=", ".join(FORMATS)),
                )
            ]
        )
    fmap = fmap or FieldMap()
    if fmt != "xes" and not known_encoding(encoding):
        raise EventLogError(
            [Problem(name, None, None, "", "bad-encoding", Wording("log-unknown-encoding", encoding=encoding))]
        )
    if fmt == "xes":  # an XML document says its own encoding
        builder = _Builder(
            fmap,
            tz,
            name,
            DEFAULT_XES_MAP,
            start_seq=start_seq,
            attributes_of=attributes_of,
            id_prefix=id_prefix,
            unheld_to=unheld,
        )
    else:
        unheld_to = unheld if fmt != "csv" else None  # a CSV header holds every column a map names
        builder = _Builder(fmap, tz, name, {}, encoding, start_seq, attributes_of, id_prefix, unheld_to)
    # The file is opened here, so that one that cannot be opened, or whose byte order mark is
    # refused, is said by the call; the reader is then started (see `_primed`), so that closing
    # or dropping it closes the file, whether it was read or not.
    try:
        if fmt == "xes":
            handle_b = open(openable(name), "rb")  # noqa: SIM115 - closed by the generator
        else:
            # a JSON Lines record ends at a line feed only: a carriage return alone is JSON's
            # whitespace, inside a record or at its end
            newline = "\n" if fmt == "jsonl" else ""
            handle: TextIO = open(openable(name), encoding=encoding, errors="surrogateescape", newline=newline)  # noqa: SIM115
            handle = _drop_mark(handle, encoding, name, newline)  # closes the file if it fails
    except OSError as exc:
        raise EventLogError(
            [Problem(name, None, None, "", "unreadable", Wording("log-unopenable", error=os_error(exc)))]
        ) from None
    if fmt == "xes":
        return _primed(_guard(_read_xes(handle_b, builder), name, handle_b, numbered=True, called=builder.base))
    if fmt == "csv":
        records = _read_csv(handle, builder, delimiter)
    else:
        records = (_read_jsonl if fmt == "jsonl" else _read_json_array)(handle, builder)
    return _primed(_guard(records, name, handle, numbered=fmt == "json", called=builder.base))


def _primed(reader: Generator[Event | Rejected | None, None, None]) -> Generator[Event | Rejected, None, None]:
    """``reader`` (a `_guard`) run to its first ``yield``, inside its ``try``: a generator never
    started runs nothing when it is closed or dropped, and so would leave its file open (a
    ``ResourceWarning``); one started closes it in its ``finally``."""
    next(reader)
    return cast("Generator[Event | Rejected, None, None]", reader)


def _guard(
    records: Iterator[Event | Rejected], name: str, handle: IO[Any], *, numbered: bool = False, called: str
) -> Generator[Event | Rejected | None, None, None]:
    """Turn I/O failures and text that does not decode mid-stream into `EventLogError`, and close
    the file however reading ends (also when a reader fails before its own ``with`` block, or is
    closed or dropped before it starts). ``numbered``: the log numbers its records, which each
    `Rejected` then says; ``called``: what its records without an id are named by, which each
    `Rejected` gives as its log's ``name``. Its first ``yield`` gives ``None``, for `_primed` only."""
    try:
        yield None
        for record in records:
            yield dataclasses.replace(record, numbered=numbered, name=called) if type(record) is Rejected else record
    except OSError as exc:
        raise EventLogError(
            [Problem(name, None, None, "", "unreadable", Wording("log-unreadable-rest", error=os_error(exc)))]
        ) from None
    except UnicodeError as exc:  # a codec that fails whatever the error handler (UTF-16 with no BOM)
        reason = Wording("log-undecodable", error=str(exc))
        raise EventLogError([Problem(name, None, None, "", "bad-encoding", reason)]) from None
    finally:
        handle.close()


_MARKS = (  # UTF-32 first: its little-endian mark starts with UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
    (b"\x84\x31\x95\x33", "gb18030"),  # U+FEFF in GB18030
)
"""The byte order marks a text log may start with, and the encoding each says."""


class _Replayed(io.RawIOBase):
    """A stream that gives ``head``, bytes already read from ``rest``, then the rest of ``rest``
    (closed with it): the bytes read to look for a byte order mark, given back."""

    def __init__(self, head: bytes, rest: BinaryIO) -> None:
        super().__init__()
        self._head, self._rest = head, rest

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        if self._head:
            n = min(len(b), len(self._head))
            b[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        data = self._rest.read1(len(b))  # type: ignore[attr-defined]  # what is there, at most one read
        b[: len(data)] = data
        return len(data)

    def close(self) -> None:
        try:
            self._rest.close()
        finally:
            super().close()


def _drop_mark(handle: TextIO, encoding: str, name: str, newline: str = "") -> TextIO:
    """Read past the byte order mark a text log opened in ``encoding`` starts with, if any; refuse
    a log whose mark ``encoding`` does not read as one (closing it).

    A mark says the encoding of what follows. Read in another encoding, it became text: a UTF-8
    log read as GB18030 had ``锘縤d`` for its first column, so the id column went unmapped without
    a word, and a UTF-16 log read as UTF-8 had every record rejected for a reason that did not name
    the cause. Which of the two encodings is meant is not guessed: the log is refused, naming the
    mark. An encoding that reads the mark as a mark drops it (``utf-8-sig``, ``utf-16``) or reads
    it as U+FEFF (``utf-8``, ``utf-16-le``, ``gb18030``), which is dropped here.

    Returns:
        The handle to read the log from, past the mark (see `_head`), its lines ending as
        ``newline`` says (as `open` reads it).

    Raises:
        EventLogError: the mark, the encoding given, and the ``--encoding`` to read the log with.
    """
    try:
        handle, head = _head(handle, newline)
    except BaseException:
        handle.close()
        raise
    found = next(((mark, marked) for mark, marked in _MARKS if head.startswith(mark)), None)
    if found is None:
        return handle
    mark, marked = found
    try:
        read: str | None = mark.decode(encoding)
    except UnicodeError:
        read = None
    if read == "\ufeff":
        handle.read(1)
    elif read != "":
        handle.close()
        if codecs.lookup(encoding).name == "utf-8-sig":
            reason = Wording("log-mark", marked=marked)
        else:
            reason = Wording("log-mark-other", marked=marked, encoding=encoding)
        raise EventLogError([Problem(name, 1, None, "", "bad-encoding", reason)])
    return handle


def _head(handle: TextIO, newline: str = "") -> tuple[TextIO, bytes]:
    """The first four bytes of a text log not yet read (fewer if it holds fewer; none for text
    with no bytes under it), and the handle to read the log from.

    A file gives them to ``peek`` at once, and its handle is the one given. A pipe may give fewer
    at first (its writer sent a mark in parts): they are then read until there are four or the log
    ends, and the handle returned, made anew over the same bytes (its lines ending as ``newline``
    says), gives them again before the rest.
    """
    buffer = getattr(handle, "buffer", None)
    peek = getattr(buffer, "peek", None)
    if buffer is None or peek is None:  # text with no bytes under it (a stream made in memory)
        return handle, b""
    head = peek(4)[:4]
    if len(head) >= 4 or buffer.seekable():  # a file's first peek holds all it has, up to a buffer's size
        return handle, head
    head = buffer.read(4)  # until four bytes, or the end
    encoding, errors = handle.encoding, handle.errors
    cast(io.TextIOWrapper, handle).detach()  # so that the handle let go of does not close the bytes when it goes
    replayed = io.TextIOWrapper(
        io.BufferedReader(_Replayed(head, buffer)), encoding=encoding, errors=errors, newline=newline
    )
    return replayed, head


def _read_csv(handle: TextIO, builder: _Builder, given: str | None = None) -> Iterator[Event | Rejected]:
    """The records of a CSV log, its columns separated by ``given``, else as its name or its
    header says (see `read_events`)."""
    name = builder.file
    with handle:
        lines: Iterator[str] = handle
        if handle.seekable():
            start = handle.tell()  # past a byte order mark
            sample = handle.read(4096)
            handle.seek(start)
        else:  # a pipe (--events /dev/stdin): the lines sampled are read again from a list
            head: list[str] = []
            for line in handle:
                head.append(line)
                if sum(map(len, head)) >= 4096:
                    break
            sample, lines = "".join(head)[:4096], chain(head, handle)
        if given is not None:
            delimiter = given
        else:
            delimiter = "\t" if name.lower().endswith(".tsv") else _sniffed(_header_delimiters(sample), sample, builder)
        reader = csv.reader(lines, delimiter=delimiter, strict=False)
        try:
            header = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield Rejected(name, 1, Reason("unreadable-header", error=str(exc)))
            return
        header = [h.strip().lstrip("\ufeff") for h in header]
        repeated = sorted({h for h in header if h and header.count(h) > 1}, key=header.index)
        if repeated:
            where = ", ".join(str(i + 1) for i, h in enumerate(header) if h == repeated[0])
            reason = Wording("duplicate-column", column=repeated[0], where=where)
            raise EventLogError([Problem(name, 1, None, "", "duplicate-column", reason)])
        problems = _missing_columns(name, header, builder)
        if problems:
            if problems[0].code == "missing-column":  # split on another delimiter, it may hold them
                problems = [*_delimiter_hint(name, sample, delimiter, header, builder), *problems]
            raise EventLogError(problems)
        build_rows = builder.rows_reader(header)
        in_c = builder.rows_in_c(header)
        lines_in_c = builder.lines_in_c(header, delimiter)
        width = len(header)
        # The lines are read in batches (see `_line_batches`). While each line is one row, a
        # batch is parsed in one call, each row at its line; the sentinel blank line after it
        # is a row of its own only if no quoted cell is left open at the batch's end. A batch in
        # which a quoted cell holds a line break, or a row is malformed, is read a row at a time,
        # each row with the line it ends at, with the lines a quoted cell carries past the
        # batch's end; the next batch starts at the line after. After such a batch, the next 1,
        # 3, 7... (at most 63) batches are read a row at a time without trying, so that a log
        # with line breaks in many cells does not pay for each batch twice.
        first = reader.line_num + 1
        misses = wait = 0
        while True:
            for texts, numbers in _line_batches(lines, first):
                if wait:
                    wait -= 1
                else:
                    made = lines_in_c(texts, numbers) if lines_in_c is not None else None
                    if made is not None:  # each line one row, read without the csv module
                        misses = 0
                        yield from made
                        continue
                    parse = csv.reader([*texts, "\n"], delimiter=delimiter, strict=False)
                    rows: list[list[str]] = []
                    try:
                        rows.extend(parse)
                    except csv.Error:
                        pass
                    else:
                        if len(rows) == len(texts) + 1 and not rows.pop():
                            misses = 0
                            yield from _csv_records(name, rows, numbers, numbers[0], width, build_rows, in_c)
                            continue
                    misses = min(misses + 1, 6)
                    wait = 2**misses - 1
                # the file is read from just after this batch's lines
                rest = chain(texts, lines)
                read = yield from _csv_rows(name, rest, delimiter, numbers[0] - 1, width, build_rows, in_c, len(texts))
                first = numbers[0] + read
                break
            else:
                return


_DELIMITERS = (",", "\t", ";", "|")
"""The delimiters a CSV log's header is looked at for, in the order that settles a tie."""


def usable_delimiter(text: object) -> bool:
    """Whether ``text`` can separate the columns of a CSV log: one character, not a letter or a
    digit, not the quote that quotes cells, a space or a line break (a tab is one)."""
    return (
        isinstance(text, str)
        and len(text) == 1
        and not text.isalnum()
        and text not in '"\r\n'
        and (text == "\t" or not text.isspace())
    )


def _header_delimiters(sample: str) -> dict[str, int]:
    """How many times each of `_DELIMITERS` stands in the header a CSV log's ``sample`` starts
    with, outside its quoted names (``"time (local, with offset)"``). The header alone is looked
    at, to its first line break outside quotes: a cell of tabs further down is no delimiter. A
    quote opens a quoted name only at the start of a cell, as the `csv` module reads it
    (``width"`` is a name holding a quote); inside one, two quotes are a quote."""
    counts = dict.fromkeys(_DELIMITERS, 0)
    quoted, start = False, True  # within a quoted name; at the start of a cell
    i, n = 0, len(sample)
    while i < n:
        char = sample[i]
        i += 1
        if quoted:
            if char == '"':
                if i < n and sample[i] == '"':
                    i += 1
                else:
                    quoted = False
            continue
        if char == '"' and start:
            quoted = True
        elif char in "\r\n":
            break
        elif char in counts:
            counts[char] += 1
        start = char in counts
    return counts


def _sniffed(counts: Mapping[str, int], sample: str, builder: _Builder) -> str:
    """The delimiter of a CSV log whose header (the start of ``sample``) holds each of
    `_DELIMITERS` ``counts`` times outside its quoted names: of those it holds, the one held most
    often on which it splits into every column ``builder``'s map asks for, else the one held most
    often; a tie going to the first in `_DELIMITERS` (so a header without any is comma-separated,
    and one holding as many tabs as commas too).

    The one held most, not the only one: a spreadsheet saving with semicolons (the default where
    a comma is the decimal sign: Germany, France, Italy) quotes a name holding a semicolon but not
    one holding a comma (``Datum, Uhrzeit;Benutzer;Aktion``). And the one that gives the columns
    asked for before it: a comma-separated export may name a column ``checks;a;b;c``. Whichever
    is chosen, a header that does not split into the columns asked for is refused
    (``missing-column``), never read wrong."""
    ranked = sorted(_DELIMITERS, key=lambda d: (-counts[d], _DELIMITERS.index(d)))
    for candidate in [d for d in ranked if counts[d]]:
        if _splits_into_asked(sample, candidate, builder):
            return candidate
    return ranked[0]


def _splits_into_asked(sample: str, delimiter: str, builder: _Builder) -> bool:
    """Whether the header a CSV log's ``sample`` starts with, split on ``delimiter``, holds every
    column ``builder``'s map asks for."""
    try:
        row = next(csv.reader(io.StringIO(sample), delimiter=delimiter, strict=False), [])
    except csv.Error:
        return False
    return not _missing_columns("", [h.strip().lstrip("\ufeff") for h in row], builder)


def _missing_columns(name: str, header: list[str], builder: _Builder) -> list[Problem]:
    """The ``missing-column`` problems of a CSV log ``name`` whose header is ``header``: none where
    it holds every column ``builder``'s map asks for; or the one ``bad-encoding`` problem of a
    header that could hold a column asked for only in bytes that do not read."""
    # the required fields, and any other a map names (a misspelt column is not an absent
    # field): every column a field's alternatives name, so that a misspelt one is neither
    # skipped for the next nor stood in for by a constant
    asked = [f for f in EVENT_FIELDS if f in _REQUIRED or f in builder.fmap.fields]
    absent = {f: [s for s in builder.sources[f] if not _is_constant(s) and s not in header] for f in asked}
    missing = [f for f in asked if absent[f]]
    # a name the header could hold only in bytes that do not read (编号 in a GB18030 export
    # read as UTF-8: the name of an ASCII column reads in either)
    if any(not s.isascii() for m in missing for s in absent[m]) and any(_SURROGATE.search(h) for h in header):
        reason = Wording("header-undecodable", encoding=builder.encoding)
        return [Problem(name, 1, None, "", "bad-encoding", reason)]
    taken = {s for f in EVENT_FIELDS for s in builder.sources[f] if s in header}
    problems = [
        Problem(name, 1, None, "", "missing-column", _missing_column(m, builder.sources[m], absent[m], header, taken))
        for m in missing
    ]
    # a column the map renames to an attribute, or splits into a list, is asked for too: a
    # misspelt one would give no record the attribute, and a `where` on it would hold of none
    renamed = builder.fmap.attributes
    has = _names_of(header)
    for column, attribute in renamed.items():
        if column not in header:
            why = Wording("missing-attribute-column", column=column, attribute=attribute, header=has)
            problems.append(Problem(name, 1, None, "", "missing-column", why))
    for attribute in builder.fmap.lists:
        sources = [c for c, a in renamed.items() if a == attribute] or [attribute]
        if not any(c in header for c in sources) and all(c not in renamed for c in sources):
            why = Wording("missing-list-column", attribute=attribute, header=has)
            problems.append(Problem(name, 1, None, "", "missing-column", why))
    return problems


def _delimiter_hint(name: str, sample: str, used: str, header: list[str], builder: _Builder) -> list[Problem]:
    """A ``delimiter`` problem saying which other delimiter a CSV log whose header, split on
    ``used``, lacks columns asked for may be separated by: one of `_DELIMITERS` that the header
    line (the start of ``sample``) holds outside quoted names, on which it splits into every
    column asked for, or, where the header reads as one column, the one it holds most. None where
    there is no such delimiter: the columns are then misspelt, not mis-split."""
    counts = _header_delimiters(sample)
    others = sorted((d for d in _DELIMITERS if d != used and counts[d]), key=lambda d: -counts[d])

    def said(key: str, candidate: str) -> list[Problem]:
        written = '"\\t"' if candidate == "\t" else repr(candidate)  # as YAML reads it
        reason = Wording(key, used=repr(used), candidate=repr(candidate), written=written)
        return [Problem(name, 1, None, "", "delimiter", reason)]

    for candidate in others:
        if _splits_into_asked(sample, candidate, builder):
            return said("header-other-delimiter", candidate)
    if len(header) == 1 and others:
        return said("header-one-column", others[0])
    return []


def _names_of(header: list[str]) -> str:
    """A CSV header's column names as a problem says them, each quoted: a name holding a comma or
    a delimiter (``'Datum, Uhrzeit'``, or a header split on another delimiter) stays one name."""
    return ", ".join(map(repr, header))


def _missing_column(
    name: str, sources: list[str], absent: list[str], header: list[str], taken: Collection[str] = ()
) -> str:
    """What a ``missing-column`` problem says of event field ``name``, whose map names the
    ``absent`` columns among its ``sources``, which a CSV ``header`` lacks (``taken``: the columns
    other fields are read from)."""
    has, alternatives, meant = _names_of(header), "|".join(sources), _meant_columns(absent, header, taken)
    if absent == sources:  # nothing to read the field from
        return Wording("missing-field-column", field=name, sources=alternatives, header=has, meant=meant)
    columns = ", ".join(map(repr, absent))
    return Wording(
        "missing-alternative-column", columns=columns, field=name, sources=alternatives, header=has, meant=meant
    )


def _meant_columns(absent: list[str], header: list[str], taken: Collection[str] = ()) -> Wording | str:
    """A did-you-mean for the ``absent`` columns a CSV ``header`` holds in another case (``when``
    for ``When``) or in a close spelling, other than those ``taken`` by other fields (``actor`` is
    not offered for ``action``); empty where it holds none."""
    folded = {h.casefold(): h for h in reversed(header) if h not in taken}  # the first of those alike
    said = []
    for column in absent:
        alike = difflib.get_close_matches(column.casefold(), list(folded), n=1, cutoff=0.75)
        if alike:
            said.append(repr(folded[alike[0]]))
    return Wording("column-meant", columns=", ".join(said)) if said else ""


class _RowsBuilder(Protocol):
    """`_Builder.rows_reader`'s function: the records of a batch of CSV rows (with their texts and
    first lines); ``tried_in_c`` says that the C module has already given the batch back."""

    def __call__(
        self, rows: list[list[str]], texts: list[str], lines: list[int], *, tried_in_c: bool = False
    ) -> list[Event | Rejected]: ...


class _Tape:
    """The lines a csv reader reads: those of the row it is reading are kept (`take` gives them),
    and lines given back (`give_back`) are read again before the rest. ``ended``: the reader has
    asked for a line past the last."""

    def __init__(self, lines: Iterable[str]) -> None:
        self._lines = iter(lines)
        self._again: list[str] = []
        self.kept: list[str] = []
        self.ended = False

    def __iter__(self) -> _Tape:
        return self

    def __next__(self) -> str:
        if self._again:
            line = self._again.pop()
        else:
            try:
                line = next(self._lines)
            except StopIteration:
                self.ended = True
                raise
        self.kept.append(line)
        return line

    @property
    def given_back(self) -> bool:
        """Whether lines given back are still to be read."""
        return bool(self._again)

    def take(self) -> list[str]:
        kept, self.kept = self.kept, []
        return kept

    def give_back(self, lines: list[str]) -> None:
        self._again.extend(reversed(lines))


def _left_open(text: str, delimiter: str) -> bool:
    """Whether the csv module, reading ``text`` (the lines of one row) as ``csv.reader(...,
    strict=False)`` does, ends inside a quoted cell: one whose closing quote never came."""
    return _quoting(text, delimiter)[0]


def _quoting(text: str, delimiter: str) -> tuple[bool, bool]:
    """How the csv module reads the quotes of ``text`` (the lines of one row): whether it ends
    inside a quoted cell (`_left_open`), and whether a quoted cell that holds a line break is
    closed by a quote with text after it (other than a delimiter or a line break), which
    ``strict=False`` runs into the cell (``"a"b`` is ``ab``): the mark of a stray quote that a
    later line's quote closed (``the 5" screen``). A cell on one line with text after its
    closing quote is read as the csv module reads it."""
    quoted = after_quote = broken = stray = False
    at_start = True
    for c in text:
        if quoted:
            if c == '"':
                quoted, after_quote = False, True
            elif c in "\r\n":
                broken = True
        elif after_quote and c == '"':  # a doubled quote: still inside
            quoted, after_quote = True, False
        elif c == delimiter or c in "\r\n":
            at_start, after_quote = True, False
        elif at_start and c == '"':
            quoted, at_start, broken = True, False, False
        else:
            stray = stray or (after_quote and broken)
            at_start = after_quote = False
    return quoted, stray


_LEFT_OPEN = Reason("left-open")
_CLOSED_ASTRAY = Reason("closed-astray")


def _left_open_past_limit() -> Reason:
    """Why a row whose quoted cell runs past the csv module's field limit is rejected: the cell
    may close further on (a cell too long) or never (a stray quote), which is not read to know."""
    return Reason("left-open-past-limit", limit=csv.field_size_limit())


def _csv_rows(
    name: str,
    lines: Iterable[str],
    delimiter: str,
    before: int,
    width: int,
    build_rows: _RowsBuilder,
    in_c: Callable[[list[list[str]], list[int]], list[Event | Rejected] | None] | None,
    until: int,
) -> Generator[Event | Rejected, None, int]:
    """The records of the rows of ``lines`` (the first of them the log's line ``before`` + 1)
    read one at a time, each with the line it ends at, in batches that end at `_CSV_BATCH` rows
    or once past `MAX_RECORD_CHARS` characters, and early at a malformed row, which keeps its
    place; up to the first row that ends at or past the line ``until`` of ``lines`` (a row ends
    at the end of a line, and the reader reads no line ahead) and past the lines read again.
    Returns how many of ``lines`` were read.

    A row whose quoted cell is never closed (`_left_open`), which the csv module would read to
    the end of the file, or until it passes the field limit (where it may close further on, a
    cell too long), is rejected at the line it starts at, and the lines after that one are read
    again as rows: one stray quote costs one record, not the rest of the log."""
    rows: list[list[str]] = []
    ends: list[int] = []
    chars = 0
    start = before + 1  # where the next batch starts
    tape = _Tape(lines)
    reader = csv.reader(tape, delimiter=delimiter, strict=False)
    done = 0  # lines read by the readers before ``reader``

    def batch() -> list[Event | Rejected]:
        """The records of the rows read so far, which are then let go."""
        nonlocal rows, ends, chars, start
        if not rows:
            return []
        made = _csv_records(name, rows, ends, start, width, build_rows, in_c)
        start, rows, ends, chars = ends[-1] + 1, [], [], 0
        return made

    def reopened(row_lines: list[str]) -> Any:
        """A reader of the lines after the first of ``row_lines`` (a row left open), given back."""
        nonlocal done, start
        done = reader.line_num - len(row_lines) + 1 + done
        start = before + done + 1
        tape.give_back(row_lines[1:])
        return csv.reader(tape, delimiter=delimiter, strict=False)

    while done + reader.line_num < until or tape.given_back:
        try:
            for row in reader:
                row_lines = tape.take()
                if len(row_lines) > 1 or tape.ended:
                    left_open, astray = _quoting("".join(row_lines), delimiter)
                    astray = astray and len(row_lines) > 1
                    # only the end of the file ends a row left open; a quote that a later line
                    # closes with text after it was no cell's (a stray quote, and the quote of
                    # the 5" screen lines later): the rows between would be one record's cell
                    why = _LEFT_OPEN if left_open and tape.ended else _CLOSED_ASTRAY if astray else None
                    if why is not None:
                        yield from batch()
                        yield Rejected(name, before + done + reader.line_num - len(row_lines) + 1, why)
                        reader = reopened(row_lines)
                        break
                rows.append(row)
                ends.append(before + done + reader.line_num)
                chars += sum(map(len, row))
                if len(rows) == _CSV_BATCH or chars > MAX_RECORD_CHARS:
                    yield from batch()
                if done + reader.line_num >= until and not tape.given_back:
                    break
            else:
                break
        except csv.Error as exc:
            yield from batch()
            row_lines = tape.take()
            if _left_open("".join(row_lines), delimiter):
                yield Rejected(name, start, _left_open_past_limit())
                reader = reopened(row_lines)
                continue
            yield Rejected(name, start, Reason("malformed-csv", error=str(exc)))
            start = before + done + reader.line_num + 1
        except Exception:
            # the file failed under the reader (an I/O error): the rows read before it are
            # given first, as a row-by-row reading would have given them
            yield from batch()
            raise
    yield from batch()
    return done + reader.line_num


def _csv_records(
    name: str,
    rows: list[list[str]],
    ends: list[int],
    start: int,
    width: int,
    build_rows: _RowsBuilder,
    in_c: Callable[[list[list[str]], list[int]], list[Event | Rejected] | None] | None = None,
) -> list[Event | Rejected]:
    """The records of consecutive CSV rows (the first starting at line ``start``, each ending at
    its line in ``ends``). Blank rows are no records; a row too long or of the wrong width is
    rejected; the others are built in runs by ``build_rows``. A batch the C module (``in_c``)
    makes whole, the usual case, needs none of these checks here."""
    starts = [start, *(end + 1 for end in ends[:-1])]
    made_in_c = in_c(rows, starts) if in_c is not None else None
    if made_in_c is not None:
        return made_in_c
    texts = list(map("".join, rows))
    if (
        set(map(len, rows)) == {width}
        and max(map(len, texts)) <= MAX_RECORD_CHARS
        and all(map(str.strip, texts, repeat(_BLANK)))
    ):
        return build_rows(rows, texts, starts, tried_in_c=in_c is not None)
    made: list[Event | Rejected] = []
    good = [
        len(t) <= MAX_RECORD_CHARS and len(r) == width if _has_text(t) else None
        for t, r in zip(texts, rows, strict=True)
    ]
    for run in _in_runs(good):
        if isinstance(run, list):
            made += build_rows([rows[j] for j in run], [texts[j] for j in run], [starts[j] for j in run])
        elif len(texts[run]) > MAX_RECORD_CHARS:
            made.append(Rejected(name, starts[run], Reason("too-long", limit=MAX_RECORD_CHARS)))
        else:
            made.append(Rejected(name, starts[run], Reason("width", width=width, found=len(rows[run]))))
    return made


def _in_runs(good: list[bool | None]) -> Iterator[list[int] | int]:
    """The positions of a batch's records, in order: each run of good ones (``True``) as a list,
    to be made together, and each bad one (``False``) alone; a blank one (``None``) is no record
    and does not end a run."""
    run: list[int] = []
    for i, verdict in enumerate(good):
        if verdict:
            run.append(i)
        elif verdict is not None:
            if run:
                yield run
                run = []
            yield i
    if run:
        yield run


def _flatten_json(obj: Mapping[str, Any]) -> dict[str, Any]:
    record = dict(obj)
    nested = record.pop("attributes", None)
    if isinstance(nested, Mapping):
        for key, value in nested.items():
            record.setdefault(key, value)
    return record


def _read_jsonl(handle: TextIO, builder: _Builder) -> Iterator[Event | Rejected]:
    name = builder.file
    build_lines = builder.lines_reader()
    with handle:
        for texts, numbers in _line_batches(handle):
            if all(map(str.strip, texts, repeat(_BLANK))) and max(map(len, texts)) <= MAX_RECORD_CHARS:
                yield from build_lines(texts, numbers)
                continue
            # blank lines are no records, a line too long is rejected, the others are built in runs
            for run in _in_runs([len(t) <= MAX_RECORD_CHARS if _has_text(t) else None for t in texts]):
                if isinstance(run, list):
                    yield from build_lines([texts[j] for j in run], [numbers[j] for j in run])
                else:  # a log of records ended by carriage returns alone is one long line
                    why = "too-long-cr" if "\r" in texts[run].rstrip("\r\n") else "too-long"
                    yield Rejected(name, numbers[run], Reason(why, limit=MAX_RECORD_CHARS))
    builder.said_unheld()


def _line_batches(handle: Iterator[str], first: int = 1) -> Iterator[tuple[list[str], list[int]]]:
    """The lines of ``handle`` and their numbers (the first numbered ``first``), in batches that
    end at `_CSV_BATCH` lines or once past `MAX_RECORD_CHARS` characters. When reading fails (an
    I/O error), the lines read before the failure come first, then the error.

    Lines are taken a run at a time in one call: as many as the characters left would hold at
    the mean length of the lines read so far (so a batch of lines of one length ends at the
    line that passes the limit, as one read line by line would)."""
    texts: list[str] = []
    chars = 0
    read_lines = read_chars = 0  # for the mean length
    step = 1
    try:
        while True:
            held = len(texts)
            texts.extend(islice(handle, step))  # keeps the lines read before a failure
            if len(texts) == held:
                break
            new = sum(map(len, islice(texts, held, None)))
            chars += new
            read_lines, read_chars = read_lines + len(texts) - held, read_chars + new
            if len(texts) >= _CSV_BATCH or chars > MAX_RECORD_CHARS:
                yield texts, list(range(first, first + len(texts)))
                first += len(texts)
                texts, chars = [], 0
            fits = (MAX_RECORD_CHARS - chars) * read_lines // max(read_chars, 1)
            step = max(1, min(_CSV_BATCH - len(texts), fits))
    except Exception:
        if texts:
            yield texts, list(range(first, first + len(texts)))
        raise
    if texts:
        yield texts, list(range(first, first + len(texts)))


def _as_json(value: Any) -> str:
    """A record that is no JSON object as JSON writes it (``[{"id": "a"}]``, ``null``, ``5``), cut
    short past 40 characters: the same in every language, where a type's name is Python's. The
    reason keeps its value under ``type``, as reports written before read it back."""
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 40 else text[:40] + "…"


_INT_LIMIT = re.compile(
    r"Exceeds the limit \(([0-9]+) digits\) for integer string conversion: value has ([0-9]+) digits"
)


def _json_error(exc: BaseException) -> str:
    """What reading a JSON record raised, in words: an integer longer than Python converts said as
    a rule file's is ("expected a number of at most 4300 digits, got one of 5000"), not in
    Python's own words, which ask the reader to raise the limit (``sys.set_int_max_str_digits()``)."""
    error = str(getattr(exc, "msg", exc))
    too_long = _INT_LIMIT.match(error)
    return f"expected a number of at most {too_long[1]} digits, got one of {too_long[2]}" if too_long else error


def _json_record(builder: _Builder, text: str, name: str, number: int) -> Event | Rejected:
    repeated: list[str] = []
    try:
        obj = json.loads(text, parse_constant=_no_constant, parse_float=_finite, object_pairs_hook=_KeyPairs(repeated))
    except (json.JSONDecodeError, ValueError, RecursionError) as exc:
        if not isinstance(exc, json.JSONDecodeError | RecursionError) and builder.listening:
            _held_all_the_same(builder, text)
        error = _json_error(exc)
        # values after a carriage return: records ended by carriage returns alone (an old export)
        cr = isinstance(exc, json.JSONDecodeError) and error == "Extra data" and "\r" in text[: exc.pos]
        return Rejected(name, number, Reason("invalid-json-cr" if cr else "invalid-json", error=error))
    if not isinstance(obj, dict):
        return Rejected(name, number, Reason("not-object", type=_as_json(obj)))
    if repeated:
        builder.saw(_flatten_json(obj))
        return Rejected(name, number, _repeated_reason(repeated))
    return builder.build(_flatten_json(obj), number)


def _held_all_the_same(builder: _Builder, text: str) -> None:
    """Note the keys of a JSON record rejected for a value (``NaN``, a number no float holds, an
    integer too long to read): it holds them all the same (see `_Builder.saw`).

    Once a record was read, only the keys still unheld are wanted, and a text without a
    backslash, in which no key can be escaped, holds a key only where it writes it as it is
    spelt, in quotes: where it writes none of them, it is not parsed again."""
    if builder.held_any and "\\" not in text and not any(_quoted(key) in text for key in builder.unheld):
        return
    with contextlib.suppress(ValueError, RecursionError):
        obj = json.loads(text, parse_int=str, parse_constant=str, parse_float=str)
        if isinstance(obj, dict):
            builder.saw(_flatten_json(obj))


@cache
def _quoted(key: str) -> str:
    """``key`` as JSON writes it (with a backslash where it must be escaped)."""
    return json.dumps(key, ensure_ascii=False)


class _KeyPairs:
    """An ``object_pairs_hook`` for `json` that makes each object a dict, as `json` does, and
    notes in ``repeated`` every key an object writes more than once (of which `json` keeps the
    last value)."""

    def __init__(self, repeated: list[str]) -> None:
        self.repeated = repeated

    def __call__(self, pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        made = dict(pairs)
        if len(made) != len(pairs):
            seen: set[str] = set()
            for key, _ in pairs:
                if key in seen:
                    self.repeated.append(key)
                seen.add(key)
        return made


def _repeated_reason(repeated: list[str]) -> Reason:
    keys = list(dict.fromkeys(repeated))
    return Reason("repeated-key" if len(keys) == 1 else "repeated-keys", keys=", ".join(map(repr, keys)))


_STRING_OR_KEY = re.compile(r'"(?:[^"\\]|\\.)*"(\s*:)?', re.S)
"""A JSON string, and the colon after it that makes it a key (after JSON's white space: space,
tab, line feed, carriage return)."""


def _keys_kept(texts: list[str], values: list[Any]) -> bool:
    """Whether each of ``texts``, a JSON value read as the one beside it in ``values``, writes no
    more object keys than the objects of that value hold (none written twice): in C where the
    module is built (``_speedups.keys_kept``), else by counting the keys with a regular
    expression."""
    if _speedups is not None:
        return _speedups.keys_kept(texts, values)
    try:
        return all(
            sum(1 for found in _STRING_OR_KEY.finditer(text) if found.group(1)) == _held_keys(value)
            for text, value in zip(texts, values, strict=True)
        )
    except RecursionError:  # too deep to count: read one by one, as `json` reads (or rejects) it
        return False


def _held_keys(value: Any) -> int:
    """The keys of the objects in a decoded JSON ``value``, nested ones too."""
    if isinstance(value, dict):
        return len(value) + sum(map(_held_keys, value.values()))
    if isinstance(value, list):
        return sum(map(_held_keys, value))
    return 0


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _finite(text: str) -> float:
    """The number ``text`` writes; refused where no float holds it (``1e400``, read as infinity,
    which JSON does not have)."""
    value = float(text)
    if math.isinf(value):
        raise ValueError(f"{text} is out of the range of a number")
    return value


def _read_json_array(handle: TextIO, builder: _Builder) -> Iterator[Event | Rejected]:
    """Stream the objects of a top-level JSON array; each record's number is its index + 1. The
    values are made into events `_CSV_BATCH` at a time (see `_Builder.objects_reader`); when
    reading fails (an I/O error), the records read before the failure come first, then the error."""
    name = builder.file
    build_objects = builder.objects_reader()
    values: list[Any] = []
    numbers: list[int] = []
    stopped = False
    with handle:
        items = _json_array_values(handle, name, builder.saw)
        while True:
            try:
                item = next(items, None)
            except Exception:
                yield from build_objects(values, numbers)
                raise
            if item is None:
                break
            if isinstance(item, Rejected):
                yield from build_objects(values, numbers)
                values, numbers = [], []
                stopped = stopped or reading_stopped(item.reason) is not None
                yield item
                continue
            values.append(item[0])
            numbers.append(item[1])
            if len(values) == _CSV_BATCH:
                yield from build_objects(values, numbers)
                values, numbers = [], []
        yield from build_objects(values, numbers)
    if not stopped:  # a key may be in what was not read
        builder.said_unheld()


def _json_array_values(
    handle: TextIO, name: str, saw: Callable[[Mapping[str, Any]], None] | None = None
) -> Iterator[tuple[Any, int] | Rejected]:
    """Each value of a top-level JSON array with its number (from 1), or a `Rejected` where the
    array is broken: a missing or doubled comma, a value that does not decode, an array cut
    short, or text after its closing bracket. A comma after the last value is let be. ``saw`` is
    given each object rejected for writing a key twice: it holds its keys all the same.

    After most breaks nothing more is read, and the rejection says so and names the line reading
    stopped at (`reading_stopped` finds it in the reason). One break is read past: a value that
    does not decode in an array written one record a line (every value before it, at least one,
    stood alone on a line of its own), when the value stands alone on its line (the line holds
    one bracketed value, closed at the line's end but for a comma or the array's closing bracket,
    with the error on that line): that line is the rejected record, and reading goes on at the
    next line (or at that bracket). Anywhere else, where
    the next record starts could only be guessed (a nested object's line may look like a record),
    reading stops."""
    # a value JSON does not have (NaN), a number no float holds, or an integer longer than Python
    # converts, spoils its record only: the object around it is read to its end, and the array reads on
    spoilt: list[str] = []

    def constant(word: str) -> None:
        spoilt.append(f"{word} is not a JSON number")

    def integer(text: str) -> int | None:
        try:
            return int(text)
        except ValueError as exc:
            spoilt.append(_json_error(exc))
            return None

    def real(text: str) -> float | None:
        try:
            return _finite(text)
        except ValueError as exc:
            spoilt.append(str(exc))
            return None

    decoder = json.JSONDecoder(parse_constant=constant, parse_float=real)
    careful = json.JSONDecoder(
        parse_constant=constant, parse_int=integer, parse_float=real
    )  # slower: for that record only
    one_a_line = True  # whether each value so far stood alone on a line
    # where the last value ended in the buffer (while `one_a_line`), and whether a line break
    # stood between it and the buffer's start (the start of the file counts as one)
    after, apart = 0, True
    buffer = handle.read(65536)
    ends_a_line = buffer.endswith("\n")  # whether the text read so far ends with a line break
    # the line of buffer[counted] in the file; `line_at` counts on from there (positions only
    # rise), only when a line is wanted: the lines of a clean array are never counted
    line, counted = 1, 0

    def line_at(at: int) -> int:
        nonlocal line, counted
        line += buffer.count("\n", counted, at)
        counted = at
        return line

    def cut(at: int, more: str) -> str:  # the buffer from ``at`` on, and more
        nonlocal counted, ends_a_line, apart, after
        line_at(at)
        counted = 0
        if one_a_line:  # whether a line break stands between the last value and the next
            apart, after = apart or buffer.find("\n", after, at) >= 0, 0
        if more:
            ends_a_line = more.endswith("\n")
        return buffer[at:] + more

    pos = _skip_ws(buffer, 0)
    if pos >= len(buffer) or buffer[pos] != "[":
        raise EventLogError([Problem(name, 1, None, "", "json-syntax", Wording("log-not-array"))])
    pos += 1
    number = 0
    eof = False
    wanted = "value or ]"  # what may come next: a value (or the end, in an empty array), or a comma or the end
    while True:
        pos = _skip_ws(buffer, pos)
        while pos >= len(buffer) and not eof:
            more = handle.read(65536)
            eof = not more
            buffer, pos = cut(pos, more), 0
            pos = _skip_ws(buffer, pos)
        if pos >= len(buffer):
            if wanted != "end":  # the file's last line: the one a final line break ends, if any
                last = max(1, line_at(len(buffer)) - ends_a_line)
                yield Rejected(name, number + 1, Reason("array-ends-early", line=last))
            return
        found = buffer[pos]
        if wanted == "end":
            yield Rejected(name, number + 1, Reason("array-after-end", found=found, line=line_at(pos)))
            return
        if found == "]" and (wanted != "value" or number > 0):  # a comma before it loses nothing
            wanted, pos = "end", pos + 1
            continue
        if wanted == ", or ]":
            if found != ",":
                yield Rejected(name, number + 1, Reason("array-separator", n=number, found=found, line=line_at(pos)))
                return
            wanted, pos = "value", pos + 1
            continue
        if found in ",]":
            yield Rejected(name, number + 1, Reason("array-value", found=found, line=line_at(pos)))
            return
        try:
            try:
                obj, end = decoder.raw_decode(buffer, pos)
            except ValueError as exc:
                if isinstance(exc, json.JSONDecodeError) or "integer string conversion" not in str(exc):
                    raise
                obj, end = careful.raw_decode(buffer, pos)
        except (json.JSONDecodeError, ValueError, RecursionError) as exc:
            if not eof and len(buffer) - pos < MAX_RECORD_CHARS:
                more = handle.read(65536)
                if more:
                    buffer = cut(pos, more)
                    pos = 0
                    continue
                eof = True
                continue
            number += 1
            error = str(getattr(exc, "msg", exc))
            first = line_at(pos)
            at = line_at(max(pos, exc.pos if isinstance(exc, json.JSONDecodeError) else pos))
            newline = buffer.find("\n", pos)
            if newline < 0 and eof:  # the file's last line, with no line break after it
                newline = len(buffer)
            alone = apart or buffer.find("\n", after, pos) >= 0
            if one_a_line and number > 1 and alone and at == first and newline >= 0:
                goes_on = _closes_at_its_end(buffer, pos, newline)
                if goes_on is not None:
                    yield Rejected(name, number, Reason("array-invalid-json-line", line=first, error=error))
                    spoilt.clear()
                    pos, wanted = goes_on
                    after, apart = pos, pos > newline
                    continue
            yield Rejected(name, number, Reason("array-invalid-json", error=error, line=at))
            return
        number += 1
        if one_a_line:  # alone on its line: a line break before it, since the last value, and none in it
            broken = buffer.rfind("\n", after, end)
            one_a_line, after, apart = broken < pos and (broken >= 0 or apart), end, False
        if spoilt:
            if saw is not None and isinstance(obj, dict):  # its keys are held, whatever spoilt a value
                saw(_flatten_json(obj))
            yield Rejected(name, number, Reason("invalid-json", error=str(spoilt[0])))
            spoilt.clear()
        elif _keys_kept([buffer[pos:end]], [obj]):
            yield obj, number
        else:  # read again, to name the key an object writes twice; the array reads on
            repeated: list[str] = []
            json.loads(
                buffer[pos:end], parse_constant=_no_constant, parse_float=_finite, object_pairs_hook=_KeyPairs(repeated)
            )
            if saw is not None and isinstance(obj, dict):
                saw(_flatten_json(obj))
            yield Rejected(name, number, _repeated_reason(repeated))
        pos, wanted = end, ", or ]"


def _closes_at_its_end(text: str, start: int, stop: int) -> tuple[int, str] | None:
    """Where reading goes on after ``text[start:stop]`` (a line, ``stop`` its line break or the
    end of the text), when the line is one bracketed value closed at its end, read as JSON's
    strings and brackets are, and what may come there: past the line, a value when a comma
    follows the value, else a comma or the array's end; at the array's closing ``]`` when it
    follows on the line (after a comma or not). None when the line holds anything else (a string
    or bracket left open, a value closed before the line's end, or two), where the line is not
    one record."""
    depth, in_string, escaped = 0, False, False
    closed_at = -1
    for i in range(start, stop):
        c = text[i]
        if in_string:
            if escaped:
                escaped = False
            elif c == "\\":
                escaped = True
            elif c == '"':
                in_string = False
            continue
        if closed_at >= 0:
            break
        if c == '"':
            in_string = True
        elif c in "{[":
            depth += 1
        elif c in "}]":
            depth -= 1
            if depth <= 0:
                closed_at = i
    if in_string or closed_at < 0 or depth != 0:
        return None
    rest = text[closed_at + 1 : stop]
    after = rest.lstrip(" \t\r")
    comma = after.startswith(",")
    if comma:
        after = after[1:].lstrip(" \t\r")
    if after.startswith("]"):  # the array's end: read there, and whatever follows it
        return stop - len(after), "value" if comma else ", or ]"
    if after == "":
        return stop + 1, "value" if comma else ", or ]"
    return None


def _skip_ws(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    return pos


_XES_VALUE_TAGS = {"string", "date", "int", "float", "boolean", "id"}


def _xes_value(tag: str, value: str | None, field: bool = False) -> Any:
    """The value of an XES attribute of type ``tag``: an ``int``, a ``float`` or a ``boolean`` as
    its type reads it, other text as written. The number of an event ``field`` (an id, a period)
    is its text as written, as a CSV cell's is: ``1`` and ``1.0``, or ``7`` and ``007``, are not
    one id."""
    if value is None:
        return None
    if field and tag in ("int", "float"):
        return value
    if tag == "int":
        try:
            return int(value)
        except ValueError:
            return value
    if tag == "float":
        try:
            number = float(value)
        except ValueError:
            return value
        return number if number == number and number not in (float("inf"), float("-inf")) else value
    if tag == "boolean":  # xs:boolean: true, false, 1 or 0; other text as written, as for numbers
        return {"true": True, "1": True, "false": False, "0": False}.get(value.strip().lower(), value)
    return value


def _read_xes(handle: io.BufferedReader, builder: _Builder) -> Iterator[Event | Rejected]:
    """Stream the events of an XES log; trace attributes are exposed with a ``case:`` prefix.

    Records are numbered in document order (the n-th event of the file), since XML parsers
    do not report the line of an element cheaply; so is the malformed XML that stops the
    reading (the record after the last one read), its XML line and column in the reason.
    """
    from xml.etree.ElementTree import ParseError
    from xml.parsers.expat import errors as expat_errors

    from defusedxml import DefusedXmlException, EntitiesForbidden
    from defusedxml.ElementTree import iterparse

    name = builder.file
    fields = builder.used  # the keys event fields are read from, whose numbers are kept as written
    number = 0
    depth = 0
    trace_attrs: dict[str, Any] = {}
    trace_repeated: list[str] = []  # the attributes the trace writes twice: its events' case is a guess
    in_event = in_trace = False
    root: Any = None
    with handle:
        try:
            for kind, elem in iterparse(handle, events=("start", "end")):
                tag = elem.tag.rsplit("}", 1)[-1]
                if kind == "start":
                    if root is None:
                        root = elem
                    depth += 1
                    if tag == "trace":
                        trace_attrs, in_trace, trace_repeated = {}, True, []
                    elif tag == "event":
                        in_event = True
                    continue
                depth -= 1
                if tag == "event":
                    number += 1
                    record = dict(trace_attrs)
                    repeated: list[str] = []
                    written: set[str] = set()
                    for child in elem:
                        ctag = child.tag.rsplit("}", 1)[-1]
                        if ctag in _XES_VALUE_TAGS and "key" in child.attrib:
                            key = child.attrib["key"]
                            if key in written:
                                repeated.append(key)
                            written.add(key)
                            record[key] = _xes_value(ctag, child.attrib.get("value"), key in fields)
                    if repeated or trace_repeated:  # as a JSON record writing a key twice: a guess
                        keys = ", ".join(map(repr, dict.fromkeys(repeated or trace_repeated)))
                        whose = "xes-repeated-event" if repeated else "xes-repeated-trace"
                        builder.saw(record)
                        yield Rejected(name, number, Reason(whose, keys=keys))
                    else:
                        yield builder.build(record, number)
                    in_event = False
                    elem.clear()
                elif tag in _XES_VALUE_TAGS and in_trace and not in_event and depth == 2 and "key" in elem.attrib:
                    key = "case:" + elem.attrib["key"]
                    if key in trace_attrs:
                        trace_repeated.append(key)
                    trace_attrs[key] = _xes_value(tag, elem.attrib.get("value"), key in fields)
                elif tag == "trace":
                    # an event directly under the log, after a trace, belongs to no case
                    trace_attrs, in_trace, trace_repeated = {}, False, []
                    root.clear()  # drop finished traces: memory follows one trace, not the log
        except ParseError as exc:  # numbered as the record it stops: the XML line is in the message
            if root is None and exc.code == expat_errors.codes[expat_errors.XML_ERROR_NO_ELEMENTS]:
                return  # no element at all (an empty file, a declaration alone): no record, as an empty CSV log
            at = exc.position[0] if isinstance(getattr(exc, "position", None), tuple) else 0
            yield Rejected(name, number + 1, Reason("xes-malformed", n=number, error=str(exc), line=at))
        except DefusedXmlException as exc:  # an entity declared (a ValueError, so caught first)
            said = Reason("xml-entity", name=exc.name) if isinstance(exc, EntitiesForbidden) else str(exc)
            yield Rejected(name, number + 1, Reason("xml-refused", error=said))
        except (LookupError, ValueError) as exc:  # an unknown encoding declaration, bad bytes
            yield Rejected(name, number + 1, Reason("xes-unreadable", error=str(exc)))
        else:  # read whole: a key may be in what was not read
            builder.said_unheld()
