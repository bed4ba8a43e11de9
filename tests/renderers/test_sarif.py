"""The SARIF renderer: valid against the official SARIF 2.1.0 schema, rules with clause help, located results."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest

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
        ("C:\\logs\\x.csv", "file:///C:/logs/x.csv"),
        ("logs\\x.csv", "logs/x.csv"),
    ],
)
def test_uris(path: str, uri: str) -> None:
    """File paths become URI references: relative ones stay relative, absolute ones become file URIs."""
    assert _uri(path) == uri


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
