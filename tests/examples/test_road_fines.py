"""examples/road-fines: the Italian Highway Code's deadlines on the real road-fine XES log."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .conftest import Cli


def test_outcomes_per_rule(cli: Cli) -> None:
    """What the log shows: one late notification, 23 paid fines discharged, every penalty in order."""
    code, report = cli.check("road-fines")
    assert code == 1
    statuses = Counter((o["rule"], o["status"]) for o in report["outcomes"])
    assert statuses == {
        ("notification-150-days", "met"): 67,
        ("notification-150-days", "discharged"): 22,
        ("notification-90-days", "met"): 9,
        ("notification-90-days", "discharged"): 1,
        ("notification-90-days", "late-response"): 1,
        ("penalty-after-60-days", "met"): 57,
        ("credit-collection-after-penalty", "met"): 36,
    }
    assert cli.keys(report, "violation") == {
        ("late-response", "notification-90-days", "police", "roadtraffic100traces.xes:67")
    }
    assert cli.keys(report, "warning") == set()
    records = report["records"]
    assert (records["read"], records["used"], records["unused"], records["rejected"]) == (390, 350, 40, 0)
    assert {u["action"] for u in report["unmatched_actions"]} == {
        "Insert Date Appeal to Prefecture",
        "Send Appeal to Prefecture",
        "Receive Result Appeal from Prefecture",
        "Notify Result Appeal to Offender",
    }


def test_late_notification_under_the_2010_rule(cli: Cli) -> None:
    """The fine of 25 August 2012 was sent 165 days later: late under 90 days, fine under 150."""
    _, report = cli.check("road-fines")
    late = cli.one(report, "late-response", "notification-90-days", "police", "roadtraffic100traces.xes:67")
    assert late["clause"] == "CdS Art. 201(1)"
    assert late["opens"] == "2012-08-25T00:00:00+02:00"
    assert late["due"] == "2012-11-23T23:59:59.999999+01:00"
    assert late["evidence"] == ["roadtraffic100traces.xes:67", "roadtraffic100traces.xes:68"]
    assert late["late_by_seconds"] // 86400 == 74


def test_discharge_and_min_age(cli: Cli) -> None:
    """A payment before sending discharges; a penalty on the 60th day after notification is allowed."""
    _, report = cli.check("road-fines")
    discharged = [o for o in report["outcomes"] if o["status"] == "discharged"]
    assert len(discharged) == 23
    assert all(len(o["evidence"]) == 2 for o in discharged)
    penalties = [o for o in report["outcomes"] if o["rule"] == "penalty-after-60-days"]
    assert {len(o["evidence"]) for o in penalties} == {2}
    assert not any(f["code"] == "unapproved" for f in report["findings"])
