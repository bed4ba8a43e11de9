"""examples/breach-notification: GDPR Art. 33 and the NIS2 Art. 23(4) chain on an incident register."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .conftest import Cli


def test_findings(cli: Cli) -> None:
    """Late and missing notifications, missing content, a discharge and a pending final report."""
    code, report = cli.check("breach-notification")
    assert code == 1
    assert cli.keys(report, "violation") == {
        ("late-response", "gdpr-notify-authority", "helix-reha", "REG-25-008"),
        ("unanswered", "gdpr-notify-authority", "helix-reha", "REG-25-015"),
        ("late-response", "gdpr-notify-authority", "helix-kliniken", "REG-25-024"),
        ("missing-content", "gdpr-late-notification-reasons", "helix-kliniken", "REG-25-025"),
        ("missing-content", "gdpr-notification-content", "helix-kliniken", "REG-25-020"),
        ("late-response", "gdpr-processor-notifies-controller", "medicloud", "REG-25-017"),
        ("late-response", "nis2-reporting-chain", "helix-kliniken", "REG-25-010"),
        ("late-response", "nis2-reporting-chain", "helix-reha", "REG-25-021"),
    }
    assert cli.keys(report, "warning") == set()
    assert cli.keys(report, "info") == {
        ("discharged", "gdpr-notify-authority", "helix-kliniken", "REG-25-013"),
        ("pending", "nis2-reporting-chain", "helix-reha", "REG-25-021"),
    }
    summary = report["summary"]
    assert (summary["obligations"], summary["statuses"]["met"]) == (23, 13)
    records = report["records"]
    assert (records["read"], records["used"], records["unused"], records["rejected"]) == (26, 24, 2, 0)
    assert records["after_as_of"] == 1


def test_nis2_chain_deadlines(cli: Cli) -> None:
    """Hours are elapsed time across the DST change; the final report's month runs from step 2, clamped."""
    _, report = cli.check("breach-notification")
    steps = {(o["period"], o["step"]): o for o in report["outcomes"] if o["rule"] == "nis2-reporting-chain"}
    ransomware = "REG-25-001"
    assert [steps[ransomware, n]["status"] for n in (1, 2, 3)] == ["met", "met", "met"]
    # the incident notification of 31 January: one month, clamped to 28 February
    assert steps[ransomware, 3]["due"] == "2025-02-28T23:59:59.999999+01:00"
    assert steps[ransomware, 3]["evidence"] == [ransomware, "REG-25-006"]
    # aware 2025-03-29 10:00 +01:00; 24 elapsed hours end at 11:00 +02:00 after the clocks went forward
    assert steps["REG-25-010", 1]["due"] == "2025-03-30T11:00:00+02:00"
    assert steps["REG-25-010", 1]["status"] == "met"
    assert steps["REG-25-010", 3]["due"] == "2025-05-01T23:59:59.999999+02:00"
    late = cli.one(report, "late-response", "nis2-reporting-chain", "helix-reha", "REG-25-021")
    assert (late["detail"]["step"], late["late_by_seconds"]) == (1, 5400)
    assert [steps["REG-25-021", n]["status"] for n in (1, 2, 3)] == ["late-response", "met", "pending"]


def test_each_nis2_step_cites_its_point_of_the_article(cli: Cli) -> None:
    """The chain's steps name points (a), (b) and (d) of Art. 23(4): outcomes and findings cite
    them, and coverage counts each as encoded by the chain."""
    _, report = cli.check("breach-notification")
    chain = [o for o in report["outcomes"] if o["rule"] == "nis2-reporting-chain"]
    assert {(o["step"], o["clause"]) for o in chain} == {
        (1, "NIS2 Art. 23(4)(a)"),
        (2, "NIS2 Art. 23(4)(b)"),
        (3, "NIS2 Art. 23(4)(d)"),
    }
    late = cli.one(report, "late-response", "nis2-reporting-chain", "helix-reha", "REG-25-021")
    pending = cli.one(report, "pending", "nis2-reporting-chain", "helix-reha", "REG-25-021")
    assert (late["clause"], pending["clause"]) == ("NIS2 Art. 23(4)(a)", "NIS2 Art. 23(4)(d)")
    assert "step 1 (clause NIS2 Art. 23(4)(a)) of NIS2 incident reporting" in late["message"]
    code, out, err = cli("coverage", "examples/breach-notification/rules.yaml", "--format", "json")
    assert (code, err) == (0, "")
    rows = {r["clause"]: (r["status"], r["rules"]) for r in json.loads(out)["clauses"]}
    for point in ("", "(a)", "(b)", "(d)"):
        assert rows[f"NIS2 Art. 23(4){point}"] == ("encoded", ["nis2-reporting-chain"])


def test_gdpr_content_and_discharge(cli: Cli) -> None:
    """Schema conditions: reasons only when over 72 hours; a phased first notice needs less."""
    _, report = cli.check("breach-notification")
    content = {
        (o["rule"], o["period"]): o["status"]
        for o in report["outcomes"]
        if o["rule"].startswith("gdpr-") and "notif" in o["rule"]
    }
    # the initial (phased) and the complete notification of the ransomware case both pass
    assert content["gdpr-notification-content", "REG-25-004"] == "met"
    assert content["gdpr-notification-content", "REG-25-005"] == "met"
    # over 72 hours with reasons passes; without reasons fails; under 72 hours is not checked
    assert content["gdpr-late-notification-reasons", "REG-25-009"] == "met"
    assert content["gdpr-late-notification-reasons", "REG-25-025"] == "missing-content"
    assert ("gdpr-late-notification-reasons", "REG-25-004") not in content
    missing = cli.one(report, "missing-content", "gdpr-notification-content", "helix-kliniken", "REG-25-020")
    assert [e["pointer"] for e in missing["detail"]["errors"]] == ["/attributes"]
    discharged = cli.one(report, "discharged", "gdpr-notify-authority", "helix-kliniken", "REG-25-013")
    assert discharged["evidence"] == ["REG-25-013", "REG-25-014"]
