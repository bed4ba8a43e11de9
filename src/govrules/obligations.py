"""What is owed: expand recurring rules over an organisation and a range into obligations.

Pure: never sees events, never reads the clock. The rules for who is held to which period
(docs/calendar.md, "Who owes what"):

* a period belongs to a range when its first day lies in the range (so expanding over
  ``[a, c)`` equals expanding over ``[a, b)`` and ``[b, c)`` for any period-aligned ``b``);
* a rule applies to a period when it is in force (``effective``) on the period's last day;
* a role granted for a span of dates (a filer status) applies to a period when it is held on the
  period's last day (the SEC determines filer status at the fiscal year end); a holder who does
  not hold the role on that day owes nothing for the period, and it is not listed;
* an actor is held to a period only when it is active on *every* day of it: a branch created on
  2024-07-01 owes its monthly reports from July, and no 2024 annual obligation; the periods it
  covers in part (or not at all) are listed with status ``not-held``;
* a pair obligation (role with a relation) is held when both members are held; a member listed
  for some dates only is a counterpart for the periods whose last day it is a member on (as a
  dated role), and the pair is not listed for the others;
* a documented exemption that names the period, or whose dates share a day with it, gives status
  ``exempt`` (it takes precedence over ``not-held``);
* otherwise the obligation is ``pending`` when its due moment is after ``as_of``, else ``open``.

Triggered, prerequisite, content and forbidden obligations arise from events; the checker
creates them.
"""

from __future__ import annotations

import re
from calendar import monthrange
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from govrules.calendars import BusinessCalendar, calendar_of
from govrules.durations import Duration, Unit, deadline, end_of_day, fixed_offset, local_date, start_of_day
from govrules.errors import CalendarError, InvalidArgument, Problem, RuleSetError
from govrules.messages import Wording, format_period
from govrules.model import (
    Actor,
    CalendarPeriod,
    DateRange,
    Exemption,
    FiscalYear,
    NamedCalendar,
    Organisation,
    Recurrence,
    RecurringRule,
    Rule,
    RuleSet,
    Window,
    as_party,
    calendar_period_names,
    labelled_periods,
    text_in,
)
from govrules.periods import (
    Grain,
    Period,
    iter_custom_periods,
    iter_periods,
    iter_rrule_periods,
    months_of,
    written_period,
)

__all__ = ["NO_LIMIT", "Context", "Obligation", "PeriodWords", "iter_obligations", "obligations", "zone_of"]

NO_LIMIT = datetime(9999, 12, 30, tzinfo=UTC)
"""The late-acceptance limit (``Obligation.closes``) of an obligation that has none: by default, a
period's limit is the next period's due moment, and the last period an organisation's calendar
lists has no next one, so a late event answers it however late. A moment, not ``None``, so that
every limit compares as one; the calendar renderers say "no limit"."""


def _read_back(note: str) -> re.Pattern[str]:
    """The pattern that reads a note made from ``note`` back: its ``calendar`` and ``year``."""
    return re.compile(
        re.escape(note)
        .replace(re.escape("{calendar}"), "(?P<calendar>.*)")
        .replace(re.escape("{year}"), r"(?P<year>\d+)")
    )


NOT_HELD_NOTE = "not active for the whole period"
"""The note of a period an actor did not hold in full, which owes nothing."""
UNROLLED_NOTE = (
    "late-acceptance limit not rolled to a workday: calendar '{calendar}' has no holiday data for {year} yet"
)
"""The note of an obligation whose late-acceptance limit, rolled to a workday, would fall in a year its
calendar has no holidays for yet; the limit is then after the audit moment, where it moves no verdict."""
UNROLLED_PATTERN = _read_back(UNROLLED_NOTE)
"""`UNROLLED_NOTE` read back: its calendar and year."""
UNCOUNTED_NOTE = (
    "due moment counted in calendar days, the soonest the workdays can end: "
    "calendar '{calendar}' has no holiday data for {year} yet"
)
"""The note of a triggered step whose due moment, counted in workdays or rolled to one, passes
through a year its calendar has no holidays for yet: its due moment is then the soonest it can
be (counted in calendar days, unrolled), after the audit moment, where it moves no verdict."""
UNCOUNTED_PATTERN = _read_back(UNCOUNTED_NOTE)
"""`UNCOUNTED_NOTE` read back: its calendar and year."""
UNCOUNTED_UNCOVERED_NOTE = (
    "due moment counted in calendar days, the soonest the workdays can end: "
    "calendar '{calendar}' has no holiday data for {year}, a year it does not cover"
)
"""`UNCOUNTED_NOTE` for a year before the years the calendar covers (or between two of them),
whose holidays it will not come to hold: nothing says they are yet to come."""
UNCOUNTED_UNCOVERED_PATTERN = _read_back(UNCOUNTED_UNCOVERED_NOTE)
"""`UNCOUNTED_UNCOVERED_NOTE` read back: its calendar and year."""
NOTES = (
    (re.compile(re.escape(NOT_HELD_NOTE)), "not_held_note"),
    (UNROLLED_PATTERN, "unrolled_note"),
    (UNCOUNTED_PATTERN, "uncounted_note"),
    (UNCOUNTED_UNCOVERED_PATTERN, "uncounted_uncovered_note"),
)
"""The notes the checker writes (in English, as the report keeps them), each with the key of its
words in the message catalogue and the parts it fills in."""

_WEEKDAY_INDEX = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6}
Status = Literal["open", "pending", "exempt", "not-held"]


@dataclass(frozen=True, slots=True)
class Obligation:
    """One (rule, actor or pair, period) instance of a recurring rule.

    ``opens`` is the first instant of the period (of the day after it, for a rule due some time
    after its period: ``due_after``), ``due`` the last on-time instant, ``closes`` the last
    instant at which a late event is still accepted (`NO_LIMIT` where there is none). ``window_start``/``window_end``
    bound the window where events should fall (``None``: the whole period).
    """

    rule: str
    clause: str
    actor: str
    counterpart: str | None
    period: str
    period_start: date
    period_end: date
    opens: datetime
    due: datetime
    closes: datetime
    window_start: datetime | None
    window_end: datetime | None
    strict: bool
    min: int
    max: int | None
    severity: str
    recipient: str | None
    status: Status
    note: str | None = None

    def sort_key(self) -> tuple[str, str, str, float, str]:
        """Rule, actor, counterpart, opening instant, period."""
        return (self.rule, self.actor, self.counterpart or "", self.opens.timestamp(), self.period)


LAST_RANGE_END = date(9991, 1, 1)
"""The latest first day after an audit range: periods of up to a year, due some time after them,
late up to the next period's due moment, all stay within the calendar."""

LONGEST_RANGE_YEARS = 100
"""The most years an audit range may span. A check works out every period of the range for
every rule and actor, so its time and its report grow with the range: a range of centuries is a
mistyped year (``0001`` for ``2001``), minutes of work and a report of obligations nobody owed."""


def range_too_long(start: date, end: date) -> Wording | None:
    """Why the range ``[start, end)`` is longer than `LONGEST_RANGE_YEARS` (its first day after
    is past the same day that many years after its first, 28 February for 29 February), or None."""
    year = start.year + LONGEST_RANGE_YEARS
    if year > date.max.year:
        return None
    bound = start.replace(year=year, day=min(start.day, monthrange(year, start.month)[1]))
    if end <= bound:
        return None
    last = end - timedelta(days=1)
    return Wording(
        "range-too-long", start=start, last=last, years=LONGEST_RANGE_YEARS, latest=bound - timedelta(days=1)
    )


@dataclass(frozen=True)
class Context:
    """A rule set and an organisation ready for computation: zone, calendar, range, as-of."""

    rules: RuleSet
    org: Organisation
    start: date
    end: date
    as_of: datetime
    tz: ZoneInfo
    calendar: BusinessCalendar | None

    @classmethod
    def make(
        cls, rules: RuleSet, org: Organisation, *, start: date, end: date, as_of: datetime | None = None
    ) -> Context:
        """Validate the arguments and resolve the zone and the business-day calendar.

        Raises:
            InvalidArgument: ``end <= start``, a range longer than `LONGEST_RANGE_YEARS`, a range
                ending after `LAST_RANGE_END`, a naive ``as_of``, or an unknown calendar.
        """
        if isinstance(start, datetime) or isinstance(end, datetime):
            raise InvalidArgument("start and end are dates (the first day, and the first day after the range)")
        if end <= start:
            raise InvalidArgument(f"the range is empty: end ({end}) must be after start ({start})")
        if (too_long := range_too_long(start, end)) is not None:
            raise InvalidArgument(too_long)
        if end > LAST_RANGE_END:
            raise InvalidArgument(
                f"the range must end by {LAST_RANGE_END - timedelta(days=1)}, got one ending {end - timedelta(days=1)}: "
                "a period's deadline and late-acceptance limit, years after it, must stay within the calendar "
                "(years 1 to 9999)"
            )
        tz = zone_of(rules, org)
        if as_of is None:
            as_of = start_of_day(end, tz) - timedelta(microseconds=1)
        elif as_of.tzinfo is None or as_of.utcoffset() is None:
            raise InvalidArgument(f"as_of must be timezone-aware, got naive {as_of.isoformat()}")
        else:
            as_of = fixed_offset(as_of)
            try:
                as_of.astimezone(tz)
            except OverflowError:
                raise InvalidArgument(
                    f"as_of {as_of.isoformat()} lies outside the calendar (years 1 to 9999) in the zone {tz.key}"
                ) from None
        calendar = None
        if rules.calendar is not None:
            try:
                calendar = calendar_of(rules.calendar)
            except (LookupError, ValueError) as exc:
                raise InvalidArgument(str(exc)) from None
        return cls(rules, org, start, end, as_of, tz, calendar)

    @property
    def week_start(self) -> int:
        return _WEEKDAY_INDEX[self.rules.week_start]

    def duration(self, text: str) -> Duration:
        return self.rules.duration(text)

    def deadline(self, start: datetime, text: str, *, roll: bool = False, day: date | None = None) -> datetime:
        """The last on-time instant ``text`` after ``start`` (see `govrules.durations.deadline`),
        counted from local ``day`` if given."""
        return deadline(
            start,
            self.duration(text),
            tz=self.tz,
            calendar=self.calendar,
            month_policy=self.rules.month_policy,
            roll=roll,
            day=day,
        )

    def earliest(self, start: datetime, text: str) -> datetime:
        """The first instant at least ``text`` after ``start`` (minimum ages): a penalty
        allowed "60 days after" a notice on day D is allowed from the start of day D + 60."""
        duration = self.duration(text)
        if duration.elapsed:
            return deadline(start, duration, tz=self.tz)
        last = deadline(start, duration, tz=self.tz, calendar=self.calendar, month_policy=self.rules.month_policy)
        return start_of_day(local_date(last, self.tz), self.tz)


def zone_of(rules: RuleSet, org: Organisation) -> ZoneInfo:
    """The zone deadlines are computed in: the organisation's, else the rule set's.

    Raises:
        RuleSetError: the rule set's zone is not one (a rule set made in Python, or changed since
            it was loaded, may name any), with every other problem loading would find in it.
        OrganisationError: the organisation's zone is not one, likewise.
    """
    try:
        return ZoneInfo(org.timezone or rules.timezone)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        from govrules.loaders import require_usable

        require_usable(rules, org)  # says which, at its pointer, as loading would
        raise


def _periods(ctx: Context, rule: RecurringRule, start: date, end: date) -> Iterator[Period]:
    return rule_periods(rule, ctx.org, ctx.week_start, start, end)


def rule_periods(rule: RecurringRule, org: Organisation, week_start: int, start: date, end: date) -> Iterator[Period]:
    """The periods of a recurring rule whose first day lies in ``[start, end)``, in order (none for
    a rolling interval)."""
    every = rule.every
    if isinstance(every, str):
        yield from iter_periods(Grain(every), start, end, week_start=week_start)
    elif isinstance(every, FiscalYear):
        yield from iter_periods(Grain.YEAR, start, end, year_start=every.year_starting)
    elif isinstance(every, NamedCalendar):
        periods = [_custom_period(p) for p in org.calendars.get(every.calendar, [])]
        yield from iter_custom_periods(periods, start, end)
    elif isinstance(every, Recurrence):
        yield from iter_rrule_periods(every.rrule, dtstart=every.start, start=start, end=end, week_start=week_start)


def _custom_period(p: CalendarPeriod) -> Period:
    """A period of the organisation's calendars (its last day written inclusive) as a `Period`."""
    return Period(p.start, p.end + timedelta(days=1), p.id)


def _next_period(ctx: Context, rule: RecurringRule, period: Period) -> Period | None:
    far = period.end + timedelta(days=3 * 366)
    return next((p for p in _periods(ctx, rule, period.end, far) if _exists(ctx, p)), None)


def _exists(ctx: Context, period: Period) -> bool:
    """Whether ``period`` has a moment in the zone: a day the zone skips whole (Samoa went from 29
    to 31 December 2011) has none, and nothing is owed for it."""
    return end_of_day(period.last_day, ctx.tz).date() >= period.start  # its wall date, local


WINDOW_SPAN_UNITS = (Unit.DAYS, Unit.WORKDAYS, Unit.WEEKS)
"""What a window's ``first``/``last`` span may be counted in (the loader refuses others)."""


def window_dates(ctx: Context, period: Period, window: Window) -> tuple[date, date]:
    """The window's dates inside ``period`` as a half-open ``[first, after_last)``.

    Raises:
        InvalidArgument: the window names a month the period does not contain.
    """
    window = ctx.rules.window(window)
    if window.first is not None or window.last is not None:
        duration = ctx.duration(window.first or window.last or "")
        if duration.unit not in WINDOW_SPAN_UNITS:
            raise InvalidArgument(f"a window's first/last span is counted in days, weeks or workdays, got {duration}")
        if duration.amount == 0:
            raise InvalidArgument(f"a window's first/last span must be at least one day, got {duration}")
        if duration.unit is Unit.WORKDAYS:
            if ctx.calendar is None:
                raise InvalidArgument("a window in workdays needs the rule set's business-day calendar")
            return _workday_span(ctx.calendar, period, duration.amount, first=window.first is not None)
        days = duration.amount * (7 if duration.unit is Unit.WEEKS else 1)
        if window.first is not None:
            return period.start, min(period.end, period.start + timedelta(days=days))
        return max(period.start, period.end - timedelta(days=days)), period.end
    return month_window(period, window)


def month_window(period: Period, window: Window) -> tuple[date, date]:
    """The dates of a ``month``/``days`` window inside ``period``, as ``[first, after_last)``.

    Raises:
        InvalidArgument: the window has no day inside ``period``.
    """
    months = months_of(period)
    month_start: date
    if window.month in (None, "first"):
        month_start = months[0]
    elif window.month == "last":
        month_start = months[-1]
    else:
        matches = [m for m in months if m.month == window.month]
        if not matches:
            raise InvalidArgument(f"period {period.label} has no month {window.month}")
        month_start = matches[0]
    length = ((month_start.replace(day=28) + timedelta(days=4)).replace(day=1) - month_start).days
    lo, hi = 1, length
    if window.days is not None:
        a, b = window.days.split("-")
        # A day the month lacks is its last day ("days 30-last" of February is Feb 28/29),
        # as in the clamp month-end policy.
        lo = min(int(a), length)
        hi = length if b == "last" else min(int(b), length)
    first = max(period.start, month_start + timedelta(days=lo - 1))
    after = min(period.end, month_start + timedelta(days=hi))
    if after <= first:
        raise InvalidArgument(
            f"the window ({_describe(window)}) has no day inside period {period.label} "
            f"({period.start} to {period.last_day})"
        )
    return first, after


def _describe(window: Window) -> str:
    parts = []
    if window.month is not None:
        parts.append(f"month {window.month}")
    if window.days is not None:
        parts.append(f"days {window.days}")
    return ", ".join(parts) or "whole period"


def _workday_span(calendar: BusinessCalendar, period: Period, count: int, *, first: bool) -> tuple[date, date]:
    days: list[date] = []
    day = period.start if first else period.last_day
    step = timedelta(days=1 if first else -1)
    while len(days) < count and period.start <= day < period.end:
        if calendar.is_workday(day):
            days.append(day)
        day += step
    if not days:  # no workday at all in the period: the window is its first or last day
        return (period.start, period.start + timedelta(days=1)) if first else (period.last_day, period.end)
    return (period.start, days[-1] + timedelta(days=1)) if first else (days[-1], period.end)


def _held(actor: Actor, period: Period) -> bool:
    if actor.active is None:
        return True
    a = actor.active
    return (a.from_ is None or a.from_ <= period.start) and (a.to is None or a.to >= period.last_day)


def rule_parties(org: Organisation, rule: RecurringRule) -> list[tuple[Actor, Actor | None]]:
    """Who owes under a recurring rule: each actor its ``who`` names, with the counterpart of a
    pair (None for a rule owed by each actor alone), by id."""
    who = as_party(rule.who)
    assert who is not None  # a recurring rule always names who
    if who.actor is not None:
        actor = org.actor(who.actor)
        if actor is None:
            raise InvalidArgument(f"rule {rule.id!r} names actor {who.actor!r}, which the organisation lacks")
        return [(actor, None)]
    holders = sorted(org.holders(who.role or ""), key=lambda a: a.id)
    if who.relation is None:
        return [(a, None) for a in holders]
    pairs: list[tuple[Actor, Actor | None]] = []
    for holder in holders:
        for member_id in sorted(holder.members(who.relation)):
            member = org.actor(member_id)
            if member is None:
                raise InvalidArgument(
                    f"actor {holder.id!r} lists {member_id!r} in relation {who.relation!r}, "
                    "which the organisation lacks"
                )
            pairs.append((holder, member))
    return pairs


def _member_spans(actor: Actor, relation: str, member: str) -> list[DateRange] | None:
    """The dates ``member`` is in ``actor``'s ``relation``: None where it is listed by its id
    alone (at all times)."""
    spans = []
    for listed in actor.relations.get(relation, ()):
        if isinstance(listed, str):
            if listed == member:
                return None
        elif listed.actor == member:
            spans.append(listed.span())
    return spans


def _role_held(spans: list[DateRange] | None, period: Period) -> bool:
    """Whether an actor holding a role over ``spans`` (None: no role asked for) holds it on the
    period's last day."""
    if spans is None:
        return True
    last_day = period.last_day
    return any(span.contains(last_day) for span in spans)


def _recipient(rule: RecurringRule, counterpart: Actor | None) -> str | None:
    to = as_party(rule.to)
    if to is None:
        return None
    if to.counterpart:
        return counterpart.id if counterpart else None
    return to.actor or (f"role:{to.role}" if to.role else None)


def _exemption(ctx: Context, rule_id: str, actor: str, period: Period) -> str | None:
    for ex in ctx.org.exemptions:
        if ex.rule != rule_id or ex.actor != actor or not ex.applies_to(ctx.rules.id):
            continue
        if ex.periods and any(_exempts(label, period, ctx.org) for label in ex.periods):
            return ex.reason
        if ex.dates is not None and ex.dates.overlaps(period.start, period.end):
            return ex.reason
        if not ex.periods and ex.dates is None:
            return ex.reason
    return None


def _exempts(label: str, period: Period, org: Organisation) -> bool:
    """Whether an exemption's period ``label`` covers ``period``: the same label, or a period
    that holds it whole. The label is a period of the organisation's calendars by its id, read
    as written first (``2024-h2`` may be a semester, from September to January), else a period
    label in any spelling (``2024-q1``). ``2024-Q1`` covers the months January to March, not the
    year; a semester covers the months it holds whole."""
    named = [p for periods in org.calendars.values() for p in periods if p.id == label]
    if named:  # a semester named 2024-H2 is that semester, whatever the rule's periods
        return any(p.start <= period.start and period.end <= p.end + timedelta(days=1) for p in named)
    if label == period.label:
        return True
    covering = written_period(label)
    return covering is not None and covering.start <= period.start and period.end <= covering.end


def exemption_misses(rules: RuleSet, org: Organisation, rule: RecurringRule, label: str) -> str | None:
    """Why the organisation's exemption of ``rule`` for the period ``label`` can exempt none of the
    rule's periods (`_exempts` holds none of them), or None when it holds one, or when ``label``
    names no period (the organisation's own check says so). A year ``2024`` holds no school year
    from September whole, a week no month: such an exemption would leave every obligation owed."""
    spans = [_custom_period(p) for periods in org.calendars.values() for p in periods if p.id == label] or [
        p for p in (written_period(label),) if p is not None
    ]
    if not spans:
        return None
    week_start = _WEEKDAY_INDEX[rules.week_start]
    first, after = min(s.start for s in spans), max(s.end for s in spans)
    try:
        if any(_exempts(label, p, org) for p in rule_periods(rule, org, week_start, first, after)):
            return None
    except (ValueError, OverflowError):  # a period at the calendar's ends (a school year from year 0)
        return None  # not told: left as it is
    try:
        near = list(rule_periods(rule, org, week_start, max(first - timedelta(days=400), date.min), after))
    except (ValueError, OverflowError):
        near = []
    such = f", such as {near[-1].label!r}" if near else ""
    return (
        f"expected a period that holds whole at least one of the {_periods_words(rule)} of rule {rule.id!r}{such}; "
        f"{label!r} ({spans[0].start} to {spans[-1].last_day}) holds none: it would exempt nothing"
    )


def _periods_words(rule: RecurringRule) -> str:
    """The rule's periods in words: ``month periods``, ``periods of the calendar 'semester'``."""
    every = rule.every
    if isinstance(every, FiscalYear):
        return f"years from month {every.year_starting}"
    if isinstance(every, NamedCalendar):
        return f"periods of the calendar {every.calendar!r}"
    if isinstance(every, Recurrence):
        return "periods of its recurrence"
    return f"{every} periods"


def _owed(rule: RecurringRule, period: Period) -> bool:
    """Whether the rule owes anything for ``period`` at all: not one of its ``exempt_periods``, and
    ending while it is in effect (as `rule_obligations` keeps them)."""
    return not _exempt_period(rule, period) and (rule.effective is None or rule.effective.contains(period.last_day))


def _bound(rule: RecurringRule, actor: Actor, period: Period) -> bool:
    """Whether ``rule`` binds ``actor``, one of its parties, for ``period``, as `rule_obligations`
    lists its obligations: the actor holds the rule's role on the period's last day and, under a
    pair rule, has a member of the relation on it (an actor the rule names by id always is).
    Whether it is active then is not asked: an exemption comes before ``not-held``."""
    who = as_party(rule.who)
    if who is None or who.role is None:
        return True
    if not _role_held(actor.role_spans(who.role), period):
        return False
    relation = who.relation
    return relation is None or any(
        _role_held(_member_spans(actor, relation, member), period) for member in actor.members(relation)
    )


def _bound_span(rule: RecurringRule, actor: Actor) -> DateRange | None:
    """The days ``rule`` may bind ``actor`` on: while the rule is in effect, the actor holds its
    role and, under a pair rule, has a member of its relation (each from its first day to its
    last); ``None`` where these share no day."""
    who = as_party(rule.who)
    spans = [rule.effective or DateRange()]
    if who is not None and who.role is not None:
        spans.append(DateRange.hull(actor.role_spans(who.role)))
        if who.relation is not None:
            spans.append(DateRange.hull(_member_dates(actor, who.relation)))
    first = max((s.from_ for s in spans if s.from_ is not None), default=None)
    last = min((s.to for s in spans if s.to is not None), default=None)
    if first is not None and last is not None and last < first:
        return None
    return DateRange(from_=first, to=last)


def _periods_ending_in(rules: RuleSet, org: Organisation, rule: RecurringRule, span: DateRange) -> list[Period] | None:
    """The rule's periods whose last day is in ``span``, or ``None`` where they cannot be listed:
    ``span`` open at an end, but for a calendar of the organisation's (a list of its own)."""
    if isinstance(rule.every, NamedCalendar):
        periods = rule_periods(rule, org, 0, date.min, date.max)
    elif span.from_ is None or span.to is None:
        return None
    else:
        # a period is at most 366 days long: one ending in the span starts after this
        start = max(span.from_ - timedelta(days=400), date.min)
        periods = rule_periods(rule, org, _WEEKDAY_INDEX[rules.week_start], start, span.to + timedelta(days=1))
    return [p for p in periods if span.contains(p.last_day)]


def _dates_words(spans: list[DateRange]) -> str:
    """Dated spans in words: ``from 2024-07-01``, ``to 2023-12-31 and from 2025-01-01``; ``at all
    times`` where one is undated."""
    if any(s.from_ is None and s.to is None for s in spans):
        return "at all times"
    words = (" ".join(f"{w} {d}" for w, d in (("from", s.from_), ("to", s.to)) if d is not None) for s in spans)
    return " and ".join(words)


def _member_dates(actor: Actor, relation: str) -> list[DateRange]:
    """The dates some member is in ``actor``'s ``relation``, a span for each listing."""
    spans: list[DateRange] = []
    for member in actor.members(relation):
        spans += _member_spans(actor, relation, member) or [DateRange()]
    return spans


def exemption_binds_nothing(rules: RuleSet, org: Organisation, rule: RecurringRule, actor: Actor) -> str | None:
    """Why ``rule`` binds ``actor``, one of its parties (`rule_parties`), for none of the periods
    it owes, so that an exemption of the actor from it would exempt nothing: the actor holds the
    rule's role only while the rule is not in effect, or on no period's last day, or for periods
    its ``exempt_periods`` leave out only (under a pair rule, or has no member of its relation
    then). ``None`` when it binds it for one, and where that cannot be told from the rule set and
    the organisation alone (the days it may bind it on open at an end, on calendar periods of a
    grain or a recurrence)."""
    span = _bound_span(rule, actor)
    if span is not None:
        try:
            periods = _periods_ending_in(rules, org, rule, span)
        except (ValueError, OverflowError):  # a period at the calendar's ends: not told, left as it is
            return None
        if periods is None or any(_owed(rule, p) and _bound(rule, actor, p) for p in periods):
            return None
    who = as_party(rule.who)
    said = []
    if who is not None and who.role is not None:
        said.append(f"it holds role {who.role!r} {_dates_words(actor.role_spans(who.role))}")
        if who.relation is not None:
            members = _dates_words(_member_dates(actor, who.relation))
            said.append(f"it has members in relation {who.relation!r} {members}")
    if rule.effective is not None:
        said.append(f"the rule is in effect {_dates_words([rule.effective])}")
    if rule.exempt_periods:
        said.append(f"its exempt_periods are {', '.join(rule.exempt_periods)}")
    if who is not None and who.role is not None:
        held = "holds the role" if who.relation is None else "holds the role and has the member"
        said.append(f"a period is owed where it {held} on the period's last day")
    because = f" ({'; '.join(said)})" if said else ""
    return (
        f"expected an actor that owes under rule {rule.id!r} for some period; {actor.id!r} owes it for none"
        f"{because}: the exemption would exempt nothing"
    )


def exemption_owes_nothing(rules: RuleSet, org: Organisation, rule: RecurringRule, ex: Exemption) -> str | None:
    """Why the organisation's exemption ``ex`` of ``rule``, each of whose period labels holds some
    of the rule's periods (`exemption_misses`), still covers no period the rule owes its actor,
    one the rule binds for some period (`exemption_binds_nothing`): its labels and its dates
    cover only periods the rule's ``exempt_periods`` leave out, or that end before or after the
    rule is in effect, or while the actor does not hold the rule's role (or, under a pair rule,
    has no member of its relation), or its dates fall between the periods of a named calendar
    (between two semesters). ``None`` when it covers one, when it has neither labels nor dates
    (it covers every period), and where that cannot be told from the rule set and the
    organisation alone: dates open at an end that neither the rule's effective dates nor the
    actor's dated role close, on calendar periods, and dates on a recurrence's periods (of any
    length)."""
    actor = org.actor(ex.actor)
    if actor is None or (not ex.periods and ex.dates is None):
        return None  # an unknown actor is said so by the organisation's own check
    within = _bound_span(rule, actor)
    if within is None:
        return None  # it binds the actor for no period: said so by `exemption_binds_nothing`
    week_start = _WEEKDAY_INDEX[rules.week_start]
    covered: dict[str, Period] = {}
    try:
        for label in ex.periods:
            spans = [_custom_period(p) for periods in org.calendars.values() for p in periods if p.id == label] or [
                p for p in (written_period(label),) if p is not None
            ]
            if not spans:
                return None  # no period: said so by the organisation's own check
            first, after = min(s.start for s in spans), max(s.end for s in spans)
            for p in rule_periods(rule, org, week_start, first, after):
                if _exempts(label, p, org):
                    covered[p.label] = p
        if ex.dates is not None:
            dated = _periods_sharing_a_day(rules, org, rule, ex.dates, within)
            if dated is None:
                return None
            covered.update((p.label, p) for p in dated)
    except (ValueError, OverflowError):  # a period at the calendar's ends: not told, left as it is
        return None
    if any(_owed(rule, p) and _bound(rule, actor, p) for p in covered.values()):
        return None
    which = []
    if ex.periods:
        which.append("its periods " + ", ".join(map(repr, ex.periods)))
    if ex.dates is not None:
        which.append(f"its dates ({ex.dates.from_ or 'open'} to {ex.dates.to or 'open'})")
    said = " and ".join(which)
    if not covered:
        return (
            f"expected an exemption that covers a period rule {rule.id!r} owes; {said} share a day with none of "
            f"the rule's {_periods_words(rule)}: it would exempt nothing"
        )
    why = []
    if any(_exempt_period(rule, p) for p in covered.values()):
        why.append(f"the rule's exempt_periods ({', '.join(rule.exempt_periods)}) leave out")
    effective = rule.effective
    if effective is not None and any(not effective.contains(p.last_day) for p in covered.values()):
        span = " ".join(f"{w} {d}" for w, d in (("from", effective.from_), ("to", effective.to)) if d is not None)
        why.append(f"end while the rule is not in effect (it is {span})")
    unbound = [p for p in covered.values() if _owed(rule, p) and not _bound(rule, actor, p)]
    who = as_party(rule.who)
    if unbound and who is not None and who.role is not None:
        grants = actor.role_spans(who.role)
        if any(not _role_held(grants, p) for p in unbound):
            why.append(f"end while {actor.id!r} does not hold role {who.role!r} (it holds it {_dates_words(grants)})")
        if who.relation is not None and any(_role_held(grants, p) for p in unbound):
            members = _dates_words(_member_dates(actor, who.relation))
            why.append(f"end while {actor.id!r} has no member in relation {who.relation!r} (it has members {members})")
    labels = ", ".join(sorted(covered))
    return (
        f"expected an exemption that covers a period rule {rule.id!r} owes; {said} cover only {labels}, which "
        f"{' or '.join(why)}: it would exempt nothing"
    )


def _periods_sharing_a_day(
    rules: RuleSet, org: Organisation, rule: RecurringRule, dates: DateRange, within: DateRange
) -> list[Period] | None:
    """The rule's periods that share a day with ``dates`` (where an end is open, those within a
    year past the end of ``within``, the days the rule may bind the actor on, on that side:
    enough to tell whether one is owed), or ``None`` where they cannot be listed (see
    `exemption_owes_nothing`)."""
    every = rule.every
    if isinstance(every, NamedCalendar):  # a list of its own: every one of them
        periods = list(rule_periods(rule, org, 0, date.min, date.max))
        return [p for p in periods if dates.overlaps(p.start, p.end)]
    if isinstance(every, Recurrence):
        return None
    lo, hi = dates.from_, dates.end_exclusive
    # an open end the rule's effective dates or the actor's dated role close: as far past them as a
    # period may reach, so that the periods that end outside them are listed too (and said to)
    if lo is None and within.from_ is not None:
        lo = max(within.from_ - timedelta(days=400), date.min)
    if hi is None and within.end_exclusive is not None:
        hi = min(within.end_exclusive + timedelta(days=400), date.max)
    if lo is None or hi is None:
        return None
    # a calendar grain's period is at most 366 days long: one sharing a day with [lo, hi) starts after this
    start = max(lo - timedelta(days=400), date.min)
    week_start = _WEEKDAY_INDEX[rules.week_start]
    return [p for p in rule_periods(rule, org, week_start, start, hi) if p.start < hi and p.end > lo]


def _exempt_period(rule: RecurringRule, period: Period) -> bool:
    return any(period.label == p or period.label.endswith("-" + p) for p in rule.exempt_periods)


def _due_after_the_period(ctx: Context, rule: RecurringRule, last_instant: datetime, last_day: date) -> bool:
    """Whether ``due_after`` puts the due moment after the period: a positive length does; a
    period's end does when it is a later one (a monthly report due at the end of the quarter, for
    January and February, not for March)."""
    if rule.due_after is None:
        return False
    duration = ctx.duration(rule.due_after)
    if duration.period_end:
        return ctx.deadline(last_instant, rule.due_after, day=last_day) > last_instant
    return duration.amount > 0


def _limit(
    ctx: Context, start: datetime, text: str, roll: bool, day: date | None, label: str, unrolled: dict[str, str]
) -> datetime:
    """A late-acceptance limit ``text`` after ``start`` (counted from local ``day`` if given),
    rolled to a workday if ``roll``.

    Rolled, it may fall in a year the calendar has no data for yet (December's, audited before
    the next year's holidays are announced). Unrolled, it is no later; after the audit moment,
    it moves no verdict, as no event after that moment is used: it is left unrolled and
    ``unrolled[label]`` says so. Before the audit moment, the verdicts need the year: the error.
    """
    try:
        return ctx.deadline(start, text, roll=roll, day=day)
    except CalendarError:
        if not roll:
            raise
        limit = ctx.deadline(start, text, day=day)
        if limit <= ctx.as_of:
            raise
        name = ctx.calendar.name if ctx.calendar is not None else ""
        unrolled[label] = UNROLLED_NOTE.format(calendar=name, year=limit.year)
        return limit


def _window_missed(rules: RuleSet, rule: RecurringRule, missed: str) -> Problem:
    """The problem of ``rule``'s ``month``/``days`` window, which has no day in a period of its
    rule (``missed``), as loading says it of a calendar grain's, at the window's place in the rule
    set's file (loading leaves a recurrence's and a named calendar's periods, and periods an
    exemption or effective dates may leave out, to the check)."""
    from govrules.loaders import SourceMap

    pointer = f"/rules/{rules.rules.index(rule)}/window"
    message = f"expected a window with a day in every period of the rule; {missed}"
    source = rules._source or SourceMap("<rules>")  # made in Python: no file, as the cross-check names it
    problem: Problem = source.problem(pointer, "bad-window", message)
    return problem


def rule_obligations(ctx: Context, rule: RecurringRule, start: date, end: date) -> Iterator[Obligation]:
    """Obligations of one recurring rule over ``[start, end)``, sorted (rolling rules give none)."""
    if rule.every is None:
        return
    who = as_party(rule.who)
    role = who.role if who else None
    periods = [p for p in _periods(ctx, rule, start, end) if not _exempt_period(rule, p) and _exists(ctx, p)]
    if rule.effective is not None:
        periods = [p for p in periods if rule.effective.contains(p.last_day)]
    if not periods:
        return
    roll = rule.roll == "next-workday"
    timed = []
    unrolled: dict[str, str] = {}
    for period in periods:
        last_instant = end_of_day(period.last_day, ctx.tz)
        due = ctx.deadline(last_instant, rule.due_after or "0 days", roll=roll, day=period.last_day)
        if rule.accept_late is not None:  # rolled as the due moment is, but for elapsed time
            rolled = roll and not ctx.duration(rule.accept_late).elapsed
            closes = _limit(ctx, due, rule.accept_late, rolled, None, period.label, unrolled)
        else:
            following = _next_period(ctx, rule, period)
            if following is None:  # the last period its calendar lists: no debt comes after it
                closes = NO_LIMIT
            else:
                following_end = end_of_day(following.last_day, ctx.tz)
                text = rule.due_after or "0 days"
                closes = max(due, _limit(ctx, following_end, text, roll, following.last_day, period.label, unrolled))
        if rule.effective is not None and rule.effective.to is not None:
            # a version of a clause pays no debt with what is done under the next one
            closes = max(due, min(closes, end_of_day(rule.effective.to, ctx.tz)))
        ws = we = None
        if rule.window is not None:
            try:
                first, after = window_dates(ctx, period, rule.window)
            except InvalidArgument as exc:
                window = ctx.rules.window(rule.window)
                if window.first is None and window.last is None:  # a month/days window missing a period
                    raise RuleSetError([_window_missed(ctx.rules, rule, str(exc))]) from None
                raise InvalidArgument(f"rule {rule.id!r}: {exc}") from None
            ws, we = start_of_day(first, ctx.tz), end_of_day(after - timedelta(days=1), ctx.tz)
            while we < ws:  # its days are all ones the zone skips: the period's nearest day that is not
                if after < period.end:
                    after += timedelta(days=1)
                else:
                    first -= timedelta(days=1)
                ws, we = start_of_day(first, ctx.tz), end_of_day(after - timedelta(days=1), ctx.tz)
        # A filing due some time *after* its period (a 10-Q, 40 days after the quarter) opens when
        # the period ends: an event during the period answers an earlier period's filing, never
        # this one. Without such an offset, or with a window inside the period, it opens with it.
        after_period = rule.window is None and _due_after_the_period(ctx, rule, last_instant, period.last_day)
        opens = start_of_day(period.end, ctx.tz) if after_period else start_of_day(period.start, ctx.tz)
        timed.append((period, opens, due, closes, ws, we))
    strict = rule.window is None or ctx.rules.window(rule.window).strictness == "strict"
    for actor, counterpart in rule_parties(ctx.org, rule):
        spans = None if role is None else actor.role_spans(role)  # once per actor, not per period
        # a member for some dates only is the actor's counterpart for the periods whose last day
        # it is a member on, as a dated role is held (None: a member at all times)
        member = (
            None
            if counterpart is None or who is None or who.relation is None
            else _member_spans(actor, who.relation, counterpart.id)
        )
        for period, opens, due, closes, ws, we in timed:
            if not _role_held(spans, period) or not _role_held(member, period):
                continue  # the actor did not hold the role, or the pair did not exist, at the period's end: nothing owed
            status: Status = "open"
            note = None
            reason = _exemption(ctx, rule.id, actor.id, period)
            if reason is not None:
                status, note = "exempt", reason
            elif not (_held(actor, period) and (counterpart is None or _held(counterpart, period))):
                status, note = "not-held", NOT_HELD_NOTE
            elif due > ctx.as_of:
                status = "pending"
            if note is None:
                note = unrolled.get(period.label)
            yield Obligation(
                rule=rule.id,
                clause=rule.clause,
                actor=actor.id,
                counterpart=counterpart.id if counterpart else None,
                period=period.label,
                period_start=period.start,
                period_end=period.end,
                opens=opens,
                due=due,
                closes=closes,
                window_start=ws,
                window_end=we,
                strict=strict,
                min=rule.min,
                max=rule.max,
                severity=rule.severity,
                recipient=_recipient(rule, counterpart),
                status=status,
                note=note,
            )


def iter_obligations(ctx: Context) -> Iterator[Obligation]:
    """Every obligation of every recurring rule in the context, sorted by `Obligation.sort_key`."""
    for rule in sorted((r for r in ctx.rules.rules if isinstance(r, RecurringRule)), key=lambda r: r.id):
        yield from rule_obligations(ctx, rule, ctx.start, ctx.end)


def obligations(
    rules: RuleSet,
    org: Organisation,
    start: date,
    end: date,
    *,
    as_of: datetime | None = None,
) -> Iterator[Obligation]:
    """The expected-obligation grid: every obligation of the recurring rules over ``[start, end)``.

    Args:
        rules: the rule set.
        org: the organisation.
        start: first day of the range.
        end: first day after the range.
        as_of: the audit moment (default: the last instant of the range); obligations due after
            it have status ``pending``.

    Returns:
        A lazy iterator, sorted by rule, actor, counterpart and period.

    Raises:
        InvalidArgument: an empty range, a naive ``as_of``, or a rule that cannot be expanded.
        RuleSetError: the rules name a role, relation, actor or calendar the organisation lacks
            (a misspelt role would owe nothing), as `govrules.check` raises; while iterating, a
            rule's window has no day in one of its periods (``bad-window``, at the window's line).
        OrganisationError: the organisation's exemptions name unknown rules, or it has a
            problem its loader refuses (made in Python, or changed since it was loaded).
        CalendarError: while iterating, the rule set's business-day calendar (``calendar:
            CN``) has no data for a year a deadline counted in workdays, or rolled to a
            workday, falls in.
    """
    from govrules.loaders import require_usable

    rules, org = require_usable(rules, org)  # as loading gives them
    ctx = Context.make(rules, org, start=start, end=end, as_of=as_of)
    return iter_obligations(ctx)


class PeriodWords:
    """How a recurring rule's periods are said in ``lang``: a label of the calendar grid in words
    ("November 2024"), a period of an organisation's calendar by its name where it has one
    (`calendar_period_names`, found once per rule), else by its id as written."""

    def __init__(self, org: Organisation, lang: str) -> None:
        self.org, self.lang = org, lang
        self._names: dict[str, dict[str, str]] = {}

    def __call__(self, rule: Rule, period: str) -> str:
        if labelled_periods(rule):
            return format_period(period, self.lang)
        names = self._names.get(rule.id)
        if names is None:
            names = self._names[rule.id] = calendar_period_names(rule, self.org, self.lang)
        return names.get(period, period)


def display_name(org: Organisation, actor_id: str | None, lang: str) -> str:
    """An actor's display name in ``lang`` (its id when it has none), on one line: a name written
    over lines would break a report's lines, and could forge one."""
    if actor_id is None:
        return ""
    actor = org.actor(actor_id)
    return " ".join(text_in(actor.name, lang, actor_id).splitlines()) if actor else actor_id
