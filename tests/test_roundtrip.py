"""The model, the published schema and the loader agree on every generated rule set and organisation."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from jsonschema import Draft202012Validator

from govrules import check, schemas
from govrules.events import Event
from govrules.loaders import load_org, load_rules
from govrules.model import Organisation, RuleSet
from govrules.testing import organisations, rule_sets

DUMPER: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
RULES_SCHEMA = Draft202012Validator(schemas.generate("rules"))
ORG_SCHEMA = Draft202012Validator(schemas.generate("org"))


def _dump(model: RuleSet | Organisation) -> dict[str, Any]:
    data: dict[str, Any] = model.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    return data


def _schema_errors(validator: Draft202012Validator, data: dict[str, Any]) -> list[str]:
    return [f"/{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(data)]


@given(rule_sets())
def test_rule_set_round_trips_through_yaml_and_json_and_matches_the_schema(rule_set: RuleSet) -> None:
    """A generated rule set, dumped to YAML or JSON, loads back equal; its dump validates against the schema."""
    data = _dump(rule_set)
    # allow_unicode=False: with it, PyYAML's emitter writes NEL and U+2028/2029 unescaped
    # inside quotes, where every YAML reader (PyYAML's too) folds them into a space.
    from_yaml = load_rules(yaml.dump(data, Dumper=DUMPER, allow_unicode=False, sort_keys=False).encode(), file="x.yaml")
    from_json = load_rules(json.dumps(data, ensure_ascii=False).encode(), file="x.json")
    from_ascii_json = load_rules(json.dumps(data).encode(), file="x.json")
    assert from_yaml == rule_set
    assert from_json == rule_set
    assert from_ascii_json == rule_set
    assert _schema_errors(RULES_SCHEMA, data) == []
    assert _schema_errors(RULES_SCHEMA, _dump(from_yaml)) == []


@given(organisations())
def test_organisation_round_trips_through_yaml_and_json_and_matches_the_schema(org: Organisation) -> None:
    """A generated organisation, dumped to YAML or JSON, loads back equal; its dump validates against the schema."""
    data = _dump(org)
    assert load_org(yaml.dump(data, Dumper=DUMPER, allow_unicode=False).encode(), file="o.yaml") == org
    assert load_org(json.dumps(data).encode(), file="o.json") == org
    assert _schema_errors(ORG_SCHEMA, data) == []


def test_equality_ignores_the_source_map_but_not_the_fields() -> None:
    """A loaded rule set equals the one built in code; a changed field makes them differ."""
    text = b"id: r\ntitle: R\ntimezone: UTC\nrules: [{id: a, kind: informative, clause: D5}]\n"
    loaded = load_rules(text, file="r.yaml")
    built = RuleSet.model_validate(yaml.safe_load(text))
    assert loaded == built
    assert loaded != built.model_copy(update={"timezone": "Asia/Shanghai"})


ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted(ROOT.glob("examples/*/rules.yaml"))
DUMPS = ((False, False), (False, True), (True, False), (True, True))  # (by_alias, exclude_defaults)


def _round_trips(rule_set: RuleSet) -> list[RuleSet]:
    """The rule set through each of a plain dump and one without defaults, with and without
    aliases: as JSON into the loader, and as Python data into the model."""
    back = []
    for by_alias, exclude_defaults in DUMPS:
        data = rule_set.model_dump(mode="json", by_alias=by_alias, exclude_defaults=exclude_defaults)
        back.append(load_rules(json.dumps(data).encode(), file="x.json"))
        back.append(RuleSet.model_validate(rule_set.model_dump(by_alias=by_alias, exclude_defaults=exclude_defaults)))
    return back


@given(rule_sets())
def test_rule_set_round_trips_through_a_plain_dump(rule_set: RuleSet) -> None:
    """A generated rule set dumped as `model_dump` dumps it by default (defaults written, field
    names), or without its defaults, loads back equal."""
    assert _round_trips(rule_set) == [rule_set] * (2 * len(DUMPS))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.parent.name)
def test_example_rule_sets_round_trip_through_a_plain_dump(path: Path) -> None:
    """Each bundled rule set, dumped plainly or without its defaults, loads back equal."""
    rule_set = load_rules(path)
    assert _round_trips(rule_set) == [rule_set] * (2 * len(DUMPS))


def test_an_unless_same_given_empty_and_one_not_given_each_round_trip() -> None:
    """A triggered rule's ``unless`` with ``same: []`` (anyone's event discharges) and one without
    ``same`` (the trigger's actor's own) keep their meaning through every dump; a recurring
    rule's ``unless``, which has no ``same``, loads back from a plain dump."""
    base = {"id": "fine", "kind": "triggered", "clause": "A1", "trigger": {"action": "fine"}}
    steps = [{"action": "notify", "within": "90 days"}]
    rules = load_rules(
        json.dumps(
            {
                "id": "r",
                "title": "R",
                "timezone": "UTC",
                "rules": [
                    {**base, "steps": steps, "unless": {"action": "payment", "same": []}},
                    {**base, "id": "fine-own", "steps": steps, "unless": {"action": "payment"}},
                    {
                        "id": "monthly",
                        "kind": "recurring",
                        "clause": "A2",
                        "who": {"role": "branch"},
                        "action": "report",
                        "every": "month",
                        "unless": {"action": "closed"},
                    },
                ],
            }
        ).encode(),
        file="r.json",
    )
    org = Organisation.model_validate(
        {"id": "o", "actors": [{"id": "b1", "roles": ["branch"]}, {"id": "b2", "roles": ["branch"]}]}
    )
    at = datetime(2024, 1, 10, tzinfo=UTC)
    log = [Event("f1", at, "b1", "fine"), Event("p1", at + timedelta(days=1), "b2", "payment")]

    def statuses(rule_set: RuleSet) -> list[tuple[str, str]]:
        report = check(rule_set, org, log, start=date(2024, 1, 1), end=date(2024, 2, 1))
        return [(o.rule, o.status) for o in report.outcomes if o.rule.startswith("fine")]

    assert statuses(rules) == [("fine", "discharged"), ("fine-own", "pending")]
    assert [r.model_dump()["unless"]["same"] for r in rules.rules] == [[], None, None]
    for back in _round_trips(rules):
        assert back == rules
        assert statuses(back) == [("fine", "discharged"), ("fine-own", "pending")]
