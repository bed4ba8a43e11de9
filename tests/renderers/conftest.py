"""Fixtures for the renderer tests: the bundled example's reports, produced as the CLI produces them.

The CLI runs from the repository root with paths relative to it, so that the reports (and so
the golden files) hold those relative paths. Regenerate every golden file of these tests with
``GOVRULES_UPDATE_GOLDEN=1 python -m pytest tests/renderers`` and review the diff.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from govrules.cli import _audit, _parser, run
from govrules.findings import Report
from govrules.renderers import RenderContext

ROOT = Path(__file__).resolve().parents[2]
EX = "examples/school-ideology"
GOLDEN = Path(__file__).resolve().parent / "golden"
SCHEMAS = Path(__file__).resolve().parent / "schemas"
CASES = {"gaps": f"{EX}/events-2024.csv", "compliant": f"{EX}/events-2024-compliant.csv"}


def check_args(log: str, *extra: str) -> list[str]:
    """The bundled example's audit command for ``log`` (paths relative to the repository root)."""
    return [
        "check",
        f"{EX}/rules.yaml",
        "--org",
        f"{EX}/org.yaml",
        "--events",
        log,
        "--map-file",
        f"{EX}/office-export.map.yaml",
        "--from",
        "2024-01-01",
        "--to",
        "2024-12-31",
        *extra,
    ]


def run_cli(*argv: str) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of one in-process run."""
    out, err = io.StringIO(), io.StringIO()
    code = run(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def at_root(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Run from the repository root (the example's paths are relative to it)."""
    monkeypatch.chdir(ROOT)
    yield ROOT


@pytest.fixture(params=sorted(CASES))
def case(request: pytest.FixtureRequest, at_root: Path) -> str:
    """A bundled example log: ``gaps`` (planted gaps) or ``compliant``."""
    name: str = request.param
    if not (ROOT / CASES[name]).exists():
        pytest.skip(f"{CASES[name]} is not in this checkout")
    return name


def example_report(case: str, lang: str = "en") -> tuple[Report, RenderContext]:
    """The report and render context of the bundled example, built exactly as ``govrules check`` builds them."""
    args = _parser().parse_args(check_args(CASES[case], "--lang", lang))
    return _audit(args, io.StringIO())


@pytest.fixture
def log(case: str) -> str:
    """The path of the ``case`` log, relative to the repository root."""
    return CASES[case]


@pytest.fixture
def cli(at_root: Path) -> Callable[..., tuple[int, str, str]]:
    """Run ``govrules`` in-process from the repository root: ``cli(*argv) -> (code, stdout, stderr)``."""
    return run_cli


@pytest.fixture
def args() -> Callable[..., list[str]]:
    """``args(log, *extra)``: the bundled example's audit command line."""
    return check_args


@pytest.fixture
def example(at_root: Path) -> Callable[..., tuple[Report, RenderContext]]:
    """``example(case, lang="en")``: the (report, render context) the CLI would render."""
    return example_report
