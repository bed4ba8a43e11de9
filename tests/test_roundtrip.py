"""The model, the published schema and the loader agree on every generated rule set and organisation."""

from __future__ import annotations

import json
from typing import Any

import yaml
from hypothesis import given
from jsonschema import Draft202012Validator

from govrules import schemas
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
