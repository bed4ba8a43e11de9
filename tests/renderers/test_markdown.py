"""The Markdown renderer: a summary table, then findings grouped by rule with the clause words."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from govrules.cli import run
from govrules.findings import Finding, FindingCode, RecordCounts, Report, summarise
from govrules.renderers import RenderContext, render
from govrules.renderers.markdown import _block

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
    assert r"a \| b \*c\* \`d\` \<script\> next \~\~gone\~\~ \&lt; \@<!-- -->everyone https:\/\/x.example/p" in row
    assert len(re.split(r"(?<!\\)\|", row)) == 8
    assert r"> w\*" in out


MD_RULES = """\
id: md
title: Markdown check
timezone: UTC
rules:
  - id: notify
    kind: recurring
    clause: Art. 33(1)
    words: "1. In the case of a personal data breach, the controller shall notify the supervisory authority."
    who: {role: controller}
    action: notify
    every: month
"""
MD_ORG = """\
id: acme
name: "1. Acme"
actors:
  - {id: c1, name: "see www.example.com or ops@example.com", roles: [controller]}
"""
_LIST_ITEM = re.compile(r"(\d{1,9}[.)]|[-+*])(\s|$)")
_WWW_LINK = re.compile(r"(?i)(?:^|[\s*_~(])www\.")  # GFM's extended www autolink, in the text as written
_EMAIL_LINK = re.compile(r"[\w.+-]@[\w-]")  # its e-mail autolink, in the text as read (escapes resolved)


def _markdown_report(tmp_path: Path) -> str:
    (tmp_path / "rules.yaml").write_text(MD_RULES, encoding="utf-8")
    (tmp_path / "org.yaml").write_text(MD_ORG, encoding="utf-8")
    (tmp_path / "events.csv").write_text("id,time,actor,action\ne1,2024-01-10T10:00:00Z,c1,notify\n", encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    argv = ["check", str(tmp_path / "rules.yaml"), "--org", str(tmp_path / "org.yaml"), "--events"]
    argv += [str(tmp_path / "events.csv"), "--from", "2024-01-01", "--to", "2024-02-29", "--format", "markdown"]
    assert run([*argv, "--fail-on", "never", "--quiet"], out, err) == 0
    assert err.getvalue() == ""
    return out.getvalue()


def test_report_text_starting_a_block_is_no_list_and_no_address_a_link(tmp_path: Path) -> None:
    """An organisation named ``1. Acme`` (the scope line) and clause words starting ``1. In the
    case`` (the quote) start no list: their marker is escaped; ``www.example.com`` and
    ``ops@example.com`` are no GFM autolinks: the dot after ``www`` is escaped, and the address
    parted by a comment after its at sign. Before, each became markup under GFM."""
    out = _markdown_report(tmp_path)
    lines = out.splitlines()
    blocks = [line.removeprefix("> ") for line in lines if line and not line.startswith(("|", "#"))]
    assert [line for line in blocks if _LIST_ITEM.match(line)] == []
    assert _WWW_LINK.findall(out) == []
    assert _EMAIL_LINK.findall(out.replace("\\", "")) == []
    assert lines[2].startswith(r"1\. Acme, 2024-01-01 to 2024-02-29")
    assert any(line.startswith(r"> 1\. In the case of a personal data breach") for line in lines)
    (row,) = [re.split(r"(?<!\\)\|", line)[1:-1] for line in lines if "missed notify" in line]
    assert row[1].strip() == r"see www\.example.com or ops\@<!-- -->example.com"


@pytest.mark.parametrize(
    ("text", "block"),
    [
        ("1. Acme", r"1\. Acme"),
        ("2024) done", r"2024\) done"),
        ("- a", r"\- a"),
        ("+ a", r"\+ a"),
        ("---", r"\---"),
        ("=== a", r"\=== a"),
        ("* a", r"\* a"),
        ("# a", r"\# a"),
        ("> a", r"\> a"),
        ("```", r"\`\`\`"),
        ("Art. 1. a", "Art. 1. a"),
    ],
)
def test_a_leading_block_marker_is_escaped(text: str, block: str) -> None:
    """Text that starts a block keeps its leading list, heading, quote, break or fence marker as
    text (escaped); a marker further on is left as is."""
    assert _block(text) == block


def test_gfm_renders_report_text_as_text(tmp_path: Path) -> None:
    """cmark-gfm, GitHub's own renderer, makes no list and no link of the report's text."""
    import cmarkgfm  # type: ignore[import-untyped]

    unsafe = cmarkgfm.cmark.Options.CMARK_OPT_UNSAFE  # raw HTML kept, as GitHub has it before sanitising
    page = cmarkgfm.github_flavored_markdown_to_html(_markdown_report(tmp_path), options=unsafe)
    assert "<ol" not in page and "<ul" not in page and "<a " not in page
    assert "<p>1. Acme, 2024-01-01" in page
    assert "ops@example.com" in page.replace("<!-- -->", "")
