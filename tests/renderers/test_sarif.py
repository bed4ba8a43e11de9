"""The SARIF renderer: valid against the official SARIF 2.1.0 schema, rules with clause help, located results."""

from __future__ import annotations

import contextlib
import io
import json
import os
from collections.abc import Callable
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any
from urllib.parse import unquote, urlsplit

import jsonschema
import pytest

from govrules.cli import run
from govrules.findings import Report
from govrules.renderers import RenderContext, render
from govrules.renderers.sarif import _uri

HERE = Path(__file__).resolve().parent
GOLDEN = HERE / "golden"
SCHEMA = json.loads((HERE / "schemas" / "sarif-schema-2.1.0.json").read_text("utf-8"))
VALIDATOR = jsonschema.Draft4Validator(SCHEMA, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)


def test_golden(
    case: str,
    log: str,
    cli: Callable[..., tuple[int, str, str]],
    args: Callable[..., list[str]],
    golden: Callable[[Path, str], None],
) -> None:
    """The CLI's SARIF log of each example log equals its golden file."""
    code, out, err = cli(*args(log, "--format", "sarif"))
    assert err == ""
    assert code == (1 if case == "gaps" else 0)
    golden(GOLDEN / f"{case}.sarif", out)


def test_golden_files_validate_against_the_sarif_schema() -> None:
    """Every golden SARIF log is valid against sarif-schema-2.1.0.json."""
    files = sorted(GOLDEN.glob("*.sarif"))
    assert files
    for path in files:
        errors = sorted(VALIDATOR.iter_errors(json.loads(path.read_text("utf-8"))), key=str)
        assert errors == [], (path.name, errors[:3])


def test_rules_and_levels(case: str, example: Callable[..., tuple[Report, RenderContext]]) -> None:
    """Every rule is a descriptor with its clause as help; levels follow severities; ruleIndex agrees."""
    report, context = example(case)
    log = json.loads(render(report, "sarif", context))
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    ids = [r["id"] for r in rules]
    assert set(context.rules) <= set(ids)
    for descriptor in rules:
        info = context.rules.get(descriptor["id"])
        if info:
            assert descriptor["help"]["text"].startswith(f"Clause {info['clause']}")
            if info["words"]:
                assert info["words"] in descriptor["help"]["text"]
    level = {"violation": "error", "warning": "warning", "info": "note"}
    assert len(run["results"]) == len(report.findings)
    for result, f in zip(run["results"], report.findings, strict=True):
        assert result["level"] == level[f.severity]
        assert ids[result["ruleIndex"]] == result["ruleId"]
        assert result["message"]["text"] == f.message


def test_locations_point_at_evidence_rows_or_the_rule(example: Callable[..., tuple[Report, RenderContext]]) -> None:
    """A late report points at its log row; a missing one at its rule in the rule file; a rejected record at itself."""
    report, context = example("gaps")
    run = json.loads(render(report, "sarif", context))["runs"][0]
    by_key = {
        (r["ruleId"], r["properties"].get("actor"), r["properties"].get("period"), r["properties"]["code"]): r
        for r in run["results"]
    }
    late = by_key["branch-monthly-report", "branch-2", "2024-05", "late"]
    place = late["locations"][0]["physicalLocation"]
    assert place["artifactLocation"]["uri"] == "examples/school-ideology/events-2024.csv"
    row = Path(place["artifactLocation"]["uri"]).read_text("utf-8-sig").splitlines()[place["region"]["startLine"] - 1]
    assert row.startswith(late["properties"]["evidence"][-1] + ",")

    missing = by_key["branch-monthly-report", "branch-3", "2024-12", "missing"]
    place = missing["locations"][0]["physicalLocation"]
    assert place["artifactLocation"]["uri"] == "examples/school-ideology/rules.yaml"
    assert place["region"]["startLine"] == context.rules["branch-monthly-report"]["line"]
    rule_text = Path("examples/school-ideology/rules.yaml").read_text("utf-8").splitlines()
    assert "branch-monthly-report" in rule_text[place["region"]["startLine"] - 1]

    for result in run["results"]:
        if result["properties"]["code"] == "rejected-event":
            assert result["locations"][0]["physicalLocation"]["region"]["startLine"] >= 2

    # an unapproved event is located at itself, its approvals (too late, too old) among the related
    unapproved = [r for r in run["results"] if r["properties"]["code"] == "unapproved"]
    assert unapproved
    for result in unapproved:
        place = result["locations"][0]
        assert place["message"]["text"] == result["properties"]["period"]
        related = [r["message"]["text"] for r in result.get("relatedLocations", []) if "message" in r]
        assert sorted(set(result["properties"]["evidence"]) - {result["properties"]["period"]}) == sorted(
            t for t in related if t in result["properties"]["evidence"]
        )


def test_fingerprints_are_unique_and_stable(example: Callable[..., tuple[Report, RenderContext]]) -> None:
    """Each result has its own fingerprint, the same in a second rendering."""
    report, context = example("gaps")
    first = json.loads(render(report, "sarif", context))["runs"][0]["results"]
    second = json.loads(render(report, "sarif", context))["runs"][0]["results"]
    prints = [r["partialFingerprints"]["govrulesObligation/v1"] for r in first]
    assert len(prints) == len(set(prints))
    assert prints == [r["partialFingerprints"]["govrulesObligation/v1"] for r in second]


@pytest.mark.parametrize(
    ("path", "uri"),
    [
        ("examples/a b/事件.csv", "examples/a%20b/%E4%BA%8B%E4%BB%B6.csv"),
        ("/var/log/x.csv", "file:///var/log/x.csv"),
        ("//tmp/x/events.csv", "file:///tmp/x/events.csv"),  # "//tmp" is "/tmp", not a host "tmp"
        ("q:events.csv", "q%3Aevents.csv"),  # a file of this folder, not drive Q's, nor a scheme "q"
        ("back\\slash.csv", "back%5Cslash.csv"),  # a backslash is a character of a name
        ("C:\\logs\\x.csv", "C%3A%5Clogs%5Cx.csv"),
        ("a#b?c%d.csv", "a%23b%3Fc%25d.csv"),
        ("caf\udce9.csv", "caf%E9.csv"),  # a name not in UTF-8: its byte
    ],
)
def test_posix_paths_are_uris(path: str, uri: str) -> None:
    """A path read as POSIX reads it becomes a URI reference: a relative one stays relative,
    every character a URI reserves percent-encoded; an absolute one becomes a file URI."""
    assert _uri(path, PurePosixPath) == uri
    parsed = urlsplit(uri)
    assert parsed.netloc == ""  # never a host
    assert parsed.scheme == ("file" if path.startswith("/") else "")
    assert unquote(parsed.path, errors="surrogateescape") == "/" * path.startswith("/") + path.lstrip("/")


@pytest.mark.parametrize(
    ("path", "uri"),
    [
        ("C:\\logs\\x.csv", "file:///C:/logs/x.csv"),
        ("\\\\server\\share\\x.csv", "file://server/share/x.csv"),
        ("logs\\x.csv", "logs/x.csv"),
        ("q:events.csv", "q%3Aevents.csv"),  # drive Q's current folder: relative, and no scheme "q"
    ],
)
def test_windows_paths_are_uris(path: str, uri: str) -> None:
    """A path read as Windows reads it: backslashes separate names, a drive's or a share's path
    is a file URI."""
    assert _uri(path, PureWindowsPath) == uri


@pytest.mark.skipif(os.name != "posix", reason="a POSIX system reads these paths so")
@pytest.mark.parametrize(("name", "uri"), [("q:events.csv", "q%3Aevents.csv"), ("back\\slash.csv", "back%5Cslash.csv")])
def test_the_cli_locates_a_record_of_a_log_named_like_a_windows_path(tmp_path: Path, name: str, uri: str) -> None:
    """``govrules check --events q:events.csv --format sarif`` locates the log's rejected record
    at the log's URI (before, it stopped with exit code 3, the name taken for a path on drive
    Q); given as ``//tmp/...``, the log's URI is ``file:///tmp/...``, with no host ``tmp``."""
    (tmp_path / "rules.yaml").write_text(
        "id: t\ntitle: T\ntimezone: UTC\nrules:\n"
        "  - {id: r, kind: recurring, clause: C1, who: {role: unit}, action: report, every: month}\n",
        encoding="utf-8",
    )
    (tmp_path / "org.yaml").write_text("id: o\nactors:\n  - {id: u1, roles: [unit]}\n", encoding="utf-8")
    log = "id,time,actor,action\ne1,2024-01-10T10:00:00Z,u1,report\ne2,bad,u1,report\n"
    (tmp_path / name).write_text(log, encoding="utf-8")
    for given, expected in ((name, uri), (f"/{tmp_path}/{name}", f"{tmp_path.as_uri()}/{uri}")):
        out, err = io.StringIO(), io.StringIO()
        argv = ["check", "rules.yaml", "--org", "org.yaml", "--events", given, "--from", "2024-01-01"]
        argv += ["--to", "2024-01-31", "--format", "sarif", "--quiet"]
        with contextlib.chdir(tmp_path):
            code = run(argv, out, err)
        assert (code, err.getvalue()) == (0, "")
        (result,) = json.loads(out.getvalue())["runs"][0]["results"]
        location = result["locations"][0]["physicalLocation"]
        assert location == {"artifactLocation": {"uri": expected}, "region": {"startLine": 3}}


def test_without_a_rule_file_a_missing_finding_has_no_location(
    example: Callable[..., tuple[Report, RenderContext]],
) -> None:
    """With no rule file known, a finding without evidence is reported without a location (still valid)."""
    report, context = example("gaps")
    log = json.loads(render(report, "sarif", RenderContext(rules=context.rules)))
    assert list(VALIDATOR.iter_errors(log)) == []


def test_a_record_of_a_json_array_or_xes_log_is_named_not_given_a_line(tmp_path: Path) -> None:
    """In a JSON array (or XES) log the location of an event is its record number, not a line:
    a SARIF viewer would open the file at the wrong line, so the result names the file and, in
    its message, the record. A CSV log's rows keep their lines."""
    from govrules.cli import run

    ex = Path("examples/school-ideology")
    record = '{{"id": "{id}", "time": "{time}", "actor": "branch-1", "action": "ideology-report", "recipient": "central-party-branch"}}'
    rows = [record.format(id=f"r{m}", time=f"2024-{m:02d}-10T10:00:00+08:00") for m in range(1, 11)]
    rows.append(
        record.format(id="late", time="2024-12-03T10:00:00+08:00").replace(
            '"recipient"', '"period": "2024-11", "recipient"'
        )
    )
    log = tmp_path / "reports.json"
    log.write_text("[" + ",\n".join(rows) + "]\n", encoding="utf-8")
    argv = ["check", str(ex / "rules.yaml"), "--org", str(ex / "org.yaml"), "--events", str(log)]
    argv += ["--from", "2024-11-01", "--to", "2024-11-30", "--as-of", "2024-12-31", "--format", "sarif"]

    def late_for_branch_1(lang: str) -> dict[str, Any]:
        out = io.StringIO()
        assert run([*argv, "--fail-on", "never", "--lang", lang], out, io.StringIO()) == 0
        sarif: dict[str, Any] = json.loads(out.getvalue())
        assert list(VALIDATOR.iter_errors(sarif)) == []
        late: dict[str, Any]
        [late] = [
            r
            for r in sarif["runs"][0]["results"]
            if r["properties"]["code"] == "late" and r["properties"]["actor"] == "branch-1"
        ]
        return late

    assert late_for_branch_1("en")["locations"] == [
        {"physicalLocation": {"artifactLocation": {"uri": _uri(str(log))}}, "message": {"text": "late (record 11)"}}
    ]
    # in Chinese, the record is named in Chinese
    assert late_for_branch_1("zh")["locations"][0]["message"] == {"text": "late(第 11 条记录)"}
