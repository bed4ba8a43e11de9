"""The generators reach both outcomes: logs without any gap, and logs with each finding code."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, Phase, find, given, settings
from hypothesis import strategies as st

from govrules import check
from govrules.model import TriggeredRule
from govrules.testing import _FILTERS, MUTATIONS, Audit, audits, events, from_rule_set

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
    "no-extension": {"late"},
    "approval-age": {"unapproved"},
    "attribute": {"missing", "insufficient", "unapproved"},
}


@st.composite
def cases(
    draw: st.DrawFn, compliant: bool | None, kinds: list[str] | None = None, max_rules: int = 4
) -> tuple[Audit, Any]:
    audit = draw(audits(kinds=kinds, max_rules=max_rules))
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


def _pair_outcomes(case: tuple[Audit, Any]) -> set[tuple[str, str]]:
    """The (actor, counterpart) pairs of a case's met pair obligations."""
    audit, log = case
    report = check(audit.rules, audit.org, list(log.events), start=audit.start, end=audit.end, as_of=audit.as_of)
    return {(o.actor, o.counterpart) for o in report.outcomes if o.counterpart is not None and o.status == "met"}


def test_pair_obligations_are_met_towards_each_member_of_a_relation() -> None:
    """A witness meets pair obligations of one branch towards two members, named as recipient and as subject."""

    def both(case: tuple[Audit, Any]) -> bool:
        _, log = case
        named = {(e.actor, e.recipient, e.subject) for e in log.events if e.action.endswith("-act")}
        pairs = _pair_outcomes(case)
        return (
            {("b1", "hq"), ("b1", "vp")} <= pairs
            and any(s is not None for _, _, s in named)
            and any(r in ("hq", "vp") for _, r, _ in named)
        )

    case = find(cases(compliant=True, kinds=["recurring"]), both, settings=SETTINGS)
    assert {("b1", "hq"), ("b1", "vp")} <= _pair_outcomes(case)


def test_an_extension_is_reached_and_without_its_notice_the_filing_is_late() -> None:
    """A witness files in an extension (the outcome cites the notice), and the mutation that drops the notice gives late."""

    def extended(case: tuple[Audit, Any]) -> bool:
        audit, log = case
        notices = {e.id for e in log.events if e.action.endswith("-notice")}
        report = check(audit.rules, audit.org, list(log.events), start=audit.start, end=audit.end, as_of=audit.as_of)
        return any(o.status == "met" and notices & set(o.evidence) for o in report.outcomes)

    # one rule at a time: a year of monthly pair obligations of several rules is a large case
    case = find(cases(compliant=True, kinds=["recurring"], max_rules=1), extended, settings=SETTINGS)
    assert extended(case)
    mutated = find(
        cases(compliant=False, kinds=["recurring"], max_rules=1),
        lambda c: c[1].mutation == "no-extension",
        settings=SETTINGS,
    )
    [expected] = mutated[1].expected
    audit, log = mutated
    report = check(audit.rules, audit.org, list(log.events), start=audit.start, end=audit.end, as_of=audit.as_of)
    assert expected.code == "late"
    assert [f.code.value for f in report.findings if expected.matches(f)] == ["late"]


def test_a_pair_report_sent_outside_the_relation_is_wrong_recipient() -> None:
    """The recipient mutation of a pair owed to the counterpart keeps the member as subject and sends the
    report to an actor outside the relation: `wrong-recipient` for that pair."""
    case = find(
        cases(compliant=False, kinds=["recurring"]),
        lambda c: c[1].mutation == "recipient" and c[1].expected[0].counterpart is not None,
        settings=SETTINGS,
    )
    audit, log = case
    [expected] = log.expected
    report = check(audit.rules, audit.org, list(log.events), start=audit.start, end=audit.end, as_of=audit.as_of)
    assert [(f.code.value, f.counterpart) for f in report.findings if expected.matches(f)] == [
        ("wrong-recipient", expected.counterpart)
    ]


def _prerequisites(case: tuple[Audit, Any]) -> list[Any]:
    audit, _ = case
    return [r for r in audit.rules.rules if r.kind == "prerequisite"]


def test_approvals_are_met_by_subject_and_by_ref_for_every_requirement() -> None:
    """A witness approves a guarded event needing two approvals, one linked by subject and one by ref."""

    def both_links(case: tuple[Audit, Any]) -> bool:
        audit, log = case
        rules = {r.id for r in _prerequisites(case) if len(r.requires) == 2 and r.mode == "all"}
        report = check(audit.rules, audit.org, list(log.events), start=audit.start, end=audit.end, as_of=audit.as_of)
        by_id = {e.id: e for e in log.events}
        for o in report.outcomes:
            if o.rule in rules and o.status == "met":
                approvals = [by_id[i] for i in o.evidence[1:]]
                if len(approvals) == 2 and {a.subject is None for a in approvals} == {True, False}:
                    return True
        return False

    case = find(cases(compliant=True, kinds=["prerequisite"]), both_links, settings=SETTINGS)
    assert both_links(case)


@pytest.mark.parametrize(("limit", "problem"), [("lookback", "too-old"), ("min_age", "too-recent")])
def test_an_approval_of_the_wrong_age_is_unapproved(limit: str, problem: str) -> None:
    """The approval-age mutation makes an approval too old for a lookback, or too recent for a minimum age."""

    def aged(case: tuple[Audit, Any]) -> bool:
        expected = case[1].expected
        return case[1].mutation == "approval-age" and any(
            getattr(r, limit) is not None for r in _prerequisites(case) if r.id == expected[0].rule
        )

    audit, log = find(cases(compliant=False, kinds=["prerequisite"]), aged, settings=SETTINGS)
    [expected] = log.expected
    report = check(audit.rules, audit.org, list(log.events), start=audit.start, end=audit.end, as_of=audit.as_of)
    [finding] = [f for f in report.findings if expected.matches(f)]
    assert finding.code.value == "unapproved"
    assert problem in {gap["problem"] for gap in finding.detail["missing"]}


def _joining(audit: Audit) -> str | None:
    """The branch that holds its role from 1 July, if the audit has one."""
    dated = [a.id for a in audit.org.actors if any(not isinstance(g, str) for g in a.roles)]
    return dated[0] if dated else None


@given(cases(compliant=True, kinds=["triggered", "prerequisite", "forbidden"]))
@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
def test_a_branch_holding_its_role_from_july_triggers_nothing_before(case: tuple[Audit, Any]) -> None:
    """Audits sometimes grant the first branch its role from 1 July: the witness never has it act, under a
    rule for branches, before that day (the checker would not count such an event)."""
    audit, log = case
    actor = _joining(audit)
    july = date(audit.start.year, 7, 1)
    tz = ZoneInfo(audit.rules.timezone or "UTC")
    acts = {r.trigger.action if isinstance(r, TriggeredRule) else getattr(r, "action", None) for r in audit.rules.rules}
    early = [e.id for e in log.events if e.actor == actor and e.action in acts and e.time.astimezone(tz).date() < july]
    assert early == []


def test_a_branch_holding_its_role_from_july_owes_from_july() -> None:
    """Its recurring obligations are those of the periods ending after 1 July, and it acts as a branch."""

    def acts(case: tuple[Audit, Any]) -> bool:
        audit, log = case
        actor = _joining(audit)
        kinds = {r.kind for r in audit.rules.rules}
        return (
            actor is not None and "recurring" in kinds and len(kinds) > 1 and any(e.actor == actor for e in log.events)
        )

    audit, log = find(cases(compliant=True), acts, settings=SETTINGS)
    actor = _joining(audit)
    july = date(audit.start.year, 7, 1)
    tz = ZoneInfo(audit.rules.timezone or "UTC")
    report = check(audit.rules, audit.org, list(log.events), start=audit.start, end=audit.end, as_of=audit.as_of)
    recurring = {r.id for r in audit.rules.rules if r.kind == "recurring"}
    owed = [o for o in report.outcomes if o.actor == actor and o.status != "not-held"]
    assert [o for o in owed if o.rule in recurring]
    # a recurring obligation is owed for a period whose last day falls after the role is held
    assert all(_last_day(o.period) >= july for o in owed if o.rule in recurring)
    assert all(o.due.astimezone(tz).date() >= july for o in owed)


def test_a_step_answered_by_a_member_of_the_trigger_actors_relation() -> None:
    """A chain's step done by a member of the trigger's actor's relation is met by that member's response,
    and the recipient mutation of such a step (sent elsewhere than back to the trigger's actor) gives
    `wrong-recipient` for the step, naming the relation's member or the relation."""

    def by_member(case: tuple[Audit, Any]) -> bool:
        audit, log = case
        liaison = {s.action for r in audit.rules.rules if r.kind == "triggered" for s in r.steps if s.by is not None}
        triggers = {e.id: e.actor for e in log.events if e.action.endswith("-trigger")}
        return any(e.action in liaison and e.actor != triggers.get(e.ref) for e in log.events)

    audit, log = find(cases(compliant=True, kinds=["triggered"]), by_member, settings=SETTINGS)
    report = check(audit.rules, audit.org, list(log.events), start=audit.start, end=audit.end, as_of=audit.as_of)
    assert [f for f in report.findings if f.severity != "info"] == []
    met_by_member = [
        o for o in report.outcomes if o.status == "met" and (o.actor in ("hq", "vp") or o.actor.startswith("relation:"))
    ]
    assert met_by_member

    def misdirected(case: tuple[Audit, Any]) -> bool:
        audit, log = case
        steps = {r.id: r.steps[-1] for r in audit.rules.rules if r.kind == "triggered"}
        expected = log.expected[0] if log.expected else None
        return log.mutation == "recipient" and expected is not None and steps[expected.rule].by is not None

    audit, log = find(cases(compliant=False, kinds=["triggered"]), misdirected, settings=SETTINGS)
    [expected] = log.expected
    report = check(audit.rules, audit.org, list(log.events), start=audit.start, end=audit.end, as_of=audit.as_of)
    assert [(f.code.value, f.actor) for f in report.findings if expected.matches(f)] == [
        ("wrong-recipient", expected.actor)
    ]
    assert expected.actor in ("hq", "vp") or expected.actor.startswith("relation:liaison:")


@pytest.mark.parametrize("where", [w for w, _, _ in _FILTERS], ids=lambda w: str(w))
def test_a_where_condition_is_met_by_each_form_a_log_gives(where: dict[str, Any]) -> None:
    """An event whose attribute meets a rule's `where` in another form than the rule writes it (a list
    holding the value, text for a boolean or a number) counts, and the attribute mutation, which gives it
    a value the condition refuses, takes it out: a gap."""
    ((key, wanted),) = where.items()
    kind = "prerequisite" if key == "decision" else "recurring"

    def filtered(rule: Any) -> bool:
        return rule.where == where if kind == "recurring" else any(r.where == where for r in rule.requires)

    def other_form(case: tuple[Audit, Any]) -> bool:
        audit, log = case
        return any(filtered(r) for r in audit.rules.rules) and any(
            key in e.attributes and e.attributes[key] != wanted for e in log.events
        )

    audit, log = find(cases(compliant=True, kinds=[kind], max_rules=1), other_form, settings=SETTINGS)
    report = check(audit.rules, audit.org, list(log.events), start=audit.start, end=audit.end, as_of=audit.as_of)
    assert [f.code.value for f in report.findings if f.severity != "info"] == []
    counted = {i for o in report.outcomes if o.status == "met" for i in o.evidence}
    assert any(e.id in counted for e in log.events if key in e.attributes and e.attributes[key] != wanted)

    def refused(case: tuple[Audit, Any]) -> bool:
        audit, log = case
        return log.mutation == "attribute" and any(filtered(r) for r in audit.rules.rules)

    audit, log = find(cases(compliant=False, kinds=[kind], max_rules=1), refused, settings=SETTINGS)
    [expected] = log.expected
    report = check(audit.rules, audit.org, list(log.events), start=audit.start, end=audit.end, as_of=audit.as_of)
    assert [f.code.value for f in report.findings if expected.matches(f)] == [expected.code]
    assert expected.code in {"missing", "insufficient", "unapproved"}


def test_events_a_day_outside_a_rules_dates_in_force_are_left_alone() -> None:
    """A rule in force from 1 April or until 30 September: the witness holds events it would check on
    31 March or 1 October, with nothing answering or approving them, and the check makes no obligation
    of them (a trigger, guarded or forbidden event there would be a finding)."""

    def outside(case: tuple[Audit, Any]) -> list[str]:
        """The events of each rule in force for part of the year made on the day just outside."""
        audit, log = case
        tz = ZoneInfo(audit.rules.timezone or "UTC")
        edges: dict[Any, set[date]] = {}
        for r in audit.rules.rules:
            if r.effective is not None:
                action = r.trigger.action if isinstance(r, TriggeredRule) else getattr(r, "action", None)
                before = r.effective.from_ and r.effective.from_ - timedelta(days=1)
                after = r.effective.to and r.effective.to + timedelta(days=1)
                edges[action] = {d for d in (before, after) if d}
        return [e.id for e in log.events if e.time.astimezone(tz).date() in edges.get(e.action, set())]

    audit, log = find(
        cases(compliant=True, kinds=["triggered", "prerequisite", "forbidden"]),
        lambda c: len(outside(c)) >= 2,
        settings=SETTINGS,
    )
    decoys = set(outside((audit, log)))
    report = check(audit.rules, audit.org, list(log.events), start=audit.start, end=audit.end, as_of=audit.as_of)
    assert [o.period for o in report.outcomes if o.period in decoys] == []
    assert [f.code.value for f in report.findings if f.severity != "info"] == []
    assert report.records.unused >= len(decoys)


def _last_day(label: str) -> date:
    """The last day of a period labelled as the calendar labels months, quarters, halves and years."""
    year, _, part = label.partition("-")
    if not part:
        return date(int(year), 12, 31)
    months = {"Q": 3, "H": 6}
    last_month = months[part[0]] * int(part[1:]) if part[0] in months else int(part)
    following = date(int(year) + last_month // 12, last_month % 12 + 1, 1)
    return following - timedelta(days=1)


def test_a_lone_triggers_free_response_is_found_and_its_loss_is_unanswered() -> None:
    """A response not linked by ref answers the lone trigger of its rule as the first fitting event
    after it; the unanswered mutation then takes it away."""

    def free(case: tuple[Audit, Any]) -> bool:
        audit, log = case
        steps = {s.action for r in audit.rules.rules if r.kind == "triggered" for s in r.steps}
        return any(e.action in steps and e.ref is None for e in log.events)

    audit, log = find(cases(compliant=True, kinds=["triggered"]), free, settings=SETTINGS)
    report = check(audit.rules, audit.org, list(log.events), start=audit.start, end=audit.end, as_of=audit.as_of)
    unlinked = {e.id for e in log.events if e.ref is None and not e.action.endswith(("-trigger", "-cancel"))}
    statuses = [o.status for o in report.outcomes if unlinked & set(o.evidence)]
    assert statuses
    assert set(statuses) == {"met"}
    audit, log = find(
        cases(compliant=False, kinds=["triggered"]),
        lambda c: c[1].mutation == "unanswered" and free(c),
        settings=SETTINGS,
    )
    [expected] = log.expected
    report = check(audit.rules, audit.org, list(log.events), start=audit.start, end=audit.end, as_of=audit.as_of)
    assert [f.code.value for f in report.findings if expected.matches(f)] == ["unanswered"]


def test_a_rolling_rule_is_met_from_each_branchs_clock_and_a_lost_event_leaves_a_gap() -> None:
    """Events 25 to 40 days apart meet a rolling rule (no gap over 45 days) from the day each branch's
    clock starts (1 July for a branch holding its role from then); taking one away gives `late` for
    the gap before it, or `missing` for the last, labelled <from>/<due>."""

    def rolling(case: tuple[Audit, Any]) -> bool:
        audit, _ = case
        return any(r.kind == "recurring" and r.max_gap is not None for r in audit.rules.rules)

    audit, log = find(
        cases(compliant=True, kinds=["recurring"]),
        lambda c: rolling(c) and _joining(c[0]) is not None,
        settings=SETTINGS,
    )
    report = check(audit.rules, audit.org, list(log.events), start=audit.start, end=audit.end, as_of=audit.as_of)
    gaps = [o for o in report.outcomes if "/" in o.period]
    assert gaps
    assert {o.status for o in gaps} == {"met"}
    july = date(audit.start.year, 7, 1).isoformat()
    assert min(o.period for o in gaps if o.actor == _joining(audit)) >= july
    audit, log = find(
        cases(compliant=False, kinds=["recurring"]),
        lambda c: rolling(c) and c[1].mutation == "drop" and "/" in c[1].expected[0].period,
        settings=SETTINGS,
    )
    [expected] = log.expected
    report = check(audit.rules, audit.org, list(log.events), start=audit.start, end=audit.end, as_of=audit.as_of)
    assert [f.code.value for f in report.findings if expected.matches(f)] == [expected.code]
    assert expected.code in ("late", "missing")
