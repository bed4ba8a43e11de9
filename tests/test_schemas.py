"""The published schemas match the models, validate against the metaschema, and accept the examples."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from govrules import schemas
from govrules.loaders import parse_document

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("name", schemas.SCHEMA_NAMES)
def test_committed_schema_matches_model(name: str) -> None:
    """schemas/ and the packaged copy equal what the models generate (regenerate: python -m govrules.schemas)."""
    expected = schemas.render(name)
    assert (ROOT / "schemas" / f"{name}.schema.json").read_text("utf-8") == expected
    assert (ROOT / "src" / "govrules" / "_schemas" / f"{name}.schema.json").read_text("utf-8") == expected


@pytest.mark.parametrize("name", schemas.SCHEMA_NAMES)
def test_schema_is_valid_2020_12(name: str) -> None:
    """Each schema is itself a valid JSON Schema 2020-12 document."""
    Draft202012Validator.check_schema(json.loads(schemas.render(name)))


def _example_documents() -> list[tuple[str, Path]]:
    found = []
    for path in sorted((ROOT / "examples").rglob("*")):
        if path.suffix not in (".yaml", ".yml", ".json") or path.name.endswith(".map.yaml"):
            continue
        if "golden" in path.parts or path.name.endswith((".scenario.yaml",)):
            continue
        data, _, problems = parse_document(path.read_bytes(), str(path))
        assert not problems, problems
        kind = "org" if isinstance(data, dict) and "actors" in data else "rules"
        found.append((kind, path))
    return found


@pytest.mark.parametrize(("kind", "path"), _example_documents(), ids=lambda v: str(v).rsplit("examples/", 1)[-1])
def test_examples_validate_against_schema(kind: str, path: Path) -> None:
    """Every rule set and organisation under examples/ validates against its published schema."""
    data, _, _ = parse_document(path.read_bytes(), str(path))
    validator = Draft202012Validator(json.loads(schemas.render(kind)))
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(data)]
    assert errors == []


def test_an_adjusted_calendar_validates_against_the_schema_as_the_docs_write_it() -> None:
    """docs/calendar.md writes a listed day alone (``2024-10-12``, ``05-05``) or as ``{date,
    name}``: the published schema accepts both, as loading does, and refuses a day of neither
    form, so that an editor underlines only what loading refuses."""
    validator = Draft202012Validator(
        json.loads(schemas.render("rules")), format_checker=Draft202012Validator.FORMAT_CHECKER
    )
    calendar: dict[str, Any] = {
        "country": "NL",
        "holidays": [{"date": "05-05", "name": "Bevrijdingsdag"}, "12-24"],
        "not_holidays": [{"name": "Good Friday"}],
        "workdays": ["2024-10-12"],
    }
    rules = {
        "id": "atw",
        "title": "Algemene termijnenwet",
        "timezone": "Europe/Amsterdam",
        "calendar": calendar,
        "rules": [],
    }
    assert [list(e.absolute_path) for e in validator.iter_errors(rules)] == []
    calendar["workdays"] = ["12 October"]
    error = best_match(validator.iter_errors(rules))
    assert error is not None and list(error.absolute_path) == ["calendar", "workdays", 0]
