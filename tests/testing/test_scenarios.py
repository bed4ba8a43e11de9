"""Scenario files: the runner finds differences both ways, and the pytest plugin collects them."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any, get_args

import pytest

from govrules.cli import run
from govrules.errors import LoadError
from govrules.events import Event, Rejected
from govrules.findings import FindingCode, Status
from govrules.model import RecurringRule
from govrules.scenarios import (
    _EXPECT_KEYS,
    _KEYS,
    _MATCH_FIELDS,
    _OUTCOME_FIELDS,
    _events,
    load_scenario,
    run_scenario,
)

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "school-ideology"

SCENARIO = f"""
name: one month
rules: {EXAMPLE / "rules.yaml"}
org: {EXAMPLE / "org.yaml"}
events:
  - {{id: d1, time: "2024-12-20T10:00:00+08:00", actor: branch-1, action: ideology-report, recipient: central-party-branch}}
range: {{from: 2024-12-01, to: 2024-12-31}}
as_of: "2025-01-05T00:00:00+08:00"
expect:
  findings: FINDINGS
  severities: [violation]
"""


def _write(tmp_path: Path, findings: str) -> Path:
    path = tmp_path / "x.scenario.yaml"
    path.write_text(SCENARIO.replace("FINDINGS", findings), "utf-8")
    return path


def test_differences_are_reported_both_ways(tmp_path: Path) -> None:
    """An expected finding that does not occur and an actual one not expected both show in the diff."""
    path = _write(tmp_path, "[{code: missing, rule: branch-monthly-report, actor: branch-1, period: 2024-12}]")
    result = run_scenario(load_scenario(path))
    assert not result.passed
    assert [dict(m) for m in result.missing] == [
        {"code": "missing", "rule": "branch-monthly-report", "actor": "branch-1", "period": "2024-12"}
    ]
    assert sorted((f.code.value, f.actor) for f in result.unexpected) == [
        ("missing", "branch-2"),
        ("missing", "branch-3"),
        ("missing", "branch-4"),
    ]
    diff = result.diff()
    assert "- expected, not found: code=missing, rule=branch-monthly-report, actor=branch-1" in diff
    assert "+ found, not expected: code=missing, rule=branch-monthly-report, actor=branch-3" in diff


def test_exact_match_passes(tmp_path: Path) -> None:
    """Listing exactly the violations passes."""
    items = ", ".join(f"{{code: missing, actor: branch-{n}, period: 2024-12}}" for n in (2, 3, 4))
    result = run_scenario(load_scenario(_write(tmp_path, f"[{items}]")))
    assert result.passed, result.diff()


def test_the_order_of_the_expected_findings_changes_nothing(tmp_path: Path) -> None:
    """A general expectation listed before a particular one: each still gets a finding of its
    own, as in the other order. Before, the general one took branch 2's finding first-come, and
    the particular one (branch 2) found none left."""
    items = ["{code: missing, period: 2024-12}", "{code: missing, actor: branch-2}", "{code: missing, actor: branch-4}"]
    for order in (items, items[::-1]):
        result = run_scenario(load_scenario(_write(tmp_path, f"[{', '.join(order)}]")))
        assert (result.missing, result.unexpected) == ([], []), order


def test_inline_attributes_keep_their_types(tmp_path: Path) -> None:
    """An inline event's attributes are read as a JSON log's are: a count 3 is a number, true a
    boolean, a mapping a mapping; a field written as a number (an id) is text. Before, every
    value became text and a content rule asking for an integer failed."""
    path = tmp_path / "content.scenario.yaml"
    path.write_text(
        """
name: typed attributes
rules:
  id: r
  title: r
  timezone: Asia/Shanghai
  rules:
    - id: minutes
      kind: content
      clause: C1
      action: meeting
      schema:
        properties:
          id: {type: string}
          attributes:
            required: [count, flag, meta]
            properties: {count: {type: integer}, flag: {const: true}, meta: {type: object}}
org: {id: o, actors: [{id: branch-1}]}
events:
  - {id: 7, time: "2024-12-20T10:00:00+08:00", actor: branch-1, action: meeting, attributes: {count: 3, flag: true, meta: {k: v}}}
range: {from: 2024-12-01, to: 2024-12-31}
expect:
  findings: []
""",
        "utf-8",
    )
    result = run_scenario(load_scenario(path))
    assert result.passed, result.diff()
    assert [(o.status, o.evidence) for o in result.report.outcomes] == [("met", ("7",))]


def test_an_audit_moment_written_as_a_day_is_the_end_of_it(tmp_path: Path) -> None:
    """`as_of: 2024-12-31` is the whole of that day, as `--as-of 2024-12-31` is: December's
    reports, due that day, are missing, not pending."""
    path = _write(
        tmp_path,
        "[{code: missing, actor: branch-2}, {code: missing, actor: branch-3}, {code: missing, actor: branch-4}]",
    )
    path.write_text(path.read_text("utf-8").replace('as_of: "2025-01-05T00:00:00+08:00"', "as_of: 2024-12-31"), "utf-8")
    scenario = load_scenario(path)
    assert scenario.as_of is not None and scenario.as_of.isoformat() == "2024-12-31T23:59:59.999999+08:00"
    result = run_scenario(scenario)
    assert result.passed, result.diff()


def test_an_audit_moment_before_the_range_is_refused_at_its_line(tmp_path: Path) -> None:
    """An ``as_of`` before the range's first day made every obligation of the range pending and
    used no event: the scenario expecting no finding passed, green, having checked nothing. It
    is refused at ``as_of``, as ``govrules check`` refuses an ``--as-of`` before ``--from``, also a
    day (the end of it) before the range, and ``govrules test`` counts it unreadable (exit 2).
    The range's first instant itself is taken."""
    path = _write(tmp_path, "[]")
    text = path.read_text("utf-8")
    for shown in ("2024-11-05T00:00:00+08:00", "2024-11-30", "2024-11-30T23:59:59"):
        path.write_text(text.replace("2025-01-05T00:00:00+08:00", shown), "utf-8")
        with pytest.raises(LoadError) as info:
            load_scenario(path)
        assert [(p.pointer, p.line, p.code) for p in info.value.problems] == [("/as_of", 8, "bad-scenario")]
        assert info.value.problems[0].message == (
            "expected an audit moment on or after the range's first day, 2024-12-01 (from 00:00 in Asia/Shanghai), "
            f"got {shown}: as of then every obligation of the range is pending and no event of it is "
            "used, so nothing would be checked"
        )
    out, err = io.StringIO(), io.StringIO()
    path.write_text(text.replace('"2025-01-05T00:00:00+08:00"', "2024-11-30"), "utf-8")
    assert run(["test", str(path)], out, err) == 2
    assert f"{path}:8:1: /as_of expected an audit moment" in err.getvalue()
    path.write_text(text.replace("2025-01-05T00:00:00+08:00", "2024-12-01T00:00:00+08:00"), "utf-8")
    assert load_scenario(path).as_of is not None


def test_bad_scenario_is_a_load_error(tmp_path: Path) -> None:
    """An unknown field in an expected finding is refused with its pointer."""
    path = _write(tmp_path, "[{code: missing, actr: branch-1}]")
    with pytest.raises(LoadError) as info:
        load_scenario(path)
    [problem] = info.value.problems
    assert (problem.pointer, problem.code) == ("/expect/findings/0/actr", "unknown-key")


@pytest.mark.parametrize(
    ("change", "pointer", "said"),
    [
        (("severities: [violation]", "severities: violation"), "/expect/severities", "expected a list of"),
        (("severities: [violation]", "severities: [violations]"), "/expect/severities", "got ['violations']"),
        (("severities: [violation]", "exact: 'false'"), "/expect/exact", "expected true or false"),
        (("severities: [violation]", "exect: false"), "/expect/exect", "unknown key 'exect'"),
        (("to: 2024-12-31}", "until: 2024-12-31}"), "/range/until", "unknown key 'until'"),
        (("to: 2024-12-31}", "to: 2024-11-30}"), "/range/to", "on or after 'from' (2024-12-01)"),
        (("to: 2024-12-31}", "to: 9999-12-31}"), "/range/to", "ending by 9990-12-31"),
        (("range: {from: 2024-12-01", "range: {from: 1924-12-01"), "/range/to", "at most 100 years, from 1924-12-01"),
        (("range: {from: 2024-12-01", "range: {from: 1"), "/range/from", "expected a date"),
        (('as_of: "2025-01-05T00:00:00+08:00"', "as_of: soon"), "/as_of", "soon"),
        (('as_of: "2025-01-05T00:00:00+08:00"', "lang: xx"), "/lang", "expected one of en, zh"),
        (('as_of: "2025-01-05T00:00:00+08:00"', "lang: 0"), "/lang", "expected one of en, zh, got 0"),
        (('as_of: "2025-01-05T00:00:00+08:00"', "map: x"), "/map", "expected a mapping of event fields"),
        (
            ('as_of: "2025-01-05T00:00:00+08:00"', "encoding: rot13"),
            "/encoding",
            "'encoding' is the text encoding of a log",
        ),
        (
            ("recipient: central-party-branch}", "recipient: central-party-branch, attributes: [1]}"),
            "/events/0/attributes",
            "expected a mapping of attributes",
        ),
        (("FINDINGS", "[{code: missing, observed: '0'}]"), "/expect/findings/0/observed", "expected a count"),
        (("FINDINGS", "[{code: misssing}]"), "/expect/findings/0/code", "expected a finding code"),
        (
            ("FINDINGS", "[{code: missing, evidence: d1}]"),
            "/expect/findings/0/evidence",
            "expected a list of event ids",
        ),
        (
            ("FINDINGS", "[{code: missing, severity: error}]"),
            "/expect/findings/0/severity",
            "expected one of violation",
        ),
        (("FINDINGS", "[{code: [missing]}]"), "/expect/findings/0/code", "expected a finding code"),
        (("severities: [violation]", "a/b: 1"), "/expect/a~1b", "unknown key 'a/b'"),
    ],
)
def test_a_scenario_says_what_is_wrong_at_its_line(
    tmp_path: Path, change: tuple[str, str], pointer: str, said: str
) -> None:
    """Every key of a scenario is checked when it is read, and a problem is said at its line: a
    severity written as text, an unknown key, a range that ends before it starts, an attribute
    list where a mapping goes. Before, some passed a scenario that should fail (severities:
    violation made no finding of a listed severity), some were ignored (exact: 'false' read as
    true), and some crashed the run with exit 3."""
    path = tmp_path / "x.scenario.yaml"
    text = SCENARIO.replace(*change).replace("FINDINGS", "[]")
    path.write_text(text, "utf-8")
    with pytest.raises(LoadError) as info:
        load_scenario(path)
    [problem] = [p for p in info.value.problems if p.pointer == pointer]  # 'until' is also a missing 'to'
    assert said in problem.message
    assert problem.line is not None and problem.line > 1


def test_what_read_before_still_reads(tmp_path: Path) -> None:
    """An inline record that is no mapping is rejected as a log's would be (and a scenario may
    expect that); an id written as a number and expected as one is the same text; evidence null
    is not compared."""
    path = tmp_path / "x.scenario.yaml"
    number = "  - {id: 4.1, time: '2024-12-21T10:00:00+08:00', actor: branch-2, action: ideology-report, recipient: central-party-branch}\n"
    items = (
        "[{code: rejected-event}, {code: missing, actor: branch-3, evidence: null}, {code: missing, actor: branch-4}]"
    )
    text = SCENARIO.replace("events:\n", "events:\n  - junk\n" + number).replace("FINDINGS", items)
    path.write_text(text.replace("severities: [violation]", "severities: [violation, warning]"), "utf-8")
    result = run_scenario(load_scenario(path))
    assert result.passed, result.diff()
    assert ("2024-12", ("4.1",)) in {(o.period, o.evidence) for o in result.report.outcomes if o.actor == "branch-2"}


def test_a_key_the_map_names_that_no_record_of_the_scenarios_log_holds_is_an_error(tmp_path: Path) -> None:
    """A scenario's log is written for its map: a key the map names that no record of a JSON
    Lines log holds is a mistake in the scenario, an error naming the log and the key (where
    ``govrules check`` only notes it of an export); with the key written right, it runs."""
    log = tmp_path / "log.jsonl"
    log.write_text(
        '{"id": "d1", "time": "2024-12-20T10:00:00+08:00", "who": "branch-1", "action": "ideology-report",'
        ' "recipient": "central-party-branch"}\n',
        "utf-8",
    )
    path = tmp_path / "x.scenario.yaml"
    items = ", ".join(f"{{code: missing, actor: branch-{n}, period: 2024-12}}" for n in (2, 3, 4))
    text = SCENARIO.replace("FINDINGS", f"[{items}]").split("events:")
    for mapped in ("whoo|'branch-1'", "who|'branch-1'"):
        events = f'events: log.jsonl\nmap: {{actor: "{mapped}"}}\n' + text[1].split("\n", 2)[2]
        path.write_text(text[0] + events, "utf-8")
        if mapped.startswith("whoo"):
            with pytest.raises(LoadError) as raised:
                run_scenario(load_scenario(path))
            [problem] = raised.value.problems
            assert (problem.file, problem.code) == (str(log), "missing-column")
            assert problem.message.startswith("no record of the log holds key 'whoo'")
        else:
            result = run_scenario(load_scenario(path))
            assert result.passed, result.diff()


def test_inline_events_are_read_through_the_map_and_refuse_an_encoding(tmp_path: Path) -> None:
    """Inline events are read through ``map`` and through ``map_file`` alike (its fields, lists
    and attributes; its format and encoding are its export's, not used); ``encoding`` beside them
    is refused at its line, naming the key: it can only be a log file's, and was ignored. Given a
    log path, it is read as before."""
    record = "{id: d1, time: '2024-12-20T10:00:00+08:00', who: branch-1, action: ideology-report,"
    record += " recipient: central-party-branch, tags: 'a;b', Note: hi}"
    (tmp_path / "m.map.yaml").write_text(
        "format: csv\nencoding: gb18030\nfields: {actor: who}\nlists: {tags: ';'}\nattributes: {Note: note}\n",
        "utf-8",
    )
    items = ", ".join(f"{{code: missing, actor: branch-{n}, period: 2024-12}}" for n in (2, 3, 4))
    text = SCENARIO.replace("FINDINGS", f"[{items}]").replace(
        "severities: [violation]", "severities: [violation, warning]"
    )
    inline = text.split("events:\n")[0] + f"events:\n  - {record}\n" + "range:" + text.split("range:")[1]
    path = tmp_path / "x.scenario.yaml"
    read = {}
    for key, given in (("map", "map: {actor: who}\n"), ("map_file", "map_file: m.map.yaml\n")):
        path.write_text(inline.replace("expect:", given + "expect:"), "utf-8")
        scenario = load_scenario(path)
        result = run_scenario(scenario)
        assert result.passed, result.diff()
        [event] = _events(scenario)
        assert isinstance(event, Event)
        read[key] = (
            event.actor,
            dict(event.attributes),
            [(o.actor, o.status, o.evidence) for o in result.report.outcomes],
        )
    assert read["map"][0] == read["map_file"][0] == "branch-1"
    assert read["map"][2] == read["map_file"][2]
    assert ("branch-1", "met", ("d1",)) in read["map_file"][2]
    assert read["map_file"][1] == {"tags": ["a", "b"], "note": "hi"}  # the map file's list and attribute

    refused = inline.replace("expect:", "map: {actor: who}\nencoding: gb18030\nexpect:")
    path.write_text(refused, "utf-8")
    with pytest.raises(LoadError) as info:
        load_scenario(path)
    [problem] = info.value.problems
    line = refused.splitlines().index("encoding: gb18030") + 1
    assert (problem.file, problem.line, problem.pointer) == (str(path), line, "/encoding")
    assert problem.message.startswith(
        "'encoding' is the text encoding of a log file, and these events are written inline"
    )

    (tmp_path / "log.csv").write_text(
        "id,time,who,action,recipient\nd1,2024-12-20T10:00:00+08:00,branch-1,ideology-report,central-party-branch\n",
        "gb18030",
    )
    as_log = text.split("events:\n")[0] + "events: log.csv\nmap: {actor: who}\nencoding: gb18030\nrange:"
    path.write_text(as_log + text.split("range:")[1], "utf-8")
    result = run_scenario(load_scenario(path))
    assert result.passed, result.diff()


def test_an_inline_event_field_holding_true_or_a_mapping_is_rejected_as_in_a_json_log(tmp_path: Path) -> None:
    """An inline event is read as a record of a JSON log is: an event field holding true/false
    or a mapping is no text, and its record is rejected saying so, where it was read as the
    text ``True`` or ``{'a': 1}``; a day written unquoted is still its text. (YAML 1.1's ``yes``
    is refused with the scenario, asking for it quoted.)"""
    records = [
        "{id: d1, time: 2024-12-20, actor: branch-1, action: ideology-report, recipient: central-party-branch}",
        "{id: d2, time: '2024-12-20T10:00:00+08:00', actor: branch-2, action: ideology-report, ref: true}",
        "{id: d3, time: '2024-12-20T10:00:00+08:00', actor: {a: 1}, action: ideology-report}",
    ]
    text = SCENARIO.replace("FINDINGS", "[]")
    path = tmp_path / "x.scenario.yaml"
    path.write_text(
        text.split("events:\n")[0]
        + "events:\n"
        + "".join(f"  - {r}\n" for r in records)
        + "range:"
        + text.split("range:")[1],
        "utf-8",
    )
    read = list(_events(load_scenario(path)))
    assert [(r.line, r.record_id, r.reason) for r in read if isinstance(r, Rejected)] == [
        (2, "d2", "field 'ref' (key 'ref') holds a boolean (true); expected a text or a number"),
        (3, "d3", "field 'actor' (key 'actor') holds an object; expected a text or a number"),
    ]
    assert [(e.id, e.time.isoformat()) for e in read if isinstance(e, Event)] == [("d1", "2024-12-20T00:00:00+08:00")]


def test_a_scenarios_log_is_read_with_its_map_files_delimiter(tmp_path: Path) -> None:
    """A scenario's CSV log is read with the delimiter its map file gives, as `govrules check`
    reads it: a semicolon-separated log named .tsv is read whole."""
    (tmp_path / "log.tsv").write_text(
        "id;time;actor;action;recipient\nd1;2024-12-20T10:00:00+08:00;branch-1;ideology-report;central-party-branch\n",
        "utf-8",
    )
    (tmp_path / "m.map.yaml").write_text("fields: {}\ndelimiter: ';'\n", "utf-8")
    items = ", ".join(f"{{code: missing, actor: branch-{n}, period: 2024-12}}" for n in (2, 3, 4))
    text = SCENARIO.replace("FINDINGS", f"[{items}]")
    path = tmp_path / "x.scenario.yaml"
    path.write_text(
        text.split("events:\n")[0] + "events: log.tsv\nmap_file: m.map.yaml\nrange:" + text.split("range:")[1], "utf-8"
    )
    scenario = load_scenario(path)
    assert scenario.delimiter == ";"
    result = run_scenario(scenario)
    assert result.passed, result.diff()


@pytest.mark.parametrize("name", ["log.json", "log.jsonl"])
def test_a_duplicate_in_a_scenarios_log_says_records_where_the_log_numbers_them(tmp_path: Path, name: str) -> None:
    """A record of a scenario's JSON array log that repeats the id of the one before it is said
    as its record, naming the first as a record, as `govrules check` says it; a JSON Lines log's
    keeps ``file:line``."""
    record = (
        '{"id": "d1", "time": "2024-12-20T10:00:00+08:00", "actor": "branch-1", "action": "ideology-report",'
        ' "recipient": "central-party-branch"}'
    )
    log = tmp_path / name
    log.write_text(f"[{record},\n{record}]\n" if name.endswith(".json") else f"{record}\n{record}\n", "utf-8")
    path = tmp_path / "x.scenario.yaml"
    text = (
        SCENARIO.replace("FINDINGS", "[]").replace("severities: [violation]", "severities: [warning]").split("events:")
    )
    path.write_text(text[0] + f"events: {name}\n" + text[1].split("\n", 2)[2], "utf-8")
    result = run_scenario(load_scenario(path))
    [finding] = result.unexpected
    assert (finding.code, finding.file, finding.line, finding.evidence) == ("rejected-event", str(log), 2, ("d1",))
    here, there = (f"2 of {name}", f"record 1 of {name}") if name == "log.json" else (f"{name}:2", f"{name}:1")
    assert finding.message == f"record {here} could not be read: duplicate event id 'd1' (first at {there})"


def test_an_inline_rule_set_is_said_at_its_lines_in_the_scenario(tmp_path: Path) -> None:
    """An inline rule set missing its title: the problem is at the scenario's line of the inline
    mapping, not at line 1 of a copy named '<inline rules>'; a rule file that cannot be read is
    said at the scenario's line naming it."""
    path = tmp_path / "x.scenario.yaml"
    inline = "rules:\n  id: r\n  timezone: Asia/Shanghai\n  rules: []\n"
    path.write_text(SCENARIO.replace("FINDINGS", "[]").replace(f"rules: {EXAMPLE / 'rules.yaml'}\n", inline), "utf-8")
    with pytest.raises(LoadError) as info:
        load_scenario(path)
    assert [(p.file, p.line, p.pointer, p.code) for p in info.value.problems] == [
        (str(path), 3, "/rules/title", "missing-key")
    ]
    path.write_text(SCENARIO.replace("FINDINGS", "[]").replace(str(EXAMPLE / "rules.yaml"), "nosuch.yaml"), "utf-8")
    with pytest.raises(LoadError) as info:
        load_scenario(path)
    [problem] = info.value.problems
    assert (problem.file, problem.line, problem.pointer) == (str(path), 3, "/rules")
    assert "cannot read rules file 'nosuch.yaml'" in problem.message
    # a log or a map file that is not there: said at the scenario's line naming it
    for key, written in (("events", "events: nosuch.csv\n"), ("map_file", "map_file: nosuch.map.yaml\n")):
        text = SCENARIO.replace("FINDINGS", "[]")
        if key == "events":
            text = text.split("events:\n")[0] + written + "range:" + text.split("range:")[1]
        else:
            text = text.replace("expect:", written + "expect:")
        path.write_text(text, "utf-8")
        with pytest.raises(LoadError) as info:
            load_scenario(path)
        [problem] = info.value.problems
        assert (problem.file, problem.pointer) == (str(path), f"/{key}") and "no such file" in problem.message
        assert problem.line is not None and problem.line > 1


INLINE = """name: inline
rules:
  id: t
  title: T
  timezone: UTC
  rules:
    - id: m
      kind: recurring
      clause: C
      who: {role: brnch}
      action: x
      every: month
org:
  id: o
  name: O
  actors:
    - {id: b1, name: B1, roles: [branch]}
  exemptions:
    - {rule: nosuch, actor: b1, periods: [2024-01], reason: R}
events:
  - {id: e1, time: "2024-01-05T00:00:00Z", actor: b1, action: x}
range: {from: 2024-01-01, to: 2024-01-31}
expect:
  findings: []
"""


def test_what_the_check_finds_in_an_inline_document_is_said_in_the_scenario(
    tmp_path: Path, pytester: pytest.Pytester
) -> None:
    """A rule naming a role the organisation lacks, and an exemption naming no rule, both written
    inline: found when the check meets them, and said at the scenario's lines, their pointers
    into the scenario as a problem found in loading is (before, at line 9 of '<inline rules>', a
    copy of the inline mapping that is nowhere to be read)."""
    import io

    from govrules.cli import run

    path = tmp_path / "inl.scenario.yaml"
    path.write_text(INLINE, "utf-8")
    out, err = io.StringIO(), io.StringIO()
    assert run(["test", str(path)], out, err) == 2
    assert err.getvalue().splitlines() == [
        f"error: {path}:10:13: /rules/rules/0/who/role unknown role 'brnch'; did you mean 'branch'? [unknown-role]",
        f"error: {path}:19:8: /org/exemptions/0/rule unknown rule 'nosuch'; expected one of: m [unknown-rule]",
    ]
    with pytest.raises(LoadError) as info:
        run_scenario(load_scenario(path))
    assert [(p.file, p.line, p.column, p.pointer, p.code) for p in info.value.problems] == [
        (str(path), 10, 13, "/rules/rules/0/who/role", "unknown-role"),
        (str(path), 19, 8, "/org/exemptions/0/rule", "unknown-rule"),
    ]
    pytester.makefile(".scenario.yaml", inl=INLINE)
    result = pytester.runpytest("-q")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*inl.scenario.yaml:10:13: /rules/rules/0/who/role unknown role 'brnch'*"])
    result.stdout.no_fnmatch_line("*<inline*")


def test_text_an_inline_document_writes_as_a_number_is_asked_for_as_written(tmp_path: Path) -> None:
    """An inline rule set's 'clause: 1.10' is asked for quoted as the scenario writes it, not as
    the copy the loader reads would (1.1); numbers and true/false that are data stay what they
    were (a 'where' on 1.10 is on the number 1.1, on 'false' on false)."""
    path = tmp_path / "inl.scenario.yaml"
    path.write_text(INLINE.replace("id: m\n", "id: 01\n").replace("clause: C", "clause: 1.10"), "utf-8")
    with pytest.raises(LoadError) as info:
        load_scenario(path)
    assert sorted((p.line, p.pointer, p.code, p.message) for p in info.value.problems) == [
        (7, "/rules/rules/0/id", "wrong-type", "expected a string; write it quoted: '01'"),
        (9, "/rules/rules/0/clause", "wrong-type", "expected a string; write it quoted: '1.10'"),
    ]
    written = INLINE.replace("brnch}", "branch}").replace(
        "action: x\n", "action: x\n      where: {n: 1.10, ok: false}\n"
    )
    path.write_text(written.replace("rule: nosuch", "rule: m"), "utf-8")
    (rule,) = load_scenario(path).rules.rules
    assert isinstance(rule, RecurringRule)
    assert rule.where == {"n": 1.1, "ok": False}


def test_a_value_yaml_1_1_alone_reads_as_a_number_or_false_is_refused_in_a_scenario(tmp_path: Path) -> None:
    """An inline rule set's 'where: {ok: no, code: 010}' is refused at the scenario's lines, as in
    a rule file, and so is an inline event's attribute 'signed: no' (YAML 1.1's false, where
    the log a scenario stands for holds the text), each asking for the value quoted."""
    path = tmp_path / "inl.scenario.yaml"
    written = INLINE.replace("brnch}", "branch}").replace("rule: nosuch", "rule: m")
    written = written.replace("action: x\n", "action: x\n      where: {ok: no, code: 010}\n", 1)
    written = written.replace("action: x}", "action: x, attributes: {signed: no}}")
    path.write_text(written, "utf-8")
    with pytest.raises(LoadError) as info:
        load_scenario(path)
    assert [(p.line, p.pointer, p.code) for p in info.value.problems] == [
        (12, "/rules/rules/0/where/ok", "ambiguous-value"),
        (12, "/rules/rules/0/where/code", "ambiguous-value"),
        (22, "/events/0/attributes/signed", "ambiguous-value"),
    ]
    assert str(info.value.problems[2].message) == (
        "YAML 1.1 reads the unquoted no as false; write it quoted ('no') for the text, or write false"
    )


def test_plugin_collects_scenarios(pytester: pytest.Pytester) -> None:
    """pytest collects *.scenario.yaml through the plugin and shows the diff on failure."""
    pytester.makefile(".scenario.yaml", bad=SCENARIO.replace("FINDINGS", "[]"))
    result = pytester.runpytest("-q")  # the plugin is registered by its pytest11 entry point
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*+ found, not expected: code=missing*branch-3*"])
    pytester.makefile(
        ".scenario.yaml",
        broken=SCENARIO.replace("FINDINGS", "[]").replace("map: x", "").replace("expect:", "map: x\nexpect:"),
    )
    result = pytester.runpytest("-q", "broken.scenario.yaml")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*broken.scenario.yaml:*: /map expected a mapping of event fields*"])
    result.stdout.no_fnmatch_line("*Traceback*")


def test_cli_test_command(tmp_path: Path) -> None:
    """`govrules test` exits 0 when every scenario passes, 1 when one differs, 2 when one is unreadable."""
    import io

    from govrules.cli import run

    def cli(*argv: str) -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        return run(["test", *argv], out, err), out.getvalue(), err.getvalue()

    code, out, _ = cli(str(EXAMPLE / "scenarios"))
    assert code == 0 and out.splitlines()[-1] == "1 passed, 0 failed"
    bad = _write(tmp_path, "[]")
    code, out, _ = cli(str(bad))
    assert code == 1
    assert "FAIL" in out and "+ found, not expected: code=missing" in out
    broken = tmp_path / "broken.scenario.yaml"
    broken.write_text("name: x\n", "utf-8")
    code, _, err = cli(str(broken))
    assert code == 2 and "missing required key 'rules'" in err
    code, _, err = cli(str(tmp_path / "nowhere"))
    assert code == 2 and "no such scenario" in err
    # one unreadable scenario, or one whose audit moment the zone cannot show, does not stop the others
    refused = tmp_path / "refused.scenario.yaml"
    moment = '"9999-12-31T23:59:59-14:00"'  # year 10000 in Shanghai
    refused.write_text(SCENARIO.replace("FINDINGS", "[]").replace('"2025-01-05T00:00:00+08:00"', moment), "utf-8")
    folder = tmp_path / "suite" / "folder.scenario.yaml"  # found in a folder given, and no file
    folder.mkdir(parents=True)
    code, out, err = cli(str(broken), str(refused), str(folder.parent), str(EXAMPLE / "scenarios"))
    assert (code, out.splitlines()[-1]) == (2, "1 passed, 0 failed, 3 unreadable")
    assert err.count("error: ") == 7  # the broken scenario lacks five required keys, each said
    assert (
        "/as_of 9999-12-31T23:59:59-14:00 lies outside the calendar (years 1 to 9999) in the zone Asia/Shanghai" in err
    )
    assert f"error: {folder}: cannot read the scenario: Is a directory [unreadable]" in err


def test_a_scenario_path_holding_a_nul_character_cannot_be_read(tmp_path: Path) -> None:
    """A path with a NUL character in it names no file: `load_scenario` raises `LoadError` saying
    it cannot read it, where `open` raised its own `ValueError` ("embedded null byte")."""
    path = f"{tmp_path}/x\0.scenario.yaml"
    with pytest.raises(LoadError) as info:
        load_scenario(path)
    assert [(p.file, p.code, p.message) for p in info.value.problems] == [
        (
            path,
            "unreadable",
            "cannot read the scenario: the name holds a NUL character (U+0000), which no file's name can hold",
        )
    ]


def test_pairing_is_a_maximum_matching_without_recursion() -> None:
    """The first expectation takes a finding the second needs: it moves to its other one; and
    thousands of alike expectations pair one to one (the recursive search overflowed the stack
    from about 1,100)."""
    from govrules.scenarios import _pairing

    assert _pairing([[0, 1], [0]]) == {0: 1, 1: 0}
    assert _pairing([[0], [0], [1, 0]]) == {0: 0, 2: 1}
    n = 3000
    paired = _pairing([list(range(n))] * n)
    assert sorted(paired) == list(range(n)) and sorted(paired.values()) == list(range(n))


def test_an_expectation_pairs_with_a_finding_of_the_listed_severities_first(tmp_path: Path) -> None:
    """`{code: missing, actor: b1}` with `severities: [violation]`, and two missing findings of
    b1, a warning's (rule a-warn, sorted first) and a violation's: the expectation takes the
    violation's, which the scenario must expect, and the scenario passes. It took the first,
    and the violation was reported unexpected."""
    path = tmp_path / "sev.scenario.yaml"
    path.write_text(
        """
name: severities first
rules:
  id: r
  title: r
  timezone: Asia/Shanghai
  rules:
    - {id: a-warn, kind: recurring, clause: C1, who: b1, action: memo, every: month, severity: warning}
    - {id: b-viol, kind: recurring, clause: C2, who: b1, action: report, every: month}
org: {id: org, actors: [{id: b1}]}
events: []
range: {from: 2024-05-01, to: 2024-05-31}
as_of: "2024-06-05T00:00:00+08:00"
expect:
  findings:
    - {code: missing, actor: b1}
  severities: [violation]
""",
        "utf-8",
    )
    result = run_scenario(load_scenario(path))
    assert sorted((f.rule, f.severity) for f in result.report.findings) == [
        ("a-warn", "warning"),
        ("b-viol", "violation"),
    ]
    assert (result.missing, result.unexpected, result.passed) == ([], [], True)


def test_pairing_with_alike_expectations_left_over() -> None:
    """Two thousand alike expectations and a thousand findings: a thousand paired, each finding
    once (the searches that find nothing are not repeated through the same findings)."""
    from govrules.scenarios import _pairing

    paired = _pairing([list(range(1000))] * 2000)
    assert len(paired) == 1000 and sorted(paired.values()) == list(range(1000))


CHAIN = """name: a chain of two steps
rules:
  id: r
  title: r
  timezone: UTC
  rules:
    - id: chain
      kind: triggered
      clause: C1
      trigger: {action: incident}
      steps:
        - {action: report, within: 1 day}
        - {action: review, within: 2 days}
org: {id: o, actors: [{id: b1}]}
events:
  - {id: t1, time: "2024-05-02T10:00:00Z", actor: b1, action: incident}
range: {from: 2024-05-01, to: 2024-05-31}
expect:
  findings: FINDINGS
"""


def test_an_expected_finding_may_name_the_step_of_a_chain(tmp_path: Path) -> None:
    """A trigger no step of which is answered gives two `unanswered` findings, alike but for
    their step (``detail["step"]``, counted from 1): an expected finding tells them apart by
    ``step``, one naming a step the chain has not is not found, and the diff names each
    finding's step. Before, ``step`` was an unknown key and the two could not be told apart."""
    path = tmp_path / "chain.scenario.yaml"

    def run(findings: str) -> Any:
        path.write_text(CHAIN.replace("FINDINGS", findings), "utf-8")
        return run_scenario(load_scenario(path))

    result = run("[{code: unanswered, period: t1, step: 2}, {code: unanswered, period: t1, step: 1}]")
    assert [(f.code.value, f.period, f.detail["step"]) for f in result.report.findings] == [
        ("unanswered", "t1", 1),
        ("unanswered", "t1", 2),
    ]
    assert (result.missing, result.unexpected) == ([], [])
    result = run("[{code: unanswered, step: 2}, {code: unanswered, step: 3}]")
    assert [dict(m) for m in result.missing] == [{"code": "unanswered", "step": 3}]
    assert [f.detail["step"] for f in result.unexpected] == [1]
    assert "- expected, not found: code=unanswered, step=3" in result.diff()
    assert "+ found, not expected: code=unanswered, rule=chain, actor=b1, period=t1, step=1," in result.diff()
    for bad in ("'1'", "0", "true", "1.5"):
        path.write_text(CHAIN.replace("FINDINGS", f"[{{code: unanswered, step: {bad}}}]"), "utf-8")
        with pytest.raises(LoadError) as info:
            load_scenario(path)
        [problem] = info.value.problems
        assert (problem.pointer, problem.code, problem.line) == ("/expect/findings/0/step", "bad-scenario", 19)
        assert problem.message.startswith("expected a step number such as 1 or 2, got ")


def test_every_problem_of_a_scenario_is_said_in_one_reading(tmp_path: Path) -> None:
    """A misspelt key, a severity written as text and a misspelt finding code, each said at its
    line in one reading, with the key or the code meant; an expected finding's every problem, and
    a range's. Before, one problem was said per run: three runs for these three."""
    (tmp_path / "m.map.yaml").write_text("fields: {actor: who}\n", "utf-8")
    text = (
        SCENARIO.replace("FINDINGS", "[{code: misssing, actr: branch-1, observed: '0'}, {code: missing}]")
        .replace("severities: [violation]", "severities: violation")
        .replace("range: {from: 2024-12-01, to: 2024-12-31}", "range: {start: 2024-12-01, to: 2024-12-31}")
        .replace("expect:", "map-file: m.map.yaml\nexpect:")
    )
    path = tmp_path / "x.scenario.yaml"
    path.write_text(text, "utf-8")
    with pytest.raises(LoadError) as info:
        load_scenario(path)
    lines = text.splitlines()

    def line(start: str) -> int:
        return next(i for i, written in enumerate(lines, 1) if written.lstrip().startswith(start))

    said = [(p.file, p.line, p.pointer, p.code, p.message) for p in info.value.problems]
    assert said == [
        (
            str(path),
            line("range:"),
            "/range",
            "missing-key",
            "missing required key 'from': expected {from: DATE, to: DATE}",
        ),
        (str(path), line("range:"), "/range/start", "unknown-key", "unknown key 'start'; did you mean 'from'?"),
        (str(path), line("map-file:"), "/map-file", "unknown-key", "unknown key 'map-file'; did you mean 'map_file'?"),
        (
            str(path),
            line("findings:"),
            "/expect/findings/0/code",
            "bad-scenario",
            "expected a finding code (" + ", ".join(c.value for c in FindingCode) + "), got 'misssing'; "
            "did you mean 'missing'?",
        ),
        (
            str(path),
            line("findings:"),
            "/expect/findings/0/actr",
            "unknown-key",
            "unknown key 'actr'; did you mean 'actor'?",
        ),
        (
            str(path),
            line("findings:"),
            "/expect/findings/0/observed",
            "bad-scenario",
            "expected a count such as 0 or 2, got '0'",
        ),
        (
            str(path),
            line("severities:"),
            "/expect/severities",
            "bad-scenario",
            "expected a list of violation, warning, info, got 'violation'; write [violation]",
        ),
    ]
    fixed = text.replace("map-file:", "map_file:").replace("misssing, actr: branch-1, observed: '0'", "missing")
    fixed = fixed.replace("severities: violation", "severities: [violation]").replace("{start:", "{from:")
    path.write_text(fixed, "utf-8")
    assert load_scenario(path).severities == ("violation",)


def test_a_scenarios_problems_come_with_those_of_the_files_it_names(tmp_path: Path) -> None:
    """A rule file with a problem, a map file with one, an unknown encoding of a log and an audit
    moment that reads as none: all said in one reading, the scenario's own in file order, then
    the rule file's and the map file's."""
    rules = tmp_path / "rules.yaml"
    rules.write_text("id: r\ntimezone: UTC\nrules: []\n", "utf-8")  # no title
    (tmp_path / "m.map.yaml").write_text("fields: {actor: who}\nformat: nosuch\n", "utf-8")
    (tmp_path / "log.csv").write_text("id,time,who,action\n", "utf-8")
    text = (
        SCENARIO.replace("FINDINGS", "[]")
        .replace(str(EXAMPLE / "rules.yaml"), "rules.yaml")
        .replace('"2025-01-05T00:00:00+08:00"', "soon")
        .replace("expect:", "map_file: m.map.yaml\nencoding: rot13\nexpect:")
    )
    text = text.split("events:\n")[0] + "events: log.csv\nrange:" + text.split("range:")[1]
    path = tmp_path / "x.scenario.yaml"
    path.write_text(text, "utf-8")
    with pytest.raises(LoadError) as info:
        load_scenario(path)
    assert [(p.file, p.pointer, p.code) for p in info.value.problems] == [
        (str(path), "/as_of", "bad-scenario"),
        (str(path), "/encoding", "bad-scenario"),
        (str(rules), "/title", "missing-key"),
        (str(tmp_path / "m.map.yaml"), "/format", "bad-value"),
    ]
    assert info.value.problems[1].message == "unknown text encoding 'rot13'; expected one such as gb18030"


DOCS = ROOT / "docs" / "testing.md"


def _documented_scenario(name: str) -> str:
    """The YAML block of docs/testing.md whose scenario has this ``name``."""
    blocks = DOCS.read_text("utf-8").split("```yaml\n")[1:]
    return next(block.split("```")[0] for block in blocks if block.startswith(f"name: {name}\n"))


def test_the_complete_scenario_of_the_docs_passes_and_is_audited_at_the_ranges_end(tmp_path: Path) -> None:
    """The docs' complete scenario (every key but ``as_of``, over the bundled office export)
    passes from the bundled example's scenario folder; left out, the audit moment is the end of
    the range's last day in the organisation's zone, as the docs say."""
    import shutil

    import yaml

    for name in ("rules.yaml", "org.yaml", "events-2024.csv", "office-export.map.yaml"):
        shutil.copy(EXAMPLE / name, tmp_path / name)
    (tmp_path / "scenarios").mkdir()
    path = tmp_path / "scenarios" / "full.scenario.yaml"
    text = _documented_scenario("December 2024, as the office export has it")
    path.write_text(text, "utf-8")
    scenario = load_scenario(path)
    assert (scenario.as_of, scenario.lang, scenario.exact, scenario.severities) == (None, "zh", True, ("violation",))
    result = run_scenario(scenario)
    assert (result.missing, result.unexpected) == ([], []), result.diff()
    assert result.report.as_of.isoformat() == "2024-12-31T23:59:59.999999+08:00"
    assert {f.code.value for f in result.report.findings if f.severity == "warning"} == {
        "unknown-actor",
        "rejected-event",
    }
    data = yaml.safe_load(text)
    assert (set(data), set(data["expect"])) == (_KEYS - {"as_of"}, set(_EXPECT_KEYS))


def test_every_key_a_scenario_may_hold_is_in_the_docs_format() -> None:
    """Each key of a scenario, of its ``expect`` and of an expected finding has a row of its own
    in the format tables of docs/testing.md, and no row names a key a scenario may not hold."""
    section = DOCS.read_text("utf-8").split("### The format")[1].split("### Problems")[0]
    rows = {
        line.split("|")[1].strip().split(" ")[0].strip("`") for line in section.splitlines() if line.startswith("| `")
    }
    keys = _KEYS | {f"expect.{key}" for key in _EXPECT_KEYS} | set(_MATCH_FIELDS) | set(_OUTCOME_FIELDS)
    assert rows == keys


OGI = """
name: open government information
rules:
  id: ogi
  title: Open Government Information regulations
  timezone: Asia/Shanghai
  calendar: CN
  rules:
    - id: reply-to-application
      kind: triggered
      clause: OGI Art. 33
      trigger: {action: application-received, by: information-office}
      steps:
        - {action: reply, within: 20 workdays}
org: {id: o, timezone: Asia/Shanghai, actors: [{id: information-office}]}
events:
  - {id: A1, time: "2025-01-06T10:00:00+08:00", actor: information-office, action: application-received}
  - {id: A2, time: "2025-01-20T10:00:00+08:00", actor: information-office, action: application-received}
  - {id: r2, time: "2025-02-10T10:00:00+08:00", actor: information-office, action: reply, ref: A2}
range: {from: 2025-01-01, to: 2025-01-31}
as_of: "2025-02-10T09:00:00+08:00"
expect:
  findings: [{code: unanswered, period: A1, due: "2025-02-08T23:59:59+08:00"}]
  outcomes: OUTCOMES
"""


def _ogi(tmp_path: Path, outcomes: str, **replace: str) -> Any:
    text = OGI.replace("OUTCOMES", outcomes)
    for old, new in replace.items():
        text = text.replace(old, new)
    path = tmp_path / "ogi.scenario.yaml"
    path.write_text(text, "utf-8")
    return run_scenario(load_scenario(path))


def test_a_scenario_pins_outcomes_that_are_no_findings_and_their_due_moments(tmp_path: Path) -> None:
    """`expect.outcomes` pins what became of an obligation, finding or not: as of 10 February the
    reply to A2 is pending, due 21 February (20 workdays across the Spring Festival), and, as of
    the end of February, met; A1's reply, due 8 February, is unanswered. An expected outcome
    whose status or due moment differs is not found, and the diff shows its obligation's outcome
    as it is. Before, `outcomes` was an unknown key of `expect` and `due` one of a finding."""
    pinned = '[{rule: reply-to-application, period: A2, step: 1, status: STATUS, due: "2025-02-21T23:59:59+08:00"}]'
    result = _ogi(tmp_path, pinned.replace("STATUS", "pending"))
    assert (result.passed, result.missing, result.unexpected, result.missing_outcomes) == (True, [], [], [])
    later = {'as_of: "2025-02-10T09:00:00+08:00"': 'as_of: "2025-02-28T12:00:00+08:00"'}
    assert _ogi(tmp_path, pinned.replace("STATUS", "met"), **later).passed
    result = _ogi(tmp_path, pinned.replace("STATUS", "met"))
    assert not result.passed
    assert [(m["status"], str(m["due"])) for m in result.missing_outcomes] == [("met", "2025-02-21T23:59:59+08:00")]
    assert result.diff().splitlines()[1:] == [
        "  - expected outcome, not found: status=met, rule=reply-to-application, period=A2, step=1, "
        "due=2025-02-21T23:59:59+08:00",
        "    its outcome is: status=pending, rule=reply-to-application, actor=information-office, period=A2, "
        "step=1, due=2025-02-21T23:59:59+08:00, observed=0, evidence=['A2']",
    ]
    result = _ogi(tmp_path, pinned.replace("STATUS", "pending").replace("21T", "20T"))
    assert [str(m["due"]) for m in result.missing_outcomes] == ["2025-02-20T23:59:59+08:00"]
    result = _ogi(tmp_path, "[]", **{'due: "2025-02-08T23:59:59+08:00"': 'due: "2025-02-07T23:59:59+08:00"'})
    assert [(m["code"], str(m["due"])) for m in result.missing] == [("unanswered", "2025-02-07T23:59:59+08:00")]


def test_a_due_moment_is_read_to_the_day_second_or_instant_it_is_written_to(tmp_path: Path) -> None:
    """A due moment is read as `as_of` is: a day alone holds any due moment on that local day, a
    time to the second that whole second (so the due moment a report shows, 23:59:59, matches the
    last instant of the day), one without an offset in the organisation's zone, and one with a
    fraction of a second that instant only."""
    for due, found in (
        ("2025-02-21", True),
        ("2025-02-21T23:59:59+08:00", True),
        ('"2025-02-21 23:59:59"', True),
        ("2025-02-21T15:59:59Z", True),
        ("2025-02-21T23:59:59.999999+08:00", True),
        ("2025-02-21T23:59:59.5+08:00", False),
        ("2025-02-21T23:59:58+08:00", False),
        ("2025-02-22", False),
    ):
        result = _ogi(tmp_path, f"[{{period: A2, status: pending, due: {due}}}]")
        assert result.passed is found, due


def test_each_expected_outcome_is_found_on_its_own(tmp_path: Path) -> None:
    """Two alike expected outcomes need two outcomes: the chain's one pending step meets one of
    them. Outcomes not listed are not compared, whatever `exact` says (it is of findings)."""
    result = _ogi(tmp_path, "[{status: pending}, {status: pending}]")
    assert [dict(m) for m in result.missing_outcomes] == [{"status": "pending"}]
    assert _ogi(tmp_path, "[{status: unanswered, period: A1}]").passed


def test_expected_outcomes_are_checked_when_read(tmp_path: Path) -> None:
    """Every problem of an expected outcome is said at its place in one reading: a misspelt status
    with the one meant, a finding's `code` for an outcome's `status`, a due moment that reads as
    none, and an outcome with no status."""
    path = tmp_path / "ogi.scenario.yaml"
    outcomes = "[{status: mett, due: soon}, {code: met}, {period: A2}]"
    path.write_text(OGI.replace("OUTCOMES", outcomes), "utf-8")
    with pytest.raises(LoadError) as info:
        load_scenario(path)
    statuses = ", ".join(get_args(Status))
    assert [(p.pointer, p.code, p.message) for p in info.value.problems] == [
        (
            "/expect/outcomes/0/status",
            "bad-scenario",
            f"expected a status ({statuses}), got 'mett'; did you mean 'met'?",
        ),
        (
            "/expect/outcomes/0/due",
            "bad-scenario",
            "expected a due moment such as 2025-02-21T23:59:59+08:00 or 2025-02-21, got 'soon'",
        ),
        ("/expect/outcomes/1", "missing-key", "each expected outcome is a mapping with at least 'status'"),
        ("/expect/outcomes/1/code", "unknown-key", "unknown key 'code'; did you mean 'status'?"),
        ("/expect/outcomes/2", "missing-key", "each expected outcome is a mapping with at least 'status'"),
    ]


def test_an_expected_finding_pins_the_file_and_line_of_its_record_or_evidence(tmp_path: Path) -> None:
    """A record rejected without an id cites no evidence (``evidence: []``), so a scenario could
    not pin which one it was: an expected finding may give ``file`` and ``line``, read as the
    report gives them: a rejected record's own (a JSON array's record number), else those of an
    event it cites; the file as the reports name the log, or as its path from the scenario."""
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "log.csv").write_text(
        "id,time,actor,action,recipient\n"
        "d1,2024-12-20T10:00:00+08:00,branch-1,ideology-report,central-party-branch\n"
        ",2024-12-32T10:00:00+08:00,branch-2,ideology-report,central-party-branch\n"
        ",2024-12-21T10:00:00+08:00,branch-2,ideology-report,central-party-branch\n"
        "d4,2025-01-03T10:00:00+08:00,branch-3,ideology-report,central-party-branch\n",
        "utf-8",
    )
    text = SCENARIO.split("events:\n")[0] + "events: data/log.csv\nrange:" + SCENARIO.split("range:")[1]
    text = text.replace("severities: [violation]", "severities: [violation, warning]")
    path = tmp_path / "x.scenario.yaml"
    rows = [
        "{code: rejected-event, file: log.csv, line: 3, evidence: []}",
        "{code: late, actor: branch-3, file: data/log.csv, line: 5}",
        "{code: missing, actor: branch-4}",
    ]
    path.write_text(text.replace("FINDINGS", "[" + ", ".join(rows) + "]"), "utf-8")
    result = run_scenario(load_scenario(path))
    assert result.passed, result.diff()
    assert [(f.code.value, f.line, f.evidence) for f in result.report.findings if f.code.value == "rejected-event"] == [
        ("rejected-event", 3, ())
    ]
    for wrong in ("file: log.csv, line: 4", "file: other.csv, line: 3"):
        changed = rows[0].replace("file: log.csv, line: 3", wrong)
        path.write_text(text.replace("FINDINGS", "[" + ", ".join([changed, *rows[1:]]) + "]"))
        result = run_scenario(load_scenario(path))
        assert [(m["code"], str(m["file"]), m["line"]) for m in result.missing] == [
            ("rejected-event", "other.csv", 3) if "other" in wrong else ("rejected-event", "log.csv", 4)
        ]
        assert "  - expected, not found: code=rejected-event" in result.diff()
    path.write_text(text.replace("FINDINGS", "[{code: rejected-event, line: 0}, {code: late, file: [x]}]"))
    with pytest.raises(LoadError) as info:
        load_scenario(path)
    assert [(p.pointer, p.message) for p in info.value.problems] == [
        ("/expect/findings/0/line", "expected a line or record number such as 12, got 0"),
        ("/expect/findings/1/file", "expected a text, got ['x']"),
    ]


def test_an_inline_or_record_numbered_logs_record_is_pinned_by_its_number(tmp_path: Path) -> None:
    """The report gives a JSON array's record, and an inline event, by its number: ``line``
    pins it so; ``file`` is the log's (for inline events, the scenario's own) name."""
    (tmp_path / "log.json").write_text(
        '[{"id": "d1", "time": "2024-12-20T10:00:00+08:00", "actor": "branch-1", "action": "ideology-report",'
        ' "recipient": "central-party-branch"},\n{"time": "bad", "actor": "branch-2", "action": "ideology-report"}]\n',
        "utf-8",
    )
    text = SCENARIO.split("events:\n")[0] + "events: log.json\nrange:" + SCENARIO.split("range:")[1]
    expected = "[{code: rejected-event, file: log.json, line: 2}]"
    path = tmp_path / "x.scenario.yaml"
    path.write_text(text.replace("FINDINGS", expected).replace("[violation]", "[warning]"), "utf-8")
    assert run_scenario(load_scenario(path)).passed
    inline = SCENARIO.replace("events:\n", "events:\n  - {time: bad, actor: branch-2, action: ideology-report}\n")
    inline = inline.replace("FINDINGS", "[{code: rejected-event, file: x.scenario.yaml, line: 1}]")
    path.write_text(inline.replace("[violation]", "[warning]"), "utf-8")
    result = run_scenario(load_scenario(path))
    assert result.passed, result.diff()


def test_a_scenarios_own_value_yaml_1_1_alone_reads_as_a_number_is_refused(tmp_path: Path) -> None:
    """Beyond its events, a scenario's map and expectations are compared as text: ``map:
    {actor: 010}`` read the column ``8`` and ``evidence: [010]`` the id ``8``; each is refused at
    its line, asking for it quoted."""
    text = SCENARIO.replace("FINDINGS", "[{code: missing, evidence: [010]}]").replace(
        "range:", "map: {actor: 010}\nrange:"
    )
    path = tmp_path / "x.scenario.yaml"
    path.write_text(text, "utf-8")
    with pytest.raises(LoadError) as info:
        load_scenario(path)
    assert [(p.pointer, p.code) for p in info.value.problems] == [
        ("/map/actor", "ambiguous-value"),
        ("/expect/findings/0/evidence/0", "ambiguous-value"),
    ]
