"""What several renderers share: catalogue wording, names, the status of each matrix cell.

Private to `govrules.renderers`. Everything here is a pure function of the report and the
render context; nothing reads the clock or the environment.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping
from functools import cache
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from govrules.events import duplicate_of, log_name
from govrules.findings import FindingCode
from govrules.messages import catalogue, fill, format_instant, format_period, word
from govrules.obligations import NOTES

if TYPE_CHECKING:
    from datetime import datetime

    from govrules.findings import EvidenceLocation, Finding, Outcome, Report
    from govrules.renderers import RenderContext

CATEGORIES = ("met", "late", "missing", "warning", "pending", "exempt", "not-held")
"""The colours of a matrix cell, from the best to the least telling; ``none`` is an empty cell."""

_LATE = frozenset({"late", "late-response"})
_QUIET = {"met": "met", "pending": "pending", "exempt": "exempt", "discharged": "exempt", "not-held": "not-held"}
_RANK = {"missing": 6, "late": 5, "warning": 4, "pending": 3, "exempt": 2, "met": 1, "not-held": 0, "none": -1}

Key = tuple[str | None, str | None, str | None, str | None, int | None]


def words(lang: str) -> Mapping[str, Any]:
    """The ``report`` section of the catalogue of ``lang``."""
    section: Mapping[str, Any] = catalogue(lang)["report"]
    return section


def say(lang: str, key: str, **params: Any) -> str:
    """The catalogue phrase at ``key`` (dotted, e.g. ``labels.summary``) with ``params`` filled in."""
    node: Any = words(lang)
    for part in key.split("."):
        node = node[part]
    return fill(str(node), params)


_BIDI = (*range(0x202A, 0x202F), *range(0x2066, 0x206A))
"""The characters that reorder the text around them (embeddings, overrides, isolates): a name or
an event id holding one could show "evil 10-10-2019" for what is written "evil\u202e 9102-01-01",
or turn a due date around."""
BIDI_SHOWN = {cp: f"[U+{cp:04X}]" for cp in _BIDI}
"""Each of them as a reader sees it named."""
BIDI_SHOWN_MARKDOWN = {cp: f"\\[U+{cp:04X}\\]" for cp in _BIDI}  # escaped: "[...](url)" is a link

_BREAKS = "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"  # what str.splitlines breaks at
_ONE_LINE = {
    **{ord(c): " " for c in _BREAKS + "\t"},
    **{cp: f"[U+{cp:04X}]" for cp in (*range(0x20), 0x7F, *range(0x80, 0xA0)) if chr(cp) not in _BREAKS + "\t"},
}


def for_a_terminal(text: str) -> str:
    """``text`` of one or more lines as a person reads it on a terminal: each line `one_line`
    (control characters named), and the characters that reorder text named (``[U+202E]``)."""
    return "\n".join(one_line(line) for line in text.split("\n")).translate(BIDI_SHOWN)


def columns(text: str) -> int:
    """The columns ``text`` takes in a terminal: two for a wide character (Chinese), one for
    any other."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def one_line(text: str) -> str:
    """``text`` as one line of a report a person reads: line breaks (U+2028 and kin included) as
    spaces, so that a name or a log value written over lines cannot forge a line of the report,
    and the other control characters named (``[U+009B]``), so that none reaches a terminal as a
    command."""
    return text.translate(_ONE_LINE)


def unmatched_text(report: Report) -> str | None:
    """The actions of the logs no rule mentions, with a "did you mean" for each near a rule's."""
    if not report.unmatched_actions:
        return None
    lang = report.lang
    items = []
    for u in report.unmatched_actions:
        item = say(lang, "unmatched_item", action=u.action, count=u.count)
        if u.did_you_mean:
            item += say(lang, "did_you_mean", names=say(lang, "alternatives_sep").join(u.did_you_mean))
        items.append(item)
    return say(lang, "unmatched", items=say(lang, "list_sep").join(items))


def said_of_the_check(report: Report) -> list[str]:
    """What a report says of the whole check, beside its findings: its notes (`notes`: nothing
    owed, every record rejected, a log not read whole, limits left unrolled), then the actions no
    rule mentions, the usual cause of a false `missing` (log values: shown on one line, as names
    are)."""
    unmatched = unmatched_text(report)
    return [*notes(report), *([one_line(unmatched)] if unmatched else [])]


def unread_said(report: Report, *, prefix: str = "") -> list[tuple[str, str, str]]:
    """What is said of each log not read whole (`Report.unread_logs`), in the report's language,
    as (kind, file, words): ``all-records-rejected`` for one whose every record was rejected
    (unless every record of the check was, which the report's own note says), ``reading-stopped``
    for one whose reading stopped before its end (naming the record and line). ``prefix`` picks
    the catalogue's wording (``cli_`` for the command's own lines)."""
    lang = report.lang
    said = []
    for log in report.unread_logs():
        if log.all_rejected and not report.records.all_rejected:
            words = word(f"{prefix}log_all_rejected", lang, file=log.file, n=log.read)
            said.append(("all-records-rejected", log.file, words))
        if log.stopped:
            where = stopped_where(lang, log.record, log.line)
            said.append(("reading-stopped", log.file, word(f"{prefix}log_stopped", lang, file=log.file, where=where)))
    return said


def log_notes(report: Report) -> list[str]:
    """A note for each log not read whole (`unread_said`)."""
    return [words for _, _, words in unread_said(report)]


def stopped_where(lang: str, record: int | None, line: int | None) -> str:
    """Where the reading of a log stopped, in words: "record 2 (line 13)"."""
    if record is None:
        return word("stopped_unsaid", lang)
    if line is None:
        return word("stopped_record", lang, n=record)
    return word("stopped_record_line", lang, n=record, line=line)


def notes(report: Report) -> list[str]:
    """The report's notes, and the notes of the logs not read whole (`log_notes`) that it does not
    hold already (a report `check` gave holds none; a JSON report, see `noted`, holds them)."""
    held = set(report.notes)
    return [*report.notes, *(note for note in log_notes(report) if note not in held)]


def noted(report: Report) -> Report:
    """``report`` with the notes every format says (`notes`), for a format that writes the
    report's own (JSON): the report itself when it holds them all, else a copy that does."""
    said = notes(report)
    return report if len(said) == len(report.notes) else report.model_copy(update={"notes": tuple(said)})


def records_text(report: Report) -> str:
    """How every input record is accounted for: ``N read = used + unused + rejected``."""
    r = report.records
    return say(
        report.lang, "records", read=r.read, used=r.used, unused=r.unused, rejected=r.rejected, after=r.after_as_of
    )


UNUSED_SHOWN = 5
"""How many unused records the text report names; the JSON report names up to `UNUSED_LISTED`."""


def unused_text(report: Report, context: RenderContext) -> str | None:
    """Which records went unused, the first `UNUSED_SHOWN` of those the report names
    (`RecordCounts.unused_records`), each by its id and where it was read (as evidence is cited),
    then how many more; None when every record read was used or rejected."""
    r = report.records
    if not r.unused:
        return None
    lang = report.lang
    items = []
    for u in r.unused_records[:UNUSED_SHOWN]:
        place = None if u.file is None else record_place(report, context, u.file, u.line)
        named_by_place = u.file is not None and u.id == _record_name(report, u.file, u.line)
        items.append(u.id if place is None or named_by_place else say(lang, "at", id=u.id, where=place))
    if r.unused > len(items):
        items.append(say(lang, "more", n=r.unused - len(items)))
    return say(lang, "unused_records", items=say(lang, "list_sep").join(items))


def scope_text(report: Report, context: RenderContext) -> str:
    """Whose check it is, over which range, as of when: a report's second line."""
    return say(
        report.lang,
        "scope",
        org=context.org_name or report.organisation,
        start=report.range_from,
        end=report.range_to,
        as_of=instant(report, report.as_of),
    )


def note_text(lang: str, note: str) -> str:
    """An obligation's note in ``lang``: the checker's own notes translated, an exemption's
    reason as the organisation wrote it."""
    for pattern, key in NOTES:
        if (found := pattern.fullmatch(note)) is not None:
            return say(lang, key, **found.groupdict())
    return note


@cache
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def instant(report: Report, value: datetime | None) -> str:
    """An instant in the report's zone, to the second (``2024-11-30 23:59:59 +08:00``)."""
    return format_instant(value, _zone(report.timezone))


def actor_name(context: RenderContext, actor: str | None) -> str:
    """The display name of ``actor`` (its id when the organisation gives none)."""
    if not actor:
        return ""
    return " ".join(str(context.actor_names.get(actor, actor)).splitlines())  # on one line, as lines go


def actor_order(context: RenderContext, actors: Iterable[str]) -> list[str]:
    """``actors`` in the organisation's order (as listed in its file), unknown ones last by id."""
    position = {actor: i for i, actor in enumerate(context.actor_names)}
    return sorted(set(actors), key=lambda a: (position.get(a, len(position)), a))


def rule_info(context: RenderContext, rule: str | None) -> Mapping[str, Any]:
    """The rule's title, clause, original words, kind and line, as far as the context knows them."""
    return context.rules.get(rule or "", {})


def rule_title(context: RenderContext, rule: str | None) -> str:
    """The rule's title in the report's language, else its id."""
    return str(rule_info(context, rule).get("title") or rule or "")


def rule_set_title(report: Report, context: RenderContext) -> str:
    """The rule set's title in the report's language, else its id."""
    if context.rule_set_title:
        return context.rule_set_title
    title = report.rule_set_title
    if isinstance(title, str) and title:
        return title
    if isinstance(title, Mapping) and title:
        return str(title.get(report.lang) or title.get("en") or next(iter(title.values())))
    return report.rule_set


def period_words(context: RenderContext, rule: str | None, period: str, lang: str) -> str:
    """A period as people write it: a label of the calendar grid as words ("November 2024"); an
    organisation's calendar period by its name (``periods``, where the context gives one), else
    its id (a semester ``2025-01``), or the id of the event an obligation is keyed by (a trigger)
    as written, though it may look like a label."""
    info = context.rules.get(rule or "") or {}
    if info.get("labels", info.get("kind", "recurring") == "recurring"):
        return format_period(period, lang)
    return str((info.get("periods") or {}).get(period, period))


def period_text(
    report: Report, context: RenderContext, period: str | None, counterpart: str | None, rule: str | None = None
) -> str:
    """The period as people write it (`period_words`), after the counterpart's name for pair
    obligations."""
    text = period_words(context, rule, period, report.lang) if period else ""
    if counterpart:
        return say(report.lang, "pair", counterpart=actor_name(context, counterpart), period=text)
    return text


def finding_key(f: Finding) -> Key:
    step = f.detail.get("step") if isinstance(f.detail, Mapping) else None
    return (f.rule, f.actor, f.counterpart, f.period, step if isinstance(step, int) else None)


def outcome_key(o: Outcome) -> Key:
    return (o.rule, o.actor, o.counterpart, o.period, o.step)


def index_findings(findings: Iterable[Finding]) -> dict[Key, list[Finding]]:
    """Findings by the obligation they are about (rule, actor, counterpart, period, step)."""
    index: dict[Key, list[Finding]] = defaultdict(list)
    for f in findings:
        index[finding_key(f)].append(f)
    return index


def category(outcome: Outcome, findings: Iterable[Finding] = ()) -> str:
    """The matrix colour of an outcome: a gap whose findings are all warnings is a ``warning``."""
    quiet = _QUIET.get(outcome.status)
    if quiet is not None:
        return quiet
    severities = {f.severity for f in findings if f.code.value == outcome.status}
    if severities and "violation" not in severities:
        return "warning"
    return "late" if outcome.status in _LATE else "missing"


def worst(categories: Iterable[str]) -> str:
    """The most telling of several categories (``none`` for no category at all)."""
    return max(categories, key=_RANK.__getitem__, default="none")


def category_counts(report: Report) -> dict[str, int]:
    """How many outcomes fall in each category (every category present, zero or not)."""
    index = index_findings(report.findings)
    counts = dict.fromkeys(CATEGORIES, 0)
    for o in report.outcomes:
        counts[category(o, index.get(outcome_key(o), ()))] += 1
    return counts


def testcase_name(outcome: Outcome) -> str:
    """The stable name of an obligation: ``rule/actor[/counterpart]/period[/step-N]``."""
    parts = [outcome.rule, outcome.actor]
    if outcome.counterpart:
        parts.append(outcome.counterpart)
    parts.append(outcome.period)
    if outcome.step is not None:
        parts.append(f"step-{outcome.step}")
    return "/".join(parts)


def place_text(lang: str, context: RenderContext, file: str, line: int | None, *, shown: str | None = None) -> str:
    """Where a record is in its log, as a reader looks for it: ``file:line``; in a log whose
    records are numbered rather than located by line (a JSON array's, an XES log's: the context's
    ``record_numbered``), the record in ``lang`` (``events.json record 12``), never a line a
    reader would open the file at; the file alone when neither is known. ``shown``: the file as
    written (a base name), ``file`` being the log's path as the context names it."""
    name = file if shown is None else shown
    if line is None:
        return name
    if file in context.record_numbered:
        return say(lang, "record_at", file=name, n=line)
    return f"{name}:{line}"


def record_place(report: Report, context: RenderContext, file: str, line: int | None) -> str:
    """Where a record of a log is, as every report people read says it, and as its records
    without an id are named: `place_text` with the log's file name (its path where another log
    of the check has that name too: logs kept a folder a month), ``events.csv:12``."""
    return place_text(report.lang, context, file, line, shown=report_log_name(report, file))


def cites_its_own_record(f: Finding) -> bool:
    """Whether the evidence of ``f`` is the record ``f`` is about: a record rejected
    (``rejected-event``) for any reason but repeating the id of an event read before it.

    The report knows where an event was read by its id alone (`Report.evidence_locations`), and
    that id may be another record's: ``A-1`` of january.csv read, ``A-1`` of february.csv
    rejected for an impossible date. Such a record is cited by its id, with no place: its own
    place is the finding's (``file``, ``line``), which every format shows already. A duplicate
    cites, under the id it repeats, the event read first, as its reason says."""
    if f.rule is not None or f.code is not FindingCode.REJECTED_EVENT:
        return False
    reason = f.detail.get("reason") if isinstance(f.detail, Mapping) else None
    return not (isinstance(reason, str) and duplicate_of(reason) is not None)


def location(report: Report, event_id: str, *, of: Finding | None = None) -> EvidenceLocation | None:
    """Where the event ``event_id`` that ``of`` (a finding) or an outcome cites was read, if the
    report knows it; None for the record a rejected-event finding is about (`cites_its_own_record`)."""
    if of is not None and cites_its_own_record(of):
        return None
    return report.evidence_locations.get(event_id)


def where(report: Report, context: RenderContext, event_id: str, *, of: Finding | None = None) -> str | None:
    """Where a cited event was read (`record_place`: its log's file name, unless another log of
    the check has that name too), if the report knows it (`location`; ``of``: the finding citing
    it)."""
    loc = location(report, event_id, of=of)
    if loc is None:
        return None
    return record_place(report, context, loc.file, loc.line)


def report_log_name(report: Report, name: str) -> str:
    """A log of ``report`` as the reports people read say it, and as the command names its
    records without an id (`govrules.events.log_name` among the report's logs)."""
    return log_name(name, report.records.files)


def _name_of_record(report: Report, event_id: str) -> str | None:
    """What a record read without an id is named (its log's name and its line or record number),
    had the event ``event_id`` been read without one."""
    loc = report.evidence_locations.get(event_id)
    if loc is None:
        return None
    return _record_name(report, loc.file, loc.line)


def _record_name(report: Report, file: str, line: int | None) -> str:
    """What a record read without an id at ``line`` of ``file`` is named (`govrules.events`)."""
    name = report_log_name(report, file)
    return f"{name}:{line}" if line is not None else name


def evidence_text(
    report: Report,
    context: RenderContext,
    ids: Iterable[str],
    *,
    limit: int = 5,
    of: Finding | None = None,
) -> str:
    """Evidence ids with where they were read (`where`; ``of``: the finding citing them), the
    first ``limit`` of them, then a count. A record without an id, named after its log and its
    line or record number (``events.csv:12``, ``log.xes:12``: `govrules.events`), is cited by
    that id alone, as it is named everywhere."""
    ids = list(ids)
    lang = report.lang
    items = []
    for event_id in ids[:limit]:
        loc = where(report, context, event_id, of=of)
        if loc is None or event_id == _name_of_record(report, event_id):
            items.append(event_id)  # unknown, or the id is the file and line (an id-less record's)
        else:
            items.append(say(lang, "at", id=event_id, where=loc))
    if len(ids) > limit:
        items.append(say(lang, "more", n=len(ids) - limit))
    return say(lang, "list_sep").join(items)
