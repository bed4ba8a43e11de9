"""The public namespace is short, sorted, and leaks nothing private."""

from __future__ import annotations

from collections.abc import Callable

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


def _raises(function: object) -> str:
    """The Raises section of a function's docstring."""
    doc = getattr(function, "__doc__", None) or ""
    return doc.split("Raises:", 1)[1] if "Raises:" in doc else ""


def test_a_calendar_without_data_for_the_range_raises_what_the_docstrings_say() -> None:
    """A workday deadline in a year the business-day calendar has no data for raises
    CalendarError from `check`, `obligations` (while iterating) and `iter_findings`, and each
    one's Raises section says so; before, none did."""
    from datetime import date

    import pytest

    rules = govrules.RuleSet.model_validate(
        {
            "id": "r",
            "title": "R",
            "timezone": "Asia/Shanghai",
            "calendar": "CN",
            "rules": [
                {
                    "id": "m",
                    "kind": "recurring",
                    "clause": "c",
                    "who": "b1",
                    "action": "report",
                    "every": "month",
                    "due_after": "5 workdays",
                }
            ],
        }
    )
    org = govrules.Organisation.model_validate({"id": "o", "actors": [{"id": "b1"}]})
    start, end = date(2090, 1, 1), date(2090, 3, 1)
    calls: dict[object, Callable[[], object]] = {
        govrules.check: lambda: govrules.check(rules, org, [], start=start, end=end),
        govrules.obligations: lambda: list(govrules.obligations(rules, org, start, end)),
        govrules.iter_findings: lambda: list(govrules.iter_findings(rules, org, [], start=start, end=end)),
    }
    for function, call in calls.items():
        with pytest.raises(govrules.CalendarError, match="no holiday data for 2090"):
            call()
        assert "CalendarError" in _raises(function), function


def test_iter_findings_says_which_arguments_of_check_it_takes() -> None:
    """`iter_findings` takes the arguments of `check` but one, ``with_locations``, which its
    docstring names; it said "same arguments as check"."""
    import inspect

    ours = inspect.signature(govrules.iter_findings).parameters
    checks = inspect.signature(govrules.check).parameters
    assert [name for name in ours if name not in checks] == []
    missing = [name for name in checks if name not in ours]
    assert missing == ["with_locations"]
    doc = govrules.iter_findings.__doc__ or ""
    assert all(f"``{name}``" in doc for name in missing)
    for error in ("InvalidArgument", "RuleSetError", "OrganisationError", "CalendarError"):
        assert error in _raises(govrules.iter_findings), error
