"""`govrules check --lang zh` says its own lines on stderr in Chinese: a bad flag, an empty log, a
log the reader refuses (a missing column, a byte order mark the encoding does not read, an
unreadable file), a map file's problem, a log not read whole, the reading progress. Each still
names the file, the line and what was expected, exits 2, and shows no traceback; ``--lang en``
(the default) says them in English, as before."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from govrules.cli import run

RULES = """\
id: t
title: T
timezone: Europe/Rome
rules:
  - {id: monthly, kind: recurring, clause: C1, who: {role: branch}, action: report, every: month}
"""
ORG = "id: o\ntimezone: Europe/Rome\nactors:\n  - {id: b1, roles: [branch]}\n"
GOOD = "id,time,actor,action\ne1,2024-01-10T10:00:00+01:00,b1,report\n"

ENGLISH_SENTENCE = re.compile(r"[A-Za-z]+ [A-Za-z]+ [A-Za-z]+")
"""Three English words in a row: a sentence left untranslated (paths, flags and codes hold none)."""


class Terminal(io.StringIO):
    """A stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def _check(
    folder: Path, lang: str, log: str | bytes | None, *flags: str, stderr: io.StringIO | None = None
) -> tuple[int, str]:
    """Run ``check`` over a log ``events.csv`` written in ``folder`` (none when ``log`` is None)."""
    (folder / "rules.yaml").write_text(RULES, encoding="utf-8")
    (folder / "org.yaml").write_text(ORG, encoding="utf-8")
    path = folder / "events.csv"
    if isinstance(log, str):
        path.write_text(log, encoding="utf-8")
    elif isinstance(log, bytes):
        path.write_bytes(log)
    argv = ["check", str(folder / "rules.yaml"), "--org", str(folder / "org.yaml"), "--events", str(path)]
    argv += ["--from", "2024-01-01", "--to", "2024-01-31", *flags, "--lang", lang]
    err = stderr or io.StringIO()
    code = run(argv, io.StringIO(), err)
    return code, err.getvalue()


def _map_file(folder: Path, text: str) -> list[str]:
    path = folder / "export.map.yaml"
    path.write_text(text, encoding="utf-8")
    return ["--map-file", str(path)]


Case = tuple[str | bytes | None, Callable[[Path], list[str]], str, str, str]
"""A log, the flags (given the folder), the file and line the error names (``{dir}`` the folder),
the Chinese words it holds, and the English line as it is said today."""

CASES: dict[str, Case] = {
    "missing-column": (
        "id,time,actor\ne1,2024-01-10T10:00:00+01:00,b1\n",
        lambda folder: [],
        "{dir}/events.csv:1: ",
        "没有事件字段 'action' 的列(查找了 'action';表头为 'id', 'time', 'actor');请用 --map action=列名 指定 [missing-column]",
        "error: {dir}/events.csv:1: no column for event field 'action' (looked for 'action'; the header has "
        "'id', 'time', 'actor'); map one with --map action=COLUMN [missing-column]",
    ),
    "missing-attribute-column": (
        GOOD,
        lambda folder: _map_file(folder, "fields: {}\nattributes: {Reviewer: reviewer}\n"),
        "{dir}/events.csv:1: ",
        "没有属性 'reviewer' 的列 'Reviewer'(映射将其重命名;表头为 'id', 'time', 'actor', 'action') [missing-column]",
        "error: {dir}/events.csv:1: no column 'Reviewer' for attribute 'reviewer' (the map renames it; the header "
        "has 'id', 'time', 'actor', 'action') [missing-column]",
    ),
    "byte-order-mark": (
        b"\xef\xbb\xbf" + GOOD.encode(),
        lambda folder: ["--encoding", "gb18030"],
        "{dir}/events.csv:1: ",
        "该日志以 utf-8 字节顺序标记开头,但给出的编码是 gb18030:请用 --encoding utf-8 读取 [bad-encoding]",
        "error: {dir}/events.csv:1: the log starts with a utf-8 byte order mark, but the encoding given is "
        "gb18030: read it with --encoding utf-8 [bad-encoding]",
    ),
    "header-encoding": (
        "编号,time,actor,action\n".encode("gb18030"),
        lambda folder: ["--map", "id=编号"],
        "{dir}/events.csv:1: ",
        "表头不是有效的 utf-8-sig 文本,无法按名称找到任何列:请给出该日志写入时所用的编码"
        "(许多中文导出文件为 --encoding gb18030) [bad-encoding]",
        "error: {dir}/events.csv:1: the header is not valid utf-8-sig text, so no column can be found by its "
        "name: give the encoding the log was written in (--encoding gb18030 for many Chinese exports) [bad-encoding]",
    ),
    "unreadable-log": (
        None,
        lambda folder: [],
        "{dir}/events.csv: ",
        "无法打开该日志:没有该文件或文件夹 [unreadable]",
        "error: {dir}/events.csv: cannot open the log: No such file or directory [unreadable]",
    ),
    "empty-log": (
        "id,time,actor,action\n",
        lambda folder: [],
        "事件日志 {dir}/events.csv ",
        "中没有任何记录:无可审计的内容",
        "error: the event log {dir}/events.csv holds no record: nothing to audit",
    ),
    "map-file": (
        GOOD,
        lambda folder: _map_file(folder, "fields: {time: time}\nencoding: base64\n"),
        "{dir}/export.map.yaml:2:1: ",
        "/encoding 未知的文本编码 'base64';应为 gb18030 之类的编码 [bad-encoding]",
        "error: {dir}/export.map.yaml:2:1: /encoding unknown text encoding 'base64'; expected one such as gb18030 "
        "[bad-encoding]",
    ),
    "map-file-wrong-type": (
        GOOD,
        lambda folder: _map_file(folder, "fields: {time: time}\nlists: [topics]\n"),
        "{dir}/export.map.yaml:2:1: ",
        "/lists 应为属性到列表分隔符的映射({topics: ';'}),实为列表 [wrong-type]",
        "error: {dir}/export.map.yaml:2:1: /lists expected a mapping of attributes to list separators "
        "({{topics: ';'}}), got a list [wrong-type]",
    ),
}


@pytest.mark.parametrize("kind", sorted(CASES))
def test_a_log_or_map_the_command_refuses_is_said_in_the_language_asked(tmp_path: Path, kind: str) -> None:
    """Exit 2, one line naming the file and line, in Chinese words with none of the English
    sentence; in English as before."""
    log, flags, where, words, english = CASES[kind]
    where, english = where.format(dir=tmp_path), english.format(dir=tmp_path)
    code, err = _check(tmp_path, "zh", log, *flags(tmp_path))
    assert code == 2
    assert err.startswith(f"错误:{where}")
    assert err.endswith(f"{words}\n") and err.count("\n") == 1
    assert "Traceback" not in err
    assert not ENGLISH_SENTENCE.search(err), err
    code, err = _check(tmp_path, "en", log, *flags(tmp_path))
    assert (code, err) == (2, f"{english}\n")


FLAGS = {
    "from": (
        ["--from", "2024-13-01"],
        "--from:应为日期(如 2024-12-31),实为 '2024-13-01'",
        "--from: expected a date such as 2024-12-31, got '2024-13-01'",
    ),
    "as-of": (
        ["--as-of", "yesterday"],
        "--as-of:应为 ISO 8601 时刻(如 2024-12-31T23:59:59+01:00),实为 'yesterday'",
        "--as-of: expected an ISO 8601 moment such as 2024-12-31T23:59:59+01:00, got 'yesterday'",
    ),
    "as-of-day": (
        ["--as-of", "2024-02-30"],
        "--as-of:应为 ISO 8601 时刻(如 2024-12-31T23:59:59+01:00),实为 '2024-02-30':日期超出该月范围:2024-02 只有 29 天,没有 30 日",
        "--as-of: expected an ISO 8601 moment such as 2024-12-31T23:59:59+01:00, got '2024-02-30':"
        " day 30 is out of range for the month 2024-02, which has 29 days",
    ),
    "to-before-from": (
        ["--from", "2024-06-01"],
        "--to(2024-01-31)早于 --from(2024-06-01)",
        "--to (2024-01-31) is before --from (2024-06-01)",
    ),
    "encoding": (
        ["--encoding", "nope"],
        "--encoding:未知的文本编码 'nope';应为 gb18030 之类的编码",
        "--encoding: unknown text encoding 'nope'; expected one such as gb18030",
    ),
    "map": (
        ["--map", "actor=a||b"],
        "--map:'actor=a||b' 的每个备选项都应为列名或带引号的文本,其中有一个为空",
        "--map: expected a column or a quoted text in each alternative of 'actor=a||b', got an empty one",
    ),
}


@pytest.mark.parametrize("kind", sorted(FLAGS))
def test_a_bad_flag_is_said_in_the_language_asked(tmp_path: Path, kind: str) -> None:
    """A flag the command cannot use: exit 2, the flag and the value given named, in Chinese with
    no English sentence; in English as before. (The later flag wins: ``--from`` given twice.)"""
    flags, words, english = FLAGS[kind]
    code, err = _check(tmp_path, "zh", GOOD, *flags)
    assert code == 2
    assert err == f"错误:{words}\n"
    assert not ENGLISH_SENTENCE.search(err), err
    assert _check(tmp_path, "en", GOOD, *flags) == (2, f"error: {english}\n")


def test_obligations_says_a_bad_range_in_the_language_asked(tmp_path: Path) -> None:
    """`obligations`, the other command with ``--lang``: its range's end before its start, exit 2,
    in Chinese; in English as before."""
    _check(tmp_path, "en", GOOD)  # the rule set and the organisation
    argv = ["obligations", str(tmp_path / "rules.yaml"), "--org", str(tmp_path / "org.yaml")]
    argv += ["--from", "2024-06-01", "--to", "2024-01-31"]
    for lang, said in (
        ("zh", "错误:--to(2024-01-31)早于 --from(2024-06-01)\n"),
        ("en", "error: --to (2024-01-31) is before --from (2024-06-01)\n"),
    ):
        err = io.StringIO()
        assert run([*argv, "--lang", lang], io.StringIO(), err) == 2
        assert err.getvalue() == said


def test_a_log_not_read_whole_is_an_error_said_in_the_language_asked(tmp_path: Path) -> None:
    """A log whose every record was rejected, beside one read whole: exit 2, the log named, its
    line in Chinese under the Chinese error prefix; in English as before."""
    (tmp_path / "good.csv").write_text(GOOD, encoding="utf-8")
    bad = tmp_path / "events.csv"
    flags = ["--events", str(tmp_path / "good.csv")]
    code, err = _check(tmp_path, "zh", "id,time,actor,action\nx1,10/01/2024,b1,report\n", *flags)
    assert code == 2
    assert err == (
        f"错误:{bad}:该日志的全部记录(1 条)均被拒绝(见报告中无法读取的记录):其中没有可检查的内容\n"
        f"错误:被拒绝的记录 1 条,第一条:记录 {bad.name}:2 无法读取:应为 ISO 8601 时间(如 2024-11-28T09:30:00+01:00),实为 '10/01/2024'\n"
    )
    code, err = _check(tmp_path, "en", "id,time,actor,action\nx1,10/01/2024,b1,report\n", *flags)
    assert code == 2
    assert err == (
        f"error: {bad}: every record of this log (1) was rejected (see the report's unreadable records):"
        " nothing in it could be checked\n"
        f"error: rejected records: 1; the first: record {bad.name}:2 could not be read: expected an ISO 8601 time"
        " such as 2024-11-28T09:30:00+01:00, got '10/01/2024'\n"
    )


def test_a_rule_set_with_nothing_to_check_is_said_in_the_language_asked(tmp_path: Path) -> None:
    """Only informative rules: exit 2, the rule set's file named, in Chinese; in English as before."""
    assert _check(tmp_path, "zh", GOOD)[0] == 0  # the files written, a rule set that checks
    (tmp_path / "rules.yaml").write_text(
        "id: t\ntitle: T\ntimezone: UTC\nrules:\n  - {id: i, kind: informative, clause: D5}\n", encoding="utf-8"
    )
    argv = ["check", str(tmp_path / "rules.yaml"), "--org", str(tmp_path / "org.yaml")]
    argv += ["--events", str(tmp_path / "events.csv"), "--from", "2024-01-01", "--to", "2024-01-31"]
    for lang, said in (
        ("zh", "错误:规则集 {rules} 没有可检查的规则(只有说明性规则):检查将无可评估的内容\n"),
        (
            "en",
            "error: the rule set {rules} has no checkable rule (only informative ones): a check would evaluate nothing\n",
        ),
    ):
        err_stream = io.StringIO()
        assert run([*argv, "--lang", lang], io.StringIO(), err_stream) == 2
        assert err_stream.getvalue() == said.format(rules=tmp_path / "rules.yaml")


def test_the_report_written_to_a_missing_folder_is_said_in_the_language_asked(tmp_path: Path) -> None:
    """--output in a folder that does not exist: exit 2, the report's path named, in Chinese."""
    target = tmp_path / "no-such" / "report.txt"
    code, err = _check(tmp_path, "zh", GOOD, "--output", str(target))
    assert code == 2
    assert err == f"错误:{target}: 报告所在的文件夹不存在\n"
    assert _check(tmp_path, "en", GOOD, "--output", str(target)) == (
        2,
        f"error: {target}: no such folder for the report\n",
    )


def test_the_reading_progress_is_said_in_the_language_asked(tmp_path: Path) -> None:
    """On a terminal, the progress of the reading is in the language of the report."""
    code, err = _check(tmp_path, "zh", GOOD, "--fail-on", "never", stderr=Terminal())
    assert code == 0
    assert "正在读取事件" in err and "条记录" in err
    assert "reading events" not in err
    code, err = _check(tmp_path, "en", GOOD, "--fail-on", "never", stderr=Terminal())
    assert code == 0
    assert "reading events" in err and " records" in err


def test_every_wording_the_code_names_is_in_every_catalogue() -> None:
    """A `Wording` key written in the sources is a key of every catalogue's ``command`` section,
    with the English entry's placeholders (an operating system's error, ``os-...``, may be said
    without the system's English words)."""
    import govrules
    from govrules.messages import LANGUAGES, catalogue

    src = Path(govrules.__file__).resolve().parent
    named = {m for p in src.rglob("*.py") for m in re.findall(r'Wording\(\s*f?"([\w{}-]+)"', p.read_text("utf-8"))}
    assert len(named) >= 30
    en = catalogue("en")["command"]
    for key in named:
        pattern = re.compile("^" + re.sub(r"\\\{\w+\\\}", r"[\\w-]+", re.escape(key)) + "$")
        assert any(pattern.match(k) for k in en), key
    for lang in LANGUAGES:
        said = catalogue(lang)["command"]
        assert set(said) == set(en), lang
        for key, text in en.items():
            fields, theirs = set(re.findall(r"(?<!\{)\{(\w+)", text)), set(re.findall(r"(?<!\{)\{(\w+)", said[key]))
            assert theirs <= fields if key.startswith("os-") else theirs == fields, (lang, key)


def test_a_header_split_on_the_wrong_delimiter_says_the_right_one_first(tmp_path: Path) -> None:
    """A semicolon-separated log that a map file says is comma-separated: every column is said
    missing, after a first line naming the delimiter its header splits into them on and how to
    write it in the map file, in the language asked."""
    log = "id;time;actor;action\ne1;2024-01-10T10:00:00+01:00;b1;report\n"
    flags = _map_file(tmp_path, "fields: {}\ndelimiter: ','\n")
    code, err = _check(tmp_path, "en", log, *flags)
    lines = err.splitlines()
    assert code == 2
    assert [line.rsplit(" [", 1)[1] for line in lines] == ["delimiter]"] + ["missing-column]"] * 3
    assert lines[0] == (
        f"error: {tmp_path}/events.csv:1: split on ';' rather than ',', the header would hold every column asked "
        "for: if ';' separates its columns, write delimiter: ';' in the map file [delimiter]"
    )
    code, err = _check(tmp_path, "zh", log, *flags)
    assert (code, err.splitlines()[0]) == (
        2,
        f"错误:{tmp_path}/events.csv:1: 表头若按 ';' 而非 ',' 分隔,将含有所需的每一列:若各列以 ';' 分隔,"
        "请在映射文件中写 delimiter: ';' [delimiter]",
    )
    assert not ENGLISH_SENTENCE.search(err), err


def test_a_year_the_business_day_calendar_does_not_cover_is_said_in_the_language_asked(tmp_path: Path) -> None:
    """A report due 3 workdays after January 2000, on the CN calendar, which covers the years from
    2001: the check stops (exit 2) saying the year lies before those the calendar covers and to
    narrow the audit range, in English or in Chinese, and not to install a newer package."""
    rules = RULES.replace("rules:\n", "calendar: CN\nrules:\n").replace(
        "every: month}", "every: month, due_after: 3 workdays}"
    )
    (tmp_path / "rules.yaml").write_text(rules, encoding="utf-8")
    (tmp_path / "org.yaml").write_text(ORG, encoding="utf-8")
    (tmp_path / "events.csv").write_text(GOOD.replace("2024-", "2000-"), encoding="utf-8")
    said = {}
    for lang in ("en", "zh"):
        argv = ["check", str(tmp_path / "rules.yaml"), "--org", str(tmp_path / "org.yaml")]
        argv += ["--events", str(tmp_path / "events.csv"), "--from", "2000-01-01", "--to", "2000-01-31", "--lang", lang]
        err = io.StringIO()
        assert run(argv, io.StringIO(), err) == 2
        said[lang] = err.getvalue()
    assert said["en"].startswith(
        "error: business-day calendar 'CN' has no holiday data for 2000, before the years it covers (2001-"
    )
    assert "narrow the audit range to the years it covers" in said["en"] and "newer" not in said["en"]
    assert said["zh"].startswith("错误:工作日日历 'CN' 没有 2000 年的节假日数据,该年早于其覆盖的年份(2001-")
    assert not ENGLISH_SENTENCE.search(said["zh"]), said["zh"]
