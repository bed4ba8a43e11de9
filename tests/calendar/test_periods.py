"""Periods: labels, spans, expansion over a range, and the RFC 5545 behaviour pinned."""

from __future__ import annotations

import calendar as stdlib_calendar
import itertools
from collections.abc import Iterator
from datetime import date

import pytest

from govrules.errors import GovrulesError, PeriodError
from govrules.periods import (
    Grain,
    Period,
    first_occurrence,
    iter_custom_periods,
    iter_periods,
    iter_rrule_periods,
    months_of,
    parse_label,
    parse_rrule,
)

# (label, start, end): one row per label form, with the awkward cases of each.
LABELS = [
    ("2024-11-30", date(2024, 11, 30), date(2024, 12, 1)),
    ("2024-12-31", date(2024, 12, 31), date(2025, 1, 1)),
    ("2024-02-29", date(2024, 2, 29), date(2024, 3, 1)),
    ("2024-W48", date(2024, 11, 25), date(2024, 12, 2)),
    ("2025-W01", date(2024, 12, 30), date(2025, 1, 6)),
    ("2020-W53", date(2020, 12, 28), date(2021, 1, 4)),
    ("2024-11-24/P1W", date(2024, 11, 24), date(2024, 12, 1)),
    ("2024-11", date(2024, 11, 1), date(2024, 12, 1)),
    ("2024-02", date(2024, 2, 1), date(2024, 3, 1)),
    ("2024-12", date(2024, 12, 1), date(2025, 1, 1)),
    ("2024-Q1", date(2024, 1, 1), date(2024, 4, 1)),
    ("2024-Q2", date(2024, 4, 1), date(2024, 7, 1)),
    ("2024-Q4", date(2024, 10, 1), date(2025, 1, 1)),
    ("2024-H1", date(2024, 1, 1), date(2024, 7, 1)),
    ("2024-H2", date(2024, 7, 1), date(2025, 1, 1)),
    ("2024", date(2024, 1, 1), date(2025, 1, 1)),
    ("2024-09/P1Y", date(2024, 9, 1), date(2025, 9, 1)),
    ("2023-10/P1Y", date(2023, 10, 1), date(2024, 10, 1)),
    ("2024-01-05/2024-02-05", date(2024, 1, 5), date(2024, 2, 5)),
]


@pytest.mark.parametrize(("label", "start", "end"), LABELS)
def test_parse_label_gives_the_span_and_round_trips(label: str, start: date, end: date) -> None:
    """Every label form reads back to its span, and the span's label is the same text."""
    period = parse_label(label)
    assert (period.start, period.end, period.label) == (start, end, label)
    assert parse_label(period.label) == period
    assert str(period) == label


@pytest.mark.parametrize(
    ("grain", "day", "label"),
    [
        (Grain.DAY, date(2024, 2, 29), "2024-02-29"),
        (Grain.WEEK, date(2024, 12, 1), "2024-W48"),  # a Sunday belongs to the ISO week of the Monday before
        (Grain.WEEK, date(2025, 1, 1), "2025-W01"),
        (Grain.MONTH, date(2024, 11, 15), "2024-11"),
        (Grain.QUARTER, date(2024, 6, 30), "2024-Q2"),
        (Grain.HALF_YEAR, date(2024, 7, 1), "2024-H2"),
        (Grain.YEAR, date(2024, 12, 31), "2024"),
    ],
)
def test_every_grain_labels_its_periods_canonically(grain: Grain, day: date, label: str) -> None:
    """The period of each grain that contains a day carries the canonical label of that day's period."""
    (period,) = [p for p in iter_periods(grain, date(2023, 12, 1), date(2025, 2, 1)) if day in p]
    assert period.label == label
    assert parse_label(label) == period


@pytest.mark.parametrize(
    ("text", "canonical"),
    [("2024-11-25/P1W", "2024-W48"), ("2024-01/P1Y", "2024")],
)
def test_other_spellings_are_normalised(text: str, canonical: str) -> None:
    """A week from a Monday is the ISO week; a year from January is the calendar year."""
    assert parse_label(text).label == canonical
    assert parse_label(text) == parse_label(canonical)


@pytest.mark.parametrize(
    "bad",
    [
        *("2024-13", "2024-Q5", "2024-H3", "24-11", "2024/11", "", "2024-02-30", "2023-02-29", "2024-W53", "2024-q2"),
        "Q2",
        # digits other than ASCII's, and a line break after a label, were read as the label
        *("２０２４", "٢٠٢٤-١١", "𝟚𝟘𝟚𝟜", "२०२४-Q2", "2024-W４８", "2024-11-30\n"),
    ],
)
def test_a_bad_label_raises_a_period_error_that_teaches_the_syntax(bad: str) -> None:
    """The error names the bad label and shows every legal form with an example."""
    with pytest.raises(PeriodError) as info:
        parse_label(bad)
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, GovrulesError)
    text = str(info.value)
    assert repr(bad) in text
    for example in ("'2024-11-30'", "'2024-W48'", "'2024-11'", "'2024-Q2'", "'2024-H1'", "'2024'", "'2024-09/P1Y'"):
        assert example in text


def test_a_backwards_span_is_refused() -> None:
    """A span must end after it starts; the message says which dates."""
    with pytest.raises(PeriodError, match=r"2024-02-01.*2024-03-01"):
        parse_label("2024-03-01/2024-02-01")
    with pytest.raises(PeriodError):
        Period(date(2024, 1, 1), date(2024, 1, 1), "empty")


def test_period_is_half_open_and_knows_its_last_day() -> None:
    """A period contains its start, not its end; its last day is the day before the end."""
    feb = parse_label("2024-02")
    assert feb.last_day == date(2024, 2, 29)
    assert date(2024, 2, 1) in feb
    assert date(2024, 2, 29) in feb
    assert date(2024, 3, 1) not in feb
    assert "2024-02-10" not in feb


@pytest.mark.parametrize(
    ("year", "last_day"),
    [(2023, 28), (2024, 29), (2000, 29), (2100, 28), (1900, 28)],
)
def test_february_ends_on_the_leap_year_rule(year: int, last_day: int) -> None:
    """Leap years: every fourth year, except centuries not divisible by 400."""
    assert parse_label(f"{year}-02").last_day == date(year, 2, last_day)
    assert parse_label(f"{year}-Q1").end == date(year, 4, 1)


@pytest.mark.parametrize(
    ("label", "days"),
    [("2024-01", 31), ("2024-04", 30), ("2024-06", 30), ("2024-07", 31), ("2024-09", 30), ("2024-12", 31)],
)
def test_months_end_on_their_30th_or_31st(label: str, days: int) -> None:
    """Month lengths."""
    period = parse_label(label)
    assert (period.end - period.start).days == days
    assert period.last_day.day == days


def test_iter_periods_takes_the_periods_that_start_in_the_range() -> None:
    """A period belongs to the range that holds its first day; a partial first period is left out."""
    months = list(iter_periods(Grain.MONTH, date(2024, 1, 15), date(2024, 4, 1)))
    assert [p.label for p in months] == ["2024-02", "2024-03"]
    quarters = list(iter_periods(Grain.QUARTER, date(2024, 1, 1), date(2025, 1, 1)))
    assert [(p.label, p.start, p.end) for p in quarters] == [
        ("2024-Q1", date(2024, 1, 1), date(2024, 4, 1)),
        ("2024-Q2", date(2024, 4, 1), date(2024, 7, 1)),
        ("2024-Q3", date(2024, 7, 1), date(2024, 10, 1)),
        ("2024-Q4", date(2024, 10, 1), date(2025, 1, 1)),
    ]
    assert [p.label for p in iter_periods(Grain.YEAR, date(2024, 1, 1), date(2024, 1, 2))] == ["2024"]
    assert list(iter_periods(Grain.YEAR, date(2024, 1, 2), date(2024, 12, 31))) == []


def test_periods_tile_the_calendar_without_gap_or_overlap() -> None:
    """Each period ends where the next starts."""
    for grain in Grain:
        periods = list(iter_periods(grain, date(2023, 1, 1), date(2026, 1, 1)))
        assert periods, grain
        assert all(a.end == b.start for a, b in itertools.pairwise(periods)), grain


def test_a_week_can_start_on_another_weekday() -> None:
    """Weeks from Sunday carry a '<date>/P1W' label; ISO weeks start on Monday."""
    weeks = list(iter_periods(Grain.WEEK, date(2024, 11, 24), date(2024, 12, 8), week_start=6))
    assert [(p.label, p.start, p.end) for p in weeks] == [
        ("2024-11-24/P1W", date(2024, 11, 24), date(2024, 12, 1)),
        ("2024-12-01/P1W", date(2024, 12, 1), date(2024, 12, 8)),
    ]
    iso = list(iter_periods(Grain.WEEK, date(2024, 12, 23), date(2025, 1, 6)))
    assert [p.label for p in iso] == ["2024-W52", "2025-W01"]


def test_a_year_can_start_in_another_month() -> None:
    """School and fiscal years: a year from September is labelled by the year it starts in."""
    years = list(iter_periods(Grain.YEAR, date(2023, 1, 1), date(2025, 1, 1), year_start=9))
    assert [(p.label, p.start, p.end) for p in years] == [
        ("2023-09/P1Y", date(2023, 9, 1), date(2024, 9, 1)),
        ("2024-09/P1Y", date(2024, 9, 1), date(2025, 9, 1)),
    ]


@pytest.mark.parametrize(("kwargs", "word"), [({"year_start": 13}, "month"), ({"week_start": 7}, "weekday")])
def test_iter_periods_refuses_a_bad_start(kwargs: dict[str, int], word: str) -> None:
    """An impossible year or week start is a PeriodError, not an empty result."""
    with pytest.raises(PeriodError, match=word):
        list(iter_periods(Grain.YEAR, date(2024, 1, 1), date(2025, 1, 1), **kwargs))


def test_months_of_lists_each_month_that_a_period_touches() -> None:
    """A semester from September to mid-January touches five months; a quarter three."""
    semester = Period(date(2024, 9, 1), date(2025, 1, 18), "2024-2025-1")
    assert months_of(semester) == [
        date(2024, 9, 1),
        date(2024, 10, 1),
        date(2024, 11, 1),
        date(2024, 12, 1),
        date(2025, 1, 1),
    ]
    assert months_of(parse_label("2024-Q3")) == [date(2024, 7, 1), date(2024, 8, 1), date(2024, 9, 1)]


def test_custom_periods_are_sorted_and_taken_by_their_first_day() -> None:
    """Named periods from an organisation's calendar: a semester that crosses the year boundary
    belongs to the year it starts in."""
    autumn = Period(date(2024, 9, 1), date(2025, 1, 18), "2024-2025-1")
    spring = Period(date(2025, 2, 24), date(2025, 7, 5), "2024-2025-2")
    earlier = Period(date(2024, 2, 26), date(2024, 7, 6), "2023-2024-2")
    in_2024 = list(iter_custom_periods([spring, autumn, earlier], date(2024, 1, 1), date(2025, 1, 1)))
    assert [p.label for p in in_2024] == ["2023-2024-2", "2024-2025-1"]
    in_2025 = list(iter_custom_periods([spring, autumn, earlier], date(2025, 1, 1), date(2026, 1, 1)))
    assert [p.label for p in in_2025] == ["2024-2025-2"]


# RFC 5545 recurrences ----------------------------------------------------------------------


def _starts(periods: Iterator[Period]) -> list[date]:
    return [p.start for p in periods]


def test_rrule_skips_invalid_dates_monthly_from_january_31() -> None:
    """RFC 5545 §3.3.10: a monthly rule from Jan 31 has no February, April, June, September or
    November occurrence (it does not clamp like month arithmetic does)."""
    periods = list(
        iter_rrule_periods("FREQ=MONTHLY", dtstart=date(2024, 1, 31), start=date(2024, 1, 1), end=date(2025, 1, 1))
    )
    assert _starts(iter(periods)) == [
        date(2024, 1, 31),
        date(2024, 3, 31),
        date(2024, 5, 31),
        date(2024, 7, 31),
        date(2024, 8, 31),
        date(2024, 10, 31),
        date(2024, 12, 31),
    ]
    assert [p.label for p in periods[:2]] == ["2024-01-31/2024-03-31", "2024-03-31/2024-05-31"]
    assert periods[-1].end == date(2025, 1, 31)


def test_rrule_bymonthday_minus_one_gives_month_ends() -> None:
    """For "the last day of each month" write BYMONTHDAY=-1: Feb 29 in a leap year, Feb 28 otherwise."""
    starts = _starts(
        iter_rrule_periods(
            "FREQ=MONTHLY;BYMONTHDAY=-1", dtstart=date(2023, 12, 1), start=date(2024, 1, 1), end=date(2024, 7, 1)
        )
    )
    assert starts == [
        date(2024, 1, 31),
        date(2024, 2, 29),
        date(2024, 3, 31),
        date(2024, 4, 30),
        date(2024, 5, 31),
        date(2024, 6, 30),
    ]
    feb_2023 = _starts(
        iter_rrule_periods(
            "RRULE:FREQ=MONTHLY;BYMONTHDAY=-1", dtstart=date(2023, 1, 1), start=date(2023, 2, 1), end=date(2023, 3, 1)
        )
    )
    assert feb_2023 == [date(2023, 2, 28)]


def test_rrule_yearly_from_february_29_occurs_only_in_leap_years() -> None:
    """A yearly rule from Feb 29 skips the years without one."""
    starts = _starts(
        iter_rrule_periods("FREQ=YEARLY", dtstart=date(2024, 2, 29), start=date(2024, 1, 1), end=date(2033, 1, 1))
    )
    assert starts == [date(2024, 2, 29), date(2028, 2, 29), date(2032, 2, 29)]


@pytest.mark.parametrize(
    ("week_start", "expected"),
    [(0, [5, 10, 19, 24]), (6, [5, 17, 19, 31])],
)
def test_rrule_week_start_is_passed_explicitly(week_start: int, expected: list[int]) -> None:
    """The RFC 5545 example: FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,SU from 1997-08-05 gives Aug 5, 10,
    19, 24 with WKST=MO and Aug 5, 17, 19, 31 with WKST=SU, whatever the process-wide first weekday."""
    previous = stdlib_calendar.firstweekday()
    stdlib_calendar.setfirstweekday(6 - week_start)  # the opposite of what the rule asks for
    try:
        rule = parse_rrule(
            "FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU", dtstart=date(1997, 8, 5), week_start=week_start
        )
        assert [d.day for d in rule] == expected
    finally:
        stdlib_calendar.setfirstweekday(previous)


def test_rrule_text_wkst_wins_over_the_rule_set_week_start() -> None:
    """A WKST written in the rule is kept."""
    rule = parse_rrule("FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=SU", dtstart=date(1997, 8, 5), week_start=0)
    assert [d.day for d in rule] == [5, 17, 19, 31]


def test_rrule_periods_run_from_one_occurrence_to_the_next() -> None:
    """A finite rule's last occurrence opens no period (it has no next occurrence)."""
    periods = list(
        iter_rrule_periods(
            "FREQ=MONTHLY;COUNT=3", dtstart=date(2024, 1, 1), start=date(2024, 1, 1), end=date(2025, 1, 1)
        )
    )
    assert [p.label for p in periods] == ["2024-01-01/2024-02-01", "2024-02-01/2024-03-01"]


def test_rrule_occurrences_on_one_day_open_one_period() -> None:
    """Periods are whole days: BYHOUR=9,17 twice a day still gives one period per day."""
    periods = list(
        iter_rrule_periods(
            "FREQ=DAILY;BYHOUR=9,17", dtstart=date(2024, 1, 1), start=date(2024, 1, 1), end=date(2024, 1, 4)
        )
    )
    assert [(p.start, p.end) for p in periods] == [
        (date(2024, 1, 1), date(2024, 1, 2)),
        (date(2024, 1, 2), date(2024, 1, 3)),
        (date(2024, 1, 3), date(2024, 1, 4)),
    ]


def test_rrule_periods_are_taken_by_their_first_day() -> None:
    """Occurrences before the range open no period in it, even when the period reaches into it."""
    periods = list(
        iter_rrule_periods(
            "FREQ=WEEKLY;BYDAY=MO", dtstart=date(2024, 1, 1), start=date(2024, 1, 3), end=date(2024, 1, 16)
        )
    )
    assert [p.label for p in periods] == ["2024-01-08/2024-01-15", "2024-01-15/2024-01-22"]


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("FREQ=HOURLY", "whole days"),
        ("FREQ=minutely;INTERVAL=5", "whole days"),
        ("DTSTART:20240101T000000\nRRULE:FREQ=DAILY", "start"),
        ("FREQ=FORTNIGHTLY", "cannot read"),
        ("BYDAY=MO", "cannot read"),
        ("FREQ=DAILY;INTERVAL=0", "positive INTERVAL"),  # dateutil repeats the start for ever
        ("FREQ=WEEKLY;INTERVAL=-1", "positive INTERVAL"),
        ("FREQ=DAILY;INTERVAL=0_0", "positive INTERVAL"),  # as int() reads it
        ("FREQ=DAILY;INTERVAL=\u0660", "positive INTERVAL"),  # an Arabic-Indic zero
        ("FREQ=YEARLY;BYEASTER=1", "BYEASTER is dateutil's own"),  # not RFC 5545's
    ],
)
def test_rrule_errors_say_what_is_wrong(text: str, fragment: str) -> None:
    """Sub-daily frequencies, an embedded DTSTART, an interval below one and unreadable text are
    PeriodErrors."""
    with pytest.raises(PeriodError, match=fragment):
        parse_rrule(text, dtstart=date(2024, 1, 1))


@pytest.mark.parametrize("until", ["20240301T000000Z", "20240301t120000z"])
def test_an_until_in_utc_is_asked_for_as_a_day(until: str) -> None:
    """A recurrence starts on a day (its ``start``), so RFC 5545 has its ``UNTIL`` a day too: one
    written in UTC is refused asking for the day, where dateutil's own words asked for UTC ("RRULE
    UNTIL values must be specified in UTC when DTSTART is timezone-aware"), which it was. A day,
    and a local time without ``Z``, are read."""
    with pytest.raises(PeriodError) as raised:
        parse_rrule(f"FREQ=WEEKLY;UNTIL={until};BYDAY=MO", dtstart=date(2024, 1, 1))
    assert str(raised.value) == (
        f"expected UNTIL as a day, as the recurrence's 'start' is one (RFC 5545 §3.3.10): write "
        f"UNTIL=20240301, got 'FREQ=WEEKLY;UNTIL={until};BYDAY=MO'"
    )
    for readable in ("20240301", "20240301T000000"):
        assert parse_rrule(f"FREQ=WEEKLY;UNTIL={readable};BYDAY=MO", dtstart=date(2024, 1, 1)).count() == 9


def test_the_docstring_examples_of_the_calendar_modules_hold() -> None:
    """The examples in the docstrings of periods and durations run as written."""
    import doctest

    from govrules import durations, periods

    for module in (periods, durations):
        result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
        assert result.attempted >= 1, module.__name__
        assert result.failed == 0, module.__name__


# Whether a recurrence occurs at all, and its first occurrence -------------------------------

_RARE_OR_NEVER = [
    ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", date(2024, 1, 1), None),
    ("FREQ=MONTHLY;BYMONTH=2;BYMONTHDAY=30", date(2024, 1, 1), None),
    ("FREQ=MONTHLY;BYMONTH=2", date(2025, 1, 30), None),  # its start's day, the 30th, in February
    ("FREQ=MONTHLY;BYDAY=MO;BYSETPOS=6", date(2024, 1, 1), None),  # no month has six Mondays
    ("FREQ=YEARLY;INTERVAL=4;BYMONTH=2;BYMONTHDAY=29", date(2025, 1, 1), None),  # never a leap year
    ("FREQ=YEARLY;INTERVAL=4;BYMONTH=2;BYMONTHDAY=29", date(2024, 1, 1), date(2024, 2, 29)),
    ("FREQ=YEARLY;INTERVAL=100;BYMONTH=2;BYMONTHDAY=29", date(2100, 1, 1), date(2400, 2, 29)),
    ("FREQ=YEARLY;BYYEARDAY=366;BYDAY=MO", date(2025, 1, 1), date(2040, 12, 31)),
    ("FREQ=WEEKLY;INTERVAL=2;BYMONTH=2;BYMONTHDAY=29;BYDAY=MO", date(2025, 1, 30), date(2044, 2, 29)),
    ("FREQ=DAILY;INTERVAL=3;BYMONTH=2;BYMONTHDAY=29;BYDAY=MO", date(2024, 1, 1), date(2208, 2, 29)),
    ("FREQ=WEEKLY;BYDAY=MO;UNTIL=20231231", date(2024, 1, 1), None),
    ("FREQ=DAILY;COUNT=0", date(2024, 1, 1), None),
    ("FREQ=YEARLY;INTERVAL=1000;BYMONTH=2;BYMONTHDAY=29", date(8000, 1, 1), date(8000, 2, 29)),
    ("FREQ=YEARLY;INTERVAL=1000;BYMONTH=2;BYMONTHDAY=29", date(8100, 1, 1), None),  # 9100 no leap year either
]


@pytest.mark.parametrize(("text", "start", "first"), _RARE_OR_NEVER)
def test_the_first_occurrence_is_the_one_a_search_of_the_whole_calendar_finds(
    text: str, start: date, first: date | None
) -> None:
    """`first_occurrence` looks no further than one 400-year cycle of the calendar and one
    step, and finds what dateutil finds searching to the year 9999: an occurrence 184 or 300
    years after the start (a step of 3 days or of 100 years meets 29 February on a Monday, or in
    a leap year, that seldom), and none where no day meets every part, or the UNTIL or COUNT
    ends the rule first."""
    assert first_occurrence(text, dtstart=start) == first
    searched = next(iter(parse_rrule(text, dtstart=start)), None)
    assert (None if searched is None else searched.date()) == first


@pytest.mark.parametrize(
    "text", ["FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", "FREQ=WEEKLY;BYMONTH=4;BYMONTHDAY=31", "FREQ=DAILY;BYSETPOS=2"]
)
def test_a_daily_or_weekly_recurrence_that_never_occurs_has_no_first_occurrence(text: str) -> None:
    """A daily or weekly rule no day meets (dateutil alone would search about 3 million days to
    the year 9999 to say so): no first occurrence, from any start."""
    for start in (date(1, 1, 1), date(2024, 1, 1), date(9990, 1, 1)):
        assert first_occurrence(text, dtstart=start) is None
