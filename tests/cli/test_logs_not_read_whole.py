"""`govrules check` over a log that could not be read whole: every record of it rejected, or its
reading stopped before its end. Such a log is not a clean one, even beside a log that is: the
report is written, the exit code is 2, JUnit has an ``<error>`` and SARIF an unsuccessful run
for that log, and stderr names it."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from govrules.cli import run
from govrules.events import duplicate_of
from govrules.findings import FindingCode, Report, UnreadLog
from govrules.renderers.junit import RECORDS_SUITE

RULES = """\
id: t
title: T
timezone: Europe/Rome
rules:
  - {id: monthly, kind: recurring, clause: C1, who: {role: branch}, action: report, every: month}
"""
ORG = "id: o\ntimezone: Europe/Rome\nactors:\n  - {id: b1, roles: [branch]}\n"
ALL_BAD = "id,time,actor,action\nx1,10/01/2024,b1,report\nx2,10/02/2024,b1,report\n"
GOOD = "id,time,actor,action\ne1,2024-01-10T10:00:00+01:00,b1,report\ne2,2024-02-10T10:00:00+01:00,b1,report\n"


def _event(i: int) -> dict[str, str]:
    return {"id": f"e{i}", "time": f"2024-0{i}-10T10:00:00+01:00", "actor": "b1", "action": "report"}


def _check(tmp_path: Path, logs: dict[str, str], fmt: str, *extra: str, to: str = "2024-02-29") -> tuple[int, str, str]:
    (tmp_path / "rules.yaml").write_text(RULES, encoding="utf-8")
    (tmp_path / "org.yaml").write_text(ORG, encoding="utf-8")
    argv = ["check", str(tmp_path / "rules.yaml"), "--org", str(tmp_path / "org.yaml")]
    for name, text in logs.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        argv += ["--events", str(tmp_path / name)]
    argv += ["--from", "2024-01-01", "--to", to, "--format", fmt, *extra]
    out, err = io.StringIO(), io.StringIO()
    code = run(argv, out, err)
    return code, out.getvalue(), err.getvalue()


def _records_suite(text: str) -> ET.Element:
    suite = ET.fromstring(text).find(f"testsuite[@name='{RECORDS_SUITE}']")
    assert suite is not None
    return suite


# --- a log whose every record was rejected, beside a good one -----------------------------------


@pytest.mark.parametrize("order", [("allbad.csv", "ev.csv"), ("ev.csv", "allbad.csv")])
def test_a_log_whose_every_record_was_rejected_is_an_error_beside_a_good_log(
    tmp_path: Path, order: tuple[str, str]
) -> None:
    """Two records, both rejected (a day-first date), given with a log that is read whole: the
    check exits 2 with its report written, the JUnit records suite has an ``<error>`` for that
    log, and stderr names it. Before, the good log hid it: exit 0, no error."""
    logs = {"allbad.csv": ALL_BAD, "ev.csv": GOOD}
    code, out, err = _check(tmp_path, {name: logs[name] for name in order}, "junit")
    assert code == 2
    root = ET.fromstring(out)
    assert (root.get("errors"), root.get("failures")) == ("1", "0")
    suite = _records_suite(out)
    assert suite.get("errors") == "1"
    bad = str(tmp_path / "allbad.csv")
    [case] = [c for c in suite.findall("testcase") if c.find("error") is not None]
    assert case.get("name") == f"all-records-rejected/{bad}"
    error = case.find("error")
    assert error is not None and error.get("type") == "all-records-rejected"
    assert error.get("message") == (
        f"Every record of the log {bad} (2) was rejected: nothing in it could be checked,"
        " so this report shows nothing it holds."
    )
    assert err == (
        f"error: {bad}: every record of this log (2) was rejected (see the report's unreadable records):"
        " nothing in it could be checked\n"
        f"error: rejected records: 2; the first: record allbad.csv:2 could not be read: expected an ISO 8601 time"
        " such as 2024-11-28T09:30:00+01:00, got '10/01/2024'\n"
    )


def test_a_log_whose_every_record_was_rejected_fails_every_format_beside_a_good_log(tmp_path: Path) -> None:
    """SARIF's run is not successful, with the log's note at level error; the JSON report holds
    the same note; the text report says it; the exit code is 2 in each, ``--fail-on never`` too
    (nothing could be checked in that log: not a finding the threshold weighs)."""
    logs = {"allbad.csv": ALL_BAD, "ev.csv": GOOD}
    bad = str(tmp_path / "allbad.csv")
    note = (
        f"Every record of the log {bad} (2) was rejected: nothing in it could be checked,"
        " so this report shows nothing it holds."
    )
    code, out, _ = _check(tmp_path, logs, "sarif")
    assert code == 2
    (invocation,) = json.loads(out)["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False
    assert {"message": {"text": note}, "level": "error"} in invocation["toolExecutionNotifications"]
    code, out, _ = _check(tmp_path, logs, "json", "--fail-on", "never")
    assert code == 2
    report = json.loads(out)
    assert (report["records"]["read"], report["records"]["rejected"]) == (4, 2)
    assert note in report["notes"]
    code, out, _ = _check(tmp_path, logs, "text")
    assert code == 2
    assert note in out.splitlines()


def test_logs_each_read_in_part_are_not_errors(tmp_path: Path) -> None:
    """A log with one record rejected and one read is read: its rejection is a warning, as before."""
    part = "id,time,actor,action\nx1,10/01/2024,b1,report\ne2,2024-02-10T10:00:00+01:00,b1,report\n"
    code, out, err = _check(
        tmp_path, {"part.csv": part, "ev.csv": GOOD.replace("e1", "f1").replace("e2", "f2")}, "junit"
    )
    assert code == 0, err
    assert ET.fromstring(out).get("errors") == "0"
    assert err == ""


def _check_paths(tmp_path: Path, paths: list[str], fmt: str = "json") -> tuple[int, str, str]:
    """`govrules check` over logs given by path as written (a file twice, or under two spellings)."""
    (tmp_path / "rules.yaml").write_text(RULES, encoding="utf-8")
    (tmp_path / "org.yaml").write_text(ORG, encoding="utf-8")
    argv = ["check", str(tmp_path / "rules.yaml"), "--org", str(tmp_path / "org.yaml")]
    for path in paths:
        argv += ["--events", path]
    argv += ["--from", "2024-01-01", "--to", "2024-02-29", "--format", fmt]
    out, err = io.StringIO(), io.StringIO()
    code = run(argv, out, err)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("spelling", ["other", "same file, another spelling", "same file, same name"])
def test_a_log_of_only_duplicates_is_read(tmp_path: Path, spelling: str) -> None:
    """A log whose records each repeat the id of a record read before (in another log, or in the
    same file given again): each is rejected as a duplicate, a warning, and checked through the
    record it repeats, so the log is not one of those not read whole. The exit code is the
    findings' (0), with no note and nothing on stderr. Before, it was 2, with a note that nothing
    in the log could be checked."""
    (tmp_path / "ev.csv").write_text(GOOD, encoding="utf-8")
    good = str(tmp_path / "ev.csv")
    if spelling == "other":
        (tmp_path / "march.csv").write_text(GOOD.split("\n", 1)[0] + "\n" + GOOD.split("\n")[2] + "\n")
        again = str(tmp_path / "march.csv")
    else:
        again = good if spelling == "same file, same name" else f"{tmp_path}/./ev.csv"
    code, out, err = _check_paths(tmp_path, [good, again])
    report = Report.model_validate_json(out)
    duplicates = [f for f in report.findings if f.code == FindingCode.REJECTED_EVENT]
    assert [(f.file, f.severity) for f in duplicates] == [(again, "warning")] * (1 if spelling == "other" else 2)
    assert all(duplicate_of(f.detail["reason"]) is not None for f in duplicates)
    assert report.unread_logs() == []
    assert (code, report.notes, err) == (0, (), "")
    code, text, err = _check_paths(tmp_path, [good, again], "text")
    assert (code, err) == (0, "")
    assert "was rejected" not in text


def test_a_log_of_rejected_records_given_twice_under_one_name_counts_its_records_once(tmp_path: Path) -> None:
    """A log whose two records are both rejected, given twice under the same name beside a good
    log: it is read twice (four rejections), and not read whole; its note counts its two records."""
    (tmp_path / "ev.csv").write_text(GOOD, encoding="utf-8")
    (tmp_path / "allbad.csv").write_text(ALL_BAD, encoding="utf-8")
    bad = str(tmp_path / "allbad.csv")
    code, out, err = _check_paths(tmp_path, [str(tmp_path / "ev.csv"), bad, bad])
    report = Report.model_validate_json(out)
    assert report.records.files[bad] == 4
    assert report.unread_logs() == [UnreadLog(file=bad, read=2, all_rejected=True, stopped=False)]
    note = (
        f"Every record of the log {bad} (2) was rejected: nothing in it could be checked,"
        " so this report shows nothing it holds."
    )
    assert (code, report.notes) == (2, (note,))
    assert "(2) was rejected" in err


def test_a_log_of_duplicates_and_unreadable_records_is_not_read_whole(tmp_path: Path) -> None:
    """A log whose records are each either a duplicate or unreadable: nothing of its own was
    checked, so it is not read whole (exit 2), and the note counts all its records."""
    (tmp_path / "ev.csv").write_text(GOOD, encoding="utf-8")
    (tmp_path / "mixed.csv").write_text(
        GOOD.split("\n")[0] + "\n" + GOOD.split("\n")[2] + "\n" + ALL_BAD.split("\n")[1]
    )
    mixed = str(tmp_path / "mixed.csv")
    code, out, _ = _check_paths(tmp_path, [str(tmp_path / "ev.csv"), mixed])
    report = Report.model_validate_json(out)
    assert report.unread_logs() == [UnreadLog(file=mixed, read=2, all_rejected=True, stopped=False)]
    assert code == 2


# --- a log whose reading stopped before its end -------------------------------------------------


def _pretty_array_broken_in_record(n: int, records: int = 4) -> str:
    """A JSON array written with indentation (a record over several lines) whose record ``n``
    has a comma after its last member."""
    parts = []
    for i in range(1, records + 1):
        text = json.dumps(_event(i), indent=2)
        if i == n:
            text = text.replace('"report"\n}', '"report",\n}')
        parts.append(text)
    return "[\n" + ",\n".join(parts) + "\n]\n"


def test_a_json_array_whose_reading_stopped_is_an_error_naming_the_line(tmp_path: Path) -> None:
    """A comma after record 2's last member in an indented array (where the next record's start
    could only be guessed): records 3 and 4 are not read, so the check exits 2 with its report
    written, JUnit has an error for the log and SARIF an unsuccessful run, and stderr names the
    file and the line where reading stopped. Before, the months of records 3 and 4 were
    `missing` and the exit code 1, as if the log were complete."""
    logs = {"events.json": _pretty_array_broken_in_record(2)}
    path = str(tmp_path / "events.json")
    code, out, err = _check(tmp_path, logs, "json", to="2024-04-30")
    assert code == 2
    report = json.loads(out)
    assert (report["records"]["read"], report["records"]["rejected"]) == (2, 1)
    [rejected] = [f for f in report["findings"] if f["code"] == "rejected-event"]
    assert (rejected["file"], rejected["line"]) == (path, 2)
    assert "reading stopped at line 13" in rejected["detail"]["reason"]
    stopped = f"The log {path} was not read to its end: reading stopped at record 2 (line 13), so the records after it are not in this report."
    assert stopped in report["notes"]
    assert err == (
        f"error: {path}: reading stopped at record 2 (line 13): the records after it are not in the report\n"
    )
    code, out, _ = _check(tmp_path, logs, "junit", to="2024-04-30")
    assert code == 2
    suite = _records_suite(out)
    assert suite.get("errors") == "1"
    [case] = [c for c in suite.findall("testcase") if c.find("error") is not None]
    assert case.get("name") == f"reading-stopped/{path}"
    error = case.find("error")
    assert error is not None and (error.get("type"), error.get("message")) == ("reading-stopped", stopped)
    code, out, _ = _check(tmp_path, logs, "sarif", to="2024-04-30")
    assert code == 2
    (invocation,) = json.loads(out)["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False
    assert {"message": {"text": stopped}, "level": "error"} in invocation["toolExecutionNotifications"]


def test_a_json_array_of_one_record_a_line_reads_on_after_a_broken_record(tmp_path: Path) -> None:
    """The same comma in an array written one record a line: record 2 is rejected and records 3
    and 4 are read, so only February is missing; the log was read whole (exit 1, no error)."""
    lines = [json.dumps(_event(i)) for i in range(1, 5)]
    lines[1] = lines[1][:-1] + ", }"
    logs = {"events.json": "[\n" + ",\n".join(lines) + "\n]\n"}
    code, out, err = _check(tmp_path, logs, "json", to="2024-04-30")
    assert code == 1, err
    report = json.loads(out)
    assert (report["records"]["read"], report["records"]["rejected"]) == (4, 1)
    assert [(o["period"], o["status"]) for o in report["outcomes"]] == [
        ("2024-01", "met"),
        ("2024-02", "missing"),
        ("2024-03", "met"),
        ("2024-04", "met"),
    ]
    [rejected] = [f for f in report["findings"] if f["code"] == "rejected-event"]
    assert rejected["line"] == 2
    assert rejected["detail"]["reason"].startswith("invalid JSON in the array at line 3: ")
    assert err == ""


def test_an_xes_log_cut_mid_element_is_an_error_naming_the_line(tmp_path: Path) -> None:
    """An XES log cut inside its third event: the two events before are read, the check exits 2
    and the note, the JUnit error and stderr name the log and the XML line where reading stopped."""
    event = (
        '<event><string key="concept:name" value="report"/><string key="org:resource" value="b1"/>'
        '<date key="time:timestamp" value="2024-0{i}-10T10:00:00+01:00"/></event>\n'
    )
    text = '<?xml version="1.0"?>\n<log>\n<trace>\n' + event.format(i=1) + event.format(i=2) + "<event><string key="
    path = str(tmp_path / "log.xes")
    code, out, err = _check(tmp_path, {"log.xes": text}, "junit", to="2024-04-30")
    assert code == 2
    suite = _records_suite(out)
    [case] = [c for c in suite.findall("testcase") if c.find("error") is not None]
    assert case.get("name") == f"reading-stopped/{path}"
    assert err.startswith(f"error: {path}: reading stopped at record 3 (line 6): ")
