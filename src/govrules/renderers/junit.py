"""JUnit XML for a CI system's test view: one testsuite per rule, one testcase per obligation.

A testcase is named ``rule-id/actor[/counterpart]/period`` (``/step-N`` for the steps of a
triggered rule), so that a CI system tracks the same obligation from run to run. Findings about
input records rather than a rule (an unreadable record, an actor the organisation lacks) are the
testcases of a last suite, ``govrules/records``, named ``code/file:line`` (``code/file:N`` in a
log that numbers its records, N the record's number, in every language) or ``code/actor``. That
suite is always there: its properties ``records.read``, ``records.used``, ``records.unused``,
``records.rejected`` and ``records.after_as_of`` account for every input record; its
``<system-out>`` says them, names the first unused records (as the text report does), then
says the report's notes; and a check whose every record was
rejected (exit code 2: nothing could be checked) is its ``<error>`` (``all-records-rejected``), as
is, beside logs read whole, each log whose every record was rejected
(``all-records-rejected/<file>``) and each log whose reading stopped before its end, the rest of
the file unread (``reading-stopped/<file>``): exit code 2 too.

A finding at or above the failure threshold (the context's ``fail_on``, as ``--fail-on`` takes
it; default ``violation``) is a ``<failure>`` of its testcase, so that the test view fails exactly when the
exit code does; ``never``, which only keeps the exit code 0, fails the violations as the default
does. A pending, exempt, discharged or not-held obligation is ``<skipped>``; findings below the
threshold and evidence go to ``<system-out>``. The layout follows the JUnit schema that Jenkins'
xUnit plugin publishes (junit-10.xsd), which GitLab and GitHub readers accept.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from typing import TYPE_CHECKING

from govrules.findings import SEVERITY_RANK, FindingCode
from govrules.messages import word
from govrules.renderers._common import (
    BIDI_SHOWN,
    Key,
    evidence_text,
    index_findings,
    instant,
    note_text,
    outcome_key,
    records_text,
    report_log_name,
    rule_info,
    rule_set_title,
    rule_title,
    said_of_the_check,
    say,
    testcase_name,
    unread_said,
    unused_text,
)

if TYPE_CHECKING:
    from govrules.findings import Finding, Outcome, Report
    from govrules.renderers import RenderContext

_SKIPPED = frozenset({"pending", "exempt", "discharged", "not-held"})
RECORDS_SUITE = "govrules/records"
"""The suite of the findings that belong to no rule (SARIF's rules for them are ``govrules/<code>``)."""
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
"""The characters XML 1.0 documents cannot hold, escaped or not."""


def render(report: Report, context: RenderContext) -> str:
    """The report as a JUnit ``<testsuites>`` document (UTF-8, with an XML declaration).

    A finding whose severity is at or above ``context.fail_on`` is a failure (``never``: a
    violation).
    """
    threshold = SEVERITY_RANK["violation" if context.fail_on == "never" else context.fail_on]
    index = index_findings(report.findings)
    by_rule: dict[str, list[Outcome]] = defaultdict(list)
    for o in report.outcomes:
        by_rule[o.rule].append(o)
    orphans: dict[str, dict[Key, list[Finding]]] = defaultdict(dict)
    covered = {outcome_key(o) for o in report.outcomes}
    for key, findings in index.items():
        rule = key[0]
        if rule is not None and key not in covered:
            orphans[rule][key] = findings
    records = [f for f in report.findings if f.rule is None]

    root = ET.Element("testsuites", name=f"govrules: {rule_set_title(report, context)}")
    totals = {"tests": 0, "failures": 0}
    for rule in sorted(set(by_rule) | set(orphans)):
        info = rule_info(context, rule)
        clause = str(info.get("clause") or next((o.clause for o in by_rule[rule]), ""))
        suite = _suite(root, rule, {"title": rule_title(context, rule), "clause": clause, "words": info.get("words")})
        if context.rules_file:
            suite.set("file", context.rules_file)
        counts = {"tests": 0, "failures": 0, "skipped": 0}
        for o in by_rule[rule]:
            _testcase(suite, report, context, o, index.get(outcome_key(o), []), threshold, counts)
        for findings in orphans.get(rule, {}).values():
            name = _orphan_name(findings[0])
            _finding_case(suite, report, context, name, rule, findings, None, threshold, counts)
        _close(suite, counts, totals)
    errors = 0
    said = said_of_the_check(report)
    # always: every input record is accounted for (its counts as properties, and the line that
    # says them), as in every other format
    counted = report.records.model_dump(exclude={"files", "unused_records", "unused_not_listed"})
    suite = _suite(
        root,
        RECORDS_SUITE,
        {"title": say(report.lang, "records_group"), **{f"records.{k}": v for k, v in counted.items()}},
    )
    counts = {"tests": 0, "failures": 0, "skipped": 0}
    if report.records.all_rejected:  # nothing could be checked: an error, as the exit code 2 is
        case = ET.SubElement(suite, "testcase", name="all-records-rejected", classname=RECORDS_SUITE, time="0")
        rejected = word("all_rejected", report.lang, n=report.records.read)
        ET.SubElement(case, "error", message=rejected, type="all-records-rejected")
        counts["tests"] += 1
        errors += 1
    for kind, file, message in unread_said(report):  # a log not read whole is not a clean one, beside good ones too
        errors += _error_case(suite, f"{kind}/{file}", message, kind, counts)
    suite.set("errors", str(errors))
    seen: dict[str, int] = defaultdict(int)
    for f in records:
        # as a reader will see it (the reordering characters named): two actors, one holding
        # U+202E and one the text "[U+202E]", are two test cases, not one name twice
        name = _record_name(report, context, f).translate(BIDI_SHOWN)
        seen[name] += 1
        if seen[name] > 1:  # two records with no line in one file: still unique names
            name += f"#{seen[name]}"
        label = say(report.lang, f"code.{f.code.value}")
        _finding_case(suite, report, context, name, RECORDS_SUITE, [f], label, threshold, counts)
    unused = unused_text(report, context)  # and which records went unused, the first of them
    ET.SubElement(suite, "system-out").text = "\n".join([records_text(report), *([unused] if unused else []), *said])
    _close(suite, counts, totals)
    root.set("tests", str(totals["tests"]))
    root.set("failures", str(totals["failures"]))
    root.set("errors", str(errors))
    root.set("time", "0")
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode", short_empty_elements=True)
    # ElementTree writes any character as is, but XML 1.0 has no way to hold some (U+0001, U+FFFF:
    # in a report made in Python, or a log's U+FFFE): each becomes U+FFFD, so the file parses
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + _NOT_XML.sub("\ufffd", body) + "\n"


def _error_case(suite: ET.Element, name: str, message: str, kind: str, counts: dict[str, int]) -> int:
    """A testcase of the records suite that is an ``<error>`` (nothing, or not all, of a log could
    be checked); 1, the errors it adds."""
    case = ET.SubElement(suite, "testcase", name=name, classname=RECORDS_SUITE, time="0")
    ET.SubElement(case, "error", message=message, type=kind)
    counts["tests"] += 1
    return 1


def _suite(root: ET.Element, name: str, properties: dict[str, object]) -> ET.Element:
    suite = ET.SubElement(root, "testsuite", name=name, tests="0", failures="0", errors="0", skipped="0", time="0")
    props = ET.SubElement(suite, "properties")
    for key, value in properties.items():
        if key != "words" or value:
            ET.SubElement(props, "property", name=key, value=str(value))
    return suite


def _close(suite: ET.Element, counts: dict[str, int], totals: dict[str, int]) -> None:
    for name, value in counts.items():
        suite.set(name, str(value))
    totals["tests"] += counts["tests"]
    totals["failures"] += counts["failures"]


def _testcase(
    suite: ET.Element,
    report: Report,
    context: RenderContext,
    o: Outcome,
    findings: list[Finding],
    threshold: int,
    counts: dict[str, int],
) -> None:
    lang = report.lang
    case = ET.SubElement(suite, "testcase", name=testcase_name(o), classname=o.rule, time="0")
    failed, below = _failures(case, report, context, findings, threshold, counts)
    if not failed and o.status in _SKIPPED:
        counts["skipped"] += 1
        if o.status == "pending":
            message = say(lang, "junit.pending", due=instant(report, o.due))
        else:
            message = say(lang, f"status.{o.status}")
            if o.note:
                message += f": {note_text(lang, o.note)}"
        ET.SubElement(case, "skipped", message=message)
    out = [say(lang, f"status.{o.status}")]
    out.extend(_line(lang, f) for f in below)
    if o.evidence:
        out.append(say(lang, "evidence", items=evidence_text(report, context, o.evidence, limit=50)))
    ET.SubElement(case, "system-out").text = "\n".join(out)


def _finding_case(
    suite: ET.Element,
    report: Report,
    context: RenderContext,
    name: str,
    classname: str,
    findings: list[Finding],
    label: str | None,
    threshold: int,
    counts: dict[str, int],
) -> None:
    """A testcase of findings no outcome holds: failing for those at or above the threshold."""
    case = ET.SubElement(suite, "testcase", name=name, classname=classname, time="0")
    _, below = _failures(case, report, context, findings, threshold, counts)
    out = [label] if label else []
    for f in below:
        out.append(_line(report.lang, f))
        if f.evidence:
            cited = evidence_text(report, context, f.evidence, limit=50, of=f)
            out.append(say(report.lang, "evidence", items=cited))
    if out:
        ET.SubElement(case, "system-out").text = "\n".join(out)


def _failures(
    case: ET.Element,
    report: Report,
    context: RenderContext,
    findings: list[Finding],
    threshold: int,
    counts: dict[str, int],
) -> tuple[bool, list[Finding]]:
    """A ``<failure>`` of the testcase ``case`` (counted, with the testcase) for each finding at
    or above the failure threshold; whether there was one, and the findings below it."""
    counts["tests"] += 1
    failing = [f for f in findings if SEVERITY_RANK[f.severity] >= threshold]
    for f in failing:
        _failure(case, report, context, f)
    if failing:
        counts["failures"] += 1
    return bool(failing), [f for f in findings if SEVERITY_RANK[f.severity] < threshold]


def _line(lang: str, f: Finding) -> str:
    return f"{say(lang, f'severity.{f.severity}')}: {f.message}"


def _failure(case: ET.Element, report: Report, context: RenderContext, f: Finding) -> None:
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
        cited = evidence_text(report, context, f.evidence, limit=50, of=f)
        lines.append(say(lang, "evidence", items=cited))
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


def _record_name(report: Report, context: RenderContext, f: Finding) -> str:
    """``code/file:line`` for a record (``file:N``, N its number, in a log that numbers its
    records: a name is an identifier a CI system tracks, the same in every language; the failure
    says the place in words), ``code/actor`` for an unknown actor."""
    if f.file and f.code is not FindingCode.UNKNOWN_ACTOR:  # an actor is one case, wherever its events are
        name = report_log_name(report, f.file)  # as the other reports say the record, and its id if it has none
        where = f"{name}:{f.line}" if f.line is not None else name
    else:
        where = f.actor or ",".join(f.evidence) or f.period or ""
    return f"{f.code.value}/{where}"
