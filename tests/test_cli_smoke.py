"""The bundled example runs end to end through the CLI."""

from __future__ import annotations

import io
import json
from pathlib import Path

from govrules.cli import run

ROOT = Path(__file__).resolve().parents[1]
EX = ROOT / "examples" / "school-ideology"
ARGS = [
    "check",
    str(EX / "rules.yaml"),
    "--org",
    str(EX / "org.yaml"),
    "--events",
    str(EX / "events-2024.csv"),
    "--map-file",
    str(EX / "office-export.map.yaml"),
    "--from",
    "2024-01-01",
    "--to",
    "2024-12-31",
]


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def test_example_audit_finds_the_planted_gaps() -> None:
    """The example log's gaps come out as structured findings with evidence, and exit code 1.

    The exact findings are pinned by the example's own golden tests (tests/examples/).
    """
    code, out, err = _run(*ARGS, "--format", "json")
    assert (code, err) == (1, "")
    report = json.loads(out)
    violations = [f for f in report["findings"] if f["severity"] == "violation"]
    assert violations
    assert all(f["rule"] and f["clause"] and f["actor"] and f["period"] for f in violations)
    assert {f["code"] for f in violations} >= {"missing", "wrong-recipient"}
    records = report["records"]
    assert records["read"] == records["used"] + records["unused"] + records["rejected"]
    assert records["read"] > 0


def test_fail_on_never_exits_zero() -> None:
    """--fail-on never reports but exits 0."""
    code, out, _ = _run(*ARGS, "--fail-on", "never")
    assert code == 0
    assert "missing" in out


def test_validate_and_schema() -> None:
    """validate accepts the example files; schema prints JSON."""
    code, out, err = _run("validate", str(EX / "rules.yaml"), str(EX / "org.yaml"))
    assert (code, err) == (0, "")
    assert "ok (rule set school-ideology" in out
    code, out, _ = _run("schema", "rules")
    assert code == 0
    assert json.loads(out)["$id"].endswith("rules.schema.json")


def test_bad_map_files_are_exit_2_naming_the_file(tmp_path: Path) -> None:
    """A map file with an unknown key or an unknown event field is bad input (exit 2), not a crash."""
    for text, pointer in (("fields: {tyme: 时间}\n", "/fields"), ("columns: {}\n", "/columns")):
        bad = tmp_path / "bad.map.yaml"
        bad.write_text(text, "utf-8")
        argv = [*ARGS]
        argv[argv.index("--map-file") + 1] = str(bad)
        code, out, err = _run(*argv)
        assert (code, out) == (2, "")
        assert err.startswith(f"error: {bad}") and pointer in err and "Traceback" not in err
