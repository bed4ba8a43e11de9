"""Durations and deadline arithmetic: units, month-end policies, local days across DST, workdays."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from govrules.calendars import BusinessCalendar, get_calendar
from govrules.durations import (
    FIRST_INSTANT,
    LAST_INSTANT,
    Duration,
    MonthPolicy,
    Unit,
    add_months,
    deadline,
    end_of_day,
    local_date,
    parse_duration,
    start_of_day,
)
from govrules.errors import InvalidArgument
from govrules.messages import format_instant

ROME = ZoneInfo("Europe/Rome")
NEW_YORK = ZoneInfo("America/New_York")
SHANGHAI = ZoneInfo("Asia/Shanghai")
SANTIAGO = ZoneInfo("America/Santiago")
LAST = (23, 59, 59, 999999)


def _at(tz: ZoneInfo, *parts: int) -> datetime:
    return datetime(*parts, tzinfo=tz)  # type: ignore[arg-type, misc]


# Parsing ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "amount", "unit"),
    [
        ("7 days", 7, Unit.DAYS),
        ("1 day", 1, Unit.DAYS),
        ("1 calendar day", 1, Unit.DAYS),
        ("72 hours", 72, Unit.HOURS),
        ("72h", 72, Unit.HOURS),
        ("5 workdays", 5, Unit.WORKDAYS),
        ("5 Business Days", 5, Unit.WORKDAYS),
        ("2 weeks", 2, Unit.WEEKS),
        ("1 month", 1, Unit.MONTHS),
        ("2 years", 2, Unit.YEARS),
        ("30 minutes", 30, Unit.MINUTES),
        ("P7D", 7, Unit.DAYS),
        ("PT72H", 72, Unit.HOURS),
        ("P1M", 1, Unit.MONTHS),
        ("PT1M", 1, Unit.MINUTES),
        ("P2W", 2, Unit.WEEKS),
        ("P1Y", 1, Unit.YEARS),
        ("0 days", 0, Unit.DAYS),
    ],
)
def test_parse_duration_reads_words_and_iso_8601(text: str, amount: int, unit: Unit) -> None:
    """People's words and ISO 8601 give the same durations; P1M is a month, PT1M a minute."""
    assert parse_duration(text) == Duration(amount, unit)


@pytest.mark.parametrize(
    ("duration", "text"),
    [
        (Duration(1, Unit.DAYS), "1 day"),
        (Duration(5, Unit.WORKDAYS), "5 workdays"),
        (Duration(72, Unit.HOURS), "72 hours"),
    ],
)
def test_duration_prints_its_canonical_form(duration: Duration, text: str) -> None:
    """str() is the written form, which parses back."""
    assert str(duration) == text
    assert parse_duration(text) == duration


@pytest.mark.parametrize("bad", ["", "P", "PT", "P1DT", "seven days", "7 fortnights", "-3 days", "1.5 days", "P1M15D"])
def test_parse_duration_refuses_what_it_cannot_read(bad: str) -> None:
    """Unreadable text is a ValueError whose message shows the syntax or asks for a single unit."""
    with pytest.raises(ValueError, match=r"7 days|single unit") as info:
        parse_duration(bad)
    assert repr(bad) in str(info.value)


@pytest.mark.parametrize(
    ("text", "amount"), [("3000000 days", "3000000"), ("1000000 workdays", "1000000"), ("P9999999D", "9999999")]
)
def test_an_amount_of_more_than_six_digits_is_said_too_large(text: str, amount: str) -> None:
    """A duration written as durations are, with an amount past six digits, is refused saying the
    amount is too large, where the message showed the syntax it was written in; a rule file says
    it after the syntax."""
    from govrules import load_rules
    from govrules.errors import RuleSetError

    with pytest.raises(ValueError) as info:
        parse_duration(text)
    assert str(info.value) == f"{text!r} has an amount of more than 6 digits ({amount}): at most 999999"
    assert parse_duration(text.replace(amount, "999999")).amount == 999999
    rule = f"{{id: r, kind: triggered, clause: c, trigger: {{action: a}}, steps: [{{action: b, within: {text}}}]}}"
    with pytest.raises(RuleSetError) as refused:
        load_rules(f"id: s\ntitle: S\ntimezone: UTC\ncalendar: CN\nrules:\n  - {rule}\n".encode(), file="r.yaml")
    [problem] = refused.value.problems
    assert (problem.pointer, problem.code) == ("/rules/0/steps/0/within", "bad-duration")
    assert problem.message.endswith(f", got {text!r} ({info.value})")


def test_elapsed_units_are_flagged() -> None:
    """Hours and minutes count elapsed time; every other unit counts calendar days."""
    assert {u for u in Unit if Duration(1, u).elapsed} == {Unit.HOURS, Unit.MINUTES}
    with pytest.raises(ValueError, match="negative"):
        Duration(-1, Unit.DAYS)


# A period's end ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "unit", "written"),
    [
        ("end of year", Unit.YEAR_END, "end of year"),
        ("End of the Year", Unit.YEAR_END, "end of year"),
        ("end of half-year", Unit.HALF_YEAR_END, "end of half-year"),
        ("end of the quarter", Unit.QUARTER_END, "end of quarter"),
        ("end of month", Unit.MONTH_END, "end of month"),
    ],
)
def test_a_periods_end_reads_and_prints(text: str, unit: Unit, written: str) -> None:
    """'End of the year' (年底前, 当年) is a moment, not a length: it prints in one form."""
    duration = parse_duration(text)
    assert (duration, duration.period_end, duration.elapsed) == (Duration(0, unit), True, False)
    assert str(duration) == written and parse_duration(written) == duration


@pytest.mark.parametrize(
    ("start", "text", "due_day"),
    [
        ((2024, 2, 10, 9), "end of month", date(2024, 2, 29)),  # a leap February
        ((2023, 2, 10, 9), "end of month", date(2023, 2, 28)),
        ((2024, 5, 31, 23), "end of quarter", date(2024, 6, 30)),
        ((2024, 7, 1, 0), "end of quarter", date(2024, 9, 30)),
        ((2024, 6, 30, 23), "end of half-year", date(2024, 6, 30)),  # the same day: an hour left
        ((2024, 7, 1, 8), "end of half-year", date(2024, 12, 31)),
        ((2024, 1, 1, 0), "end of year", date(2024, 12, 31)),
        ((2024, 12, 31, 23), "end of year", date(2024, 12, 31)),
    ],
)
def test_a_periods_end_is_the_last_instant_of_the_starts_local_period(
    start: tuple[int, ...], text: str, due_day: date
) -> None:
    """The deadline is the last instant of the local calendar period the start falls in."""
    due = deadline(_at(ROME, *start), parse_duration(text), tz=ROME)
    assert due == _at(ROME, *due_day.timetuple()[:3], *LAST)


def test_a_periods_end_is_local_across_zones_and_dst() -> None:
    """An instant late on 31 December in UTC is already next year in Shanghai; the end of March
    in Rome is in summer time (+02:00)."""
    start = datetime(2024, 12, 31, 20, tzinfo=UTC)  # 2025-01-01 04:00 in Shanghai
    assert deadline(start, parse_duration("end of year"), tz=SHANGHAI) == _at(SHANGHAI, 2025, 12, 31, *LAST)
    due = deadline(_at(ROME, 2024, 3, 2, 9), parse_duration("end of month"), tz=ROME)
    assert (due.date(), due.utcoffset()) == (date(2024, 3, 31), timedelta(hours=2))


def test_a_periods_end_rolls_to_the_next_workday_when_asked() -> None:
    """31 December 2022 is a Saturday: rolled, the end of the year is Monday 2 January 2023."""
    due = deadline(
        _at(ROME, 2022, 11, 3, 9), parse_duration("end of year"), tz=ROME, calendar=get_calendar("weekends"), roll=True
    )
    assert due == _at(ROME, 2023, 1, 2, *LAST)


# Month-end policy ---------------------------------------------------------------------------

MONTH_TABLE = [
    # start, months, clamp, next-day, end-of-month
    (date(2024, 1, 31), 1, date(2024, 2, 29), date(2024, 3, 1), date(2024, 2, 29)),
    (date(2023, 1, 31), 1, date(2023, 2, 28), date(2023, 3, 1), date(2023, 2, 28)),
    (date(2024, 1, 31), 2, date(2024, 3, 31), date(2024, 3, 31), date(2024, 3, 31)),
    (date(2024, 1, 31), 3, date(2024, 4, 30), date(2024, 5, 1), date(2024, 4, 30)),
    (date(2024, 1, 31), 13, date(2025, 2, 28), date(2025, 3, 1), date(2025, 2, 28)),
    (date(2024, 1, 30), 1, date(2024, 2, 29), date(2024, 3, 1), date(2024, 2, 29)),
    (date(2024, 2, 29), 1, date(2024, 3, 29), date(2024, 3, 29), date(2024, 3, 31)),
    (date(2024, 2, 29), 12, date(2025, 2, 28), date(2025, 3, 1), date(2025, 2, 28)),
    (date(2024, 2, 29), 48, date(2028, 2, 29), date(2028, 2, 29), date(2028, 2, 29)),
    (date(2023, 2, 28), 1, date(2023, 3, 28), date(2023, 3, 28), date(2023, 3, 31)),
    (date(2024, 3, 31), 1, date(2024, 4, 30), date(2024, 5, 1), date(2024, 4, 30)),
    (date(2024, 3, 31), 2, date(2024, 5, 31), date(2024, 5, 31), date(2024, 5, 31)),
    (date(2024, 3, 31), 11, date(2025, 2, 28), date(2025, 3, 1), date(2025, 2, 28)),
    (date(2024, 4, 30), 1, date(2024, 5, 30), date(2024, 5, 30), date(2024, 5, 31)),
    (date(2024, 3, 15), 1, date(2024, 4, 15), date(2024, 4, 15), date(2024, 4, 15)),
]


@pytest.mark.parametrize(("start", "months", "clamp", "next_day", "end_of_month"), MONTH_TABLE)
def test_add_months_under_each_policy(
    start: date, months: int, clamp: date, next_day: date, end_of_month: date
) -> None:
    """Jan 31, Feb 29 and Mar 31 plus N months: clamp (default; EU Reg. 1182/71, PRC Civil Code
    Art. 202), next-day (the day after the short month's last day) and end-of-month (a month end
    stays a month end)."""
    assert add_months(start, months) == clamp
    assert add_months(start, months, MonthPolicy.CLAMP) == clamp
    assert add_months(start, months, MonthPolicy.NEXT_DAY) == next_day
    assert add_months(start, months, MonthPolicy.END_OF_MONTH) == end_of_month


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        (MonthPolicy.CLAMP, date(2025, 2, 28)),
        (MonthPolicy.NEXT_DAY, date(2025, 3, 1)),
        (MonthPolicy.END_OF_MONTH, date(2025, 2, 28)),
    ],
)
def test_deadline_in_years_from_february_29(policy: MonthPolicy, expected: date) -> None:
    """One year after Feb 29 under each policy, ending at the last instant of the local day."""
    due = deadline(_at(SHANGHAI, 2024, 2, 29, 10), Duration(1, Unit.YEARS), tz=SHANGHAI, month_policy=policy)
    assert due == datetime.combine(expected, datetime.max.time(), tzinfo=SHANGHAI)


def test_deadline_in_months_clamps_by_default() -> None:
    """Jan 31 + 1 month is due at the end of Feb 29 in a leap year."""
    due = deadline(_at(SHANGHAI, 2024, 1, 31, 9, 30), parse_duration("1 month"), tz=SHANGHAI)
    assert due == _at(SHANGHAI, 2024, 2, 29, *LAST)


# Local days, elapsed hours and DST ----------------------------------------------------------


@pytest.mark.parametrize(
    ("tz", "day", "hours"),
    [
        (ROME, date(2024, 3, 31), 23),
        (ROME, date(2024, 10, 27), 25),
        (NEW_YORK, date(2024, 3, 10), 23),
        (NEW_YORK, date(2024, 11, 3), 25),
        (ROME, date(2024, 6, 1), 24),
    ],
)
def test_local_days_have_23_or_25_hours_on_dst_changes(tz: ZoneInfo, day: date, hours: int) -> None:
    """start_of_day and end_of_day bound the local day; its length shows the DST change."""
    first, last = start_of_day(day, tz), end_of_day(day, tz)
    assert (first.date(), first.hour, first.minute) == (day, 0, 0)
    assert (last.date(), last.hour, last.minute, last.second, last.microsecond) == (day, *LAST)
    assert last.astimezone(UTC) - first.astimezone(UTC) == timedelta(hours=hours) - timedelta(microseconds=1)


def test_a_missing_midnight_moves_forward() -> None:
    """Chile springs forward at midnight: 2024-09-08 starts at 01:00 -03:00, and the day before
    ends one microsecond earlier."""
    first = start_of_day(date(2024, 9, 8), SANTIAGO)
    assert first == datetime(2024, 9, 8, 4, tzinfo=UTC)
    assert (first.hour, first.utcoffset()) == (1, timedelta(hours=-3))
    assert end_of_day(date(2024, 9, 7), SANTIAGO) == first - timedelta(microseconds=1)


DST_DAYS = [
    # zone, start (local wall clock), due (local wall clock of the last instant), offset at due
    (ROME, (2024, 3, 29, 12), (2024, 4, 1), 2, "spring forward"),
    (ROME, (2024, 10, 26, 12), (2024, 10, 29), 1, "fall back"),
    (NEW_YORK, (2024, 3, 9, 12), (2024, 3, 12), -4, "spring forward"),
    (NEW_YORK, (2024, 11, 2, 12), (2024, 11, 5), -5, "fall back"),
]


@pytest.mark.parametrize(("tz", "start", "due_day", "offset", "change"), DST_DAYS)
def test_a_deadline_in_days_counts_local_calendar_days_across_dst(
    tz: ZoneInfo, start: tuple[int, ...], due_day: tuple[int, int, int], offset: int, change: str
) -> None:
    """3 days across a DST change end at 23:59:59.999999 local of the third day, which is
    3 days + 12 hours -/+ 1 hour of elapsed time, not 3 × 24 hours."""
    begin = _at(tz, *start)
    due = deadline(begin, parse_duration("3 days"), tz=tz)
    assert due == _at(tz, *due_day, *LAST)
    assert due.utcoffset() == timedelta(hours=offset)
    elapsed = due.astimezone(UTC) - begin.astimezone(UTC)
    shift = timedelta(hours=-1 if change == "spring forward" else 1)
    assert elapsed == timedelta(days=3, hours=12) + shift - timedelta(microseconds=1)


@pytest.mark.parametrize(
    ("tz", "start", "end"),
    [
        (ROME, (2024, 3, 30, 10), (2024, 4, 2, 11)),
        (ROME, (2024, 10, 26, 10), (2024, 10, 29, 9)),
        (NEW_YORK, (2024, 3, 9, 10), (2024, 3, 12, 11)),
        (NEW_YORK, (2024, 11, 2, 10), (2024, 11, 5, 9)),
    ],
)
def test_a_deadline_in_hours_is_exact_elapsed_time(tz: ZoneInfo, start: tuple[int, ...], end: tuple[int, ...]) -> None:
    """72 hours (GDPR Art. 33) across a DST change are 72 × 3600 s; the wall clock moves by an hour."""
    begin = _at(tz, *start)
    due = deadline(begin, parse_duration("72 hours"), tz=tz)
    assert due.astimezone(UTC) - begin.astimezone(UTC) == timedelta(hours=72)
    assert due == _at(tz, *end)
    assert deadline(begin, parse_duration("PT90M"), tz=tz) - begin == timedelta(minutes=90)


def test_sixty_days_from_a_notification_at_midnight_across_spring_forward() -> None:
    """A notification at 00:00+01:00 in Rome: 60 days end at the end of the 60th local day."""
    due = deadline(_at(ROME, 2024, 3, 1), parse_duration("60 days"), tz=ROME)
    assert due == _at(ROME, 2024, 4, 30, *LAST)
    assert due.utcoffset() == timedelta(hours=2)


def test_days_are_counted_from_the_local_date_of_the_start() -> None:
    """20:00 UTC on Nov 30 is already Dec 1 in Shanghai: one day later ends with Dec 2 there."""
    due = deadline(datetime(2024, 11, 30, 20, tzinfo=UTC), parse_duration("1 day"), tz=SHANGHAI)
    assert due == _at(SHANGHAI, 2024, 12, 2, *LAST)
    assert local_date(datetime(2024, 11, 30, 20, tzinfo=UTC), SHANGHAI) == date(2024, 12, 1)


def test_zero_days_is_the_end_of_the_same_local_day_and_weeks_are_seven_days() -> None:
    """'0 days' (the default due offset) ends the local day; '2 weeks' is 14 local days."""
    begin = _at(ROME, 2024, 3, 31, 1)
    assert deadline(begin, parse_duration("0 days"), tz=ROME) == _at(ROME, 2024, 3, 31, *LAST)
    assert deadline(begin, parse_duration("2 weeks"), tz=ROME) == _at(ROME, 2024, 4, 14, *LAST)


# Workdays and the roll ----------------------------------------------------------------------


def test_workdays_count_china_adjusted_working_weekends() -> None:
    """5 workdays after Monday 2025-09-29 end on 2025-10-13: the National Day week is off and
    Saturday 2025-10-11 is a working day."""
    cn = get_calendar("CN")
    due = deadline(_at(SHANGHAI, 2025, 9, 29, 10), parse_duration("5 workdays"), tz=SHANGHAI, calendar=cn)
    assert due == _at(SHANGHAI, 2025, 10, 13, *LAST)


def test_roll_moves_a_deadline_off_a_weekend_only_when_asked() -> None:
    """Friday + 1 day is Saturday; rolled, the next workday is Monday."""
    weekends = BusinessCalendar("weekends")
    friday = _at(ROME, 2024, 6, 7, 12)
    assert deadline(friday, parse_duration("1 day"), tz=ROME, calendar=weekends) == _at(ROME, 2024, 6, 8, *LAST)
    assert deadline(friday, parse_duration("1 day"), tz=ROME, calendar=weekends, roll=True) == _at(
        ROME, 2024, 6, 10, *LAST
    )
    assert deadline(friday, parse_duration("0 days"), tz=ROME, calendar=weekends, roll=True) == _at(
        ROME, 2024, 6, 7, *LAST
    )


def test_roll_skips_a_holiday_after_a_weekend() -> None:
    """Saturday 2024-11-09 rolls past Monday 2024-11-11 (Veterans Day) to Tuesday."""
    due = deadline(
        _at(NEW_YORK, 2024, 11, 8, 12), parse_duration("1 day"), tz=NEW_YORK, calendar=get_calendar("US"), roll=True
    )
    assert due == _at(NEW_YORK, 2024, 11, 12, *LAST)


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"duration": Duration(5, Unit.WORKDAYS)}, "workdays needs a business-day calendar"),
        ({"duration": Duration(1, Unit.DAYS), "roll": True}, "rolling .* needs a business-day calendar"),
        (
            {"duration": Duration(72, Unit.HOURS), "roll": True, "calendar": BusinessCalendar("weekends")},
            "72 hours is elapsed time and is not rolled",
        ),
    ],
)
def test_workdays_and_roll_need_a_calendar(kwargs: dict[str, object], fragment: str) -> None:
    """Without a calendar, workdays and the roll are refused rather than guessed; an elapsed
    deadline is never rolled, so asking for it is refused too."""
    with pytest.raises(InvalidArgument, match=fragment):
        deadline(_at(ROME, 2024, 6, 7), tz=ROME, **kwargs)  # type: ignore[arg-type]


def test_a_naive_start_is_refused() -> None:
    """Naive datetimes are never compared with aware ones; the error is also a ValueError."""
    with pytest.raises(InvalidArgument, match="aware") as info:
        deadline(datetime(2024, 6, 7, 12), Duration(1, Unit.DAYS), tz=ROME)
    assert isinstance(info.value, ValueError)


def test_deadlines_compare_as_instants_in_a_repeated_hour() -> None:
    """On 2024-10-27 Rome's 02:00-03:00 happens twice. One hour after 02:45 CEST is 02:45 CET;
    an event at 02:50 CEST (the first 02:50) is before it. Deadlines carry a fixed offset, so the
    comparison is by instant even against a datetime in the zone itself."""
    begin = datetime(2024, 10, 27, 0, 45, tzinfo=UTC)
    due = deadline(begin, parse_duration("1 hour"), tz=ROME)
    assert due == datetime(2024, 10, 27, 1, 45, tzinfo=UTC)
    assert (due.hour, due.minute, due.utcoffset()) == (2, 45, timedelta(hours=1))
    first_0250 = datetime(2024, 10, 27, 2, 50, tzinfo=ROME)  # fold=0: the CEST one
    assert first_0250.utcoffset() == timedelta(hours=2)
    assert first_0250 < due
    assert due - first_0250 == timedelta(minutes=55)


def test_the_month_end_table_in_the_docs_is_what_the_code_does() -> None:
    """docs/calendar.md's month-end table is checked row by row against add_months."""
    doc = (Path(__file__).resolve().parents[2] / "docs" / "calendar.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (\d{4}-\d{2}-\d{2}) \+ (\d+) \| (\S+) \| (\S+) \| (\S+) \|$", doc, flags=re.MULTILINE)
    assert len(rows) >= 7
    for start, months, *expected in rows:
        got = [add_months(date.fromisoformat(start), int(months), policy).isoformat() for policy in MonthPolicy]
        assert got == expected, (start, months)


def test_instants_at_the_ends_of_the_calendar_saturate_instead_of_overflowing() -> None:
    """An event may be dated within a day of the calendar's ends (year 1, year 9999) at an
    offset that puts its local date outside it. Its local date, the start and end of the days at
    the ends, and a deadline past the end are the calendar's first or last date or instant, never
    an OverflowError in the middle of a check."""
    east = datetime.fromisoformat("0001-01-01T00:00:00+14:00")  # still year 0 in New York
    west = datetime.fromisoformat("9999-12-31T23:00:00-14:00")  # already year 10000 in Shanghai
    assert (local_date(east, NEW_YORK), local_date(west, SHANGHAI)) == (date.min, date.max)
    assert local_date(east, SHANGHAI) == date(1, 1, 1)  # where it fits, as always
    assert start_of_day(date.min, SHANGHAI) == FIRST_INSTANT
    assert end_of_day(date.max, NEW_YORK) == LAST_INSTANT
    # east of UTC the calendar's last day ends before the calendar does: at its own end, which
    # the zone can show (an audit moment dated 9999-12-31 in Shanghai was refused)
    last = end_of_day(date.max, SHANGHAI)
    assert (last, last.utcoffset()) == (datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=SHANGHAI), timedelta(hours=8))
    assert local_date(last, SHANGHAI) == date.max
    assert deadline(west, parse_duration("30 days"), tz=NEW_YORK) == LAST_INSTANT
    assert deadline(west, parse_duration("72 hours"), tz=NEW_YORK) == LAST_INSTANT
    six_months = deadline(east, parse_duration("6 months"), tz=NEW_YORK)
    assert six_months == datetime(1, 7, 1, 23, 59, 59, 999999, tzinfo=NEW_YORK)  # in New York's local mean time,
    assert six_months.utcoffset() == timedelta(0)  # -04:56:02, given in UTC, which JSON writes exactly
    # months and years past the end saturate too (dateutil says "year 10000 is out of range")
    in_9990 = _at(SHANGHAI, 9990, 6, 1)
    for text in ("10 years", "120 months", "9000 years"):
        assert deadline(in_9990, parse_duration(text), tz=SHANGHAI) == LAST_INSTANT
    with pytest.raises(OverflowError):
        add_months(date(9999, 12, 1), 1)
    assert format_instant(LAST_INSTANT, SHANGHAI) == "9999-12-31 23:59:59 +00:00"  # said, not raised


APIA = ZoneInfo("Pacific/Apia")  # went from 29 to 31 December 2011: the 30th never was


def test_a_deadline_that_would_end_on_a_day_the_zone_skips_ends_with_the_next_day() -> None:
    """Samoa skipped 30 December 2011 (-10:00 to +14:00). A day with no moment in it is no day to
    act on: one day after noon on the 29th ends with the 31st, not one microsecond before the
    30th would have begun (12 hours after the start). Rolled to a workday, the Friday that never
    was gives way to the Saturday, and that to Monday 2 January."""
    noon = _at(APIA, 2011, 12, 29, 12)
    assert start_of_day(date(2011, 12, 30), APIA) == start_of_day(date(2011, 12, 31), APIA)
    due = deadline(noon, parse_duration("1 day"), tz=APIA)
    assert due == _at(APIA, 2011, 12, 31, *LAST)
    assert due.utcoffset() == timedelta(hours=14)
    assert deadline(noon, parse_duration("2 days"), tz=APIA) == due
    assert deadline(noon, parse_duration("0 days"), tz=APIA) == _at(APIA, 2011, 12, 29, *LAST)
    assert deadline(noon, parse_duration("3 days"), tz=APIA) == _at(APIA, 2012, 1, 1, *LAST)
    weekdays = BusinessCalendar("weekdays")
    rolled = deadline(noon, parse_duration("1 day"), tz=APIA, calendar=weekdays, roll=True)
    assert rolled == _at(APIA, 2012, 1, 2, *LAST)
    # one workday after Thursday the 29th is the Friday that never was: the next workday there is
    assert deadline(noon, parse_duration("1 workday"), tz=APIA, calendar=weekdays) == rolled
    assert deadline(noon, parse_duration("2 workdays"), tz=APIA, calendar=weekdays) == rolled
