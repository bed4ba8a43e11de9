"""`from_rule_set` on rule sets that count on a business-day calendar: deadlines rolled to the
next workday (`roll: next-workday`), counted in workdays (`due_after`, a step's `within`, an
extension's `within` and `extends_by`, `accept_late`, `max_gap`, `lookback`, `min_age`), and
windows of the first or last workdays of a period, over weekends and the holidays of a country.
The witness is clean, and each mutation gives exactly its finding, against the due moment the
checker computes (docs/testing.md §1)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import given, note, settings
from hypothesis import strategies as st

from govrules import check
from govrules.findings import Report
from govrules.model import (
    AdjustedCalendar,
    CalendarDay,
    Organisation,
    PrerequisiteRule,
    RecurringRule,
    Rule,
    RuleSet,
    TriggeredRule,
    Window,
)
from govrules.testing import Audit, GeneratedLog, audits, from_rule_set

from .conftest import SETTINGS, assert_exact

CALENDARS: tuple[str | AdjustedCalendar, ...] = (
    "weekends",
    "NL",
    "US",
    "IT",
    AdjustedCalendar(
        country="NL",
        holidays=[CalendarDay(date="05-05", name="Bevrijdingsdag"), CalendarDay(date="12-24")],
        not_holidays=[CalendarDay(name="Good Friday")],
        workdays=[CalendarDay(date=date(2024, 10, 12))],
    ),
)
"""Calendars with holidays for every year `audits` audits (2020 to 2027), one adjusted as the
Algemene termijnenwet counts, with a closing day of its own and a Saturday worked."""

DUE_IN_WORKDAYS = {"month": "7 workdays", "quarter": "28 workdays", "half-year": "40 workdays", "year": "60 workdays"}
"""A `due_after` in workdays about as long as the one in days `audits` draws for each grain."""


@st.composite
def _recurring(draw: st.DrawFn, rule: RecurringRule) -> RecurringRule:
    if rule.max_gap is not None:  # the witness spaces events 25 to 40 days apart
        return rule.model_copy(
            update={
                "max_gap": draw(st.sampled_from((rule.max_gap, "32 workdays"))),
                "roll": draw(st.sampled_from(("none", "next-workday"))),
            }
        )
    update: dict[str, Any] = {"roll": draw(st.sampled_from(("none", "next-workday")))}
    if rule.due_after is not None and draw(st.booleans()):
        update["due_after"] = DUE_IN_WORKDAYS[str(rule.every)]
    if rule.extension is not None:
        update["extension"] = rule.extension.model_copy(
            update={
                "within": draw(st.sampled_from((rule.extension.within, "2 workdays"))),
                "extends_by": draw(st.sampled_from((rule.extension.extends_by, "10 workdays"))),
            }
        )
    update["accept_late"] = draw(st.sampled_from((None, "5 workdays", "3 days", "36 hours")))
    if rule.window is not None and draw(st.booleans()):
        strictness = rule.window.strictness
        update["window"] = draw(
            st.sampled_from(
                (Window(first="4 workdays", strictness=strictness), Window(last="5 workdays", strictness=strictness))
            )
        )
    return rule.model_copy(update=update)


@st.composite
def _business_rule(draw: st.DrawFn, rule: Rule) -> Rule:
    """``rule`` with its deadlines sometimes counted in workdays or rolled to a workday."""
    if isinstance(rule, RecurringRule):
        return draw(_recurring(rule))
    if isinstance(rule, TriggeredRule):
        steps = [
            step.model_copy(
                update={
                    "within": draw(st.sampled_from((step.within, "3 workdays", "2 days", "1 workday"))),
                    "roll": draw(st.sampled_from(("none", "next-workday"))),
                }
            )
            for step in rule.steps
        ]
        steps = [s.model_copy(update={"roll": "none"}) if s.within.endswith("hours") else s for s in steps]
        return rule.model_copy(update={"steps": steps})
    if isinstance(rule, PrerequisiteRule):
        update: dict[str, Any] = {}
        if rule.lookback is not None:
            update["lookback"] = draw(st.sampled_from((rule.lookback, "20 workdays", "2 weeks")))
        if rule.min_age is not None:
            update["min_age"] = draw(st.sampled_from((rule.min_age, "2 workdays")))
        if rule.lookback is not None:
            update["roll"] = draw(st.sampled_from(("none", "next-workday")))
        return rule.model_copy(update=update)
    return rule


@st.composite
def business_day_audits(draw: st.DrawFn, kinds: tuple[str, ...] | None = None) -> Audit:
    """An audit of `audits` (of rules of ``kinds``) on a business-day calendar, its deadlines
    sometimes rolled or counted in workdays."""
    audit = draw(audits(kinds=kinds))
    rules = [draw(_business_rule(rule)) for rule in audit.rules.rules]
    calendar = draw(st.sampled_from(CALENDARS))
    rule_set = audit.rules.model_copy(update={"rules": rules, "calendar": calendar})
    return Audit(rule_set, audit.org, audit.start, audit.end, audit.as_of)


@st.composite
def _cases(
    draw: st.DrawFn, compliant: bool, kinds: tuple[str, ...] | None = None, mutations: set[str] | None = None
) -> tuple[Audit, GeneratedLog]:
    audit = draw(business_day_audits(kinds))
    log = draw(
        from_rule_set(
            audit.rules,
            audit.org,
            start=audit.start,
            end=audit.end,
            as_of=audit.as_of,
            compliant=compliant,
            mutations=mutations,
        )
    )
    return audit, log


def _findings(audit: Audit, log: GeneratedLog) -> list[Any]:
    report = check(audit.rules, audit.org, list(log.events), start=audit.start, end=audit.end, as_of=audit.as_of)
    return list(report.findings)


@given(_cases(compliant=True))
@settings(SETTINGS, max_examples=150)
def test_a_witness_on_business_days_is_clean(case: tuple[Audit, GeneratedLog]) -> None:
    """The witness of rules rolled or counted in workdays gives no violation and no warning."""
    audit, log = case
    note(audit.rules.model_dump_json(exclude_defaults=True))
    serious = [f for f in _findings(audit, log) if f.severity != "info"]
    assert [(f.code.value, f.rule, f.actor, f.period) for f in serious] == []


@given(_cases(compliant=False))
@settings(SETTINGS, max_examples=300)
def test_each_mutation_on_business_days_gives_exactly_its_finding(case: tuple[Audit, GeneratedLog]) -> None:
    """Each mutation of a witness of rules rolled or counted in workdays gives exactly its finding,
    placed against the due moment the checker computes."""
    audit, log = case
    note(audit.rules.model_dump_json(exclude_defaults=True))
    note(f"mutation: {log.mutation}, expected: {log.expected}")
    [expected] = log.expected
    findings = _findings(audit, log)
    matching = [f for f in findings if expected.matches(f)]
    others = [(f.code.value, f.rule, f.actor, f.period) for f in findings if f.severity != "info" and f not in matching]
    assert (len(matching), others) == (1, [])


TOWN = Organisation.model_validate(
    {
        "id": "town",
        "timezone": "Europe/Amsterdam",
        "actors": [{"id": "clerk-1", "roles": ["clerk"]}, {"id": "desk"}, {"id": "b1", "roles": ["branch"]}],
    }
)


def _town_rules(calendar: str, *rules: dict[str, Any]) -> RuleSet:
    return RuleSet.model_validate(
        {"id": "town", "title": "Town", "timezone": "Europe/Amsterdam", "calendar": calendar, "rules": list(rules)}
    )


def test_a_late_response_to_a_step_rolled_off_a_weekend_is_made_after_the_rolled_due_moment() -> None:
    """A decision 8 weeks after receipt, rolled to the next workday (Wabo 3.9(1) under the
    Algemene termijnenwet): receipt on Saturday 1 January 2011 is due Monday 28 February, not
    Saturday 26 February. The late-response mutation moves the decision an hour past the rolled
    due moment, and the checker finds it late; before, it was moved an hour past the unrolled
    one, where the checker rightly found the step met."""
    rules = _town_rules(
        "NL",
        {
            "id": "decision-term",
            "kind": "triggered",
            "clause": "Wabo 3.9(1)",
            "trigger": {"action": "received"},
            "steps": [
                {
                    "action": "decision",
                    "by": {"role": "clerk"},
                    "same": ["subject"],
                    "within": "8 weeks",
                    "roll": "next-workday",
                }
            ],
        },
    )
    assert_exact(rules, {"late-response", "unanswered"}, TOWN, date(2011, 1, 1), date(2012, 1, 1))


def test_a_monthly_report_rolled_off_a_weekend_is_dropped_and_doubled_against_its_own_month() -> None:
    """A monthly report due at the month's end, rolled to the next workday, at most one: a month
    ending on a Saturday is due on the Monday, so its on-time span reaches two days into the
    next month. The witness places the next month's report after that due moment, and makes no
    second report for a month whose own lies in those days: each mutation then gives its finding
    for the month it changes. Before, dropping a report let the next month's, made on its first
    day, answer it (`missing` for the next month), and a second report in those days went to
    the next month (`excess` there)."""
    rules = _town_rules(
        "weekends",
        {
            "id": "monthly",
            "kind": "recurring",
            "clause": "C1",
            "who": {"role": "branch"},
            "action": "report",
            "every": "month",
            "max": 1,
            "roll": "next-workday",
        },
    )
    assert_exact(rules, {"drop", "late", "excess"}, TOWN, date(2022, 1, 1), date(2023, 1, 1))


def _last_cn_year() -> int:
    """The last year the CN calendar has holidays for: the next one is not yet published."""
    from govrules.calendars import get_calendar

    return max(y for y in range(2001, 2200) if get_calendar("CN").covers(y))


def _on_cn(rule: dict[str, Any]) -> RuleSet:
    """``rule`` alone in a rule set counted in Shanghai on the CN calendar."""
    return RuleSet.model_validate(
        {"id": "t", "title": "t", "timezone": "Asia/Shanghai", "calendar": "CN", "rules": [rule]}
    )


def _drawn_exact(
    rules: RuleSet, org: Organisation, start: date, end: date, as_of: datetime
) -> list[tuple[GeneratedLog, Report]]:
    """The logs `from_rule_set` draws for ``rules`` (a witness or a mutation), each checked as of
    ``as_of`` and giving exactly the findings it expects and no other but notes: each with its
    report, for what a test asks of them besides."""
    drawn: list[tuple[GeneratedLog, Report]] = []

    @given(from_rule_set(rules, org, start=start, end=end, as_of=as_of))
    @SETTINGS
    def exact(log: GeneratedLog) -> None:
        report = check(rules, org, list(log.events), start=start, end=end, as_of=as_of)
        matching = [f for f in report.findings if any(x.matches(f) for x in log.expected)]
        others = [(f.code.value, f.period) for f in report.findings if f.severity != "info" and f not in matching]
        assert (len(matching), others) == (len(log.expected), []), log.mutation
        drawn.append((log, report))

    exact()
    return drawn


def test_a_step_counted_into_a_year_the_calendar_lacks_is_answered_by_the_soonest_it_can_end() -> None:
    """A reply owed 40 workdays after an application, on the CN calendar, audited in the first
    days of the year after its last covered one: a reply to an application of late November
    is due in a year whose holidays the calendar lacks. The checker takes a reply made by the
    soonest the count can end (40 calendar days) as met, with a note, and needs the year for
    any later one: the witness replies so, and offers no mutation of that step (a late reply,
    none, or one sent elsewhere would each need the year). Before, drawing a witness raised the
    calendar's error."""
    last = _last_cn_year()
    rules = _on_cn(
        {
            "id": "reply",
            "kind": "triggered",
            "clause": "33",
            "trigger": {"action": "apply"},
            "steps": [{"action": "reply", "within": "40 workdays"}],
        }
    )
    org = Organisation.model_validate({"id": "o", "actors": [{"id": "office"}]})
    start, end = date(last, 10, 1), date(last + 1, 1, 1)
    as_of = datetime(last + 1, 1, 10, tzinfo=ZoneInfo("Asia/Shanghai"))

    notes = [
        o.note
        for _, report in _drawn_exact(rules, org, start, end, as_of)
        for o in report.outcomes
        if o.status == "met"
    ]
    assert any(n is not None and f"no holiday data for {last + 1}" in n for n in notes)


def test_an_extension_counted_into_a_year_the_calendar_lacks_is_not_drawn() -> None:
    """A monthly report with an extension of 10 workdays, on the CN calendar, audited in the
    first days of the year after its last covered one: December's extended due moment would be
    counted in a year whose holidays the calendar lacks, so the witness files December's report
    by its prescribed due moment, without a notice, and the other months' in their extensions
    or not. Before, drawing a witness that extended December raised the calendar's error."""
    last = _last_cn_year()
    rules = _on_cn(
        {
            "id": "monthly",
            "kind": "recurring",
            "clause": "C1",
            "who": {"role": "branch"},
            "action": "report",
            "every": "month",
            "extension": {"action": "notice", "within": "1 day", "extends_by": "10 workdays"},
        }
    )
    org = Organisation.model_validate({"id": "o", "actors": [{"id": "b1", "roles": ["branch"]}]})
    start, end = date(last, 10, 1), date(last + 1, 1, 1)
    as_of = datetime(last + 1, 1, 31, tzinfo=ZoneInfo("Asia/Shanghai"))

    notices = [
        e.period for log, _ in _drawn_exact(rules, org, start, end, as_of) for e in log.events if e.action == "notice"
    ]
    assert f"{last}-11" in notices and f"{last}-12" not in notices


def test_a_rolling_gap_counted_into_a_year_the_calendar_lacks_is_not_dropped() -> None:
    """A review every 45 workdays, on the CN calendar, audited in the year after its last covered
    one: a gap from a review of the last months runs into a year whose holidays the calendar
    lacks. The witness's reviews, 25 to 40 days apart, close each gap by the soonest it can end
    (45 days), which the checker takes as met; taking one away would leave a gap whose verdict
    needs that year, so the drop mutation is drawn only for gaps the calendar can count. Before,
    the witness counted every gap itself and raised the calendar's error."""
    last = _last_cn_year()
    rules = _on_cn(
        {
            "id": "review",
            "kind": "recurring",
            "clause": "C1",
            "who": {"role": "branch"},
            "action": "review",
            "max_gap": "45 workdays",
        }
    )
    org = Organisation.model_validate({"id": "o", "actors": [{"id": "b1", "roles": ["branch"]}]})
    start, end = date(last, 7, 1), date(last + 1, 1, 1)
    as_of = datetime(last + 1, 3, 1, tzinfo=ZoneInfo("Asia/Shanghai"))

    dropped = [x.period for log, _ in _drawn_exact(rules, org, start, end, as_of) for x in log.expected]
    assert dropped and all(period.split("/")[1] <= f"{last}-12-31" for period in dropped)


def test_an_approval_aged_past_a_rolled_lookback_is_too_old_for_it() -> None:
    """A fine needs a notification of the same case no older than 2 days, the lookback rolled to
    the next workday: a notification of Thursday serves until Monday ends. The witness's
    approvals are fresh for the rolled lookback, and the approval-age mutation makes one too old
    for it, as the checker counts it. Counted unrolled, a notification moved to Thursday
    evening looked too old for a fine of Sunday or Monday, which the rolled lookback still
    allows."""
    rules = _town_rules(
        "weekends",
        {
            "id": "fine-notified",
            "kind": "prerequisite",
            "clause": "C2",
            "action": "fine",
            "by": {"role": "clerk"},
            "requires": [{"action": "notify"}],
            "link": "subject",
            "lookback": "2 days",
            "roll": "next-workday",
        },
    )
    assert_exact(rules, {"approval-age", "unapproved"}, TOWN, date(2022, 1, 1), date(2023, 1, 1))


def test_a_witness_of_a_rolled_lookback_in_the_calendars_last_year_needs_no_next_year() -> None:
    """A notice needs a receipt of the same case no older than 8 weeks, rolled to the next
    workday, on the CN calendar over its last covered year: the witness's receipts are fresh for
    the lookback counted alone, which needs no roll and so no next year, as the checker asks it;
    the witness and each mutation are exact. Before, drawing a witness rolled every lookback,
    and one ending in the next year raised the calendar's error."""
    last = _last_cn_year()
    rules = _on_cn(
        {
            "id": "notice-in-time",
            "kind": "prerequisite",
            "clause": "X1",
            "action": "extension-notice",
            "requires": [{"action": "received"}],
            "link": "subject",
            "lookback": "8 weeks",
            "roll": "next-workday",
        }
    )
    org = Organisation.model_validate({"id": "o", "actors": [{"id": "office"}]})
    start, end = date(last, 1, 1), date(last + 1, 1, 1)
    as_of = datetime(last, 12, 31, 23, tzinfo=ZoneInfo("Asia/Shanghai"))

    _drawn_exact(rules, org, start, end, as_of)
