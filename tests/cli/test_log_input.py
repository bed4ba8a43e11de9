"""`govrules check` refusing a log it would misread: a misspelt column among a field's
alternatives, and a byte order mark the encoding given does not read; and saying a key no record
of a JSON log holds."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from govrules.cli import run

RULES = """\
id: t
title: t
timezone: Europe/Rome
rules:
  - id: monthly
    kind: recurring
    clause: c
    who: {role: branch}
    action: report
    every: month
"""
ORG = "id: o\nactors: [{id: b1, roles: [branch]}]\n"
ALT = "id,time,who,res,action\ne1,2024-01-10T10:00:00+01:00,,b1,report\ne2,2024-02-10T10:00:00+01:00,b1,,report\n"


def _check(tmp_path: Path, log: str, data: bytes, *extra: str) -> tuple[int, str, str]:
    (tmp_path / "rules.yaml").write_text(RULES, encoding="utf-8")
    (tmp_path / "org.yaml").write_text(ORG, encoding="utf-8")
    (tmp_path / log).write_bytes(data)
    argv = ["check", str(tmp_path / "rules.yaml"), "--org", str(tmp_path / "org.yaml")]
    argv += ["--events", str(tmp_path / log), "--from", "2024-01-01", "--to", "2024-12-31"]
    out, err = io.StringIO(), io.StringIO()
    code = run([*argv, "--format", "json", "--quiet", *extra], out, err)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("mapped", ["actor=rez|'b1'", "actor=rez|who"])
def test_a_misspelt_column_among_alternatives_is_exit_2(tmp_path: Path, mapped: str) -> None:
    """``--map "actor=rez|'b1'"`` gave every record the actor b1, and ``actor=rez|who`` read
    ``who`` alone (exit 0 or 1 with a report): ``rez`` is no column of the log, so the log is bad
    input naming the file, the header's line, the field, the column and the header."""
    code, out, err = _check(tmp_path, "alt.csv", ALT.encode(), "--map", mapped)
    assert (code, out) == (2, "")
    sources = mapped.partition("=")[2]
    assert err.startswith(f"error: {tmp_path / 'alt.csv'}:1: no column 'rez' for event field 'actor' ")
    assert f"alternatives {sources!r}" in err and "the header has 'id', 'time', 'who', 'res', 'action'" in err
    assert err.rstrip().endswith("[missing-column]")


def test_a_key_no_record_of_a_json_log_holds_is_said(tmp_path: Path) -> None:
    """A JSON Lines log has no header, but a key the map names that none of its records holds
    read as empty in every record, as a misspelt one does: ``--map "actor=rez|'b1'"`` gives every
    record the actor b1. It is no error (an export may leave out a key it never fills): the check
    runs, its report's notes say it, and so does a warning on stderr (not with ``--quiet``), in
    the report's language; a log given twice says it once."""
    data = b'{"id": "e1", "time": "2024-01-10T10:00:00+01:00", "res": "b1", "action": "report"}\n'
    log = tmp_path / "log.jsonl"
    code, out, err = _check(tmp_path, "log.jsonl", data, "--map", "actor=rez|'b1'")  # --quiet
    report = json.loads(out)
    said = (
        f"{log}: no record of the log holds key 'rez', which the map names for event field 'actor': every record"
        " read it as empty, as it would a misspelt key"
    )
    assert (code, report["records"]["read"], report["summary"]["statuses"]["met"]) == (1, 1, 1)
    assert (report["notes"], err) == ([said], "")
    argv = ["check", str(tmp_path / "rules.yaml"), "--org", str(tmp_path / "org.yaml"), "--events", str(log)]
    argv += ["--events", str(log), "--from", "2024-01-01", "--to", "2024-12-31", "--map", "actor=rez|'b1'"]
    for lang, warned in (
        ("en", f"warning: {said}\n"),
        (
            "zh",
            f"警告:{log}:日志中没有任何记录含有映射为事件字段 'actor' 指定的键 'rez':每条记录的该字段都按空值读取,与键名拼错时相同\n",
        ),
    ):
        out_, err_ = io.StringIO(), io.StringIO()
        assert run([*argv, "--format", "json", "--lang", lang], out_, err_) == 1
        assert (json.loads(out_.getvalue())["notes"], err_.getvalue()) == ([warned.partition(":")[2].strip()], warned)
    code, out, err = _check(tmp_path, "log.jsonl", data, "--map", "actor=res|'b1'")
    assert (code, json.loads(out)["notes"], err) == (1, [], "")


def test_alternatives_the_header_has_are_read(tmp_path: Path) -> None:
    """Alternatives that are all columns of the log: the first with a value wins."""
    code, out, err = _check(tmp_path, "alt.csv", ALT.encode(), "--map", "actor=who|res")
    report = json.loads(out)
    assert (code, report["records"]["read"], report["records"]["rejected"]) == (1, 2, 0), err
    assert report["summary"]["statuses"] == {"met": 2, "missing": 10}


DUPLICATES = "id,time,actor,action\ne1,2024-01-10T10:00:00+01:00,b1,report\ne1,2024-02-10T10:00:00+01:00,b1,report\n"


def test_a_utf8_log_with_its_mark_read_as_gb18030_is_exit_2(tmp_path: Path) -> None:
    """A UTF-8 export with its byte order mark read with ``--encoding gb18030``: the mark became
    text in the first header cell (``锘縤d``), the id column went unmapped and the id written
    twice unseen (exit 0, both records used). It is bad input naming the log, the mark and the
    encoding given; read as UTF-8, the repeated id is rejected."""
    data = b"\xef\xbb\xbf" + DUPLICATES.encode()
    code, out, err = _check(tmp_path, "bom.csv", data, "--encoding", "gb18030")
    assert (code, out) == (2, "")
    assert err == (
        f"error: {tmp_path / 'bom.csv'}:1: the log starts with a utf-8 byte order mark, but the encoding "
        "given is gb18030: read it with --encoding utf-8 [bad-encoding]\n"
    )
    code, out, err = _check(tmp_path, "bom.csv", data, "--encoding", "utf-8")
    report = json.loads(out)
    assert (code, report["records"]["read"], report["records"]["rejected"]) == (1, 2, 1), err
    assert [f["code"] for f in report["findings"] if f["code"] == "rejected-event"] == ["rejected-event"]


def test_a_map_files_delimiter_separates_a_csv_logs_columns(tmp_path: Path) -> None:
    """A header whose names hold commas as often as semicolons (``Zeit, lokal;Akteur, Name``):
    the semicolon, the one that splits it into the columns the map asks for, separates them, or
    the map file's ``delimiter`` says which one does, and the log is read; a delimiter the map
    file gives is used, and split on the comma the columns are said missing, after a line saying
    the delimiter it splits into them on."""
    log = "Zeit, lokal;Akteur, Name;action\n2024-01-10T10:00:00+01:00;b1;report\n"
    fields = "fields: {time: 'Zeit, lokal', actor: 'Akteur, Name'}\n"
    flags = ("--map-file", str(tmp_path / "export.map.yaml"))
    for given in ("", "delimiter: ';'\n"):
        (tmp_path / "export.map.yaml").write_text(fields + given, encoding="utf-8")
        code, out, err = _check(tmp_path, "log.csv", log.encode(), *flags)
        assert (code, err) == (1, "")
        report = json.loads(out)
        read = (report["records"]["read"], report["records"]["rejected"], report["summary"]["statuses"]["met"])
        assert read == (1, 0, 1)
    (tmp_path / "export.map.yaml").write_text(fields + "delimiter: ','\n", encoding="utf-8")
    code, out, err = _check(tmp_path, "log.csv", log.encode(), *flags)
    assert (code, out) == (2, "")
    assert [line.rsplit(" [", 1)[1] for line in err.splitlines()] == ["delimiter]"] + ["missing-column]"] * 3
    assert "write delimiter: ';' in the map file [delimiter]" in err.splitlines()[0]


def test_a_map_files_time_format_reads_a_logs_times(tmp_path: Path) -> None:
    """A log writing its times day.month.year (``15.01.2024 10:00``) had every record rejected
    (exit 2); the map file's ``time_format`` reads them, in the check's zone, and a record written
    otherwise is rejected naming the format."""
    log = "id,time,actor,action\ne1,15.01.2024 10:00,b1,report\ne2,2024-02-15T10:00:00+01:00,b1,report\n"
    code, out, _ = _check(tmp_path, "log.csv", log.encode())
    assert (code, json.loads(out)["records"]["rejected"]) == (1, 1)
    (tmp_path / "export.map.yaml").write_text("fields: {}\ntime_format: '%d.%m.%Y %H:%M'\n", encoding="utf-8")
    code, out, err = _check(tmp_path, "log.csv", log.encode(), "--map-file", str(tmp_path / "export.map.yaml"))
    report = json.loads(out)
    assert (code, report["records"]["read"], report["records"]["rejected"]) == (1, 2, 1), err
    [rejected] = [f for f in report["findings"] if f["code"] == "rejected-event"]
    assert (rejected["line"], rejected["evidence"]) == (3, ["e2"])
    assert rejected["detail"]["reason"].startswith(
        "expected a time written as '%d.%m.%Y %H:%M' (the map's time_format)"
    )
    january = [o for o in report["outcomes"] if o["period"] == "2024-01"]
    assert [(o["status"], o["evidence"]) for o in january] == [("met", ["e1"])]


def test_a_log_whose_name_tells_no_format_is_read_as_its_map_file_says(tmp_path: Path) -> None:
    """A log whose name tells no format (``export.txt``, a pipe) is refused, exit 2, naming the
    formats and the map file's ``format``, which says it, and the log is read."""
    log = "id,time,actor,action\ne1,2024-01-10T10:00:00+01:00,b1,report\n"
    code, out, err = _check(tmp_path, "export.txt", log.encode())
    assert (code, out) == (2, "")
    assert err == (
        f"error: {tmp_path / 'export.txt'}: cannot tell the log format from the name; expected one of csv, jsonl, "
        "json, xes (.csv, .jsonl, .json, .xes); otherwise give the map file's format: csv (or jsonl, json, xes)"
        " [unknown-format]\n"
    )
    code, out, err = _check(tmp_path, "export.txt", log.encode(), "--lang", "zh")
    assert (code, out) == (2, "")
    assert err.rstrip().endswith("否则请在映射文件中写明 format: csv(或 jsonl、json、xes) [unknown-format]")
    (tmp_path / "export.map.yaml").write_text("fields: {}\nformat: csv\n", encoding="utf-8")
    code, out, err = _check(tmp_path, "export.txt", log.encode(), "--map-file", str(tmp_path / "export.map.yaml"))
    report = json.loads(out)
    assert (code, report["records"]["read"], report["records"]["rejected"]) == (1, 1, 0), err


def test_a_column_missing_from_the_header_names_one_alike_and_where_it_is_mapped(tmp_path: Path) -> None:
    """A column the header holds in another case (``when`` for ``When``) or a close spelling is
    offered (one another field reads is not); and where the column comes from a map file, the map file's ``fields`` is what to
    correct, not a ``--map`` (which is still said where a ``--map`` set the field)."""
    from zoneinfo import ZoneInfo

    from govrules.errors import EventLogError
    from govrules.events import FieldMap, read_events

    log = "id,when,actor,action\ne1,2024-01-10T10:00:00+01:00,b1,report\n"
    (tmp_path / "log.csv").write_text(log, encoding="utf-8")
    with pytest.raises(EventLogError) as raised:
        list(read_events(tmp_path / "log.csv", tz=ZoneInfo("UTC"), fmap=FieldMap.parse(["time=When"])))
    (problem,) = raised.value.problems
    assert (problem.line, problem.code) == (1, "missing-column")
    assert str(problem.message).endswith("'action'); did you mean 'when'? map one with --map time=COLUMN")
    map_file = tmp_path / "export.map.yaml"
    map_file.write_text("fields: {time: When}\n", encoding="utf-8")
    code, out, err = _check(tmp_path, "log.csv", log.encode(), "--map-file", str(map_file))
    assert (code, out) == (2, "")
    assert err == (
        f"error: {tmp_path / 'log.csv'}:1: no column for event field 'time' (looked for 'When'; the header has 'id',"
        f" 'when', 'actor', 'action'); did you mean 'when'? correct the column in the map file's fields (time: COLUMN"
        f" in {map_file}) [missing-column]\n"
    )
    code, _, err = _check(tmp_path, "log.csv", log.encode(), "--map-file", str(map_file), "--lang", "zh")
    assert code == 2 and "是否应为 'when'?请更正映射文件 fields 中的列名" in err
    code, _, err = _check(tmp_path, "log.csv", log.encode(), "--map-file", str(map_file), "--map", "time=Wen")
    assert code == 2 and err.rstrip().endswith("did you mean 'when'? map one with --map time=COLUMN [missing-column]")
    code, _, err = _check(tmp_path, "log.csv", log.replace("when", "Zeit").encode())  # nothing alike
    assert code == 2 and "'action'); map one with --map time=COLUMN" in err
    no_action = "id,time,actor\ne1,2024-01-10T10:00:00+01:00,b1\n"  # `actor` is the actor's, not offered
    code, _, err = _check(tmp_path, "log.csv", no_action.encode())
    assert code == 2 and "'actor'); map one with --map action=COLUMN" in err


def _rejections(report: dict[str, Any]) -> list[tuple[str, int, list[str], str]]:
    return [
        (Path(f["file"]).name, f["line"], f["evidence"], f["detail"]["reason"])
        for f in report["findings"]
        if f["code"] == "rejected-event"
    ]


def test_an_id_that_is_the_name_of_a_record_without_one_is_said_so(tmp_path: Path) -> None:
    """A record without an id is named by its log and line (``events.csv:3``); a record giving
    that name as its id, before or after it, was rejected as "duplicate event id 'events.csv:3'
    (first at events.csv:2)", as if one record had been read twice, and the record without an id
    was rejected under an id it never gave. The two are two records: the one read second is
    rejected saying whose name the id is and which record to give an id, without an id where it
    has none, in a log that numbers its records (a JSON array) naming the record, and across
    two logs (``a.csv`` giving the id ``b.csv:2``) alike."""
    first = (
        "id,time,actor,action\nevents.csv:3,2024-01-10T10:00:00+01:00,b1,report\n,2024-02-10T10:00:00+01:00,b1,report\n"
    )
    code, out, err = _check(tmp_path, "events.csv", first.encode())
    report = json.loads(out)
    assert (code, report["records"]["read"], report["records"]["rejected"]) == (1, 2, 1), err
    assert _rejections(report) == [
        (
            "events.csv",
            3,
            [],
            f"no id, and the name it is given by its place, 'events.csv:3', is the id the record at "
            f"{tmp_path / 'events.csv'}:2 gives: give this record an id, or that one another",
        )
    ]
    second = (
        "id,time,actor,action\n,2024-01-10T10:00:00+01:00,b1,report\nevents.csv:2,2024-02-10T10:00:00+01:00,b1,report\n"
    )
    code, out, err = _check(tmp_path, "events.csv", second.encode(), "--lang", "zh")
    report = json.loads(out)
    assert _rejections(report) == [
        (
            "events.csv",
            3,
            ["events.csv:2"],
            f"the id 'events.csv:2' is the name of the record without an id at {tmp_path / 'events.csv'}:2 (a "
            "record without an id is named by its log and line): give this record another id, or that one an id",
        )
    ]
    said = next(f["message"] for f in report["findings"] if f["code"] == "rejected-event")
    assert "编号 'events.csv:2' 是 events.csv:2 处那条无编号记录的名称" in said
    array = [
        {"time": "2024-01-10T10:00:00+01:00", "actor": "b1", "action": "report"},
        {"id": "events.json:1", "time": "2024-02-10T10:00:00+01:00", "actor": "b1", "action": "report"},
    ]
    code, out, err = _check(tmp_path, "events.json", json.dumps(array).encode())
    assert _rejections(json.loads(out)) == [
        (
            "events.json",
            2,
            ["events.json:1"],
            f"the id 'events.json:1' is the name of record 1 of {tmp_path / 'events.json'}, which has no id (a "
            "record without an id is named by its log and record number): give this record another id, or that one "
            "an id",
        )
    ]
    (tmp_path / "b.csv").write_text("id,time,actor,action\n,2024-03-10T10:00:00+01:00,b1,report\n", encoding="utf-8")
    log = "id,time,actor,action\nb.csv:2,2024-01-10T10:00:00+01:00,b1,report\n"
    code, out, err = _check(tmp_path, "a.csv", log.encode(), "--events", str(tmp_path / "b.csv"))
    assert [r[:3] for r in _rejections(json.loads(out))] == [("b.csv", 2, [])]
    # the same id given twice is a duplicate, as before
    twice = "id,time,actor,action\ne1,2024-01-10T10:00:00+01:00,b1,report\ne1,2024-02-10T10:00:00+01:00,b1,report\n"
    code, out, err = _check(tmp_path, "events.csv", twice.encode())
    assert [r[3] for r in _rejections(json.loads(out))] == [
        f"duplicate event id 'e1' (first at {tmp_path / 'events.csv'}:2)"
    ]


def test_a_recipient_written_as_the_holder_of_a_role_is_rejected_not_said_as_that_holder(tmp_path: Path) -> None:
    """A report owed to the holder of role vp, sent (the log says) to ``role:vp``: the value was
    read as an actor's id and the obligation said "sent ... to the holder of role vp instead of
    the holder of role vp". The record is rejected at its line saying why, and the obligation is
    missing, with nothing said of ``role:vp`` as a party."""
    rules = RULES.replace("    every: month\n", "    to: {role: vp}\n    every: month\n")
    org = "id: o\nactors: [{id: b1, roles: [branch]}, {id: vice-principal, roles: [vp]}]\n"
    log = "id,time,actor,action,recipient\ne1,2024-01-10T10:00:00+01:00,b1,report,role:vp\n"
    (tmp_path / "rules.yaml").write_text(rules, encoding="utf-8")
    (tmp_path / "org.yaml").write_text(org, encoding="utf-8")
    (tmp_path / "log.csv").write_text(log, encoding="utf-8")
    argv = ["check", str(tmp_path / "rules.yaml"), "--org", str(tmp_path / "org.yaml")]
    argv += ["--events", str(tmp_path / "log.csv"), "--from", "2024-01-01", "--to", "2024-01-31"]
    out, err = io.StringIO(), io.StringIO()
    assert run([*argv, "--format", "json", "--quiet"], out, err) == 2  # the log's every record was rejected
    report = json.loads(out.getvalue())
    assert [(o["status"], o["evidence"]) for o in report["outcomes"]] == [("missing", [])]
    assert [r[:3] for r in _rejections(report)] == [("log.csv", 2, ["e1"])]
    assert _rejections(report)[0][3].startswith("field 'recipient' holds 'role:vp', as reports write the holder")
    out = io.StringIO()
    run(argv, out, io.StringIO())
    assert "instead of" not in out.getvalue()
