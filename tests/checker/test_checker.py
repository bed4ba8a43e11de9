"""The checker: one focused test per finding code and rule option, and the timing traps.

Each test asserts the structured finding first (code, rule, actor, period, evidence) and the
message text second.
"""

from __future__ import annotations

import gc
import itertools
import math
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from functools import partial
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

import pytest

from govrules import InvalidArgument, check, iter_findings
from govrules.errors import CalendarError, OrganisationError, RuleSetError
from govrules.events import Event, Rejected
from govrules.findings import Finding, Report
from govrules.model import Actor, DateRange, Organisation, RuleSet

SH = ZoneInfo("Asia/Shanghai")
ROME = ZoneInfo("Europe/Rome")
_seq = itertools.count()


def ruleset(*rules: dict[str, Any], tz: str = "Asia/Shanghai", **extra: Any) -> RuleSet:
    return RuleSet.model_validate(
        {
            "id": "t",
            "title": {"en": "Test rules", "zh": "测试规则"},
            "timezone": tz,
            "glossary": {"immediately": {"duration": "1 day"}, "promptly": {"duration": "7 days"}},
            "rules": list(rules),
            **extra,
        }
    )


ORG = Organisation.model_validate(
    {
        "id": "org",
        "actors": [
            {"id": "hq", "name": {"en": "Headquarters", "zh": "总部"}, "roles": ["hq"]},
            {"id": "office", "name": {"en": "Office", "zh": "办公室"}, "roles": ["office"]},
            {"id": "vp", "roles": ["vp", "leader"]},
            {"id": "dean", "roles": ["dean", "leader"]},
            {
                "id": "b1",
                "name": {"en": "Branch 1", "zh": "第一支部"},
                "roles": ["branch"],
                "relations": {"schools": ["s1", "s2"]},
            },
            {
                "id": "b2",
                "name": {"en": "Branch 2", "zh": "第二支部"},
                "roles": ["branch"],
                "relations": {"schools": ["s3"]},
            },
            {"id": "s1", "roles": ["school"]},
            {"id": "s2", "roles": ["school"]},
            {"id": "s3", "roles": ["school"]},
        ],
    }
)


def ev(eid: str, when: str, actor: str, action: str, **kw: Any) -> Event:
    attributes = kw.pop("attributes", {})
    time = datetime.fromisoformat(when)
    if time.tzinfo is None:
        time = time.replace(tzinfo=SH)
    return Event(
        id=eid,
        time=time,
        actor=actor,
        action=action,
        attributes=attributes,
        file="log.csv",
        line=next(_seq),
        seq=next(_seq),
        **kw,
    )


def run(
    rules: RuleSet,
    events: Iterable[Event | Rejected],
    *,
    org: Organisation = ORG,
    start: date = date(2024, 1, 1),
    end: date = date(2025, 1, 1),
    as_of: datetime | None = None,
    lang: str = "en",
) -> Report:
    return check(rules, org, list(events), start=start, end=end, as_of=as_of, lang=lang)


def gaps(report: Report, *codes: str) -> list[Finding]:
    return [f for f in report.findings if not codes or f.code.value in codes]


def key(f: Finding) -> tuple[Any, ...]:
    return (f.code.value, f.rule, f.actor, f.period, f.evidence)


MONTHLY = {
    "id": "monthly",
    "kind": "recurring",
    "clause": "D1.4.2",
    "title": {"en": "monthly report", "zh": "月度报告"},
    "who": {"role": "branch"},
    "action": "report",
    "to": "hq",
    "every": "month",
}
TEN_Q = {  # a quarterly filing due 40 days after its quarter
    "id": "10q",
    "kind": "recurring",
    "clause": "10-Q",
    "who": "hq",
    "action": "10-q",
    "every": "quarter",
    "due_after": "40 days",
}


def monthly_log(actor: str = "b1", skip: Iterable[int] = ()) -> list[Event]:
    return [
        ev(f"{actor}-{m}", f"2024-{m:02d}-20T10:00:00+08:00", actor, "report", recipient="hq")
        for m in range(1, 13)
        if m not in set(skip)
    ]


# ---------------------------------------------------------------------------------------------
# one test per finding code


class TestMissing:
    def test_a_month_without_report_is_missing(self) -> None:
        """No event for November gives `missing` for 2024-11 with the due moment at month end."""
        report = run(ruleset(MONTHLY), monthly_log("b1", skip=[11]) + monthly_log("b2"))
        found = gaps(report, "missing")
        assert [(f.rule, f.actor, f.period, f.observed, f.expected_min) for f in found] == [
            ("monthly", "b1", "2024-11", 0, 1)
        ]
        assert found[0].due == datetime(2024, 11, 30, 23, 59, 59, 999999, tzinfo=SH)
        assert found[0].severity == "violation"
        assert (
            "Branch 1 missed monthly report to Headquarters for November 2024 (due 2024-11-30 23:59:59 +08:00)"
            in found[0].message
        )

    def test_chinese_message(self) -> None:
        """--lang zh names the branch and the month the Chinese way."""
        report = run(ruleset(MONTHLY), monthly_log("b1", skip=[11]) + monthly_log("b2"), lang="zh")
        [f] = gaps(report, "missing")
        assert f.period == "2024-11"
        assert "第一支部" in f.message and "2024年11月" in f.message and "月度报告" in f.message

    def test_satisfied_obligations_keep_their_evidence(self) -> None:
        """Met obligations are outcomes with evidence, so a report proves compliance."""
        report = run(ruleset(MONTHLY), monthly_log("b1") + monthly_log("b2"))
        assert gaps(report) == []
        met = [o for o in report.outcomes if o.status == "met"]
        assert len(met) == 24
        assert {o.evidence for o in met if o.actor == "b1" and o.period == "2024-03"} == {("b1-3",)}


class TestInsufficient:
    def test_one_of_two(self) -> None:
        """A yearly minimum of 2 with one event gives `insufficient`, observed 1 of 2."""
        rule = {**MONTHLY, "id": "twice", "every": "year", "min": 2, "to": None}
        rule.pop("to")
        report = run(
            ruleset(rule),
            [
                ev("e1", "2024-05-01T09:00", "b1", "report"),
                ev("e2", "2024-05-01T09:00", "b2", "report"),
                ev("e3", "2024-06-01T09:00", "b2", "report"),
            ],
        )
        [f] = gaps(report)
        assert (f.code.value, f.actor, f.period, f.observed, f.expected_min, f.evidence) == (
            "insufficient",
            "b1",
            "2024",
            1,
            2,
            ("e1",),
        )
        assert "1 of 2" in f.message


class TestLate:
    def test_too_many_reports_and_all_late_are_excess_saying_none_came_on_time(self) -> None:
        """Two reports naming November, both in December, under `max: 1`: one outcome, `excess`,
        whose finding also says how many came by the due moment (none), in `detail.on_time` and
        its message, in English and Chinese; it said nothing of lateness. Too many on time stay
        `excess` with nothing more said."""
        rule = {**MONTHLY, "who": "b1", "max": 1}
        late = [
            ev(f"n{i}", f"2024-12-0{i}T10:00:00+08:00", "b1", "report", recipient="hq", period="2024-11")
            for i in (1, 2)
        ]
        nov = partial(run, start=date(2024, 11, 1), end=date(2024, 12, 1), as_of=datetime(2024, 12, 31, tzinfo=SH))
        [f] = gaps(nov(ruleset(rule), late))
        assert (f.code.value, f.period, f.evidence, f.detail) == ("excess", "2024-11", ("n1", "n2"), {"on_time": 0})
        assert f.message.endswith("at most 1 allowed; none by its due moment (2024-11-30 23:59:59 +08:00)")
        [zh] = gaps(nov(ruleset(rule), late, lang="zh"))
        assert zh.message.endswith(",截止 2024-11-30 23:59:59 +08:00 前无一完成")
        on_time = [e._replace(time=e.time - timedelta(days=5)) for e in late]
        [f] = gaps(nov(ruleset(rule), on_time))
        assert (f.code.value, f.detail) == ("excess", {})
        assert f.message.endswith("at most 1 allowed")

    def test_late_with_period_field(self) -> None:
        """An event naming its period answers it, late by the time past the due moment."""
        log = (
            monthly_log("b1", skip=[11])
            + monthly_log("b2")
            + [ev("late", "2024-12-03T10:00:00+08:00", "b1", "report", recipient="hq", period="2024-11")]
        )
        report = run(ruleset(MONTHLY), log)
        [f] = gaps(report)
        assert (f.code.value, f.actor, f.period, f.evidence) == ("late", "b1", "2024-11", ("late",))
        assert f.late_by_seconds == int(
            (
                datetime(2024, 12, 3, 10, tzinfo=SH) - datetime(2024, 11, 30, 23, 59, 59, 999999, tzinfo=SH)
            ).total_seconds()
        )
        assert "3 days late" in f.message

    def test_a_report_due_hours_after_its_period_is_late_by_hours(self) -> None:
        """Due 12 hours after the month ends (noon on the 1st), made 35 hours after that: "35 hours
        late", as for any deadline in hours, not "1 day" counted on the calendar."""
        rule = {**MONTHLY, "who": "b1", "due_after": "12 hours"}
        log = [ev("nov", "2024-12-02T23:00:00+08:00", "b1", "report", recipient="hq")]
        [f] = gaps(run(ruleset(rule), log), "late")
        assert (f.code.value, f.period, f.late_by_seconds) == ("late", "2024-11", 35 * 3600)
        assert "35 hours late" in f.message

    def test_due_after_in_hours_counts_elapsed_time_from_the_periods_last_instant(self) -> None:
        """``due_after: 12 hours`` of a daily rule in Rome: 30 March 2024 ends at 23:59:59.999999
        +01:00, and the clocks go forward at 02:00 on the 31st, so 12 hours later is 12:59:59.999999
        +02:00 on the 31st, not noon: a report at 12:30 is on time, one at 13:00 late by its
        elapsed time."""
        rule = {**MONTHLY, "who": "b1", "every": "day", "due_after": "12 hours"}
        due = datetime.fromisoformat("2024-03-31T12:59:59.999999+02:00")
        org = _org_without("b2")
        for when, status in (("2024-03-31T12:30:00+02:00", "met"), ("2024-03-31T13:00:00+02:00", "late")):
            log = [ev("r", when, "b1", "report", recipient="hq")]
            report = run(
                ruleset(rule, tz="Europe/Rome"),
                log,
                start=date(2024, 3, 30),
                end=date(2024, 3, 31),
                as_of=datetime(2024, 4, 30, tzinfo=ROME),
                org=org,
            )
            assert [(o.period, o.status, o.due, o.evidence) for o in report.outcomes] == [
                ("2024-03-30", status, due, ("r",))
            ], when
        [f] = gaps(report, "late")
        assert f.late_by_seconds == 1  # the time that passed, rounded up to the second

    def test_days_late_are_local_days_whatever_the_clocks_do(self) -> None:
        """Replies due within 3 days, made at midnight starting the third day after the due day:
        3 days late each, counted on the calendar. By elapsed time rounded up, the first, with
        the clocks going back on 3 November between, was 2 days and 1 hour late (3 days) and the
        second, a week later, 2 days."""
        ny = ZoneInfo("America/New_York")
        rule = {
            "id": "reply",
            "kind": "triggered",
            "clause": "C1",
            "trigger": {"action": "notice"},
            "steps": [{"action": "reply", "within": "3 days"}],
        }

        log = [
            ev("n1", datetime(2024, 10, 29, 12, tzinfo=ny).isoformat(), "b1", "notice"),
            ev("r1", datetime(2024, 11, 4, tzinfo=ny).isoformat(), "b1", "reply", ref="n1"),
            ev("n2", datetime(2024, 11, 5, 12, tzinfo=ny).isoformat(), "b1", "notice"),
            ev("r2", datetime(2024, 11, 11, tzinfo=ny).isoformat(), "b1", "reply", ref="n2"),
        ]
        report = run(ruleset(rule, tz="America/New_York"), log)
        assert [(f.code.value, f.period, f.late_by_seconds) for f in report.findings] == [
            ("late-response", "n1", 2 * 86400 + 3600),
            ("late-response", "n2", 2 * 86400),
        ]
        assert all("3 days late" in f.message for f in report.findings)
        zh = run(ruleset(rule, tz="America/New_York"), log, lang="zh")
        assert all("3 天" in f.message for f in zh.findings)
        # two days after the due day, half an hour into it, with the clocks gone forward between
        # (23 h 30 min later) and a week later (24 h 30 min): 2 days late each; on the day after
        # the due day, the hours
        spring = [
            ev("n3", datetime(2024, 3, 6, 12, tzinfo=ny).isoformat(), "b1", "notice"),
            ev("r3", datetime(2024, 3, 11, 0, 30, tzinfo=ny).isoformat(), "b1", "reply", ref="n3"),
            ev("n4", datetime(2024, 3, 13, 12, tzinfo=ny).isoformat(), "b1", "notice"),
            ev("r4", datetime(2024, 3, 18, 0, 30, tzinfo=ny).isoformat(), "b1", "reply", ref="n4"),
            ev("n5", datetime(2024, 3, 20, 12, tzinfo=ny).isoformat(), "b1", "notice"),
            ev("r5", datetime(2024, 3, 24, 20, 0, tzinfo=ny).isoformat(), "b1", "reply", ref="n5"),
        ]
        report = run(ruleset(rule, tz="America/New_York"), spring)
        assert [(f.period, f.late_by_seconds) for f in report.findings] == [
            ("n3", 23 * 3600 + 1800),
            ("n4", 24 * 3600 + 1800),
            ("n5", 20 * 3600),
        ]
        assert [f.message.split(" late ")[0].rsplit(" ", 2)[-2:] for f in report.findings] == [
            ["2", "days"],
            ["2", "days"],
            ["20", "hours"],
        ]

    def test_lateness_against_a_deadline_in_workdays_is_said_in_workdays_too(self) -> None:
        """A deadline counted in workdays (a step's ``within``, a ``due_after``, a rolling
        ``max_gap``) is missed by workdays: the finding's ``detail.late_workdays`` counts the
        workdays after the due day up to the first workday on or after the day it was done, and
        the message gives them before the calendar days ("3 workdays (5 days) late"), in Chinese
        too. A deadline in calendar days keeps its days alone."""
        reply = {
            "id": "reply",
            "kind": "triggered",
            "clause": "C1",
            "title": {"en": "reply", "zh": "答复"},
            "trigger": {"action": "notice"},
            "steps": [{"action": "reply", "within": "3 workdays"}],
        }
        monthly = {**MONTHLY, "who": "b1", "due_after": "5 workdays"}
        rolling = {"id": "rev", "kind": "recurring", "clause": "c", "who": "b2", "action": "review"}
        rolling["max_gap"] = "10 workdays"
        log = [
            # Monday 4 March: due Thursday the 7th; done Tuesday the 12th (Fri 8, Mon 11, Tue 12)
            ev("n1", "2024-03-04T09:00:00+08:00", "b1", "notice"),
            ev("r1", "2024-03-12T10:00:00+08:00", "b1", "reply", ref="n1"),
            # Monday 18 March: due Thursday the 21st; done Saturday the 23rd (Fri 22, then Mon 25)
            ev("n2", "2024-03-18T09:00:00+08:00", "b1", "notice"),
            ev("r2", "2024-03-23T10:00:00+08:00", "b1", "reply", ref="n2"),
            # November's report: due 5 workdays after Saturday 30 November, Friday 6 December
            ev("nov", "2024-12-10T10:00:00+08:00", "b1", "report", recipient="hq", period="2024-11"),
            # reviews: 10 workdays after Monday 8 January end on Monday the 22nd; the next on the 29th
            ev("v1", "2024-01-08T10:00:00+08:00", "b2", "review"),
            ev("v2", "2024-01-29T10:00:00+08:00", "b2", "review"),
            ev("v3", "2024-02-05T10:00:00+08:00", "b2", "review"),
        ]
        rules = ruleset(reply, monthly, rolling, calendar="weekends")
        as_of = datetime(2024, 12, 31, 23, tzinfo=SH)
        report = run(rules, log, as_of=as_of)
        late = gaps(report, "late", "late-response")
        assert [(f.code.value, f.rule, f.period, f.evidence[-1], f.detail.get("late_workdays")) for f in late] == [
            ("late", "monthly", "2024-11", "nov", 2),
            ("late-response", "reply", "n1", "r1", 3),
            ("late-response", "reply", "n2", "r2", 2),
            ("late", "rev", "2024-01-08/2024-01-22", "v2", 5),
        ]
        assert [f.late_by_seconds is not None and f.late_by_seconds > 0 for f in late] == [True] * 4
        assert "for November 2024 2 workdays (4 days) late (due 2024-12-06 23:59:59 +08:00" in late[0].message
        assert "3 workdays (5 days) late (due 2024-03-07 23:59:59 +08:00" in late[1].message
        assert "2 workdays (2 days) late" in late[2].message
        assert "5 workdays (7 days) late" in late[3].message
        zh = run(rules, log, as_of=as_of, lang="zh")
        assert [f.detail.get("late_workdays") for f in gaps(zh, "late", "late-response")] == [2, 3, 2, 5]
        assert "逾期 3 个工作日(即 5 天)" in gaps(zh, "late-response")[0].message
        in_days = ruleset({**reply, "steps": [{"action": "reply", "within": "3 days"}]}, calendar="weekends")
        [f, _] = gaps(run(in_days, log[:4], as_of=as_of), "late-response")
        assert (f.period, "late_workdays" in f.detail) == ("n1", False)
        assert "5 days late" in f.message and "workday" not in f.message

    def test_lateness_after_an_extension_is_counted_as_the_extension_counts(self) -> None:
        """A deadline a notice extended was last counted by the extension's ``extends_by``: a
        reply due 3 days after Monday 4 March, extended by 2 workdays (Thursday the 7th, then
        Monday the 11th), and made on Wednesday the 13th, is 2 workdays late; due 3 workdays
        after it and extended by 2 days, it is 2 days late, and no workdays are said. A monthly
        report due 5 days after the month and extended by 2 workdays alike."""
        extension = {"action": "extend", "within": "0 days"}

        def reply(within: str, extends_by: str) -> dict[str, Any]:
            step = {"action": "reply", "within": within, "extension": {**extension, "extends_by": extends_by}}
            return {
                "id": "reply",
                "kind": "triggered",
                "clause": "C1",
                "trigger": {"action": "notice"},
                "steps": [step],
            }

        log = [
            ev("n1", "2024-03-04T09:00:00+08:00", "b1", "notice"),
            ev("x1", "2024-03-05T09:00:00+08:00", "b1", "extend", ref="n1"),
            ev("r1", "2024-03-13T10:00:00+08:00", "b1", "reply", ref="n1"),
        ]
        as_of = datetime(2024, 12, 31, 23, tzinfo=SH)
        late = [
            gaps(run(ruleset(reply(within, by), calendar="weekends"), log, as_of=as_of), "late-response")
            for within, by in (("3 days", "2 workdays"), ("3 workdays", "2 days"))
        ]
        assert [(f.due, f.evidence, f.detail.get("late_workdays")) for [f] in late] == [
            (datetime(2024, 3, 11, 23, 59, 59, 999999, tzinfo=SH), ("n1", "r1", "x1"), 2),
            (datetime(2024, 3, 9, 23, 59, 59, 999999, tzinfo=SH), ("n1", "r1", "x1"), None),
        ]
        assert "2 workdays (2 days) late" in late[0][0].message
        monthly = {
            **MONTHLY,
            "who": "b1",
            "due_after": "5 days",
            "extension": {**extension, "extends_by": "2 workdays"},
        }
        reports = [
            ev("x2", "2024-12-02T10:00:00+08:00", "b1", "extend"),
            ev("nov", "2024-12-10T10:00:00+08:00", "b1", "report", recipient="hq", period="2024-11"),
        ]
        late_report = run(ruleset(monthly, calendar="weekends"), reports, as_of=as_of)
        # due Thursday 5 December, extended to Monday the 9th; made Tuesday the 10th
        assert [
            (f.period, f.due, f.detail.get("extension"), f.detail.get("late_workdays"))
            for f in gaps(late_report, "late")
        ] == [("2024-11", datetime(2024, 12, 9, 23, 59, 59, 999999, tzinfo=SH), "x2", 1)]

    @pytest.mark.parametrize(
        ("every", "written", "period"),
        [("quarter", "2024-q3", "2024-Q3"), ("year", "2024-01/P1Y", "2024"), ("week", "2024-11-25/P1W", "2024-W48")],
    )
    def test_period_field_in_another_spelling_names_the_same_period(
        self, every: str, written: str, period: str
    ) -> None:
        """A log's period label is read as a period, not compared as text: ``2024-q3`` is ``2024-Q3``."""
        rules = ruleset({**MONTHLY, "every": every})
        log = [ev("late", "2025-02-03T10:00:00+08:00", "b1", "report", recipient="hq", period=written)]
        report = run(rules, log, as_of=datetime(2025, 3, 1, tzinfo=SH))
        [outcome] = [o for o in report.outcomes if o.actor == "b1" and o.evidence]
        assert (outcome.period, outcome.status, outcome.evidence) == (period, "late", ("late",))

    def test_an_event_naming_a_calendar_period_by_its_name_is_told_its_id(self) -> None:
        """A report naming the autumn term by its name (in any of its languages) names no period,
        as a log names a calendar's period by its id: it is rejected, its reason giving the id to
        write. A name two periods share is said as any other text that names no period."""
        terms = [
            {
                "id": "autumn",
                "start": "2024-09-01",
                "end": "2025-01-31",
                "name": {"en": "Autumn term", "zh": "秋季学期"},
            },
            {"id": "spring", "start": "2024-02-01", "end": "2024-06-30", "name": "Term"},
            {"id": "summer", "start": "2024-07-01", "end": "2024-08-31", "name": "Term"},
        ]
        org = Organisation.model_validate({**ORG.model_dump(by_alias=True), "calendars": {"terms": terms}})
        log = [
            ev("n1", "2024-10-05T10:00:00+08:00", "b1", "report", recipient="hq", period="秋季学期"),
            ev("n2", "2024-10-06T10:00:00+08:00", "b1", "report", recipient="hq", period="Autumn term"),
            ev("n3", "2024-10-07T10:00:00+08:00", "b1", "report", recipient="hq", period="Term"),
        ]
        report = run(ruleset(MONTHLY), log, org=org, start=date(2024, 10, 1), end=date(2024, 11, 1))
        assert [(f.evidence, f.detail["reason"]) for f in gaps(report, "rejected-event")] == [
            (
                (e.id,),
                f"names the period {e.period!r}, the name of period 'autumn' of the calendar 'terms': a log names a "
                "period of a calendar by its id, so write 'autumn'; as written it answers no period",
            )
            for e in log[:2]
        ] + [
            (
                ("n3",),
                "names the period 'Term', which is no period label (such as 2024-01, 2024-Q1, 2024-H1, 2024-W05 or "
                "2024) and no period of the organisation's calendars: it answers no period",
            )
        ]
        [zh] = gaps(
            run(ruleset(MONTHLY), log[:1], org=org, start=date(2024, 10, 1), end=date(2024, 11, 1), lang="zh"),
            "rejected-event",
        )
        assert "请写作 'autumn'" in zh.message

    def test_an_event_naming_a_period_nothing_holds_is_rejected_unless_cited(self) -> None:
        """A report naming ``01/2024`` or ``2024-13`` names no period: no label reads so, and no
        calendar of the organisation holds such an id. Unused, it would leave the months it was
        meant for missing without a word; it is rejected, its reason naming the period as
        written. One naming a label of another length (``2024-Q1``) or a calendar's period is
        unused, as before, and one a rule cites (a content rule's event) is used."""
        org = Organisation.model_validate(
            {
                **ORG.model_dump(by_alias=True),
                "calendars": {"terms": [{"id": "autumn", "start": "2024-09-01", "end": "2025-01-31"}]},
            }
        )
        log = [
            ev("p1", "2024-02-05T10:00:00+08:00", "b1", "report", recipient="hq", period="01/2024"),
            ev("p2", "2024-03-05T10:00:00+08:00", "b1", "report", recipient="hq", period="2024-13"),
            ev("p3", "2024-03-06T10:00:00+08:00", "b1", "report", recipient="hq", period="2024-Q1"),
            ev("p4", "2024-03-07T10:00:00+08:00", "b1", "report", recipient="hq", period="autumn"),
            ev("p5", "2024-03-08T10:00:00+08:00", "b2", "report", recipient="hq", period="March"),
        ]
        within = partial(
            run, org=org, start=date(2024, 1, 1), end=date(2024, 4, 1), as_of=datetime(2024, 6, 1, tzinfo=SH)
        )
        report = within(ruleset(MONTHLY), log)
        rejected = gaps(report, "rejected-event")
        assert [(f.evidence, f.file, f.line, f.detail["reason"]) for f in rejected] == [
            (
                (e.id,),
                "log.csv",
                e.line,
                f"names the period {e.period!r}, which is no period label (such as 2024-01, 2024-Q1, 2024-H1, "
                "2024-W05 or 2024) and no period of the organisation's calendars: it answers no period",
            )
            for e in (log[0], log[1], log[4])
        ]
        assert {o.status for o in report.outcomes if o.actor in ("b1", "b2")} == {"missing"}
        assert rejected[0].message.startswith(f"record log.csv:{log[0].line} could not be read: names the period")
        numbered = check(
            ruleset(MONTHLY), org, log, start=date(2024, 1, 1), end=date(2024, 4, 1), record_numbered={"log.csv"}
        )
        said = [f.message for f in gaps(numbered, "rejected-event")]
        assert [m.partition(" could not")[0] for m in said] == [
            f"record {e.line} of log.csv" for e in (log[0], log[1], log[4])
        ]
        records = report.records
        assert (records.read, records.used, records.unused, records.rejected) == (5, 0, 2, 3)
        content = {
            "id": "titled",
            "kind": "content",
            "clause": "C",
            "action": "report",
            "schema": {"required": ["title"]},
        }
        report = within(ruleset(MONTHLY, content), log)
        assert gaps(report, "rejected-event") == []
        assert (report.records.used, report.records.rejected) == (5, 0)
        # the lazy iterator yields them too, and an unknown actor's such event is left to its
        # unknown-actor warning, which cites it
        lazy = iter_findings(ruleset(MONTHLY), org, log, start=date(2024, 1, 1), end=date(2024, 4, 1))
        assert sorted(f.evidence for f in lazy if f.code.value == "rejected-event") == [("p1",), ("p2",), ("p5",)]
        ghost = ev("g1", "2024-02-05T10:00:00+08:00", "ghost", "report", recipient="hq", period="01/2024")
        report = within(ruleset(MONTHLY), [ghost])
        assert [(f.code.value, f.evidence) for f in report.findings if f.rule is None] == [("unknown-actor", ("g1",))]

    def test_late_without_period_field_pays_the_oldest_debt(self) -> None:
        """Without a period field, a surplus event after a due moment pays the oldest unmet obligation.

        December keeps its latest event; the earlier one is November's late report.
        """
        log = [e for e in monthly_log("b1") if e.id not in ("b1-11", "b1-12")] + monthly_log("b2")
        log.append(ev("dec3", "2024-12-03T10:00:00+08:00", "b1", "report", recipient="hq"))
        log.append(ev("dec20", "2024-12-20T10:00:00+08:00", "b1", "report", recipient="hq"))
        report = run(ruleset(MONTHLY), log)
        assert [key(f) for f in gaps(report)] == [("late", "monthly", "b1", "2024-11", ("dec3",))]
        assert [(o.period, o.status, o.evidence) for o in report.outcomes if o.actor == "b1"][-2:] == [
            ("2024-11", "late", ("dec3",)),
            ("2024-12", "met", ("dec20",)),
        ]

    def test_a_later_period_keeps_the_event_its_window_needs(self) -> None:
        """December's report in its window (the first ten days) stays December's; its other one,
        later but outside the window, is the surplus that pays November's debt. Before, December
        gave away its earliest event and was left `outside-window`."""
        rule = {**MONTHLY, "window": {"first": "10 days"}}
        log = [
            ev("dec3", "2024-12-03T10:00:00+08:00", "b1", "report", recipient="hq"),
            ev("dec20", "2024-12-20T10:00:00+08:00", "b1", "report", recipient="hq"),
            ev("b2-11", "2024-11-05T10:00:00+08:00", "b2", "report", recipient="hq"),
            ev("b2-12", "2024-12-05T10:00:00+08:00", "b2", "report", recipient="hq"),
        ]
        report = run(ruleset(rule), log, start=date(2024, 11, 1))
        assert [key(f) for f in gaps(report)] == [("late", "monthly", "b1", "2024-11", ("dec20",))]
        assert [(o.period, o.status, o.evidence) for o in report.outcomes if o.actor == "b1"] == [
            ("2024-11", "late", ("dec20",)),
            ("2024-12", "met", ("dec3",)),
        ]

    def test_a_late_report_naming_a_period_does_not_give_its_on_time_report_away(self) -> None:
        """April's on-time report, and a second one on 7 May naming April (late): April keeps its
        on-time report and is met, and March's debt takes neither (the named one names April).
        Before, the named report was counted as April's, so the on-time one was a surplus that
        paid March late, and April became late: adding an event turned a met period late."""
        apr = ev("apr", "2024-04-13T10:00", "b1", "report", recipient="hq")
        again = ev("again", "2024-05-07T10:00", "b1", "report", recipient="hq", period="2024-04")
        org = _org_without("b2")
        for log in ([apr], [apr, again]):
            as_of = datetime(2024, 6, 30, tzinfo=SH)
            report = run(ruleset(MONTHLY), log, start=date(2024, 3, 1), end=date(2024, 5, 1), as_of=as_of, org=org)
            assert [(o.period, o.status, o.evidence[:1]) for o in report.outcomes] == [
                ("2024-03", "missing", ()),
                ("2024-04", "met", ("apr",)),
            ], log

    def test_an_early_report_naming_a_period_frees_the_one_in_its_span_for_an_older_debt(self) -> None:
        """March is missed; a report of 28 March names April, and one of 10 April names none: April
        is met by the one naming it (early, but on time), so the other pays March late. A review
        found a first version of the rule above counting only named reports inside the period,
        which left March missing."""
        named = ev("A", "2024-03-28T10:00", "b1", "report", recipient="hq", period="2024-04")
        plain = ev("B", "2024-04-10T10:00", "b1", "report", recipient="hq")
        as_of = datetime(2024, 6, 30, tzinfo=SH)
        report = run(ruleset(MONTHLY), [named, plain], start=date(2024, 3, 1), end=date(2024, 5, 1), as_of=as_of)
        assert [(o.period, o.status, o.evidence) for o in report.outcomes if o.actor == "b1"] == [
            ("2024-03", "late", ("B",)),
            ("2024-04", "met", ("A",)),
        ]

    def test_a_late_report_naming_a_period_does_not_push_its_on_time_report_to_the_next(self) -> None:
        """Due 40 days after the month, March's on-time span (1 April to 10 May) and April's (1 May
        to 9 June) overlap; a report of 2 May answers March. A late report naming March (28 June)
        does not count toward March's need, so the one of 2 May stays March's and March stays
        met. Before, adding it sent the 2 May report to April and made March late."""
        rule = {**MONTHLY, "due_after": "40 days"}
        plain = ev("e0", "2024-05-02T10:00", "b1", "report", recipient="hq")
        named = ev("e1", "2024-06-28T00:00", "b1", "report", recipient="hq", period="2024-03")
        as_of = datetime(2024, 12, 1, tzinfo=SH)
        for log in ([plain], [plain, named]):
            report = run(ruleset(rule), log, start=date(2024, 3, 1), end=date(2024, 5, 1), as_of=as_of)
            assert [(o.period, o.status, o.evidence[:1]) for o in report.outcomes if o.actor == "b1"] == [
                ("2024-03", "met", ("e0",)),
                ("2024-04", "missing", ()),
            ], log

    def test_a_misdirected_report_does_not_push_an_on_time_one_to_the_next_period(self) -> None:
        """Due 40 days after the month, January's and February's on-time spans overlap. January
        holds a report to hq of 5 March and a late one naming it; adding a report of 2 March sent
        to the office leaves January met: the misdirected report meets none of its need, so the
        one of 5 March stays January's. A review found it pushed that one to February, and January
        late."""
        rule = {**MONTHLY, "due_after": "40 days"}
        late = ev("late", "2024-04-20T10:00", "b1", "report", recipient="hq", period="2024-01")
        ok = ev("ok", "2024-03-05T10:00", "b1", "report", recipient="hq")
        astray = ev("mis", "2024-03-02T10:00", "b1", "report", recipient="office")
        as_of = datetime(2024, 12, 31, tzinfo=SH)
        for log in ([late, ok], [late, ok, astray]):
            report = run(ruleset(rule), log, start=date(2024, 1, 1), end=date(2024, 3, 1), as_of=as_of)
            assert [(o.period, o.status, o.evidence[:1]) for o in report.outcomes if o.actor == "b1"] == [
                ("2024-01", "met", ("ok",)),
                ("2024-02", "missing", ()),
            ], log

    def test_a_debt_is_paid_by_a_report_sent_where_the_rule_asks_before_a_misdirected_one(self) -> None:
        """February's report is missed; on 5 March one goes to the office, on 6 March one to hq:
        the one to hq pays the debt (late), the misdirected one is unused; with no other, a
        misdirected report takes the debt (wrong-recipient). Before, the misdirected one, being
        earlier, took it, and adding it turned a late February into a wrong recipient."""
        wrong = ev("wrong", "2024-03-05T10:00", "b1", "report", recipient="office")
        right = ev("right", "2024-03-06T10:00", "b1", "report", recipient="hq")
        org = _org_without("b2")
        for log, status, used in (
            ([right], "late", ("right",)),
            ([wrong, right], "late", ("right",)),
            ([wrong], "wrong-recipient", ("wrong",)),
        ):
            as_of = datetime(2024, 6, 1, tzinfo=SH)
            report = run(ruleset(MONTHLY), log, start=date(2024, 2, 1), end=date(2024, 3, 1), as_of=as_of, org=org)
            assert [(o.period, o.status, o.evidence) for o in report.outcomes] == [("2024-02", status, used)], log

    def test_a_single_event_answers_its_own_period_first(self) -> None:
        """One event in December with no period field is December's report; November stays missing."""
        log = [e for e in monthly_log("b1") if e.id not in ("b1-11", "b1-12")] + monthly_log("b2")
        log.append(ev("dec3", "2024-12-03T10:00:00+08:00", "b1", "report", recipient="hq"))
        report = run(ruleset(MONTHLY), log)
        assert [key(f) for f in gaps(report)] == [("missing", "monthly", "b1", "2024-11", ())]

    def test_late_acceptance_limit(self) -> None:
        """After the next period's due moment an event no longer answers an old obligation."""
        log = [e for e in monthly_log("b1") if e.id not in ("b1-10", "b1-11")] + monthly_log("b2")
        log.append(ev("dec2", "2024-12-02T10:00:00+08:00", "b1", "report", recipient="hq"))
        report = run(ruleset(MONTHLY), log)
        # October's acceptance ended with November's due moment; the surplus December event pays November.
        assert [key(f) for f in gaps(report)] == [
            ("missing", "monthly", "b1", "2024-10", ()),
            ("late", "monthly", "b1", "2024-11", ("dec2",)),
        ]

    def test_a_calendar_period_is_said_by_its_name_and_keyed_by_its_id(self) -> None:
        """A term named in the organisation's calendar is said by its name in the report's language
        (falling back as actors' names do), its id kept as the period of the finding; a term with no
        name is said by its id."""
        terms: list[dict[str, Any]] = [
            {
                "id": "2024-2025-1",
                "start": "2024-09-01",
                "end": "2025-01-17",
                "name": {"en": "Autumn 2024", "zh": "2024—2025学年第一学期"},
            },
            {"id": "2025-2", "start": "2025-02-17", "end": "2025-06-30"},
        ]
        org = Organisation.model_validate({**ORG.model_dump(by_alias=True), "calendars": {"terms": terms}})
        rule = {**MONTHLY, "who": "b1", "every": {"calendar": "terms"}}
        within = partial(
            run, org=org, start=date(2024, 9, 1), end=date(2025, 7, 1), as_of=datetime(2025, 8, 1, tzinfo=SH)
        )
        en, zh = within(ruleset(rule), []), within(ruleset(rule), [], lang="zh")
        assert [(f.code.value, f.period) for f in gaps(en)] == [("missing", "2024-2025-1"), ("missing", "2025-2")]
        assert [f.message.split(" (due")[0] for f in gaps(en)] == [
            "Branch 1 missed monthly report to Headquarters for Autumn 2024",
            "Branch 1 missed monthly report to Headquarters for 2025-2",
        ]
        assert "2024—2025学年第一学期" in gaps(zh)[0].message and "2024-2025-1" not in gaps(zh)[0].message
        # a name two periods share is said with each one's id
        twins = [{**t, "name": "Term"} for t in terms]
        org = Organisation.model_validate({**ORG.model_dump(by_alias=True), "calendars": {"terms": twins}})
        shared = within(ruleset(rule), [], org=org)
        assert [f.message.split(" (due")[0].rsplit(" for ", 1)[1] for f in gaps(shared)] == [
            "Term (2024-2025-1)",
            "Term (2025-2)",
        ]

    def test_the_last_period_of_a_calendar_accepts_a_late_event_however_late(self) -> None:
        """The default limit is the next period's due moment; the last term a calendar lists has
        none, so a report naming no period after its due moment is `late` for it, as a month's
        would be, not `missing` with the report unused. Listing the next term bounds it again."""
        from govrules import obligations
        from govrules.obligations import NO_LIMIT

        rule = {**MONTHLY, "every": {"calendar": "terms"}}
        spring = {"id": "spring", "start": "2024-02-01", "end": "2024-06-30"}
        autumn = {"id": "autumn", "start": "2024-09-01", "end": "2025-01-31"}
        org = Organisation.model_validate({**ORG.model_dump(by_alias=True), "calendars": {"terms": [spring]}})
        log = [ev("r", "2024-07-03T10:00", "b1", "report", recipient="hq")]
        report = run(ruleset(rule), log, org=org, as_of=datetime(2024, 8, 1, tzinfo=SH))
        assert [(o.actor, o.status, o.evidence) for o in report.outcomes] == [
            ("b1", "late", ("r",)),
            ("b2", "missing", ()),
        ]
        assert report.records.unused == 0
        [owed] = [
            o for o in obligations(ruleset(rule), org, start=date(2024, 1, 1), end=date(2025, 1, 1)) if o.actor == "b1"
        ]
        assert owed.closes == NO_LIMIT
        both = Organisation.model_validate({**ORG.model_dump(by_alias=True), "calendars": {"terms": [spring, autumn]}})
        late = [ev("r", "2025-02-03T10:00", "b1", "report", recipient="hq")]  # after autumn's due moment
        report = run(ruleset(rule), late, org=both, end=date(2025, 2, 1), as_of=datetime(2025, 3, 1, tzinfo=SH))
        assert [(o.period, o.status, o.evidence) for o in report.outcomes if o.actor == "b1"] == [
            ("spring", "missing", ()),
            ("autumn", "late", ("r",)),
        ]

    def test_accept_late_bounds_an_event_naming_its_period(self) -> None:
        """A rule's own limit (``accept_late: 3 days``) binds an event that names its period: March's
        report filed on 4 April answers nothing, and March is missing. Under the default limit the
        same kind of event is its period's report however late: an October report naming October,
        sent in December, is October's, late."""
        march = ev("mar", "2024-04-04T10:00:00+08:00", "b1", "report", recipient="hq", period="2024-03")
        report = run(
            ruleset({**MONTHLY, "accept_late": "3 days"}),
            [march],
            end=date(2024, 4, 1),
            as_of=datetime(2024, 5, 1, tzinfo=SH),
        )
        assert [(o.actor, o.period, o.status, o.evidence) for o in report.outcomes if o.actor == "b1"][-1] == (
            "b1",
            "2024-03",
            "missing",
            (),
        )
        assert report.records.unused == 1
        october = ev("oct", "2024-12-02T10:00:00+08:00", "b1", "report", recipient="hq", period="2024-10")
        report = run(ruleset(MONTHLY), [october])
        assert [(f.code.value, f.period, f.evidence) for f in gaps(report) if f.actor == "b1" and f.evidence] == [
            ("late", "2024-10", ("oct",))
        ]

    def test_the_default_limit_is_the_next_periods_prescribed_due_moment_though_it_is_extended(self) -> None:
        """January is missed; a notice of 28 February moves February's due moment to 10 March,
        and reports of 5 and 6 March, naming no period, are February's. January's default limit
        stays February's prescribed due moment (29 February), not the extended one: neither
        report pays January's debt, and January stays missing."""
        rule = {**MONTHLY, "who": "b1", "extension": {"action": "ext", "within": "5 days", "extends_by": "10 days"}}
        log = [
            ev("x1", "2024-02-28T10:00", "b1", "ext", period="2024-02"),
            ev("e1", "2024-03-05T10:00", "b1", "report", recipient="hq"),
            ev("e2", "2024-03-06T10:00", "b1", "report", recipient="hq"),
        ]
        report = run(ruleset(rule), log, end=date(2024, 3, 1), as_of=datetime(2024, 4, 30, tzinfo=SH))
        assert [(o.period, o.status, o.due, o.evidence) for o in report.outcomes] == [
            ("2024-01", "missing", datetime(2024, 1, 31, 23, 59, 59, 999999, tzinfo=SH), ()),
            ("2024-02", "met", datetime(2024, 3, 10, 23, 59, 59, 999999, tzinfo=SH), ("e1", "e2", "x1")),
        ]

    def test_the_default_limit_before_an_exempt_period_is_that_periods_would_be_due_moment(self) -> None:
        """A 10-Q due 40 days after the quarter, Q4 exempt (by the rule's ``exempt_periods``, or by
        the organisation's exemption): Q3's default limit is the moment Q4 would be due
        (9 February 2025), not Q1's due moment (10 May). A filing of 1 February, naming no period,
        pays Q3's debt; one of 1 March does not."""
        rule = TEN_Q
        data = _org_without("b2").model_dump(by_alias=True)
        data["exemptions"] = [{"rule": "10q", "actor": "hq", "periods": ["2024-Q4"], "reason": "no Q4 10-Q"}]
        by_org = Organisation.model_validate(data)
        for rules, org in ((ruleset({**rule, "exempt_periods": ["Q4"]}), _org_without("b2")), (ruleset(rule), by_org)):
            for when, status, evidence in (("2025-02-01T10:00", "late", ("r",)), ("2025-03-01T10:00", "missing", ())):
                log = [ev("r", when, "hq", "10-q")]
                report = run(
                    rules,
                    log,
                    start=date(2024, 7, 1),
                    end=date(2025, 1, 1),
                    as_of=datetime(2025, 6, 1, tzinfo=SH),
                    org=org,
                )
                [q3] = [o for o in report.outcomes if o.period == "2024-Q3"]
                assert (q3.status, q3.due, q3.evidence) == (
                    status,
                    datetime(2024, 11, 9, 23, 59, 59, 999999, tzinfo=SH),
                    evidence,
                ), (org.exemptions, when)


class TestOutsideWindow:
    RULE: ClassVar[dict[str, Any]] = {
        "id": "analysis",
        "kind": "recurring",
        "clause": "D1.5.2",
        "who": "office",
        "action": "analysis",
        "every": "half-year",
        "window": {"month": "last", "days": "11-20"},
    }

    def test_strict_window_is_a_violation(self) -> None:
        """A strict window missed gives `outside-window` as a violation."""
        log = [ev("a1", "2024-06-05T10:00", "office", "analysis"), ev("a2", "2024-12-15T10:00", "office", "analysis")]
        report = run(ruleset(self.RULE), log)
        [f] = gaps(report)
        assert (f.code.value, f.severity, f.period, f.evidence) == ("outside-window", "violation", "2024-H1", ("a1",))
        assert f.detail["strictness"] == "strict"
        assert f.detail["window_opens"] == "2024-06-11T00:00:00+08:00"

    def test_in_principle_window_is_a_warning(self) -> None:
        """原则上: an event outside an in-principle window still counts, with a warning."""
        rule = {**self.RULE, "window": {"month": "last", "days": "11-20", "strictness": "in-principle"}}
        log = [ev("a1", "2024-06-05T10:00", "office", "analysis"), ev("a2", "2024-12-15T10:00", "office", "analysis")]
        report = run(ruleset(rule), log)
        [f] = gaps(report)
        assert (f.code.value, f.severity, f.period) == ("outside-window", "warning", "2024-H1")
        assert report.exit_code() == 0 and report.exit_code("warning") == 1

    def test_a_window_in_glossary_terms_reads_as_their_readings(self) -> None:
        """中旬 and 原则上 as glossary terms: the same outcomes and findings as the window written
        out, for events before, inside and after the window."""
        glossary = {
            "mid-month": {"days": "11-20", "words": "中旬"},
            "soft": {"strictness": "in-principle", "words": "原则上"},
        }
        written = {**self.RULE, "window": {"month": "last", "days": "11-20", "strictness": "in-principle"}}
        named = {**self.RULE, "window": {"month": "last", "days": "mid-month", "strictness": "soft"}}
        log = [
            ev("a1", "2024-06-05T10:00", "office", "analysis"),
            ev("a2", "2024-12-15T10:00", "office", "analysis"),
        ]
        expected = run(ruleset(written), log)
        report = run(ruleset(named, glossary=glossary), log)
        assert [(f.code.value, f.severity, f.period, f.detail) for f in gaps(report)] == [
            (
                "outside-window",
                "warning",
                "2024-H1",
                {
                    "window_opens": "2024-06-11T00:00:00+08:00",
                    "window_closes": "2024-06-20T23:59:59.999999+08:00",
                    "strictness": "in-principle",
                },
            )
        ]
        assert (report.findings, report.outcomes) == (expected.findings, expected.outcomes)
        firm = {**named, "window": {**named["window"], "strictness": "firm"}}
        strict = run(ruleset(firm, glossary={**glossary, "firm": {"strictness": "strict"}}), log)
        assert [(f.code.value, f.severity, f.detail["strictness"]) for f in gaps(strict)] == [
            ("outside-window", "violation", "strict")
        ]

    def test_a_glossary_term_named_like_a_reading_is_read_through_the_glossary(self) -> None:
        """原则上 written as the glossary entry ``in-principle: {strictness: ...}`` that rules name:
        changing that entry to ``strict`` makes every window naming it strict (before, the name
        was taken for the built-in reading and the entry changed nothing); an entry of another
        kind under that name is refused where a window names it."""
        rule = {**self.RULE, "window": {"month": "last", "days": "11-20", "strictness": "in-principle"}}
        log = [ev("a1", "2024-06-05T10:00", "office", "analysis"), ev("a2", "2024-12-15T10:00", "office", "analysis")]
        for reading, severity in (("in-principle", "warning"), ("strict", "violation")):
            report = run(ruleset(rule, glossary={"in-principle": {"strictness": reading, "words": "原则上"}}), log)
            assert [(f.code.value, f.severity, f.period, f.detail["strictness"]) for f in gaps(report)] == [
                ("outside-window", severity, "2024-H1", reading)
            ]
        with pytest.raises(RuleSetError) as raised:
            run(ruleset(rule, glossary={"in-principle": {"duration": "7 days"}}), log)
        assert [(p.code, p.pointer) for p in raised.value.problems] == [("unknown-term", "/rules/0/window/strictness")]

    def test_window_last_local_hour_given_in_utc(self) -> None:
        """An event at 23:30 local on the window's last day, written in UTC, is inside the window."""
        log = [
            ev("a1", "2024-06-20T15:30:00+00:00", "office", "analysis"),
            ev("a2", "2024-12-15T10:00", "office", "analysis"),
        ]
        report = run(ruleset(self.RULE), log)
        assert gaps(report) == []

    def test_a_window_still_ahead_as_of_the_audit_moment_is_pending(self) -> None:
        """Done in June's first days, audited before June's window (11th to 20th) has closed: not
        yet due, as a count still short would be, not an `outside-window` violation that an
        event in the window could later turn into met. Once the window has closed, it is final."""
        log = [ev("a1", "2024-06-05T10:00", "office", "analysis")]
        h1 = ("2024-H1", ("a1",))
        for as_of, status in [
            ("2024-06-08T10:00", "pending"),  # the window is ahead
            ("2024-06-15T10:00", "pending"),  # the window is open
            ("2024-06-20T23:59:59.999998", "pending"),
            ("2024-06-20T23:59:59.999999", "outside-window"),  # its last instant, as at a due moment
            ("2024-06-21T00:00", "outside-window"),  # closed: nothing can now come in it
            ("2024-06-30T10:00", "outside-window"),
        ]:
            report = run(ruleset(self.RULE), log, end=date(2024, 7, 1), as_of=datetime.fromisoformat(as_of + "+08:00"))
            [o] = report.outcomes
            assert (o.status, o.period, o.evidence) == (status, *h1), as_of
            [f] = gaps(report)
            assert (f.code.value, f.period, f.evidence) == (status, *h1), as_of
        log.append(ev("a2", "2024-06-15T10:00", "office", "analysis"))
        report = run(ruleset(self.RULE), log, end=date(2024, 7, 1))
        assert ([o.status for o in report.outcomes], gaps(report)) == (["met"], [])

    def test_december_window_of_a_year(self) -> None:
        """A yearly rule with `month: 12` expects the event in December."""
        rule = {**self.RULE, "id": "supervision", "every": "year", "window": {"month": 12}}
        report = run(ruleset(rule), [ev("s", "2024-11-30T10:00", "office", "analysis")])
        [f] = gaps(report)
        assert (f.code.value, f.period) == ("outside-window", "2024")


class TestExcess:
    def test_more_than_the_maximum(self) -> None:
        """D3.6 (1–2 briefings a year): a third one gives `excess` with all three as evidence."""
        rule = {
            "id": "brief",
            "kind": "recurring",
            "clause": "D3.6",
            "who": "office",
            "action": "briefing",
            "every": "year",
            "max": 2,
        }
        log = [ev(f"x{i}", f"2024-0{i}-10T10:00", "office", "briefing") for i in (1, 2, 3)]
        report = run(ruleset(rule), log)
        [f] = gaps(report)
        assert (f.code.value, f.period, f.observed, f.expected_max, f.evidence) == (
            "excess",
            "2024",
            3,
            2,
            ("x1", "x2", "x3"),
        )


class TestWrongRecipient:
    def test_sent_elsewhere_is_wrong_recipient_not_missing(self) -> None:
        """A report sent to the office instead of headquarters is `wrong-recipient`."""
        log = (
            monthly_log("b1", skip=[8])
            + monthly_log("b2")
            + [ev("aug", "2024-08-20T10:00", "b1", "report", recipient="office")]
        )
        report = run(ruleset(MONTHLY), log)
        [f] = gaps(report)
        assert (f.code.value, f.actor, f.period, f.evidence) == ("wrong-recipient", "b1", "2024-08", ("aug",))
        assert f.detail == {"expected_recipient": "hq", "found_recipients": ["office"]}
        assert "to Office instead of Headquarters" in f.message

    def test_a_misdirected_report_in_its_own_span_is_not_made_late_by_a_surplus_after_it(self) -> None:
        """February's report went to the office on 20 February, in February's own span; March's to
        hq on 3 March, and another to hq on 5 March, naming no period. February is not a debt (its
        misdirected report occupies it), so the surplus report of 5 March stays March's and
        February stays wrong-recipient, not late. A report naming February answers it, and
        February is late."""
        mis = ev("mis", "2024-02-20T10:00", "b1", "report", recipient="office")
        march = ev("mar", "2024-03-03T10:00", "b1", "report", recipient="hq")
        org, as_of = _org_without("b2"), datetime(2024, 6, 1, tzinfo=SH)
        for right, expected, unused in (
            (
                ev("right", "2024-03-05T10:00", "b1", "report", recipient="hq"),
                [("2024-02", "wrong-recipient", ("mis",)), ("2024-03", "met", ("mar", "right"))],
                0,
            ),
            (
                ev("right", "2024-03-05T10:00", "b1", "report", recipient="hq", period="2024-02"),
                [("2024-02", "late", ("right",)), ("2024-03", "met", ("mar",))],
                1,
            ),
        ):
            report = run(
                ruleset(MONTHLY),
                [mis, march, right],
                start=date(2024, 2, 1),
                end=date(2024, 4, 1),
                as_of=as_of,
                org=org,
            )
            assert [(o.period, o.status, o.evidence) for o in report.outcomes] == expected, right.period
            assert report.records.unused == unused

    def test_a_misdirected_report_that_leaves_its_period_short_gives_way_to_reports_sent_right(self) -> None:
        """Two reports owed a month. January's span holds one report, sent to the office on 15
        January; February's holds reports to hq from 11 February on, naming nothing. January's
        misdirected report leaves it short, so January is a debt, which reports sent to hq pay
        whole where they can: with four in February (two to spare), January is late by the first
        two, the misdirected one unused, as it is without it; with three (one to spare), January
        takes that one and counts the misdirected one, and is wrong-recipient (insufficient
        without it). A report naming January, made late, is one of the two. Two misdirected
        reports in January's span occupy it whole: January is no debt, stays wrong-recipient
        whatever it holds late, and February keeps its surplus. Before, one misdirected report
        and one late report to hq made January wrong-recipient though February had two to spare."""
        rule = {**MONTHLY, "min": 2}
        org, as_of = _org_without("b2"), datetime(2024, 6, 1, tzinfo=SH)
        astray = [ev(f"m{n}", f"2024-01-1{4 + n}T10:00", "b1", "report", recipient="office") for n in (1, 2)]
        named = ev("named", "2024-02-05T10:00", "b1", "report", recipient="hq", period="2024-01")
        feb = [ev(f"e{n}", f"2024-02-1{n}T10:00", "b1", "report", recipient="hq") for n in range(1, 5)]
        for log, january, february, unused in (
            ([astray[0], *feb], ("late", ("e1", "e2")), ("e3", "e4"), 1),
            (feb, ("late", ("e1", "e2")), ("e3", "e4"), 0),
            ([astray[0], *feb[:3]], ("wrong-recipient", ("e1", "m1")), ("e2", "e3"), 0),
            (feb[:3], ("insufficient", ("e1",)), ("e2", "e3"), 0),
            ([astray[0], named, *feb[:3]], ("late", ("named", "e1")), ("e2", "e3"), 1),
            ([*astray, named, *feb], ("wrong-recipient", ("named", "m1", "m2")), ("e1", "e2", "e3", "e4"), 0),
        ):
            report = run(ruleset(rule), log, start=date(2024, 1, 1), end=date(2024, 3, 1), as_of=as_of, org=org)
            assert (
                [(o.period, o.status, o.evidence) for o in report.outcomes],
                report.records.unused,
            ) == ([("2024-01", *january), ("2024-02", "met", february)], unused), [e.id for e in log]
            assert [(f.code.value, f.period) for f in report.findings] == [(january[0], "2024-01")]

    def test_a_late_misdirected_report_naming_its_period_leaves_the_debt_to_a_late_report_sent_right(
        self,
    ) -> None:
        """January's report went to the office on 5 February, naming January, after its due
        moment; another went to hq on 4 or 6 February, naming nothing. January is late, by the
        report sent to hq: a misdirected report occupies a period only in its on-time span, so one
        naming it late makes it no less a debt (before, it was wrong-recipient, and the report to
        hq unused). Alone, the misdirected report still makes January wrong-recipient."""
        org, as_of = _org_without("b2"), datetime(2024, 6, 1, tzinfo=SH)
        mis = ev("mis", "2024-02-05T10:00", "b1", "report", recipient="office", period="2024-01")
        for right in ("2024-02-04T10:00", "2024-02-06T10:00", None):
            log = [mis] + ([ev("right", right, "b1", "report", recipient="hq")] if right else [])
            report = run(ruleset(MONTHLY), log, start=date(2024, 1, 1), end=date(2024, 2, 1), as_of=as_of, org=org)
            expected = ("late", ("right",), 1) if right else ("wrong-recipient", ("mis",), 0)
            assert [(o.status, o.evidence, report.records.unused) for o in report.outcomes] == [expected], right

    def test_a_pending_obligation_cites_no_misdirected_report(self) -> None:
        """As of 15 November, November's only report went to the office: the obligation is
        pending, cites no event, and the report is counted as unused; once the due moment has
        passed it is wrong-recipient, citing the report."""
        log = [ev("mis", "2024-11-10T10:00", "b1", "report", recipient="office")]
        org = _org_without("b2")
        seen = []
        for as_of in (datetime(2024, 11, 15, tzinfo=SH), datetime(2024, 12, 15, tzinfo=SH)):
            report = run(ruleset(MONTHLY), log, start=date(2024, 11, 1), end=date(2024, 12, 1), as_of=as_of, org=org)
            seen.append(
                (
                    [(o.period, o.status, o.evidence) for o in report.outcomes],
                    [(f.code.value, f.evidence) for f in report.findings],
                    (report.records.used, report.records.unused),
                )
            )
        assert seen == [
            ([("2024-11", "pending", ())], [("pending", ())], (0, 1)),
            ([("2024-11", "wrong-recipient", ("mis",))], [("wrong-recipient", ("mis",))], (1, 0)),
        ]

    def test_sent_to_no_recipient_says_so(self) -> None:
        """A report that names no recipient is misdirected too; the message says it was sent
        "with no recipient" (it said "to no recipient"), in both languages; beside one sent to
        another office, both are said; counted in a shortfall, "sent with no recipient"."""
        log = monthly_log("b1", skip=[8]) + monthly_log("b2") + [ev("aug", "2024-08-20T10:00", "b1", "report")]
        [f] = gaps(run(ruleset(MONTHLY), log))
        assert (f.code.value, f.period, f.detail["found_recipients"]) == ("wrong-recipient", "2024-08", ["-"])
        assert f.message == (
            "Branch 1 sent monthly report for August 2024 with no recipient instead of to Headquarters"
            " (due 2024-08-31 23:59:59 +08:00)"
        )
        [zh] = gaps(run(ruleset(MONTHLY), log, lang="zh"))
        assert "未指定报送对象,应报送 " in zh.message and "报送对象为 无" not in zh.message
        both = [*log, ev("aug2", "2024-08-21T10:00", "b1", "report", recipient="b2")]
        twice = ruleset({**MONTHLY, "min": 2})
        [f] = [f for f in gaps(run(twice, both)) if (f.actor, f.period) == ("b1", "2024-08")]
        assert (f.code.value, f.detail["found_recipients"]) == ("wrong-recipient", ["-", "b2"])
        assert " sent monthly report for August 2024 to Branch 2 and with no recipient instead of to " in f.message
        [f] = [f for f in gaps(run(ruleset({**MONTHLY, "min": 3}), both)) if (f.actor, f.period) == ("b1", "2024-08")]
        assert (f.code.value, f.detail["found_recipients"]) == ("missing", ["-", "b2"])
        assert f.message.endswith("; 2 sent to Branch 2 or with no recipient instead")

    def test_the_recipients_found_are_listed_in_the_reports_language(self) -> None:
        """Two reports for August sent to two wrong offices: listed with the language's list
        separator, "、" in Chinese (it was ", " in every language)."""
        log = monthly_log("b1", skip=[8]) + monthly_log("b2")
        log += [
            ev(e, f"2024-08-2{d}T10:00", "b1", "report", recipient=r)
            for e, d, r in (("a1", 0, "office"), ("a2", 1, "vp"))
        ]
        words = {lang: gaps(run(ruleset(MONTHLY), log, lang=lang))[0].message for lang in ("en", "zh")}
        assert "to Office, vp instead of Headquarters" in words["en"]
        assert "办公室、vp" in words["zh"] and "办公室, vp" not in words["zh"]

    def test_one_of_two_sent_elsewhere_is_wrong_recipient_not_insufficient(self) -> None:
        """Of two reports owed, one to headquarters and one to the office: the obligation is short
        because of the misdirection, and the next quarter's surplus is not pulled back into it."""
        quarterly = {**MONTHLY, "every": "quarter", "min": 2}
        log = [
            ev("q1-a", "2024-01-10T10:00", "b1", "report", recipient="hq"),
            ev("q1-b", "2024-02-10T10:00", "b1", "report", recipient="office"),
            *[
                ev(f"q{q}-{n}", f"2024-{3 * q - 2:02d}-1{n}T10:00", "b1", "report", recipient="hq")
                for q in (2, 3, 4)
                for n in (1, 2, 3)
            ],
            *[ev(f"b2-{m}", f"2024-{m:02d}-20T10:00", "b2", "report", recipient="hq") for m in range(1, 13)],
        ]
        report = run(ruleset(quarterly), log)
        [f] = gaps(report)
        assert (f.code.value, f.actor, f.period, f.observed, f.evidence) == (
            "wrong-recipient",
            "b1",
            "2024-Q1",
            1,
            ("q1-a", "q1-b"),
        )
        assert f.detail == {"expected_recipient": "hq", "found_recipients": ["office"]}

    @pytest.mark.parametrize(
        ("owed", "to_hq", "code", "text"),
        [
            (3, 1, "insufficient", "did monthly report to Headquarters 1 of 3 required times for Q1 2024"),
            (2, 0, "missing", "missed monthly report to Headquarters for Q1 2024"),
        ],
    )
    def test_short_even_counting_those_sent_elsewhere_is_the_shortfall(
        self, owed: int, to_hq: int, code: str, text: str
    ) -> None:
        """Of three reports owed, one to headquarters and one to the office (or of two, only one
        to the office): re-addressed, they would still fall short, so the finding is the
        shortfall; it cites the misdirected report and says where it went."""
        quarterly = {**MONTHLY, "every": "quarter", "min": owed}
        log = [
            *[ev(f"q1-{n}", f"2024-01-1{n}T10:00", "b1", "report", recipient="hq") for n in range(to_hq)],
            ev("q1-x", "2024-02-10T10:00", "b1", "report", recipient="office"),
            *[
                ev(f"{a}-q{q}-{n}", f"2024-{3 * q - 2:02d}-1{n}T10:00", a, "report", recipient="hq")
                for a in ("b1", "b2")
                for q in (1, 2, 3, 4)
                for n in range(owed)
                if (a, q) != ("b1", 1)
            ],
        ]
        report = run(ruleset(quarterly), log)
        [f] = gaps(report)
        cited = (*(f"q1-{n}" for n in range(to_hq)), "q1-x")
        assert (f.code.value, f.actor, f.period, f.observed, f.expected_min, f.evidence) == (
            code,
            "b1",
            "2024-Q1",
            to_hq,
            owed,
            cited,
        )
        assert f.detail == {"expected_recipient": "hq", "found_recipients": ["office"]}
        [outcome] = [o for o in report.outcomes if (o.actor, o.period) == ("b1", "2024-Q1")]
        assert (outcome.status, outcome.evidence) == (code, cited)
        assert text in f.message and f.message.endswith("; 1 sent to Office instead")
        zh = run(ruleset(quarterly), log, lang="zh").findings[0]
        assert zh.message.endswith(";另有 1 次报送给 办公室")


class TestExtension:
    """A notice of late filing made by one workday after the due moment gives five more days
    (Rule 12b-25's NT 10-Q): the obligation's due moment moves, and its outcome cites the notice."""

    RULE: ClassVar[dict[str, Any]] = {
        "id": "filing",
        "kind": "recurring",
        "clause": "F1",
        "who": "b1",
        "action": "10-Q",
        "every": "quarter",
        "due_after": "40 days",
        "extension": {"action": "NT 10-Q", "within": "1 workday", "extends_by": "5 days"},
    }

    @staticmethod
    def end_of(day: str) -> datetime:
        return datetime.fromisoformat(f"{day}T23:59:59.999999+08:00")

    def test_a_notice_serves_the_period_a_report_filed_early_has_not_answered(self) -> None:
        """January's filing names January and comes on 31 January, before January's on-time span
        opens (its due moment is 20 days after the month). A notice in time for both January and
        February goes to February, the one not answered: it went to January, and February's
        filing, on time by the notice, was `late`."""
        rule = {**self.RULE, "every": "month", "due_after": "20 days"}
        rule["extension"] = {"action": "NT 10-Q", "within": "15 days", "extends_by": "10 days"}
        log = [
            ev("jan", "2024-01-31T10:00", "b1", "10-Q", period="2024-01"),
            ev("nt", "2024-03-02T10:00", "b1", "NT 10-Q"),
            ev("feb", "2024-03-25T10:00", "b1", "10-Q", period="2024-02"),
        ]
        report = run(ruleset(rule), log, end=date(2024, 3, 1), as_of=datetime(2024, 5, 1, tzinfo=SH))
        assert [(o.period, o.status, o.evidence, o.due) for o in report.outcomes] == [
            ("2024-01", "met", ("jan",), self.end_of("2024-02-20")),
            ("2024-02", "met", ("feb", "nt"), self.end_of("2024-03-30")),
        ]
        assert gaps(report) == []

    def test_a_notice_moves_a_due_moment_still_ahead(self) -> None:
        """Audited before Q1's due moment, a notice made in time moves it (the outcome was pending
        at the prescribed moment, the notice counted as unused)."""
        log = [ev("nt1", "2024-05-09T09:00", "b1", "NT 10-Q")]
        at = datetime(2024, 5, 10, 12, tzinfo=SH)
        report = run(ruleset(self.RULE, calendar="US"), log, end=date(2024, 4, 1), as_of=at)
        [o] = report.outcomes
        assert (o.status, o.due, o.evidence) == ("pending", self.end_of("2024-05-15"), ("nt1",))
        assert (report.records.used, report.records.unused) == (1, 0)

    def test_a_notice_after_the_prescribed_due_moment_makes_a_missing_obligation_pending_again(self) -> None:
        """Monthly, in UTC, a notice allowed up to 5 days after the due moment gives 10 days more.
        The notice naming February comes on 3 March: as of 2 March, February is missing (the
        notice is not yet in view); as of 4 March it is pending, due 10 March; as of 11 March,
        with no report, missing again, at the moved due moment."""
        rule = {
            "id": "monthly",
            "kind": "recurring",
            "clause": "M1",
            "who": "b1",
            "action": "report",
            "every": "month",
            "extension": {"action": "ext", "within": "5 days", "extends_by": "10 days"},
        }
        log = [ev("x1", "2024-03-03T00:00:00+00:00", "b1", "ext", period="2024-02")]
        seen = [
            [
                (o.period, o.status, o.due, o.evidence)
                for o in run(
                    ruleset(rule, tz="UTC"),
                    log,
                    start=date(2024, 2, 1),
                    end=date(2024, 3, 1),
                    as_of=datetime(2024, 3, day, tzinfo=UTC),
                ).outcomes
            ]
            for day in (2, 4, 11)
        ]
        prescribed = datetime(2024, 2, 29, 23, 59, 59, 999999, tzinfo=UTC)
        extended = datetime(2024, 3, 10, 23, 59, 59, 999999, tzinfo=UTC)
        assert seen == [
            [("2024-02", "missing", prescribed, ())],
            [("2024-02", "pending", extended, ("x1",))],
            [("2024-02", "missing", extended, ("x1",))],
        ]

    def test_a_notice_in_time_moves_the_due_moment(self) -> None:
        """Q1 (due Friday 10 May): the notice on Monday is in time, the report on 14 May is met.
        Q2 (due Friday 9 August): the notice on Wednesday is too late, the report is late.
        Q3: a notice naming Q2 moves nothing. Q4: on time, no notice."""
        log = [
            ev("nt1", "2024-05-13T09:00", "b1", "NT 10-Q"),
            ev("q1", "2024-05-14T09:00", "b1", "10-Q"),
            ev("nt2", "2024-08-14T09:00", "b1", "NT 10-Q"),
            ev("q2", "2024-08-13T09:00", "b1", "10-Q"),
            ev("nt3", "2024-11-08T09:00", "b1", "NT 10-Q", period="2024-Q2"),
            ev("q3", "2024-11-12T09:00", "b1", "10-Q"),
            ev("q4", "2025-02-01T09:00", "b1", "10-Q"),
        ]
        report = run(ruleset(self.RULE, calendar="US"), log, as_of=datetime(2025, 3, 1, tzinfo=SH))
        assert [(o.period, o.status, o.due, o.evidence) for o in report.outcomes] == [
            ("2024-Q1", "met", self.end_of("2024-05-15"), ("q1", "nt1")),
            ("2024-Q2", "late", self.end_of("2024-08-09"), ("q2",)),
            ("2024-Q3", "late", self.end_of("2024-11-09"), ("q3",)),
            ("2024-Q4", "met", self.end_of("2025-02-09"), ("q4",)),
        ]
        assert [(f.code.value, f.period, f.detail) for f in gaps(report)] == [
            ("late", "2024-Q2", {}),
            ("late", "2024-Q3", {}),
        ]
        assert report.records.unused == 2  # the notices that moved nothing

    def test_a_due_moment_moved_by_hours_gives_lateness_in_hours(self) -> None:
        """An extension of 12 hours moves Q1's due moment to noon on 11 May: a report 36 hours
        after it is "36 hours late", counted as the time that passed, not "2 days" on the
        calendar (it was given in days, as for a due moment at a day's end)."""
        rule = {**self.RULE, "extension": {**self.RULE["extension"], "extends_by": "12 hours"}}
        log = [ev("nt1", "2024-05-10T09:00", "b1", "NT 10-Q"), ev("q1", "2024-05-13T00:00", "b1", "10-Q")]
        [f] = gaps(run(ruleset(rule, calendar="US"), log, as_of=datetime(2024, 6, 1, tzinfo=SH)), "late")
        assert (f.period, f.due, f.late_by_seconds) == (
            "2024-Q1",
            datetime.fromisoformat("2024-05-11T11:59:59.999999+08:00"),
            36 * 3600,
        )
        assert "36 hours late" in f.message

    def test_an_extended_obligation_still_missed_cites_the_notice(self) -> None:
        """A notice in time and no report: missing, at the moved due moment, citing the notice
        and the prescribed due moment."""
        rule = {**self.RULE, "extension": {**self.RULE["extension"], "clause": "F2"}}
        report = run(ruleset(rule, calendar="US"), [ev("nt1", "2024-05-11T09:00", "b1", "NT 10-Q", period="2024-q1")])
        missing = gaps(report, "missing")
        assert [(f.period, f.due, f.evidence) for f in missing[:1]] == [
            ("2024-Q1", self.end_of("2024-05-15"), ("nt1",))
        ]
        assert missing[0].detail == {
            "extension": "nt1",
            "prescribed_due": "2024-05-10T23:59:59.999999+08:00",
            "extension_clause": "F2",
        }
        assert missing[0].message.endswith("; the due moment moved from 2024-05-10 23:59:59 +08:00 by NT 10-Q nt1")
        assert [f.period for f in missing[1:]] == ["2024-Q2", "2024-Q3"]  # one notice, one quarter
        assert all(f.detail == {} for f in missing[1:])

    def test_a_notice_passes_an_obligation_already_answered(self) -> None:
        """January filed on time on 20 February; a notice on 11 March naming no period may serve
        January (due 11 March) or February (due 9 April): it moves February's, which needs it,
        and the February report on 12 April is met."""
        rule = {**self.RULE, "every": "month"}
        log = [
            ev("jan", "2024-02-20T09:00", "b1", "10-Q"),
            ev("nt", "2024-03-11T09:00", "b1", "NT 10-Q"),
            ev("feb", "2024-04-12T09:00", "b1", "10-Q"),
        ]
        report = run(ruleset(rule, calendar="US"), log, as_of=datetime(2024, 4, 30, tzinfo=SH))
        outcomes = {o.period: (o.status, o.due, o.evidence) for o in report.outcomes}
        assert (outcomes["2024-01"], outcomes["2024-02"]) == (
            ("met", self.end_of("2024-03-11"), ("jan",)),
            ("met", self.end_of("2024-04-14"), ("feb", "nt")),
        )

    def test_a_notice_names_a_custom_period_as_written(self) -> None:
        """A notice naming the custom period ``2024-h1`` (which also reads as the label
        ``2024-H1``) extends that period's obligation."""
        data = ORG.model_dump(by_alias=True)
        data["calendars"] = {
            "terms": [
                {"id": "2024-h1", "start": "2024-01-01", "end": "2024-06-30"},
                {"id": "2024-h2", "start": "2024-07-01", "end": "2024-12-31"},
            ]
        }
        rule = {**self.RULE, "every": {"calendar": "terms"}, "due_after": "0 days"}
        log = [
            ev("nt", "2024-07-01T09:00", "b1", "NT 10-Q", period="2024-h1"),
            ev("r", "2024-07-05T09:00", "b1", "10-Q", period="2024-h1"),
        ]
        report = run(ruleset(rule, calendar="US"), log, org=Organisation.model_validate(data))
        [first] = [o for o in report.outcomes if o.period == "2024-h1"]
        assert (first.status, first.due, first.evidence) == ("met", self.end_of("2024-07-05"), ("r", "nt"))

    def test_a_notice_moves_the_oldest_open_obligation_it_may_and_only_that_one(self) -> None:
        """Monthly, due 40 days after the month: a notice on 5 March may serve January (due
        11 March) or February (due 9 April); it moves January's due moment alone."""
        rule = {**self.RULE, "every": "month"}
        report = run(ruleset(rule, calendar="US"), [ev("nt", "2024-03-05T09:00", "b1", "NT 10-Q")])
        dues = {o.period: (o.due, o.evidence) for o in report.outcomes}
        assert (dues["2024-01"], dues["2024-02"]) == (
            (self.end_of("2024-03-16"), ("nt",)),
            (self.end_of("2024-04-09"), ()),
        )


CHAIN: dict[str, Any] = {
    "id": "inspection",
    "kind": "triggered",
    "clause": "D1.8.4",
    "trigger": {"action": "inspection", "by": {"role": "branch"}},
    "steps": [
        {"action": "written-report", "within": "promptly"},
        {"action": "feedback", "to": {"trigger": "subject"}, "within": "promptly"},
    ],
}


class TestTriggered:
    def test_unanswered(self) -> None:
        """A trigger with no response past its deadline gives `unanswered` for each step."""
        report = run(ruleset(CHAIN), [ev("i1", "2024-03-01T10:00", "b1", "inspection", subject="s1")])
        assert [(f.code.value, f.period, f.detail["step"], f.evidence) for f in gaps(report)] == [
            ("unanswered", "i1", 1, ("i1",)),
            ("unanswered", "i1", 2, ("i1",)),
        ]

    def test_a_response_with_no_recipient_is_said_sent_with_no_recipient(self) -> None:
        """A step's response naming no recipient, owed to the trigger's subject, was said sent
        "to nothing instead of" the subject: it is sent "with no recipient", in both languages."""
        log = [
            ev("i1", "2024-03-01T10:00", "b1", "inspection", subject="s1"),
            ev("w1", "2024-03-01T16:00", "b1", "written-report", ref="i1"),
            ev("f1", "2024-03-02T10:00", "b1", "feedback", ref="i1"),
        ]
        [f] = gaps(run(ruleset(CHAIN), log))
        assert (f.code.value, f.detail["step"], f.detail["found_recipients"]) == ("wrong-recipient", 2, [None])
        assert f.message.startswith(
            "Branch 1 sent step 2 of inspection for i1 with no recipient instead of to s1 (due "
        )
        [zh] = gaps(run(ruleset(CHAIN), log, lang="zh"))
        assert "未指定报送对象,应报送 " in zh.message and "报送对象为 无" not in zh.message

    def test_an_unknown_actors_trigger_opens_a_chain_only_where_the_trigger_names_no_party(self) -> None:
        """A trigger recorded under an id the organisation does not list (a slip, `b9`): where
        the trigger names a party (`by: {role: branch}`) it is none, so it opens no chain and is
        unused; where it names none, it opens its chain, owed by that id, beside the
        `unknown-actor` warning that cites it, so the gap is not lost while the id is put right."""
        log = [ev("i1", "2024-03-01T10:00", "b9", "inspection", subject="s1")]
        report = run(ruleset(CHAIN), log)
        assert [(f.code.value, f.actor, f.evidence) for f in report.findings] == [("unknown-actor", "b9", ("i1",))]
        assert (report.records.used, report.records.unused) == (0, 1)
        anyone = {**CHAIN, "trigger": {"action": "inspection"}}
        report = run(ruleset(anyone), log)
        assert [(f.code.value, f.actor, f.period, f.evidence) for f in report.findings] == [
            ("unanswered", "b9", "i1", ("i1",)),
            ("unanswered", "b9", "i1", ("i1",)),
            ("unknown-actor", "b9", None, ("i1",)),
        ]
        assert (report.records.used, report.records.unused) == (1, 0)

    def test_events_of_an_actor_on_days_it_is_not_in_the_organisation_are_said(self) -> None:
        """A branch in the organisation from 1 March to 31 October (`active`) records
        inspections on 28 February, 1 March and 1 November: the two outside its dates are said in
        one `unknown-actor` warning naming the actor, its active dates and those events (in the
        order read), as an unknown actor's are, rather than passing unsaid; the trigger naming
        a party (`by: {role: branch}`) takes only the one of 1 March."""
        branch = Actor.model_validate(
            {"id": "b7", "roles": ["branch"], "active": {"from": "2024-03-01", "to": "2024-10-31"}}
        )
        org = ORG.model_copy(update={"actors": [*ORG.actors, branch]})
        log = [
            ev("i3", "2024-11-01T00:00", "b7", "inspection", subject="s1"),
            ev("i1", "2024-02-29T23:59", "b7", "inspection", subject="s1"),
            ev("i2", "2024-03-01T00:00", "b7", "inspection", subject="s1"),
        ]
        report = run(ruleset(CHAIN), log, org=org)
        said = [f for f in report.findings if f.rule is None]
        assert [(f.code.value, f.severity, f.actor, f.evidence, f.detail) for f in said] == [
            (
                "unknown-actor",
                "warning",
                "b7",
                ("i3", "i1"),
                {"count": 2, "active": {"from": "2024-03-01", "to": "2024-10-31"}},
            )
        ]
        assert said[0].message == (
            "2 events name actor b7 on a day it is not in the organisation (active 2024-03-01 to 2024-10-31)"
        )
        assert {f.period for f in report.findings if f.rule is not None} == {"i2"}
        [zh] = [f for f in run(ruleset(CHAIN), log, org=org, lang="zh").findings if f.rule is None]
        assert zh.message == "2 条记录的主体 b7 所记日期不在其存续期内(存续期 2024-03-01 至 2024-10-31)"
        # an actor with no active dates, or events inside them, is not said
        assert not [f for f in run(ruleset(CHAIN), log[2:], org=org).findings if f.rule is None]

    def test_second_step_is_timed_from_the_first(self) -> None:
        """Step 2's deadline counts from step 1's event, so a late step 1 moves step 2's deadline."""
        log = [
            ev("i1", "2024-03-01T10:00", "b1", "inspection", subject="s1"),
            ev("r1", "2024-03-12T10:00", "b1", "written-report"),
            ev("f1", "2024-03-18T10:00", "b1", "feedback", recipient="s1"),
        ]
        report = run(ruleset(CHAIN), log)
        [f] = gaps(report)
        assert (f.code.value, f.period, f.detail["step"], f.evidence) == ("late-response", "i1", 1, ("i1", "r1"))
        assert f.due == datetime(2024, 3, 8, 23, 59, 59, 999999, tzinfo=SH)
        step2 = [o for o in report.outcomes if o.step == 2]
        assert [(o.status, o.due) for o in step2] == [("met", datetime(2024, 3, 19, 23, 59, 59, 999999, tzinfo=SH))]

    def test_a_step_naming_its_own_clause_is_cited_by_its_findings_and_outcomes(self) -> None:
        """Step 2 names clause D1.8.4b: its outcome, its `unanswered`, `pending` and
        `wrong-recipient` findings cite it, and their messages say it; step 1, naming none, cites
        the rule's clause and its message is as before."""
        rule = {**CHAIN, "steps": [CHAIN["steps"][0], {**CHAIN["steps"][1], "clause": "D1.8.4b"}]}
        assert ruleset(rule).rules[0].cited_clauses() == {"clause": "D1.8.4", "steps/1/clause": "D1.8.4b"}
        log = [
            ev("i1", "2024-03-01T10:00", "b1", "inspection", subject="s1"),
            ev("r1", "2024-03-12T10:00", "b1", "written-report"),
        ]
        report = run(ruleset(rule), log)
        assert [(o.step, o.status, o.clause) for o in report.outcomes] == [
            (1, "late-response", "D1.8.4"),
            (2, "unanswered", "D1.8.4b"),
        ]
        late, unanswered = gaps(report)
        assert (late.code.value, late.clause, unanswered.code.value, unanswered.clause) == (
            "late-response",
            "D1.8.4",
            "unanswered",
            "D1.8.4b",
        )
        assert "step 1 of" in late.message and "clause" not in late.message
        assert "never did step 2 (clause D1.8.4b) of inspection (feedback)" in unanswered.message
        [zh] = gaps(run(ruleset(rule), log, lang="zh"), "unanswered")
        assert "第 2 步(依据 D1.8.4b)(feedback," in zh.message

        [pending] = gaps(run(ruleset(rule), log, as_of=datetime(2024, 3, 15, tzinfo=SH)), "pending")
        assert (pending.clause, pending.detail["step"]) == ("D1.8.4b", 2)
        assert "step 2 (clause D1.8.4b) of inspection" in pending.message

        sent_astray = [*log, ev("f1", "2024-03-13T10:00", "b1", "feedback", recipient="s2")]
        [wrong] = gaps(run(ruleset(rule), sent_astray), "wrong-recipient")
        assert (wrong.clause, wrong.evidence) == ("D1.8.4b", ("i1", "f1"))
        assert "step 2 (clause D1.8.4b) of inspection" in wrong.message

        withdrawn = [
            log[0],
            ev("r1", "2024-03-02T10:00", "b1", "written-report"),
            ev("w1", "2024-03-03T10:00", "b1", "withdrawal"),
        ]
        [discharged] = gaps(run(ruleset({**rule, "unless": {"action": "withdrawal"}}), withdrawn), "discharged")
        assert (discharged.clause, discharged.detail["step"], discharged.evidence) == ("D1.8.4b", 2, ("i1", "w1"))

    def test_a_response_by_a_party_the_step_does_not_name_is_cited_and_a_holder_is_named(self) -> None:
        """The investigation is the vice principal's (`by: {role: vp}`). One naming the first
        incident by `ref` but made by the office answers nothing: the step is `unanswered`, the
        office's report cited as found only by another; a late one by the vice principal names it
        as the role's holder who did it."""
        rule = {
            "id": "incident",
            "kind": "triggered",
            "clause": "S1",
            "trigger": {"action": "incident"},
            "steps": [{"action": "investigation", "by": {"role": "vp"}, "within": "2 days"}],
        }
        log = [
            ev("i1", "2024-04-08T10:00", "b1", "incident"),
            ev("v1", "2024-04-09T10:00", "office", "investigation", ref="i1"),
            ev("i2", "2024-05-06T10:00", "b1", "incident"),
            ev("v2", "2024-05-10T10:00", "vp", "investigation", ref="i2"),
        ]
        report = run(ruleset(rule), log)
        assert [(o.period, o.status, o.actor, o.evidence) for o in report.outcomes] == [
            ("i1", "unanswered", "role:vp", ("i1", "v1")),
            ("i2", "late-response", "role:vp", ("i2", "v2")),
        ]
        unanswered, late = gaps(report)
        assert (unanswered.code.value, unanswered.evidence, unanswered.detail["other_party"]) == (
            "unanswered",
            ("i1", "v1"),
            ["v1"],
        )
        assert unanswered.message.startswith("the holder of role vp never did step 1 of incident (investigation)")
        assert unanswered.message.endswith("; found only by another: v1 by Office")
        assert late.message.startswith("vp (the holder of role vp) did step 1 of incident")
        assert report.records.unused == 0
        [zh] = gaps(run(ruleset(rule), log, lang="zh"), "unanswered")
        assert zh.message.endswith(";仅见他人所为:v1(办公室)")
        # a report answering a later step of the chain is that step's, not cited for this one
        two = {
            **rule,
            "steps": [*rule["steps"], {"action": "investigation", "by": {"actor": "office"}, "within": "5 days"}],
        }
        report = run(ruleset(two), log[:2])
        assert sorted((o.step, o.status, o.evidence) for o in report.outcomes) == [
            (1, "unanswered", ("i1",)),
            (2, "met", ("i1", "v1")),
        ]
        assert [(f.evidence, f.detail) for f in gaps(report)] == [(("i1",), {"step": 1, "trigger": "i1"})]
        # a step whose report the rule's party sent elsewhere is wrong-recipient, the other party's report not cited
        step: dict[str, Any] = {"action": "investigation", "by": {"role": "vp"}, "within": "2 days"}
        addressed = {**rule, "steps": [{**step, "to": {"actor": "hq"}}]}
        astray = [
            log[0],
            ev("o1", "2024-04-09T09:00", "office", "investigation", ref="i1", recipient="hq"),
            ev("v3", "2024-04-09T10:00", "vp", "investigation", ref="i1", recipient="office"),
        ]
        report = run(ruleset(addressed), astray)
        assert [(f.code.value, f.evidence, "other_party" in f.detail) for f in gaps(report)] == [
            ("wrong-recipient", ("i1", "v3"), False)
        ]
        assert (report.records.used, report.records.unused) == (2, 1)

    def test_a_report_another_step_or_chain_takes_is_not_cited_as_found_by_another(self) -> None:
        """A report that is a later step's misdirected one, or another chain's response (a notice
        both chains name), is that step's: an earlier unanswered step does not also cite it as
        found only by another party."""
        steps = [
            {"action": "report", "by": {"actor": "office"}, "within": "5 days"},
            {"action": "report", "by": {"actor": "hq"}, "to": {"actor": "vp"}, "within": "5 days"},
        ]
        rule = {"id": "inc", "kind": "triggered", "clause": "S1", "trigger": {"action": "incident"}, "steps": steps}
        log = [
            ev("i1", "2024-06-01T10:00", "office", "incident"),
            ev("v", "2024-06-02T10:00", "hq", "report", ref="i1", recipient="b1"),
        ]
        report = run(ruleset(rule), log)
        assert sorted((o.step, o.status, o.evidence) for o in report.outcomes) == [
            (1, "unanswered", ("i1",)),
            (2, "wrong-recipient", ("i1", "v")),
        ]
        notices = {
            "id": "n",
            "kind": "triggered",
            "clause": "S2",
            "trigger": {"action": "notice"},
            "steps": [
                {"action": "notice", "by": {"actor": "hq"}, "within": "5 days"},
                {"action": "reply", "by": {"trigger": "actor"}, "within": "5 days"},
            ],
        }
        log = [
            ev("n1", "2024-06-01T10:00", "office", "notice"),
            ev("n2", "2024-06-02T10:00", "hq", "notice", ref="n1"),
            ev("v", "2024-06-03T10:00", "hq", "reply", ref="n2"),
        ]
        report = run(ruleset(notices), log)
        assert sorted((o.period, o.step, o.status, o.evidence) for o in report.outcomes) == [
            ("n1", 1, "met", ("n1", "n2")),
            ("n1", 2, "unanswered", ("n1",)),
            ("n2", 1, "unanswered", ("n2",)),
            ("n2", 2, "met", ("n2", "v")),
        ]

    def test_the_order_of_the_steps_events_is_not_checked(self) -> None:
        """A feedback given before its written report answers the feedback's step, and one given
        where no report was ever written answers it too: each step's response is searched from
        the trigger; the step before only says where its deadline starts (semantics.md)."""
        log = [
            ev("i1", "2024-03-01T10:00", "b1", "inspection", subject="s1"),
            ev("f1", "2024-03-02T10:00", "b1", "feedback", recipient="s1"),
            ev("r1", "2024-03-03T10:00", "b1", "written-report"),
        ]
        assert [(o.step, o.status, o.evidence) for o in run(ruleset(CHAIN), log).outcomes] == [
            (1, "met", ("i1", "r1")),
            (2, "met", ("i1", "f1")),
        ]
        assert [(o.step, o.status) for o in run(ruleset(CHAIN), log[:2]).outcomes] == [(1, "unanswered"), (2, "met")]

    def test_due_by_the_end_of_the_triggers_year(self) -> None:
        """'Within the year' (D1.8.5) as ``within: end of year``: an inspection in November and
        one in late December are both due on 31 December; a report on 3 January is late."""
        rule = {**CHAIN, "steps": [{"action": "written-report", "within": "end of year"}]}
        log = [
            ev("i1", "2024-11-05T10:00", "b1", "inspection"),
            ev("r1", "2024-12-30T10:00", "b1", "written-report"),
            ev("i2", "2024-12-20T10:00", "b2", "inspection"),
            ev("r2", "2025-01-03T10:00", "b2", "written-report"),
        ]
        report = run(ruleset(rule), log, as_of=datetime(2025, 2, 1, tzinfo=SH))
        year_end = datetime(2024, 12, 31, 23, 59, 59, 999999, tzinfo=SH)
        assert [(o.period, o.status, o.due) for o in report.outcomes] == [
            ("i1", "met", year_end),
            ("i2", "late-response", year_end),
        ]
        [f] = gaps(report)
        assert (f.code.value, f.actor, f.evidence) == ("late-response", "b2", ("i2", "r2"))

    def test_recipient_taken_from_the_trigger(self) -> None:
        """Feedback must go to the inspected unit (the trigger's subject); elsewhere is wrong-recipient."""
        log = [
            ev("i1", "2024-03-01T10:00", "b1", "inspection", subject="s1"),
            ev("r1", "2024-03-02T10:00", "b1", "written-report"),
            ev("f1", "2024-03-03T10:00", "b1", "feedback", recipient="s2"),
        ]
        [f] = gaps(run(ruleset(CHAIN), log))
        assert (f.code.value, f.detail["step"], f.evidence) == ("wrong-recipient", 2, ("i1", "f1"))

    def test_one_response_answers_one_trigger_and_ref_wins(self) -> None:
        """Two triggers, one response linked by ref to the second: the first stays unanswered."""
        rule = {**CHAIN, "steps": [CHAIN["steps"][0]]}
        log = [
            ev("i1", "2024-03-01T10:00", "b1", "inspection"),
            ev("i2", "2024-03-02T10:00", "b1", "inspection"),
            ev("r", "2024-03-03T10:00", "b1", "written-report", ref="i2"),
        ]
        report = run(ruleset(rule), log)
        assert [(f.code.value, f.period) for f in gaps(report)] == [("unanswered", "i1")]
        assert [(o.period, o.status, o.evidence) for o in report.outcomes] == [
            ("i1", "unanswered", ("i1",)),
            ("i2", "met", ("i2", "r")),
        ]

    def test_a_report_late_for_an_earlier_trigger_answers_it_though_in_time_for_a_later_one(self) -> None:
        """Inspections on 1 and 20 March, written report due within 7 days; one report on 21
        March naming neither: late for the first, in time for the second. The triggers are
        answered in turn, so it answers the first (`late-response`), and the second is
        `unanswered`, the report being kept for no later trigger. Naming the second by `ref`, it
        answers the second, in time, and the first is `unanswered`."""
        rule = {
            "id": "answer",
            "kind": "triggered",
            "clause": "c",
            "trigger": {"action": "inspection"},
            "steps": [{"action": "written-report", "within": "7 days"}],
        }
        seen = []
        for ref in (None, "i2"):
            log = [
                ev("i1", "2024-03-01T10:00", "b1", "inspection"),
                ev("i2", "2024-03-20T10:00", "b1", "inspection"),
                ev("r1", "2024-03-21T10:00", "b1", "written-report", ref=ref),
            ]
            report = run(ruleset(rule), log, org=_org_without("b2"))
            seen.append(
                (
                    [(o.period, o.status, o.evidence) for o in report.outcomes],
                    [(f.code.value, f.period) for f in report.findings],
                )
            )
        assert seen == [
            (
                [("i1", "late-response", ("i1", "r1")), ("i2", "unanswered", ("i2",))],
                [("late-response", "i1"), ("unanswered", "i2")],
            ),
            (
                [("i1", "unanswered", ("i1",)), ("i2", "met", ("i2", "r1"))],
                [("unanswered", "i1")],
            ),
        ]

    def test_a_late_report_naming_the_trigger_does_not_displace_one_in_time(self) -> None:
        """A report in time that names nothing answers the inspection before a late one naming it:
        the step stays met when the late one is added, or comes into view at a later audit
        moment. Before, the late one won for its ``ref`` and the met step turned late."""
        rule = {**CHAIN, "steps": [{"action": "written-report", "within": "1 day"}]}
        in_time = [
            ev("i1", "2024-03-01T10:00", "b1", "inspection"),
            ev("r1", "2024-03-01T12:00", "b1", "written-report"),
        ]
        late = ev("r2", "2024-03-05T09:00", "b1", "written-report", ref="i1")
        seen = [
            [(o.status, o.evidence) for o in run(ruleset(rule), log, as_of=datetime(*day, tzinfo=SH)).outcomes]
            for log, day in (
                (in_time, (2024, 3, 10)),
                ([*in_time, late], (2024, 3, 4)),
                ([*in_time, late], (2024, 3, 10)),
            )
        ]
        assert seen == [[("met", ("i1", "r1"))]] * 3
        # late on both sides, the one naming the trigger answers it; in time on both, too
        report = run(ruleset(rule), [in_time[0], in_time[1]._replace(time=datetime(2024, 3, 4, tzinfo=SH)), late])
        assert [(o.status, o.evidence) for o in report.outcomes] == [("late-response", ("i1", "r2"))]
        named = late._replace(time=datetime(2024, 3, 1, 14, tzinfo=SH))
        report = run(ruleset(rule), [*in_time, named])
        assert [(o.status, o.evidence) for o in report.outcomes] == [("met", ("i1", "r2"))]

    def test_a_misdirected_report_another_trigger_took_is_not_cited(self) -> None:
        """Two inspections, one feedback sent to the second's subject: it answers the second, and
        the first is unanswered, at every audit moment. Before, once the first was due, it took
        the feedback as its misdirected one, and the second went from met to unanswered."""
        rule = {
            **CHAIN,
            "steps": [{"action": "feedback", "to": {"trigger": "subject"}, "within": "1 day"}],
        }
        log = [
            ev("i1", "2024-03-01T08:00", "b1", "inspection", subject="s1"),
            ev("i2", "2024-03-01T09:00", "b1", "inspection", subject="s2"),
            ev("f2", "2024-03-01T10:00", "b1", "feedback", recipient="s2"),
        ]
        seen = [
            [(o.period, o.status, o.evidence) for o in run(ruleset(rule), log, as_of=moment).outcomes]
            for moment in (datetime(2024, 3, 1, 12, tzinfo=SH), datetime(2024, 3, 5, tzinfo=SH))
        ]
        assert seen == [
            [("i1", "pending", ("i1",)), ("i2", "met", ("i2", "f2"))],
            [("i1", "unanswered", ("i1",)), ("i2", "met", ("i2", "f2"))],
        ]
        # a misdirected feedback no trigger takes is still cited, the one naming it first
        stray = [*log, ev("f9", "2024-03-01T11:00", "b1", "feedback", recipient="s3")]
        report = run(ruleset(rule), stray, as_of=datetime(2024, 3, 5, tzinfo=SH))
        assert [(o.period, o.status, o.evidence) for o in report.outcomes] == [
            ("i1", "wrong-recipient", ("i1", "f9")),
            ("i2", "met", ("i2", "f2")),
        ]
        assert [(f.code.value, f.detail["found_recipients"]) for f in gaps(report)] == [("wrong-recipient", ["s3"])]

    def test_a_report_answering_a_step_is_cited_as_misdirected_for_none(self) -> None:
        """A feedback naming the inspection, sent to no one, answers the step that asks no
        recipient; it is not also the misdirected report of the step that asks for the subject,
        which stays unanswered, at every audit moment. Before, once that step was due it took the
        feedback, and the met step went back to pending."""
        rule = {
            **CHAIN,
            "steps": [
                {"action": "feedback", "to": {"trigger": "subject"}, "within": "1 day"},
                {"action": "feedback", "within": "3 days", "counted_from": "trigger"},
            ],
        }
        log = [
            ev("i1", "2024-03-01T10:00", "b1", "inspection", subject="s1"),
            ev("f", "2024-03-01T12:00", "b1", "feedback", ref="i1"),
        ]
        seen = [
            [(o.step, o.status, o.evidence) for o in run(ruleset(rule), log, as_of=datetime(*m, tzinfo=SH)).outcomes]
            for m in ((2024, 3, 2, 12), (2024, 3, 3, 12))
        ]
        assert seen == [
            [(1, "pending", ("i1",)), (2, "met", ("i1", "f"))],
            [(1, "unanswered", ("i1",)), (2, "met", ("i1", "f"))],
        ]

    def test_a_misdirected_report_is_cited_for_the_step_due_first_at_every_audit_moment(self) -> None:
        """A feedback sent elsewhere, naming nothing, may be either inspection's: it is cited for
        the step due first, the second inspection's (the first's written report came late, so
        its feedback is due later), at every audit moment; the first's is pending, then
        unanswered. Before, it went to the second's while the first's was not due, then moved
        to the first's: the second went from wrong-recipient to unanswered."""
        rule = {
            **CHAIN,
            "steps": [
                {"action": "written-report", "within": "1 day"},
                {"action": "feedback", "to": {"trigger": "subject"}, "within": "1 day"},
            ],
        }
        log = [
            ev("i1", "2024-03-01T10:00", "b1", "inspection", subject="s1"),
            ev("i2", "2024-03-02T10:00", "b1", "inspection", subject="s2"),
            ev("r2", "2024-03-02T12:00", "b1", "written-report", ref="i2"),
            ev("f", "2024-03-02T13:00", "b1", "feedback", recipient="s3"),
            ev("r1", "2024-03-04T10:00", "b1", "written-report", ref="i1"),  # late: i1's feedback due later
        ]
        seen = [
            [
                (o.period, o.step, o.status, o.evidence)
                for o in run(ruleset(rule), log, as_of=datetime(*m, tzinfo=SH)).outcomes
                if o.step == 2
            ]
            for m in ((2024, 3, 4, 12), (2024, 3, 6, 12))
        ]
        assert seen == [
            [("i1", 2, "pending", ("i1",)), ("i2", 2, "wrong-recipient", ("i2", "f"))],
            [("i1", 2, "unanswered", ("i1",)), ("i2", 2, "wrong-recipient", ("i2", "f"))],
        ]

    @pytest.mark.parametrize("case", ["a later one naming the chain", "a step due later"])
    def test_a_cited_misdirected_report_stays_cited_at_later_audit_moments(self, case: str) -> None:
        """A misdirected report naming the first inspection, coming later, does not displace the
        one cited for it, which would then move to the second inspection; a step due later does
        not hold the report a step due sooner cites, to give it back once answered."""
        if case == "a later one naming the chain":
            rule = {**CHAIN, "steps": [{"action": "feedback", "to": {"trigger": "subject"}, "within": "1 day"}]}
            log = [
                ev("i1", "2024-03-01T10:00", "b1", "inspection", subject="s1"),
                ev("i2", "2024-03-01T11:00", "b1", "inspection", subject="s2"),
                ev("m", "2024-03-01T12:00", "b1", "feedback", recipient="s3"),
                ev("n", "2024-03-03T10:00", "b1", "feedback", recipient="s3", ref="i1"),
            ]
            expected = [("i1", 1, "wrong-recipient", ("i1", "m")), ("i2", 1, "unanswered", ("i2",))]
        else:
            to_subject = {"action": "feedback", "to": {"trigger": "subject"}, "counted_from": "trigger"}
            rule = {**CHAIN, "steps": [{**to_subject, "within": "3 days"}, {**to_subject, "within": "1 day"}]}
            log = [
                ev("i1", "2024-03-01T10:00", "b1", "inspection", subject="s1"),
                ev("m", "2024-03-01T12:00", "b1", "feedback", recipient="s3"),
                ev("f", "2024-03-03T10:00", "b1", "feedback", recipient="s1"),
            ]
            expected = [("i1", 1, "met", ("i1", "f")), ("i1", 2, "wrong-recipient", ("i1", "m"))]
        early, late = (
            [(o.period, o.step, o.status, o.evidence) for o in run(ruleset(rule), log, as_of=moment).outcomes]
            for moment in (datetime(2024, 3, 3, tzinfo=SH), datetime(2024, 3, 3, 12, tzinfo=SH))
        )
        assert late == expected
        assert [o for o in early if o[2] != "pending"] == [o for o in late if o[3] != ("i1", "f")]

    def test_a_report_naming_a_misdirected_one_that_names_nothing_answers_no_step(self) -> None:
        """A written report sent elsewhere, naming nothing, is cited as the first inspection's
        misdirected report, but is not of its chain: a feedback naming it answers nothing, and
        the chains take the same events at every audit moment. Before, citing it made it a link
        of the chain once the step was due, and the feedback that chain took from the second
        inspection made the second's closure late."""
        rule = {
            **CHAIN,
            "steps": [
                {"action": "written-report", "to": {"trigger": "subject"}, "within": "10 days"},
                {"action": "feedback", "within": "1 day"},
                {"action": "closure", "within": "1 day"},
            ],
        }
        log = [
            ev("i1", "2024-03-01T08:00", "b1", "inspection", subject="s1"),
            ev("i2", "2024-03-01T09:00", "b1", "inspection", subject="s2"),
            ev("x", "2024-03-01T10:00", "b1", "written-report", recipient="s3"),
            ev("r2", "2024-03-01T10:30", "b1", "written-report", recipient="s2"),
            ev("y", "2024-03-01T11:00", "b1", "feedback", ref="x"),
            ev("f", "2024-03-01T11:30", "b1", "feedback"),
            ev("c1", "2024-03-01T12:00", "b1", "closure"),
            ev("g", "2024-03-02T10:00", "b1", "feedback"),
            ev("h", "2024-03-03T09:00", "b1", "closure"),
        ]
        early, late = (run(ruleset(rule), log, as_of=datetime(2024, 3, d, tzinfo=SH)) for d in (5, 20))
        assert [(o.period, o.step, o.status, o.evidence) for o in late.outcomes] == [
            ("i1", 1, "wrong-recipient", ("i1", "x")),
            ("i1", 2, "met", ("i1", "f")),
            ("i1", 3, "met", ("i1", "c1")),
            ("i2", 1, "met", ("i2", "r2")),
            ("i2", 2, "met", ("i2", "g")),
            ("i2", 3, "met", ("i2", "h")),
        ]
        assert [(o.status, o.evidence) for o in early.outcomes][1:] == [(o.status, o.evidence) for o in late.outcomes][
            1:
        ]
        assert early.outcomes[0].status == "pending"

    def test_a_response_linked_to_a_trigger_not_checked_here_answers_no_other(self) -> None:
        """A report whose ref names an inspection of 31 December stays that inspection's when only
        the next year is checked, and when it names a trigger of another version of the clause:
        it answers neither the inspection of 1 January nor the old version's. Before, the ref
        was set aside for any trigger this check did not hold, and the report answered both."""
        rule = {**CHAIN, "steps": [CHAIN["steps"][0]]}
        log = [
            ev("i0", "2023-12-31T10:00", "b1", "inspection"),
            ev("i1", "2024-01-01T10:00", "b1", "inspection"),
            ev("r", "2024-01-02T10:00", "b1", "written-report", ref="i0"),
        ]
        report = run(ruleset(rule), log)
        assert [(o.period, o.status, o.evidence) for o in report.outcomes] == [("i1", "unanswered", ("i1",))]
        assert (report.records.used, report.records.unused) == (1, 2)
        whole = run(ruleset(rule), log, start=date(2023, 1, 1))
        assert [(o.period, o.status, o.evidence) for o in whole.outcomes] == [
            ("i0", "met", ("i0", "r")),
            ("i1", "unanswered", ("i1",)),
        ]
        versions = ruleset(
            {**rule, "id": "old", "effective": {"to": "2024-03-31"}},
            {**rule, "id": "new", "effective": {"from": "2024-04-01"}},
        )
        log = [
            ev("i1", "2024-03-30T10:00", "b1", "inspection"),
            ev("i2", "2024-04-02T10:00", "b1", "inspection"),
            ev("r", "2024-04-03T10:00", "b1", "written-report", ref="i2"),
        ]
        report = run(versions, log)
        assert [(o.rule, o.period, o.status, o.evidence) for o in report.outcomes] == [
            ("new", "i2", "met", ("i2", "r")),
            ("old", "i1", "unanswered", ("i1",)),
        ]

    def test_a_response_naming_any_event_answers_only_that_events_chain(self) -> None:
        """A `ref` says what an event answers, whether the event it names is a trigger checked
        here or not: a feedback naming i1's report answers i1's second step, not i0's (checked
        first, and owed a feedback too); a report naming an event this check does not hold (of
        another actor, in another part of a partitioned check) answers no trigger here; an
        `unless` event naming another trigger discharges that trigger's chain only, and, without
        a `by`, only when it is the trigger's actor's own. Before, only
        a `ref` naming a trigger held an event back, and the feedback answered i0."""
        rule = {**CHAIN, "steps": [CHAIN["steps"][0], {"action": "feedback", "within": "promptly"}]}
        log = [
            ev("i0", "2024-03-01T10:00", "b1", "inspection"),
            ev("r0", "2024-03-02T10:00", "b1", "written-report", ref="i0"),
            ev("i1", "2024-03-03T10:00", "b1", "inspection"),
            ev("r1", "2024-03-04T10:00", "b1", "written-report", ref="i1"),
            ev("f1", "2024-03-05T10:00", "b1", "feedback", ref="r1"),
            ev("i2", "2024-03-06T10:00", "b1", "inspection"),
            ev("r2", "2024-03-07T10:00", "b1", "written-report", ref="elsewhere-7"),
        ]
        report = run(ruleset(rule), log)
        assert [(o.period, o.step, o.status, o.evidence) for o in report.outcomes] == [
            ("i0", 1, "met", ("i0", "r0")),
            ("i0", 2, "unanswered", ("i0",)),
            ("i1", 1, "met", ("i1", "r1")),
            ("i1", 2, "met", ("i1", "f1")),
            ("i2", 1, "unanswered", ("i2",)),
            ("i2", 2, "unanswered", ("i2",)),
        ]
        assert report.records.unused == 1  # r2
        excused = {**rule, "unless": {"action": "withdraw"}}
        log = [
            ev("i0", "2024-03-01T10:00", "b1", "inspection"),
            ev("i1", "2024-03-01T11:00", "b1", "inspection"),
            ev("w0", "2024-03-01T11:30", "b2", "withdraw", ref="i0"),  # not b1's own: naming i0 is not enough
            ev("w1", "2024-03-01T12:00", "b1", "withdraw", ref="i1"),
        ]
        report = run(ruleset(excused), log)
        assert [(o.period, o.step, o.status) for o in report.outcomes] == [
            ("i0", 1, "unanswered"),
            ("i0", 2, "unanswered"),
            ("i1", 1, "discharged"),
            ("i1", 2, "discharged"),
        ]

    def test_a_chain_is_named_by_any_of_its_events_and_an_unless_by_it_or_by_what_it_shares(self) -> None:
        """A third step's event naming the first step's answers the third step, as one naming the
        trigger would; so does a second step's naming a misdirected first step's event, though
        its subject differs (the `ref` names the chain). An `unless` naming an event of the
        chain discharges it whatever `same` asks; one naming something else (a receipt number)
        discharges nothing, and one naming nothing what it shares `same` with."""
        rule = {
            **CHAIN,
            "steps": [
                {"action": "written-report", "to": "hq", "within": "promptly"},
                {"action": "feedback", "within": "promptly", "same": ["subject"]},
                {"action": "closure", "within": "promptly"},
            ],
        }
        log = [
            ev("i1", "2024-03-01T10:00", "b1", "inspection", subject="site-1"),
            ev("r1", "2024-03-02T10:00", "b1", "written-report", recipient="office", ref="i1", subject="site-1"),
            ev("f1", "2024-03-03T10:00", "b1", "feedback", ref="r1", subject="site-9"),
            ev("c1", "2024-03-04T10:00", "b1", "closure", ref="r1"),
        ]
        report = run(ruleset(rule), log)
        assert [(o.step, o.status, o.evidence) for o in report.outcomes] == [
            (1, "wrong-recipient", ("i1", "r1")),
            (2, "met", ("i1", "f1")),
            (3, "met", ("i1", "c1")),
        ]
        excused = {**rule, "unless": {"action": "withdraw", "by": {"actor": "hq"}, "same": ["subject"]}}
        log = [
            ev("i1", "2024-03-01T10:00", "b1", "inspection", subject="site-1"),
            ev("i2", "2024-03-01T11:00", "b1", "inspection", subject="site-2"),
            ev("w1", "2024-03-01T12:00", "hq", "withdraw", ref="i1", subject="other"),
            ev("w2", "2024-03-01T13:00", "hq", "withdraw", ref="receipt-77", subject="site-2"),
            ev("i3", "2024-03-01T14:00", "b1", "inspection", subject="site-3"),
            ev("w3", "2024-03-01T15:00", "hq", "withdraw", subject="site-3"),
        ]
        report = run(ruleset(excused), log)
        assert [(o.period, o.step, o.status, o.evidence) for o in report.outcomes] == [
            ("i1", 1, "discharged", ("i1", "w1")),
            ("i1", 2, "discharged", ("i1", "w1")),
            ("i1", 3, "discharged", ("i1", "w1")),
            ("i2", 1, "unanswered", ("i2",)),
            ("i2", 2, "unanswered", ("i2",)),
            ("i2", 3, "unanswered", ("i2",)),
            ("i3", 1, "discharged", ("i3", "w3")),
            ("i3", 2, "discharged", ("i3", "w3")),
            ("i3", 3, "discharged", ("i3", "w3")),
        ]

    def test_an_unless_naming_the_response_it_comes_before_discharges_only_the_later_steps(self) -> None:
        """An `unless` event names a chain through the trigger or an earlier step's event: one
        made before the report it names does not discharge the step that report answers (the
        report is not yet an event of the chain when the withdrawal comes), but it does discharge
        the next step, open when it comes, whose chain that report is by then."""
        rule = {**CHAIN, "steps": [CHAIN["steps"][0], {"action": "feedback", "within": "promptly"}]}
        log = [
            ev("i1", "2024-03-01T10:00", "b1", "inspection"),
            ev("w1", "2024-03-01T11:00", "b1", "withdraw", ref="r1"),
            ev("r1", "2024-03-01T12:00", "b1", "written-report", ref="i1"),
        ]
        report = run(ruleset({**rule, "unless": {"action": "withdraw"}}), log)
        assert [(o.period, o.step, o.status, o.evidence) for o in report.outcomes] == [
            ("i1", 1, "met", ("i1", "r1")),
            ("i1", 2, "discharged", ("i1", "w1")),
        ]

    def test_a_response_is_searched_from_the_triggers_instant_on(self) -> None:
        """An event at the trigger's instant comes after it, wherever it stands in the log (the
        log cannot tell which came first); one before the trigger answers nothing, even naming
        it by `ref`, and is left unused. An `unless` event at the trigger's instant discharges
        the chain, and is reported once, at the first step it excuses."""
        rule = {**CHAIN, "steps": [CHAIN["steps"][0], {"action": "feedback", "within": "promptly"}]}
        log = [
            ev("r1", "2024-03-01T10:00", "b1", "written-report"),
            ev("i1", "2024-03-01T10:00", "b1", "inspection"),
            ev("r2", "2024-03-04T09:00", "b1", "written-report", ref="i2"),
            ev("i2", "2024-03-04T10:00", "b1", "inspection"),
        ]
        report = run(ruleset(rule), log)
        assert [(o.period, o.step, o.status, o.evidence) for o in report.outcomes] == [
            ("i1", 1, "met", ("i1", "r1")),
            ("i1", 2, "unanswered", ("i1",)),
            ("i2", 1, "unanswered", ("i2",)),
            ("i2", 2, "unanswered", ("i2",)),
        ]
        assert report.records.unused == 1  # r2
        log = [ev("w1", "2024-03-01T10:00", "b1", "withdraw"), ev("i1", "2024-03-01T10:00", "b1", "inspection")]
        report = run(ruleset({**rule, "unless": {"action": "withdraw"}}), log)
        assert [(o.step, o.status, o.evidence) for o in report.outcomes] == [
            (1, "discharged", ("i1", "w1")),
            (2, "discharged", ("i1", "w1")),
        ]
        [f] = report.findings
        assert (f.code.value, f.evidence, f.detail.get("step")) == ("discharged", ("i1", "w1"), 1)
        # with `same` given, an `unless` event naming the chain by `ref` is anyone's; without it,
        # the trigger's actor's own
        log = [
            ev("i1", "2024-03-01T10:00", "b1", "inspection"),
            ev("w1", "2024-03-01T11:00", "b2", "withdraw", ref="i1"),
        ]
        for unless, status in (
            ({"action": "withdraw", "same": ["subject"]}, "discharged"),
            ({"action": "withdraw"}, "unanswered"),
        ):
            report = run(ruleset({**rule, "unless": unless}), log)
            assert [o.status for o in report.outcomes] == [status, status]

    def test_the_first_misdirected_response_in_time_is_the_one_reported(self) -> None:
        """No response reaches the step's recipient: the first misdirected one in time order is
        cited, whether it is linked by ref or free (a free one before a linked one here), so a
        report coming later never displaces it, and the report it would free never moves to
        another trigger at a later audit moment."""
        rule = {**CHAIN, "steps": [{"action": "written-report", "to": "hq", "within": "promptly"}]}
        log = [
            ev("i1", "2024-03-01T10:00", "b1", "inspection"),
            ev("r2", "2024-03-01T14:00", "b1", "written-report", recipient="office", ref="i1"),
            ev("r1", "2024-03-01T12:00", "b1", "written-report", recipient="office"),
        ]
        report = run(ruleset(rule), log)
        assert [(o.period, o.status, o.evidence) for o in report.outcomes] == [("i1", "wrong-recipient", ("i1", "r1"))]
        [f] = gaps(report)
        assert (f.code.value, f.evidence, f.detail["found_recipients"]) == ("wrong-recipient", ("i1", "r1"), ["office"])

    NOTIFY: ClassVar[dict[str, Any]] = {
        "id": "notify",
        "kind": "triggered",
        "clause": "Art201",
        "trigger": {"action": "fine"},
        "steps": [{"action": "notify", "within": "90 days", "same": ["subject"]}],
        "unless": {"action": "payment", "same": ["subject"]},
    }

    def test_a_trigger_naming_no_subject_shares_it_with_no_event(self) -> None:
        """``same: [subject]`` asks a response (and an ``unless`` event) to concern the trigger's
        subject: a trigger that names none shares it with no event, as none can be shown to
        concern it, though one naming the trigger by ``ref`` still answers it. Before, a fine
        naming no case was answered by any notice naming none, and discharged by any such payment."""
        log = [
            ev("f1", "2024-01-10T00:00", "office", "fine"),
            ev("n1", "2024-01-11T00:00", "office", "notify"),
            ev("f2", "2024-01-10T00:00", "office", "fine"),
            ev("n2", "2024-01-12T00:00", "office", "notify", ref="f2"),
        ]
        report = run(ruleset({k: v for k, v in self.NOTIFY.items() if k != "unless"}), log)
        assert [(o.period, o.status, o.evidence) for o in report.outcomes] == [
            ("f1", "unanswered", ("f1",)),
            ("f2", "met", ("f2", "n2")),
        ]
        paid = [ev("f3", "2024-01-10T00:00", "office", "fine"), ev("p3", "2024-01-11T00:00", "office", "payment")]
        report = run(ruleset(self.NOTIFY), paid)
        assert [(o.period, o.status) for o in report.outcomes] == [("f3", "unanswered")]

    def test_discharge(self) -> None:
        """An `unless` event before the response discharges the obligation: reported, not met."""
        log = [
            ev("f1", "2024-01-10T00:00", "office", "fine", subject="c1"),
            ev("p1", "2024-01-12T00:00", "office", "payment", subject="c1"),
            ev("f2", "2024-01-10T00:00", "office", "fine", subject="c2"),
        ]
        report = run(ruleset(self.NOTIFY), log)
        assert [(f.code.value, f.period, f.evidence) for f in gaps(report)] == [
            ("discharged", "f1", ("f1", "p1")),
            ("unanswered", "f2", ("f2",)),
        ]
        assert gaps(report, "discharged")[0].severity == "info"

    def test_each_step_lapses_on_its_own(self) -> None:
        """A withdrawal discharges the steps still open when it comes: not a second step due the
        day after the inspection and missed by then, nor one already done. Once the first step
        was discharged, every later step was reported discharged, citing a withdrawal after its
        deadline or in place of the feedback that met it."""
        rule = {
            **CHAIN,
            "steps": [
                {"action": "written-report", "within": "7 days"},
                {"action": "feedback", "within": "1 day", "counted_from": "trigger"},
                {"action": "closure", "within": "30 days"},
            ],
            "unless": {"action": "withdraw"},
        }
        late = [ev("i1", "2024-03-01T10:00", "b1", "inspection"), ev("w1", "2024-03-05T10:00", "b1", "withdraw")]
        done = [
            ev("i1", "2024-03-01T10:00", "b1", "inspection"),
            ev("f1", "2024-03-01T11:00", "b1", "feedback"),
            ev("w1", "2024-03-01T12:00", "b1", "withdraw"),
        ]
        outcomes = [[(o.step, o.status, o.evidence) for o in run(ruleset(rule), log).outcomes] for log in (late, done)]
        assert outcomes == [
            [(1, "discharged", ("i1", "w1")), (2, "unanswered", ("i1",)), (3, "discharged", ("i1", "w1"))],
            [(1, "discharged", ("i1", "w1")), (2, "met", ("i1", "f1")), (3, "discharged", ("i1", "w1"))],
        ]
        assert [f.code.value for f in run(ruleset(rule), late).findings] == ["discharged", "unanswered"]
        # a discharged step takes no response: the report stays free for the next inspection
        report = run(
            ruleset(rule),
            [
                *late[:1],
                *late[1:],
                ev("i2", "2024-03-06T10:00", "b1", "inspection"),
                ev("r1", "2024-03-07T10:00", "b1", "written-report"),
            ],
        )
        assert [(o.period, o.step, o.status, o.evidence) for o in report.outcomes if o.step == 1] == [
            ("i1", 1, "discharged", ("i1", "w1")),
            ("i2", 1, "met", ("i2", "r1")),
        ]
        # each unless event that excuses a step is said: w1 the first step, w2 (naming the
        # feedback) the third, with the feedback between them done
        log = [
            ev("i1", "2024-03-01T10:00", "b1", "inspection"),
            ev("f1", "2024-03-01T11:00", "b1", "feedback"),
            ev("w2", "2024-03-03T10:00", "b1", "withdraw", ref="f1"),
            ev("w1", "2024-03-04T10:00", "b1", "withdraw"),
        ]
        report = run(ruleset(rule), log)
        assert [(o.step, o.status, o.evidence) for o in report.outcomes] == [
            (1, "discharged", ("i1", "w1")),
            (2, "met", ("i1", "f1")),
            (3, "discharged", ("i1", "w2")),
        ]
        assert [(f.code.value, f.detail["step"], f.evidence) for f in report.findings] == [
            ("discharged", 1, ("i1", "w1")),
            ("discharged", 3, ("i1", "w2")),
        ]

    def test_answering_a_step_starts_the_next_steps_clock_before_an_unless_event(self) -> None:
        """A step counted from the one before is due from that step's response, or, with none, from
        that step's own due moment. A report sent early moves the closure's deadline earlier,
        before the withdrawal, which then excuses nothing: the closure goes from discharged to
        unanswered. That is the deadline the rule gives, not a gap made by the report; the laws
        excuse it (docs/testing.md, law 3)."""
        rule = {
            **CHAIN,
            "steps": [
                {"action": "written-report", "within": "7 days"},
                {"action": "closure", "within": "30 days"},
            ],
            "unless": {"action": "withdraw"},
        }
        without = [ev("i1", "2024-03-01T10:00", "b1", "inspection"), ev("w1", "2024-04-03T10:00", "b1", "withdraw")]
        reported = [*without, ev("r1", "2024-03-02T10:00", "b1", "written-report")]
        outcomes = [
            [(o.step, o.status, o.due.isoformat(), o.evidence) for o in run(ruleset(rule), log).outcomes]
            for log in (without, reported)
        ]
        assert outcomes == [
            [
                (1, "unanswered", "2024-03-08T23:59:59.999999+08:00", ("i1",)),
                (2, "discharged", "2024-04-07T23:59:59.999999+08:00", ("i1", "w1")),
            ],
            [
                (1, "met", "2024-03-08T23:59:59.999999+08:00", ("i1", "r1")),
                (2, "unanswered", "2024-04-01T23:59:59.999999+08:00", ("i1",)),
            ],
        ]

    def test_a_late_response_moves_the_next_steps_deadline_later(self) -> None:
        """The closure is due a day after the report, or, with no report, a day after the report
        was due. Before a late report comes into view the closure is unanswered; once it does,
        the closure is due from it and is pending again: the one way a later audit moment takes
        a final status back (docs/testing.md, law 5)."""
        rule = {
            **CHAIN,
            "steps": [{"action": "written-report", "within": "1 day"}, {"action": "closure", "within": "1 day"}],
        }
        log = [ev("i1", "2024-03-01T10:00", "b1", "inspection"), ev("r1", "2024-03-04T01:00", "b1", "written-report")]
        seen = [
            [(o.step, o.status, o.due.date().isoformat()) for o in run(ruleset(rule), log, as_of=moment).outcomes]
            for moment in (datetime(2024, 3, 4, 0, 30, tzinfo=SH), datetime(2024, 3, 4, 12, tzinfo=SH))
        ]
        assert seen == [
            [(1, "unanswered", "2024-03-02"), (2, "unanswered", "2024-03-03")],
            [(1, "late-response", "2024-03-02"), (2, "pending", "2024-03-05")],
        ]

    @pytest.mark.parametrize(
        ("to", "payee", "status"),
        [
            ("hq", "hq", "discharged"),
            ("hq", "office", "unanswered"),  # paid, but to another party than the rule's
            ("hq", None, "unanswered"),
            ({"role": "branch"}, "b2", "discharged"),
            ({"trigger": "recipient"}, "hq", "discharged"),  # to the party the fine names
            (None, "office", "discharged"),  # to anyone
        ],
    )
    def test_an_unless_event_to_a_party_of_its_own(self, to: Any, payee: str | None, status: str) -> None:
        """`unless` with `to`: the event discharges only when addressed to that party. It was
        accepted and set aside: a payment to anyone discharged."""
        unless: dict[str, Any] = {"action": "payment", "same": ["subject"]}
        if to is not None:
            unless["to"] = to
        log = [
            ev("f1", "2024-01-10T00:00", "office", "fine", subject="c1", recipient="hq"),
            ev("p1", "2024-01-12T00:00", "office", "payment", subject="c1", recipient=payee),
        ]
        report = run(ruleset({**self.NOTIFY, "unless": unless}), log)
        assert [(o.period, o.status) for o in report.outcomes] == [("f1", status)]

    def test_a_recurring_unless_event_to_a_party_of_its_own(self) -> None:
        """The same for a recurring rule: a suspension notice discharges June's report only when
        sent to the party `unless` names."""
        rule = {**MONTHLY, "who": "b1", "unless": {"action": "suspended", "to": "hq"}}
        for recipient, status in (("hq", "discharged"), ("office", "missing")):
            log = [ev("s", "2024-06-02T10:00", "b1", "suspended", recipient=recipient)]
            report = run(ruleset(rule), log, start=date(2024, 6, 1), end=date(2024, 7, 1))
            assert [(o.period, o.status) for o in report.outcomes] == [("2024-06", status)], recipient

    @pytest.mark.parametrize(
        ("unless", "payer", "status"),
        [
            ({"action": "payment", "by": {"trigger": "subject"}}, "s1", "discharged"),  # the fined pays
            ({"action": "payment", "by": "hq", "same": []}, "hq", "discharged"),  # a named party
            ({"action": "payment", "same": []}, "s2", "discharged"),  # anyone, `same` given empty
            ({"action": "payment"}, "s1", "unanswered"),  # by default, the trigger's actor only
        ],
    )
    def test_an_unless_event_by_a_party_of_its_own(self, unless: dict[str, Any], payer: str, status: str) -> None:
        """An `unless` naming its party (`by`) is done by that party, not by the trigger's actor,
        which it is by default; a `same` given, even empty, says what it shares with the trigger."""
        rule = {**self.NOTIFY, "unless": unless}
        log = [
            ev("f1", "2024-01-10T00:00", "office", "fine", subject="s1"),
            ev("p1", "2024-01-12T00:00", payer, "payment"),
        ]
        report = run(ruleset(rule), log)
        assert [(o.period, o.status) for o in report.outcomes] == [("f1", status)]

    def test_an_unless_event_after_the_due_moment_excuses_nothing(self) -> None:
        """A fine never notified within its 90 days, paid five months later: the notice is
        unanswered, whatever the audit moment; the payment came after the step was missed. A
        payment on the last day of the 90 still discharges it."""
        log = [
            ev("f1", "2024-01-10T00:00", "office", "fine", subject="c1"),
            ev("p1", "2024-09-02T00:00", "office", "payment", subject="c1"),
            ev("f2", "2024-01-10T00:00", "office", "fine", subject="c2"),
            ev("p2", "2024-04-09T23:00", "office", "payment", subject="c2"),
        ]
        for as_of in (datetime(2024, 6, 1, tzinfo=SH), datetime(2024, 12, 31, tzinfo=SH)):
            report = run(ruleset(self.NOTIFY), log, as_of=as_of)
            assert [(f.code.value, f.period, f.evidence) for f in gaps(report)] == [
                ("unanswered", "f1", ("f1",)),
                ("discharged", "f2", ("f2", "p2")),
            ]

    def test_day_deadline_counts_local_days_across_dst(self) -> None:
        """60 days after 00:00+01:00 in Rome ends at the end of the 60th local day, past the DST change."""
        rule = {
            "id": "sixty",
            "kind": "triggered",
            "clause": "X",
            "trigger": {"action": "t"},
            "steps": [{"action": "r", "within": "60 days"}],
        }
        trig = Event(id="t1", time=datetime(2024, 3, 1, tzinfo=ROME), actor="office", action="t", seq=1)
        on_time = Event(id="r1", time=datetime(2024, 4, 30, 23, 30, tzinfo=ROME), actor="office", action="r", seq=2)
        report = run(ruleset(rule, tz="Europe/Rome"), [trig, on_time])
        assert gaps(report) == []
        [o] = report.outcomes
        assert o.due == datetime(2024, 4, 30, 23, 59, 59, 999999, tzinfo=ROME)
        assert o.due.utcoffset() == timedelta(hours=2)

    def test_hour_deadline_is_elapsed_time_and_exact_due_is_on_time(self) -> None:
        """72 hours is elapsed time; a response exactly at the due instant is on time."""
        rule = {
            "id": "gdpr",
            "kind": "triggered",
            "clause": "Art33",
            "trigger": {"action": "aware"},
            "steps": [{"action": "notify", "within": "72 hours"}],
        }
        # Across the spring DST change: 72 elapsed hours end at 13:00 local, not 12:00.
        trig = Event(id="t", time=datetime(2024, 3, 29, 12, tzinfo=ROME), actor="office", action="aware", seq=1)
        due = (trig.time.astimezone(UTC) + timedelta(hours=72)).astimezone(ROME)
        assert due.hour == 13
        exact = Event(id="n", time=due, actor="office", action="notify", seq=2)
        report = run(ruleset(rule, tz="Europe/Rome"), [trig, exact])
        assert gaps(report) == []
        assert report.outcomes[0].due.astimezone(UTC) == due.astimezone(UTC)
        late = Event(id="n", time=due.astimezone(UTC) + timedelta(seconds=1), actor="office", action="notify", seq=2)
        [f] = gaps(run(ruleset(rule, tz="Europe/Rome"), [trig, late]))
        assert (f.code.value, f.late_by_seconds) == ("late-response", 1)


class TestStepExtension:
    """The Open Government Information regulations: reply within 20 workdays of receiving an
    application; where more time is needed, with the approval of the head of the office (and the
    applicant told), at most 20 workdays more. The office records the receipt (the trigger), the
    extension notice and the reply, each naming the receipt by ``ref``."""

    RULE: ClassVar[dict[str, Any]] = {
        "id": "ogi-reply",
        "kind": "triggered",
        "clause": "OGI Art. 33",
        "trigger": {"action": "application-received", "by": "office"},
        "steps": [
            {
                "action": "reply",
                "by": "office",
                "within": "20 workdays",
                "extension": {
                    "action": "extension-notice",
                    "within": "0 days",
                    "extends_by": "20 workdays",
                    "clause": "OGI Art. 33(2)",
                },
            }
        ],
    }
    AS_OF = datetime(2025, 6, 1, tzinfo=SH)

    @staticmethod
    def end_of(day: str) -> datetime:
        return datetime.fromisoformat(f"{day}T23:59:59.999999+08:00")

    def check(self, log: list[Event], rule: dict[str, Any] | None = None, **kw: Any) -> Report:
        kw.setdefault("as_of", self.AS_OF)
        return run(ruleset(rule or self.RULE, calendar="CN"), log, start=date(2024, 12, 1), end=date(2025, 3, 1), **kw)

    def test_a_reply_within_the_extension_is_met_and_cites_the_notice(self) -> None:
        """Received on 20 January 2025, the reply is due on 21 February (20 workdays across the
        Spring Festival); the notice of 20 February moves it to 21 March, and the reply of 10
        March is met, its outcome citing the notice after the reply."""
        log = [
            ev("a1", "2025-01-20T10:00", "office", "application-received"),
            ev("x1", "2025-02-20T10:00", "office", "extension-notice", ref="a1"),
            ev("r1", "2025-03-10T10:00", "office", "reply", ref="a1"),
        ]
        report = self.check(log)
        assert [(o.period, o.step, o.status, o.due, o.evidence) for o in report.outcomes] == [
            ("a1", 1, "met", self.end_of("2025-03-21"), ("a1", "r1", "x1"))
        ]
        assert gaps(report) == []
        assert (report.records.used, report.records.unused, report.unmatched_actions) == (3, 0, ())

    def test_a_reply_after_the_extension_is_late_and_says_the_notice(self) -> None:
        """A reply on 24 March, after the extended due moment (21 March), is a late response at
        that moment; the finding cites the notice and says the prescribed due moment."""
        log = [
            ev("a1", "2025-01-20T10:00", "office", "application-received"),
            ev("x1", "2025-02-20T10:00", "office", "extension-notice", ref="a1"),
            ev("r1", "2025-03-24T10:00", "office", "reply", ref="a1"),
        ]
        [f] = gaps(self.check(log))
        assert (f.code.value, f.period, f.due, f.evidence, f.clause) == (
            "late-response",
            "a1",
            self.end_of("2025-03-21"),
            ("a1", "r1", "x1"),
            "OGI Art. 33",
        )
        assert f.detail == {
            "step": 1,
            "trigger": "a1",
            "extension": "x1",
            "prescribed_due": "2025-02-21T23:59:59.999999+08:00",
            "extension_clause": "OGI Art. 33(2)",
            "late_workdays": 1,
        }
        assert f.message.endswith("; the due moment moved from 2025-02-21 23:59:59 +08:00 by extension-notice x1")
        zh = gaps(self.check(log, lang="zh"))[0].message
        assert zh.endswith(";截止时间因 extension-notice x1 由 2025-02-21 23:59:59 +08:00 顺延")

    def test_an_extension_made_too_late_is_ignored_and_said(self) -> None:
        """A notice after the prescribed due moment (``within: 0 days``) extends nothing: the
        reply of 10 March is late against 21 February, and an application never answered is
        unanswered there; each finding cites the notice and says it came too late."""
        log = [
            ev("a1", "2025-01-20T10:00", "office", "application-received"),
            ev("x1", "2025-02-24T10:00", "office", "extension-notice", ref="a1"),
            ev("r1", "2025-03-10T10:00", "office", "reply", ref="a1"),
            ev("a2", "2025-01-21T10:00", "office", "application-received"),
            ev("x2", "2025-02-25T10:00", "office", "extension-notice", ref="a2"),
        ]
        report = self.check(log)
        assert [(f.code.value, f.period, f.due, f.evidence, f.detail.get("late_extension")) for f in gaps(report)] == [
            ("late-response", "a1", self.end_of("2025-02-21"), ("a1", "r1", "x1"), ["x1"]),
            ("unanswered", "a2", self.end_of("2025-02-24"), ("a2", "x2"), ["x2"]),
        ]
        assert "extension" not in gaps(report)[0].detail
        assert gaps(report)[0].message.endswith(
            "; extension-notice x1 came too late to extend it (after 2025-02-21 23:59:59 +08:00)"
        )
        zh = self.check(log, lang="zh").findings[1].message
        assert zh.endswith(";extension-notice x2 晚于 2025-02-24 23:59:59 +08:00,未能顺延截止时间")

    def test_an_extension_in_workdays_crosses_a_holiday(self) -> None:
        """Received on 30 December 2024, the reply is due on Monday 27 January 2025; 20 more
        workdays, counted past the Spring Festival holiday (28 January to 4 February) and with its
        working Saturday (8 February), end on 3 March, not on 16 February as 20 days would."""
        log = [
            ev("a1", "2024-12-30T10:00", "office", "application-received"),
            ev("x1", "2025-01-27T16:00", "office", "extension-notice", ref="a1"),
            ev("r1", "2025-03-03T17:00", "office", "reply", ref="a1"),
        ]
        report = self.check(log)
        assert [(o.status, o.due, o.evidence) for o in report.outcomes] == [
            ("met", self.end_of("2025-03-03"), ("a1", "r1", "x1"))
        ]
        in_days = {**self.RULE, "steps": [{**self.RULE["steps"][0]}]}
        in_days["steps"][0]["extension"] = {**in_days["steps"][0]["extension"], "extends_by": "20 days"}
        [f] = gaps(self.check(log, in_days))
        assert (f.code.value, f.due) == ("late-response", self.end_of("2025-02-16"))

    def test_a_notice_after_the_reply_moves_nothing(self) -> None:
        """The step was answered (late) before the notice came: the notice, in time by ``within``,
        extends nothing and is unused."""
        rule = {**self.RULE, "steps": [{**self.RULE["steps"][0]}]}
        rule["steps"][0]["extension"] = {**rule["steps"][0]["extension"], "within": "5 workdays"}
        log = [
            ev("a1", "2025-01-20T10:00", "office", "application-received"),
            ev("r1", "2025-02-24T10:00", "office", "reply", ref="a1"),
            ev("x1", "2025-02-25T10:00", "office", "extension-notice", ref="a1"),
        ]
        report = self.check(log, rule)
        [f] = gaps(report)
        assert (f.code.value, f.due, f.evidence, f.detail) == (
            "late-response",
            self.end_of("2025-02-21"),
            ("a1", "r1"),
            {"step": 1, "trigger": "a1", "late_workdays": 1},
        )
        assert report.records.unused == 1

    def test_a_reply_naming_the_notice_answers_the_chain(self) -> None:
        """The notice that extended a step is an event of its chain: a reply naming the notice by
        ``ref`` (the applicant was told of the extension, and the reply answers that letter)
        answers the application."""
        log = [
            ev("a1", "2025-01-20T10:00", "office", "application-received"),
            ev("x1", "2025-02-20T10:00", "office", "extension-notice", ref="a1"),
            ev("r1", "2025-03-10T10:00", "office", "reply", ref="x1"),
        ]
        report = self.check(log)
        assert [(o.status, o.evidence) for o in report.outcomes] == [("met", ("a1", "r1", "x1"))]
        assert gaps(report) == []

    def test_a_notice_is_linked_to_its_trigger_as_the_reply_is(self) -> None:
        """Under ``same: [subject]`` a notice naming no trigger extends the chain of the
        application it is about, and not another's; one by another party (the vice principal,
        where the step is the office's) extends nothing."""
        rule = {**self.RULE, "steps": [{**self.RULE["steps"][0], "same": ["subject"]}]}
        log = [
            ev("a1", "2025-01-20T10:00", "office", "application-received", subject="A1"),
            ev("a2", "2025-01-20T11:00", "office", "application-received", subject="A2"),
            ev("a3", "2025-01-20T12:00", "office", "application-received", subject="A3"),
            ev("x2", "2025-02-20T10:00", "office", "extension-notice", subject="A2"),
            ev("x3", "2025-02-20T10:00", "vp", "extension-notice", subject="A3"),
            ev("r1", "2025-03-10T10:00", "office", "reply", subject="A1"),
            ev("r2", "2025-03-10T10:00", "office", "reply", subject="A2"),
            ev("r3", "2025-03-10T10:00", "office", "reply", subject="A3"),
        ]
        report = self.check(log, rule)
        assert [(o.period, o.status, o.due, o.evidence) for o in report.outcomes] == [
            ("a1", "late-response", self.end_of("2025-02-21"), ("a1", "r1")),
            ("a2", "met", self.end_of("2025-03-21"), ("a2", "r2", "x2")),
            ("a3", "late-response", self.end_of("2025-02-21"), ("a3", "r3")),
        ]

    def test_an_extended_step_not_yet_due_is_pending_at_its_moved_due_moment(self) -> None:
        """With notices allowed up to 5 workdays after the prescribed due moment (21 February),
        one on 24 February: as of 23 February the step is unanswered, the notice not yet in view;
        as of 25 February it is pending, due 21 March; as of 24 March, with no reply, unanswered
        at the moved due moment."""
        rule = {**self.RULE, "steps": [{**self.RULE["steps"][0]}]}
        rule["steps"][0]["extension"] = {**rule["steps"][0]["extension"], "within": "5 workdays"}
        log = [
            ev("a1", "2025-01-20T10:00", "office", "application-received"),
            ev("x1", "2025-02-24T10:00", "office", "extension-notice", ref="a1"),
        ]
        seen = [
            [
                (f.code.value, f.due, f.evidence)
                for f in gaps(self.check(log, rule, as_of=datetime(2025, m, d, tzinfo=SH)))
            ]
            for m, d in ((2, 23), (2, 25), (3, 24))
        ]
        assert seen == [
            [("unanswered", self.end_of("2025-02-21"), ("a1",))],
            [("pending", self.end_of("2025-03-21"), ("a1", "x1"))],
            [("unanswered", self.end_of("2025-03-21"), ("a1", "x1"))],
        ]


class TestPartyNamedByTheTrigger:
    """A reply to an applicant outside the organisation: the office records each application it
    receives, naming the applicant in an attribute, and the step is addressed
    ``to: {trigger: attributes.applicant}``."""

    RULE: ClassVar[dict[str, Any]] = {
        "id": "reply",
        "kind": "triggered",
        "clause": "OGI Art. 33",
        "trigger": {"action": "application-received", "by": "office"},
        "steps": [{"action": "reply", "to": {"trigger": "attributes.applicant"}, "within": "20 days"}],
    }

    def test_a_reply_goes_to_the_party_the_triggers_attribute_names(self) -> None:
        """A reply to the applicant a1 names is met (a number naming one is its digits); one to
        another is `wrong-recipient`, naming the applicant expected; an application naming no
        applicant cannot be answered, and says so. The applicants, outside the organisation and
        named only as recipients and in attributes, give no `unknown-actor` warning."""
        log = [
            ev("a1", "2024-03-01T10:00", "office", "application-received", attributes={"applicant": "applicant-7"}),
            ev("r1", "2024-03-05T10:00", "office", "reply", ref="a1", recipient="applicant-7"),
            ev("a2", "2024-03-01T11:00", "office", "application-received", attributes={"applicant": "applicant-8"}),
            ev("r2", "2024-03-05T11:00", "office", "reply", ref="a2", recipient="applicant-9"),
            ev("a3", "2024-03-01T12:00", "office", "application-received"),
            ev("a4", "2024-03-01T13:00", "office", "application-received", attributes={"applicant": 1007}),
            ev("r4", "2024-03-05T13:00", "office", "reply", ref="a4", recipient="1007"),
        ]
        report = run(ruleset(self.RULE), log)
        assert [(o.period, o.status, o.evidence) for o in report.outcomes] == [
            ("a1", "met", ("a1", "r1")),
            ("a2", "wrong-recipient", ("a2", "r2")),
            ("a3", "unanswered", ("a3",)),
            ("a4", "met", ("a4", "r4")),
        ]
        wrong, unanswered = gaps(report)
        assert (wrong.code.value, wrong.detail["expected_recipient"], wrong.detail["found_recipients"]) == (
            "wrong-recipient",
            "applicant-8",
            ["applicant-9"],
        )
        assert wrong.message == (
            "Office sent step 1 of reply for a2 to applicant-9 instead of applicant-8 (due 2024-03-21 23:59:59 +08:00)"
        )
        assert unanswered.code.value == "unanswered"
        assert "reply to the applicant that a3 does not name" in unanswered.message
        assert "a3 未载明的属性 applicant" in gaps(run(ruleset(self.RULE), log, lang="zh"))[1].message

    def test_a_reply_goes_to_the_triggers_actor_outside_the_organisation(self) -> None:
        """``to: {trigger: actor}``: the applicant's own application is the trigger, and the reply
        goes to its actor; the applicant's event is said in an `unknown-actor` warning, as any
        event of an actor outside the organisation is, where a receipt recorded by the office
        (above) gives none."""
        rule = {
            **self.RULE,
            "trigger": {"action": "apply"},
            "steps": [{"action": "reply", "by": "office", "to": {"trigger": "actor"}, "within": "20 days"}],
        }
        log = [
            ev("a1", "2024-03-01T10:00", "applicant-7", "apply"),
            ev("r1", "2024-03-05T10:00", "office", "reply", ref="a1", recipient="applicant-7"),
            ev("a2", "2024-03-01T11:00", "applicant-8", "apply"),
            ev("r2", "2024-03-05T11:00", "office", "reply", ref="a2", recipient="applicant-9"),
        ]
        report = run(ruleset(rule), log)
        assert [(o.period, o.status) for o in report.outcomes] == [("a1", "met"), ("a2", "wrong-recipient")]
        assert [(f.code.value, f.actor) for f in gaps(report)] == [
            ("wrong-recipient", "office"),
            ("unknown-actor", "applicant-7"),
            ("unknown-actor", "applicant-8"),
        ]

    def test_a_step_done_by_the_party_an_attribute_names(self) -> None:
        """``by: {trigger: attributes.handled_by}``: the case handler the receipt names answers it;
        a reply by another is not that step's response."""
        rule = {
            **self.RULE,
            "steps": [{"action": "reply", "by": {"trigger": "attributes.handled_by"}, "within": "20 days"}],
        }
        log = [
            ev("a1", "2024-03-01T10:00", "office", "application-received", attributes={"handled_by": "vp"}),
            ev("r1", "2024-03-05T10:00", "vp", "reply", ref="a1"),
            ev("a2", "2024-03-01T11:00", "office", "application-received", attributes={"handled_by": "dean"}),
            ev("r2", "2024-03-05T11:00", "vp", "reply", ref="a2"),
        ]
        report = run(ruleset(rule), log)
        assert sorted((o.period, o.status, o.actor) for o in report.outcomes) == [
            ("a1", "met", "vp"),
            ("a2", "unanswered", "dean"),
        ]


class TestRelationOfTheTrigger:
    """``{trigger: actor, relation: schools}``: any member of that relation of the trigger's actor
    (b1's schools are s1 and s2; b2's school is s3)."""

    TO: ClassVar[dict[str, Any]] = {
        **CHAIN,
        "steps": [{"action": "feedback", "to": {"trigger": "actor", "relation": "schools"}, "within": "promptly"}],
    }
    BY: ClassVar[dict[str, Any]] = {
        **CHAIN,
        "steps": [{"action": "feedback", "by": {"trigger": "actor", "relation": "schools"}, "within": "promptly"}],
    }

    def test_a_step_addressed_to_a_member_of_the_relation(self) -> None:
        """Feedback to one of the inspecting branch's own schools answers; to another branch's
        school it is wrong-recipient, naming every school it could have gone to."""
        log = [
            ev("i1", "2024-03-01T10:00", "b1", "inspection"),
            ev("f1", "2024-03-02T10:00", "b1", "feedback", recipient="s2"),
            ev("i2", "2024-03-01T11:00", "b1", "inspection"),
            ev("f2", "2024-03-02T11:00", "b1", "feedback", recipient="s3"),
            ev("i3", "2024-03-01T12:00", "b2", "inspection"),
            ev("f3", "2024-03-02T12:00", "b2", "feedback", recipient="s1"),
        ]
        report = run(ruleset(self.TO), log)
        assert [(o.period, o.status, o.evidence) for o in report.outcomes] == [
            ("i1", "met", ("i1", "f1")),
            ("i2", "wrong-recipient", ("i2", "f2")),
            ("i3", "wrong-recipient", ("i3", "f3")),
        ]
        two, one = gaps(report)
        assert (two.detail["expected_recipient"], two.detail["found_recipients"]) == ("relation:schools:b1", ["s3"])
        assert (one.detail["expected_recipient"], one.detail["found_recipients"]) == ("s3", ["s1"])
        assert "to s3 instead of s1 or s2" in two.message
        assert "to s1 instead of s3" in one.message

    def test_a_step_done_by_a_member_of_the_relation(self) -> None:
        """Feedback from one of the branch's schools answers; from another branch's school it is
        no answer at all. The obligated party is the one member, or the relation when it has
        several; a relation with none is named as the reports head it, "the members of relation
        schools of Headquarters", "总部的 schools 关系成员" (it read "schools of Headquarters",
        and "总部的schools" in Chinese, the id run into the words)."""
        log = [
            ev("i1", "2024-03-01T10:00", "b1", "inspection"),
            ev("f1", "2024-03-02T10:00", "s1", "feedback"),
            ev("i2", "2024-03-01T12:00", "b2", "inspection"),
            ev("f2", "2024-03-02T12:00", "s1", "feedback"),
        ]
        report = run(ruleset(self.BY), log)
        assert [(o.period, o.actor, o.status, o.evidence) for o in report.outcomes] == [
            ("i1", "relation:schools:b1", "met", ("i1", "f1")),
            ("i2", "s3", "unanswered", ("i2",)),
        ]
        # an actor without the relation: the obligated party is named by the relation
        anyone = {**self.BY, "trigger": {"action": "inspection"}}
        zh = run(ruleset(anyone), [ev("i9", "2024-03-01T10:00", "hq", "inspection")], lang="zh")
        assert [(f.code.value, f.actor) for f in zh.findings] == [("unanswered", "relation:schools:hq")]
        assert zh.findings[0].message.startswith("总部的 schools 关系成员 未在 inspection i9")
        [en] = run(ruleset(anyone), [ev("i9", "2024-03-01T10:00", "hq", "inspection")]).findings
        assert en.message.startswith("the members of relation schools of Headquarters never did step 1")

    def test_a_trigger_naming_no_subject_is_said_to_name_none(self) -> None:
        """A step owed to, or by, the trigger's subject when the trigger names none cannot be shown
        met; the message says whose subject is missing rather than leaving a blank."""
        log = [
            ev("i1", "2024-03-01T10:00", "b1", "inspection"),
            ev("w1", "2024-03-01T16:00", "b1", "written-report", ref="i1"),
            ev("f1", "2024-03-02T10:00", "b1", "feedback", ref="i1"),
        ]
        report = run(ruleset(CHAIN), log)
        assert [(o.step, o.status, o.evidence) for o in report.outcomes] == [
            (1, "met", ("i1", "w1")),
            (2, "wrong-recipient", ("i1", "f1")),
        ]
        [f] = gaps(report)
        assert (f.detail["expected_recipient"], f.detail["found_recipients"]) == (None, [None])
        assert "with no recipient instead of to the subject that i1 does not name (due" in f.message
        [zh] = gaps(run(ruleset(CHAIN), log, lang="zh"))
        assert "i1 未载明的对象" in zh.message
        by_subject = {**CHAIN, "steps": [{"action": "feedback", "by": {"trigger": "subject"}, "within": "promptly"}]}
        [unanswered] = gaps(run(ruleset(by_subject), log[:1]))
        assert (unanswered.code.value, unanswered.actor) == ("unanswered", "b1")
        assert unanswered.message.startswith("the subject that i1 does not name never did step 1 ")
        # owed to the subject the trigger does not name, and never done: the message says to whom
        [unanswered] = gaps(run(ruleset(CHAIN), log[:2]))
        assert (unanswered.code.value, unanswered.detail["step"], unanswered.evidence) == ("unanswered", 2, ("i1",))
        assert "(feedback to the subject that i1 does not name) after inspection i1" in unanswered.message
        [zh] = gaps(run(ruleset(CHAIN), log[:2], lang="zh"))
        assert "feedback(报送 i1 未载明的对象)" in zh.message

    def test_an_approval_by_a_member_of_the_relation_of_the_guarded_events_actor(self) -> None:
        """In a prerequisite the trigger is the guarded event: b1's lecture needs approval by one
        of b1's schools."""
        rule = {**PREREQ, "requires": [{"action": "approve", "by": {"trigger": "actor", "relation": "schools"}}]}
        log = [
            ev("a1", "2024-04-01T09:00", "s2", "approve", subject="talk-1"),
            ev("l1", "2024-04-01T10:00", "b1", "lecture", subject="talk-1"),
            ev("a2", "2024-04-01T09:00", "s3", "approve", subject="talk-2"),
            ev("l2", "2024-04-01T10:00", "b1", "lecture", subject="talk-2"),
        ]
        report = run(ruleset(rule), log)
        assert [(o.period, o.status) for o in report.outcomes] == [("l1", "met"), ("l2", "unapproved")]
        [f] = gaps(report)
        # s3's approval of talk-2 is not one of b1's schools': cited, and said as another's
        assert (f.code.value, f.period, f.evidence) == ("unapproved", "l2", ("l2", "a2"))
        assert [(m["problem"], m["events"]) for m in f.detail["missing"]] == [("other-party", ["a2"])]
        assert "lacks approve by s1 or s2 (found only by another: a2 by s3)" in f.message


PREREQ = {
    "id": "lecture-approval",
    "kind": "prerequisite",
    "clause": "D2.3.3",
    "action": "lecture",
    "requires": [{"action": "approve", "by": {"role": "vp"}}],
}


DEAN_REPORT: dict[str, Any] = {
    "id": "dean-report",
    "kind": "recurring",
    "clause": "F1",
    "who": {"role": "faculty", "relation": "deans"},
    "action": "report",
    "to": {"counterpart": True},
    "every": "quarter",
}
"""A faculty's quarterly report to its dean (a member of its relation `deans`)."""


def _faculty(*, dean_a_to: str, dean_b_from: str) -> Actor:
    """A faculty whose dean is dean-a until ``dean_a_to`` and dean-b from ``dean_b_from``."""
    return Actor.model_validate(
        {
            "id": "faculty",
            "roles": ["faculty"],
            "relations": {"deans": [{"actor": "dean-a", "to": dean_a_to}, {"actor": "dean-b", "from": dean_b_from}]},
        }
    )


def _with_deans(faculty: Actor) -> Organisation:
    """The test organisation with ``faculty`` and its two deans."""
    deans = [Actor.model_validate({"id": d, "roles": ["dean"]}) for d in ("dean-a", "dean-b")]
    return ORG.model_copy(update={"actors": [*ORG.actors, faculty, *deans]})


DEAN_REVIEW: dict[str, Any] = {
    "id": "incident",
    "kind": "triggered",
    "clause": "F2",
    "trigger": {"action": "incident", "by": {"role": "faculty"}},
    "steps": [{"action": "review", "by": {"trigger": "actor", "relation": "deans"}, "within": "5 days"}],
}
"""After a faculty's incident, a review by its dean (a member of its relation `deans`) within 5 days."""


class TestPrerequisite:
    def test_an_approval_by_another_party_is_said_and_cited(self) -> None:
        """The lecture needs the vice principal's approval; the dean approved it (a minute signed
        by the secretary, not the chair): unapproved, its problem ``other-party``, the dean's
        approval cited and named with whose it is. One by another party after the event is none
        before it."""
        log = [
            ev("a1", "2024-04-01T09:00", "dean", "approve", subject="talk-1"),
            ev("l1", "2024-04-01T10:00", "s1", "lecture", subject="talk-1"),
            ev("l2", "2024-04-02T10:00", "s1", "lecture", subject="talk-2"),
            ev("a2", "2024-04-02T11:00", "dean", "approve", subject="talk-2"),
        ]
        report = run(ruleset(PREREQ), log)
        found = [
            (f.period, f.evidence, [(m["problem"], m["events"]) for m in f.detail["missing"]]) for f in gaps(report)
        ]
        assert found == [("l1", ("l1", "a1"), [("other-party", ["a1"])]), ("l2", ("l2",), [("none", [])])]
        assert gaps(report)[0].message.endswith(
            "lacks approve by the holder of role vp (found only by another: a1 by dean)"
        )
        assert report.records.used == 3  # a1 is cited; a2 is not
        [zh, _] = gaps(run(ruleset(PREREQ), log, lang="zh"))
        assert zh.message.endswith("(仅见他人所为:a1(dean))")

    def test_unapproved(self) -> None:
        """A lecture with no approval is `unapproved`, naming the missing approval."""
        [f] = gaps(run(ruleset(PREREQ), [ev("l1", "2024-04-01T10:00", "s1", "lecture", subject="talk-1")]))
        assert (f.code.value, f.actor, f.period, f.evidence) == ("unapproved", "s1", "l1", ("l1",))
        assert f.detail["missing"] == [
            {"requirement": "approve", "by": {"role": "vp"}, "problem": "none", "events": []}
        ]

    def test_approval_after_the_event_is_named(self) -> None:
        """An approval that came after the event is reported as such inside `unapproved`."""
        log = [
            ev("l1", "2024-04-01T10:00", "s1", "lecture", subject="talk-1"),
            ev("a1", "2024-04-02T10:00", "vp", "approve", subject="talk-1"),
        ]
        [f] = gaps(run(ruleset(PREREQ), log))
        assert f.code.value == "unapproved"
        assert f.detail["missing"][0]["problem"] == "after"
        assert f.detail["missing"][0]["events"] == ["a1"]
        assert "came after the event" in f.message

    def test_approved_by_ref_and_wrong_role(self) -> None:
        """An approval linked by ref counts; one by someone without the role does not."""
        log = [
            ev("a1", "2024-04-01T09:00", "vp", "approve"),
            ev("l1", "2024-04-01T10:00", "s1", "lecture", ref="a1"),
            ev("a2", "2024-04-01T09:00", "office", "approve"),
            ev("l2", "2024-04-01T10:00", "s2", "lecture", ref="a2"),
        ]
        report = run(ruleset(PREREQ), log)
        assert [(f.code.value, f.period) for f in gaps(report)] == [("unapproved", "l2")]
        assert [(o.period, o.status, o.evidence) for o in report.outcomes if o.status == "met"] == [
            ("l1", "met", ("l1", "a1"))
        ]

    def test_an_approval_counts_only_while_its_approver_holds_the_role(self) -> None:
        """One approver approves twice, before and after its role ends; another, who never held
        the role, approves twice too: only the first approval counts, each time it is asked."""
        org = ORG.model_copy(
            update={
                "actors": [
                    *ORG.actors,
                    Actor.model_validate({"id": "acting", "roles": [{"role": "vp", "to": "2024-04-30"}]}),
                ]
            }
        )
        log = [
            ev(f"{who}-{month}-{kind}", f"2024-{month}-01T{hour}:00", actor, action, subject=f"{who}-{month}")
            for who, actor in (("a", "acting"), ("o", "office"))
            for month in ("04", "05")
            for kind, hour, action in (("ok", "09", "approve"), ("talk", "10", "lecture"))
        ]
        report = run(ruleset(PREREQ), log, org=org)
        assert sorted((o.period, o.status) for o in report.outcomes) == [
            ("a-04-talk", "met"),
            ("a-05-talk", "unapproved"),
            ("o-04-talk", "unapproved"),
            ("o-05-talk", "unapproved"),
        ]

    def test_a_comparison_selects_the_events_whose_attribute_is_a_number_within_it(self) -> None:
        """Purchases over 50,000 need approval (`where: {amount: {gt: 50000}}`): a JSON number,
        text written as a number (blanks, a decimal point, an exponent), or a list holding one
        above the bound is selected; 50,000 itself, text that is no plain number (a thousands
        separator), a boolean and a missing amount are not."""
        amounts: dict[str, Any] = {
            "int": 60000,
            "text": "75000.50",
            "exponent": " 6e4 ",
            "list": ["100", "60001"],
            "bound": "50000",
            "float-bound": 50000.0,
            "separator": "60,000",
            "boolean": True,
            "none": None,
        }
        log = [
            ev(name, "2024-03-01T10:00", "office", "purchase", subject=name, attributes={"amount": amount})
            for name, amount in amounts.items()
            if amount is not None
        ] + [ev("missing", "2024-03-01T10:00", "office", "purchase", subject="missing")]
        rule = {**PREREQ, "action": "purchase", "where": {"amount": {"gt": 50000}}}
        report = run(ruleset(rule), log)
        assert sorted(o.period for o in report.outcomes) == ["exponent", "int", "list", "text"]
        assert {o.status for o in report.outcomes} == {"unapproved"}
        within = {**rule, "where": {"amount": {"gte": 50000, "lt": 60000}}}
        assert sorted(o.period for o in run(ruleset(within), log).outcomes) == ["bound", "float-bound"]
        # the content rule docs/rules.md pairs it with: an amount not written as a plain number is a finding
        plain = {"type": ["number", "string"], "pattern": "^ *[+-]?[0-9]+(\\.[0-9]*)? *$"}
        content = {
            "id": "amount-readable",
            "kind": "content",
            "clause": "D2.3.3",
            "action": "purchase",
            "schema": {"properties": {"attributes": {"required": ["amount"], "properties": {"amount": plain}}}},
        }
        flagged = [o.period for o in run(ruleset(content), log).outcomes if o.status == "missing-content"]
        assert sorted(flagged) == ["boolean", "exponent", "list", "missing", "separator"]

    def test_text_beyond_a_float_is_a_number_and_a_float_that_is_none_is_not(self) -> None:
        """Text is read as an exact decimal with no limit of size: `1e400` (no float holds it) is
        above 50,000 and `-1e400` below, and `1e-400` is above 0. A float that is no number (an
        infinity or NaN, which a log's reader refuses but an event made in Python may hold) meets
        no bound, as text that is no number does not."""
        amounts: dict[str, Any] = {
            "huge": "1e400",
            "tiny": "1e-400",
            "negative": "-1e400",
            "infinity": math.inf,
            "negative-infinity": -math.inf,
            "nan": math.nan,
        }
        log = [
            ev(name, "2024-03-01T10:00", "office", "purchase", subject=name, attributes={"amount": amount})
            for name, amount in amounts.items()
        ]
        for where, selected in (
            ({"gt": 50000}, ["huge"]),
            ({"lt": 0}, ["negative"]),
            ({"gt": 0, "lt": 1}, ["tiny"]),
        ):
            rule = {**PREREQ, "action": "purchase", "where": {"amount": where}}
            assert sorted(o.period for o in run(ruleset(rule), log).outcomes) == selected, where

    def test_an_actor_approves_nothing_on_a_day_it_does_not_exist(self) -> None:
        """The former vice principal holds the role without dates but exists only until 30 June
        (`active`): its approval of 1 July approves nothing, whether the approver is asked for by
        role, by name, or as a member of the lecturer's relation, and the outcome says another
        party approved; its approval of 1 June still counts."""
        former = Actor.model_validate({"id": "former-vp", "roles": ["vp"], "active": {"to": "2024-06-30"}})
        lecturer = Actor.model_validate({"id": "lecturer", "relations": {"deans": ["former-vp"]}})
        org = ORG.model_copy(update={"actors": [*ORG.actors, former, lecturer]})
        log = [
            ev(f"{month}-ok", f"2024-{month}-01T09:00", "former-vp", "approve", subject=f"talk-{month}")
            for month in ("06", "07")
        ] + [
            ev(f"{month}-talk", f"2024-{month}-02T10:00", "lecturer", "lecture", subject=f"talk-{month}")
            for month in ("06", "07")
        ]
        for by in ({"role": "vp"}, {"actor": "former-vp"}, {"trigger": "actor", "relation": "deans"}):
            rule = {**PREREQ, "requires": [{"action": "approve", "by": by}]}
            report = run(ruleset(rule), log, org=org)
            assert [(o.period, o.status, o.evidence) for o in report.outcomes] == [
                ("06-talk", "met", ("06-talk", "06-ok")),
                ("07-talk", "unapproved", ("07-talk", "07-ok")),
            ], by
            [f, said] = gaps(report)
            assert (said.code.value, said.actor, said.evidence) == ("unknown-actor", "former-vp", ("07-ok",))
            assert (f.period, f.detail["missing"][0]["problem"], f.detail["missing"][0]["events"]) == (
                "07-talk",
                "other-party",
                ["07-ok"],
            ), by
        # nor is a report sent to it then sent to the role's holder
        to_vp = {**MONTHLY, "who": "b1", "to": {"role": "vp"}}
        reports = [ev(f"r{m}", f"2024-{m:02d}-20T10:00", "b1", "report", recipient="former-vp") for m in (6, 7)]
        report = run(ruleset(to_vp), reports, org=org, start=date(2024, 6, 1), end=date(2024, 8, 1))
        assert [(o.period, o.status, o.evidence) for o in report.outcomes] == [
            ("2024-06", "met", ("r6",)),
            ("2024-07", "wrong-recipient", ("r7",)),
        ]

    def test_an_approval_by_the_party_on_other_days_says_why_not_on_its_own(self) -> None:
        """An approval by the very actor a requirement names, or by a holder of its role, made on
        a day it was not the party, is cited as another party's with why, as the message names
        that actor or role just before: outside its `active` dates ("not active on 2024-07-01"),
        or holding the role on other dates only ("not holding role vp on 2024-05-01"); in
        Chinese too. An approval by an actor that is never the party is named alone."""
        former = Actor.model_validate(
            {
                "id": "former-vp",
                "name": {"en": "Former VP", "zh": "前副校长"},
                "roles": ["vp"],
                "active": {"to": "2024-06-30"},
            }
        )
        acting = Actor.model_validate(
            {
                "id": "acting",
                "name": {"en": "Acting VP", "zh": "代理副校长"},
                "roles": [{"role": "vp", "to": "2024-04-30"}],
            }
        )
        org = ORG.model_copy(update={"actors": [*ORG.actors, former, acting]})
        cases = (
            (
                {"actor": "former-vp"},
                "former-vp",
                "2024-07-01",
                "(not active on 2024-07-01)",
                "2024-07-01 当日不在有效期内",
            ),
            ({"role": "vp"}, "former-vp", "2024-07-01", "(not active on 2024-07-01)", "2024-07-01 当日不在有效期内"),
            ({"role": "vp"}, "acting", "2024-05-01", "(not holding role vp on 2024-05-01)", "2024-05-01 当日未担任 vp"),
        )
        for by, approver, day, said, said_zh in cases:
            log = [
                ev("ok", f"{day}T09:00", approver, "approve", subject="talk"),
                ev("no", f"{day}T09:30", "office", "approve", subject="talk"),
                ev("talk", f"{day}T10:00", "b1", "lecture", subject="talk"),
            ]
            rule = {**PREREQ, "requires": [{"action": "approve", "by": by}]}
            [f] = gaps(run(ruleset(rule), log, org=org), "unapproved")
            assert (f.code.value, f.detail["missing"][0]["problem"], f.detail["missing"][0]["events"]) == (
                "unapproved",
                "other-party",
                ["ok", "no"],
            ), by
            name = {"former-vp": "Former VP", "acting": "Acting VP"}[approver]
            assert f.message.endswith(f"(found only by another: ok by {name} {said}, no by Office)"), (by, f.message)
            [zh] = gaps(run(ruleset(rule), log, org=org, lang="zh"), "unapproved")
            name_zh = {"former-vp": "前副校长", "acting": "代理副校长"}[approver]
            assert zh.message.endswith(f"(仅见他人所为:ok({name_zh},{said_zh})、no(办公室))"), zh.message

    def test_a_relation_member_for_some_dates_is_a_counterpart_and_an_approver_on_those_dates(self) -> None:
        """The faculty's dean changes on 1 July (`relations: {deans: [{actor, to}, {actor, from}]}`):
        its monthly report to its dean is owed to the outgoing dean through June and to the new
        one from July (not both); an approval asked of its dean is the new dean's from July, the
        outgoing dean's approval of August approving nothing."""
        from govrules import obligations

        faculty = _faculty(dean_a_to="2024-06-30", dean_b_from="2024-07-01")
        org = _with_deans(faculty)
        assert faculty.members("deans") == ["dean-a", "dean-b"]
        assert faculty.members("deans", date(2024, 7, 1)) == ["dean-b"]
        owed = obligations(ruleset(DEAN_REPORT), org, start=date(2024, 1, 1), end=date(2025, 1, 1))
        assert [(o.counterpart, o.period) for o in owed] == [
            ("dean-a", "2024-Q1"),
            ("dean-a", "2024-Q2"),
            ("dean-b", "2024-Q3"),
            ("dean-b", "2024-Q4"),
        ]
        log = [
            ev("ok-a", "2024-08-01T09:00", "dean-a", "approve", subject="trip-1"),
            ev("trip-1", "2024-08-02T09:00", "faculty", "trip", subject="trip-1"),
            ev("ok-b", "2024-08-05T09:00", "dean-b", "approve", subject="trip-2"),
            ev("trip-2", "2024-08-06T09:00", "faculty", "trip", subject="trip-2"),
        ]
        approval = {
            **PREREQ,
            "action": "trip",
            "requires": [{"action": "approve", "by": {"trigger": "actor", "relation": "deans"}}],
        }
        report = run(ruleset(approval), log, org=org)
        assert [(o.period, o.status, o.evidence) for o in report.outcomes] == [
            ("trip-1", "unapproved", ("trip-1", "ok-a")),
            ("trip-2", "met", ("trip-2", "ok-b")),
        ]
        # named as the relation stands on the guarded event's day: the new dean alone
        assert gaps(report)[0].message.endswith(
            "lacks approve by dean-b (found only by another: ok-a by dean-a "
            "(not a member of relation deans of faculty on 2024-08-01))"
        )
        # a step by the dean of a chain begun on 28 June, due 3 July: either dean may be the one
        # owing it, so the outcome is the relation's; one begun in August, the new dean's
        chain = DEAN_REVIEW
        log = [
            ev("i1", "2024-06-28T10:00", "faculty", "incident"),
            ev("r1", "2024-07-02T10:00", "dean-b", "review", ref="i1"),
            ev("i2", "2024-08-01T10:00", "faculty", "incident"),
        ]
        report = run(ruleset(chain), log, org=org)
        assert sorted((o.period, o.actor, o.status) for o in report.outcomes) == [
            ("i1", "relation:deans:faculty", "met"),
            ("i2", "dean-b", "unanswered"),
        ]
        # a report sent to the outgoing dean after 1 July was not sent to the dean of that day
        to_dean = {
            **chain,
            "steps": [{"action": "review", "to": {"trigger": "actor", "relation": "deans"}, "within": "5 days"}],
        }
        sent = [log[0], ev("r2", "2024-07-02T10:00", "faculty", "review", ref="i1", recipient="dean-a")]
        [wrong] = gaps(run(ruleset(to_dean), sent, org=org))
        assert (wrong.code.value, wrong.detail["expected_recipient"], wrong.detail["found_recipients"]) == (
            "wrong-recipient",
            "dean-b",
            ["dean-a"],
        )
        assert "to dean-a instead of dean-b" in wrong.message

    def test_an_event_by_a_member_of_the_relation_on_another_day_says_so(self) -> None:
        """A step owed by the faculty's dean, through a chain begun on 28 June and due on 3 July,
        is owed by either dean ("Dean A or Dean B"); a review by the outgoing dean on 2 July, after
        leaving, answers nothing and is cited as another's, with why, as it is one of the deans
        the message names: not a member of the relation that day. An approval the new dean gave
        on 28 June, before taking the post, is said so too; one by a party never in the relation
        (the office) needs no reason."""
        faculty = Actor.model_validate(
            {
                "id": "faculty",
                "name": {"en": "Faculty", "zh": "学院"},
                "roles": ["faculty"],
                "relations": {
                    "deans": [{"actor": "dean-a", "to": "2024-06-30"}, {"actor": "dean-b", "from": "2024-07-01"}]
                },
            }
        )
        deans = [
            Actor.model_validate({"id": d, "name": {"en": en, "zh": zh}, "roles": ["dean"]})
            for d, en, zh in (("dean-a", "Dean A", "甲院长"), ("dean-b", "Dean B", "乙院长"))
        ]
        org = ORG.model_copy(update={"actors": [*ORG.actors, faculty, *deans]})
        chain = DEAN_REVIEW
        log = [
            ev("i1", "2024-06-28T10:00", "faculty", "incident"),
            ev("v1", "2024-07-02T10:00", "dean-a", "review", ref="i1"),
            ev("v2", "2024-07-02T11:00", "office", "review", ref="i1"),
        ]
        [f] = gaps(run(ruleset(chain), log, org=org))
        assert (f.code.value, f.actor, f.evidence, f.detail["other_party"]) == (
            "unanswered",
            "relation:deans:faculty",
            ("i1", "v1", "v2"),
            ["v1", "v2"],
        )
        assert f.message.startswith("Dean A or Dean B never did step 1 of incident")
        assert f.message.endswith(
            "; found only by another: v1 by Dean A (not a member of relation deans of Faculty on 2024-07-02), "
            "v2 by Office"
        )
        [zh] = gaps(run(ruleset(chain), log, org=org, lang="zh"))
        assert zh.message.endswith("仅见他人所为:v1(甲院长,2024-07-02 当日不是学院的 deans 关系成员)、v2(办公室)")
        approval = {
            **PREREQ,
            "action": "trip",
            "requires": [{"action": "approve", "by": {"trigger": "actor", "relation": "deans"}}],
        }
        log = [
            ev("ok-b", "2024-06-28T09:00", "dean-b", "approve", subject="trip-1"),
            ev("trip-1", "2024-07-02T09:00", "faculty", "trip", subject="trip-1"),
        ]
        [f] = gaps(run(ruleset(approval), log, org=org))
        assert (f.code.value, f.evidence, f.detail["missing"][0]["problem"]) == (
            "unapproved",
            ("trip-1", "ok-b"),
            "other-party",
        )
        assert f.message.endswith(
            "lacks approve by Dean B (found only by another: ok-b by Dean B "
            "(not a member of relation deans of Faculty on 2024-06-28))"
        )
        [zh] = gaps(run(ruleset(approval), log, org=org, lang="zh"))
        assert zh.message.endswith("(乙院长)(仅见他人所为:ok-b(乙院长,2024-06-28 当日不是学院的 deans 关系成员))")

    def test_the_members_of_a_relation_until_a_day_before_the_first_are_refused(self) -> None:
        """`Actor.members(relation, day, until)` asks for the members on any day from ``day`` to
        ``until``: an ``until`` before ``day`` is a span of no day, refused naming both dates, and
        an ``until`` without ``day`` a span with no first day, refused too. Before, the first
        gave the members on ``day`` alone, and the second every member, as if ``until`` had not
        been given."""
        faculty = Actor.model_validate(
            {
                "id": "faculty",
                "relations": {
                    "deans": [{"actor": "dean-a", "to": "2024-06-30"}, {"actor": "dean-b", "from": "2024-07-01"}]
                },
            }
        )
        assert faculty.members("deans", date(2024, 6, 28), date(2024, 7, 3)) == ["dean-a", "dean-b"]
        assert faculty.members("deans", date(2024, 7, 3), date(2024, 7, 3)) == ["dean-b"]
        with pytest.raises(InvalidArgument) as info:
            faculty.members("deans", date(2024, 7, 3), date(2024, 6, 28))
        assert str(info.value) == (
            "expected 'until' on or after 'day' (2024-07-03) for the members of relation 'deans', got 2024-06-28"
        )
        # nor is a span with no first day read as every member's
        with pytest.raises(InvalidArgument) as info:
            faculty.members("deans", until=date(2024, 6, 28))
        assert str(info.value) == (
            "expected 'day' with 'until' (2024-06-28) for the members of relation 'deans': the first day of the span"
        )

    def test_a_recipients_or_approvers_role_is_judged_on_the_day_of_the_event(self) -> None:
        """An acting vice principal holds the role from 10 to 20 April. A report to it counts when
        it is sent while it holds the role, though it does not hold it on the period's last day
        (as the obligated actor must), and is misdirected when sent before it gained the role or
        after it lost it; an approval given while it holds the role still approves a lecture
        after it lost it, and one given before it gained it approves nothing."""
        acting = Actor.model_validate(
            {"id": "acting", "roles": [{"role": "vp", "from": "2024-04-10", "to": "2024-04-20"}]}
        )
        org = ORG.model_copy(update={"actors": [*ORG.actors, acting]})
        to_vp = {**MONTHLY, "who": "b1", "to": {"role": "vp"}}
        log = [
            ev("r3", "2024-03-20T10:00", "b1", "report", recipient="acting"),
            ev("r4", "2024-04-15T10:00", "b1", "report", recipient="acting"),
            ev("r5", "2024-05-20T10:00", "b1", "report", recipient="acting"),
        ]
        report = run(ruleset(to_vp), log, org=org, start=date(2024, 3, 1), end=date(2024, 6, 1))
        assert [(o.period, o.status, o.evidence) for o in report.outcomes] == [
            ("2024-03", "wrong-recipient", ("r3",)),
            ("2024-04", "met", ("r4",)),
            ("2024-05", "wrong-recipient", ("r5",)),
        ]
        assert [(f.code.value, f.period, f.detail["found_recipients"]) for f in gaps(report)] == [
            ("wrong-recipient", "2024-03", ["acting"]),
            ("wrong-recipient", "2024-05", ["acting"]),
        ]
        log = [
            ev("a1", "2024-04-05T09:00", "acting", "approve", subject="t1"),
            ev("l1", "2024-04-12T10:00", "s1", "lecture", subject="t1"),
            ev("a2", "2024-04-15T09:00", "acting", "approve", subject="t2"),
            ev("l2", "2024-05-10T10:00", "s1", "lecture", subject="t2"),
        ]
        report = run(ruleset(PREREQ), log, org=org)
        assert [(o.period, o.status, o.evidence) for o in report.outcomes] == [
            ("l1", "unapproved", ("l1", "a1")),  # a1 cited: an approval, by one not yet holding the role
            ("l2", "met", ("l2", "a2")),
        ]
        [f] = gaps(report)
        assert (f.code.value, f.period, f.detail["missing"][0]["problem"]) == ("unapproved", "l1", "other-party")
        # a triggered rule's step addressed to the role: the same
        notify = {
            "id": "notify",
            "kind": "triggered",
            "clause": "D1.8.4",
            "trigger": {"action": "inspection", "by": {"role": "branch"}},
            "steps": [{"action": "notice", "to": {"role": "vp"}, "within": "promptly"}],
        }
        log = [
            ev("i1", "2024-04-05T10:00", "b1", "inspection"),
            ev("n1", "2024-04-06T10:00", "b1", "notice", recipient="acting", ref="i1"),
            ev("i2", "2024-04-15T10:00", "b1", "inspection"),
            ev("n2", "2024-04-16T10:00", "b1", "notice", recipient="acting", ref="i2"),
        ]
        report = run(ruleset(notify), log, org=org)
        assert [(o.period, o.status, o.evidence) for o in report.outcomes] == [
            ("i1", "wrong-recipient", ("i1", "n1")),
            ("i2", "met", ("i2", "n2")),
        ]

    def test_a_requirement_naming_no_party_is_met_by_anyone(self) -> None:
        """A requirement without `by` is met by an event of any actor: one without the role an
        approver would need, the guarded event's own actor, or an actor the organisation does not
        list (whose events are also reported as `unknown-actor`)."""
        rule = {**PREREQ, "id": "anyone", "requires": [{"action": "approve"}]}
        log = [
            ev("a1", "2024-04-01T09:00", "office", "approve", subject="t1"),
            ev("l1", "2024-04-01T10:00", "s1", "lecture", subject="t1"),
            ev("a2", "2024-04-01T09:00", "s2", "approve", subject="t2"),
            ev("l2", "2024-04-01T10:00", "s2", "lecture", subject="t2"),
            ev("a3", "2024-04-01T09:00", "ghost", "approve", subject="t3"),
            ev("l3", "2024-04-01T10:00", "s3", "lecture", subject="t3"),
        ]
        report = run(ruleset(rule), log)
        assert [(o.period, o.status, o.evidence) for o in report.outcomes] == [
            ("l1", "met", ("l1", "a1")),
            ("l2", "met", ("l2", "a2")),
            ("l3", "met", ("l3", "a3")),
        ]
        assert [(f.code.value, f.actor, f.evidence) for f in gaps(report)] == [("unknown-actor", "ghost", ("a3",))]

    def test_one_approval_serves_every_event_it_guards(self) -> None:
        """An approval is not consumed: one approval of a subject approves every lecture on that
        subject, by any school, and every lecture naming it by `ref`, each citing it."""
        log = [
            ev("a1", "2024-04-01T09:00", "vp", "approve", subject="talk"),
            ev("l1", "2024-04-01T10:00", "s1", "lecture", subject="talk"),
            ev("l2", "2024-04-02T10:00", "s2", "lecture", subject="talk"),
            ev("l3", "2024-04-03T10:00", "s1", "lecture", ref="a1"),
        ]
        report = run(ruleset(PREREQ), log)
        assert gaps(report) == []
        assert sorted((o.actor, o.period, o.status, o.evidence) for o in report.outcomes) == [
            ("s1", "l1", "met", ("l1", "a1")),
            ("s1", "l3", "met", ("l3", "a1")),
            ("s2", "l2", "met", ("l2", "a1")),
        ]
        assert (report.records.read, report.records.used, report.records.unused) == (4, 4, 0)

    REFILING: ClassVar[dict[str, Any]] = {
        **PREREQ,
        "id": "refiling",
        "action": "filing",
        "link": "subject",
        "requires": [{"action": "filing"}],
    }

    @staticmethod
    def _filings(second: str) -> list[Event]:
        """Two filings of one case, the first on 1 April at 10:00, the second at ``second``."""
        return [
            ev("f1", "2024-04-01T10:00", "s1", "filing", subject="case-1"),
            ev("f2", second, "s1", "filing", subject="case-1"),
        ]

    def test_an_event_is_not_its_own_prerequisite(self) -> None:
        """A filing that must follow an earlier filing of the same case is not preceded by
        itself: the first filing of a case is unapproved (the only other filing came after it),
        the second is met by the first."""
        report = run(ruleset(self.REFILING), self._filings(second="2024-04-02T10:00"))
        assert sorted((o.period, o.status, o.evidence) for o in report.outcomes) == [
            ("f1", "unapproved", ("f1", "f2")),
            ("f2", "met", ("f2", "f1")),
        ]
        [f] = gaps(report)
        assert (f.period, f.detail["missing"][0]["problem"], f.detail["missing"][0]["events"]) == (
            "f1",
            "after",
            ["f2"],
        )

    def test_an_approval_at_the_same_instant_counts_as_earlier(self) -> None:
        """An approval at the very instant of the guarded event counts as earlier, before or after
        it in the log: the report does not depend on the order of the log's lines. Two filings of
        one case at one instant each count as the other's earlier filing."""
        lecture = ev("l1", "2024-04-01T10:00", "s1", "lecture", subject="talk")
        approval = ev("a1", "2024-04-01T10:00", "vp", "approve", subject="talk")
        for log in ([lecture, approval], [approval, lecture]):
            report = run(ruleset(PREREQ), log)
            assert [(o.period, o.status, o.evidence) for o in report.outcomes] == [("l1", "met", ("l1", "a1"))]
        report = run(ruleset(self.REFILING), self._filings(second="2024-04-01T10:00"))
        assert sorted((o.period, o.status, o.evidence) for o in report.outcomes) == [
            ("f1", "met", ("f1", "f2")),
            ("f2", "met", ("f2", "f1")),
        ]

    def test_all_of_two_roles(self) -> None:
        """D11.6a: both the secretary's and the dean's approval are needed; one is not enough."""
        rule = {
            **PREREQ,
            "id": "both",
            "requires": [{"action": "approve", "by": {"role": "vp"}}, {"action": "approve", "by": {"role": "dean"}}],
        }
        log = [
            ev("a1", "2024-04-01T08:00", "vp", "approve", subject="ev1"),
            ev("l1", "2024-04-01T10:00", "s1", "lecture", subject="ev1"),
        ]
        [f] = gaps(run(ruleset(rule), log))
        assert (f.code.value, f.observed, f.expected_min) == ("unapproved", 1, 2)
        assert [m["by"] for m in f.detail["missing"]] == [{"role": "dean"}]
        log.append(ev("a2", "2024-04-01T09:00", "dean", "approve", subject="ev1"))
        assert gaps(run(ruleset(rule), log)) == []

    def test_one_approval_meeting_two_requirements_is_cited_once(self) -> None:
        """An approver holding both roles a rule names (the secretary who is also the dean) meets
        both requirements with one approval: two requirements met, the approval cited once (it was
        cited twice). Where neither approval is in time, each related event is cited once too."""
        org = ORG.model_copy(
            update={"actors": [*ORG.actors, Actor.model_validate({"id": "both", "roles": ["vp", "dean"]})]}
        )
        rule = {
            **PREREQ,
            "id": "both",
            "requires": [{"action": "approve", "by": {"role": "vp"}}, {"action": "approve", "by": {"role": "dean"}}],
        }
        log = [
            ev("a1", "2024-04-01T08:00", "both", "approve", subject="ev1"),
            ev("l1", "2024-04-01T10:00", "s1", "lecture", subject="ev1"),
            ev("l2", "2024-04-02T10:00", "s1", "lecture", subject="ev2"),
            ev("a2", "2024-04-02T11:00", "both", "approve", subject="ev2"),
        ]
        report = run(ruleset(rule), log, org=org)
        assert [(o.period, o.status, o.observed, o.evidence) for o in report.outcomes] == [
            ("l1", "met", 2, ("l1", "a1")),
            ("l2", "unapproved", 0, ("l2", "a2")),
        ]
        [f] = gaps(report)
        assert (f.period, f.evidence, [m["problem"] for m in f.detail["missing"]]) == (
            "l2",
            ("l2", "a2"),
            ["after"] * 2,
        )

    def test_minimum_age(self) -> None:
        """A penalty only 60 days after the notification: day 59 is too recent, day 60 is fine."""
        rule = {
            **PREREQ,
            "id": "penalty",
            "action": "penalty",
            "link": "subject",
            "min_age": "60 days",
            "requires": [{"action": "notify"}],
        }
        note = ev("n", "2024-01-01T00:00", "office", "notify", subject="c1")
        early = ev("p", "2024-02-29T12:00", "office", "penalty", subject="c1")
        [f] = gaps(run(ruleset(rule), [note, early]))
        assert f.detail["missing"][0]["problem"] == "too-recent"
        fine = ev("p", "2024-03-01T00:00", "office", "penalty", subject="c1")
        assert gaps(run(ruleset(rule), [note, fine])) == []

    def test_lookback(self) -> None:
        """An approval older than the look-back does not count, and is said as the time that
        passed since it, in the lookback's terms: in Chinese, beyond the time allowed (it read
        "过早", too early)."""
        rule = {**PREREQ, "lookback": "30 days"}
        log = [
            ev("a1", "2024-01-01T09:00", "vp", "approve", subject="t"),
            ev("l1", "2024-03-01T10:00", "s1", "lecture", subject="t"),
        ]
        [f] = gaps(run(ruleset(rule), log))
        assert (f.code.value, f.detail["missing"][0]["problem"], f.detail["missing"][0]["age"]) == (
            "unapproved",
            "too-old",
            "60 days",
        )
        assert f.message.endswith(
            "came too long after its approval: approve by the holder of role vp (a1) was made 60 days before it, "
            "more than the 30 days the rule allows"
        )
        [zh] = gaps(run(ruleset(rule), log, lang="zh"))
        assert zh.message.endswith("距其审批过久:approve(vp 角色担任者)(a1)作出于事项前 60 天,超过规则允许的 30 天")

    def test_an_approval_too_old_is_said_as_lateness_in_the_lookbacks_unit(self) -> None:
        """ "Within 7 workdays of receipt": an approval given more workdays before the guarded
        event than the lookback allows keeps the code ``unapproved`` and the problem ``too-old``,
        and is said as lateness, not as a missing approval: how long before it was made, counted
        as the lookback counts (the workdays a lookback would need to reach the event, in
        ``detail.missing[].age``), against what the rule allows, in both languages. A lookback
        in hours says the hours that passed, a period's end the days; beside a requirement that
        lacks altogether, the message says both."""
        rule = {**PREREQ, "lookback": "7 workdays"}
        log = [
            # Monday 4 March: 7 workdays end on Wednesday the 13th; the lecture on Friday the 15th
            ev("a1", "2024-03-04T09:00", "vp", "approve", subject="t"),
            ev("l1", "2024-03-15T10:00", "s1", "lecture", subject="t"),
        ]
        rules = ruleset(rule, calendar="weekends")
        [f] = gaps(run(rules, log))
        assert (f.code.value, f.period, f.evidence) == ("unapproved", "l1", ("l1", "a1"))
        assert [(m["problem"], m["events"], m["age"]) for m in f.detail["missing"]] == [
            ("too-old", ["a1"], "9 workdays")
        ]
        assert f.message == (
            "s1's lecture l1 (2024-03-15 10:00:00 +08:00) came too long after its approval: approve by the holder "
            "of role vp (a1) was made 9 workdays before it, more than the 7 workdays the rule allows"
        )
        assert "lacks" not in f.message
        [zh] = gaps(run(rules, log, lang="zh"))
        assert zh.message == (
            "s1 的 lecture l1(2024-03-15 10:00:00 +08:00)距其审批过久:"
            "approve(vp 角色担任者)(a1)作出于事项前 9 个工作日,超过规则允许的 7 个工作日"
        )
        hours = ruleset({**PREREQ, "lookback": "72 hours"})
        hours_log = [log[0], ev("l1", "2024-03-08T08:00", "s1", "lecture", subject="t")]
        [f] = gaps(run(hours, hours_log))
        assert f.detail["missing"][0]["age"] == "95 hours"
        assert f.message.endswith("was made 95 hours before it, more than the 72 hours the rule allows")
        month = ruleset({**PREREQ, "lookback": "end of month"})
        month_log = [ev("a1", "2024-02-28T09:00", "vp", "approve", subject="t"), log[1]]
        [f] = gaps(run(month, month_log))
        assert f.detail["missing"][0]["age"] == "16 days"
        assert f.message.endswith(
            "was made 16 days before it, and the rule allows it only until the end of the month it was made in"
        )
        [zh] = gaps(run(month, month_log, lang="zh"))
        assert zh.message.endswith("作出于事项前 16 天,已超出规则认可的期限(至其作出所在的月末)")
        both = {**rule, "mode": "all", "requires": [*PREREQ["requires"], {"action": "register"}]}
        [f] = gaps(run(ruleset(both, calendar="weekends"), log))
        assert [m["problem"] for m in f.detail["missing"]] == ["too-old", "none"]
        assert f.message == (
            "s1's lecture l1 (2024-03-15 10:00:00 +08:00) lacks register; approve by the holder of role vp (a1) "
            "was made 9 workdays before it, more than the 7 workdays the rule allows"
        )

    @pytest.mark.parametrize(
        ("log", "problem", "cited"),
        [
            # an approval too old and one too recent: too-recent, citing those within the lookback
            (
                [("old", "2024-02-01T10:00", "vp"), ("new", "2024-03-04T10:00", "vp"), ("late", "2024-03-06", "vp")],
                "too-recent",
                ["new"],
            ),
            # too old, and one after the event: too-old, citing every one before it
            ([("old", "2024-02-01T10:00", "vp"), ("late", "2024-03-06T10:00", "vp")], "too-old", ["old"]),
            # the required party's after the event, another party's before it: after
            ([("dean", "2024-03-01T10:00", "dean"), ("late", "2024-03-06T10:00", "vp")], "after", ["late"]),
            # another party's before, none by the required party: other-party
            ([("dean", "2024-03-01T10:00", "dean"), ("dean2", "2024-03-06T10:00", "dean")], "other-party", ["dean"]),
            ([("dean2", "2024-03-06T10:00", "dean")], "none", []),
        ],
    )
    def test_the_problem_said_is_the_first_that_applies(
        self, log: list[tuple[str, str, str]], problem: str, cited: list[str]
    ) -> None:
        """One problem per requirement not met, the first of these that applies: `too-recent`
        (linked approvals by the party within the lookback, none old enough), `too-old` (some
        before the event, none within the lookback), `after` (the party's only after it),
        `other-party` (only another party's before it), `none`; it cites the events it is about."""
        rule = {**PREREQ, "link": "subject", "lookback": "10 days", "min_age": "2 days"}
        events = [ev(i, t, a, "approve", subject="t") for i, t, a in log]
        [f] = gaps(run(ruleset(rule), [*events, ev("l1", "2024-03-05T10:00", "s1", "lecture", subject="t")]))
        [missing] = f.detail["missing"]
        assert (missing["problem"], missing["events"]) == (problem, cited)

    def test_the_latest_qualifying_approval_is_cited_once_per_requirement(self) -> None:
        """Where several approvals meet a requirement, the outcome cites the latest, one per
        requirement; of two at one instant, the last by id."""
        rule = {
            **PREREQ,
            "requires": [{"action": "approve", "by": {"role": "vp"}}, {"action": "approve", "by": {"role": "dean"}}],
        }
        log = [
            ev("v1", "2024-03-01T10:00", "vp", "approve", subject="t"),
            ev("v2", "2024-03-02T10:00", "vp", "approve", subject="t"),
            ev("d1", "2024-03-03T10:00", "dean", "approve", subject="t"),
            ev("d2", "2024-03-03T10:00", "dean", "approve", subject="t"),
            ev("v3", "2024-03-06T10:00", "vp", "approve", subject="t"),  # after the lecture
            ev("l1", "2024-03-05T10:00", "s1", "lecture", subject="t"),
        ]
        [outcome] = run(ruleset(rule), log).outcomes
        assert (outcome.status, outcome.evidence) == ("met", ("l1", "v2", "d2"))

    @pytest.mark.parametrize("limit", [{}, {"lookback": "30 days"}])
    def test_of_two_approvals_at_one_instant_the_last_by_id_is_cited(self, limit: dict[str, str]) -> None:
        """Two approvals of one lecture at one instant: the outcome cites `a2`, the last by id,
        whichever line each stands at, with a lookback or without (a rule without one is judged
        by a shorter path). Before, it cited the one later in the log."""
        log = [
            ev("a2", "2024-03-01T10:00", "vp", "approve", subject="t"),
            ev("a1", "2024-03-01T10:00", "vp", "approve", subject="t"),
            ev("l1", "2024-03-05T10:00", "s1", "lecture", subject="t"),
        ]
        report = in_either_order(ruleset({**PREREQ, **limit}), log)
        assert [(o.period, o.status, o.evidence) for o in report.outcomes] == [("l1", "met", ("l1", "a2"))]

    @pytest.mark.parametrize(
        ("limit", "approved", "guarded", "met"),
        [
            # a lookback in days runs to the end of the local day it reaches, the approval's day not counted
            ({"lookback": "30 days"}, "2024-03-01T00:00", "2024-03-31T23:59", True),
            ({"lookback": "30 days"}, "2024-03-01T23:59", "2024-04-01T00:00", False),
            # in hours, it is exact elapsed time
            ({"lookback": "720 hours"}, "2024-03-01T00:00", "2024-03-31T00:00", True),
            ({"lookback": "720 hours"}, "2024-03-01T00:00", "2024-03-31T00:01", False),
            # a minimum age in days is met from the start of the local day it reaches
            ({"min_age": "30 days"}, "2024-03-01T23:59", "2024-03-31T00:00", True),
            ({"min_age": "30 days"}, "2024-03-01T00:00", "2024-03-30T23:59", False),
            ({"min_age": "720 hours"}, "2024-03-01T23:59", "2024-03-31T23:58", False),
            ({"min_age": "720 hours"}, "2024-03-01T23:59", "2024-03-31T23:59", True),
            # local days, in the check's zone: 23:30 UTC on 29 February is 1 March in Shanghai
            ({"lookback": "30 days"}, "2024-02-29T23:30+00:00", "2024-03-31T23:59", True),
            # a period's end: the approval serves until the end of the month it was given in
            ({"lookback": "end of month"}, "2024-03-01T00:00", "2024-03-31T23:59", True),
            ({"lookback": "end of month"}, "2024-03-31T23:59", "2024-04-01T00:00", False),
        ],
    )
    def test_lookback_and_minimum_age_are_measured_from_the_approvals_local_day(
        self, limit: dict[str, str], approved: str, guarded: str, met: bool
    ) -> None:
        """A lookback or minimum age in calendar units counts local days from the approval's day
        (not counted): the lookback ends at the last instant of the day it reaches, the minimum
        age is met from the first. In hours or minutes, both are exact elapsed time from the
        approval's instant, the limit itself included. A lookback of a period's end ends with the
        approval's period."""
        rule = {**PREREQ, "link": "subject", **limit}
        log = [ev("a1", approved, "vp", "approve", subject="t"), ev("l1", guarded, "s1", "lecture", subject="t")]
        [outcome] = run(ruleset(rule), log).outcomes
        assert outcome.status == ("met" if met else "unapproved")

    @pytest.mark.parametrize(
        ("limit", "approved", "guarded", "problem"),
        [
            # ten workdays from Thursday 14 March end with the 28th: 15 days old, old enough, but too old
            ({"lookback": "10 workdays", "min_age": "7 days"}, "2024-03-14T10:00", "2024-03-29T10:00", "too-old"),
            # from Friday 15 March they end with the 29th: 14 days old, within both
            ({"lookback": "10 workdays", "min_age": "7 days"}, "2024-03-15T10:00", "2024-03-29T10:00", None),
            ({"lookback": "10 workdays", "min_age": "7 days"}, "2024-03-25T10:00", "2024-03-29T10:00", "too-recent"),
            # five workdays from Monday 4 March are met on Monday the 11th; from Tuesday the 5th, on the 12th
            ({"lookback": "20 days", "min_age": "5 workdays"}, "2024-03-04T10:00", "2024-03-11T10:00", None),
            ({"lookback": "20 days", "min_age": "5 workdays"}, "2024-03-05T10:00", "2024-03-11T10:00", "too-recent"),
            ({"lookback": "20 days", "min_age": "5 workdays"}, "2024-02-19T10:00", "2024-03-11T10:00", "too-old"),
        ],
    )
    def test_a_lookback_and_a_minimum_age_in_workdays_and_days_are_each_counted_in_their_own_unit(
        self, limit: dict[str, str], approved: str, guarded: str, problem: str | None
    ) -> None:
        """A lookback in workdays beside a minimum age in days (or the converse) loads, as some
        approval may meet both, and each is counted in its own unit on the rule set's calendar:
        an approval older than the minimum age but older than the lookback too is not counted
        (`too-old`), one within the lookback but not yet of the minimum age is `too-recent`."""
        rule = {**PREREQ, "link": "subject", **limit}
        log = [ev("a1", approved, "vp", "approve", subject="t"), ev("l1", guarded, "s1", "lecture", subject="t")]
        report = run(ruleset(rule, calendar="weekends"), log)
        [outcome] = report.outcomes
        assert outcome.status == ("met" if problem is None else "unapproved")
        if problem is not None:
            [f] = gaps(report)
            assert (f.detail["missing"][0]["problem"], f.detail["missing"][0]["events"]) == (problem, ["a1"])

    @pytest.mark.parametrize(
        ("roll", "guarded", "problem"),
        [
            # 8 weeks from Saturday 8 January 2011 end on Saturday 5 March
            ("none", "2011-03-05T23:59", None),
            ("none", "2011-03-07T10:00", "too-old"),
            # rolled, the notice serves until Monday 7 March ends, and no longer
            ("next-workday", "2011-03-07T23:59", None),
            ("next-workday", "2011-03-08T00:00", "too-old"),
        ],
    )
    def test_a_lookback_rolled_to_a_workday_serves_until_the_next_workday_ends(
        self, roll: str, guarded: str, problem: str | None
    ) -> None:
        """A receipt of Saturday 8 January 2011 serves a notice under `lookback: 8 weeks` until
        Saturday 5 March ends; with `roll: next-workday` the lookback's end moves, as a deadline
        does, to the end of the next workday on the rule set's calendar, Monday 7 March, so a
        notice of that Monday is in time for the lookback as it is for a step of 8 weeks rolled
        the same way (the Algemene termijnenwet), and one of Tuesday is not. Before, a
        prerequisite had no `roll`, and a lookback ended on the Saturday."""
        rule = {
            "id": "extension-in-time",
            "kind": "prerequisite",
            "clause": "Wabo 3.9(2)",
            "action": "extension-notice",
            "requires": [{"action": "received"}],
            "link": "subject",
            "lookback": "8 weeks",
            "roll": roll,
        }
        log = [
            ev("r1", "2011-01-08T10:00+01:00", "s1", "received", subject="c1"),
            ev("x1", f"{guarded}+01:00", "s1", "extension-notice", subject="c1"),
        ]
        rules = ruleset(rule, tz="Europe/Amsterdam", calendar="NL")
        report = run(rules, log, start=date(2011, 1, 1), end=date(2012, 1, 1))
        [outcome] = report.outcomes
        assert (outcome.period, outcome.status) == ("x1", "met" if problem is None else "unapproved")
        if problem is not None:
            [f] = gaps(report)
            assert (f.detail["missing"][0]["problem"], f.detail["missing"][0]["events"]) == (problem, ["r1"])

    def test_a_rolled_lookback_that_reaches_unrolled_needs_no_year_the_calendar_lacks(self) -> None:
        """A receipt of 1 December of the CN calendar's last covered year and a notice nine days
        later: 8 weeks reach the notice unrolled, so the roll, which only delays, decides nothing,
        and the notice is in time however the next year will be counted. One after the 8 weeks
        end, in that year, needs the roll and so the year: the error names it."""
        from govrules.calendars import get_calendar

        year = next(y for y in range(2020, 2200) if not get_calendar("CN").covers(y)) - 1
        rule = {
            "id": "notice-in-time",
            "kind": "prerequisite",
            "clause": "X1",
            "action": "extension-notice",
            "requires": [{"action": "received"}],
            "link": "subject",
            "lookback": "8 weeks",
            "roll": "next-workday",
        }
        rules = ruleset(rule, calendar="CN")
        received = ev("r1", f"{year}-12-01T10:00", "s1", "received", subject="c1")
        span: dict[str, Any] = {
            "start": date(year, 12, 1),
            "end": date(year + 1, 3, 1),
            "as_of": datetime(year + 1, 3, 1, tzinfo=SH),
        }
        report = run(rules, [received, ev("x1", f"{year}-12-10T10:00", "s1", "extension-notice", subject="c1")], **span)
        assert [(o.period, o.status) for o in report.outcomes] == [("x1", "met")]
        with pytest.raises(CalendarError, match=f"no holiday data for {year + 1}"):
            run(rules, [received, ev("x2", f"{year + 1}-01-27T10:00", "s1", "extension-notice", subject="c1")], **span)

    @pytest.mark.parametrize("link", ["subject", "ref-or-subject"])
    def test_events_naming_no_subject_are_not_linked_by_subject(self, link: str) -> None:
        """Linking by subject asks for the same subject: a guarded event and an approval that
        both name none are not linked (`none`); neither is a subject named by one only."""
        rule = {**PREREQ, "link": link}
        for approval in (
            ev("a1", "2024-03-01T10:00", "vp", "approve"),
            ev("a1", "2024-03-01T10:00", "vp", "approve", subject="t"),
        ):
            [f] = gaps(run(ruleset(rule), [approval, ev("l1", "2024-03-05T10:00", "s1", "lecture")]))
            assert f.detail["missing"][0]["problem"] == "none"

    def test_a_prerequisites_effective_dates_apply_to_the_guarded_events_local_date(self) -> None:
        """A prerequisite rule in force from 1 April (Shanghai) checks the lectures whose local
        date is in force: 01:00 on 1 April local (17:00 UTC on 31 March) is checked, 23:00 on 31
        March is not. The approval it needs may come from before: an approval's date is not asked."""
        rule = {**PREREQ, "effective": {"from": "2024-04-01"}}
        log = [
            ev("l0", "2024-03-31T23:00", "s1", "lecture", subject="x"),
            ev("l1", "2024-03-31T17:00+00:00", "s1", "lecture", subject="y"),
            ev("a2", "2024-03-20T10:00", "vp", "approve", subject="z"),
            ev("l2", "2024-04-02T10:00", "s1", "lecture", subject="z"),
        ]
        report = run(ruleset(rule), log)
        assert [(o.period, o.status) for o in report.outcomes] == [("l1", "unapproved"), ("l2", "met")]

    @pytest.mark.parametrize(
        ("lang", "lookback", "min_age", "words"),
        [
            ("en", "30 days", None, "60 days before it, more than the 30 days the rule allows"),
            ("zh", "30 days", None, "作出于事项前 60 天,超过规则允许的 30 天"),
            ("zh", "promptly", None, "超过规则允许的 7 天"),  # a glossary term, as it reads
            ("zh", "P1M", None, "作出于事项前 60 天,超过规则允许的 1 个月"),
            ("zh", None, "3 workdays", "须早于事项至少 3 个工作日"),
            ("en", None, "1 week", "at least 1 week before"),
        ],
    )
    def test_the_ages_an_approval_needs_are_said_in_the_reports_language(
        self, lang: str, lookback: str | None, min_age: str | None, words: str
    ) -> None:
        """An approval too old for the lookback, or too recent for the minimum age: the message
        says the rule's duration in the report's language. A Chinese report said '30 days'."""
        rule: dict[str, Any] = {**PREREQ}
        if lookback is not None:
            rule["lookback"] = lookback
            when = "2024-01-01T09:00"
        if min_age is not None:
            rule["min_age"] = min_age
            when = "2024-02-29T09:00"
        log = [ev("a1", when, "vp", "approve", subject="t"), ev("l1", "2024-03-01T10:00", "s1", "lecture", subject="t")]
        [f] = gaps(run(ruleset(rule, calendar="CN"), log, lang=lang))
        assert f.detail["missing"][0]["problem"] == ("too-old" if lookback else "too-recent")
        assert words in f.message, f.message

    def test_chinese_words_space_a_latin_id_and_not_a_duration(self) -> None:
        """The Chinese catalogue writes a space between Chinese and a Latin id, and none between
        a duration, which ends in a Chinese unit, and the Chinese after it: a guarded event said
        it lacked an approval as "缺少approve" (now "缺少 approve"), an approval too old
        "须在事项前 30 天 内" (now "30 天内"), and a late report "逾期 3 天 完成" (now "3 天完成")."""
        log = [ev("l1", "2024-03-01T10:00", "s1", "lecture", subject="t")]
        [f] = gaps(run(ruleset(PREREQ), log, lang="zh"))
        assert (f.code.value, f.period) == ("unapproved", "l1")
        assert f.message.endswith(")缺少 approve(vp 角色担任者)")
        late = [*monthly_log("b1", skip=[3]), ev("mar", "2024-04-03T10:00", "b1", "report", recipient="hq")]
        [f] = [f for f in gaps(run(ruleset(MONTHLY), late, lang="zh")) if f.code.value == "late"]
        assert (f.period, f.late_by_seconds) == (
            "2024-03",
            2 * 86400 + 10 * 3600,
        )  # 10:00 on 3 April, due at the end of 31 March
        assert "逾期 3 天完成(截止 " in f.message  # local calendar days, as late_by words count them


class TestContentAndForbidden:
    def test_a_rules_own_message_is_said_with_the_places_that_fail_it(self) -> None:
        """A content rule's own ``message`` hid which part of the record failed; it is said with
        the places: a missing required property at its own place (``/attributes/signed``, not the
        ``/attributes`` that lacks it), any other failing part at its pointer, each once."""
        rule = {
            "id": "minutes",
            "kind": "content",
            "clause": "C",
            "action": "minutes",
            "schema": {
                "properties": {
                    "attributes": {
                        "required": ["signed", "place"],
                        "properties": {"attendees": {"type": "integer"}, "place": {"minLength": 2}},
                    }
                }
            },
            "message": {"en": "the minutes are incomplete", "zh": "会议记录不完整"},
        }
        log = [ev("m1", "2024-03-01T10:00", "b1", "minutes", attributes={"attendees": "many", "place": "x"})]
        [f] = gaps(run(ruleset(rule), log))
        assert (f.code.value, [d["pointer"] for d in f.detail["errors"]]) == (
            "missing-content",
            ["/attributes", "/attributes/attendees", "/attributes/place"],
        )
        assert f.message.endswith(
            "lacks required content: the minutes are incomplete (/attributes/signed, /attributes/attendees, "
            "/attributes/place)"
        )
        [zh] = gaps(run(ruleset(rule), log, lang="zh"))
        assert zh.message.endswith("会议记录不完整(/attributes/signed、/attributes/attendees、/attributes/place)")

    def test_missing_content(self) -> None:
        """D1.4.4: a democratic life meeting must carry the topic 'ideology'."""
        rule = {
            "id": "topic",
            "kind": "content",
            "clause": "D1.4.4",
            "action": "democratic-life-meeting",
            "schema": {
                "properties": {
                    "attributes": {
                        "required": ["topics"],
                        "properties": {"topics": {"contains": {"const": "ideology"}}},
                    }
                }
            },
        }
        log = [
            ev(
                "m1",
                "2024-05-01T10:00",
                "b1",
                "democratic-life-meeting",
                attributes={"topics": ["ideology", "discipline"]},
            ),
            ev("m2", "2024-05-02T10:00", "b2", "democratic-life-meeting", attributes={"topics": ["discipline"]}),
            ev("m3", "2024-05-03T10:00", "b2", "democratic-life-meeting"),
        ]
        report = run(ruleset(rule), log)
        assert [(f.code.value, f.period, f.evidence) for f in gaps(report)] == [
            ("missing-content", "m2", ("m2",)),
            ("missing-content", "m3", ("m3",)),
        ]
        assert gaps(report)[1].detail["errors"][0]["pointer"] == "/attributes"

    def test_missing_content_points_at_the_place_by_rfc_6901(self) -> None:
        """An error about the record itself points at "" (the whole document; "/" would be a member
        named ""), and a key holding '/' or '~' is escaped: /attributes/a~1b, /attributes/c~0d."""
        rule = {
            "id": "topic",
            "kind": "content",
            "clause": "D1.4.4",
            "action": "democratic-life-meeting",
            "schema": {
                "required": ["subject"],
                "properties": {"attributes": {"properties": {"a/b": {"type": "integer"}, "c~d": {"type": "integer"}}}},
            },
        }
        log = [ev("m1", "2024-05-01T10:00", "b1", "democratic-life-meeting", attributes={"a/b": "x", "c~d": "y"})]
        [f] = gaps(run(ruleset(rule), log))
        assert [e["pointer"] for e in f.detail["errors"]] == ["", "/attributes/a~1b", "/attributes/c~0d"]
        assert "the record: 'subject' is a required property" in f.message
        [f] = gaps(run(ruleset(rule), log, lang="zh"))
        assert '记录本身: 缺少必填项 "subject"' in f.message

    def test_failing_content_is_said_in_the_reports_language(self) -> None:
        """Without a rule ``message``, each failing part is said in the report's language: in
        Chinese by its keyword (a value shown as JSON), where a keyword has no words of the
        catalogue's in jsonschema's English; ``detail.errors`` keeps jsonschema's English. Before,
        a Chinese report gave every part in English."""
        schema = {
            "required": ["subject"],
            "properties": {
                "attributes": {
                    "properties": {
                        "pages": {"type": "integer", "minimum": 3},
                        "title": {"type": "string", "minLength": 2, "pattern": "^[A-Z]"},
                        "level": {"enum": ["low", "high"]},
                        "tags": {"type": "array", "uniqueItems": True},
                        "kind": {"const": "formal"},
                        "n": {"dependentRequired": {"a": ["b"]}},
                    },
                    "additionalProperties": False,
                }
            },
        }
        rule = {"id": "minutes", "kind": "content", "clause": "D1.4.4", "action": "meeting", "schema": schema}
        attributes = {"pages": 1.5, "title": "x", "level": "mid", "tags": ["a", "a"], "kind": "casual"}
        log = [ev("m1", "2024-05-01T10:00", "b1", "meeting", attributes={**attributes, "zz": 1, "n": {"a": 1}})]
        [zh] = gaps(run(ruleset(rule), log, lang="zh"))
        [en] = gaps(run(ruleset(rule), log))
        assert zh.detail == en.detail  # jsonschema's English, part by part
        assert [e["pointer"] for e in zh.detail["errors"]] == [
            "",
            "/attributes",
            "/attributes/kind",
            "/attributes/level",
            "/attributes/n",
            "/attributes/pages",
            "/attributes/pages",
            "/attributes/tags",
            "/attributes/title",
            "/attributes/title",
        ]
        assert zh.message.split(":", 1)[1].split("; ") == [
            '记录本身: 缺少必填项 "subject"',
            '/attributes: 不允许有其他属性("zz" 不在允许之列)',
            '/attributes/kind: 应为 "formal",实为 "casual"',
            '/attributes/level: "mid" 应为以下之一:"low"、"high"',
            "/attributes/n: 'b' is a dependency of 'a'",  # no words for dependentRequired: jsonschema's
            "/attributes/pages: 1.5 应为整数",
            "/attributes/pages: 1.5 应不小于 3",
            '/attributes/tags: ["a", "a"] 含有重复的项',
            '/attributes/title: "x" 应至少有 2 个字符',
            '/attributes/title: "x" 不符合格式 "^[A-Z]"',
        ]
        assert "'subject' is a required property" in en.message and "1.5 is not of type 'integer'" in en.message
        # keys of two types (a record made in Python): listed, not compared
        odd = ev("m2", "2024-05-01T10:00", "b1", "meeting", attributes={"zz": 2, 5: 3})
        closed = {**rule, "schema": {"properties": {"attributes": {"additionalProperties": False}}}}
        [zh] = gaps(run(ruleset(closed), [odd], lang="zh"))
        assert zh.message.endswith('/attributes: 不允许有其他属性(5、"zz" 不在允许之列)')

    @pytest.mark.parametrize(
        "schema",
        [
            {
                "$id": "https://x.example/dir/m.json",
                "$defs": {"t": {"type": "string"}},
                "properties": {"id": {"$ref": "m.json#/$defs/t"}},
            },
            {"$defs": {"t": {"$anchor": "topic", "type": "string"}}, "properties": {"id": {"$ref": "#topic"}}},
            {"$defs": {"t": {"$id": "urn:topic", "type": "string"}}, "properties": {"id": {"$ref": "urn:topic"}}},
            {"properties": {"attributes": {"$ref": "https://json-schema.org/draft/2020-12/schema"}}},
            {"properties": {"attributes": {"not": {"const": {"$ref": "#/nowhere"}}}}},  # data, not a reference
            {
                "$id": "https://x.example/m.json#",
                "$defs": {"t": {"type": "string"}},
                "properties": {"id": {"$ref": "#/$defs/t"}},
            },
            {"$defs": {"const": {"type": "string"}}, "properties": {"id": {"$ref": "#/$defs/const"}}},
        ],
    )
    def test_a_schema_whose_references_resolve_without_a_fetch_is_accepted(self, schema: dict[str, Any]) -> None:
        """References resolve as jsonschema resolves them: against the schema's `$id`, an
        `$anchor`, a part's `$id`, the metaschemas it carries; a `$ref` inside `const` is data.
        Each was refused as a reference naming nothing."""
        rule = {"id": "minutes", "kind": "content", "clause": "D1.4.4", "action": "meeting", "schema": schema}
        report = run(ruleset(rule), [ev("m1", "2024-05-01T10:00", "b1", "meeting")])
        assert [(o.status, o.evidence) for o in report.outcomes] == [("met", ("m1",))]

    def test_a_schema_reference_that_does_not_resolve_is_invalid_not_a_crash(self) -> None:
        """A '$ref' inside a part with an '$id' of its own is resolved against that id, so the
        loader leaves it to the check: one that does not resolve there is InvalidArgument naming
        the rule (exit 2), not jsonschema's error (exit 3)."""
        schema = {"properties": {"attributes": {"$id": "urn:minutes", "$ref": "#/$defs/none"}}}
        rule = {"id": "minutes", "kind": "content", "clause": "D1.4.4", "action": "meeting", "schema": schema}
        with pytest.raises(InvalidArgument, match=r"rule 'minutes': a '\$ref' of its schema does not resolve"):
            run(ruleset(rule), [ev("m1", "2024-05-01T10:00", "b1", "meeting")])

    def test_failing_content_leaves_no_cycles(self) -> None:
        """The errors of an ``anyOf`` link their sub-errors back to them; once described, the
        links are cut, so that a failing event's errors are freed with it and not held until the
        cyclic collector runs (19 objects per failing event before)."""
        rule = {
            "id": "agenda",
            "kind": "content",
            "clause": "D1.4.4",
            "action": "democratic-life-meeting",
            "schema": {"properties": {"attributes": {"anyOf": [{"required": ["topics"]}, {"required": ["agenda"]}]}}},
        }
        log = [ev(f"m{i}", "2024-05-02T10:00", "b2", "democratic-life-meeting") for i in range(50)]
        run(ruleset(rule), log)  # caches filled, modules imported
        gc.collect()
        gc.disable()
        try:
            report = run(ruleset(rule), log)
            found = [(f.code.value, f.period, f.detail["errors"][0]["pointer"]) for f in gaps(report)]
            del report
            cyclic = gc.collect()
        finally:
            gc.enable()
        assert found == [("missing-content", f"m{i}", "/attributes") for i in sorted(range(50), key=str)]
        assert cyclic == 0

    def test_forbidden(self) -> None:
        """A forbidden event by the named role is a violation; by others it is not."""
        rule = {"id": "seal", "kind": "forbidden", "clause": "D11.9a", "action": "use-seal", "by": {"role": "school"}}
        report = run(
            ruleset(rule),
            [ev("u1", "2024-05-01T10:00", "s1", "use-seal"), ev("u2", "2024-05-01T10:00", "office", "use-seal")],
        )
        assert [(f.code.value, f.actor, f.evidence) for f in gaps(report)] == [("forbidden", "s1", ("u1",))]


class TestPendingExemptAndActivity:
    def test_pending_before_the_due_moment(self) -> None:
        """As of mid-November, November is pending, never missing."""
        report = run(
            ruleset(MONTHLY),
            monthly_log("b1", skip=[11, 12]),
            as_of=datetime(2024, 11, 15, tzinfo=SH),
            org=_org_without("b2"),
        )
        assert [(f.code.value, f.period, f.severity) for f in gaps(report)] == [
            ("pending", "2024-11", "info"),
            ("pending", "2024-12", "info"),
        ]

    def test_events_after_as_of_are_not_used(self) -> None:
        """An event after the audit moment is unused and counted as such."""
        log = [
            *monthly_log("b1", skip=[10]),
            ev("later", "2024-11-20T10:00", "b1", "report", recipient="hq", period="2024-10"),
        ]
        report = run(
            ruleset(MONTHLY), log, as_of=datetime(2024, 11, 1, tzinfo=SH), end=date(2024, 11, 1), org=_org_without("b2")
        )
        assert [key(f) for f in gaps(report, "missing")] == [("missing", "monthly", "b1", "2024-10", ())]
        assert report.records.after_as_of >= 1
        assert report.records.read == report.records.used + report.records.unused + report.records.rejected

    def test_an_id_is_held_by_the_first_record_whatever_the_audit_moment(self) -> None:
        """Duplicate ids are judged over the whole log, as it is written, whatever the audit
        moment: a record dated after the audit moment, written first, holds its id, and the earlier
        event written later under that id is rejected, naming where the first was read. Were a
        record after the audit moment to hold no id, a later audit moment could take back what an
        earlier one found met (the later record becoming known, and the earlier one a duplicate)."""
        log = monthly_log("b1")
        later = ev("b1-10", "2024-11-20T10:00", "b1", "report", recipient="hq", period="2024-11")  # October's id
        org = _org_without("b2")
        for as_of, october_is in (
            (datetime(2024, 11, 1, tzinfo=SH), "missing"),
            (datetime(2024, 12, 1, tzinfo=SH), "late"),
        ):
            report = run(ruleset(MONTHLY), [later, *log], as_of=as_of, end=date(2024, 11, 1), org=org)
            [f] = gaps(report, "rejected-event")
            october = next(e for e in log if e.id == "b1-10")
            first = f"first at {later.file}:{later.line}"
            assert (f.line, f.evidence, f.detail["reason"]) == (
                october.line,
                ("b1-10",),
                f"duplicate event id 'b1-10' ({first})",
            )
            # October is paid late by November's report once that is known, never by its own event
            assert [(o.period, o.status) for o in report.outcomes if o.status != "met"] == [("2024-10", october_is)]
            assert not [o for o in report.outcomes if "b1-10" in o.evidence]

    def test_exemption(self) -> None:
        """A documented exemption is reported as `exempt` (info), with its reason."""
        org = ORG.model_copy(update={"exemptions": [_exemption()]})
        report = run(ruleset(MONTHLY), monthly_log("b1", skip=[2]) + monthly_log("b2"), org=org)
        [f] = gaps(report)
        assert (f.code.value, f.actor, f.period, f.severity) == ("exempt", "b1", "2024-02", "info")
        assert "Spring festival closure" in f.message

    def test_an_exemption_for_another_rule_set_is_left_out(self) -> None:
        """An organisation shared by two rule sets: an exemption naming the other rule set (`rule_set`)
        is left out of this check, though this rule set has no rule of its id; one naming this rule
        set applies, and one naming this rule set and a rule it lacks is refused as before."""
        from govrules import obligations
        from govrules.model import Exemption

        ours = _exemption().model_copy(update={"rule_set": "t"})
        theirs = Exemption(rule="safety-drill", actor="b1", reason="Drill waived", rule_set="school-safety")
        same_id_elsewhere = _exemption(periods=["2024-03"]).model_copy(update={"rule_set": "school-safety"})
        org = ORG.model_copy(update={"exemptions": [ours, theirs, same_id_elsewhere]})
        report = run(ruleset(MONTHLY), monthly_log("b1", skip=[2, 3]) + monthly_log("b2"), org=org)
        assert [(f.code.value, f.actor, f.period) for f in gaps(report)] == [
            ("exempt", "b1", "2024-02"),
            ("missing", "b1", "2024-03"),  # exempted for the other rule set's rule of the same id only
        ]
        owed = obligations(ruleset(MONTHLY), org, start=date(2024, 1, 1), end=date(2024, 4, 1))
        assert [(o.period, o.status) for o in owed if o.actor == "b1"] == [
            ("2024-01", "open"),
            ("2024-02", "exempt"),
            ("2024-03", "open"),
        ]
        stray = ORG.model_copy(update={"exemptions": [theirs.model_copy(update={"rule_set": "t"})]})
        with pytest.raises(OrganisationError) as raised:
            run(ruleset(MONTHLY), [], org=stray)
        assert [(p.pointer, p.code) for p in raised.value.problems] == [("/exemptions/0/rule", "unknown-rule")]

    def test_an_exemption_label_covers_the_periods_it_holds(self) -> None:
        """An exemption for ``2024-q1`` (any spelling of a label) covers the monthly obligations of
        January to March, which it holds whole, and no other month; a quarterly rule's 2024-Q1 too."""
        org = ORG.model_copy(update={"exemptions": [_exemption(periods=["2024-q1"])]})
        report = run(ruleset(MONTHLY), monthly_log("b1", skip=[1, 2, 3, 4]) + monthly_log("b2"), org=org)
        assert [(f.code.value, f.period) for f in gaps(report) if f.actor == "b1"] == [
            ("exempt", "2024-01"),
            ("exempt", "2024-02"),
            ("exempt", "2024-03"),
            ("missing", "2024-04"),
        ]
        quarterly = ruleset({**MONTHLY, "every": "quarter"})
        report = run(quarterly, [], org=org)
        assert [(f.code.value, f.period) for f in gaps(report) if f.actor == "b1"][:2] == [
            ("exempt", "2024-Q1"),
            ("missing", "2024-Q2"),
        ]

    def test_an_exemption_naming_a_period_of_the_organisations_calendars_covers_what_it_holds(self) -> None:
        """An exemption naming a semester of the organisation's calendar covers the monthly
        obligations the semester holds whole; an id that reads as a label (`2024-h2`, a semester
        from September to January) is the semester, not the half-year. Before, the first
        exempted nothing and the second July and August too."""
        semesters = {
            "semester": [
                {"id": "2024-spring", "start": "2024-02-01", "end": "2024-06-30"},
                {"id": "2024-h2", "start": "2024-09-01", "end": "2025-01-31"},
            ]
        }
        for label, months in (("2024-spring", [2, 3, 4, 5, 6]), ("2024-h2", [9, 10, 11, 12])):
            org = Organisation.model_validate(
                {**ORG.model_dump(by_alias=True), "calendars": semesters, "exemptions": [_exemption(periods=[label])]}
            )
            report = run(ruleset(MONTHLY), monthly_log("b2"), org=org)
            assert [o.period for o in report.outcomes if o.actor == "b1" and o.status == "exempt"] == [
                f"2024-{m:02d}" for m in months
            ], label
        # a semester whose id is a half-year's label, 2024-H2: it holds no half-year whole (not
        # H2, July to December), so it would exempt nothing and is refused
        semesters["semester"][1]["id"] = "2024-H2"
        org = Organisation.model_validate(
            {**ORG.model_dump(by_alias=True), "calendars": semesters, "exemptions": [_exemption(periods=["2024-H2"])]}
        )
        with pytest.raises(OrganisationError) as info:
            run(ruleset({**MONTHLY, "every": "half-year"}), [], org=org)
        [problem] = info.value.problems
        assert (problem.pointer, problem.code) == ("/exemptions/0/periods/0", "bad-value")
        assert "'2024-H2' (2024-09-01 to 2025-01-31) holds none" in problem.message

    @pytest.mark.parametrize(
        ("every", "label", "such"),
        [
            ({"year_starting": 9}, "2024", "2024-09/P1Y"),  # a calendar year holds no school year
            ("month", "2024-W48", "2024-12"),  # nor a week a month
            ("year", "2024-H1", "2024"),
            ("quarter", "2024-11", "2024-Q4"),
        ],
    )
    def test_an_exemption_that_holds_none_of_the_rules_periods_is_refused(
        self, every: Any, label: str, such: str
    ) -> None:
        """An organisation's exemption covers the periods of the rule it holds whole: a period
        label that holds none of them (the calendar year 2024 on a rule of school years from
        September) would leave every obligation owed, so the check refuses it, naming a period of
        the rule. Before, it was taken and exempted nothing."""
        org = ORG.model_copy(update={"exemptions": [_exemption(periods=[such, label])]})
        with pytest.raises(OrganisationError) as info:
            run(ruleset({**MONTHLY, "every": every}), [], org=org)
        [problem] = info.value.problems
        assert (problem.pointer, problem.code) == ("/exemptions/0/periods/1", "bad-value")
        assert f"such as {such!r}; {label!r}" in problem.message
        assert problem.message.endswith("holds none: it would exempt nothing")
        # a label that holds one of the rule's periods whole is taken: the school year itself
        org = ORG.model_copy(update={"exemptions": [_exemption(periods=[such])]})
        report = run(ruleset({**MONTHLY, "every": every}), [], org=org, end=date(2026, 1, 1))
        assert [o.period for o in report.outcomes if o.status == "exempt"] == [such]

    def test_an_exemption_naming_a_rules_own_custom_period_when_another_calendar_has_the_id(self) -> None:
        """Two calendars each hold a period `2024-1`; a rule on the terms calendar, exempted for
        `2024-1`: its own term is exempt, whichever calendar is listed first."""
        calendars = {
            "semester": [{"id": "2024-1", "start": "2024-02-01", "end": "2024-06-30"}],
            "terms": [{"id": "2024-1", "start": "2024-01-01", "end": "2024-03-31"}],
        }
        org = Organisation.model_validate(
            {
                **ORG.model_dump(by_alias=True),
                "calendars": calendars,
                "exemptions": [{"rule": "monthly", "actor": "b1", "periods": ["2024-1"], "reason": "closed"}],
            }
        )
        report = run(ruleset({**MONTHLY, "every": {"calendar": "terms"}}), [], org=org)
        assert [(o.period, o.status) for o in report.outcomes if o.actor == "b1"] == [("2024-1", "exempt")]

    def test_an_exemption_of_an_unknown_actor_is_said_once(self) -> None:
        """An exemption of an actor the organisation lacks is one problem, "unknown actor", not
        also one that it owes nothing."""
        org = ORG.model_copy(update={"exemptions": [_exemption().model_copy(update={"actor": "zz"})]})
        with pytest.raises(OrganisationError) as info:
            run(ruleset(MONTHLY), [], org=org)
        assert [(p.pointer, p.code) for p in info.value.problems] == [("/exemptions/0/actor", "unknown-actor")]

    def test_an_exemption_of_an_actor_that_owes_nothing_under_the_rule_is_refused(self) -> None:
        """The monthly report is owed by the branches: an exemption of hq from it, which owes
        nothing under it, would exempt nothing, so the check refuses it, listing who owes. Before,
        it was taken and changed nothing."""
        exemption = _exemption().model_copy(update={"actor": "hq"})
        org = ORG.model_copy(update={"exemptions": [exemption]})
        with pytest.raises(OrganisationError) as info:
            run(ruleset(MONTHLY), [], org=org)
        [problem] = info.value.problems
        assert (problem.pointer, problem.code) == ("/exemptions/0/actor", "bad-value")
        assert problem.message == (
            "expected an actor that owes under rule 'monthly' ('b1', 'b2'); 'hq' owes nothing under it: "
            "the exemption would exempt nothing"
        )
        # said once, not also as periods the rule owes nothing for (before, both were said)
        quarterly = ruleset({**MONTHLY, "every": "quarter", "exempt_periods": ["Q4"]})
        org = ORG.model_copy(update={"exemptions": [exemption.model_copy(update={"periods": ["2024-Q4"]})]})
        with pytest.raises(OrganisationError) as info:
            run(quarterly, [], org=org)
        assert [(p.pointer, p.code) for p in info.value.problems] == [("/exemptions/0/actor", "bad-value")]

    @pytest.mark.parametrize(
        ("rule", "exemption", "pointer", "why"),
        [
            (
                {"every": "quarter", "exempt_periods": ["Q4"]},
                {"periods": ["2024-Q4"]},
                "/exemptions/0/periods",
                "its periods '2024-Q4' cover only 2024-Q4, which the rule's exempt_periods (Q4) leave out",
            ),
            (
                {"every": "quarter", "effective": {"from": "2024-07-01"}},
                {"periods": ["2024-Q1", "2024-q2"]},
                "/exemptions/0/periods",
                "its periods '2024-Q1', '2024-q2' cover only 2024-Q1, 2024-Q2, which end while the rule is not in "
                "effect (it is from 2024-07-01)",
            ),
            (
                {"every": "quarter", "effective": {"to": "2024-06-30"}},
                {"dates": {"from": "2024-08-01"}},
                "/exemptions/0/dates",
                "its dates (2024-08-01 to open) cover only 2024-Q3, 2024-Q4, 2025-Q1, 2025-Q2, 2025-Q3, which end "
                "while the rule is not in effect (it is to 2024-06-30)",
            ),
            (
                {"every": {"calendar": "semester"}},
                {"dates": {"from": "2024-07-10", "to": "2024-08-20"}},
                "/exemptions/0/dates",
                "its dates (2024-07-10 to 2024-08-20) share a day with none of the rule's periods of the calendar "
                "'semester'",
            ),
            (
                {"every": "quarter", "exempt_periods": ["Q4"], "effective": {"from": "2024-07-01"}},
                {"periods": ["2024-Q4"], "dates": {"from": "2024-02-01", "to": "2024-02-02"}},
                "/exemptions/0",
                "its periods '2024-Q4' and its dates (2024-02-01 to 2024-02-02) cover only 2024-Q1, 2024-Q4, which "
                "the rule's exempt_periods (Q4) leave out or end while the rule is not in effect (it is from "
                "2024-07-01)",
            ),
        ],
    )
    def test_an_exemption_covering_no_period_the_rule_owes_is_refused(
        self, rule: dict[str, Any], exemption: dict[str, Any], pointer: str, why: str
    ) -> None:
        """An exemption whose periods and dates cover only periods the rule itself leaves out (its
        exempt periods, those that end before or after it is in effect) or, by dates, none at all
        (a summer between two semesters) would exempt nothing, so the check refuses it, saying
        why. Before, it was taken and changed nothing."""
        org = _semesters_exempting(exemption)
        with pytest.raises(OrganisationError) as info:
            run(ruleset({**MONTHLY, **rule}), [], org=org)
        [problem] = info.value.problems
        assert (problem.pointer, problem.code) == (pointer, "bad-value")
        assert problem.message == (
            f"expected an exemption that covers a period rule 'monthly' owes; {why}: it would exempt nothing"
        )

    @pytest.mark.parametrize(
        ("rule", "exemption", "exempt"),
        [
            # one label a period the rule leaves out, the other one it owes
            ({"every": "quarter", "exempt_periods": ["Q4"]}, {"periods": ["2024-Q4", "2024-Q3"]}, ["2024-Q3"]),
            # a label holding an exempt period and an owed one
            ({"every": "quarter", "exempt_periods": ["Q4"]}, {"periods": ["2024-H2"]}, ["2024-Q3"]),
            # dates partly before the rule is in effect
            (
                {"every": "quarter", "effective": {"from": "2024-07-01"}},
                {"dates": {"from": "2024-06-01", "to": "2024-07-01"}},
                ["2024-Q3"],
            ),
            # dates partly between two semesters
            (
                {"every": {"calendar": "semester"}},
                {"dates": {"from": "2024-07-01", "to": "2024-07-31"}},
                ["2024-spring"],
            ),
            # periods the rule leaves out, and dates it owes for
            (
                {"every": "quarter", "exempt_periods": ["Q4"]},
                {"periods": ["2024-Q4"], "dates": {"from": "2024-02-01", "to": "2024-02-01"}},
                ["2024-Q1"],
            ),
        ],
    )
    def test_an_exemption_covering_some_period_the_rule_owes_is_taken(
        self, rule: dict[str, Any], exemption: dict[str, Any], exempt: list[str]
    ) -> None:
        """An exemption that covers at least one period the rule owes is taken, whatever else it
        names: what it covers that is owed is exempt."""
        org = _semesters_exempting(exemption)
        report = run(ruleset({**MONTHLY, **rule}), [], org=org)
        assert [o.period for o in report.outcomes if o.status == "exempt"] == exempt

    @pytest.mark.parametrize(
        ("b1", "rule", "exemption", "pointer", "why"),
        [
            (  # a branch from July, exempted for the first quarter
                {"roles": [{"role": "branch", "from": "2024-07-01"}]},
                {},
                {"periods": ["2024-Q1"]},
                "/exemptions/0/periods",
                "its periods '2024-Q1' cover only 2024-01, 2024-02, 2024-03, which end while 'b1' does not hold "
                "role 'branch' (it holds it from 2024-07-01)",
            ),
            (  # dates open at their start: closed by the role's first day
                {"roles": [{"role": "branch", "from": "2024-07-01"}]},
                {"every": "quarter"},
                {"dates": {"to": "2024-05-10"}},
                "/exemptions/0/dates",
                "its dates (open to 2024-05-10) cover only 2023-Q2, 2023-Q3, 2023-Q4, 2024-Q1, 2024-Q2, which end "
                "while 'b1' does not hold role 'branch' (it holds it from 2024-07-01)",
            ),
            (  # a pair rule whose only school is a member from July
                {"relations": {"schools": [{"actor": "s1", "from": "2024-07-01"}]}},
                {"who": {"role": "branch", "relation": "schools"}, "to": {"counterpart": True}},
                {"periods": ["2024-H1"]},
                "/exemptions/0/periods",
                "its periods '2024-H1' cover only 2024-01, 2024-02, 2024-03, 2024-04, 2024-05, 2024-06, which end "
                "while 'b1' has no member in relation 'schools' (it has members from 2024-07-01)",
            ),
        ],
    )
    def test_an_exemption_covering_only_periods_its_actor_is_not_bound_for_is_refused(
        self, b1: dict[str, Any], rule: dict[str, Any], exemption: dict[str, Any], pointer: str, why: str
    ) -> None:
        """A dated role binds its holder for the periods it holds it on the last day of (a pair
        rule, with a member of the relation then): an exemption covering only periods the actor
        is not bound for would exempt nothing, so the check refuses it, saying when the actor
        holds the role. Before, it was taken and changed nothing."""
        org = _b1_exempted(b1, exemption)
        with pytest.raises(OrganisationError) as info:
            run(ruleset({**MONTHLY, **rule}), [], org=org)
        [problem] = info.value.problems
        assert (problem.pointer, problem.code) == (pointer, "bad-value")
        assert problem.message == (
            f"expected an exemption that covers a period rule 'monthly' owes; {why}: it would exempt nothing"
        )

    def test_an_exemption_covering_periods_its_actor_is_bound_for_and_others_exempts_those(self) -> None:
        """A branch holding its role from July and active from 15 July, exempted for the second
        and third quarters: taken, as it owes for the third. April to June, for which it does not
        hold the role, owe nothing and are not listed, exempt or not; July, for which it holds
        the role but was not active the whole month, is `exempt` (an exemption comes before
        `not-held`); October to December, not exempted, are owed."""
        b1 = {"roles": [{"role": "branch", "from": "2024-07-01"}], "active": {"from": "2024-07-15"}}
        org = _b1_exempted(b1, {"periods": ["2024-Q2", "2024-Q3"]})
        report = run(ruleset(MONTHLY), [], org=org)
        assert [(o.period, o.status) for o in report.outcomes if o.actor == "b1"] == [
            ("2024-07", "exempt"),
            ("2024-08", "exempt"),
            ("2024-09", "exempt"),
            ("2024-10", "missing"),
            ("2024-11", "missing"),
            ("2024-12", "missing"),
        ]
        assert [(f.code.value, f.period) for f in gaps(report, "exempt") if f.actor == "b1"] == [
            ("exempt", "2024-07"),
            ("exempt", "2024-08"),
            ("exempt", "2024-09"),
        ]
        # with neither periods nor dates, every period it owes
        report = run(ruleset(MONTHLY), [], org=_b1_exempted(b1, {}))
        assert [o.period for o in report.outcomes if o.actor == "b1" and o.status == "exempt"] == [
            f"2024-{m:02d}" for m in range(7, 13)
        ]

    @pytest.mark.parametrize(
        ("b1", "rule", "why"),
        [
            (  # holding the role only before the rule is in effect
                {"roles": [{"role": "branch", "to": "2023-12-31"}]},
                {"effective": {"from": "2024-01-01"}},
                "it holds role 'branch' to 2023-12-31; the rule is in effect from 2024-01-01",
            ),
            (  # an acting branch for ten days of March: on no month's last day
                {"roles": [{"role": "branch", "from": "2024-03-05", "to": "2024-03-14"}]},
                {},
                "it holds role 'branch' from 2024-03-05 to 2024-03-14",
            ),
            (  # in fourth quarters only, which the rule leaves out
                {"roles": [{"role": "branch", "from": "2024-10-01", "to": "2024-12-31"}]},
                {"every": "quarter", "exempt_periods": ["Q4"]},
                "it holds role 'branch' from 2024-10-01 to 2024-12-31; its exempt_periods are Q4",
            ),
        ],
    )
    def test_an_exemption_of_an_actor_the_rule_binds_for_no_period_is_refused(
        self, b1: dict[str, Any], rule: dict[str, Any], why: str
    ) -> None:
        """An actor that holds the rule's role at some time, but on no last day of a period the
        rule owes, is bound by the rule for none: an exemption of it, whatever periods or dates
        it names (or none, every period), would exempt nothing, so the check refuses it at its
        actor, saying when it holds the role. Before, it was taken and changed nothing."""
        for exemption in ({}, {"periods": ["2024-Q1"]}):
            org = _b1_exempted(b1, exemption)
            with pytest.raises(OrganisationError) as info:
                run(ruleset({**MONTHLY, **rule}), [], org=org)
            [problem] = info.value.problems
            assert (problem.pointer, problem.code) == ("/exemptions/0/actor", "bad-value")
            assert problem.message == (
                f"expected an actor that owes under rule 'monthly' for some period; 'b1' owes it for none ({why}; "
                "a period is owed where it holds the role on the period's last day): the exemption would exempt "
                "nothing"
            )
        # a pair rule whose one school is a member for ten days of March
        pair = {**MONTHLY, "who": {"role": "branch", "relation": "schools"}, "to": {"counterpart": True}}
        org = _b1_exempted({"relations": {"schools": [{"actor": "s1", "from": "2024-03-05", "to": "2024-03-14"}]}}, {})
        with pytest.raises(OrganisationError) as info:
            run(ruleset(pair), [], org=org)
        [problem] = info.value.problems
        assert (problem.pointer, problem.code) == ("/exemptions/0/actor", "bad-value")
        assert "it has members in relation 'schools' from 2024-03-05 to 2024-03-14" in problem.message

    @pytest.mark.parametrize(("every", "label"), [("month", "0001-01-01"), ({"year_starting": 9}, "0001")])
    def test_an_exemption_at_the_calendars_start_is_judged_without_overflowing(self, every: Any, label: str) -> None:
        """An exemption labelled at the calendar's first day (whose school year would start in
        year 0) is not refused for overflowing the calendar: the check runs (it refused with an
        internal error). A day holds no month, so ``0001-01-01`` is still refused as such."""
        org = ORG.model_copy(update={"exemptions": [_exemption(periods=[label])]})
        if every == "month":
            with pytest.raises(OrganisationError, match="holds none: it would exempt nothing"):
                run(ruleset({**MONTHLY, "every": every}), [], org=org)
            return
        report = run(ruleset({**MONTHLY, "every": every}), [], org=org)
        assert not [o for o in report.outcomes if o.status == "exempt"]

    def test_actor_active_from_mid_year(self) -> None:
        """A branch created on 2024-07-01 owes nothing before July and is not held to that year."""
        data = ORG.model_dump(by_alias=True)
        for actor in data["actors"]:
            if actor["id"] == "b2":
                actor["active"] = {"from": "2024-07-01"}
        org = Organisation.model_validate(data)
        report = run(
            ruleset(MONTHLY),
            monthly_log("b1") + [e for e in monthly_log("b2") if int(e.id.split("-")[1]) >= 7],
            org=org,
        )
        assert gaps(report) == []
        statuses = {o.period: o.status for o in report.outcomes if o.actor == "b2"}
        assert statuses["2024-06"] == "not-held" and statuses["2024-07"] == "met"
        yearly = {**MONTHLY, "id": "yearly", "every": "year"}
        report = run(ruleset(yearly), [ev("y1", "2024-03-01T10:00", "b1", "report", recipient="hq")], org=org)
        assert [(o.actor, o.status) for o in report.outcomes] == [("b1", "met"), ("b2", "not-held")]

    def test_an_exemption_takes_precedence_over_not_held(self) -> None:
        """A branch active until 15 March, exempted for March: March, which it was active for in
        part, is `exempt` (with its finding), not `not-held`; April, not exempted, is `not-held`.
        A pair whose member is active from July, exempted for the year: the pair is `exempt`."""
        data = _org_without("b2").model_dump(by_alias=True)
        for actor in data["actors"]:
            if actor["id"] == "b1":
                actor["active"] = {"to": "2024-03-15"}
            if actor["id"] == "s2":
                actor["active"] = {"from": "2024-07-01"}
        org = Organisation.model_validate({**data, "exemptions": [_exemption(periods=["2024-03"]).model_dump()]})
        report = run(ruleset(MONTHLY), monthly_log("b1", skip=[3, 4]), org=org, end=date(2024, 5, 1))
        assert [(o.period, o.status) for o in report.outcomes] == [
            ("2024-01", "met"),
            ("2024-02", "met"),
            ("2024-03", "exempt"),
            ("2024-04", "not-held"),
        ]
        assert [(f.code.value, f.period, f.severity) for f in gaps(report)] == [("exempt", "2024-03", "info")]
        for actor in data["actors"]:
            if actor["id"] == "b1":
                del actor["active"]
        pairs = {"rule": "brief", "actor": "b1", "periods": ["2024"], "reason": "merger"}
        org = Organisation.model_validate({**data, "exemptions": [pairs]})
        report = run(ruleset(BRIEFING_EACH_SCHOOL), [], org=org)
        assert [(o.counterpart, o.status) for o in report.outcomes] == [("s1", "exempt"), ("s2", "exempt")]
        org = Organisation.model_validate(data)
        report = run(ruleset(BRIEFING_EACH_SCHOOL), [], org=org)
        assert [(o.counterpart, o.status) for o in report.outcomes] == [("s1", "missing"), ("s2", "not-held")]

    def test_the_periods_an_actor_does_not_exist_for_are_not_held_and_may_be_exempted(self) -> None:
        """A branch active until 31 August holds its role (undated) all year: the months after
        its end, which it is active for not at all, are listed `not-held` by `obligations`, as
        one it is active for in part would be, not left out as a month it does not hold its role
        for is; so an exemption naming only them (the fourth quarter) is taken, not refused as
        exempting nothing, and they are `exempt`. A pair whose school is in the relation (by id,
        undated) but active until 31 August is the same: not held after it, exempt where its
        branch is exempted."""
        from govrules import obligations

        late_months = [f"2024-{m:02d}" for m in range(9, 13)]
        pair_rule = {**BRIEFING_EACH_SCHOOL, "every": "month"}
        # (rule, the actor that ends, the obligation it ends, one still owed after its end)
        for rule, ended, whose, other in (
            (MONTHLY, "b1", ("b1", None), ("b2", None)),
            (pair_rule, "s1", ("b1", "s1"), ("b1", "s2")),
        ):
            data = ORG.model_dump(by_alias=True)
            for actor in data["actors"]:
                if actor["id"] == ended:
                    actor["active"] = {"to": "2024-08-31"}
            rules, org = ruleset(rule), Organisation.model_validate(data)
            listed = {
                (o.actor, o.counterpart, o.period): o.status
                for o in obligations(rules, org, date(2024, 1, 1), date(2025, 1, 1))
            }
            assert [listed[(*whose, m)] for m in ("2024-08", *late_months)] == ["open"] + ["not-held"] * 4, ended
            assert listed[(*other, "2024-12")] == "open"
            exemption = {"rule": rule["id"], "actor": "b1", "periods": ["2024-Q4"], "reason": "closed"}
            exempted = Organisation.model_validate({**data, "exemptions": [exemption]})
            report = run(rules, [], org=exempted, as_of=datetime(2025, 2, 1, tzinfo=SH))
            statuses = {(o.actor, o.counterpart, o.period): o.status for o in report.outcomes}
            assert [statuses[(*whose, m)] for m in late_months] == ["not-held", "exempt", "exempt", "exempt"]
            assert [f.period for f in gaps(report, "exempt") if (f.actor, f.counterpart) == whose] == late_months[1:]

    def test_an_exemption_by_dates_covers_every_period_sharing_a_day_with_them(self) -> None:
        """An exemption by `dates` covers each period that shares at least one day with them,
        where a label covers only the periods it holds whole: a one-day closure on 10 February
        exempts February of a monthly rule and the whole year of a yearly one. With both `dates`
        and `periods`, a period either covers is exempt."""
        from govrules.model import Exemption

        closure = Exemption(
            rule="monthly",
            actor="b1",
            dates=DateRange.model_validate({"from": "2024-02-10", "to": "2024-02-10"}),
            reason="closed for a day",
        )
        org = _org_without("b2").model_copy(update={"exemptions": [closure]})
        report = run(ruleset(MONTHLY), [], org=org, end=date(2024, 4, 1))
        assert [(o.period, o.status) for o in report.outcomes] == [
            ("2024-01", "missing"),
            ("2024-02", "exempt"),
            ("2024-03", "missing"),
        ]
        report = run(ruleset({**MONTHLY, "every": "year"}), [], org=org)
        assert [(o.period, o.status) for o in report.outcomes] == [("2024", "exempt")]
        assert [(f.code.value, f.period, f.detail["reason"]) for f in gaps(report)] == [
            ("exempt", "2024", "closed for a day")
        ]
        both = closure.model_copy(update={"periods": ["2024-05"]})
        org = _org_without("b2").model_copy(update={"exemptions": [both]})
        report = run(ruleset(MONTHLY), [], org=org, end=date(2024, 7, 1))
        assert [o.period for o in report.outcomes if o.status == "exempt"] == ["2024-02", "2024-05"]

    def test_an_exemption_of_a_pair_rules_holder_covers_every_pair(self) -> None:
        """An exemption names an actor, not a pair: exempting the branch from briefing each of its
        schools exempts its briefing of every school, and one naming a school is refused, as the
        school owes nothing under the rule. One pair cannot be exempted alone."""
        pairs = {"rule": "brief", "actor": "b1", "periods": ["2024"], "reason": "merger"}
        org = Organisation.model_validate({**ORG.model_dump(by_alias=True), "exemptions": [pairs]})
        report = run(
            ruleset(BRIEFING_EACH_SCHOOL), [ev("x3", "2024-05-01T10:00", "b2", "briefing", recipient="s3")], org=org
        )
        assert [(o.actor, o.counterpart, o.status) for o in report.outcomes] == [
            ("b1", "s1", "exempt"),
            ("b1", "s2", "exempt"),
            ("b2", "s3", "met"),
        ]
        assert [(f.code.value, f.actor, f.counterpart) for f in gaps(report)] == [
            ("exempt", "b1", "s1"),
            ("exempt", "b1", "s2"),
        ]
        one_pair = {**pairs, "actor": "s1"}
        org = Organisation.model_validate({**ORG.model_dump(by_alias=True), "exemptions": [one_pair]})
        with pytest.raises(OrganisationError) as info:
            run(ruleset(BRIEFING_EACH_SCHOOL), [], org=org)
        assert [(p.pointer, p.code) for p in info.value.problems] == [("/exemptions/0/actor", "bad-value")]

    def test_an_exempt_or_not_held_period_needs_none_of_its_events(self) -> None:
        """An exempt or `not-held` obligation takes no event: a report in its span naming no
        period pays an older debt, as a later period's surplus would (February exempt, its report
        makes January `late`); one naming the exempt or not-held period answers nothing and is
        unused, and the debt stays `missing`. The same holds of a March that a branch active
        until 15 March is not held to."""
        org = _org_without("b2").model_copy(update={"exemptions": [_exemption()]})
        report = run(ruleset(MONTHLY), monthly_log("b1", skip=[1, 4]), org=org, end=date(2024, 4, 1))
        assert [(o.period, o.status, o.evidence) for o in report.outcomes] == [
            ("2024-01", "late", ("b1-2",)),
            ("2024-02", "exempt", ()),
            ("2024-03", "met", ("b1-3",)),
        ]
        named = ev("feb", "2024-02-20T10:00", "b1", "report", recipient="hq", period="2024-02")
        report = run(ruleset(MONTHLY), [named, *monthly_log("b1", skip=[1, 2, 4])], org=org, end=date(2024, 4, 1))
        assert [(o.period, o.status, o.evidence) for o in report.outcomes] == [
            ("2024-01", "missing", ()),
            ("2024-02", "exempt", ()),
            ("2024-03", "met", ("b1-3",)),
        ]
        assert not [o for o in report.outcomes if "feb" in o.evidence]
        assert (report.records.used, report.records.unused) == (1, report.records.read - 1)
        data = _org_without("b2").model_dump(by_alias=True)
        for actor in data["actors"]:
            if actor["id"] == "b1":
                actor["active"] = {"to": "2024-03-15"}
        org = Organisation.model_validate(data)
        # a report made on 20 March, after the branch's last day (15 March), still pays February's
        # debt, unlike a rolling interval's gap, which an event after the actor's end does not close
        for when, period, february, evidence in (
            ("2024-03-10T10:00", None, "late", ("mar",)),
            ("2024-03-20T10:00", None, "late", ("mar",)),
            ("2024-03-10T10:00", "2024-03", "missing", ()),
        ):
            march = ev("mar", when, "b1", "report", recipient="hq", period=period)
            report = run(
                ruleset(MONTHLY), [*monthly_log("b1", skip=range(2, 13)), march], org=org, end=date(2024, 4, 1)
            )
            assert [(o.period, o.status, o.evidence) for o in report.outcomes] == [
                ("2024-01", "met", ("b1-1",)),
                ("2024-02", february, evidence),
                ("2024-03", "not-held", ()),
            ]


def _semesters_exempting(exemption: dict[str, Any]) -> Organisation:
    """`ORG` with a semester calendar of two semesters and one exemption of b1 from rule ``monthly``."""
    semesters = [
        {"id": "2024-spring", "start": "2024-02-26", "end": "2024-07-05"},
        {"id": "2024-autumn", "start": "2024-09-01", "end": "2025-01-17"},
    ]
    return Organisation.model_validate(
        {
            **ORG.model_dump(by_alias=True),
            "calendars": {"semester": semesters},
            "exemptions": [{"rule": "monthly", "actor": "b1", "reason": "closed", **exemption}],
        }
    )


def _b1_exempted(b1: dict[str, Any], exemption: dict[str, Any]) -> Organisation:
    """`ORG` with actor b1 changed by ``b1`` (its roles, relations, active dates) and one
    exemption of it from rule ``monthly``."""
    data = ORG.model_dump(by_alias=True)
    for actor in data["actors"]:
        if actor["id"] == "b1":
            actor.update(b1)
    return Organisation.model_validate(
        {**data, "exemptions": [{"rule": "monthly", "actor": "b1", "reason": "closed", **exemption}]}
    )


def _exemption(periods: tuple[str, ...] | list[str] = ("2024-02",)) -> Any:
    from govrules.model import Exemption

    return Exemption(rule="monthly", actor="b1", periods=list(periods), reason="Spring festival closure")


def _org_without(actor_id: str) -> Organisation:
    return ORG.model_copy(update={"actors": [a for a in ORG.actors if a.id != actor_id]})


class TestTimingTraps:
    def test_a_day_the_zone_skips_is_owed_nothing_and_counts_for_no_deadline(self) -> None:
        """Samoa went from 29 to 31 December 2011. A daily report is owed for the 28th, 29th and
        31st, not for a 30th that opened after it was due; a reply "within 1 day" of a notice at
        noon on the 29th is on time on the 31st (it was due 12 hours after the notice); a
        penalty at least a day after the notice is not allowed an hour after it."""
        apia = ZoneInfo("Pacific/Apia")
        rules = ruleset(
            {
                "id": "daily",
                "kind": "recurring",
                "clause": "C1",
                "who": {"actor": "b1"},
                "action": "log",
                "every": "day",
            },
            {
                "id": "reply",
                "kind": "triggered",
                "clause": "C2",
                "trigger": {"action": "notice"},
                "steps": [{"action": "reply", "by": {"actor": "b1"}, "within": "1 day"}],
            },
            {
                **PREREQ,
                "id": "penalty",
                "action": "penalty",
                "link": "subject",
                "min_age": "1 day",
                "requires": [{"action": "notice"}],
            },
            tz="Pacific/Apia",
        )

        def at(eid: str, day: int, hour: int, action: str, **kw: Any) -> Event:
            return ev(eid, datetime(2011, 12, day, hour, tzinfo=apia).isoformat(), "b1", action, **kw)

        log = [
            at("l28", 28, 9, "log"),
            at("l29", 29, 9, "log"),
            at("n1", 29, 12, "notice", subject="case"),
            at("p1", 29, 13, "penalty", subject="case"),
            at("r1", 31, 9, "reply", ref="n1"),
            at("l31", 31, 9, "log"),
        ]
        report = run(rules, log, start=date(2011, 12, 28), end=date(2012, 1, 1))
        assert [(o.rule, o.period, o.status) for o in report.outcomes] == [
            ("daily", "2011-12-28", "met"),
            ("daily", "2011-12-29", "met"),
            ("daily", "2011-12-31", "met"),
            ("penalty", "p1", "unapproved"),
            ("reply", "n1", "met"),
        ]
        [f] = report.findings
        assert (f.code.value, f.detail["missing"][0]["problem"]) == ("unapproved", "too-recent")

    def test_events_in_year_one_east_of_utc_are_checked_not_crashed_on(self) -> None:
        """A review and an approval dated 0001-01-01T00:00+14:00, still year 0 in New York: the
        review opens the gap still open when 2024 starts (missing, due in July of year 1), the
        approval by a role is too old for the 30-day lookback. Computing their local dates and
        deadlines once overflowed and ended the whole check."""
        year_one = datetime.fromisoformat("0001-01-01T00:00:00+14:00")
        rules = ruleset(
            {
                "id": "review",
                "kind": "recurring",
                "clause": "C1",
                "who": {"actor": "b1"},
                "action": "review",
                "max_gap": "6 months",
            },
            {
                "id": "publish",
                "kind": "prerequisite",
                "clause": "C2",
                "action": "publish",
                "link": "subject",
                "lookback": "30 days",
                "requires": [{"action": "approval", "by": {"role": "office"}}],
            },
            tz="America/New_York",
        )
        log = [
            ev("r0", "2024-01-01T00:00", "b1", "review")._replace(time=year_one),
            ev("a0", "2024-01-01T00:00", "office", "approval", subject="doc")._replace(time=year_one),
            ev("p1", "2024-03-06T10:00", "b1", "publish", subject="doc"),
        ]
        report = run(rules, log, as_of=datetime(2024, 12, 31, tzinfo=UTC))
        assert [(f.code.value, f.rule, f.period, f.evidence) for f in gaps(report)] == [
            ("unapproved", "publish", "p1", ("p1", "a0")),
            ("missing", "review", "0001-01-01/0001-07-01", ("r0",)),
        ]
        assert gaps(report)[0].detail["missing"][0]["problem"] == "too-old"

    def test_outcomes_in_a_repeated_hour_are_in_the_order_of_their_instants(self) -> None:
        """01:30 before the clocks go back comes before 01:15 after it: outcomes and findings are
        ordered by instant, not by wall time, even when their times share one zone object."""
        london = ZoneInfo("Europe/London")
        rule = {"id": "seal", "kind": "forbidden", "clause": "D1", "action": "use-seal", "by": {"role": "school"}}
        first = ev("first", "2024-10-27T01:30:00", "s1", "use-seal")._replace(
            time=datetime(2024, 10, 27, 1, 30, tzinfo=london)
        )
        second = ev("second", "2024-10-27T01:15:00", "s1", "use-seal")._replace(
            time=datetime(2024, 10, 27, 1, 15, tzinfo=london, fold=1)
        )
        report = run(ruleset(rule, tz="Europe/London"), [second, first])
        assert [o.period for o in report.outcomes] == ["first", "second"]
        assert [f.period for f in report.findings] == ["first", "second"]

    def test_an_approval_in_a_repeated_hour_is_before_or_after_by_its_instant(self) -> None:
        """Events made in Python whose times share a zone with DST: 01:50 before the clocks go
        back is 40 minutes before 01:10 after it, so an approval then counts for a talk then, and
        a response then does not answer an inspection then, however the wall times compare."""
        london = ZoneInfo("Europe/London")
        before = datetime(2024, 10, 27, 1, 50, tzinfo=london)
        after = datetime(2024, 10, 27, 1, 10, tzinfo=london, fold=1)
        assert before.timestamp() < after.timestamp() and before > after  # as instants, as wall times
        log = [
            ev("ok", "2024-10-27T01:50:00", "vp", "approve", subject="talk-1")._replace(time=before),
            ev("talk", "2024-10-27T01:10:00", "s1", "lecture", subject="talk-1")._replace(time=after),
        ]
        report = run(ruleset(PREREQ, tz="Europe/London"), log)
        assert [(o.status, o.evidence) for o in report.outcomes] == [("met", ("talk", "ok"))]
        step: dict[str, Any] = {"id": "answer", "kind": "triggered", "clause": "c", "trigger": {"action": "inspection"}}
        step["steps"] = [{"action": "written-report", "within": "1 day"}]
        log = [
            ev("early", "2024-10-27T01:50:00", "b1", "written-report")._replace(time=before),
            ev("visit", "2024-10-27T01:10:00", "b1", "inspection")._replace(time=after),
        ]
        report = run(ruleset(step, tz="Europe/London"), log, as_of=datetime(2024, 12, 1, tzinfo=london))
        assert [(o.status, o.evidence) for o in report.outcomes] == [("unanswered", ("visit",))]

    def test_half_past_midnight_local_is_the_next_month(self) -> None:
        """00:30 on 1 December local time is still 30 November in UTC, but it is December here."""
        log = [*monthly_log("b1", skip=[11, 12]), ev("e", "2024-11-30T16:30:00+00:00", "b1", "report", recipient="hq")]
        report = run(ruleset(MONTHLY), log, org=_org_without("b2"))
        assert [key(f) for f in gaps(report)] == [("missing", "monthly", "b1", "2024-11", ())]
        assert [(o.period, o.evidence) for o in report.outcomes if o.status == "met"][-1] == ("2024-12", ("e",))
        # Named for November, it is late by half an hour.
        log[-1] = ev("e", "2024-11-30T16:30:00+00:00", "b1", "report", recipient="hq", period="2024-11")
        report = run(ruleset(MONTHLY), log, org=_org_without("b2"))
        assert [key(f) for f in gaps(report)] == [
            ("late", "monthly", "b1", "2024-11", ("e",)),
            ("missing", "monthly", "b1", "2024-12", ()),
        ]
        assert gaps(report)[0].late_by_seconds == 1800

    def test_exactly_at_the_due_moment_is_on_time(self) -> None:
        """An event at the last instant of the month is on time."""
        log = [
            *monthly_log("b1", skip=[11]),
            ev("e", "2024-11-30T23:59:59.999999+08:00", "b1", "report", recipient="hq"),
        ]
        assert gaps(run(ruleset(MONTHLY), log, org=_org_without("b2"))) == []


BRIEFING_EACH_SCHOOL = {
    "id": "brief",
    "kind": "recurring",
    "clause": "D1.5.5",
    "who": {"role": "branch", "relation": "schools"},
    "action": "briefing",
    "to": {"counterpart": True},
    "every": "year",
}
"""D1.5.5: each branch briefs each of its schools once a year, addressed to the school."""


ACCESS_REVIEW: dict[str, Any] = {
    "id": "review",
    "kind": "recurring",
    "clause": "7.2.4",
    "who": "office",
    "action": "access-review",
    "max_gap": "6 months",
    "effective": {"from": "2025-03-31"},
}
"""PCI DSS 7.2.4: the office reviews access at least every six months, from 31 March 2025."""


class TestOptions:
    def test_pairs_over_a_relation(self) -> None:
        """D1.5.5: each branch briefs each of its schools; one missing pair is reported with its counterpart."""
        rule = BRIEFING_EACH_SCHOOL
        log = [
            ev("x1", "2024-05-01T10:00", "b1", "briefing", recipient="s1"),
            ev("x3", "2024-05-01T10:00", "b2", "briefing", recipient="s3"),
        ]
        report = run(ruleset(rule), log)
        [f] = gaps(report)
        assert (f.code.value, f.actor, f.counterpart, f.period) == ("missing", "b1", "s2", "2024")

    def test_a_pair_report_naming_the_counterpart_but_sent_elsewhere_is_wrong_recipient(self) -> None:
        """A pair's stream holds the events naming the member as recipient or subject; where the rule
        says ``to: {counterpart: true}``, one about the school but sent to headquarters is misdirected."""
        rule = BRIEFING_EACH_SCHOOL
        log = [
            ev("x1", "2024-05-01T10:00", "b1", "briefing", recipient="s1"),
            ev("x2", "2024-05-01T10:00", "b1", "briefing", recipient="hq", subject="s2"),
            ev("x3", "2024-05-01T10:00", "b2", "briefing", recipient="s3"),
        ]
        report = run(ruleset(rule), log)
        assert [(o.actor, o.counterpart, o.status, o.evidence) for o in report.outcomes] == [
            ("b1", "s1", "met", ("x1",)),
            ("b1", "s2", "wrong-recipient", ("x2",)),
            ("b2", "s3", "met", ("x3",)),
        ]
        [f] = gaps(report)
        assert (f.code.value, f.actor, f.counterpart, f.period) == ("wrong-recipient", "b1", "s2", "2024")
        # without a recipient in the rule, naming the school as the subject is enough
        report = run(ruleset({k: v for k, v in rule.items() if k != "to"}), log)
        assert [o.status for o in report.outcomes] == ["met", "met", "met"]
        assert gaps(report) == []

    def test_a_report_naming_no_member_is_the_sole_pairs_sent_elsewhere(self) -> None:
        """Branch 2 has one school (s3): its briefing sent to headquarters, naming no school, is
        s3's briefing sent elsewhere (wrong-recipient), where it was in no stream (unused, and s3
        missing, 'no qualifying event'). Branch 1 has two schools: which one such a briefing was
        for cannot be told, and it stays unused."""
        log = [
            ev("x1", "2024-05-01T10:00", "b1", "briefing", recipient="hq"),
            ev("x3", "2024-05-01T10:00", "b2", "briefing", recipient="hq"),
        ]
        report = run(ruleset(BRIEFING_EACH_SCHOOL), log)
        assert [(o.actor, o.counterpart, o.status, o.evidence) for o in report.outcomes] == [
            ("b1", "s1", "missing", ()),
            ("b1", "s2", "missing", ()),
            ("b2", "s3", "wrong-recipient", ("x3",)),
        ]
        assert report.records.unused == 1  # x1
        [f] = gaps(report, "wrong-recipient")
        assert (f.actor, f.counterpart, f.detail["found_recipients"]) == ("b2", "s3", ["hq"])
        # without a recipient in the rule, a briefing naming no school is no school's
        report = run(ruleset({k: v for k, v in BRIEFING_EACH_SCHOOL.items() if k != "to"}), log)
        assert [o.status for o in report.outcomes] == ["missing", "missing", "missing"]

    def test_a_report_to_a_member_of_other_dates_is_that_members_whatever_the_range(self) -> None:
        """The dean changes on 15 February, so every quarter of 2024 is owed to the new dean, the
        outgoing dean being the faculty's only other member. A report the faculty sent in July to
        the outgoing dean names that member: it is the outgoing dean's pair's, which a range from
        2024 holds no period of, so it is unused, as it is where the range reaches back to 2023
        and that pair's periods. Before, in the range from 2024, the new dean was the sole
        counterpart and took it as its Q3 report sent elsewhere (`wrong-recipient`), where the
        wider range gave `missing`: the verdict followed where the range began. A report sent to
        the new dean about the outgoing one names the new dean, and meets its Q3 in either range."""
        faculty = _faculty(dean_a_to="2024-02-14", dean_b_from="2024-02-15")
        org = _with_deans(faculty)
        log = [ev("r1", "2024-07-17T10:00", "faculty", "report", recipient="dean-a")]
        for start in (date(2024, 1, 1), date(2023, 7, 1)):
            report = run(ruleset(DEAN_REPORT), log, org=org, start=start, end=date(2025, 1, 1))
            q3 = next(o for o in report.outcomes if o.period == "2024-Q3")
            assert (q3.counterpart, q3.status, q3.evidence, report.records.unused) == ("dean-b", "missing", (), 1), (
                start
            )
        # one sent to the new dean about the outgoing one names the new dean: it is that pair's
        about = [ev("r2", "2024-08-20T10:00", "faculty", "report", recipient="dean-b", subject="dean-a")]
        for start in (date(2024, 1, 1), date(2024, 7, 1)):
            report = run(ruleset(DEAN_REPORT), about, org=org, start=start, end=date(2025, 1, 1))
            q3 = next(o for o in report.outcomes if o.period == "2024-Q3")
            assert (q3.counterpart, q3.status, q3.evidence) == ("dean-b", "met", ("r2",)), start

    def test_a_report_naming_no_member_is_the_pair_whose_period_it_is_for_when_the_member_changes(self) -> None:
        """The faculty's dean changes on 16 May, so its quarterly report to its dean is owed to the
        outgoing dean for Q1 and to the new one from Q2: two counterparts over the year, none sole.
        A report sent to the registry, naming no dean, is the misdirected report of the pair whose
        period it is for: the period it names (Q1's, sent in July); naming none, the period whose
        span holds it (Q2's, though sent on 20 April, while the outgoing dean was in post); in no
        period's span, the period last due before it, whose late report it is (Q4's, sent in
        January). Before, each was in no stream: unused, and every period missing. Where two deans
        are members at once, which one's such a report was cannot be told, and it stays unused."""
        faculty = _faculty(dean_a_to="2024-05-15", dean_b_from="2024-05-16")
        org = _with_deans(faculty)
        log = [
            ev("q2", "2024-04-20T10:00", "faculty", "report", recipient="registry"),
            ev("q1", "2024-07-05T10:00", "faculty", "report", recipient="registry", period="2024-Q1"),
            ev("q3", "2024-08-10T10:00", "faculty", "report", recipient="dean-b"),
            ev("q4", "2025-01-05T10:00", "faculty", "report", recipient="registry"),
        ]
        as_of = datetime(2025, 1, 31, tzinfo=SH)
        report = run(ruleset(DEAN_REPORT), log, org=org, as_of=as_of)
        assert [(o.counterpart, o.period, o.status, o.evidence) for o in report.outcomes] == [
            ("dean-a", "2024-Q1", "wrong-recipient", ("q1",)),
            ("dean-b", "2024-Q2", "wrong-recipient", ("q2",)),
            ("dean-b", "2024-Q3", "met", ("q3",)),
            ("dean-b", "2024-Q4", "wrong-recipient", ("q4",)),
        ]
        assert report.records.unused == 0
        assert [(f.counterpart, f.period, f.detail["found_recipients"]) for f in gaps(report)] == [
            ("dean-a", "2024-Q1", ["registry"]),
            ("dean-b", "2024-Q2", ["registry"]),
            ("dean-b", "2024-Q4", ["registry"]),
        ]
        assert "to registry instead of dean-b" in gaps(report)[1].message
        # both deans in post through June: Q2 is owed to each, and a report naming neither is neither's
        both = _faculty(dean_a_to="2024-06-30", dean_b_from="2024-06-01")
        org = _with_deans(both)
        report = run(ruleset(DEAN_REPORT), log[:1], org=org, end=date(2024, 7, 1))
        assert [(o.counterpart, o.period, o.status) for o in report.outcomes] == [
            ("dean-a", "2024-Q1", "missing"),
            ("dean-a", "2024-Q2", "missing"),
            ("dean-b", "2024-Q2", "missing"),
        ]
        assert report.records.unused == 1
        # due 15 days after its quarter, Q2's report is made from 1 July, and Q3's from 1 October:
        # one made between them, naming no period, is Q2's made late (as one stream takes it), the
        # outgoing dean's, though the new dean was in post that day
        changed = _faculty(dean_a_to="2024-06-30", dean_b_from="2024-07-01")
        org = _with_deans(changed)
        late_due = {**DEAN_REPORT, "due_after": "15 days"}
        sent = [ev("q", "2024-08-10T10:00", "faculty", "report", recipient="registry")]
        report = run(ruleset(late_due), sent, org=org, start=date(2024, 4, 1), end=date(2024, 10, 1), as_of=as_of)
        assert [(o.counterpart, o.period, o.status, o.evidence) for o in report.outcomes] == [
            ("dean-a", "2024-Q2", "wrong-recipient", ("q",)),
            ("dean-b", "2024-Q3", "missing", ()),
        ]

    def test_due_after_and_exempt_q4(self) -> None:
        """A 10-Q is due 40 days after quarters 1–3 and owed for no Q4."""
        rule = {**TEN_Q, "exempt_periods": ["Q4"]}
        log = [ev("q1", "2024-05-10T20:00", "hq", "10-q"), ev("q2", "2024-08-12T10:00", "hq", "10-q", period="2024-Q2")]
        report = run(ruleset(rule), log, end=date(2025, 1, 1), as_of=datetime(2025, 2, 1, tzinfo=SH))
        assert [(o.period, o.status) for o in report.outcomes] == [
            ("2024-Q1", "met"),
            ("2024-Q2", "late"),
            ("2024-Q3", "missing"),
        ]
        q2 = gaps(report, "late")[0]
        assert q2.due == datetime(2024, 8, 9, 23, 59, 59, 999999, tzinfo=SH)

    def test_rolling_interval(self) -> None:
        """PCI DSS 7.2.4: a gap longer than six months between reviews is reported, from the effective date."""
        rule = ACCESS_REVIEW
        log = [
            ev("r1", "2025-05-01T10:00", "office", "access-review"),
            ev("r2", "2025-12-01T10:00", "office", "access-review"),
        ]
        report = run(ruleset(rule), log, start=date(2025, 1, 1), end=date(2026, 7, 1))
        assert [(f.code.value, f.period, f.evidence) for f in gaps(report)] == [
            ("late", "2025-05-01/2025-11-01", ("r1", "r2")),
            ("missing", "2025-12-01/2026-06-01", ("r2",)),
        ]

    def test_a_version_of_a_recurring_clause_pays_no_debt_with_an_event_of_the_next(self) -> None:
        """Monthly reports under a version in force to 15 June, then one from 16 June: a report on
        20 June is June's under the second version, and does not also pay May's debt under the
        first, whose late reports it accepts only while it is in force (one rule would leave May
        missing too). A May report made late on 14 June, under the first, still pays it."""
        base = {**MONTHLY, "who": "b1"}
        rules = ruleset(
            {**base, "id": "v1", "effective": {"to": "2024-06-15"}},
            {**base, "id": "v2", "effective": {"from": "2024-06-16"}},
        )
        log = [
            ev("apr", "2024-04-10T10:00", "b1", "report", recipient="hq"),
            ev("jun", "2024-06-20T10:00", "b1", "report", recipient="hq"),
        ]
        report = run(rules, log, start=date(2024, 4, 1), end=date(2024, 7, 1))
        assert [(o.rule, o.period, o.status, o.evidence) for o in report.outcomes] == [
            ("v1", "2024-04", "met", ("apr",)),
            ("v1", "2024-05", "missing", ()),
            ("v2", "2024-06", "met", ("jun",)),
        ]
        late = ev("may", "2024-06-14T10:00", "b1", "report", recipient="hq", period="2024-05")
        report = run(rules, [*log, late], start=date(2024, 4, 1), end=date(2024, 7, 1))
        assert [(o.rule, o.period, o.status) for o in report.outcomes][1] == ("v1", "2024-05", "late")
        # naming May, made on 20 June under the second version: the first no longer accepts it,
        # with its default limit as with a longer one (the default let a named event through)
        named = ev("may", "2024-06-20T09:00", "b1", "report", recipient="hq", period="2024-05")
        for limit in ({}, {"accept_late": "2 months"}):
            limited = ruleset(
                {**base, "id": "v1", "effective": {"to": "2024-06-15"}, **limit},
                {**base, "id": "v2", "effective": {"from": "2024-06-16"}},
            )
            report = run(limited, [*log, named], start=date(2024, 4, 1), end=date(2024, 7, 1))
            assert [(o.rule, o.period, o.status) for o in report.outcomes][1] == ("v1", "2024-05", "missing")
        # a filing due 40 days after a quarter of a rule in force to 31 December: its last quarter's
        # filing naming it is on time until its due moment, though after the rule's last day, and
        # after that moment it is accepted no more (the limit is the due moment, not the last day)
        filing = ruleset({**base, "every": "quarter", "due_after": "40 days", "effective": {"to": "2024-12-31"}})
        for when, status in (("2025-02-01T10:00", "met"), ("2025-02-20T10:00", "missing")):
            q4 = ev("q4", when, "b1", "report", recipient="hq", period="2024-Q4")
            report = run(
                filing, [q4], start=date(2024, 10, 1), end=date(2025, 1, 1), as_of=datetime(2025, 3, 31, tzinfo=SH)
            )
            assert [(o.period, o.status) for o in report.outcomes] == [("2024-Q4", status)]

    def test_the_versions_of_a_recurring_clause_are_one_stream(self) -> None:
        """The same versions (to 15 June, from 16 June) and a report on 10 June naming no period,
        while the first is in force: it is June's, and May stays missing, as under one rule.
        Before, the first version took it as May's late report and the second as June's: one
        event answered two obligations. With a second June report, the earlier one is June's
        surplus and pays May's debt, as under one rule."""
        base = {**MONTHLY, "who": "b1"}
        versions = ruleset(
            {**base, "id": "v1", "effective": {"to": "2024-06-15"}},
            {**base, "id": "v2", "effective": {"from": "2024-06-16"}},
        )
        one = ruleset({**base, "id": "v1"})
        apr = ev("apr", "2024-04-10T10:00", "b1", "report", recipient="hq")
        jun10 = ev("jun10", "2024-06-10T10:00", "b1", "report", recipient="hq")
        jun20 = ev("jun20", "2024-06-20T10:00", "b1", "report", recipient="hq")
        cases: list[tuple[list[Event], list[tuple[str, str, tuple[str, ...]]]]] = [
            ([apr, jun10], [("2024-04", "met", ("apr",)), ("2024-05", "missing", ()), ("2024-06", "met", ("jun10",))]),
            (
                [apr, jun10, jun20],
                [("2024-04", "met", ("apr",)), ("2024-05", "late", ("jun10",)), ("2024-06", "met", ("jun20",))],
            ),
        ]
        for log, expected in cases:
            report = run(versions, log, start=date(2024, 4, 1), end=date(2024, 7, 1))
            assert [(o.rule, o.period, o.status, o.evidence) for o in report.outcomes] == [
                (rule, *outcome) for rule, outcome in zip(["v1", "v1", "v2"], expected, strict=True)
            ]
            whole = run(one, log, start=date(2024, 4, 1), end=date(2024, 7, 1))
            assert [(o.period, o.status, o.evidence) for o in whole.outcomes] == expected
            assert report.records == whole.records
        # versions differing in how long they accept late reports are still one stream
        terms = ruleset(
            {**base, "id": "v1", "effective": {"to": "2024-06-15"}, "accept_late": "30 days"},
            {**base, "id": "v2", "effective": {"from": "2024-06-16"}, "accept_late": "60 days"},
        )
        report = run(terms, [apr, jun10], start=date(2024, 4, 1), end=date(2024, 7, 1))
        assert [(o.rule, o.period, o.status) for o in report.outcomes] == [
            ("v1", "2024-04", "met"),
            ("v1", "2024-05", "missing"),
            ("v2", "2024-06", "met"),
        ]
        # versions asking for other events (here another recipient) are matched each on its own:
        # the old one still takes the report as May's late one, the new one finds it misdirected
        apart = ruleset(
            {**base, "id": "v1", "effective": {"to": "2024-06-15"}},
            {**base, "id": "v2", "effective": {"from": "2024-06-16"}, "to": "office"},
        )
        report = run(apart, [apr, jun10], start=date(2024, 4, 1), end=date(2024, 7, 1))
        assert [(o.rule, o.period, o.status) for o in report.outcomes] == [
            ("v1", "2024-04", "met"),
            ("v1", "2024-05", "late"),
            ("v2", "2024-06", "wrong-recipient"),
        ]

    @pytest.mark.parametrize(
        ("old", "new"),
        [
            ({"ch": ["a", "b"]}, {"ch": ["b", "a"]}),
            ({"ch": "a"}, {"ch": ["a"]}),
            ({"n": 3, "f": True}, {"n": "3", "f": "TRUE"}),
            ({"period": "2024-q2"}, {"period": ["2024-Q2"]}),
        ],
    )
    def test_versions_whose_where_asks_the_same_in_other_words_are_one_stream(
        self, old: dict[str, Any], new: dict[str, Any]
    ) -> None:
        """A list in another order, a value and a list of it, a number and its text ask for the
        same events, so the versions are one stream: the 10 June report is June's only. Before,
        the texts of the two conditions were compared, and it also paid May's debt."""
        base = {**MONTHLY, "who": "b1"}
        attributes = {"ch": "a", "n": 3, "f": "true", "period": "2024-Q2"}
        log = [
            ev(f"r{m}", f"2024-{m:02d}-10T10:00", "b1", "report", recipient="hq", attributes=attributes) for m in (4, 6)
        ]
        versions = ruleset(
            {**base, "id": "v1", "where": old, "effective": {"to": "2024-06-15"}},
            {**base, "id": "v2", "where": new, "effective": {"from": "2024-06-16"}},
        )
        report = run(versions, log, start=date(2024, 4, 1), end=date(2024, 7, 1))
        assert [(o.rule, o.period, o.status, o.evidence) for o in report.outcomes] == [
            ("v1", "2024-04", "met", ("r4",)),
            ("v1", "2024-05", "missing", ()),
            ("v2", "2024-06", "met", ("r6",)),
        ]

    def test_effective_dated_versions(self) -> None:
        """Two versions of a rule: 150 days for offences before 2010-08-13, 90 days after."""
        base = {"kind": "triggered", "clause": "Art201", "trigger": {"action": "fine"}}
        old = {
            **base,
            "id": "notify-150",
            "effective": {"to": "2010-08-12"},
            "steps": [{"action": "notify", "within": "150 days", "same": ["subject"]}],
        }
        new = {
            **base,
            "id": "notify-90",
            "effective": {"from": "2010-08-13"},
            "steps": [{"action": "notify", "within": "90 days", "same": ["subject"]}],
        }
        log = [
            ev("f1", "2010-01-01T00:00", "office", "fine", subject="c1"),
            ev("n1", "2010-05-01T00:00", "office", "notify", subject="c1"),
            ev("f2", "2011-01-01T00:00", "office", "fine", subject="c2"),
            ev("n2", "2011-05-01T00:00", "office", "notify", subject="c2"),
        ]
        report = run(ruleset(old, new), log, start=date(2010, 1, 1), end=date(2012, 1, 1))
        assert [(f.code.value, f.rule, f.period) for f in gaps(report)] == [("late-response", "notify-90", "f2")]


class TestReport:
    def test_unknown_actor_rejected_and_duplicates(self) -> None:
        """Unknown actors are warned about; unreadable records and duplicate ids are rejected, and all is counted."""
        log: list[Event | Rejected] = [
            *monthly_log("b1"),
            *monthly_log("b2"),
            ev("x", "2024-03-01T10:00", "ghost", "report", recipient="hq"),
            Rejected("log.csv", 7, "expected an ISO 8601 time, got 'soon'"),
            ev("b1-3", "2024-03-21T10:00", "b1", "report", recipient="hq"),
        ]
        report = run(ruleset(MONTHLY), log)
        assert [(f.code.value, f.actor, f.file, f.line) for f in gaps(report)] == [
            ("rejected-event", None, "log.csv", 7),
            ("rejected-event", "b1", "log.csv", log[-1].line),  # a duplicate, its actor read
            ("unknown-actor", "ghost", "log.csv", log[-3].line),  # placed at its first event
        ]
        assert "duplicate event id 'b1-3'" in report.findings[1].detail["reason"]
        r = report.records
        assert (r.read, r.rejected, r.used) == (27, 2, 24)
        assert r.read == r.used + r.unused + r.rejected

    def test_the_unused_records_are_named_by_file_and_line(self) -> None:
        """The report names the records no rule used, not only their count: the first
        `UNUSED_LISTED` (100), by file, line and id whatever order they were read in, each with
        where it was read, and counts the rest (``records.unused_not_listed``). An event of an
        action no rule reads, an actor the organisation lacks, one before the range and one after
        the audit moment are all among them. The text report names the first five where they were
        read, then how many more."""
        from govrules.findings import UNUSED_LISTED, UnusedRecord
        from govrules.renderers import RenderContext, render

        def at(event: Event, file: str, line: int) -> Event:
            return event._replace(file=file, line=line)

        log = [
            at(ev("m9", "2024-02-01T10:00", "b1", "memo"), "b.csv", 2),  # read first, listed after a.csv's
            at(ev("r1", "2024-01-10T10:00", "b1", "report", recipient="hq"), "a.csv", 2),
            at(ev("m1", "2024-01-11T10:00", "b1", "memo"), "a.csv", 3),
            at(ev("g1", "2024-01-12T10:00", "ghost", "report", recipient="hq"), "a.csv", 4),
            at(ev("r2", "2023-12-20T10:00", "b1", "report", recipient="hq"), "a.csv", 5),  # before the range
            at(ev("r9", "2025-01-02T10:00", "b1", "report", recipient="hq"), "a.csv", 6),  # after the audit moment
        ]
        as_of = datetime(2024, 12, 31, 23, tzinfo=SH)
        report = run(ruleset({**MONTHLY, "who": "b1"}), log, as_of=as_of)
        r = report.records
        assert (r.read, r.used, r.unused, r.after_as_of, r.unused_not_listed) == (6, 1, 5, 1, 0)
        assert r.unused_records == (
            UnusedRecord(id="m1", file="a.csv", line=3),
            UnusedRecord(id="g1", file="a.csv", line=4),
            UnusedRecord(id="r2", file="a.csv", line=5),
            UnusedRecord(id="r9", file="a.csv", line=6),
            UnusedRecord(id="m9", file="b.csv", line=2),
        )
        memos = [at(ev(f"n{i:03}", "2024-03-01T10:00", "b1", "memo"), "c.csv", i + 2) for i in range(UNUSED_LISTED + 7)]
        report = run(ruleset({**MONTHLY, "who": "b1"}), [*log, *memos], as_of=as_of)
        r = report.records
        assert (r.unused, len(r.unused_records), r.unused_not_listed) == (UNUSED_LISTED + 12, UNUSED_LISTED, 12)
        assert [u.id for u in r.unused_records[4:6]] == ["m9", "n000"]
        assert r.unused_records[-1] == UnusedRecord(id=f"n{UNUSED_LISTED - 6:03}", file="c.csv", line=UNUSED_LISTED - 4)
        located = check(
            ruleset({**MONTHLY, "who": "b1"}),
            ORG,
            [*log, *memos],
            start=date(2024, 1, 1),
            end=date(2025, 1, 1),
            as_of=as_of,
            with_locations=True,
        )
        assert located.records == r  # told from the cited ids the locations are found by, alike
        [line] = [line for line in render(report, "text", RenderContext()).splitlines() if "Unused" in line]
        assert line == (
            "Unused records: m1 at a.csv:3, g1 at a.csv:4, r2 at a.csv:5, r9 at a.csv:6, m9 at b.csv:2, "
            f"{UNUSED_LISTED + 7} more"
        )
        zh = run(ruleset({**MONTHLY, "who": "b1"}), log, as_of=as_of, lang="zh")
        [line] = [line for line in render(zh, "text", RenderContext()).splitlines() if "未使用的记录" in line]
        assert line == "未使用的记录:m1(a.csv:3)、g1(a.csv:4)、r2(a.csv:5)、r9(a.csv:6)、m9(b.csv:2)"

    def test_an_unknown_actor_near_a_known_one_is_asked_about(self) -> None:
        """An actor id one slip from the organisation's (``b-1`` for ``b1``) is warned about with a
        "did you mean", in ``detail`` for tools and in the message in the report's language; one
        near none is not."""
        log = [
            ev("x1", "2024-03-01T10:00", "b-1", "report", recipient="hq"),
            ev("x2", "2024-03-02T10:00", "zz-unrelated", "report", recipient="hq"),
            ev("x3", "2024-03-03T10:00", "Ofice", "report", recipient="hq"),  # a letter left out, in capitals
            ev("x4", "2024-03-04T10:00", "haedquarters", "report", recipient="hq"),  # two letters swapped
            ev("x5", "2024-03-05T10:00", "b12", "report", recipient="hq"),  # an id of three: its case and signs only
        ]
        org = Organisation.model_validate(
            {
                **ORG.model_dump(by_alias=True),
                "actors": [*ORG.model_dump(by_alias=True)["actors"], {"id": "headquarters"}],
            }
        )
        report = run(ruleset(MONTHLY), log, org=org)
        found = sorted((f.actor, f.line, f.detail.get("did_you_mean")) for f in gaps(report, "unknown-actor"))
        assert found == [
            ("Ofice", log[2].line, ["office"]),
            ("b-1", log[0].line, ["b1"]),
            ("b12", log[4].line, None),
            ("haedquarters", log[3].line, ["headquarters"]),
            ("zz-unrelated", log[1].line, None),
        ]
        said = {f.actor: f.message for f in gaps(report, "unknown-actor")}
        assert said["b-1"].endswith("who is not in the organisation (did you mean b1?)")
        zh = next(f for f in gaps(run(ruleset(MONTHLY), log, org=org, lang="zh"), "unknown-actor") if f.actor == "b-1")
        assert zh.message.endswith("(是否应为 b1?)")

    def test_an_unknown_actors_events_are_cited_in_the_order_they_were_read(self) -> None:
        """The events of an actor the organisation lacks are cited by file and line, whatever
        order the log gives them in (a report does not depend on the order of its events)."""
        ghosts = [
            Event(
                id=f"g{n}",
                time=datetime(2024, 3, n, 10, tzinfo=SH),
                actor="ghost",
                action="report",
                file=f,
                line=n,
                seq=n,
            )
            for n, f in ((3, "a.csv"), (12, "a.csv"), (2, "b.csv"), (25, "a.csv"))
        ]
        for order in itertools.permutations(ghosts):
            [f] = gaps(run(ruleset(MONTHLY), list(order)), "unknown-actor")
            assert (f.actor, f.observed, f.evidence) == ("ghost", 4, ("g3", "g12", "g25", "g2"))

    def test_evidence_locations_on_request(self) -> None:
        """``with_locations`` says where every cited event was first read; a duplicate id points at
        the first record, and events that carry no file have no location."""
        first = ev("b1-3", "2024-03-21T10:00", "b1", "report", recipient="hq")
        log: list[Event | Rejected] = [
            *[e for e in monthly_log("b1") if e.id != "b1-3"],
            first,
            *[e._replace(file=None) for e in monthly_log("b2")],
            ev("b1-3", "2024-03-22T10:00", "b1", "report", recipient="hq")._replace(file="other.csv"),
        ]
        plain = run(ruleset(MONTHLY), log)
        report = check(ruleset(MONTHLY), ORG, log, start=date(2024, 1, 1), end=date(2025, 1, 1), with_locations=True)
        assert plain.evidence_locations == {}
        assert report.model_dump(exclude={"evidence_locations"}) == plain.model_dump(exclude={"evidence_locations"})
        by_id = {e.id: e for e in reversed(log) if isinstance(e, Event)}
        assert sorted(report.evidence_locations) == sorted(i for i in by_id if i.startswith("b1-"))
        assert all((loc.file, loc.line) == ("log.csv", by_id[i].line) for i, loc in report.evidence_locations.items())
        assert report.evidence_locations["b1-3"].line == first.line

    def test_unmatched_actions_suggest_names(self) -> None:
        """An action no rule mentions is listed with a 'did you mean'."""
        log = [*monthly_log("b1"), *monthly_log("b2"), ev("x", "2024-03-01T10:00", "b1", "reprot", recipient="hq")]
        report = run(ruleset(MONTHLY), log)
        assert [(u.action, u.count, u.did_you_mean) for u in report.unmatched_actions] == [("reprot", 1, ("report",))]

    def test_no_rule_to_evaluate_is_an_error(self) -> None:
        """A rule set with only informative rules cannot be checked."""
        rules = ruleset({"id": "i", "kind": "informative", "clause": "D5"})
        with pytest.raises(InvalidArgument, match="no checkable rule"):
            run(rules, [])

    def test_no_obligation_is_said_plainly(self) -> None:
        """A range in which nothing was owed says so."""
        rule = {**PREREQ}
        report = run(ruleset(rule), [])
        assert report.findings == () and report.outcomes == ()
        assert report.notes and "No obligation arose" in report.notes[0]

    def test_naive_as_of_and_empty_range_are_invalid(self) -> None:
        """The library refuses a naive as-of and an empty range."""
        with pytest.raises(InvalidArgument, match="timezone-aware"):
            run(ruleset(MONTHLY), [], as_of=datetime(2024, 5, 1))
        with pytest.raises(InvalidArgument, match="empty"):
            run(ruleset(MONTHLY), [], start=date(2024, 5, 1), end=date(2024, 5, 1))

    def test_an_event_with_a_naive_time_is_invalid(self) -> None:
        """An event made in Python with a naive time is refused, naming it, wherever it comes in
        the log (alone, after aware events, in a batch of naive ones), instead of a TypeError
        from comparing it with the audit moment."""
        naive = monthly_log("b1")[0]._replace(id="naive", time=datetime(2024, 3, 5, 10, 0))
        many = [e._replace(id=f"n{i}", time=datetime(2024, 3, 5, 10, 0)) for i, e in enumerate(monthly_log("b1") * 300)]
        for log in ([naive], [*monthly_log("b1"), naive], many):
            with pytest.raises(InvalidArgument, match=r"event '(naive|n0)' has a naive time, 2024-03-05T10:00:00"):
                run(ruleset(MONTHLY), log)

    def test_iter_findings_matches_check(self) -> None:
        """The lazy iterator yields the same findings as the report holds."""
        rules = ruleset(MONTHLY, CHAIN)
        log = [*monthly_log("b1", skip=[3]), ev("i1", "2024-03-01T10:00", "b1", "inspection", subject="s1")]
        report = run(rules, log)
        lazy = list(iter_findings(rules, ORG, log, start=date(2024, 1, 1), end=date(2025, 1, 1)))
        assert sorted(map(key, lazy)) == sorted(map(key, report.findings))

    def test_order_is_deterministic(self) -> None:
        """Permuting the log gives the same report."""
        rules = ruleset(MONTHLY, CHAIN, PREREQ)
        log = (
            monthly_log("b1", skip=[3])
            + monthly_log("b2", skip=[5])
            + [
                ev("i1", "2024-03-01T10:00", "b1", "inspection", subject="s1"),
                ev("l1", "2024-04-01T10:00", "s1", "lecture"),
            ]
        )
        a = run(rules, log)
        b = run(rules, list(reversed(log)))
        assert a.model_dump() == b.model_dump()


class TestMoreOptions:
    def test_informative_rules_produce_nothing(self) -> None:
        """An informative clause is kept for coverage but never yields an obligation."""
        report = run(
            ruleset(MONTHLY, {"id": "info", "kind": "informative", "clause": "D5"}),
            monthly_log("b1") + monthly_log("b2"),
        )
        assert report.findings == ()
        assert {o.rule for o in report.outcomes} == {"monthly"}
        assert report.summary.rules_evaluated == 1

    def test_roll_to_next_workday(self) -> None:
        """A due date on a Sunday rolls to Monday: a filing that Monday is on time."""
        rule = {
            "id": "q",
            "kind": "recurring",
            "clause": "0-3",
            "who": "hq",
            "action": "file",
            "every": "quarter",
            "due_after": "40 days",
            "roll": "next-workday",
        }
        # Q1 2025 ends 2025-03-31; 40 days later is Saturday 2025-05-10; the next US workday is Monday 2025-05-12.
        rules = ruleset(rule, calendar="US")
        report = run(
            rules,
            [ev("f", "2025-05-12T20:00", "hq", "file")],
            start=date(2025, 1, 1),
            end=date(2025, 4, 1),
            as_of=datetime(2025, 6, 1, tzinfo=SH),
        )
        assert [(o.period, o.status) for o in report.outcomes] == [("2025-Q1", "met")]
        assert report.outcomes[0].due == datetime(2025, 5, 12, 23, 59, 59, 999999, tzinfo=SH)

    def test_explicit_late_acceptance(self) -> None:
        """`accept_late: 10 days`: a report 12 days late no longer answers the obligation."""
        rule = {**MONTHLY, "accept_late": "10 days"}
        log = [
            *monthly_log("b1", skip=[3]),
            *monthly_log("b2"),
            ev("late", "2024-04-12T10:00", "b1", "report", recipient="hq"),
        ]
        report = run(ruleset(rule), log)
        assert [key(f) for f in gaps(report)] == [("missing", "monthly", "b1", "2024-03", ())]

    def test_counted_from_trigger_and_mode_any(self) -> None:
        """A step counted from the trigger ignores the previous step's lateness; `mode: any` takes one of two approvals."""
        rule = {
            **CHAIN,
            "steps": [CHAIN["steps"][0], {**CHAIN["steps"][1], "counted_from": "trigger", "within": "10 days"}],
        }
        log = [
            ev("i1", "2024-03-01T10:00", "b1", "inspection", subject="s1"),
            ev("r1", "2024-03-09T10:00", "b1", "written-report"),
            ev("f1", "2024-03-12T10:00", "b1", "feedback", recipient="s1"),
        ]
        report = run(ruleset(rule), log)
        assert [(f.code.value, f.detail["step"]) for f in gaps(report)] == [("late-response", 1), ("late-response", 2)]
        assert gaps(report)[1].due == datetime(2024, 3, 11, 23, 59, 59, 999999, tzinfo=SH)
        anyof = {
            **PREREQ,
            "mode": "any",
            "requires": [{"action": "approve", "by": {"role": "vp"}}, {"action": "approve", "by": {"role": "dean"}}],
        }
        log = [
            ev("a", "2024-04-01T08:00", "dean", "approve", subject="t"),
            ev("l", "2024-04-01T10:00", "s1", "lecture", subject="t"),
        ]
        assert gaps(run(ruleset(anyof), log)) == []

    def test_rule_severity_warning(self) -> None:
        """`severity: warning` lowers the rule's violations to warnings."""
        report = run(ruleset({**MONTHLY, "severity": "warning"}), monthly_log("b1", skip=[5]) + monthly_log("b2"))
        [f] = gaps(report)
        assert (f.code.value, f.severity) == ("missing", "warning")
        assert report.exit_code() == 0 and report.exit_code("warning") == 1

    def test_recurring_discharge(self) -> None:
        """A recurring obligation lapses when its `unless` event comes first in the period."""
        rule = {**MONTHLY, "unless": {"action": "suspended"}}
        log = [*monthly_log("b1", skip=[6]), *monthly_log("b2"), ev("s", "2024-06-02T10:00", "b1", "suspended")]
        [f] = gaps(run(ruleset(rule), log))
        assert (f.code.value, f.period, f.evidence, f.severity) == ("discharged", "2024-06", ("s",), "info")

    @pytest.mark.parametrize(
        ("report_at", "as_of", "evidence"),
        [
            ("2024-07-03T10:00", "2024-12-31T00:00", ("s", "r")),  # it would be late
            ("2024-06-05T10:00", "2024-12-31T00:00", ("s", "r")),  # it would be on time
            (None, "2024-06-15T00:00", ("s",)),  # it would be pending
        ],
    )
    def test_recurring_discharge_comes_before_late_met_and_pending(
        self, report_at: str | None, as_of: str, evidence: tuple[str, ...]
    ) -> None:
        """The `unless` event inside the period, before the event that would meet it: the
        obligation lapsed first, whether that event came late, on time or not yet; a report made
        before the `unless` event meets it."""
        rule = {**MONTHLY, "who": "b1", "unless": {"action": "suspended"}}
        log = [ev("s", "2024-06-02T10:00", "b1", "suspended")]
        if report_at is not None:
            log.append(ev("r", report_at, "b1", "report", recipient="hq"))
        report = run(
            ruleset(rule),
            log,
            start=date(2024, 6, 1),
            end=date(2024, 7, 1),
            as_of=datetime.fromisoformat(as_of).replace(tzinfo=SH),
        )
        assert [(o.period, o.status, o.evidence) for o in report.outcomes] == [("2024-06", "discharged", evidence)]
        before = [ev("r0", "2024-06-01T10:00", "b1", "report", recipient="hq"), *log]
        report = run(ruleset(rule), before, start=date(2024, 6, 1), end=date(2024, 7, 1))
        assert [(o.period, o.status, o.evidence[0]) for o in report.outcomes] == [("2024-06", "met", "r0")]

    @pytest.mark.parametrize("as_of", ["2024-06-15T00:00", "2024-06-25T00:00", "2024-07-15T00:00"])
    def test_a_report_outside_the_window_keeps_nothing_from_lapsing(self, as_of: str) -> None:
        """A report made before its window opens meets nothing, so a suspension after it and
        before the window discharges the month, at every audit moment, as without the report.
        Before, the report counted as the event that met it: the month was pending, then
        outside-window. A report in the window before the suspension still meets it."""
        rule = {**MONTHLY, "who": "b1", "window": {"days": "21-last"}, "unless": {"action": "suspended"}}
        early = ev("r", "2024-06-05T10:00", "b1", "report", recipient="hq")
        suspended = ev("s", "2024-06-10T10:00", "b1", "suspended")
        moment = datetime.fromisoformat(as_of).replace(tzinfo=SH)
        seen = [
            [
                (o.status, o.evidence)
                for o in run(ruleset(rule), log, start=date(2024, 6, 1), end=date(2024, 7, 1), as_of=moment).outcomes
            ]
            for log in ([early, suspended], [suspended])
        ]
        assert seen == [[("discharged", ("s", "r"))], [("discharged", ("s",))]]
        in_window = ev("w", "2024-06-21T10:00", "b1", "report", recipient="hq")
        late_suspension = suspended._replace(time=datetime(2024, 6, 22, 10, tzinfo=SH))
        report = run(ruleset(rule), [early, in_window, late_suspension], start=date(2024, 6, 1), end=date(2024, 7, 1))
        assert [(o.status, o.evidence) for o in report.outcomes] == [("met", ("r", "w"))]

    @pytest.mark.parametrize("at", ["2024-02-10T10:00", "2024-04-05T10:00"])
    def test_recurring_discharge_of_a_rule_due_after_its_period(self, at: str) -> None:
        """A quarterly filing due 40 days after the quarter lapses by an `unless` event from the
        quarter's first day to the filing's due moment: inside the quarter, or after it but
        before the filing was due."""
        rule = {
            **MONTHLY,
            "who": "b1",
            "every": "quarter",
            "due_after": "40 days",
            "unless": {"action": "deregistered"},
        }
        report = run(
            ruleset(rule),
            [ev("u", at, "b1", "deregistered")],
            start=date(2024, 1, 1),
            end=date(2024, 4, 1),
            as_of=datetime(2024, 6, 1, tzinfo=SH),
        )
        assert [(o.period, o.status, o.evidence) for o in report.outcomes] == [("2024-Q1", "discharged", ("u",))]

    def test_an_event_naming_its_period_is_placed_before_an_earlier_one_naming_none(self) -> None:
        """Monthly filings due 40 days after the month: one naming no period on 5 March, then one
        naming January on 8 March. January is met by the one naming it, so the other is
        February's (the oldest one still unmet), whatever their order in time."""
        rule = {**MONTHLY, "who": "b1", "due_after": "40 days", "max": 1}
        log = [
            ev("a", "2024-03-05T10:00", "b1", "report", recipient="hq"),
            ev("b", "2024-03-08T10:00", "b1", "report", recipient="hq", period="2024-01"),
        ]
        as_of = datetime(2024, 6, 1, tzinfo=SH)
        report = run(ruleset(rule), log, start=date(2024, 1, 1), end=date(2024, 3, 1), as_of=as_of)
        assert [(o.period, o.status, o.evidence) for o in report.outcomes] == [
            ("2024-01", "met", ("b",)),
            ("2024-02", "met", ("a",)),
        ]

    def test_a_misdirected_event_is_no_surplus_a_debt_may_take(self) -> None:
        """February's report never made; March's made to hq, and a second one sent to the office.
        The misdirected one does not make hq's a surplus that February may take: February is
        missing and March met, as without it."""
        rule = {**MONTHLY, "who": "b1"}
        log = [
            ev("r1", "2024-03-03T10:00", "b1", "report", recipient="hq"),
            ev("r2", "2024-03-05T10:00", "b1", "report", recipient="office"),
        ]
        for events in (log, log[:1]):
            report = run(ruleset(rule), events, start=date(2024, 2, 1), end=date(2024, 4, 1))
            assert [(o.period, o.status, o.evidence) for o in report.outcomes] == [
                ("2024-02", "missing", ()),
                ("2024-03", "met", ("r1",)),
            ]

    def test_a_custom_period_id_that_looks_like_a_label_is_matched_as_written(self) -> None:
        """A log's period field naming a custom period (``2024-h1`` of a calendar of the
        organisation) answers it, although ``2024-h1`` also reads as the label ``2024-H1``."""
        data = ORG.model_dump(by_alias=True)
        data["calendars"] = {"terms": [{"id": "2024-h1", "start": "2024-01-01", "end": "2024-06-30"}]}
        org = Organisation.model_validate(data)
        rule = {**MONTHLY, "who": "b1", "every": {"calendar": "terms"}}
        log = [ev("late", "2024-07-10T10:00", "b1", "report", recipient="hq", period="2024-h1")]
        report = run(ruleset(rule), log, org=org)
        [f] = gaps(report)
        assert (f.code.value, f.actor, f.period, f.evidence) == ("late", "b1", "2024-h1", ("late",))

    def test_a_label_in_another_spelling_names_its_span_not_a_custom_period_of_that_id(self) -> None:
        """An event naming ``2024-q3`` names the quarter, July to September: it does not answer a
        custom period whose id reads ``2024-Q3`` but spans July to mid-August, nor ``2024-01/P1Y``
        (the calendar year) a custom period ``2024`` from mid-August. Before, both were taken as
        late reports of those periods; an exemption labelled ``2024-q3`` was already the quarter.
        Written as the id is, the event answers the custom period."""
        data = ORG.model_dump(by_alias=True)
        data["calendars"] = {
            "sem": [
                {"id": "2024-Q3", "start": "2024-07-01", "end": "2024-08-15"},
                {"id": "2024", "start": "2024-08-16", "end": "2024-12-31"},
            ]
        }
        org = Organisation.model_validate(data)
        rule = {**MONTHLY, "who": "b1", "every": {"calendar": "sem"}}
        log = [
            ev("q3", "2024-11-10T10:00", "b1", "report", recipient="hq", period="2024-q3"),
            ev("year", "2025-01-10T10:00", "b1", "report", recipient="hq", period="2024-01/P1Y"),
        ]
        report = run(ruleset(rule), log, org=org, as_of=datetime(2025, 2, 1, tzinfo=SH))
        assert [(f.code.value, f.period, f.evidence) for f in gaps(report)] == [
            ("missing", "2024-Q3", ()),
            ("missing", "2024", ()),
        ]
        assert (report.records.used, report.records.unused) == (0, 2)
        log = [ev("q3", "2024-11-10T10:00", "b1", "report", recipient="hq", period="2024-Q3")]
        report = run(ruleset(rule), log, org=org, as_of=datetime(2025, 2, 1, tzinfo=SH))
        assert [(f.code.value, f.period, f.evidence) for f in gaps(report)] == [
            ("late", "2024-Q3", ("q3",)),
            ("missing", "2024", ()),
        ]

    def test_semesters_and_school_years(self) -> None:
        """Custom calendar periods (semesters) and a year starting in September are labelled as such."""
        data = ORG.model_dump(by_alias=True)
        data["calendars"] = {
            "semester": [
                {"id": "2024-spring", "start": "2024-02-26", "end": "2024-07-05"},
                {"id": "2024-autumn", "start": "2024-09-01", "end": "2025-01-17"},
            ]
        }
        org = Organisation.model_validate(data)
        sem = {
            "id": "sem",
            "kind": "recurring",
            "clause": "D11.1",
            "who": "office",
            "action": "review",
            "every": {"calendar": "semester"},
        }
        school_year = {
            "id": "sy",
            "kind": "recurring",
            "clause": "X",
            "who": "office",
            "action": "plan",
            "every": {"year_starting": 9},
        }
        log = [ev("r1", "2024-03-01T10:00", "office", "review"), ev("p1", "2024-10-01T10:00", "office", "plan")]
        report = run(ruleset(sem, school_year), log, org=org, as_of=datetime(2025, 9, 1, tzinfo=SH))
        assert [(o.rule, o.period, o.status) for o in report.outcomes] == [
            ("sem", "2024-spring", "met"),
            ("sem", "2024-autumn", "missing"),
            ("sy", "2024-09/P1Y", "met"),
        ]


class TestRollingEdges:
    def test_a_gap_due_on_a_holiday_rolls_to_the_next_workday(self) -> None:
        """`roll: next-workday`: a month from 10 January 2024 ends on 10 February, in the Spring
        Festival holiday; rolled, the gap closes on Sunday 18 February, a working day (调休), so a
        review on 15 February is on time, and late without the roll."""
        rule = {"id": "rev", "kind": "recurring", "clause": "c", "who": "b1", "action": "review", "max_gap": "1 month"}
        log = [ev("r1", "2024-01-10T10:00", "b1", "review"), ev("r2", "2024-02-15T10:00", "b1", "review")]
        for roll, status, label in (
            ("next-workday", "met", "2024-01-10/2024-02-18"),
            ("none", "late", "2024-01-10/2024-02-10"),
        ):
            report = run(ruleset({**rule, "roll": roll}, calendar="CN"), log, end=date(2024, 3, 1))
            assert [(o.period, o.status) for o in report.outcomes if o.period.startswith("2024-01-10")] == [
                (label, status)
            ]

    def test_a_range_after_the_actor_ended_reports_none_of_its_gaps(self) -> None:
        """A review on 10 February, a month's gap never closed: a range from 1 July reports it
        missing while the branch is active on 1 July, and not at all once it ended on 30 June."""
        rule = {"id": "rev", "kind": "recurring", "clause": "c", "who": "b9", "action": "review", "max_gap": "1 month"}
        log = [ev("r1", "2024-02-10T10:00", "b9", "review")]
        found = []
        for until in ("2024-06-30", "2024-07-01"):
            actor = Actor.model_validate({"id": "b9", "active": {"to": until}})
            org = ORG.model_copy(update={"actors": [*ORG.actors, actor]})
            report = run(ruleset(rule), log, org=org, start=date(2024, 7, 1), end=date(2025, 1, 1))
            found.append([(o.period, o.status, o.evidence) for o in report.outcomes])
        assert found == [[], [("2024-02-10/2024-03-10", "missing", ("r1",))]]

    def test_a_gap_past_the_actors_end_needs_no_calendar_year(self) -> None:
        """A branch active to the last day of the last year the CN calendar holds: the gap from its
        28 December review, 5 workdays, would end in the next year, after the branch, and owes
        nothing; it is not counted, so the check does not stop for want of that year's holidays,
        as it did (CalendarError). A branch active into that year is owed the gap, which cannot
        be counted: that is still an error, never a guess."""
        from govrules.calendars import get_calendar
        from govrules.errors import CalendarError

        covered = get_calendar("CN")._covered()
        assert covered is not None
        last = max(covered)
        rule = {
            "id": "rev",
            "kind": "recurring",
            "clause": "c",
            "who": "b9",
            "action": "review",
            "max_gap": "5 workdays",
        }
        log = [ev("r1", f"{last}-12-28T10:00", "b9", "review")]
        span = {"start": date(last, 12, 1), "end": date(last + 1, 1, 1), "as_of": datetime(last + 1, 3, 1, tzinfo=SH)}
        for until, owed in ((f"{last}-12-31", False), (f"{last + 1}-06-30", True)):
            actor = Actor.model_validate({"id": "b9", "active": {"to": until}})
            org = ORG.model_copy(update={"actors": [*ORG.actors, actor]})
            if owed:
                with pytest.raises(CalendarError, match=f"no holiday data for {last + 1}"):
                    run(ruleset(rule, calendar="CN"), log, org=org, **span)  # type: ignore[arg-type]
                continue
            report = run(ruleset(rule, calendar="CN"), log, org=org, **span)  # type: ignore[arg-type]
            assert [(o.status, o.evidence) for o in report.outcomes] == [("late", ("r1",))]
            assert report.outcomes[0].period.startswith(f"{last}-12-01/")

    def test_an_event_after_the_actor_ends_closes_no_gap(self) -> None:
        """A branch active until 31 March: the gap from its 1 March review, due 11 March, is
        missing; a review on 2 April, after the branch ended, closes nothing (docs/semantics.md)."""
        rule = {"id": "rev", "kind": "recurring", "clause": "c", "who": "b9", "action": "review", "max_gap": "10 days"}
        org = ORG.model_copy(
            update={"actors": [*ORG.actors, Actor.model_validate({"id": "b9", "active": {"to": "2024-03-31"}})]}
        )
        log = [ev("r1", "2024-03-01T10:00", "b9", "review"), ev("r2", "2024-04-02T10:00", "b9", "review")]
        report = run(ruleset(rule), log, org=org, start=date(2024, 3, 1), end=date(2024, 5, 1))
        assert [(o.period, o.status, o.evidence) for o in report.outcomes] == [
            ("2024-03-01/2024-03-11", "missing", ("r1",))
        ]

    def test_nothing_is_owed_at_an_audit_moment_before_the_clock_starts(self) -> None:
        """A rule in force from 1 June, audited on 1 March: which review opens the first gap is
        not known yet (one may come before June), so no gap is reported, at any audit moment
        before June. Before, the February review's gap was reported missing on 1 March, under a
        rule not yet in force, and was gone by December, when the May review opened the gap."""
        rule = {
            "id": "rev",
            "kind": "recurring",
            "clause": "c",
            "who": "b1",
            "action": "review",
            "max_gap": "10 days",
            "effective": {"from": "2024-06-01"},
        }
        log = [ev("r0", "2024-02-01T10:00", "b1", "review"), ev("r1", "2024-05-20T10:00", "b1", "review")]
        seen = [
            [(o.period, o.status, o.evidence) for o in run(ruleset(rule), log, as_of=moment).outcomes]
            for moment in (
                datetime(2024, 3, 1, tzinfo=SH),
                datetime(2024, 5, 31, 23, tzinfo=SH),
                datetime(2024, 12, 31, tzinfo=SH),
            )
        ]
        assert seen == [[], [], [("2024-05-20/2024-05-30", "missing", ("r1",))]]

    @pytest.mark.parametrize("kind", ["rolling", "triggered"])
    def test_an_exemption_of_a_rule_without_calendar_periods_is_refused(self, kind: str) -> None:
        """An exemption covers a recurring rule's calendar periods: naming a rolling interval or a
        triggered rule, it would change nothing, so the check refuses it rather than ignore it;
        and an organisation made in Python has its exemption labels checked as a loaded one does."""
        rule = (
            {"id": "r", "kind": "recurring", "clause": "c", "who": "b1", "action": "review", "max_gap": "1 month"}
            if kind == "rolling"
            else {
                "id": "r",
                "kind": "triggered",
                "clause": "c",
                "trigger": {"action": "t"},
                "steps": [{"action": "s", "within": "7 days"}],
            }
        )
        data = ORG.model_dump(by_alias=True)
        data["exemptions"] = [{"rule": "r", "actor": "b1", "reason": "closed"}]
        with pytest.raises(OrganisationError) as info:  # the organisation's problem
            run(ruleset(rule), [], org=Organisation.model_validate(data))
        assert [(p.pointer, p.code) for p in info.value.problems] == [("/exemptions/0/rule", "bad-value")]
        data["exemptions"] = [{"rule": "monthly", "actor": "b1", "periods": ["2024-13"], "reason": "closed"}]
        with pytest.raises(OrganisationError) as info:
            run(ruleset(MONTHLY), [], org=Organisation.model_validate(data))
        assert [(p.pointer, p.code) for p in info.value.problems] == [("/exemptions/0/periods/0", "bad-value")]

    RULE: ClassVar[dict[str, Any]] = {
        "id": "review",
        "kind": "recurring",
        "clause": "7.2.4",
        "who": {"role": "branch"},
        "action": "access-review",
        "max_gap": "6 months",
        "effective": {"from": "2025-03-31"},
    }

    def _org(self, **active: str) -> Organisation:
        data = ORG.model_dump(by_alias=True)
        data["actors"] = [a for a in data["actors"] if a["id"] in ("b1", "hq", "office")]
        for actor in data["actors"]:
            if actor["id"] == "b1":
                actor["relations"] = {}  # its schools are left out
                if active:
                    actor["active"] = active
        return Organisation.model_validate(data)

    def _checked(self, grant: dict[str, str], log: list[Event], end: date) -> Report:
        """The rule checked from 2025 to ``end`` as of 31 March 2026, b1 holding its role for ``grant``."""
        data = self._org().model_dump(by_alias=True)
        data["actors"] = [
            {**a, "roles": [{"role": "branch", **grant}]} if a["id"] == "b1" else a for a in data["actors"]
        ]
        return run(
            ruleset(self.RULE),
            log,
            org=Organisation.model_validate(data),
            start=date(2025, 1, 1),
            end=end,
            as_of=datetime(2026, 3, 31, tzinfo=SH),
        )

    def test_the_clock_runs_while_the_actor_holds_the_role(self) -> None:
        """A branch from 1 July 2025 owes its first review six months from then, not from the rule's
        start; a branch until 30 September 2025 owes no gap that would end after that (the one its
        April review opens)."""
        report = self._checked({"from": "2025-07-01"}, [], date(2026, 7, 1))
        assert [(o.actor, o.period, o.status) for o in report.outcomes] == [("b1", "2025-07-01/2026-01-01", "missing")]
        report = self._checked(
            {"to": "2025-09-30"}, [ev("r1", "2025-04-02T10:00", "b1", "access-review")], date(2026, 7, 1)
        )
        assert [(o.period, o.status) for o in report.outcomes] == [("2025-03-31/2025-09-30", "met")]
        assert gaps(report) == []

    def test_a_gap_running_past_the_roles_end_owes_nothing_even_when_closed(self) -> None:
        """A branch until 30 September 2025 reviewing on 2 April and 1 September: the gap from 31
        March closes on 2 April, due by 30 September; the gaps from 2 April (due 2 October) and
        1 September would run past the role's end and owe nothing, closed or not (the one from
        2 April was listed met, counted among the obligations, as its review came in time)."""
        log = [ev("r1", "2025-04-02T10:00", "b1", "access-review"), ev("r2", "2025-09-01T10:00", "b1", "access-review")]
        report = self._checked({"to": "2025-09-30"}, log, date(2026, 7, 1))
        assert [(o.period, o.status, o.evidence) for o in report.outcomes] == [
            ("2025-03-31/2025-09-30", "met", ("r1",))
        ]
        assert (report.summary.obligations, report.records.used, report.records.unused) == (1, 1, 1)

    def test_a_role_held_in_two_grants_runs_the_clock_from_the_first_to_the_last(self) -> None:
        """Two grants (until March, then from October) make one span without bounds: the clock
        starts on the rule's first day in force and does not stop in the break between them."""
        data = self._org().model_dump(by_alias=True)
        grants = [{"role": "branch", "to": "2025-03-31"}, {"role": "branch", "from": "2025-10-01"}]
        assert Actor.model_validate({"id": "b1", "roles": grants}).role_span("branch") is None
        ended = [grants[0], {"role": "branch", "from": "2025-10-01", "to": "2025-12-31"}]
        assert Actor.model_validate({"id": "b1", "roles": ended}).role_span("branch") == DateRange(
            to=date(2025, 12, 31)
        )
        assert Actor.model_validate({"id": "b1", "roles": ["branch"]}).role_span("branch") is None
        assert Actor.model_validate({"id": "b1", "roles": []}).role_span("branch") is None
        data["actors"] = [{**a, "roles": grants} if a["id"] == "b1" else a for a in data["actors"]]
        log = [ev("r1", "2025-04-02T10:00", "b1", "access-review"), ev("r2", "2025-10-01T10:00", "b1", "access-review")]
        report = run(
            ruleset(self.RULE),
            log,
            org=Organisation.model_validate(data),
            start=date(2025, 1, 1),
            end=date(2026, 1, 1),
            as_of=datetime(2026, 3, 31, tzinfo=SH),
        )
        assert [(o.period, o.status) for o in report.outcomes] == [
            ("2025-03-31/2025-09-30", "met"),
            ("2025-04-02/2025-10-02", "met"),
            ("2025-10-01/2026-04-01", "pending"),
        ]

    def test_an_event_before_the_role_starts_opens_the_first_gap(self) -> None:
        """A review made before the branch holds its role still opens the first gap (the gap is
        between consecutive reviews): the next review is due six months after it, not after 1 July."""
        log = [ev("r0", "2025-06-20T10:00", "b1", "access-review"), ev("r1", "2025-12-30T10:00", "b1", "access-review")]
        report = self._checked({"from": "2025-07-01"}, log, date(2026, 1, 1))
        assert [(o.period, o.status, o.evidence) for o in report.outcomes] == [
            ("2025-06-20/2025-12-20", "late", ("r0", "r1")),
            ("2025-12-30/2026-06-30", "pending", ("r1",)),
        ]
        assert [f.code.value for f in report.findings] == ["late", "pending"]

    def _halves(self, log: list[Event], **active: str) -> list[list[tuple[str, str, tuple[str, ...]]]]:
        """The rule without its effective date, checked over 2025 whole, then over its halves
        (split at 1 July), as of 1 March 2026: each report's periods, statuses and evidence."""
        rule = {k: v for k, v in self.RULE.items() if k != "effective"}
        reports = [
            run(ruleset(rule), log, org=self._org(**active), start=a, end=b, as_of=datetime(2026, 3, 1, tzinfo=SH))
            for a, b in (
                (date(2025, 1, 1), date(2026, 1, 1)),
                (date(2025, 1, 1), date(2025, 7, 1)),
                (date(2025, 7, 1), date(2026, 1, 1)),
            )
        ]
        return [[(o.period, o.status, o.evidence) for o in r.outcomes] for r in reports]

    def test_a_gap_open_at_the_range_start_is_reported_in_that_range_too(self) -> None:
        """The gap a 30 June review opens is the first half's, and still open when the second half
        starts: the second half reports it too (so that an audit of a range on its own shows an
        account overdue since before it), and no other."""
        log = [ev("r1", "2025-01-20T10:00", "b1", "access-review"), ev("r2", "2025-06-30T10:00", "b1", "access-review")]
        whole, first, second = self._halves(log)
        assert (
            whole
            == first
            == [
                ("2025-01-01/2025-07-01", "met", ("r1",)),
                ("2025-01-20/2025-07-20", "met", ("r1", "r2")),
                ("2025-06-30/2025-12-30", "missing", ("r2",)),
            ]
        )
        assert second == [("2025-06-30/2025-12-30", "missing", ("r2",))]

    def test_the_gap_open_at_the_range_start_opened_when_the_rule_began_to_apply(self) -> None:
        """A branch active from 12 May with no review before 3 November: the gap open on 1 July
        opened on 12 May (not on 1 July, which would be a gap the whole year does not have)."""
        log = [ev("r1", "2025-11-03T10:00", "b1", "access-review")]
        whole, first, second = self._halves(log, **{"from": "2025-05-12"})
        assert whole == [("2025-05-12/2025-11-12", "met", ("r1",)), ("2025-11-03/2026-05-03", "pending", ("r1",))]
        assert first == whole[:1]
        assert second == whole

    def test_nothing_owed_after_the_actor_ends(self) -> None:
        """An account that ended owes no review after its end: no pending gap past it."""
        log = [ev("r1", "2025-04-02T10:00", "b1", "access-review"), ev("r2", "2025-10-01T10:00", "b1", "access-review")]
        report = run(
            ruleset(self.RULE),
            log,
            org=self._org(to="2025-10-06"),
            start=date(2025, 1, 1),
            end=date(2026, 7, 1),
            as_of=datetime(2026, 3, 31, tzinfo=SH),
        )
        assert [(o.period, o.status, o.evidence) for o in report.outcomes] == [
            ("2025-03-31/2025-09-30", "met", ("r1",)),
            ("2025-04-02/2025-10-02", "met", ("r1", "r2")),
        ]
        assert gaps(report) == []

    def test_a_review_on_the_first_day_makes_no_duplicate_gap(self) -> None:
        """A review on the day the clock starts opens the first gap; labels stay unique and cite their opening review."""
        log = [ev("r1", "2025-03-31T10:00", "b1", "access-review"), ev("r2", "2025-08-01T10:00", "b1", "access-review")]
        report = run(
            ruleset(self.RULE),
            log,
            org=self._org(),
            start=date(2025, 1, 1),
            end=date(2026, 1, 1),
            as_of=datetime(2026, 1, 1, tzinfo=SH),
        )
        labels = [o.period for o in report.outcomes]
        assert len(labels) == len(set(labels))
        assert [(o.period, o.status, o.evidence) for o in report.outcomes] == [
            ("2025-03-31/2025-09-30", "met", ("r1", "r2")),
            ("2025-08-01/2026-02-01", "pending", ("r2",)),  # starts inside the range, due after the audit moment
        ]


class TestChainsShareTheirEvents:
    def test_one_event_answers_one_step(self) -> None:
        """Two steps with the same action: the report to the board cannot also be the report to the regulator."""
        rule = {
            "id": "audit",
            "kind": "triggered",
            "clause": "X",
            "trigger": {"action": "audit"},
            "steps": [
                {"action": "report", "to": "hq", "within": "7 days"},
                {"action": "report", "to": "office", "within": "7 days"},
            ],
        }
        log = [ev("a", "2024-03-01T10:00", "b1", "audit"), ev("r", "2024-03-02T10:00", "b1", "report", recipient="hq")]
        [f] = gaps(run(ruleset(rule), log))
        assert (f.code.value, f.detail["step"], f.evidence) == ("unanswered", 2, ("a",))


class TestAttributeConditions:
    def test_booleans_and_numbers_compare_as_people_write_them(self) -> None:
        """A YAML `true` matches a CSV "true"; the rule's 3 matches a log's 3.0; lists match by membership."""
        rule = {**MONTHLY, "id": "flagged", "where": {"urgent": True, "level": 3, "topics": "ideology"}}
        log = [
            ev(
                f"e{m}{b}",
                f"2024-{m:02d}-20T10:00",
                b,
                "report",
                recipient="hq",
                attributes={"urgent": "TRUE", "level": 3.0, "topics": ["ideology", "x"]},
            )
            for m in range(1, 13)
            for b in ("b1", "b2")
        ]
        assert gaps(run(ruleset(rule), log)) == []
        log[0] = ev(
            "e1b1",
            "2024-01-20T10:00",
            "b1",
            "report",
            recipient="hq",
            attributes={"urgent": "false", "level": 3, "topics": ["ideology"]},
        )
        assert [(f.code.value, f.actor, f.period) for f in gaps(run(ruleset(rule), log))] == [
            ("missing", "b1", "2024-01")
        ]

    def test_text_is_compared_as_written_and_numbers_as_their_digits(self) -> None:
        """The rule's 3 holds of the number 3.0 and of the text 3, not of the texts 3.0 or 03,
        which only the log's own type could tell from a code (docs/rules.md)."""
        rule = {"id": "f", "kind": "forbidden", "clause": "D1", "action": "post", "where": {"n": 3}}
        values: list[Any] = [3, 3.0, "3", "3.0", "03", " 3"]
        log = [ev(f"e{i}", "2024-02-01T10:00", "b1", "post", attributes={"n": v}) for i, v in enumerate(values)]
        assert [f.evidence for f in run(ruleset(rule), log).findings] == [("e0",), ("e1",), ("e2",)]

    def test_a_period_condition_reads_the_period_in_any_case(self) -> None:
        """`where: {period: 2024-Q1}` holds of an event naming `2024-q1`, the same period as
        matching reads it; before, the texts were compared and it held of none."""
        rule = {
            "id": "no-q1-seal",
            "kind": "forbidden",
            "clause": "D1",
            "action": "use-seal",
            "where": {"period": ["2024-Q1", "2024-h2"]},
        }
        log = [
            ev("a", "2024-02-01T10:00", "b1", "use-seal", period="2024-q1"),
            ev("b", "2024-02-02T10:00", "b1", "use-seal", period="2024-Q2"),
            ev("c", "2024-08-02T10:00", "b1", "use-seal", period="2024-H2"),
            ev("d", "2024-08-03T10:00", "b1", "use-seal", attributes={"period": "2024-h2"}),
        ]
        assert [(f.code.value, f.evidence) for f in run(ruleset(rule), log).findings] == [
            ("forbidden", ("a",)),
            ("forbidden", ("c",)),
            ("forbidden", ("d",)),
        ]


def in_either_order(rules: RuleSet, log: list[Event], **kw: Any) -> Report:
    """The report of ``log`` read as a log's lines (each event's line and ``seq`` its place), the
    same whether its lines are as written or reversed, but for the lines its unused records were
    read at, which are the lines' own."""
    reports = [
        run(rules, [e._replace(line=n, seq=n) for n, e in enumerate(lines, start=2)], **kw)
        for lines in (log, log[::-1])
    ]
    dumps = [r.model_dump() for r in reports]
    for dump in dumps:
        dump["records"]["unused_records"] = sorted(u["id"] for u in dump["records"]["unused_records"])
    assert dumps[0] == dumps[1]
    return reports[0]


class TestEventsAtOneInstant:
    """Of events at one instant, the log cannot tell which came first: they are taken in the
    order of their ids, never in the order of the log's lines (docs/semantics.md, "Matching")."""

    def test_instants_a_float_cannot_tell_apart_give_one_report_in_any_line_order(self) -> None:
        """In 2300 two approvals a microsecond apart have one float timestamp, which the checker's
        order reads: a log with them in either order gives the same report, where the one in
        which they stood in time order was taken as already sorted and its ties regrouped by
        exact time, against the order a lookup of an event by its key assumes (an IndexError,
        exit 3, or the other approval cited)."""
        first = datetime(2300, 3, 1, 9, 0, 0, 1, tzinfo=SH)
        later = first + timedelta(microseconds=1)
        assert first.timestamp() == later.timestamp()
        b = Event(id="b", time=first, actor="vp", action="approve", subject="s")
        a = Event(id="a", time=later, actor="vp", action="approve", subject="s")
        g = Event(id="g", time=first + timedelta(days=2), actor="office", action="lecture", subject="s", ref="b")
        reports = [
            check(ruleset(PREREQ), ORG, log, start=date(2300, 3, 1), end=date(2300, 4, 1))
            for log in ([b, a, g], [a, b, g])
        ]
        assert [[(o.status, o.evidence) for o in r.outcomes] for r in reports] == [[("met", ("g", "b"))]] * 2

    def test_of_two_reports_at_one_instant_the_first_by_id_pays_the_older_debt(self) -> None:
        """January missed, two reports at one instant in February naming no period: `feb-1`, the
        first by id, pays January's debt (late), `feb-2` is February's, whichever line each
        stands at. Before, the one earlier in the log paid the debt."""
        log = [
            ev("feb-2", "2024-02-10T10:00", "b1", "report", recipient="hq"),
            ev("feb-1", "2024-02-10T10:00", "b1", "report", recipient="hq"),
        ]
        report = in_either_order(ruleset({**MONTHLY, "who": "b1"}), log, end=date(2024, 3, 1))
        assert [(o.period, o.status, o.evidence) for o in report.outcomes] == [
            ("2024-01", "late", ("feb-1",)),
            ("2024-02", "met", ("feb-2",)),
        ]

    def test_events_at_one_instant_are_cited_in_id_order(self) -> None:
        """Three briefings where two are allowed, two of them at one instant: `excess`, citing the
        three in time order and the two at one instant by id, compared as text (`x10` before
        `x9`), whichever line each stands at."""
        rule = {"id": "brief", "kind": "recurring", "clause": "D3.6", "who": "office", "action": "briefing"}
        log = [
            ev("x1", "2024-05-10T10:00", "office", "briefing"),
            ev("x9", "2024-03-10T10:00", "office", "briefing"),
            ev("x10", "2024-03-10T10:00", "office", "briefing"),
        ]
        report = in_either_order(ruleset({**rule, "every": "year", "max": 2}), log)
        assert [(f.code.value, f.evidence) for f in report.findings] == [("excess", ("x10", "x9", "x1"))]

    def test_a_response_answers_the_first_by_id_of_two_triggers_at_one_instant(self) -> None:
        """Two inspections at one instant, one report naming neither: it answers `i1`, the first
        by id, and `i2` is unanswered; of two reports at one instant for one inspection, `r1`
        answers it and `r2` is unused, whichever line each stands at."""
        rule = {
            "id": "answer",
            "kind": "triggered",
            "clause": "c",
            "trigger": {"action": "inspection"},
            "steps": [{"action": "written-report", "within": "7 days"}],
        }
        log = [
            ev("i2", "2024-03-01T10:00", "b1", "inspection"),
            ev("i1", "2024-03-01T10:00", "b1", "inspection"),
            ev("r1", "2024-03-02T10:00", "b1", "written-report"),
        ]
        report = in_either_order(ruleset(rule), log)
        assert [(o.period, o.status, o.evidence) for o in report.outcomes] == [
            ("i1", "met", ("i1", "r1")),
            ("i2", "unanswered", ("i2",)),
        ]
        log = [
            ev("i1", "2024-03-01T10:00", "b1", "inspection"),
            ev("r2", "2024-03-02T10:00", "b1", "written-report"),
            ev("r1", "2024-03-02T10:00", "b1", "written-report"),
        ]
        report = in_either_order(ruleset(rule), log)
        assert [(o.period, o.status, o.evidence) for o in report.outcomes] == [("i1", "met", ("i1", "r1"))]
        assert (report.records.used, report.records.unused) == (2, 1)

    def test_of_two_unless_events_at_one_instant_the_first_by_id_discharges(self) -> None:
        """Two payments of one fine at one instant: `p1`, the first by id, is the one that
        discharges the notice, whichever line each stands at."""
        log = [
            ev("f1", "2024-01-10T00:00", "office", "fine", subject="c1"),
            ev("p2", "2024-01-12T00:00", "office", "payment", subject="c1"),
            ev("p1", "2024-01-12T00:00", "office", "payment", subject="c1"),
        ]
        report = in_either_order(ruleset(TestTriggered.NOTIFY), log)
        assert [(f.code.value, f.period, f.evidence) for f in report.findings] == [("discharged", "f1", ("f1", "p1"))]

    def test_an_unless_event_at_the_instant_of_the_response_does_not_come_first(self) -> None:
        """A fine's notice and its payment at one instant: the log cannot tell which came first,
        and the notice was given, so the step is `met` by it, whatever their ids and lines, and
        the payment discharges nothing (unused); a March report and the branch's dissolution at
        one instant leave March `met` the same way. A payment at the fine's own instant comes
        after the fine, as a notice there would, and discharges it."""
        notified: list[tuple[Any, ...]] = []
        for notice, payment in (("a1", "b1"), ("b2", "a2")):
            log = [
                ev("f1", "2024-01-10T00:00", "office", "fine", subject="c1"),
                ev(notice, "2024-01-12T00:00", "office", "notify", subject="c1"),
                ev(payment, "2024-01-12T00:00", "office", "payment", subject="c1"),
            ]
            report = in_either_order(ruleset(TestTriggered.NOTIFY), log)
            notified.append(
                (
                    [(o.period, o.status, o.evidence) for o in report.outcomes],
                    [f.code.value for f in report.findings],
                    report.records.unused,
                )
            )
        assert notified == [([("f1", "met", ("f1", "a1"))], [], 1), ([("f1", "met", ("f1", "b2"))], [], 1)]
        paid = [
            ev("f1", "2024-01-10T00:00", "office", "fine", subject="c1"),
            ev("p1", "2024-01-10T00:00", "office", "payment", subject="c1"),
        ]
        report = in_either_order(ruleset(TestTriggered.NOTIFY), paid)
        assert [(f.code.value, f.period, f.evidence) for f in report.findings] == [("discharged", "f1", ("f1", "p1"))]
        dissolving = {**MONTHLY, "unless": {"action": "dissolution"}}
        log = [
            ev("r3", "2024-03-10T10:00", "b1", "report", recipient="hq"),
            ev("d3", "2024-03-10T10:00", "b1", "dissolution"),
        ]
        report = in_either_order(
            ruleset(dissolving), log, start=date(2024, 3, 1), end=date(2024, 4, 1), org=_org_without("b2")
        )
        assert [(o.period, o.status, o.evidence) for o in report.outcomes] == [("2024-03", "met", ("r3",))]
        assert report.findings == ()

    def test_of_two_reviews_at_one_instant_the_last_by_id_opens_the_next_gap(self) -> None:
        """Two access reviews at one instant: `r1`, the first by id, closes the gap before them,
        and `r2`, the last, opens the next, whichever line each stands at."""
        rule = ACCESS_REVIEW
        log = [
            ev("r2", "2025-05-01T10:00", "office", "access-review"),
            ev("r1", "2025-05-01T10:00", "office", "access-review"),
            ev("r3", "2025-12-01T10:00", "office", "access-review"),
        ]
        report = in_either_order(ruleset(rule), log, start=date(2025, 1, 1), end=date(2026, 1, 1))
        assert [(o.period, o.status, o.evidence) for o in report.outcomes] == [
            ("2025-03-31/2025-09-30", "met", ("r1",)),
            ("2025-05-01/2025-11-01", "late", ("r2", "r3")),
            ("2025-12-01/2026-06-01", "pending", ("r3",)),
        ]


@pytest.mark.parametrize(
    ("label", "lang", "text"),
    [
        ("2024-W05", "en", "week 5 of 2024"),
        ("2024-W48", "zh", "2024年第48周"),
        ("2024-Q2", "zh", "2024年第二季度"),
        ("2024-H1", "zh", "2024年上半年"),
        ("2024-11", "zh", "2024年11月"),
        ("2024-11", "en", "November 2024"),
    ],
)
def test_period_labels_read_naturally(label: str, lang: str, text: str) -> None:
    """Period labels in messages: weeks (any number), quarters and half-years in Chinese."""
    from govrules.messages import format_period

    assert format_period(label, lang) == text
