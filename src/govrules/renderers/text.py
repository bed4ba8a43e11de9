"""The text report: findings grouped by actor, then rule and period, and a summary."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from govrules.messages import catalogue

if TYPE_CHECKING:
    from govrules.findings import Finding, Report
    from govrules.renderers import RenderContext

_COLOURS = {"violation": "\x1b[31m", "warning": "\x1b[33m", "info": "\x1b[36m"}
_RESET = "\x1b[0m"
_HEAD = {
    "en": {
        "title": "govrules report: {rule_set} for {org}, {start} to {end}, as of {as_of}",
        "none": "No finding.",
        "summary": "Summary: {obligations} obligations: {met} met, {late} late, {missing} missing, {other} other gaps, {pending} pending; {violations} violations, {warnings} warnings",
        "records": "Records: {read} read = {used} used + {unused} unused + {rejected} rejected ({after} after the audit moment)",
        "unmatched": "Actions no rule mentions: {items}",
        "general": "(records)",
    },
    "zh": {
        "title": "govrules 审计报告:{rule_set},{org},{start} 至 {end},截至 {as_of}",
        "none": "未发现问题。",
        "summary": "汇总:应尽义务 {obligations} 项:按期完成 {met},逾期 {late},缺失 {missing},其他问题 {other},未到期 {pending};违规 {violations} 项,警示 {warnings} 项",
        "records": "记录:读取 {read} = 使用 {used} + 未使用 {unused} + 拒收 {rejected}(审计时点之后 {after})",
        "unmatched": "规则未提及的事项:{items}",
        "general": "(记录)",
    },
}


def render(report: Report, context: RenderContext) -> str:
    """The report as lines of text a person can act on."""
    lang = report.lang if report.lang in _HEAD else "en"
    head = _HEAD[lang]
    catalogue(report.lang)  # fail early on an unknown language
    lines = [
        head["title"].format(
            rule_set=report.rule_set,
            org=report.organisation,
            start=report.range_from,
            end=report.range_to,
            as_of=report.as_of.isoformat(timespec="seconds"),
        ),
        "",
    ]
    groups: dict[str, list[Finding]] = defaultdict(list)
    for f in report.findings:
        groups[f.actor or ""].append(f)
    if not report.findings:
        lines.append(head["none"])
    for actor in sorted(groups, key=lambda a: (a == "", a)):
        name = context.actor_names.get(actor, actor) if actor else head["general"]
        lines.append(f"{name}" + (f" ({actor})" if actor and name != actor else ""))
        for f in groups[actor]:
            tag = f"{f.severity}: {f.code.value}"
            if context.colour:
                tag = f"{_COLOURS[f.severity]}{tag}{_RESET}"
            ref = f" [{f.rule}]" if f.rule else ""
            evidence = (
                f" (evidence: {', '.join(f.evidence[:5])}{', ...' if len(f.evidence) > 5 else ''})"
                if f.evidence
                else ""
            )
            lines.append(f"  {tag}{ref} {f.message}{evidence}")
        lines.append("")
    statuses = report.summary.statuses
    gaps = (
        "insufficient",
        "outside-window",
        "excess",
        "wrong-recipient",
        "unanswered",
        "late-response",
        "unapproved",
        "missing-content",
        "forbidden",
    )
    lines.append(
        head["summary"].format(
            obligations=report.summary.obligations,
            met=statuses.get("met", 0),
            late=statuses.get("late", 0),
            missing=statuses.get("missing", 0),
            other=sum(statuses.get(s, 0) for s in gaps),
            pending=statuses.get("pending", 0),
            violations=report.summary.violations,
            warnings=report.summary.warnings,
        )
    )
    r = report.records
    lines.append(
        head["records"].format(read=r.read, used=r.used, unused=r.unused, rejected=r.rejected, after=r.after_as_of)
    )
    if report.unmatched_actions:
        items = ", ".join(
            f"{u.action} ×{u.count}" + (f" (did you mean {' / '.join(u.did_you_mean)}?)" if u.did_you_mean else "")
            for u in report.unmatched_actions
        )
        lines.append(head["unmatched"].format(items=items))
    lines.extend(report.notes)
    return "\n".join(lines) + "\n"
