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
