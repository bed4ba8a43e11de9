"""Every example README's check command gives its golden reports, byte for byte."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from .conftest import Cli

ROOT = Path(__file__).resolve().parents[2]

# (command name in COMMANDS, golden folder and file stem, exit code)
CASES = [
    ("access-review", "access-review/golden/report", 1),
    ("breach-notification", "breach-notification/golden/report", 1),
    ("road-fines", "road-fines/golden/report", 1),
    ("sec-filings", "sec-filings/golden/report", 1),
    ("school-ideology/events-2024", "school-ideology/golden/events-2024", 1),
    ("school-ideology/events-2024-compliant", "school-ideology/golden/events-2024-compliant", 0),
]


@pytest.mark.parametrize(("command", "stem", "exit_code"), CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize(
    ("fmt", "lang", "suffix"), [("text", "en", "en.txt"), ("text", "zh", "zh.txt"), ("json", "en", "json")]
)
def test_golden_reports(
    cli: Cli,
    golden: Callable[[Path, str], None],
    command: str,
    stem: str,
    exit_code: int,
    fmt: str,
    lang: str,
    suffix: str,
) -> None:
    code, out, err = cli(*cli.commands[command], "--format", fmt, "--lang", lang)
    assert (code, err) == (exit_code, "")
    golden(ROOT / "examples" / f"{stem}.{suffix}", out)


@pytest.mark.parametrize("example", sorted(p.parent.name for p in (ROOT / "examples").glob("*/rules.yaml")))
def test_every_declared_clause_of_an_example_is_accounted_for(cli: Cli, example: str) -> None:
    """`govrules coverage` of each example finds no clause missing: each declared clause is encoded
    by a rule (its own clause, or its extension's) or judged not checkable by an informative rule."""
    code, out, err = cli("coverage", f"examples/{example}/rules.yaml", "--format", "json")
    assert (code, err) == (0, "")
    rows = json.loads(out)["clauses"]
    assert rows
    assert [r["clause"] for r in rows if r["status"] not in ("encoded", "informative") or not r["rules"]] == []
