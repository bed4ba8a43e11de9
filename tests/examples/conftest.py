"""The `cli` fixture for the end-to-end example tests: run the CLI from the repository root, as the READMEs do."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from govrules.cli import run

ROOT = Path(__file__).resolve().parents[2]

Key = tuple[str, str | None, str | None, str | None]


class Cli:
    """Runs ``govrules`` in-process and reads its JSON reports."""

    def __call__(self, *argv: str) -> tuple[int, str, str]:
        """(exit code, stdout, stderr) of one run."""
        out, err = io.StringIO(), io.StringIO()
        code = run(list(argv), out, err)
        return code, out.getvalue(), err.getvalue()

    def report(self, *argv: str) -> tuple[int, dict[str, Any]]:
        """(exit code, parsed JSON report) of a ``check`` run; stderr must be empty and every record accounted for."""
        code, out, err = self(*argv, "--format", "json")
        assert err == ""
        report: dict[str, Any] = json.loads(out)
        records = report["records"]
        assert records["read"] == records["used"] + records["unused"] + records["rejected"]
        return code, report

    @staticmethod
    def keys(report: dict[str, Any], *severities: str) -> set[Key]:
        """(code, rule, actor, period) of every finding with one of ``severities`` (all when none given)."""
        return {
            (f["code"], f["rule"], f["actor"], f["period"])
            for f in report["findings"]
            if not severities or f["severity"] in severities
        }

    @staticmethod
    def one(
        report: dict[str, Any], code: str, rule: str | None, actor: str | None, period: str | None
    ) -> dict[str, Any]:
        """The single finding with this code, rule, actor and period."""
        found = [
            f
            for f in report["findings"]
            if (f["code"], f["rule"], f["actor"], f["period"]) == (code, rule, actor, period)
        ]
        assert len(found) == 1, (code, rule, actor, period, found)
        return found[0]


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch) -> Cli:
    """A `Cli` whose working directory is the repository root.

    The example READMEs give their commands relative to the repository root, and reports name
    the log files as given, so the golden files hold those relative paths.
    """
    monkeypatch.chdir(ROOT)
    return Cli()
