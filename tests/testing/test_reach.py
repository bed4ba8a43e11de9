"""The generators reach both outcomes: logs without any gap, and logs with each finding code."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, find, settings
from hypothesis import strategies as st

from govrules import check
from govrules.testing import MUTATIONS, Audit, audits, events, from_rule_set

# Generation only: finding one example is the point, shrinking it would only cost time.
SETTINGS = settings(
    max_examples=2000, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True, phases=[Phase.generate]
)

MUTATION_CODES = {
    "drop": {"missing", "insufficient"},
    "late": {"late"},
    "recipient": {"wrong-recipient"},
    "excess": {"excess"},
    "outside-window": {"outside-window"},
    "unanswered": {"unanswered"},
    "late-response": {"late-response"},
    "unapproved": {"unapproved"},
    "strip-topic": {"missing-content"},
    "forbidden": {"forbidden"},
    "discharge": {"discharged"},
}


@st.composite
def cases(draw: st.DrawFn, compliant: bool | None) -> tuple[Audit, Any]:
    audit = draw(audits())
    return audit, draw(
        from_rule_set(audit.rules, audit.org, start=audit.start, end=audit.end, as_of=audit.as_of, compliant=compliant)
    )


def _codes(case: tuple[Audit, Any], as_of_shift: int = 0) -> set[str]:
    audit, log = case
    report = check(
        audit.rules,
        audit.org,
        list(log.events),
        start=audit.start,
        end=audit.end,
        as_of=audit.as_of - timedelta(days=as_of_shift),
    )
    return {f.code.value for f in report.findings}


def test_mutations_cover_the_generator() -> None:
    """Every mutation the generator offers has a finding code it must produce."""
    assert set(MUTATION_CODES) == set(MUTATIONS)


@pytest.mark.parametrize("code", sorted({c for codes in MUTATION_CODES.values() for c in codes}))
def test_a_mutated_log_reaches_each_code(code: str) -> None:
    """A generated log with an injected gap produces each violation code (checked by running the checker)."""
    case = find(
        cases(compliant=False),
        lambda c: code in {e.code for e in c[1].expected} and code in _codes(c),
        settings=SETTINGS,
    )
    assert code in _codes(case)


def test_a_witness_log_with_obligations_reaches_no_gap() -> None:
    """A witness log with obligations met exists (the other outcome), and it has no violation."""
    case = find(cases(compliant=True), lambda c: len(c[1].events) >= 3, settings=SETTINGS)
    assert not (_codes(case) & {c for codes in MUTATION_CODES.values() for c in codes})


def test_exemptions_are_reached() -> None:
    """Generated organisations sometimes exempt an actor: the witness then reports `exempt`."""
    case = find(cases(compliant=True), lambda c: "exempt" in _codes(c), settings=SETTINGS)
    assert "exempt" in _codes(case)


def test_pending_and_unknown_actors_are_reached() -> None:
    """An earlier audit moment gives pending obligations; random events reach unknown actors."""
    case = find(cases(compliant=True), lambda c: "pending" in _codes(c, as_of_shift=200), settings=SETTINGS)
    assert "pending" in _codes(case, as_of_shift=200)
    event = find(events(), lambda e: e.actor == "ghost", settings=SETTINGS)
    audit = find(audits(), lambda a: True, settings=SETTINGS)
    report = check(audit.rules, audit.org, [event], start=audit.start, end=audit.end, as_of=audit.as_of)
    assert "unknown-actor" in {f.code.value for f in report.findings}
