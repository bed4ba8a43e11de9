"""Markdown for CI job summaries and merge-request comments (GitHub/GitLab flavoured).

A summary table (one row per rule, counts per category), then the findings grouped by rule
under the rule's clause id and original words. Text from the report is escaped, so that a
message can never break a table or turn into markup.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import TYPE_CHECKING

from govrules.renderers._common import (
    CATEGORIES,
    actor_name,
    category,
    evidence_text,
    index_findings,
    notes,
    outcome_key,
    period_text,
    record_place,
    records_text,
    rule_info,
    rule_set_title,
    rule_title,
    say,
    scope_text,
    unmatched_text,
)

if TYPE_CHECKING:
    from govrules.findings import Finding, Report
    from govrules.renderers import RenderContext

_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~&@])")  # and `~~` strikethrough, `&lt;` entities, `@` mentions
_WWW = re.compile(r"(www)\.", re.IGNORECASE)
_AT = "\\@<!-- -->"
"""An at sign as written, an HTML comment after it (GitHub and GitLab show none). GFM makes a
link of an e-mail address (``ops@example.com``, ``mailto:`` and ``xmpp:`` ones too) from the
text it reads, escapes resolved, so no escape stops it: the comment parts the address into two
texts, neither a whole address."""
_MARKER = re.compile(r"^(\d+)([.)])|^([-+=])")
"""What makes a line that starts with it a block of its own: an ordered list's ``1.`` or ``1)``,
a bullet list's ``-`` or ``+``, a thematic break's ``---``, a setext heading's ``===`` (``*``,
``#``, ``>``, ``|``, a fence's backticks and tildes are escaped wherever they are)."""
_ICONS = {"violation": "❌", "warning": "⚠️", "info": "ℹ️"}


def _esc(text: object) -> str:
    """Plain text made safe inside Markdown, table cells included."""
    # a scheme's "://" and the dot of "www." escaped too (and an e-mail address parted, see _AT),
    # so that a web address is shown, not made a link (GFM's autolinks, extended ones included)
    escaped = _SPECIAL.sub(r"\\\1", " ".join(str(text).split())).replace("://", ":\\/\\/")
    return _WWW.sub(r"\1\\.", escaped).replace("\\@", _AT)


def _block(text: object) -> str:
    """Plain text made safe as a block of its own (a paragraph, a quote's): `_esc`, then a
    leading list or block marker escaped, so that an organisation named ``1. Acme`` or words
    starting ``1. In the case`` stay text, not the first item of a list."""
    return _MARKER.sub(lambda m: f"{m[1]}\\{m[2]}" if m[1] else f"\\{m[3]}", _esc(text))


def render(report: Report, context: RenderContext) -> str:
    """The report as Markdown."""
    lang = report.lang
    out = [
        f"# {_esc(say(lang, 'title', rule_set=rule_set_title(report, context)))}",
        "",
        _block(scope_text(report, context)),
        "",
        f"## {_esc(say(lang, 'labels.summary'))}",
        "",
    ]
    out.extend(_summary_table(report, context))
    s = report.summary
    out += [
        "",
        _block(say(lang, "findings_line", violations=s.violations, warnings=s.warnings, infos=s.infos)),
        "",
        _block(records_text(report)),
        "",
    ]
    unmatched = unmatched_text(report)
    if unmatched is not None:
        out += [_block(unmatched), ""]
    out.extend(f"> {_block(note)}\n" for note in notes(report))
    out += [f"## {_esc(say(lang, 'labels.findings'))}", ""]
    if not report.findings:
        out += [_block(say(lang, "none")), ""]
    groups: dict[str | None, list[Finding]] = defaultdict(list)
    for f in report.findings:
        groups[f.rule].append(f)
    for rule in sorted(groups, key=lambda r: (r is None, r or "")):
        out.extend(_rule_section(report, context, rule, groups[rule]))
    return "\n".join(out).rstrip("\n") + "\n"


def _summary_table(report: Report, context: RenderContext) -> list[str]:
    lang = report.lang
    index = index_findings(report.findings)
    rows: dict[str, dict[str, int]] = {}
    for o in report.outcomes:
        row = rows.setdefault(o.rule, dict.fromkeys(CATEGORIES, 0))
        row[category(o, index.get(outcome_key(o), ()))] += 1
    head = [
        say(lang, "labels.rule"),
        say(lang, "labels.clause"),
        say(lang, "labels.obligations"),
        *(say(lang, f"category.{c}") for c in CATEGORIES),
    ]
    lines = [
        "| " + " | ".join(_esc(h) for h in head) + " |",
        "|---|---|" + "---:|" * (len(head) - 2),
    ]
    total = dict.fromkeys(CATEGORIES, 0)
    for rule in sorted(rows):
        counts = rows[rule]
        clause = rule_info(context, rule).get("clause") or next(o.clause for o in report.outcomes if o.rule == rule)
        held = sum(n for c, n in counts.items() if c != "not-held")
        cells = [f"{_esc(rule_title(context, rule))} (`{rule}`)", _esc(clause), str(held)]
        cells += [str(counts[c]) for c in CATEGORIES]
        lines.append("| " + " | ".join(cells) + " |")
        for c in CATEGORIES:
            total[c] += counts[c]
    cells = ["**Σ**", "", str(report.summary.obligations), *(str(total[c]) for c in CATEGORIES)]
    lines.append("| " + " | ".join(cells) + " |")
    return lines


def _rule_section(report: Report, context: RenderContext, rule: str | None, findings: list[Finding]) -> list[str]:
    lang = report.lang
    if rule is None:
        out = [f"### {_esc(say(lang, 'records_group'))}", ""]
    else:
        info = rule_info(context, rule)
        clause = info.get("clause") or findings[0].clause or ""
        out = [
            f"### {_esc(rule_title(context, rule))} · `{rule}` · {_esc(say(lang, 'labels.clause'))} {_esc(clause)}",
            "",
        ]
        if info.get("words"):
            out += [f"> {_block(info['words'])}", ""]
    head = [
        say(lang, "labels.severity"),
        say(lang, "labels.actor"),
        say(lang, "labels.period"),
        say(lang, "labels.code"),
        say(lang, "labels.message"),
        say(lang, "labels.evidence"),
    ]
    out += ["| " + " | ".join(_esc(h) for h in head) + " |", "|---" * len(head) + "|"]
    for f in findings:
        if f.rule is None and f.file:
            place = record_place(report, context, f.file, f.line)
        else:
            place = period_text(report, context, f.period, f.counterpart, f.rule)
        cells = [
            f"{_ICONS[f.severity]} {_esc(say(lang, f'severity.{f.severity}'))}",
            _esc(actor_name(context, f.actor)),
            _esc(place),
            _esc(say(lang, f"code.{f.code.value}")),
            _esc(f.message),
            _esc(evidence_text(report, context, f.evidence, of=f)) if f.evidence else "",
        ]
        out.append("| " + " | ".join(cells) + " |")
    out.append("")
    return out
