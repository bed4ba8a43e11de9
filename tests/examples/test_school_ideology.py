"""examples/school-ideology: every clause of the source document as rules, a log with gaps, a compliant log."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .conftest import Cli

ROOT = Path(__file__).resolve().parents[2]
EX = "examples/school-ideology"
GOLDEN = ROOT / EX / "golden"


GAPS = {
    # recurring
    ("wrong-recipient", "branch-monthly-report", "branch-1", "2024-08"),
    ("late", "branch-monthly-report", "branch-2", "2024-05"),
    ("missing", "branch-monthly-report", "branch-3", "2024-11"),
    ("late", "branch-monthly-report", "branch-3", "2024-12"),
    ("missing", "branch-school-briefing", "branch-1", "2024"),
    ("insufficient", "branch-special-analysis", "branch-2", "2024"),
    ("missing", "branch-annual-inspection", "branch-3", "2024"),  # at schools 5 and 6
    ("missing", "leadership-exchange", "moral-education-vice-principal", "2024"),
    ("missing", "leading-group-bureau-report", "leading-group", "2024-H2"),
    ("excess", "organ-branch-briefing", "organ-branch", "2024"),
    # triggered (the period is the trigger's id)
    ("late-response", "branch-major-issue-report", "branch-2", "OA24-0141"),
    ("late-response", "analysis-result-report", "school-2", "OA24-0214"),
    ("late-response", "exchange-contact-record", "central-office", "OA24-0061"),
    ("late-response", "supervision-result-report", "central-office", "OA24-0203"),
    ("wrong-recipient", "inspection-report-feedback", "branch-2", "OA24-0162"),
    ("unanswered", "academic-event-recording", "college-office", "OA24-0156"),
    ("unanswered", "inspection-briefing", "branch-2", "OA24-0173"),  # due by the end of 2024
    # prerequisite and content (the period is the guarded event's id)
    ("unapproved", "lecture-approval", "school-5", "OA24-0150"),
    ("unapproved", "major-academic-event-approval", "college", "OA24-0057"),
    ("unapproved", "social-post-approval", "college-office", "OA24-0169"),
    ("missing-content", "branch-meeting-content", "branch-3", "OA24-0003"),
    ("missing-content", "organ-annual-documents-content", "organ-branch", "OA24-0250"),
}
SOFT = {
    ("outside-window", "quarterly-review", "review-panel", "2024-Q2"),
    ("outside-window", "school-routine-analysis", "school-5", "2024-H1"),
    ("outside-window", "joint-meeting", "joint-meeting-group", "2024-Q3"),
    ("rejected-event", None, "central-office", None),  # its time does not read; its actor does
    ("unknown-actor", None, "branch3", None),
}
INFO = {
    ("exempt", "branch-review-info", "branch-3", "2024-Q1"),
}


def test_gap_log_findings(cli: Cli) -> None:
    """Every planted gap is found, with its code, rule, actor and period, and nothing else."""
    code, report = cli.check("school-ideology/events-2024")
    assert code == 1
    assert cli.keys(report, "violation") == GAPS
    assert cli.keys(report, "warning") == SOFT
    assert cli.keys(report, "info") == INFO
    summary = report["summary"]
    assert (summary["rules_evaluated"], summary["obligations"]) == (44, 216)
    assert (summary["violations"], summary["warnings"], summary["infos"]) == (23, 5, 1)
    assert summary["statuses"]["met"] == 189
    assert summary["statuses"]["not-held"] == 18
    records = report["records"]
    assert (records["read"], records["used"], records["unused"], records["rejected"]) == (266, 252, 13, 1)
    assert records["after_as_of"] == 2


def test_gap_log_evidence(cli: Cli) -> None:
    """Findings cite the events that prove them, and say what was expected."""
    _, report = cli.check("school-ideology/events-2024")
    misdirected = cli.one(report, "wrong-recipient", "branch-monthly-report", "branch-1", "2024-08")
    assert misdirected["evidence"] == ["OA24-0109"]
    assert misdirected["detail"]["found_recipients"] == ["party-office"]
    # December's report came on 6 January without a period: it pays December's debt, late
    late = cli.one(report, "late", "branch-monthly-report", "branch-3", "2024-12")
    assert late["evidence"] == ["OA24-0259"]
    assert late["late_by_seconds"] > 5 * 86400
    # November's report was filed under a mistyped unit code, so November is missing
    assert cli.one(report, "unknown-actor", None, "branch3", None)["evidence"] == ["OA24-0194"]
    assert cli.one(report, "excess", "organ-branch-briefing", "organ-branch", "2024")["observed"] == 3
    assert cli.one(report, "insufficient", "branch-special-analysis", "branch-2", "2024")["observed"] == 1
    lecture = cli.one(report, "unapproved", "lecture-approval", "school-5", "OA24-0150")
    assert [m["problem"] for m in lecture["detail"]["missing"]] == ["after"]
    assert lecture["evidence"] == ["OA24-0150", "OA24-0153"]
    academic = cli.one(report, "unapproved", "major-academic-event-approval", "college", "OA24-0057")
    assert [m["requirement"] for m in academic["detail"]["missing"]] == ["academic-event-report"]
    assert academic["evidence"] == ["OA24-0057", "OA24-0051", "OA24-0052"]
    feedback = cli.one(report, "wrong-recipient", "inspection-report-feedback", "branch-2", "OA24-0162")
    assert feedback["detail"]["step"] == 2
    assert feedback["detail"]["found_recipients"] == ["school-4"]
    window = cli.one(report, "outside-window", "quarterly-review", "review-panel", "2024-Q2")
    assert window["detail"]["strictness"] == "in-principle"
    rejected = cli.one(report, "rejected-event", None, "central-office", None)
    assert (rejected["file"], rejected["line"]) == (f"{EX}/events-2024.csv", 141)


def test_each_clause_binds_whom_its_document_names() -> None:
    """Readings of the source pinned on small logs: document 11 binds the college only (a
    school's emergency owes no consultation, the central school's seal needs no college
    leader); a school's WeChat post needs the school office's review (D8.2); a branch inspects
    each of its own schools (D1.8.2: another branch's school does not count); talks and forums
    need approval as lectures do (D2.3.3); the written report and the briefing concern the
    inspected school (D1.8.4, D1.8.5)."""
    from datetime import date, datetime
    from zoneinfo import ZoneInfo

    from govrules import check, load_org, load_rules
    from govrules.events import Event

    rules, org = load_rules(ROOT / EX / "rules.yaml"), load_org(ROOT / EX / "org.yaml")
    tz = ZoneInfo("Asia/Shanghai")
    seq = iter(range(1, 100))

    def ev(eid: str, day: str, actor: str, action: str, subject: str, recipient: str | None = None) -> Event:
        when = datetime.fromisoformat(f"2024-{day}T10:00").replace(tzinfo=tz)
        return Event(
            id=eid, time=when, actor=actor, action=action, subject=subject, recipient=recipient, line=next(seq)
        )

    log = [
        ev("e1", "03-04", "school-4", "emergency", subject="宿舍"),
        ev("s1", "03-05", "central-school", "seal-use", subject="YZ-1"),
        ev("w1", "03-06", "school-3", "social-post", subject="WX-1"),
        ev("t1", "03-07", "school-1", "talk", subject="BG-1"),
        ev("i1", "03-08", "branch-2", "inspection", subject="school-5"),
        ev("i2", "03-09", "branch-1", "inspection", subject="school-1"),
        ev("r2", "03-10", "branch-1", "inspection-report", subject="school-2"),
        ev("f2", "03-11", "branch-1", "inspection-feedback", subject="school-1", recipient="school-1"),
        ev("b2", "03-12", "branch-1", "inspection-briefing", subject="school-2"),
    ]
    report = check(
        rules, org, log, start=date(2024, 1, 1), end=date(2025, 1, 1), as_of=datetime(2025, 1, 31, tzinfo=tz)
    )
    triggered = {(o.rule, o.period, o.step, o.status) for o in report.outcomes if o.period in {"e1", "s1", "i1", "i2"}}
    assert triggered == {
        ("inspection-report-feedback", "i1", 1, "unanswered"),
        ("inspection-report-feedback", "i1", 2, "unanswered"),
        ("inspection-briefing", "i1", 1, "unanswered"),
        ("inspection-report-feedback", "i2", 1, "unanswered"),  # r2 concerns school 2
        ("inspection-report-feedback", "i2", 2, "met"),  # the feedback to school 1
        ("inspection-briefing", "i2", 1, "unanswered"),  # b2 concerns school 2
    }
    guarded = {(f.rule, f.period) for f in report.findings if f.code.value == "unapproved"}
    assert guarded == {("website-post-review", "w1"), ("lecture-approval", "t1")}
    inspected = {(o.actor, o.counterpart, o.status) for o in report.outcomes if o.rule == "branch-annual-inspection"}
    assert ("branch-2", "school-3", "missing") in inspected and ("branch-2", "school-4", "missing") in inspected
    assert ("branch-1", "school-1", "met") in inspected and ("branch-1", "school-2", "missing") in inspected
    assert not {c for a, c, _ in inspected if a == "branch-2"} & {"school-5"}


def test_new_branch_owes_only_whole_periods(cli: Cli) -> None:
    """Branch 4 (created 2024-07-01) owes monthly reports from July and no 2024 annual obligation."""
    _, report = cli.check("school-ideology/events-2024")
    mine = [o for o in report["outcomes"] if o["actor"] == "branch-4" and o["rule"] == "branch-monthly-report"]
    assert [o["period"] for o in mine if o["status"] == "not-held"] == [f"2024-{m:02d}" for m in range(1, 7)]
    assert [o["period"] for o in mine if o["status"] == "met"] == [f"2024-{m:02d}" for m in range(7, 13)]
    annual = {o["rule"]: o["status"] for o in report["outcomes"] if o["actor"] == "branch-4" and o["period"] == "2024"}
    assert set(annual.values()) == {"not-held"}


def test_compliant_log_is_clean(cli: Cli) -> None:
    """The compliant log meets every obligation: no violation, no warning, exit 0."""
    code, report = cli.check("school-ideology/events-2024-compliant")
    assert code == 0
    assert cli.keys(report) == {("exempt", "branch-review-info", "branch-3", "2024-Q1")}
    summary = report["summary"]
    assert (summary["violations"], summary["warnings"]) == (0, 0)
    assert summary["statuses"] == {"exempt": 1, "met": 223, "not-held": 18}
    assert {o["status"] for o in report["outcomes"]} == {"met", "exempt", "not-held"}
    records = report["records"]
    assert (records["read"], records["used"], records["unused"], records["rejected"]) == (282, 270, 12, 0)


def clause_ids(text: str) -> set[str]:
    """Every clause id (D<doc>[.<section>[.<item>]][letter]) that CLAUSES.md mentions."""
    return set(re.findall(r"\bD\d+(?:\.\d+)*[a-z]?\b", text))


def test_coverage_accounts_for_every_clause_of_the_inventory(cli: Cli, golden: Callable[[Path, str], None]) -> None:
    """Every id of CLAUSES.md is declared and encoded or informative; the tables' ids are encoded."""
    inventory = (ROOT / EX / "CLAUSES.md").read_text("utf-8")
    ids = clause_ids(inventory)
    tabled = set(re.findall(r"^\| (D\d+(?:\.\d+)*[a-z]?) \|", inventory, flags=re.M))
    assert len(tabled) == 41
    assert {"D1.2.1", "D5", "D7", "D12.2", "D1.3.3", "D2.5.2", "D7.1", "D1.7.1"} <= ids - tabled
    code, out, err = cli("coverage", f"{EX}/rules.yaml", "--format", "json")
    assert (code, err) == (0, "")
    rows = {r["clause"]: r for r in json.loads(out)["clauses"]}
    assert ids <= set(rows)
    assert all(r["declared"] for r in rows.values())
    assert {c for c in ids if rows[c]["status"] not in ("encoded", "informative")} == set()
    assert {c for c in tabled if rows[c]["status"] != "encoded"} == set()
    code, out, err = cli("coverage", f"{EX}/rules.yaml")
    assert (code, err) == (0, "")
    golden(GOLDEN / "coverage.txt", out)


def test_rule_files_validate(cli: Cli) -> None:
    """The rule set and the organisation validate together."""
    code, out, err = cli("validate", f"{EX}/rules.yaml", f"{EX}/org.yaml")
    assert (code, err) == (0, "")
    assert "ok (rule set school-ideology, 108 rules)" in out
