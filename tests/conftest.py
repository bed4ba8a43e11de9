"""Shared fixtures and the hypothesis profiles (HYPOTHESIS_PROFILE=ci in CI)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("dev", max_examples=50, deadline=None)
# CI explores a fixed set of 200 examples per test (derandomised: a run of main passes or fails
# the same way every time); the dev profile keeps drawing new ones, which is where new failing
# examples are found, then kept as explicit tests
settings.register_profile(
    "ci",
    max_examples=200,
    deadline=None,
    print_blob=True,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"


@pytest.fixture
def root() -> Path:
    return ROOT


def check_golden(path: Path, actual: str) -> None:
    """Compare ``actual`` with the golden file byte for byte.

    Set GOVRULES_UPDATE_GOLDEN=1 to (re)write golden files after an intended change, then
    review the diff before committing.
    """
    if os.environ.get("GOVRULES_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(actual.encode("utf-8"))
        return
    assert path.exists(), f"missing golden file {path}; run with GOVRULES_UPDATE_GOLDEN=1 to create it"
    expected = path.read_bytes().decode("utf-8")
    assert actual == expected, f"output differs from golden file {path}"


@pytest.fixture
def golden() -> Callable[[Path, str], None]:
    """The golden-file comparer (see `check_golden`)."""
    return check_golden
