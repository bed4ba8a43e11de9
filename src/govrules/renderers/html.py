"""A single-file HTML report: per rule a matrix of actors x periods, a summary, filters, evidence.

The page is self-contained (inline CSS and JavaScript, no network). Each matrix cell is
coloured by its category (met, late, missing, warning, pending, exempt, not held) and opens a
panel with the obligation's evidence, the findings and the clause's original words. The page
reads ``#actor=ID&code=CODE&cell=KEY`` from its address, so a link can open a filtered view or
a cell. Text is escaped with `html.escape`; data for the script is JSON with ``<`` escaped.
"""

from __future__ import annotations

import html
import json
from collections import defaultdict
from collections.abc import Mapping
from string import Template
from typing import TYPE_CHECKING, Any

from govrules.messages import format_period
from govrules.renderers._common import (
    CATEGORIES,
    actor_name,
    actor_order,
    category,
    category_counts,
    index_findings,
    instant,
    note_text,
    notes,
    outcome_key,
    period_text,
    period_words,
    record_place,
    records_text,
    rule_info,
    rule_set_title,
    rule_title,
    say,
    scope_text,
    where,
    worst,
)

if TYPE_CHECKING:
    from govrules.findings import Finding, Outcome, Report
    from govrules.renderers import RenderContext

_GLYPH = {
    "met": "✓",
    "late": "!",
    "missing": "✗",
    "warning": "⚠",
    "pending": "…",
    "exempt": "–",
    "not-held": "",
    "none": "",
}

_EVENT_KINDS = frozenset({"triggered", "prerequisite", "content", "forbidden"})

_CSS = """
:root { --met: #43a047; --late: #fb8c00; --missing: #e53935; --warning: #fdd835; --pending: #90a4ae;
  --exempt: #7e57c2; --not-held: #eeeeee; --line: #d0d4d9; --ink: #1f2328; --muted: #59636e; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "Noto Sans CJK SC", "WenQuanYi Zen Hei",
  "Microsoft YaHei", sans-serif; color: var(--ink); margin: 0 auto; padding: 1.5rem; max-width: 1400px; }
h1 { font-size: 1.5rem; margin: 0 0 .25rem; } h2 { font-size: 1.2rem; margin: 2rem 0 .25rem; }
.scope, .hint, .generated { color: var(--muted); margin: 0 0 1rem; }
table { border-collapse: collapse; }
th, td { border: 1px solid var(--line); padding: .3rem .5rem; text-align: left; vertical-align: top; }
thead th { background: #f6f8fa; font-weight: 600; }
.summary td.n { text-align: right; font-variant-numeric: tabular-nums; }
.swatch { display: inline-block; width: .9rem; height: .9rem; border-radius: 2px; vertical-align: -2px;
  margin-right: .35rem; border: 1px solid rgba(0,0,0,.15); }
.filters { display: flex; gap: 1.5rem; flex-wrap: wrap; margin: 1.25rem 0; padding: .75rem 1rem;
  background: #f6f8fa; border: 1px solid var(--line); border-radius: 6px; }
.filters select { margin-left: .4rem; font: inherit; }
.legend { display: flex; gap: 1rem; flex-wrap: wrap; margin: .5rem 0 1rem; }
.words { margin: .25rem 0 .75rem; padding: .4rem .8rem; border-left: 4px solid var(--line); color: #3b4148;
  background: #fafbfc; }
.scroll { overflow-x: auto; max-width: 100%; }
table.matrix th.row { white-space: nowrap; font-weight: 500; background: #fff; position: sticky; left: 0; }
table.matrix thead th { white-space: nowrap; font-size: .8rem; text-align: center; }
table.matrix thead th small { display: block; color: var(--muted); font-weight: 400; }
td.cell { width: 2.6rem; min-width: 2.6rem; height: 2rem; text-align: center; cursor: pointer; font-weight: 700;
  color: #fff; user-select: none; }
td.cell:focus { outline: 3px solid #0969da; outline-offset: -3px; }
td.cell.selected { outline: 3px solid var(--ink); outline-offset: -3px; }
td.c-met { background: var(--met); } td.c-late { background: var(--late); }
td.c-missing { background: var(--missing); } td.c-warning { background: var(--warning); color: var(--ink); }
td.c-pending { background: var(--pending); } td.c-exempt { background: var(--exempt); }
td.c-not-held { background: repeating-linear-gradient(45deg, #eeeeee, #eeeeee 4px, #f8f8f8 4px, #f8f8f8 8px);
  color: var(--muted); }
td.c-none { background: #fff; cursor: default; }
td.cell.dim { opacity: .18; }
tr.hidden, .hidden { display: none; }
table.findings { width: 100%; margin-top: .75rem; font-size: .9rem; }
table.findings td.sev-violation { color: var(--missing); font-weight: 600; }
table.findings td.sev-warning { color: #b26a00; font-weight: 600; }
table.findings td.sev-info { color: var(--muted); }
.none { color: var(--muted); font-style: italic; }
#detail { position: fixed; top: 0; right: 0; width: min(34rem, 100%); height: 100%; overflow-y: auto;
  background: #fff; border-left: 1px solid var(--line); box-shadow: -8px 0 24px rgba(0,0,0,.12); padding: 1rem 1.25rem; }
#detail[hidden] { display: none; }
#detail h3 { margin: .25rem 2rem .75rem 0; font-size: 1.05rem; }
#detail dl { display: grid; grid-template-columns: max-content 1fr; gap: .3rem .9rem; margin: 0 0 1rem; }
#detail dt { color: var(--muted); } #detail dd { margin: 0; }
#detail .close { position: absolute; top: .75rem; right: 1rem; font: inherit; cursor: pointer; }
#detail ul { margin: .25rem 0 1rem; padding-left: 1.2rem; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .85em; }
"""

_JS = """
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("govrules-data").textContent);
  var L = data.labels;
  var panel = document.getElementById("detail");
  var body = document.getElementById("detail-body");
  var actorSel = document.getElementById("filter-actor");
  var codeSel = document.getElementById("filter-code");

  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    if (cls) { node.className = cls; }
    return node;
  }
  function row(dl, label, value) {
    if (value === undefined || value === null || value === "") { return; }
    dl.appendChild(el("dt", label));
    var dd = el("dd");
    if (value instanceof Node) { dd.appendChild(value); } else { dd.textContent = String(value); }
    dl.appendChild(dd);
  }
  // a map's own entry only: "#cell=toString" or "#cell=__proto__" names no cell, though every
  // object answers to those names (Object.prototype's members)
  function own(map, key) {
    return Object.prototype.hasOwnProperty.call(map, key) ? map[key] : undefined;
  }
  function show(key) {
    var cell = own(data.cells, key);
    if (!cell) { return; }
    var rule = own(data.rules, cell.rule) || {};
    body.textContent = "";
    body.appendChild(el("h3", rule.title + " \\u00b7 " + cell.row + " \\u00b7 " + cell.period));
    cell.items.forEach(function (item) {
      var dl = el("dl");
      if (cell.items.length > 1 || item.period !== cell.period) { row(dl, L.period, item.period); }
      if (item.step !== null) { row(dl, L.step, item.step); }
      row(dl, L.status, item.status);
      row(dl, L.opens, item.opens);
      row(dl, L.due, item.due);
      row(dl, L.expected, item.expected);
      row(dl, L.observed, item.observed);
      if (item.note) { row(dl, "", item.note); }
      body.appendChild(dl);
      if (item.findings.length) {
        body.appendChild(el("h4", L.findings));
        var ul = el("ul");
        item.findings.forEach(function (f) { ul.appendChild(el("li", f)); });
        body.appendChild(ul);
      }
      body.appendChild(el("h4", L.evidence));
      if (item.evidence.length) {
        var ev = el("ul", null, "evidence");
        item.evidence.forEach(function (e) {
          var li = el("li");
          li.appendChild(el("code", e.id));
          if (e.where) { li.appendChild(document.createTextNode(" " + e.where)); }
          ev.appendChild(li);
        });
        body.appendChild(ev);
      } else {
        body.appendChild(el("p", L.none, "none"));
      }
    });
    var dl = el("dl");
    row(dl, L.rule, cell.rule);
    row(dl, L.clause, rule.clause);
    body.appendChild(dl);
    if (rule.words) {
      body.appendChild(el("h4", L.words));
      body.appendChild(el("blockquote", rule.words, "words"));
    }
    panel.hidden = false;
    panel.setAttribute("data-key", key);
    Array.prototype.forEach.call(document.querySelectorAll("td.cell.selected"), function (td) {
      td.classList.remove("selected");
    });
    var td = document.querySelector('td.cell[data-key="' + key.replace(/["\\\\]/g, "\\\\$&") + '"]');
    if (td) { td.classList.add("selected"); }
  }
  function hide() {
    panel.hidden = true;
    panel.removeAttribute("data-key");
  }
  function apply() {
    var actor = actorSel.value, code = codeSel.value;
    Array.prototype.forEach.call(document.querySelectorAll("tr[data-actor]"), function (tr) {
      tr.classList.toggle("hidden", actor !== "" && tr.getAttribute("data-actor") !== actor);
    });
    Array.prototype.forEach.call(document.querySelectorAll("td.cell"), function (td) {
      var codes = (td.getAttribute("data-codes") || "").split(" ");
      td.classList.toggle("dim", code !== "" && codes.indexOf(code) < 0);
    });
    Array.prototype.forEach.call(document.querySelectorAll("tr[data-code]"), function (tr) {
      if (code !== "" && tr.getAttribute("data-code") !== code) { tr.classList.add("hidden"); }
    });
  }
  function fromHash() {
    var params = Object.create(null);  // no inherited members: "#constructor=x" is one more parameter
    function decode(text) {  // a malformed escape ("%E0%A4%A") is kept as written, not fatal
      try { return decodeURIComponent(text); } catch (e) { return text; }
    }
    location.hash.replace(/^#/, "").split("&").forEach(function (part) {
      var i = part.indexOf("=");
      if (i > 0) { params[decode(part.slice(0, i))] = decode(part.slice(i + 1)); }
    });
    if (params.actor !== undefined) { actorSel.value = params.actor; }
    if (params.code !== undefined) { codeSel.value = params.code; }
    apply();
    if (params.cell) { show(params.cell); }
  }
  document.addEventListener("click", function (event) {
    var td = event.target.closest ? event.target.closest("td.cell") : null;
    if (td && td.getAttribute("data-key")) { show(td.getAttribute("data-key")); }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { hide(); return; }
    var td = event.target;
    if ((event.key === "Enter" || event.key === " ") && td.classList && td.classList.contains("cell")) {
      event.preventDefault();
      show(td.getAttribute("data-key"));
    }
  });
  document.getElementById("detail-close").addEventListener("click", hide);
  actorSel.addEventListener("change", apply);
  codeSel.addEventListener("change", apply);
  window.addEventListener("hashchange", fromHash);
  document.documentElement.setAttribute("data-ready", "1");
  fromHash();
})();
"""

_PAGE = Template(
    """<!DOCTYPE html>
<html lang="$lang">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="govrules">
<title>$title</title>
<style>$css</style>
</head>
<body>
<header>
<h1>$title</h1>
<p class="scope">$scope</p>
</header>
<section id="summary">
<h2>$summary_label</h2>
$summary
</section>
<section class="filters" id="filters">
<label>$actor_label<select id="filter-actor">$actor_options</select></label>
<label>$code_label<select id="filter-code">$code_options</select></label>
</section>
<div class="legend" id="legend">$legend</div>
<p class="hint">$hint</p>
$rules
$records
<aside id="detail" hidden aria-live="polite">
<button type="button" class="close" id="detail-close" aria-label="$close">×</button>
<div id="detail-body"></div>
</aside>
<p class="generated">$generated</p>
<script type="application/json" id="govrules-data">$data</script>
<script>$js</script>
</body>
</html>
"""
)


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _json(data: Any) -> str:
    """JSON safe inside a ``<script>`` element."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def render(report: Report, context: RenderContext) -> str:
    """The report as one self-contained HTML page."""
    lang = report.lang
    index = index_findings(report.findings)
    by_rule: dict[str, list[Outcome]] = defaultdict(list)
    for o in report.outcomes:
        by_rule[o.rule].append(o)
    findings_by_rule: dict[str | None, list[Finding]] = defaultdict(list)
    for f in report.findings:
        findings_by_rule[f.rule].append(f)

    cells: dict[str, Any] = {}
    sections = []
    for rule in sorted(set(by_rule) | {r for r in findings_by_rule if r is not None}):
        sections.append(
            _rule_section(report, context, rule, by_rule.get(rule, []), findings_by_rule.get(rule, []), index, cells)
        )
    records = ""
    if findings_by_rule.get(None):
        records = (
            f'<section class="records" id="records">\n<h2>{_e(say(lang, "records_group"))}</h2>\n'
            + _findings_table(report, context, findings_by_rule[None])
            + "\n</section>"
        )

    actors = actor_order(context, [o.actor for o in report.outcomes] + [f.actor for f in report.findings if f.actor])
    actor_options = f'<option value="">{_e(say(lang, "labels.all"))}</option>' + "".join(
        f'<option value="{_e(a)}">{_e(actor_name(context, a))}</option>' for a in actors
    )
    codes = sorted({f.code.value for f in report.findings})
    statuses = sorted({o.status for o in report.outcomes} - set(codes))
    code_options = (
        f'<option value="">{_e(say(lang, "labels.all"))}</option>'
        + "".join(f'<option value="{_e(c)}">{_e(say(lang, f"code.{c}"))}</option>' for c in codes)
        + "".join(f'<option value="{_e(s)}">{_e(say(lang, f"status.{s}"))}</option>' for s in statuses)
    )
    legend = "".join(
        f'<span><span class="swatch" style="background: var(--{c})"></span>{_e(say(lang, f"category.{c}"))}</span>'
        for c in CATEGORIES
    )
    labels = {
        key: say(lang, f"labels.{key}")
        for key in (
            "status",
            "opens",
            "due",
            "expected",
            "observed",
            "evidence",
            "findings",
            "rule",
            "clause",
            "words",
            "none",
            "period",
        )
    }
    labels["step"] = say(lang, "labels.step_label")
    data = {
        "cells": cells,
        "labels": labels,
        "rules": {
            rule: {
                "title": rule_title(context, rule),
                "clause": str(rule_info(context, rule).get("clause") or _clause_of(report, rule)),
                "words": rule_info(context, rule).get("words") or "",
            }
            for rule in sorted(set(by_rule) | {r for r in findings_by_rule if r is not None})
        },
    }
    title = say(lang, "title", rule_set=rule_set_title(report, context))
    return _PAGE.substitute(
        lang="zh-CN" if lang == "zh" else lang,
        title=_e(title),
        css=_CSS,
        scope=_e(scope_text(report, context)),
        summary_label=_e(say(lang, "labels.summary")),
        summary=_summary(report),
        actor_label=_e(say(lang, "labels.filter_actor")),
        code_label=_e(say(lang, "labels.filter_code")),
        actor_options=actor_options,
        code_options=code_options,
        legend=legend,
        hint=_e(say(lang, "labels.click_hint")),
        rules="\n".join(sections),
        records=records,
        close=_e(say(lang, "labels.close")),
        generated=_e(say(lang, "labels.generated_by", as_of=instant(report, report.as_of))),
        data=_json(data),
        js=_JS,
    )


def _clause_of(report: Report, rule: str) -> str:
    for o in report.outcomes:
        if o.rule == rule:
            return o.clause
    return next((f.clause or "" for f in report.findings if f.rule == rule), "")


def _summary(report: Report) -> str:
    lang = report.lang
    counts = category_counts(report)
    s = report.summary
    # periods not held are listed, but are no obligations: the header's count leaves them out
    names = {c: say(lang, "not_counted" if c == "not-held" else f"category.{c}") for c in CATEGORIES}
    rows = [
        f'<tr><td><span class="swatch" style="background: var(--{c})"></span>{_e(names[c])}</td>'
        f'<td class="n" data-category="{c}">{counts[c]}</td></tr>'
        for c in CATEGORIES
    ]
    first = (
        f'<table class="summary" id="summary-categories"><thead><tr><th>{_e(say(lang, "labels.status"))}</th>'
        f"<th>{_e(say(lang, 'labels.obligations'))} {s.obligations}</th></tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table>"
    )
    lines = [
        say(lang, "findings_line", violations=s.violations, warnings=s.warnings, infos=s.infos),
        records_text(report),
        *notes(report),
    ]
    if report.unmatched_actions:
        items = [
            say(lang, "unmatched_item", action=u.action, count=u.count)
            + (
                say(lang, "did_you_mean", names=say(lang, "alternatives_sep").join(u.did_you_mean))
                if u.did_you_mean
                else ""
            )
            for u in report.unmatched_actions
        ]
        lines.append(say(lang, "unmatched", items=say(lang, "list_sep").join(items)))
    return first + "\n" + "\n".join(f"<p>{_e(line)}</p>" for line in lines)


def _rule_section(
    report: Report,
    context: RenderContext,
    rule: str,
    outcomes: list[Outcome],
    findings: list[Finding],
    index: dict[Any, list[Finding]],
    cells: dict[str, Any],
) -> str:
    lang = report.lang
    info = rule_info(context, rule)
    clause = str(info.get("clause") or _clause_of(report, rule))
    rows: dict[tuple[str, str], None] = {}
    columns: dict[str, Any] = {}
    grid: dict[tuple[str, str, str], list[Outcome]] = defaultdict(list)
    by_event = _event_keyed(info, outcomes)

    def _column_words(period: str) -> str:  # an event-keyed column is a local month, a label
        return format_period(period, lang) if by_event else period_words(context, rule, period, lang)

    for o in outcomes:
        row = (o.actor, o.counterpart or "")
        rows.setdefault(row, None)
        # Obligations keyed by an event (a trigger, a guarded event) are shown by local month.
        column = instant(report, o.opens)[:7] if by_event else o.period
        if column not in columns or o.opens < columns[column]:
            columns[column] = o.opens
        grid[(o.actor, o.counterpart or "", column)].append(o)
    order = {a: i for i, a in enumerate(actor_order(context, [a for pair in rows for a in pair if a]))}
    ordered_rows = sorted(rows, key=lambda rc: (order[rc[0]], order.get(rc[1], -1)))
    ordered_columns = sorted(columns, key=lambda p: (columns[p], p))

    head = [f"<th>{_e(say(lang, 'labels.actor'))}</th>"]
    for period in ordered_columns:
        label = _column_words(period)
        # A label people cannot read as a date (a custom period's id, or its name, which two
        # periods may share) gets its first day under it.
        custom = not by_event and info.get("labels") is False
        small = (
            f"<small>{_e(instant(report, columns[period])[:10])}</small>"
            if custom or (label == period and not period.isdigit())
            else ""
        )
        head.append(f'<th data-period="{_e(period)}">{_e(label)}{small}</th>')
    body = []
    for actor, counterpart in ordered_rows:
        row_label = actor_name(context, actor) + (f" → {actor_name(context, counterpart)}" if counterpart else "")
        tds = []
        for period in ordered_columns:
            here = grid.get((actor, counterpart, period), [])
            key = "|".join((rule, actor, counterpart, period))
            cats = [category(o, index.get(outcome_key(o), ())) for o in here]
            cat = worst(cats)
            if not here:
                tds.append(
                    f'<td class="cell c-none" data-status="none" data-category="none" data-key="{_e(key)}"></td>'
                )
                continue
            codes = sorted(
                {o.status for o in here} | {f.code.value for o in here for f in index.get(outcome_key(o), ())}
            )
            statuses = " ".join(sorted({o.status for o in here}))
            title = f"{row_label} · {_column_words(period)} · " + say(lang, "list_sep").join(
                say(lang, f"status.{o.status}") for o in here
            )
            tds.append(
                f'<td class="cell c-{cat}" tabindex="0" data-key="{_e(key)}" data-category="{cat}"'
                f' data-status="{_e(statuses)}" data-codes="{_e(" ".join(codes))}" title="{_e(title)}"'
                f' aria-label="{_e(title)}">{_GLYPH[cat]}</td>'
            )
            cells[key] = {
                "rule": rule,
                "row": row_label,
                "period": _column_words(period),
                "category": cat,
                "items": [_item(report, context, o, index.get(outcome_key(o), [])) for o in here],
            }
        body.append(f'<tr data-actor="{_e(actor)}"><th class="row" scope="row">{_e(row_label)}</th>{"".join(tds)}</tr>')
    words = info.get("words")
    parts = [
        f'<section class="rule" id="rule-{_e(rule)}" data-rule="{_e(rule)}">',
        f"<h2>{_e(rule_title(context, rule))} <code>{_e(rule)}</code> · {_e(say(lang, 'labels.clause'))} {_e(clause)}</h2>",
    ]
    if words:
        parts.append(f'<blockquote class="words">{_e(words)}</blockquote>')
    if outcomes:
        parts.append(
            f'<div class="scroll"><table class="matrix" data-rule="{_e(rule)}"><thead><tr>{"".join(head)}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table></div>"
        )
    if findings:
        parts.append(_findings_table(report, context, findings))
    else:
        parts.append(f'<p class="none">{_e(say(lang, "labels.no_findings_for_rule"))}</p>')
    parts.append("</section>")
    return "\n".join(parts)


def _event_keyed(info: Mapping[str, Any], outcomes: list[Outcome]) -> bool:
    """Whether a rule's obligations are keyed by events rather than by calendar periods."""
    kind = info.get("kind")
    if kind is not None:
        return kind in _EVENT_KINDS
    return any(o.period in o.evidence for o in outcomes)


def _item(report: Report, context: RenderContext, o: Outcome, findings: list[Finding]) -> dict[str, Any]:
    lang = report.lang
    expected = str(o.expected_min) + (f"–{o.expected_max}" if o.expected_max is not None else "+")
    return {
        "period": period_text(report, context, o.period, None, o.rule),
        "step": o.step,
        "status": say(lang, f"status.{o.status}"),
        "opens": instant(report, o.opens),
        "due": instant(report, o.due),
        "expected": expected,
        "observed": o.observed,
        "note": note_text(lang, o.note) if o.note else "",
        "evidence": [
            {
                "id": e,
                "where": f"{say(lang, 'labels.location')} {loc}"
                if (loc := where(report, context, e)) not in (None, e)
                else "",
            }
            for e in o.evidence
        ],
        "findings": [
            say(
                lang,
                "line",
                period="",
                severity=say(lang, f"severity.{f.severity}"),
                code=say(lang, f"code.{f.code.value}"),
                message=f.message,
            ).strip()
            for f in findings
        ],
    }


def _findings_table(report: Report, context: RenderContext, findings: list[Finding]) -> str:
    lang = report.lang
    head = "".join(
        f"<th>{_e(say(lang, f'labels.{k}'))}</th>"
        for k in ("severity", "actor", "period", "code", "message", "evidence")
    )
    rows = []
    for f in findings:
        if f.rule is None and f.file:
            place = record_place(report, context, f.file, f.line)
        else:
            place = period_text(report, context, f.period, f.counterpart, f.rule)
        evidence = ", ".join(
            f"<code>{_e(e)}</code>"
            + (f" <small>{_e(loc)}</small>" if (loc := where(report, context, e, of=f)) not in (None, e) else "")
            for e in f.evidence
        )
        rows.append(
            f'<tr data-actor="{_e(f.actor or "")}" data-code="{_e(f.code.value)}">'
            f'<td class="sev-{f.severity}">{_e(say(lang, f"severity.{f.severity}"))}</td>'
            f"<td>{_e(actor_name(context, f.actor))}</td><td>{_e(place)}</td>"
            f"<td>{_e(say(lang, f'code.{f.code.value}'))}</td><td>{_e(f.message)}</td><td>{evidence}</td></tr>"
        )
    return f'<table class="findings"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
