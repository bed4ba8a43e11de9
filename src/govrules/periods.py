"""Periods: immutable spans of local dates with a compact, parseable label, and their expansion.

Labels (the canonical string form; `parse_label` reads each one back):

============  =====================  ==============================================
grain         label                  span
============  =====================  ==============================================
day           ``2024-11-30``         one local day
week          ``2024-W48``           an ISO week (Monday start); other week starts:
                                     ``2024-11-24/P1W``
month         ``2024-11``            a calendar month
quarter       ``2024-Q2``            April to June
half-year     ``2024-H1``            January to June
year          ``2024``               a calendar year
other year    ``2024-09/P1Y``        a year starting in another month (school, fiscal)
rrule         ``2024-01-05/2024-02-05``  from one RFC 5545 occurrence to the next
custom        the period's own id    a named period of an organisation's calendar
============  =====================  ==============================================

Every span is half-open on dates, ``[start, end)``. Pure: no clock, no I/O. All use of
``dateutil.rrule`` lives here.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any

from dateutil import rrule as _rrule
from dateutil.relativedelta import relativedelta

from govrules.errors import PeriodError

__all__ = [
    "Grain",
    "Period",
    "first_of_month",
    "first_occurrence",
    "iter_custom_periods",
    "iter_periods",
    "iter_rrule_periods",
    "months_of",
    "parse_label",
    "parse_rrule",
]


class Grain(StrEnum):
    """A calendar bucket size."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    HALF_YEAR = "half-year"
    YEAR = "year"


_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")

LABEL_SYNTAX = (
    "a period label such as '2024-11-30' (day), '2024-W48' (ISO week), '2024-11' (month), "
    "'2024-Q2' (quarter), '2024-H1' (half-year), '2024' (year), '2024-09/P1Y' (a year starting "
    "in September), '2024-11-24/P1W' (a week starting on that day) or '2024-01-05/2024-02-05' "
    "(an explicit span)"
)


@dataclass(frozen=True, slots=True, order=True)
class Period:
    """A half-open span of local dates ``[start, end)`` with its label."""

    start: date
    end: date
    label: str

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise PeriodError(
                f"period {self.label!r} is empty: its end ({self.end}, exclusive) must be after its start ({self.start})"
            )

    def __str__(self) -> str:
        return self.label

    @property
    def last_day(self) -> date:
        """The period's last day (inclusive)."""
        return self.end - timedelta(days=1)

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day < self.end


def first_of_month(day: date) -> date:
    """The first day of ``day``'s month."""
    return day.replace(day=1)


def months_of(period: Period) -> list[date]:
    """The first day of every month that starts inside ``period`` (or the month of its start)."""
    months = [first_of_month(period.start)]
    cursor = months[0] + relativedelta(months=1)
    while cursor < period.end:
        months.append(cursor)
        cursor += relativedelta(months=1)
    return months


def _grain_period(grain: Grain, day: date, *, year_start: int = 1, week_start: int = 0) -> Period:
    """The period of ``grain`` containing ``day``."""
    if grain is Grain.DAY:
        return Period(day, day + timedelta(days=1), day.isoformat())
    if grain is Grain.WEEK:
        start = day - timedelta(days=(day.weekday() - week_start) % 7)
        if week_start == 0:
            iso = start.isocalendar()
            label = f"{iso.year:04d}-W{iso.week:02d}"
        else:
            label = f"{start.isoformat()}/P1W"
        return Period(start, start + timedelta(days=7), label)
    if grain is Grain.MONTH:
        start = first_of_month(day)
        return Period(start, start + relativedelta(months=1), f"{start.year:04d}-{start.month:02d}")
    if grain is Grain.QUARTER:
        q = (day.month - 1) // 3
        start = date(day.year, 3 * q + 1, 1)
        return Period(start, start + relativedelta(months=3), f"{day.year:04d}-Q{q + 1}")
    if grain is Grain.HALF_YEAR:
        h = (day.month - 1) // 6
        start = date(day.year, 6 * h + 1, 1)
        return Period(start, start + relativedelta(months=6), f"{day.year:04d}-H{h + 1}")
    # YEAR, possibly starting in another month
    if year_start == 1:
        start = date(day.year, 1, 1)
        return Period(start, date(day.year + 1, 1, 1), f"{day.year:04d}")
    year = day.year if day.month >= year_start else day.year - 1
    start = date(year, year_start, 1)
    return Period(start, start + relativedelta(years=1), f"{year:04d}-{year_start:02d}/P1Y")


def iter_periods(
    grain: Grain,
    start: date,
    end: date,
    *,
    year_start: int = 1,
    week_start: int = 0,
) -> Iterator[Period]:
    """Every period of ``grain`` whose first day lies in ``[start, end)``, in order.

    Args:
        grain: the bucket size.
        start: first date of the range.
        end: first date after the range.
        year_start: the month a year starts in (9 for a school year); only for ``Grain.YEAR``.
        week_start: the weekday a week starts on (0 = Monday ... 6 = Sunday); only for weeks.
    """
    if not 1 <= year_start <= 12:
        raise PeriodError(f"a year starts in month 1..12, got {year_start}")
    if not 0 <= week_start <= 6:
        raise PeriodError(f"a week starts on weekday 0 (Monday)..6 (Sunday), got {week_start}")
    period = _grain_period(grain, start, year_start=year_start, week_start=week_start)
    if period.start < start:
        period = _grain_period(grain, period.end, year_start=year_start, week_start=week_start)
    while period.start < end:
        yield period
        period = _grain_period(grain, period.end, year_start=year_start, week_start=week_start)


def iter_custom_periods(periods: Iterable[Period], start: date, end: date) -> Iterator[Period]:
    """The named periods of a custom calendar whose first day lies in ``[start, end)``, sorted."""
    for period in sorted(periods):
        if start <= period.start < end:
            yield period


def iter_rrule_periods(rule: str, *, dtstart: date, start: date, end: date, week_start: int = 0) -> Iterator[Period]:
    """Periods from each RFC 5545 occurrence to the next, for occurrences in ``[start, end)``.

    ``dtstart`` and ``wkst`` are always passed explicitly (dateutil would otherwise read the
    clock and a process-wide setting). RFC 5545 §3.3.10 *skips* invalid dates: a monthly rule
    from Jan 31 gives Jan 31, Mar 31, May 31; write ``BYMONTHDAY=-1`` for "last day of month".
    Occurrences are whole days: several occurrences on one day (``BYHOUR``) open one period.
    The last occurrence of a finite rule (``COUNT``, ``UNTIL``) has no next occurrence and so
    opens no period.

    Raises:
        PeriodError: the rule text cannot be read.
    """
    recurrence = parse_rrule(rule, dtstart=dtstart, week_start=week_start)
    previous: date | None = None
    for occurrence in recurrence.xafter(datetime.combine(start, time(0)), inc=True):
        day = occurrence.date()
        if previous is not None and day > previous:
            yield Period(previous, day, f"{previous.isoformat()}/{day.isoformat()}")
        if day >= end:
            return
        if previous is None or day > previous:
            previous = day


_SUB_DAILY = re.compile(r"(^|;)\s*FREQ\s*=\s*(HOURLY|MINUTELY|SECONDLY)\s*(;|$)", re.IGNORECASE)
_UNTIL_IN_UTC = re.compile(r"(^|;)\s*UNTIL\s*=\s*([0-9]{8})T[0-9]{6}Z\s*(;|$)", re.IGNORECASE)


def parse_rrule(rule: str, *, dtstart: date, week_start: int = 0) -> _rrule.rrule:
    """Read an RRULE value (``FREQ=MONTHLY;BYMONTHDAY=-1``) anchored at ``dtstart``.

    ``week_start`` (0 = Monday ... 6 = Sunday) is the rule's ``WKST`` unless the text gives
    one; it matters for weekly rules with an ``INTERVAL`` (RFC 5545 §3.3.10).

    Raises:
        PeriodError: the text is not one RRULE, its frequency is finer than a day, or its
            ``UNTIL`` is a time in UTC (the recurrence's start is a day, and so must ``UNTIL`` be).
    """
    text = rule.strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    if "DTSTART" in text.upper():
        raise PeriodError("write the recurrence's start as the rule's 'start' field, not inside the RRULE")
    if _SUB_DAILY.search(text):
        raise PeriodError(
            f"periods are whole days: expected FREQ=DAILY, WEEKLY, MONTHLY or YEARLY, got {rule!r} "
            "(for example 'FREQ=MONTHLY;BYMONTHDAY=-1' or 'FREQ=WEEKLY;BYDAY=MO')"
        )
    if until := _UNTIL_IN_UTC.search(text):  # dateutil would ask for UTC, as for a start in a zone
        raise PeriodError(
            "expected UNTIL as a day, as the recurrence's 'start' is one (RFC 5545 §3.3.10): write "
            f"UNTIL={until.group(2)}, got {rule!r}"
        )
    try:
        parsed = _rrule.rrulestr(text, dtstart=datetime.combine(dtstart, time(0)), forceset=False)
    except (ValueError, TypeError) as exc:
        raise PeriodError(f"cannot read RRULE {rule!r}: {exc}") from None
    if not isinstance(parsed, _rrule.rrule):
        raise PeriodError(f"expected a single RRULE, got {rule!r}")
    if getattr(parsed, "_byeaster", None):  # not RFC 5545's, and Easter repeats too seldom for `first_occurrence`
        raise PeriodError(f"expected the parts of an RFC 5545 RRULE, got {rule!r}: BYEASTER is dateutil's own")
    if getattr(parsed, "_interval", 1) < 1:  # dateutil would repeat the start for ever
        raise PeriodError(f"expected a positive INTERVAL (RFC 5545 §3.3.10), got {rule!r}")
    if re.search(r"(^|;)\s*WKST\s*=", text, re.IGNORECASE):
        return parsed
    return parsed.replace(wkst=getattr(_rrule, _WEEKDAYS[week_start]))


_CYCLE = {_rrule.YEARLY: 400, _rrule.MONTHLY: 4800, _rrule.WEEKLY: 20_871, _rrule.DAILY: 146_097}
"""How many periods of each frequency the Gregorian calendar takes to repeat itself: 400 years
are 4,800 months and 146,097 days, exactly 20,871 weeks, so weekdays repeat with the dates."""

_DAYS_OF = {_rrule.WEEKLY: 7, _rrule.DAILY: 1}
"""The days of a period of the frequencies whose periods are all as long."""


def first_occurrence(rule: str, *, dtstart: date, week_start: int = 0) -> date | None:
    """The first day ``rule`` occurs on, from ``dtstart``; None if it never does: no day meets
    its parts (``FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30``), its ``UNTIL`` comes before its first
    occurrence, its ``COUNT`` is 0, or its first occurrence would be after the year 9999.

    dateutil looks for an occurrence up to the year 9999, which takes seconds for a daily rule
    that has none; this looks no further than it must. The calendar repeats every 400 years,
    weekdays with it, and each part of an RRULE reads only the calendar (``BYEASTER``, which
    does not, is refused by `parse_rrule`), so the occurrences repeat with it. An ``INTERVAL``
    of ``k`` periods steps through a cycle's periods ``g = gcd(k, cycle)`` at a time, meeting
    the places in the calendar that steps of ``g`` meet. So the rule occurs at all if and only if,
    with an ``INTERVAL`` of ``g`` and neither ``COUNT`` nor ``UNTIL``, it occurs within one
    cycle and one step of a start ``g`` periods (or whole cycles) from its own: its first period
    is cut at its start, and the same place comes back uncut a cycle later. That start is the
    one from which dateutil's end of the calendar stops the search soon after. Only then is the
    rule itself asked for its first occurrence, which it finds within one cycle of its own
    periods, unless its ``UNTIL``, its ``COUNT`` or the year 9999 stops it first.

    Raises:
        PeriodError: the rule cannot be read (`parse_rrule`).
    """
    recurrence = parse_rrule(rule, dtstart=dtstart, week_start=week_start)
    parts: Any = recurrence  # the parts dateutil read, which it keeps private
    step = math.gcd(parts._interval, _CYCLE[parts._freq])
    moved = _search_start(parts._freq, step, dtstart)
    probe = recurrence.replace(dtstart=datetime.combine(moved, time(0)), interval=step, count=None, until=None)
    if next(iter(probe), None) is None:
        return None
    found = next(iter(recurrence), None)
    return None if found is None else found.date()


def _search_start(freq: int, step: int, dtstart: date) -> date:
    """``dtstart`` moved by whole steps of ``step`` periods of ``freq`` (days and weeks), or by
    whole 400-year cycles (months and years, whose steps could land on a day a month lacks), to
    the latest start from which a cycle and a step end by 9999-12-31: a search from there ends
    with the calendar, soon after (within a step; a cycle, for months and years)."""
    if freq in _DAYS_OF:
        stride = step * _DAYS_OF[freq]
        latest = date.max - timedelta(days=(_CYCLE[freq] + step + 1) * _DAYS_OF[freq])
        return dtstart + timedelta(days=(latest - dtstart).days // stride * stride)
    step_years = step if freq == _rrule.YEARLY else -(-step // 12)
    latest_year = date.max.year - _CYCLE[_rrule.YEARLY] - step_years - 1
    cycles = (latest_year - dtstart.year) // _CYCLE[_rrule.YEARLY]
    return dtstart.replace(year=dtstart.year + cycles * _CYCLE[_rrule.YEARLY])


# ASCII digits only, the whole text (``$`` would also match before a final line break): a label
# in full-width or other digits names no period, as the docs say
_DAY = r"([0-9]{4})-([0-9]{2})-([0-9]{2})"
_LABELS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(rf"{_DAY}/{_DAY}"), "span"),
    (re.compile(rf"{_DAY}/P1W"), "week-from"),
    (re.compile(r"([0-9]{4})-([0-9]{2})/P1Y"), "year-from"),
    (re.compile(rf"{_DAY}"), "day"),
    (re.compile(r"([0-9]{4})-W([0-9]{2})"), "week"),
    (re.compile(r"([0-9]{4})-([0-9]{2})"), "month"),
    (re.compile(r"([0-9]{4})-Q([1-4])"), "quarter"),
    (re.compile(r"([0-9]{4})-H([12])"), "half"),
    (re.compile(r"([0-9]{4})"), "year"),
]


def written_period(text: str) -> Period | None:
    """The period a label names as people write it (``2024-q4`` and ``2024-01/P1Y`` name the
    periods ``2024-Q4`` and ``2024``); None for text that is no label."""
    try:
        return parse_label(text.strip().upper())
    except PeriodError:
        return None


def canonical_label(text: str) -> str | None:
    """The canonical form of a period label as people write it (see `written_period`); None for
    text that is no label."""
    period = written_period(text)
    return None if period is None else period.label


def parse_label(label: str) -> Period:
    """The period a label names; its ``label`` is the canonical form.

    Canonical labels read back unchanged (``parse_label(p.label) == p`` for every period that
    `iter_periods` yields). Two other spellings are accepted and normalised: a week from a
    Monday (``2024-11-25/P1W``) is the ISO week ``2024-W48``, and a year from January
    (``2024-01/P1Y``) is the calendar year ``2024``.

    >>> parse_label("2024-Q2")
    Period(start=datetime.date(2024, 4, 1), end=datetime.date(2024, 7, 1), label='2024-Q2')

    Raises:
        PeriodError: not a label; the message lists the legal forms.
    """
    for pattern, form in _LABELS:
        m = pattern.fullmatch(label)
        if not m:
            continue
        g = [int(x) for x in m.groups()]
        try:
            if form == "span":
                return Period(date(*g[:3]), date(*g[3:]), label)
            if form == "week-from":
                start = date(*g)
                if start.weekday() == 0:
                    return _grain_period(Grain.WEEK, start)
                return Period(start, start + timedelta(days=7), label)
            if form == "year-from":
                return _grain_period(Grain.YEAR, date(g[0], g[1], 1), year_start=g[1])
            if form == "day":
                return _grain_period(Grain.DAY, date(*g))
            if form == "week":
                return _grain_period(Grain.WEEK, date.fromisocalendar(g[0], g[1], 1))
            if form == "month":
                return _grain_period(Grain.MONTH, date(g[0], g[1], 1))
            if form == "quarter":
                return _grain_period(Grain.QUARTER, date(g[0], 3 * g[1] - 2, 1))
            if form == "half":
                return _grain_period(Grain.HALF_YEAR, date(g[0], 6 * g[1] - 5, 1))
            return _grain_period(Grain.YEAR, date(g[0], 1, 1))
        except (ValueError, OverflowError) as exc:
            if isinstance(exc, PeriodError):
                raise PeriodError(f"{label!r}: {exc}; expected {LABEL_SYNTAX}") from None
            raise PeriodError(f"{label!r} is not a real period ({exc}); expected {LABEL_SYNTAX}") from None
    raise PeriodError(f"expected {LABEL_SYNTAX}, got {label!r}")
