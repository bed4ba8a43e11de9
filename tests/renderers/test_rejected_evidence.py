"""The evidence of a rejected record in every format: the record itself, never another record
read under its id. ``A-1`` of january.csv is read; ``A-1`` of february.csv, whose date does not
exist, is rejected: its finding cites ``A-1`` with no place (its own place is the finding's),
not "A-1 at january.csv:2". A duplicate still cites the record it repeats."""

from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from govrules.cli import run
from govrules.renderers.junit import RECORDS_SUITE

RULES = """\
id: ev
title: Evidence check
timezone: UTC
rules:
  - {id: m, kind: recurring, clause: M1, who: {role: unit}, action: report, every: month}
"""
ORG = "id: o\nname: O\nactors:\n  - {id: u1, name: U1, roles: [unit]}\n"
HEAD = "id,time,actor,action\n"
JANUARY = HEAD + "A-1,2024-01-10T10:00:00Z,u1,report\n"
FEBRUARY = HEAD + "A-1,2024-02-31T10:00:00Z,u1,report\n"  # no February 31st: rejected
AGAIN = HEAD + "A-1,2024-01-11T10:00:00Z,u1,report\n"  # a duplicate of january.csv's A-1
CASES = [pytest.param(FEBRUARY, "A-1", id="unreadable"), pytest.param(AGAIN, "A-1 at january.csv:2", id="duplicate")]


def _check(tmp_path: Path, second: str, fmt: str, fail_on: str = "never") -> str:
    """The ``fmt`` report of a January check over january.csv and february.csv (``second``)."""
    for name, text in (("rules.yaml", RULES), ("org.yaml", ORG), ("january.csv", JANUARY), ("february.csv", second)):
        (tmp_path / name).write_text(text, encoding="utf-8")
    out = io.StringIO()
    argv = ["check", "rules.yaml", "--org", "org.yaml", "--events", "january.csv", "--events", "february.csv"]
    argv += ["--from", "2024-01-01", "--to", "2024-01-31", "--fail-on", fail_on, "--format", fmt, "--quiet"]
    run(argv, out, io.StringIO())
    return out.getvalue()


@pytest.fixture(autouse=True)
def _here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def _sarif_result(text: str) -> dict[str, Any]:
    (result,) = [r for r in json.loads(text)["runs"][0]["results"] if r["ruleId"] == "govrules/rejected-event"]
    found: dict[str, Any] = result
    return found


def test_sarif_locates_a_rejected_record_at_itself_only(tmp_path: Path) -> None:
    """The SARIF result of the rejected record is at february.csv:2, with no related location at
    january.csv (its evidence, ``A-1``, is the record itself); its evidence property keeps the id."""
    result = _sarif_result(_check(tmp_path, FEBRUARY, "sarif"))
    (location,) = result["locations"]
    assert location["physicalLocation"] == {"artifactLocation": {"uri": "february.csv"}, "region": {"startLine": 2}}
    assert "relatedLocations" not in result
    assert result["properties"]["evidence"] == ["A-1"]


def test_sarif_relates_a_duplicate_to_the_record_it_repeats(tmp_path: Path) -> None:
    """A duplicate's related location is the record read first under its id, as its reason says."""
    result = _sarif_result(_check(tmp_path, AGAIN, "sarif"))
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "february.csv"
    (related,) = result["relatedLocations"]
    assert related["physicalLocation"] == {"artifactLocation": {"uri": "january.csv"}, "region": {"startLine": 2}}
    assert related["message"]["text"] == "A-1"


def _records_case(text: str) -> ET.Element:
    suite = ET.fromstring(text).find(f"testsuite[@name='{RECORDS_SUITE}']")
    assert suite is not None
    (case,) = [c for c in suite.findall("testcase") if (c.get("name") or "").startswith("rejected-event/")]
    return case


@pytest.mark.parametrize(("second", "cited"), CASES)
@pytest.mark.parametrize("fail_on", ["never", "warning"])
def test_junit_cites_a_rejected_record_without_another_records_place(
    tmp_path: Path, second: str, cited: str, fail_on: str
) -> None:
    """The records suite's testcase of the rejected record cites ``A-1`` alone (a duplicate: the
    record it repeats), as a warning below the threshold and as a failure at it."""
    case = _records_case(_check(tmp_path, second, "junit", fail_on))
    assert case.get("name") == "rejected-event/february.csv:2"
    failure = case.find("failure")
    said = case.findtext("system-out") if failure is None else failure.text
    assert fail_on == "never" or failure is not None
    assert (said or "").splitlines()[-1] == f"evidence: {cited}"


def _markdown_row(text: str) -> list[str]:
    (line,) = [line for line in text.splitlines() if line.startswith("|") and "february.csv:2" in line]
    return [c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]]


@pytest.mark.parametrize(("second", "cited"), CASES)
def test_markdown_cites_a_rejected_record_without_another_records_place(
    tmp_path: Path, second: str, cited: str
) -> None:
    """The Markdown row of the rejected record (at february.csv:2) has ``A-1`` alone as its
    evidence (a duplicate: the record it repeats)."""
    row = _markdown_row(_check(tmp_path, second, "markdown"))
    assert row[2] == "february.csv:2"
    assert row[-1] == cited


@pytest.mark.parametrize(
    ("second", "place"),
    [pytest.param(FEBRUARY, None, id="unreadable"), pytest.param(AGAIN, "january.csv:2", id="duplicate")],
)
def test_html_cites_a_rejected_record_without_another_records_place(
    tmp_path: Path, second: str, place: str | None
) -> None:
    """The HTML findings row of the rejected record names ``A-1`` with no place (a duplicate: the
    record it repeats)."""
    page = _check(tmp_path, second, "html")
    row = re.search(r'<tr data-actor="u1" data-code="rejected-event">(.*?)</tr>', page)
    assert row is not None
    evidence = re.findall(r"<td>(.*?)</td>", row.group(1))[-1]
    assert evidence == "<code>A-1</code>" + (f" <small>{place}</small>" if place else "")


def test_a_rejected_record_names_its_actor_where_it_was_read(tmp_path: Path) -> None:
    """A ``rejected-event`` finding had ``actor: null`` even where the record's actor read: it
    gives the actor of a record rejected for its time, a missing action, a duplicate id or a
    field of a JSON record that is no text, and none where the actor is what is wrong (a
    ``role:`` form, a control character) or missing. The records stay in file and line order,
    and the Markdown report shows the actor's name."""
    log = (
        HEAD
        + "A-1,2024-01-10T10:00:00Z,u1,report\n"
        + "B-1,2024-02-31T10:00:00Z,u1,report\n"  # no February 31st
        + "B-2,2024-01-12T10:00:00Z,u1,\n"  # no action
        + "B-3,2024-01-13T10:00:00Z,role:unit,report\n"  # a party form, not an actor
        + 'B-4,2024-01-14T10:00:00Z,"u\x071",report\n'  # a control character
        + "A-1,2024-01-15T10:00:00Z,u2,report\n"  # a duplicate id
        + "B-5,bad,,report\n"  # no actor
    )
    (tmp_path / "january.csv").write_text(log, encoding="utf-8")
    (tmp_path / "february.jsonl").write_text('{"id": "J-1", "time": true, "actor": "u1", "action": "report"}\n')
    for name, text in (("rules.yaml", RULES), ("org.yaml", ORG)):
        (tmp_path / name).write_text(text, encoding="utf-8")
    argv = ["check", "rules.yaml", "--org", "org.yaml", "--events", "january.csv", "--events", "february.jsonl"]
    argv += ["--from", "2024-01-01", "--to", "2024-01-31", "--fail-on", "never", "--quiet"]
    out = io.StringIO()
    run([*argv, "--format", "json"], out, io.StringIO())
    rejected = [f for f in json.loads(out.getvalue())["findings"] if f["code"] == "rejected-event"]
    assert [(f["file"], f["line"], f["actor"]) for f in rejected] == [
        ("february.jsonl", 1, "u1"),
        ("january.csv", 3, "u1"),
        ("january.csv", 4, "u1"),
        ("january.csv", 5, None),
        ("january.csv", 6, None),
        ("january.csv", 7, "u2"),
        ("january.csv", 8, None),
    ]
    out = io.StringIO()
    run([*argv, "--format", "markdown"], out, io.StringIO())
    row = next(line for line in out.getvalue().splitlines() if "january.csv:3 " in line)
    assert row.split(" | ")[1] == "U1"
