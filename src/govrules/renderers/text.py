"""The text report: findings grouped by actor, then rule and period, one line each, and a summary.

Every word comes from the message catalogue (``report`` section), so a new language is a new
catalogue file. ANSI colour is used only when the context asks for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from govrules.renderers._common import (
    actor_name,
    category_counts,
    evidence_text,
    notes,
    one_line,
    period_text,
    record_place,
    records_text,
    rule_info,
    rule_set_title,
    rule_title,
    say,
    scope_text,
    unmatched_text,
    unused_text,
)

if TYPE_CHECKING:
    from govrules.findings import Finding, Report
    from govrules.renderers import RenderContext

_COLOURS = {"violation": "\x1b[31m", "warning": "\x1b[33m", "info": "\x1b[36m"}
_BOLD = "\x1b[1m"
_RESET = "\x1b[0m"
_RECORDS = "\x00records"  # group key of findings about input records (no rule); sorts last


def render(report: Report, context: RenderContext) -> str:
    """The report as lines of text a person can act on."""
    lang = report.lang

    def bold(text: str) -> str:  # a line of data made one line first, then coloured
        return f"{_BOLD}{one_line(text)}{_RESET}" if context.colour else one_line(text)

    lines = [
        bold(say(lang, "title", rule_set=rule_set_title(report, context))),
        one_line(scope_text(report, context)),
        "",
    ]
    if not report.findings:
        lines += [say(lang, "none"), ""]
    for actor, groups in _grouped(report.findings):
        if actor == _RECORDS:
            lines.append(bold(say(lang, "records_group")))
        else:
            name = actor_name(context, actor)
            heading = say(lang, "actor_heading", name=name, id=actor) if name != actor else actor
            lines.append(bold(heading))
        for rule, findings in groups:
            if rule is not None:
                info = rule_info(context, rule)
                lines.append(
                    "  "
                    + one_line(
                        say(
                            lang,
                            "rule_heading",
                            title=rule_title(context, rule),
                            id=rule,
                            clause=info.get("clause") or findings[0].clause or "",
                        )
                    )
                )
            lines.extend("    " + _line(report, context, f) for f in findings)
        lines.append("")
    lines.extend(one_line(line) for line in _summary(report, context))
    return "\n".join(lines) + "\n"


def _grouped(findings: tuple[Finding, ...]) -> list[tuple[str, list[tuple[str | None, list[Finding]]]]]:
    """Findings by actor (record-level ones last), then by rule, each in report order."""
    by_actor: dict[str, dict[str | None, list[Finding]]] = {}
    for f in findings:
        actor = f.actor if f.rule is not None and f.actor else _RECORDS
        by_actor.setdefault(actor, {}).setdefault(f.rule, []).append(f)
    return [
        (actor, sorted(by_actor[actor].items(), key=lambda item: item[0] or ""))
        for actor in sorted(by_actor, key=lambda a: (a == _RECORDS, a))
    ]


def _line(report: Report, context: RenderContext, f: Finding) -> str:
    lang = report.lang
    if f.rule is None and f.file:
        place = record_place(report, context, f.file, f.line)
    else:
        place = period_text(report, context, f.period, f.counterpart, f.rule)
    severity = say(lang, f"severity.{f.severity}")
    if context.colour:
        severity = f"{_COLOURS[f.severity]}{severity}{_RESET}"
    text = say(
        lang,
        "line",
        period=one_line(place),
        severity=severity,
        code=say(lang, f"code.{f.code.value}"),
        message=one_line(f.message),
    )
    if f.evidence and f.code.value != "rejected-event":
        text += " [" + one_line(say(lang, "evidence", items=evidence_text(report, context, f.evidence))) + "]"
    return text.strip()


def _summary(report: Report, context: RenderContext) -> list[str]:
    lang = report.lang
    counts = category_counts(report)
    s = report.summary
    lines = [
        say(
            lang,
            "summary",
            obligations=s.obligations,
            met=counts["met"],
            late=counts["late"],
            missing=counts["missing"],
            warnings=counts["warning"],
            pending=counts["pending"],
            exempt=counts["exempt"],
        )
        # periods an actor was not active for in full owe nothing: said, so the outcomes add up
        + (say(lang, "summary_not_held", n=counts["not-held"]) if counts["not-held"] else ""),
        say(lang, "findings_line", violations=s.violations, warnings=s.warnings, infos=s.infos),
        records_text(report),
    ]
    unused = unused_text(report, context)
    if unused is not None:  # which records, so that a reader can look at them
        lines.append(unused)
    unmatched = unmatched_text(report)
    if unmatched is not None:
        lines.append(unmatched)
    lines.extend(notes(report))
    return lines
