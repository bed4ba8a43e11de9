"""`govrules check` over several logs: events at one instant are taken in the order of their ids,
whichever log each was read from and in whichever order the logs are given."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from govrules.cli import run

RULES = """\
id: t
title: t
timezone: Asia/Shanghai
rules:
  - id: approval
    kind: prerequisite
    clause: c
    action: lecture
    requires: [{action: approve}]
    link: subject
"""
ORG = "id: o\nactors: [{id: b1, roles: [branch]}]\n"
HEADER = "id,time,actor,action,subject\n"
AT = "2024-01-10T09:00:00+08:00"


@pytest.mark.parametrize("first_lines", [1, 6])
@pytest.mark.parametrize("given", [("a.csv", "b.csv"), ("b.csv", "a.csv")])
def test_events_at_one_instant_in_two_logs_are_taken_in_id_order(
    tmp_path: Path, first_lines: int, given: tuple[str, str]
) -> None:
    """Two approvals at one instant, one per log: `a2`, the last by id, is the one the
    prerequisite cites, whichever log it is in, whichever log is given first and whatever line
    each stands at; its location is where it was read. Before, the approval in the log given
    second was cited."""
    filler = "".join(f"x{i},2024-01-02T09:00:00+08:00,b1,other,\n" for i in range(first_lines - 1))
    (tmp_path / "a.csv").write_text(HEADER + filler + f"a2,{AT},b1,approve,s\n", encoding="utf-8")
    (tmp_path / "b.csv").write_text(
        HEADER + f"a1,{AT},b1,approve,s\ntalk,2024-01-10T10:00:00+08:00,b1,lecture,s\n", encoding="utf-8"
    )
    (tmp_path / "rules.yaml").write_text(RULES, encoding="utf-8")
    (tmp_path / "org.yaml").write_text(ORG, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    argv = ["check", str(tmp_path / "rules.yaml"), "--org", str(tmp_path / "org.yaml")]
    for name in given:
        argv += ["--events", str(tmp_path / name)]
    argv += ["--from", "2024-01-01", "--to", "2024-01-31", "--format", "json", "--quiet"]
    code = run(argv, out, err)
    report = json.loads(out.getvalue())
    assert code == 0, err.getvalue()
    assert [(o["status"], o["evidence"]) for o in report["outcomes"]] == [("met", ["talk", "a2"])]
    assert report["evidence_locations"]["a2"] == {"file": str(tmp_path / "a.csv"), "line": first_lines + 1}
    assert report["records"]["read"] == first_lines + 2
