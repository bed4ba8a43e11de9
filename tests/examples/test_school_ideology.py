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
    ("missing", "branch-annual-inspection", "branch-3", "2024"),
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
    ("rejected-event", None, None, None),
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
    assert (summary["rules_evaluated"], summary["obligations"]) == (44, 213)
    assert (summary["violations"], summary["warnings"], summary["infos"]) == (22, 5, 1)
    assert summary["statuses"]["met"] == 187
    assert summary["statuses"]["not-held"] == 17
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
    rejected = cli.one(report, "rejected-event", None, None, None)
    assert (rejected["file"], rejected["line"]) == (f"{EX}/events-2024.csv", 141)


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
    assert summary["statuses"] == {"exempt": 1, "met": 220, "not-held": 17}
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
