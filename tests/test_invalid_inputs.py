"""Every invalid fixture under tests/data/invalid/ gives exactly the problems its .expected.json lists.

A fixture is a rule set or organisation file ``<case>.<ext>`` beside ``<case>.expected.json``::

    {"kind": "rules" | "org",
     "org": "../valid/org.yaml",          # optional: cross-check the rule set against it
     "problems": [{"code": ..., "line": ..., "column": ..., "pointer": ...,
                   "message_mentions": ["what was expected", ...]}]}

``column`` is left out where it is not stable (YAML syntax errors come from the YAML library).
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from govrules.cli import run
from govrules.errors import LoadError, OrganisationError, Problem, RuleSetError
from govrules.loaders import cross_check, load_org, load_rules

INVALID = Path(__file__).resolve().parent / "data" / "invalid"
CASES = sorted(p for p in INVALID.iterdir() if p.name.endswith(".expected.json"))


def _fixture(expected: Path) -> Path:
    stem = expected.name.removesuffix(".expected.json")
    (found,) = [p for p in INVALID.iterdir() if p.stem == stem and not p.name.endswith(".expected.json")]
    return found


def _spec(expected: Path) -> dict[str, Any]:
    spec: dict[str, Any] = json.loads(expected.read_text("utf-8"))
    return spec


def _problems(path: Path, spec: dict[str, Any]) -> list[Problem]:
    """The problems the library reports for one fixture (loading, then the cross-check if any)."""
    error: type[LoadError] = OrganisationError if spec["kind"] == "org" else RuleSetError
    with pytest.raises(error) as info:
        if spec["kind"] == "org":
            load_org(str(path))
        else:
            rules = load_rules(str(path))
            if "org" not in spec:
                pytest.fail(f"{path.name} loaded without a problem")
            problems = cross_check(rules, load_org(str(INVALID / spec["org"])))
            raise RuleSetError(problems)
    return list(info.value.problems)


def _structured(problem: Problem, with_column: bool) -> dict[str, Any]:
    entry: dict[str, Any] = {"code": problem.code, "line": problem.line}
    if with_column:
        entry["column"] = problem.column
    entry["pointer"] = problem.pointer
    return entry


def test_every_fixture_has_its_expectations() -> None:
    """At least 24 fixtures, and each data file under invalid/ has a .expected.json beside it."""
    data_files = {p.stem for p in INVALID.iterdir() if not p.name.endswith(".expected.json")}
    assert len(CASES) >= 24
    assert data_files == {c.name.removesuffix(".expected.json") for c in CASES}


@pytest.mark.parametrize("expected", CASES, ids=lambda p: p.name.removesuffix(".expected.json"))
def test_problems_are_exactly_the_expected_ones(expected: Path) -> None:
    """Structured fields first (code, line, column, pointer), then each message names what was expected."""
    spec = _spec(expected)
    path = _fixture(expected)
    problems = _problems(path, spec)
    wanted = spec["problems"]
    actual = [_structured(p, "column" in w) for p, w in zip(problems, wanted, strict=False)]
    assert len(problems) == len(wanted), [str(p) for p in problems]
    assert actual == [{k: v for k, v in w.items() if k != "message_mentions"} for w in wanted]
    for problem, want in zip(problems, wanted, strict=True):
        assert problem.file == str(path)
        assert problem.message.strip()
        for fragment in want["message_mentions"]:
            assert fragment in problem.message, (fragment, problem.message)
        assert f"[{problem.code}]" in str(problem)


@pytest.mark.parametrize("expected", CASES, ids=lambda p: p.name.removesuffix(".expected.json"))
def test_cli_validate_exits_2_and_lists_every_problem(expected: Path) -> None:
    """`govrules validate` exits 2, prints each problem as file:line..., and never a traceback."""
    spec = _spec(expected)
    path = _fixture(expected)
    problems = _problems(path, spec)
    argv = ["validate", str(path)]
    if "org" in spec:
        argv.append(str(INVALID / spec["org"]))
    out, err = io.StringIO(), io.StringIO()
    code = run(argv, out, err)
    assert code == 2
    assert "Traceback" not in err.getvalue()
    lines = err.getvalue().splitlines()
    assert lines == [f"error: {p}" for p in problems]
    for line, problem in zip(lines, problems, strict=True):
        assert line.startswith(f"error: {problem.file}:{problem.line}")


def test_python_dash_m_validate_prints_no_traceback() -> None:
    """`python -m govrules validate` on a broken file: exit 2, problems on stderr, no traceback."""
    path = INVALID / "binary-garbage.yaml"
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    result = subprocess.run(
        [sys.executable, "-m", "govrules", "validate", str(path), str(INVALID / "misspelt-kind.yaml")],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert f"error: {path}:3: binary" not in result.stderr  # pointer-less problems print no pointer field
    assert f"error: {path}:3: expected YAML or JSON text" in result.stderr
    assert "misspelt-kind.yaml:7:5: /rules/0/kind" in result.stderr
