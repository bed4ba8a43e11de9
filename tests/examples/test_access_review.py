"""examples/access-review: PCI DSS 7.2.4 as a rolling six-month interval, effective 2025-03-31."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .conftest import Cli

RULE = "access-review-every-six-months"


def test_findings(cli: Cli) -> None:
    """Late and missing reviews, a late and a missing remediation, a review without sign-off."""
    code, report = cli.check("access-review")
    assert code == 1
    assert cli.keys(report, "violation") == {
        ("late", RULE, "u-finance-0033", "2024-12-02/2025-06-02"),
        ("late", RULE, "adm-net-02", "2025-01-20/2025-07-20"),
        ("late", RULE, "vendor-acme-support", "2025-03-10/2025-09-10"),
        ("missing", RULE, "svc-batch-settlement", "2025-08-31/2026-02-28"),
        # a gap that starts inside the range belongs to it: due 2026-04-13, no review by the audit moment
        ("missing", RULE, "u-cardops-0157", "2025-10-13/2026-04-13"),
        ("late-response", "inappropriate-access-addressed", "u-cardops-0157", "CERT-0016"),
        ("unanswered", "inappropriate-access-addressed", "tmp-migration-07", "CERT-0012"),
        ("missing-content", "management-acknowledgement", "adm-net-02", "CERT-0010"),
    }
    assert cli.keys(report, "warning") == {("unknown-actor", None, "tmp-migration-07", None)}
    assert {(f["actor"], f["due"][:10]) for f in report["findings"] if f["code"] == "pending"} == {
        ("adm-dba-01", "2026-06-18"),
        ("adm-net-02", "2026-08-03"),
        ("svc-hsm-keymgmt", "2026-09-20"),
        ("u-cardops-0142", "2026-05-03"),
        ("u-finance-0033", "2026-06-19"),
    }
    records = report["records"]
    assert (records["read"], records["used"], records["unused"], records["rejected"]) == (
        22,
        22,
        0,
        0,
    )  # a met gap cites the review that opened it


def test_rolling_interval(cli: Cli) -> None:
    """The clock starts at the effective date, the account's creation or its last earlier review."""
    _, report = cli.check("access-review")
    gaps = [(o["actor"], o["period"], o["status"]) for o in report["outcomes"] if o["rule"] == RULE]
    # the last review before the effective date anchors the first gap
    assert ("u-finance-0033", "2024-12-02/2025-06-02", "late") in gaps
    # an account created after the effective date starts its clock on creation
    assert ("u-cardops-0142", "2025-05-12/2025-11-12", "met") in gaps
    # an account never reviewed before starts on the effective date
    assert ("u-cardops-0157", "2025-03-31/2025-09-30", "met") in gaps
    # 31 August + 6 months is clamped to 28 February
    missing = cli.one(report, "missing", RULE, "svc-batch-settlement", "2025-08-31/2026-02-28")
    assert missing["evidence"] == ["CERT-0011"]
    late = cli.one(report, "late", RULE, "u-finance-0033", "2024-12-02/2025-06-02")
    assert late["evidence"] == ["CERT-0001", "CERT-0008"]
    # the vendor account, removed on 2025-10-06, owes nothing after its last review
    assert [p for a, p, _ in gaps if a == "vendor-acme-support"] == ["2025-03-10/2025-09-10"]
    # reviews before 2025-03-31 are not held to the content rule
    acknowledged = {o["period"] for o in report["outcomes"] if o["rule"] == "management-acknowledgement"}
    assert acknowledged.isdisjoint({"CERT-0001", "CERT-0002", "CERT-0003", "CERT-0004"})
    assert "CERT-0005" in acknowledged


def test_remediation_in_business_days(cli: Cli) -> None:
    """Five business days from Columbus Day 2025 end on 20 October."""
    _, report = cli.check("access-review")
    late = cli.one(report, "late-response", "inappropriate-access-addressed", "u-cardops-0157", "CERT-0016")
    assert late["due"] == "2025-10-20T23:59:59.999999-04:00"
    assert late["evidence"] == ["CERT-0016", "CERT-0017"]
