"""JUnit XML for a CI system's test view: one testsuite per rule, one testcase per obligation.

A testcase is named ``rule-id/actor[/counterpart]/period`` (``/step-N`` for the steps of a
triggered rule), so that a CI system tracks the same obligation from run to run. Every
violation is a ``<failure>``; a pending, exempt, discharged or not-held obligation is
``<skipped>``; warnings and evidence go to ``<system-out>``. The layout follows the JUnit schema
that Jenkins' xUnit plugin publishes (junit-10.xsd), which GitLab and GitHub readers accept.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict
from typing import TYPE_CHECKING

from govrules.renderers._common import (
    evidence_text,
    index_findings,
    instant,
    outcome_key,
    rule_info,
    rule_set_title,
    rule_title,
    say,
    testcase_name,
)

if TYPE_CHECKING:
    from govrules.findings import Finding, Outcome, Report
    from govrules.renderers import RenderContext

_SKIPPED = frozenset({"pending", "exempt", "discharged", "not-held"})


def render(report: Report, context: RenderContext) -> str:
    """The report as a JUnit ``<testsuites>`` document (UTF-8, with an XML declaration)."""
    index = index_findings(report.findings)
    by_rule: dict[str, list[Outcome]] = defaultdict(list)
    for o in report.outcomes:
        by_rule[o.rule].append(o)
    orphans: dict[str, list[Finding]] = defaultdict(list)
    covered = {outcome_key(o) for o in report.outcomes}
    for key, findings in index.items():
        rule = key[0]
        if rule is not None and key not in covered:
            orphans[rule].extend(f for f in findings if f.severity == "violation")

    root = ET.Element("testsuites", name=f"govrules: {rule_set_title(report, context)}")
    totals = {"tests": 0, "failures": 0}
    for rule in sorted(set(by_rule) | {r for r, fs in orphans.items() if fs}):
        info = rule_info(context, rule)
        clause = str(info.get("clause") or next((o.clause for o in by_rule[rule]), ""))
        suite = ET.SubElement(
            root,
            "testsuite",
            name=rule,
            tests="0",
            failures="0",
            errors="0",
            skipped="0",
            time="0",
        )
        if context.rules_file:
            suite.set("file", context.rules_file)
        props = ET.SubElement(suite, "properties")
        ET.SubElement(props, "property", name="title", value=rule_title(context, rule))
        ET.SubElement(props, "property", name="clause", value=clause)
        if info.get("words"):
            ET.SubElement(props, "property", name="words", value=str(info["words"]))
        counts = {"tests": 0, "failures": 0, "skipped": 0}
        for o in by_rule[rule]:
            _testcase(suite, report, o, index.get(outcome_key(o), []), counts)
        for f in orphans.get(rule, []):
            case = ET.SubElement(suite, "testcase", name=_orphan_name(f), classname=rule, time="0")
            _failure(case, report, f)
            counts["tests"] += 1
            counts["failures"] += 1
        for name, value in counts.items():
            suite.set(name, str(value))
        totals["tests"] += counts["tests"]
        totals["failures"] += counts["failures"]
    root.set("tests", str(totals["tests"]))
    root.set("failures", str(totals["failures"]))
    root.set("errors", "0")
    root.set("time", "0")
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode", short_empty_elements=True)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"


def _testcase(suite: ET.Element, report: Report, o: Outcome, findings: list[Finding], counts: dict[str, int]) -> None:
    lang = report.lang
    case = ET.SubElement(suite, "testcase", name=testcase_name(o), classname=o.rule, time="0")
    counts["tests"] += 1
    failures = [f for f in findings if f.severity == "violation"]
    for f in failures:
        _failure(case, report, f)
    if failures:
        counts["failures"] += 1
    elif o.status in _SKIPPED:
        counts["skipped"] += 1
        if o.status == "pending":
            message = say(lang, "junit.pending", due=instant(report, o.due))
        else:
            message = say(lang, f"status.{o.status}")
            if o.note:
                message += f": {o.note}"
        ET.SubElement(case, "skipped", message=message)
    out = [say(lang, f"status.{o.status}")]
    out.extend(f"{say(lang, f'severity.{f.severity}')}: {f.message}" for f in findings if f.severity != "violation")
    if o.evidence:
        out.append(say(lang, "evidence", items=evidence_text(report, o.evidence, limit=50, short=False)))
    ET.SubElement(case, "system-out").text = "\n".join(out)


def _failure(case: ET.Element, report: Report, f: Finding) -> None:
    lang = report.lang
    failure = ET.SubElement(
        case,
        "failure",
        message=say(lang, "junit.failure", code=say(lang, f"code.{f.code.value}"), message=f.message),
        type=f.code.value,
    )
    lines = [f.message]
    if f.due is not None:
        lines.append(f"{say(lang, 'labels.due')}: {instant(report, f.due)}")
    if f.evidence:
        lines.append(say(lang, "evidence", items=evidence_text(report, f.evidence, limit=50, short=False)))
    failure.text = "\n".join(lines)


def _orphan_name(f: Finding) -> str:
    parts = [f.rule or "", f.actor or ""]
    if f.counterpart:
        parts.append(f.counterpart)
    parts.append(f.period or "")
    step = f.detail.get("step")
    if isinstance(step, int):
        parts.append(f"step-{step}")
    return "/".join(parts)
