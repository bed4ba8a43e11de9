"""The text renderer: grouped by actor, then rule and period; catalogue wording; colour on request."""

from __future__ import annotations

import dataclasses
import io
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from govrules.findings import EvidenceLocation, Report
from govrules.messages import LANGUAGES, catalogue, fill, message
from govrules.renderers import RenderContext, _common, render
from govrules.renderers import text as text_renderer

GOLDEN = Path(__file__).resolve().parent / "golden"

ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_golden(
    case: str,
    log: str,
    lang: str,
    cli: Callable[..., tuple[int, str, str]],
    args: Callable[..., list[str]],
    golden: Callable[[Path, str], None],
) -> None:
    """The CLI's text report of each example log equals its golden file, in both languages."""
    code, out, err = cli(*args(log, "--lang", lang))
    assert err == ""
    assert code == (1 if case == "gaps" else 0)
    golden(GOLDEN / f"{case}.{lang}.txt", out)


def test_every_finding_is_one_line_under_its_actor_and_rule(
    example: Callable[..., tuple[Report, RenderContext]],
) -> None:
    """Each finding's message is on exactly one line, after its actor's and its rule's headings."""
    report, context = example("gaps")
    lines = render(report, "text", context).splitlines()
    for f in report.findings:
        hits = [i for i, line in enumerate(lines) if f.message in line]
        assert len(hits) == 1, f.message
        above = lines[: hits[0]]
        if f.rule is not None and f.actor:
            actor_heading = max(i for i, line in enumerate(above) if not line.startswith(" ") and line)
            assert f.actor in lines[actor_heading]
            rule_heading = max(
                i for i, line in enumerate(above) if line.startswith("  ") and not line.startswith("    ")
            )
            assert f"rule {f.rule}," in lines[rule_heading]
        else:
            records = [i for i, line in enumerate(above) if line == "Input records"]
            assert records, f.message


def test_actor_groups_use_display_names_and_are_sorted_by_id(
    example: Callable[..., tuple[Report, RenderContext]],
) -> None:
    """Actor headings carry the organisation's name and id; record-level findings come last."""
    report, context = example("gaps")
    out = render(report, "text", context)
    headings = [line for line in out.splitlines() if line and not line.startswith(" ")]
    actor_lines = [h for h in headings if re.fullmatch(r".+ \([a-z0-9-]+\)", h)]
    ids = [re.search(r"\(([a-z0-9-]+)\)$", h).group(1) for h in actor_lines]  # type: ignore[union-attr]
    assert ids == sorted(ids)
    assert "Branch 3 (branch-3)" in actor_lines
    if any(f.rule is None for f in report.findings):
        assert headings.index("Input records") > headings.index(actor_lines[-1])


def test_summary_counts_add_up(example: Callable[..., tuple[Report, RenderContext]]) -> None:
    """The summary's categories add up to the obligations held, and the periods not held (which
    owe nothing) are said beside them, so that with them the line accounts for every outcome."""
    report, context = example("gaps")
    out = render(report, "text", context)
    line = next(line for line in out.splitlines() if line.startswith("Obligations:"))
    held, _, rest = line.partition("; not held, not counted ")
    numbers = [int(n) for n in re.findall(r"\d+", held)]
    assert numbers[0] == report.summary.obligations == sum(numbers[1:])
    not_held = sum(o.status == "not-held" for o in report.outcomes)
    assert not_held > 0 and rest.startswith(f"{not_held} (not active for the whole period)")
    assert numbers[0] + not_held == len(report.outcomes)


def test_chinese_report_reads_as_chinese(example: Callable[..., tuple[Report, RenderContext]]) -> None:
    """--lang zh: period labels as 2024年11月, Chinese headings and names."""
    report, context = example("gaps", "zh")
    out = render(report, "text", context)
    assert out.startswith("合规审计报告:")
    assert "第三支部(branch-3)" in out
    assert "2024年12月  违规·缺失:" in out
    assert "应尽义务" in out
    assert "Obligations" not in out and "violation" not in out


def test_colour_only_when_asked(example: Callable[..., tuple[Report, RenderContext]]) -> None:
    """ANSI codes appear only with colour=True, and removing them gives the plain report."""
    report, context = example("gaps")
    plain = render(report, "text", context)
    coloured = render(report, "text", dataclasses.replace(context, colour=True))
    assert not ANSI.search(plain)
    assert "\x1b[31m" in coloured
    assert ANSI.sub("", coloured) == plain


def test_no_finding_says_so(example: Callable[..., tuple[Report, RenderContext]]) -> None:
    """A report without findings says there is nothing to act on."""
    report, context = example("gaps")
    clean = report.model_copy(update={"findings": ()})
    assert "No finding:" in render(clean, "text", context)


def _keys(node: object, prefix: str = "") -> set[str]:
    if isinstance(node, dict):
        return set().union(*(_keys(v, f"{prefix}/{k}") for k, v in node.items())) | {prefix}
    return {prefix}


def _fields(node: object) -> set[tuple[str, str]]:
    if isinstance(node, dict):
        return set().union(*(_fields(v) for v in node.values()))
    if isinstance(node, list):
        return set().union(*(_fields(v) for v in node))
    return {("", f) for f in re.findall(r"\{(\w+)\}", str(node))}


@pytest.mark.parametrize("colour", [False, True])
def test_names_and_log_values_over_lines_forge_no_line(
    tmp_path: Path, colour: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rule set title, a rule title and an organisation name written over lines, an actor name
    holding U+2028, and log values holding U+2028, U+2029, U+0085 (which break lines too), C1
    controls and DEL: each stays on its own line, the controls named, and the report has the
    lines of the same report with plain names. Before, each forged a "Findings: ..." line of
    its own, and U+009B reached the terminal as a command."""
    import io

    from govrules import cli
    from govrules.cli import run

    monkeypatch.setattr(cli, "_isatty", lambda stream: colour)  # coloured as on a terminal
    monkeypatch.delenv("NO_COLOR", raising=False)
    forged = "Findings: violations 0, warnings 0, notes 0"
    (tmp_path / "rules.yaml").write_text(
        f'id: t\ntitle: "Rules\\n{forged}"\ntimezone: Asia/Shanghai\nrules:\n'
        f'  - {{id: m, kind: recurring, clause: C1, title: "monthly\\n{forged}", who: {{role: branch}}, '
        "action: report, every: month}\n",
        encoding="utf-8",
    )
    (tmp_path / "org.yaml").write_text(
        f'id: o\nname: "Org\\n{forged}"\nactors:\n  - {{id: b1, name: "Branch\\u2028one", roles: [branch]}}\n',
        encoding="utf-8",
    )
    records = [
        {"id": "e1", "time": "2024-01-10T10:00:00+08:00", "actor": "b1", "action": "report"},
        {"id": "e2", "time": "2024-01-11T10:00:00+08:00", "actor": f"ghost\u2028{forged}\u009b2J", "action": "report"},
        {"id": "e3\u2029Records: fine", "time": "2024-01-12T10:00:00+08:00", "actor": "b1", "action": "x\u007f\u0085y"},
    ]
    (tmp_path / "log.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    argv = ["check", str(tmp_path / "rules.yaml"), "--org", str(tmp_path / "org.yaml"), "--events"]
    argv += [str(tmp_path / "log.jsonl"), "--from", "2024-01-01", "--to", "2024-02-29", "--fail-on", "never"]
    out = io.StringIO()
    assert run(argv, out, io.StringIO()) == 0
    assert ("\x1b[1m" in out.getvalue()) is colour
    lines = out.getvalue().splitlines()
    assert [line for line in lines if forged in line and not line.startswith("Findings")] != []
    assert [line for line in lines if line.startswith("Findings")] == ["Findings: violations 1, warnings 1, notes 0"]
    assert len(lines) == 15
    # an unused record's id holding U+2029 is named on the line that names the unused records
    assert [line for line in lines if line.startswith("Unused records: ")] == [
        "Unused records: e2 at log.jsonl:2, e3 Records: fine at log.jsonl:3"
    ]
    assert not [c for c in out.getvalue() if c != "\x1b" and ((ord(c) < 0x20 and c != "\n") or 0x7F <= ord(c) < 0xA0)]
    assert "[U+009B]2J" in out.getvalue() and "x[U+007F] y" in out.getvalue()
    assert "Org Findings: violations 0" in lines[1] and "Branch one" in out.getvalue()


def test_text_for_a_terminal_keeps_its_lines_and_names_what_it_must() -> None:
    """What the command and the pytest plugin print: its own lines kept, a line break inside a
    line a space, control and reordering characters named."""
    from govrules.renderers._common import for_a_terminal

    assert for_a_terminal("a\u2028b\x9bc\n\u202ed\tz") == "a b[U+009B]c\n[U+202E]d z"


def test_catalogues_have_the_same_keys_and_placeholders() -> None:
    """Every catalogue has the keys and placeholders of en.json (a third language is a new file),
    but for ``schema``: the words of jsonschema's keywords, which English leaves to jsonschema
    (``{}``) and another language gives for the keywords it says (each one a keyword)."""
    en = catalogue("en")
    assert en["schema"] == {}
    keywords = set(Draft202012Validator.VALIDATORS) | {"types"}
    for lang in LANGUAGES:
        other = catalogue(lang)
        assert set(other["schema"]) <= keywords, lang
        assert _keys({**other, "schema": {}}) == _keys(en), lang
        for key in en["report"]:
            assert _fields(other["report"][key]) == _fields(en["report"][key]), (lang, key)
        for code in en["codes"]:
            assert _fields(other["codes"][code]) <= _fields(en["codes"][code]) | {("", "to")}, (lang, code)


@pytest.mark.parametrize(("count", "words"), [(1, "1 event names"), (0, "0 events name"), (2, "2 events name")])
def test_a_count_picks_its_plural_form(count: int, words: str) -> None:
    """``{n:one|other}`` says a count in its number's form; Chinese, which has none, says the count."""
    assert message("unknown-actor", "en", count=count, actor="a").startswith(words + " actor a,")
    assert message("excess", "en", actor="a", rule="r", observed=count, period="p", max=0) == (
        f"a did r {count} {'time' if count == 1 else 'times'} for p; at most 0 allowed"
    )
    assert message("unknown-actor", "zh", count=count, actor="a").startswith(f"{count} 条记录")
    assert fill("{n:day|days} {n:05}, {x}", {"n": 1, "x": True}) == "day 00001, True"  # a bool is no count
    assert fill("{n} {missing}", {"n": 1}) == "1 ?"


def test_all_wording_comes_from_the_catalogue(
    example: Callable[..., tuple[Report, RenderContext]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a catalogue whose phrases are all marked, no unmarked heading text is left."""
    report, context = example("gaps")
    marked = json.loads(json.dumps(catalogue("en")["report"]), object_hook=lambda d: d)

    def mark(node: object) -> object:
        if isinstance(node, dict):
            return {k: mark(v) for k, v in node.items()}
        return f"«{node}»"

    monkeypatch.setattr(_common, "words", lambda lang: mark(marked))
    out = text_renderer.render(report, context)
    for line in out.splitlines():
        if line.strip():
            assert "«" in line or line in report.notes, line


def test_evidence_is_cited_with_where_it_was_read_once(example: Callable[..., tuple[Report, RenderContext]]) -> None:
    """An event is cited as ``id at file:line``; a record without an id, whose id is already its
    file and line (``log.xes:12``, as XES events are named), is cited by that id alone."""
    report, context = example("gaps")
    report = report.model_copy(
        update={
            "evidence_locations": {
                "log.xes:12": EvidenceLocation(file="/audit/log.xes", line=12),
                "ev-1": EvidenceLocation(file="/audit/log.csv", line=3),
            }
        }
    )
    cited = _common.evidence_text(report, context, ["log.xes:12", "ev-1", "ev-2"])
    assert cited.split(", ") == ["log.xes:12", _common.say(report.lang, "at", id="ev-1", where="log.csv:3"), "ev-2"]


def test_a_name_cannot_reorder_or_forge_the_report(tmp_path: Path) -> None:
    """An organisation name written over lines is shown on one (it forged a summary line); a
    character that reorders text (U+202E, right-to-left override) in a name or an event's actor
    is named, [U+202E], in every format people read, and kept as data in the JSON report."""
    from govrules.cli import run

    (tmp_path / "rules.yaml").write_text(
        "id: t\ntitle: T\ntimezone: UTC\nrules:\n"
        "  - {id: monthly, kind: recurring, clause: C1, who: {role: unit}, action: report, every: month}\n",
        encoding="utf-8",
    )
    (tmp_path / "org.yaml").write_text(
        'id: o\nactors:\n  - {id: u1, roles: [unit], name: "Unit One\\nObligations: 999"}\n'
        '  - {id: u2, roles: [unit], name: "Unit \\u202eTwo"}\n'
        '  - {id: u3, roles: [unit], name: "Dr.\\u00a0Unit"}\n',
        encoding="utf-8",
    )
    (tmp_path / "events.csv").write_text(
        "id,time,actor,action\ne1,2024-01-10T10:00:00Z,evil\u202e eud,report\n", encoding="utf-8"
    )
    argv = [
        "check",
        str(tmp_path / "rules.yaml"),
        "--org",
        str(tmp_path / "org.yaml"),
        "--events",
        str(tmp_path / "events.csv"),
    ]
    argv += ["--from", "2024-01-01", "--to", "2024-01-31", "--fail-on", "never"]
    outputs = {}
    for fmt in ("text", "markdown", "html", "junit", "sarif", "json"):
        out = io.StringIO()
        assert run([*argv, "--format", fmt], out, io.StringIO()) == 0
        outputs[fmt] = out.getvalue()
    text_lines = outputs["text"].splitlines()
    assert not any(line.startswith("Obligations: 999") for line in text_lines)
    assert "Unit One Obligations: 999 (u1)" in text_lines
    assert "Dr.\u00a0Unit (u3)" in text_lines  # a no-break space is no line break: kept
    for fmt in ("text", "markdown", "html", "junit", "sarif"):
        named = r"\[U+202E\]" if fmt == "markdown" else "[U+202E]"  # escaped: "[...](url)" is a link
        assert "\u202e" not in outputs[fmt] and named in outputs[fmt], fmt
    for fmt in ("table", "ics"):  # the calendar of obligations is read by people too
        out = io.StringIO()
        obligations = ["obligations", str(tmp_path / "rules.yaml"), "--org", str(tmp_path / "org.yaml")]
        assert (
            run([*obligations, "--from", "2024-01-01", "--to", "2024-01-31", "--format", fmt], out, io.StringIO()) == 0
        )
        assert "\u202e" not in out.getvalue() and "[U+202E]" in out.getvalue(), fmt
    assert "evil\\u202e eud" in outputs["json"] or "evil\u202e eud" in outputs["json"]


def test_an_actor_holding_a_reordering_character_and_one_holding_its_name_stay_two(tmp_path: Path) -> None:
    """Unknown actors come from the log as written: one holding U+202E and one holding the text
    "[U+202E]" are two in SARIF (summary keys, fingerprints, properties keep the data, the texts
    name the character) and two JUnit test cases, as in the JSON report. Before, the naming ran
    over the finished SARIF and JUnit, so the two became one key written twice, one fingerprint,
    and one test case name twice."""
    import json
    import xml.etree.ElementTree as ET

    from govrules.cli import run

    (tmp_path / "rules.yaml").write_text(
        "id: t\ntitle: T\ntimezone: UTC\nrules:\n"
        "  - {id: monthly, kind: recurring, clause: C1, who: {role: unit}, action: report, every: month}\n",
        encoding="utf-8",
    )
    (tmp_path / "org.yaml").write_text("id: o\nactors:\n  - {id: u1, roles: [unit]}\n", encoding="utf-8")
    (tmp_path / "events.csv").write_text(
        "id,time,actor,action\ne1,2024-01-10T10:00:00Z,u1,report\n"
        "e2,2024-01-11T10:00:00Z,x\u202ey,report\ne3,2024-01-12T10:00:00Z,x[U+202E]y,report\n",
        encoding="utf-8",
    )
    argv = ["check", str(tmp_path / "rules.yaml"), "--org", str(tmp_path / "org.yaml")]
    argv += ["--events", str(tmp_path / "events.csv"), "--from", "2024-01-01", "--to", "2024-01-31"]
    outputs = {}
    for fmt in ("sarif", "junit", "json"):
        out = io.StringIO()
        assert run([*argv, "--format", fmt, "--fail-on", "never"], out, io.StringIO()) == 0
        outputs[fmt] = out.getvalue()
    actors = {"x\u202ey", "x[U+202E]y"}
    report = json.loads(outputs["json"])
    assert {f["actor"] for f in report["findings"] if f["code"] == "unknown-actor"} == actors
    assert "\u202e" not in outputs["sarif"]  # written as a JSON escape
    sarif = json.loads(outputs["sarif"])
    results = [r for r in sarif["runs"][0]["results"] if r["ruleId"] == "govrules/unknown-actor"]
    assert {r["properties"]["actor"] for r in results} == actors
    assert len({r["partialFingerprints"]["govrulesObligation/v1"] for r in results}) == 2
    assert actors <= set(sarif["runs"][0]["properties"]["summary"]["by_actor"])
    assert all("\u202e" not in r["message"]["text"] for r in results)
    names = [c.get("name", "") for c in ET.fromstring(outputs["junit"]).iter("testcase")]
    unknown = [n for n in names if n.startswith("unknown-actor/")]
    assert sorted(unknown) == ["unknown-actor/x[U+202E]y", "unknown-actor/x[U+202E]y#2"]


def test_a_step_owed_by_a_relations_members_is_headed_in_words(tmp_path: Path) -> None:
    """A step owed by several members of a relation (the faculty's dean, which changes between
    the trigger and the due moment) is the outcome of actor ``relation:deans:faculty``: the text
    report heads it "the members of relation deans of Faculty (relation:deans:faculty)", as one
    owed by a role's holder is headed "the holder of role vp (role:vp)", and the HTML and Markdown
    reports name it so in their rows; in Chinese "学院的 deans 关系成员", the relation's id said
    once, as an id, as a role's is ("vp 角色担任者"). JUnit and SARIF keep the id, as they do every
    actor's."""
    from govrules.cli import run

    (tmp_path / "rules.yaml").write_text(
        "id: t\ntitle: T\ntimezone: UTC\nrules:\n"
        "  - id: incident\n    kind: triggered\n    clause: F2\n"
        "    trigger: {action: incident, by: {role: faculty}}\n"
        "    steps: [{action: review, by: {trigger: actor, relation: deans}, within: 5 days}]\n"
        "  - id: vp-review\n    kind: triggered\n    clause: F3\n    trigger: {action: incident}\n"
        "    steps: [{action: vp-review, by: {role: vp}, within: 5 days}]\n",
        encoding="utf-8",
    )
    (tmp_path / "org.yaml").write_text(
        "id: o\nactors:\n"
        "  - {id: faculty, name: {en: Faculty, zh: 学院}, roles: [faculty],\n"
        "     relations: {deans: [{actor: dean-a, to: 2024-06-30}, {actor: dean-b, from: 2024-07-01}]}}\n"
        "  - {id: dean-a, name: {en: Dean A, zh: 甲院长}}\n"
        "  - {id: dean-b, name: {en: Dean B, zh: 乙院长}}\n"
        "  - {id: vp, roles: [vp]}\n",
        encoding="utf-8",
    )
    (tmp_path / "events.csv").write_text(
        "id,time,actor,action\ni1,2024-06-28T10:00:00Z,faculty,incident\n", encoding="utf-8"
    )
    argv = ["check", str(tmp_path / "rules.yaml"), "--org", str(tmp_path / "org.yaml")]
    argv += ["--events", str(tmp_path / "events.csv"), "--from", "2024-06-01", "--to", "2024-07-31"]
    outputs = {}
    for lang in ("en", "zh"):
        for fmt in ("text", "markdown", "html", "junit", "sarif", "json"):
            out = io.StringIO()
            assert run([*argv, "--format", fmt, "--lang", lang, "--fail-on", "never"], out, io.StringIO()) == 0
            outputs[fmt, lang] = out.getvalue()
    findings = json.loads(outputs["json", "en"])["findings"]
    assert sorted((f["rule"], f["actor"], f["code"]) for f in findings) == [
        ("incident", "relation:deans:faculty", "unanswered"),
        ("vp-review", "role:vp", "unanswered"),
    ]
    text = outputs["text", "en"].splitlines()
    assert "the members of relation deans of Faculty (relation:deans:faculty)" in text
    assert "the holder of role vp (role:vp)" in text
    assert "学院的 deans 关系成员(relation:deans:faculty)" in outputs["text", "zh"].splitlines()
    assert "| the members of relation deans of Faculty |" in outputs["markdown", "en"]
    assert "| 学院的 deans 关系成员 |" in outputs["markdown", "zh"]
    html = outputs["html", "en"]
    assert '<th class="row" scope="row">the members of relation deans of Faculty</th>' in html
    assert '<option value="relation:deans:faculty">the members of relation deans of Faculty</option>' in html
    assert "<td>the members of relation deans of Faculty</td>" in html
    assert '<th class="row" scope="row">学院的 deans 关系成员</th>' in outputs["html", "zh"]
    for fmt in ("text", "markdown"):
        assert not any(
            line.startswith("relation:") or "| relation:" in line for line in outputs[fmt, "en"].splitlines()
        ), fmt
    for fmt in ("junit", "sarif"):  # read by programs: the stable id, as for every actor
        assert "incident/relation:deans:faculty/i1/step-1" in outputs[fmt, "en"], fmt
