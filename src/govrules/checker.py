"""The checker: match events to obligations for every rule kind and report each gap with evidence.

`check` returns a `Report`; `iter_findings` yields the findings lazily. Neither reads the clock,
the environment or any file: events come in as an iterable (see `govrules.events.read_events`).
One small function per rule kind lives in `CHECKERS`. The matching rules are documented in
docs/semantics.md.
"""

from __future__ import annotations

import contextlib
import difflib
import heapq
import json
import math
import re
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal
from functools import lru_cache, partial
from itertools import chain, compress, count, islice, repeat
from operator import attrgetter, countOf, eq, ge, gt, is_, is_not, itemgetter, le, lt, ne, not_, or_
from typing import Any, NamedTuple, TypeVar, cast

import msgspec

from govrules.calendars import BusinessCalendar
from govrules.durations import Duration, Unit, deadline, end_of_day, local_date, start_of_day
from govrules.errors import CalendarError, InvalidArgument
from govrules.events import NO_ATTRIBUTES, Event, Rejected, _speedups, at_fixed_offsets, log_name, named_by_place
from govrules.findings import (
    CODE_SEVERITY,
    UNUSED_LISTED,
    EvidenceLocation,
    Finding,
    FindingCode,
    Outcome,
    RecordCounts,
    Report,
    UnmatchedAction,
    UnusedRecord,
    finding_sort_key,
    sorted_outcomes,
    summarise,
)
from govrules.messages import (
    Reason,
    Wording,
    catalogue,
    duration_words,
    fill,
    format_duration,
    format_instant,
    format_period,
    message,
    word,
)
from govrules.model import (
    ATTRIBUTE_FIELD,
    ContentRule,
    DateRange,
    EventFilter,
    Extension,
    ForbiddenRule,
    InformativeRule,
    Organisation,
    Party,
    PrerequisiteRule,
    RecurringRule,
    Rule,
    RuleSet,
    Step,
    TriggeredRule,
    actions_of,
    as_party,
    attribute_actions,
    party_named,
    selectors,
    text_in,
)
from govrules.obligations import (
    UNCOUNTED_NOTE,
    UNCOUNTED_PATTERN,
    UNCOUNTED_UNCOVERED_NOTE,
    UNCOUNTED_UNCOVERED_PATTERN,
    UNROLLED_PATTERN,
    Context,
    Obligation,
    PeriodWords,
    display_name,
    rule_obligations,
)
from govrules.periods import Period, canonical_label, written_period

__all__ = ["CHECKERS", "check", "iter_findings", "merge_reports"]

Item = Finding | Outcome
_T = TypeVar("_T")

_id, _line, _file, _action, _actor, _time, _tzinfo, _evidence, _ref, _subject = (
    attrgetter(name)
    for name in ("id", "line", "file", "action", "actor", "time", "tzinfo", "evidence", "ref", "subject")
)


@dataclass
class _Run:
    """State of one check: the context, the relevant events per rule, and the accounting."""

    ctx: Context
    lang: str
    actors: frozenset[str] | None = None
    events_by_action: dict[str, tuple[Event, ...]] = field(default_factory=dict)
    _sorted: dict[tuple[str, ...], tuple[Event, ...]] = field(default_factory=dict)
    _spans: dict[str, dict[str, tuple[DateRange, ...] | None]] = field(default_factory=dict)
    _names: dict[str | None, str] = field(default_factory=dict)
    _active: dict[str, DateRange | None] = field(default_factory=dict)
    period_words: PeriodWords = field(init=False)  # a recurring rule's period as a message says it

    def __post_init__(self) -> None:
        self.period_words = PeriodWords(self.ctx.org, self.lang)

    # -- helpers shared by the kind checkers ------------------------------------------------

    def events(self, actions: str | list[str]) -> tuple[Event, ...]:
        """Events (up to as-of) with one of ``actions``, in `_event_key` order: by time, then,
        among events at one instant, by id, wherever each stands in the log.

        Sorted once per action set and shared.
        """
        names = actions_of(actions)
        found = self._sorted.get(names)
        if found is None:
            result: list[Event] = []
            for name in names:
                result.extend(self.events_by_action.get(name, ()))
            if len(names) == 1 and _in_time_order(result):  # as an exported log's events mostly are
                _ties_by_id(result)
            else:
                result.sort(key=_event_key)
            found = self._sorted[names] = tuple(result)
            if len(names) == 1 and names[0] in self.events_by_action:
                # one tuple per action, not two: any set of actions including it, sorted by
                # _event_key, comes out the same from its events in this order
                self.events_by_action[names[0]] = found
        return found

    def release(self, actions: set[str]) -> None:
        """Let go of the events of ``actions``, which no rule still to run reads."""
        for name in actions:
            self.events_by_action.pop(name, None)
        for names in [names for names in self._sorted if actions.intersection(names)]:
            del self._sorted[names]

    def _role_spans(self, actor_id: str, role: str) -> tuple[DateRange, ...] | None:
        """The spans in which ``actor_id`` holds ``role`` (``None``: no such actor); ``()`` for
        never and ``(DateRange(),)`` for always are shared, so callers can test them by identity."""
        of_role = self._spans.get(role)
        if of_role is None:
            of_role = self._spans[role] = {}
        elif actor_id in of_role:
            return of_role[actor_id]
        actor = self.ctx.org.actor(actor_id)
        spans = None if actor is None else tuple(actor.role_spans(role))
        if spans and actor is not None and actor.active is not None:
            # an actor holds no role on a day it does not exist: its active dates bound each grant
            spans = tuple(both for s in spans if (both := _within(s, actor.active)) is not None)
        if spans and any(s.from_ is None and s.to is None for s in spans):
            spans = _ALWAYS
        of_role[actor_id] = spans
        return spans

    def holds(self, actor_id: str, role: str, day: date | None = None) -> bool:
        spans = self._role_spans(actor_id, role)
        if spans is None:
            return False
        if spans is _ALWAYS:
            return True
        return any(day is None or s.contains(day) for s in spans)

    def party_matches(
        self, party: Party | None, actor_id: str | None, trigger: Event | None = None, when: datetime | None = None
    ) -> bool:
        """Whether ``actor_id`` is the party (``None`` party: anyone)."""
        if party is None:
            return True
        if actor_id is None:
            return False
        if party.actor is not None:
            return actor_id == party.actor and (when is None or self.exists(actor_id, when))
        role = party.role
        if role is not None:
            of_role = self._spans.get(role)
            if of_role is not None and of_role.get(actor_id) is _ALWAYS:
                return True  # held on every day: no need to find the day
            day = local_date(when, self.ctx.tz) if when else None
            return self.holds(actor_id, role, day)
        if party.trigger is not None and trigger is not None:
            try:
                named: str | None = getattr(trigger, party.trigger)
            except AttributeError:  # `attributes.NAME`, no field of an event: one of its attributes
                named = party_named(trigger, party.trigger)
            if party.relation is not None:
                if when is None:
                    return actor_id in self.related(named, party.relation)
                return actor_id in self.related(named, party.relation, local_date(when, self.ctx.tz)) and self.exists(
                    actor_id, when
                )
            return actor_id == named
        return False

    def exists(self, actor_id: str, when: datetime) -> bool:
        """Whether ``actor_id`` is active on the local day of ``when`` (an actor the organisation
        does not list, or lists without active dates, always is)."""
        if actor_id in self._active:
            active = self._active[actor_id]
        else:
            actor = self.ctx.org.actor(actor_id)
            active = self._active[actor_id] = None if actor is None else actor.active
        return active is None or active.contains(local_date(when, self.ctx.tz))

    def related(
        self, actor_id: str | None, relation: str, day: date | None = None, until: date | None = None
    ) -> list[str]:
        """The members of ``relation`` of ``actor_id`` (on ``day``, if given, or on any day from
        ``day`` to ``until``; none for an actor not in the organisation)."""
        actor = self.ctx.org.actor(actor_id) if actor_id is not None else None
        return actor.members(relation, day, until) if actor is not None else []

    def matcher(self, party: Party | None) -> Callable[[str | None, Event | None, datetime | None], bool] | None:
        """`party_matches` for one party (None for none: anyone matches), answered without a
        call for an actor who holds the party's role on every day."""
        if party is None:
            return None
        general = partial(self.party_matches, party)
        if party.role is None or party.actor is not None:
            return general
        of_role = self._spans.setdefault(party.role, {})

        def matches(actor_id: str | None, trigger: Event | None = None, when: datetime | None = None) -> bool:
            return of_role.get(actor_id) is _ALWAYS or general(actor_id, trigger, when)  # type: ignore[arg-type]

        return matches

    def mine(self, actor_id: str) -> bool:
        """Whether this run (or partition) answers for ``actor_id``."""
        return self.actors is None or actor_id in self.actors

    def local_date(self, when: datetime) -> date:
        return local_date(when, self.ctx.tz)

    def name(self, actor_id: str | None) -> str:
        """An actor's display name in this run's language (looked up once per actor)."""
        found = self._names.get(actor_id)
        if found is None:
            found = self._names[actor_id] = display_name(self.ctx.org, actor_id, self.lang)
        return found

    def rule_name(self, rule: Rule) -> str:
        return text_in(rule.title, self.lang, rule.id)

    def instant(self, when: datetime | None) -> str:
        return format_instant(when, self.ctx.tz)

    def due_words(self, due: datetime, uncounted: str | None) -> str:
        """A due moment as a message says it: "no sooner than" it where it is the soonest the
        calendar lets it be counted yet (``uncounted``, `_due_or_bound`)."""
        said = self.instant(due)
        return said if uncounted is None else word("no_sooner_than", self.lang, moment=said)

    def _day_end(self, when: datetime) -> bool:
        """Whether ``when`` is the last instant of its local day."""
        try:
            return when.astimezone(self.ctx.tz).time() == time(23, 59, 59, 999999)
        except OverflowError:  # the calendar's last instant
            return True

    def late_words(self, done: datetime, due: datetime, *, elapsed: bool = False) -> str:
        """How late ``done`` is, as people say it. Against a deadline in calendar days, done two
        days or more after the due day: the local days from the due day to the day it was done
        ("3 days" for a report due on 1 November and made on the 4th, whatever the clocks did in
        between); done on the day after it, and against a deadline in hours or minutes, the time
        that passed, rounded up ("5 hours")."""
        late = _late_by(done, due)
        # a due moment that is not a day's last instant (moved by hours: `due_after: 12 hours`,
        # an extension by 12 hours) is counted in the time that passed, as a deadline in hours is
        if not elapsed and self._day_end(due):
            days = (self.local_date(done) - self.local_date(due)).days
            if days >= 2:
                return word("days", self.lang, n=days)
        return format_duration(late, self.lang, calendar_days=False)

    def lateness(self, done: datetime, due: datetime, *, elapsed: bool = False, workdays: bool = False) -> _Lateness:
        """How late ``done`` is against ``due``: in words (`late_words`), and, against a deadline
        counted in workdays (``workdays``), in workdays too (`late_workdays`), which the words
        then give first ("3 workdays (5 days)") and the finding's ``detail.late_workdays`` holds."""
        said = self.late_words(done, due, elapsed=elapsed)
        n = self.late_workdays(done, due) if workdays else None
        if n is None:
            return _Lateness(said, {})
        counted = word("workday" if n == 1 else "workdays", self.lang, n=n)
        return _Lateness(word("late_workdays", self.lang, workdays=counted, elapsed=said), {"late_workdays": n})

    def late_workdays(self, done: datetime, due: datetime) -> int | None:
        """The workdays of the business-day calendar after the local day of ``due`` up to the
        first workday on or after the day ``done`` is on: how many more workdays a deadline
        counted in workdays would have needed to admit it (a report on the Saturday after a
        deadline ending on Friday is 1 workday late). None where ``due`` is not the end of a day
        (a due moment moved by hours, counted in the time that passed), or the calendar has no
        holiday data for a year between the two (the calendar days alone then say it)."""
        calendar = self.ctx.calendar
        if calendar is None or done <= due or not self._day_end(due):
            return None
        try:
            return _workdays_to(calendar, self.local_date(due), self.local_date(done))
        except CalendarError:
            return None

    def finding(self, code: FindingCode, rule: Rule | None, params: Mapping[str, Any], **fields: Any) -> Finding:
        severity = CODE_SEVERITY[code]
        if rule is not None and severity == "violation" and rule.severity == "warning":
            severity = "warning"
        severity = fields.pop("severity", severity)
        if rule is not None:
            fields.setdefault("rule", rule.id)
            detail = fields.get("detail")
            fields.setdefault("clause", rule.clause_of(detail.get("step")) if detail else rule.clause)
        text = message(code.value, self.lang, **params)
        evidence = tuple(fields.pop("evidence", ()))
        return Finding(code=code, severity=severity, evidence=evidence, message=text, **fields)

    def outcome(self, rule: Rule, evidence: Iterable[str] = (), **fields: Any) -> Outcome:
        step = fields.get("step")
        clause = rule.clause if step is None else rule.clause_of(step)
        return Outcome(rule=rule.id, clause=clause, evidence=tuple(evidence), **fields)


def _workdays_to(calendar: BusinessCalendar, first: date, day: date) -> int:
    """The workdays after ``first`` up to the first workday on or after ``day``: how many a
    deadline counted in workdays from ``first`` must run to reach ``day`` (from a Friday, to the
    Saturday after it, 1: the Monday).

    Raises:
        CalendarError: the calendar has no holiday data for a day between.
    """
    last = calendar.next_workday(day)
    return sum(calendar.is_workday(first + timedelta(days=k)) for k in range(1, (last - first).days + 1))


class _Lateness(NamedTuple):
    """How late an event is, as `_Run.lateness` says it: the words of a message, and the facts a
    finding's ``detail`` adds (``late_workdays``, against a deadline counted in workdays)."""

    words: str
    detail: dict[str, int]


_ALWAYS = (DateRange(),)  # the spans of a role held without dates


def _within(span: DateRange, active: DateRange) -> DateRange | None:
    """The days of ``span`` inside ``active`` (None for none)."""
    first = max((d for d in (span.from_, active.from_) if d is not None), default=None)
    last = min((d for d in (span.to, active.to) if d is not None), default=None)
    if first is not None and last is not None and last < first:
        return None
    return DateRange(from_=first, to=last)


_PART = 1 << 16
"""How many events or outcomes are gathered in a list before they are moved into a tuple.

A list is walked by every full collection of the cyclic garbage collector for as long as it
lives, item by item; a tuple of untracked objects (events and outcomes are) is untracked at the
first collection it survives. On the 10M-event benchmark log, full collections took 21 s of a
284 s check with the events and outcomes in lists, and 14 s with them in tuples."""


def _event_key(e: Event) -> tuple[float, str]:
    """The order the checker takes events in: by time, then by id. Events at one instant are
    ordered by what they are, not by where they stand in the log (ids are unique among the
    events checked), so that no report depends on the order of a log's lines."""
    return (e.time.timestamp(), e.id)


def _rising(values: list[Any]) -> bool:
    """Whether ``values`` never go down."""
    return all(map(le, values, islice(values, 1, None)))


_EXACT_STAMPS = float(2**32)
"""Below this many seconds from 1970 either way (the years 1834 to 2106), two instants a
microsecond apart have two timestamps (a float's step there is under a microsecond), so that
`_event_key` orders distinct instants as time does; beyond it, two may share one."""


def _in_time_order(events: Sequence[Event]) -> bool:
    """Whether ``events`` are already in time order, as sorting them by `_event_key` would leave
    them but for the order of events at one instant. Their times are compared directly (fast, for
    times sharing one offset object), and only when every one is at a fixed offset: two times
    sharing a zone with DST compare by wall time, not as instants; and only within the years
    whose instants `_event_key` tells apart (`_EXACT_STAMPS`), beyond which it may not order them
    as time does."""
    times = list(map(_time, events))
    if times and max(abs(times[0].timestamp()), abs(times[-1].timestamp())) >= _EXACT_STAMPS:
        return False
    return at_fixed_offsets(times) and _rising(times)


def _ties_by_id(events: list[Event]) -> None:
    """Put ``events``, in time order, in `_event_key` order: each run of events at one instant
    sorted by id, the others left where they are (the work follows the ties, not the events)."""
    times = map(_time, events)
    # each k whose event is at the instant of the next
    tied = list(compress(count(), map(eq, times, map(_time, islice(events, 1, None)))))
    k = 0
    while k < len(tied):
        first = last = tied[k]
        while k + 1 < len(tied) and tied[k + 1] == last + 1:
            k += 1
            last = tied[k]
        k += 1
        events[first : last + 2] = sorted(events[first : last + 2], key=_id)


def _scalar_text(value: Any) -> str:
    """How a rule value and a log value compare: ``true``/``false`` for booleans (a YAML ``true``
    equals a CSV ``true``), ``3`` for the number 3.0, other values as written."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    return text.lower() if text.lower() in ("true", "false") else text


def _texts(wanted: Any) -> set[str]:
    """The texts a condition of ``where`` accepts (a value, or one of a list), as values compare."""
    return {_scalar_text(o) for o in (wanted if isinstance(wanted, list) else [wanted])}


def _periods(texts: set[str]) -> set[str]:
    """Period labels as matching reads them: ``2024-q1`` is the period ``2024-Q1``."""
    return {canonical_label(text) or text for text in texts}


def _selects(where: Mapping[str, Any]) -> dict[str, frozenset[Any]]:
    """What a ``where`` asks, as `_where_matches` compares it (``[a, b]`` and ``[b, a]``, ``a``
    and ``[a]``, ``3`` and ``"3"`` ask the same; a comparison, its bounds as numbers)."""
    return {
        key: frozenset((op, Decimal(str(bound))) for op, bound in wanted.items())
        if isinstance(wanted, dict)
        else frozenset(_periods(_texts(wanted)) if key == "period" else _texts(wanted))
        for key, wanted in where.items()
    }


_COMPARE = {"gt": gt, "gte": ge, "lt": lt, "lte": le}
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
"""A number as text writes it (a CSV cell): ASCII digits with an optional sign, decimal point
and exponent; no thousands separator, currency sign or decimal comma, whose reading depends on a
locale the log does not state."""


def _number(value: Any) -> Decimal | None:
    """``value`` as a number, exact (a `Decimal`): a log's finite number (not a boolean), or text
    written as one (`_NUMBER`, white space around it allowed); None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value)) if math.isfinite(value) else None
    if isinstance(value, str) and _NUMBER.fullmatch(text := value.strip()):
        return Decimal(text)
    return None


def _compares(comparison: Mapping[str, Any], value: Any) -> bool:
    """Whether ``value`` (or, for a list, one of its items) is a number within every bound of
    ``comparison``."""
    for item in value if isinstance(value, list) else (value,):
        number = _number(item)
        if number is not None and all(_COMPARE[op](number, Decimal(str(b))) for op, b in comparison.items()):
            return True
    return False


def _where_matches(where: Mapping[str, Any], event: Event) -> bool:
    for key, wanted in where.items():
        value = event.attributes.get(key)
        if value is None and key in ("recipient", "subject", "ref", "period"):
            value = getattr(event, key)
        if isinstance(wanted, dict):
            if not _compares(wanted, value):
                return False
            continue
        options = _texts(wanted)
        if key == "period" and isinstance(value, str):  # a period as people write it
            value = canonical_label(value) or value
            options = _periods(options)
        if isinstance(value, list):
            if not options & {_scalar_text(v) for v in value}:
                return False
        elif value is None or _scalar_text(value) not in options:
            return False
    return True


def _ids(events: Iterable[Event]) -> list[str]:
    return [e.id for e in events]


def _late_by(when: datetime, due: datetime) -> int:
    return max(1, int((when - due).total_seconds()))


# ---------------------------------------------------------------------------------------------
# recurring


def _check_recurring(run: _Run, rule: RecurringRule) -> Iterator[Item]:
    if rule.max_gap is not None:
        yield from _check_rolling(run, rule)
        return
    ctx = run.ctx
    all_obligations = list(rule_obligations(ctx, rule, ctx.start, ctx.end))
    streams: dict[tuple[str, str | None], list[Obligation]] = defaultdict(list)
    for obligation in all_obligations:
        streams[(obligation.actor, obligation.counterpart)].append(obligation)
    others: dict[tuple[str, str | None], list[Obligation]] = defaultdict(list)
    versions = {rule.id: rule}  # by rule id: how late an event naming its period may come
    for version in _other_versions(run, rule):
        versions[version.id] = version
        for obligation in rule_obligations(ctx, version, ctx.start, ctx.end):
            others[(obligation.actor, obligation.counterpart)].append(obligation)
    events = [e for e in run.events(rule.action) if _where_matches(rule.where, e)]
    unless_events = run.events(rule.unless.action) if rule.unless is not None else ()
    # with their times, once for every stream: each search for a discharge starts at its period
    unless = (unless_events, [e.time.timestamp() for e in unless_events])
    by_actor: dict[str, list[Event]] = defaultdict(list)
    for e in events:
        by_actor[e.actor].append(e)
    to = as_party(rule.to)
    extension_events: dict[str, list[Event]] = defaultdict(list)
    if rule.extension is not None:
        for e in run.events(rule.extension.action):
            if _where_matches(rule.extension.where, e):
                extension_events[e.actor].append(e)
    # an actor's counterparts under the rule: where it has one only and the rule's recipient is
    # that counterpart, each of its events is that pair's, one naming no member sent elsewhere;
    # where its counterparts change over the range, one naming none is the pair's it is for
    counterparts: dict[str, set[str | None]] = defaultdict(set)
    for actor, counterpart in streams:
        counterparts[actor].add(counterpart)
    who = as_party(rule.who)
    relation = who.relation if who is not None else None
    unnamed: dict[tuple[str, str], list[Event]] = {}
    if to is not None and to.counterpart:
        unnamed = _unnamed_by_pair(run, relation, counterparts, [streams, others], by_actor)
    for (actor, counterpart), obls in streams.items():
        if not run.mine(actor):
            continue
        stream = by_actor.get(actor, [])
        sole = to is not None and to.counterpart and len(counterparts[actor]) == 1
        if counterpart is not None and not sole:
            stream = [e for e in stream if counterpart in (e.recipient, e.subject)]
            if unnamed and (credited := unnamed.get((actor, counterpart))):
                stream = sorted([*stream, *credited], key=_event_key)
        elif sole and relation is not None and (former := set(run.related(actor, relation)) - {counterpart}):
            # the sole counterpart of the range, of a relation that lists others on other dates: an
            # event naming one of those, and not the counterpart, is that member's pair's, which
            # the range does not hold
            stream = [
                e
                for e in stream
                if counterpart in (e.recipient, e.subject) or (e.recipient not in former and e.subject not in former)
            ]
        good: list[Event] = []
        stray: list[Event] = []
        for e in stream:
            # to the counterpart: sent to it, not merely naming it as the subject
            if to is None:
                ok = True
            elif to.counterpart:
                ok = e.recipient == counterpart
            else:
                ok = run.party_matches(to, e.recipient, when=e.time)
            (good if ok else stray).append(e)
        notices = extension_events.get(actor, [])
        if counterpart is not None:
            notices = [e for e in notices if counterpart in (e.recipient, e.subject)]
        extended: dict[str, tuple[Event, datetime, str | None]] = {}
        doubts: dict[str, tuple[datetime, CalendarError]] = {}
        if rule.extension is not None and notices:
            obls, extended, doubts = _extended(run, rule, rule.extension, obls, notices, good)
        other = others.get((actor, counterpart), [])
        merged = _merged(obls, other)
        closing = [_named_limits(run, versions[o.rule], [o])[0] for o in merged] if other else None
        for item in _evaluate_stream(run, rule, merged, good, stray, unless, closing, extended):
            doubt = doubts.get(item.period or "")
            if doubt is not None and not _surely_met(item, doubt[0], stream):
                raise doubt[1]
            found = extended.get(item.period or "")
            yield item if found is None else _citing_extension(run, item, *found)


def _surely_met(item: Item, soonest: datetime, stream: Sequence[Event]) -> bool:
    """Whether ``item``, of an obligation extended to ``soonest`` (the soonest its extension can
    end, for want of a year the calendar lacks), is so however that year will be counted: a met
    outcome, where the stream holds no event after ``soonest`` (by the audit moment) that a later
    due moment could give the obligation. Any other outcome or finding of it needs the year."""
    return isinstance(item, Outcome) and item.status == "met" and all(e.time <= soonest for e in stream)


def _unnamed_by_pair(
    run: _Run,
    relation: str | None,
    counterparts: Mapping[str, set[str | None]],
    streams: Iterable[Mapping[tuple[str, str | None], Sequence[Obligation]]],
    by_actor: Mapping[str, Sequence[Event]],
) -> dict[tuple[str, str], list[Event]]:
    """The events naming none of their actor's counterparts (as recipient or subject), by the
    pair each is for, of the actors with counterparts that change over the range: two or more
    (in ``counterparts``), some listed in ``relation`` (the rule's `who`'s) for some dates only.
    ``streams`` holds the obligations of each pair under the rule and under its clause's other
    versions.

    Such an event is for the pair owing the period it names; naming none, for the pair owing the
    period whose on-time span (opening to due moment) holds it, or where none does, the period
    last due before it, whose late report it would be (periods that owe something: not exempt,
    not `not-held`). One that two pairs or more may be for (two members at once), or none, is
    no pair's. An actor whose counterparts are all listed without dates has them all at once:
    which one such an event is for cannot be told, and it is not looked at (docs/semantics.md,
    §4)."""
    if relation is None:
        return {}
    changing: dict[str, dict[str, list[Obligation]]] = {}
    for actor, mine in counterparts.items():
        owner = run.ctx.org.actor(actor)
        if len(mine) < 2 or not run.mine(actor) or owner is None:
            continue
        if any(not isinstance(member, str) for member in owner.relations.get(relation, ())):
            changing[actor] = defaultdict(list)  # (listed by id alone, a member is one at all times)
    if not changing:
        return {}
    for of_rule in streams:
        for (actor, counterpart), obls in of_rule.items():
            if actor in changing and counterpart is not None:
                changing[actor][counterpart].extend(obls)
    found: dict[tuple[str, str], list[Event]] = {}
    for actor, pairs in changing.items():
        whose = _PairOf(pairs)
        # naming a member of any date is naming one: that member's pair's, or no pair's of the range
        members = set(run.related(actor, relation))
        for e in by_actor.get(actor, ()):
            if e.recipient in members or e.subject in members:
                continue
            counterpart = whose(e)
            if counterpart is not None:
                found.setdefault((actor, counterpart), []).append(e)
    return found


class _PairOf:
    """Which pair of one actor an event naming none of its counterparts is for (see
    `_unnamed_by_pair`); ``pairs``, each counterpart's obligations."""

    def __init__(self, pairs: Mapping[str, Sequence[Obligation]]) -> None:
        self.by_label: dict[str, list[tuple[str, Obligation]]] = defaultdict(list)
        self.spans: dict[str, _Spans] = {}
        dues: list[tuple[datetime, str]] = []
        for c, obls in pairs.items():
            live = [i for i, o in enumerate(obls) if o.status in ("open", "pending")]
            self.spans[c] = _Spans(obls, live)
            dues.extend((obls[i].due, c) for i in live)
            for o in obls:
                self.by_label[o.period].append((c, o))
        dues.sort(key=itemgetter(0))
        self.dues = [due for due, _ in dues]
        self.owing = [c for _, c in dues]

    def __call__(self, e: Event) -> str | None:
        if e.period is not None:
            owing = self.by_label.get(e.period)  # as written first: a custom period's id may look like a label
            if owing is None:
                named = _written(e.period)
                owing = [(c, o) for c, o in self.by_label.get(named.label, ()) if _names(e.period, o)] if named else []
            return _one({c for c, _ in owing})
        holding = {c for c, spans in self.spans.items() if spans.holding(e.time)}
        if holding:
            return _one(holding)
        # in no period's on-time span: a late report of the period last due before it
        before = bisect_left(self.dues, e.time)
        if before == 0:
            return None
        last = bisect_left(self.dues, self.dues[before - 1])
        return _one(set(self.owing[last:before]))


def _one(found: set[str]) -> str | None:
    """The one item of ``found``; None for none or several."""
    return next(iter(found)) if len(found) == 1 else None


def _other_versions(run: _Run, rule: RecurringRule) -> list[RecurringRule]:
    """The other versions of ``rule``'s clause that are one stream with it: recurring rules of
    the same clause, each in force on dates the others are not (docs/semantics.md, "Who owes
    what"), asking for the same events (action, ``where``, ``to``) on the same calendar, with no
    extension. An event answers one obligation of them all (each accepting late ones on its own
    terms).
    Versions that differ in what they ask for are matched each on its own."""
    if rule.effective is None or rule.extension is not None:
        return []
    return [
        other
        for other in run.ctx.rules.rules
        if other.id != rule.id
        and isinstance(other, RecurringRule)
        and other.clause == rule.clause
        and other.effective is not None
        and not _overlap(other.effective, rule.effective)
        and other.max_gap is None
        and other.extension is None
        and other.every == rule.every
        and _selects(other.where) == _selects(rule.where)
        and sorted(actions_of(other.action)) == sorted(actions_of(rule.action))
        and as_party(other.to) == as_party(rule.to)
    ]


def _overlap(a: DateRange, b: DateRange) -> bool:
    return (a.to is None or b.from_ is None or b.from_ <= a.to) and (b.to is None or a.from_ is None or a.from_ <= b.to)


def _merged(own: list[Obligation], other: list[Obligation]) -> list[Obligation]:
    """One stream's obligations of a rule and of its clause's other versions, in period order."""
    if not other:
        return own
    return sorted([*own, *other], key=lambda o: (o.period_start, o.opens))


def _extended(
    run: _Run,
    rule: RecurringRule,
    extension: Extension,
    obls: Sequence[Obligation],
    events: Sequence[Event],
    done: Sequence[Event],
) -> tuple[list[Obligation], dict[str, tuple[Event, datetime, str | None]], dict[str, tuple[datetime, CalendarError]]]:
    """``obls`` (one stream's, in time order) with the due moment of each one an extension event
    answers moved, for each period so extended, that event and the prescribed due moment, and
    for each period extended to the soonest its extension can end, for want of a year the
    calendar lacks, while that is not after the audit moment: that moment and the error, which
    its verdict needs unless it is surely met by then (`_surely_met`).

    An event answers the oldest open obligation it may: one whose period it names, if it names
    one, else any, from the obligation's opening to ``within`` after its prescribed due moment,
    and not already answered by as many of the stream's events (``done``, in time order) as it
    needs by the extension event's time. An event answers one obligation.

    Raises:
        CalendarError: ``within`` needs a year the calendar lacks, no event answers the obligation
            by the soonest it can end, and one might by the real end."""
    ctx = run.ctx
    roll = rule.roll == "next-workday"
    unused = sorted(events, key=_event_key)
    times = [e.time.timestamp() for e in done]
    moved: list[Obligation] = []
    extended: dict[str, tuple[Event, datetime, str | None]] = {}
    doubts: dict[str, tuple[datetime, CalendarError]] = {}

    def names(e: Event, o: Obligation) -> bool:
        return e.period is None or _names(e.period, o)

    def answered(o: Obligation, by: datetime) -> bool:
        # by events from its opening, and before that (in its period, for a rule due some time
        # after it) by those naming it: an event naming no period there is the period before's
        span = done[bisect_left(times, _period_opens(run, o).timestamp()) : bisect_right(times, by.timestamp())]
        mine = (e for e in span if names(e, o) and (e.period is not None or e.time >= o.opens))
        return sum(1 for _ in mine) >= max(o.min, 1)

    for o in obls:
        chosen = None
        if o.status in ("open", "pending"):  # a notice moves a due moment still ahead as well
            # (the soonest it can be where the calendar lacks its year: after the audit moment,
            # it bounds no notice, none being used after that moment; by then, a notice made by
            # that soonest moment is in time however the year is counted, and one after it may be)
            last, _, unsure = _due_or_bound(ctx, o.due, extension.within, False)
            for e in unused:
                if o.opens <= e.time <= last and names(e, o) and not answered(o, e.time):
                    chosen = e
                    break
            if (
                chosen is None
                and unsure is not None
                and any(last < e.time and names(e, o) and not answered(o, e.time) for e in unused)
            ):
                raise unsure
        if chosen is None:
            moved.append(o)
            continue
        unused.remove(chosen)
        due, uncounted, unsure = _due_or_bound(ctx, o.due, extension.extends_by, roll)
        if unsure is not None:
            doubts[o.period] = (due, unsure)
        note = o.note if uncounted is None else uncounted
        moved.append(replace(o, due=max(due, o.due), closes=max(o.closes, due), note=note))
        extended[o.period] = (chosen, o.due, extension.clause)
    return moved, extended, doubts


def _citing_extension(run: _Run, item: Item, event: Event, prescribed: datetime, clause: str | None) -> Item:
    """An outcome or finding of an extended obligation, citing the extension event; a finding
    also names it and the prescribed due moment in its message, and in its detail with the
    extension's clause."""
    evidence = (*item.evidence, event.id)
    if isinstance(item, Finding):
        detail = {**item.detail, "extension": event.id, "prescribed_due": prescribed.isoformat()}
        if clause is not None:
            detail["extension_clause"] = clause
        text = item.message + word(
            "extended", run.lang, event=f"{event.action} {event.id}", prescribed=run.instant(prescribed)
        )
        return msgspec.structs.replace(item, evidence=evidence, detail=detail, message=text)
    return msgspec.structs.replace(item, evidence=evidence)


@lru_cache(maxsize=4096)
def _written(text: str) -> Period | None:
    """The period a label written in a log names (see `written_period`); None for text that is no
    label (a custom period's id)."""
    return written_period(text)


def _names(text: str, o: Obligation) -> bool:
    """Whether an event whose ``period`` is ``text`` names ``o``'s period: its label as written
    (a custom period's id, which may look like a label), or a label of it in another spelling
    (``2024-q3`` for ``2024-Q3``) naming the same span: a custom period whose id reads as
    ``2024-Q3`` but spans July to mid-August is not the quarter ``2024-q3`` names."""
    if text == o.period:
        return True
    named = _written(text)
    return named is not None and named.label == o.period and (named.start, named.end) == (o.period_start, o.period_end)


def _assign(
    obls: Sequence[Obligation],
    events: Sequence[Event],
    *,
    named_limit: Sequence[datetime | None],
    misdirected: Collection[str] = (),
) -> dict[int, list[Event]]:
    """Assign each event of a stream to at most one obligation (docs/semantics.md, "Matching").

    1. An event naming its ``period`` answers that period (late if after its due moment), up to
       the obligation's ``named_limit`` where it has one (`_named_limits`), after which it answers
       no period.
    2. Otherwise it answers the obligation whose on-time span (opens .. due) contains it; where
       spans overlap (a filing due 40 days after the quarter), the oldest one still unmet.
    3. Then debts are paid, oldest first: an unmet obligation takes the earliest event after its
       due moment and within its acceptance limit (``closes``) that no obligation needs: an event
       no on-time span contains, or a surplus event of a later period (that period keeps the
       events in its window, then its latest ones: `_kept_last`). Such an event is ``late`` for
       the older obligation.

    Events naming their period are placed first, so that an earlier event naming none is not
    given to a period a later event names.

    ``events`` (time-ordered) holds the stream's qualifying events and its ``misdirected`` ones
    (wrong recipient, by id): a misdirected event occupies its obligation like a qualifying one, so
    that the obligation is diagnosed as ``wrong-recipient`` and no later event is pulled back into
    it, where the events it holds by its due moment, misdirected or not, are as many as it asks;
    where they leave it short anyway, it gives way to events sent where the rule asks that pay
    the debt whole. It is never a surplus another obligation may take.
    """
    by_label = {o.period: i for i, o in enumerate(obls)}
    live = [i for i, o in enumerate(obls) if o.status in ("open", "pending")]
    spans = _Spans(obls, live)
    assigned: dict[int, list[Event]] = defaultdict(list)
    loose: list[Event] = []
    for e in events:
        if e.period is not None:
            i = by_label.get(e.period, -1)  # as written first: a custom period's id may look like a label
            if i < 0:
                named = _written(e.period)
                i = by_label.get(named.label, -1) if named is not None else -1
                if i >= 0 and not _names(e.period, obls[i]):
                    i = -1  # a custom period with that id, of another span
            limit = named_limit[i] if i >= 0 else None
            if i >= 0 and obls[i].status in ("open", "pending") and (limit is None or e.time <= limit):
                assigned[i].append(e)
    for e in events:
        if e.period is not None:
            continue
        own = spans.holding(e.time)
        if not own:
            loose.append(e)
            continue
        unmet = [
            i
            for i in own
            if len(assigned[i]) < obls[i].min or _counted(obls[i], assigned[i], misdirected) < obls[i].min
        ]
        assigned[(unmet or own)[0] if unmet else own[-1]].append(e)
    for i in live:
        o = obls[i]
        # a debt is what its events leave short: a misdirected event occupies it only in its
        # on-time span, and only where the events it holds by its due moment, misdirected or not,
        # are as many as it asks (one naming it, made after its due moment, keeps no late event
        # sent where the rule asks from paying it); one that leaves it short anyway gives way to
        # events sent where the rule asks, which pay the debt whole where they can
        right = sum(1 for e in assigned[i] if e.id not in misdirected) if misdirected else len(assigned[i])
        debt = right < o.min and (not misdirected or _held_by_due(o, assigned[i]) < o.min)
        while debt and right < o.min:
            # (misdirected, time, id, owner or -1): an event sent where the rule asks pays the
            # debt before a misdirected one, which does only where no other can (wrong-recipient)
            # and only up to the number asked for
            best: tuple[bool, float, str, int] | None = None
            for e in spans.late(loose, o):
                if o.due < e.time <= o.closes and (best is None or _debt_key(e, misdirected) < best[:3]):
                    best = (*_debt_key(e, misdirected), -1)
            for j in spans.after(o):
                if j == i or obls[j].opens <= o.opens:
                    continue
                for e in _surplus(obls[j], [e for e in assigned[j] if e.id not in misdirected]):
                    if o.due < e.time <= o.closes and (best is None or _debt_key(e, misdirected) < best[:3]):
                        best = (*_debt_key(e, misdirected), j)
            if best is None or (best[0] and len(assigned[i]) >= o.min):
                break
            pool = loose if best[3] < 0 else assigned[best[3]]
            chosen = next(e for e in pool if _event_key(e) == best[1:3])
            pool.remove(chosen)
            assigned[i].append(chosen)
            right += not best[0]
        assigned[i].sort(key=_event_key)
    return assigned


class _Spans:
    """One stream's live obligations (``live``, positions in ``obls``), found by instant through
    the instants they open at, in order, where a scan of every one for each event and each debt
    made a stream of n periods cost n² (a daily rule over four years: 1,460 periods).

    Each method gives what a scan of ``live`` (or of the events given) would keep, possibly with
    more, never fewer, for its caller tests each one as before: the instants are compared as
    timestamps, a second wide on each side."""

    def __init__(self, obls: Sequence[Obligation], live: list[int]) -> None:
        self.obls = obls
        self.order = sorted(live, key=lambda i: obls[i].opens.timestamp())
        self.opens = [obls[i].opens.timestamp() for i in self.order]
        # the longest on-time span: no obligation opening earlier than that before an instant holds it
        self.longest = max((obls[i].due.timestamp() - obls[i].opens.timestamp() for i in live), default=0.0)

    def holding(self, when: datetime) -> list[int]:
        """The live obligations whose on-time span holds ``when``, in stream order."""
        obls, at = self.obls, when.timestamp()
        near = self.order[bisect_left(self.opens, at - self.longest - 1.0) : bisect_right(self.opens, at + 1.0)]
        return sorted(i for i in near if obls[i].opens <= when <= obls[i].due)

    def after(self, o: Obligation) -> list[int]:
        """The live obligations that open after ``o`` and by its acceptance limit, in stream order:
        the only ones whose events may pay ``o``'s debt (each event an obligation holds, in its
        span or paying its own debt, comes after it opens)."""
        lo = bisect_left(self.opens, o.opens.timestamp() - 1.0)
        return sorted(self.order[lo : bisect_right(self.opens, o.closes.timestamp() + 1.0)])

    @staticmethod
    def late(loose: Sequence[Event], o: Obligation) -> Sequence[Event]:
        """Of ``loose`` (in time order), those that may come after ``o``'s due moment and by its
        acceptance limit."""
        lo = bisect_left(loose, o.due.timestamp() - 1.0, key=_Spans._at)
        return loose[lo : bisect_right(loose, o.closes.timestamp() + 1.0, key=_Spans._at)]

    @staticmethod
    def _at(e: Event) -> float:
        return e.time.timestamp()


def _elapsed_due(run: _Run, rule: RecurringRule) -> bool:
    """Whether a recurring rule's due moment is counted in hours or minutes after its period."""
    return rule.due_after is not None and run.ctx.duration(rule.due_after).elapsed


def _in_workdays(run: _Run, text: str | None) -> bool:
    """Whether a rule's deadline ``text`` (a ``due_after``, ``max_gap`` or ``within``) is counted in
    workdays."""
    return text is not None and run.ctx.duration(text).unit is Unit.WORKDAYS


def _named_limits(run: _Run, rule: RecurringRule, obls: Sequence[Obligation]) -> list[datetime | None]:
    """How late an event naming each obligation's period may come and still answer it: however
    late (None) by default, as it says which period it is for; up to the acceptance limit where
    the rule sets `accept_late`; and no later than the end of the rule's last day in force where
    it has one (a version accepts late events only while in force)."""
    if rule.accept_late is not None:
        return [o.closes for o in obls]  # capped at the last day in force already
    if rule.effective is not None and rule.effective.to is not None:
        last = end_of_day(rule.effective.to, run.ctx.tz)
        return [max(o.due, last) for o in obls]
    return [None] * len(obls)


def _debt_key(e: Event, misdirected: Collection[str]) -> tuple[bool, float, str]:
    return (e.id in misdirected, *_event_key(e))


def _held_by_due(o: Obligation, held: Sequence[Event]) -> int:
    """How many of the events ``o`` holds, misdirected or not, were made by its due moment: where
    they are as many as it asks, it is occupied, and no debt (docs/semantics.md, recurring rules,
    item 5)."""
    return sum(1 for e in held if e.time <= o.due)


def _surplus(o: Obligation, kept: Sequence[Event]) -> list[Event]:
    """The events of a later period ``o`` (``kept``, its own, none misdirected) that an older
    debt may take: of those naming no period (one naming its period stays), those beyond what
    meets ``o``'s need (`_counted`), which it gives up first outside its window, then earliest
    (`_kept_last`). An event naming ``o``'s period but late for it meets no part of that need,
    so that an on-time report of ``o`` is not given away for it (adding that late event would
    make ``o`` late, which the laws forbid)."""
    unnamed = [e for e in kept if e.period is None]
    spare = min(len(unnamed), _counted(o, kept, ()) - o.min)
    return sorted(unnamed, key=partial(_kept_last, o))[: max(0, spare)]


def _on_time(o: Obligation, e: Event) -> bool:
    """Whether ``e`` answers ``o`` on time and in its window."""
    return e.time <= o.due and _kept_last(o, e)[0]


def _counted(o: Obligation, held: Sequence[Event], misdirected: Collection[str]) -> int:
    """How many of the events ``o`` holds meet its need: those of its on-time span, and those
    naming its period on time, sent where the rule asks (one naming it late, or a misdirected
    one, does not, so that an event in its span still goes to it rather than to a later period)."""
    return sum(1 for e in held if e.id not in misdirected and (e.period is None or _on_time(o, e)))


def _kept_last(o: Obligation, e: Event) -> tuple[bool, float, str]:
    """Orders ``o``'s events by how little it needs them: outside its window first, then by time."""
    in_window = o.window_start is None or o.window_start <= e.time <= (o.window_end or o.due)
    return (in_window, *_event_key(e))


def _evaluate_stream(
    run: _Run,
    rule: RecurringRule,
    obls: Sequence[Obligation],
    good: Sequence[Event],
    stray: Sequence[Event],
    unless: tuple[Sequence[Event], Sequence[float]],
    named_limit: Sequence[datetime | None] | None = None,
    extended: Collection[str] = (),
) -> Iterator[Item]:
    """The outcomes and findings of one stream's obligations; ``unless``, the rule's ``unless``
    events in time order and their timestamps. ``named_limit`` is given (per
    obligation, `_named_limits` of its own rule) where some of them belong to other versions of
    the rule's clause, which take their events but are reported by their own rule. ``extended``:
    the periods whose due moment the rule's extension moved, which a late event missed as counted
    by its ``extends_by``."""
    ctx = run.ctx
    misdirected_ids = {e.id for e in stray}
    assigned = _assign(
        obls,
        sorted([*good, *stray], key=_event_key),
        named_limit=_named_limits(run, rule, obls) if named_limit is None else named_limit,
        misdirected=misdirected_ids,
    )
    unless_events, unless_times = unless
    mixed = named_limit is not None  # given only where other versions' obligations are among them
    for i, o in enumerate(obls):
        if mixed and o.rule != rule.id:
            continue
        evs = [e for e in assigned.get(i, []) if e.id not in misdirected_ids]
        misdirected = [e for e in assigned.get(i, []) if e.id in misdirected_ids]
        base: dict[str, Any] = {
            "actor": o.actor,
            "counterpart": o.counterpart,
            "period": o.period,
            "opens": o.opens,
            "due": o.due,
        }

        def params(o: Obligation = o) -> dict[str, Any]:  # a message's words, made for a finding only
            return {
                "actor": run.name(o.actor) + (f" / {run.name(o.counterpart)}" if o.counterpart else ""),
                "rule": run.rule_name(rule),
                "period": run.period_words(rule, o.period),
                "due": run.instant(o.due),
                "min": o.min,
                "max": o.max,
                "to": word("to", run.lang, recipient=_recipient_name(run, o.recipient)) if o.recipient else "",
                "elsewhere": "",
            }

        counts = {"expected_min": o.min, "expected_max": o.max}
        if o.status == "not-held":
            yield run.outcome(rule, **base, status="not-held", **_omin(o))
            continue
        if o.status == "exempt":
            yield run.outcome(rule, **base, status="exempt", **_omin(o))
            yield run.finding(
                FindingCode.EXEMPT, rule, {**params(), "reason": o.note}, **base, detail={"reason": o.note}
            )
            continue
        # an unless event from the period's start to its due moment, before the event that met
        # it (if any), discharges it: met, late or pending, it lapsed first. An event made in
        # time but outside the window meets nothing, so one before the unless event keeps
        # nothing from lapsing
        discharge = (
            _discharge(run, rule.unless, unless_events, unless_times, o.actor, _period_opens(run, o), o.due)
            if rule.unless is not None
            else None
        )
        meeting = evs if discharge is None or o.window_start is None else [e for e in evs if not _outside_window(o, e)]
        if discharge is not None and o.min > 0 and (len(meeting) < o.min or meeting[o.min - 1].time > discharge.time):
            ids = _ids(evs)
            yield run.outcome(
                rule, **base, status="discharged", observed=len(evs), evidence=[discharge.id, *ids], **_omin(o)
            )
            yield run.finding(
                FindingCode.DISCHARGED,
                rule,
                {**params(), "unless": discharge.action, "event": discharge.id},
                **base,
                **counts,
                observed=len(evs),
                evidence=[discharge.id, *ids],
            )
            continue
        on_time = [e for e in evs if e.time <= o.due]
        in_window = [
            e for e in on_time if o.window_start is None or o.window_start <= e.time <= (o.window_end or o.due)
        ]
        n = len(evs)
        ids = _ids(evs)
        if o.max is not None and n > o.max:
            yield run.outcome(rule, **base, status="excess", observed=n, evidence=ids, **_omin(o))
            excess = run.finding(
                FindingCode.EXCESS, rule, {**params(), "observed": n}, **base, **counts, observed=n, evidence=ids
            )
            if len(on_time) < o.min:  # too many, and too late as well: one status, both said
                key = "excess_few_on_time" if on_time else "excess_none_on_time"
                few = word(key, run.lang, on_time=len(on_time), due=run.instant(o.due))
                excess = msgspec.structs.replace(
                    excess, message=excess.message + few, detail={**excess.detail, "on_time": len(on_time)}
                )
            yield excess
            continue
        if len(on_time) >= o.min:
            if o.window_start is not None and len(in_window) < o.min and (o.window_end or o.due) > ctx.as_of:
                # done, but not yet in its window, which is still open or ahead: not yet due
                yield run.outcome(rule, **base, status="pending", observed=n, evidence=ids, **_omin(o))
                yield run.finding(FindingCode.PENDING, rule, params(), **base, **counts, observed=n, evidence=ids)
                continue
            if o.window_start is not None and len(in_window) < o.min:
                outside = [e for e in on_time if e not in in_window]
                severity = "violation" if o.strict and rule.severity == "violation" else "warning"
                yield run.outcome(rule, **base, status="outside-window", observed=n, evidence=ids, **_omin(o))
                yield run.finding(
                    FindingCode.OUTSIDE_WINDOW,
                    rule,
                    {
                        **params(),
                        "window": word(
                            "window", run.lang, start=run.instant(o.window_start), end=run.instant(o.window_end)
                        ),
                        "done": run.instant(outside[0].time),
                    },
                    **base,
                    **counts,
                    observed=n,
                    evidence=_ids(outside),
                    severity=severity,
                    detail={
                        "window_opens": o.window_start.isoformat(),
                        "window_closes": o.window_end.isoformat() if o.window_end else None,
                        "strictness": "strict" if o.strict else "in-principle",
                    },
                )
            else:
                yield run.outcome(rule, **base, status="met", observed=n, evidence=ids, **_omin(o))
            continue
        if n >= o.min and n > 0:
            completing = evs[o.min - 1] if o.min > 0 else evs[0]
            late = _late_by(completing.time, o.due)
            counted = (
                rule.extension.extends_by if rule.extension is not None and o.period in extended else rule.due_after
            )
            lateness = run.lateness(
                completing.time, o.due, elapsed=_elapsed_due(run, rule), workdays=_in_workdays(run, counted)
            )
            yield run.outcome(rule, **base, status="late", observed=n, evidence=ids, **_omin(o))
            yield run.finding(
                FindingCode.LATE,
                rule,
                {**params(), "late_by": lateness.words, "done": run.instant(completing.time)},
                **base,
                **counts,
                observed=n,
                evidence=ids,
                late_by_seconds=late,
                detail=lateness.detail,
            )
            continue
        if o.due > ctx.as_of:
            yield run.outcome(rule, **base, status="pending", observed=n, evidence=ids, **_omin(o))
            yield run.finding(FindingCode.PENDING, rule, params(), **base, **counts, observed=n, evidence=ids)
            continue
        found = sorted({e.recipient or "-" for e in misdirected})
        cited = ids + _ids(misdirected)
        misdirection = {"expected_recipient": o.recipient, "found_recipients": found} if misdirected else {}
        if misdirected and n + len(misdirected) >= o.min:
            # short only because events went elsewhere (they keep later events from being pulled
            # back into this obligation): the diagnosis is the misdirection
            yield run.outcome(rule, **base, status="wrong-recipient", observed=n, evidence=cited, **_omin(o))
            yield run.finding(
                FindingCode.WRONG_RECIPIENT,
                rule,
                {**params(), "sent": _sent(run, "sent_to", found, expected=_recipient_name(run, o.recipient))},
                **base,
                **counts,
                observed=n,
                evidence=cited,
                detail=misdirection,
            )
            continue
        # short even counting any events that went elsewhere: the diagnosis is the shortfall,
        # which cites them and names where they went
        words = params()
        if misdirected:
            words["elsewhere"] = _sent(run, "elsewhere", found, count=len(misdirected))
        status, code = ("insufficient", FindingCode.INSUFFICIENT) if n > 0 else ("missing", FindingCode.MISSING)
        yield run.outcome(rule, **base, status=status, observed=n, evidence=cited, **_omin(o))
        yield run.finding(
            code, rule, {**words, "observed": n}, **base, **counts, observed=n, evidence=cited, detail=misdirection
        )


def _omin(o: Obligation) -> dict[str, Any]:
    """An outcome's fields taken from its obligation: the counts, and the note where it has one
    (why it is exempt or not held, or that its late-acceptance limit is not rolled)."""
    if o.note is None:
        return {"expected_min": o.min, "expected_max": o.max}
    return {"expected_min": o.min, "expected_max": o.max, "note": o.note}


def _sent(run: _Run, key: str, found: Collection[str | None], **params: Any) -> str:
    """The words ``key`` (``sent_to``, ``elsewhere``) for misdirected events that went to the
    recipients ``found`` (by name), or to none (``-`` or None: "with no recipient", never "to
    nothing"): its ``_none`` variant where none named one, ``_some_none`` where some did not."""
    named = [r for r in found if r not in ("-", None)]
    names = word("list_sep", run.lang).join(_recipient_name(run, r) for r in named)
    variant = "" if len(named) == len(found) else "_none" if not named else "_some_none"
    return word(key + variant, run.lang, found=names, **params)


def _recipient_name(run: _Run, recipient: str | None) -> str:
    if recipient is None:
        return word("nothing", run.lang)
    if recipient.startswith("role:"):
        return word("role_holder", run.lang, role=recipient[5:])
    return run.name(recipient)


def _period_opens(run: _Run, o: Obligation) -> datetime:
    """The first instant of ``o``'s period (before its on-time span opens, for a rule due some
    time after its period)."""
    return min(o.opens, start_of_day(o.period_start, run.ctx.tz))


def _outside_window(o: Obligation, e: Event) -> bool:
    """Whether ``e``, made by ``o``'s due moment, falls outside its window (a later one is late,
    not outside)."""
    return o.window_start is not None and e.time <= o.due and not o.window_start <= e.time <= (o.window_end or o.due)


def _discharge(
    run: _Run,
    unless: EventFilter | None,
    events: Sequence[Event],
    times: Sequence[float],
    actor: str,
    start: datetime,
    end: datetime,
) -> Event | None:
    """The first ``unless`` event from ``start`` to ``end`` (``events`` in time order, ``times``
    their timestamps: the search starts at ``start``)."""
    if unless is None:
        return None
    by, to = as_party(unless.by), as_party(unless.to)
    for e in islice(events, bisect_left(times, start.timestamp()), None):
        if e.time > end:
            break
        if start <= e.time and _where_matches(unless.where, e):
            if by is None and e.actor != actor:
                continue
            if by is not None and not run.party_matches(by, e.actor, when=e.time):
                continue
            if to is not None and not run.party_matches(to, e.recipient, when=e.time):
                continue
            return e
    return None


def _check_rolling(run: _Run, rule: RecurringRule) -> Iterator[Item]:
    """Rolling interval: no gap between consecutive events longer than ``max_gap``.

    The clock starts on the latest of the range start, the rule's effective date, the actor's
    active date and the first day it holds the rule's role. The first gap is the one open when
    it starts: opened by the actor's last qualifying event before that, if any, else on the day
    the rule began to apply to the actor, if that is before the range, else when the clock
    starts. Each gap is one obligation, labelled ``<start date>/<due date>`` and citing the
    event that opened it, reported by each range it is open in. A gap that would end after the
    rule or the actor ends, or after the actor's last day in the role, owes nothing; two events
    on one local day make no gap of their own.
    """
    ctx = run.ctx
    who = as_party(rule.who)
    assert who is not None and rule.max_gap is not None
    if who.actor is not None:
        actors = [a for a in ctx.org.actors if a.id == who.actor]
    else:
        actors = sorted(ctx.org.holders(who.role or ""), key=lambda a: a.id)
    events = [e for e in run.events(rule.action) if _where_matches(rule.where, e)]
    to = as_party(rule.to)
    for actor in actors:
        if not run.mine(actor.id):
            continue
        starts = [date.min]
        stops = [date.max]
        for span in (rule.effective, actor.active, actor.role_span(who.role) if who.role else None):
            if span is not None and span.from_:
                starts.append(span.from_)
            if span is not None and span.end_exclusive:
                stops.append(span.end_exclusive)
        owed_from = max(starts)  # the first day the rule applies to the actor, whatever the range
        first_day, stop_day = max(owed_from, ctx.start), min(stops)
        if first_day >= min(stop_day, ctx.end):
            continue
        clock_start = start_of_day(first_day, ctx.tz)
        if ctx.as_of < clock_start:
            # nothing is owed yet: which event opens the first gap is not known before the clock
            # starts, as later events may come before it (a gap from an event seen now, judged
            # now, would be taken back at a later audit moment)
            continue
        clock_stop = start_of_day(stop_day, ctx.tz) if stop_day < date.max else datetime.max.replace(tzinfo=UTC)
        range_end = start_of_day(ctx.end, ctx.tz)
        mine = [
            e for e in events if e.actor == actor.id and (to is None or run.party_matches(to, e.recipient, when=e.time))
        ]
        before = [e for e in mine if e.time < clock_start]
        anchor_event = before[-1] if before else None
        if anchor_event is not None:
            anchor = anchor_event.time
        elif date.min < owed_from < first_day:  # the gap open at the range start opened on that day
            anchor = start_of_day(owed_from, ctx.tz)
        else:
            anchor = clock_start

        def gap(
            anchor: datetime,
            anchor_event: Event | None,
            closed: datetime | None,
            actor_id: str = actor.id,
            stop: datetime = clock_stop,
        ) -> tuple[datetime, dict[str, Any], dict[str, Any], list[str], str | None]:
            # where the calendar lacks a year the gap needs and the soonest it can end is not after
            # the audit moment, only an event closing it by then is a verdict without that year
            due, uncounted, unsure = _due_or_bound(ctx, anchor, rule.max_gap or "", rule.roll == "next-workday")
            if unsure is not None:
                if _surely_after(ctx, anchor, rule.max_gap or "", stop):
                    return stop, {}, {}, [], None  # past the end, so owing nothing: needs no year it lacks
                if closed is None or closed > due:
                    raise unsure
            label = f"{run.local_date(anchor).isoformat()}/{run.local_date(due).isoformat()}"
            base = {"actor": actor_id, "period": label, "opens": anchor, "due": due}
            params = {
                "actor": run.name(actor_id),
                "rule": run.rule_name(rule),
                "period": format_period(label, run.lang),
                "due": run.due_words(due, uncounted),
                "to": "",
                "elsewhere": "",
            }
            return due, base, params, [anchor_event.id] if anchor_event else [], uncounted

        for e in [e for e in mine if clock_start <= e.time < min(clock_stop, ctx.as_of + timedelta(microseconds=1))]:
            if anchor >= range_end:
                break  # later gaps start after the range
            if run.local_date(e.time) == run.local_date(anchor):
                anchor, anchor_event = e.time, e  # same day as the gap's start: no gap of its own
                continue
            due, base, params, prior, note = gap(anchor, anchor_event, e.time)
            if due >= clock_stop:  # the gap runs past the end of the rule or the actor: nothing owed,
                anchor, anchor_event = e.time, e  # closed or not
                continue
            if e.time <= due:
                yield run.outcome(rule, **base, note=note, status="met", observed=1, evidence=[*prior, e.id])
            else:
                late = _late_by(e.time, due)
                lateness = run.lateness(e.time, due, workdays=_in_workdays(run, rule.max_gap))
                yield run.outcome(rule, **base, note=note, status="late", observed=1, evidence=[*prior, e.id])
                yield run.finding(
                    FindingCode.LATE,
                    rule,
                    {**params, "late_by": lateness.words, "done": run.instant(e.time)},
                    **base,
                    expected_min=1,
                    observed=1,
                    evidence=[*prior, e.id],
                    late_by_seconds=late,
                    detail={"max_gap": rule.max_gap, **lateness.detail},
                )
            anchor, anchor_event = e.time, e
        if anchor >= range_end:
            continue
        due, base, params, prior, note = gap(anchor, anchor_event, None)
        if due >= clock_stop:
            continue  # the gap runs past the end of the rule or the actor: nothing owed
        if due > ctx.as_of:
            yield run.outcome(rule, **base, note=note, status="pending", evidence=prior)
            yield run.finding(FindingCode.PENDING, rule, params, **base, expected_min=1, observed=0, evidence=prior)
        else:
            yield run.outcome(rule, **base, note=note, status="missing", evidence=prior)
            yield run.finding(
                FindingCode.MISSING,
                rule,
                params,
                **base,
                expected_min=1,
                observed=0,
                evidence=prior,
                detail={"max_gap": rule.max_gap},
            )


# ---------------------------------------------------------------------------------------------
# triggered


def _in_range(run: _Run, rule: Rule, when: datetime) -> bool:
    day = run.local_date(when)
    if not (run.ctx.start <= day < run.ctx.end):
        return False
    return rule.effective is None or rule.effective.contains(day)


_EDGE = timedelta(days=2)
"""How far from an edge of a range of days an instant may be and still fall on either side of it:
an offset from UTC is less than a day, and a day more keeps the edge far from events whose float
timestamps (by which they are sorted) round to one value."""


def _dated_within(run: _Run, rule: Rule, events: Sequence[Event]) -> Iterable[Event]:
    """The ``events`` (in `_event_key` order) that `_in_range` keeps, in order.

    Only the events within `_EDGE` of the first or last day are converted to a local day; those
    between are in range whatever the time zone, and those outside out of it. So the work follows
    the events near the edges, not all of them.
    """
    lo, hi = run.ctx.start, run.ctx.end  # the days [lo, hi)
    effective = rule.effective
    if effective is not None and effective.from_ is not None and effective.from_ > lo:
        lo = effective.from_
    if effective is not None and effective.to is not None and effective.to < hi:
        hi = effective.to + timedelta(days=1)
    if lo >= hi:
        return ()
    tested = partial(_in_range_event, run, rule)
    try:
        at = [datetime.combine(day, time(0), UTC) for day in (lo, hi)]
        cuts = [bisect_left(events, day + side, key=_time) for day in at for side in (-_EDGE, _EDGE)]
    except OverflowError:  # a range at an end of the calendar: every event is tested
        return filter(tested, events)
    first, inside, last, after = cuts
    if inside >= last:
        return filter(tested, islice(events, first, after))
    return chain(
        filter(tested, islice(events, first, inside)),
        islice(events, inside, last),
        filter(tested, islice(events, last, after)),
    )


def _in_range_event(run: _Run, rule: Rule, event: Event) -> bool:
    return _in_range(run, rule, event.time)


def _selected(
    run: _Run, rule: Rule, action: str | list[str], where: Mapping[str, Any] | None, by: Party | None
) -> Iterable[Event]:
    """The events of ``action`` that fall in the range (`_dated_within`), are this run's to check,
    match ``where`` and are done by ``by``, in time order, one at a time."""
    events = _dated_within(run, rule, run.events(action))
    if run.actors is not None:
        events = (e for e in events if run.mine(e.actor))
    if where:
        events = (e for e in events if _where_matches(where, e))
    matches = run.matcher(by)
    if matches is not None:
        events = (e for e in events if matches(e.actor, None, e.time))
    return events


def _check_triggered(run: _Run, rule: TriggeredRule) -> Iterator[Item]:
    """Every trigger's chain: the responses first, then the misdirected reports cited.

    A step no event answered is `wrong-recipient` where a report of its action was sent
    elsewhere: the first in time, naming the chain by ``ref`` or naming nothing, that no step
    took as its response and no step due before it cites (steps in the order of their due
    moments). That is a diagnosis, made once every step's response is chosen: it changes no
    step's response, and a step already due cites the same report at every later audit moment
    (one not yet due holds its report, and is pending), so a later audit moment never takes a
    met step, or a cited report, back.
    """
    items: list[Item] = []
    unanswered: list[_Unanswered] = []
    by_others: list[tuple[int, list[Event], Party, Event]] = []
    notices = _Notices(run, rule)
    _chains(run, rule, items, unanswered, by_others, notices)
    cited: set[str] = set()
    # the step due first cites first (then triggers and steps in order): one already due never
    # waits on one that is not, so its report is the same at every later audit moment
    for step in sorted(unanswered, key=lambda u: u.due):
        e = step.responses.astray(step.trig, step.links, step.scope, step.candidate, step.fits, cited)
        if e is None:
            continue
        cited.add(e.id)
        if step.due <= run.ctx.as_of:
            items[step.at : step.at + 2] = step.misdirected(e)
    if by_others:
        # a report made by a party a step does not name is cited for it where it is no step's
        # response and no step's misdirected report, of this chain or another
        used = {event_id for item in items if isinstance(item, Outcome) for event_id in item.evidence[1:]}
        for at, others, by, trig in by_others:
            kept = [e for e in others if e.id not in used]
            outcome = items[at]
            if kept and isinstance(outcome, Outcome) and outcome.status == "unanswered":
                items[at], items[at + 1] = _citing_others(run, outcome, items[at + 1], kept, by, trig)
    for at, late, latest in notices.too_late:
        # a notice of the chain made after the latest moment it could extend the step: said where
        # the step stays unanswered or late, unless another chain's step took it in time
        kept = [e for e in late if e.id not in notices.taken]
        outcome = items[at]
        if kept and isinstance(outcome, Outcome) and outcome.status in ("unanswered", "late-response"):
            items[at], items[at + 1] = _citing_late_notices(run, outcome, items[at + 1], kept, latest)
    return iter(items)


@dataclass(frozen=True)
class _Unanswered:
    """A step of a chain no event answered (pending or unanswered), at ``items[at]`` (its outcome)
    and ``items[at + 1]`` (its finding): what `_Responses.astray` needs to find a misdirected
    report for it, and how to say it (``misdirected``: its outcome and finding)."""

    at: int
    trig: Event
    due: datetime
    responses: _Responses
    links: frozenset[str]
    scope: tuple[bool, str | None] | None
    candidate: Callable[[Event], bool]
    fits: Callable[[Event], bool]
    misdirected: Callable[[Event], list[Item]]


def _chains(
    run: _Run,
    rule: TriggeredRule,
    items: list[Item],
    unanswered: list[_Unanswered],
    by_others: list[tuple[int, list[Event], Party, Event]],
    notices: _Notices,
) -> None:
    """Each trigger's chain into ``items``, its steps answered by the events that fit them; a step
    none answers is said pending or unanswered, and noted in ``unanswered`` for
    `_check_triggered` to find a misdirected report for, and in ``by_others`` (its outcome's
    place, the reports of its chain by a party it does not name, its party and its trigger) for
    it to cite them. A step with an ``extension`` has its due moment moved by the notice of its
    chain made in time (``notices``), whose items cite it; one unanswered or late notes the
    notices of its chain made too late in ``notices.too_late``."""
    ctx = run.ctx
    triggers = list(_selected(run, rule, rule.trigger.action, rule.trigger.where, as_party(rule.trigger.by)))
    # an event whose `ref` names another event answers only the chain of that event: it is never
    # the first fit for another trigger, whether or not the event it names is checked here (dated
    # outside the range, a trigger of another version, of another part of a partitioned check)
    responses = [
        _Responses([e for e in run.events(step.action) if _where_matches(step.where, e)]) for step in rule.steps
    ]
    used_by_rule: set[str] = set()  # one event answers at most one step of one trigger
    taken: list[set[str]] = [used_by_rule for _ in rule.steps]
    parties = [(as_party(step.by) or Party(trigger="actor"), as_party(step.to)) for step in rule.steps]
    unless_events = run.events(rule.unless.action) if rule.unless is not None else ()
    unless_times = [e.time.timestamp() for e in unless_events]  # to start each search at its trigger
    for trig in triggers:
        previous: Event | None = trig
        previous_due: datetime = trig.time
        previous_note: str | None = None  # why previous_due is the soonest it can be (`_due_or_bound`)
        links = {trig.id}  # the trigger and the events of its chain so far: what a `ref` may name
        discharged: Event | None = None
        discharges_reported: set[str] = set()  # a finding for each unless event, at the first step it excuses
        for index, step in enumerate(rule.steps):
            number = index + 1
            if step.counted_from == "trigger":
                base_time, inherited = trig.time, None
            elif previous is not None:
                base_time, inherited = previous.time, None
            else:  # counted from a due moment that may itself be the soonest it can be
                base_time, inherited = previous_due, previous_note
            # where the calendar lacks a year the count needs and the soonest it can end is not
            # after the audit moment, only a response surely made in time is a verdict (`unsure`)
            due, uncounted, unsure = _due_or_bound(ctx, base_time, step.within, step.roll == "next-workday")
            uncounted = uncounted or inherited
            by = parties[index][0]
            to = parties[index][1]

            def candidate(
                e: Event,
                trig: Event = trig,
                taken: set[str] = taken[index],
                same: Sequence[str] = step.same,
                by: Party = by,
                links: Collection[str] = links,
            ) -> bool:
                if e.id in taken or e.id == trig.id or e.time < trig.time:
                    return False
                if e.ref is not None and e.ref not in links:
                    return False  # it answers the event it names
                if not run.party_matches(by, e.actor, trig, e.time):
                    return False
                return e.ref in links or _shares(e, trig, same)

            def fits(e: Event, trig: Event = trig, to: Party | None = to) -> bool:
                return to is None or run.party_matches(to, e.recipient, trig, e.time)

            scope = _actor_scope(by, trig)
            notice: Event | None = None
            prescribed, latest = due, due
            if step.extension is not None:
                latest, _, notice_unsure = _due_or_bound(ctx, due, step.extension.within, False)
                notice = notices.first(index, trig, links, scope, by, step.same, latest)
                # the soonest the within can end passed: a notice by then is in time whatever the
                # year, and the one taken where no later one would be (one naming the chain, made
                # after it, may be in time and preferred); else the year decides
                if notice_unsure is not None and notice is not notices.first(
                    index, trig, links, scope, by, step.same, ctx.as_of
                ):
                    raise notice_unsure
            if notice is None:
                chosen = responses[index].choose(trig, links, scope, candidate, fits, due)
            else:
                chosen, moved = _extended_step(
                    run, step, notice, responses[index], trig, links, scope, candidate, fits, due
                )
                if moved is None:  # answered before the notice came: it moved nothing
                    notice = None
                else:
                    notices.taken.add(notice.id)
                    due, uncounted, unsure = moved[0], moved[1] or uncounted, unsure or moved[2]
            add = items.append
            if notice is not None:
                assert step.extension is not None
                add = partial(_add_citing, items, run, notice, prescribed, step.extension.clause)
            # each step lapses on its own: an unless event after its response or its due moment
            # does not discharge it, though it discharges a step before or after it
            if rule.unless is not None:
                discharged = _trigger_discharge(run, rule.unless, unless_events, unless_times, trig, links, chosen, due)
            if unsure is not None and (
                discharged is not None or not responses[index].surely_chosen(chosen, links, candidate, fits, due)
            ):
                raise unsure
            base = {"actor": _expected_actor(run, trig, by, due), "period": trig.id, "opens": trig.time, "due": due}

            def params(  # a message's words, made for a finding only
                trig: Event = trig,
                by: Party = by,
                number: int = number,
                step: Step = step,
                due: datetime = due,
                uncounted: str | None = uncounted,
            ) -> dict[str, Any]:
                return {
                    "actor": _party_name(run, by, trig, due)
                    if by.relation is not None or (by.trigger is not None and party_named(trig, by.trigger) is None)
                    else _recipient_name(run, _expected_actor(run, trig, by, due)),
                    "rule": run.rule_name(rule),
                    "step": number,
                    "step_clause": "" if step.clause is None else word("step_clause", run.lang, clause=step.clause),
                    "action": "/".join(actions_of(step.action)),
                    "trigger": f"{trig.action} {trig.id} ({run.instant(trig.time)})",
                    "due": run.due_words(due, uncounted),
                    "period": trig.id,
                }

            detail = {"step": number, "trigger": trig.id}
            if discharged is not None:
                add(
                    run.outcome(
                        rule,
                        **base,
                        note=uncounted,
                        status="discharged",
                        step=number,
                        evidence=[trig.id, discharged.id],
                    )
                )
                if discharged.id not in discharges_reported:
                    discharges_reported.add(discharged.id)
                    add(
                        run.finding(
                            FindingCode.DISCHARGED,
                            rule,
                            {
                                **params(),
                                "period": trig.id,  # an event's id, though it may look like a period label
                                "unless": discharged.action,
                                "event": discharged.id,
                            },
                            **base,
                            evidence=[trig.id, discharged.id],
                            detail=detail,
                        )
                    )
                previous = None
                previous_due, previous_note = due, uncounted
                continue
            if chosen is not None:
                taken[index].add(chosen.id)
                links.add(chosen.id)
                on_time = chosen.time <= due
                status = "met" if on_time else "late-response"
                evidence = [trig.id, chosen.id]
                add(
                    run.outcome(rule, **base, note=uncounted, status=status, step=number, observed=1, evidence=evidence)
                )
                if not on_time:
                    late = _late_by(chosen.time, due)
                    if step.extension is not None and notice is None:
                        notices.note_too_late(len(items) - 1, index, trig, links, by, step.same, latest)
                    lateness = run.lateness(
                        chosen.time,
                        due,
                        elapsed=ctx.duration(step.within).elapsed,
                        # the deadline missed is counted as the last length added to it
                        workdays=_in_workdays(
                            run, step.within if notice is None or step.extension is None else step.extension.extends_by
                        ),
                    )
                    add(
                        run.finding(
                            FindingCode.LATE_RESPONSE,
                            rule,
                            {**params(), "late_by": lateness.words, "done": run.instant(chosen.time)}
                            | (
                                # a party of several actors: who of them did it
                                {
                                    "actor": word(
                                        "done_by", run.lang, name=run.name(chosen.actor), party=params()["actor"]
                                    )
                                }
                                if by.role is not None or by.relation is not None
                                else {}
                            ),
                            **base,
                            expected_min=1,
                            observed=1,
                            evidence=evidence,
                            late_by_seconds=late,
                            detail={**detail, **lateness.detail},
                        )
                    )
                previous, previous_due = chosen, due
                continue
            # not yet due, or due and never answered; a report of it sent elsewhere is cited once
            # every step's response is chosen (`_check_triggered`)
            code, status = (
                (FindingCode.PENDING, "pending") if due > ctx.as_of else (FindingCode.UNANSWERED, "unanswered")
            )
            words = params()
            others: list[Event] = []
            if code is FindingCode.UNANSWERED:
                # a report naming the chain by `ref`, but done by a party the step does not name,
                # answers nothing: cited, as an approval by another party is, once every step has
                # chosen its response (it may answer a later one)

                def by_another(e: Event, trig: Event = trig, by: Party = by) -> bool:
                    return e.time >= trig.time and not run.party_matches(by, e.actor, trig, e.time) and fits(e)

                others = responses[index].linked_where(links, by_another)
            if code is FindingCode.PENDING:  # which step is not yet due, as the others say
                words["rule"] = word(
                    "step_of", run.lang, step=number, step_clause=words["step_clause"], rule=words["rule"]
                )
            if to is not None and to.trigger is not None and party_named(trig, to.trigger) is None:
                # owed to a party the trigger does not name, which no report can reach: said,
                # for that is why the step stays open
                words["action"] += word("to", run.lang, recipient=_party_name(run, to, trig, due))

            def misdirected(
                e: Event,
                trig: Event = trig,
                base: dict[str, Any] = base,
                number: int = number,
                to: Party | None = to,
                words: dict[str, Any] = words,
                detail: dict[str, Any] = detail,
                due: datetime = due,
                uncounted: str | None = uncounted,
            ) -> list[Item]:
                said = {
                    **words,
                    "rule": word(
                        "step_of", run.lang, step=number, step_clause=words["step_clause"], rule=run.rule_name(rule)
                    ),
                    "period": trig.id,
                    # the party the report should have gone to on the day it went
                    "sent": _sent(
                        run, "sent_to", [e.recipient], expected=_party_name(run, to, trig._replace(time=e.time))
                    ),
                }
                return [
                    run.outcome(
                        rule, **base, note=uncounted, status="wrong-recipient", step=number, evidence=[trig.id, e.id]
                    ),
                    run.finding(
                        FindingCode.WRONG_RECIPIENT,
                        rule,
                        said,
                        **base,
                        expected_min=1,
                        observed=0,
                        evidence=[trig.id, e.id],
                        detail={
                            **detail,
                            "expected_recipient": _party_id(run, to, trig._replace(time=e.time)),
                            "found_recipients": [e.recipient],
                        },
                    ),
                ]

            frozen = frozenset(links)
            if notice is not None:
                assert step.extension is not None
                misdirected = partial(_misdirected_citing, misdirected, run, notice, prescribed, step.extension.clause)
            unanswered.append(
                _Unanswered(
                    len(items),
                    trig,
                    due,
                    responses[index],
                    frozen,
                    scope,
                    partial(candidate, links=frozen),
                    fits,
                    misdirected,
                )
            )
            if others:
                by_others.append((len(items), others, by, trig))
            if step.extension is not None and notice is None and code is FindingCode.UNANSWERED:
                notices.note_too_late(len(items), index, trig, links, by, step.same, latest)
            add(run.outcome(rule, **base, note=uncounted, status=status, step=number, evidence=[trig.id]))
            add(run.finding(code, rule, words, **base, expected_min=1, observed=0, evidence=[trig.id], detail=detail))
            # a report naming the chain but sent elsewhere is of the chain, whoever else it
            # answers nothing for: an event naming it by `ref` may answer a later step
            links.update(responses[index].linked_astray(links, candidate, fits))
            previous, previous_due, previous_note = None, due, uncounted


def _citing_others(
    run: _Run, outcome: Item, finding: Item, others: list[Event], by: Party, trig: Event
) -> tuple[Item, Item]:
    """An unanswered step's outcome and finding citing the reports of its chain made by a party
    other than ``by``, the step's (named through ``trig``): in their evidence, the finding's
    ``detail.other_party`` and its message ("found only by another: v1 by Office")."""
    ids = _ids(others)
    assert isinstance(finding, Finding)
    return (
        msgspec.structs.replace(outcome, evidence=(*outcome.evidence, *ids)),
        msgspec.structs.replace(
            finding,
            evidence=(*finding.evidence, *ids),
            detail={**finding.detail, "other_party": ids},
            message=finding.message + word("step_other_party", run.lang, events=_whose(run, others, by, trig)),
        ),
    )


class _Notices:
    """The events that may extend the due moment of a triggered rule's steps (each step's
    ``extension``), indexed as its responses are; the ones taken (``taken``: each extends one
    step of one chain), and, for `_check_triggered` to say, the notices of a chain made too late
    for a step left unanswered or late (``too_late``: its outcome's place, the notices, and the
    latest moment one could come)."""

    def __init__(self, run: _Run, rule: TriggeredRule) -> None:
        self.run = run
        self.by_step: list[_Responses | None] = [
            None
            if step.extension is None
            else _Responses([e for e in run.events(step.extension.action) if _where_matches(step.extension.where, e)])
            for step in rule.steps
        ]
        self.taken: set[str] = set()
        self.too_late: list[tuple[int, list[Event], datetime]] = []
        self._sharing: dict[int, dict[tuple[str | None, ...], list[Event]]] = {}

    def _may_extend(self, e: Event, trig: Event, links: Collection[str], by: Party, same: Sequence[str]) -> bool:
        """Whether ``e`` is a notice of ``trig``'s chain by the step's party ``by``: after the
        trigger, naming the chain by ``ref`` or naming nothing and sharing ``same`` with it, as
        a response is, and extending no other step."""
        if e.id in self.taken or e.id == trig.id or e.time < trig.time:
            return False
        if e.ref is not None and e.ref not in links:
            return False  # it answers the event it names
        if not self.run.party_matches(by, e.actor, trig, e.time):
            return False
        return e.ref in links or _shares(e, trig, same)

    def first(
        self,
        index: int,
        trig: Event,
        links: Collection[str],
        scope: tuple[bool, str | None] | None,
        by: Party,
        same: Sequence[str],
        latest: datetime,
    ) -> Event | None:
        """The notice that extends step ``index`` of ``trig``'s chain, if one came by ``latest``:
        the first naming the chain by ``ref``, else the first naming nothing (as a response is
        chosen)."""
        found = self.by_step[index]
        if found is None:
            return None
        may = partial(self._may_extend, trig=trig, links=links, by=by, same=same)
        return found.first_by(trig, links, scope, may, latest)

    def note_too_late(
        self,
        at: int,
        index: int,
        trig: Event,
        links: Collection[str],
        by: Party,
        same: Sequence[str],
        latest: datetime,
    ) -> None:
        """Note, for the step whose outcome is at ``items[at]``, the notices of ``trig``'s chain
        made after ``latest``: those naming the chain by ``ref``, and, where the step lists fields
        its response shares with the trigger (``same``), those naming nothing that share them."""
        found = self.by_step[index]
        if found is None:
            return

        def late(e: Event) -> bool:
            return e.time > latest and self._may_extend(e, trig, links, by, same)

        notes = found.linked_where(links, late)
        if same:
            sharing = self._sharing.get(index)
            if sharing is None:  # the free notices by the values of the fields `same` lists, once
                sharing = self._sharing[index] = defaultdict(list)
                for e in found.events:
                    if e.ref is None:
                        sharing[tuple(getattr(e, f) for f in same)].append(e)
            notes += [e for e in sharing.get(tuple(getattr(trig, f) for f in same), ()) if late(e)]
        if notes:
            self.too_late.append((at, sorted(notes, key=_event_key), latest))


def _extended_step(
    run: _Run,
    step: Step,
    notice: Event,
    responses: _Responses,
    trig: Event,
    links: set[str],
    scope: tuple[bool, str | None] | None,
    candidate: Callable[[Event], bool],
    fits: Callable[[Event], bool],
    prescribed: datetime,
) -> tuple[Event | None, tuple[datetime, str | None, CalendarError | None] | None]:
    """The response chosen for a step whose ``notice`` came in time, and the due moment the
    extension moves the ``prescribed`` one to, with its note and, where that is the soonest it
    can be and not after the audit moment, the error its caller raises unless a response made by
    then meets the step (`_due_or_bound`), the notice then one of the chain's events (a reply may
    name it by ``ref``); or, where the step was answered before the notice came (or at its
    instant), the response chosen without it, and ``None``."""
    assert step.extension is not None
    roll = step.roll == "next-workday"
    moved, uncounted, unsure = _due_or_bound(run.ctx, prescribed, step.extension.extends_by, roll)
    moved = max(moved, prescribed)
    added = notice.id not in links
    links.add(notice.id)
    chosen = responses.choose(trig, links, scope, candidate, fits, moved)
    if chosen is None or chosen.time > notice.time:
        return chosen, (moved, uncounted, unsure)
    if added:
        links.discard(notice.id)
    return responses.choose(trig, links, scope, candidate, fits, prescribed), None


def _add_citing(
    items: list[Item], run: _Run, notice: Event, prescribed: datetime, clause: str | None, item: Item
) -> None:
    """Add ``item``, of a step whose due moment ``notice`` moved, citing it (`_citing_extension`)."""
    items.append(_citing_extension(run, item, notice, prescribed, clause))


def _misdirected_citing(
    misdirected: Callable[[Event], list[Item]],
    run: _Run,
    notice: Event,
    prescribed: datetime,
    clause: str | None,
    e: Event,
) -> list[Item]:
    """The items ``misdirected`` makes of a report sent elsewhere, for a step whose due moment
    ``notice`` moved, each citing it (`_citing_extension`)."""
    return [_citing_extension(run, item, notice, prescribed, clause) for item in misdirected(e)]


def _citing_late_notices(
    run: _Run, outcome: Item, finding: Item, late: list[Event], latest: datetime
) -> tuple[Item, Item]:
    """An unanswered or late step's outcome and finding citing the notices of its chain made too
    late to extend it: in their evidence, the finding's ``detail.late_extension`` and its message
    ("ext1 came too late to extend it (after 2025-02-21 23:59:59 +08:00)")."""
    ids = _ids(late)
    assert isinstance(finding, Finding)
    events = word("list_sep", run.lang).join(f"{e.action} {e.id}" for e in late)
    return (
        msgspec.structs.replace(outcome, evidence=(*outcome.evidence, *ids)),
        msgspec.structs.replace(
            finding,
            evidence=(*finding.evidence, *ids),
            detail={**finding.detail, "late_extension": ids},
            message=finding.message + word("extension_too_late", run.lang, events=events, latest=run.instant(latest)),
        ),
    )


def _whose(run: _Run, events: Iterable[Event], party: Party | None, trig: Event) -> str:
    """Events listed each with whose it is, as a message cites those by another party than
    ``party`` (named through ``trig``): "v1 by Office, v2 by Dean A". One by a member of the
    party's relation on other days than its own says so ("v1 by Dean A (not a member of relation
    deans of Faculty on 2024-07-02)"), as the message may name that member among the party's."""
    return word("list_sep", run.lang).join(e.id + _by_whom(run, e, party, trig) for e in events)


def _by_whom(run: _Run, e: Event, party: Party | None, trig: Event) -> str:
    """Whose ``e`` is, for `_whose`: where its actor is ``party`` on other days than its own,
    with why it was not that day: not active (outside its ``active`` dates), not holding the
    party's role, or not a member of the party's relation."""
    who = run.name(e.actor)
    if party is None:
        return word("by", run.lang, party=who)
    day = run.local_date(e.time)
    relation, field = party.relation, party.trigger
    if relation is not None and field is not None:
        named = party_named(trig, field)
        if named is not None and e.actor in run.related(named, relation):
            if e.actor not in run.related(named, relation, day):
                actor = run.name(named)
                return word("by_non_member", run.lang, party=who, relation=relation, actor=actor, day=day)
            if not run.exists(e.actor, e.time):
                return word("by_inactive", run.lang, party=who, day=day)
    elif party.actor is not None and party.actor == e.actor and not run.exists(e.actor, e.time):
        return word("by_inactive", run.lang, party=who, day=day)
    elif party.role is not None and run.holds(e.actor, party.role):
        if not run.exists(e.actor, e.time):
            return word("by_inactive", run.lang, party=who, day=day)
        return word("by_not_holding", run.lang, party=who, role=party.role, day=day)
    return word("by", run.lang, party=who)


class _Responses:
    """The events that may answer one step of a triggered rule, indexed for `choose`.

    An event whose ``ref`` names another event can only answer the chain of that event (its
    trigger, or an earlier step's event), so such events are found by ``ref``; the others
    ("free" events) are searched by actor and time. The result is the one a scan of every event
    in time order would give.
    """

    def __init__(self, events: list[Event]) -> None:
        self.events = events
        self.by_ref: dict[str, int | list[int]] = {}
        self.free: list[int] = []
        self.free_by_actor: dict[str, list[int]] = defaultdict(list)
        for pos, e in enumerate(events):
            if e.ref is not None:
                _index_add(self.by_ref, e.ref, pos)
                continue
            self.free.append(pos)
            self.free_by_actor[e.actor].append(pos)
        self.times: dict[str | None, list[float]] = {}

    def _free_from(self, scope: tuple[bool, str | None], when: datetime) -> Iterator[int]:
        """Free positions (of one actor, or all) from the first event at or after ``when``."""
        everyone, actor = scope
        key = None if everyone else actor
        positions = self.free if key is None else self.free_by_actor.get(key, [])
        times = self.times.get(key)
        if times is None:
            times = self.times[key] = [self.events[p].time.timestamp() for p in positions]
        return iter(positions[bisect_left(times, when.timestamp()) :])

    def _linked(self, links: Collection[str]) -> list[Event]:
        """The events naming one of ``links`` by ``ref``, in time order."""
        return [self.events[pos] for pos in self._linked_at(links)]

    def _linked_at(self, links: Collection[str]) -> list[int]:
        found: list[int] = []
        for link in links:
            if link in self.by_ref:
                found.extend(_index_values(self.by_ref[link]))
        return sorted(set(found))

    def choose(
        self,
        trig: Event,
        links: Collection[str],
        scope: tuple[bool, str | None] | None,
        candidate: Callable[[Event], bool],
        fits: Callable[[Event], bool],
        due: datetime,
    ) -> Event | None:
        """The response chosen for ``trig``: the first fitting candidate linked by ``ref`` to one of
        ``links`` if it came by ``due``, else the first fitting candidate that did, else the first
        fitting one: a late report naming the trigger does not displace one made in time, so a
        later audit moment or an added report never turns a met step late."""
        answer = self.linked_answer(links, candidate, fits)
        if answer is not None and answer.time <= due:
            return answer
        if scope is not None:
            for pos in self._free_from(scope, trig.time):
                e = self.events[pos]
                if answer is not None and e.time > due:
                    break  # none free came in time: the late one naming the trigger answers it
                if candidate(e) and fits(e):
                    return e
        return answer

    def linked_answer(
        self, links: Collection[str], candidate: Callable[[Event], bool], fits: Callable[[Event], bool]
    ) -> Event | None:
        """The first fitting candidate linked by ``ref`` to one of ``links``: the one `choose`
        prefers where it came by the due moment."""
        return next((e for e in self._linked(links) if candidate(e) and fits(e)), None)

    def surely_chosen(
        self,
        chosen: Event | None,
        links: Collection[str],
        candidate: Callable[[Event], bool],
        fits: Callable[[Event], bool],
        soonest: datetime,
    ) -> bool:
        """Whether ``chosen``, chosen with the due moment ``soonest`` (the soonest the real one
        can be), is the response `choose` gives with any due moment no sooner, and made by it:
        made by ``soonest``, and the linked answer or with none (a linked one made after
        ``soonest`` might be in time, and preferred)."""
        if chosen is None or chosen.time > soonest:
            return False
        answer = self.linked_answer(links, candidate, fits)
        return answer is None or answer is chosen

    def first_by(
        self,
        trig: Event,
        links: Collection[str],
        scope: tuple[bool, str | None] | None,
        candidate: Callable[[Event], bool],
        until: datetime,
    ) -> Event | None:
        """The first candidate made by ``until``: of those linked by ``ref`` to one of ``links``,
        else of the free ones from ``trig``'s instant on (the search stops at ``until``)."""
        found = next((e for e in self._linked(links) if e.time <= until and candidate(e)), None)
        if found is not None or scope is None:
            return found
        for pos in self._free_from(scope, trig.time):
            e = self.events[pos]
            if e.time > until:
                break
            if candidate(e):
                return e
        return None

    def linked_where(self, links: Collection[str], keep: Callable[[Event], bool]) -> list[Event]:
        """The events linked by ``ref`` to one of ``links`` that ``keep`` keeps, in time order."""
        return [e for e in self._linked(links) if keep(e)]

    def linked_astray(
        self, links: Collection[str], candidate: Callable[[Event], bool], fits: Callable[[Event], bool]
    ) -> list[str]:
        """The ids of the candidates linked by ``ref`` to one of ``links`` that do not fit (sent
        elsewhere): of the chain, though they answer nothing."""
        return [e.id for e in self._linked(links) if candidate(e) and not fits(e)]

    def astray(
        self,
        trig: Event,
        links: Collection[str],
        scope: tuple[bool, str | None] | None,
        candidate: Callable[[Event], bool],
        fits: Callable[[Event], bool],
        cited: Collection[str],
    ) -> Event | None:
        """The misdirected report to cite for a step of ``trig`` none answered: the first in time
        of the candidates that do not fit and are not ``cited`` already, linked by ``ref`` to one
        of ``links`` or free (a report coming later never displaces it)."""

        def astray(pos: int) -> bool:
            e = self.events[pos]
            return e.id not in cited and candidate(e) and not fits(e)

        found = [next((pos for pos in self._linked_at(links) if astray(pos)), None)]
        if scope is not None:
            found.append(next((pos for pos in self._free_from(scope, trig.time) if astray(pos)), None))
        first = min((pos for pos in found if pos is not None), default=None)
        return None if first is None else self.events[first]


def _actor_scope(by: Party, trig: Event) -> tuple[bool, str | None] | None:
    """Which actors' events `_Run.party_matches` can accept for ``by``: (everyone, actor) or none.

    Mirrors the order of the tests in `_Run.party_matches`.
    """
    if by.actor is not None:
        return (False, by.actor)
    if by.role is not None or by.relation is not None:
        return (True, None)
    if by.trigger is not None:
        value = party_named(trig, by.trigger)
        return (False, value) if value is not None else None
    return None


def _expected_actor(run: _Run, trig: Event, by: Party, until: datetime | None = None) -> str:
    if by.relation is not None:
        return _party_id(run, by, trig, until) or trig.actor
    if by.trigger is not None:
        return party_named(trig, by.trigger) or trig.actor
    if by.actor is not None:
        return by.actor
    return f"role:{by.role}" if by.role else trig.actor


def _party_id(run: _Run, party: Party | None, trig: Event, until: datetime | None = None) -> str | None:
    """The id a party stands for, as report data: ``role:NAME`` for any holder of a role; for a
    relation of the actor the trigger names, its one member, or ``relation:NAME:ACTOR`` when it
    has none or several (members on the trigger's day, or on any day from it to ``until``, a
    step's due moment, by which another member may have taken over)."""
    if party is None:
        return None
    if party.trigger is not None:
        value = party_named(trig, party.trigger)
        if party.relation is not None and value is not None:
            members = _members_then(run, value, party.relation, trig, until)
            return members[0] if len(members) == 1 else f"relation:{party.relation}:{value}"
        return value
    if party.actor is not None:
        return party.actor
    return f"role:{party.role}" if party.role else None


def _members_then(run: _Run, named: str | None, relation: str, trig: Event, until: datetime | None) -> list[str]:
    """The members of ``named``'s ``relation`` a party through it stands for: on the event's day,
    or on any day from it to ``until``."""
    return run.related(named, relation, run.local_date(trig.time), run.local_date(until) if until else None)


def _party_name(run: _Run, party: Party | None, trig: Event, until: datetime | None = None) -> str:
    """A party as a message names it (the members of a relation by name, "A or B", as
    `_party_id` takes them)."""
    if party is None:
        return word("nothing", run.lang)
    if party.trigger is not None:
        named = party_named(trig, party.trigger)
        if named is None:  # the trigger names no subject (or recipient...): say so, not a blank
            field = party.trigger
            if field.startswith(ATTRIBUTE_FIELD):
                said = word("field_attribute", run.lang, name=field[len(ATTRIBUTE_FIELD) :])
            else:
                said = word(f"field_{field}", run.lang)
            whose = word("unnamed", run.lang, field=said, event=trig.id)
        else:
            whose = run.name(named)
        if party.relation is not None:
            members = _members_then(run, named, party.relation, trig, until)
            if members:
                return word("or", run.lang).join(map(run.name, members))
            return word("relation_members", run.lang, relation=party.relation, actor=whose)
        return whose
    if party.actor is not None:
        return run.name(party.actor)
    return word("role_holder", run.lang, role=party.role) if party.role else "?"


def _trigger_discharge(
    run: _Run,
    unless: EventFilter,
    events: Sequence[Event],
    times: Sequence[float],
    trig: Event,
    links: set[str],
    chosen: Event | None,
    due: datetime,
) -> Event | None:
    """The ``unless`` event that discharges the step due at ``due``: the first after the trigger,
    before the chosen response and no later than the due moment (a step already missed is not
    excused by what comes after: a payment five months late does not undo an unsent notice).
    One whose ``ref`` names the trigger or an event of its chain (``links``) discharges it
    whatever ``same`` asks; one naming anything else does not (it answers what it names, as a
    response does, whether or not that is checked here); one naming nothing does where it shares
    ``same`` with the trigger."""
    by, to = as_party(unless.by), as_party(unless.to)
    # whose it must be: the trigger's actor's own by default, whether or not it names the trigger;
    # what else it must share with the trigger where it names none: `same` (nothing by default)
    own = by is None and unless.same is None
    same = unless.same or ()
    for e in islice(events, bisect_left(times, trig.time.timestamp()), None):
        if e.time < trig.time or e.id == trig.id:
            continue
        if (chosen is not None and e.time >= chosen.time) or e.time > due:
            break
        if not _where_matches(unless.where, e):
            continue
        if by is not None and not run.party_matches(by, e.actor, trig, e.time):
            continue
        if own and e.actor != trig.actor:
            continue
        if to is not None and not run.party_matches(to, e.recipient, trig, e.time):
            continue
        if e.ref is not None:
            if e.ref in links:
                return e
            continue
        if not _shares(e, trig, same):
            continue
        return e
    return None


def _shares(e: Event, trig: Event, fields: Sequence[str]) -> bool:
    """Whether ``e`` shares each of ``fields`` with ``trig``: a field the trigger does not name
    (its subject, say) is shared with no event, as no event can be shown to concern it."""
    return all((value := getattr(trig, f)) is not None and getattr(e, f) == value for f in fields)


# ---------------------------------------------------------------------------------------------
# prerequisite, content, forbidden


def _guarded(run: _Run, rule: PrerequisiteRule | ContentRule | ForbiddenRule) -> Iterable[Event]:
    """The rule's guarded events, in time order, one at a time (not held in a tuple of their own)."""
    return _selected(run, rule, rule.action, rule.where, as_party(rule.by))


class _LinkIndex:
    """The events of one requirement, indexed by id, ref and subject.

    ``linkable(g)`` gives, in time order, the events linked to ``g`` (docs/semantics.md): by
    ``ref`` (its ``ref`` is their id, or their ``ref`` is its id) unless ``link`` is
    ``subject``, and by ``subject`` (the same, not empty) unless ``link`` is ``ref``. It gives
    what a scan of all the events would, without the cost of one scan per guarded event.

    ``events`` are in `_event_key` order, as `_Run.events` gives them. An index holds under each
    key the event itself, or from the second on a list of them in that order: no new object per
    event (a position would be an int object each, 13 MB for the 408,000 reviews of the 1M
    benchmark log).

    The index by id, one entry per event, is built at the first guarded event with a ``ref`` (in
    many logs, none has one).
    """

    def __init__(self, link: str, events: Sequence[Event]) -> None:
        self.events = events
        self.link = link
        self._by_id: dict[str, Event | list[Event]] | None = None
        self.by_ref = _indexed(events, _ref) if link != "subject" else {}
        self.by_subject = _indexed(events, _subject) if link != "ref" else {}

    def by_id(self) -> dict[str, Event | list[Event]]:
        if self._by_id is None:
            self._by_id = _indexed(self.events, _id)
        return self._by_id

    def linkable(self, g: Event) -> list[Event]:
        found: list[Event | list[Event]] = []
        if self.link != "subject":
            if g.ref is not None and g.ref in (by_id := self.by_id()):
                found.append(by_id[g.ref])
            if g.id in self.by_ref:
                found.append(self.by_ref[g.id])
        if self.link != "ref" and g.subject is not None and g.subject in self.by_subject:
            found.append(self.by_subject[g.subject])
        if not found:
            return []
        if len(found) == 1:
            only = found[0]
            return only[:] if type(only) is list else [only]  # type: ignore[list-item]
        linked = {id(e): e for item in found for e in _index_values(item)}
        return sorted(linked.values(), key=self._position)

    def candidates(self, g: Event) -> Sequence[Event]:
        """What `linkable` gives, not copied (not to be changed): where only the index by subject
        can hold events linked to ``g`` (it has no ``ref`` and no event names it by ``ref``), its
        entry itself, found by one look-up."""
        if self.link != "subject" and (g.ref is not None or (self.by_ref and g.id in self.by_ref)):
            return self.linkable(g)
        if self.link != "ref" and g.subject is not None:
            found = self.by_subject.get(g.subject)
            if found is not None:
                return found if isinstance(found, list) else (found,)
        return ()

    def _position(self, e: Event) -> int:
        """Where ``e`` is in ``events``: found by its key, then among its ties by identity."""
        events = self.events
        pos = bisect_left(events, _event_key(e), key=_event_key)
        while events[pos] is not e:
            pos += 1
        return pos


def _index_add(index: dict[str, _T | list[_T]], key: str, value: _T) -> None:
    """Add ``value`` (an event or a position, never a list) under ``key``: a lone value is kept as
    itself (most keys have one), a list only from the second on, which saves a list object per
    event in large logs."""
    found = index.get(key)
    if found is None:
        index[key] = value
    elif type(found) is list:
        found.append(value)
    else:
        index[key] = [found, value]  # type: ignore[list-item]


def _indexed(values: Sequence[Event], key: Callable[[Event], str | None]) -> dict[str, Event | list[Event]]:
    """Each of ``values`` under its ``key`` (none under ``None``), held as `_index_add` adding
    them one by one in order holds them; made in one call when no key repeats, and with no list
    of the keys (which for the 400,000 reviews of the 1M benchmark log, made and let go of
    before the rule's outcomes grow, still left its peak 1 to 3 MB higher)."""
    if all(map(is_, map(key, values), repeat(None))):  # no key at all (no event has a ref, say)
        return {}
    index: dict[Any, Event | list[Event]] = dict(zip(map(key, values), values, strict=True))
    index.pop(None, None)
    if len(index) < len(values) - countOf(map(key, values), None):  # a key repeats: a list, in order
        index = {}
        for value in values:
            k = key(value)
            if k is not None:
                _index_add(index, k, value)
    return index


def _index_values(found: _T | list[_T]) -> list[_T]:
    return found if type(found) is list else [found]  # type: ignore[list-item]


def _check_prerequisite(run: _Run, rule: PrerequisiteRule) -> Iterator[Item]:
    link = rule.link
    guarded = _guarded(run, rule)
    requirements = [
        (
            _LinkIndex(
                link,
                tuple(e for e in run.events(r.action) if _where_matches(r.where, e))
                if r.where
                else run.events(r.action),
            ),
            run.matcher(as_party(r.by)),
        )
        for r in rule.requires
    ]
    judge = _Prerequisite(run, rule, requirements)
    if len(requirements) != 1 or rule.lookback is not None or rule.min_age is not None:
        for g in guarded:
            yield from judge(g)
        return
    # One requirement, no age limits (the usual rule): a guarded event with an event before it
    # among those linked (in time order) is met by the last of them, its outcome made here
    # (most guarded events of a large log come here); any other guarded event goes through the
    # general bookkeeping of `_Prerequisite`.
    ((index, matches),) = requirements
    candidates = index.candidates
    rule_id, clause = rule.id, rule.clause
    for g in guarded:
        g_id, g_time = g.id, g.time
        last = None
        for e in candidates(g):
            if e.time <= g_time and e.id != g_id and (matches is None or matches(e.actor, g, e.time)):
                last = e
        if last is None:
            yield from judge(g)
            continue
        yield Outcome(
            rule=rule_id,
            clause=clause,
            actor=g.actor,
            period=g_id,
            opens=g_time,
            due=g_time,
            status="met",
            observed=1,
            expected_min=1,
            evidence=(g_id, last.id),
        )


_APPROVAL_WORDS = {
    "none": "approval_none",
    "other-party": "approval_other_party",
    "after": "approval_after",
    "too-recent": "approval_too_recent",
}


def _lookback_reaches(ctx: Context, rule: PrerequisiteRule, made: datetime, guarded: datetime) -> bool:
    """Whether a requirement of ``rule`` ``made`` then is recent enough for its guarded event at
    ``guarded``: the rule's ``lookback`` counted from it ends no sooner. Rolled (``roll``), it is
    asked only where the count alone ends before ``guarded``, as a roll only delays: a year the
    calendar lacks is then needed only where the roll may decide. The testing kit ages its
    approvals by it."""
    lookback = rule.lookback or ""
    if ctx.deadline(made, lookback) >= guarded:
        return True
    return rule.roll == "next-workday" and ctx.deadline(made, lookback, roll=True) >= guarded


class _Prerequisite:
    """A prerequisite rule's verdict on one guarded event: met, or unapproved with its finding,
    which says of each requirement not met what was missing (none linked, only after, too old,
    too recent). The words that do not depend on the guarded event are made once per rule."""

    def __init__(self, run: _Run, rule: PrerequisiteRule, requirements: list[tuple[_LinkIndex, Any]]) -> None:
        self.run = run
        self.rule = rule
        self.requirements = requirements
        self.expected = len(requirements) if rule.mode == "all" else 1
        self.joiner = word("and" if rule.mode == "all" else "or", run.lang)
        self.parties = [as_party(req.by) for req in rule.requires]
        self.actions = ["/".join(actions_of(req.action)) for req in rule.requires]
        self.by = [party.model_dump(exclude_defaults=True) if party else None for party in self.parties]
        # the ages asked for, as the language says them (a rule writes "30 days" or a term)
        self.age, self.lookback = (
            None if text is None else duration_words(run.ctx.duration(text), run.lang)
            for text in (rule.min_age, rule.lookback)
        )
        self.reach = None if rule.lookback is None else run.ctx.duration(rule.lookback)
        # what each requirement asks for, in words, where the party does not depend on the event
        self.what = [
            None if party is not None and party.trigger is not None else self._what(k, None)
            for k, party in enumerate(self.parties)
        ]

    def _what(self, k: int, g: Event | None) -> str:
        what, party = self.actions[k], self.parties[k]
        if party is None:
            return what
        return what + word("by", self.run.lang, party=_party_name(self.run, party, g))  # type: ignore[arg-type]

    def __call__(self, g: Event) -> Iterator[Item]:
        run, rule = self.run, self.rule
        ctx = run.ctx
        g_id, g_time = g.id, g.time
        states: list[tuple[str, list[Event]]] = []
        oks = 0
        for index, matches in self.requirements:
            linkable = [e for e in index.linkable(g) if e.id != g_id]
            linked = linkable if matches is None else [e for e in linkable if matches(e.actor, g, e.time)]
            before = [e for e in linked if e.time <= g_time]
            if not before:
                # none by the party asked; one by another party before it is said and cited, as
                # a report sent elsewhere is (a signature by the secretary, not the chair)
                others = [e for e in linkable if e.time <= g_time] if not linked and matches is not None else []
                states.append(("after", linked) if linked else ("other-party", others) if others else ("none", []))
                continue
            fresh = before
            if rule.lookback is not None:
                fresh = [e for e in before if _lookback_reaches(ctx, rule, e.time, g_time)]
                if not fresh:
                    states.append(("too-old", before))
                    continue
            if rule.min_age is not None:
                aged = [e for e in fresh if ctx.earliest(e.time, rule.min_age) <= g_time]
                if not aged:
                    states.append(("too-recent", fresh))
                    continue
                fresh = aged
            states.append(("ok", [fresh[-1]]))
            oks += 1
        satisfied = oks == len(states) if rule.mode == "all" else oks > 0
        evidence = [g_id] + [evs[0].id for s, evs in states if s == "ok"]
        if len(evidence) > 2:  # one event may meet several requirements (its actor holds both roles): cited once
            evidence = list(dict.fromkeys(evidence))
        base = {"actor": g.actor, "period": g_id, "opens": g_time, "due": g_time}
        if satisfied:
            yield run.outcome(rule, **base, status="met", observed=oks, expected_min=self.expected, evidence=evidence)
            return
        gaps = []
        parts = []
        stale = []  # the requirements met too long before: said as lateness, not as lacking
        for k, (state, evs) in enumerate(states):
            if state == "ok":
                continue
            what = self.what[k]
            if what is None:
                what = self._what(k, g)
            ids = _ids(evs)
            by = self.by[k]
            gap = {"requirement": self.actions[k], "by": dict(by) if by is not None else None, "problem": state}
            gaps.append({**gap, "events": ids})
            if state == "too-old":
                age = self._age(evs[-1], g)  # the latest, the one nearest to serving
                gap_words = "approval_too_old_period" if self.reach and self.reach.period_end else "approval_too_old"
                said = word("list_sep", run.lang).join(ids)
                words = duration_words(age, run.lang)
                stale.append(word(gap_words, run.lang, what=what, events=said, age=words, lookback=self.lookback))
                gaps[-1]["age"] = str(age)
                continue
            # by another party: each named with whose it is
            shown = (
                _whose(run, evs, self.parties[k], g) if state == "other-party" else word("list_sep", run.lang).join(ids)
            )
            parts.append(
                word(_APPROVAL_WORDS[state], run.lang, what=what, events=shown, age=self.age, lookback=self.lookback)
            )
        related = list(dict.fromkeys(e.id for _, evs in states for e in evs if e.id not in evidence))
        yield run.outcome(
            rule, **base, status="unapproved", observed=oks, expected_min=self.expected, evidence=evidence + related
        )
        params = {
            "actor": run.name(g.actor),
            "action": g.action,
            "event": g_id,
            "done": run.instant(g_time),
            "missing": self.joiner.join(parts),
            "stale": self.joiner.join(stale),
        }
        finding = run.finding(
            FindingCode.UNAPPROVED,
            rule,
            params,
            **base,
            expected_min=self.expected,
            observed=oks,
            evidence=evidence + related,
            detail={"missing": gaps, "mode": rule.mode},
        )
        if stale:  # an approval too old is said as the time that passed since it, beside what lacks
            said = word("unapproved_and_too_old" if parts else "unapproved_too_old", run.lang, **params)
            finding = msgspec.structs.replace(finding, message=said)
        yield finding

    def _age(self, required: Event, g: Event) -> Duration:
        """How long before ``g`` the event ``required`` was made, in the unit of the rule's
        lookback, as the lookback counts it: the least the lookback would have to be to reach
        ``g`` (an approval of Monday for a lecture on the Saturday after next is 10 workdays
        old: a lookback of 9 ends on the Friday). A lookback in weeks, months or years, or a
        period's end, is said in days; one in workdays, in days too where the calendar has no
        holiday data for a day between."""
        reach = self.reach
        assert reach is not None  # a requirement is too old only against a lookback
        run = self.run
        if reach.elapsed:
            seconds = (g.time - required.time).total_seconds()
            size = 3600 if reach.unit is Unit.HOURS else 60
            return Duration(math.ceil(seconds / size), reach.unit)
        first, last = run.local_date(required.time), run.local_date(g.time)
        calendar = run.ctx.calendar
        if reach.unit is Unit.WORKDAYS and calendar is not None:
            with contextlib.suppress(CalendarError):
                return Duration(_workdays_to(calendar, first, last), Unit.WORKDAYS)
        return Duration((last - first).days, Unit.DAYS)


def _check_content(run: _Run, rule: ContentRule) -> Iterator[Item]:
    from jsonschema import Draft202012Validator
    from referencing.exceptions import Unresolvable

    validator = Draft202012Validator(rule.schema_)
    for e in _guarded(run, rule):
        base = {"actor": e.actor, "period": e.id, "opens": e.time, "due": e.time}
        try:
            errors = sorted(validator.iter_errors(e.as_record()), key=lambda err: list(err.absolute_path))
        except Unresolvable as exc:  # a rule set made in Python, or a part with an $id of its own
            raise InvalidArgument(f"rule {rule.id!r}: a '$ref' of its schema does not resolve: {exc}") from None
        if not errors:
            yield run.outcome(rule, **base, status="met", observed=1, evidence=[e.id])
            continue
        described = [{"pointer": _pointer(err.absolute_path), "message": err.message} for err in errors]
        custom = text_in(rule.message, run.lang, "")
        if custom:  # the rule's own words, with the places that fail them: which part is wanting
            places = (
                _wanting(err, d["pointer"]) or word("the_record", run.lang)
                for d, err in zip(described, errors, strict=True)
            )
            text = custom + word("at_places", run.lang, places=word("list_sep", run.lang).join(dict.fromkeys(places)))
        else:
            text = "; ".join(
                f"{d['pointer'] or word('the_record', run.lang)}: {schema_error_text(err, run.lang)}"
                for d, err in zip(described, errors, strict=True)
            )
        _cut_parents(errors)
        yield run.outcome(rule, **base, status="missing-content", observed=0, evidence=[e.id])
        yield run.finding(
            FindingCode.MISSING_CONTENT,
            rule,
            {"actor": run.name(e.actor), "action": e.action, "event": e.id, "errors": text},
            **base,
            observed=0,
            evidence=[e.id],
            detail={"errors": described},
        )


def schema_error_text(error: Any, lang: str) -> str:
    """A content rule's failing part (a ``jsonschema`` error) in ``lang``: the package's own words
    in English; in another language the catalogue's words for its keyword (``schema``: ``required``,
    ``type``, ``minLength``, ``enum``...), with the value shown as JSON, else the package's words."""
    words: dict[str, Any] = catalogue(lang).get("schema", {})
    template = words.get(str(error.validator))
    values = _schema_values(error, words, lang) if template is not None else None
    return error.message if template is None or values is None else fill(str(template), values)


def _schema_values(error: Any, words: dict[str, Any], lang: str) -> dict[str, Any] | None:
    """The values a keyword's words name, or None where they cannot be told (the package's words
    stand)."""
    keyword, expected, instance = error.validator, error.validator_value, error.instance
    if (
        (keyword in ("oneOf", "anyOf") and not error.context)  # oneOf: more than one held
        or (keyword == "contains" and ("minContains" in error.schema or "maxContains" in error.schema))
        or (keyword == "uniqueItems" and expected is not True)
        or (keyword == "additionalProperties" and (expected is not False or not isinstance(instance, dict)))
    ):
        return None
    values: dict[str, Any] = {"instance": _as_json(instance), "limit": _as_json(expected)}
    if keyword == "required":
        said = re.fullmatch(r"(.+) is a required property", error.message)
        missing = [name for name in expected if isinstance(instance, dict) and name not in instance]
        names = [name for name in missing if said and said.group(1) == repr(name)]
        if len(names) != 1:
            return None
        values["name"] = _as_json(names[0])
    elif keyword == "type":
        types = [expected] if isinstance(expected, str) else list(expected)
        values["expected"] = "/".join(str(words.get("types", {}).get(t, t)) for t in types)
    elif keyword == "pattern":
        values["pattern"] = _as_json(expected)
    elif keyword == "format":
        values["format"] = expected
    elif keyword == "enum":
        values["values"] = word("list_sep", lang).join(map(_as_json, expected))
    elif keyword == "const":
        values["value"] = _as_json(expected)
    elif keyword == "additionalProperties":
        known, patterns = error.schema.get("properties", {}), error.schema.get("patternProperties", {})
        extra = sorted(
            (
                k
                for k in instance
                if k not in known and not (isinstance(k, str) and any(re.search(p, k) for p in patterns))
            ),
            key=str,
        )
        values["names"] = word("list_sep", lang).join(map(_as_json, extra))
    return values


def _as_json(value: Any) -> str:
    """A value as JSON writes it (``"x"``, ``true``, ``null``), cut to 80 characters."""
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 80 else text[:79] + "…"


def _surely_after(ctx: Context, anchor: datetime, gap: str, stop: datetime) -> bool:
    """Whether a rolling interval's gap of ``gap`` from ``anchor`` ends on or after ``stop``
    however a business-day calendar counts it and rolls it (`_soonest`). Such a gap owes nothing
    (the rule or the actor ends first), and need not be counted in a year the calendar holds no
    data for."""
    return _soonest(ctx, anchor, gap) >= stop


def _soonest(ctx: Context, anchor: datetime, text: str) -> datetime:
    """The soonest a duration ``text`` from ``anchor`` can end, however a business-day calendar
    counts it and rolls it: counted in calendar days and not rolled, which no workday count (a
    workday is a day) and no roll makes sooner. It needs no calendar's year."""
    duration = ctx.duration(text)
    days = Duration(duration.amount, Unit.DAYS) if duration.unit is Unit.WORKDAYS else duration
    return deadline(anchor, days, tz=ctx.tz, calendar=None, month_policy=ctx.rules.month_policy)


def _due_or_bound(
    ctx: Context, start: datetime, text: str, roll: bool
) -> tuple[datetime, str | None, CalendarError | None]:
    """The moment ``text`` after ``start`` (rolled to a workday if ``roll``), None and None; or,
    where counting it in workdays (or rolling it) passes through a year the calendar has no
    holidays for, the soonest it can be (`_soonest`) and the note saying so (`_uncounted_note`),
    with the error where that soonest moment is not after the audit moment.

    After the audit moment, the soonest moment moves no verdict: an obligation due then is
    pending, or met by an event before it, however the calendar will count it (a December
    application's 20 workdays, audited before the next year's holidays are published). By the
    audit moment, only an event made by then meets it whatever the year (a step's response,
    `_Responses.surely_chosen`; a rolling gap's next event; an extended period's reports,
    `_surely_met`); the caller raises the error where none does."""
    try:
        return ctx.deadline(start, text, roll=roll), None, None
    except CalendarError as error:
        if ctx.calendar is None:
            raise
        soonest = _soonest(ctx, start, text)
        return soonest, _uncounted_note(ctx.calendar, error), error if soonest <= ctx.as_of else None


def _uncounted_note(calendar: BusinessCalendar, error: CalendarError) -> str:
    """The note of a due moment that is the soonest the count can end, for want of ``error``'s
    year: one the calendar may yet hold (after its years), or one it does not cover (before or
    between them), whose holidays are not to be waited for."""
    year = error.year if error.year is not None else 0
    template = UNCOUNTED_NOTE if calendar.ahead(year) else UNCOUNTED_UNCOVERED_NOTE
    return template.format(calendar=calendar.name, year=error.year)


def _pointer(path: Iterable[str | int]) -> str:
    """The JSON pointer (RFC 6901) of a place in an event's record: ``""`` for the record itself,
    ``/attributes/a~1b`` for the attribute ``a/b``."""
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in path)


def _wanting(error: Any, pointer: str) -> str:
    """Where a content rule's ``error`` is: its ``pointer``, or for a property ``required`` there,
    the property's (``/attributes/sign_off``, not ``/attributes``)."""
    if error.validator == "required" and isinstance(error.instance, dict) and isinstance(error.validator_value, list):
        for name in error.validator_value:
            if isinstance(name, str) and name not in error.instance and repr(name) in error.message:
                return _pointer([*error.absolute_path, name])
    return pointer


def _cut_parents(errors: Iterable[Any]) -> None:
    """Let go of the links from each of ``errors``' sub-errors (those of ``anyOf``, ``oneOf``...)
    back to their parent, once the errors are described: ``jsonschema`` links them both ways,
    and such a cycle is freed only by the cyclic garbage collector (19 objects for each event that
    fails a two-way ``anyOf``, held until it runs). The tree that is left is freed with the errors."""
    stack = list(errors)
    while stack:
        error = stack.pop()
        for sub in error.context:
            sub.parent = None
            stack.append(sub)


def _check_forbidden(run: _Run, rule: ForbiddenRule) -> Iterator[Item]:
    for e in _guarded(run, rule):
        base = {"actor": e.actor, "period": e.id, "opens": e.time, "due": e.time}
        yield run.outcome(rule, **base, status="forbidden", observed=1, expected_min=0, expected_max=0, evidence=[e.id])
        yield run.finding(
            FindingCode.FORBIDDEN,
            rule,
            {"actor": run.name(e.actor), "action": e.action, "event": e.id, "done": run.instant(e.time)},
            **base,
            observed=1,
            expected_min=0,
            expected_max=0,
            evidence=[e.id],
        )


def _check_informative(run: _Run, rule: InformativeRule) -> Iterator[Item]:
    return iter(())


CHECKERS: Mapping[str, Callable[[_Run, Any], Iterator[Item]]] = {
    "recurring": _check_recurring,
    "triggered": _check_triggered,
    "prerequisite": _check_prerequisite,
    "content": _check_content,
    "forbidden": _check_forbidden,
    "informative": _check_informative,
}
"""One checker per rule kind."""


def _rule_actions(rule: Rule) -> set[str]:
    return {name for selector in selectors(rule) for name in actions_of(selector.action)}


# ---------------------------------------------------------------------------------------------
# public


@dataclass
class _Accounting:
    """Counts over the input records.

    ``first_seen`` is the per-event state that duplicate detection needs: each accepted event id
    with the line it was read at (the file only where it differs from ``first_file``), sharing the
    event's own id string and line number rather than building new objects. ``first_top`` is the
    last line of ``first_file`` when its events' lines rose strictly (a line names one event),
    else None. ``numbered`` names the logs whose records are numbered rather than lined (a JSON
    array, an XES log: ``record_numbered`` of `check`), where a duplicate and the record it
    repeats are said as records: known per file, so that no event carries it.
    """

    read: int = 0
    rejected: int = 0
    after_as_of: int = 0
    files: Counter[str] = field(default_factory=Counter)
    actions: Counter[str] = field(default_factory=Counter)
    unknown: dict[str, list[str]] = field(default_factory=dict)
    first_seen: dict[str, int | None] = field(default_factory=dict)
    first_file: str | None = None
    first_top: int | None = None
    other_files: dict[str, str | None] = field(default_factory=dict)
    numbered: frozenset[str] = frozenset()
    names: dict[str, str] = field(default_factory=dict)

    def duplicate(self, event: Event) -> Rejected:
        """The rejection of ``event``, whose id an accepted event holds: said where it was read,
        with where the first was read (``file:line``, or its record in a log that numbers its
        records), or, for an event made in Python with no file or line, that it came first.

        Where one of the two has no id of its own and is named by its place (`named_by_place`),
        and the other gives that name as its id, the two are two records, not one read twice: the
        rejection says so, and which one to give an id. The record without an id is rejected
        without one."""
        event_id = event.id
        file = self.other_files.get(event_id, self.first_file)
        line = self.first_seen[event_id]
        if file is None or line is None:
            reason = Reason("duplicate-id-given", id=event_id)
            return self.rejection(event, reason)
        numbered = "-record" if file in self.numbered else ""
        place = {"file": file, "n": line} if numbered else {"file": file, "line": line}
        unnamed = named_by_place(event_id, event.file, event.line)
        if unnamed != named_by_place(event_id, file, line):
            key = "unnamed-name-taken" if unnamed else "id-names-unnamed"
            where = event.file or "<events>"
            said = Reason(key + numbered, id=event_id, **place)
            shown_id = None if unnamed else event_id
            return Rejected(where, event.line, said, shown_id, numbered=where in self.numbered, actor=event.actor)
        return self.rejection(event, Reason("duplicate-id" + numbered, id=event_id, **place))

    def name_of(self, file: str) -> str:
        """``file`` as the reports people read name a log, and its records without an id are
        named: the name its reader gave it (a rejected record of it says it), else `log_name`
        among the logs read so far."""
        named = self.names.get(file)
        return named if named is not None else log_name(file, self.files)

    def rejection(self, event: Event, reason: Reason) -> Rejected:
        """``event``'s record rejected for ``reason``, said where it was read (as a record in a log
        that numbers its records)."""
        where = event.file or "<events>"
        return Rejected(where, event.line, reason, event.id, numbered=where in self.numbered, actor=event.actor)


_INGEST_BATCH = 512
"""How many records `_ingest` takes at a time (see there)."""


def _ingest(
    run: _Run, records: Iterable[Event | Rejected], wanted: set[str], bare: set[str], acc: _Accounting
) -> Iterator[Finding]:
    """Account for every record and keep the events the rules use, by action, in input order;
    an event of an action in ``bare`` is kept without its attributes, which no rule reads.

    The records are taken `_INGEST_BATCH` at a time. A batch of events of one file (no rejected
    record), none of them a duplicate or dated after the audit moment, all their times at one
    fixed offset, is accounted for in one call (`_account_batch`); any other batch is looked at
    a record at a time. Both ways count the same.

    The events of an action are gathered in tuples of ``_PART`` (see ``_PART``) and joined into one
    tuple at the end.
    """
    known = {a.id for a in run.ctx.org.actors}
    as_of = run.ctx.as_of
    bounds: dict[Any, datetime | None] = {}  # the audit moment at each fixed offset met
    fixed: dict[timedelta | None, timezone] = {}  # one fixed offset object per offset
    by_action: dict[str, list[Event]] = {}
    parts: dict[str, list[tuple[Event, ...]]] = {}
    seen = acc.first_seen
    files = acc.files
    actions = acc.actions
    first_file: str | None = None
    started = False
    rising, top = False, 0

    def bound_of(zone: Any) -> datetime | None:
        if zone not in bounds:
            bounds[zone] = _at_offset(as_of, zone)
        return bounds[zone]

    stream = iter(records)
    while batch := list(islice(stream, _INGEST_BATCH)):
        done = None
        if started:
            done = _account_batch(
                batch, Event, seen, bound_of, first_file, acc.other_files, rising, top, known, wanted, bare,
                by_action, parts, _PART, _stripped,
            )  # fmt: skip
        if done is not None:
            rising, top, all_known = done
            acc.read += len(batch)
            files[batch[0].file or "<events>"] += len(batch)
            actions.update(map(_action, batch))
            if not all_known:
                for event in cast(list[Event], batch):
                    if event.actor not in known:
                        acc.unknown.setdefault(event.actor, []).append(event.id)
            continue
        for record in batch:
            acc.read += 1
            files[record.file or "<events>"] += 1
            if type(record) is not Event and isinstance(record, Rejected):
                acc.rejected += 1
                yield _rejected(run, record, acc)
                continue
            event_id = record.id
            if event_id in seen:
                acc.rejected += 1
                yield _rejected(run, acc.duplicate(record), acc)
                continue
            line = record.line
            if not started:
                started = True
                first_file = acc.first_file = record.file
                rising, top = line is not None and line >= 0, line or 0
            elif record.file != first_file:
                acc.other_files[event_id] = record.file
            elif rising:
                if line is not None and line > top:
                    top = line
                else:
                    rising = False
            seen[event_id] = line
            actions[record.action] += 1
            if record.actor not in known:
                acc.unknown.setdefault(record.actor, []).append(event_id)
            zone = record.time.tzinfo
            if zone is None or record.time.utcoffset() is None:  # an event made in Python
                raise InvalidArgument(
                    f"event {event_id!r} has a naive time, {record.time.isoformat()}: an event's time must be "
                    "timezone-aware (read_events reads a time without an offset in the zone it is given, zone_of(rules, org))"
                )
            if record.time > as_of:
                acc.after_as_of += 1
                continue
            if type(zone) is not timezone:
                # a zone with DST (an event made in Python): kept at its offset at that instant,
                # as a reader gives it, for two times sharing such a zone compare by wall time
                # (wrong in the hour a clock change repeats)
                offset = record.time.utcoffset()
                record = record._replace(time=record.time.replace(tzinfo=fixed.setdefault(offset, timezone(offset))))  # type: ignore[arg-type]
            if record.action in wanted:
                _hold(by_action, parts, record.action, _stripped(record) if record.action in bare else record, _PART)
    for name, held in by_action.items():
        run.events_by_action[name] = (*chain.from_iterable(parts.get(name, ())), *held)
    acc.first_top = top if rising else None


def _stripped(event: Event) -> Event:
    """``event`` without its attributes (itself if it has none)."""
    return event._replace(attributes=NO_ATTRIBUTES) if event.attributes else event


def _hold(
    by_action: dict[str, list[Event]], parts: dict[str, list[tuple[Event, ...]]], action: str, event: Event, part: int
) -> None:
    """Keep ``event`` among those of ``action``: in a list, moved ``part`` events at a time into a
    tuple of ``parts``."""
    held = by_action.setdefault(action, [])
    held.append(event)
    if len(held) == part:
        parts.setdefault(action, []).append(tuple(held))
        held.clear()


def _account(
    batch: list[Event | Rejected],
    event_type: type[Event],
    seen: dict[str, int | None],
    bound_of: Callable[[Any], datetime | None],
    first_file: str | None,
    other_files: dict[str, str | None],
    rising: bool,
    top: int,
    known: set[str],
    wanted: set[str],
    bare: set[str],
    by_action: dict[str, list[Event]],
    parts: dict[str, list[tuple[Event, ...]]],
    part: int,
    stripped: Callable[[Event], Event],
) -> tuple[bool, int, bool] | None:
    """The accounting of a batch of events a field at a time (`_speedups.account` in C, when
    built): for a batch of ``event_type`` instances of one file, their times at one offset whose
    audit moment ``bound_of`` gives and none after it, and no id seen before or twice, each id
    goes into ``seen`` with its line (and into ``other_files`` with the file, if that is not
    ``first_file``), and each event of an action in ``wanted`` is held (see `_hold`; without its
    attributes for an action in ``bare``).

    Returns whether the lines still rise (given that they did, as ``rising``, up to ``top``), the
    last line, and whether every actor is in ``known``; None, having changed nothing, for any
    other batch.
    """
    if set(map(type, batch)) != {event_type}:
        return None
    events = cast(list[Event], batch)
    fresh = dict(zip(map(_id, events), map(_line, events), strict=True))
    zones = set(map(_tzinfo, map(_time, events)))
    file = events[0].file
    if len(fresh) != len(events) or len(zones) != 1 or set(map(_file, events)) != {file}:
        return None
    bound = bound_of(zones.pop())
    if bound is None or max(map(_time, events)) > bound or not seen.keys().isdisjoint(fresh):
        return None
    if file != first_file:
        other_files.update(zip(fresh, repeat(file)))
    elif rising:
        lines = list(fresh.values())
        rising = None not in lines and lines[0] > top and all(map(lt, lines, islice(lines, 1, None)))
        top = lines[-1] if rising else top
    seen.update(fresh)
    for event in events:
        if event.action in wanted:
            _hold(by_action, parts, event.action, stripped(event) if event.action in bare else event, part)
    return rising, top, known.issuperset(map(_actor, events))


# (a C module built from older sources, without `account`, leaves the accounting to Python)
_account_batch = getattr(_speedups, "account", _account)


def _at_offset(when: datetime, zone: Any) -> datetime | None:
    """``when`` at ``zone`` if that is a fixed offset (two datetimes with one fixed offset compare
    by their fields, fast and as instants), else None (a zone with DST compares by wall time)."""
    if type(zone) is not timezone:
        return None
    try:
        return when.astimezone(zone)
    except OverflowError:
        return None


_NOT_SEEN: Any = object()


class _Used:
    """The accepted events ``cited`` names (event ids, repeats and other ids among them): how
    many (``count``), and which accepted events it leaves out (`unused`).

    A set of the cited ids would tell both, but it would be the largest object of the check's
    last moments (34 MB at 1M events, 270 MB at 10M). When the lines of the first file rose
    strictly from 0 or more, so that a line names one event, and they are not spread far wider
    than the events (as a log's lines are), its events are marked in a bitmap by line (a byte per
    line) instead; the others go into a set.
    """

    def __init__(self, acc: _Accounting, cited: Iterable[str]) -> None:
        seen = acc.first_seen
        other_files = acc.other_files
        self.acc = acc
        self.marks = marks = _bitmap(acc)
        self.rest: set[str] = set()
        if marks is not None and not other_files:
            # every accepted event has its line in the bitmap: marked in one pass of calls (a cited
            # id not accepted has none)
            lines = cast(Iterator[int], filter(partial(is_not, None), map(seen.get, cited)))
            deque(map(marks.__setitem__, lines, repeat(1)), maxlen=0)
            self.count = marks.count(1)
            return
        for event_id in cited:
            line = seen.get(event_id, _NOT_SEEN)
            if line is _NOT_SEEN:
                continue
            if marks is not None and line is not None and event_id not in other_files:
                marks[line] = 1
            else:
                self.rest.add(event_id)
        self.count = (marks.count(1) if marks is not None else 0) + len(self.rest)

    def unused(self) -> Iterator[str]:
        """The accepted events ``cited`` does not name, in the order they were accepted: told in
        one pass of calls where every one is in the bitmap, or none is, else one at a time."""
        acc, marks = self.acc, self.marks
        if marks is None:
            return compress(acc.first_seen, map(not_, map(self.rest.__contains__, acc.first_seen)))
        if not acc.other_files:
            return _unmarked(acc, marks)
        return (event_id for event_id in acc.first_seen if not self._used(event_id))

    def _used(self, event_id: str) -> bool:
        line = self.acc.first_seen[event_id]
        if self.marks is not None and line is not None and event_id not in self.acc.other_files:
            return bool(self.marks[line])
        return event_id in self.rest


def _bitmap(acc: _Accounting) -> bytearray | None:
    """A byte for each line of the first file, where its lines rose strictly from 0 or more (a
    line names one event) and are not spread far wider than the events (as a log's lines are);
    None otherwise."""
    top = acc.first_top
    return bytearray(top + 1) if top is not None and top <= 4 * len(acc.first_seen) + 1024 else None


def _unmarked(acc: _Accounting, marks: bytearray) -> Iterator[str]:
    """The accepted events whose line ``marks`` leaves 0, in the order they were accepted, told
    in one pass of calls: every accepted event has its line in the bitmap (one file)."""
    seen = acc.first_seen
    return compress(seen, map(not_, map(marks.__getitem__, cast(Iterable[int], seen.values()))))


def _unused_records(acc: _Accounting, unused_ids: Iterator[str], unused: int) -> tuple[UnusedRecord, ...]:
    """The first `UNUSED_LISTED` of the ``unused`` accepted events ``unused_ids`` gives (in the
    order they were accepted), in the order they were read (file, line, then id: `_read_at`),
    each with where it was read. Taken as they come where they were accepted in that order (one
    file, its lines rising), else the least by that order of all of them."""
    if not unused:
        return ()
    if not acc.other_files and acc.first_top is not None:
        first = list(islice(unused_ids, UNUSED_LISTED))
    else:
        first = heapq.nsmallest(UNUSED_LISTED, unused_ids, key=partial(_read_at, acc))
    return tuple(
        UnusedRecord(id=event_id, file=acc.other_files.get(event_id, acc.first_file), line=acc.first_seen[event_id])
        for event_id in first
    )


def _unread_periods(run: _Run, rules: Sequence[Rule], acc: _Accounting) -> dict[str, Event]:
    """The events a recurring rule reads (its action and ``where``) that name a period no label
    or calendar of the organisation holds (``01/2024``, ``2024-13``), by id: those nothing cites
    are rejected (`_evaluate`), where they would be unused without a word. An unknown actor's are
    left to its ``unknown-actor`` warning, which cites them."""
    custom = {p.id for periods in run.ctx.org.calendars.values() for p in periods}
    unread: dict[str, Event] = {}
    for rule in rules:
        if not isinstance(rule, RecurringRule) or rule.max_gap is not None:
            continue
        for e in run.events(rule.action):
            if (
                e.period is not None
                and e.period not in custom
                and e.actor not in acc.unknown
                and _written(e.period) is None
                and _where_matches(rule.where, e)
            ):
                unread[e.id] = e
    return unread


def _period_names(org: Organisation) -> dict[str, tuple[str, str]]:
    """The (calendar, id) of the period of the organisation's calendars each name (in any
    language) is of, for a name only one period has: a log naming a period by its name is told
    the id to write."""
    found: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for calendar, periods in org.calendars.items():
        for p in periods:
            names = [] if p.name is None else [p.name] if isinstance(p.name, str) else list(p.name.values())
            for name in names:
                found[name].add((calendar, p.id))
    return {name: next(iter(held)) for name, held in found.items() if len(held) == 1}


def _noting_cited(items: Iterator[Item], unread: Mapping[str, Event], cited: set[str]) -> Iterator[Item]:
    """``items``, with the ids of ``unread`` they cite added to ``cited``."""
    for item in items:
        cited.update(event_id for event_id in item.evidence if event_id in unread)
        yield item


def _rejected(run: _Run, record: Rejected, acc: _Accounting) -> Finding:
    """The ``rejected-event`` finding of ``record``: its message says the log (its own and that of
    a record it repeats) as the reports people read say it (`_Accounting.name_of`), its file and
    ``detail`` keep the path read."""
    if record.name is not None:
        acc.names.setdefault(record.file, record.name)
    name = acc.name_of(record.file)
    if record.line is None:
        where = name
    elif record.numbered:  # a JSON array's, an XES log's: not a line an auditor would open the file at
        where = word("numbered_record", run.lang, file=name, n=record.line)
    else:
        where = f"{name}:{record.line}"
    reason = record.reason_in(run.lang)
    if record.said is not None and isinstance(first := record.said["values"].get("file"), str):
        values = {**record.said["values"], "file": acc.name_of(first)}  # the log of the record it repeats
        reason = Reason.from_data({**record.said, "values": values}).said(run.lang)
    return Finding(
        code=FindingCode.REJECTED_EVENT,
        severity="warning",
        actor=record.actor,
        file=record.file,
        line=record.line,
        evidence=(record.record_id,) if record.record_id else (),
        detail={"reason": record.reason},  # English, as every detail is: the message says it in the language
        message=message("rejected-event", run.lang, where=where, reason=reason),
    )


def _evaluated(rules: RuleSet) -> list[Rule]:
    return [r for r in rules.rules if not isinstance(r, InformativeRule)]


def _prepare(
    rules: RuleSet,
    org: Organisation,
    start: date,
    end: date,
    as_of: datetime | None,
    lang: str,
    actors: Iterable[str] | None,
) -> _Run:
    from govrules.loaders import require_usable
    from govrules.messages import LANGUAGES

    if lang not in LANGUAGES:
        raise InvalidArgument(f"unknown language {lang!r}; expected one of {', '.join(LANGUAGES)}")
    if isinstance(actors, str):  # a string is an iterable of its characters, none of them an actor
        raise InvalidArgument(f"expected 'actors' as a collection of actor ids, got the string {actors!r}")
    rules, org = require_usable(rules, org)  # as loading gives them
    if not _evaluated(rules):
        if rules._source is None:  # made in Python
            raise InvalidArgument(Wording("rules-not-checkable"))
        raise InvalidArgument(Wording("rules-not-checkable-file", file=rules._source.file))
    return _Run(
        Context.make(rules, org, start=start, end=end, as_of=as_of), lang, None if actors is None else frozenset(actors)
    )


def _run_order(reads: Sequence[set[str]], held: Mapping[str, int]) -> list[int]:
    """The order the rules run in, as positions in ``reads`` (the actions each rule reads, the
    rules in id order): from the one reading the most events (``held`` per action) to the one
    reading the fewest, ties by id.

    The events of an action go once the last rule reading them has run, so the peak of memory is
    the events and the working set of the largest rule, without the outcomes of the rules run
    before it (at 1M events, with the largest rule run last in id order, 40 MB more). The order
    changes no result: the report is sorted.
    """
    return sorted(range(len(reads)), key=lambda k: -sum(held.get(name, 0) for name in reads[k]))


def _evaluate(run: _Run, rules: RuleSet, records: Iterable[Event | Rejected], acc: _Accounting) -> Iterator[Item]:
    # by position, not by id: a rule set made in Python may repeat an id (loading one may not)
    by_id = sorted(_evaluated(rules), key=lambda r: r.id)
    reads = [_rule_actions(rule) for rule in by_id]
    wanted: set[str] = set().union(*reads)
    yield from _ingest(run, records, wanted, wanted - attribute_actions(by_id), acc)
    inactive = _inactive(run)  # before the rules run, which let go of the events they have read
    order = _run_order(reads, {name: len(events) for name, events in run.events_by_action.items()})
    last_use = {name: i for i, k in enumerate(order) for name in reads[k]}
    unread = _unread_periods(run, by_id, acc)
    cited: set[str] = set()  # of those unread
    for i, k in enumerate(order):
        rule = by_id[k]
        items = CHECKERS[rule.kind](run, rule)
        yield from _noting_cited(items, unread, cited) if unread else items
        run.release({name for name in reads[k] if last_use[name] == i})
    named = _period_names(run.ctx.org) if unread else {}
    for event_id, e in unread.items():
        if event_id not in cited:
            acc.rejected += 1
            period = named.get(e.period or "")
            reason = (
                Reason("unread-period", period=e.period)
                if period is None
                else Reason("unread-period-name", period=e.period, id=period[1], calendar=period[0])
            )
            yield _rejected(run, acc.rejection(e, reason), acc)
    alike = _Alike(run.ctx.org.actors) if acc.unknown else None
    for actor, ids in sorted(acc.unknown.items()):
        close = alike.meant(actor) if alike is not None else []
        text = message("unknown-actor", run.lang, count=len(ids), actor=actor)
        if close:
            report = catalogue(run.lang)["report"]  # as the report says a likely action name
            text += fill(report["did_you_mean"], {"names": report["alternatives_sep"].join(close)})
        yield _actor_warning(acc, actor, ids, text, {"did_you_mean": close} if close else {})
    for actor, events in sorted(inactive.items()):
        active = run.ctx.org.actor(actor).active  # type: ignore[union-attr]
        assert active is not None
        span = {k: d.isoformat() for k, d in (("from", active.from_), ("to", active.to)) if d is not None}
        key = "span_both" if len(span) == 2 else "span_from" if "from" in span else "span_until"
        text = word("inactive_actor", run.lang, count=len(events), actor=actor, span=word(key, run.lang, **span))
        yield _actor_warning(acc, actor, list(map(_id, events)), text, {"active": span})


def _actor_warning(acc: _Accounting, actor: str, ids: list[str], text: str, detail: dict[str, Any]) -> Finding:
    """The ``unknown-actor`` warning about ``actor``'s events ``ids`` (an actor the organisation
    does not list, or lists but not on their days): the first 100 cited in the order they were
    read (file, line), whatever order they came in, and placed at the first of them."""
    ids = sorted(ids, key=partial(_read_at, acc))
    file, line, _ = _read_at(acc, ids[0])
    return Finding(
        code=FindingCode.UNKNOWN_ACTOR,
        severity="warning",
        actor=actor,
        observed=len(ids),
        evidence=tuple(ids[:100]),
        file=file or None,
        line=None if line < 0 else line,
        detail={"count": len(ids), **detail},
        message=text,
    )


def _inactive(run: _Run) -> dict[str, list[Event]]:
    """The events read (up to the audit moment, of the actions the rules read) by an actor the
    organisation lists with `active` dates, on a local day outside them, by actor: on such a day
    it is in no role and no relation, and is no party a rule names (docs/semantics.md, §3), so its
    events are said, as an unknown actor's are, rather than left unused without a word."""
    tz = run.ctx.tz
    # each such actor's first and last instants in the organisation, as its local days bound them
    bounds = {
        a.id: (
            start_of_day(a.active.from_, tz) if a.active.from_ is not None else None,
            end_of_day(a.active.to, tz) if a.active.to is not None else None,
        )
        for a in run.ctx.org.actors
        if a.active is not None and (a.active.from_ is not None or a.active.to is not None)
    }
    found: dict[str, list[Event]] = {}
    if bounds:
        for events in run.events_by_action.values():
            for e in events:
                if e.actor in bounds:
                    first, last = bounds[e.actor]
                    if (first is not None and e.time < first) or (last is not None and e.time > last):
                        found.setdefault(e.actor, []).append(e)
    return found


class _Alike:
    """The actors of an organisation found by the ids an id one slip from theirs may be: the same
    letters and digits, whatever the case and the signs between them (``branch3``, ``Branch_3``
    for ``branch-3``), or one letter more, less, changed or two swapped (``acme-logisitcs``).

    Each id is indexed by its key (its letters and digits, in lower case) and by that key with one
    character left out, so that an unknown id is looked up by as many keys as it has characters,
    not compared with every actor: a log naming 20,000 unknown actors beside an organisation of
    200 took 18 s comparing each with each, where the check took 0.2 s. What is suggested depends
    on the id and the organisation alone, so a check of one part of the actors suggests what the
    whole does."""

    def __init__(self, actors: Iterable[Any]) -> None:
        self.exact: dict[str, list[str]] = defaultdict(list)
        self.near: dict[str, list[str]] = defaultdict(list)
        for actor in actors:
            key = self._key(actor.id)
            self.exact[key].append(actor.id)
            for variant in self._less(key):
                self.near[variant].append(actor.id)

    @staticmethod
    def _key(text: str) -> str:
        return "".join(c for c in text.casefold() if c.isalnum())

    @staticmethod
    def _less(key: str) -> set[str]:
        return {key[:i] + key[i + 1 :] for i in range(len(key))} if len(key) > 3 else set()

    def meant(self, actor: str) -> list[str]:
        """The actor ``actor`` is most likely a slip for (none, or one): one with the same key
        first, else one a character apart, the closest by `difflib`'s ratio, then by id."""
        key = self._key(actor)
        found = set(self.exact.get(key, ()))
        if not found and key:
            lookups = [key, *self._less(key)]
            found = {a for k in lookups for a in self.near.get(k, ())} | {
                a for k in self._less(key) for a in self.exact.get(k, ())
            }
        if not found:
            return []
        return [min(sorted(found), key=lambda a: -difflib.SequenceMatcher(None, actor, a).ratio())]


def _read_at(acc: _Accounting, event_id: str) -> tuple[str, int, str]:
    """Where an accepted event was first read, to order ids by: its file, its line (-1 for none)
    and, between events read from no file, its id."""
    line = acc.first_seen.get(event_id)
    return (acc.other_files.get(event_id, acc.first_file) or "", -1 if line is None else line, event_id)


def iter_findings(
    rules: RuleSet,
    org: Organisation,
    events: Iterable[Event | Rejected],
    *,
    start: date,
    end: date,
    as_of: datetime | None = None,
    lang: str = "en",
    actors: Iterable[str] | None = None,
    record_numbered: Collection[str] = (),
) -> Iterator[Finding]:
    """Yield findings lazily, unsorted: the unreadable and duplicate records first, then each
    rule's, then the events of actors the organisation does not list.

    The arguments of `check`, but for ``with_locations``: where each cited event was read is
    said by a report (`Report.evidence_locations`), not by a finding.

    Raises:
        InvalidArgument, RuleSetError, OrganisationError, CalendarError: as `check` raises them,
            once the first finding is asked for (the arguments are checked then, not at the call).
    """
    run = _prepare(rules, org, start, end, as_of, lang, actors)
    rules = run.ctx.rules
    for item in _evaluate(run, rules, events, _Accounting(numbered=frozenset(record_numbered))):
        if isinstance(item, Finding):
            yield item


def check(
    rules: RuleSet,
    org: Organisation,
    events: Iterable[Event | Rejected],
    *,
    start: date,
    end: date,
    as_of: datetime | None = None,
    lang: str = "en",
    actors: Iterable[str] | None = None,
    record_numbered: Collection[str] = (),
    with_locations: bool = False,
) -> Report:
    """Check events against the rules over ``[start, end)`` as of ``as_of``.

    Args:
        rules: the rule set.
        org: the organisation.
        events: events and rejected records, e.g. from `govrules.read_events`; consumed once.
        start: first day of the range.
        end: first day after the range.
        as_of: the audit moment (default: the last instant of the range). Obligations due after
            it are pending; events after it are not used.
        lang: message language (``en``, ``zh``).
        actors: check only the obligations of these actors (one partition; see `merge_reports`).
        record_numbered: the logs (as the events name their ``file``) whose records are
            numbered rather than lined, JSON arrays and XES logs, as
            `govrules.renderers.RenderContext` names them: a record rejected as a duplicate in
            one, and the record it repeats, are said as records (``record 2 of events.json``),
            as `read_events` says its own rejections in such a log, not as ``events.json:2``.
        with_locations: fill ``evidence_locations`` with the file and line each cited event was
            read at (events that carry a ``file``), from the state duplicate detection keeps anyway.

    Returns:
        The report. Non-compliance is never an exception.

    Raises:
        InvalidArgument: a bad range, a naive ``as_of``, an unknown language, or a rule set with
            no checkable rule.
        RuleSetError: the rules name roles, relations, actors or calendars the organisation
            lacks, or the rule set has a problem its loader refuses (one made in Python, or
            changed since it was loaded); the organisation's problems, if any, are listed too.
            Or a rule's window has no day in one of its periods in the range, which loading
            leaves to the check for a recurrence's or a named calendar's periods (``bad-window``,
            at the window's line).
        OrganisationError: the organisation's exemptions name unknown rules, or it has a
            problem its loader refuses (an actor id used twice, an exemption of an unknown
            actor...).
        CalendarError: the rule set's business-day calendar (``calendar: CN``) has no data for a
            year a deadline counted in workdays, or rolled to a workday, falls in.

    >>> report = check(rules, org, events, start=date(2024, 1, 1), end=date(2025, 1, 1))  # doctest: +SKIP
    """
    run = _prepare(rules, org, start, end, as_of, lang, actors)
    rules = run.ctx.rules  # as loading gives it, which `_prepare` checked
    acc = _Accounting(numbered=frozenset(record_numbered))
    findings: list[Finding] = []
    parts: list[tuple[Outcome, ...]] = []
    outcomes: list[Outcome] = []
    for item in _evaluate(run, rules, events, acc):
        if isinstance(item, Finding):
            findings.append(item)
        else:
            outcomes.append(item)
            if len(outcomes) == _PART:
                parts.append(tuple(outcomes))
                outcomes = []
    outcomes = [o for part in parts for o in part] + outcomes
    del parts
    # the events cited by an outcome or a rule's finding, counted once the rules have run and let
    # go of their events (a set of every id held through the check would add to its peak memory)
    cited = chain(
        chain.from_iterable(map(_evidence, outcomes)),
        (event_id for f in findings if f.rule is not None for event_id in f.evidence),
    )
    used: _Cited | _Used
    if with_locations:
        used = located = _Cited(acc, cited, (event_id for f in findings if f.rule is None for event_id in f.evidence))
    else:
        used = _Used(acc, cited)
    unused = acc.read - acc.rejected - used.count
    listed = _unused_records(acc, used.unused(), unused)
    counts = RecordCounts(
        read=acc.read,
        used=used.count,
        unused=unused,
        rejected=acc.rejected,
        after_as_of=acc.after_as_of,
        files=dict(sorted(acc.files.items())),
        unused_records=listed,
        unused_not_listed=unused - len(listed),
    )
    del used
    known = set()
    for rule in rules.rules:
        known |= _rule_actions(rule)
    unmatched = tuple(
        UnmatchedAction(
            action=a, count=c, did_you_mean=tuple(difflib.get_close_matches(a, sorted(known), n=3, cutoff=0.6))
        )
        for a, c in sorted(acc.actions.items())
        if a not in known
    )
    report = _build(run, rules, findings, outcomes, counts, unmatched)
    if not with_locations:
        return report
    del run, findings, outcomes
    return report.model_copy(update={"evidence_locations": located.locations()})


class _Cited:
    """The ids an outcome or a finding cites, sorted, with the line each accepted one was first
    read at: how many of those a rule cites are accepted events (``count``, as `_Used` counts
    them), which accepted events no rule cites (`unused`), and where each was read
    (`with_evidence_locations` over `_Locations`), from one look-up per id where every accepted
    event was read from one file (a second one per id otherwise).

    Made when the report has its locations: the sorted ids are needed for those anyway, and
    counting the used events from them saves a second look-up of every cited id.
    """

    def __init__(self, acc: _Accounting, by_rules: Iterable[str], by_records: Iterable[str]) -> None:
        self.acc = acc
        cited = set(by_rules)
        self.others = others = set(by_records).difference(cited)  # cited by a record-level finding alone
        cited.update(others)
        self.ids = sorted(cited)
        del cited
        self.lines = list(map(acc.first_seen.get, self.ids, repeat(_NOT_SEEN)))
        accepted = len(self.ids) - countOf(map(is_, self.lines, repeat(_NOT_SEEN)), True)
        self.count = accepted - sum(1 for event_id in others if event_id in acc.first_seen)

    def unused(self) -> Iterator[str]:
        """The accepted events no rule cites (those a record-level finding alone cites among
        them), in the order they were accepted, told in one pass of calls: by the lines of the
        cited ones marked in a bitmap where every accepted event has its line in one (one file),
        else each looked up among the sorted cited ids."""
        acc, ids, others = self.acc, self.ids, self.others
        seen = acc.first_seen
        marks = _bitmap(acc) if not acc.other_files else None
        if marks is not None:
            lines = cast(Iterator[int], compress(self.lines, map(is_not, self.lines, repeat(_NOT_SEEN))))
            deque(map(marks.__setitem__, lines, repeat(1)), maxlen=0)
            for event_id in others:  # cited by a record-level finding alone: unused
                line = seen.get(event_id)
                if line is not None:
                    marks[line] = 0
            return _unmarked(acc, marks)
        found = map([*ids, None].__getitem__, map(bisect_left, repeat(ids), seen))  # None past the last
        return compress(seen, map(or_, map(ne, found, seen), map(others.__contains__, seen)))

    def locations(self) -> dict[str, EvidenceLocation]:
        """What `with_evidence_locations` gives a report with no locations of its own, for the
        cited ids, from the lines already looked up."""
        acc = self.acc
        if acc.other_files or acc.first_file is None:
            where = _Locations(acc).get
            return {
                event_id: EvidenceLocation(file=found[0], line=found[1])
                for event_id, found in zip(self.ids, map(where, self.ids), strict=True)
                if found is not None
            }
        file = acc.first_file
        return {
            event_id: EvidenceLocation(file=file, line=line)
            for event_id, line in zip(self.ids, self.lines, strict=True)
            if line is not _NOT_SEEN
        }


class _Locations(Mapping[str, tuple[str, int | None]]):
    """Where each accepted event was first read, as a mapping over the accounting: no new
    per-event state."""

    def __init__(self, acc: _Accounting) -> None:
        self.acc = acc

    def get(self, event_id: str, default: Any = None) -> Any:
        """The file and line ``event_id`` was first read at (``default``: not accepted, or read
        from no file), answered without an exception for a missing one."""
        acc = self.acc
        line = acc.first_seen.get(event_id, _NOT_SEEN)
        if line is _NOT_SEEN:
            return default
        file = acc.other_files.get(event_id, acc.first_file) if acc.other_files else acc.first_file
        return default if file is None else (file, line)

    def __getitem__(self, event_id: str) -> tuple[str, int | None]:
        found: tuple[str, int | None] | None = self.get(event_id)
        if found is None:
            raise KeyError(event_id)
        return found

    def __contains__(self, event_id: object) -> bool:
        return isinstance(event_id, str) and self.get(event_id) is not None

    def __iter__(self) -> Iterator[str]:
        return (event_id for event_id in self.acc.first_seen if event_id in self)

    def __len__(self) -> int:
        return sum(1 for _ in self)


def _build(
    run: _Run,
    rules: RuleSet,
    findings: list[Finding],
    outcomes: list[Outcome],
    counts: RecordCounts,
    unmatched: tuple[UnmatchedAction, ...],
) -> Report:
    ctx = run.ctx
    findings.sort(key=finding_sort_key)
    outcomes = sorted_outcomes(outcomes)
    notes = _notes(run.lang, counts, outcomes)
    # made from parts the checker built and typed itself: not validated again (a report loaded
    # from JSON is; see _Record), which at 1M events saves a check of each of 520,000 outcomes
    return Report.model_construct(
        rule_set=rules.id,
        rule_set_title=rules.title,
        organisation=ctx.org.id,
        range_from=ctx.start.isoformat(),
        range_to=(ctx.end - timedelta(days=1)).isoformat(),
        as_of=ctx.as_of,
        timezone=str(ctx.tz.key),
        lang=run.lang,
        summary=summarise(len(_evaluated(rules)), findings, outcomes),
        findings=tuple(findings),
        outcomes=tuple(outcomes),
        records=counts,
        unmatched_actions=unmatched,
        notes=tuple(notes),
    )


def _notes(lang: str, counts: RecordCounts, outcomes: Sequence[Outcome]) -> list[str]:
    """The report's notes: every record rejected (nothing checked), no obligation in the range,
    late-acceptance limits left unrolled for want of a calendar's year (each outcome says so too,
    but a reader of the findings alone would not see it)."""
    notes = []
    if counts.all_rejected:
        notes.append(word("all_rejected", lang, n=counts.read))
    if not any(o.status != "not-held" for o in outcomes):
        notes.append(word("no_obligations", lang))
    for note, n in sorted(Counter(o.note for o in outcomes if o.note is not None).items()):
        if (unrolled := UNROLLED_PATTERN.fullmatch(note)) is not None:
            notes.append(word("unrolled_limits", lang, n=n, **unrolled.groupdict()))
        elif (uncounted := UNCOUNTED_PATTERN.fullmatch(note)) is not None:
            notes.append(word("uncounted_dues", lang, n=n, **uncounted.groupdict()))
        elif (uncovered := UNCOUNTED_UNCOVERED_PATTERN.fullmatch(note)) is not None:
            notes.append(word("uncounted_uncovered_dues", lang, n=n, **uncovered.groupdict()))
    return notes


# what tells one check from another: the zone too, in which the periods and deadlines were computed
_CHECK_FIELDS = {
    "rule_set": "rule set",
    "organisation": "organisation",
    "range_from": "range start",
    "range_to": "range end",
    "as_of": "as-of",
    "timezone": "time zone",
    "lang": "language",
}


def _disjoint(reports: Sequence[Report]) -> None:
    """Refuse reports of parts that overlap: an obligation (a rule's, of one actor or pair, for
    one period or trigger, at one step) is one part's, and found in two it would be counted twice."""
    held: dict[tuple[str, str, str | None, str, int | None], int] = {}
    for i, r in enumerate(reports, start=1):
        for o in r.outcomes:
            key = (o.rule, o.actor, o.counterpart, o.period, o.step)
            first = held.setdefault(key, i)
            if first != i:
                raise InvalidArgument(
                    f"merge_reports() needs reports of disjoint parts; reports {first} and {i} both hold the "
                    f"obligation of {o.actor!r} under rule {o.rule!r} for {o.period!r}: was {o.actor!r} checked in both?"
                )


def merge_reports(reports: Sequence[Report]) -> Report:
    """Merge the reports of one check run per partition into the report of the whole.

    Partition the actors the log names into disjoint sets (actors the organisation does not list
    included), run `check` once per set with ``actors=`` that set and only the events whose actor
    is in it (each rejected record given to exactly one part), and merge: the result equals the
    report of one check over everything, provided every stream lies inside one partition (an
    actor's own events for recurring rules; for triggered and prerequisite rules, responses and
    approvals by the same actor as the trigger or guarded event). A part given every event
    counts every record again. The merged report's ``evidence_locations`` are those of all the
    parts.

    Raises:
        InvalidArgument: no reports, or reports of different checks: of another rule set,
            organisation, range, as-of, time zone or language (the message names which), or of
            parts that overlap: two reports holding one obligation (an actor checked in both).
    """
    if not reports:
        raise InvalidArgument("merge_reports() needs at least one report")
    first = reports[0]
    for i, r in enumerate(reports[1:], start=2):
        for name, what in _CHECK_FIELDS.items():
            if getattr(r, name) != getattr(first, name):
                raise InvalidArgument(
                    f"merge_reports() needs reports of one check (the same rule set, organisation, range, as-of, "
                    f"time zone and language); report {i}'s {what} is {getattr(r, name)!r}, the first's "
                    f"{getattr(first, name)!r}"
                )
    _disjoint(reports)
    findings = sorted((f for r in reports for f in r.findings), key=finding_sort_key)
    outcomes = sorted_outcomes(o for r in reports for o in r.outcomes)
    files: Counter[str] = Counter()
    for r in reports:
        files.update(r.records.files)
    unused = sum(r.records.unused for r in reports)
    # each part names its first unused records in the order the whole names them: the first of all
    listed = heapq.nsmallest(
        UNUSED_LISTED,
        (u for r in reports for u in r.records.unused_records),
        key=lambda u: (u.file or "", -1 if u.line is None else u.line, u.id),
    )
    counts = RecordCounts(
        read=sum(r.records.read for r in reports),
        used=sum(r.records.used for r in reports),
        unused=unused,
        rejected=sum(r.records.rejected for r in reports),
        after_as_of=sum(r.records.after_as_of for r in reports),
        files=dict(sorted(files.items())),
        unused_records=tuple(listed),
        unused_not_listed=unused - len(listed),
    )
    actions: dict[str, UnmatchedAction] = {}
    for r in reports:
        for u in r.unmatched_actions:
            prev = actions.get(u.action)
            actions[u.action] = u if prev is None else prev.model_copy(update={"count": prev.count + u.count})
    locations: dict[str, EvidenceLocation] = {}
    for r in reports:
        for event_id, where in r.evidence_locations.items():
            locations.setdefault(event_id, where)
    return first.model_copy(
        update={
            "summary": summarise(first.summary.rules_evaluated, findings, outcomes),
            "findings": tuple(findings),
            "outcomes": tuple(outcomes),
            "records": counts,
            "unmatched_actions": tuple(sorted(actions.values(), key=lambda u: u.action)),
            "notes": tuple(_notes(first.lang, counts, outcomes)),
            "evidence_locations": dict(sorted(locations.items())),
        }
    )
