"""Business-day calendars: which local dates are workdays, backed by the ``holidays`` package.

A calendar is named in a rule set (``calendar: CN``). The name is an ISO 3166 country code,
optionally with a subdivision (``US-NY``), or ``weekends`` for a calendar that knows only
Saturdays and Sundays (chosen explicitly, never as a fallback).

Why ``holidays`` and not ``chinesecalendar``: ``holidays`` is maintained for some 200 countries
(the US federal calendar for SEC Rule 0-3, Italy, China...), is MIT-licensed, and models China's
adjusted working weekends (调休) as ``weekend_workdays``. ``chinesecalendar`` covers China only.
Both have the same gap: a year whose official schedule is not yet published. For calendars whose
holidays are announced year by year (China's State Council notice), govrules treats a year as
covered only when the package carries that year's announced schedule, and raises `CalendarError`
for any other year instead of guessing from the weekend.
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Iterable
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, NamedTuple

from govrules.errors import CalendarError
from govrules.messages import Wording

if TYPE_CHECKING:
    from govrules.model import AdjustedCalendar

__all__ = ["BusinessCalendar", "calendar_of", "get_calendar"]

# Countries whose non-working days are fixed by a yearly announcement rather than by a rule:
# for these the set of covered years is the set of years the package has announcements for.
_ANNOUNCED_YEARLY = {"CN"}
# Countries that move days off and make-up workdays by a yearly decree (Taiwan, Vietnam, Russia,
# Belarus, Kazakhstan, Uzbekistan), not every year: covered up to the last year the package has a
# decree for, as a later year would be computed without the moves its decree will make.
_TRANSFERS_DECREED_YEARLY = {"TW", "VN", "RU", "BY", "KZ", "UZ"}


class BusinessCalendar:
    """Workdays of one named calendar.

    Args:
        name: the calendar's name as written in the rule set.
        holidays: a mapping-like object with ``in`` for holiday dates, or ``None`` for a
            weekends-only calendar.
        weekend_workdays: weekend dates that are workdays (China's 调休).
        years: the years this calendar has data for, or ``None`` for every year.
        weekend: the weekdays that are the weekend (0 = Monday ... 6 = Sunday).
    """

    def __init__(
        self,
        name: str,
        *,
        holidays: Any = None,
        weekend_workdays: Iterable[date] = (),
        years: range | frozenset[int] | None = None,
        weekend: Iterable[int] = (5, 6),
    ) -> None:
        self.name = name
        self._holidays = holidays
        self._weekend_workdays = frozenset(weekend_workdays)
        self._years = years
        self._weekend = frozenset(weekend)

    def __repr__(self) -> str:
        return f"BusinessCalendar({self.name!r})"

    def _covered(self) -> range | frozenset[int] | None:
        """The years with holiday data, or ``None`` for every year."""
        return self._years

    def covers(self, year: int) -> bool:
        """Whether the calendar has holiday data for ``year``."""
        years = self._covered()
        return years is None or year in years

    def ahead(self, year: int) -> bool:
        """Whether ``year`` comes after every year the calendar covers: its holiday data may yet be
        published, where a year before them, or between two of them, will not be."""
        years = self._covered()
        return years is not None and bool(years) and year > max(years)

    def coverage(self) -> str:
        """The covered years as people read them: ``2001-2026``, or ``every year``."""
        years = self._covered()
        if years is None:
            return "every year"
        if not years:
            return "no year"
        low, high = min(years), max(years)
        if len(years) == high - low + 1:
            return f"{low}-{high}"
        return ", ".join(str(y) for y in sorted(years))

    def _check(self, day: date) -> None:
        """Raise where the calendar has no data for ``day``'s year, saying where that year lies:
        after the years it covers (a newer ``holidays`` package may hold it), or before them or
        between two of them (a narrower audit range is the remedy).

        Raises:
            CalendarError: the calendar does not cover ``day``'s year.
        """
        if not self.covers(day.year):
            years = self._covered() or ()
            before = bool(years) and day.year < min(years)
            key = "calendar-year-" + ("ahead" if self.ahead(day.year) else "before" if before else "between")
            raise CalendarError(
                Wording(key, calendar=self.name, year=day.year, coverage=self.coverage()), year=day.year
            )

    def is_workday(self, day: date) -> bool:
        """Whether ``day`` is a workday: not a holiday, and a weekday or an adjusted workday.

        Raises:
            CalendarError: the calendar has no data for ``day``'s year.
        """
        self._check(day)
        if day in self._weekend_workdays:
            return True
        if day.weekday() in self._weekend:
            return False
        return not (self._holidays is not None and day in self._holidays)

    def is_weekend(self, day: date) -> bool:
        """Whether ``day`` is off for the weekend alone (the weekend in force that day, and not
        a weekend day made a workday), whether or not it is also a holiday.

        Raises:
            CalendarError: the calendar has no data for ``day``'s year.
        """
        self._check(day)
        return day.weekday() in self._weekend and day not in self._weekend_workdays

    def holiday_names(self, day: date) -> frozenset[str]:
        """The names of the holidays on ``day``, in English (none for a weekends-only calendar).

        Raises:
            CalendarError: the calendar has no data for ``day``'s year.
        """
        self._check(day)
        return frozenset()

    def names(self) -> frozenset[str]:
        """Every holiday name the calendar gives in the years it covers, in English."""
        return frozenset()

    def next_workday(self, day: date) -> date:
        """``day`` itself when it is a workday, else the first workday after it."""
        while not self.is_workday(day):
            day += timedelta(days=1)
        return day

    def add_workdays(self, day: date, count: int) -> date:
        """The date ``count`` workdays after ``day`` (``day`` itself is not counted)."""
        if count < 0:
            raise ValueError(f"workday count must be >= 0, got {count}")
        while count:
            day += timedelta(days=1)
            if self.is_workday(day):
                count -= 1
        return day


@functools.lru_cache(maxsize=32)
def get_calendar(name: str) -> BusinessCalendar:
    """The business-day calendar called ``name``: a country of the ``holidays`` package by its
    ISO code (``CN``, ``US``, ``NL``), optionally with a subdivision (``US-NY``), or ``weekends``.

    Raises:
        LookupError: no such calendar.
    """
    if name == "weekends":
        return BusinessCalendar(name)
    # imported here: a large package not every check needs. A country's code is checked against
    # the package's registry; its holidays (whose module, once imported, imports every country's:
    # about 8 MB) are loaded when a workday is first asked about.
    import holidays as holidays_pkg
    from holidays.registry import EntityLoader

    country, _, subdiv = name.partition("-")
    if country not in set(EntityLoader.get_country_codes(include_aliases=True)):
        raise LookupError(
            f"unknown business-day calendar {name!r}: expected 'weekends' or an ISO country code such as CN, US, IT"
        )
    if subdiv and subdiv not in holidays_pkg.list_supported_countries()[country]:
        raise LookupError(f"unknown subdivision {subdiv!r} of calendar {country!r}")
    return _LazyHolidayCalendar(name, country, subdiv or None)


class _Year(NamedTuple):
    """What a ``holidays``-backed calendar knows of one year."""

    off: frozenset[date]
    """The days that are not workdays."""
    weekend: frozenset[date]
    """The days off for the weekend alone (holidays or not), not made workdays."""
    names: dict[date, frozenset[str]]
    """The holidays' names (in English) by day."""


class _LazyHolidayCalendar(BusinessCalendar):
    """A ``holidays``-backed calendar that loads its covered years, and each year's data, on
    first use."""

    def __init__(self, name: str, country: str, subdiv: str | None):
        super().__init__(name)
        self._country = country
        self._subdiv = subdiv
        self._known: range | frozenset[int] | None = None
        self._loaded: dict[int, _Year] = {}
        self._names: frozenset[str] | None = None

    def _covered(self) -> range | frozenset[int]:
        if self._known is None:
            import holidays as holidays_pkg

            sample = holidays_pkg.country_holidays(self._country, subdiv=self._subdiv)
            if self._country in _ANNOUNCED_YEARLY:
                # The years with an announced schedule are those with special (announced) holidays.
                self._known = frozenset(getattr(sample, "special_public_holidays", None) or ())
            elif self._country in _TRANSFERS_DECREED_YEARLY:
                decreed = getattr(sample, "special_public_holidays", None) or {}
                self._known = range(sample.start_year, max(decreed, default=sample.end_year) + 1)
            else:
                self._known = range(sample.start_year, sample.end_year + 1)
        return self._known

    def _year(self, year: int) -> _Year:
        """The days of ``year`` that are not workdays, as the package says of each day: its
        holidays, and its weekend as it stood that day and where (the UAE's weekend was Friday and
        Saturday until 2021; the Malaysian state of Johor had Friday and Saturday from 2014 to 2024),
        but for the weekend days made workdays (China's 调休); the weekend days among them, and the
        holidays' names, in English whatever the process's locale."""
        known = self._loaded.get(year)
        if known is None:
            import holidays as holidays_pkg

            h = holidays_pkg.country_holidays(self._country, subdiv=self._subdiv, years=year, language="en_US")
            first = date(year, 1, 1)
            days = [first + timedelta(days=n) for n in range((date(year, 12, 31) - first).days + 1)]
            off = frozenset(day for day in days if not h.is_working_day(day))
            weekend = frozenset(day for day in off if h.is_weekend(day) and day not in h.weekend_workdays)
            names = {day: frozenset(name.strip() for name in h.get_list(day)) for day in h}
            known = self._loaded[year] = _Year(off, weekend, names)
        return known

    def is_workday(self, day: date) -> bool:
        self._check(day)
        return day not in self._year(day.year).off

    def is_weekend(self, day: date) -> bool:
        self._check(day)
        return day in self._year(day.year).weekend

    def holiday_names(self, day: date) -> frozenset[str]:
        self._check(day)
        return self._year(day.year).names.get(day, frozenset())

    def names(self) -> frozenset[str]:
        if self._names is None:
            import holidays as holidays_pkg

            years = sorted(self._covered())
            h = holidays_pkg.country_holidays(self._country, subdiv=self._subdiv, years=years, language="en_US")
            self._names = frozenset(name.strip() for day in h for name in h.get_list(day))
        return self._names


class _Adjusted(BusinessCalendar):
    """A calendar adjusted by the rule set (`govrules.model.AdjustedCalendar`): days that are not
    workdays though it does not list them, holidays of its that are not (workdays unless on a
    weekend), and days that are workdays whatever it says. A day written as a date comes before
    one written as a day of every year, which comes before a holiday's name; a day none of them
    names is as the calendar says. Its covered years are the calendar's own: no listed day makes
    a year covered."""

    def __init__(self, base: BusinessCalendar, spec: AdjustedCalendar) -> None:
        super().__init__(base.name)
        self._base = base
        self._dated: dict[date, str] = {}
        self._yearly: dict[tuple[int, int], str] = {}
        self._unnamed: set[str] = set()
        for kind, _, day in spec.listed():
            if isinstance(day.date, date):
                self._dated.setdefault(day.date, kind)
            elif day.date is not None:
                self._yearly.setdefault((int(day.date[:2]), int(day.date[3:])), kind)
            elif day.name is not None:
                self._unnamed.add(day.name)

    def __repr__(self) -> str:
        return f"BusinessCalendar({self.name!r}, adjusted)"

    def _covered(self) -> range | frozenset[int] | None:
        return self._base._covered()

    def is_workday(self, day: date) -> bool:
        self._check(day)
        kind = self._dated.get(day) or self._yearly.get((day.month, day.day))
        if kind is None and self._unnamed:
            names = self._base.holiday_names(day)
            kind = "not_holidays" if names and names <= self._unnamed else None
        if kind == "workdays":
            return True
        if kind == "holidays":
            return False
        if kind == "not_holidays":
            return not self._base.is_weekend(day)
        return self._base.is_workday(day)

    def is_weekend(self, day: date) -> bool:
        return self._base.is_weekend(day)

    def holiday_names(self, day: date) -> frozenset[str]:
        return self._base.holiday_names(day)

    def names(self) -> frozenset[str]:
        return self._base.names()


def calendar_of(spec: str | AdjustedCalendar) -> BusinessCalendar:
    """The business-day calendar a rule set's ``calendar`` names: by name (`get_calendar`), or
    adjusted by the days it lists.

    Raises:
        LookupError: no such calendar; a holiday's name the calendar does not give.
        ValueError: a listed day that cannot be meant (`govrules.model.calendar_problems`).
    """
    if isinstance(spec, str):
        return get_calendar(spec)
    from govrules.model import calendar_problems

    problems = calendar_problems(spec)
    if problems:
        pointer, message = problems[0]
        raise ValueError(f"calendar{pointer}: {message}")
    base = get_calendar(spec.country)
    unknown = unknown_names(base, spec)
    if unknown:
        raise LookupError(unknown[0][1])
    return _Adjusted(base, spec)


def unknown_names(calendar: BusinessCalendar, spec: AdjustedCalendar) -> list[tuple[str, str]]:
    """The holidays ``spec`` names in ``not_holidays`` that ``calendar`` never gives, each with the
    pointer of its entry (under the calendar's) and what is wrong, with the names it gives close
    to it. Loads the calendar's holidays where a name is listed."""
    problems: list[tuple[str, str]] = []
    for index, day in enumerate(spec.not_holidays):
        if day.date is not None or day.name is None or day.name in (known := calendar.names()):
            continue
        message = f"expected the name of a holiday calendar {calendar.name!r} gives, got {day.name!r}"
        close = difflib.get_close_matches(day.name, sorted(known), n=3, cutoff=0.6)
        if close:
            message += f"; did you mean {' or '.join(repr(c) for c in close)}?"
        elif not known:
            message += " (it gives no holiday names: write the days as dates)"
        problems.append((f"/not_holidays/{index}/name", message))
    return problems
