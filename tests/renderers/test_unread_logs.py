"""A report `govrules.check` gave, of a log not read whole beside a good one, rendered through the
library: every format says so, as `govrules check` does, and works out which logs once."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

import govrules
from govrules import events
from govrules.findings import Report, UnreadLog
from govrules.renderers import RenderContext, render
from govrules.renderers import json as json_renderer

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


@pytest.fixture
def report(tmp_path: Path) -> tuple[Report, str]:
    (tmp_path / "rules.yaml").write_text(RULES, encoding="utf-8")
    (tmp_path / "org.yaml").write_text(ORG, encoding="utf-8")
    (tmp_path / "ev.csv").write_text(GOOD, encoding="utf-8")
    (tmp_path / "allbad.csv").write_text(ALL_BAD, encoding="utf-8")
    tz = ZoneInfo("Europe/Rome")
    records = [
        *govrules.read_events(tmp_path / "ev.csv", tz=tz),
        *govrules.read_events(tmp_path / "allbad.csv", tz=tz),
    ]
    rules = govrules.load_rules(tmp_path / "rules.yaml")
    org = govrules.load_org(tmp_path / "org.yaml")
    return govrules.check(rules, org, records, start=date(2024, 1, 1), end=date(2024, 3, 1)), str(
        tmp_path / "allbad.csv"
    )


def _note(bad: str) -> str:
    return (
        f"Every record of the log {bad} (2) was rejected: nothing in it could be checked,"
        " so this report shows nothing it holds."
    )


def test_every_format_says_which_log_was_not_read_whole(report: tuple[Report, str]) -> None:
    """The JSON report holds the note the text report shows (it held none before: only
    `govrules check` added it), SARIF's run is not successful with it, JUnit has its error."""
    rep, bad = report
    assert rep.unread_logs() == [UnreadLog(file=bad, read=2, all_rejected=True, stopped=False)]
    context = RenderContext()
    dumped = json.loads(render(rep, "json", context))
    assert _note(bad) in dumped["notes"]
    assert Report.model_validate(dumped).unread_logs() == rep.unread_logs()
    written = io.BytesIO()
    json_renderer.write(rep, written)
    assert written.getvalue().decode() == render(rep, "json", context)
    (invocation,) = json.loads(render(rep, "sarif", context))["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False
    assert {"message": {"text": _note(bad)}, "level": "error"} in invocation["toolExecutionNotifications"]
    errors = [e.get("message") for e in ET.fromstring(render(rep, "junit", context)).iter("error")]
    assert errors == [_note(bad)]
    assert _note(bad) in render(rep, "text", context).splitlines()
    assert rep.notes == ()  # the renderers never change the report


def test_the_logs_not_read_whole_are_worked_out_once_per_report(
    report: tuple[Report, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rendering SARIF asks for the logs not read whole several times: each rejection is looked
    at once. A copy of the report with other findings is looked at anew."""
    rep, bad = report
    seen: list[str] = []
    real = events.duplicate_of

    def counted(reason: str) -> object:
        seen.append(reason)
        return real(reason)

    monkeypatch.setattr("govrules.findings.duplicate_of", counted)
    render(rep, "sarif", RenderContext())
    render(rep, "junit", RenderContext())
    assert len(seen) == 2  # two rejected records, each looked at once
    fewer = rep.model_copy(update={"findings": tuple(f for f in rep.findings if f.file != bad)})
    assert fewer.unread_logs() == []
    assert rep.model_copy(update={"notes": ("x",)}).unread_logs() == rep.unread_logs()
    assert len(seen) == 2  # the copy with the same findings and records knows them already
