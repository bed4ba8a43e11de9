"""`govrules check` as a report writer: formats, exit codes, --output, --quiet, progress, colour, --help."""

from __future__ import annotations

import io
import json
import os
import stat
import threading
from pathlib import Path

import pytest

from govrules.cli import run
from govrules.renderers import RENDERERS, render

ROOT = Path(__file__).resolve().parents[2]
EX = "examples/school-ideology"
LOGS = {"gaps": f"{EX}/events-2024.csv", "compliant": f"{EX}/events-2024-compliant.csv"}


class Terminal(io.StringIO):
    """A stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def check_args(log: str, *extra: str) -> list[str]:
    return [
        "check",
        f"{EX}/rules.yaml",
        "--org",
        f"{EX}/org.yaml",
        "--events",
        log,
        "--map-file",
        f"{EX}/office-export.map.yaml",
        "--from",
        "2024-01-01",
        "--to",
        "2024-12-31",
        *extra,
    ]


def cli(*argv: str, stdout: io.StringIO | None = None, stderr: io.StringIO | None = None) -> tuple[int, str, str]:
    out, err = stdout or io.StringIO(), stderr or io.StringIO()
    code = run(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(autouse=True)
def _at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("NO_COLOR", raising=False)


def test_format_choices_are_the_registry() -> None:
    """--format offers exactly the registered renderers."""
    assert sorted(RENDERERS) == ["html", "json", "junit", "markdown", "sarif", "text"]
    code, out, _ = cli("check", "--help")
    assert code == 0
    assert "{html,json,junit,markdown,sarif,text}" in out


@pytest.mark.parametrize("fmt", sorted(RENDERERS))
@pytest.mark.parametrize(
    ("log", "fail_on", "expected"),
    [
        ("gaps", None, 1),
        ("gaps", "violation", 1),
        ("gaps", "warning", 1),
        ("gaps", "never", 0),
        ("compliant", None, 0),
        ("compliant", "warning", 0),
        ("compliant", "never", 0),
    ],
)
def test_exit_codes(fmt: str, log: str, fail_on: str | None, expected: int) -> None:
    """Every format: 1 for findings at or above --fail-on, else 0; the report is written either way."""
    if not (ROOT / LOGS[log]).exists():
        pytest.skip(f"{LOGS[log]} is not in this checkout")
    extra = ["--format", fmt] + (["--fail-on", fail_on] if fail_on else [])
    code, out, err = cli(*check_args(LOGS[log], *extra))
    assert (code, err) == (expected, "")
    assert out


@pytest.mark.parametrize("fmt", sorted(RENDERERS))
def test_bad_input_exits_2_for_every_format(fmt: str) -> None:
    """A missing log is exit 2 with a one-line message naming it, and no report."""
    code, out, err = cli(*check_args(f"{EX}/no-such-log.csv", "--format", fmt))
    assert code == 2
    assert out == ""
    assert "no-such-log.csv" in err
    assert "Traceback" not in err


def test_unknown_format_is_a_usage_error() -> None:
    """An unknown --format is exit 2."""
    code, _, err = cli(*check_args(LOGS["gaps"], "--format", "pdf"))
    assert code == 2
    assert "invalid choice" in err


@pytest.mark.parametrize("fmt", sorted(RENDERERS))
def test_output_is_written_whole_and_stdout_stays_empty(fmt: str, tmp_path: Path) -> None:
    """--output writes the same bytes as stdout would get, leaves no temporary file, and says so on stderr."""
    _, expected, _ = cli(*check_args(LOGS["gaps"], "--format", fmt))
    target = tmp_path / f"report.{fmt}"
    code, out, err = cli(*check_args(LOGS["gaps"], "--format", fmt, "--output", str(target)))
    assert (code, out) == (1, "")
    assert target.read_bytes() == expected.encode("utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == [target.name]
    assert err.startswith(f"wrote {target}:")
    assert "(exit code 1)" in err


def test_what_was_written_is_said_in_the_reports_language(tmp_path: Path) -> None:
    """The line that says what --output holds follows --lang, counts in their number in English."""
    target = tmp_path / "report.json"
    code, _, err = cli(*check_args(LOGS["gaps"], "--format", "json", "--output", str(target), "--lang", "zh"))
    report = json.loads(target.read_text("utf-8"))
    s = report["summary"]
    assert (code, err) == (
        1,
        f"已写入 {target}:义务 {s['obligations']} 项,违规 {s['violations']} 项,警示 {s['warnings']} 项(退出码 1)\n",
    )
    code, _, err = cli(*check_args(LOGS["gaps"], "--format", "json", "--output", str(target)))
    assert err == (
        f"wrote {target}: {s['obligations']} obligations, {s['violations']} violations, {s['warnings']} warnings "
        "(exit code 1)\n"
    )


def test_quiet_prints_only_the_report(tmp_path: Path) -> None:
    """--quiet: no summary line with --output, no progress on a terminal."""
    target = tmp_path / "r.txt"
    code, out, err = cli(*check_args(LOGS["gaps"], "--output", str(target), "--quiet"), stderr=Terminal())
    assert (code, out, err) == (1, "", "")
    assert target.read_text("utf-8").startswith("Compliance report:")


def test_output_into_a_missing_folder_is_exit_2(tmp_path: Path) -> None:
    """An unwritable --output is exit 2 with a message, not a traceback."""
    code, _, err = cli(*check_args(LOGS["gaps"], "--output", str(tmp_path / "no" / "r.txt")))
    assert code == 2
    assert "error:" in err
    assert "Traceback" not in err


def test_an_output_that_cannot_be_written_is_named_not_its_temporary_file(tmp_path: Path) -> None:
    """--output naming a folder, or a file in a folder nothing can be made in: the message names
    the report as given, never the temporary file it is written to first, and none is left."""
    folder = tmp_path / "reports"
    folder.mkdir()
    code, out, err = cli(*check_args(LOGS["gaps"], "--output", str(folder)))
    said = "is a folder; expected the name of a file to write the report to (a file in that folder, for example)"
    assert (code, out, err) == (2, "", f"error: {folder}: {said}\n")
    assert list(folder.iterdir()) == [] and sorted(p.name for p in tmp_path.iterdir()) == ["reports"]
    code, out, err = cli(*check_args(LOGS["gaps"], "--output", "/proc/report.txt"))
    assert (code, out) == (2, "")
    assert (
        err.startswith("error: /proc/report.txt: cannot create the report in the folder /proc: ") and ".tmp" not in err
    )


def test_output_through_a_link_or_into_a_pipe_keeps_them(tmp_path: Path) -> None:
    """--output naming a symbolic link replaces the file it names and keeps the link; naming a
    pipe (or a device such as /dev/stdout) writes into it. Both were replaced by a regular file,
    and the pipe's reader got nothing."""
    _, expected, _ = cli(*check_args(LOGS["gaps"], "--format", "json"))
    real, link = tmp_path / "real.json", tmp_path / "link.json"
    real.write_text("old", encoding="utf-8")
    link.symlink_to(real)
    code, out, _ = cli(*check_args(LOGS["gaps"], "--format", "json", "--output", str(link)))
    assert (code, out) == (1, "")
    assert link.is_symlink() and real.read_text("utf-8") == expected
    fifo = tmp_path / "report.fifo"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    code, out, _ = cli(*check_args(LOGS["gaps"], "--format", "json", "--output", str(fifo)))
    reader.join(timeout=30)
    assert (code, out) == (1, "")
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert got == [expected.encode("utf-8")]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.json", "real.json", "report.fifo"]


def test_output_to_dev_stdout_goes_where_the_standard_output_goes(tmp_path: Path) -> None:
    """`--output /dev/stdout` in a shell: into the pipe the standard output is (its link named a
    pipe that does not exist as a file, an error), and appended to a file it was redirected to
    with `>>` (the file was replaced, losing what it held)."""
    import subprocess
    import sys

    argv = [sys.executable, "-m", "govrules", *check_args(LOGS["gaps"], "--format", "json", "--output", "/dev/stdout")]
    expected = cli(*check_args(LOGS["gaps"], "--format", "json"))[1]
    piped = subprocess.run(argv, capture_output=True, text=True, check=False)
    assert (piped.returncode, piped.stdout) == (1, expected)
    appended = tmp_path / "app.txt"
    appended.write_text("HEADER\n", encoding="utf-8")
    with appended.open("a", encoding="utf-8") as handle:
        code = subprocess.run(argv, stdout=handle, stderr=subprocess.DEVNULL, check=False).returncode
    assert (code, appended.read_text("utf-8")) == (1, "HEADER\n" + expected)


def test_a_file_under_dev_that_is_a_file_is_replaced_whole() -> None:
    """A report written twice to a file under /dev/shm (memory-backed scratch space): one report,
    replaced whole as any file is. Every path under /dev was appended to, giving two."""
    import uuid

    target = Path("/dev/shm") / f"govrules-{uuid.uuid4().hex}.json"
    try:
        for _ in range(2):
            code, out, _err = cli(*check_args(LOGS["gaps"], "--format", "json", "--output", str(target)))
            assert (code, out) == (1, "")
        assert json.loads(target.read_text("utf-8"))["records"]["read"] > 0
    finally:
        target.unlink(missing_ok=True)


def test_logs_sharing_a_file_name_give_their_records_ids_of_their_own(tmp_path: Path) -> None:
    """One export a month, each `events.csv` in its month's folder, records without ids: each is
    named by its log's path and line, so November's first record is not a duplicate of
    October's (it was rejected as one, and November reported missing)."""
    (tmp_path / "rules.yaml").write_text(
        "id: m\ntitle: M\ntimezone: UTC\nrules:\n"
        "  - {id: monthly, kind: recurring, clause: C1, who: {role: unit}, action: report, every: month}\n",
        encoding="utf-8",
    )
    (tmp_path / "org.yaml").write_text("id: o\nactors:\n  - {id: u1, roles: [unit]}\n", encoding="utf-8")
    logs = []
    for month in ("2024-10", "2024-11"):
        (tmp_path / month).mkdir()
        log = tmp_path / month / "events.csv"
        log.write_text(f"time,actor,action\n{month}-10T10:00:00Z,u1,report\n", encoding="utf-8")
        logs += ["--events", str(log)]
    argv = ["check", str(tmp_path / "rules.yaml"), "--org", str(tmp_path / "org.yaml"), *logs]
    code, out, err = cli(*argv, "--from", "2024-10-01", "--to", "2024-11-30", "--format", "json")
    assert (code, err) == (0, "")
    report = json.loads(out)
    assert [(o["period"], o["status"], o["evidence"]) for o in report["outcomes"]] == [
        ("2024-10", "met", [f"{tmp_path / '2024-10' / 'events.csv'}:2"]),
        ("2024-11", "met", [f"{tmp_path / '2024-11' / 'events.csv'}:2"]),
    ]
    assert report["records"]["rejected"] == 0


def test_evidence_in_logs_sharing_a_file_name_is_located_by_its_path(tmp_path: Path) -> None:
    """Two reports in January, one in each month's `events.csv`: the text report located them
    as "A1 at events.csv:2, A0 at events.csv:2", where a reader cannot tell the logs apart; a
    file name that two logs share is shown with its folder, one no other log has by itself."""
    (tmp_path / "rules.yaml").write_text(
        "id: m\ntitle: M\ntimezone: UTC\nrules:\n"
        "  - {id: monthly, kind: recurring, clause: C1, who: u1, action: report, every: month, max: 1}\n",
        encoding="utf-8",
    )
    (tmp_path / "org.yaml").write_text("id: o\nactors:\n  - {id: u1}\n", encoding="utf-8")
    logs = []
    for month, event in (("2024-01", "A0"), ("2024-02", "A1")):
        (tmp_path / month).mkdir()
        log = tmp_path / month / "events.csv"
        log.write_text(f"id,time,actor,action\n{event},2024-01-1{event[1]}T10:00:00Z,u1,report\n", encoding="utf-8")
        logs += ["--events", str(log)]
    (tmp_path / "other.csv").write_text("id,time,actor,action\nB0,2024-01-20T10:00:00Z,u1,report\n", encoding="utf-8")
    argv = ["check", str(tmp_path / "rules.yaml"), "--org", str(tmp_path / "org.yaml"), *logs]
    argv += ["--events", str(tmp_path / "other.csv"), "--from", "2024-01-01", "--to", "2024-01-31"]
    code, out, err = cli(*argv, "--fail-on", "never")
    assert (code, err) == (0, "")
    [line] = [line for line in out.splitlines() if "evidence:" in line]
    january, february = tmp_path / "2024-01" / "events.csv", tmp_path / "2024-02" / "events.csv"
    assert line.endswith(f"[evidence: A0 at {january}:2, A1 at {february}:2, B0 at other.csv:2]")


class _ClosedPipe(io.StringIO):
    """A standard output whose reader has gone (`govrules check ... | head -1`)."""

    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")


def test_a_closed_standard_output_is_said_as_such() -> None:
    """The reader of the report stopped early: exit 2 and a sentence, not 'error: : Broken pipe'."""
    code, _, err = cli(*check_args(LOGS["gaps"]), stdout=_ClosedPipe())
    assert (code, err) == (2, "error: the standard output was closed before the report was written to it\n")


@pytest.mark.parametrize(
    ("map_file", "flags", "message"),
    [
        (
            "fields:\n  time: Completed at\n  bogus: x\n",
            [],
            "{map}:3:3: /fields/bogus unknown event field 'bogus' in 'bogus=x'; expected one of id, time, actor, "
            "action, recipient, subject, ref, period [bad-value]",
        ),
        (
            "fields: {time: Completed at}\nencoding: nope\n",
            [],
            "{map}:2:1: /encoding unknown text encoding 'nope'; expected one such as gb18030 [bad-encoding]",
        ),
        (None, ["--encoding", "nope"], "--encoding: unknown text encoding 'nope'; expected one such as gb18030"),
        # an alternative that would give every record no value, or a quote left open
        (
            "fields:\n  time: Completed at\n  actor: \"Officer|''\"\n",
            [],
            "{map}:3:3: /fields/actor expected a column or a quoted text in each alternative of \"actor=Officer|''\", "
            "got an empty one [bad-value]",
        ),
        (
            None,
            ["--map", "actor=a||b"],
            "--map: expected a column or a quoted text in each alternative of 'actor=a||b', got an empty one",
        ),
        # codecs Python knows that do not turn bytes into text
        (None, ["--encoding", "rot13"], "--encoding: unknown text encoding 'rot13'; expected one such as gb18030"),
        (
            "fields: {time: Completed at}\nencoding: base64\n",
            [],
            "{map}:2:1: /encoding unknown text encoding 'base64'; expected one such as gb18030 [bad-encoding]",
        ),
        # text codecs that cannot read a log: bytes that do not decode are kept to be said, which
        # these refuse to do (idna, punycode), or nothing decodes (undefined); they were taken, and
        # the log refused as one that does not read ("Unsupported error handling surrogateescape")
        *(
            (
                f"fields: {{time: Completed at}}\nencoding: {codec}\n",
                [],
                f"{{map}}:2:1: /encoding unknown text encoding '{codec}'; expected one such as gb18030 [bad-encoding]",
            )
            for codec in ("idna", "punycode", "undefined")
        ),
        (None, ["--encoding", "idna"], "--encoding: unknown text encoding 'idna'; expected one such as gb18030"),
        # a delimiter of two characters (a tab written unquoted is a backslash and a t), or none
        *(
            (
                f"fields: {{time: Completed at}}\ndelimiter: {written}\n",
                [],
                "{map}:2:1: /delimiter expected one character that separates the columns of a CSV log, such as "
                f"';', ',', '|' or a tab (\"\\t\" in double quotes in YAML), got {got} [bad-value]",
            )
            for written, got in (("\\t", "'\\\\t'"), ("';;'", "';;'"), ("'\"'", "'\"'"), ("[';']", "a list"))
        ),
        # a time format strptime would read wrong (%M is the minute), or none
        (
            "fields: {time: Completed at}\ntime_format: '%Y-%M-%d'\n",
            [],
            "{map}:2:1: /time_format time_format '%Y-%M-%d': it names no day: write a year with a month and a day "
            "(%Y, %m, %d), a year and a day of the year (%Y, %j), or an ISO year, week and weekday (%G, %V, %u); "
            "expected a strptime pattern such as '%d.%m.%Y %H:%M' [bad-value]",
        ),
        (
            "fields: {time: Completed at}\ntime_format: [1]\n",
            [],
            "{map}:2:1: /time_format expected a non-empty text, got a list [wrong-type]",
        ),
    ],
)
def test_a_bad_map_file_or_encoding_is_said_where_it_is_written(
    tmp_path: Path, map_file: str | None, flags: list[str], message: str
) -> None:
    """An unknown field of a map file at its line, an unknown encoding in a map file at its line
    and of --encoding as the flag's: not at the map's first line, nor blamed on the log."""
    argv = check_args(LOGS["gaps"], *flags)
    path = tmp_path / "export.map.yaml"
    if map_file is not None:
        path.write_text(map_file, encoding="utf-8")
        argv[argv.index("--map-file") + 1] = str(path)
    code, out, err = cli(*argv)
    assert (code, out, err) == (2, "", f"error: {message.format(map=path)}\n")


def test_progress_only_on_a_terminal() -> None:
    """Reading progress goes to stderr when it is a terminal, and never into the report."""
    code, out_tty, err_tty = cli(*check_args(LOGS["gaps"]), stderr=Terminal())
    assert code == 1
    assert "records" in err_tty
    code, out_plain, err_plain = cli(*check_args(LOGS["gaps"]))
    assert (code, err_plain) == (1, "")
    assert out_tty == out_plain


def test_colour_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Text is coloured when stdout is a terminal, unless NO_COLOR is set or the report goes to a file."""
    _, coloured, _ = cli(*check_args(LOGS["gaps"]), stdout=Terminal())
    _, plain, _ = cli(*check_args(LOGS["gaps"]))
    assert "\x1b[" in coloured
    assert "\x1b[" not in plain
    _, json_out, _ = cli(*check_args(LOGS["gaps"], "--format", "json"), stdout=Terminal())
    assert "\x1b[" not in json_out
    monkeypatch.setenv("NO_COLOR", "1")
    _, no_colour, _ = cli(*check_args(LOGS["gaps"]), stdout=Terminal())
    assert no_colour == plain


def test_help_shows_an_example_and_the_exit_codes() -> None:
    """`govrules check --help` shows a runnable example and what the exit codes mean."""
    code, out, _ = cli("check", "--help")
    assert code == 0
    assert "example:" in out
    assert "govrules check examples/school-ideology/rules.yaml" in out
    assert "--format html --output audit.html" in out
    assert "exit codes: 0 no finding at or above --fail-on, 1 findings at or above it, 2 bad input or usage" in out


@pytest.mark.parametrize("fmt", sorted(RENDERERS))
def test_same_report_same_bytes(fmt: str) -> None:
    """Two runs give the same bytes; rendering twice gives the same bytes and leaves the report as it was."""
    first = cli(*check_args(LOGS["gaps"], "--format", fmt))
    second = cli(*check_args(LOGS["gaps"], "--format", fmt))
    assert first == second

    from govrules.cli import _audit, _parser

    report, context = _audit(_parser().parse_args(check_args(LOGS["gaps"], "--format", fmt)), io.StringIO())
    before = report.model_dump()
    assert render(report, fmt, context) == render(report, fmt, context) == first[1]
    assert report.model_dump() == before


RULES = """\
id: drills
title: {en: Fire drills, zh: 消防演练}
timezone: Europe/Rome
rules:
  - id: monthly-drill
    kind: recurring
    clause: "Art. 1"
    words: Each site holds a fire drill every month.
    title: {en: monthly fire drill, zh: 每月消防演练}
    who: {role: site}
    action: fire-drill
    every: month
"""
ORG = """\
id: company
name: {en: Company, zh: 公司}
timezone: Europe/Rome
actors:
  - {id: site-a, name: {en: Site A, zh: 甲厂}, roles: [site]}
  - {id: site-b, name: {en: Site B, zh: 乙厂}, roles: [site]}
"""


@pytest.mark.parametrize("fmt", sorted(RENDERERS))
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_generated_compliant_log(fmt: str, lang: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A log made here with every drill on time: exit 0 in every format and language, no finding."""
    monkeypatch.chdir(tmp_path)
    Path("rules.yaml").write_text(RULES, encoding="utf-8")
    Path("org.yaml").write_text(ORG, encoding="utf-8")
    rows = ["id,time,actor,action"]
    for site in ("site-a", "site-b"):
        rows += [f"{site}-{m:02d},2024-{m:02d}-15T10:00:00+01:00,{site},fire-drill" for m in range(1, 13)]
    Path("drills.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    args = ["check", "rules.yaml", "--org", "org.yaml", "--events", "drills.csv", "--from", "2024-01-01"]
    args += ["--to", "2024-12-31", "--format", fmt, "--lang", lang, "--fail-on", "warning"]
    code, out, err = cli(*args)
    assert (code, err) == (0, "")
    if fmt == "text":
        assert ("No finding" if lang == "en" else "未发现问题") in out
    if fmt == "json":
        import json

        report = json.loads(out)
        assert report["findings"] == []
        assert {o["status"] for o in report["outcomes"]} == {"met"}
        assert len(report["outcomes"]) == 24


@pytest.mark.parametrize(
    "flags",
    [["--to", "2024-12-31"], ["--to", "2024-06-30"], ["--as-of", "2024-12-31T12:00"], ["--as-of", "2024-12-31"]],
)
def test_without_from_the_range_starts_on_1_january_of_its_last_days_year(flags: list[str]) -> None:
    """No --from: the range starts on 1 January of the year of its last day, also when that day is
    31 December (--to, or --as-of without --to). A range ending on 31 December was read as
    starting on 1 January of the next year, and refused."""
    argv = ["check", f"{EX}/rules.yaml", "--org", f"{EX}/org.yaml", "--events", LOGS["gaps"]]
    argv += ["--map-file", f"{EX}/office-export.map.yaml", "--format", "json", "--fail-on", "never", *flags]
    code, out, err = cli(*argv)
    assert (code, err) == (0, "")
    report = json.loads(out)
    end = flags[1][:10] if flags[0] == "--to" else "2024-12-31"
    assert (report["range_from"], report["range_to"]) == ("2024-01-01", end)


@pytest.mark.parametrize(
    ("flags", "said"),
    [
        (["--from", "2024-06-01", "--to", "2024-01-01"], "--to (2024-01-01) is before --from (2024-06-01)"),
        (
            ["--from", "2024-06-01", "--as-of", "2024-01-01"],
            "the --as-of day (2024-01-01) is before --from (2024-06-01): give --to",
        ),
    ],
)
def test_a_range_ending_before_it_starts_names_what_ended_it(flags: list[str], said: str) -> None:
    """The range's end before --from: the message names --to where it was given, and the --as-of
    day where the range ended there, not a --to nobody wrote."""
    argv = ["check", f"{EX}/rules.yaml", "--org", f"{EX}/org.yaml", "--events", LOGS["gaps"], *flags]
    assert cli(*argv) == (2, "", f"error: {said}\n")


def test_an_audit_moment_before_the_range_is_refused_by_check() -> None:
    """``check --as-of`` before the first instant of --from's day, in the check's zone, is bad
    usage (exit 2): as of then every obligation of the range is pending and no event of it used,
    and the check exited 0 having checked nothing. An audit moment on --from's first instant is
    a check; ``obligations`` still shows the range's obligations as of an earlier moment."""
    code, out, err = cli(*check_args(LOGS["gaps"], "--as-of", "2023-12-31T23:59:59+08:00", "--format", "json"))
    assert (code, out) == (2, "")
    assert err == (
        "error: --as-of (2023-12-31T23:59:59+08:00) is before --from (2024-01-01): as of then every obligation"
        " of the range is pending and no event of it is used, so nothing would be checked; give an --as-of on or"
        " after --from (govrules obligations shows what falls due)\n"
    )
    code, _, err = cli(*check_args(LOGS["gaps"], "--as-of", "2023-12-31", "--lang", "zh"))
    assert code == 2 and err.startswith("错误:--as-of(2023-12-31)早于 --from(2024-01-01)")
    code, out, err = cli(*check_args(LOGS["gaps"], "--as-of", "2024-01-01T00:00+08:00", "--format", "json"))
    assert (code, err) == (0, "")
    assert json.loads(out)["as_of"] == "2024-01-01T00:00:00.999999+08:00"
    argv = ["obligations", f"{EX}/rules.yaml", "--org", f"{EX}/org.yaml", "--from", "2024-01-01", "--to", "2024-01-31"]
    code, out, err = cli(*argv, "--as-of", "2023-12-31", "--format", "json")
    assert (code, err) == (0, "")
    assert {o["status"] for o in json.loads(out)} == {"pending", "exempt", "not-held"}


def test_with_no_range_flags_on_31_december_the_range_is_that_year() -> None:
    """Run on 31 December with neither --from, --to nor --as-of: the year to date, not an error."""
    import argparse
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from govrules.cli import _range

    tz = ZoneInfo("Asia/Shanghai")
    now = datetime(2024, 12, 31, 12, tzinfo=tz)
    start, end, as_of = _range(argparse.Namespace(as_of=None, end=None, start=None), tz, now)
    assert (start.isoformat(), end.isoformat(), as_of) == ("2024-01-01", "2025-01-01", now)


def test_a_range_yet_to_begin_is_refused_without_an_as_of() -> None:
    """Without --as-of the audit moment is now; a range that begins after it is refused as an
    --as-of before --from is (exit 2), for the same reason: nothing of it could be checked."""
    import argparse
    from datetime import date, datetime
    from zoneinfo import ZoneInfo

    from govrules.cli import _range, _UsageError

    tz = ZoneInfo("Asia/Shanghai")
    now = datetime(2026, 11, 30, 12, tzinfo=tz)
    with pytest.raises(_UsageError) as info:
        _range(argparse.Namespace(as_of=None, end="2030-12-31", start="2030-01-01"), tz, now)
    [wording] = info.value.args
    assert (wording.key, wording.values) == (
        "usage-now-before-range",
        {"start": date(2030, 1, 1), "today": date(2026, 11, 30), "zone": "Asia/Shanghai"},
    )
    start, end, as_of = _range(argparse.Namespace(as_of=None, end="2030-12-31", start="2026-11-30"), tz, now)
    assert (start.isoformat(), end.isoformat(), as_of) == ("2026-11-30", "2031-01-01", now)  # begun today: as of now
    code, out, err = cli(*check_args(LOGS["gaps"])[:-4], "--from", "2099-01-01", "--to", "2099-12-31")  # run now
    assert (code, out) == (2, "")
    assert (
        err.startswith("error: --from (2099-01-01) is after today (") and "in Asia/Shanghai, the check's zone)" in err
    )


def test_a_rule_set_of_informative_rules_only_is_named_in_the_error(tmp_path: Path) -> None:
    """A rule set with nothing to check: exit 2, and the message names its file. Before, it said
    only "the rule set", whichever of the command's files it was."""
    rules = tmp_path / "informative.yaml"
    rules.write_text(
        "id: t\ntitle: T\ntimezone: UTC\nrules:\n  - {id: i, kind: informative, clause: D5}\n", encoding="utf-8"
    )
    org = tmp_path / "org.yaml"
    org.write_text("id: o\nactors:\n  - {id: u1, roles: [unit]}\n", encoding="utf-8")
    argv = check_args(LOGS["gaps"])
    argv[1], argv[3] = str(rules), str(org)
    err = io.StringIO()
    assert run(argv, io.StringIO(), err) == 2
    assert err.getvalue() == (
        f"error: the rule set {rules} has no checkable rule (only informative ones): a check would evaluate nothing\n"
    )
