"""`from_rule_set` on shapes of a rule set of one's own that `audits()` does not draw: steps done by a
named actor or by a role, steps whose response must share a field with the trigger (`same`),
approvals that must be old enough (`min_age`) or fresh (`lookback`) for limits of any length, and
approvals that another prerequisite rule guards. The witness is clean, and the mutations give
exactly their findings (docs/testing.md §1); the bundled road-fines example uses all of them."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

import govrules
from govrules import check
from govrules.model import Organisation, RuleSet
from govrules.testing import GeneratedLog, from_rule_set

from .conftest import SETTINGS, assert_exact

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "road-fines"
START, END = date(2024, 1, 1), date(2025, 1, 1)
# a clerk's role passes from k1 to k2 on 1 July: a step done by a clerk is done by the one on duty
ORG = Organisation.model_validate(
    {
        "id": "o",
        "timezone": "Europe/Rome",
        "actors": [
            {"id": "police", "roles": ["police-force"]},
            {"id": "o1", "roles": ["officer"]},
            {"id": "o2", "roles": ["officer"]},
            {"id": "hq", "roles": ["hq"]},
            {"id": "k1", "roles": [{"role": "clerk", "to": "2024-06-30"}]},
            {"id": "k2", "roles": [{"role": "clerk", "from": "2024-07-01"}]},
        ],
    }
)


def _rules(*rules: dict[str, Any]) -> RuleSet:
    return RuleSet.model_validate(
        {"id": "own", "title": "A rule set of one's own", "timezone": "Europe/Rome", "rules": list(rules)}
    )


def _chain(step: dict[str, Any], **rule: Any) -> dict[str, Any]:
    """A triggered rule: an officer creates a fine, a step answers it within 90 days."""
    return {
        "id": "send",
        "kind": "triggered",
        "clause": "art-201",
        "trigger": {"action": "create-fine", "by": {"role": "officer"}},
        "steps": [{"action": "send-fine", "within": "90 days", **step}],
        **rule,
    }


def _guard(**rule: Any) -> dict[str, Any]:
    """A prerequisite rule: a penalty only after a notification of the same fine."""
    return {
        "id": "penalty",
        "kind": "prerequisite",
        "clause": "art-203",
        "action": "add-penalty",
        "by": {"role": "officer"},
        "requires": [{"action": "notify"}],
        "link": "subject",
        **rule,
    }


def _serious(rules: RuleSet, org: Organisation, log: GeneratedLog, start: date, end: date) -> list[Any]:
    report = check(rules, org, list(log.events), start=start, end=end)
    return [(f.code.value, f.rule, f.actor, f.period) for f in report.findings if f.severity != "info"]


def _assert_clean(rules: RuleSet, org: Organisation = ORG, start: date = START, end: date = END) -> list[GeneratedLog]:
    """Draws witnesses, asserts each gives no violation and no warning, and returns them."""
    logs: list[GeneratedLog] = []

    @given(from_rule_set(rules, org, start=start, end=end, compliant=True))
    @SETTINGS
    def clean(log: GeneratedLog) -> None:
        assert _serious(rules, org, log, start, end) == []
        logs.append(log)

    clean()
    return logs


def _assert_exact(
    rules: RuleSet, mutations: set[str], org: Organisation = ORG, start: date = START, end: date = END
) -> None:
    assert_exact(rules, mutations, org, start, end)


@pytest.mark.parametrize("same", [[], ["actor"]])
def test_a_step_by_a_named_actor_is_done_by_that_actor(same: list[str]) -> None:
    """`by: police`: the police answer an officer's fine (by ``ref`` where the step also wants the
    trigger's actor), and a finding of the step names the police."""
    rules = _rules(_chain({"by": "police", "same": same}, unless={"action": "pay", "same": ["subject"]}))
    logs = _assert_clean(rules)
    responses = [e for log in logs for e in log.events if e.action == "send-fine"]
    assert responses and {e.actor for e in responses} == {"police"}
    _assert_exact(rules, {"unanswered", "late-response", "discharge"})


def test_a_step_due_after_the_audit_moment_is_pending_without_its_response() -> None:
    """Audited on 1 March, a fine created after mid-January has its 45 days run past the audit
    moment: taking its response away leaves the step pending, so the witness offers no
    `unanswered` mutation for it (only for the fines due by then)."""
    rules = _rules(_chain({"within": "45 days"}))
    as_of = datetime(2024, 3, 1, tzinfo=ZoneInfo("Europe/Rome"))
    seen: set[str] = set()

    @given(from_rule_set(rules, ORG, start=START, end=END, as_of=as_of, compliant=False))
    @SETTINGS
    def exact(log: GeneratedLog) -> None:
        [expected] = log.expected
        report = check(rules, ORG, list(log.events), start=START, end=END, as_of=as_of)
        assert [f.code.value for f in report.findings if expected.matches(f)] == [expected.code]
        seen.add(str(log.mutation))

    exact()
    assert "unanswered" in seen


def test_a_step_by_a_role_is_done_by_a_holder_on_that_day() -> None:
    """`by: {role: clerk}`: the clerk on duty that day answers (k1 until June, k2 from July), and a
    finding of the step names the role."""
    rules = _rules(_chain({"by": {"role": "clerk"}}))
    logs = _assert_clean(rules)
    responses = [e for log in logs for e in log.events if e.action == "send-fine"]
    assert {e.actor for e in responses} == {"k1", "k2"}
    assert all((e.actor == "k2") == (e.time.month >= 7) for e in responses)
    _assert_exact(rules, {"unanswered", "late-response"})


def test_a_step_by_and_to_parties_the_triggers_attributes_name() -> None:
    """`by: {trigger: attributes.handled_by}` and `to: {trigger: attributes.applicant}`: each fine
    names actors of the organisation in those attributes, its response is done by the one and
    sent to the other, and the recipient mutation sends it elsewhere (`wrong-recipient`)."""
    parties = {"by": {"trigger": "attributes.handled_by"}, "to": {"trigger": "attributes.applicant"}}
    rules = _rules(_chain(parties))
    logs = _assert_clean(rules)
    answered = 0
    for log in logs:
        fines = {e.id: e.attributes for e in log.events if e.action == "create-fine"}
        for e in log.events:
            if e.action == "send-fine":
                # a free response (no ref) answers a lone fine
                named = fines[e.ref] if e.ref is not None else next(iter(fines.values()))
                assert (e.actor, e.recipient) == (named["handled_by"], named["applicant"])
                answered += 1
    assert answered
    _assert_exact(rules, {"recipient", "unanswered", "late-response"})


def test_a_step_with_the_same_subject_carries_the_triggers_subject() -> None:
    """`same: [subject]`: each response carries its trigger's subject, which alone links them: the
    witness without its refs is still clean (as a log that links a case by its subject only)."""
    rules = _rules(_chain({"same": ["subject"]}, unless={"action": "pay", "same": ["subject"]}))
    logs = _assert_clean(rules)
    for log in logs:
        triggers = {e.id: e for e in log.events if e.action == "create-fine"}
        for response in (e for e in log.events if e.action == "send-fine"):
            assert response.subject is not None
            if response.ref is not None:
                assert response.subject == triggers[response.ref].subject
        unlinked = GeneratedLog(tuple(e._replace(ref=None) for e in log.events))
        assert _serious(rules, ORG, unlinked, START, END) == []
    _assert_exact(rules, {"unanswered", "late-response", "discharge"})


def test_a_free_response_with_the_same_recipient_is_sent_where_its_trigger_was() -> None:
    """`same: [recipient]` with `to: hq`: a response not linked by ``ref`` answers only a trigger
    sent to headquarters as well; sending it elsewhere is then no answer, so the recipient
    mutation is kept for responses linked by ``ref``."""
    rules = _rules(_chain({"to": "hq", "same": ["recipient"]}))
    logs = _assert_clean(rules)
    assert any(e.action == "send-fine" and e.ref is None for log in logs for e in log.events)
    _assert_exact(rules, {"unanswered", "late-response", "recipient"})


def test_approvals_are_old_enough_for_a_minimum_age_of_60_days() -> None:
    """`min_age: 60 days`: the notifications are 60 to 120 days old; an hour old is too recent."""
    rules = _rules(_guard(min_age="60 days"))
    _assert_clean(rules)
    _assert_exact(rules, {"unapproved", "approval-age"})


def test_approvals_are_between_a_minimum_age_and_a_lookback() -> None:
    """`min_age: 60 days` and `lookback: 90 days`: old enough and still fresh; 135 days is too old."""
    rules = _rules(_guard(min_age="60 days", lookback="90 days"))
    logs = _assert_clean(rules)
    ages = []
    for log in logs:
        penalties = {e.subject: e for e in log.events if e.action == "add-penalty"}
        ages += [(penalties[e.subject].time - e.time).days for e in log.events if e.action == "notify"]
    assert ages and min(ages) >= 59 and max(ages) <= 90
    _assert_exact(rules, {"unapproved", "approval-age"})


def test_an_approval_another_rule_guards_has_approvals_of_its_own() -> None:
    """A collection needs a penalty, and a penalty a notification: the penalty that approves a
    collection in the range is itself approved (and taking its notification away leaves exactly
    that penalty unapproved)."""
    collection = {
        "id": "collection",
        "kind": "prerequisite",
        "clause": "art-206",
        "action": "collect",
        "requires": [{"action": "add-penalty", "by": {"role": "officer"}}],
        "link": "subject",
    }
    rules = _rules(_guard(), collection)
    _assert_clean(rules)
    _assert_exact(rules, {"unapproved"})


def test_the_road_fines_example_witness_is_clean() -> None:
    """The bundled road-fines rule set (steps by the police with the fine as subject, two versions of
    a clause, a penalty 60 days after the notification, a collection after the penalty)."""
    rules = govrules.load_rules(EXAMPLE / "rules.yaml")
    org = govrules.load_org(EXAMPLE / "org.yaml")
    start, end = date(2010, 1, 1), date(2011, 1, 1)
    _assert_clean(rules, org, start, end)
    _assert_exact(rules, {"unanswered", "late-response", "discharge", "unapproved", "approval-age"}, org, start, end)


def test_a_content_schema_of_ones_own_is_met_whichever_witness_places_the_event() -> None:
    """A content rule with a schema of its own (required keys, an enum deciding through
    ``if``/``then`` what else is required, a minimum length, count and number, ``allOf``) checks
    the fines a recurring rule's witness places as well as its own: every one carries what the
    schema asks. `strip-topic` takes away one attribute the schema requires."""
    from jsonschema import Draft202012Validator

    schema = {
        "type": "object",
        "required": ["attributes"],
        "properties": {
            "attributes": {
                "type": "object",
                "required": ["phase", "amount"],
                "properties": {
                    "phase": {"enum": ["initial", "complete"]},
                    "amount": {"type": "integer", "minimum": 25},
                },
                "if": {"properties": {"phase": {"const": "initial"}}},
                "then": {"required": ["contact"], "properties": {"contact": {"type": "string", "minLength": 8}}},
                "allOf": [{"required": ["articles"], "properties": {"articles": {"type": "array", "minItems": 2}}}],
            }
        },
    }
    rules = _rules(
        {
            "id": "quarterly-fine",
            "kind": "recurring",
            "clause": "art-1",
            "who": {"role": "officer"},
            "action": "create-fine",
            "every": "quarter",
        },
        {"id": "fine-content", "kind": "content", "clause": "art-2", "action": "create-fine", "schema": schema},
    )
    validator = Draft202012Validator(schema)
    logs = _assert_clean(rules)
    fines = [e for log in logs for e in log.events if e.action == "create-fine"]
    assert len(fines) > len(logs)  # the recurring rule's four a year for each officer, and more
    assert [e.id for e in fines if not validator.is_valid(e.as_record())] == []
    assert {e.attributes["phase"] for e in fines} == {"initial"}
    _assert_exact(rules, {"strip-topic", "drop"})


def test_an_approval_by_a_member_of_the_relation_of_the_guarded_events_actor() -> None:
    """``requires: [{by: {trigger: actor, relation: schools}}]``: a branch's lecture is approved by
    one of that branch's own schools (b1's are s1 and s2, b2's is s3), never by another's."""
    org = Organisation.model_validate(
        {
            "id": "o",
            "timezone": "Europe/Rome",
            "actors": [
                {"id": "b1", "roles": ["branch"], "relations": {"schools": ["s1", "s2"]}},
                {"id": "b2", "roles": ["branch"], "relations": {"schools": ["s3"]}},
                {"id": "s1", "roles": ["school"]},
                {"id": "s2", "roles": ["school"]},
                {"id": "s3", "roles": ["school"]},
            ],
        }
    )
    rules = _rules(
        {
            "id": "lecture",
            "kind": "prerequisite",
            "clause": "art-7",
            "action": "lecture",
            "by": {"role": "branch"},
            "requires": [{"action": "approve", "by": {"trigger": "actor", "relation": "schools"}}],
        }
    )
    logs = _assert_clean(rules, org)
    approved = {
        (e.actor, a.actor)
        for log in logs
        for e in log.events
        if e.action == "lecture"
        for a in log.events
        if a.action == "approve" and (a.id == e.ref or a.ref == e.id or (a.subject and a.subject == e.subject))
    }
    assert approved and approved <= {("b1", "s1"), ("b1", "s2"), ("b2", "s3")}
    _assert_exact(rules, {"unapproved"}, org)


def _org(*actors: dict[str, Any]) -> Organisation:
    return Organisation.model_validate({"id": "o", "timezone": "Europe/Rome", "actors": list(actors)})


def test_a_report_a_recurring_rule_asks_for_gets_the_chain_it_triggers_once_someone_can_answer() -> None:
    """Monthly reports trigger a review by an auditor, a role first held on 15 February: January's
    report is reviewed on that day (within its 90 days), not left unanswered for want of an
    auditor in its first hours."""
    org = _org(
        {"id": "o1", "roles": ["officer"]},
        {"id": "hq", "roles": ["hq"]},
        {"id": "au", "roles": [{"role": "auditor", "from": "2024-02-15"}]},
    )
    rules = _rules(
        {"id": "monthly", "kind": "recurring", "clause": "c1", "who": {"role": "officer"}, "action": "report",
         "to": "hq", "every": "month"},
        {"id": "review", "kind": "triggered", "clause": "c2", "trigger": {"action": "report"},
         "steps": [{"action": "review", "by": {"role": "auditor"}, "within": "90 days"}]},
    )  # fmt: skip
    logs = _assert_clean(rules, org)
    reviews = [e for log in logs for e in log.events if e.action == "review"]
    assert reviews and min(e.time.date() for e in reviews) >= date(2024, 2, 15)


def test_a_pair_event_that_triggers_a_step_by_its_recipient_names_no_other_member() -> None:
    """A branch visits each of its schools once a year (at most once); a visit triggers an
    acknowledgement by its recipient. The recipient the chain needs is never the pair's other
    school, whose stream the visit would then count in too."""
    org = _org(
        {"id": "b1", "roles": ["branch"], "relations": {"schools": ["s1", "s2"]}},
        {"id": "s1", "roles": ["school"]},
        {"id": "s2", "roles": ["school"]},
    )
    rules = _rules(
        {"id": "visit", "kind": "recurring", "clause": "c1", "who": {"role": "branch", "relation": "schools"},
         "action": "visit", "every": "year", "max": 1},
        {"id": "visit-record", "kind": "triggered", "clause": "c2", "trigger": {"action": "visit", "by": {"role": "branch"}},
         "steps": [{"action": "acknowledge", "by": {"trigger": "recipient"}, "within": "7 days"}]},
    )  # fmt: skip
    _assert_clean(rules, org)
    _assert_exact(rules, {"unanswered"}, org)


def test_a_step_to_a_role_is_misdirected_to_no_holder_of_it() -> None:
    """A step addressed to a role held by hq and ha: its `recipient` mutation sends the response
    to someone who holds neither, so it is wrong-recipient whichever holder it first went to; and
    only once it is due (misdirected before, it may yet be sent right: pending)."""
    org = _org(
        {"id": "o1", "roles": ["officer"]}, {"id": "hq", "roles": ["authority"]}, {"id": "ha", "roles": ["authority"]}
    )
    rules = _rules(_chain({"to": {"role": "authority"}}))
    _assert_exact(rules, {"recipient", "unanswered"}, org)


def test_a_guarded_event_linked_by_subject_names_the_actor_a_chain_it_triggers_needs() -> None:
    """A fine needs an approval sharing its subject, and triggers an acknowledgement by its
    subject: the fine names an actor as its subject (the approval shares it), not a case no one
    can acknowledge for."""
    org = _org({"id": "o1", "roles": ["officer"]}, {"id": "l1", "roles": ["leader"]}, {"id": "p1", "roles": ["person"]})
    rules = _rules(
        _guard(action="fine", requires=[{"action": "approve", "by": {"role": "leader"}}]),
        {"id": "ack", "kind": "triggered", "clause": "c2", "trigger": {"action": "fine", "by": {"role": "officer"}},
         "steps": [{"action": "acknowledge", "by": {"trigger": "subject"}, "within": "30 days"}]},
    )  # fmt: skip
    logs = _assert_clean(rules, org)
    fines = [e for log in logs for e in log.events if e.action == "fine"]
    assert fines and {e.subject for e in fines} <= {"o1", "l1", "p1"}


@pytest.mark.parametrize(
    ("effective", "org"),
    [
        ({"from": "2023-01-01"}, ORG),  # the rule in force long before the range
        (
            None,
            Organisation.model_validate(
                {"id": "o", "actors": [{"id": "o1", "roles": [{"role": "officer", "from": "2023-06-01"}]}]}
            ),
        ),
    ],
)
def test_a_rolling_interval_that_applied_before_the_range_has_a_clean_witness(
    effective: dict[str, str] | None, org: Organisation
) -> None:
    """A review every 45 days, in force (or the role held) since before the audited year: the
    gap open when the year starts opened when the rule began to apply, so the witness has an
    event of the actor's a few days before the range open it. Before, its first event came 25 to
    40 days into the year and was late for a gap opened in 2023, in every witness."""
    rule: dict[str, Any] = {
        "id": "review",
        "kind": "recurring",
        "clause": "C1",
        "who": {"role": "officer"},
        "action": "review",
        "max_gap": "45 days",
    }
    if effective is not None:
        rule["effective"] = effective
    rules = _rules(rule)
    logs = _assert_clean(rules, org)
    assert all(min(e.time for e in log.events).date() < START for log in logs)
    _assert_exact(rules, {"drop"}, org)


def test_an_extension_of_a_report_due_at_its_periods_end_has_a_clean_witness() -> None:
    """A monthly report due at the month's end, with a notice that extends it by five days: a
    filing the witness makes in the extension, early in the next month, names its month, or the
    next month's on-time span would take it. Before, most witnesses were not clean."""
    rules = _rules(
        {
            "id": "monthly",
            "kind": "recurring",
            "clause": "C1",
            "who": {"role": "officer"},
            "action": "report",
            "to": "hq",
            "every": "month",
            "extension": {"action": "report-notice", "within": "1 day", "extends_by": "5 days"},
        }
    )
    logs = _assert_clean(rules)
    assert any(e.action == "report-notice" for log in logs for e in log.events)
    _assert_exact(rules, {"drop", "late", "no-extension"})


@pytest.mark.parametrize(
    "unless",
    [
        {"action": "pay", "by": "hq", "to": "police"},  # paid by a party of its own, to another
        {"action": "pay", "by": {"role": "clerk"}, "same": []},  # by the clerk on duty that day
    ],
)
def test_the_discharge_mutation_of_an_unless_with_parties_of_its_own(unless: dict[str, Any]) -> None:
    """An `unless` done by a party of its own, and sent to one: the discharge mutation's event is
    by that party and to that one, so that it discharges. Before, it was by the trigger's actor
    and to the trigger's recipient, and discharged nothing."""
    rules = _rules(_chain({"by": "police"}, unless=unless))
    _assert_clean(rules)
    _assert_exact(rules, {"unanswered", "discharge"})


def test_mutations_can_be_drawn_one_kind_at_a_time() -> None:
    """`mutations=` draws only the kinds named, and an unknown kind is refused when drawn."""
    from hypothesis.errors import InvalidArgument

    rules = _rules(_chain({"by": "police"}))
    kinds: list[str] = []

    @given(from_rule_set(rules, ORG, start=START, end=END, compliant=False, mutations={"late-response"}))
    @SETTINGS
    def only(log: GeneratedLog) -> None:
        kinds.append(str(log.mutation))

    only()
    assert set(kinds) == {"late-response"}

    @given(from_rule_set(rules, ORG, start=START, end=END, mutations={"lateness"}))
    @SETTINGS
    def unknown(log: GeneratedLog) -> None:
        pass

    with pytest.raises(InvalidArgument, match=r"unknown mutations \['lateness'\]"):
        unknown()

    @given(from_rule_set(rules, ORG, start=START, end=END, mutations=[]))
    @SETTINGS
    def none(log: GeneratedLog) -> None:
        pass

    with pytest.raises(InvalidArgument, match="names no kind of mutation"):
        none()

    @given(from_rule_set(rules, ORG, start=START, end=END, mutations="drop"))
    @SETTINGS
    def one_name(log: GeneratedLog) -> None:
        pass

    with pytest.raises(InvalidArgument, match=r"must be a collection of names, such as \['drop'\]"):
        one_name()  # it was read as the unknown mutations d, o, p and r

    for bad in (5, b"late", [["late"]]):

        @given(from_rule_set(rules, ORG, start=START, end=END, mutations=bad))  # type: ignore[arg-type]
        @SETTINGS
        def wrong(log: GeneratedLog) -> None:
            pass

        with pytest.raises(InvalidArgument, match="must be a collection of names"):
            wrong()


def test_audits_refuses_a_max_rules_that_is_no_whole_number() -> None:
    """audits(max_rules="3") is InvalidArgument on the first draw, as max_rules=0 is; it was a
    TypeError from comparing text with a number."""
    from hypothesis.errors import InvalidArgument

    from govrules.testing import audits

    for bad in ("3", 0, True):

        @given(audits(max_rules=bad))  # type: ignore[arg-type]
        @SETTINGS
        def draw(audit: object) -> None:
            pass

        with pytest.raises(InvalidArgument, match="must be a whole number"):
            draw()


SHORT = (date(2024, 1, 1), date(2024, 2, 11))
"""A range whose witness places its triggers on its first day (each 40 days before the range's
end at the latest)."""


@st.composite
def _officers_leaving(draw: st.DrawFn) -> Organisation:
    """`ORG` with two officers that leave the organisation (their `active` end) on the first or
    second day of `SHORT`: a fine of an officer's last evening may have its response fall after
    it."""
    officers = [
        {"id": officer, "roles": ["officer"], "active": {"to": date(2024, 1, draw(st.integers(1, 2))).isoformat()}}
        for officer in ("o1", "o2")
    ]
    others = [a.model_dump(by_alias=True, exclude_none=True) for a in ORG.actors if a.id not in ("o1", "o2")]
    return Organisation.model_validate({"id": "o", "timezone": "Europe/Rome", "actors": [*others, *officers]})


@pytest.mark.parametrize("step", [{}, {"by": {"trigger": "subject"}}])
def test_a_response_by_an_actor_the_trigger_names_falls_on_a_day_it_is_in_the_organisation(
    step: dict[str, Any],
) -> None:
    """A fine created by an officer (a role), answered by that officer, or by the actor the fine
    names as its subject: the witness places the response on a day its actor is in the
    organisation (its `active` dates), so that it answers the step and draws no `unknown-actor`
    warning, and places no fine it cannot answer so; each mutation then gives exactly its
    finding (the late response and the payment that discharges the fine are made on such a day
    too). Before, a fine of an officer's last evening could have its response the next morning,
    after the officer's end."""
    rules = _rules(_chain({"within": "2 days", **step}, unless={"action": "pay"}))

    def logs(org: Organisation) -> st.SearchStrategy[tuple[Organisation, GeneratedLog]]:
        return st.tuples(st.just(org), from_rule_set(rules, org, start=SHORT[0], end=SHORT[1], compliant=None))

    @given(_officers_leaving().flatmap(logs))
    @SETTINGS
    def exact(case: tuple[Organisation, GeneratedLog]) -> None:
        org, log = case
        report = check(rules, org, list(log.events), start=SHORT[0], end=SHORT[1])
        matching = [f for f in report.findings if any(e.matches(f) for e in log.expected)]
        others = [
            (f.code.value, f.actor, f.period, f.evidence)
            for f in report.findings
            if f.severity != "info" and f not in matching
        ]
        assert (len(matching), others) == (len(log.expected), []), log.mutation

    exact()
