"""The report: findings, obligation outcomes, record accounting and summary. Data only.

`Report` is a frozen pydantic model dumped as the JSON report (schema: schemas/report.schema.json).
It knows its exit code (`Report.exit_code`) and nothing about rendering.
"""

from __future__ import annotations

import inspect
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from datetime import date, datetime
from enum import StrEnum
from functools import cache
from itertools import chain, islice
from operator import attrgetter, lt
from typing import Annotated, Any, Literal, get_type_hints
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import msgspec
from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    create_model,
    model_validator,
)
from pydantic_core import PydanticCustomError, core_schema
from typing_extensions import TypedDict

from govrules.errors import InvalidArgument
from govrules.events import at_fixed_offsets, duplicate_of, reading_stopped
from govrules.messages import LANGUAGES

__all__ = [
    "CODE_SEVERITY",
    "EvidenceLocation",
    "Finding",
    "FindingCode",
    "Outcome",
    "RecordCounts",
    "Report",
    "Summary",
    "UNUSED_LISTED",
    "UnmatchedAction",
    "UnreadLog",
    "UnusedRecord",
    "finding_sort_key",
    "with_evidence_locations",
]

REPORT_VERSION = 1


class FindingCode(StrEnum):
    """The stable finding codes (a public contract)."""

    MISSING = "missing"
    INSUFFICIENT = "insufficient"
    LATE = "late"
    OUTSIDE_WINDOW = "outside-window"
    EXCESS = "excess"
    WRONG_RECIPIENT = "wrong-recipient"
    UNANSWERED = "unanswered"
    LATE_RESPONSE = "late-response"
    UNAPPROVED = "unapproved"
    MISSING_CONTENT = "missing-content"
    FORBIDDEN = "forbidden"
    PENDING = "pending"
    UNKNOWN_ACTOR = "unknown-actor"
    REJECTED_EVENT = "rejected-event"
    DISCHARGED = "discharged"
    EXEMPT = "exempt"


Severity = Literal["violation", "warning", "info"]
SEVERITY_RANK: dict[str, int] = {"info": 0, "warning": 1, "violation": 2}

CODE_SEVERITY: dict[FindingCode, Severity] = {
    FindingCode.MISSING: "violation",
    FindingCode.INSUFFICIENT: "violation",
    FindingCode.LATE: "violation",
    FindingCode.OUTSIDE_WINDOW: "violation",
    FindingCode.EXCESS: "violation",
    FindingCode.WRONG_RECIPIENT: "violation",
    FindingCode.UNANSWERED: "violation",
    FindingCode.LATE_RESPONSE: "violation",
    FindingCode.UNAPPROVED: "violation",
    FindingCode.MISSING_CONTENT: "violation",
    FindingCode.FORBIDDEN: "violation",
    FindingCode.PENDING: "info",
    FindingCode.UNKNOWN_ACTOR: "warning",
    FindingCode.REJECTED_EVENT: "warning",
    FindingCode.DISCHARGED: "info",
    FindingCode.EXEMPT: "info",
}
"""The default severity of each code; a rule's ``severity: warning`` lowers its violations."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


Status = Literal[
    "met",
    "late",
    "missing",
    "insufficient",
    "excess",
    "outside-window",
    "wrong-recipient",
    "unanswered",
    "late-response",
    "pending",
    "discharged",
    "exempt",
    "not-held",
    "unapproved",
    "missing-content",
    "forbidden",
]


class _Record(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """A record a report holds by the ten or hundred thousand (findings, outcomes, evidence
    locations): a compact immutable struct in memory (about 130 bytes for an outcome, made in a
    fifth of a microsecond, where a pydantic model takes about 650 bytes and 3 microseconds; a
    finding with its message and detail about 800 bytes instead of 1,900, and it is not walked by
    the garbage collector), and in the report's JSON an object with the same
    fields in the same order. A report loaded from JSON or from plain Python data validates each
    record against a pydantic model with the record's name, fields (its times aware ones) and
    description (the part of the docstring before "In memory"), which the report schema also
    describes it by. A record made in Python is not validated: the checker, its maker, is
    trusted, and a report given records keeps them as they are. A report dumps a record through a typed dict of its fields,
    so that ``exclude_none`` reaches inside it, less the fields at their defaults when the dump
    asks ``exclude_defaults`` (as the model's dump would leave them out); dumping a record made
    in Python with a value of the wrong type (a list of evidence, a time as text) gives it as it
    is, with pydantic's serializer warning, as dumping such a model would.
    """

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        validated = core_schema.no_info_after_validator_function(
            lambda fields: cls(**dict(fields)), handler.generate_schema(_json_model(cls))
        )

        def kept_or_validated(value: Any, validate: core_schema.ValidatorFunctionWrapHandler) -> _Record:
            return value if isinstance(value, cls) else validate(value)

        return core_schema.json_or_python_schema(
            json_schema=validated,
            python_schema=core_schema.no_info_wrap_validator_function(kept_or_validated, validated),
            # the fields as a typed dict, so that ``exclude_none`` reaches inside records (and
            # without those at their defaults, for ``exclude_defaults``)
            serialization=core_schema.plain_serializer_function_ser_schema(
                _dumped, info_arg=True, return_schema=handler.generate_schema(_fields_dict(cls))
            ),
            # in either mode, described by the model it is validated against (its name,
            # description and defaults, which the typed dict lacks)
            metadata={"pydantic_js_annotation_functions": [lambda schema, to_json: to_json(validated)]},
        )


def _dumped(record: _Record, info: core_schema.SerializationInfo) -> dict[str, Any]:
    """A record's fields, as a dict, without those at their defaults when a dump asks
    ``exclude_defaults`` (as a model's would be left out)."""
    fields = msgspec.structs.asdict(record)
    if info.exclude_defaults:
        for name, default in _defaults(type(record)):
            if fields[name] == default:
                del fields[name]
    return fields


@cache
def _defaults(record: type[_Record]) -> tuple[tuple[str, Any], ...]:
    """The fields of ``record`` that have a default, with it (a default factory's value)."""
    return tuple(
        (f.name, f.default_factory() if f.default_factory is not msgspec.NODEFAULT else f.default)
        for f in msgspec.structs.fields(record)
        if not f.required
    )


def _field_types(record: type[_Record]) -> Iterator[tuple[msgspec.structs.FieldInfo, Any]]:
    """Each field of the record, in order, with its type."""
    hints = get_type_hints(record)
    return ((f, hints[f.name]) for f in msgspec.structs.fields(record))


@cache
def _fields_dict(record: type[_Record]) -> type:
    """The record's fields as a typed dict (pydantic takes ``typing_extensions``' before 3.12)."""
    made: type = TypedDict(record.__name__, {f.name: kind for f, kind in _field_types(record)})  # type: ignore[misc]
    return made


_NAMES = frozenset({"rule", "clause", "actor", "counterpart", "period", "file"})
"""The fields of a record that name something (a rule, an actor, a log...): never empty text."""


def _validated_as(name: str, kind: Any) -> Any:
    """The type a record's field ``name`` of type ``kind`` is validated as when a report is
    loaded: a time as an aware one (every time the checker makes is; a naive one cannot be
    compared with them, nor shown in the report's zone); a name as text that is not empty (a
    renderer looks a rule or an actor up by it)."""
    if kind is datetime:
        return AwareDatetime
    if kind == datetime | None:
        return AwareDatetime | None
    if name in _NAMES and kind in (str, str | None):
        named = Annotated[str, Field(min_length=1)]
        return named if kind is str else named | None
    return kind


def _default(f: msgspec.structs.FieldInfo) -> Any:
    """The field's default as pydantic takes it (``...``: required)."""
    if f.default_factory is not msgspec.NODEFAULT:
        return Field(default_factory=f.default_factory)
    return ... if f.required else f.default


@cache
def _json_model(record: type[_Record]) -> type[BaseModel]:
    fields: dict[str, Any] = {f.name: (_validated_as(f.name, kind), _default(f)) for f, kind in _field_types(record)}
    description = inspect.cleandoc(record.__doc__ or "").split("\n\nIn memory")[0]
    return create_model(record.__name__, __base__=_Frozen, __doc__=description, __module__=__name__, **fields)


class Finding(_Record, frozen=True, kw_only=True):
    """One gap (or notable fact) with its evidence.

    ``period`` is the period label (``2024-11``), the trigger's event id for triggered rules, the
    guarded event's id for prerequisite, content and forbidden rules, or a gap span
    (``2025-03-31/2025-10-15``) for rolling intervals. ``late_by_seconds`` is set for lateness.
    ``detail`` holds code-specific facts (the missing approvals, the schema errors, the expected
    recipient...). ``message`` is in the report's language.

    In memory, a compact immutable record (see ``_Record``): one per gap, by the ten thousand
    in a large audit.
    """

    code: FindingCode
    severity: Severity
    rule: str | None = None
    clause: str | None = None
    actor: str | None = None
    counterpart: str | None = None
    period: str | None = None
    opens: datetime | None = None
    due: datetime | None = None
    expected_min: int | None = None
    expected_max: int | None = None
    observed: int | None = None
    evidence: tuple[str, ...] = ()
    late_by_seconds: int | None = None
    file: str | None = None
    line: int | None = None
    detail: dict[str, Any] = msgspec.field(default_factory=dict)
    message: str = ""


class Outcome(_Record, frozen=True, kw_only=True):
    """What became of one obligation: its status and the events used for it.

    Kept for every obligation, satisfied or not, so that a report proves compliance.

    In memory, a compact immutable record (see ``_Record``): one per obligation.
    """

    rule: str
    clause: str
    actor: str
    counterpart: str | None = None
    period: str
    opens: datetime
    due: datetime
    status: Status
    expected_min: int = 1
    expected_max: int | None = None
    observed: int = 0
    evidence: tuple[str, ...] = ()
    step: int | None = None
    note: str | None = None


UNUSED_LISTED = 100
"""How many unused records a report names (`RecordCounts.unused_records`); the rest are counted."""


class UnusedRecord(_Frozen):
    """An event read and accepted that no rule used: its id and where it was read (its log file
    and line, a record number for JSON arrays and XES; neither for an event made in Python)."""

    id: str
    file: str | None = None
    line: int | None = None


class RecordCounts(_Frozen):
    """Every input record accounted for: ``read == used + unused + rejected``.

    ``after_as_of`` counts the unused events dated after the audit moment (not used by design).
    ``unused_records`` names the first unused events, at most `UNUSED_LISTED` of them, by file,
    line and id, so that a reader can find them; ``unused_not_listed`` counts the rest.
    """

    read: int = 0
    used: int = 0
    unused: int = 0
    rejected: int = 0
    after_as_of: int = 0
    files: dict[str, int] = Field(default_factory=dict)
    unused_records: tuple[UnusedRecord, ...] = ()
    unused_not_listed: int = 0

    @property
    def all_rejected(self) -> bool:
        """Whether records were read and every one was rejected: nothing could be checked."""
        return 0 < self.read == self.rejected


class UnmatchedAction(_Frozen):
    """An action seen in the log that no rule mentions, with likely intended names."""

    action: str
    count: int
    did_you_mean: tuple[str, ...] = ()


class EvidenceLocation(_Record, frozen=True, kw_only=True):
    """Where an event used as evidence was read: its log file and line (a record number for
    JSON arrays and XES).

    In memory, a compact immutable record (see ``_Record``): one per cited event.
    """

    file: str
    line: int | None = None


class UnreadLog(msgspec.Struct, frozen=True, kw_only=True):
    """A log that was not read whole (`Report.unread_logs`): every record it held was rejected
    (``all_rejected``), not all as duplicates, or its reading stopped before its end (``stopped``:
    at the record ``record``, the file's line ``line``, where the rejection says them). ``read``
    counts the records read from it, each once (a file given twice under one name is read twice)."""

    file: str
    read: int
    all_rejected: bool
    stopped: bool
    record: int | None = None
    line: int | None = None


class Summary(_Frozen):
    """Counts for a reader in a hurry."""

    rules_evaluated: int
    obligations: int
    statuses: dict[str, int]
    findings: dict[str, int]
    by_rule: dict[str, dict[str, int]]
    by_actor: dict[str, dict[str, int]]
    violations: int
    warnings: int
    infos: int


def _a_date(text: str) -> str:
    try:
        date.fromisoformat(text)
    except ValueError:
        raise PydanticCustomError("bad-date", "expected a date written YYYY-MM-DD, got " + repr(text)) from None
    return text


def _a_zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise PydanticCustomError(
            "bad-timezone", "expected an IANA time zone such as 'Asia/Shanghai', got " + repr(name)
        ) from None
    return name


def _a_language(lang: str) -> str:
    if lang not in LANGUAGES:
        raise PydanticCustomError(
            "bad-value", f"expected a language of the messages ({', '.join(LANGUAGES)}), got " + repr(lang)
        )
    return lang


IsoDate = Annotated[
    str,
    Field(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", json_schema_extra={"format": "date"}),
    AfterValidator(_a_date),
]
"""A date as text, ``YYYY-MM-DD``."""


class Report(_Frozen):
    """The result of a check. ``check()`` never raises for non-compliance; it returns this."""

    version: int = REPORT_VERSION
    rule_set: str
    rule_set_title: Any = None
    organisation: str
    range_from: Annotated[IsoDate, Field(description="The first day of the range checked.")]
    range_to: Annotated[IsoDate, Field(description="The last day of the range checked (on or after the first).")]
    as_of: Annotated[AwareDatetime, Field(description="The audit moment, with its offset.")]
    timezone: Annotated[
        str,
        AfterValidator(_a_zone),
        Field(description="The IANA time zone periods and deadlines were computed in.", examples=["Asia/Shanghai"]),
    ]
    lang: Annotated[
        str,
        AfterValidator(_a_language),
        Field(description="The language of the messages.", json_schema_extra={"enum": list(LANGUAGES)}),
    ] = "en"
    summary: Summary
    findings: tuple[Finding, ...]
    outcomes: tuple[Outcome, ...]
    records: RecordCounts
    unmatched_actions: tuple[UnmatchedAction, ...] = ()
    notes: tuple[str, ...] = ()
    evidence_locations: dict[str, EvidenceLocation] = Field(default_factory=dict)
    """Event id -> where it was read, for the events cited as evidence (empty when unknown)."""

    @model_validator(mode="after")
    def _ordered(self) -> Report:
        if self.range_to < self.range_from:  # as dates: both are written YYYY-MM-DD
            raise PydanticCustomError(
                "bad-range", f"expected range_to on or after range_from ({self.range_from}), got {self.range_to}"
            )
        return self

    def exit_code(self, fail_on: Literal["violation", "warning", "never"] = "violation") -> int:
        """0 when no finding is at or above ``fail_on``, else 1 (``never``: always 0).

        Raises:
            InvalidArgument: ``fail_on`` is none of ``violation``, ``warning``, ``never``.
        """
        if fail_on == "never":
            return 0
        if fail_on not in ("violation", "warning"):
            raise InvalidArgument(f"expected fail_on 'violation', 'warning' or 'never', got {fail_on!r}")
        threshold = SEVERITY_RANK[fail_on]
        return int(any(SEVERITY_RANK[f.severity] >= threshold for f in self.findings))

    def unread_logs(self) -> list[UnreadLog]:
        """The logs not read whole, by file name: those whose every record was rejected, and
        those whose reading stopped before their end (a rejection `govrules.events.reading_stopped`
        knows, which says the rest of the file could not be read). Nothing in such a log, or in
        its unread rest, was checked: `govrules check` exits 2 for each, as for a check whose every
        record was rejected (`RecordCounts.all_rejected`).

        A record rejected as a duplicate (`govrules.events.duplicate_of`) was checked through the
        record it repeats: a log whose every record was rejected as one (the same events exported
        twice, or a file given twice) is not among these logs. A log of duplicates and records
        rejected for other reasons is. A file given twice under the same name is one log read
        twice: its records are counted once (a rejection at a line already rejected, or a
        duplicate of the record at its own line, is the same record read again).

        Told from the report alone (its records per file and its rejected-event findings), so a
        report read back from JSON tells the same. A report of one part of a partitioned check
        (`govrules.checker.merge_reports`) tells it of the records that part was given. Worked
        out once for a report, however many times it is asked (a renderer asks several times)."""
        cached = self.__dict__.get("unread_logs()")  # not a field: neither dumped nor compared
        if cached is not None and cached[0] is self.findings and cached[1] is self.records:
            return list(cached[2])  # a copy of the report with other findings or records works it out anew
        unread = self._unread_logs()
        self.__dict__["unread_logs()"] = (self.findings, self.records, tuple(unread))
        return unread

    def _unread_logs(self) -> list[UnreadLog]:
        rejected: dict[str, int] = {}  # the rejections of each file
        again: dict[str, int] = {}  # of which the same record read again
        duplicates: dict[str, int] = {}  # of which duplicates of a record read before
        seen: set[tuple[str, int]] = set()
        stops: dict[str, tuple[int | None, int | None]] = {}
        for f in self.findings:
            if f.rule is not None or f.code != FindingCode.REJECTED_EVENT:
                continue
            file = f.file or "<events>"
            rejected[file] = rejected.get(file, 0) + 1
            reason = f.detail.get("reason") if isinstance(f.detail, Mapping) else None
            if not isinstance(reason, str):
                continue
            line = f.line
            first = duplicate_of(reason)
            if first is not None:
                duplicates[file] = duplicates.get(file, 0) + 1
                if (first.file, first.line) == (file, line) or (line is not None and (file, line) in seen):
                    again[file] = again.get(file, 0) + 1
                continue
            if line is not None:
                if (file, line) in seen:
                    again[file] = again.get(file, 0) + 1
                else:
                    seen.add((file, line))
            if file not in stops and (at := reading_stopped(reason)) is not None:
                stops[file] = (line, at.line)
        unread = []
        for file, read in self.records.files.items():
            repeated = again.get(file, 0)
            held = read - repeated  # its records, each once
            own = rejected.get(file, 0)
            every = 0 < held == own - repeated and duplicates.get(file, 0) < own
            if every or file in stops:
                record, line = stops.get(file, (None, None))
                unread.append(
                    UnreadLog(file=file, read=held, all_rejected=every, stopped=file in stops, record=record, line=line)
                )
        return unread

    def by_rule(self) -> dict[str, list[Finding]]:
        """Findings grouped by rule id (report order within each group)."""
        groups: dict[str, list[Finding]] = {}
        for finding in self.findings:
            groups.setdefault(finding.rule or "", []).append(finding)
        return groups


def finding_sort_key(f: Finding) -> tuple[Any, ...]:
    """The documented report order: rule, actor, counterpart, opening instant, period, step, code, evidence.

    Findings with no rule (record-level: rejected records, unknown actors) come last: unknown
    actors by actor, rejected records by file and line (the actor one names, where it was read,
    does not move it).
    """
    return (
        f.rule is None,
        f.rule or "",
        "" if f.code is FindingCode.REJECTED_EVENT else f.actor or "",
        f.counterpart or "",
        f.opens.timestamp() if f.opens else float("-inf"),
        f.period or "",
        f.detail.get("step", 0),
        f.code.value,
        f.file or "",
        f.line or 0,
        f.evidence,
    )


def outcome_sort_key(o: Outcome) -> tuple[Any, ...]:
    """Outcomes in rule, actor, counterpart, opening instant, period, step order."""
    return (o.rule, o.actor, o.counterpart or "", o.opens.timestamp(), o.period, o.step or 0)


def _within_actor(o: Outcome) -> tuple[Any, ...]:
    """`outcome_sort_key` after its rule and actor (written out again, not sliced from it: the
    test that `sorted_outcomes` keeps the key's order compares the two)."""
    return (o.counterpart or "", o.opens.timestamp(), o.period, o.step or 0)


def sorted_outcomes(outcomes: Iterable[Outcome]) -> list[Outcome]:
    """``outcomes`` as ``sorted(outcomes, key=outcome_sort_key)`` gives them, in less memory.

    They are grouped by rule and actor (in their order) and each group is sorted by the rest of
    the key: a key tuple is held for one group at a time, not for every outcome at once (at 1M
    events, 520,000 of them took about 70 MB while the report was sorted), and no slower.
    """
    groups: dict[tuple[str, str], list[Outcome]] = {}
    for o in outcomes:
        key = (o.rule, o.actor)
        group = groups.get(key)
        if group is None:
            groups[key] = [o]
        else:
            group.append(o)
    result: list[Outcome] = []
    for key in sorted(groups):
        group = groups.pop(key)
        if len(group) > 1 and not _in_key_order(group):
            group.sort(key=_within_actor)
        result += group
    return result


_opens, _counterpart = attrgetter("opens"), attrgetter("counterpart")


def _in_key_order(group: list[Outcome]) -> bool:
    """Whether ``group`` (one rule and actor) is already as sorting it by `_within_actor` leaves
    it, as a prerequisite's outcomes mostly are: found only when no outcome has a counterpart
    and each opens strictly after the one before (so that the rest of the key never decides),
    comparing the times directly when every one is at a fixed offset (times sharing a zone with
    DST compare by wall time, not as instants)."""
    if any(map(_counterpart, group)):
        return False
    opens = list(map(_opens, group))
    return at_fixed_offsets(opens) and all(map(lt, opens, islice(opens, 1, None)))


_status = attrgetter("status")
_evidence = attrgetter("evidence")


def summarise(rules_evaluated: int, findings: Iterable[Finding], outcomes: Iterable[Outcome]) -> Summary:
    """Counts of statuses and findings, overall, per rule and per actor."""
    findings = list(findings)
    outcomes = list(outcomes)
    by_rule: dict[str, Counter[str]] = {}
    by_actor: dict[str, Counter[str]] = {}
    for f in findings:
        if f.rule:
            by_rule.setdefault(f.rule, Counter())[f.code.value] += 1
        if f.actor:
            by_actor.setdefault(f.actor, Counter())[f.code.value] += 1
    severities = Counter(f.severity for f in findings)
    statuses = Counter(map(_status, outcomes))
    return Summary(
        rules_evaluated=rules_evaluated,
        obligations=len(outcomes) - statuses["not-held"],
        statuses=dict(sorted(statuses.items())),
        findings=dict(sorted(Counter(f.code.value for f in findings).items())),
        by_rule={k: dict(sorted(v.items())) for k, v in sorted(by_rule.items())},
        by_actor={k: dict(sorted(v.items())) for k, v in sorted(by_actor.items())},
        violations=severities["violation"],
        warnings=severities["warning"],
        infos=severities["info"],
    )


def with_evidence_locations(report: Report, locations: Mapping[str, tuple[str, int | None]]) -> Report:
    """A copy of ``report`` whose ``evidence_locations`` say where each cited event was read.

    ``locations`` maps event ids to ``(file, line)``, typically gathered while the log was
    streamed; only the ids cited as evidence by a finding or an outcome are kept, sorted by id.
    """
    cited = sorted(set(chain.from_iterable(map(_evidence, chain(report.findings, report.outcomes)))))
    found: dict[str, EvidenceLocation] = {}
    for event_id in cited:
        if event_id in locations:  # ``in`` then ``[]``, as any mapping answers them
            file, line = locations[event_id]
            found[event_id] = EvidenceLocation(file=file, line=line)
    # the report's own locations, if any, then these (not copied when it has none: at 1M events,
    # a second dict of a million entries)
    merged = {**report.evidence_locations, **found} if report.evidence_locations else found
    return report.model_copy(update={"evidence_locations": merged})
