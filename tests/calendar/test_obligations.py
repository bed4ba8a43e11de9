"""The expected-obligation grid: windows, due moments, exempt periods, who is held, statuses."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from govrules.errors import CalendarError, InvalidArgument, RuleSetError
from govrules.model import Organisation, RuleSet
from govrules.obligations import Context, Obligation, iter_obligations, obligations, rule_obligations, window_dates
from govrules.periods import parse_label

SHANGHAI = ZoneInfo("Asia/Shanghai")
NEW_YORK = ZoneInfo("America/New_York")
ROME = ZoneInfo("Europe/Rome")
LAST = (23, 59, 59, 999999)


def _rules(*rules: dict[str, Any], tz: str = "Asia/Shanghai", **extra: Any) -> RuleSet:
    body = [{"kind": "recurring", "clause": r.get("id", "x"), "action": "act", **r} for r in rules]
    return RuleSet.model_validate({"id": "t", "title": "t", "timezone": tz, "rules": body, **extra})


def _org(*actors: dict[str, Any], **extra: Any) -> Organisation:
    return Organisation.model_validate({"id": "o", "actors": list(actors), **extra})


def _expand(rules: RuleSet, org: Organisation, start: date, end: date, **kw: Any) -> list[Obligation]:
    return list(obligations(rules, org, start, end, **kw))


def _grid(rules: RuleSet, org: Organisation, start: date, end: date) -> list[Obligation]:
    """The expander itself, below `obligations()`'s check of the rule set against the
    organisation: its own defences, for inputs that check lets through."""
    return list(iter_obligations(Context.make(rules, org, start=start, end=end)))


def _at(tz: ZoneInfo, *parts: int) -> datetime:
    return datetime(*parts, tzinfo=tz)  # type: ignore[arg-type, misc]


def _window(o: Obligation) -> tuple[date, date]:
    assert o.window_start is not None and o.window_end is not None
    return o.window_start.date(), o.window_end.date()


OFFICE = _org({"id": "office", "roles": ["office"]})
YEAR_2024 = (date(2024, 1, 1), date(2025, 1, 1))


# The seed's windows ---------------------------------------------------------------------------


def test_routine_analyses_fall_in_mid_june_and_mid_december() -> None:
    """D1.5.2 常规性研判每半年组织一次,原则上安排在每年的6月中旬和12月中旬: days 11-20 of each
    half-year's last month, in principle; due at the end of the half-year."""
    rules = _rules(
        {
            "id": "analysis",
            "clause": "D1.5.2",
            "who": "office",
            "every": "half-year",
            "window": {"month": "last", "days": "11-20", "strictness": "in-principle"},
        }
    )
    found = _expand(rules, OFFICE, *YEAR_2024)
    assert [(o.period, _window(o), o.strict) for o in found] == [
        ("2024-H1", (date(2024, 6, 11), date(2024, 6, 20)), False),
        ("2024-H2", (date(2024, 12, 11), date(2024, 12, 20)), False),
    ]
    h1 = found[0]
    assert h1.window_start == _at(SHANGHAI, 2024, 6, 11)
    assert h1.window_end == _at(SHANGHAI, 2024, 6, 20, *LAST)
    assert h1.opens == _at(SHANGHAI, 2024, 1, 1)
    assert h1.due == _at(SHANGHAI, 2024, 6, 30, *LAST)
    assert found[1].due == _at(SHANGHAI, 2024, 12, 31, *LAST)


def test_reviews_fall_in_the_last_ten_days_of_each_quarter() -> None:
    """D1.6.3 原则上安排在每年的3月下旬、6月下旬、9月下旬、12月下旬: days 21-last of the quarter's
    last month (21-31 March, 21-30 June...)."""
    rules = _rules(
        {
            "id": "review",
            "clause": "D1.6.3",
            "who": "office",
            "every": "quarter",
            "window": {"month": "last", "days": "21-last", "strictness": "in-principle"},
        }
    )
    found = _expand(rules, OFFICE, *YEAR_2024)
    assert [(o.period, _window(o)) for o in found] == [
        ("2024-Q1", (date(2024, 3, 21), date(2024, 3, 31))),
        ("2024-Q2", (date(2024, 6, 21), date(2024, 6, 30))),
        ("2024-Q3", (date(2024, 9, 21), date(2024, 9, 30))),
        ("2024-Q4", (date(2024, 12, 21), date(2024, 12, 31))),
    ]
    assert {o.strict for o in found} == {False}
    assert [o.due.date() for o in found] == [
        date(2024, 3, 31),
        date(2024, 6, 30),
        date(2024, 9, 30),
        date(2024, 12, 31),
    ]


def test_joint_meetings_fall_in_mid_month_of_each_quarter_end() -> None:
    """D1.9.4 原则上安排在每年的3月中旬、6月中旬、9月中旬、12月中旬: days 11-20."""
    rules = _rules({"id": "joint", "who": "office", "every": "quarter", "window": {"month": "last", "days": "11-20"}})
    found = _expand(rules, OFFICE, *YEAR_2024)
    assert [_window(o) for o in found] == [
        (date(2024, 3, 11), date(2024, 3, 20)),
        (date(2024, 6, 11), date(2024, 6, 20)),
        (date(2024, 9, 11), date(2024, 9, 20)),
        (date(2024, 12, 11), date(2024, 12, 20)),
    ]
    assert {o.strict for o in found} == {True}


def test_supervision_falls_in_december() -> None:
    """D1.10.2 专项督查工作每年组织一次,原则上在12月份进行: the whole of December, in principle."""
    rules = _rules(
        {
            "id": "supervision",
            "clause": "D1.10.2",
            "who": "office",
            "every": "year",
            "window": {"month": 12, "strictness": "in-principle"},
        }
    )
    (o,) = _expand(rules, OFFICE, *YEAR_2024)
    assert (o.period, _window(o), o.strict) == ("2024", (date(2024, 12, 1), date(2024, 12, 31)), False)
    assert o.window_end == o.due == _at(SHANGHAI, 2024, 12, 31, *LAST)


def test_monthly_reports_are_due_at_each_month_end() -> None:
    """D1.4.2 分别在每月底前落实: due 23:59:59.999999 local on the last day, Feb 29 in 2024;
    a late report is accepted until the next month's due moment."""
    org = _org({"id": "b1", "roles": ["branch"]}, {"id": "hq"})
    rules = _rules({"id": "monthly", "clause": "D1.4.2", "who": {"role": "branch"}, "to": "hq", "every": "month"})
    found = _expand(rules, org, *YEAR_2024)
    assert [o.period for o in found] == [f"2024-{m:02d}" for m in range(1, 13)]
    assert [o.due.date().day for o in found] == [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    feb = found[1]
    assert feb == Obligation(
        rule="monthly",
        clause="D1.4.2",
        actor="b1",
        counterpart=None,
        period="2024-02",
        period_start=date(2024, 2, 1),
        period_end=date(2024, 3, 1),
        opens=_at(SHANGHAI, 2024, 2, 1),
        due=_at(SHANGHAI, 2024, 2, 29, *LAST),
        closes=_at(SHANGHAI, 2024, 3, 31, *LAST),
        window_start=None,
        window_end=None,
        strict=True,
        min=1,
        max=None,
        severity="violation",
        recipient="hq",
        status="open",
        note=None,
    )
    assert found[-1].closes == _at(SHANGHAI, 2025, 1, 31, *LAST)


def test_monthly_reports_due_by_the_end_of_the_quarter_open_when_their_month_ends() -> None:
    """``due_after: end of quarter`` on a monthly rule: January's and February's reports are due
    after their month, so they open when it ends; March's is due when March ends, so it opens
    with March (a period's end is no length of time)."""
    org = _org({"id": "office", "roles": ["office"]})
    rules = _rules({"id": "m", "who": "office", "every": "month", "due_after": "end of quarter"})
    found = _expand(rules, org, date(2024, 1, 1), date(2024, 4, 1))
    tz = ZoneInfo("Asia/Shanghai")
    assert [(o.period, o.opens, o.due) for o in found] == [
        ("2024-01", _at(tz, 2024, 2, 1), _at(tz, 2024, 3, 31, *LAST)),
        ("2024-02", _at(tz, 2024, 3, 1), _at(tz, 2024, 3, 31, *LAST)),
        ("2024-03", _at(tz, 2024, 3, 1), _at(tz, 2024, 3, 31, *LAST)),
    ]


def test_count_bounds_severity_and_a_late_acceptance_limit() -> None:
    """D3.6 每年通报1—2次: min 1, max 2; accept_late bounds how long a late event still answers."""
    rules = _rules(
        {
            "id": "briefing",
            "who": "office",
            "every": "year",
            "min": 1,
            "max": 2,
            "severity": "warning",
            "accept_late": "7 days",
        }
    )
    (o,) = _expand(rules, OFFICE, *YEAR_2024)
    assert (o.min, o.max, o.severity) == (1, 2, "warning")
    assert o.closes == _at(SHANGHAI, 2025, 1, 7, *LAST)


# SEC periodic filings -----------------------------------------------------------------------

TEN_Q = {
    "id": "10-q",
    "clause": "Form 10-Q General Instruction A.1",
    "who": {"role": "large-accelerated-filer"},
    "action": "file-10-q",
    "every": "quarter",
    "due_after": "40 days",
    "roll": "next-workday",
    "exempt_periods": ["Q4"],
}
FILER = _org({"id": "acme", "roles": ["large-accelerated-filer"]})


def test_10q_due_40_days_after_the_quarter_rolls_from_a_sunday_to_the_monday() -> None:
    """Q3 2025 ends Sep 30; 40 days later is Sunday 2025-11-09, so the 10-Q is due Monday
    2025-11-10 (SEC Rule 0-3). Q1 and Q2 2025 land on Saturdays and roll to Mondays; no Q4."""
    rules = _rules(TEN_Q, tz="America/New_York", calendar="US")
    found = _expand(rules, FILER, date(2025, 1, 1), date(2026, 1, 1))
    assert [(o.period, o.due.date()) for o in found] == [
        ("2025-Q1", date(2025, 5, 12)),
        ("2025-Q2", date(2025, 8, 11)),
        ("2025-Q3", date(2025, 11, 10)),
    ]
    assert (date(2025, 9, 30) + timedelta(days=40)).strftime("%A") == "Sunday"
    assert found[2].due == _at(NEW_YORK, 2025, 11, 10, *LAST)
    assert found[2].due.utcoffset() == timedelta(hours=-5)


def test_10q_roll_skips_veterans_day() -> None:
    """Q3 2024 + 40 days is Saturday 2024-11-09; Monday 11-11 is Veterans Day; due Tuesday."""
    rules = _rules(TEN_Q, tz="America/New_York", calendar="US")
    found = _expand(rules, FILER, date(2024, 7, 1), date(2024, 10, 1))
    assert [(o.period, o.due.date()) for o in found] == [("2024-Q3", date(2024, 11, 12))]


def test_without_roll_the_due_date_stays_on_the_weekend() -> None:
    """The roll is a rule option, never implicit."""
    rules = _rules({**TEN_Q, "roll": "none"}, tz="America/New_York", calendar="US")
    (o,) = _expand(rules, FILER, date(2025, 7, 1), date(2025, 10, 1))
    assert o.due.date() == date(2025, 11, 9)


def test_a_roll_into_a_year_without_holiday_data_is_an_error() -> None:
    """Expanding a rolled rule over a year the calendar does not cover raises CalendarError."""
    rules = _rules({**TEN_Q, "exempt_periods": []}, calendar="CN")
    org = _org({"id": "acme", "roles": ["large-accelerated-filer"]})
    with pytest.raises(CalendarError, match="for 2000"):
        _expand(rules, org, date(2000, 1, 1), date(2001, 1, 1))


# Custom calendars, fiscal years, recurrences, weeks -------------------------------------------

SEMESTERS = {
    "semester": [
        {"id": "2023-2024-2", "start": "2024-02-26", "end": "2024-07-05"},
        {"id": "2024-2025-1", "start": "2024-09-01", "end": "2025-01-17"},
        {"id": "2024-2025-2", "start": "2025-02-24", "end": "2025-07-04"},
    ]
}


def test_a_semester_that_crosses_the_year_boundary_belongs_to_the_year_it_starts_in() -> None:
    """D11.1 每学期: the autumn semester runs 2024-09-01 to 2025-01-17; it is owed once, in the
    range that holds its first day, and is due at the end of 2025-01-17."""
    org = _org({"id": "college", "roles": ["branch"]}, calendars=SEMESTERS)
    rules = _rules(
        {"id": "semester-review", "clause": "D11.1", "who": {"role": "branch"}, "every": {"calendar": "semester"}}
    )
    in_2024 = _expand(rules, org, *YEAR_2024)
    assert [(o.period, o.period_start, o.period_end) for o in in_2024] == [
        ("2023-2024-2", date(2024, 2, 26), date(2024, 7, 6)),
        ("2024-2025-1", date(2024, 9, 1), date(2025, 1, 18)),
    ]
    autumn = in_2024[1]
    assert autumn.opens == _at(SHANGHAI, 2024, 9, 1)
    assert autumn.due == _at(SHANGHAI, 2025, 1, 17, *LAST)
    assert autumn.closes == _at(SHANGHAI, 2025, 7, 4, *LAST)  # the next semester's due moment
    assert [o.period for o in _expand(rules, org, date(2025, 1, 1), date(2026, 1, 1))] == ["2024-2025-2"]


def test_a_window_in_the_last_month_of_a_cross_year_semester() -> None:
    """The last month of the autumn semester is January 2025; days 1-10 of it lie inside."""
    org = _org({"id": "college", "roles": ["branch"]}, calendars=SEMESTERS)
    rules = _rules(
        {
            "id": "wrap-up",
            "who": {"role": "branch"},
            "every": {"calendar": "semester"},
            "window": {"month": "last", "days": "1-10"},
        }
    )
    found = _expand(rules, org, date(2024, 9, 1), date(2024, 9, 2))
    assert [(o.period, _window(o)) for o in found] == [("2024-2025-1", (date(2025, 1, 1), date(2025, 1, 10)))]


def test_a_window_with_no_day_inside_the_period_is_an_error_naming_the_rule() -> None:
    """Days 21-last of January lie after a semester that ends on January 17."""
    org = _org({"id": "college", "roles": ["branch"]}, calendars=SEMESTERS)
    rules = _rules(
        {
            "id": "late-review",
            "who": {"role": "branch"},
            "every": {"calendar": "semester"},
            "window": {"month": "last", "days": "21-last"},
        }
    )
    with pytest.raises(RuleSetError) as info:  # as loading refuses a window of a calendar grain
        _expand(rules, org, date(2024, 9, 1), date(2024, 9, 2))
    assert [(p.pointer, p.code) for p in info.value.problems] == [("/rules/0/window", "bad-window")]
    assert "days 21-last) has no day inside period 2024-2025-1" in info.value.problems[0].message


def test_a_window_month_the_period_lacks_is_an_error() -> None:
    """December is not in the first half-year."""
    rules = _rules({"id": "r", "who": "office", "every": "half-year", "window": {"month": 12}})
    with pytest.raises(RuleSetError, match="no month 12"):
        _grid(rules, OFFICE, *YEAR_2024)


@pytest.mark.parametrize(
    ("label", "first", "last"),
    [
        ("2024-02", date(2024, 2, 29), date(2024, 2, 29)),
        ("2023-02", date(2023, 2, 28), date(2023, 2, 28)),
        ("2024-04", date(2024, 4, 30), date(2024, 4, 30)),
        ("2024-05", date(2024, 5, 30), date(2024, 5, 31)),
    ],
)
def test_window_days_beyond_the_month_end_are_clamped(label: str, first: date, last: date) -> None:
    """'Days 30-31' of February is its last day, as the clamp month-end policy reads month ends."""
    rules = _rules({"id": "r", "who": "office", "every": "month", "window": {"days": "30-31"}})
    ctx = Context.make(rules, OFFICE, start=date(2023, 1, 1), end=date(2025, 1, 1))
    window = rules.rules[0].window  # type: ignore[union-attr]
    assert window is not None
    start, after = window_dates(ctx, parse_label(label), window)
    assert (start, after - timedelta(days=1)) == (first, last)


def test_a_school_year_with_a_december_window() -> None:
    """A year from September: the December inside it is the window."""
    rules = _rules({"id": "r", "who": "office", "every": {"year_starting": 9}, "window": {"month": 12}})
    found = _expand(rules, OFFICE, date(2024, 1, 1), date(2026, 1, 1))
    assert [(o.period, _window(o), o.due.date()) for o in found] == [
        ("2024-09/P1Y", (date(2024, 12, 1), date(2024, 12, 31)), date(2025, 8, 31)),
        ("2025-09/P1Y", (date(2025, 12, 1), date(2025, 12, 31)), date(2026, 8, 31)),
    ]


def test_an_rrule_rule_runs_from_month_end_to_month_end() -> None:
    """every: {rrule: FREQ=MONTHLY;BYMONTHDAY=-1}: each period is due the day before the next month end."""
    rules = _rules(
        {"id": "r", "who": "office", "every": {"rrule": "FREQ=MONTHLY;BYMONTHDAY=-1", "start": "2024-01-01"}}
    )
    found = _expand(rules, OFFICE, date(2024, 1, 1), date(2024, 4, 1))
    assert [(o.period, o.due.date()) for o in found] == [
        ("2024-01-31/2024-02-29", date(2024, 2, 28)),
        ("2024-02-29/2024-03-31", date(2024, 3, 30)),
        ("2024-03-31/2024-04-30", date(2024, 4, 29)),
    ]


def test_weeks_start_on_the_rule_sets_week_start() -> None:
    """week_start: sunday gives weeks labelled by their Sunday."""
    rules = _rules({"id": "r", "who": "office", "every": "week"}, week_start="sunday")
    found = _expand(rules, OFFICE, date(2024, 12, 1), date(2024, 12, 15))
    assert [(o.period, o.due.date()) for o in found] == [
        ("2024-12-01/P1W", date(2024, 12, 7)),
        ("2024-12-08/P1W", date(2024, 12, 14)),
    ]
    iso = _expand(_rules({"id": "r", "who": "office", "every": "week"}), OFFICE, date(2024, 12, 1), date(2024, 12, 15))
    assert [o.period for o in iso] == ["2024-W49", "2024-W50"]


@pytest.mark.parametrize(
    ("window", "expected"),
    [
        ({"first": "10 workdays"}, (date(2025, 10, 1), date(2025, 10, 21))),
        ({"last": "3 workdays"}, (date(2025, 10, 29), date(2025, 10, 31))),
        ({"first": "7 days"}, (date(2025, 10, 1), date(2025, 10, 7))),
        ({"last": "1 week"}, (date(2025, 10, 25), date(2025, 10, 31))),
    ],
)
def test_first_or_last_days_and_workdays(window: dict[str, str], expected: tuple[date, date]) -> None:
    """The first 10 workdays of October 2025 in China run to Oct 21 (Oct 1-8 are off, Saturday
    Oct 11 is worked); the last 3 workdays are Oct 29-31."""
    rules = _rules({"id": "r", "who": "office", "every": "month", "window": window}, calendar="CN")
    (o,) = _expand(rules, OFFICE, date(2025, 10, 1), date(2025, 11, 1))
    assert _window(o) == expected


def test_the_last_workdays_of_september_2025_include_an_adjusted_sunday() -> None:
    """Sunday 2025-09-28 is a workday, so the last 3 workdays of September are Sep 28-30."""
    rules = _rules({"id": "r", "who": "office", "every": "month", "window": {"last": "3 workdays"}}, calendar="CN")
    (o,) = _expand(rules, OFFICE, date(2025, 9, 1), date(2025, 10, 1))
    assert _window(o) == (date(2025, 9, 28), date(2025, 9, 30))


def test_a_window_in_workdays_needs_a_calendar() -> None:
    """No calendar, no workday window."""
    rules = _rules({"id": "r", "who": "office", "every": "month", "window": {"first": "5 workdays"}})
    with pytest.raises(InvalidArgument, match="calendar"):
        _grid(rules, OFFICE, *YEAR_2024)


# Time zones ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tz", "month", "open_offset", "due_offset"),
    [
        (ROME, "2024-03", 1, 2),
        (ROME, "2024-10", 2, 1),
        (NEW_YORK, "2024-03", -5, -4),
        (NEW_YORK, "2024-11", -4, -5),
    ],
)
def test_month_boundaries_are_local_across_dst(tz: ZoneInfo, month: str, open_offset: int, due_offset: int) -> None:
    """A month that contains a DST change opens at local midnight in one offset and is due at
    the last local instant in the other."""
    rules = _rules({"id": "r", "who": "office", "every": "month"}, tz=tz.key)
    period = parse_label(month)
    (o,) = _expand(rules, OFFICE, period.start, period.end)
    assert (o.opens.date(), o.opens.hour, o.opens.utcoffset()) == (period.start, 0, timedelta(hours=open_offset))
    assert (o.due.date(), o.due.hour, o.due.utcoffset()) == (period.last_day, 23, timedelta(hours=due_offset))


def test_the_organisation_zone_overrides_the_rule_set_zone() -> None:
    """An organisation in Rome under a Shanghai rule set: boundaries are Rome's."""
    org = _org({"id": "office"}, timezone="Europe/Rome")
    (o,) = _expand(_rules({"id": "r", "who": "office", "every": "month"}), org, date(2024, 1, 1), date(2024, 2, 1))
    assert o.due == _at(ROME, 2024, 1, 31, *LAST)


# Who is held -------------------------------------------------------------------------------


BRANCHES = _org(
    {"id": "b1", "roles": ["branch"], "relations": {"schools": ["s2", "s1"]}},
    {"id": "b4", "roles": ["branch"], "relations": {"schools": ["s7"]}, "active": {"from": "2024-07-01"}},
    {"id": "b9", "roles": ["branch"], "active": {"to": "2024-09-15"}},
    {"id": "s1"},
    {"id": "s2", "active": {"from": "2024-03-10"}},
    {"id": "s7", "active": {"from": "2024-07-01"}},
)


def _statuses(found: list[Obligation]) -> dict[tuple[str, str | None, str], str]:
    return {(o.actor, o.counterpart, o.period): o.status for o in found}


def test_an_actor_created_mid_year_is_held_only_to_periods_it_covers_entirely() -> None:
    """A branch active from 2024-07-01 owes July-December, H2 and Q3-Q4, but not the 2024 annual
    obligation; the periods it covers in part or not at all are listed as not-held."""
    for every, held, not_held in [
        ("month", [f"2024-{m:02d}" for m in range(7, 13)], [f"2024-{m:02d}" for m in range(1, 7)]),
        ("half-year", ["2024-H2"], ["2024-H1"]),
        ("quarter", ["2024-Q3", "2024-Q4"], ["2024-Q1", "2024-Q2"]),
        ("year", [], ["2024"]),
    ]:
        rules = _rules({"id": "r", "who": {"role": "branch"}, "every": every})
        statuses = _statuses(_expand(rules, BRANCHES, *YEAR_2024))
        assert [p for (a, _, p), s in statuses.items() if a == "b4" and s == "open"] == held, every
        assert [p for (a, _, p), s in statuses.items() if a == "b4" and s == "not-held"] == not_held, every


def test_an_actor_that_ends_mid_month_is_not_held_to_that_month() -> None:
    """Active until 2024-09-15: August is owed; September and later are not held."""
    rules = _rules({"id": "r", "who": {"role": "branch"}, "every": "month"})
    found = [o for o in _expand(rules, BRANCHES, *YEAR_2024) if o.actor == "b9"]
    assert [o.status for o in found] == ["open"] * 8 + ["not-held"] * 4
    assert {o.note for o in found if o.status == "not-held"} == {"not active for the whole period"}


def test_pairs_are_held_when_both_members_are() -> None:
    """D1.5.5 each branch at each of its schools: one obligation per (branch, school) pair, to the
    school; a school opened on 2024-03-10 is held from April and for H2, not for the year."""
    rules = _rules(
        {
            "id": "briefing",
            "who": {"role": "branch", "relation": "schools"},
            "to": {"counterpart": True},
            "every": "quarter",
        }
    )
    found = _expand(rules, BRANCHES, *YEAR_2024)
    assert [(o.actor, o.counterpart, o.period, o.status, o.recipient) for o in found if o.period == "2024-Q1"] == [
        ("b1", "s1", "2024-Q1", "open", "s1"),
        ("b1", "s2", "2024-Q1", "not-held", "s2"),
        ("b4", "s7", "2024-Q1", "not-held", "s7"),
    ]
    assert _statuses(found)[("b1", "s2", "2024-Q2")] == "open"
    assert _statuses(found)[("b4", "s7", "2024-Q3")] == "open"


def test_a_relation_listing_a_member_twice_gives_one_pair() -> None:
    """Instances are unique even when a relation repeats a member."""
    org = _org({"id": "b1", "roles": ["branch"], "relations": {"schools": ["s1", "s1"]}}, {"id": "s1"})
    rules = _rules({"id": "r", "who": {"role": "branch", "relation": "schools"}, "every": "year"})
    assert [(o.actor, o.counterpart) for o in _expand(rules, org, *YEAR_2024)] == [("b1", "s1")]


def test_a_dated_role_applies_to_periods_whose_last_day_it_covers() -> None:
    """A filer from 2024-03-15 to 2024-09-30 owes the 10-Qs of Q1 (held on Mar 31) through Q3;
    periods outside its status are not listed at all."""
    org = _org({"id": "acme", "roles": [{"role": "large-accelerated-filer", "from": "2024-03-15", "to": "2024-09-30"}]})
    rules = _rules(TEN_Q, tz="America/New_York", calendar="US")
    found = _expand(rules, org, date(2023, 1, 1), date(2026, 1, 1))
    assert [(o.period, o.status) for o in found] == [("2024-Q1", "open"), ("2024-Q2", "open"), ("2024-Q3", "open")]
    waived = _org(
        {"id": "acme", "roles": [{"role": "large-accelerated-filer", "from": "2024-03-15", "to": "2024-09-30"}]},
        exemptions=[{"rule": "10-q", "actor": "acme", "reason": "relief"}],
    )
    found = _expand(rules, waived, date(2023, 1, 1), date(2026, 1, 1))
    assert [(o.period, o.status) for o in found] == [
        ("2024-Q1", "exempt"),
        ("2024-Q2", "exempt"),
        ("2024-Q3", "exempt"),
    ]


def test_exemptions_are_kept_with_their_reason() -> None:
    """An exemption by period label, by dates (any shared day), or for all periods."""
    org = _org(
        {"id": "b1", "roles": ["branch"]},
        {"id": "b2", "roles": ["branch"]},
        {"id": "b3", "roles": ["branch"]},
        {"id": "b4", "roles": ["branch"], "active": {"from": "2024-07-01"}},
        exemptions=[
            {"rule": "r", "actor": "b1", "periods": ["2024-Q2"], "reason": "merger"},
            {"rule": "r", "actor": "b2", "dates": {"from": "2024-09-30", "to": "2024-10-01"}, "reason": "flood"},
            {"rule": "r", "actor": "b3", "reason": "waived"},
            {"rule": "r", "actor": "b4", "periods": ["2024-Q1"], "reason": "not yet founded"},
            {"rule": "other", "actor": "b1", "reason": "another rule"},
        ],
    )
    rules = _rules({"id": "r", "who": {"role": "branch"}, "every": "quarter"})
    found = _grid(rules, org, *YEAR_2024)
    exempt = [(o.actor, o.period, o.note) for o in found if o.status == "exempt"]
    assert exempt == [
        ("b1", "2024-Q2", "merger"),
        ("b2", "2024-Q3", "flood"),
        ("b2", "2024-Q4", "flood"),
        ("b3", "2024-Q1", "waived"),
        ("b3", "2024-Q2", "waived"),
        ("b3", "2024-Q3", "waived"),
        ("b3", "2024-Q4", "waived"),
        ("b4", "2024-Q1", "not yet founded"),
    ]
    assert _statuses(found)[("b4", None, "2024-Q2")] == "not-held"


def test_effective_dated_versions_share_the_periods_without_overlap() -> None:
    """Two versions of one clause: each period goes to the version in force on its last day."""
    rules = _rules(
        {
            "id": "v1",
            "clause": "C",
            "who": "office",
            "every": "quarter",
            "due_after": "45 days",
            "effective": {"to": "2024-06-29"},
        },
        {
            "id": "v2",
            "clause": "C",
            "who": "office",
            "every": "quarter",
            "due_after": "40 days",
            "effective": {"from": "2024-06-30"},
        },
    )
    found = _expand(rules, OFFICE, *YEAR_2024)
    assert [(o.rule, o.period, o.due.date()) for o in found] == [
        ("v1", "2024-Q1", date(2024, 5, 15)),
        ("v2", "2024-Q2", date(2024, 8, 9)),
        ("v2", "2024-Q3", date(2024, 11, 9)),
        ("v2", "2024-Q4", date(2025, 2, 9)),
    ]


def test_pending_until_the_due_moment_passes() -> None:
    """As of the due moment the obligation is open (an event at it is on time); a microsecond
    earlier it is pending. The default audit moment is the end of the range."""
    rules = _rules({"id": "r", "who": "office", "every": "month"})
    due = _at(SHANGHAI, 2024, 11, 30, *LAST)
    nov = (date(2024, 11, 1), date(2024, 12, 1))
    assert [o.status for o in _expand(rules, OFFICE, *nov, as_of=due)] == ["open"]
    assert [o.status for o in _expand(rules, OFFICE, *nov, as_of=due - timedelta(microseconds=1))] == ["pending"]
    assert [o.status for o in _expand(rules, OFFICE, *nov)] == ["open"]
    ten_q = _rules(TEN_Q, tz="America/New_York", calendar="US")
    assert [o.status for o in _expand(ten_q, FILER, date(2025, 7, 1), date(2025, 10, 1))] == ["pending"]


def test_a_rolling_interval_rule_has_no_calendar_obligations() -> None:
    """max_gap rules are checked event to event, not expanded."""
    rules = _rules({"id": "r", "who": "office", "max_gap": "6 months"})
    assert _expand(rules, OFFICE, *YEAR_2024) == []


def test_rule_obligations_of_one_rule_over_a_sub_range() -> None:
    """The checker's entry point gives the same instances as the full expansion, per rule."""
    rules = _rules({"id": "a", "who": "office", "every": "month"}, {"id": "b", "who": "office", "every": "quarter"})
    ctx = Context.make(rules, OFFICE, start=date(2024, 1, 1), end=date(2025, 1, 1))
    only_b = list(rule_obligations(ctx, rules.rules[1], date(2024, 4, 1), date(2024, 10, 1)))  # type: ignore[arg-type]
    assert [o.period for o in only_b] == ["2024-Q2", "2024-Q3"]
    everything = _expand(rules, OFFICE, *YEAR_2024)
    assert [o.rule for o in everything] == ["a"] * 12 + ["b"] * 4


# Bad arguments ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"start": date(2024, 2, 1), "end": date(2024, 2, 1)}, "empty"),
        ({"start": date(2024, 2, 1), "end": date(2024, 1, 1)}, "empty"),
        ({"start": datetime(2024, 1, 1, tzinfo=UTC), "end": date(2024, 2, 1)}, "dates"),
        ({"start": date(2024, 1, 1), "end": date(2024, 2, 1), "as_of": datetime(2024, 3, 1)}, "timezone-aware"),
    ],
)
def test_context_refuses_bad_arguments(kwargs: dict[str, Any], fragment: str) -> None:
    """Empty ranges, datetimes for dates and a naive audit moment are InvalidArgument."""
    rules = _rules({"id": "r", "who": "office", "every": "month"})
    with pytest.raises(InvalidArgument, match=fragment):
        Context.make(rules, OFFICE, **kwargs)


def test_an_unknown_calendar_or_actor_is_an_invalid_argument() -> None:
    """Inputs built in code (not through the loader) are still checked."""
    with pytest.raises(InvalidArgument, match="XX"):
        Context.make(
            _rules({"id": "r", "who": "office", "every": "month"}, calendar="XX"),
            OFFICE,
            start=date(2024, 1, 1),
            end=date(2024, 2, 1),
        )
    with pytest.raises(InvalidArgument, match="'ghost'"):
        _grid(_rules({"id": "r", "who": "ghost", "every": "month"}), OFFICE, *YEAR_2024)
    org = _org({"id": "b1", "roles": ["branch"], "relations": {"schools": ["nowhere"]}})
    with pytest.raises(InvalidArgument, match="'nowhere'"):
        _grid(_rules({"id": "r", "who": {"role": "branch", "relation": "schools"}, "every": "year"}), org, *YEAR_2024)


def test_a_period_without_workdays_has_its_first_or_last_day_as_the_window() -> None:
    """A daily rule on a public holiday: 'first/last 1 workday' falls back to the day itself."""
    for window in ({"first": "1 workday"}, {"last": "1 workday"}):
        rules = _rules({"id": "r", "who": "office", "every": "day", "window": window}, calendar="CN")
        (o,) = _expand(rules, OFFICE, date(2025, 10, 1), date(2025, 10, 2))
        assert _window(o) == (date(2025, 10, 1), date(2025, 10, 1))
    rules = _rules({"id": "r", "who": "office", "every": "week", "window": {"last": "1 workday"}}, calendar="CN")
    (o,) = _expand(rules, OFFICE, date(2025, 9, 29), date(2025, 10, 6))
    assert _window(o) == (date(2025, 9, 30), date(2025, 10, 5))


@pytest.mark.parametrize(
    ("monday", "window", "expected"),
    [
        # 2025-W06: 3-4 February are Spring Festival holidays, 5-8 February (Saturday 8 worked) are
        # the week's only four workdays
        (date(2025, 2, 3), {"first": "5 workdays"}, (date(2025, 2, 3), date(2025, 2, 8))),
        (date(2025, 2, 3), {"last": "5 workdays"}, (date(2025, 2, 5), date(2025, 2, 9))),
        # 2022-W05: 31 January to 6 February, all Spring Festival holidays
        (date(2022, 1, 31), {"first": "5 workdays"}, (date(2022, 1, 31), date(2022, 1, 31))),
        (date(2022, 1, 31), {"last": "5 workdays"}, (date(2022, 2, 6), date(2022, 2, 6))),
    ],
)
def test_a_workday_window_longer_than_its_periods_workdays_stops_at_the_last_one(
    monday: date, window: dict[str, str], expected: tuple[date, date]
) -> None:
    """The first 5 workdays of a week with four run from its first day to the fourth (8 February,
    not the week's end); the last 5, from the first of the four to the week's end. A week with no
    workday has its first (or last) day, a holiday, as the window."""
    rules = _rules({"id": "r", "who": "office", "every": "week", "window": window}, calendar="CN")
    (o,) = _expand(rules, OFFICE, monday, monday + timedelta(days=7))
    assert _window(o) == expected


def test_a_zero_length_window_is_refused() -> None:
    """'first: 0 days' would be an empty window: an error naming the rule, not a silent gap.

    The same for '0 workdays' in a rule set made in Python (the loader refuses both), which was
    taken as a window of one day.
    """
    for span, calendar in (("0 days", None), ("0 weeks", None), ("0 workdays", "CN")):
        for side in ("first", "last"):
            rules = _rules({"id": "r", "who": "office", "every": "month", "window": {side: span}}, calendar=calendar)
            with pytest.raises(InvalidArgument, match=rf"'r'.*at least one day, got {span}"):
                _grid(rules, OFFICE, *YEAR_2024)


def test_the_audit_moment_keeps_its_instant_with_a_fixed_offset() -> None:
    """An as_of in a zone becomes the same instant with a fixed offset, so arithmetic on it is exact."""
    rules = _rules({"id": "r", "who": "office", "every": "month"}, tz="Europe/Rome")
    as_of = datetime(2024, 10, 27, 2, 30, fold=1, tzinfo=ROME)  # the second 02:30, CET
    ctx = Context.make(rules, OFFICE, start=date(2024, 10, 1), end=date(2024, 11, 1), as_of=as_of)
    assert ctx.as_of == datetime(2024, 10, 27, 1, 30, tzinfo=UTC)  # PEP 495: a fold=1 time never equals another zone's
    assert ctx.as_of.utcoffset() == timedelta(hours=1)
    assert ctx.as_of + timedelta(hours=1) == datetime(2024, 10, 27, 2, 30, tzinfo=UTC)


@pytest.mark.parametrize("accept_late", ["end of month", "22 days", "26 hours"])
def test_a_late_acceptance_limit_is_rolled_as_the_due_moment_is(accept_late: str) -> None:
    """A 10-Q due Friday 9 August 2024 (40 days after Q2, rolled): a limit in calendar units
    ending on Saturday 31 August is rolled past the weekend and Labor Day to Tuesday 3 September,
    as the default limit is; it stayed on the Saturday, so a filing on the Tuesday was `missing`
    instead of `late`. A limit in hours is elapsed time and is never rolled."""
    rules = _rules(
        {
            "id": "q",
            "who": "office",
            "every": "quarter",
            "due_after": "40 days",
            "roll": "next-workday",
            "accept_late": accept_late,
        },
        tz="America/New_York",
        calendar="US",
    )
    (o,) = _expand(rules, OFFICE, date(2024, 4, 1), date(2024, 5, 1))
    assert o.due == _at(NEW_YORK, 2024, 8, 9, *LAST)
    if accept_late == "26 hours":
        assert o.closes == _at(NEW_YORK, 2024, 8, 11, 1, 59, 59, 999999)
    else:
        assert o.closes == _at(NEW_YORK, 2024, 9, 3, *LAST)


def test_a_late_acceptance_limit_of_the_rule_in_a_year_the_calendar_lacks_is_left_unrolled_while_ahead() -> None:
    """`accept_late: 30 days` rolled, for December of the CN calendar's last covered year: the
    limit falls in January of a year whose holidays are not announced yet. Audited before it,
    it is left unrolled with the note, as the default limit is (the whole check failed);
    audited after it, the year is needed: the error."""
    from govrules.calendars import get_calendar
    from govrules.durations import end_of_day

    year = next(y for y in range(2020, 2200) if not get_calendar("CN").covers(y)) - 1
    rules = _rules(
        {"id": "r", "who": "office", "every": "month", "roll": "next-workday", "accept_late": "30 days"}, calendar="CN"
    )
    (o,) = _expand(rules, OFFICE, date(year, 12, 1), date(year + 1, 1, 1), as_of=_at(SHANGHAI, year, 12, 15))
    assert o.closes == end_of_day(date(year + 1, 1, 30), SHANGHAI)  # 31 December + 30 days, unrolled
    assert o.note == (
        f"late-acceptance limit not rolled to a workday: calendar 'CN' has no holiday data for {year + 1} yet"
    )
    with pytest.raises(CalendarError, match=f"no holiday data for {year + 1}"):
        _expand(rules, OFFICE, date(year, 12, 1), date(year + 1, 1, 1), as_of=_at(SHANGHAI, year + 1, 2, 1))


def test_a_rule_naming_what_the_organisation_lacks_is_refused_not_owed_nothing() -> None:
    """A misspelt role or an unknown calendar gave an empty grid, a calendar owing nothing, where
    `check` and the command refuse the same rules; now each is refused at its place."""
    from govrules.errors import RuleSetError

    rules = _rules(
        {"id": "m", "who": {"role": "ofice"}, "every": "month"},
        {"id": "s", "who": "office", "every": {"calendar": "semester"}},
    )
    with pytest.raises(RuleSetError) as info:
        _expand(rules, OFFICE, *YEAR_2024)
    assert [(p.pointer, p.code) for p in info.value.problems] == [
        ("/rules/0/who/role", "unknown-role"),
        ("/rules/1/every/calendar", "unknown-calendar"),
    ]
    assert "did you mean 'office'?" in info.value.problems[0].message


def test_a_late_acceptance_limit_in_a_year_the_calendar_lacks_is_left_unrolled_while_ahead() -> None:
    """December of the CN calendar's last covered year, rolled to workdays: its default
    late-acceptance limit (January's due moment, rolled) falls in a year whose holidays are not
    announced yet. Audited before that limit, it is left unrolled, with a note saying so, instead
    of failing the whole audit: no event after the audit moment is used, so it moves no verdict.
    Audited after it, the verdicts need the year: an error naming it."""
    from govrules import check
    from govrules.calendars import get_calendar
    from govrules.durations import end_of_day
    from govrules.events import Event

    year = next(y for y in range(2020, 2200) if not get_calendar("CN").covers(y)) - 1
    rules = _rules({"id": "r", "who": "office", "every": "month", "roll": "next-workday"}, calendar="CN")
    (o,) = _expand(rules, OFFICE, date(year, 12, 1), date(year + 1, 1, 1))
    assert (o.period, o.status) == (f"{year}-12", "open")
    assert o.closes == end_of_day(date(year + 1, 1, 31), SHANGHAI)
    assert o.note == (
        f"late-acceptance limit not rolled to a workday: calendar 'CN' has no holiday data for {year + 1} yet"
    )
    report = check(
        rules,
        OFFICE,
        [Event(id="e1", time=datetime(year, 12, 10, 10, tzinfo=SHANGHAI), actor="office", action="act")],
        start=date(year, 12, 1),
        end=date(year + 1, 1, 1),
    )
    assert [(x.period, x.status, x.evidence) for x in report.outcomes] == [(f"{year}-12", "met", ("e1",))]
    assert report.outcomes[0].note == o.note  # the check's report says so too, not only the calendar
    # and says so of the whole check, where a reader of the findings alone sees it, in every format
    said = (
        f"1 obligation has a late-acceptance limit not rolled to a workday, as calendar 'CN' has no holiday "
        f"data for {year + 1} yet: each such limit is after the audit moment, so it moves no verdict; check "
        f"again once the calendar holds {year + 1}."
    )
    assert report.notes == (said,)
    from govrules.renderers import RenderContext, render

    for fmt in ("text", "markdown", "html", "junit"):
        assert said.replace("'", "&#x27;" if fmt == "html" else "'") in render(report, fmt, RenderContext()), fmt
    (run,) = json.loads(render(report, "sarif", RenderContext()))["runs"]
    assert run["invocations"] == [
        {"executionSuccessful": True, "toolExecutionNotifications": [{"message": {"text": said}, "level": "note"}]}
    ]
    zh = check(rules, OFFICE, [], start=date(year, 12, 1), end=date(year + 1, 1, 1), lang="zh")
    assert zh.notes[-1].startswith(f"1 项义务的逾期受理期限未顺延至工作日,因为日历 'CN' 尚无 {year + 1} 年")
    from govrules.renderers._common import note_text

    assert note_text("zh", o.note) == f"逾期受理期限未顺延至工作日:日历 'CN' 尚无 {year + 1} 年的节假日数据"
    assert note_text("en", o.note) == o.note
    assert note_text("zh", "not active for the whole period") == "未在整个期间内存续"
    assert note_text("zh", "school closed for repairs") == "school closed for repairs"  # a reason as written
    late = datetime(year + 1, 2, 1, tzinfo=SHANGHAI)
    with pytest.raises(CalendarError, match=f"no holiday data for {year + 1}"):
        _expand(rules, OFFICE, date(year, 12, 1), date(year + 1, 1, 1), as_of=late)


def test_a_step_due_in_a_year_the_calendar_lacks_is_pending_while_surely_ahead() -> None:
    """A reply owed 20 workdays after an application of 10 December of the CN calendar's last
    covered year runs into a year whose holidays are not announced yet. Audited on 15 December,
    20 days (the soonest 20 workdays can end) are still ahead: the step is pending, its due
    moment that soonest moment with a note saying so, and the report says so of the whole check
    (the whole check failed); a reply made by then meets it. Audited once those 20 days have
    passed, the count is needed: the error naming the year."""
    from govrules import check
    from govrules.calendars import get_calendar
    from govrules.durations import end_of_day
    from govrules.events import Event

    year = next(y for y in range(2020, 2200) if not get_calendar("CN").covers(y)) - 1
    rules = RuleSet.model_validate(
        {
            "id": "t",
            "title": "t",
            "timezone": "Asia/Shanghai",
            "calendar": "CN",
            "rules": [
                {
                    "id": "reply",
                    "kind": "triggered",
                    "clause": "33",
                    "trigger": {"action": "apply"},
                    "steps": [{"action": "reply", "within": "20 workdays"}, {"action": "file", "within": "3 days"}],
                }
            ],
        }
    )
    applied = Event(id="a1", time=datetime(year, 12, 10, 10, tzinfo=SHANGHAI), actor="office", action="apply")
    replied = Event(id="r1", time=datetime(year, 12, 14, 10, tzinfo=SHANGHAI), actor="office", action="reply")
    span: dict[str, Any] = {
        "start": date(year, 12, 1),
        "end": date(year + 1, 1, 1),
        "as_of": _at(SHANGHAI, year, 12, 15),
    }
    note = f"due moment counted in calendar days, the soonest the workdays can end: calendar 'CN' has no holiday data for {year + 1} yet"
    report = check(rules, OFFICE, [applied], **span)
    assert [(o.step, o.status, o.due, o.note) for o in report.outcomes] == [
        (1, "pending", end_of_day(date(year, 12, 30), SHANGHAI), note),
        (2, "pending", end_of_day(date(year + 1, 1, 2), SHANGHAI), note),
    ]
    assert report.notes == (
        f"2 obligations have a due moment counted in calendar days, the soonest its workdays can end, as calendar 'CN' "
        f"has no holiday data for {year + 1} yet: each such moment is after the audit moment, or was met by a "
        f"response made by then, so the real one, no sooner, moves no verdict; check again once the calendar holds "
        f"{year + 1}.",
    )
    assert report.findings[0].message.endswith(
        f"step 1 of reply for a1 is not yet due (due no sooner than {year}-12-30 23:59:59 +08:00)"
    )
    # a reply by the audit moment meets the step, due however the calendar counts it
    report = check(rules, OFFICE, [applied, replied], **span)
    assert [(o.step, o.status, o.evidence, o.note) for o in report.outcomes] == [
        (1, "met", ("a1", "r1"), note),
        (2, "pending", ("a1",), None),  # 3 days from the reply: counted
    ]
    zh = check(rules, OFFICE, [applied], **span, lang="zh")
    assert zh.notes[-1].startswith(
        f"2 项义务的截止时间按自然日计算(即工作日最早可能届满之时),因为日历 'CN' 尚无 {year + 1} 年"
    )
    with pytest.raises(CalendarError, match=f"no holiday data for {year + 1}"):
        check(rules, OFFICE, [applied], **{**span, "as_of": _at(SHANGHAI, year, 12, 31)})


REPLY_RULES: dict[str, Any] = {
    "id": "t",
    "title": "t",
    "timezone": "Asia/Shanghai",
    "calendar": "CN",
    "rules": [
        {
            "id": "reply",
            "kind": "triggered",
            "clause": "33",
            "trigger": {"action": "apply"},
            "steps": [{"action": "reply", "within": "20 workdays"}, {"action": "file", "within": "3 days"}],
        }
    ],
}
"""A reply owed 20 workdays after an application, on the CN calendar, then a filing 3 days after it."""


def test_a_step_met_within_the_soonest_count_needs_no_year_the_calendar_lacks() -> None:
    """An application of 10 December of the CN calendar's last covered year, audited on 31
    December, once the 20 days the 20 workdays can end no sooner than have passed: a reply of 14
    December meets the step however the next year will be counted, so the check gives it, due
    that soonest moment with the note, and the filing counted from the reply; the report's note
    says the moment was met. A reply after that soonest moment may be in time or late, and one
    naming the application, made after it, may be in time and so preferred to a reply of 14
    December naming nothing: each needs the year, and the error names it."""
    from govrules import check
    from govrules.calendars import get_calendar
    from govrules.durations import end_of_day
    from govrules.events import Event

    year = next(y for y in range(2020, 2200) if not get_calendar("CN").covers(y)) - 1
    rules = RuleSet.model_validate(REPLY_RULES)

    def event(eid: str, month: int, day: int, action: str, **kw: Any) -> Event:
        at = datetime(year + month // 13, (month - 1) % 12 + 1, day, 10, tzinfo=SHANGHAI)
        return Event(id=eid, time=at, actor="office", action=action, **kw)

    applied, filed = event("a1", 12, 10, "apply"), event("f1", 12, 16, "file")
    span: dict[str, Any] = {
        "start": date(year, 12, 1),
        "end": date(year + 1, 1, 1),
        "as_of": _at(SHANGHAI, year, 12, 31),
    }
    note = f"due moment counted in calendar days, the soonest the workdays can end: calendar 'CN' has no holiday data for {year + 1} yet"
    report = check(rules, OFFICE, [applied, event("r1", 12, 14, "reply"), filed], **span)
    assert [(o.step, o.status, o.evidence, o.due, o.note) for o in report.outcomes] == [
        (1, "met", ("a1", "r1"), end_of_day(date(year, 12, 30), SHANGHAI), note),
        (2, "met", ("a1", "f1"), end_of_day(date(year, 12, 17), SHANGHAI), None),
    ]
    assert report.findings == ()
    assert report.notes == (
        f"1 obligation has a due moment counted in calendar days, the soonest its workdays can end, as calendar 'CN' "
        f"has no holiday data for {year + 1} yet: each such moment is after the audit moment, or was met by a "
        f"response made by then, so the real one, no sooner, moves no verdict; check again once the calendar holds "
        f"{year + 1}.",
    )
    for replies, as_of in (
        ([event("r1", 12, 31, "reply")], span["as_of"]),
        ([event("r0", 12, 14, "reply"), event("r1", 13, 3, "reply", ref="a1")], _at(SHANGHAI, year + 1, 1, 5)),
    ):
        with pytest.raises(CalendarError, match=f"no holiday data for {year + 1}"):
            check(rules, OFFICE, [applied, *replies, filed], **{**span, "as_of": as_of})


def test_an_extended_step_met_within_the_soonest_count_needs_no_year_the_calendar_lacks() -> None:
    """An application of 1 December of the CN calendar's last covered year, its reply due in 20
    workdays and extended by a notice for 20 workdays more into the next year: a reply of 5
    January, within the 20 days the extension can end no sooner than, meets the step however
    that year will be counted, at any audit moment, as an unextended step met so does; a reply
    after that soonest moment needs the year, and the error names it."""
    from govrules import check
    from govrules.calendars import get_calendar
    from govrules.durations import end_of_day
    from govrules.events import Event

    year = next(y for y in range(2020, 2200) if not get_calendar("CN").covers(y)) - 1
    extension = {"action": "extension-notice", "within": "0 days", "extends_by": "20 workdays"}
    rules = RuleSet.model_validate(
        {
            **REPLY_RULES,
            "rules": [
                {
                    **REPLY_RULES["rules"][0],
                    "steps": [{"action": "reply", "within": "20 workdays", "extension": extension}],
                }
            ],
        }
    )

    def event(eid: str, when: date, action: str) -> Event:
        at = datetime(when.year, when.month, when.day, 10, tzinfo=SHANGHAI)
        return Event(id=eid, time=at, actor="office", action=action, ref=None if eid == "a1" else "a1")

    log = [event("a1", date(year, 12, 1), "apply"), event("x1", date(year, 12, 20), "extension-notice")]
    prescribed = check(
        rules, OFFICE, log, start=date(year, 12, 1), end=date(year + 1, 1, 1), as_of=_at(SHANGHAI, year, 12, 31)
    )
    [pending] = prescribed.outcomes
    soonest = pending.due
    assert (pending.status, pending.evidence) == ("pending", ("a1", "x1"))
    assert soonest.date() > date(year + 1, 1, 5)
    for as_of in (_at(SHANGHAI, year + 1, 1, 10), soonest + timedelta(days=30)):
        report = check(
            rules,
            OFFICE,
            [*log, event("r1", date(year + 1, 1, 5), "reply")],
            start=date(year, 12, 1),
            end=date(year + 1, 1, 1),
            as_of=as_of,
        )
        assert [(o.status, o.evidence, o.due) for o in report.outcomes] == [("met", ("a1", "r1", "x1"), soonest)]
        assert report.findings == ()
    assert soonest == end_of_day(soonest.date(), SHANGHAI)
    with pytest.raises(CalendarError, match=f"no holiday data for {year + 1}"):
        check(
            rules,
            OFFICE,
            [*log, event("r1", soonest.date() + timedelta(days=1), "reply")],
            start=date(year, 12, 1),
            end=date(year + 1, 1, 1),
            as_of=soonest + timedelta(days=30),
        )


def test_a_step_notice_made_by_the_soonest_its_within_can_end_needs_no_year_the_calendar_lacks() -> None:
    """An application of 20 December of the CN calendar's last covered year, its reply due in 5
    days, and a notice allowed up to 10 workdays after that, into the next year: a notice of 21
    December, before the soonest those workdays can end, extends the step whatever that year
    holds, so a reply of 28 December is met at any audit moment; with no notice by that soonest
    moment and one after it, whether it came in time needs the year, and the error names it."""
    from govrules import check
    from govrules.calendars import get_calendar
    from govrules.events import Event

    year = next(y for y in range(2020, 2200) if not get_calendar("CN").covers(y)) - 1
    extension = {"action": "extension-notice", "within": "10 workdays", "extends_by": "5 days"}
    rules = RuleSet.model_validate(
        {
            **REPLY_RULES,
            "rules": [
                {**REPLY_RULES["rules"][0], "steps": [{"action": "reply", "within": "5 days", "extension": extension}]}
            ],
        }
    )

    def event(eid: str, when: date, action: str) -> Event:
        at = datetime(when.year, when.month, when.day, 10, tzinfo=SHANGHAI)
        return Event(id=eid, time=at, actor="office", action=action, ref=None if eid == "a1" else "a1")

    applied, replied = event("a1", date(year, 12, 20), "apply"), event("r1", date(year, 12, 28), "reply")
    span: dict[str, Any] = {"start": date(year, 12, 1), "end": date(year + 1, 1, 1)}
    for as_of in (_at(SHANGHAI, year, 12, 31), _at(SHANGHAI, year + 1, 1, 20)):
        report = check(
            rules, OFFICE, [applied, event("x1", date(year, 12, 21), "extension-notice"), replied], **span, as_of=as_of
        )
        assert [(o.status, o.evidence) for o in report.outcomes] == [("met", ("a1", "r1", "x1"))]
    with pytest.raises(CalendarError, match=f"no holiday data for {year + 1}"):
        late_notice = event("x1", date(year + 1, 1, 5), "extension-notice")
        check(
            rules,
            OFFICE,
            [applied, late_notice, event("r1", date(year + 1, 1, 8), "reply")],
            **span,
            as_of=_at(SHANGHAI, year + 1, 1, 20),
        )


def test_a_step_counted_into_a_year_before_the_calendars_does_not_wait_for_its_holidays() -> None:
    """An application of 10 December of the year before the CN calendar's first, audited on 15
    December: the step is pending, due no sooner than 20 days on, and its note and the report's
    say the calendar does not cover that year, not that it has no data for it yet, and do not
    ask to check again once it holds the year, which it will not."""
    from govrules import check
    from govrules.calendars import get_calendar
    from govrules.events import Event

    year = next(y for y in range(1900, 2100) if get_calendar("CN").covers(y)) - 1
    rules = RuleSet.model_validate(REPLY_RULES)
    applied = Event(id="a1", time=datetime(year, 12, 10, 10, tzinfo=SHANGHAI), actor="office", action="apply")
    span: dict[str, Any] = {
        "start": date(year, 12, 1),
        "end": date(year + 1, 1, 1),
        "as_of": _at(SHANGHAI, year, 12, 15),
    }
    report = check(rules, OFFICE, [applied], **span)
    note = (
        f"due moment counted in calendar days, the soonest the workdays can end: calendar 'CN' has no holiday data "
        f"for {year}, a year it does not cover"
    )
    assert [(o.step, o.status, o.note) for o in report.outcomes] == [(1, "pending", note), (2, "pending", note)]
    assert report.notes == (
        f"2 obligations have a due moment counted in calendar days, the soonest its workdays can end, as calendar 'CN' "
        f"has no holiday data for {year}, a year it does not cover: each such moment is after the audit moment, or "
        f"was met by a response made by then, so the real one, no sooner, moves no verdict.",
    )
    zh = check(rules, OFFICE, [applied], **span, lang="zh")
    assert zh.notes == (
        f"2 项义务的截止时间按自然日计算(即工作日最早可能届满之时),因为日历 'CN' 没有 {year} 年的节假日数据,"
        f"该年不在其覆盖范围内:这些时间均晚于审计时点,或已有在此之前作出的回应满足,实际截止时间不会更早,不影响任何判定。",
    )
    from govrules.renderers._common import note_text

    assert note_text("zh", note) == (
        f"截止时间按自然日计算(工作日最早可能届满之时):日历 'CN' 没有 {year} 年的节假日数据,该年不在其覆盖范围内"
    )


def test_a_rolling_gap_in_a_year_the_calendar_lacks_is_pending_while_surely_ahead() -> None:
    """A rolling interval of 20 workdays from a review of 10 December of the CN calendar's last
    covered year runs into a year whose holidays are not announced yet: audited on 15 December,
    the gap is pending, due no sooner than 20 days on, with the note, as a triggered step's is;
    audited once those 20 days have passed, the error naming the year."""
    from govrules import check
    from govrules.calendars import get_calendar
    from govrules.durations import end_of_day
    from govrules.events import Event

    year = next(y for y in range(2020, 2200) if not get_calendar("CN").covers(y)) - 1
    rules = _rules({"id": "r", "who": "office", "max_gap": "20 workdays"}, calendar="CN")
    review = Event(id="v1", time=datetime(year, 12, 10, 10, tzinfo=SHANGHAI), actor="office", action="act")
    span: dict[str, Any] = {"start": date(year, 12, 1), "end": date(year + 1, 1, 1)}
    report = check(rules, OFFICE, [review], **span, as_of=_at(SHANGHAI, year, 12, 15))
    note = f"due moment counted in calendar days, the soonest the workdays can end: calendar 'CN' has no holiday data for {year + 1} yet"
    pending = [(o.status, o.due, o.note) for o in report.outcomes if o.status == "pending"]
    assert pending == [("pending", end_of_day(date(year, 12, 30), SHANGHAI), note)]
    assert report.notes[-1].startswith("1 obligation has a due moment counted in calendar days")
    with pytest.raises(CalendarError, match=f"no holiday data for {year + 1}"):
        check(rules, OFFICE, [review], **span, as_of=_at(SHANGHAI, year, 12, 31))


def test_a_rolling_gap_closed_within_the_soonest_count_needs_no_year_the_calendar_lacks() -> None:
    """A rolling interval of 20 workdays from a review of 10 December of the CN calendar's last
    covered year, audited on 31 December, once the 20 days the gap can end no sooner than have
    passed: a review of 20 December closes it however the next year will be counted, so the check
    gives the gap met, due that soonest moment with the note, and the gap the second review opens
    pending. A review after that soonest moment may be in time or late, and no review at all may
    be missing or pending: each needs the year, and the error names it."""
    from govrules import check
    from govrules.calendars import get_calendar
    from govrules.durations import end_of_day
    from govrules.events import Event

    year = next(y for y in range(2020, 2200) if not get_calendar("CN").covers(y)) - 1
    rules = _rules({"id": "r", "who": "office", "max_gap": "20 workdays"}, calendar="CN")

    def review(eid: str, day: int) -> Event:
        return Event(id=eid, time=datetime(year, 12, day, 10, tzinfo=SHANGHAI), actor="office", action="act")

    span: dict[str, Any] = {
        "start": date(year, 12, 1),
        "end": date(year + 1, 1, 1),
        "as_of": _at(SHANGHAI, year, 12, 31, 12),
    }
    report = check(rules, OFFICE, [review("v1", 10), review("v2", 20)], **span)
    note = f"due moment counted in calendar days, the soonest the workdays can end: calendar 'CN' has no holiday data for {year + 1} yet"
    gaps = [(o.period, o.status, o.evidence, o.due, o.note) for o in report.outcomes]
    assert gaps == [
        (f"{year}-12-01/{year}-12-29", "met", ("v1",), end_of_day(date(year, 12, 29), SHANGHAI), None),
        (f"{year}-12-10/{year}-12-30", "met", ("v1", "v2"), end_of_day(date(year, 12, 30), SHANGHAI), note),
        (f"{year}-12-20/{year + 1}-01-09", "pending", ("v2",), end_of_day(date(year + 1, 1, 9), SHANGHAI), note),
    ]
    assert [f.code.value for f in report.findings] == ["pending"]
    for reviews in ([review("v1", 10), review("v2", 31)], [review("v1", 10)]):
        with pytest.raises(CalendarError, match=f"no holiday data for {year + 1}"):
            check(rules, OFFICE, reviews, **span)


def test_an_extended_report_made_within_the_soonest_count_needs_no_year_the_calendar_lacks() -> None:
    """December's report of the CN calendar's last covered year, extended by a notice of 2
    January (within 3 workdays of the due moment, which can end no sooner than 3 January) by 10
    workdays (no sooner than 10 January), audited on 20 January, once both soonest moments have
    passed: a report of 5 January meets December however the new year will be counted, so the
    check gives it met, due that soonest moment with the note. A report after it (in time or
    late), a second report after it (which the real due moment might give December), and a
    notice after 3 January (in time or not) each need the year, and the error names it."""
    from govrules import check
    from govrules.calendars import get_calendar
    from govrules.durations import end_of_day
    from govrules.events import Event

    year = next(y for y in range(2020, 2200) if not get_calendar("CN").covers(y)) - 1
    extension = {"action": "notice", "within": "3 workdays", "extends_by": "10 workdays"}
    rules = _rules({"id": "r", "who": "office", "every": "month", "extension": extension}, calendar="CN")

    def event(eid: str, day: int, action: str = "act") -> Event:
        return Event(id=eid, time=datetime(year + 1, 1, day, 10, tzinfo=SHANGHAI), actor="office", action=action)

    span: dict[str, Any] = {
        "start": date(year, 12, 1),
        "end": date(year + 1, 1, 1),
        "as_of": _at(SHANGHAI, year + 1, 1, 20),
    }
    report = check(rules, OFFICE, [event("n1", 2, "notice"), event("r1", 5)], **span)
    note = f"due moment counted in calendar days, the soonest the workdays can end: calendar 'CN' has no holiday data for {year + 1} yet"
    [o] = report.outcomes
    assert (o.period, o.status, o.evidence, o.due, o.note) == (
        f"{year}-12",
        "met",
        ("r1", "n1"),
        end_of_day(date(year + 1, 1, 10), SHANGHAI),
        note,
    )
    assert report.findings == ()
    for log in (
        [event("n1", 2, "notice"), event("r1", 12)],
        [event("n1", 2, "notice"), event("r1", 5), event("r2", 15)],
        [event("n1", 4, "notice"), event("r1", 5)],
    ):
        with pytest.raises(CalendarError, match=f"no holiday data for {year + 1}"):
            check(rules, OFFICE, log, **span)


def test_an_extension_in_a_year_the_calendar_lacks_is_pending_while_surely_ahead() -> None:
    """December's report of the CN calendar's last covered year, extended by a notice of 30
    December by 10 workdays (a notice within 3 workdays of the due moment): both counts run into a
    year whose holidays are not announced yet. Audited on 31 December, the notice is taken and
    December is pending, due no sooner than 10 days after the 31st, with the note; the whole check
    failed."""
    from govrules import check
    from govrules.calendars import get_calendar
    from govrules.durations import end_of_day
    from govrules.events import Event

    year = next(y for y in range(2020, 2200) if not get_calendar("CN").covers(y)) - 1
    extension = {"action": "notice", "within": "3 workdays", "extends_by": "10 workdays"}
    rules = _rules({"id": "r", "who": "office", "every": "month", "extension": extension}, calendar="CN")
    notice = Event(id="n1", time=datetime(year, 12, 30, 10, tzinfo=SHANGHAI), actor="office", action="notice")
    report = check(
        rules,
        OFFICE,
        [notice],
        start=date(year, 12, 1),
        end=date(year + 1, 1, 1),
        as_of=_at(SHANGHAI, year, 12, 31, 12),
    )
    [o] = report.outcomes
    note = f"due moment counted in calendar days, the soonest the workdays can end: calendar 'CN' has no holiday data for {year + 1} yet"
    assert (o.period, o.status, o.due, o.note) == (
        f"{year}-12",
        "pending",
        end_of_day(date(year + 1, 1, 10), SHANGHAI),
        note,
    )


def test_due_after_counts_from_the_periods_last_day_even_one_the_zone_skipped() -> None:
    """Kiritimati skipped 31 December 1994, the last day of 1994-Q4: 40 days after it is
    9 February 1995, as 40 days after 30 September is 9 November (it was counted from the 30th,
    the last day that existed, and gave the 8th). Samoa skipped 30 December 2011, the last day
    of the week from Saturday 24 December: 7 days after it is 6 January."""
    kiritimati, apia = ZoneInfo("Pacific/Kiritimati"), ZoneInfo("Pacific/Apia")
    rules = _rules({"id": "q", "who": "office", "every": "quarter", "due_after": "40 days"}, tz="Pacific/Kiritimati")
    found = _expand(rules, OFFICE, date(1994, 7, 1), date(1995, 1, 1))
    assert [(o.period, o.due) for o in found] == [
        ("1994-Q3", _at(kiritimati, 1994, 11, 9, *LAST)),
        ("1994-Q4", _at(kiritimati, 1995, 2, 9, *LAST)),
    ]
    weekly = _rules(
        {"id": "w", "who": "office", "every": "week", "due_after": "7 days"}, tz="Pacific/Apia", week_start="saturday"
    )
    (o,) = (
        o
        for o in _expand(weekly, OFFICE, date(2011, 12, 17), date(2011, 12, 31))
        if o.period_start == date(2011, 12, 24)
    )
    assert o.due == _at(apia, 2012, 1, 6, *LAST)


def test_a_report_of_local_mean_time_parses_back_to_the_same_instants() -> None:
    """Shanghai kept local mean time (+08:05:43) until 1901: a report of 1900 wrote its moments
    with the offset cut to the minute (+08:05), 43 seconds off when read back. Such moments are
    given in UTC, which JSON writes exactly; the text report still shows them in local time."""
    from govrules import check
    from govrules.findings import Report
    from govrules.renderers import RenderContext, render

    rules = RuleSet.model_validate(
        {
            "id": "rs",
            "title": "t",
            "timezone": "Asia/Shanghai",
            "rules": [
                {"id": "m", "kind": "recurring", "clause": "C", "who": "b1", "action": "report", "every": "month"}
            ],
        }
    )
    org = Organisation.model_validate({"id": "o", "actors": [{"id": "b1"}]})
    report = check(rules, org, [], start=date(1900, 1, 1), end=date(1900, 2, 1))
    (o,) = report.outcomes
    lmt = ZoneInfo("Asia/Shanghai")
    assert o.due == datetime(1900, 1, 31, 23, 59, 59, 999999, tzinfo=lmt) and o.due.utcoffset() == timedelta(0)
    back = Report.model_validate_json(render(report, "json", RenderContext()))
    assert back == report and back.outcomes[0].due == o.due
    assert "due 1900-01-31 23:59:59 +08:05:43" in render(report, "text", RenderContext())


def test_the_obligations_calendar_shows_local_mean_time_in_the_zone() -> None:
    """Monrovia kept -00:44:30 until 1972: a moment at that offset is held in UTC (JSON writes
    minutes), and the calendar a person reads still shows it, and its days, in the zone (it
    showed "1970-04-01 00:44:29 +00:00", a window to 8 March and an iCalendar day of 1 April)."""
    from govrules.renderers.calendar import render_obligations

    rules = _rules({"id": "m", "who": "office", "every": "month", "window": {"first": "7 days"}}, tz="Africa/Monrovia")
    items = _expand(rules, OFFICE, date(1970, 3, 1), date(1970, 4, 1), as_of=datetime(1970, 1, 1, tzinfo=UTC))
    table = render_obligations(items, rules, OFFICE, "table", "en")
    assert table.splitlines() == [
        "Due                            Status   Rule  Title  Period      Who",
        "1970-03-31 23:59:59 -00:44:30  pending  m            March 1970  office  Window 1970-03-01..1970-03-07",
        "1 obligation",
    ]
    ics = render_obligations(items, rules, OFFICE, "ics", "en", stamp=datetime(1970, 4, 1, tzinfo=UTC))
    assert "DTSTART;VALUE=DATE:19700331" in ics and "Due: 1970-03-31 23:59:59 -00:44:30" in ics.replace("\r\n ", "")


def test_a_day_the_zone_skips_is_owed_nothing() -> None:
    """Samoa went from 29 to 31 December 2011: a daily report is owed for the 29th and the 31st,
    and the 29th's, accepted late until the next period ends, until the end of the 31st. The
    30th, which would open after it was due, is owed nothing."""
    apia = ZoneInfo("Pacific/Apia")
    rules = _rules({"id": "daily", "who": "office", "every": "day"}, tz="Pacific/Apia")
    found = _expand(rules, OFFICE, date(2011, 12, 29), date(2012, 1, 1))
    assert [(o.period, o.due, o.closes) for o in found] == [
        ("2011-12-29", _at(apia, 2011, 12, 29, *LAST), _at(apia, 2011, 12, 31, *LAST)),
        ("2011-12-31", _at(apia, 2011, 12, 31, *LAST), _at(apia, 2012, 1, 1, *LAST)),
    ]
    # a window on the skipped day is the period's nearest day that was: the 29th for the last day
    # of the week from Saturday the 24th, the 31st for the first day of the week from the 30th
    for week_start, window, week, day in (
        ("saturday", {"last": "1 day"}, "2011-12-24/P1W", date(2011, 12, 29)),
        ("friday", {"first": "1 day"}, "2011-12-30/P1W", date(2011, 12, 31)),
    ):
        weekly = _rules(
            {"id": "w", "who": "office", "every": "week", "window": window}, tz="Pacific/Apia", week_start=week_start
        )
        windows = {o.period: _window(o) for o in _expand(weekly, OFFICE, date(2011, 12, 23), date(2012, 1, 5))}
        assert windows[week] == (day, day)


DECISION = {
    "id": "decision-term",
    "kind": "triggered",
    "clause": "Wabo 3.9(1)",
    "trigger": {"action": "received"},
    "steps": [{"action": "decision", "within": "8 weeks", "roll": "next-workday"}],
}
"""A decision 8 weeks after receipt, rolled to the next workday."""
ATW_CALENDAR = {
    "country": "NL",
    "holidays": [{"date": "05-05", "name": "Bevrijdingsdag"}],
    "not_holidays": [{"name": "Good Friday"}],
}
"""The Dutch calendar as the Algemene termijnenwet counts it: 5 May every year, not Good Friday."""


@pytest.mark.parametrize(
    ("calendar", "statuses"),
    [
        ("NL", [("r2", "met", date(2011, 4, 26)), ("r1", "late-response", date(2011, 5, 5))]),
        (ATW_CALENDAR, [("r2", "late-response", date(2011, 4, 22)), ("r1", "met", date(2011, 5, 6))]),
    ],
)
def test_a_deadline_rolls_over_a_holiday_the_rule_set_adds_and_not_over_one_it_removes(
    calendar: Any, statuses: list[tuple[str, str, date]]
) -> None:
    """8 weeks from a receipt of 10 March 2011 end on Thursday 5 May, which the `NL` calendar
    of the `holidays` package counts as a workday that year: a decision of 6 May is late. Under
    the calendar adjusted as the Algemene termijnenwet counts (5 May every year), the deadline
    rolls to Friday 6 May and that decision is in time. 8 weeks from 25 February end on Good
    Friday, 22 April, which `NL` counts as a holiday (rolled past Easter Monday to Tuesday 26
    April: a decision of 25 April is in time); the adjusted calendar removes it, so the deadline
    is that Friday and the decision late."""
    from govrules import check
    from govrules.events import Event

    amsterdam = ZoneInfo("Europe/Amsterdam")
    rules = RuleSet.model_validate(
        {"id": "t", "title": "t", "timezone": "Europe/Amsterdam", "calendar": calendar, "rules": [DECISION]}
    )
    org = _org({"id": "desk"})

    def event(eid: str, month: int, day: int, action: str, **kw: Any) -> Event:
        return Event(id=eid, time=datetime(2011, month, day, 10, tzinfo=amsterdam), actor="desk", action=action, **kw)

    log = [
        event("r1", 3, 10, "received"),
        event("d1", 5, 6, "decision", ref="r1"),
        event("r2", 2, 25, "received"),
        event("d2", 4, 25, "decision", ref="r2"),
    ]
    report = check(rules, org, log, start=date(2011, 1, 1), end=date(2012, 1, 1))
    assert [(o.period, o.status, o.due.date()) for o in report.outcomes] == statuses


def test_a_holiday_the_rule_set_removes_is_counted_as_a_workday() -> None:
    """A report due 3 workdays after Thursday 21 April 2011: `NL` skips Good Friday and Easter
    Monday and ends on Thursday the 28th; the calendar adjusted to remove Good Friday counts it,
    and ends on Wednesday the 27th."""
    dues = []
    for calendar in ("NL", ATW_CALENDAR):
        rules = _rules({"id": "r", "who": "office", "every": "day", "due_after": "3 workdays"}, calendar=calendar)
        [o] = _expand(rules, OFFICE, date(2011, 4, 21), date(2011, 4, 22))
        dues.append(o.due.date())
    assert dues == [date(2011, 4, 28), date(2011, 4, 27)]
