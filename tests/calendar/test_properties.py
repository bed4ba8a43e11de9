"""Properties of the calendar engine: splitting a range, ranges, order and uniqueness, labels,
month arithmetic, and independence from the process time zone."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from hypothesis import Phase, find, given, settings
from hypothesis import strategies as st

from govrules.calendars import get_calendar
from govrules.durations import Duration, MonthPolicy, Unit, add_months, deadline
from govrules.model import Organisation, RuleSet
from govrules.obligations import Context, Obligation, iter_obligations, obligations
from govrules.periods import Grain, iter_periods, parse_label

T = TypeVar("T")

ZONES = ["Asia/Shanghai", "Europe/Rome", "America/New_York", "America/Santiago", "Australia/Lord_Howe", "UTC"]
PROCESS_ZONES = ["UTC", "America/Los_Angeles", "Asia/Kolkata", "Pacific/Chatham", "Europe/Rome"]
FIRST, LAST_DAY = date(2023, 1, 1), date(2026, 12, 31)

days = st.dates(min_value=FIRST, max_value=LAST_DAY)

EVERY: list[Any] = [
    "week",
    "month",
    "quarter",
    "half-year",
    "year",
    {"year_starting": 9},
    {"year_starting": 4},
    {"calendar": "semester"},
    {"rrule": "FREQ=MONTHLY;BYMONTHDAY=-1", "start": "2022-12-01"},
    {"rrule": "FREQ=MONTHLY", "start": "2022-01-31"},
    {"rrule": "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,SU", "start": "2022-08-02"},
]
MONTHLY_OR_LONGER = {"month", "quarter", "half-year", "year"}


@st.composite
def recurring_rules(draw: st.DrawFn, rule_id: str) -> dict[str, Any]:
    """One recurring rule over the actors of role ``unit`` (or pairs of them)."""
    every = draw(st.sampled_from(EVERY))
    rule: dict[str, Any] = {
        "id": rule_id,
        "kind": "recurring",
        "clause": f"C.{rule_id}",
        "action": "act",
        "every": every,
        "who": draw(st.sampled_from([{"role": "unit"}, {"role": "unit", "relation": "peers"}, "u1"])),
        "min": draw(st.integers(0, 2)),
    }
    windows: list[dict[str, Any] | None] = [None, {"first": "3 days"}, {"last": "2 workdays"}]
    if isinstance(every, str) and every in MONTHLY_OR_LONGER:
        windows += [
            {"month": "last", "days": "21-last", "strictness": "in-principle"},
            {"month": "first", "days": "1-10"},
        ]
    window = draw(st.sampled_from(windows))
    if window is not None:
        rule["window"] = window
    due_after = draw(st.sampled_from([None, "40 days", "1 month", "5 workdays", "72 hours"]))
    if due_after is not None:
        rule["due_after"] = due_after
    rule["roll"] = "none" if due_after == "72 hours" else draw(st.sampled_from(["none", "next-workday"]))
    if draw(st.booleans()):
        rule["accept_late"] = draw(st.sampled_from(["7 days", "0 days", "1 month"]))
    if every == "quarter" and draw(st.booleans()):
        rule["exempt_periods"] = ["Q4"]
    if draw(st.booleans()):
        start = draw(days)
        rule["effective"] = {"from": start.isoformat()} if draw(st.booleans()) else {"to": start.isoformat()}
    return rule


@st.composite
def rule_sets(draw: st.DrawFn) -> RuleSet:
    count = draw(st.integers(1, 3))
    rules = [draw(recurring_rules(f"r{i}")) for i in range(count)]
    return RuleSet.model_validate(
        {
            "id": "p",
            "title": "p",
            "timezone": draw(st.sampled_from(ZONES)),
            "calendar": "weekends",
            "week_start": draw(st.sampled_from(["monday", "sunday"])),
            "rules": rules,
        }
    )


@st.composite
def spans(draw: st.DrawFn) -> dict[str, str]:
    span: dict[str, str] = {}
    low = draw(st.none() | days)
    high = draw(st.none() | days)
    if low is not None:
        span["from"] = low.isoformat()
    if high is not None:
        span["to"] = max(high, low or high).isoformat()
    return span


@st.composite
def organisations(draw: st.DrawFn) -> Organisation:
    ids = ["u1", "u2", "u3"]
    actors = []
    for actor_id in ids:
        actor: dict[str, Any] = {"id": actor_id}
        if draw(st.booleans()):
            actor["roles"] = ["unit"]
        else:
            actor["roles"] = [{"role": "unit", **draw(spans())}]
        if draw(st.booleans()):
            actor["active"] = draw(spans())
        actor["relations"] = {"peers": draw(st.lists(st.sampled_from(ids), max_size=3))}
        actors.append(actor)
    exemptions = []
    for _ in range(draw(st.integers(0, 2))):
        exemption: dict[str, Any] = {
            "rule": draw(st.sampled_from(["r0", "r1"])),
            "actor": draw(st.sampled_from(ids)),
            "reason": "documented",
        }
        if draw(st.booleans()):
            exemption["dates"] = draw(spans())
        actors_periods = draw(st.lists(st.sampled_from(["2024-Q2", "2024", "2025-H1", "2024-11"]), max_size=2))
        if actors_periods:
            exemption["periods"] = actors_periods
        exemptions.append(exemption)
    semesters = [
        {"id": "2022-2023-2", "start": "2023-02-20", "end": "2023-07-07"},
        {"id": "2023-2024-1", "start": "2023-09-01", "end": "2024-01-19"},
        {"id": "2023-2024-2", "start": "2024-02-26", "end": "2024-07-05"},
        {"id": "2024-2025-1", "start": "2024-09-01", "end": "2025-01-17"},
        {"id": "2024-2025-2", "start": "2025-02-24", "end": "2025-07-04"},
        {"id": "2025-2026-1", "start": "2025-09-01", "end": "2026-01-16"},
    ]
    return Organisation.model_validate(
        {"id": "o", "actors": actors, "exemptions": exemptions, "calendars": {"semester": semesters}}
    )


AS_OF = datetime(2025, 6, 30, 12, tzinfo=UTC)


def _expand(rules: RuleSet, org: Organisation, start: date, end: date) -> list[Obligation]:
    """The expander, below `obligations()`'s check of the rules against the organisation (whose
    drawn exemptions may name a rule the rule set lacks: the expander leaves them be)."""
    return list(iter_obligations(Context.make(rules, org, start=start, end=end, as_of=AS_OF)))


@st.composite
def split_ranges(draw: st.DrawFn) -> tuple[date, date, date]:
    """``a < b < c``; half the time ``b`` is the first day of a month (aligned for most grains)."""
    a = draw(st.dates(min_value=FIRST, max_value=date(2025, 6, 30)))
    c = a + timedelta(days=draw(st.integers(2, 550)))
    b = a + timedelta(days=draw(st.integers(1, (c - a).days - 1)))
    if draw(st.booleans()):
        aligned = b.replace(day=1)
        if a < aligned < c:
            b = aligned
    return a, b, c


@given(rules=rule_sets(), org=organisations(), bounds=split_ranges())
def test_expanding_a_range_equals_expanding_its_two_parts(
    rules: RuleSet, org: Organisation, bounds: tuple[date, date, date]
) -> None:
    """[a, c) gives the same instances as [a, b) followed by [b, c), for the same audit moment."""
    a, b, c = bounds
    whole = _expand(rules, org, a, c)
    parts = sorted(_expand(rules, org, a, b) + _expand(rules, org, b, c), key=Obligation.sort_key)
    assert whole == parts


@given(rules=rule_sets(), org=organisations(), bounds=split_ranges())
def test_instances_start_in_the_range_and_are_unique_and_sorted(
    rules: RuleSet, org: Organisation, bounds: tuple[date, date, date]
) -> None:
    """Every instance's period starts in the range; no two instances share (rule, actor,
    counterpart, period); the stream is sorted by Obligation.sort_key; the instants are ordered."""
    a, _, c = bounds
    found = _expand(rules, org, a, c)
    assert all(a <= o.period_start < c for o in found)
    keys = [(o.rule, o.actor, o.counterpart, o.period) for o in found]
    assert len(set(keys)) == len(keys)
    sort_keys = [o.sort_key() for o in found]
    assert sort_keys == sorted(sort_keys)
    assert len(set(sort_keys)) == len(sort_keys)
    for o in found:
        assert o.opens <= o.due <= o.closes
        if o.window_start is not None and o.window_end is not None:
            assert o.opens <= o.window_start <= o.window_end
            assert o.period_start <= o.window_start.date() and o.window_end.date() < o.period_end
        assert o.status == "pending" or o.status in ("exempt", "not-held") or o.due <= AS_OF
        assert (o.status == "pending") <= (o.due > AS_OF)


@given(
    grain=st.sampled_from(list(Grain)),
    day=st.dates(min_value=date(1900, 1, 1), max_value=date(2999, 12, 1)),
    year_start=st.integers(1, 12),
    week_start=st.integers(0, 6),
)
def test_every_period_label_round_trips(grain: Grain, day: date, year_start: int, week_start: int) -> None:
    """parse_label(period.label) is the period, for every grain, year start and week start."""
    (period, *_) = iter_periods(grain, day, day + timedelta(days=400), year_start=year_start, week_start=week_start)
    assert parse_label(period.label) == period
    assert period.start >= day


@given(
    day=st.dates(min_value=date(1900, 1, 1), max_value=date(2900, 12, 31)),
    months=st.integers(0, 1200),
    policy=st.sampled_from(list(MonthPolicy)),
)
def test_month_arithmetic_lands_in_the_target_month_or_just_after(day: date, months: int, policy: MonthPolicy) -> None:
    """Clamp and end-of-month land in the target month; next-day lands on its last day or the
    first of the month after; a day the target month has is kept by every policy."""
    result = add_months(day, months, policy)
    target = (day.year * 12 + day.month - 1 + months) // 12, (day.month - 1 + months) % 12 + 1
    clamped = add_months(day, months)
    assert (clamped.year, clamped.month) == target
    if clamped.day == day.day and policy is not MonthPolicy.END_OF_MONTH:
        assert result == clamped
    if policy is MonthPolicy.NEXT_DAY and clamped.day != day.day:
        assert result == clamped + timedelta(days=1)
        assert result.day == 1
    if policy is MonthPolicy.END_OF_MONTH:
        assert (result.year, result.month) == target
        if (day + timedelta(days=1)).day == 1:
            assert (result + timedelta(days=1)).day == 1


@contextmanager
def _process_zone(name: str) -> Iterator[None]:
    old = os.environ.get("TZ")
    os.environ["TZ"] = name
    time.tzset()
    try:
        yield
    finally:
        if old is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = old
        time.tzset()


def _in_every_process_zone(fn: Callable[[], T]) -> list[T]:
    results = []
    for name in PROCESS_ZONES:
        with _process_zone(name):
            results.append(fn())
    return results


durations = st.builds(
    Duration,
    st.integers(0, 400),
    st.sampled_from([Unit.MINUTES, Unit.HOURS, Unit.DAYS, Unit.WEEKS, Unit.WORKDAYS, Unit.MONTHS, Unit.YEARS]),
)


@given(
    start=st.datetimes(min_value=datetime(2023, 1, 1), max_value=datetime(2025, 12, 31), timezones=st.just(UTC)),
    duration=durations,
    zone=st.sampled_from(ZONES),
    roll=st.booleans(),
)
def test_a_deadline_is_the_same_instant_whatever_the_process_zone(
    start: datetime, duration: Duration, zone: str, roll: bool
) -> None:
    """TZ and time.tzset() change nothing: same instant, same offset, same text."""
    tz = ZoneInfo(zone)
    calendar = get_calendar("weekends")
    roll = roll and not duration.elapsed  # elapsed deadlines are never rolled
    results = _in_every_process_zone(lambda: deadline(start, duration, tz=tz, calendar=calendar, roll=roll))
    assert len({r.isoformat() for r in results}) == 1
    due = results[0]
    if duration.elapsed:
        assert due - start == timedelta(minutes=duration.amount * (60 if duration.unit is Unit.HOURS else 1))
    else:
        local = due.astimezone(tz)
        assert (local.hour, local.minute, local.second, local.microsecond) == (23, 59, 59, 999999)
        assert due.utcoffset() == local.utcoffset()
        if duration.unit is Unit.DAYS and not roll:
            assert local.date() == start.astimezone(tz).date() + timedelta(days=duration.amount)


@given(
    start=st.datetimes(min_value=datetime(2023, 1, 1), max_value=datetime(2025, 12, 31), timezones=st.just(UTC)),
    unit=st.sampled_from([Unit.MONTH_END, Unit.QUARTER_END, Unit.HALF_YEAR_END, Unit.YEAR_END]),
    zone=st.sampled_from(ZONES),
)
def test_a_periods_end_is_the_last_instant_of_the_starts_period(start: datetime, unit: Unit, zone: str) -> None:
    """Not before the start, the last instant of a local day, in the start's local period, and
    the next local day is in the next period."""
    tz = ZoneInfo(zone)
    due = deadline(start, Duration(0, unit), tz=tz)
    months = {Unit.MONTH_END: 1, Unit.QUARTER_END: 3, Unit.HALF_YEAR_END: 6, Unit.YEAR_END: 12}[unit]
    local, begun = due.astimezone(tz), start.astimezone(tz).date()
    assert due >= start
    assert (local.hour, local.minute, local.second, local.microsecond) == (23, 59, 59, 999999)
    assert (local.year, (local.month - 1) // months) == (begun.year, (begun.month - 1) // months)
    following = local.date() + timedelta(days=1)
    assert (following.month - 1) % months == 0 and following.day == 1


_CHILD = """
import json, sys
from datetime import date
from govrules.model import Organisation, RuleSet
from govrules.obligations import obligations
rules = RuleSet.model_validate(json.loads(sys.argv[1]))
org = Organisation.model_validate(json.loads(sys.argv[2]))
found = obligations(rules, org, date(2024, 1, 1), date(2025, 1, 1))
print(json.dumps([[o.period, o.opens.isoformat(), o.due.isoformat(), o.closes.isoformat()] for o in found]))
"""


def test_obligations_are_the_same_in_a_process_started_in_another_zone() -> None:
    """A fresh interpreter started with TZ set to another zone computes the same instants."""
    rules = {
        "id": "p",
        "title": "p",
        "timezone": "Europe/Rome",
        "calendar": "weekends",
        "rules": [
            {"id": "m", "kind": "recurring", "clause": "c", "who": "u1", "action": "a", "every": "month"},
            {
                "id": "q",
                "kind": "recurring",
                "clause": "c",
                "who": "u1",
                "action": "a",
                "every": "quarter",
                "due_after": "40 days",
                "roll": "next-workday",
            },
        ],
    }
    org = {"id": "o", "actors": [{"id": "u1"}]}
    here = [
        [o.period, o.opens.isoformat(), o.due.isoformat(), o.closes.isoformat()]
        for o in obligations(
            RuleSet.model_validate(rules), Organisation.model_validate(org), date(2024, 1, 1), date(2025, 1, 1)
        )
    ]
    outputs = [here]
    for name in ["America/Los_Angeles", "Asia/Kolkata"]:
        env = {**os.environ, "TZ": name}
        done = subprocess.run(
            [sys.executable, "-c", _CHILD, json.dumps(rules), json.dumps(org)],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        outputs.append(json.loads(done.stdout))
    assert outputs[0] == outputs[1] == outputs[2]
    assert len(outputs[0]) == 16
    assert outputs[0][2] == [
        "2024-03",
        "2024-03-01T00:00:00+01:00",
        "2024-03-31T23:59:59.999999+02:00",
        "2024-04-30T23:59:59.999999+02:00",
    ]


def test_the_generated_inputs_reach_every_status() -> None:
    """The strategies are not vacuous: they produce open, pending, exempt and not-held instances,
    pairs and windows, so the properties above are exercised on all of them."""
    reached: set[str] = set()

    def interesting(case: tuple[RuleSet, Organisation, tuple[date, date, date]]) -> bool:
        rules, org, (a, _, c) = case
        found = _expand(rules, org, a, c)
        reached.update(o.status for o in found)
        if any(o.counterpart is not None for o in found):
            reached.add("pair")
        if any(o.window_start is not None for o in found):
            reached.add("window")
        return reached >= {"open", "pending", "exempt", "not-held", "pair", "window"}

    find(
        st.tuples(rule_sets(), organisations(), split_ranges()),
        interesting,
        settings=settings(max_examples=2000, database=None, phases=[Phase.generate]),
    )
