"""The JUnit renderer: valid against the Jenkins JUnit schema, one testcase per obligation outcome."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest
import xmlschema

from govrules.findings import Finding, FindingCode, Outcome, Report, summarise
from govrules.renderers import RenderContext, render

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
    assert [s.get("name") for s in suites] == sorted({o.rule for o in report.outcomes})
    cases = root.findall("testsuite/testcase")
    names = [c.get("name") for c in cases]
    assert len(names) == len(set(names)) == len(report.outcomes)
    assert all(NAME.match(n or "") for n in names)
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
    from datetime import datetime, timedelta, timezone

    tz = timezone(timedelta(hours=8))
    o = Outcome(
        rule="r",
        clause="C1",
        actor="a",
        counterpart="b",
        period="2024-11",
        opens=datetime(2024, 11, 1, tzinfo=tz),
        due=datetime(2024, 11, 30, 23, 59, 59, tzinfo=tz),
        status=status,  # type: ignore[arg-type]
    )
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
