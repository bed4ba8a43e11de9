"""Business-day calendars: weekends, public holidays, China's adjusted working weekends, coverage."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from govrules.calendars import BusinessCalendar, get_calendar
from govrules.errors import CalendarError, GovrulesError, RuleSetError
from govrules.loaders import load_rules

ROOT = Path(__file__).resolve().parents[2]


def _first_uncovered_after(calendar: BusinessCalendar, year: int) -> int:
    return next(y for y in range(year, year + 200) if not calendar.covers(y))


# China ---------------------------------------------------------------------------------------

CN_2025 = [
    (date(2025, 9, 27), False, "Saturday"),
    (date(2025, 9, 28), True, "Sunday, an adjusted working day (调休) before National Day"),
    (date(2025, 9, 29), True, "Monday"),
    (date(2025, 9, 30), True, "Tuesday"),
    (date(2025, 10, 1), False, "National Day"),
    (date(2025, 10, 4), False, "Saturday inside the holiday"),
    (date(2025, 10, 6), False, "Mid-Autumn Festival"),
    (date(2025, 10, 8), False, "the last day off"),
    (date(2025, 10, 9), True, "Thursday"),
    (date(2025, 10, 11), True, "Saturday, an adjusted working day"),
    (date(2025, 10, 12), False, "Sunday"),
    (date(2025, 1, 26), True, "Sunday, worked before the Spring Festival"),
    (date(2025, 2, 8), True, "Saturday, worked after the Spring Festival"),
    (date(2025, 1, 29), False, "Spring Festival"),
    (date(2025, 4, 27), True, "Sunday, worked before Labour Day"),
    (date(2025, 5, 5), False, "Monday, a day off in exchange"),
]


@pytest.mark.parametrize(("day", "workday", "why"), CN_2025)
def test_china_2025_workdays_follow_the_announced_schedule(day: date, workday: bool, why: str) -> None:
    """China's State Council schedule for 2025, including the weekends that are working days."""
    assert get_calendar("CN").is_workday(day) is workday, why


def test_five_workdays_after_2025_09_29_end_on_2025_10_13() -> None:
    """Sep 30, Oct 9, Oct 10, Oct 11 (a Saturday) and Oct 13: the holiday week is skipped."""
    cn = get_calendar("CN")
    assert cn.add_workdays(date(2025, 9, 29), 5) == date(2025, 10, 13)
    assert cn.add_workdays(date(2025, 9, 27), 1) == date(2025, 9, 28)
    assert cn.next_workday(date(2025, 10, 1)) == date(2025, 10, 9)


def test_china_cross_year_adjustment_is_known() -> None:
    """2018-12-29 (a Saturday) was worked and 2018-12-31 (a Monday) was off for New Year 2019."""
    cn = get_calendar("CN")
    assert cn.is_workday(date(2018, 12, 29)) is True
    assert cn.is_workday(date(2018, 12, 31)) is False
    assert cn.add_workdays(date(2018, 12, 28), 1) == date(2018, 12, 29)


def test_china_is_covered_only_for_years_with_an_announced_schedule() -> None:
    """Years with announced data are covered; one before the first announcement, and the first
    year after 2025 without one, are not."""
    cn = get_calendar("CN")
    assert cn.covers(2025)
    assert cn.covers(2001)
    assert not cn.covers(2000)
    assert not cn.covers(_first_uncovered_after(cn, 2025))


@pytest.mark.parametrize("when", ["before", "after"])
def test_a_year_without_chinese_holiday_data_is_an_error_naming_the_year(when: str) -> None:
    """No silent weekend-only guess: CalendarError (a LookupError) names the year and the coverage."""
    cn = get_calendar("CN")
    year = 2000 if when == "before" else _first_uncovered_after(cn, 2025)
    with pytest.raises(CalendarError) as info:
        cn.is_workday(date(year, 3, 2))
    assert isinstance(info.value, LookupError)
    assert isinstance(info.value, GovrulesError)
    assert f"for {year}" in str(info.value)
    assert "'CN'" in str(info.value)
    assert "2001-" in str(info.value)


def test_the_calendars_error_tells_a_year_before_its_years_from_one_after_them() -> None:
    """A year after those the calendar covers may come with a newer `holidays` package, and the
    error says to install one; a year before them, or between two of them, will not, and the
    error says where the year lies and to narrow the audit range instead, in English and in
    Chinese. Before, every such error advised a newer package."""
    from govrules.calendars import BusinessCalendar

    cn = get_calendar("CN")
    gappy = BusinessCalendar("X", years=frozenset({2001, 2003}))
    said = {}
    for name, calendar, year in (
        ("after", cn, _first_uncovered_after(cn, 2025)),
        ("before", cn, 2000),
        ("between", gappy, 2002),
    ):
        with pytest.raises(CalendarError) as info:
            calendar.is_workday(date(year, 3, 2))
        assert info.value.year == year
        reason = info.value.args[0]
        said[name] = (str(reason), reason.said("zh"))
    assert "install a newer 'holidays' package" in said["after"][0]
    assert "after the years it covers (2001-" in said["after"][0]
    assert "'holidays' 包" in said["after"][1] and "晚于其覆盖的年份" in said["after"][1]
    for name in ("before", "between"):
        english, chinese = said[name]
        assert "newer" not in english and "较新版本" not in chinese
        assert "narrow the audit range to the years it covers" in english
        assert "请将审计范围缩小至其覆盖的年份" in chinese
    assert "has no holiday data for 2000, before the years it covers (2001-" in said["before"][0]
    assert "早于其覆盖的年份" in said["before"][1]
    assert "2002, a year between those it covers (2001, 2003)" in said["between"][0]
    assert "位于其覆盖的年份之间" in said["between"][1]


def test_counting_workdays_into_an_uncovered_year_is_an_error() -> None:
    """A count that starts in a covered year and runs into an uncovered one stops with the error."""
    cn = get_calendar("CN")
    year = _first_uncovered_after(cn, 2025)
    with pytest.raises(CalendarError, match=f"for {year}"):
        cn.add_workdays(date(year - 1, 12, 30), 5)


# United States (SEC Rule 0-3) and others ----------------------------------------------------


@pytest.mark.parametrize(
    ("day", "workday"),
    [
        (date(2025, 7, 4), False),  # Independence Day
        (date(2024, 11, 11), False),  # Veterans Day, a Monday
        (date(2025, 11, 10), True),  # the Monday before Veterans Day 2025
        (date(2025, 11, 11), False),
        (date(2021, 12, 31), False),  # New Year's Day 2022 (a Saturday) observed on Friday
        (date(2022, 6, 20), False),  # Juneteenth (a Sunday) observed on Monday
        (date(2025, 11, 27), False),  # Thanksgiving
        (date(2025, 11, 28), True),  # the day after Thanksgiving is not a federal holiday
        (date(2025, 11, 9), False),  # a Sunday
    ],
)
def test_us_federal_business_days(day: date, workday: bool) -> None:
    """Federal holidays and their observed days are not business days."""
    assert get_calendar("US").is_workday(day) is workday


def test_us_next_workday_rolls_over_a_weekend_and_a_monday_holiday() -> None:
    """Saturday 2024-11-09 rolls to Tuesday 2024-11-12; Sunday 2025-11-09 to Monday 2025-11-10."""
    us = get_calendar("US")
    assert us.next_workday(date(2024, 11, 9)) == date(2024, 11, 12)
    assert us.next_workday(date(2025, 11, 9)) == date(2025, 11, 10)
    assert us.next_workday(date(2025, 11, 10)) == date(2025, 11, 10)


def test_a_subdivision_adds_its_own_holidays() -> None:
    """New York State keeps Lincoln's Birthday (Feb 12); the federal calendar does not."""
    assert get_calendar("US").is_workday(date(2025, 2, 12)) is True
    assert get_calendar("US-NY").is_workday(date(2025, 2, 12)) is False


def test_the_weekend_comes_from_the_country() -> None:
    """Israel's weekend is Friday and Saturday: Sunday 2025-06-08 is a workday, Friday 2025-06-06 is not."""
    il = get_calendar("IL")
    assert il.is_workday(date(2025, 6, 6)) is False
    assert il.is_workday(date(2025, 6, 8)) is True


def test_the_weekend_is_the_one_in_force_on_the_day_and_in_the_subdivision() -> None:
    """The UAE's weekend was Friday and Saturday until the end of 2021, Saudi Arabia's Thursday
    and Friday until June 2013; the Malaysian state of Johor had Friday and Saturday from 2014 to 2024. A
    calendar took the country's present weekend for every year and every state, so a UAE report
    filed on Sunday 2 May 2021, the next workday after a Friday due date, was two days late."""
    ae = get_calendar("AE")
    assert [ae.is_workday(date(2021, 4, d)) for d in (29, 30)] + [ae.is_workday(date(2021, 5, d)) for d in (1, 2)] == [
        True,  # Thursday
        False,  # Friday
        False,  # Saturday
        True,  # Sunday
    ]
    assert ae.next_workday(date(2021, 4, 30)) == date(2021, 5, 2)
    assert [ae.is_workday(date(2022, 1, d)) for d in (7, 8, 9, 10)] == [True, False, False, True]  # Fri..Mon
    assert get_calendar("SA").next_workday(date(2012, 5, 31)) == date(2012, 6, 2)  # Thursday -> Saturday
    johor, federal = get_calendar("MY-01"), get_calendar("MY")
    friday = date(2024, 5, 31)
    assert (johor.is_workday(friday), johor.next_workday(friday)) == (False, date(2024, 6, 2))
    assert (federal.is_workday(friday), federal.is_workday(date(2024, 6, 2))) == (True, False)
    assert johor.is_workday(date(2025, 6, 6)) is True  # a Friday: Johor went back to Saturday and Sunday in 2025


@pytest.mark.parametrize("country", ["TW", "VN", "RU", "BY", "KZ", "UZ"])
def test_a_country_that_decrees_its_moved_days_yearly_is_covered_to_its_last_decree(country: str) -> None:
    """A year after the package's last decree for such a country would be counted without the
    days its decree will move: it is not covered (it was, to 2100); the years up to the last
    decree are, those without a decree between them included."""
    import holidays

    decreed = sorted(holidays.country_holidays(country).special_public_holidays)
    calendar = get_calendar(country)
    assert calendar.covers(decreed[-1]) and all(calendar.covers(y) for y in range(decreed[0], decreed[-1]))
    assert not calendar.covers(decreed[-1] + 1)
    with pytest.raises(CalendarError, match=f"no holiday data for {decreed[-1] + 1}"):
        calendar.is_workday(date(decreed[-1] + 1, 3, 2))


def test_weekends_calendar_knows_only_saturdays_and_sundays() -> None:
    """Chosen by name only: every year is covered, and public holidays are workdays."""
    weekends = get_calendar("weekends")
    assert weekends.covers(1900) and weekends.covers(2999)
    assert weekends.coverage() == "every year"
    assert weekends.is_workday(date(2025, 10, 1)) is True
    assert [weekends.is_workday(date(2025, 9, 27) + timedelta(days=i)) for i in range(7)] == [
        False,
        False,
        True,
        True,
        True,
        True,
        True,
    ]
    assert weekends.add_workdays(date(2025, 9, 26), 1) == date(2025, 9, 29)
    assert weekends.add_workdays(date(2025, 9, 27), 0) == date(2025, 9, 27)


def test_a_hand_made_calendar() -> None:
    """Holidays, weekend workdays and covered years can be given directly."""
    cal = BusinessCalendar(
        "school",
        holidays={date(2024, 5, 1)},
        weekend_workdays=[date(2024, 5, 11)],
        years=range(2024, 2025),
    )
    assert cal.is_workday(date(2024, 5, 1)) is False
    assert cal.is_workday(date(2024, 5, 11)) is True
    assert cal.is_workday(date(2024, 5, 12)) is False
    assert cal.coverage() == "2024-2024"
    with pytest.raises(CalendarError, match="for 2025"):
        cal.is_workday(date(2025, 1, 2))
    with pytest.raises(ValueError, match=">= 0"):
        cal.add_workdays(date(2024, 5, 2), -1)


@pytest.mark.parametrize(
    ("name", "fragment"), [("XX", "unknown business-day calendar 'XX'"), ("US-ZZ", "subdivision 'ZZ'")]
)
def test_an_unknown_calendar_is_a_lookup_error(name: str, fragment: str) -> None:
    """Unknown countries and subdivisions are refused with the name."""
    with pytest.raises(LookupError, match=fragment):
        get_calendar(name)


def test_calendars_are_shared_by_name() -> None:
    """The same name gives the same calendar object (its per-year data is loaded once)."""
    assert get_calendar("CN") is get_calendar("CN")
    assert get_calendar("US").covers(2025)


def test_a_calendar_named_but_never_counted_in_loads_no_holidays() -> None:
    """A rule set that names a calendar and counts no workday (the school-ideology example with
    its `calendar: CN`) is loaded and checked without the holidays of any country, whose module
    imports every country's (about 8 MB); asking about a workday loads them. In a fresh process,
    so that no other test has loaded them already."""
    code = """
import sys
from datetime import date
import govrules
from govrules.calendars import get_calendar
rules = govrules.load_rules("examples/school-ideology/rules.yaml")
org = govrules.load_org("examples/school-ideology/org.yaml")
assert rules.calendar == "CN" and "workday" not in rules.model_dump_json()
govrules.check(rules, org, [], start=date(2024, 1, 1), end=date(2025, 1, 1))
before = "holidays.countries" in sys.modules
workday = get_calendar("CN").is_workday(date(2025, 9, 28))
print(before, workday, "holidays.countries" in sys.modules)
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert done.stdout.split() == ["False", "True", "True"]


# Calendars adjusted by the rule set ----------------------------------------------------------


ATW = {
    "country": "NL",
    "holidays": [{"date": "05-05", "name": "Bevrijdingsdag"}],
    "not_holidays": [{"name": "Good Friday"}],
}
"""The Dutch calendar as the Algemene termijnenwet counts it: 5 May every year, not Good Friday."""


def _adjusted(**spec: object) -> BusinessCalendar:
    from govrules.calendars import calendar_of
    from govrules.model import AdjustedCalendar

    return calendar_of(AdjustedCalendar.model_validate(spec))


def test_an_adjusted_calendar_adds_yearly_days_and_removes_a_holiday_by_name() -> None:
    """`NL` of the `holidays` package makes 5 May a holiday only in lustrum years (2010, 2015)
    and counts Good Friday; adjusted as the Algemene termijnenwet counts, 5 May is no workday in
    any year (a weekday in 2011, 2017 and 2022), Good Friday is one in every year, and every
    other day is as the package says (Easter Monday is still a holiday). A day removed by name
    is a workday only where every holiday on it is removed."""
    nl, atw = get_calendar("NL"), _adjusted(**ATW)
    for year in (2011, 2017, 2022):
        day = date(year, 5, 5)
        assert (nl.is_workday(day), atw.is_workday(day)) == (True, False), day
    for good_friday in (date(2011, 4, 22), date(2016, 3, 25), date(2024, 3, 29)):
        assert (nl.is_workday(good_friday), atw.is_workday(good_friday)) == (False, True), good_friday
    assert atw.is_workday(date(2011, 4, 25)) is False  # Easter Monday
    assert atw.is_workday(date(2011, 4, 26)) is True
    assert atw.name == "NL" and atw.coverage() == nl.coverage()
    # a day is a workday only where every holiday on it is removed: 5 May 2005 was Ascension
    # Day and Liberation Day
    both = date(2005, 5, 5)
    assert _adjusted(country="NL", not_holidays=[{"name": "Liberation Day"}]).is_workday(both) is False
    liberation_nor_ascension = [{"name": "Liberation Day"}, {"name": "Ascension Day"}]
    assert _adjusted(country="NL", not_holidays=liberation_nor_ascension).is_workday(both) is True


def test_an_adjusted_calendar_counts_dated_days_before_yearly_ones_and_keeps_weekends() -> None:
    """A date comes before a day of every year: with 12-24 a holiday every year and 2024-12-24 a
    workday, Christmas Eve 2024 (a Tuesday) is worked and 2025's is not. A holiday removed
    (`not_holidays`) that falls on a weekend stays a weekend day; a weekend day listed in
    `workdays` is worked; 29 February of every year is a day of leap years only."""
    cal = _adjusted(
        country="NL",
        holidays=["12-24", "02-29"],
        not_holidays=["12-26"],
        workdays=[date(2024, 12, 24), {"date": "2024-10-12", "name": "make-up Saturday"}],
    )
    assert [cal.is_workday(d) for d in (date(2024, 12, 24), date(2025, 12, 24))] == [True, False]
    # Second Day of Christmas: a Thursday in 2024 (worked), a Saturday in 2021 (the weekend)
    assert [cal.is_workday(d) for d in (date(2024, 12, 26), date(2021, 12, 26))] == [True, False]
    assert cal.is_workday(date(2024, 10, 12)) is True and cal.is_workday(date(2024, 10, 19)) is False
    assert cal.is_workday(date(2024, 2, 29)) is False and cal.is_workday(date(2023, 2, 28)) is True


def test_a_listed_day_does_not_make_an_uncovered_year_covered() -> None:
    """The covered years of an adjusted calendar are its country's: a day listed in a year the
    calendar has no holidays for (a Saturday worked, a day off of the office) makes no workday
    count in it, which still raises the calendar's error naming the year; a listed day of a
    covered year counts."""
    cn = get_calendar("CN")
    year = _first_uncovered_after(cn, 2025)
    cal = _adjusted(country="CN", holidays=[f"{year - 1}-12-31", f"{year}-01-05"], workdays=[f"{year}-01-03"])
    assert cal.covers(year) is False and cal.coverage() == cn.coverage()
    assert cal.is_workday(date(year - 1, 12, 31)) is False
    for day in (date(year, 1, 3), date(year, 1, 5), date(year, 1, 6)):
        with pytest.raises(CalendarError, match=f"no holiday data for {year}"):
            cal.is_workday(day)


def test_an_adjusted_calendar_made_in_python_is_refused_by_the_check_where_a_file_would_be() -> None:
    """A rule set made in Python is not loaded from a file: a day in two lists of its adjusted
    calendar, or a holiday's name its country never gives, is refused when it is checked
    (`RuleSetError`, the problem at the entry's pointer under `<rules>`), as loading a file
    refuses it."""
    from govrules import check
    from govrules.errors import RuleSetError
    from govrules.model import Organisation, RuleSet

    org = Organisation.model_validate({"id": "o", "actors": [{"id": "a"}]})
    rule = {"id": "r", "kind": "forbidden", "clause": "c", "action": "x"}
    for calendar, said in (
        (
            {"country": "NL", "holidays": ["05-05"], "workdays": ["05-05"]},
            "<rules>: /calendar/workdays/0 expected a day in one list only",
        ),
        (
            {"country": "NL", "not_holidays": [{"name": "Goede Vrijdag"}]},
            "got 'Goede Vrijdag'; did you mean 'Good Friday'?",
        ),
    ):
        rules = RuleSet.model_validate(
            {"id": "t", "title": "t", "timezone": "UTC", "calendar": calendar, "rules": [rule]}
        )
        with pytest.raises(RuleSetError, match=re.escape(said)):
            check(rules, org, [], start=date(2024, 1, 1), end=date(2025, 1, 1))


def test_a_rule_set_may_name_any_country_or_subdivision_of_the_holidays_package() -> None:
    """``calendar`` is not limited to the countries the docs name: any country of the
    ``holidays`` package (the Netherlands, ``NL``) and any of its subdivisions (Bavaria,
    ``DE-BY``) load, and count that country's holidays; an unknown one is refused when loaded."""
    head = "id: r\ntitle: R\ntimezone: Europe/Amsterdam\nrules: []\ncalendar: "
    for name, holiday, workday in (
        ("NL", date(2024, 12, 25), date(2024, 12, 27)),  # Christmas Day, a Wednesday; the Friday after
        ("DE-BY", date(2025, 1, 6), date(2025, 1, 8)),  # Epiphany, a Monday, Bavaria's own holiday
    ):
        rules = load_rules((head + name + "\n").encode(), file="r.yaml")
        assert rules.calendar == name
        assert (get_calendar(name).is_workday(holiday), get_calendar(name).is_workday(workday)) == (False, True)
    assert get_calendar("DE").is_workday(date(2025, 1, 6)) is True  # not a holiday of Germany as a whole
    with pytest.raises(RuleSetError) as info:
        load_rules((head + "NL-ZZ\n").encode(), file="r.yaml")
    assert [(p.pointer, p.code) for p in info.value.problems] == [("/calendar", "unknown-calendar")]
