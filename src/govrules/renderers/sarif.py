"""SARIF 2.1.0 for code-scanning views: rules with their clause text, results with locations.

Each rule of the rule set is a ``reportingDescriptor`` whose help is the clause id and its
original words. Each finding is a result (violation -> ``error``, warning -> ``warning``,
info -> ``note``) located at the event-log row that is its evidence (the last cited event; the
others are related locations; for an unapproved event, that event, not its approvals), or,
when nothing was seen, at the rule in the rule file.
Findings about input records point at the record, whose evidence (its own id) is no other
location (a duplicate's relates to the record it repeats). ``partialFingerprints`` carry the stable
obligation name, so that a viewer recognises the same gap in the next run.
"""

from __future__ import annotations

import json
from pathlib import PurePath, PureWindowsPath
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from govrules.messages import word
from govrules.renderers._common import (
    BIDI_SHOWN,
    location,
    log_notes,
    rule_info,
    rule_set_title,
    rule_title,
    said_of_the_check,
    say,
)

if TYPE_CHECKING:
    from govrules.findings import Finding, Report
    from govrules.renderers import RenderContext

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
_LEVEL = {"violation": "error", "warning": "warning", "info": "note"}
_RECORD_RULE = "govrules/{code}"


def render(report: Report, context: RenderContext) -> str:
    """The report as a SARIF 2.1.0 log with one run."""
    from govrules import __version__

    lang = report.lang
    rule_ids = sorted({*context.rules, *(f.rule for f in report.findings if f.rule)})
    record_codes = sorted({f.code.value for f in report.findings if f.rule is None})
    descriptors = [_descriptor(report, context, rule) for rule in rule_ids]
    descriptors += [
        {
            "id": _RECORD_RULE.format(code=code),
            "shortDescription": {"text": say(lang, f"code.{code}")},
            "fullDescription": {"text": say(lang, "sarif.record_rule")},
        }
        for code in record_codes
    ]
    positions = {d["id"]: i for i, d in enumerate(descriptors)}
    results = [_result(report, context, f, positions) for f in report.findings]
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "govrules",
                "version": __version__,
                "semanticVersion": __version__,
                "rules": descriptors,
            }
        },
        "language": lang,
        "columnKind": "unicodeCodePoints",
        "results": results,
        # what the report says of the whole check (every record rejected, nothing owed, limits
        # left unrolled) and the actions no rule mentions; a check whose every record was
        # rejected, or with a log not read whole (exit 2), did not succeed
        "invocations": [
            {
                "executionSuccessful": not (report.records.all_rejected or report.unread_logs()),
                "toolExecutionNotifications": _notifications(report),
            }
        ],
        "properties": {
            "ruleSet": report.rule_set,
            "ruleSetTitle": rule_set_title(report, context),
            "organisation": report.organisation,
            "rangeFrom": report.range_from,
            "rangeTo": report.range_to,
            "asOf": report.as_of.isoformat(),
            "summary": report.summary.model_dump(mode="json"),
            # every input record accounted for, as in every other format
            "records": report.records.model_dump(mode="json"),
        },
    }
    log = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
    # the texts a viewer shows name the reordering characters; the data (ids, properties,
    # fingerprints) keeps them, written as JSON escapes, so that an actor holding U+202E and one
    # holding the text "[U+202E]" stay two, as in the JSON report
    text = json.dumps(_shown(log), indent=2, ensure_ascii=False) + "\n"
    return text.translate(_ESCAPED)


_ESCAPED = {cp: f"\\u{cp:04x}" for cp in BIDI_SHOWN}
"""Each reordering character as a JSON escape (they occur only inside strings)."""


def _shown(value: Any) -> Any:
    """``value`` with every ``text`` a viewer shows naming the reordering characters."""
    if isinstance(value, dict):
        return {
            k: v.translate(BIDI_SHOWN) if k == "text" and isinstance(v, str) else _shown(v) for k, v in value.items()
        }
    if isinstance(value, list):
        return [_shown(v) for v in value]
    return value


def _notifications(report: Report) -> list[dict[str, Any]]:
    """What the report says of the whole check (`said_of_the_check`), at level ``error`` for the
    note that every record was rejected and for those of logs not read whole (`log_notes`): the
    sign, for a consumer, that the results are incomplete."""
    errors = set(log_notes(report))
    if report.records.all_rejected:
        errors.add(word("all_rejected", report.lang, n=report.records.read))
    return [
        {"message": {"text": text}, "level": "error" if text in errors else "note"}
        for text in said_of_the_check(report)
    ]


def _descriptor(report: Report, context: RenderContext, rule: str) -> dict[str, Any]:
    lang = report.lang
    info = rule_info(context, rule)
    clause = str(info.get("clause") or next((f.clause for f in report.findings if f.rule == rule and f.clause), ""))
    words = info.get("words")
    help_text = (
        say(lang, "sarif.rule_help", clause=clause, words=words)
        if words
        else say(lang, "sarif.rule_help_no_words", clause=clause)
    )
    descriptor: dict[str, Any] = {
        "id": rule,
        "shortDescription": {"text": rule_title(context, rule)},
        "fullDescription": {"text": help_text},
        "help": {"text": help_text},
        "properties": {"clause": clause},
    }
    if info.get("kind"):
        descriptor["properties"]["kind"] = str(info["kind"])
    return descriptor


def _uri(path: str, flavour: type[PurePath] = PurePath) -> str:
    """A file path as a URI reference: relative paths stay relative, absolute ones become file
    URIs (``file:///var/log/x.csv``).

    The path is read as the system the report is made on reads it (``flavour``, a test's to
    choose): on POSIX ``q:events.csv`` is a file of the current folder, not a drive's, a
    backslash is a character of a name, and ``//tmp`` is ``/tmp``, not a host ``tmp``. Every
    character a URI reserves is percent-encoded (``q%3Aevents.csv``: with its colon as is, a
    relative reference would read as a URI of the scheme ``q``; a backslash is ``%5C``), the
    name as the system's bytes (UTF-8, or the bytes a name not in UTF-8 was read from)."""
    pure = flavour(path)
    if isinstance(pure, PureWindowsPath):
        if pure.is_absolute():  # a drive's (C:\\logs) or a share's (\\\\server\\share)
            return pure.as_uri()
        return quote(pure.as_posix(), safe="/")  # a backslash separates names
    text = pure.as_posix()
    encoded = text.encode("utf-8", "surrogateescape")
    if pure.is_absolute():  # POSIX reads "//tmp" as "/tmp": one slash, so "tmp" is no host
        return "file:///" + quote(encoded.lstrip(b"/"), safe="/")
    return quote(encoded, safe="/")


def _physical(file: str, line: int | None, *, record: bool = False, lang: str = "en") -> dict[str, Any]:
    """A location in ``file``: at ``line``, or where ``line`` numbers a record (``record``: a JSON
    array's or an XES log's) the file alone, its message naming the record in ``lang``."""
    location: dict[str, Any] = {"artifactLocation": {"uri": _uri(file)}}
    if record:
        return {"physicalLocation": location, "message": {"text": say(lang, "sarif.record", n=line)}}
    if line is not None and line >= 1:
        location["region"] = {"startLine": line}
    return {"physicalLocation": location}


def _rule_location(context: RenderContext, rule: str | None) -> dict[str, Any] | None:
    if not (context.rules_file and rule):
        return None
    line = rule_info(context, rule).get("line")
    return _physical(context.rules_file, line if isinstance(line, int) else None)


def _result(report: Report, context: RenderContext, f: Finding, positions: dict[str, int]) -> dict[str, Any]:
    rule_id = f.rule or _RECORD_RULE.format(code=f.code.value)
    cited: list[dict[str, Any]] = []
    cited_ids: list[str] = []
    for event_id in f.evidence:
        loc = location(report, event_id, of=f)  # never another record's, for a rejected one
        if loc is not None:
            record = loc.file in context.record_numbered and loc.line is not None
            item = _physical(loc.file, loc.line, record=record, lang=report.lang)
            item["message"] = {
                "text": say(report.lang, "sarif.record_of", id=event_id, n=loc.line) if record else event_id
            }
            cited.append(item)
            cited_ids.append(event_id)
    rule_loc = _rule_location(context, f.rule)
    primary: dict[str, Any] | None
    related: list[dict[str, Any]]
    # a record's file, where the finding is of a record (not of an unknown actor's events)
    place = f.file if f.rule is None and f.code.value != "unknown-actor" else None
    if place:
        primary = _physical(
            place, f.line, record=place in context.record_numbered and f.line is not None, lang=report.lang
        )
        related = cited
    elif cited:
        at = len(cited) - 1
        if f.code.value == "unapproved":  # the event that lacks approval, not an approval cited
            at = next((i for i, event_id in enumerate(cited_ids) if event_id == f.period), at)
        primary, related = cited[at], cited[:at] + cited[at + 1 :]
        if rule_loc is not None:
            related = [*related, {**rule_loc, "message": {"text": f.clause or rule_id}}]
    else:
        primary, related = rule_loc, []
    result: dict[str, Any] = {
        "ruleId": rule_id,
        "ruleIndex": positions[rule_id],
        "level": _LEVEL[f.severity],
        "message": {"text": f.message},
    }
    if primary is not None:
        result["locations"] = [primary]
    if related:
        result["relatedLocations"] = [{"id": i, **loc} for i, loc in enumerate(related)]
    key = "/".join(p for p in (f.rule, f.actor, f.counterpart, f.period) if p)
    step = f.detail.get("step")
    if isinstance(step, int):
        key += f"/step-{step}"
    if place:
        key = f"{place}:{f.line}" if f.line is not None else place
    result["partialFingerprints"] = {"govrulesObligation/v1": f"{key}:{f.code.value}"}
    properties: dict[str, Any] = {"code": f.code.value, "severity": f.severity}
    for name in ("clause", "actor", "counterpart", "period"):
        value = getattr(f, name)
        if value is not None:
            properties[name] = value
    if f.due is not None:
        properties["due"] = f.due.isoformat()
    if f.evidence:
        properties["evidence"] = list(f.evidence)
    result["properties"] = properties
    return result
