"""govrules.testing: the strategies reach every shape they promise, and reject bad arguments."""

from __future__ import annotations

import ast
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, find, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from govrules import testing
from govrules.model import (
    RULE_KINDS,
    Organisation,
    Party,
    RecurringRule,
    RelationMember,
    RoleGrant,
    RuleSet,
    TriggeredRule,
)

# Generation only: the first example that fits is enough to show the shape is reachable.
FIND = settings(database=None, max_examples=1000, phases=[Phase.generate], suppress_health_check=list(HealthCheck))


def _find(strategy: st.SearchStrategy[Any], condition: Any) -> Any:
    return find(strategy, condition, settings=FIND)


def test_all_is_sorted_and_names_plural_strategies() -> None:
    """The public names are sorted plural nouns."""
    assert testing.__all__ == sorted(testing.__all__)
    strategies = [name for name in testing.__all__ if name[0].islower() and not name.startswith("from_")]
    assert strategies == ["audits", "events", "organisations", "rule_sets", "rules"]


@pytest.mark.parametrize("kind", RULE_KINDS)
def test_rules_reach_every_kind(kind: str) -> None:
    """Every rule kind can be drawn, and `kinds` restricts the draw to the named ones."""
    assert _find(testing.rules(), lambda r: r.kind == kind).kind == kind

    @given(testing.rules(kinds=[kind]))
    @settings(max_examples=10, database=None)
    def only(rule: Any) -> None:
        assert rule.kind == kind

    only()


def test_rules_reach_both_shapes_of_a_party() -> None:
    """A party is drawn both as a plain actor id and as an object; a pair obligation too."""
    recurring = testing.rules(kinds=["recurring"])
    assert isinstance(_find(recurring, lambda r: isinstance(r.who, str)).who, str)
    paired = _find(recurring, lambda r: isinstance(r.who, Party) and r.who.relation is not None)
    assert paired.who.role is not None


def test_rules_reach_rolling_intervals_and_calendar_periods() -> None:
    """Recurring rules come with 'every' and with 'max_gap'."""
    recurring = testing.rules(kinds=["recurring"])
    assert _find(recurring, lambda r: r.max_gap is not None).every is None
    assert _find(recurring, lambda r: r.window is not None and r.window.strictness == "in-principle").every is not None


def test_rules_reach_extensions_and_relations_of_the_trigger() -> None:
    """A recurring rule with an extension (never with a window), and a triggered step addressed to
    a member of a relation of the trigger's actor."""
    recurring = testing.rules(kinds=["recurring"])
    extended = _find(recurring, lambda r: r.extension is not None)
    assert (extended.window, extended.max_gap) == (None, None)
    triggered = testing.rules(kinds=["triggered"])

    def addressed_to_a_relation(rule: TriggeredRule) -> bool:
        return any(isinstance(s.to, Party) and s.to.trigger and s.to.relation for s in rule.steps)

    assert addressed_to_a_relation(_find(triggered, addressed_to_a_relation))
    extended_step = _find(triggered, lambda r: any(s.extension is not None for s in r.steps))
    assert any(s.extension is not None for s in extended_step.steps)


def test_rules_reach_parties_a_triggers_attribute_names() -> None:
    """A triggered step done by or addressed to the party an attribute of the trigger names."""
    triggered = testing.rules(kinds=["triggered"])

    def by_attribute(rule: TriggeredRule) -> bool:
        return any(
            isinstance(p, Party) and p.trigger is not None and p.trigger.startswith("attributes.")
            for s in rule.steps
            for p in (s.by, s.to)
        )

    assert by_attribute(_find(triggered, by_attribute))


def test_rule_sets_reach_windows_named_by_glossary_terms() -> None:
    """A window's day range and strictness named by terms of the rule set's glossary."""

    def named(rule_set: RuleSet) -> bool:
        windows = [w for r in rule_set.rules if (w := getattr(r, "window", None)) is not None]
        return any(w.days in rule_set.glossary and w.strictness in rule_set.glossary for w in windows)

    found = _find(testing.rule_sets(kinds=["recurring"], min_size=1), named)
    window = next(w for r in found.rules if (w := getattr(r, "window", None)) is not None and w.days in found.glossary)
    assert found.window(window).days == found.glossary[window.days].days


def test_rule_sets_use_their_glossary_and_name_a_calendar_for_workdays() -> None:
    """Some rule sets refer to glossary terms; one counting workdays always names a calendar."""

    def uses_term(rule_set: RuleSet) -> bool:
        return any(
            isinstance(r, TriggeredRule) and any(s.within in rule_set.glossary for s in r.steps) for r in rule_set.rules
        )

    found = _find(testing.rule_sets(kinds=["triggered"], min_size=1), uses_term)
    assert found.glossary

    @given(testing.rule_sets(kinds=["triggered", "recurring"]))
    @settings(max_examples=30, database=None)
    def calendar_when_needed(rule_set: RuleSet) -> None:
        rolls = any(
            getattr(item, "roll", "none") == "next-workday"
            for rule in rule_set.rules
            for item in (rule, *getattr(rule, "steps", ()))
        )
        if rolls:
            assert rule_set.calendar is not None

    calendar_when_needed()


def test_rule_sets_respect_sizes_and_reach_clause_lists() -> None:
    """Sizes bound the number of rules; some rule sets list their clauses, covering every rule's clause."""

    @given(testing.rule_sets(min_size=2, max_size=3))
    @settings(max_examples=20, database=None)
    def sized(rule_set: RuleSet) -> None:
        assert 2 <= len(rule_set.rules) <= 3
        assert len({r.id for r in rule_set.rules}) == len(rule_set.rules)

    sized()
    listed = _find(testing.rule_sets(min_size=1), lambda rs: bool(rs.clauses))
    assert {r.clause for r in listed.rules} <= {c.id for c in listed.clauses}


def test_organisations_reach_dated_roles_relations_and_calendars() -> None:
    """Organisations come with dated role grants, relations to their own actors, and custom calendars."""
    orgs = testing.organisations(min_size=2)
    dated = _find(orgs, lambda o: any(isinstance(g, RoleGrant) for a in o.actors for g in a.roles))
    grants = [g for a in dated.actors for g in a.roles if isinstance(g, RoleGrant)]
    assert all(g.from_ is None or g.to is None or g.from_ <= g.to for g in grants)
    related = _find(orgs, lambda o: any(a.relations.get("schools") for a in o.actors))
    ids = {a.id for a in related.actors}
    assert all(m in ids for a in related.actors for relation in a.relations for m in a.members(relation))
    dated_member = _find(
        orgs, lambda o: any(isinstance(m, RelationMember) for a in o.actors for ms in a.relations.values() for m in ms)
    )
    own = {a.id for a in dated_member.actors}
    members = [
        m for a in dated_member.actors for ms in a.relations.values() for m in ms if isinstance(m, RelationMember)
    ]
    assert all(m.actor in own and (m.from_ is None or m.to is None or m.from_ <= m.to) for m in members)
    assert _find(orgs, lambda o: bool(o.calendars)).calendars


_TINY = (
    RuleSet.model_validate(
        {
            "id": "t",
            "title": "t",
            "timezone": "UTC",
            "rules": [
                {"id": "r", "kind": "recurring", "clause": "C", "who": "b1", "action": "report", "every": "month"}
            ],
        }
    ),
    Organisation.model_validate({"id": "o", "actors": [{"id": "b1"}]}),
)


@pytest.mark.parametrize(
    "strategy",
    [
        lambda: testing.rules(kinds=["monthly"]),
        lambda: testing.rules(kinds=[]),
        lambda: testing.rules(kinds="recurring"),
        lambda: testing.rule_sets(min_size=-1),
        lambda: testing.rule_sets(min_size=3, max_size=2),
        lambda: testing.rule_sets(max_size=1.5),  # type: ignore[arg-type]
        lambda: testing.organisations(min_size=0),
        lambda: testing.organisations(min_size=4, max_size=3),
        lambda: testing.events(actors="abc"),  # three actors a, b and c, once
        lambda: testing.events(actors=None),  # type: ignore[arg-type]
        lambda: testing.events(actions=[1]),  # type: ignore[list-item]
        lambda: testing.from_rule_set(*_TINY, start=date(2024, 1, 1), end=date(2025, 1, 1), compliant=1),  # type: ignore[arg-type]
        lambda: testing.from_rule_set(*_TINY, start=datetime(2024, 1, 1, tzinfo=UTC), end=date(2025, 1, 1)),
        lambda: testing.from_rule_set(*_TINY, start=date(2024, 1, 1), end=date(2025, 1, 1), as_of=date(2025, 1, 1)),  # type: ignore[arg-type]
    ],
    ids=[
        *("unknown-kind", "no-kind", "kinds-string", "negative", "max-below-min", "float", "no-actor", "org-order"),
        *("actors-string", "actors-none", "action-number", "compliant-number", "start-moment", "as-of-day"),
    ],
)
def test_bad_arguments_raise_invalid_argument_when_used(strategy: Any) -> None:
    """Bad options raise InvalidArgument when the strategy is drawn from, not when it is built."""
    built = strategy()
    with pytest.raises(InvalidArgument):
        find(built, lambda _: True, settings=FIND)


def test_events_read_a_generator_of_actors_once() -> None:
    """A generator of actors is read once, when the strategy is first drawn from: checking its
    items had used it up, and the draw failed on an empty sequence."""
    drawn = _find(testing.events(actors=(a for a in ["b1", "b2"]), actions=["report"]), lambda e: e.actor == "b2")
    assert (drawn.actor, drawn.action) == ("b2", "report")


def test_the_core_never_imports_testing() -> None:
    """No module of govrules but testing itself imports hypothesis or govrules.testing."""
    src = Path(testing.__file__).parent
    offenders = []
    for path in src.rglob("*.py"):
        if path.name == "testing.py":
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            offenders += [f"{path.name}: {n}" for n in names if n.startswith(("hypothesis", "govrules.testing"))]
    assert offenders == []


def test_a_drawn_recurring_rule_is_a_model_instance() -> None:
    """What the strategy yields is the model, not a dict."""
    assert isinstance(_find(testing.rules(kinds=["recurring"]), lambda r: True), RecurringRule)


def _log_of(rule: dict[str, Any], org: dict[str, Any]) -> tuple[Any, Any, list[Any]]:
    """A rule set of one rule, its organisation, and the witnesses `from_rule_set` draws for 2024."""
    from datetime import date

    from govrules.model import Organisation

    rules = RuleSet.model_validate({"id": "t", "title": "t", "timezone": "Asia/Shanghai", "rules": [rule]})
    organisation = Organisation.model_validate(org)
    drawn: list[Any] = []

    @given(testing.from_rule_set(rules, organisation, start=date(2024, 1, 1), end=date(2025, 1, 1), compliant=True))
    @settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
    def draw(log: Any) -> None:
        drawn.append(log)

    draw()
    return rules, organisation, drawn


def _assert_clean(rules: Any, org: Any, logs: list[Any]) -> None:
    """Each witness meets the rules: no violation, no warning."""
    from datetime import date

    from govrules import check

    for log in logs:
        report = check(rules, org, list(log.events), start=date(2024, 1, 1), end=date(2025, 1, 1))
        assert [f.code.value for f in report.findings if f.severity != "info"] == []


_BRANCHES = {
    "id": "o",
    "actors": [
        {"id": "hq", "roles": ["hq"]},
        {"id": "s1", "roles": ["school"]},
        {"id": "b1", "roles": ["branch"], "relations": {"schools": ["s1"]}},
    ],
}


def test_a_where_of_the_rule_sets_own_is_met_as_the_rule_writes_it() -> None:
    """A witness for a rule whose ``where`` is not one `audits` draws (two keys, a list) carries each
    value as the rule writes it (the first of a list), and meets the rule; no attribute mutation is offered."""
    rule = {
        "id": "r",
        "kind": "recurring",
        "clause": "c",
        "who": {"role": "branch"},
        "action": "report",
        "where": {"channel": ["email", "post"], "signed": True},
        "every": "quarter",
    }
    rules, org, logs = _log_of(rule, _BRANCHES)
    events = [e for log in logs for e in log.events]
    assert events
    assert {tuple(sorted(e.attributes.items())) for e in events} == {(("channel", "email"), ("signed", True))}
    _assert_clean(rules, org, logs)


def test_a_pair_rule_with_a_fixed_recipient_is_sent_there_about_the_member() -> None:
    """For ``who: {role: branch, relation: schools}, to: hq`` the witness sends each report to
    headquarters with the school as its subject, and the check finds it met."""
    rule = {
        "id": "r",
        "kind": "recurring",
        "clause": "c",
        "who": {"role": "branch", "relation": "schools"},
        "action": "report",
        "to": "hq",
        "every": "quarter",
    }
    rules, org, logs = _log_of(rule, _BRANCHES)
    events = [e for log in logs for e in log.events]
    assert events
    assert {(e.recipient, e.subject) for e in events} == {("hq", "s1")}
    _assert_clean(rules, org, logs)


def test_an_approval_through_a_dated_relation_is_by_a_member_on_its_day() -> None:
    """For ``requires: [{action: approve, by: {trigger: actor, relation: deans}}]`` with a dean who
    changes on 1 July, each witness's approval is by the dean of its day, and the check finds it met."""
    rule = {
        "id": "r",
        "kind": "prerequisite",
        "clause": "c",
        "action": "trip",
        "by": {"role": "faculty"},
        "requires": [{"action": "approve", "by": {"trigger": "actor", "relation": "deans"}}],
    }
    deans = [{"actor": "dean-a", "to": "2024-06-30"}, {"actor": "dean-b", "from": "2024-07-01"}]
    org = {
        "id": "o",
        "actors": [
            {"id": "faculty", "roles": ["faculty"], "relations": {"deans": deans}},
            {"id": "dean-a"},
            {"id": "dean-b"},
        ],
    }
    rules, organisation, logs = _log_of(rule, org)
    approvals = [e for log in logs for e in log.events if e.action == "approve"]
    assert approvals
    assert all(e.actor == ("dean-a" if e.time.month <= 6 else "dean-b") for e in approvals)
    _assert_clean(rules, organisation, logs)


@pytest.mark.parametrize("gap", ["0 days", "P0D", "0 weeks", "12 hours"])
def test_drawn_rule_sets_never_hold_a_rolling_interval_the_loader_refuses(gap: str) -> None:
    """A rolling interval of no day, or in hours, is made one day before a rule set is handed
    out: the round-trip test drew '0 days' once the loader refused it."""
    rule = RecurringRule.model_validate(
        {"id": "g", "kind": "recurring", "clause": "c", "who": "a", "action": "x", "max_gap": gap}
    )
    rule_set = RuleSet.model_validate({"id": "r", "title": "r", "timezone": "UTC", "rules": [rule]})
    fixed = testing._loadable(rule, rule_set)
    assert isinstance(fixed, RecurringRule) and fixed.max_gap == "1 day"


def _alone(rule: Any) -> RuleSet:
    """``rule`` in a rule set of its own: no glossary and no clause list (`rules` draws concrete
    durations and lists no clauses), and a business-day calendar, which a rule counting workdays
    or rolling a deadline to one needs and any other rule leaves unused."""
    return RuleSet.model_validate(
        {"id": "alone", "title": "alone", "timezone": "UTC", "calendar": "CN", "rules": [rule]}
    )


@given(testing.rules())
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_every_drawn_rule_loads_in_a_rule_set_of_its_own(rule: Any) -> None:
    """A drawn rule is valid as the loader means it: alone in a rule set, dumped to YAML and to
    JSON, it loads back equal, without a problem (a rolling interval of no day or in hours, a window
    span in hours or a step in hours rolled to a workday were drawn and refused)."""
    import json

    import yaml

    from govrules.errors import LoadError
    from govrules.loaders import load_rules

    rule_set = _alone(rule)
    data = rule_set.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    texts = {
        "x.yaml": yaml.dump(data, Dumper=yaml.SafeDumper, allow_unicode=False, sort_keys=False),
        "x.json": json.dumps(data, ensure_ascii=False),
    }
    for name, text in texts.items():
        try:
            loaded = load_rules(text.encode(), file=name)
        except LoadError as exc:
            problems = [(p.pointer, p.code, p.message) for p in exc.problems]
        else:
            problems = []
        assert problems == []
        assert loaded == rule_set


@pytest.mark.parametrize(
    ("fields", "fixed"),
    [
        ({"kind": "recurring", "who": "a", "action": "a", "max_gap": "0 days"}, {"max_gap": "1 day"}),
        ({"kind": "recurring", "who": "a", "action": "a", "max_gap": "36 hours"}, {"max_gap": "1 day"}),
        (
            {"kind": "recurring", "who": "a", "action": "a", "every": "month", "window": {"last": "5 hours"}},
            {"window": None},
        ),
        (
            {
                "kind": "recurring",
                "who": "a",
                "action": "a",
                "every": "month",
                "due_after": "5 hours",
                "roll": "next-workday",
            },
            {"roll": "none"},
        ),
    ],
)
def test_a_rule_the_loader_would_refuse_is_made_loadable_before_it_is_drawn(
    fields: dict[str, Any], fixed: dict[str, Any]
) -> None:
    """The falsifying examples of the property above, pinned: what `rules` hands out is the
    rule made loadable (a gap of one day, no window, no roll), as `rule_sets` makes its rules."""
    rule = RecurringRule.model_validate({"id": "a", "clause": "D1", **fields})
    assert testing._loadable_alone(rule) == rule.model_copy(update=fixed)


def test_a_step_in_hours_is_not_rolled_in_a_drawn_rule() -> None:
    """A triggered rule's step in hours rolled to a workday (`bad-roll`) is drawn unrolled."""
    rule = TriggeredRule.model_validate(
        {
            "id": "a",
            "clause": "D1",
            "kind": "triggered",
            "trigger": {"action": "t"},
            "steps": [
                {"action": "s", "within": "PT12H", "roll": "next-workday"},
                {"action": "u", "within": "2 days", "roll": "next-workday"},
            ],
        }
    )
    fixed = testing._loadable_alone(rule)
    assert isinstance(fixed, TriggeredRule)
    assert [s.roll for s in fixed.steps] == ["none", "next-workday"]


def test_a_step_extended_by_hours_is_not_rolled_in_a_drawn_rule() -> None:
    """A step whose extension is in hours, rolled to a workday (`bad-roll`), is drawn unrolled."""
    extension = {"action": "n", "within": "1 day", "extends_by": "12 hours"}
    rule = TriggeredRule.model_validate(
        {
            "id": "a",
            "clause": "D1",
            "kind": "triggered",
            "trigger": {"action": "t"},
            "steps": [
                {"action": "s", "within": "2 days", "roll": "next-workday", "extension": extension},
                {"action": "u", "within": "2 days", "roll": "next-workday"},
            ],
        }
    )
    fixed = testing._loadable_alone(rule)
    assert isinstance(fixed, TriggeredRule)
    assert [s.roll for s in fixed.steps] == ["none", "next-workday"]
