"""`govrules check` over several logs: the records of each log come after those of the one before."""

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
def test_an_event_of_a_later_log_comes_after_one_at_the_same_instant_in_an_earlier_log(
    tmp_path: Path, first_lines: int
) -> None:
    """Two approvals at one instant, one per log: the one in the log given second is the later,
    whatever line each stands at, so it is the one the prerequisite cites."""
    filler = "".join(f"x{i},2024-01-02T09:00:00+08:00,b1,other,\n" for i in range(first_lines - 1))
    (tmp_path / "a.csv").write_text(HEADER + filler + f"early,{AT},b1,approve,s\n", encoding="utf-8")
    (tmp_path / "b.csv").write_text(
        HEADER + f"late,{AT},b1,approve,s\ntalk,2024-01-10T10:00:00+08:00,b1,lecture,s\n", encoding="utf-8"
    )
    (tmp_path / "rules.yaml").write_text(RULES, encoding="utf-8")
    (tmp_path / "org.yaml").write_text(ORG, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    argv = ["check", str(tmp_path / "rules.yaml"), "--org", str(tmp_path / "org.yaml")]
    argv += ["--events", str(tmp_path / "a.csv"), "--events", str(tmp_path / "b.csv")]
    argv += ["--from", "2024-01-01", "--to", "2024-01-31", "--format", "json", "--quiet"]
    code = run(argv, out, err)
    report = json.loads(out.getvalue())
    assert code == 0, err.getvalue()
    assert [(o["status"], o["evidence"]) for o in report["outcomes"]] == [("met", ["talk", "late"])]
    assert report["records"]["read"] == first_lines + 2
