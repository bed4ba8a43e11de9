"""What the tests of `from_rule_set` on rule sets of one's own and on the bundled examples share."""

from __future__ import annotations

from datetime import date

from hypothesis import HealthCheck, given, settings

from govrules import check
from govrules.model import Organisation, RuleSet
from govrules.testing import GeneratedLog, from_rule_set

SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
EACH = settings(SETTINGS, max_examples=20)
"""For one kind of mutation on its own."""


def assert_exact(rules: RuleSet, mutations: set[str], org: Organisation, start: date, end: date) -> None:
    """Each mutation drawn gives exactly its expected finding and nothing else: over every kind
    at once, and over each of ``mutations`` on its own, which must be offered (a kind drawn among
    all the others may, by the luck of a fixed seed, not come up)."""
    seen: set[str] = set()

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

    def draw(kinds: set[str] | None, config: settings) -> None:
        @given(from_rule_set(rules, org, start=start, end=end, compliant=False, mutations=kinds))
        @config
        def each(log: GeneratedLog) -> None:
            exact(log)

        each()

    draw(None, SETTINGS)
    for kind in sorted(mutations):
        draw({kind}, EACH)
    assert mutations <= seen
