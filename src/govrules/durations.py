"""Durations as people write them ("7 days", "72 hours", "5 workdays", "P1M") and deadline arithmetic.

Two families, documented in docs/calendar.md:

* **Elapsed** units (minutes, hours) add exact elapsed time to the instant: 72 hours after a
  breach is 72 × 3600 seconds later, whatever the clocks do in between.
* **Calendar** units (days, weeks, workdays, months, years) count *local calendar days* in the
  zone of the check (the organisation's, else the rule set's), and the deadline ends at the last
  instant of the local day reached (EU Reg. 1182/71 Art. 3(2)(b), PRC Civil Code Art. 203: a
  period in days ends at 24:00 of its last day). The starting day itself is not counted. Months
  and years follow the month-end policy (clamp by default: Jan 31 + 1 month = Feb 28/29).
* **A period's end** ("end of year", "end of quarter", "end of half-year", "end of month") is a
  moment, not a length: the last instant of the local calendar period the start falls in.

Pure: no clock, no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from enum import StrEnum
from functools import lru_cache
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta

from govrules.errors import InvalidArgument
from govrules.periods import Grain, _grain_period

if TYPE_CHECKING:
    from govrules.calendars import BusinessCalendar

__all__ = [
    "Duration",
    "MonthPolicy",
    "Unit",
    "add_months",
    "deadline",
    "end_of_day",
    "fixed_offset",
    "local_date",
    "parse_duration",
    "start_of_day",
]


class Unit(StrEnum):
    """The unit of a duration."""

    MINUTES = "minutes"
    HOURS = "hours"
    DAYS = "days"
    WEEKS = "weeks"
    WORKDAYS = "workdays"
    MONTHS = "months"
    YEARS = "years"
    MONTH_END = "month-end"
    QUARTER_END = "quarter-end"
    HALF_YEAR_END = "half-year-end"
    YEAR_END = "year-end"

    @property
    def ended_period(self) -> str | None:
        """For a period's end, the period it ends (``month`` for ``month-end``); else ``None``."""
        return self.value.removesuffix("-end") if self.value.endswith("-end") else None


class MonthPolicy(StrEnum):
    """What adding months does to a day that the target month lacks (Jan 31 + 1 month).

    ``clamp`` (default; EU Reg. 1182/71, PRC Civil Code Art. 202): the target month's last day,
    Feb 28/29. ``next-day``: the day after the target month's last day, Mar 1.
    ``end-of-month``: a start on a month's last day lands on the target month's last day
    (Feb 29 + 1 month = Mar 31); other days clamp.
    """

    CLAMP = "clamp"
    NEXT_DAY = "next-day"
    END_OF_MONTH = "end-of-month"


_UNIT_WORDS: dict[str, Unit] = {
    "minute": Unit.MINUTES,
    "minutes": Unit.MINUTES,
    "min": Unit.MINUTES,
    "hour": Unit.HOURS,
    "hours": Unit.HOURS,
    "h": Unit.HOURS,
    "day": Unit.DAYS,
    "days": Unit.DAYS,
    "calendar day": Unit.DAYS,
    "calendar days": Unit.DAYS,
    "d": Unit.DAYS,
    "week": Unit.WEEKS,
    "weeks": Unit.WEEKS,
    "workday": Unit.WORKDAYS,
    "workdays": Unit.WORKDAYS,
    "business day": Unit.WORKDAYS,
    "business days": Unit.WORKDAYS,
    "working day": Unit.WORKDAYS,
    "working days": Unit.WORKDAYS,
    "month": Unit.MONTHS,
    "months": Unit.MONTHS,
    "year": Unit.YEARS,
    "years": Unit.YEARS,
}
_END_OF = re.compile(r"^end\s+of\s+(?:the\s+)?(month|quarter|half-year|year)$")
_HUMAN = re.compile(r"^\s*(\d{1,6})\s*([a-z][a-z ]*?)\s*$")
_ISO = re.compile(
    r"^P(?:(\d{1,6})Y)?(?:(\d{1,6})M)?(?:(\d{1,6})W)?(?:(\d{1,6})D)?(?:T(?:(\d{1,6})H)?(?:(\d{1,6})M)?)?$"
)
_ISO_UNITS = (Unit.YEARS, Unit.MONTHS, Unit.WEEKS, Unit.DAYS, Unit.HOURS, Unit.MINUTES)
_LONG_AMOUNT = re.compile(r"^(?:P|PT)?\s*([0-9]{7,})")
"""A duration's amount past the six digits `_HUMAN` and `_ISO` read (its unit is not looked at)."""

DURATION_SYNTAX = (
    "a duration such as '7 days', '72 hours', '5 workdays', '1 month', '2 years', ISO 8601 'P7D', 'PT72H', "
    "'P1M', or a period's end: 'end of month', 'end of quarter', 'end of half-year', 'end of year'"
)


@dataclass(frozen=True, slots=True)
class Duration:
    """A non-negative amount of one unit. ``str()`` gives the canonical written form."""

    amount: int
    unit: Unit

    def __post_init__(self) -> None:
        if self.amount < 0:
            raise ValueError(f"a duration must not be negative, got {self.amount}")

    def __str__(self) -> str:
        if (ended := self.unit.ended_period) is not None:
            return f"end of {ended}"
        word = self.unit.value
        if self.amount == 1:
            word = word[:-1]
        return f"{self.amount} {word}"

    @property
    def elapsed(self) -> bool:
        """True for hours and minutes, which count elapsed time rather than calendar days."""
        return self.unit in (Unit.MINUTES, Unit.HOURS)

    @property
    def minutes(self) -> int:
        """The length in minutes of an elapsed duration (``72 hours``: 4,320).

        Raises:
            ValueError: a duration counted in calendar units, whose minutes depend on its days.
        """
        if not self.elapsed:
            raise ValueError(f"{self} is counted in calendar units, not in minutes")
        return self.amount * (60 if self.unit is Unit.HOURS else 1)

    @property
    def period_end(self) -> bool:
        """True for ``end of month``, ``end of quarter``, ``end of half-year`` and ``end of year``:
        a moment (the last instant of the start's calendar period), not a length of time."""
        return self.unit.ended_period is not None


@lru_cache(maxsize=1024)
def parse_duration(text: str) -> Duration:
    """Read a duration written by a person or in ISO 8601 (the same text gives the same, immutable,
    `Duration`: rules ask for theirs once per obligation).

    >>> parse_duration("5 workdays"), parse_duration("PT72H")
    (Duration(amount=5, unit=<Unit.WORKDAYS: 'workdays'>), Duration(amount=72, unit=<Unit.HOURS: 'hours'>))

    Raises:
        ValueError: the text is not a duration; the message shows the syntax.
    """
    raw = text.strip()
    end = _END_OF.match(raw.lower())
    if end:
        return Duration(0, Unit(f"{end.group(1)}-end"))
    m = _HUMAN.match(raw.lower())
    if m and m.group(2) in _UNIT_WORDS:
        return Duration(int(m.group(1)), _UNIT_WORDS[m.group(2)])
    iso = _ISO.match(raw.upper())
    if iso and not raw.upper().endswith(("P", "T")):
        parts = [(int(v), u) for v, u in zip(iso.groups(), _ISO_UNITS, strict=True) if v is not None]
        if len(parts) == 1:
            return Duration(*parts[0])
        raise ValueError(f"{text!r} mixes units; write a single unit (e.g. 'P45D' rather than 'P1M15D')")
    long = _LONG_AMOUNT.match(raw.upper())
    if long:
        raise ValueError(f"{text!r} has an amount of more than 6 digits ({long.group(1)}): at most 999999")
    raise ValueError(f"expected {DURATION_SYNTAX}, got {text!r}")


FIRST_INSTANT = datetime.min.replace(tzinfo=UTC)
"""The first instant of the calendar (years 1 to 9999), at UTC."""
LAST_INSTANT = datetime.max.replace(tzinfo=UTC)
"""The last instant of the calendar, at UTC."""


def local_date(instant: datetime, tz: ZoneInfo) -> date:
    """The calendar date of ``instant`` in zone ``tz``. An instant so near an end of the calendar
    that its date in ``tz`` would lie outside it (0001-01-01T00:00+14:00 is still year 0 at
    UTC-5) gives the calendar's first or last date."""
    try:
        return instant.astimezone(tz).date()
    except OverflowError:
        return date.min if instant.year == date.min.year else date.max


def fixed_offset(instant: datetime) -> datetime:
    """``instant`` with a fixed-offset tzinfo (its current UTC offset), the same instant.

    Every instant this module returns has a fixed offset: Python compares and subtracts two
    datetimes that share one ``ZoneInfo`` by wall time, which is wrong in a repeated or skipped
    DST hour; fixed offsets compare and subtract as instants, and print the same. An offset of
    part of a minute (a zone's local mean time before standard time: Shanghai's +08:05:43 before
    1901) is given as UTC instead: RFC 3339, and so the JSON report, writes offsets in minutes,
    and would move the instant.
    """
    offset = instant.utcoffset()
    if offset is None:
        raise InvalidArgument(f"expected an aware instant, got naive {instant.isoformat()}")
    fixed = timezone(offset) if not (offset.seconds % 60 or offset.microseconds) else UTC
    try:
        return instant.astimezone(fixed)
    except OverflowError:  # moved through UTC, it leaves the calendar (9999-12-31T23:59:59-14:00)
        return instant.replace(tzinfo=fixed, fold=0)  # its wall time at its own offset: the same instant


def start_of_day(day: date, tz: ZoneInfo) -> datetime:
    """The first instant of local ``day`` (DST-safe: a missing midnight moves forward). Where it
    would lie outside the calendar (1 January of year 1 east of UTC), `FIRST_INSTANT`."""
    wall = datetime.combine(day, time(0), tzinfo=tz)
    try:
        return fixed_offset(wall.astimezone(UTC).astimezone(tz))
    except OverflowError:
        return FIRST_INSTANT if day.year == date.min.year else LAST_INSTANT


def end_of_day(day: date, tz: ZoneInfo) -> datetime:
    """The last instant (microsecond) of local ``day``: an event at it is still on that day.
    Where it would lie outside the calendar (31 December 9999 west of UTC), `LAST_INSTANT`."""
    if day == date.max:  # east of UTC, the day ends before the calendar does (at +08:00, 15:59:59Z)
        last = datetime.combine(day, time.max, tzinfo=tz)
        try:
            last.astimezone(UTC)
        except OverflowError:
            return LAST_INSTANT
        return fixed_offset(last)
    start = start_of_day(day + timedelta(days=1), tz)
    if start is FIRST_INSTANT:  # the next day starts before the calendar: so does this one end
        return FIRST_INSTANT
    after = start.astimezone(UTC) - timedelta(microseconds=1)
    try:
        return fixed_offset(after.astimezone(tz))
    except OverflowError:
        return after


def add_months(day: date, months: int, policy: MonthPolicy = MonthPolicy.CLAMP) -> date:
    """``day`` plus ``months`` calendar months under the month-end ``policy``.

    Raises:
        OverflowError: the day lies outside the calendar (after 9999), as for ``day + timedelta``.
    """
    try:
        clamped = day + relativedelta(months=months)
    except ValueError:  # dateutil's "year 10000 is out of range"
        raise OverflowError(f"{day.isoformat()} plus {months} months is outside the calendar") from None
    if policy is MonthPolicy.CLAMP:
        return clamped
    if policy is MonthPolicy.NEXT_DAY:
        return clamped if clamped.day == day.day else clamped + timedelta(days=1)
    # END_OF_MONTH: a last day of month maps to the last day of the target month.
    if (day + timedelta(days=1)).month != day.month:
        return clamped + relativedelta(day=31)
    return clamped


def deadline(
    start: datetime,
    duration: Duration,
    *,
    tz: ZoneInfo,
    calendar: BusinessCalendar | None = None,
    month_policy: MonthPolicy = MonthPolicy.CLAMP,
    roll: bool = False,
    day: date | None = None,
) -> datetime:
    """The last on-time instant for something due ``duration`` after ``start``.

    Args:
        start: an aware instant (the trigger, or the end of a period's last day).
        duration: how long.
        tz: the zone whose calendar days are counted.
        calendar: business-day calendar; required for workdays and for ``roll``.
        month_policy: month-end policy for months and years.
        roll: move a calendar-unit deadline that ends on a non-workday to the next workday
            (an elapsed deadline in hours or minutes is never rolled: asking is an error).
        day: the local day a calendar-unit deadline counts from (default: ``start``'s): a
            period's deadline counts from its last day, even one the zone skipped, whose end
            (``start``) falls on the next day that exists.

    Returns:
        An aware instant with a fixed offset (`fixed_offset`); an event at exactly this
        instant is on time. A deadline past the end of the calendar (year 9999) is its last
        instant, `LAST_INSTANT`.

    Raises:
        InvalidArgument: a naive ``start``, workdays or ``roll`` without a calendar, or ``roll``
            with an elapsed duration.
        CalendarError: the calendar has no holiday data for a year the count passes through.
    """
    if start.tzinfo is None or start.utcoffset() is None:
        raise InvalidArgument(f"deadline() needs an aware start instant, got naive {start.isoformat()}")
    if duration.elapsed:
        if roll:
            raise InvalidArgument(
                f"a deadline of {duration} is elapsed time and is not rolled to a workday; "
                "count it in days or workdays to roll it"
            )
        try:
            return fixed_offset((start.astimezone(UTC) + timedelta(minutes=duration.minutes)).astimezone(tz))
        except OverflowError:
            return LAST_INSTANT
    try:
        day = _deadline_day(local_date(start, tz) if day is None else day, duration, calendar, month_policy, roll)
        last = end_of_day(day, tz)
        while last.date() < day:  # ends before it begins: a day the zone skips (Samoa's 30 December 2011)
            day += timedelta(days=1)  # is not a day to act on: the deadline ends with the next one,
            if calendar is not None and (roll or duration.unit is Unit.WORKDAYS):  # or next workday
                day = calendar.next_workday(day)
            last = end_of_day(day, tz)
    except OverflowError:
        return LAST_INSTANT
    return last


def _deadline_day(
    day: date, duration: Duration, calendar: BusinessCalendar | None, month_policy: MonthPolicy, roll: bool
) -> date:
    """The last local day of a calendar-unit deadline ``duration`` after ``day`` (see `deadline`)."""
    if (ended := duration.unit.ended_period) is not None:
        day = _grain_period(Grain(ended), day).last_day
    elif duration.unit is Unit.DAYS:
        day += timedelta(days=duration.amount)
    elif duration.unit is Unit.WEEKS:
        day += timedelta(weeks=duration.amount)
    elif duration.unit is Unit.MONTHS:
        day = add_months(day, duration.amount, month_policy)
    elif duration.unit is Unit.YEARS:
        day = add_months(day, 12 * duration.amount, month_policy)
    else:  # workdays
        if calendar is None:
            raise InvalidArgument("a duration in workdays needs a business-day calendar")
        day = calendar.add_workdays(day, duration.amount)
    if roll:
        if calendar is None:
            raise InvalidArgument("rolling a deadline to a workday needs a business-day calendar")
        day = calendar.next_workday(day)
    return day
