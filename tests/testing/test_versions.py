"""Two versions of one clause (consecutive `effective` dates, as docs/rules.md recommends): the witness
of `from_rule_set` meets both, and its decoys fall only on days no version reading them is in force."""

from __future__ import annotations

from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, Phase, find, given, settings

from govrules import check
from govrules.model import Organisation, RuleSet
from govrules.testing import from_rule_set

START, END = date(2010, 1, 1), date(2011, 1, 1)
TZ = ZoneInfo("Europe/Rome")
ORG = Organisation.model_validate({"id": "o", "name": "O", "actors": [{"id": "police", "roles": ["police"]}]})


def _versions(kind: str) -> RuleSet:
    """The old version in force until 12 August 2010, the new one from the 13th to 30 November."""
    if kind == "triggered":
        body: dict[str, Any] = {"trigger": {"action": "create-fine"}, "steps": [{"action": "send-fine"}]}
        within = ("150 days", "90 days")
    else:
        body = {"action": "create-fine", "requires": [{"action": "approve"}], "link": "ref"}
        within = ("", "30 days")  # no limit, then a lookback (the 30 days the witness supports)

    def version(rule_id: str, effective: dict[str, str], term: str) -> dict[str, Any]:
        rule = {"id": rule_id, "kind": kind, "clause": "art-1", "effective": effective, **body}
        if kind == "triggered":
            rule["steps"] = [{**body["steps"][0], "within": term}]
        elif term:
            rule["lookback"] = term
        return rule

    return RuleSet.model_validate(
        {
            "id": "versions",
            "title": "Two versions of one clause",
            "timezone": "Europe/Rome",
            "rules": [
                version("old", {"to": "2010-08-12"}, within[0]),
                version("new", {"from": "2010-08-13", "to": "2010-11-30"}, within[1]),
            ],
        }
    )


@pytest.mark.parametrize("kind", ["triggered", "prerequisite"])
def test_a_witness_of_two_versions_of_a_clause_is_clean(kind: str) -> None:
    """No decoy of one version lands on the other's first or last day, where it would be checked
    (`unanswered`, `unapproved`)."""
    rules = _versions(kind)

    @given(from_rule_set(rules, ORG, start=START, end=END, compliant=True))
    @settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
    def clean(log: Any) -> None:
        report = check(rules, ORG, list(log.events), start=START, end=END)
        assert [(f.code.value, f.rule, f.period) for f in report.findings if f.severity != "info"] == []
        assert report.exit_code("warning") == 0

    clean()


def test_a_decoy_past_the_last_version_is_still_placed_and_left_alone() -> None:
    """After the new version ends (1 December) no version is in force: decoys still go there."""
    rules = _versions("triggered")

    def after_the_end(log: Any) -> bool:
        return any(e.time.astimezone(TZ).date() == date(2010, 12, 1) for e in log.events)

    log = find(
        from_rule_set(rules, ORG, start=START, end=END, compliant=True),
        after_the_end,
        settings=settings(
            max_examples=500,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            phases=[Phase.generate],
        ),
    )
    decoys = {e.id for e in log.events if e.time.astimezone(TZ).date() == date(2010, 12, 1)}
    report = check(rules, ORG, list(log.events), start=START, end=END)
    assert [o.period for o in report.outcomes if o.period in decoys] == []
    assert report.exit_code("warning") == 0
