"""examples/sec-filings: 10-K and 10-Q deadlines by filer status, Rule 0-3 roll, Rule 12b-25."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .conftest import Cli

ROOT = Path(__file__).resolve().parents[2]
EX = "examples/sec-filings"
GOLDEN = ROOT / EX / "golden"
DELTA, CEDAR, BLUEBIRD, NORTHWIND = "0009990004", "0009990003", "0009990002", "0009990001"


def test_findings(cli: Cli) -> None:
    """The late and missing filings are found, one of them late even after its Rule 12b-25
    extension."""
    code, report = cli.check("sec-filings")
    assert code == 1
    assert cli.keys(report, "violation") == {
        ("missing", "10-q-non-accelerated", DELTA, "2024-Q1"),
        ("late", "10-q-non-accelerated", DELTA, "2024-Q2"),
        ("late", "10-q-non-accelerated", DELTA, "2024-Q3"),
        ("late", "10-k-accelerated", DELTA, "2024"),
    }
    assert cli.keys(report, "warning") == set()
    assert cli.keys(report, "info") == {
        *{
            ("pending", rule, actor, "2025")
            for rule, actor in [
                ("10-k-large-accelerated", NORTHWIND),
                ("10-k-large-accelerated", BLUEBIRD),
                ("10-k-non-accelerated", CEDAR),
                ("10-k-accelerated", DELTA),
            ]
        },
    }
    summary = report["summary"]
    assert (summary["obligations"], summary["statuses"]["met"], summary["violations"]) == (44, 36, 4)
    records = report["records"]
    assert (records["read"], records["used"], records["unused"], records["rejected"]) == (52, 41, 11, 0)
    assert {u["action"] for u in report["unmatched_actions"]} == {"8-K", "DEF 14A", "SC 13G/A", "10-K/A"}


def test_filer_status_and_rule_0_3(cli: Cli) -> None:
    """Deadlines follow the dated filer status and roll over weekends and federal holidays."""
    _, report = cli.check("sec-filings")
    due = {(o["rule"], o["actor"], o["period"]): o["due"] for o in report["outcomes"]}
    # Q3 2024 + 40 days = Saturday 9 November; Monday 11 November is Veterans Day
    assert due["10-q-accelerated", BLUEBIRD, "2024-Q3"] == "2024-11-12T23:59:59.999999-05:00"
    # FY2024: large accelerated from its 2024 year end, 60 days = Saturday 1 March 2025
    assert due["10-k-large-accelerated", BLUEBIRD, "2024"] == "2025-03-03T23:59:59.999999-05:00"
    assert ("10-k-accelerated", BLUEBIRD, "2024") not in due
    # Delta: non-accelerated 10-Qs in 2024, accelerated (75 days) for its FY2024 10-K
    assert due["10-k-accelerated", DELTA, "2024"] == "2025-03-17T23:59:59.999999-04:00"
    assert due["10-q-accelerated", DELTA, "2025-Q1"] == "2025-05-12T23:59:59.999999-04:00"
    # FY2023, non-accelerated: 90 days = Saturday 30 March 2024
    assert due["10-k-non-accelerated", CEDAR, "2023"] == "2024-04-01T23:59:59.999999-04:00"
    statuses = {(o["rule"], o["actor"], o["period"]): o["status"] for o in report["outcomes"]}
    assert statuses["10-q-accelerated", BLUEBIRD, "2024-Q3"] == "met"
    assert statuses["10-k-large-accelerated", BLUEBIRD, "2024"] == "met"
    assert not any(o["period"].endswith("-Q4") for o in report["outcomes"])


def test_rule_12b_25(cli: Cli) -> None:
    """A notification filed by one business day after the due date moves it 15 (10-K) or 5
    (10-Q) calendar days: Cedar's 10-K inside the 15 days is met; Delta's 10-Q after the 5 days
    is late, counted from the moved due date."""
    _, report = cli.check("sec-filings")
    outcome = {(o["rule"], o["actor"], o["period"]): o for o in report["outcomes"]}
    cedar = outcome["10-k-non-accelerated", CEDAR, "2024"]
    assert (cedar["status"], cedar["due"], cedar["evidence"]) == (
        "met",
        "2025-04-15T23:59:59.999999-04:00",  # 31 March + 15 days
        ["0009990003-25-000003", "0009990003-25-000002"],
    )
    late = cli.one(report, "late", "10-q-non-accelerated", DELTA, "2024-Q3")
    assert (late["due"], late["evidence"], late["late_by_seconds"]) == (
        "2024-11-19T23:59:59.999999-05:00",  # 14 November + 5 days
        ["0009990004-24-000005", "0009990004-24-000004"],
        2 * 86400,
    )
    assert late["detail"] == {
        "extension": "0009990004-24-000004",
        "prescribed_due": "2024-11-14T23:59:59.999999-05:00",
        "extension_clause": "Rule 12b-25(b)",
    }


def test_coverage_counts_the_clause_an_extension_cites(cli: Cli) -> None:
    """Every declared clause is encoded or informative: Rule 12b-25(b) by the six rules whose
    extension cites it (no rule has it as its own clause), so coverage exits 0."""
    code, out, err = cli("coverage", f"{EX}/rules.yaml", "--format", "json")
    assert (code, err) == (0, "")
    rows = {r["clause"]: (r["status"], r["rules"]) for r in json.loads(out)["clauses"]}
    assert rows["Rule 12b-25(b)"] == (
        "encoded",
        [
            "10-k-large-accelerated",
            "10-k-accelerated",
            "10-k-non-accelerated",
            "10-q-large-accelerated",
            "10-q-accelerated",
            "10-q-non-accelerated",
        ],
    )
    assert rows["Rule 0-3(a)"] == ("informative", ["informative-rule-0-3"])
    assert {status for status, _ in rows.values()} == {"encoded", "informative"}
    assert len(rows) == 7


def test_golden_obligations(cli: Cli, golden: Callable[[Path, str], None]) -> None:
    """The README's obligation calendar equals its golden file."""
    code, out, err = cli(
        "obligations",
        f"{EX}/rules.yaml",
        "--org",
        f"{EX}/org.yaml",
        "--from",
        "2024-01-01",
        "--to",
        "2024-12-31",
        "--as-of",
        "2025-08-31T23:59:59-04:00",
    )
    assert (code, err) == (0, "")
    golden(GOLDEN / "obligations-2024.txt", out)
