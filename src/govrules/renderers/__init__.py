"""Renderers: pure functions from a `Report` to text, one module per format.

``RENDERERS`` maps a format name to ``render(report, context) -> str``; ``--format`` offers
``sorted(RENDERERS)``. A renderer never mutates the report, prints, or reads the clock.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from govrules.findings import Report
from govrules.messages import word
from govrules.renderers._common import BIDI_SHOWN, BIDI_SHOWN_MARKDOWN

if TYPE_CHECKING:
    from govrules.model import Organisation, RuleSet

__all__ = ["RENDERERS", "RenderContext", "render"]


@dataclass(frozen=True)
class RenderContext:
    """What a renderer may need beyond the report: names, rule texts, colour, file paths.

    ``actor_names`` maps actor ids, and the parties of several actors (``role:NAME``,
    ``relation:NAME:ACTOR``), to display names in the report's language; ``rules`` maps
    rule ids to ``{title, clause, words, kind, line, labels, periods}`` (``line``: where the rule
    starts in ``rules_file``; ``periods``: the names of its organisation calendar's periods, by
    id); ``org_name`` and ``rule_set_title`` are display names too. ``colour`` asks for ANSI
    colour (the caller decides, e.g. only on a terminal). ``fail_on`` is the
    caller's failure threshold (``--fail-on``): the JUnit report fails the findings at or above
    it, as the exit code does. ``record_numbered`` names the logs whose records are numbered
    rather than located by line (JSON arrays and XES, `govrules.events.EvidenceLocation`): a
    SARIF result gives no line in them, which a code-scanning view would open at, and the formats
    people read say a place in them as a record (``events.json record 12``), not ``file:line``.
    """

    actor_names: Mapping[str, Any] = field(default_factory=dict)
    rules: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    rules_file: str | None = None
    colour: bool = False
    org_name: str | None = None
    rule_set_title: str | None = None
    fail_on: Literal["violation", "warning", "never"] = "violation"
    record_numbered: frozenset[str] = frozenset()

    @classmethod
    def of(
        cls, rules: RuleSet, org: Organisation, *, lang: str = "en", rules_file: str | None = None, **options: Any
    ) -> RenderContext:
        """The context `govrules check` renders with: the organisation's names and the rule
        set's titles, clauses, words and periods in ``lang`` (``rules_file``: where the rules
        were read, for the rule lines SARIF points at); ``options`` sets the other fields
        (``colour``, ``fail_on``, ``record_numbered``)."""
        from govrules.errors import InvalidArgument
        from govrules.messages import LANGUAGES
        from govrules.model import calendar_period_names, labelled_periods, text_in

        if lang not in LANGUAGES:
            raise InvalidArgument(f"unknown language {lang!r}; expected one of {', '.join(LANGUAGES)}")
        names = {a.id: text_in(a.name, lang, a.id) for a in org.actors}
        # an obligation owed by or to whoever holds a role is the role's: named as its holder;
        # a step owed by several members of a relation (or none), the relation's: named as them
        names.update({f"role:{role}": word("role_holder", lang, role=role) for role in sorted(org.roles())})
        names.update(
            {
                f"relation:{relation}:{a.id}": word("relation_members", lang, relation=relation, actor=names[a.id])
                for a in org.actors
                for relation in sorted(org.relations())
            }
        )
        texts = {
            r.id: {
                "title": text_in(r.title, lang, r.id),
                "clause": r.clause,
                "words": rules.words_of(r),
                "kind": r.kind,
                # whether its periods are labels of the calendar grid, said in words; or ids, as written
                "labels": labelled_periods(r),
                # and the names of the periods of an organisation's calendar it is due on, by id
                "periods": calendar_period_names(r, org, lang),
                "line": (rules._source.locate(f"/rules/{i}")[0] if rules._source else None),
            }
            for i, r in enumerate(rules.rules)
        }
        return cls(
            actor_names=names,
            rules=texts,
            rules_file=rules_file,
            org_name=text_in(org.name, lang, org.id),
            rule_set_title=text_in(rules.title, lang, rules.id),
            **options,
        )


Renderer = Callable[[Report, RenderContext], str]


def _registry() -> dict[str, Renderer]:
    from govrules.renderers import html as html_renderer
    from govrules.renderers import json as json_renderer
    from govrules.renderers import junit as junit_renderer
    from govrules.renderers import markdown as markdown_renderer
    from govrules.renderers import sarif as sarif_renderer
    from govrules.renderers import text as text_renderer

    return {
        "html": html_renderer.render,
        "json": json_renderer.render,
        "junit": junit_renderer.render,
        "markdown": markdown_renderer.render,
        "sarif": sarif_renderer.render,
        "text": text_renderer.render,
    }


def _showing_bidi(renderer: Renderer, shown: Mapping[int, str]) -> Renderer:
    """``renderer`` whose output names the reordering characters instead of obeying them (the
    JSON report keeps the data as it is: it is read by programs, not people)."""

    def rendered(report: Report, context: RenderContext) -> str:
        return renderer(report, context).translate(shown)

    rendered.__doc__ = renderer.__doc__
    return rendered


RENDERERS: Mapping[str, Renderer] = {
    name: renderer
    if name in ("json", "sarif")  # read by programs: SARIF names them in its texts only (sarif.py)
    else _showing_bidi(renderer, BIDI_SHOWN_MARKDOWN if name == "markdown" else BIDI_SHOWN)
    for name, renderer in _registry().items()
}


def render(report: Report, fmt: str = "text", context: RenderContext | None = None) -> str:
    """Render ``report`` in format ``fmt``.

    Raises:
        ValueError: an unknown format.
    """
    try:
        renderer = RENDERERS[fmt]
    except KeyError:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(sorted(RENDERERS))}") from None
    return renderer(report, context or RenderContext())
