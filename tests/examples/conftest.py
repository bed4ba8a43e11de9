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


def _check(example: str, log: str, *mapping: str, start: str, end: str, as_of: str) -> list[str]:
    """The ``govrules check`` command line of an example README."""
    ex = f"examples/{example}"
    return [
        "check",
        f"{ex}/rules.yaml",
        "--org",
        f"{ex}/org.yaml",
        "--events",
        f"{ex}/{log}",
        *(part.format(ex=ex) for part in mapping),
        "--from",
        start,
        "--to",
        end,
        "--as-of",
        as_of,
    ]


def school_ideology(log: str) -> list[str]:
    """The school-ideology README's command for one of its logs."""
    return _check(
        "school-ideology",
        log,
        "--map-file",
        "{ex}/office-export.map.yaml",
        start="2024-01-01",
        end="2024-12-31",
        as_of="2025-01-31T23:59:59+08:00",
    )


_BREACH_REGISTER_COLUMNS = [
    "id=event_id",
    "time=timestamp",
    "actor=entity",
    "action=event_type",
    "recipient=addressee",
    "subject=case_no",
]

COMMANDS: dict[str, list[str]] = {
    "access-review": _check(
        "access-review",
        "access-reviews.export",
        "--map-file",
        "{ex}/iam-export.map.yaml",
        start="2025-01-01",
        end="2026-03-31",
        as_of="2026-04-30T23:59:59-04:00",
    ),
    "breach-notification": _check(
        "breach-notification",
        "breach-register.jsonl",
        *(part for item in _BREACH_REGISTER_COLUMNS for part in ("--map", item)),
        start="2025-01-01",
        end="2025-06-30",
        as_of="2025-06-30T23:59:59+02:00",
    ),
    "road-fines": _check(
        "road-fines",
        "roadtraffic100traces.xes",
        "--map",
        "actor=org:resource|'police'",
        start="2000-01-01",
        end="2013-04-24",
        as_of="2013-04-24T23:59:59+02:00",
    ),
    "sec-filings": _check(
        "sec-filings",
        "filings.csv",
        "--map-file",
        "{ex}/edgar-export.map.yaml",
        start="2023-01-01",
        end="2025-06-30",
        as_of="2025-08-31T23:59:59-04:00",
    ),
    "school-ideology/events-2024": school_ideology("events-2024.csv"),
    "school-ideology/events-2024-compliant": school_ideology("events-2024-compliant.csv"),
}
"""The check command of each example README (and each log of school-ideology), by name."""


class Cli:
    """Runs ``govrules`` in-process and reads its JSON reports."""

    commands = COMMANDS

    def __call__(self, *argv: str) -> tuple[int, str, str]:
        """(exit code, stdout, stderr) of one run."""
        out, err = io.StringIO(), io.StringIO()
        code = run(list(argv), out, err)
        return code, out.getvalue(), err.getvalue()

    def check(self, name: str) -> tuple[int, dict[str, Any]]:
        """(exit code, parsed JSON report) of the README command ``name`` (see `COMMANDS`)."""
        return self.report(*COMMANDS[name])

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
        found: list[dict[str, Any]] = [
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
