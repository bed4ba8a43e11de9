"""`from_rule_set` on the bundled examples, whose rules read one another's events: an analysis a
recurring rule asks for triggers a report in another, a seal's use is both guarded and the trigger
of a record, a step goes to the trigger's subject, to a role or to a member of a relation, and
content rules bring schemas of their own (docs/testing.md §1). The witness meets every rule that
can be met in the range, with no violation and no warning, and each mutation gives exactly its
finding."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

import govrules
from govrules import check
from govrules.testing import GeneratedLog, from_rule_set

from .conftest import assert_exact

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)

# example, the year audited, the rules no witness can meet in it, and the mutations drawn
CASES = [
    pytest.param(
        "school-ideology",
        2024,
        set(),
        {"drop", "late", "recipient"},
        id="school-ideology",
    ),
    pytest.param(
        "breach-notification",
        2024,
        set(),
        {"late-response", "recipient", "strip-topic", "unanswered"},
        id="breach-notification",
    ),
    # its rules are in force from 2025-03-31
    # (its chains come from a few reviews that revoke access: their mutations are drawn rarely)
    pytest.param("access-review", 2025, set(), {"strip-topic"}, id="access-review"),
    # a 10-K for a fiscal year falls due in the next one: pending at the end of the year audited
    pytest.param(
        "sec-filings",
        2024,
        {"10-k-accelerated", "10-k-large-accelerated", "10-k-non-accelerated"},
        {"drop", "late"},
        id="sec-filings",
    ),
    # the 150-day rule was in force until 2010
    pytest.param("road-fines", 2024, {"notification-150-days"}, {"unanswered", "unapproved"}, id="road-fines"),
]


def _load(name: str) -> tuple[govrules.RuleSet, govrules.Organisation]:
    return govrules.load_rules(EXAMPLES / name / "rules.yaml"), govrules.load_org(EXAMPLES / name / "org.yaml")


@pytest.mark.parametrize(("name", "year", "unmet", "mutations"), CASES)
def test_the_witness_of_a_bundled_example_is_clean_and_meets_its_rules(
    name: str, year: int, unmet: set[str], mutations: set[str]
) -> None:
    rules, org = _load(name)
    start, end = date(year, 1, 1), date(year + 1, 1, 1)
    met: set[str] = set()

    @given(from_rule_set(rules, org, start=start, end=end, compliant=True))
    @SETTINGS
    def clean(log: GeneratedLog) -> None:
        report = check(rules, org, list(log.events), start=start, end=end)
        assert [(f.code.value, f.rule, f.actor, f.period) for f in report.findings if f.severity != "info"] == []
        met.update(o.rule for o in report.outcomes if o.status == "met")

    clean()
    checkable = {rule.id for rule in rules.rules if rule.kind not in ("informative", "forbidden")}
    assert checkable - met == unmet


@pytest.mark.parametrize(("name", "year", "unmet", "mutations"), CASES)
def test_each_mutation_of_a_bundled_example_gives_exactly_its_finding(
    name: str, year: int, unmet: set[str], mutations: set[str]
) -> None:
    rules, org = _load(name)
    assert_exact(rules, mutations, org, date(year, 1, 1), date(year + 1, 1, 1))
