"""A pytest plugin that collects ``*.scenario.yaml`` files and runs each as a test.

Registered through the ``pytest11`` entry point, so installing govrules is enough:
``pytest path/to/scenarios`` runs every scenario and shows, on failure, the expected findings
that were not found and the findings that were not expected.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from govrules.errors import GovrulesError, LoadError
from govrules.scenarios import load_scenario, run_scenario

__all__ = ["ScenarioFailure", "ScenarioFile", "ScenarioItem"]


class ScenarioFailure(Exception):
    """A scenario whose findings differ from the expected ones."""


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.Collector | None:
    if file_path.name.endswith(".scenario.yaml"):
        collector: pytest.Collector = ScenarioFile.from_parent(parent, path=file_path)
        return collector
    return None


class ScenarioFile(pytest.File):
    """One scenario file: one test."""

    def collect(self) -> Any:
        yield ScenarioItem.from_parent(self, name=self.path.name.removesuffix(".scenario.yaml"))


class ScenarioItem(pytest.Item):
    """Runs one scenario."""

    def runtest(self) -> None:
        try:
            result = run_scenario(load_scenario(self.path))
        except LoadError as exc:  # the scenario, or a log it names, cannot be read
            raise ScenarioFailure("\n".join(str(p) for p in exc.problems)) from None
        except GovrulesError as exc:  # the check refused what the scenario asks
            raise ScenarioFailure(f"{self.path}: {exc}") from None
        if not result.passed:
            raise ScenarioFailure(result.diff())

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, ScenarioFailure):  # what the log says, shown as the command shows it
            from govrules.renderers._common import for_a_terminal

            return for_a_terminal(str(excinfo.value))
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"scenario: {self.name}"
