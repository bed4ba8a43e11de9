"""What the tests of `from_rule_set` on rule sets of one's own and on the bundled examples share."""

from __future__ import annotations

from datetime import date

from hypothesis import HealthCheck, given, settings

from govrules import check
from govrules.model import Organisation, RuleSet
from govrules.testing import GeneratedLog, from_rule_set

SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)


def assert_exact(rules: RuleSet, mutations: set[str], org: Organisation, start: date, end: date) -> None:
    """Each mutation drawn gives exactly its expected finding and nothing else; ``mutations`` are
    among those drawn."""
    seen: set[str] = set()

    @given(from_rule_set(rules, org, start=start, end=end, compliant=False))
    @SETTINGS
    def exact(log: GeneratedLog) -> None:
        [expected] = log.expected
        report = check(rules, org, list(log.events), start=start, end=end)
        matching = [f for f in report.findings if expected.matches(f)]
        others = [
            (f.code.value, f.rule, f.actor, f.period)
            for f in report.findings
            if f.severity != "info" and not expected.matches(f)
        ]
        assert (len(matching), others) == (1, []), (log.mutation, expected)
        seen.add(str(log.mutation))

    exact()
    assert mutations <= seen
