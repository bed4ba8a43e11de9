"""Scenario files: "this log gives exactly these findings", pinned without writing Python.

A scenario (``*.scenario.yaml``) names a rule set and an organisation (paths relative to the
scenario, or inline mappings), the events (inline records, or a log path), with an optional
column mapping (``map``, ``map_file``) that applies to either, the range and audit moment, and
the expected findings::

    name: branch 3 misses its December report
    rules: ../rules.yaml
    org: ../org.yaml
    events:
      - {id: d1, time: "2024-12-20T10:00:00+08:00", actor: branch-1, action: ideology-report,
         recipient: central-party-branch}
      - {id: d2, time: "2024-12-31 23:59:59", actor: branch-2, action: ideology-report,
         recipient: central-party-branch}
      - {id: d4, time: "2024-12-27T09:00:00+08:00", actor: branch-4, action: ideology-report,
         recipient: party-office}
    range: {from: 2024-12-01, to: 2024-12-31}
    as_of: "2025-01-05T00:00:00+08:00"
    expect:
      findings:
        - {code: missing, rule: branch-monthly-report, actor: branch-3, period: 2024-12}
        - {code: wrong-recipient, rule: branch-monthly-report, actor: branch-4, period: 2024-12}
      severities: [violation]    # which actual findings must all be expected

Each expected finding matches an actual one on the fields it gives (``code``, ``rule``,
``actor``, ``counterpart``, ``period``, ``step``, ``severity``, ``due``, ``evidence``,
``observed``); ``step`` is a triggered rule's step, counted from 1 (a finding's
``detail["step"]``), and ``due`` a moment read as ``as_of`` is, matching a due moment within the
day, the second or the instant it is written to. With ``exact: true`` (the default) every actual
finding of the listed severities must be expected. ``expect.outcomes`` pins outcomes, findings
or not (``met``, ``pending``, ``exempt``...), each by its ``status`` and the same fields but
``code`` and ``severity``; each must be found, and outcomes not listed are not compared.
`run_scenario` returns the differences; ``govrules test`` and the pytest plugin print them.
docs/testing.md (section 4) documents every key, with a complete example.
"""

from __future__ import annotations

import difflib
import os
from collections import deque
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar, get_args
from zoneinfo import ZoneInfo

import yaml

from govrules.checker import check
from govrules.durations import end_of_day, start_of_day
from govrules.errors import EventLogError, LoadError, Problem
from govrules.events import (
    Event,
    FieldMap,
    Rejected,
    detect_format,
    example_time,
    known_encoding,
    log_name,
    parse_audit_moment,
    parse_time,
    read_events,
)
from govrules.findings import Finding, FindingCode, Outcome, Report, Severity, Status
from govrules.loaders import (
    SCENARIO_KEYS,
    SourceMap,
    ambiguous_values,
    load_map_file,
    load_org,
    load_rules,
    meant_key,
    parse_document,
    pointer_step,
)
from govrules.messages import LANGUAGES, Reason, openable
from govrules.model import Organisation, RuleSet
from govrules.obligations import LAST_RANGE_END, range_too_long, zone_of

__all__ = ["Scenario", "ScenarioResult", "load_scenario", "run_scenario"]

_MATCH_FIELDS = (
    "code", "rule", "actor", "counterpart", "period", "step", "severity", "due", "observed", "evidence", "file", "line"
)  # fmt: skip
_OUTCOME_FIELDS = ("status", "rule", "actor", "counterpart", "period", "step", "due", "observed", "evidence")
_KEYS = set(SCENARIO_KEYS)


@dataclass(frozen=True)
class Scenario:
    """A loaded scenario file."""

    path: Path
    name: str
    rules: RuleSet
    org: Organisation
    events: Any
    fmap: FieldMap
    fmt: str | None
    encoding: str
    start: date
    end: date
    as_of: datetime | None
    lang: str
    expected: tuple[Mapping[str, Any], ...]
    exact: bool
    severities: tuple[str, ...]
    delimiter: str | None = None
    """A CSV log's delimiter, as its map file gives it (None: as its name or header says)."""
    outcomes: tuple[Mapping[str, Any], ...] = ()
    """The expected outcomes (``expect.outcomes``), each to be found; others are not compared."""


@dataclass
class ScenarioResult:
    """The outcome of a scenario: expected findings not found, and actual findings not expected."""

    scenario: Scenario
    report: Report
    missing: list[Mapping[str, Any]] = field(default_factory=list)
    unexpected: list[Finding] = field(default_factory=list)
    missing_outcomes: list[Mapping[str, Any]] = field(default_factory=list)
    """The expected outcomes no actual outcome matched."""

    @property
    def passed(self) -> bool:
        """Whether the report has exactly the expected findings, and every expected outcome."""
        return not self.missing and not self.unexpected and not self.missing_outcomes

    def diff(self) -> str:
        """A readable difference between expected and actual findings and outcomes; below an
        expected outcome not found, the outcomes of its obligation (those matching it on its
        rule, actor, counterpart, period and step) as they are."""
        lines = [f"scenario {self.scenario.name!r} ({self.scenario.path}):"]
        for item in self.missing:
            lines.append("  - expected, not found: " + _brief(item))
        for finding in self.unexpected:
            lines.append("  + found, not expected: " + _brief(_as_fields(finding)) + f"  ({finding.message})")
        for item in self.missing_outcomes:
            lines.append("  - expected outcome, not found: " + _brief(item, _OUTCOME_FIELDS))
            named = {k: v for k, v in item.items() if k in _OBLIGATION_FIELDS}
            for outcome in self.report.outcomes:
                fields = _outcome_fields(outcome)
                if _matches(named, fields):
                    lines.append("    its outcome is: " + _brief(fields, _OUTCOME_FIELDS))
        if self.passed:
            lines.append("  ok")
        return "\n".join(lines)


def _brief(item: Mapping[str, Any], keys: tuple[str, ...] = _MATCH_FIELDS) -> str:
    return ", ".join(f"{k}={_said(item[k])}" for k in keys if k in item and item[k] is not None)


def _said(value: Any) -> str:
    """A value as a diff line says it: a due moment to the second, as a scenario may write it."""
    return value.isoformat(timespec="seconds") if isinstance(value, datetime) else str(value)


def _as_fields(f: Finding, report: Report | None = None) -> dict[str, Any]:
    """The fields of ``f`` an expected finding is matched on; with its ``report``, also the places
    its ``file`` and ``line`` are matched against (`_places`)."""
    fields = {
        "code": f.code.value,
        "rule": f.rule,
        "actor": f.actor,
        "counterpart": f.counterpart,
        "period": f.period,
        "step": f.detail.get("step"),  # a triggered rule's step, counted from 1
        "severity": f.severity,
        "due": f.due,
        "observed": f.observed,
        "evidence": list(f.evidence),
        "file": f.file,
        "line": f.line,
    }
    if report is not None:
        fields[_PLACES] = _places(f, report)
    return fields


_PLACES = "places"
"""The key of an actual finding's places among its fields (no key an expected finding may give)."""


def _places(f: Finding, report: Report) -> list[tuple[str, int | None]]:
    """Where the records ``f`` is about were read, each as (file, line), the line being a record's
    number in a log that numbers its records, as the report gives them: its own file and line
    (a rejected record's, an unknown actor's first event's), else those of the events it cites."""
    if f.file is not None:
        return [(f.file, f.line)]
    found = (report.evidence_locations.get(event_id) for event_id in f.evidence)
    return [(loc.file, loc.line) for loc in found if loc is not None]


def _outcome_fields(o: Outcome) -> dict[str, Any]:
    return {
        "status": o.status,
        "rule": o.rule,
        "actor": o.actor,
        "counterpart": o.counterpart,
        "period": o.period,
        "step": o.step,
        "due": o.due,
        "observed": o.observed,
        "evidence": list(o.evidence),
    }


_SEVERITIES: tuple[str, ...] = get_args(Severity)
_CODES: tuple[str, ...] = tuple(c.value for c in FindingCode)
_STATUSES: tuple[str, ...] = get_args(Status)
_EXPECT_KEYS = ("findings", "outcomes", "exact", "severities")
_TEXT_FIELDS = ("rule", "actor", "counterpart", "period")
_OBLIGATION_FIELDS = (*_TEXT_FIELDS, "step")  # which obligation an expected outcome is of


@dataclass(frozen=True)
class _Due:
    """An expected due moment as a scenario writes it (``text``), and the instants it covers:
    the whole local day of a date, the whole second of a time written to the second, the instant
    of one written to a fraction of a second."""

    text: str
    first: datetime
    last: datetime

    def __str__(self) -> str:
        return self.text

    def holds(self, moment: datetime | None) -> bool:
        return moment is not None and self.first <= moment <= self.last


def _due(value: Any, pointer: str, tz: ZoneInfo) -> _Due:
    """A due moment as a scenario writes it, read as ``as_of`` is, in the zone ``tz``: a time
    without an offset is wall time there, and a date alone the whole of that local day."""
    text = _text(value, pointer)
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        pass
    else:
        return _Due(text, start_of_day(day, tz), end_of_day(day, tz))
    try:
        moment = parse_time(text, tz)
        moment.astimezone(tz)  # OverflowError: the zone cannot show it
    except (ValueError, OverflowError):
        message = f"expected a due moment such as 2025-02-21T23:59:59+08:00 or 2025-02-21, got {value!r}"
        raise _Invalid(pointer, message) from None
    exact = "." in text or "," in text  # written to a fraction of a second
    return _Due(text, moment, moment if exact else moment + timedelta(microseconds=999_999))


@dataclass(frozen=True)
class _File:
    """An expected finding's ``file`` as a scenario writes it (``text``): the log's name as the
    reports give it (its file name), or its path from the scenario's folder (``path``, normalised)."""

    text: str
    path: str

    def __str__(self) -> str:
        return self.text

    def holds(self, file: str, logs: Collection[str]) -> bool:
        """Whether ``file`` (a log of ``logs``, as a report gives it) is the one written."""
        return self.text == log_name(file, logs) or self.path == os.path.normpath(file)


class _Invalid(Exception):
    """A problem with a scenario, at a JSON pointer of it."""

    def __init__(self, pointer: str, message: str, code: str = "bad-scenario") -> None:
        super().__init__(message)
        self.pointer, self.message, self.code = pointer, message, code


_T = TypeVar("_T")


class _Problems:
    """Every problem found in reading a scenario, as the loaders find every problem of a file:
    the scenario's own (``own``, at pointers into it) and those `LoadError` gives of the
    documents it names or writes inline (``loaded``: a rule set, an organisation, a map file)."""

    def __init__(self) -> None:
        self.own: list[_Invalid] = []
        self.loaded: list[Problem] = []

    def __len__(self) -> int:
        return len(self.own) + len(self.loaded)

    def add(self, pointer: str, message: str, code: str = "bad-scenario") -> None:
        self.own.append(_Invalid(pointer, message, code))

    def read(self, read: Callable[..., _T], *args: Any) -> _T | None:
        """``read(*args)``, or ``None`` with its problem noted."""
        try:
            return read(*args)
        except _Invalid as bad:
            self.own.append(bad)
        except LoadError as exc:
            self.loaded.extend(exc.problems)
        return None

    def said(self, smap: SourceMap) -> list[Problem]:
        """The problems as said: the scenario's own (an inline document's too) in file order, then
        those of each file it names, in the order they were found."""
        problems = [smap.problem(bad.pointer, bad.code, bad.message) for bad in self.own]
        here = sorted(
            problems + [p for p in self.loaded if p.file == smap.file],
            key=lambda p: (p.line or 0, p.column or 0, p.pointer, p.code),
        )
        return here + [p for p in self.loaded if p.file != smap.file]


# Keys that are no misspelling of the key meant, too far from it for difflib: another word for
# it. Each is offered only where the mapping may hold the key.
_OTHER_WORDS: dict[str, tuple[str, ...]] = {
    "organisation": ("org",),
    "organization": ("org",),
    "log": ("events",),
    "mapping": ("map",),
    "columns": ("map",),
    "window": ("range",),
    "period": ("range",),
    "audit_moment": ("as_of",),
    "title": ("name",),
    "start": ("from",),
    "since": ("from",),
    "end": ("to",),
    "until": ("to",),
    "rule_id": ("rule",),
    "who": ("actor",),
    "by": ("actor",),
    "count": ("observed",),
    "events": ("evidence",),
    "code": ("status",),
    "status": ("code",),
    "deadline": ("due",),
}


def _unknown_key(key: str, keys: Collection[str], beside: Collection[str]) -> str:
    """What to say of an unknown key: the key of ``keys`` it may stand for (another word for it,
    else the closest spelling), never one the mapping already holds (``beside``), else every key."""
    meant = meant_key(key, [k for k in keys if k not in beside], _OTHER_WORDS)
    if meant is not None:
        return f"unknown key {key!r}; did you mean {meant!r}?"
    return f"unknown key {key!r}; expected {', '.join(keys)}"


def _did_you_mean(value: Any, options: Collection[str]) -> str:
    close = difflib.get_close_matches(value, list(options), n=1, cutoff=0.6) if isinstance(value, str) else []
    return f"; did you mean {close[0]!r}?" if close else ""


def _text(value: Any, pointer: str) -> str:
    """A name as YAML may read it: text, or a number or a date written bare (``period: 2024``)."""
    if isinstance(value, str):
        return value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)  # as an inline event's id written as a number is read
    raise _Invalid(pointer, f"expected a text, got {value!r}")


def _date(value: Any, pointer: str) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    try:
        if isinstance(value, str):
            return date.fromisoformat(value)
    except ValueError:
        pass
    raise _Invalid(pointer, f"expected a date such as 2024-12-31, got {value!r}")


def _mapping(value: Any, pointer: str, keys: tuple[str, ...], shape: str, problems: _Problems) -> dict[str, Any] | None:
    """``value`` if it is a mapping, each of its unknown keys noted in ``problems``; else ``None``."""
    if not isinstance(value, dict):
        problems.add(pointer, f"expected {shape}, got {value!r}")
        return None
    for key in value:
        if key not in keys:
            problems.add(f"{pointer}/{pointer_step(str(key))}", _unknown_key(str(key), keys, value), "unknown-key")
    return value


def _expected(
    item: Any, pointer: str, problems: _Problems, tz: ZoneInfo | None, base: Path, *, outcome: bool = False
) -> dict[str, Any] | None:
    """One expected finding (or, with ``outcome``, one expected outcome), its values as they are
    compared (names as text, a due moment as the instants it covers, read in ``tz``: not read
    without one, the rule set or organisation being unusable; a file as its name and as its path
    from ``base``, the scenario's folder); ``None`` with its problems noted, every one of them."""
    before = len(problems)
    key_field, what, values = ("status", "outcome", _STATUSES) if outcome else ("code", "finding", _CODES)
    keys = _OUTCOME_FIELDS if outcome else _MATCH_FIELDS
    item = _mapping(item, pointer, keys, f"a mapping with at least {key_field!r}", problems)
    if item is None:
        return None
    out: dict[str, Any] = {}
    if key_field not in item:
        problems.add(pointer, f"each expected {what} is a mapping with at least {key_field!r}", "missing-key")
    elif not isinstance(item[key_field], str) or item[key_field] not in values:
        message = (
            f"expected {'a status' if outcome else 'a finding code'} ({', '.join(values)}), got {item[key_field]!r}"
        )
        problems.add(f"{pointer}/{key_field}", message + _did_you_mean(item[key_field], values))
    else:
        out[key_field] = item[key_field]
    for key in _TEXT_FIELDS:
        if key in item:
            out[key] = None if item[key] is None else problems.read(_text, item[key], f"{pointer}/{key}")
    if "step" in item:
        step = item["step"]
        if not isinstance(step, int) or isinstance(step, bool) or step < 1:
            problems.add(f"{pointer}/step", f"expected a step number such as 1 or 2, got {step!r}")
        out["step"] = step
    if item.get("due") is not None and tz is not None:  # null: not compared, as if not given
        out["due"] = problems.read(_due, item["due"], f"{pointer}/due", tz)
    if "severity" in item:
        if item["severity"] not in _SEVERITIES:
            message = f"expected one of {', '.join(_SEVERITIES)}, got {item['severity']!r}"
            problems.add(f"{pointer}/severity", message + _did_you_mean(item["severity"], _SEVERITIES))
        out["severity"] = item["severity"]
    if "observed" in item:
        if not isinstance(item["observed"], int) or isinstance(item["observed"], bool):
            problems.add(f"{pointer}/observed", f"expected a count such as 0 or 2, got {item['observed']!r}")
        out["observed"] = item["observed"]
    if item.get("file") is not None:  # null: not compared, as if not given
        text = problems.read(_text, item["file"], f"{pointer}/file")
        if text is not None:
            out["file"] = _File(text, os.path.normpath(base / text))
    if item.get("line") is not None:
        line = item["line"]
        if not isinstance(line, int) or isinstance(line, bool) or line < 1:
            problems.add(f"{pointer}/line", f"expected a line or record number such as 12, got {line!r}")
        out["line"] = line
    if item.get("evidence") is not None:  # null: not compared, as if not given
        if not isinstance(item["evidence"], list):
            problems.add(f"{pointer}/evidence", f"expected a list of event ids, got {item['evidence']!r}")
        else:
            out["evidence"] = [
                problems.read(_text, e, f"{pointer}/evidence/{i}") for i, e in enumerate(item["evidence"])
            ]
    return out if len(problems) == before else None


def load_scenario(path: str | os.PathLike[str]) -> Scenario:
    """Read a scenario file.

    Raises:
        LoadError: the scenario, its rule set, its organisation or its map file is unusable:
            every problem found, the scenario's own (and an inline document's) first, each at
            its line, in file order, then those of each file it names.
    """
    path = Path(path)
    try:
        text = Path(openable(str(path))).read_bytes()
    except OSError as exc:  # a folder named *.scenario.yaml, a dangling link
        reason = f"cannot read the scenario: {exc.strerror or exc}"
        raise LoadError([Problem(str(path), None, None, "", "unreadable", reason)]) from None
    data, smap, problems = parse_document(text, str(path))
    if problems or not isinstance(data, dict):
        raise LoadError(problems or [smap.problem("", "wrong-type", "expected a mapping")])
    found = _Problems()
    scenario = _scenario(path, data, smap, found)
    if scenario is None or found:
        raise LoadError(found.said(smap))
    return scenario


def _scenario(path: Path, data: dict[str, Any], smap: SourceMap, problems: _Problems) -> Scenario | None:
    """The scenario ``data`` holds; ``None`` with every problem found noted in ``problems``."""
    keys = tuple(sorted(_KEYS))
    for key in data:
        if key not in _KEYS:
            problems.add(f"/{pointer_step(str(key))}", _unknown_key(str(key), keys, data), "unknown-key")
    for key in ("rules", "org", "events", "range", "expect"):
        if key not in data:
            problems.add("", f"missing required key {key!r}", "missing-key")
    # a value YAML 1.1 alone reads as a number or true/false (an event's `code: 010`, a map's
    # `actor: 010`, an expected `period: 010`); an inline rule set's or organisation's is said
    # where it is loaded
    problems.loaded.extend(p for p in ambiguous_values(smap) if not p.pointer.startswith(("/rules/", "/org/")))
    base = path.parent
    rules = problems.read(_document, data["rules"], base, load_rules, "rules", smap) if "rules" in data else None
    org = problems.read(_document, data["org"], base, load_org, "org", smap) if "org" in data else None
    start = last = None
    rng = (
        _mapping(data["range"], "/range", ("from", "to"), "{from: DATE, to: DATE}", problems)
        if "range" in data
        else None
    )
    if rng is not None:
        for key in ("from", "to"):
            if key not in rng:
                problems.add(
                    "/range", f"missing required key {key!r}: expected {{from: DATE, to: DATE}}", "missing-key"
                )
        start = problems.read(_date, rng["from"], "/range/from") if "from" in rng else None
        last = problems.read(_date, rng["to"], "/range/to") if "to" in rng else None
    if start is not None and last is not None and last < start:
        problems.add("/range/to", f"expected a day on or after 'from' ({start}), got {last}")
    if last is not None and last >= LAST_RANGE_END:
        problems.add("/range/to", f"expected a range ending by {LAST_RANGE_END - timedelta(days=1)}, got {last}")
    elif start is not None and last is not None and last >= start:
        too_long = range_too_long(start, last + timedelta(days=1))
        if too_long is not None:
            problems.add("/range/to", str(too_long))
    as_of = None
    if data.get("as_of") is not None:
        # the zone is the organisation's or the rule set's: without them, only the text is checked
        tz = zone_of(rules, org) if rules is not None and org is not None else None
        try:  # read as the command line reads --as-of: to the end of the day or second written
            as_of = parse_audit_moment(str(data["as_of"]), tz or ZoneInfo("UTC"))
        except ValueError as exc:  # the example at the check's zone's offset, where it is known
            example = "2024-12-31T23:59:59" if tz is None else example_time(tz, end_of_day=True)
            message = f"expected an ISO 8601 moment such as {example}, got {data['as_of']!r}"
            why = exc.args[0].values.get("why") if exc.args and isinstance(exc.args[0], Reason) else None
            problems.add("/as_of", message if why is None else f"{message}: {why}")
        except OverflowError:
            if tz is not None:
                problems.add(
                    "/as_of", f"{data['as_of']} lies outside the calendar (years 1 to 9999) in the zone {tz.key}"
                )
        if as_of is not None and tz is not None and start is not None and as_of < start_of_day(start, tz):
            # as `govrules check --as-of` before --from: a green result of nothing checked
            problems.add(
                "/as_of",
                f"expected an audit moment on or after the range's first day, {start} (from 00:00 in {tz.key}), "
                f"got {data['as_of']}: as of then every obligation of the range is pending and no event of it is "
                "used, so nothing would be checked",
            )
    lang = data.get("lang")
    lang = "en" if lang is None else lang
    if not isinstance(lang, str) or lang not in LANGUAGES:  # `lang: 0` is no language, not English
        problems.add("/lang", f"expected one of {', '.join(LANGUAGES)}, got {lang!r}")
    encoding = data.get("encoding")
    events = data.get("events")
    inline = isinstance(events, list)  # beside inline events any encoding is refused, below: said once
    if encoding is not None and not inline and (not isinstance(encoding, str) or not known_encoding(encoding)):
        problems.add("/encoding", f"unknown text encoding {encoding!r}; expected one such as gb18030")
    fmap, fmt, map_encoding, delimiter = FieldMap(), None, None, None
    if data.get("map_file"):
        map_file = problems.read(_text, data["map_file"], "/map_file")
        if map_file is not None and not (base / map_file).is_file():
            problems.add("/map_file", f"cannot read the map file {map_file!r}: no such file")
        elif map_file is not None:
            read = problems.read(load_map_file, base / map_file)
            fmap, fmt, map_encoding, delimiter = read if read is not None else (fmap, fmt, map_encoding, delimiter)
    columns = data.get("map") or {}
    if not isinstance(columns, dict):
        problems.add("/map", f"expected a mapping of event fields to columns, got {columns!r}")
    else:
        pairs = [(k, problems.read(_text, v, f"/map/{pointer_step(str(k))}")) for k, v in columns.items()]
        try:
            fmap = FieldMap.parse([f"{k}={v}" for k, v in pairs if v is not None], fmap)
        except ValueError as exc:
            problems.add("/map", str(exc))
    if isinstance(events, list):  # a record that is no mapping is read, and rejected, as a log's is
        if encoding is not None:  # a map file's is its export's, kept for the map's sake: not refused
            problems.add(
                "/encoding",
                "'encoding' is the text encoding of a log file, and these events are written inline"
                " (read as the scenario is): remove it, or give 'events' a log path",
            )
        for i, record in enumerate(events):
            if isinstance(record, dict) and not isinstance(record.get("attributes") or {}, dict):
                problems.add(
                    f"/events/{i}/attributes", f"expected a mapping of attributes, got {record['attributes']!r}"
                )
    elif "events" in data:  # (missing, it is said above)
        if not isinstance(events, str):
            problems.add("/events", f"expected a list of event records or a log path, got {events!r}")
        elif not (base / events).is_file():
            problems.add("/events", f"cannot read the log {events!r}: no such file")
    shape = "{findings: [...], outcomes: [...], exact: true|false, severities: [...]}"
    expect = _mapping(data["expect"], "/expect", _EXPECT_KEYS, shape, problems) if "expect" in data else None
    expect = expect or {}
    tz = zone_of(rules, org) if rules is not None and org is not None else None
    lists: dict[str, list[dict[str, Any] | None]] = {}
    for key in ("findings", "outcomes"):
        items = expect.get(key, [])
        lists[key] = []
        if not isinstance(items, list):
            problems.add(f"/expect/{key}", f"expected a list of expected {key}, got {items!r}")
        else:
            lists[key] = [
                _expected(item, f"/expect/{key}/{i}", problems, tz, base, outcome=key == "outcomes")
                for i, item in enumerate(items)
            ]
    exact = expect.get("exact", True)
    if not isinstance(exact, bool):
        problems.add("/expect/exact", f"expected true or false, got {exact!r}")
    severities = expect.get("severities", ["violation", "warning"])
    if not isinstance(severities, list) or any(s not in _SEVERITIES for s in severities):
        message = f"expected a list of {', '.join(_SEVERITIES)}, got {severities!r}"
        if severities in _SEVERITIES:
            message += f"; write [{severities}]"
        else:
            wrong = severities if isinstance(severities, list) else [severities]
            message += _did_you_mean(next((s for s in wrong if s not in _SEVERITIES), None), _SEVERITIES)
        problems.add("/expect/severities", message)
    if problems or rules is None or org is None or start is None or last is None:
        return None
    return Scenario(
        path=path,
        name=str(data.get("name") or path.stem),
        rules=rules,
        org=org,
        events=events,
        fmap=fmap,
        fmt=fmt,
        encoding=str(encoding or map_encoding or "utf-8-sig"),
        start=start,
        end=last + timedelta(days=1),
        as_of=as_of,
        lang=lang,
        expected=tuple(item for item in lists["findings"] if item is not None),
        exact=exact,
        severities=tuple(severities),
        delimiter=delimiter,
        outcomes=tuple(item for item in lists["outcomes"] if item is not None),
    )


@dataclass(slots=True)
class _Within(SourceMap):
    """The positions of a document written inline in a scenario: those of the scenario, under
    ``prefix`` (``/rules``), its problems pointing into the scenario."""

    prefix: str = ""

    def locate(self, pointer: str) -> tuple[int | None, int | None]:
        return SourceMap.locate(self, self.prefix + pointer)

    def problem(self, pointer: str, code: str, message: str) -> Problem:
        line, column = self.locate(pointer)
        return Problem(self.file, line, column, self.prefix + pointer, code, message)


@dataclass(frozen=True, slots=True)
class _Written:
    """A number or true/false of an inline document, with its text as the scenario writes it."""

    value: bool | int | float
    text: str


class _Dumper(yaml.SafeDumper):
    """Writes an inline document's numbers and true/false as the scenario does (``1.10``, ``01``,
    ``no``), so that a problem asking for text quotes them as written (not ``1.1``, ``1``, ``false``)."""


def _represent_written(dumper: yaml.SafeDumper, item: _Written) -> yaml.ScalarNode:
    kind = "bool" if isinstance(item.value, bool) else type(item.value).__name__
    return dumper.represent_scalar(f"tag:yaml.org,2002:{kind}", item.text)


_Dumper.add_representer(_Written, _represent_written)


def _as_written(value: Any, pointer: str, written: Mapping[str, str]) -> Any:
    """``value`` (at ``pointer`` of a scenario) with each number and true/false as `_Written`."""
    if isinstance(value, dict):
        return {k: _as_written(v, f"{pointer}/{pointer_step(str(k))}", written) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_written(v, f"{pointer}/{i}", written) for i, v in enumerate(value)]
    text = written.get(pointer)
    return _Written(value, text) if text is not None and isinstance(value, int | float) else value


def _document(value: Any, base: Path, loader: Any, what: str, smap: SourceMap) -> Any:
    """The rule set or organisation a scenario names by path, or writes inline. A problem of an
    inline one, found in loading it or by the check when it meets the other (an unknown role), is
    said at its line in the scenario; a file that cannot be read, at the scenario's line that
    names it."""
    if isinstance(value, str):
        try:
            return loader(base / value)
        except LoadError as exc:
            if any(p.code == "unreadable" for p in exc.problems):
                reasons = "; ".join(p.message for p in exc.problems)
                raise _Invalid(f"/{what}", f"cannot read {what} file {value!r}: {reasons}") from None
            raise
    if isinstance(value, dict):
        within = _Within(smap.file, smap.positions, prefix=f"/{what}")
        copy = yaml.dump(_as_written(value, f"/{what}", smap.written), Dumper=_Dumper, allow_unicode=True)
        try:
            loaded = loader(copy.encode("utf-8"), file=f"<inline {what}>")
        except LoadError as exc:
            raise LoadError([within.problem(p.pointer, p.code, p.message) for p in exc.problems]) from None
        loaded._source = within  # what the check finds later (an unknown role) is said in the scenario too
        return loaded
    raise _Invalid(f"/{what}", f"expected a path or a mapping for {what!r}, got {value!r}")


def _events(s: Scenario) -> Iterator[Event | Rejected]:
    tz = zone_of(s.rules, s.org)
    if isinstance(s.events, str):
        # a scenario's log is written for its map: a key the map names that no record holds is a
        # mistake in the scenario (where `govrules check` only says it of an export)
        unheld: list[Problem] = []
        path = s.path.parent / s.events
        yield from read_events(
            path, tz=tz, fmap=s.fmap, fmt=s.fmt, encoding=s.encoding, unheld=unheld, delimiter=s.delimiter
        )
        if unheld:
            raise EventLogError(unheld)
        return
    from govrules.events import _Builder

    builder = _Builder(s.fmap, tz, str(s.path), {})
    as_fields = {source for sources in builder.sources.values() for source in sources}
    for i, record in enumerate(s.events):
        if not isinstance(record, dict):
            yield Rejected(str(s.path), i + 1, Reason("inline-event"))
            continue
        flat = {k: v for k, v in record.items() if k != "attributes"}
        flat.update(record.get("attributes") or {})
        # an event field is text (an id written as a number, a day as a date, too); a list, a
        # mapping or true/false is none, and rejected as in a JSON log; an attribute keeps its
        # type, as in a JSON log (a count 3, a flag true, a mapping)
        yield builder.build(
            {
                k: str(v) if k in as_fields and v is not None and not isinstance(v, list | dict | bool) else v
                for k, v in flat.items()
            },
            i + 1,
        )


def _record_numbered(s: Scenario) -> frozenset[str]:
    """The scenario's log, as its events name their file, if it numbers its records (a JSON
    array, an XES log)."""
    if not isinstance(s.events, str):
        return frozenset()
    path = os.fspath(s.path.parent / s.events)
    try:
        fmt = s.fmt or detect_format(path)
    except EventLogError:  # a name that tells no format: the reader refuses the log
        return frozenset()
    return frozenset({path}) if fmt in ("json", "xes") else frozenset()


def _matches(expected: Mapping[str, Any], actual: Mapping[str, Any]) -> bool:
    for key, value in expected.items():
        got = actual.get(key)
        if key in ("file", "line"):
            if not _placed(expected, actual.get(_PLACES, [])):
                return False
        elif key == "due":
            if not value.holds(got):
                return False
        elif key == "evidence":
            if sorted(map(str, value or [])) != sorted(map(str, got or [])):
                return False
        elif key in ("observed", "step"):
            if got != value:
                return False
        elif str(got) != str(value):
            return False
    return True


def _placed(expected: Mapping[str, Any], places: Sequence[tuple[str, int | None]]) -> bool:
    """Whether one of ``places`` is the ``file`` (a `_File`) and ``line`` ``expected`` gives,
    either or both."""
    logs = {file for file, _ in places}
    wanted: _File | None = expected.get("file")
    return any(
        ("line" not in expected or line == expected["line"]) and (wanted is None or wanted.holds(file, logs))
        for file, line in places
    )


def run_scenario(scenario: Scenario) -> ScenarioResult:
    """Check a scenario and compare its findings with the expected ones."""
    report = check(
        scenario.rules,
        scenario.org,
        _events(scenario),
        start=scenario.start,
        end=scenario.end,
        as_of=scenario.as_of,
        lang=scenario.lang,
        record_numbered=_record_numbered(scenario),
        with_locations=any("file" in item or "line" in item for item in scenario.expected),
    )
    actual = list(report.findings)
    fields = [_as_fields(f, report) for f in actual]
    candidates = [[i for i, found in enumerate(fields) if _matches(item, found)] for item in scenario.expected]
    listed = [[i for i in found if actual[i].severity in scenario.severities] for found in candidates]
    paired = _pairing(candidates, listed)
    result = ScenarioResult(scenario, report)
    result.missing = [item for k, item in enumerate(scenario.expected) if k not in paired]
    if scenario.exact:
        used = set(paired.values())
        result.unexpected = [f for i, f in enumerate(actual) if i not in used and f.severity in scenario.severities]
    if scenario.outcomes:
        outcomes = [_outcome_fields(o) for o in report.outcomes]
        found = _pairing([[i for i, o in enumerate(outcomes) if _matches(item, o)] for item in scenario.outcomes])
        result.missing_outcomes = [item for k, item in enumerate(scenario.outcomes) if k not in found]
    return result


def _pairing(candidates: list[list[int]], preferred: list[list[int]] | None = None) -> dict[int, int]:
    """As many expected findings as can be paired, each with its own actual finding, by position:
    ``candidates[k]`` lists the actual findings expected finding ``k`` matches. A maximum matching,
    so that the order in which a scenario lists its expectations changes nothing:
    ``{code: missing}`` then ``{code: missing, actor: branch-1}`` pair as the other order does.
    The ``preferred`` findings (those of the severities a scenario lists) are paired first; the
    matching then grows over the others without ever letting one of them go, so a finding the
    scenario must expect is not left unexpected for one it need not."""
    owner: dict[int, int] = {}  # actual finding -> expected finding
    if preferred is not None:
        _augment(preferred, owner)
    _augment(candidates, owner)
    return {k: i for i, k in owner.items()}


def _augment(candidates: list[list[int]], owner: dict[int, int]) -> None:
    """Grow the matching ``owner`` over ``candidates`` to a maximum: each expectation not paired
    takes a free finding if it has one; otherwise a breadth-first search for a chain of
    expectations that can each move to another of theirs frees one. The findings a search that
    found none went through are skipped until the matching changes by such a chain (no free
    finding can be reached through them meanwhile). No recursion: thousands of alike expectations
    neither overflow the stack nor crawl."""
    held = {k: i for i, k in owner.items()}  # expected finding -> actual finding
    dead: set[int] = set()
    for k, found in enumerate(candidates):
        if k in held:
            continue
        free = next((i for i in found if i not in owner), None)
        if free is not None:
            owner[free], held[k] = k, free
            continue
        via: dict[int, int] = {}  # actual finding -> the expectation that reached it
        queue, reached, end = deque([k]), {k}, None
        while queue and end is None:
            e = queue.popleft()
            for i in candidates[e]:
                if i in via or i in dead:
                    continue
                via[i] = e
                if i not in owner:
                    end = i
                    break
                if owner[i] not in reached:
                    reached.add(owner[i])
                    queue.append(owner[i])
        if end is None:
            dead.update(via)
            continue
        dead.clear()
        while end is not None:  # move each expectation on the chain to the finding that reached it
            e = via[end]
            before = held.get(e) if e != k else None
            owner[end], held[e] = e, end
            end = before
