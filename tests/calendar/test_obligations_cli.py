"""`govrules obligations`: the compliance calendar as a table, CSV, JSON and an iCalendar file."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar

from govrules.cli import run

RULES = """\
id: district
title: {en: District ideology work, zh: 学区意识形态工作}
timezone: Asia/Shanghai
calendar: CN
rules:
  - id: monthly-report
    kind: recurring
    clause: D1.4.2
    words: 各支部每月向中心学校党总支专题报告一次意识形态工作,分别在每月底前落实
    title: {en: monthly ideology report, zh: 意识形态工作月度报告}
    who: {role: branch}
    action: ideology-report
    to: central-party-branch
    every: month
  - id: routine-analysis
    kind: recurring
    clause: D1.5.2
    words: 常规性研判每半年组织一次,原则上安排在每年的6月中旬和12月中旬进行
    title: {en: routine analysis, zh: 常规性研判}
    who: party-office
    action: analysis
    every: half-year
    window: {month: last, days: 11-20, strictness: in-principle}
  - id: school-briefing
    kind: recurring
    clause: D1.5.5
    title: {en: briefing at each school, zh: 在各校通报}
    who: {role: branch, relation: schools}
    action: briefing
    to: {counterpart: true}
    every: year
"""

ORG = """\
id: district
name: {en: Example district, zh: 示例学区}
timezone: Asia/Shanghai
actors:
  - {id: central-party-branch, name: {en: Central party branch, zh: 中心学校党总支}}
  - {id: party-office, name: {en: Party office, zh: 中心学校党办}}
  - id: branch-1
    name: {en: Branch 1, zh: 第一支部}
    roles: [branch]
    relations: {schools: [school-1, school-2]}
  - id: branch-4
    name: {en: Branch 4, zh: 第四支部}
    roles: [branch]
    relations: {schools: [school-7]}
    active: {from: 2024-07-01}
  - {id: school-1, name: {en: School 1, zh: 第一小学}}
  - {id: school-2, name: {en: School 2, zh: 第二小学}}
  - {id: school-7, name: {en: School 7, zh: 第七小学}, active: {from: 2024-07-01}}
"""

STAMP = datetime(2025, 1, 1, tzinfo=UTC)
"""The moment a calendar rendered by the library here is made."""

# 2 branches x 12 months + 2 half-years + 3 (branch, school) pairs x 1 year
EXPECTED_COUNT = 24 + 2 + 3


@pytest.fixture
def files(tmp_path: Path) -> tuple[str, str]:
    rules, org = tmp_path / "rules.yaml", tmp_path / "org.yaml"
    rules.write_text(RULES, encoding="utf-8")
    org.write_text(ORG, encoding="utf-8")
    return str(rules), str(org)


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def _obligations(files: tuple[str, str], *extra: str) -> tuple[int, str, str]:
    rules, org = files
    return _run("obligations", rules, "--org", org, "--from", "2024-01-01", "--to", "2024-12-31", *extra)


def _json(files: tuple[str, str], *extra: str) -> list[dict[str, Any]]:
    code, out, err = _obligations(files, "--format", "json", *extra)
    assert (code, err) == (0, "")
    rows: list[dict[str, Any]] = json.loads(out)
    return rows


def test_json_lists_every_obligation_with_its_moments(files: tuple[str, str]) -> None:
    """The JSON calendar: one object per obligation, sorted by rule, actor, counterpart, period;
    its moments to the microsecond, as the check's report gives them (the last on-time instant of
    November is 23:59:59.999999: to the second, an event at 23:59:59.5 looked late)."""
    rows = _json(files)
    assert len(rows) == EXPECTED_COUNT
    assert [r["rule"] for r in rows] == ["monthly-report"] * 24 + ["routine-analysis"] * 2 + ["school-briefing"] * 3
    nov = next(r for r in rows if (r["rule"], r["actor"], r["period"]) == ("monthly-report", "branch-1", "2024-11"))
    assert nov == {
        "rule": "monthly-report",
        "clause": "D1.4.2",
        "actor": "branch-1",
        "counterpart": None,
        "recipient": "central-party-branch",
        "period": "2024-11",
        "opens": "2024-11-01T00:00:00+08:00",
        "due": "2024-11-30T23:59:59.999999+08:00",
        "closes": "2024-12-31T23:59:59.999999+08:00",
        "window_opens": None,
        "window_closes": None,
        "min": 1,
        "max": None,
        "strictness": "strict",
        "severity": "violation",
        "status": "open",
        "note": None,
    }
    analyses = [
        (r["period"], r["window_opens"], r["window_closes"], r["strictness"])
        for r in rows
        if r["rule"] == "routine-analysis"
    ]
    assert analyses == [
        ("2024-H1", "2024-06-11T00:00:00+08:00", "2024-06-20T23:59:59.999999+08:00", "in-principle"),
        ("2024-H2", "2024-12-11T00:00:00+08:00", "2024-12-20T23:59:59.999999+08:00", "in-principle"),
    ]
    pairs = [
        (r["actor"], r["counterpart"], r["recipient"], r["status"]) for r in rows if r["rule"] == "school-briefing"
    ]
    assert pairs == [
        ("branch-1", "school-1", "school-1", "open"),
        ("branch-1", "school-2", "school-2", "open"),
        ("branch-4", "school-7", "school-7", "not-held"),
    ]
    branch_4 = [(r["period"], r["status"]) for r in rows if r["rule"] == "monthly-report" and r["actor"] == "branch-4"]
    assert branch_4 == [(f"2024-{m:02d}", "not-held" if m < 7 else "open") for m in range(1, 13)]


def test_as_of_makes_later_obligations_pending(files: tuple[str, str]) -> None:
    """--as-of: obligations due after the audit moment are pending."""
    rows = _json(files, "--as-of", "2024-06-30T23:59:58+08:00")
    pending = {(r["rule"], r["actor"], r["period"]) for r in rows if r["status"] == "pending"}
    assert ("monthly-report", "branch-1", "2024-06") in pending
    assert ("monthly-report", "branch-1", "2024-05") not in pending
    assert ("routine-analysis", "party-office", "2024-H1") in pending
    # June to December for branch-1, July to December for branch-4, both half-years, two pairs
    assert sum(1 for r in rows if r["status"] == "pending") == 7 + 6 + 2 + 2


def test_without_as_of_a_calendar_of_years_to_come_is_pending(files: tuple[str, str]) -> None:
    """No --as-of: the audit moment is the end of the range or now, whichever is earlier, as for
    `check`; so a calendar of a year to come lists its obligations as not yet due. Before, the
    end of the range was taken, and they were all `open` (due)."""
    rules, org = files
    code, out, err = _run(
        "obligations", rules, "--org", org, "--from", "2990-01-01", "--to", "2990-12-31", "--format", "json"
    )
    assert (code, err) == (0, "")
    statuses = {r["status"] for r in json.loads(out)}
    assert statuses == {"pending"}


@pytest.mark.parametrize(
    ("as_of", "june_due"),
    [
        ("2024-06-30T23:59:59+08:00", True),  # the whole of the second June's reports are due in
        ("2024-06-30T23:59:59.5+08:00", False),  # a fraction is taken as written
        ("2024-06-30", True),  # a day alone: the whole of it
        ("2024-06-29", False),
        ("2024-06-30T15:59:59Z", True),  # the same second in UTC
        ("2024-06-30T23:59", False),  # 23:59:00, a minute before the end of June
    ],
)
def test_an_audit_moment_is_the_end_of_the_day_or_second_it_is_written_to(
    files: tuple[str, str], as_of: str, june_due: bool
) -> None:
    """A due moment shows as 23:59:59 and is the end of that second; --as-of written to the
    second, or to the day, means the end of it, so that as of 2024-06-30T23:59:59 a report due on
    30 June is due, not 'not yet due (due 2024-06-30 23:59:59)'."""
    rows = _json(files, "--as-of", as_of)
    (june,) = [r for r in rows if (r["rule"], r["actor"], r["period"]) == ("monthly-report", "branch-1", "2024-06")]
    assert june["status"] == ("open" if june_due else "pending")


def test_csv_has_the_same_rows_as_json(files: tuple[str, str]) -> None:
    """CSV: a header and one row per obligation, empty cells for absent values."""
    code, out, err = _obligations(files, "--format", "csv")
    assert (code, err) == (0, "")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == EXPECTED_COUNT
    assert list(rows[0]) == [
        "rule",
        "clause",
        "actor",
        "counterpart",
        "recipient",
        "period",
        "opens",
        "due",
        "min",
        "max",
        "strictness",
        "severity",
        "status",
        "window_opens",
        "window_closes",
        "closes",
        "note",
    ]
    as_json = _json(files)
    for row, obj in zip(rows, as_json, strict=True):
        assert row == {k: "" if v is None else str(v) for k, v in obj.items()}


@pytest.mark.parametrize("cut", ["\r", "\n", "\r\n"])
def test_csv_quotes_every_field_holding_a_line_break(tmp_path: Path, cut: str) -> None:
    """A clause or an exemption's reason holding CR, LF or CRLF is one quoted field (RFC 4180):
    a CSV reader gets the rows JSON gives, each value whole. Records still end with LF. Before,
    a bare CR went out unquoted, and a reader ended the record there."""
    (tmp_path / "rules.yaml").write_text(
        "id: t\ntitle: T\ntimezone: UTC\nrules:\n"
        f"  - {{id: m, kind: recurring, clause: {json.dumps(f'Art.{cut}5')}, who: {{role: unit}},"
        " action: report, every: month}\n",
        encoding="utf-8",
    )
    (tmp_path / "org.yaml").write_text(
        "id: o\nactors:\n  - {id: u1, roles: [unit]}\nexemptions:\n"
        f"  - {{rule: m, actor: u1, periods: [2024-02], reason: {json.dumps(f'office closed{cut}for works')}}}\n",
        encoding="utf-8",
    )
    args = [str(tmp_path / "rules.yaml"), "--org", str(tmp_path / "org.yaml"), "--from", "2024-01-01"]
    args += ["--to", "2024-02-29"]
    code, out, err = _run("obligations", *args, "--format", "csv")
    assert (code, err) == (0, "")
    rows = list(csv.DictReader(io.StringIO(out, newline="")))
    code, as_json, err = _run("obligations", *args, "--format", "json")
    assert rows == [{k: "" if v is None else str(v) for k, v in obj.items()} for obj in json.loads(as_json)]
    assert [(row["clause"], row["note"]) for row in rows] == [
        (f"Art.{cut}5", ""),
        (f"Art.{cut}5", f"office closed{cut}for works"),
    ]
    assert out.startswith("rule,clause,") and out.split("\n", 1)[0].endswith(",note")  # LF, not CRLF
    assert out.endswith("\n") and not out.endswith("\r\n")


def test_table_shows_due_status_rule_period_who_and_window(files: tuple[str, str]) -> None:
    """The table: the columns named, one line per obligation, then the count."""
    code, out, err = _obligations(files)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert len(lines) == EXPECTED_COUNT + 2
    assert lines[0].split() == ["Due", "Status", "Rule", "Title", "Period", "Who"]
    assert lines[-1] == f"{EXPECTED_COUNT} obligations"
    nov = next(line for line in lines if "November 2024" in line and "Branch 1" in line)
    assert nov.split()[:5] == ["2024-11-30", "23:59:59", "+08:00", "open", "monthly-report"]
    h1 = next(line for line in lines if "routine-analysis" in line and "2024-06-30" in line)
    assert h1.endswith("Window 2024-06-11..2024-06-20 (in principle)")
    pair = next(line for line in lines if "school-briefing" in line and "School 7" in line)
    assert "Branch 4 / School 7" in pair and "not held" in pair


def test_the_table_names_each_rule_by_its_id_and_its_title_in_the_language_asked(tmp_path: Path) -> None:
    """The table a person reads gives each obligation's rule by its id (the csv's ``rule``, as
    `govrules check` names it) and by its title in the language asked, so that a Chinese reader
    reads what an English one does, in Chinese; a rule without a title has its id alone. So do
    the lines after the count that name the rules the table cannot list ("major issue report
    (issue)"). Before, both tables gave the id alone, which says nothing to a reader of Chinese."""
    rules, org = tmp_path / "rules.yaml", tmp_path / "org.yaml"
    added = (
        "  - {id: issue, kind: triggered, clause: T1, title: {en: major issue report, zh: 重大问题报告},\n"
        "     trigger: {action: major-issue}, steps: [{action: report, within: 1 day}]}\n"
        "  - {id: leak, kind: forbidden, clause: F1, action: leak}\n"
        "  - {id: plain, kind: recurring, clause: P1, who: party-office, action: plain, every: year}\n"
    )
    rules.write_text(RULES.replace("rules:\n", "rules:\n" + added, 1), "utf-8")
    org.write_text(ORG, "utf-8")
    tables = {}
    for lang in ("en", "zh"):
        code, out, err = _obligations((str(rules), str(org)), "--lang", lang)
        assert (code, err) == (0, ""), lang
        tables[lang] = out.splitlines()
    en, zh = tables["en"], tables["zh"]
    assert en[0].split() == ["Due", "Status", "Rule", "Title", "Period", "Who"]
    assert zh[0].split() == ["截止", "状态", "规则", "名称", "期间", "义务主体"]
    rows = {lang: [_cells(line, lines[0]) for line in lines[1:-2]] for lang, lines in tables.items()}
    # the same obligations, in the same order, with the same rule ids, each with its title
    assert [r[2] for r in rows["en"]] == [r[2] for r in rows["zh"]]
    assert len(rows["en"]) == EXPECTED_COUNT + 1
    titles = {
        "monthly-report": ("monthly ideology report", "意识形态工作月度报告"),
        "routine-analysis": ("routine analysis", "常规性研判"),
        "school-briefing": ("briefing at each school", "在各校通报"),
        "plain": ("", ""),  # no title: the id alone
    }
    assert [(r[2], r[3]) for r in rows["en"]] == [(r[2], titles[r[2]][0]) for r in rows["en"]]
    assert [(r[2], r[3]) for r in rows["zh"]] == [(r[2], titles[r[2]][1]) for r in rows["zh"]]
    assert en[-1] == (
        "rules owed only as events happen, not listed (see govrules check): major issue report (issue), leak"
    )
    assert zh[-1] == "随事项发生而产生义务的规则未列出(见 govrules check):重大问题报告(issue)、leak"


def _cells(line: str, header: str) -> list[str]:
    """The cells of a table's ``line`` under the columns its ``header`` names, as a terminal
    aligns them (a Chinese character two columns wide); the last holds the rest of the line."""
    starts, shown = [], 0
    for k, c in enumerate(header):
        if c != " " and (k == 0 or header[k - 1] == " "):
            starts.append(shown)
        shown += _columns(c)
    cells = [""] * len(starts)
    shown = 0
    for c in line:
        column = max(i for i, at in enumerate(starts) if at <= shown)
        cells[column] += c
        shown += _columns(c)
    return [cell.strip() for cell in cells]


def test_table_in_chinese_uses_chinese_names(files: tuple[str, str]) -> None:
    """--lang zh: names, periods, statuses and the total in Chinese, the columns aligned as a
    terminal shows them (a Chinese character takes two columns)."""
    code, out, _ = _obligations(files, "--lang", "zh", "--as-of", "2024-06-15")
    assert code == 0
    lines = out.splitlines()
    assert lines[-1] == f"{EXPECTED_COUNT} 项义务"
    nov = next(line for line in lines if "第一支部" in line and "2024-11-30" in line)
    assert nov.split()[3:5] == ["未到期", "monthly-report"]
    assert lines[0].split() == ["截止", "状态", "规则", "名称", "期间", "义务主体"]
    assert any(line.split()[3] == "已到期" for line in lines[1:-1])
    assert any(line.split()[3] == "不适用" for line in lines[1:-1])
    # the rule column starts in the same terminal column on every line, the header's too
    starts = {_columns(line[: line.index(rule)]) for line in lines[1:-1] for rule in [line.split()[4]]}
    assert starts == {_columns(lines[0][: lines[0].index("规则")])}


def _columns(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _events(text: str) -> list[Any]:
    calendar = Calendar.from_ical(text)
    return list(calendar.walk("VEVENT"))


def test_ics_parses_and_holds_one_event_per_obligation(files: tuple[str, str]) -> None:
    """The iCalendar file parses with icalendar and holds exactly one VEVENT per obligation, on
    the due date, with a stable unique UID and the clause in the description."""
    code, out, err = _obligations(files, "--format", "ics")
    assert (code, err) == (0, "")
    calendar = Calendar.from_ical(out)
    assert str(calendar["VERSION"]) == "2.0"
    events = _events(out)
    rows = _json(files)
    assert len(events) == len(rows) == EXPECTED_COUNT
    uids = [str(e["UID"]) for e in events]
    assert len(set(uids)) == len(uids)
    by_uid = {str(e["UID"]): e for e in events}
    for row in rows:
        uid = f"district/{row['rule']}/{row['actor']}/{row['counterpart'] or '-'}/{row['period']}@govrules"
        event = by_uid[uid]
        due_day = date.fromisoformat(row["due"][:10])
        assert event.decoded("DTSTART") == due_day
        assert (event.decoded("DTEND") - due_day).days == 1
        description = str(event["DESCRIPTION"])
        assert description.startswith(f"Clause {row['clause']}")
        assert f"Status: {row['status'].replace('-', ' ')}" in description
    nov = by_uid["district/monthly-report/branch-1/-/2024-11@govrules"]
    assert str(nov["SUMMARY"]) == "Branch 1: monthly ideology report (November 2024)"
    assert "分别在每月底前落实" in str(nov["DESCRIPTION"])
    assert "Due: 2024-11-30 23:59:59 +08:00" in str(nov["DESCRIPTION"])
    h1 = by_uid["district/routine-analysis/party-office/-/2024-H1@govrules"]
    assert "Window: 2024-06-11..2024-06-20 (in principle)" in str(h1["DESCRIPTION"])


def test_ics_is_stable_across_runs_and_in_chinese(files: tuple[str, str]) -> None:
    """The same inputs and --as-of give the same file; zh labels the description."""
    first = _obligations(files, "--format", "ics", "--as-of", "2024-12-31T23:59:59+08:00")[1]
    assert first == _obligations(files, "--format", "ics", "--as-of", "2024-12-31T23:59:59+08:00")[1]
    code, out, _ = _obligations(files, "--format", "ics", "--lang", "zh")
    assert code == 0
    events = _events(out)
    assert len(events) == EXPECTED_COUNT
    assert all(str(e["DESCRIPTION"]).startswith("条款 ") for e in events)
    # statuses and the note of a period not held in Chinese too
    assert any("状态: 不适用\n说明: 未在整个期间内存续" in str(e["DESCRIPTION"]) for e in events)
    assert not any("not-held" in str(e["DESCRIPTION"]) or "Status" in str(e["DESCRIPTION"]) for e in events)


def _stamps(text: str) -> set[datetime]:
    """The DTSTAMP of each event of an iCalendar file, which must read without an error."""
    calendar = Calendar.from_ical(text)
    assert [(c.name, c.errors) for c in calendar.walk() if c.errors] == []
    events = list(calendar.walk("VEVENT"))
    assert events
    written = [line for line in text.splitlines() if line.startswith("DTSTAMP")]
    assert len(written) == len(events)
    assert all(re.fullmatch(r"DTSTAMP:\d{8}T\d{6}Z", line) for line in written)  # at UTC, as RFC 5545 asks
    return {e.decoded("DTSTAMP") for e in events}


def test_ics_dtstamp_is_when_the_calendar_is_made_or_the_as_of_given(files: tuple[str, str]) -> None:
    """RFC 5545 (§3.8.7.2) makes DTSTAMP, in a calendar without METHOD, the moment its
    information was last revised, at UTC: every event's is the moment the command made the file,
    to the second, or the --as-of given, so that the same command with --as-of writes the same
    bytes. Before, each event was stamped with its period's opening, a moment of the obligation."""
    before = datetime.now(UTC).replace(microsecond=0)
    code, out, err = _obligations(files, "--format", "ics")
    after = datetime.now(UTC)
    assert (code, err) == (0, "")
    (made,) = _stamps(out)
    assert before <= made <= after
    assert made.utcoffset() == timedelta(0)
    argv = ("--format", "ics", "--as-of", "2024-06-30T12:00:00.250+08:00")
    first, second = _obligations(files, *argv), _obligations(files, *argv)
    assert first == second
    assert first[0] == 0
    assert _stamps(first[1]) == {datetime(2024, 6, 30, 4, tzinfo=UTC)}
    assert "DTSTAMP:20240630T040000Z" in first[1]


def test_the_ics_renderer_needs_an_aware_stamp(files: tuple[str, str]) -> None:
    """The library reads no clock: an iCalendar file is rendered with the stamp its caller gives,
    and refused without one, with a naive one, or with one that is no instant of the calendar at
    UTC (`InvalidArgument`); the other formats need none."""
    from govrules.errors import InvalidArgument
    from govrules.loaders import load_org, load_rules
    from govrules.renderers.calendar import render_obligations

    rules, org = load_rules(files[0]), load_org(files[1])
    with pytest.raises(InvalidArgument, match=r"expected an aware stamp .* got none"):
        render_obligations([], rules, org, "ics", "en")
    with pytest.raises(InvalidArgument, match="got naive 2024-01-01T00:00:00"):
        render_obligations([], rules, org, "ics", "en", stamp=datetime(2024, 1, 1))
    with pytest.raises(InvalidArgument, match="inside the calendar at UTC"):
        render_obligations([], rules, org, "ics", "en", stamp=datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=8))))
    stamp = datetime(2024, 1, 1, 8, tzinfo=timezone(timedelta(hours=8)))
    assert render_obligations([], rules, org, "ics", "en", stamp=stamp).startswith("BEGIN:VCALENDAR")


def test_ics_names_written_over_lines_or_with_separators_are_one_escaped_line(tmp_path: Path) -> None:
    """A rule-set title written as a YAML folded scalar (which ends in a line break), an
    organisation name with ';', ',' and '\\': the calendar's name and each summary are one line,
    escaped as TEXT. The line break made the command fail (exit 3), and the name went unescaped."""
    rules, org = tmp_path / "rules.yaml", tmp_path / "org.yaml"
    folded = RULES.replace(
        "title: {en: District ideology work, zh: 学区意识形态工作}",
        "title:\n  en: >\n    District ideology\n    work\n",
    ).replace(
        "title: {en: monthly ideology report, zh: 意识形态工作月度报告}",
        "title:\n      en: >\n        monthly\n        report\n",
    )
    assert folded.count(">") == 2
    rules.write_text(folded, encoding="utf-8")
    org.write_text(
        ORG.replace("name: {en: Example district, zh: 示例学区}", 'name: "North; East, West\\\\South"'), "utf-8"
    )
    code, out, err = _obligations((str(rules), str(org)), "--format", "ics")
    assert (code, err) == (0, "")
    assert "X-WR-CALNAME:District ideology work: North\\; East\\, West\\\\South\r\n" in out
    summaries = {str(e["SUMMARY"]) for e in _events(out)}
    assert "Branch 1: monthly report (November 2024)" in summaries


def test_ics_lines_naming_reordering_characters_are_folded_at_75_octets(tmp_path: Path) -> None:
    """A name holding characters that reorder text (U+202E) is shown with them named
    (``[U+202E]``), before the lines are folded: every line holds 75 octets at most (RFC 5545).
    Naming them after folding made a line of 79 octets, and of 124 with ten of them."""
    rules, org = tmp_path / "rules.yaml", tmp_path / "org.yaml"
    rules.write_text(RULES, encoding="utf-8")
    org.write_text(ORG.replace("name: {en: Branch 1, zh: 第一支部}", 'name: "' + "\\u202eA" * 10 + 'B"'), "utf-8")
    code, out, err = _obligations((str(rules), str(org)), "--format", "ics")
    assert (code, err) == (0, "")
    assert max(len(line.encode()) for line in out.split("\r\n")) <= 75
    summaries = {str(e["SUMMARY"]) for e in _events(out)}
    assert "[U+202E]A" * 10 + "B: monthly ideology report (November 2024)" in summaries
    assert "\u202e" not in out


def test_output_writes_a_file(files: tuple[str, str], tmp_path: Path) -> None:
    """--output writes the calendar to a file and nothing to stdout."""
    target = tmp_path / "calendar.ics"
    code, out, err = _obligations(files, "--format", "ics", "--output", str(target))
    assert (code, out, err) == (0, "", "")
    assert len(_events(target.read_text(encoding="utf-8"))) == EXPECTED_COUNT


@pytest.mark.parametrize(
    ("extra", "fragment"),
    [
        (["--to", "2023-12-31"], "before --from"),
        (["--from", "2024-13-01"], "--from: expected a date"),
        (["--as-of", "yesterday"], "--as-of"),
    ],
)
def test_bad_dates_exit_2_with_a_message(files: tuple[str, str], extra: list[str], fragment: str) -> None:
    """A bad range or moment is a usage error: exit 2, one line, no traceback."""
    code, out, err = _obligations(files, *extra)
    assert (code, out) == (2, "")
    assert fragment in err
    assert "Traceback" not in err


def test_an_unknown_format_is_a_usage_error(files: tuple[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    """Only table, csv, json and ics; argparse names the bad choice (on the given stream or the
    process's own stderr)."""
    code, out, err = _obligations(files, "--format", "xml")
    assert (code, out) == (2, "")
    assert "invalid choice: 'xml'" in err + capsys.readouterr().err


def test_a_window_outside_its_period_exits_2_at_its_line(files: tuple[str, str], tmp_path: Path) -> None:
    """A window with no day in some periods of its rule (December, for half-years) is bad input,
    refused when the rule set is loaded, at the window's line."""
    rules = tmp_path / "bad.yaml"
    rules.write_text(
        RULES.replace("window: {month: last, days: 11-20, strictness: in-principle}", "window: {month: 12}"),
        encoding="utf-8",
    )
    code, out, err = _run("obligations", str(rules), "--org", files[1], "--from", "2024-01-01", "--to", "2024-12-31")
    assert (code, out) == (2, "")
    assert "bad.yaml:23:5: /rules/1/window" in err and "2023-H1 has no month 12 [bad-window]" in err


_WINDOWS_LEFT_TO_THE_CHECK = """\
id: windows
title: Windows
timezone: Europe/Rome
rules:
  - id: daily-check
    kind: recurring
    clause: C1
    who: {role: unit}
    action: check
    every: {rrule: FREQ=DAILY, start: 2024-01-01}
    window: {days: 29-last}
  - id: term-report
    kind: recurring
    clause: C2
    who: {role: unit}
    action: report
    every: {calendar: term}
    window: {month: 8}
"""
_ORG_WITH_TERMS = """\
id: org
name: Org
actors:
  - {id: unit-1, roles: [unit]}
calendars:
  term:
    - {id: 2024-1, start: 2024-02-01, end: 2024-06-30}
"""


@pytest.mark.parametrize(
    ("rule", "said"),
    [
        (
            0,
            "windows.yaml:11:5: /rules/0/window expected a window with a day in every period of the rule; the window "
            "(days 29-last) has no day inside period 2024-01-01/2024-01-02 (2024-01-01 to 2024-01-01) [bad-window]",
        ),
        (
            1,
            "windows.yaml:11:5: /rules/0/window expected a window with a day in every period of the rule; period "
            "2024-1 has no month 8 [bad-window]",
        ),
    ],
    ids=["recurrence", "named-calendar"],
)
def test_a_window_the_loader_leaves_to_the_check_is_refused_at_its_line(tmp_path: Path, rule: int, said: str) -> None:
    """A window with no day in a period of a recurrence or of a named calendar, which loading does
    not try (the periods come with the recurrence or the organisation), is refused by the check as
    loading refuses one of a calendar grain: a `RuleSetError` at the window's line, exit 2 saying
    it there, for `check` and `obligations` alike. It was an `InvalidArgument` naming the rule
    only ("rule 'daily-check': the window ..."), at no file or line."""
    from govrules import check, load_org, load_rules
    from govrules.errors import RuleSetError

    kept = _WINDOWS_LEFT_TO_THE_CHECK.split("  - id: ")
    rules_file, org_file, log = tmp_path / "windows.yaml", tmp_path / "org.yaml", tmp_path / "log.csv"
    rules_file.write_text(kept[0] + "  - id: " + kept[1 + rule], encoding="utf-8")
    org_file.write_text(_ORG_WITH_TERMS, encoding="utf-8")
    log.write_text("id,time,actor,action\ne1,2024-03-05T10:00:00+01:00,unit-1,check\n", encoding="utf-8")
    assert _run("validate", str(rules_file), str(org_file))[0] == 0  # as documented: left to the check
    with pytest.raises(RuleSetError) as info:
        check(load_rules(rules_file), load_org(org_file), [], start=date(2024, 1, 1), end=date(2025, 1, 1))
    problem = info.value.problems[0]
    assert (problem.code, problem.pointer, problem.file, problem.line) == (
        "bad-window",
        "/rules/0/window",
        str(rules_file),
        11,
    )
    span = ["--from", "2024-01-01", "--to", "2024-12-31"]
    for argv in (
        ["check", str(rules_file), "--org", str(org_file), "--events", str(log), *span],
        ["obligations", str(rules_file), "--org", str(org_file), *span],
    ):
        assert _run(*argv) == (2, "", f"error: {tmp_path}/{said}\n"), argv[0]


def test_a_year_without_holiday_data_exits_2_naming_the_year(files: tuple[str, str], tmp_path: Path) -> None:
    """Rolling to a workday in a year the CN calendar does not cover is an error, not a guess."""
    rules = tmp_path / "roll.yaml"
    rules.write_text(
        RULES.replace("    every: month\n", "    every: month\n    roll: next-workday\n"), encoding="utf-8"
    )
    code, out, err = _run("obligations", str(rules), "--org", files[1], "--from", "2000-01-01", "--to", "2000-12-31")
    assert (code, out) == (2, "")
    assert "2000" in err and "'CN'" in err


def test_the_renderer_refuses_an_unknown_format(files: tuple[str, str]) -> None:
    """The library call says which formats exist instead of falling back to a table."""
    from govrules.loaders import load_org, load_rules
    from govrules.renderers.calendar import FORMATS, render_obligations

    rules, org = load_rules(files[0]), load_org(files[1])
    assert FORMATS == ("table", "csv", "json", "ics")
    with pytest.raises(ValueError, match="table, csv, json, ics"):
        render_obligations([], rules, org, "xml", "en")
    assert render_obligations([], rules, org, "table", "en") == "0 obligations\n"
    assert render_obligations([], rules, org, "json", "en") == "[]\n"
    assert len(_events(render_obligations([], rules, org, "ics", "en", stamp=STAMP))) == 0


def test_an_empty_ics_holds_the_zone_as_its_one_component(files: tuple[str, str]) -> None:
    """RFC 5545 asks a calendar for one component at least: with no obligation, the file holds
    the organisation's zone (a VTIMEZONE), and with obligations only their events. Before, an
    empty calendar had no component, which strict readers refuse."""
    from govrules.loaders import load_org, load_rules
    from govrules.renderers.calendar import render_obligations

    rules, org = load_rules(files[0]), load_org(files[1])
    empty = Calendar.from_ical(render_obligations([], rules, org, "ics", "en", stamp=STAMP))
    assert [(c.name, str(c["TZID"])) for c in empty.subcomponents] == [("VTIMEZONE", "Asia/Shanghai")]
    code, out, _ = _obligations(files, "--format", "ics")
    assert code == 0
    assert {c.name for c in Calendar.from_ical(out).subcomponents} == {"VEVENT"}


def test_the_table_names_the_rolling_intervals_it_cannot_list(tmp_path: Path) -> None:
    """A rule set with a review every six months (a rolling interval): the table lists no
    obligation for it and says so, naming the rule, instead of leaving it out unsaid."""
    rules, org = tmp_path / "rules.yaml", tmp_path / "org.yaml"
    rules.write_text(
        RULES.replace(
            "rules:\n",
            "rules:\n  - {id: review, kind: recurring, clause: R1, who: {role: branch}, action: review, max_gap: 6 months}\n",
            1,
        ),
        "utf-8",
    )
    org.write_text(ORG, "utf-8")
    code, out, err = _obligations((str(rules), str(org)))
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[-2:] == [
        f"{EXPECTED_COUNT} obligations",
        "rolling intervals, not listed as their due dates follow the events: review",
    ]
    code, out, _ = _obligations((str(rules), str(org)), "--lang", "zh")
    assert out.splitlines()[-1] == "滚动间隔规则未列出(其截止时间取决于事项):review"


def test_the_table_names_the_rules_owed_only_as_events_happen(tmp_path: Path) -> None:
    """A triggered and a forbidden rule are owed only once an event happens: the table lists no
    obligation for them and says so, naming them, where it left them out unsaid."""
    rules, org = tmp_path / "rules.yaml", tmp_path / "org.yaml"
    added = (
        "  - {id: visit, kind: triggered, clause: T1, trigger: {action: inspection}, "
        "steps: [{action: report, within: 7 days}]}\n"
        "  - {id: leak, kind: forbidden, clause: F1, action: leak}\n"
    )
    rules.write_text(RULES.replace("rules:\n", "rules:\n" + added, 1), "utf-8")
    org.write_text(ORG, "utf-8")
    code, out, err = _obligations((str(rules), str(org)))
    assert (code, err) == (0, "")
    assert out.splitlines()[-2:] == [
        f"{EXPECTED_COUNT} obligations",
        "rules owed only as events happen, not listed (see govrules check): leak, visit",
    ]
    code, out, _ = _obligations((str(rules), str(org)), "--lang", "zh")
    assert out.splitlines()[-1] == "随事项发生而产生义务的规则未列出(见 govrules check):leak、visit"


@pytest.mark.parametrize("fmt", ["table", "csv", "json", "ics"])
def test_a_deadline_past_the_end_of_the_calendar_is_listed_in_every_format(tmp_path: Path, fmt: str) -> None:
    """A yearly report due ten years after 9990 is due at the calendar's last instant: every
    format lists it (the iCalendar event has no day after it to end on, so it gives none)."""
    rules = tmp_path / "rules.yaml"
    rules.write_text(
        RULES.split("rules:")[0]
        + "rules:\n  - {id: far, kind: recurring, clause: D1.4.2, who: {role: branch}, action: a, every: year, due_after: 10 years}\n",
        encoding="utf-8",
    )
    (tmp_path / "org.yaml").write_text(ORG, encoding="utf-8")
    code, out, err = _run(
        "obligations",
        str(rules),
        "--org",
        str(tmp_path / "org.yaml"),
        "--from",
        "9990-01-01",
        "--to",
        "9990-12-31",
        "--format",
        fmt,
    )
    assert (code, err) == (0, "")
    if fmt == "ics":
        events = _events(out)
        assert events and all(e.decoded("DTSTART") == date(9999, 12, 31) and "DTEND" not in e for e in events)
    else:
        assert "9999-12-31" in out


def test_a_semester_whose_id_looks_like_a_label_is_shown_by_its_id(tmp_path: Path) -> None:
    """Semesters with the ids 2024-H2 and 2025-01: the calendar and the check's report show them
    by those ids, not as "H2 2024" and "January 2025" (the second ends in July)."""
    rules, org = tmp_path / "rules.yaml", tmp_path / "org.yaml"
    rules.write_text(
        "id: t\ntitle: t\ntimezone: Asia/Shanghai\nrules:\n"
        "  - {id: sem, kind: recurring, clause: C1, who: b1, action: a, every: {calendar: semester}}\n",
        encoding="utf-8",
    )
    org.write_text(
        "id: o\nactors:\n  - {id: b1}\ncalendars:\n  semester:\n"
        "    - {id: 2024-H2, start: 2024-09-01, end: 2025-01-17}\n"
        "    - {id: 2025-01, start: 2025-02-17, end: 2025-07-04}\n",
        encoding="utf-8",
    )
    common = ("--org", str(org), "--from", "2024-09-01", "--to", "2025-07-31", "--as-of", "2025-12-31")
    code, out, err = _run("obligations", str(rules), *common)
    assert (code, err) == (0, "")
    assert [re.split(r"\s{2,}", line)[3] for line in out.splitlines()[1:3]] == ["2024-H2", "2025-01"]
    assert "January 2025" not in out and "H2 2024" not in out
    log = tmp_path / "events.csv"
    log.write_text("id,time,actor,action\ne1,2025-06-01T10:00:00+08:00,b1,a\n", encoding="utf-8")
    code, out, err = _run("check", str(rules), *common, "--events", str(log))
    assert code == 1
    assert "2024-H2  violation · missing" in out and "for 2024-H2 (due 2025-01-17" in out
    assert "January 2025" not in out and "H2 2024" not in out


def test_ics_uids_stay_apart_when_ids_hold_a_slash(tmp_path: Path) -> None:
    """Rule r owed by actor a/b, and rule r/a owed by actor b: two events with two UIDs (the
    parts joined by "/" gave both o/r/a/b/-/2024-01, and a calendar kept one)."""
    rules, org = tmp_path / "rules.yaml", tmp_path / "org.yaml"
    rules.write_text(
        "id: t\ntitle: t\ntimezone: UTC\nrules:\n"
        "  - {id: r, kind: recurring, clause: C1, who: a/b, action: x, every: month}\n"
        "  - {id: r/a, kind: recurring, clause: C2, who: b, action: y, every: month}\n",
        encoding="utf-8",
    )
    org.write_text("id: o\nactors:\n  - {id: a/b}\n  - {id: b}\n", encoding="utf-8")
    code, out, err = _run(
        "obligations", str(rules), "--org", str(org), "--from", "2024-01-01", "--to", "2024-01-31", "--format", "ics"
    )
    assert (code, err) == (0, "")
    assert sorted(str(e["UID"]) for e in _events(out)) == [
        "o/r%2Fa/b/-/2024-01@govrules",
        "o/r/a%2Fb/-/2024-01@govrules",
    ]


def _term_report_files(tmp_path: Path, org_text: str) -> tuple[Path, Path]:
    """A rule set with one rule, ``term-report``, owed by ``party-office`` every period of the
    organisation's calendar ``terms``, and the organisation ``org_text``, written to files."""
    rules, org = tmp_path / "rules.yaml", tmp_path / "org.yaml"
    rules.write_text(
        "id: t\ntitle: T\ntimezone: Asia/Shanghai\nrules:\n"
        "  - {id: term-report, kind: recurring, clause: C, who: party-office, action: report, every: {calendar: terms}}\n",
        encoding="utf-8",
    )
    org.write_text(org_text, encoding="utf-8")
    return rules, org


def test_the_last_term_of_a_calendar_is_accepted_late_without_limit(tmp_path: Path) -> None:
    """The last term the organisation's calendar lists has no next term whose due moment would
    end its late acceptance: JSON and CSV give no `closes` (null, empty), the iCalendar
    description says "no limit"; the term before it closes at the last term's due moment."""
    rules, org = _term_report_files(
        tmp_path,
        "id: o\nactors:\n  - {id: party-office}\ncalendars:\n  terms:\n"
        "    - {id: spring, start: 2024-02-01, end: 2024-06-30}\n"
        "    - {id: autumn, start: 2024-09-01, end: 2025-01-17}\n",
    )
    files = (str(rules), str(org))
    rows = {r["period"]: r["closes"] for r in _json(files)}
    assert rows == {"spring": "2025-01-17T23:59:59.999999+08:00", "autumn": None}
    code, out, err = _obligations(files, "--format", "csv")
    assert (code, err) == (0, "")
    assert {r["period"]: r["closes"] for r in csv.DictReader(io.StringIO(out))} == {
        "spring": "2025-01-17T23:59:59.999999+08:00",
        "autumn": "",
    }
    code, out, err = _obligations(files, "--format", "ics")
    assert (code, err) == (0, "")
    closes = {
        "autumn" in d: [line for line in d.splitlines() if line.startswith("Accepted late")]
        for d in map(str, (e["DESCRIPTION"] for e in _events(out)))
    }
    assert closes == {
        True: ["Accepted late until: no limit (the calendar lists no later period)"],
        False: ["Accepted late until: 2025-01-17 23:59:59 +08:00"],
    }


def test_a_named_term_is_shown_by_its_name_in_the_table_and_the_calendar(tmp_path: Path) -> None:
    """A term of the organisation's calendar with a name is shown by it in the table and in the
    iCalendar summary (its id beside it in the description), in the language asked for; the JSON
    keeps the id."""
    rules, org = _term_report_files(
        tmp_path,
        "id: o\nactors:\n  - {id: party-office, name: {en: Party office, zh: 党办}}\ncalendars:\n  terms:\n"
        "    - {id: 2024-2025-1, start: 2024-09-01, end: 2025-01-17, name: {en: Autumn 2024, zh: 2024—2025学年第一学期}}\n",
    )
    files = (str(rules), str(org))
    assert [r["period"] for r in _json(files)] == ["2024-2025-1"]
    code, out, err = _obligations(files, "--format", "table", "--lang", "zh")
    assert (code, err) == (0, "")
    assert "2024—2025学年第一学期" in out and "2024-2025-1" not in out
    code, out, err = _obligations(files, "--format", "ics")
    [event] = _events(out)
    assert str(event["SUMMARY"]) == "Party office: term-report (Autumn 2024)"
    assert "Period: Autumn 2024 (2024-2025-1)" in str(event["DESCRIPTION"])


def _owing_nothing_argv(tmp_path: Path) -> list[str]:
    """`govrules obligations` over January and February 2025 of a monthly report owed by `a`,
    exempt for January, and by `n`, in the organisation from 15 February (so held for neither)."""
    rules, org = tmp_path / "rules.yaml", tmp_path / "org.yaml"
    rules.write_text(
        "id: r\ntitle: t\ntimezone: UTC\n"
        "rules:\n  - {id: m, kind: recurring, clause: c, title: report, who: {role: u}, action: x, every: month}\n",
        "utf-8",
    )
    org.write_text(
        "id: o\nactors:\n  - {id: a, name: A, roles: [u]}\n  - {id: n, name: N, roles: [u], active: {from: 2025-02-15}}\n"
        "exemptions:\n  - {actor: a, rule: m, periods: [2025-01], reason: closed}\n",
        "utf-8",
    )
    return ["obligations", str(rules), "--org", str(org), "--from", "2025-01-01", "--to", "2025-02-28"]


def test_ics_marks_the_summary_of_an_obligation_owing_nothing(tmp_path: Path) -> None:
    """An exempt or not-held obligation's event says so in its SUMMARY, in the language asked
    (before, it read as a due date like any other); every event stays TRANSPARENT and none is
    CANCELLED, which some applications hide."""
    argv = _owing_nothing_argv(tmp_path)
    code, out, err = _run(*argv, "--format", "json")
    statuses = {(r["actor"], r["period"]): r["status"] for r in json.loads(out)}
    assert statuses == {
        ("a", "2025-01"): "exempt",
        ("a", "2025-02"): "open",
        ("n", "2025-01"): "not-held",
        ("n", "2025-02"): "not-held",
    }
    for lang, said in (
        (
            "en",
            [
                "A: report (February 2025)",
                "[exempt] A: report (January 2025)",
                "[not held] N: report (February 2025)",
                "[not held] N: report (January 2025)",
            ],
        ),
        (
            "zh",
            [
                "A: report (2025年2月)",
                "[不适用] N: report (2025年1月)",
                "[不适用] N: report (2025年2月)",
                "[已豁免] A: report (2025年1月)",
            ],
        ),
    ):
        code, out, err = _run(*argv, "--format", "ics", "--lang", lang)
        assert (code, err) == (0, "")
        events = _events(out)
        assert sorted(str(e["SUMMARY"]) for e in events) == said
        assert {(str(e["TRANSP"]), e.get("STATUS")) for e in events} == {("TRANSPARENT", None)}


def test_a_rule_without_words_quotes_its_declared_clauses_words(tmp_path: Path) -> None:
    """A rule giving no `words` of its own is quoted with those the rule set's `clauses` list
    gives its clause: in the calendar's description and in the HTML report's rule panel."""
    rules, org, log = tmp_path / "rules.yaml", tmp_path / "org.yaml", tmp_path / "events.csv"
    rules.write_text(
        "id: t\ntitle: T\ntimezone: Asia/Shanghai\n"
        "clauses:\n  - {id: C1, words: 各支部每季度报告一次}\n"
        "rules:\n  - {id: term-report, kind: recurring, clause: C1, who: party-office, action: report, every: quarter}\n",
        encoding="utf-8",
    )
    org.write_text("id: o\nactors:\n  - {id: party-office}\n", encoding="utf-8")
    log.write_text("id,time,actor,action\ne1,2024-02-01T10:00:00+08:00,party-office,report\n", encoding="utf-8")
    code, out, err = _obligations((str(rules), str(org)), "--format", "ics")
    assert (code, err) == (0, "")
    assert {str(e["DESCRIPTION"]).splitlines()[0] for e in _events(out)} == {"Clause C1: 各支部每季度报告一次"}
    code, out, err = _run(
        "check",
        str(rules),
        "--org",
        str(org),
        "--events",
        str(log),
        "--from",
        "2024-01-01",
        "--to",
        "2024-03-31",
        "--format",
        "html",
    )
    assert (code, err) == (0, "")
    data = json.loads(re.search(r'<script type="application/json" id="govrules-data">(.*?)</script>', out, re.S)[1])  # type: ignore[index]
    assert data["rules"]["term-report"]["words"] == "各支部每季度报告一次"


def test_the_table_pads_a_name_holding_a_reordering_character_as_it_is_shown(tmp_path: Path) -> None:
    """A name holding U+202E is shown with it named (``[U+202E]``, 8 columns where the character
    took none) and padded as shown: the window column starts at one terminal column on every
    line. Padding the name before naming the character left its lines 8 columns out."""
    rules, org = tmp_path / "rules.yaml", tmp_path / "org.yaml"
    rules.write_text(RULES, encoding="utf-8")
    org.write_text(ORG.replace("name: {en: Party office, zh: 中心学校党办}", 'name: "Party\\u202e office"'), "utf-8")
    code, out, err = _obligations((str(rules), str(org)), "--format", "table")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert "\u202e" not in out
    named = [line for line in lines if "Party[U+202E] office" in line]
    assert [line.split()[3:5] for line in named] == [["open", "routine-analysis"]] * 2
    # the window two columns after the widest name as shown, the longest of the who column
    who = _columns(lines[0][: lines[0].index("Who")])
    assert {_columns(line[: line.index("Window")]) for line in named} == {who + len("Party[U+202E] office") + 2}


def test_status_lists_only_the_obligations_asked_for_and_the_table_counts_the_rest(tmp_path: Path) -> None:
    """``--status`` (repeatable) lists only the obligations of the statuses named, in every
    format: a calendar of what is owed leaves out the exempt and the not held. The table says
    how many of each other status it leaves out, so that none is out of sight unsaid; a status
    that does not exist is a usage error (exit 2)."""
    argv = _owing_nothing_argv(tmp_path)
    code, out, err = _run(*argv, "--format", "json", "--status", "open")
    assert (code, err) == (0, "")
    assert [(r["actor"], r["period"], r["status"]) for r in json.loads(out)] == [("a", "2025-02", "open")]
    code, out, err = _run(*argv, "--format", "ics", "--status", "open", "--status", "exempt")
    assert (code, err) == (0, "")
    assert sorted(str(e["SUMMARY"]) for e in _events(out)) == [
        "A: report (February 2025)",
        "[exempt] A: report (January 2025)",
    ]
    code, out, err = _run(*argv, "--status", "open")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[-2:] == ["1 obligation", "not listed, of a status not asked for (--status): exempt 1, not held 2"]
    code, out, err = _run(*argv, "--status", "open", "--lang", "zh")
    assert out.splitlines()[-1] == "未列出(非 --status 所选状态):已豁免 1、不适用 2"
    # every status asked for: nothing left out, nothing said of it
    code, out, err = _run(*argv, *(f"--status={s}" for s in ("open", "pending", "exempt", "not-held")))
    assert (code, out.splitlines()[-1]) == (0, "4 obligations")
    code, out, err = _run(*argv, "--status", "owed")
    assert (code, out) == (2, "")
    assert "--status: invalid choice: 'owed'" in err
