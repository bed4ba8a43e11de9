"""The public namespace is short, sorted, and leaks nothing private."""

from __future__ import annotations

import govrules


def test_all_is_sorted_and_complete() -> None:
    """__all__ is sorted and names exactly the public attributes that are not modules."""
    assert govrules.__all__ == sorted(govrules.__all__)
    public = {
        name
        for name, value in vars(govrules).items()
        if not name.startswith("_") and not isinstance(value, type(govrules))
    }
    assert set(govrules.__all__) == public


def test_nothing_from_private_modules() -> None:
    """No public name is defined in a private (underscore) module."""
    for name in govrules.__all__:
        module = getattr(getattr(govrules, name), "__module__", "govrules")
        assert not any(part.startswith("_") for part in module.split(".")), (name, module)


def test_bad_arguments_are_invalid_arguments_and_records_made_in_python_are_named() -> None:
    """trust.md promises `InvalidArgument` for an unknown option: `exit_code("error")` gave a
    KeyError, and a map item naming no field a bare ValueError. A duplicate of an event made in
    Python (no file, no line) was said to come "first at None:None"."""
    from datetime import UTC, date, datetime

    import pytest

    rules = govrules.RuleSet.model_validate(
        {
            "id": "r",
            "title": "R",
            "timezone": "UTC",
            "rules": [
                {"id": "m", "kind": "recurring", "clause": "c", "who": "b1", "action": "report", "every": "month"}
            ],
        }
    )
    org = govrules.Organisation.model_validate({"id": "o", "actors": [{"id": "b1"}]})
    twice = [
        govrules.Event(id="e1", time=datetime(2024, 1, d, tzinfo=UTC), actor="b1", action="report") for d in (10, 11)
    ]
    report = govrules.check(rules, org, twice, start=date(2024, 1, 1), end=date(2024, 2, 1))
    [duplicate] = [f for f in report.findings if f.code.value == "rejected-event"]
    assert (duplicate.evidence, duplicate.message) == (
        ("e1",),
        "record <events> could not be read: duplicate event id 'e1' (first given before it)",
    )
    assert [report.exit_code(level) for level in ("violation", "warning", "never")] == [0, 1, 0]
    with pytest.raises(govrules.InvalidArgument, match="got 'error'"):
        report.exit_code("error")  # type: ignore[arg-type]
    with pytest.raises(govrules.InvalidArgument, match="unknown event field 'bogus'"):
        govrules.FieldMap.parse(["bogus=x"])
