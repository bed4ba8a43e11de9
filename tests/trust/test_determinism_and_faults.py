"""Determinism across process time zones and locales, and faults: truncated logs, vanishing files, full disks."""

from __future__ import annotations

import errno
import io
import json
import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from govrules.cli import run

ROOT = Path(__file__).resolve().parents[2]
EX = ROOT / "examples" / "school-ideology"
CHECK = [
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
    "--fail-on",
    "never",
]


def _cli(argv: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "govrules", *argv], capture_output=True, env=full_env, check=False, timeout=120
    )


@pytest.mark.parametrize("fmt", ["json", "text"])
def test_byte_identical_in_any_process_zone_and_locale(fmt: str) -> None:
    """The same inputs give the same bytes under TZ=Pacific/Kiritimati and LANG=C as under UTC."""
    a = _cli([*CHECK, "--format", fmt], {"TZ": "UTC", "LANG": "C.UTF-8"})
    b = _cli([*CHECK, "--format", fmt], {"TZ": "Pacific/Kiritimati", "LANG": "C", "LC_ALL": "C"})
    c = _cli([*CHECK, "--format", fmt, "--lang", "zh"], {"TZ": "America/New_York", "LANG": "C"})
    assert (a.returncode, b.returncode, c.returncode) == (0, 0, 0), (a.stderr, b.stderr, c.stderr)
    assert a.stdout == b.stdout
    assert a.stdout and c.stdout and b"Traceback" not in a.stderr + b.stderr + c.stderr


def test_log_ending_mid_record_is_rejected_and_the_run_goes_on(tmp_path: Path) -> None:
    """A CSV cut in the middle of its last row: that row is rejected with its line, the rest is checked."""
    text = (EX / "events-2024.csv").read_text("utf-8")
    cut = text.rstrip("\n")
    cut = cut[: cut.rfind(",")]  # the last row loses its last column
    log = tmp_path / "cut.csv"
    log.write_text(cut, "utf-8")
    argv = [*CHECK]
    argv[argv.index(str(EX / "events-2024.csv"))] = str(log)
    import json

    def rejected(args: list[str]) -> tuple[list[dict[str, Any]], dict[str, int]]:
        out, err = io.StringIO(), io.StringIO()
        assert run([*args, "--format", "json"], out, err) == 0 and err.getvalue() == ""
        report = json.loads(out.getvalue())
        return [f for f in report["findings"] if f["code"] == "rejected-event"], report["records"]

    before, _ = rejected(CHECK)
    after, records = rejected(argv)
    seen = {(f["line"], str(f["detail"])) for f in before}
    [new] = [f for f in after if (f["line"], str(f["detail"])) not in seen]
    assert new["line"] == len(cut.splitlines())
    assert "columns" in new["detail"]["reason"]
    assert records["read"] == records["used"] + records["unused"] + records["rejected"]


def test_missing_log_is_exit_2_with_the_file_named(tmp_path: Path) -> None:
    """A log that does not exist (or vanished) gives exit 2 and names the file."""
    argv = [*CHECK]
    gone = tmp_path / "gone.csv"
    argv[argv.index(str(EX / "events-2024.csv"))] = str(gone)
    out, err = io.StringIO(), io.StringIO()
    assert run(argv, out, err) == 2
    assert str(gone) in err.getvalue() and "Traceback" not in err.getvalue()


def test_unreadable_log_is_exit_2(tmp_path: Path) -> None:
    """A log that is a directory cannot be read: exit 2, not a traceback."""
    argv = [*CHECK]
    argv[argv.index(str(EX / "events-2024.csv"))] = str(tmp_path)
    out, err = io.StringIO(), io.StringIO()
    tmp_csv = tmp_path / "x.csv"
    tmp_csv.mkdir()
    argv[argv.index(str(tmp_path))] = str(tmp_csv)
    assert run(argv, out, err) == 2
    assert str(tmp_csv) in err.getvalue()


def test_full_disk_keeps_the_previous_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """When writing --output fails (disk full), the previous report is intact, the exit code is 2,
    and the message names the report (the error of a write names no file)."""
    target = tmp_path / "report.json"
    target.write_text("previous report\n", "utf-8")
    real_fsync = os.fsync

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    out, err = io.StringIO(), io.StringIO()
    code = run([*CHECK, "--format", "json", "--output", str(target)], out, err)
    monkeypatch.setattr(os, "fsync", real_fsync)
    assert code == 2
    assert err.getvalue() == f"error: {target}: No space left on device\n"  # naming the report
    assert target.read_text("utf-8") == "previous report\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json"]  # no temporary file left behind


def test_a_report_gets_the_mode_a_new_file_would_or_the_one_it_replaces(tmp_path: Path) -> None:
    """The report is written to a temporary file and moved into place; it is not left private
    (0600, as temporary files are made) but gets the mode the umask gives a new file, or keeps
    the mode of the report it replaces. A folder that does not exist is named as the report's."""
    target = tmp_path / "report.txt"
    previous = os.umask(0o022)
    try:
        assert run([*CHECK, "--output", str(target)], io.StringIO(), io.StringIO()) == 0
        assert stat.S_IMODE(target.stat().st_mode) == 0o644
        target.chmod(0o640)
        assert run([*CHECK, "--output", str(target)], io.StringIO(), io.StringIO()) == 0
        assert stat.S_IMODE(target.stat().st_mode) == 0o640
    finally:
        os.umask(previous)
    missing = tmp_path / "no-such-folder" / "report.txt"
    err = io.StringIO()
    assert run([*CHECK, "--output", str(missing)], io.StringIO(), err) == 2
    assert err.getvalue() == f"error: {missing}: no such folder for the report\n"


@pytest.mark.parametrize("command", ["check", "obligations"])
def test_an_output_that_cannot_be_written_is_said_before_the_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    """``--output`` naming a folder, a file under a file, or a file this process may not write
    was found only when the report was written, after the check, and said in the system's words
    of the temporary file ("Is a directory", "no such folder" for a file that is no folder; a
    read-only report was replaced). Each is exit 2 before any input is read, the report named
    and what is wrong said; a folder where no file can be made (``/proc``) is said of that
    folder, in the system's words."""
    import govrules.cli

    def not_now(*args: Any) -> Any:
        raise AssertionError("the inputs were read before the report's place was checked")

    monkeypatch.setattr(govrules.cli, "_audit", not_now)
    monkeypatch.setattr(govrules.cli, "_load_pair", not_now)
    argv = (
        [*CHECK] if command == "check" else ["obligations", *CHECK[1:4], "--from", "2024-01-01", "--to", "2024-12-31"]
    )
    folder, a_file = tmp_path / "reports", tmp_path / "a-file.txt"
    folder.mkdir()
    a_file.write_text("kept\n", "utf-8")
    cases = [
        (
            folder,
            "is a folder; expected the name of a file to write the report to (a file in that folder, for example)",
        ),
        (a_file / "report.json", f"{a_file} is a file, not a folder: the report cannot be written in it"),
        (a_file / "in" / "report.json", f"{a_file} is a file, not a folder: the report cannot be written in it"),
        (tmp_path / "none" / "report.json", "no such folder for the report"),
    ]
    for output, said in cases:
        out, err = io.StringIO(), io.StringIO()
        assert run([*argv, "--output", str(output)], out, err) == 2
        assert (out.getvalue(), err.getvalue()) == ("", f"error: {output}: {said}\n")
    err = io.StringIO()
    assert run([*argv, "--output", str(folder), "--lang", "zh"], io.StringIO(), err) == 2
    assert err.getvalue() == f"错误:{folder}: 是文件夹;应为写入报告的文件名(例如该文件夹中的一个文件)\n"
    # a read-only file (this process may write any file if it runs as root, as a shell's > would)
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda path, mode: mode != os.W_OK and real_access(path, mode))
    err = io.StringIO()
    assert run([*argv, "--output", str(a_file)], io.StringIO(), err) == 2
    assert err.getvalue() == (
        f"error: {a_file}: the file is read-only, and the report would replace it; make it writable, or give another "
        "file\n"
    )
    assert a_file.read_text("utf-8") == "kept\n"
    monkeypatch.undo()
    if not Path("/proc/self").is_dir():
        pytest.fail("this test needs /proc (Linux)")
    err = io.StringIO()
    assert run([*argv, "--output", "/proc/self/report.json"], io.StringIO(), err) == 2
    assert err.getvalue().startswith(
        "error: /proc/self/report.json: cannot create the report in the folder /proc/self: "
    )


@pytest.mark.parametrize("beside", [False, True])
def test_empty_log_is_an_error(tmp_path: Path, beside: bool) -> None:
    """A log with no record at all exits non-zero naming it (nothing to audit is not green), also
    when another log given with it holds records (a failed export among several)."""
    empty = tmp_path / "empty.csv"
    empty.write_text("", "utf-8")
    argv = [*CHECK]
    if beside:
        argv += ["--events", str(empty)]
    else:
        argv[argv.index(str(EX / "events-2024.csv"))] = str(empty)
    out, err = io.StringIO(), io.StringIO()
    assert run(argv, out, err) == 2
    assert err.getvalue() == f"error: the event log {empty} holds no record: nothing to audit\n"
    assert out.getvalue() == ""


@pytest.mark.parametrize("text", ["", "\n", '<?xml version="1.0" encoding="UTF-8"?>\n<!-- no log -->\n'])
def test_an_xes_log_of_no_element_holds_no_record(tmp_path: Path, text: str) -> None:
    """An XES log with no element (an empty file, a declaration alone) holds no record, as an
    empty CSV log does: the check exits 2 saying so. It was one record read and rejected ("malformed
    XES (XML) after record 0: no element found"), counted as read though the file holds none."""
    from zoneinfo import ZoneInfo

    from govrules.events import read_events

    empty = tmp_path / "empty.xes"
    empty.write_text(text, "utf-8")
    assert list(read_events(empty, tz=ZoneInfo("Asia/Shanghai"))) == []
    argv = [*CHECK]
    argv[argv.index(str(EX / "events-2024.csv"))] = str(empty)
    out, err = io.StringIO(), io.StringIO()
    assert run(argv, out, err) == 2
    assert (out.getvalue(), err.getvalue()) == ("", f"error: the event log {empty} holds no record: nothing to audit\n")


def test_log_unreadable_mid_run_is_exit_2(monkeypatch: pytest.MonkeyPatch) -> None:
    """A log that fails with an I/O error half-way (a vanished network share) gives exit 2 naming it."""
    from govrules import events as events_module

    real = events_module._read_csv

    def failing(*args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        records = real(*args, **kwargs)  # type: ignore[arg-type]
        yield next(records)
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(events_module, "_read_csv", failing)
    out, err = io.StringIO(), io.StringIO()
    assert run(CHECK, out, err) == 2
    assert "events-2024.csv" in err.getvalue() and "could not be read to the end" in err.getvalue()
    assert "Traceback" not in err.getvalue()


def test_a_range_of_more_than_a_hundred_years_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """``--from 0001-01-01 --to 2999-12-31`` (a year mistyped) had the check work out some 36,000
    periods of each monthly rule for each actor: seconds to minutes, and a report of obligations
    nobody owed. A range of more than 100 years is exit 2 before any log is read, for ``check``
    and ``obligations``, naming the last day the range could have, in the language asked; the
    library refuses it (`InvalidArgument`). 100 years to the day are taken, from 29 February to
    the day before 28 February."""
    from datetime import date

    from govrules import check, load_org, load_rules, obligations
    from govrules.errors import InvalidArgument

    def not_now(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a log was read for a range that is refused")

    monkeypatch.setattr("govrules.cli.read_events", not_now)
    huge = ["--from", "0001-01-01", "--to", "2999-12-31"]
    said = (
        "expected a range of at most 100 years, from 0001-01-01 to 0100-12-31 at the latest, got one to 2999-12-31: a "
        "check works out every period of the range for every rule and actor, so a range of centuries (a year "
        "mistyped, 0001 for 2001) would take minutes and fill the report with obligations nobody owed"
    )
    for argv in ([*CHECK[:8], *huge], ["obligations", *CHECK[1:4], *huge]):
        out, err = io.StringIO(), io.StringIO()
        assert (run(argv, out, err), out.getvalue(), err.getvalue()) == (2, "", f"error: {said}\n")
    err = io.StringIO()
    assert run([*CHECK[:8], *huge, "--lang", "zh"], io.StringIO(), err) == 2
    assert err.getvalue().startswith("错误:范围应至多 100 年,自 0001-01-01 起最晚到 0100-12-31,实为到 2999-12-31:")
    rules = load_rules(
        b"id: r\ntitle: R\ntimezone: UTC\nrules:\n"
        b"  - {id: y, kind: recurring, clause: c, who: office, action: report, every: year}\n",
        file="r.yaml",
    )
    org = load_org(b"id: o\nactors: [{id: office}]\n", file="o.yaml")
    with pytest.raises(InvalidArgument) as raised:
        check(rules, org, [], start=date(2000, 2, 29), end=date(2100, 3, 1))
    assert "from 2000-02-29 to 2100-02-27 at the latest, got one to 2100-02-28" in str(raised.value)
    with pytest.raises(InvalidArgument):
        obligations(rules, org, start=date(1, 1, 1), end=date(3000, 1, 1))
    assert len(list(obligations(rules, org, start=date(2000, 2, 29), end=date(2100, 2, 28)))) == 100  # 2001 to 2100


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (
            ["--to", "9999-12-31"],
            "error: --to: expected a day before 9999-12-31 (a range ends before the calendar does)\n",
        ),
        (
            ["--from", "9997-01-01", "--to", "9997-01-31"],
            "error: the range must end by 9990-12-31, got one ending 9997-01-31: a period's deadline and "
            "late-acceptance limit, years after it, must stay within the calendar (years 1 to 9999)\n",
        ),
        (
            ["--as-of", "9999-12-31T23:59:59-14:00"],
            "error: --as-of: 9999-12-31T23:59:59-14:00 lies outside the calendar (years 1 to 9999) in the zone "
            "Asia/Shanghai\n",
        ),
    ],
)
def test_a_range_or_audit_moment_past_the_calendar_is_exit_2(flags: list[str], message: str) -> None:
    """A range that would end after the calendar, or an audit moment that the rule set's zone
    cannot show (year 10000 there), is bad input named as such, not an internal error."""
    argv = [*CHECK]
    for flag, value in zip(flags[::2], flags[1::2], strict=True):
        if flag in argv:
            argv[argv.index(flag) + 1] = value
        else:
            argv += [flag, value]
    out, err = io.StringIO(), io.StringIO()
    assert (run(argv, out, err), err.getvalue(), out.getvalue()) == (2, message, "")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["obligations", *CHECK[1:4], "--from", "2024-01-01", "--to", "9999-12-31"],
            "error: --to: expected a day before 9999-12-31 (a range ends before the calendar does)\n",
        ),
        (
            [*CHECK[:8], "--as-of", "9999-12-31"],  # no --to: the as-of day ends the range
            "error: --as-of: 9999-12-31 is at the end of the calendar: give --to, a day by 9990-12-31\n",
        ),
        (
            ["obligations", *CHECK[1:4], "--from", "2024-01-01", "--to", "2024-01-31", "--as-of", "0001-01-01T00:00"],
            "error: --as-of: 0001-01-01T00:00 lies outside the calendar (years 1 to 9999) in the zone Asia/Shanghai\n",
        ),
    ],
)
def test_the_other_commands_and_flags_at_the_calendar_ends_are_exit_2(argv: list[str], message: str) -> None:
    """`obligations --to 9999-12-31`, `check --as-of 9999-12-31` with no --to, and an audit moment
    before the calendar in the rule set's zone are bad input, not an internal error (exit 3)."""
    out, err = io.StringIO(), io.StringIO()
    assert (run(argv, out, err), err.getvalue(), out.getvalue()) == (2, message, "")


def test_an_audit_moment_on_the_calendar_first_day_is_usable() -> None:
    """--as-of 0001-01-01 (a day alone: the end of it) is a moment the zone can show: the range's
    obligations are pending, and the report shows the year in four digits."""
    out, err = io.StringIO(), io.StringIO()
    first_month = ["--from", "0001-01-01", "--to", "0001-01-31", "--fail-on", "warning"]
    assert run([*CHECK[:8], *first_month, "--as-of", "0001-01-01"], out, err) == 1
    assert err.getvalue() == ""
    assert "as of 0001-01-01 23:59:59 +08:05:43" in out.getvalue()  # the zone's local mean time then


def test_an_audit_moment_on_the_calendar_last_day_is_usable() -> None:
    """--as-of 9999-12-31 (a day alone: the end of it, in Shanghai 8 hours before the calendar
    ends) is a moment the zone can show: nothing is pending. Before, the end of that day was
    taken as the calendar's last instant, which Shanghai cannot show, and the check refused it."""
    out, err = io.StringIO(), io.StringIO()
    assert run([*CHECK, "--as-of", "9999-12-31", "--format", "json"], out, err) == 0  # --fail-on never
    report = json.loads(out.getvalue())
    assert (report["as_of"], report["summary"]["statuses"].get("pending", 0)) == ("9999-12-31T23:59:59.999999+08:00", 0)


def test_a_log_whose_every_record_is_rejected_is_exit_2_after_its_report(tmp_path: Path) -> None:
    """Three records, none readable: the report is written (its rejections are how to fix the
    export) with a note saying nothing was checked, and the exit code is 2, not a green 0; stderr
    names where to look, the file and line of the first rejected record (before, it named
    neither)."""
    log = tmp_path / "dates.csv"
    rows = [f"e{i},1{i}/03/2024 10:00,branch-1,ideology-report\n" for i in range(3)]
    log.write_text("id,time,actor,action\n" + "".join(rows), "utf-8")
    argv = [*CHECK[:5], str(log), "--from", "2024-01-01", "--to", "2024-12-31", "--format", "json"]
    out, err = io.StringIO(), io.StringIO()
    assert run(argv, out, err) == 2
    report = json.loads(out.getvalue())
    assert (report["records"]["read"], report["records"]["rejected"]) == (3, 3)
    assert [(f["code"], f["line"]) for f in report["findings"] if f["rule"] is None] == [
        ("rejected-event", line) for line in (2, 3, 4)
    ]
    assert (
        report["notes"][0]
        == "Every record read (3) was rejected: nothing in the logs could be checked, so this report shows nothing they hold."
    )
    assert err.getvalue() == (
        "error: every record read (3) was rejected (see the report's unreadable records): nothing in the logs could be checked\n"
        f"error: rejected records: 3; the first: record {log.name}:2 could not be read: expected an ISO 8601 time such as"
        " 2024-11-28T09:30:00+08:00, got '10/03/2024 10:00'\n"
    )
    err = io.StringIO()  # said in the report's language
    assert run([*argv, "--lang", "zh"], io.StringIO(), err) == 2
    assert err.getvalue() == (
        "错误:读取的全部记录(3 条)均被拒绝(见报告中无法读取的记录):日志中没有可检查的内容\n"
        f"错误:被拒绝的记录 3 条,第一条:记录 {log.name}:2 无法读取:应为 ISO 8601 时间(如 2024-11-28T09:30:00+08:00),"
        "实为 '10/03/2024 10:00'\n"
    )


def test_a_full_device_named_as_the_output_is_named_in_the_error(tmp_path: Path) -> None:
    """``--output /dev/full`` (a device, written into): the write fails, exit 2, and the message
    names it rather than saying only "No space left on device"."""
    if not os.path.exists("/dev/full"):
        pytest.fail("this test needs /dev/full (Linux)")
    out, err = io.StringIO(), io.StringIO()
    assert run([*CHECK, "--format", "json", "--output", "/dev/full"], out, err) == 2
    assert err.getvalue() == "error: /dev/full: No space left on device\n"
