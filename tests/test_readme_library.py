"""The README's library example runs as written, from the repository root, and says what the command says."""

from __future__ import annotations

import contextlib
import io
import json
import re
from pathlib import Path

import pytest

from govrules.cli import run

ROOT = Path(__file__).resolve().parents[1]


def test_the_library_example_runs_and_agrees_with_the_command(monkeypatch: pytest.MonkeyPatch) -> None:
    """The code block under "As a library" runs; its report has the records, obligations and
    findings of `govrules check` with the same inputs, and its text rendering names Branch 3's
    missed November report as the Quick start's does and is the command's text report, the file
    and line of each cited event included."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## As a library", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S)
    assert code is not None
    monkeypatch.chdir(ROOT)
    printed = io.StringIO()
    namespace: dict[str, object] = {}
    with contextlib.redirect_stdout(printed):
        exec(compile(code[1], "README.md", "exec"), namespace)
    report = namespace["report"]
    out, err = io.StringIO(), io.StringIO()
    ex = "examples/school-ideology"
    args = [
        "check",
        f"{ex}/rules.yaml",
        "--org",
        f"{ex}/org.yaml",
        "--events",
        f"{ex}/events-2024.csv",
        "--map-file",
        f"{ex}/office-export.map.yaml",
        "--from",
        "2024-01-01",
        "--to",
        "2024-12-31",
        "--format",
        "json",
        "--fail-on",
        "never",
    ]
    exit_code = run(args, out, err)
    assert (exit_code, err.getvalue()) == (0, "")
    cli = json.loads(out.getvalue())
    assert (report.records.read, report.summary.obligations, len(report.findings)) == (  # type: ignore[attr-defined]
        cli["records"]["read"],
        cli["summary"]["obligations"],
        len(cli["findings"]),
    )
    text = printed.getvalue()
    assert "Branch 3 missed monthly ideology report to Central school general party branch for November 2024" in text
    # the text report it prints, evidence locations and all, is the command's
    out = io.StringIO()
    assert run([*args[:-4], "--fail-on", "never"], out, io.StringIO()) == 0
    assert "OA24-0109 at events-2024.csv:110" in out.getvalue()
    assert text.endswith(out.getvalue() + "\n")


def test_a_render_context_in_a_language_without_a_catalogue_is_refused() -> None:
    """`RenderContext.of` refuses a language it has no words in as the check does (InvalidArgument,
    a GovrulesError), whatever the organisation holds."""
    import govrules
    from govrules.renderers import RenderContext

    rules = govrules.load_rules(ROOT / "examples/school-ideology/rules.yaml")
    org = govrules.load_org(ROOT / "examples/school-ideology/org.yaml")
    with pytest.raises(govrules.InvalidArgument, match="unknown language 'fr'; expected one of en, zh"):
        RenderContext.of(rules, org, lang="fr")
    assert RenderContext.of(rules, org, lang="zh").actor_names["branch-3"] == "第三支部"
