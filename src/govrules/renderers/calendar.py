"""The compliance calendar of `govrules obligations`: table, CSV, JSON and iCalendar.

Every format lists the same obligations in the same order (`Obligation.sort_key`). The
iCalendar file holds one all-day VEVENT per obligation, on the local date of its due moment,
with a UID that is stable across runs (organisation, rule, actor, counterpart, period), so that
a calendar application subscribed to the file updates events instead of duplicating them.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from govrules.durations import local_date
from govrules.errors import InvalidArgument
from govrules.messages import format_instant
from govrules.model import Organisation, RecurringRule, RuleSet, text_in
from govrules.obligations import NO_LIMIT, Obligation, PeriodWords, display_name, zone_of
from govrules.renderers._common import BIDI_SHOWN, columns, note_text, one_line, say

__all__ = ["FORMATS", "render_obligations"]

FORMATS = ("table", "csv", "json", "ics")

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
    "window_opens",
    "window_closes",
    "closes",
    "note",
)

_LABELS = {
    "en": {
        "clause": "Clause",
        "period": "Period",
        "window": "Window",
        "in-principle": "in principle",
        "due": "Due",
        "closes": "Accepted late until",
        "no_limit": "no limit (the calendar lists no later period)",
        "to": "To",
        "count": "Count",
        "status": "Status",
        "note": "Note",
        "total": "obligations",
        "total_one": "obligation",
        "rule": "Rule",
        "title": "Title",
        "who": "Who",
    },
    "zh": {
        "clause": "条款",
        "period": "期间",
        "window": "时间窗口",
        "in-principle": "原则上",
        "due": "截止",
        "closes": "逾期受理至",
        "no_limit": "不限(日历中无后续期间)",
        "to": "报送对象",
        "count": "次数",
        "status": "状态",
        "note": "说明",
        "total": "项义务",
        "total_one": "项义务",
        "rule": "规则",
        "title": "名称",
        "who": "义务主体",
    },
}


def _label(key: str, lang: str) -> str:
    return _LABELS.get(lang, _LABELS["en"])[key]


def _row(o: Obligation) -> dict[str, Any]:
    return {
        "rule": o.rule,
        "clause": o.clause,
        "actor": o.actor,
        "counterpart": o.counterpart,
        "recipient": o.recipient,
        "period": o.period,
        "opens": o.opens.isoformat(),
        "due": o.due.isoformat(),
        "closes": None if o.closes == NO_LIMIT else o.closes.isoformat(),
        "window_opens": o.window_start.isoformat() if o.window_start else None,
        "window_closes": o.window_end.isoformat() if o.window_end else None,
        "min": o.min,
        "max": o.max,
        "strictness": "strict" if o.strict else "in-principle",
        "severity": o.severity,
        "status": o.status,
        "note": o.note,
    }


def _who(org: Organisation, o: Obligation, lang: str) -> str:
    who = display_name(org, o.actor, lang)
    if o.counterpart:
        who += f" / {display_name(org, o.counterpart, lang)}"
    return who


def _window(o: Obligation, lang: str, tz: ZoneInfo) -> str:
    if o.window_start is None or o.window_end is None:
        return ""
    first, last = local_date(o.window_start, tz), local_date(o.window_end, tz)  # the zone's days
    span = first.isoformat() if first == last else f"{first.isoformat()}..{last.isoformat()}"
    return span if o.strict else f"{span} ({_label('in-principle', lang)})"


def _csv(rows: Iterable[Sequence[object]]) -> str:
    """``rows`` as CSV, each record ended by LF (as every other output of govrules), a field
    holding a line break, CR or LF, quoted (RFC 4180 §2.6), so that a reader does not end the
    record there. The ``csv`` module quotes only the characters of its line terminator (with
    ``"\\n"``, a bare CR went out unquoted), so each record is written ended by ``"\\r\\n"``,
    which quotes both, and that end alone is made LF."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    records = []
    for row in rows:
        writer.writerow(row)
        records.append(buffer.getvalue().removesuffix("\r\n"))
        buffer.seek(0)
        buffer.truncate()
    return "".join(f"{record}\n" for record in records)


def _count(o: Obligation) -> str:
    if o.max is None:
        return f">={o.min}"
    return str(o.min) if o.max == o.min else f"{o.min}-{o.max}"


def render_obligations(
    items: Sequence[Obligation],
    rules: RuleSet,
    org: Organisation,
    fmt: str,
    lang: str,
    *,
    left_out: Mapping[str, int] | None = None,
    stamp: datetime | None = None,
) -> str:
    """The obligations in ``fmt``: ``table``, ``csv``, ``json`` or ``ics`` (iCalendar).

    ``left_out``: how many obligations of each status the caller chose not to list, which the
    table says after its total (the other formats hold records only). ``stamp``: the moment the
    calendar is made, an aware one, which ``ics`` needs for every event's DTSTAMP (RFC 5545
    §3.8.7.2: in a calendar without METHOD, when its information was last revised), written at
    UTC to the second; the other formats hold no such moment. The same ``stamp`` gives the same
    file: the caller reads the clock, or passes a moment of its own for a reproducible one.

    Raises:
        ValueError: an unknown format.
        InvalidArgument: ``ics`` without ``stamp``, or with a naive one.
    """
    if fmt == "json":
        return json.dumps([_row(o) for o in items], indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":
        records = (_row(o) for o in items)
        return _csv([_COLUMNS, *(["" if record[c] is None else record[c] for c in _COLUMNS] for record in records)])
    tz = zone_of(rules, org)  # what people read shows the zone's time and days, as computed
    if fmt == "ics":  # read by people in a calendar application (`_ics` names reordering characters)
        return _ics(items, rules, org, lang, tz, _dtstamp(stamp))
    if fmt != "table":
        raise ValueError(f"unknown obligations format {fmt!r}; expected one of {', '.join(FORMATS)}")
    said = PeriodWords(org, lang)
    # each rule's title (blank for a rule without one) on one line, its control characters named,
    # for the rows and for the sentences after them
    titles = {r.id: one_line(_one_line(text_in(r.title, lang))) for r in rules.rules}
    rows = [
        tuple(  # each cell on one line, with no control character and the reordering ones named
            # (``[U+202E]``) before the columns are measured: a table a person reads, padded as shown
            one_line(cell).translate(BIDI_SHOWN)
            for cell in (
                format_instant(o.due, tz),
                say(lang, f"status.{o.status}"),
                o.rule,
                titles[o.rule],
                _period(o, rules, said),
                _who(org, o, lang),
                _window(o, lang, tz),
            )
        )
        for o in items
    ]
    named = ("due", "status", "rule", "title", "period", "who")
    header = (*(_label(key, lang) for key in named), "")
    if rows:  # the columns named, as the csv names them (the rule by its id, then its title)
        rows.insert(0, header)
    widths = [max((columns(r[i]) for r in rows), default=0) for i in range(len(named))]
    lines = []
    for r in rows:
        cells = [r[i] + " " * (widths[i] - columns(r[i])) for i in range(len(named))]
        if r[-1]:
            cells.append(f"{_label('window', lang)} {r[-1]}")
        lines.append("  ".join(cells).rstrip())
    lines.append(f"{len(items)} {_label('total_one' if len(items) == 1 else 'total', lang)}")
    if left_out:  # the statuses not asked for (--status): counted, so that none is lost from sight
        counts = (f"{say(lang, f'status.{s}')} {n}" for s, n in sorted(left_out.items()) if n)
        lines.append(say(lang, "not_listed_status", counts=say(lang, "list_sep").join(counts)))
    rolling = sorted(r.id for r in rules.rules if isinstance(r, RecurringRule) and r.max_gap is not None)
    if rolling:  # a calendar of periods cannot list them: say so rather than leave them out unsaid
        lines.append(say(lang, "not_listed", rules=_rules_named(rolling, titles, lang)))
    # nor what is owed only once an event happens (a trigger, a guarded event, any event)
    driven = sorted(r.id for r in rules.rules if r.kind in ("triggered", "prerequisite", "content", "forbidden"))
    if driven:
        lines.append(say(lang, "not_listed_events", rules=_rules_named(driven, titles, lang)))
    return ("\n".join(lines) + "\n").translate(BIDI_SHOWN)  # read by people, as the reports


def _dtstamp(stamp: datetime | None) -> datetime:
    """``stamp`` as an iCalendar file writes its DTSTAMP: at UTC (RFC 5545 §3.8.7.2), to the second.

    Raises:
        InvalidArgument: no stamp, a naive one, or one whose instant at UTC is outside the calendar.
    """
    if stamp is None or stamp.utcoffset() is None:
        got = "none" if stamp is None else f"naive {stamp.isoformat()}"
        raise InvalidArgument(f"expected an aware stamp for the iCalendar file's DTSTAMP, got {got}")
    try:
        return stamp.astimezone(UTC).replace(microsecond=0)
    except OverflowError:
        raise InvalidArgument(
            f"expected a stamp inside the calendar at UTC for the iCalendar file's DTSTAMP, got {stamp.isoformat()}"
        ) from None


def _rules_named(ids: Iterable[str], titles: Mapping[str, str], lang: str) -> str:
    """Rules as a sentence of the table lists them: each by its title with its id, or by its id
    alone where it has no title."""
    named = (say(lang, "rule_named", title=titles[i], id=i) if titles[i] else i for i in ids)
    return say(lang, "list_sep").join(named)


def _period(o: Obligation, rules: RuleSet, said: PeriodWords) -> str:
    """A period label in words ("November 2024"); a period of an organisation's calendar by its
    name where it has one, else by its id, though it may look like a label (a semester ``2025-01``)."""
    return said(rules.rule(o.rule), o.period)


def _period_and_id(o: Obligation, rules: RuleSet, said: PeriodWords) -> str:
    """The period as `_period` says it, with its id where that does not already show it."""
    words = _period(o, rules, said)
    return words if words == o.period or words.endswith(f"({o.period})") else f"{words} ({o.period})"


def _one_line(text: str) -> str:
    """``text`` on one line, as a calendar shows a name or a title (a YAML folded scalar ends in a
    line break)."""
    return " ".join(text.split())


_OWED_NOTHING = frozenset({"exempt", "not-held", "discharged"})
"""The statuses of an obligation whose event the calendar marks in its SUMMARY. Its STATUS is not
CANCELLED (RFC 5545), which some calendar applications hide: an exempt period is shown, never
dropped from sight; every event is TRANSPARENT, taking no time."""


def _ics(
    items: Sequence[Obligation], rules: RuleSet, org: Organisation, lang: str, tz: ZoneInfo, stamp: datetime
) -> str:
    from icalendar import Calendar, Timezone, vText
    from icalendar import Event as VEvent

    # read by people in a calendar application: characters that reorder text are named, before
    # the lines are folded at 75 octets (a name is longer than the character it stands for)
    said = PeriodWords(org, lang)
    cal = Calendar()
    cal.add("prodid", "-//govrules//obligations//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    # TEXT, escaped as SUMMARY is (icalendar writes a property it does not know as given: a title
    # ending in a line break, as a YAML folded scalar does, would break the file)
    name = f"{_one_line(text_in(rules.title, lang, rules.id))}: {_one_line(text_in(org.name, lang, org.id))}"
    cal.add("x-wr-calname", vText(name.translate(BIDI_SHOWN)))
    by_id = {r.id: r for r in rules.rules}
    for o in items:
        rule = by_id[o.rule]
        event = VEvent()
        # the parts joined by "/", each "/" of theirs written %2F (ids hold none of "%"): rule r of
        # actor a/b and rule r/a of actor b are two events, not one the second overwrites
        parts = [org.id, o.rule, o.actor, o.counterpart or "-", o.period]
        uid = "/".join(part.replace("/", "%2F") for part in parts) + "@govrules"
        event.add("uid", uid.translate(BIDI_SHOWN))
        event.add("dtstamp", stamp)  # when the calendar was made, not a moment of the obligation
        due_day = local_date(o.due, tz)
        event.add("dtstart", due_day)
        if due_day < date.max:  # the calendar's last day (a deadline past its end) has no day after
            event.add("dtend", due_day + timedelta(days=1))
        event.add("transp", "TRANSPARENT")
        title = _one_line(text_in(rule.title, lang, rule.id))
        summary = f"{_one_line(_who(org, o, lang))}: {title} ({_period(o, rules, said)})"
        if o.status in _OWED_NOTHING:  # seen at a glance: no due date in force, though on its day
            summary = f"[{say(lang, f'status.{o.status}')}] {summary}"
        event.add("summary", summary.translate(BIDI_SHOWN))
        description = [
            f"{_label('clause', lang)} {rule.clause}: {rules.words_of(rule)}".strip().rstrip(":"),
            f"{_label('period', lang)}: {_period_and_id(o, rules, said)}",
        ]
        window = _window(o, lang, tz)
        if window:
            description.append(f"{_label('window', lang)}: {window}")
        description.append(f"{_label('due', lang)}: {format_instant(o.due, tz)}")
        if o.closes == NO_LIMIT:
            description.append(f"{_label('closes', lang)}: {_label('no_limit', lang)}")
        elif o.closes > o.due:
            description.append(f"{_label('closes', lang)}: {format_instant(o.closes, tz)}")
        if o.recipient:
            recipient = o.recipient.removeprefix("role:")
            description.append(f"{_label('to', lang)}: {display_name(org, recipient, lang)}")
        description.append(f"{_label('count', lang)}: {_count(o)}")
        description.append(f"{_label('status', lang)}: {say(lang, f'status.{o.status}')}")
        if o.note:
            description.append(f"{_label('note', lang)}: {note_text(lang, o.note)}")
        event.add("description", "\n".join(description).translate(BIDI_SHOWN))
        event.add("categories", [rule.kind, o.status])
        cal.add_component(event)
    if not items:  # RFC 5545 asks a calendar for one component at least: the zone its days are in
        cal.add_component(Timezone.from_tzid(tz.key))
    text: str = cal.to_ical().decode("utf-8")
    return text
