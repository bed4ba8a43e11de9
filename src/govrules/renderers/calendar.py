"""The compliance calendar of `govrules obligations`: table, CSV, JSON and iCalendar."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any

from govrules.messages import format_instant, format_period
from govrules.model import Organisation, RuleSet, text_in
from govrules.obligations import Obligation, display_name

__all__ = ["render_obligations"]

_COLUMNS = (
    "rule",
    "clause",
    "actor",
    "counterpart",
    "recipient",
    "period",
    "opens",
    "due",
    "min",
    "max",
    "strictness",
    "severity",
    "status",
)


def _row(o: Obligation) -> dict[str, Any]:
    return {
        "rule": o.rule,
        "clause": o.clause,
        "actor": o.actor,
        "counterpart": o.counterpart,
        "recipient": o.recipient,
        "period": o.period,
        "opens": o.opens.isoformat(),
        "due": o.due.isoformat(timespec="seconds"),
        "closes": o.closes.isoformat(timespec="seconds"),
        "window_opens": o.window_start.isoformat() if o.window_start else None,
        "window_closes": o.window_end.isoformat(timespec="seconds") if o.window_end else None,
        "min": o.min,
        "max": o.max,
        "strictness": "strict" if o.strict else "in-principle",
        "severity": o.severity,
        "status": o.status,
        "note": o.note,
    }


def render_obligations(items: Sequence[Obligation], rules: RuleSet, org: Organisation, fmt: str, lang: str) -> str:
    """The obligations in ``fmt`` (table, csv, json, ics)."""
    if fmt == "json":
        return json.dumps([_row(o) for o in items], indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(_COLUMNS)
        for o in items:
            row = _row(o)
            writer.writerow(["" if row[c] is None else row[c] for c in _COLUMNS])
        return buffer.getvalue()
    if fmt == "ics":
        return _ics(items, rules, org, lang)
    lines = []
    for o in items:
        who = display_name(org, o.actor, lang) + (
            f" / {display_name(org, o.counterpart, lang)}" if o.counterpart else ""
        )
        lines.append(f"{format_instant(o.due)}  {o.status:<8}  {o.rule:<28} {format_period(o.period, lang):<18} {who}")
    lines.append(f"{len(items)} obligations")
    return "\n".join(lines) + "\n"


def _ics(items: Sequence[Obligation], rules: RuleSet, org: Organisation, lang: str) -> str:
    from icalendar import Calendar
    from icalendar import Event as VEvent

    cal = Calendar()
    cal.add("prodid", "-//govrules//obligations//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"{text_in(rules.title, lang, rules.id)}: {org.id}")
    by_id = {r.id: r for r in rules.rules}
    for o in items:
        rule = by_id[o.rule]
        event = VEvent()
        uid_parts = [o.rule, o.actor, o.counterpart or "", o.period]
        event.add("uid", "/".join(uid_parts) + "@govrules")
        event.add("dtstamp", o.opens)
        event.add("dtstart", o.due.date())
        who = display_name(org, o.actor, lang) + (
            f" / {display_name(org, o.counterpart, lang)}" if o.counterpart else ""
        )
        event.add("summary", f"{who}: {text_in(rule.title, lang, rule.id)} ({format_period(o.period, lang)})")
        description = [
            f"Clause {rule.clause}: {rule.words}".strip(),
            f"Due {format_instant(o.due)}",
            f"Status: {o.status}",
        ]
        event.add("description", "\n".join(description))
        event.add("categories", [rule.kind])
        cal.add_component(event)
    return str(cal.to_ical().decode("utf-8"))
