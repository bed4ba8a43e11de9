"""`govrules check` over a log that numbers its records rather than its lines (a JSON array, an
XES log): every format people read says where a record is as a record (``events.json record 4``,
in the report's language), never as ``events.json:4``, which reads as a line an auditor would
open the file at. A log numbered by lines (JSON Lines) keeps ``file:line``, and so does a report
rendered with no context naming the record-numbered logs (a library user's)."""

from __future__ import annotations

import html
import io
import json
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

import govrules
from govrules.cli import run
from govrules.events import FirstAt, duplicate_of
from govrules.renderers import RenderContext, render
from govrules.renderers.junit import RECORDS_SUITE
from govrules.renderers.markdown import _esc

RULES = """\
id: t
title: T
timezone: Europe/Rome
rules:
  - {id: monthly, kind: recurring, clause: C1, who: {role: branch}, action: report, every: month}
"""
ORG = "id: o\ntimezone: Europe/Rome\nactors:\n  - {id: b1, roles: [branch]}\n  - {id: b2, roles: [branch]}\n"

# (id, time, actor, period): record 1 met, record 2 rejected (a day-first date), record 3 without
# an id (named after its file and number) and late for b1's February, record 4 late for b2's January
RECORDS: list[tuple[str | None, str, str, str | None]] = [
    ("e1", "2024-01-10T10:00:00+01:00", "b1", None),
    ("bad", "10/02/2024", "b1", None),
    (None, "2024-03-05T10:00:00+01:00", "b1", "2024-02"),
    ("x2", "2024-02-05T10:00:00+01:00", "b2", "2024-01"),
]


def _json_record(i: str | None, time: str, actor: str, period: str | None) -> dict[str, str]:
    record = {"id": i, "time": time, "actor": actor, "action": "report", "period": period}
    return {key: value for key, value in record.items() if value is not None}


def _xes_event(i: str | None, time: str, actor: str, period: str | None) -> str:
    return (
        "<event>"
        + (f'<string key="identity:id" value="{i}"/>' if i else "")
        + f'<string key="concept:name" value="report"/><string key="org:resource" value="{actor}"/>'
        + f'<date key="time:timestamp" value="{time}"/>'
        + (f'<string key="period" value="{period}"/>' if period else "")
        + "</event>\n"
    )


def _logs(records: list[tuple[str | None, str, str, str | None]]) -> dict[str, tuple[str, str]]:
    """The file name and text of a log of ``records`` in each format."""
    return {
        "json": ("events.json", "[" + ",\n".join(json.dumps(_json_record(*r)) for r in records) + "]\n"),
        "xes": (
            "events.xes",
            '<?xml version="1.0" encoding="UTF-8"?>\n<log>\n<trace>\n'
            + "".join(_xes_event(*r) for r in records)
            + "</trace>\n</log>\n",
        ),
        "jsonl": ("events.jsonl", "".join(json.dumps(_json_record(*r)) + "\n" for r in records)),
        "csv": (
            "events.csv",
            "id,time,actor,action,period\n"
            + "".join(f"{i or ''},{t},{a},report,{p or ''}\n" for i, t, a, p in records),
        ),
    }


LOGS = _logs(RECORDS)
# the records again, and a fifth that repeats the first's id (a duplicate, rejected naming the first)
DUPLICATED = _logs([*RECORDS, ("e1", "2024-02-10T10:00:00+01:00", "b1", None)])
RANGE = ["--from", "2024-01-01", "--to", "2024-02-29", "--as-of", "2024-04-01"]


def _check(tmp_path: Path, kind: str, *extra: str, logs: dict[str, tuple[str, str]] = LOGS) -> tuple[str, str]:
    """The CLI's output over the log of ``kind`` (of ``logs``), and the log's path."""
    tmp_path.mkdir(exist_ok=True)
    (tmp_path / "rules.yaml").write_text(RULES, encoding="utf-8")
    (tmp_path / "org.yaml").write_text(ORG, encoding="utf-8")
    name, text = logs[kind]
    log = tmp_path / name
    log.write_text(text, encoding="utf-8")
    argv = ["check", str(tmp_path / "rules.yaml"), "--org", str(tmp_path / "org.yaml"), "--events", str(log)]
    out, err = io.StringIO(), io.StringIO()
    assert run([*argv, *RANGE, *extra], out, err) == 1, err.getvalue()
    return out.getvalue(), str(log)


def _record(lang: str, file: str, n: int) -> str:
    return {"en": f"{file} record {n}", "zh": f"{file} 第 {n} 条记录"}[lang]


def _at(lang: str, event_id: str, where: str) -> str:
    return {"en": f"{event_id} at {where}", "zh": f"{event_id}({where})"}[lang]


def _evidence(lang: str, items: str) -> str:
    return {"en": f"evidence: {items}", "zh": f"证据:{items}"}[lang]


def _facts(tmp_path: Path, kind: str) -> tuple[dict[str, Any], str]:
    """The JSON report's locations and findings, as every format renders them."""
    out, log = _check(tmp_path, kind, "--format", "json")
    report: dict[str, Any] = json.loads(out)
    name = Path(log).name
    assert report["evidence_locations"] == {
        "e1": {"file": log, "line": 1},
        f"{name}:3": {"file": log, "line": 3},  # a record without an id: named after its file and number
        "x2": {"file": log, "line": 4},
    }
    rejected = [f for f in report["findings"] if f["code"] == "rejected-event"]
    assert [(f["file"], f["line"], f["evidence"]) for f in rejected] == [(log, 2, ["bad"])]
    late = {f["actor"]: f["evidence"] for f in report["findings"] if f["code"] == "late"}
    assert late == {"b1": [f"{name}:3"], "b2": ["x2"]}
    return report, log


RECORD_NUMBERED = pytest.mark.parametrize("kind", ["json", "xes"])
LANGS = pytest.mark.parametrize("lang", ["en", "zh"])


@RECORD_NUMBERED
@LANGS
def test_text_says_a_record_not_a_line(tmp_path: Path, kind: str, lang: str) -> None:
    """The rejected record is placed at ``events.json record 2``, cited events at their records,
    each log by its file name as the record without an id is named (``events.json:3``), by
    which it is cited everywhere."""
    _, log = _facts(tmp_path, kind)
    out, _ = _check(tmp_path, kind, "--format", "text", "--lang", lang)
    name = Path(log).name
    lines = [line.strip() for line in out.splitlines()]
    [rejected] = [line for line in lines if line.startswith(name)]
    assert rejected.startswith(_record(lang, name, 2) + "  ")
    assert any(line.endswith(f"[{_evidence(lang, _at(lang, 'x2', _record(lang, name, 4)))}]") for line in lines)
    assert any(line.endswith(f"[{_evidence(lang, f'{name}:3')}]") for line in lines)
    assert f"{name}:4" not in out and f"{name}:1" not in out


@RECORD_NUMBERED
@LANGS
def test_markdown_says_a_record_not_a_line(tmp_path: Path, kind: str, lang: str) -> None:
    """The findings tables place the rejected record and cite the events at their records."""
    _, log = _facts(tmp_path, kind)
    out, _ = _check(tmp_path, kind, "--format", "markdown", "--lang", lang)
    name = Path(log).name
    rows = [[cell.strip() for cell in row.split(" | ")] for row in out.splitlines() if row.startswith("| ")]
    [rejected] = [row for row in rows if row[-1] == "bad |"]
    assert rejected[2] == _esc(_record(lang, name, 2))
    evidence = {row[-1].removesuffix(" |") for row in rows}
    assert _esc(_at(lang, "x2", _record(lang, name, 4))) in evidence
    assert _esc(f"{name}:3") in evidence
    assert _esc(f"{name}:4") not in out


@RECORD_NUMBERED
@LANGS
def test_junit_says_a_record_not_a_line(tmp_path: Path, kind: str, lang: str) -> None:
    """The rejected record's testcase is named ``file:N`` in every language (a name is an
    identifier a CI system tracks from run to run); failures and outputs cite the events at their
    records, the log by its file name, as every report people read says it."""
    _, log = _facts(tmp_path, kind)
    name = Path(log).name
    out, _ = _check(tmp_path, kind, "--format", "junit", "--lang", lang)
    root = ET.fromstring(out)
    records = root.find(f"testsuite[@name='{RECORDS_SUITE}']")
    assert records is not None
    assert [case.get("name") for case in records.findall("testcase")] == [f"rejected-event/{name}:2"]
    cases = {case.get("name"): case for case in root.iter("testcase")}

    def text(case: str, element: str) -> list[str]:
        found = cases[case].find(element)
        assert found is not None and found.text is not None
        return found.text.splitlines()

    assert _evidence(lang, _at(lang, "x2", _record(lang, name, 4))) in text("monthly/b2/2024-01", "failure")
    assert _evidence(lang, f"{name}:3") in text("monthly/b1/2024-02", "failure")
    assert _evidence(lang, _at(lang, "e1", _record(lang, name, 1))) in text("monthly/b1/2024-01", "system-out")
    assert f"{name}:1" not in out and f"{name}:4" not in out and log not in out


@RECORD_NUMBERED
@LANGS
def test_html_says_a_record_not_a_line(tmp_path: Path, kind: str, lang: str) -> None:
    """The findings table places the rejected record and cites the events at their records; the
    matrix's evidence of an obligation says the record it was read from."""
    _, log = _facts(tmp_path, kind)
    out, _ = _check(tmp_path, kind, "--format", "html", "--lang", lang)
    name = Path(log).name
    assert f"<td>{html.escape(_record(lang, name, 2))}</td>" in out
    assert f"<code>x2</code> <small>{html.escape(_record(lang, name, 4))}</small>" in out
    assert f"<code>{html.escape(name)}:3</code> <small>{html.escape(_record(lang, name, 3))}</small>" in out
    read_from = {"en": "Read from", "zh": "来源"}[lang]
    cited = {"id": "e1", "where": f"{read_from} {_record(lang, name, 1)}"}
    assert json.dumps(cited, ensure_ascii=False, sort_keys=True, separators=(",", ":")) in out
    assert f"{name}:1" not in out and f"{name}:4" not in out


@pytest.mark.parametrize("fmt", ["text", "markdown", "junit", "html"])
def test_a_line_numbered_log_and_a_library_render_keep_file_and_line(tmp_path: Path, fmt: str) -> None:
    """A JSON Lines log numbers its lines: its places stay ``file:line``. The JSON array log
    rendered by a library user, with no context naming the logs that number records, keeps them
    too; through the CLI, the same log says records."""
    out, _ = _check(tmp_path / "jsonl", "jsonl", "--format", fmt)
    assert "events.jsonl:4" in out and "record 4" not in out

    cli, array = _check(tmp_path / "array", "json", "--format", fmt)
    rules = govrules.load_rules(str(tmp_path / "array" / "rules.yaml"))
    org = govrules.load_org(str(tmp_path / "array" / "org.yaml"))
    events = govrules.read_events(array, tz=govrules.zone_of(rules, org))
    as_of = datetime(2024, 4, 1, 12, tzinfo=UTC)
    report = govrules.check(
        rules, org, events, start=date(2024, 1, 1), end=date(2024, 3, 1), as_of=as_of, with_locations=True
    )
    assert report.evidence_locations["x2"].line == 4
    assert "record 4" in cli
    library = render(report, fmt, RenderContext())
    assert "events.json:4" in library and "record 4" not in library


def test_html_cites_a_record_without_an_id_once(tmp_path: Path) -> None:
    """A record without an id is named after its file and line (``events.jsonl:3``): the HTML
    findings cite it by that name alone, not followed by the same place again."""
    out, _ = _check(tmp_path, "jsonl", "--format", "html")
    assert "<code>events.jsonl:3</code>" in out
    assert "<code>events.jsonl:3</code> <small>" not in out
    assert "<code>x2</code> <small>events.jsonl:4</small>" in out


@RECORD_NUMBERED
@LANGS
def test_a_rejected_records_message_says_its_number_not_a_line(tmp_path: Path, kind: str, lang: str) -> None:
    """The rejected record's message, in every format (the JSON report's too) and on stderr,
    says which record of the log it is, not ``events.json:2``; a JSON Lines log's says its line."""
    out, log = _check(tmp_path, kind, "--format", "json", "--lang", lang)
    [finding] = [f for f in json.loads(out)["findings"] if f["code"] == "rejected-event"]
    assert (finding["file"], finding["line"]) == (log, 2)
    name = Path(log).name  # as every report people read says the log, and names its records without an id
    said = {"en": f"record 2 of {name} could not be read: ", "zh": f"记录 {name} 第 2 条 无法读取:"}[lang]
    assert finding["message"].startswith(said)
    out, _ = _check(tmp_path / "lines", "jsonl", "--format", "json", "--lang", lang)
    [finding] = [f for f in json.loads(out)["findings"] if f["code"] == "rejected-event"]
    said = {"en": "record events.jsonl:2 could", "zh": "记录 events.jsonl:2 无法读取"}[lang]
    assert finding["message"].startswith(said)


def _duplicate(lang: str, log: str, kind: str) -> str:
    """The message of the fifth record of ``DUPLICATED``'s log of ``kind`` (named ``log``), which repeats the first's id."""
    if kind in ("json", "xes"):
        return {
            "en": f"record 5 of {log} could not be read: duplicate event id 'e1' (first at record 1 of {log})",
            "zh": f"记录 {log} 第 5 条 无法读取:事件编号 'e1' 重复(首次见于 {log} 第 1 条记录)",
        }[lang]
    first, line = (2, 6) if kind == "csv" else (1, 5)  # a CSV log's header is its first line
    return {
        "en": f"record {log}:{line} could not be read: duplicate event id 'e1' (first at {log}:{first})",
        "zh": f"记录 {log}:{line} 无法读取:事件编号 'e1' 重复(首次见于 {log}:{first})",
    }[lang]


@pytest.mark.parametrize("kind", ["json", "xes", "csv", "jsonl"])
@LANGS
def test_a_duplicate_says_itself_and_the_record_it_repeats_as_records(tmp_path: Path, kind: str, lang: str) -> None:
    """A record that repeats the id of one read before it, in a JSON array or an XES log, is said
    as its record and names the first as a record (``first at record 1 of events.json``), in the
    JSON report's message and reason and in the text report, in the report's language; both were
    said as ``events.json:5`` and ``events.json:1``. A CSV or JSON Lines log keeps ``file:line``.
    The reason still tells the record it repeats (`duplicate_of`)."""
    out, log = _check(tmp_path, kind, "--format", "json", "--lang", lang, logs=DUPLICATED)
    report = govrules.Report.model_validate_json(out)
    [finding] = [f for f in report.findings if f.code == "rejected-event" and f.evidence == ("e1",)]
    numbered = kind in ("json", "xes")
    line, first = (5, 1) if numbered else ((6, 2) if kind == "csv" else (5, 1))
    assert (finding.file, finding.line, finding.severity) == (log, line, "warning")
    assert duplicate_of(finding.detail["reason"]) == FirstAt(log, first)  # the reason keeps the path read
    name = Path(log).name
    assert finding.message == _duplicate(lang, name, kind)
    assert finding.detail["reason"] == (
        f"duplicate event id 'e1' (first at record 1 of {log})"
        if numbered
        else f"duplicate event id 'e1' (first at {log}:{first})"
    )
    text, _ = _check(tmp_path, kind, "--format", "text", "--lang", lang, logs=DUPLICATED)
    [said] = [row.strip() for row in text.splitlines() if "'e1'" in row]
    assert said.startswith((_record(lang, name, 5) if numbered else f"{name}:{line}") + "  ")
    assert said.endswith(_duplicate(lang, name, kind))


@pytest.mark.parametrize("kind", ["json", "xes"])
def test_a_record_numbered_log_given_twice_is_read_through_its_first_reading(tmp_path: Path, kind: str) -> None:
    """A JSON array or XES log given twice under one name: each record of the second reading is
    a duplicate of itself, said as its record, and the log is not one of those not read whole
    (each duplicate is told by its reason, `duplicate_of`, which now names a record)."""
    _, log = _check(tmp_path, kind, logs=DUPLICATED)
    argv = ["check", str(tmp_path / "rules.yaml"), "--org", str(tmp_path / "org.yaml"), "--events", log]
    out, err = io.StringIO(), io.StringIO()
    code = run([*argv, "--events", log, *RANGE, "--format", "json"], out, err)
    report = govrules.Report.model_validate_json(out.getvalue())
    again = [f for f in report.findings if f.code == "rejected-event" and f.detail["reason"].startswith("duplicate")]
    assert [(f.line, duplicate_of(f.detail["reason"])) for f in again] == [
        (1, FirstAt(log, 1)),
        (3, FirstAt(log, 3)),
        (4, FirstAt(log, 4)),
        (5, FirstAt(log, 1)),
        (5, FirstAt(log, 1)),
    ]
    name = Path(log).name
    assert (
        again[0].message
        == f"record 1 of {name} could not be read: duplicate event id 'e1' (first at record 1 of {name})"
    )
    assert (code, report.unread_logs(), report.notes) == (1, [], ())


def test_a_library_check_says_records_of_the_logs_it_is_told_number_them(tmp_path: Path) -> None:
    """`check(..., record_numbered=...)` names the logs that number their records, as the CLI
    gives them: a duplicate there is said as records; without it, as ``file:line`` (as a report
    rendered with no context naming those logs keeps it)."""
    _, log = _check(tmp_path, "json", logs=DUPLICATED)
    rules = govrules.load_rules(str(tmp_path / "rules.yaml"))
    org = govrules.load_org(str(tmp_path / "org.yaml"))
    said = {}
    for numbered in ((), {log}):
        events = govrules.read_events(log, tz=govrules.zone_of(rules, org))
        report = govrules.check(
            rules, org, events, start=date(2024, 1, 1), end=date(2024, 3, 1), record_numbered=numbered
        )
        [finding] = [f for f in report.findings if f.evidence == ("e1",) and f.code == "rejected-event"]
        said[bool(numbered)] = (finding.line, finding.message)
    name = Path(log).name
    assert said == {
        True: (5, _duplicate("en", name, "json")),
        False: (5, f"record {name}:5 could not be read: duplicate event id 'e1' (first at {name}:1)"),
    }


def test_every_report_people_read_says_a_records_place_as_its_records_without_an_id_are_named(
    tmp_path: Path,
) -> None:
    """A log given by its full path was said three ways: ``receipt.csv:3`` in the text report's
    evidence, the full path in JUnit's evidence and in the place and message of a rejected record.
    Text, Markdown, HTML and JUnit, and the findings' messages, now say every record's place as
    the log's records without an id are named: its file name, or its path where two logs of the
    check share a file name (a folder a month). The JSON report's ``file`` and evidence locations
    keep the path read."""
    (tmp_path / "rules.yaml").write_text(RULES, encoding="utf-8")
    (tmp_path / "org.yaml").write_text(ORG, encoding="utf-8")
    head = "id,time,actor,action,period\n"
    logs = {}
    for folder, month in (("jan", "01"), ("feb", "02")):
        (tmp_path / folder).mkdir()
        logs[folder] = tmp_path / folder / "events.csv"
        logs[folder].write_text(
            # late for January (cited with its place), rejected, and without an id (cited by its name)
            head + f"{folder}1,2024-{month}-10T10:00:00+01:00,b1,report,2023-12\n{folder}2,10/{month}/2024,b2,report,\n"
            f",2024-{month}-12T10:00:00+01:00,b2,report,2023-12\n",
            encoding="utf-8",
        )
    single = tmp_path / "data" / "receipt.csv"
    single.parent.mkdir()
    single.write_bytes(logs["jan"].read_bytes())

    def report(fmt: str, *paths: Path) -> str:
        argv = ["check", str(tmp_path / "rules.yaml"), "--org", str(tmp_path / "org.yaml")]
        for path in paths:
            argv += ["--events", str(path)]
        out = io.StringIO()
        window = ["--from", "2023-12-01", "--to", "2024-02-29", "--as-of", "2024-04-01"]
        run([*argv, *window, "--format", fmt, "--fail-on", "never"], out, io.StringIO())
        return out.getvalue()

    facts = json.loads(report("json", single))
    [rejected] = [f for f in facts["findings"] if f["code"] == "rejected-event"]
    assert (rejected["file"], rejected["line"], rejected["evidence"]) == (str(single), 3, ["jan2"])
    assert rejected["message"].startswith("record receipt.csv:3 could not be read: ")
    assert facts["evidence_locations"]["jan1"] == {"file": str(single), "line": 2}
    assert "receipt.csv:4" in facts["evidence_locations"]  # the record without an id, named by the file's name
    for fmt in ("text", "markdown", "html", "junit"):
        out = report(fmt, single)
        assert f"{single}:" not in out and str(single.parent) not in out, fmt
        assert "receipt.csv:3" in out and "receipt.csv:2" in out, fmt
    text = report("text", single)
    assert "  receipt.csv:3  warning · unreadable record: record receipt.csv:3 could not be read" in text
    assert "[evidence: jan1 at receipt.csv:2]" in text
    shared = report("json", logs["jan"], logs["feb"])
    [feb_rejected] = [f for f in json.loads(shared)["findings"] if f["file"] == str(logs["feb"])]
    assert feb_rejected["message"].startswith(f"record {logs['feb']}:3 could not be read")
    assert f"{logs['feb']}:4" in json.loads(shared)["evidence_locations"]  # named by its path: two events.csv
    for fmt in ("text", "markdown", "html", "junit"):
        out = report(fmt, logs["jan"], logs["feb"])
        said = _esc if fmt == "markdown" else str  # Markdown escapes the path's underscores
        assert said(f"{logs['feb']}:3") in out and said(f"{logs['jan']}:2") in out, fmt
        assert " events.csv:" not in out and ">events.csv:" not in out, fmt
