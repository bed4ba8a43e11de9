"""The bundled example runs end to end through the CLI."""

from __future__ import annotations

import io
import json
import os
import re
from pathlib import Path

import pytest

from govrules.cli import run

ROOT = Path(__file__).resolve().parents[1]
EX = ROOT / "examples" / "school-ideology"
ARGS = [
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
]


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def test_example_audit_finds_the_planted_gaps() -> None:
    """The example log's gaps come out as structured findings with evidence, and exit code 1.

    The exact findings are pinned by the example's own golden tests (tests/examples/).
    """
    code, out, err = _run(*ARGS, "--format", "json")
    assert (code, err) == (1, "")
    report = json.loads(out)
    violations = [f for f in report["findings"] if f["severity"] == "violation"]
    assert violations
    assert all(f["rule"] and f["clause"] and f["actor"] and f["period"] for f in violations)
    assert {f["code"] for f in violations} >= {"missing", "wrong-recipient"}
    records = report["records"]
    assert records["read"] == records["used"] + records["unused"] + records["rejected"]
    assert records["read"] > 0


def test_fail_on_never_exits_zero() -> None:
    """--fail-on never reports but exits 0."""
    code, out, _ = _run(*ARGS, "--fail-on", "never")
    assert code == 0
    assert "missing" in out


def test_validate_and_schema() -> None:
    """validate accepts the example files; schema prints JSON."""
    code, out, err = _run("validate", str(EX / "rules.yaml"), str(EX / "org.yaml"))
    assert (code, err) == (0, "")
    assert "ok (rule set school-ideology" in out
    code, out, _ = _run("schema", "rules")
    assert code == 0
    assert json.loads(out)["$id"].endswith("rules.schema.json")


def test_the_coverage_table_aligns_chinese_ids_and_keeps_each_clause_on_its_line(tmp_path: Path) -> None:
    """Clause ids are padded to the columns a terminal gives them (a Chinese character two), and
    an id holding a line break is shown on its row's line: it made a row of its own."""
    rules = tmp_path / "rules.yaml"
    rules.write_text(
        "id: t\ntitle: T\ntimezone: UTC\nclauses:\n"
        '  - {id: "第一条", words: a}\n  - {id: A1, words: b}\n  - {id: "Art.\\n5", words: c}\n'
        "rules:\n  - {id: m, kind: recurring, clause: 第一条, who: u, action: x, every: month}\n"
        "  - {id: i, kind: informative, clause: A1}\n",
        encoding="utf-8",
    )
    code, out, err = _run("coverage", str(rules))
    assert (code, err) == (1, "")  # a clause is missing
    assert out.splitlines() == [
        "第一条  encoded      m",
        "A1      informative  i",
        "Art. 5  missing      ",
        "3 clauses: 1 encoded, 1 informative, 1 missing",
    ]


def test_an_empty_output_name_is_a_usage_error() -> None:
    """``--output ""`` is no file name: exit 2 saying so, before anything is checked (it named the
    folder the report would have gone to, ``.``, and a device error)."""
    for argv in (
        ["check", str(EX / "rules.yaml"), "--org", str(EX / "org.yaml"), "--events", str(EX / "events-2024.csv")],
        [
            "obligations",
            str(EX / "rules.yaml"),
            "--org",
            str(EX / "org.yaml"),
            "--from",
            "2024-01-01",
            "--to",
            "2024-01-31",
        ],
    ):
        assert _run(*argv, "--output", "") == (2, "", "error: --output: expected a file name, got an empty one\n")


def test_a_flag_or_file_given_empty_is_a_usage_error() -> None:
    """An empty value (a shell variable that was never set: ``--from "$START"``) is exit 2 naming
    the flag, before anything is checked. ``--from``, ``--to``, ``--as-of``, ``--encoding`` and
    ``--map-file`` given empty were taken as not given (a check over another range, or without the
    map file, and a green exit code), and ``govrules test ""`` ran every scenario under the current
    folder; an empty file name was said as ``error: : cannot read the file``."""
    rules, org = str(EX / "rules.yaml"), str(EX / "org.yaml")
    obligations = ["obligations", rules, "--org", org, "--from", "2024-01-01", "--to", "2024-01-31"]
    cases = {
        "--from": (
            [*ARGS[:8], "--from", "", "--to", "2024-12-31"],
            "--from: expected a date such as 2024-12-31, got ''",
        ),
        "--to": ([*ARGS[:8], "--to", ""], "--to: expected a date such as 2024-12-31, got ''"),
        "--as-of": (
            [*ARGS, "--as-of", ""],
            "--as-of: expected an ISO 8601 moment such as 2024-12-31T23:59:59+08:00, got ''",
        ),
        "obligations --as-of": (
            [*obligations, "--as-of", ""],
            "--as-of: expected an ISO 8601 moment such as 2024-12-31T23:59:59+08:00, got ''",
        ),
        "--encoding": ([*ARGS, "--encoding", ""], "--encoding: unknown text encoding ''; expected one such as gb18030"),
        "--map-file": ([*ARGS[:7], "", *ARGS[8:]], "--map-file: expected a file name, got an empty one"),
        "RULES": (["check", "", *ARGS[2:]], "RULES: expected a file name, got an empty one"),
        "--org": ([*ARGS[:3], "", *ARGS[4:]], "--org: expected a file name, got an empty one"),
        "--events": ([*ARGS[:5], "", *ARGS[6:]], "--events: expected a file name, got an empty one"),
        "second --events": ([*ARGS, "--events", ""], "--events: expected a file name, got an empty one"),
        "obligations RULES": (["obligations", "", *obligations[2:]], "RULES: expected a file name, got an empty one"),
        "validate": (["validate", rules, ""], "FILE: expected a file name, got an empty one"),
        "coverage": (["coverage", ""], "RULES: expected a file name, got an empty one"),
        "test": (["test", ""], "PATH: expected a file name, got an empty one"),
    }
    for case, (argv, said) in cases.items():
        assert _run(*argv) == (2, "", f"error: {said}\n"), case


def test_a_path_holding_a_nul_character_is_exit_2_naming_it(tmp_path: Path) -> None:
    """A path with a NUL character in it (which a program calling `run` may pass, though no shell
    can) names no file: exit 2 saying so of that path, the character named, for each file a command
    reads or writes; it was exit 3, an internal error ("embedded null byte")."""
    said = "the name holds a NUL character (U+0000), which no file's name can hold"
    bad, shown = f"{tmp_path}/x\0.yaml", f"{tmp_path}/x[U+0000].yaml"

    def given(flag: int, path: str = bad) -> list[str]:  # ARGS with the path at ``flag`` replaced
        return [*ARGS[:flag], path, *ARGS[flag + 1 :]]

    cannot_read = f"error: {shown}: cannot read the file: {said} [unreadable]\n"
    cases = {
        "rules": (given(1), cannot_read),
        "org": (given(3), cannot_read),
        "log": (
            given(5, bad.replace(".yaml", ".csv")),
            f"error: {shown.replace('.yaml', '.csv')}: cannot open the log: {said} [unreadable]\n",
        ),
        "map file": (given(7), cannot_read),
        "output": ([*ARGS, "--output", bad], f"error: {shown}: {said}\n"),
        "validate": (["validate", bad], cannot_read),
        "coverage": (["coverage", bad], cannot_read),
    }
    for case, (argv, expected) in cases.items():
        assert _run(*argv) == (2, "", expected), case
    assert not list(tmp_path.iterdir())  # no report, nor a temporary file, was left


def test_validate_tells_an_organisation_with_a_stray_rules_key_from_a_rule_set(tmp_path: Path) -> None:
    """A document is taken for the kind more of whose own keys it has: an organisation with a
    stray ``rules: []`` is an organisation whose ``/rules`` is an unknown key. Before, it was
    checked as a rule set (``/title`` missing, ``/actors`` and ``/name`` unknown keys)."""
    org = tmp_path / "org.yaml"
    for text in (
        "id: o\nname: O\nrules: []\nactors:\n  - {id: a}\n",
        "id: o\ntimezone: UTC\nrules: []\nactors:\n  - {id: a}\n",
    ):
        org.write_text(text, encoding="utf-8")
        code, out, err = _run("validate", str(org))
        assert (code, out) == (2, "")
        assert err.startswith(f"error: {org}:3:1: /rules unknown key 'rules'") and err.count("error:") == 1
    # and a rule set written without its title but with a stray `actors` is a rule set
    org.write_text(
        "id: x\ntimezone: UTC\nactors: []\nrules:\n  - {id: r, kind: forbidden, clause: c, action: a}\n", "utf-8"
    )
    code, out, err = _run("validate", str(org))
    assert code == 2 and "/title" in err and "unknown key 'actors'" in err and "unknown key 'rules'" not in err


def test_validate_checks_each_rule_set_with_its_own_organisation(tmp_path: Path) -> None:
    """Several rule sets and organisations: each rule set is checked with the organisations in its
    folder (``examples/*/rules.yaml examples/*/org.yaml``), not with every one: that gave 362
    ``unknown-role`` errors and exit 2 for files each valid with its own. With one organisation
    given, every rule set is checked with it, wherever it is."""
    files = sorted(str(p) for p in (ROOT / "examples").glob("*/rules.yaml"))
    files += sorted(str(p) for p in (ROOT / "examples").glob("*/org.yaml"))
    assert len(files) >= 10
    code, out, err = _run("validate", *files)
    assert (code, err, len(out.splitlines())) == (0, "", len(files))
    rules = tmp_path / "a" / "rules.yaml"
    rules.parent.mkdir()
    rules.write_text(
        "id: t\ntitle: T\ntimezone: UTC\nrules:\n"
        "  - {id: m, kind: recurring, clause: C1, who: {role: branch}, action: report, every: month}\n",
        encoding="utf-8",
    )
    lacking = tmp_path / "b" / "org.yaml"
    lacking.parent.mkdir()
    lacking.write_text("id: o\nactors:\n  - {id: u1}\n", encoding="utf-8")
    code, _, err = _run("validate", str(rules), str(lacking))  # the one organisation given
    assert code == 2 and "[unknown-role]" in err
    code, out, err = _run("validate", str(rules), str(lacking), str(EX / "org.yaml"))  # none beside it
    assert (code, err) == (0, "")
    assert f"{rules}: not checked with an organisation: none of those given is in its folder" in out.splitlines()
    beside = rules.parent / "org.yaml"
    beside.write_bytes(lacking.read_bytes())
    code, _, err = _run("validate", str(rules), str(beside), str(EX / "org.yaml"))
    assert code == 2 and err.count("[unknown-role]") == 1 and str(rules) in err
    linked = tmp_path / "link"  # a folder reached through a link is its target
    linked.symlink_to(rules.parent, target_is_directory=True)
    code, _, err = _run("validate", str(linked / "rules.yaml"), str(beside), str(EX / "org.yaml"))
    assert code == 2 and err.count("[unknown-role]") == 1
    elsewhere = tmp_path / "c"  # a rule set that is itself a link stays in its own folder
    elsewhere.mkdir()
    (elsewhere / "rules.yaml").symlink_to(rules)
    (elsewhere / "org.yaml").write_bytes(lacking.read_bytes())
    code, _, err = _run("validate", str(elsewhere / "rules.yaml"), str(elsewhere / "org.yaml"), str(EX / "org.yaml"))
    assert code == 2 and err.count("[unknown-role]") == 1 and str(elsewhere / "rules.yaml") in err
    (elsewhere / "org.yaml").write_text("id: [\n", encoding="utf-8")  # given beside it, but broken
    code, out, err = _run("validate", str(elsewhere / "rules.yaml"), str(elsewhere / "org.yaml"), str(EX / "org.yaml"))
    assert code == 2 and "[yaml-syntax]" in err and "[unknown-role]" not in err and "not checked" not in out


def test_the_output_files_extension_names_the_format_unless_one_is_given(tmp_path: Path) -> None:
    """``--output report.html`` without ``--format`` wrote text into it; the extension now names
    the format (an unknown one leaves the default), and ``--format`` given wins."""
    argv = [*ARGS, "--quiet", "--fail-on", "never"]
    starts = {
        "r.html": "<!DOCTYPE html>",
        "r.sarif.json": '{\n  "$schema": "https://docs.oasis-open.org/sarif',
        "r.json": '{\n  "version": 1,',
        "r.junit.xml": '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites',
        "r.md": "# ",
        "r.txt": "Compliance report: ",
        "r.log": "Compliance report: ",
    }
    for name, start in starts.items():
        code, _, err = _run(*argv, "--output", str(tmp_path / name))
        assert (code, err) == (0, ""), name
        assert (tmp_path / name).read_text(encoding="utf-8").startswith(start), name
    code, _, _ = _run(*argv, "--output", str(tmp_path / "given.html"), "--format", "markdown")
    assert (code, (tmp_path / "given.html").read_text(encoding="utf-8")[:2]) == (0, "# ")
    calendar = ["obligations", str(EX / "rules.yaml"), "--org", str(EX / "org.yaml"), "--from", "2024-01-01"]
    calendar += ["--to", "2024-01-31"]
    for name, start in {"o.ics": "BEGIN:VCALENDAR", "o.csv": "rule,", "o.json": "["}.items():
        code, _, err = _run(*calendar, "--output", str(tmp_path / name))
        assert (code, err) == (0, ""), name
        assert (tmp_path / name).read_text(encoding="utf-8").startswith(start), name


def test_validate_says_ok_only_of_a_file_that_meets_no_problem_beside_another(tmp_path: Path) -> None:
    """A rule set naming an actor its organisation lacks, beside an organisation exempting a
    rule the rule set lacks: each loads alone, and each meets a problem beside the other. Before,
    both were said ``ok`` and then their errors followed."""
    rules = tmp_path / "rules.yaml"
    rules.write_text(
        "id: t\ntitle: T\ntimezone: UTC\nrules:\n"
        "  - {id: m, kind: recurring, clause: C1, who: u1, action: report, to: hq, every: month}\n",
        encoding="utf-8",
    )
    org = tmp_path / "org.yaml"
    org.write_text(
        "id: o\nactors:\n  - {id: u1}\nexemptions:\n  - {actor: u1, rule: q, reason: merged}\n", encoding="utf-8"
    )
    code, out, err = _run("validate", str(rules), str(org))
    assert (code, sorted(re.findall(r"\[([a-z-]+)\]", err))) == (2, ["unknown-actor", "unknown-rule"])
    assert out.splitlines() == [
        f"{rules}: loads (rule set t, 1 rule), but 1 problem beside {org}",
        f"{org}: loads (organisation o, 1 actor), but 1 problem beside {rules}",
    ]
    org.write_text("id: o\nactors:\n  - {id: u1}\n  - {id: hq}\n", encoding="utf-8")
    code, out, err = _run("validate", str(rules), str(org))
    assert (code, err) == (0, "")
    assert out.splitlines() == [f"{rules}: ok (rule set t, 1 rule)", f"{org}: ok (organisation o, 2 actors)"]


def test_the_commands_lines_name_control_characters_and_say_counts_in_their_number(tmp_path: Path) -> None:
    """A folder name holding U+009B (CSI) reached the terminal as a command in `validate`'s ok
    line, an error line and `check`'s "wrote" line; one rule was "1 rules"."""
    folder = tmp_path / "audit\x9b2J"
    folder.mkdir()
    rules = folder / "rules.yaml"
    rules.write_text(
        "id: t\ntitle: T\ntimezone: UTC\nrules:\n"
        "  - {id: m, kind: recurring, clause: C1, who: u1, action: report, every: month}\n",
        encoding="utf-8",
    )
    (folder / "org.yaml").write_text("id: o\nactors:\n  - {id: u1}\n", encoding="utf-8")
    shown = str(folder).replace("\x9b", "[U+009B]")
    code, out, err = _run("validate", str(rules), str(folder / "org.yaml"))
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        f"{shown}/rules.yaml: ok (rule set t, 1 rule)",
        f"{shown}/org.yaml: ok (organisation o, 1 actor)",
    ]
    code, _, err = _run("validate", str(folder / "none.yaml"))
    assert code == 2 and shown in err and "\x9b" not in err
    (folder / "log.csv").write_text("id,time,actor,action\ne1,2024-01-10T10:00:00Z,u1,report\n", encoding="utf-8")
    argv = ["check", str(rules), "--org", str(folder / "org.yaml"), "--events", str(folder / "log.csv")]
    code, _, err = _run(*argv, "--from", "2024-01-01", "--to", "2024-01-31", "--output", str(folder / "r.json"))
    assert (code, err) == (0, f"wrote {shown}/r.json: 1 obligation, 0 violations, 0 warnings (exit code 0)\n")
    turned = tmp_path / "evil\u202e lmy.yaml"  # a name that reads backwards where it is obeyed
    turned.write_bytes(rules.read_bytes())
    code, out, _ = _run("validate", str(turned))
    assert (code, out) == (0, f"{tmp_path}/evil[U+202E] lmy.yaml: ok (rule set t, 1 rule)\n")


def test_validate_reads_a_pipe_once() -> None:
    """`govrules validate <(cat org.yaml)`: a pipe can be read once, and is. The kind of file was
    told from a first reading, and the loader found the pipe empty."""
    read, write = os.pipe()
    text = (EX / "org.yaml").read_bytes()
    assert len(text) < 65536  # within the pipe's buffer: written before it is read
    os.write(write, text)
    os.close(write)
    try:
        code, out, err = _run("validate", f"/dev/fd/{read}")
        assert (code, err) == (0, "")
        assert out == f"/dev/fd/{read}: ok (organisation example-district, 35 actors)\n"
    finally:
        os.close(read)


def test_bad_map_files_are_exit_2_naming_the_file(tmp_path: Path) -> None:
    """A map file with an unknown key, an unknown event field, a list or nothing where a mapping
    or a column is expected, or an unknown format, is bad input (exit 2) naming the place, not a
    crash."""
    for text, pointer in (
        ("fields: {tyme: 时间}\n", "/fields"),
        ("columns: {}\n", "/columns"),
        ("lists: [topics]\n", "/lists expected a mapping of attributes to list separators"),
        ("attributes: [主题]\n", "/attributes expected a mapping of columns to attribute names"),
        ("fields: [time]\n", "/fields expected a mapping of event fields to columns"),
        ("fields: {time: null}\n", "/fields/time expected a non-empty text, got nothing"),
        ("format: xlsx\n", "/format expected one of csv, jsonl, json, xes, got 'xlsx'"),
    ):
        bad = tmp_path / "bad.map.yaml"
        bad.write_text(text, "utf-8")
        argv = [*ARGS]
        argv[argv.index("--map-file") + 1] = str(bad)
        code, out, err = _run(*argv)
        assert (code, out) == (2, "")
        assert err.startswith(f"error: {bad}") and pointer in err and "Traceback" not in err


def test_validate_checks_a_map_file_as_map_file_reads_it(tmp_path: Path) -> None:
    """A file whose keys are a map file's is validated as ``--map-file`` reads it: ok, or its
    problem at its line and key. Before, it was taken for a rule set missing ``id``, ``title``,
    ``rules`` and ``timezone``, each of its keys unknown."""
    good = EX / "office-export.map.yaml"
    bad = tmp_path / "export.map.yaml"
    bad.write_text("# an export\nfields:\n  time: Datum\n  tyme: Zeit\ntime_format: '%H:%M'\n", "utf-8")
    code, out, err = _run("validate", str(good), str(EX / "rules.yaml"), str(EX / "org.yaml"))
    assert (code, err) == (0, "")
    assert out.splitlines()[0] == f"{good}: ok (map file, 8 fields)"
    code, out, err = _run("validate", str(bad))
    assert (code, out) == (2, "")
    assert err.splitlines() == [
        f"error: {bad}:4:3: /fields/tyme unknown event field 'tyme' in 'tyme=Zeit';"
        " expected one of id, time, actor, action, recipient, subject, ref, period [bad-value]"
    ]
    bad.write_text("fields: {time: Datum}\ncolumns: {}\n", "utf-8")  # an unknown key: the map file's keys named
    code, _, err = _run("validate", str(bad))
    assert code == 2 and err.startswith(f"error: {bad}:2:1: /columns unknown key 'columns'") and "timezone" not in err


def test_a_column_a_map_names_must_be_in_the_header(tmp_path: Path) -> None:
    """A map naming a column the CSV header lacks, for an optional field too (a misspelt
    ``recipient``), is bad input naming the field and the header, not a log read without it."""
    argv = [*ARGS, "--map", "recipient=报送对象x"]
    code, out, err = _run(*argv)
    assert (code, out) == (2, "")
    assert "no column for event field 'recipient' (looked for '报送对象x'" in err and "[missing-column]" in err


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32"])
def test_a_log_read_in_the_wrong_encoding_is_exit_2(encoding: str) -> None:
    """A UTF-8 log read as UTF-16 (no byte order mark) or UTF-32 fails in the codec itself,
    whatever the error handler: bad input naming the log and the remedy, not an internal error."""
    code, out, err = _run(*ARGS, "--encoding", encoding)
    assert (code, out) == (2, "")
    assert err.startswith(f"error: {EX / 'events-2024.csv'}: the log does not read in its text encoding")
    assert err.rstrip().endswith("(--encoding) [bad-encoding]")


def test_validate_and_check_refuse_a_condition_yaml_1_1_reads_as_a_number_or_false(tmp_path: Path) -> None:
    """``where: {signed: no}`` held of a log's ``false`` and ``where: {code: 010}`` of its ``8``
    (YAML 1.1 reads them so) while ``validate`` said ok: both commands refuse the rule set now,
    at each value's line, asking for it quoted; quoted, they hold of the log's ``no`` and ``010``."""
    rules = tmp_path / "rules.yaml"
    rule = "  - {id: %s, kind: forbidden, clause: x, action: act, where: {%s}}\n"
    head = "id: yn\ntitle: yn\ntimezone: Europe/Amsterdam\nrules:\n"
    rules.write_text(head + rule % ("f", "signed: no") + rule % ("g", "code: 010"), "utf-8")
    org = tmp_path / "org.yaml"
    org.write_text("id: town\nname: Town\ntimezone: Europe/Amsterdam\nactors:\n  - {id: Resource01}\n", "utf-8")
    log = tmp_path / "events.csv"
    log.write_text(
        "id,time,actor,action,signed,code\n"
        "e1,2011-10-01T10:00+02:00,Resource01,act,no,010\n"
        "e2,2011-10-01T10:00+02:00,Resource01,act,false,10\n"
        "e3,2011-10-01T10:00+02:00,Resource01,act,x,8\n",
        "utf-8",
    )
    code, out, err = _run("validate", str(rules), str(org))
    assert code == 2
    assert err.splitlines() == [
        f"error: {rules}:5:62: /rules/0/where/signed YAML 1.1 reads the unquoted no as false;"
        " write it quoted ('no') for the text, or write false [ambiguous-value]",
        f"error: {rules}:6:62: /rules/1/where/code YAML 1.1 reads the unquoted 010 as the number 8;"
        " write it quoted ('010') for the text, or write 8 [ambiguous-value]",
    ]
    argv = ["check", str(rules), "--org", str(org), "--events", str(log), "--from", "2011-10-01", "--to", "2011-10-31"]
    code, out, err = _run(*argv, "--format", "json")
    assert (code, out) == (2, "") and "[ambiguous-value]" in err
    rules.write_text(head + rule % ("f", "signed: 'no'") + rule % ("g", "code: '010'"), "utf-8")
    code, out, _ = _run(*argv, "--format", "json")
    report = json.loads(out)
    assert code == 1
    assert sorted((f["rule"], *f["evidence"]) for f in report["findings"]) == [("f", "e1"), ("g", "e1")]


def test_validate_says_a_scenario_is_one_and_which_command_runs_it(tmp_path: Path) -> None:
    """A scenario file given to ``validate`` was read as a rule set ("/id expected the key 'id'",
    "/name ... did you mean 'title'?"): it is said to be a scenario, with the command that runs
    it, exit 2; the other files given are validated as before."""
    scenario = tmp_path / "x.scenario.yaml"
    scenario.write_text(
        "name: december\nrules: rules.yaml\norg: org.yaml\nevents: events.csv\n"
        "range: {from: 2024-12-01, to: 2024-12-31}\nexpect: {findings: []}\n",
        "utf-8",
    )
    code, out, err = _run("validate", str(scenario), str(EX / "rules.yaml"))
    assert code == 2
    assert err.splitlines() == [
        f"error: {scenario}: expected a rule set, an organisation or a map file, found a scenario:"
        " govrules test runs it [wrong-document]"
    ]
    assert out.splitlines() == [f"{EX / 'rules.yaml'}: ok (rule set school-ideology, 108 rules)"]


@pytest.mark.parametrize(
    ("rules", "org", "map_file", "said"),
    [
        ("org.yaml", "org.yaml", "office-export.map.yaml", "org.yaml: expected a rule set (RULES), found an organisation: give it as --org"),
        ("rules.yaml", "rules.yaml", "office-export.map.yaml", "rules.yaml: expected an organisation (--org), found a rule set: give it as RULES"),
        ("rules.yaml", "org.yaml", "org.yaml", "org.yaml: expected a map file (--map-file), found an organisation: give it as --org"),
        ("office-export.map.yaml", "org.yaml", "office-export.map.yaml", "office-export.map.yaml: expected a rule set (RULES), found a map file: give it as --map-file"),
        ("december.scenario.yaml", "org.yaml", "office-export.map.yaml", "december.scenario.yaml: expected a rule set (RULES), found a scenario: govrules test runs it"),
    ],
)  # fmt: skip
def test_a_file_of_another_kind_given_as_rules_org_or_map_file_is_said_to_be_that_kind(
    tmp_path: Path, rules: str, org: str, map_file: str, said: str
) -> None:
    """``check`` given an organisation as RULES (or a rule set as --org, a scenario as RULES...)
    listed every key the file lacks or holds for the kind it is not; it says what the file is
    and where it goes, exit 2, in the language asked."""
    for name in ("rules.yaml", "org.yaml", "office-export.map.yaml"):
        (tmp_path / name).write_bytes((EX / name).read_bytes())
    (tmp_path / "december.scenario.yaml").write_text(
        "rules: rules.yaml\norg: org.yaml\nevents: events.csv\nrange: {from: 2024-12-01, to: 2024-12-31}\n"
        "expect: {findings: []}\n",
        "utf-8",
    )
    argv = ["check", str(tmp_path / rules), "--org", str(tmp_path / org), "--events", str(EX / "events-2024.csv")]
    argv += ["--map-file", str(tmp_path / map_file), "--from", "2024-01-01", "--to", "2024-12-31"]
    code, out, err = _run(*argv)
    assert (code, out) == (2, "")
    assert err.splitlines() == [f"error: {tmp_path}/{said} [wrong-document]"]
    if rules == "org.yaml":
        _, _, err = _run(*argv, "--lang", "zh")
        assert err.splitlines() == [
            f"错误:{tmp_path}/org.yaml: 应为规则集(RULES),实为组织文件:请用 --org 给出 [wrong-document]"
        ]
        code, out, err = _run("coverage", str(tmp_path / rules))
        assert (code, out, err.splitlines()) == (2, "", [f"error: {tmp_path}/{said} [wrong-document]"])


def test_an_output_named_for_a_format_the_command_does_not_write_is_refused(tmp_path: Path) -> None:
    """``obligations --output x.html`` wrote the text table into an .html file, and ``check
    --output r.csv`` the text report into a .csv: an extension naming a format only the other
    command writes is refused without --format (exit 2, nothing written, in the language
    asked); with --format given, the file is written as asked."""
    calendar = ["obligations", str(EX / "rules.yaml"), "--org", str(EX / "org.yaml"), "--from", "2024-01-01"]
    calendar += ["--to", "2024-01-31"]
    for name, named in {"o.html": "html", "o.md": "markdown", "o.xml": "junit", "o.sarif": "sarif"}.items():
        code, out, err = _run(*calendar, "--output", str(tmp_path / name))
        assert (code, out, (tmp_path / name).exists()) == (2, "", False), name
        assert err == (
            f"error: --output {tmp_path / name}: its extension names the {named} format, which govrules obligations"
            " does not write: give --format, or a file name ending in one of .csv, .json, .ics\n"
        )
    _, _, err = _run(*calendar, "--output", str(tmp_path / "o.html"), "--lang", "zh")
    assert err.startswith(
        f"错误:--output {tmp_path / 'o.html'}:其扩展名对应 html 格式,而 govrules obligations 不输出该格式"
    )
    code, _, err = _run(*calendar, "--output", str(tmp_path / "o.html"), "--format", "table")
    assert (code, err) == (0, "")
    assert (tmp_path / "o.html").read_text("utf-8").startswith("Due ")
    for name in ("r.csv", "r.ics"):
        code, out, err = _run(*ARGS, "--output", str(tmp_path / name))
        assert (code, out, (tmp_path / name).exists()) == (2, "", False), name
        assert "which govrules check does not write" in err
