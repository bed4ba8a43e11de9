"""The JUnit renderer: valid against the Jenkins JUnit schema, one testcase per obligation outcome."""

from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import xmlschema

from govrules.checker import check
from govrules.cli import run
from govrules.events import read_events
from govrules.findings import Finding, FindingCode, Outcome, Report, summarise
from govrules.loaders import load_org, load_rules
from govrules.renderers import RenderContext, render
from govrules.renderers.junit import RECORDS_SUITE
from govrules.renderers.junit import render as render_junit

HERE = Path(__file__).resolve().parent
GOLDEN = HERE / "golden"
XSD = xmlschema.XMLSchema(HERE / "schemas" / "junit-10.xsd")
NAME = re.compile(r"^[^/]+/[^/]+(/[^/]+)?/[^/]+(/step-\d+)?$")


def test_golden(
    case: str,
    log: str,
    cli: Callable[..., tuple[int, str, str]],
    args: Callable[..., list[str]],
    golden: Callable[[Path, str], None],
) -> None:
    """The CLI's JUnit report of each example log equals its golden file."""
    code, out, err = cli(*args(log, "--format", "junit"))
    assert err == ""
    assert code == (1 if case == "gaps" else 0)
    golden(GOLDEN / f"{case}.junit.xml", out)


def test_golden_files_validate_against_the_junit_schema() -> None:
    """Every golden JUnit file is valid against junit-10.xsd."""
    files = sorted(GOLDEN.glob("*.junit.xml"))
    assert files
    for path in files:
        XSD.validate(str(path))


def test_one_testcase_per_outcome_and_a_failure_per_violation(
    case: str, example: Callable[..., tuple[Report, RenderContext]]
) -> None:
    """Suites are rules; testcases are outcomes with stable unique names; failures are violations."""
    report, context = example(case)
    root = ET.fromstring(render(report, "junit", context))
    suites = root.findall("testsuite")
    records = [f for f in report.findings if f.rule is None]
    said = report.notes or report.unmatched_actions  # the records suite's output says them
    assert [s.get("name") for s in suites] == sorted({o.rule for o in report.outcomes}) + (
        [RECORDS_SUITE] if records or said else []
    )
    if report.unmatched_actions:
        assert "Actions no rule mentions: " in (root.findtext(f"testsuite[@name='{RECORDS_SUITE}']/system-out") or "")
    cases = root.findall("testsuite/testcase")
    names = [c.get("name") for c in cases]
    assert len(names) == len(set(names)) == len(report.outcomes) + len(records)
    rule_cases = [c.get("name") or "" for c in cases if c.get("classname") != RECORDS_SUITE]
    assert len(rule_cases) == len(report.outcomes)
    assert all(NAME.match(n) for n in rule_cases)
    failures = root.findall("testsuite/testcase/failure")
    assert len(failures) == report.summary.violations
    assert int(root.get("failures") or 0) == len(root.findall("testsuite/testcase[failure]"))
    skipped = root.findall("testsuite/testcase/skipped")
    quiet = {"pending", "exempt", "discharged", "not-held"}
    assert len(skipped) == sum(1 for o in report.outcomes if o.status in quiet)
    for suite in suites:
        assert int(suite.get("tests") or 0) == len(suite.findall("testcase"))
        assert int(suite.get("failures") or 0) == len(suite.findall("testcase[failure]"))
        assert int(suite.get("skipped") or 0) == len(suite.findall("testcase/skipped"))


def test_known_gaps_are_failures_with_their_evidence(example: Callable[..., tuple[Report, RenderContext]]) -> None:
    """Branch 3's missing December report and Branch 2's late May report fail, naming the code and row."""
    report, context = example("gaps")
    root = ET.fromstring(render(report, "junit", context))
    missing = root.find("testsuite/testcase[@name='branch-monthly-report/branch-3/2024-12']/failure")
    assert missing is not None
    assert missing.get("type") == "missing"
    late = root.find("testsuite/testcase[@name='branch-monthly-report/branch-2/2024-05']/failure")
    assert late is not None
    assert late.get("type") == "late"
    assert "events-2024.csv:" in (late.text or "")


def _november(status: str, counterpart: str | None = None) -> Outcome:
    """Actor a's obligation under rule r for November 2024, of ``status``."""
    from datetime import datetime, timedelta, timezone

    tz = timezone(timedelta(hours=8))
    return Outcome(
        rule="r",
        clause="C1",
        actor="a",
        counterpart=counterpart,
        period="2024-11",
        opens=datetime(2024, 11, 1, tzinfo=tz),
        due=datetime(2024, 11, 30, 23, 59, 59, tzinfo=tz),
        status=status,  # type: ignore[arg-type]
    )


def _report(outcomes: list[Outcome], findings: list[Finding]) -> Report:
    from datetime import datetime, timedelta, timezone

    from govrules.findings import RecordCounts

    tz = timezone(timedelta(hours=8))
    return Report(
        rule_set="rs",
        organisation="org",
        range_from="2024-01-01",
        range_to="2024-12-31",
        as_of=datetime(2024, 12, 31, 23, 59, 59, tzinfo=tz),
        timezone="Asia/Shanghai",
        summary=summarise(1, findings, outcomes),
        findings=tuple(findings),
        outcomes=tuple(outcomes),
        records=RecordCounts(),
    )


@pytest.mark.parametrize(
    ("status", "child"), [("pending", "skipped"), ("exempt", "skipped"), ("met", None), ("not-held", "skipped")]
)
def test_quiet_statuses(status: str, child: str | None) -> None:
    """Pending, exempt and not-held obligations are skipped; met ones pass."""
    o = _november(status, counterpart="b")
    root = ET.fromstring(render(_report([o], []), "junit", RenderContext()))
    case = root.find("testsuite/testcase")
    assert case is not None
    assert case.get("name") == "r/a/b/2024-11"
    found = [c.tag for c in case if c.tag != "system-out"]
    assert found == ([child] if child else [])


def test_a_violation_without_outcome_still_fails() -> None:
    """A violation finding that matches no outcome gets a failing testcase of its own."""
    f = Finding(code=FindingCode.FORBIDDEN, severity="violation", rule="r", actor="a", period="E1", message="m")
    root = ET.fromstring(render(_report([], [f]), "junit", RenderContext()))
    failure = root.find("testsuite[@name='r']/testcase[@name='r/a/E1']/failure")
    assert failure is not None
    assert root.get("failures") == "1"


def test_characters_xml_cannot_hold_become_replacement_characters() -> None:
    """A finding naming an event id with U+FFFF, a message with U+0001 and a rule with U+FFFE
    (a log's text, or a report made in Python) still gives a document that parses: each such
    character is U+FFFD, and everything else is kept."""
    f = Finding(
        code=FindingCode.FORBIDDEN,
        severity="violation",
        rule="r\ufffe",
        actor="a",
        period="E\uffff1",
        evidence=("E\uffff1",),
        message="m\x01 \u00e9\U0001f600",
    )
    root = ET.fromstring(render(_report([], [f]), "junit", RenderContext()))
    failure = root.find("testsuite[@name='r\ufffd']/testcase[@name='r\ufffd/a/E\ufffd1']/failure")
    assert failure is not None and root.get("failures") == "1"
    assert failure.get("message") == "forbidden: m\ufffd \u00e9\U0001f600"


RULES = """\
id: tiny
title: Tiny
timezone: UTC
rules:
  - id: monthly
    kind: recurring
    clause: C1
    who: {role: unit}
    action: report
    every: month
"""
ORG = "id: o\nactors: [{id: u1, name: Unit 1, roles: [unit]}]\n"
LOG = (
    "id,time,actor,action\ne1,2024-01-10T10:00:00Z,u1,report\ne2,2024-01-11T10:00:00Z,ghost,report\ne3,bad,u1,report\n"
)
REJECTED = "rejected-event/events.csv:4"
UNKNOWN = "unknown-actor/ghost"


def _record_audit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *extra: str) -> tuple[int, ET.Element]:
    """Exit code and JUnit report of a one-month audit whose log has an unreadable record and an unknown actor."""
    for name, text in (("rules.yaml", RULES), ("org.yaml", ORG), ("events.csv", LOG)):
        (tmp_path / name).write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    out, err = io.StringIO(), io.StringIO()
    argv = ["check", "rules.yaml", "--org", "org.yaml", "--events", "events.csv", "--from", "2024-01-01"]
    argv += ["--to", "2024-01-31", "--format", "junit", "--quiet", *extra]
    code = run(argv, out, err)
    assert err.getvalue() == ""
    XSD.validate(out.getvalue())
    return code, ET.fromstring(out.getvalue())


def _records_suite(root: ET.Element) -> dict[str, ET.Element]:
    suite = root.find(f"testsuite[@name='{RECORDS_SUITE}']")
    assert suite is not None
    assert suite.find("properties/property[@name='title']").get("value") == "Input records"  # type: ignore[union-attr]
    assert suite.get("tests") == "2"
    return {c.get("name") or "": c for c in suite.findall("testcase")}


def test_record_findings_are_passing_testcases_below_the_default_threshold(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An unreadable record and an unknown actor (warnings) are testcases of the records suite,
    passing under the default threshold (as the exit code does) with the warning in system-out."""
    code, root = _record_audit(tmp_path, monkeypatch)
    assert code == 0
    assert [s.get("name") for s in root.findall("testsuite")] == ["monthly", RECORDS_SUITE]
    cases = _records_suite(root)
    assert list(cases) == [REJECTED, UNKNOWN]
    assert root.get("failures") == "0"
    assert root.get("tests") == "3"
    assert not root.findall(".//failure")
    assert cases[REJECTED].get("classname") == RECORDS_SUITE
    assert (cases[REJECTED].findtext("system-out") or "").splitlines() == [
        "unreadable record",
        "warning: record events.csv:4 could not be read:"
        " expected an ISO 8601 time such as 2024-11-28T09:30:00+00:00, got 'bad'",
        "evidence: e3",
    ]
    assert (cases[UNKNOWN].findtext("system-out") or "").splitlines() == [
        "unknown actor",
        "warning: 1 event names actor ghost, who is not in the organisation",
        "evidence: e2 at events.csv:3",
    ]


def test_record_findings_fail_at_the_warning_threshold(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With fail_on="warning" (``--fail-on warning``, exit code 1) each record-level warning is a failure."""
    code, _ = _record_audit(tmp_path, monkeypatch, "--fail-on", "warning")
    assert code == 1
    rules, org = load_rules(tmp_path / "rules.yaml"), load_org(tmp_path / "org.yaml")
    events = read_events("events.csv", tz=ZoneInfo("UTC"))
    report = check(rules, org, events, start=date(2024, 1, 1), end=date(2024, 1, 31), with_locations=True)
    assert report.exit_code("warning") == 1
    root = ET.fromstring(render_junit(report, RenderContext(fail_on="warning")))
    XSD.validate(ET.tostring(root, encoding="unicode"))
    cases = _records_suite(root)
    assert list(cases) == [REJECTED, UNKNOWN]
    assert root.get("failures") == "2"
    assert root.find(f"testsuite[@name='{RECORDS_SUITE}']").get("failures") == "2"  # type: ignore[union-attr]
    rejected = cases[REJECTED].findall("failure")
    assert [(f.get("type"), f.get("message")) for f in rejected] == [
        (
            "rejected-event",
            "unreadable record: record events.csv:4 could not be read:"
            " expected an ISO 8601 time such as 2024-11-28T09:30:00+00:00, got 'bad'",
        )
    ]
    unknown = cases[UNKNOWN].findall("failure")
    assert [(f.get("type"), f.get("message")) for f in unknown] == [
        ("unknown-actor", "unknown actor: 1 event names actor ghost, who is not in the organisation")
    ]
    assert (unknown[0].text or "").splitlines()[-1] == "evidence: e2 at events.csv:3"
    assert cases[UNKNOWN].findtext("system-out") == "unknown actor"
    # the same report at the default threshold: the warnings pass, as exit_code("violation") == 0
    assert report.exit_code() == 0
    quiet = ET.fromstring(render_junit(report, RenderContext()))
    assert quiet.get("failures") == "0"
    assert len(quiet.findall(f"testsuite[@name='{RECORDS_SUITE}']/testcase")) == 2


def test_rule_warnings_fail_at_the_warning_threshold() -> None:
    """A rule's warning (``severity: warning``) passes by default and fails at fail_on="warning"."""
    o = _november("missing")
    f = Finding(code=FindingCode.MISSING, severity="warning", rule="r", actor="a", period="2024-11", message="m")
    report = _report([o], [f])
    default = ET.fromstring(render_junit(report, RenderContext()))
    assert default.find("testsuite/testcase/failure") is None
    assert default.findtext("testsuite/testcase/system-out") == "missing\nwarning: m"
    strict = ET.fromstring(render_junit(report, RenderContext(fail_on="warning")))
    failure = strict.find("testsuite[@name='r']/testcase[@name='r/a/2024-11']/failure")
    assert failure is not None
    assert (failure.get("type"), failure.get("message")) == ("missing", "missing: m")
    assert strict.get("failures") == "1"
    never = ET.fromstring(render_junit(report, RenderContext(fail_on="never")))
    assert never.find(".//failure") is None


def test_a_warning_without_outcome_is_shown() -> None:
    """A rule's warning that matches no outcome is a passing testcase with the warning in system-out."""
    f = Finding(code=FindingCode.FORBIDDEN, severity="warning", rule="r", actor="a", period="E1", message="m")
    root = ET.fromstring(render(_report([], [f]), "junit", RenderContext()))
    case = root.find("testsuite[@name='r']/testcase[@name='r/a/E1']")
    assert case is not None
    assert case.find("failure") is None
    assert case.findtext("system-out") == "warning: m"
    assert root.get("failures") == "0"


def test_the_cli_junit_report_fails_when_the_exit_code_does(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``govrules check --format junit --fail-on warning``: exit code 1, so the test view fails too."""
    code, root = _record_audit(tmp_path, monkeypatch, "--fail-on", "warning")
    assert code == 1
    assert root.get("failures") == "2"


def test_a_log_whose_every_record_was_rejected_is_an_error_and_the_notes_are_said(tmp_path: Path) -> None:
    """Every record rejected: the command exits 2, so the test view has an error (it passed, with
    no failure); and the report's notes (nothing owed, every record rejected) are in the records
    suite's output, as the other formats say them."""
    (tmp_path / "rules.yaml").write_text(
        "id: t\ntitle: T\ntimezone: UTC\nrules:\n"
        "  - {id: r, kind: recurring, clause: C1, who: {role: unit}, action: report, every: year}\n",
        encoding="utf-8",
    )
    (tmp_path / "org.yaml").write_text("id: o\nactors:\n  - {id: u1, roles: [unit]}\n", encoding="utf-8")
    (tmp_path / "events.csv").write_text("id,time,actor,action\ne1,notatime,u1,report\n", encoding="utf-8")
    out = io.StringIO()
    argv = ["check", str(tmp_path / "rules.yaml"), "--org", str(tmp_path / "org.yaml"), "--events"]
    code = run(
        [*argv, str(tmp_path / "events.csv"), "--from", "2024-03-01", "--to", "2024-03-31", "--format", "junit"],
        out,
        io.StringIO(),
    )
    assert code == 2
    XSD.validate(out.getvalue())
    root = ET.fromstring(out.getvalue())
    assert (root.get("errors"), root.get("failures")) == ("1", "0")
    suite = root.find(f"testsuite[@name='{RECORDS_SUITE}']")
    assert suite is not None and suite.get("errors") == "1"
    [error] = suite.findall("testcase[@name='all-records-rejected']/error")
    assert (
        error.get("message")
        == "Every record read (1) was rejected: nothing in the logs could be checked, so this report shows nothing they hold."
    )
    assert (suite.findtext("system-out") or "").splitlines() == [
        "Records: 1 read = 0 used + 0 unused + 1 rejected (0 dated after the audit moment)",
        "Every record read (1) was rejected: nothing in the logs could be checked, so this report shows nothing they hold.",
        "No obligation arose in the range: nothing was owed, so nothing could be missed.",
    ]
    sarif = io.StringIO()  # and the SARIF run is not a successful one, with the same notes
    argv += [str(tmp_path / "events.csv"), "--from", "2024-03-01", "--to", "2024-03-31", "--format", "sarif"]
    assert run(argv, sarif, io.StringIO()) == 2
    (invocation,) = json.loads(sarif.getvalue())["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False
    assert [n["message"]["text"] for n in invocation["toolExecutionNotifications"]] == (
        suite.findtext("system-out") or ""
    ).splitlines()[1:]
    assert [n["level"] for n in invocation["toolExecutionNotifications"]] == ["error", "note"]  # results incomplete


@pytest.mark.parametrize("fmt", ["junit", "sarif"])
def test_the_records_are_accounted_for_in_junit_and_sarif(fmt: str, tmp_path: Path) -> None:
    """Every format accounts for every input record: JUnit's records suite (there even when no
    record was rejected) holds the counts as properties and says them first in its output, and
    SARIF's run holds them in its properties. Before, neither format had them."""
    (tmp_path / "rules.yaml").write_text(
        "id: t\ntitle: T\ntimezone: UTC\nrules:\n"
        "  - {id: r, kind: recurring, clause: C1, who: {role: unit}, action: report, every: month}\n",
        encoding="utf-8",
    )
    (tmp_path / "org.yaml").write_text("id: o\nactors:\n  - {id: u1, roles: [unit]}\n", encoding="utf-8")
    (tmp_path / "events.csv").write_text(
        "id,time,actor,action\ne1,2024-03-05T10:00:00Z,u1,report\ne2,2024-03-06T10:00:00Z,u1,lunch\n"
        "e3,2024-04-02T10:00:00Z,u1,report\n",
        encoding="utf-8",
    )
    out = io.StringIO()
    argv = ["check", str(tmp_path / "rules.yaml"), "--org", str(tmp_path / "org.yaml"), "--events"]
    argv += [str(tmp_path / "events.csv"), "--from", "2024-03-01", "--to", "2024-03-31", "--as-of", "2024-03-31"]
    assert run([*argv, "--format", fmt], out, io.StringIO()) == 0
    counts = {"read": 3, "used": 1, "unused": 2, "rejected": 0, "after_as_of": 1}
    if fmt == "sarif":
        records = json.loads(out.getvalue())["runs"][0]["properties"]["records"]
        assert {k: records[k] for k in counts} == counts
        assert records["files"] == {str(tmp_path / "events.csv"): 3}
        return
    XSD.validate(out.getvalue())
    suite = ET.fromstring(out.getvalue()).find(f"testsuite[@name='{RECORDS_SUITE}']")
    assert suite is not None and suite.get("tests") == "0"
    properties = {p.get("name"): p.get("value") for p in suite.iter("property")}
    assert {k: int(properties[f"records.{k}"] or "") for k in counts} == counts
    assert (suite.findtext("system-out") or "").splitlines()[0] == (
        "Records: 3 read = 1 used + 2 unused + 0 rejected (1 dated after the audit moment)"
    )
