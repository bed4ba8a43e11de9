"""The Markdown renderer: a summary table, then findings grouped by rule with the clause words."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

from govrules.findings import Finding, FindingCode, RecordCounts, Report, summarise
from govrules.renderers import RenderContext, render

GOLDEN = Path(__file__).resolve().parent / "golden"


def test_golden(
    case: str,
    log: str,
    cli: Callable[..., tuple[int, str, str]],
    args: Callable[..., list[str]],
    golden: Callable[[Path, str], None],
) -> None:
    """The CLI's Markdown report of each example log equals its golden file."""
    code, out, err = cli(*args(log, "--format", "markdown"))
    assert err == ""
    assert code == (1 if case == "gaps" else 0)
    golden(GOLDEN / f"{case}.md", out)


def _table(lines: list[str], start: int) -> list[list[str]]:
    rows = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        rows.append([c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]])
    return rows


def test_summary_table_counts_every_obligation(example: Callable[..., tuple[Report, RenderContext]]) -> None:
    """One summary row per rule with outcomes; the total row equals the report's obligations."""
    report, context = example("gaps")
    lines = render(report, "markdown", context).splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("| Rule |"))
    rows = _table(lines, start)
    header, body, total = rows[0], rows[2:-1], rows[-1]
    assert header[:3] == ["Rule", "Clause", "Obligations"]
    rules = [re.search(r"\(`(.+)`\)", r[0]).group(1) for r in body]  # type: ignore[union-attr]
    assert rules == sorted({o.rule for o in report.outcomes})
    assert int(total[2]) == report.summary.obligations
    for row in body:
        assert int(row[2]) == sum(int(n) for n in row[3:-1])  # held = all categories but "not held"


def test_findings_are_grouped_by_rule_with_clause_and_words(
    example: Callable[..., tuple[Report, RenderContext]],
) -> None:
    """Each rule with findings has a section naming its clause, quoting its words, listing each finding."""
    report, context = example("gaps")
    out = render(report, "markdown", context)
    for rule in {f.rule for f in report.findings if f.rule}:
        info = context.rules[rule]
        heading = next(line for line in out.splitlines() if line.startswith("### ") and f"`{rule}`" in line)
        assert f"Clause {info['clause']}" in heading
        section = out.split(heading, 1)[1].split("\n### ", 1)[0]
        assert f"> {info['words']}" in section
        rows = [line for line in section.splitlines() if line.startswith("| ") and "Severity" not in line]
        assert len(rows) == sum(1 for f in report.findings if f.rule == rule)


def test_text_cannot_break_the_markup() -> None:
    """Pipes, stars, backticks and angle brackets in messages are escaped; newlines are folded;
    and so are what GitLab and GitHub make of tildes (strikethrough), entities, mentions and web
    addresses (links)."""
    tz = timezone(timedelta(hours=8))
    f = Finding(
        code=FindingCode.MISSING,
        severity="violation",
        rule="r",
        actor="a|b",
        period="2024-11",
        message="a | b *c* `d` <script>\nnext ~~gone~~ &lt; @everyone https://x.example/p",
    )
    report = Report(
        rule_set="rs",
        organisation="org",
        range_from="2024-01-01",
        range_to="2024-12-31",
        as_of=datetime(2024, 12, 31, tzinfo=tz),
        timezone="Asia/Shanghai",
        summary=summarise(1, [f], []),
        findings=(f,),
        outcomes=(),
        records=RecordCounts(),
    )
    out = render(report, "markdown", RenderContext(rules={"r": {"title": "T|x", "clause": "C", "words": "w*"}}))
    row = next(line for line in out.splitlines() if "next" in line)
    assert r"a \| b \*c\* \`d\` \<script\> next \~\~gone\~\~ \&lt; \@everyone https:\/\/x.example/p" in row
    assert len(re.split(r"(?<!\\)\|", row)) == 8
    assert r"> w\*" in out
