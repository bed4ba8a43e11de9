"""Hypothesis strategies for rule sets, rules and organisations, for govrules' own tests and for yours.

Every value these strategies draw is valid: it loads through `govrules.load_rules` /
`govrules.load_org` from its YAML or JSON dump and validates against the published JSON
Schema. They shrink towards few rules, few actors, short texts and the first of each
choice (a recurring rule, a monthly period, early dates)::

    from hypothesis import given
    from govrules.testing import rule_sets

    @given(rule_sets(kinds=["recurring", "triggered"], max_size=3))
    def test_my_tool_reads_any_rule_set(rule_set): ...

Options are keyword-only; bad options raise `hypothesis.errors.InvalidArgument` when the
strategy is first used, as Hypothesis's own strategies do. The core of govrules never imports
this module (it needs the ``testing`` extra: ``pip install 'govrules[testing]'``).
"""

from __future__ import annotations

import json
import string
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from functools import cache, lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from govrules.durations import start_of_day
from govrules.events import Event
from govrules.findings import Finding
from govrules.loaders import REFUSED_IN_TEXT
from govrules.model import (
    ATTRIBUTE_FIELD,
    NO_CONDITION,
    RULE_KINDS,
    TRIGGER_FIELDS,
    Actor,
    AdjustedCalendar,
    CalendarDay,
    CalendarPeriod,
    Clause,
    ContentRule,
    DateRange,
    EventFilter,
    Exemption,
    Extension,
    FiscalYear,
    ForbiddenRule,
    GlossaryEntry,
    InformativeRule,
    NamedCalendar,
    Organisation,
    Party,
    PrerequisiteRule,
    Recurrence,
    RecurringRule,
    RelationMember,
    Requirement,
    RoleGrant,
    Rule,
    RuleSet,
    Step,
    Trigger,
    TriggeredRule,
    Window,
    actions_of,
    as_party,
    party_named,
    selectors,
)

__all__ = [
    "Audit",
    "ExpectedFinding",
    "GeneratedLog",
    "MUTATIONS",
    "audits",
    "events",
    "from_rule_set",
    "organisations",
    "rule_sets",
    "rules",
]

_MIN_DAY = date(2000, 1, 1)
_MAX_DAY = date(2099, 12, 31)
_ZONES = ("Asia/Shanghai", "UTC", "Europe/Rome", "America/New_York", "Europe/Berlin")
_CALENDARS = ("weekends", "CN", "US", "IT")
_RRULES = ("FREQ=WEEKLY;BYDAY=MO", "FREQ=MONTHLY;BYMONTHDAY=-1", "FREQ=YEARLY;BYMONTH=9;BYMONTHDAY=1", "FREQ=DAILY")
_CONTENT_SCHEMAS: tuple[dict[str, Any], ...] = (
    {"required": ["attributes"]},
    {"properties": {"attributes": {"required": ["topics"]}}},
    {"properties": {"attributes": {"properties": {"topics": {"contains": {"const": "ideology"}}}}}},
)
_UNITS = ("days", "hours", "weeks", "months", "years", "workdays")
_ISO = {"days": "P{}D", "hours": "PT{}H", "weeks": "P{}W", "months": "P{}M", "years": "P{}Y"}


@cache
def _ids(prefix: str = "") -> st.SearchStrategy[str]:
    tail = st.text(string.ascii_lowercase + string.digits + "-", min_size=0, max_size=6)
    return st.builds(lambda head, rest: prefix + head + rest, st.sampled_from(string.ascii_lowercase), tail)


@cache
def _texts(max_size: int = 12, *, min_size: int = 0) -> st.SearchStrategy[str]:
    """Short text of any characters a rule set or an organisation file may hold (CJK, tabs and
    line breaks included; not surrogates, nor the control characters the loader refuses)."""
    return st.text(
        st.characters(codec="utf-8", exclude_characters=REFUSED_IN_TEXT), min_size=min_size, max_size=max_size
    )


@cache
def _multilingual() -> st.SearchStrategy[str | dict[str, str]]:
    return _texts() | st.dictionaries(st.sampled_from(["zh", "en", "it", "zh-Hant"]), _texts(), min_size=1, max_size=3)


@cache
def _days(min_value: date = _MIN_DAY, max_value: date = _MAX_DAY) -> st.SearchStrategy[date]:
    return st.dates(min_value=min_value, max_value=max_value)


@cache
def _date_ranges() -> st.SearchStrategy[DateRange]:
    def build(start: date | None, length: int | None) -> DateRange:
        end = None if length is None or start is None else start + timedelta(days=length)
        return DateRange(from_=start, to=end)

    return st.builds(build, st.none() | _days(max_value=date(2090, 1, 1)), st.none() | st.integers(0, 3000))


@cache
def _concrete_durations(*, workdays: bool) -> st.SearchStrategy[str]:
    units = _UNITS if workdays else _UNITS[:-1]

    def write(amount: int, unit: str, iso: bool) -> str:
        if iso and unit in _ISO:
            return _ISO[unit].format(amount)
        return f"{amount} {unit[:-1] if amount == 1 else unit}"

    return st.builds(write, st.integers(0, 400), st.sampled_from(units), st.booleans())


@cache
def _durations(terms: tuple[str, ...], *, workdays: bool) -> st.SearchStrategy[str]:
    concrete = _concrete_durations(workdays=workdays)
    return (concrete | st.sampled_from(terms)) if terms else concrete


@cache
def _scalars() -> st.SearchStrategy[Any]:
    return _texts(8) | st.integers(-(10**6), 10**6) | st.booleans() | st.floats(allow_nan=False, allow_infinity=False)


@cache
def _wheres() -> st.SearchStrategy[dict[str, Any]]:
    keys = st.from_regex(r"[a-z][a-z0-9_]{0,7}", fullmatch=True).filter(lambda k: k not in NO_CONDITION)
    comparisons = st.dictionaries(
        st.sampled_from(("gt", "gte", "lt", "lte")),
        st.integers(-(10**6), 10**6) | st.floats(-1e6, 1e6, allow_nan=False),
        min_size=1,
        max_size=1,
    )
    return st.dictionaries(keys, _scalars() | st.lists(_scalars(), max_size=3) | comparisons, max_size=2)


@cache
def _actions() -> st.SearchStrategy[str | list[str]]:
    return _ids() | st.lists(_ids(), min_size=1, max_size=3)


# the trigger's fields naming a party, and attributes naming one (an applicant, a case handler)
_TRIGGER_FIELDS = st.sampled_from([*TRIGGER_FIELDS, "attributes.applicant", "attributes.handled_by"])


@cache
def _parties(*selectors: str) -> st.SearchStrategy[str | Party]:
    """An actor id, or a party object using one of ``selectors``."""
    options: list[st.SearchStrategy[str | Party]] = []
    for selector in selectors:
        if selector == "id":
            options.append(_ids())
        elif selector == "actor":
            options.append(st.builds(Party, actor=_ids()))
        elif selector == "role":
            options.append(st.builds(Party, role=_ids()))
        elif selector == "relation":
            options.append(st.builds(Party, role=_ids(), relation=_ids()))
        elif selector == "trigger":
            options.append(st.builds(Party, trigger=_TRIGGER_FIELDS))
        elif selector == "trigger-relation":
            options.append(st.builds(Party, trigger=_TRIGGER_FIELDS, relation=_ids()))
    return st.one_of(options)


@cache
def _optional(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.none() | strategy


@cache
def _windows(durations: st.SearchStrategy[str]) -> st.SearchStrategy[Window]:
    def day_range(lo: int, hi: int | None) -> str:
        return f"{lo}-last" if hi is None else f"{lo}-{max(lo, hi)}"

    days = st.builds(day_range, st.integers(1, 31), st.none() | st.integers(1, 31))
    month = st.sampled_from(["first", "last"]) | st.integers(1, 12)
    strictness = st.sampled_from(["strict", "in-principle"])
    calendar_part = st.builds(
        lambda m, d, s: Window(month=m, days=d, strictness=s),
        month,
        _optional(days),
        strictness,
    ) | st.builds(lambda d, s: Window(days=d, strictness=s), days, strictness)
    edge = st.builds(lambda d, s: Window(first=d, strictness=s), durations, strictness) | st.builds(
        lambda d, s: Window(last=d, strictness=s), durations, strictness
    )
    return calendar_part | edge


_CLAUSE_IDS = st.from_regex(r"D[1-9][0-9]?(\.[1-9][0-9]?){0,2}[a-c]?", fullmatch=True)


def _base(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "id": draw(_ids()),
        "clause": draw(_CLAUSE_IDS),
        "words": draw(_texts(20)),
        "title": draw(_optional(_multilingual())),
        "severity": draw(st.sampled_from(["violation", "warning"])),
        "effective": draw(_optional(_date_ranges())),
        "note": draw(_optional(_texts())),
    }


def _filters(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "action": draw(_actions()),
        "by": draw(_optional(_parties("id", "actor", "role"))),
        "where": draw(_wheres()),
    }


def _unless(draw: st.DrawFn, *, with_same: bool = True) -> EventFilter | None:
    """An ``unless``; ``same`` only where there is a trigger to share fields with, and there
    given or not (given even empty, it replaces the default of the trigger's actor's own)."""
    if not draw(st.booleans()):
        return None
    shared = {"same": draw(_optional(_SAME))} if with_same else {}
    return EventFilter(**_filters(draw), to=draw(_optional(_parties("id", "role"))), **shared)


_EVERY = (
    st.sampled_from(["month", "day", "week", "quarter", "half-year", "year"])
    | st.builds(FiscalYear, year_starting=st.integers(1, 12))
    | st.builds(NamedCalendar, calendar=_ids())
    | st.builds(Recurrence, rrule=st.sampled_from(_RRULES), start=_days())
)


_EXEMPT_PERIODS = {
    "day": ["12-25", "2024-02-29", "01"],
    "week": [],  # labelled by the rule set's week_start, which is drawn apart
    "month": ["12", "2024-02"],
    "quarter": ["Q4", "2024-Q1"],
    "half-year": ["H2", "2025-H1"],
    "year": ["2025"],
}


def _recurring(draw: st.DrawFn, durations: st.SearchStrategy[str]) -> RecurringRule:
    who = draw(_parties("id", "actor", "role", "relation"))
    paired = isinstance(who, Party) and who.relation is not None
    to_options = ("id", "role", "counterpart") if paired else ("id", "role")
    to = draw(_optional(st.sampled_from(to_options)))
    recipient: str | Party | None = None
    if to == "counterpart":
        recipient = Party(counterpart=True)
    elif to is not None:
        recipient = draw(_parties(to))
    minimum = draw(st.integers(0, 4))
    fields: dict[str, Any] = {
        "kind": "recurring",
        "who": who,
        "action": draw(_actions()),
        "where": draw(_wheres()),
        "to": recipient,
        "min": minimum,
        "max": draw(_optional(st.integers(max(minimum, 1), 6))),
        "roll": draw(st.sampled_from(["none", "next-workday"])),
        "accept_late": draw(_optional(durations)),
        "unless": _unless(draw, with_same=False),
    }
    if draw(st.integers(0, 4)) == 0:  # a rolling interval: one event after another, no pairs
        fields["max_gap"] = draw(durations)
        fields |= {"min": 1, "max": None, "accept_late": None, "unless": None}
        if isinstance(who, Party) and who.relation is not None:
            fields["who"] = Party(role=who.role)
            fields["to"] = None
    else:
        fields["every"] = draw(_EVERY)
        fields["window"] = draw(_optional(_windows(durations)))
        if fields["window"] is None and draw(st.booleans()):
            fields["extension"] = Extension(
                action=draw(_actions()),
                where=draw(_wheres()),
                within=draw(durations),
                extends_by=draw(durations),
            )
        fields["due_after"] = draw(_optional(durations))
        every = fields["every"]
        if isinstance(every, str):  # labels of the rule's own grain, whole or their endings
            pool = _EXEMPT_PERIODS[every]
            fields["exempt_periods"] = draw(st.lists(st.sampled_from(pool), max_size=2)) if pool else []
    return RecurringRule(**_base(draw), **fields)


_SAME = st.lists(st.sampled_from(["actor", "subject", "recipient"]), unique=True, max_size=2)


@cache
def _steps(durations: st.SearchStrategy[str]) -> st.SearchStrategy[list[Step]]:
    step = st.builds(
        Step,
        action=_actions(),
        where=_wheres(),
        by=_optional(_parties("id", "role", "trigger", "trigger-relation")),
        to=_optional(_parties("id", "actor", "role", "trigger", "trigger-relation")),
        within=durations,
        counted_from=st.sampled_from(["previous", "trigger"]),
        same=_SAME,
        roll=st.sampled_from(["none", "next-workday"]),
        extension=_optional(
            st.builds(Extension, action=_actions(), where=_wheres(), within=durations, extends_by=durations)
        ),
    )
    return st.lists(step, min_size=1, max_size=3)


def _triggered(draw: st.DrawFn, durations: st.SearchStrategy[str]) -> TriggeredRule:
    trigger = Trigger(action=draw(_actions()), by=draw(_optional(_parties("id", "role"))), where=draw(_wheres()))
    steps = draw(_steps(durations))
    return TriggeredRule(**_base(draw), kind="triggered", trigger=trigger, steps=steps, unless=_unless(draw))


_REQUIREMENTS = st.lists(
    st.builds(
        Requirement, action=_actions(), by=_optional(_parties("id", "role", "trigger-relation")), where=_wheres()
    ),
    min_size=1,
    max_size=3,
)


def _prerequisite(draw: st.DrawFn, durations: st.SearchStrategy[str]) -> PrerequisiteRule:
    requires = draw(_REQUIREMENTS)
    return PrerequisiteRule(
        **_base(draw),
        **_filters(draw),
        kind="prerequisite",
        requires=requires,
        mode=draw(st.sampled_from(["all", "any"])),
        link=draw(st.sampled_from(["ref-or-subject", "ref", "subject"])),
        lookback=draw(_optional(durations)),
        min_age=draw(_optional(durations)),
        roll=draw(st.sampled_from(["none", "next-workday"])),
    )


def _content(draw: st.DrawFn, durations: st.SearchStrategy[str]) -> ContentRule:
    return ContentRule(
        **_base(draw),
        **_filters(draw),
        kind="content",
        schema_=draw(st.sampled_from(_CONTENT_SCHEMAS)),
        message=draw(_optional(_multilingual())),
    )


def _forbidden(draw: st.DrawFn, durations: st.SearchStrategy[str]) -> ForbiddenRule:
    return ForbiddenRule(**_base(draw), **_filters(draw), kind="forbidden")


def _informative(draw: st.DrawFn, durations: st.SearchStrategy[str]) -> InformativeRule:
    return InformativeRule(**_base(draw), kind="informative", reason=draw(_optional(_texts())))


_BUILDERS: dict[str, Callable[[st.DrawFn, st.SearchStrategy[str]], Rule]] = {
    "recurring": _recurring,
    "triggered": _triggered,
    "prerequisite": _prerequisite,
    "content": _content,
    "forbidden": _forbidden,
    "informative": _informative,
}


def _check_kinds(kinds: Collection[str] | None) -> tuple[str, ...]:
    if kinds is None:
        return RULE_KINDS
    if isinstance(kinds, str):
        raise InvalidArgument(f"kinds={kinds!r} must be a collection of kind names, not one string")
    unknown = sorted(set(kinds) - set(RULE_KINDS))
    if unknown:
        raise InvalidArgument(f"kinds={sorted(kinds)!r} has unknown kinds {unknown}; expected some of {RULE_KINDS}")
    if not kinds:
        raise InvalidArgument("kinds must name at least one rule kind")
    return tuple(k for k in RULE_KINDS if k in kinds)


def _check_sizes(min_size: int, max_size: int | None, *, limit: int) -> int:
    for name, value in (("min_size", min_size), ("max_size", max_size)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise InvalidArgument(f"{name}={value!r} must be an integer")
    if min_size < 0:
        raise InvalidArgument(f"min_size={min_size} must be at least 0")
    if max_size is not None and max_size < min_size:
        raise InvalidArgument(f"max_size={max_size} must be at least min_size={min_size}")
    return max(min_size, limit) if max_size is None else max_size


@cache
def _rule_strategy(kinds: tuple[str, ...], durations: st.SearchStrategy[str]) -> st.SearchStrategy[Rule]:
    @st.composite
    def build(draw: st.DrawFn) -> Rule:
        kind = draw(st.sampled_from(kinds))
        return _BUILDERS[kind](draw, durations)

    return build()


def rules(*, kinds: Collection[str] | None = None) -> st.SearchStrategy[Rule]:
    """Valid rules of the given kinds, with every option a kind has drawn at random.

    Each rule loads: written alone in a rule set, it passes `govrules.load_rules` without a
    problem, given a business-day ``calendar`` where it counts workdays or rolls a deadline to
    a workday (any rule set that names one will do). So no rolling interval is in hours or of
    no day, no deadline in hours is rolled, a window has a day in every period of its rule
    and a ``first``/``last`` span of whole days, and no lookback ends before the minimum age
    is reached. Durations are concrete ("7 days", "P2W",
    "5 workdays"); glossary terms appear only in `rule_sets`, whose glossary defines them.
    Roles, relations and actors are made-up ids, so cross-checking against an organisation is
    not part of what "valid" means here.

    Args:
        kinds: the rule kinds to draw (``recurring``, ``triggered``, ``prerequisite``,
            ``content``, ``forbidden``, ``informative``); all of them by default.

    Returns:
        A strategy of `govrules.model.Rule` values; shrinks towards a recurring rule.

    Raises:
        hypothesis.errors.InvalidArgument: an unknown kind, or no kind.
    """

    def build() -> st.SearchStrategy[Rule]:
        return _rule_strategy(_check_kinds(kinds), _concrete_durations(workdays=True)).map(_loadable_alone)

    return st.deferred(build)


# A rule set with nothing a rule drawn by `rules` could need of it: its durations are concrete,
# so what `_loadable` asks of the rule set (glossary readings) is the same in any rule set.
_ALONE = RuleSet(id="alone", title="alone", timezone="UTC", rules=[])


def _loadable_alone(rule: Rule) -> Rule:
    """``rule`` as `rules` hands it out: without what the loader refuses in any rule set."""
    return _loadable(rule, _ALONE)


def rule_sets(
    *, min_size: int = 0, max_size: int | None = None, kinds: Collection[str] | None = None
) -> st.SearchStrategy[RuleSet]:
    """Valid rule sets: a header (zone, calendar by name or adjusted by days of its own, month
    policy, glossary, clauses) and rules.

    The rules have unique ids; when the rule set lists its ``clauses``, every rule's clause is
    among them; every glossary term a rule uses is defined; a rule set that counts workdays
    or rolls deadlines names a business-day calendar; no deadline in hours is rolled, and a
    ``month``/``days`` window has a day in every period of its rule.

    Args:
        min_size: the fewest rules.
        max_size: the most rules (default: ``min_size + 4``, to keep examples fast).
        kinds: the rule kinds to draw; all by default.

    Returns:
        A strategy of `govrules.model.RuleSet`; shrinks towards an empty rule set.

    Raises:
        hypothesis.errors.InvalidArgument: sizes that are negative or out of order, or bad ``kinds``.
    """

    def build() -> st.SearchStrategy[RuleSet]:
        chosen = _check_kinds(kinds)
        most = _check_sizes(min_size, max_size, limit=min_size + 4)
        return _rule_sets(chosen, min_size, most)

    return st.deferred(build)


_GLOSSARIES = st.dictionaries(
    st.sampled_from(["immediately", "promptly", "regularly", "in-time", "soon_after"]),
    st.builds(
        GlossaryEntry,
        duration=_concrete_durations(workdays=True),
        words=_optional(st.sampled_from(["随时", "立即", "及时", "定期"])),
        note=_optional(_texts()),
    ),
    max_size=3,
)
_EXTRA_CLAUSES = st.lists(st.sampled_from(["D5", "D7.1"]), max_size=2)
_CALENDAR_NAMES = st.sampled_from(_CALENDARS)
_HOLIDAY_NAMES = {"CN": "National Day", "US": "Independence Day", "IT": "Christmas Day"}
"""A holiday each calendar with names gives, for an adjusted calendar's ``not_holidays``."""


@st.composite
def _adjusted_calendars(draw: st.DrawFn) -> AdjustedCalendar:
    """A named calendar adjusted by days, each in one of its three lists: a date, or a day of
    every year (``MM-DD``), sometimes with a name; sometimes a holiday of the calendar by its name."""
    country = draw(_CALENDAR_NAMES)
    month_days = _days().map(lambda d: d.strftime("%m-%d"))
    days = draw(st.lists(st.one_of(_days(), month_days), unique=True, max_size=5))
    lists: dict[str, list[CalendarDay]] = {"holidays": [], "not_holidays": [], "workdays": []}
    for day in days:
        lists[draw(st.sampled_from(sorted(lists)))].append(
            CalendarDay(date=day, name=draw(_optional(_texts(min_size=1))))
        )
    if country in _HOLIDAY_NAMES and draw(st.booleans()):
        lists["not_holidays"].append(CalendarDay(name=_HOLIDAY_NAMES[country]))
    return AdjustedCalendar(country=country, **lists)


_CALENDAR_SPECS = st.one_of(_CALENDAR_NAMES, _adjusted_calendars())


def _rule_sets(kinds: tuple[str, ...], min_size: int, max_size: int) -> st.SearchStrategy[RuleSet]:
    @st.composite
    def build(draw: st.DrawFn) -> RuleSet:
        terms = draw(_GLOSSARIES)
        strategy = _rule_strategy(kinds, _durations(tuple(sorted(terms)), workdays=True))
        count = draw(st.integers(min_size, max_size))
        drawn = [draw(strategy).model_copy(update={"id": f"rule-{i}"}) for i in range(count)]
        clauses: list[Clause] = []
        if draw(st.booleans()):
            ids = sorted({r.clause for r in drawn} | set(draw(_EXTRA_CLAUSES)))
            clauses = [
                Clause(id=c, words=draw(_optional(_texts(20))), title=draw(_optional(_multilingual()))) for c in ids
            ]
        header = RuleSet(
            id=draw(_ids()),
            title=draw(_multilingual()),
            source=draw(_optional(_texts(20))),
            timezone=draw(st.sampled_from(_ZONES)),
            calendar=None,
            month_policy=draw(st.sampled_from(["clamp", "next-day", "end-of-month"])),
            week_start=draw(st.sampled_from(["monday", "sunday", "saturday"])),
            glossary=terms,
            clauses=clauses,
            rules=drawn,
        )
        header = header.model_copy(update={"rules": [_loadable(rule, header) for rule in drawn]})
        if draw(st.booleans()):
            header = _windows_in_terms(header)
        needs_calendar = _uses_workdays(header)
        calendar = draw(_CALENDAR_SPECS if needs_calendar else _optional(_CALENDAR_SPECS))
        return header.model_copy(update={"calendar": calendar})

    return build()


def _windows_in_terms(rule_set: RuleSet) -> RuleSet:
    """``rule_set`` with each window's day range and strictness named by a glossary term that
    reads as it (中旬 as ``days-11-20``), the terms added to its glossary: the same rules."""
    glossary = dict(rule_set.glossary)
    rules: list[Rule] = []
    for rule in rule_set.rules:
        window = getattr(rule, "window", None)
        if window is None:
            rules.append(rule)
            continue
        update: dict[str, str] = {"strictness": f"is-{window.strictness}"}
        glossary[update["strictness"]] = GlossaryEntry(strictness=window.strictness, words="原则上")
        if window.days is not None:
            update["days"] = f"days-{window.days}"
            glossary[update["days"]] = GlossaryEntry(days=window.days, words="中旬")
        rules.append(rule.model_copy(update={"window": window.model_copy(update=update)}))
    return rule_set.model_copy(update={"glossary": glossary, "rules": rules})


def _loadable(rule: Rule, rule_set: RuleSet) -> Rule:
    """``rule`` without what the loader refuses: a deadline in hours rolled to a workday, a
    window with no day in some period of its grid or a first/last span of no whole day, a rolling
    interval in hours or of no day (made one day), a lookback that ends before the minimum age
    is reached (left out)."""
    from govrules.loaders import (
        gap_in_elapsed_time,
        gap_of_no_day,
        lookback_within_min_age,
        rolls_elapsed_time,
        window_misses,
        window_span_problem,
    )

    def rolls(roll: str, text: str | None) -> str:
        return "none" if rolls_elapsed_time(rule_set, roll, text) else roll

    if isinstance(rule, RecurringRule):
        extends_by = rule.extension.extends_by if rule.extension is not None else None
        roll = rolls(rolls(rule.roll, rule.due_after), extends_by)
        fixed: dict[str, Any] = {"roll": roll}
        if gap_in_elapsed_time(rule_set, rule) or gap_of_no_day(rule_set, rule):
            fixed["max_gap"] = "1 day"
        if window_misses(rule, rule_set) is not None or window_span_problem(rule_set, rule) is not None:
            fixed["window"] = None
        return rule.model_copy(update=fixed)
    if isinstance(rule, TriggeredRule):
        steps = [
            step.model_copy(
                update={
                    "roll": rolls(
                        rolls(step.roll, step.within), step.extension.extends_by if step.extension is not None else None
                    )
                }
            )
            for step in rule.steps
        ]
        return rule.model_copy(update={"steps": steps})
    if isinstance(rule, PrerequisiteRule):
        if lookback_within_min_age(rule_set, rule) is not None:
            rule = rule.model_copy(update={"lookback": None})
        if rule.lookback is None or rolls_elapsed_time(rule_set, rule.roll, rule.lookback):
            rule = rule.model_copy(update={"roll": "none"})  # a roll with no lookback, or one in hours
    return rule


def _uses_workdays(rule_set: RuleSet) -> bool:
    from govrules.durations import Unit
    from govrules.loaders import _DURATION_KEYS

    def fields(value: Any) -> Iterator[tuple[str, Any]]:
        if isinstance(value, dict):
            for key, child in value.items():
                if key not in ("where", "schema"):
                    yield key, child
                    yield from fields(child)
        elif isinstance(value, list):
            for child in value:
                yield from fields(child)

    for key, value in fields(rule_set.model_dump(mode="json", by_alias=True)["rules"]):
        if key == "roll" and value == "next-workday":
            return True
        if key in _DURATION_KEYS and (isinstance(value, str) and rule_set.duration(value).unit is Unit.WORKDAYS):
            return True
    return False


def organisations(*, min_size: int = 1, max_size: int | None = None) -> st.SearchStrategy[Organisation]:
    """Valid organisations: actors with roles (some held for dates), relations, calendars, exemptions.

    Actor ids are unique; every relation member and every exempted actor is an actor of the
    organisation; the periods of a custom calendar do not overlap and have unique ids.

    Args:
        min_size: the fewest actors (at least 1).
        max_size: the most actors (default: ``min_size + 5``).

    Returns:
        A strategy of `govrules.model.Organisation`; shrinks towards one actor.

    Raises:
        hypothesis.errors.InvalidArgument: sizes below 1 or out of order.
    """

    def build() -> st.SearchStrategy[Organisation]:
        most = _check_sizes(min_size, max_size, limit=min_size + 5)
        if min_size < 1:
            raise InvalidArgument(f"min_size={min_size} must be at least 1: an organisation has actors")
        return _organisations(min_size, most)

    return st.deferred(build)


_ROLES = st.sampled_from(["branch", "school", "leadership", "party-office", "filer"])
_GRANTS = st.lists(
    _ROLES | st.builds(lambda role, span: RoleGrant(role=role, from_=span.from_, to=span.to), _ROLES, _date_ranges()),
    max_size=3,
)
_MEMBER_INDEXES = st.lists(st.integers(0, 63), max_size=3)
_RELATION_NAMES = st.lists(st.sampled_from(["schools", "paired-schools"]), unique=True, max_size=2)
_ATTRIBUTES = st.dictionaries(st.sampled_from(["level", "cik"]), _scalars(), max_size=1)
_PERIOD_LABELS = st.lists(st.sampled_from(["2024-Q4", "2024-12", "2025"]), max_size=2)


@st.composite
def _calendars(draw: st.DrawFn) -> list[CalendarPeriod]:
    day = draw(_days(max_value=date(2080, 1, 1)))
    periods = []
    for i in range(draw(st.integers(1, 4))):
        day += timedelta(days=draw(st.integers(0, 60)))
        end = day + timedelta(days=draw(st.integers(0, 200)))
        periods.append(CalendarPeriod(id=f"p{i}", start=day, end=end, name=draw(_optional(_multilingual()))))
        day = end + timedelta(days=1)
    return periods


_CALENDAR_MAPS = st.dictionaries(st.sampled_from(["semester", "fiscal"]), _calendars(), max_size=2)


def _organisations(min_size: int, max_size: int) -> st.SearchStrategy[Organisation]:
    @st.composite
    def build(draw: st.DrawFn) -> Organisation:
        ids = draw(st.lists(_ids(), min_size=min_size, max_size=max_size, unique=True))

        def members() -> list[str | RelationMember]:
            listed: list[str | RelationMember] = []
            for actor_id in dict.fromkeys(ids[i % len(ids)] for i in draw(_MEMBER_INDEXES)):
                if draw(st.booleans()):
                    listed.append(actor_id)
                else:  # a member for some dates
                    span = draw(_date_ranges())
                    listed.append(RelationMember(actor=actor_id, from_=span.from_, to=span.to))
            return listed

        actors = [
            Actor(
                id=actor_id,
                name=draw(_optional(_multilingual())),
                roles=draw(_GRANTS),
                relations={name: members() for name in draw(_RELATION_NAMES)},
                active=draw(_optional(_date_ranges())),
                attributes=draw(_ATTRIBUTES),
            )
            for actor_id in ids
        ]
        exemptions = [
            Exemption(
                rule=draw(_ids()),
                actor=ids[draw(st.integers(0, 63)) % len(ids)],
                periods=draw(_PERIOD_LABELS),
                dates=draw(_optional(_date_ranges())),
                reason=draw(_texts(min_size=1)),
            )
            for _ in range(draw(st.integers(0, 2)))
        ]
        return Organisation(
            id=draw(_ids()),
            name=draw(_optional(_multilingual())),
            timezone=draw(_optional(st.sampled_from(_ZONES))),
            actors=actors,
            calendars=draw(_CALENDAR_MAPS),
            exemptions=exemptions,
        )

    return build()


# ---------------------------------------------------------------------------------------------
# Semantic generation: audits, event logs, and logs with known gaps


@dataclass(frozen=True)
class Audit:
    """A rule set and an organisation that fit together, with a range and an audit moment."""

    rules: RuleSet
    org: Organisation
    start: date
    end: date
    as_of: datetime


@dataclass(frozen=True)
class ExpectedFinding:
    """A finding a generated log must produce: code, rule, actor, period (and step for chains,
    and the other member for a pair obligation)."""

    code: str
    rule: str
    actor: str | None
    period: str
    step: int | None = None
    counterpart: str | None = None

    def matches(self, finding: Finding) -> bool:
        """Whether ``finding`` is this one."""
        return (
            finding.code.value == self.code
            and finding.rule == self.rule
            and finding.actor == self.actor
            and finding.period == self.period
            and (self.step is None or finding.detail.get("step") == self.step)
            and (self.counterpart is None or finding.counterpart == self.counterpart)
        )


@dataclass(frozen=True)
class GeneratedLog:
    """A log drawn from a rule set: the witness, or the witness with one mutation.

    ``expected`` lists the violations and warnings the log must produce beyond the witness's
    (none for the witness itself); ``mutation`` names the change (``None`` for the witness).
    """

    events: tuple[Event, ...]
    expected: tuple[ExpectedFinding, ...] = ()
    mutation: str | None = None


MUTATIONS = (
    "drop",
    "late",
    "recipient",
    "excess",
    "outside-window",
    "unanswered",
    "late-response",
    "unapproved",
    "strip-topic",
    "forbidden",
    "discharge",
    "no-extension",
    "approval-age",
    "attribute",
)
"""The mutations `from_rule_set` can apply, each paired with the finding it must produce."""

_TOPIC = "ideology"
_GRAIN_OFFSETS = {"month": "10 days", "quarter": "40 days", "half-year": "60 days", "year": "90 days"}
_RELATION = "liaison"
_FILTERS: tuple[tuple[dict[str, Any], tuple[Any, ...], Any], ...] = (
    ({"channel": "wechat"}, ("wechat", ["wechat", "weibo"]), "email"),
    ({"channel": ["wechat", "weibo"]}, ("weibo", ["email", "wechat"]), ["email"]),
    ({"urgent": True}, (True, "true", "TRUE"), "false"),
    ({"count": 3}, (3, "3", 3.0), 4),
    ({"decision": "approved"}, ("approved", ["approved", "noted"]), "rejected"),
    ({"amount": {"gt": 50000}}, (50001, "50000.5", " 6e4 ", 75000.0, ["100", "60000"]), "50000"),
)
"""The ``where`` conditions `audits` draws, each with attribute values that meet it (as a log
gives them: a list holding the value, text for a boolean or a number) and one that does not."""
_ROLLING_GAP = "45 days"
"""The longest gap between two events of a rolling rule `audits` draws; the witness spaces them
25 to 40 days apart, so that taking one away leaves a gap of at least 50 days."""
_APPROVAL_AGES = {"lookback": "30 days", "min-age": "3 days"}
"""How old an approval may be at most (``lookback``) or must be at least (``min_age``) in the
prerequisite rules `audits` draws."""

_EXTENSION = {"within": "3 days", "extends_by": "15 days"}
"""An extension as `audits` draws it (its action, the notice, named after the rule): granted by a
notice no later than 3 days after the prescribed due moment, 15 days more. Drawn only for rules
due some time after their period, whose obligations open when the period ends: the extended due
moment then comes before the next period's obligation opens, so that a filing made in the
extension cannot pay a later period's debt."""


def _effective(year: int) -> tuple[DateRange, ...]:
    """The dates `audits` puts a rule in force for, in the audit's year."""
    return (DateRange(from_=date(year, 4, 1)), DateRange(to=date(year, 9, 30)))


def audits(*, kinds: Collection[str] | None = None, max_rules: int = 4) -> st.SearchStrategy[Audit]:
    """Audits whose rules and organisation fit together, for property tests of the checker.

    An organisation of headquarters (``hq``, role ``hq``), an approver (``vp``, role
    ``approver``) and one to three branches (role ``branch``, the first sometimes holding it
    only from 1 July), each branch with one or both of them in its relation ``liaison``, in a
    zone with or without DST; rules of the given kinds, each on its own action names, with the
    options the checker honours (rolling intervals, minimum and maximum counts, windows strict
    or in principle, due dates after the period, recipients, ``where`` conditions on an
    attribute, obligations of each branch towards each member of its ``liaison`` (pairs, the
    member named as recipient or subject, or required as recipient), extensions of a due moment
    by a notice, chains of one or two steps due in days, in hours or at a month's or a quarter's
    end, done by the trigger's actor or by a member of its ``liaison``, approvals of one or two
    requirements (all or any of them) linked by ``ref``, by subject or by either, with or
    without a lookback or a minimum age, topic requirements, forbidden actions), a rule
    sometimes in force only from 1 April or only until 30 September; a one-year range between
    2020 and 2026; the audit moment 120 days after it. Shrinks towards one rule, one branch and
    2020.

    Raises:
        hypothesis.errors.InvalidArgument: unknown kinds (``informative`` cannot be checked), or
            ``max_rules`` below 1.
    """

    def build() -> st.SearchStrategy[Audit]:
        chosen = tuple(k for k in _check_kinds(kinds) if k != "informative")
        if not chosen:
            raise InvalidArgument("audits() needs at least one checkable kind")
        if not isinstance(max_rules, int) or isinstance(max_rules, bool) or max_rules < 1:
            raise InvalidArgument(f"max_rules={max_rules!r} must be a whole number, at least 1")
        return _audits(chosen, max_rules)

    return st.deferred(build)


def _audits(kinds: tuple[str, ...], max_rules: int) -> st.SearchStrategy[Audit]:
    @st.composite
    def build(draw: st.DrawFn) -> Audit:
        zone = draw(st.sampled_from(("Asia/Shanghai", "Europe/Rome", "America/New_York", "UTC")))
        branches = [f"b{i}" for i in range(1, draw(st.integers(1, 3)) + 1)]
        org = Organisation(
            id="generated",
            actors=[
                Actor(id="hq", roles=["hq"]),
                Actor(id="vp", roles=["approver"]),
                *(
                    Actor(
                        id=b,
                        roles=["branch"],
                        relations={_RELATION: draw(st.sampled_from((["hq"], ["vp"], ["hq", "vp"])))},
                    )
                    for b in branches
                ),
            ],
        )
        count = draw(st.integers(1, max_rules))
        rules: list[Rule] = [draw(_semantic_rule(kinds, f"r{i}")) for i in range(count)]
        year = draw(st.integers(2020, 2026))
        joining: bool = draw(st.booleans())
        if joining:
            # the first branch becomes one on 1 July (a role held from a date)
            joined = org.actors[2].model_copy(update={"roles": [RoleGrant(role="branch", from_=date(year, 7, 1))]})
            org = org.model_copy(update={"actors": [*org.actors[:2], joined, *org.actors[3:]]})
        # a rule sometimes in force only from 1 April, or only until 30 September
        rules = [
            r.model_copy(update={"effective": draw(st.sampled_from(_effective(year)))})
            if draw(st.integers(0, 3)) == 0
            else r
            for r in rules
        ]
        # an exemption covers a period its rule owes its actor (one that would exempt nothing is
        # refused): of a branch holding its role all year, not a year the rule ends before the end
        # of, and from April on for a rule in force from then
        recurring = [
            r
            for r in rules
            if isinstance(r, RecurringRule)
            and r.every is not None
            and not (r.every == "year" and r.effective is not None and r.effective.to is not None)
        ]
        waive: bool = draw(st.booleans())
        owing = branches[1:] if joining else branches
        if recurring and waive and owing:
            exempted = draw(st.sampled_from(recurring))
            label = {"month": f"{year}-03", "quarter": f"{year}-Q1", "half-year": f"{year}-H1", "year": f"{year}"}
            if exempted.effective is not None and exempted.effective.from_ is not None:
                label.update(month=f"{year}-04", quarter=f"{year}-Q2")
            org = org.model_copy(
                update={
                    "exemptions": [
                        Exemption(
                            rule=exempted.id,
                            actor=owing[0],
                            periods=[label[str(exempted.every)]],
                            reason="documented waiver",
                        )
                    ]
                }
            )
        start, end = date(year, 1, 1), date(year + 1, 1, 1)
        tz = ZoneInfo(zone)
        as_of = start_of_day(end + timedelta(days=120), tz)
        rule_set = RuleSet(id="generated", title="generated rules", timezone=zone, rules=rules)
        return Audit(rule_set, org, start, end, as_of)

    return build()


@st.composite
def _semantic_rule(draw: st.DrawFn, kinds: tuple[str, ...], rid: str) -> Rule:
    kind = draw(st.sampled_from(kinds))
    act = f"{rid}-act"
    if kind == "recurring":
        every = draw(st.sampled_from(("month", "quarter", "half-year", "year")))
        minimum = draw(st.integers(1, 2))
        window = None
        due_after = None
        shape = draw(st.sampled_from(("plain", "window", "due-after", "rolling")))
        if shape == "rolling":  # no gap between a branch's events longer than the rule's
            return RecurringRule(
                kind="recurring",
                id=rid,
                clause=f"C-{rid}",
                who=Party(role="branch"),
                action=act,
                max_gap=_ROLLING_GAP,
            )
        if shape == "window":
            days = draw(st.sampled_from(("11-20", "21-last", "1-10")))
            strictness = draw(st.sampled_from(("strict", "in-principle")))
            window = Window(month="last", days=days, strictness=strictness)
        elif shape == "due-after":
            due_after = _GRAIN_OFFSETS[every]
        pair = draw(st.booleans())
        extension = None
        if due_after is not None and draw(st.booleans()):
            extension = Extension(action=f"{rid}-notice", **_EXTENSION)
        return RecurringRule(
            kind="recurring",
            id=rid,
            clause=f"C-{rid}",
            who=Party(role="branch", relation=_RELATION) if pair else Party(role="branch"),
            action=act,
            where=draw(st.sampled_from(({}, *(where for where, _, _ in (*_FILTERS[:4], _FILTERS[5]))))),
            to=draw(st.sampled_from((None, Party(counterpart=True)) if pair else (None, "hq"))),
            every=every,
            min=minimum,
            max=draw(st.sampled_from((None, minimum, minimum + 1))),
            window=window,
            due_after=due_after,
            extension=extension,
        )
    if kind == "triggered":
        steps = []
        for j in (1, 2)[: draw(st.integers(1, 2))]:
            # done by the trigger's actor (to headquarters, or to no one in particular), or by a
            # member of its liaison (back to the trigger's actor, or to no one in particular)
            liaison = draw(st.booleans())
            steps.append(
                Step(
                    action=f"{rid}-step{j}",
                    by=Party(trigger="actor", relation=_RELATION) if liaison else None,
                    to=draw(st.sampled_from((None, Party(trigger="actor")) if liaison else (None, "hq"))),
                    within=draw(
                        st.sampled_from(("3 days", "7 days", "24 hours", "72 hours", "end of month", "end of quarter"))
                    ),
                    counted_from=draw(st.sampled_from(("previous", "trigger"))),
                )
            )
        return TriggeredRule(
            kind="triggered",
            id=rid,
            clause=f"C-{rid}",
            trigger=Trigger(action=f"{rid}-trigger", by=Party(role="branch")),
            steps=steps,
            unless=draw(st.sampled_from((None, EventFilter(action=f"{rid}-cancel", same=["actor"])))),
        )
    if kind == "prerequisite":
        requires = [
            Requirement(
                action=f"{rid}-approval",
                by=Party(role="approver"),
                where=draw(st.sampled_from(({}, _FILTERS[4][0]))),
            )
        ]
        if draw(st.booleans()):
            requires.append(Requirement(action=f"{rid}-review", by=Party(role="hq")))
        age = draw(st.sampled_from(("none", "lookback", "min-age")))
        return PrerequisiteRule(
            kind="prerequisite",
            id=rid,
            clause=f"C-{rid}",
            action=act,
            by=Party(role="branch"),
            requires=requires,
            mode=draw(st.sampled_from(("all", "any"))),
            link=draw(st.sampled_from(("ref", "subject", "ref-or-subject"))),
            lookback=_APPROVAL_AGES["lookback"] if age == "lookback" else None,
            min_age=_APPROVAL_AGES["min-age"] if age == "min-age" else None,
        )
    if kind == "content":
        return ContentRule.model_validate(
            {
                "kind": "content",
                "id": rid,
                "clause": f"C-{rid}",
                "action": act,
                "schema": {
                    "properties": {
                        "attributes": {
                            "required": ["topics"],
                            "properties": {"topics": {"contains": {"const": _TOPIC}}},
                        }
                    }
                },
            }
        )
    return ForbiddenRule(kind="forbidden", id=rid, clause=f"C-{rid}", action=act, by=Party(role="branch"))


def events(
    *,
    actors: Iterable[str] = ("b1", "b2", "hq", "ghost"),
    actions: Iterable[str] = ("r0-act", "r1-act", "r0-trigger", "r0-step1"),
    min_value: datetime = datetime(2020, 1, 1, tzinfo=UTC),
    max_value: datetime = datetime(2027, 1, 1, tzinfo=UTC),
) -> st.SearchStrategy[Event]:
    """Single events with the given actors and actions between two instants, in varied UTC offsets.

    Shrinks towards the first actor, the first action and ``min_value``. Event ids are not
    unique across draws; give them ids of your own when you build a log.

    Raises:
        hypothesis.errors.InvalidArgument: empty ``actors``/``actions``, naive bounds, or
            ``max_value`` before ``min_value``.
    """

    def build() -> st.SearchStrategy[Event]:
        ids: dict[str, tuple[str, ...]] = {}
        for name, given in (("actors", actors), ("actions", actions)):
            try:  # read once: a generator is read here, and only here
                held = None if isinstance(given, str | bytes) else tuple(given)
            except TypeError:
                held = None
            if held is None or not all(isinstance(x, str) for x in held):
                raise InvalidArgument(f"{name}={given!r} must be a collection of ids, such as ['b1']")
            ids[name] = held
        if not ids["actors"] or not ids["actions"]:
            raise InvalidArgument("events() needs at least one actor and one action")
        if not isinstance(min_value, datetime) or not isinstance(max_value, datetime):
            raise InvalidArgument(f"min_value={min_value!r} and max_value={max_value!r} must be datetimes")
        if min_value.tzinfo is None or max_value.tzinfo is None:
            raise InvalidArgument("min_value and max_value must be timezone-aware")
        if max_value <= min_value:
            raise InvalidArgument(f"max_value={max_value} must be after min_value={min_value}")
        span = int((max_value - min_value).total_seconds() // 60)

        def make(actor: str, action: str, minutes: int, offset: int, recipient: str | None, topics: bool) -> Event:
            when = (min_value + timedelta(minutes=minutes)).astimezone(timezone(timedelta(hours=offset)))
            attributes = {"topics": [_TOPIC]} if topics else {}
            return Event(id="e", time=when, actor=actor, action=action, recipient=recipient, attributes=attributes)

        return st.builds(
            make,
            st.sampled_from(sorted(ids["actors"])),
            st.sampled_from(sorted(ids["actions"])),
            st.integers(0, span),
            st.integers(-12, 14),
            st.sampled_from((None, "hq", "vp")),
            st.booleans(),
        )

    return st.deferred(build)


def from_rule_set(
    rule_set: RuleSet,
    org: Organisation,
    *,
    start: date,
    end: date,
    as_of: datetime | None = None,
    compliant: bool | None = None,
    mutations: Collection[str] | None = None,
) -> st.SearchStrategy[GeneratedLog]:
    """Logs built from the obligations themselves: a witness that meets every rule, or the
    witness with one mutation and the finding it must produce.

    The witness places, for every recurring obligation due by ``as_of``, exactly the minimum
    number of events inside the window and before the due moment (or, after a notice, in the
    extension it grants), addressed to the rule's recipient or naming the member of a pair; for
    each triggered, prerequisite and content rule a few cases that comply (responses on time,
    linked by ``ref`` or, for a lone trigger, sometimes not, approvals of an accepted age before the event, the required topic), on
    days the rule is in force, and a few such events just outside those days that it must
    leave alone (not on a day another rule reading them is in force).

    Mutations: drop an event (``missing`` or ``insufficient``), move it an hour past its due
    moment as the checker computes it, rolled, extended or counted in workdays (``late``), send it or a chain's last response to someone else
    (``wrong-recipient``), add one over a maximum equal to the minimum (``excess``), move it
    out of its window (``outside-window``, a warning where the window is in principle), drop or
    delay a response (``unanswered``, ``late-response``), drop an approval (``unapproved``),
    strip the required topic (``missing-content``), add a forbidden event (``forbidden``), add a
    chain's ``unless`` event right after its trigger (``discharged``, an info finding), drop the
    notice of an obligation filed in its extension (``late``), make an approval too old or too
    recent (``unapproved``), give an event an attribute its rule's ``where`` refuses (``missing``,
    ``insufficient`` or ``unapproved``).

    Supported rules are those `audits` draws (recurring rules for a role, on calendar periods or
    rolling, with an actor as recipient or owed to each member of a relation, extensions; chains
    by the trigger's actor or a member of its relation; approvals linked by ``ref`` or subject,
    with or without an age limit; topic requirements), and steps done by or addressed to a named
    actor, a role, a relation or the trigger's subject, steps with ``same``, ``where`` conditions,
    minimum ages and lookbacks of any length, approvals another prerequisite rule guards or a
    member of a relation gives, content schemas of one's own, and events one rule places that
    another reads as a trigger or a guarded event; the witness of other rules is not guaranteed
    (docs/testing.md).
    Shrinks towards few events and early dates.

    Args:
        rule_set: the rules.
        org: the organisation.
        start: first day of the range.
        end: first day after the range.
        as_of: the audit moment (default: the end of the range).
        compliant: ``True`` for the witness only, ``False`` for a mutated log only, ``None``
            for either.
        mutations: draw only these kinds of mutation (names from `MUTATIONS`; default: all).
            A witness that offers none of them is rejected where ``compliant`` is ``False``:
            to test that each kind gives its finding, draw each kind on its own.

    Raises:
        hypothesis.errors.InvalidArgument: an empty range, a naive ``as_of``, or an unknown
            mutation.
    """

    def build() -> st.SearchStrategy[GeneratedLog]:
        for name, day in (("start", start), ("end", end)):
            if isinstance(day, datetime) or not isinstance(day, date):
                raise InvalidArgument(f"{name}={day!r} must be a date (a day, not a moment)")
        if end <= start:
            raise InvalidArgument(f"end={end} must be after start={start}")
        if as_of is not None and (not isinstance(as_of, datetime) or as_of.tzinfo is None):
            raise InvalidArgument(f"as_of={as_of!r} must be a timezone-aware datetime")
        if not isinstance(compliant, bool | None):
            raise InvalidArgument(f"compliant={compliant!r} must be True, False or None")
        try:
            kinds = MUTATIONS if mutations is None else tuple(mutations)
        except TypeError:
            kinds = (mutations,)  # type: ignore[assignment]  # refused just below
        if isinstance(mutations, str | bytes) or not all(isinstance(k, str) for k in kinds):
            raise InvalidArgument(f"mutations={mutations!r} must be a collection of names, such as ['drop']")
        unknown = sorted(set(kinds) - set(MUTATIONS))
        if unknown or not kinds:
            what = f"unknown mutations {unknown}" if unknown else "mutations names no kind of mutation"
            raise InvalidArgument(f"{what}; expected some of {', '.join(MUTATIONS)}")
        return _logs(rule_set, org, start, end, as_of, compliant, frozenset(kinds))

    return st.deferred(build)


@dataclass
class _Draft:
    """A witness under construction: events, with the slots each mutation can touch."""

    events: list[Event]
    slots: dict[str, list[tuple[ExpectedFinding, Any]]]
    answered: set[tuple[str, str]] = field(default_factory=set)
    """(rule id, event id): the triggers whose chain, and the guarded events whose approvals, a
    rule's witness placed."""


def _logs(
    rule_set: RuleSet,
    org: Organisation,
    start: date,
    end: date,
    as_of: datetime | None,
    compliant: bool | None,
    kinds: frozenset[str] = frozenset(MUTATIONS),
) -> st.SearchStrategy[GeneratedLog]:
    from govrules.obligations import Context, rule_obligations

    ctx = Context.make(rule_set, org, start=start, end=end, as_of=as_of)
    obligations = {
        r.id: [o for o in rule_obligations(ctx, r, start, end) if o.status in ("open", "pending")]
        for r in rule_set.rules
        if isinstance(r, RecurringRule) and r.every is not None
    }

    @st.composite
    def build(draw: st.DrawFn) -> GeneratedLog:
        draft = _Draft([], {m: [] for m in MUTATIONS})
        counter = iter(range(1, 1_000_000))

        def new_id() -> str:
            return f"g{next(counter)}"

        for rule in rule_set.rules:
            if isinstance(rule, RecurringRule) and rule.every is not None:
                _witness_recurring(draw, ctx, rule, obligations[rule.id], draft, new_id)
            elif isinstance(rule, RecurringRule):
                _witness_rolling(draw, ctx, rule, draft, new_id)
            elif isinstance(rule, TriggeredRule):
                _witness_triggered(draw, ctx, rule, draft, new_id)
            elif isinstance(rule, PrerequisiteRule):
                _witness_guarded(draw, ctx, rule, draft, new_id, "unapproved")
            elif isinstance(rule, ContentRule):
                _witness_guarded(draw, ctx, rule, draft, new_id, "strip-topic")
            elif isinstance(rule, ForbiddenRule):
                _witness_guarded(draw, ctx, rule, draft, new_id, "forbidden")
        anchors = _complete(draw, ctx, draft, new_id)
        _content_slots(ctx, draft)
        witness = GeneratedLog(tuple(draft.events))
        if compliant is True:
            return witness
        possible = [
            (m, s)
            for m in MUTATIONS
            if m in kinds
            for s in draft.slots[m]
            if not _disturbs(ctx, s, draft.events, anchors)
        ]
        if not possible:
            if compliant is False:
                from hypothesis import reject

                reject()
            return witness
        if compliant is None and draw(st.booleans()):
            return witness
        # a kind first, then a place of it: drawn over every place at once, a kind with few
        # places (a chain's, beside a dozen monthly reports) would hardly ever be tried
        offered = {k for k, _ in possible}
        mutation = draw(st.sampled_from([m for m in MUTATIONS if m in offered]))
        expected, apply = draw(st.sampled_from([s for k, s in possible if k == mutation]))
        return GeneratedLog(tuple(apply(list(draft.events))), (expected,), mutation)

    return build()


def _complete(draw: st.DrawFn, ctx: Any, draft: _Draft, new_id: Callable[[], str]) -> list[Event]:
    """Events one rule's witness places that another rule reads as a trigger or a guarded event
    (the analyses a recurring rule asks for, which trigger a report in another): each gets the
    chain or the approvals that rule wants, as its own witness gives them (linked by ``ref``); and
    so on for the events those add, three times over. The events so answered."""
    anchors: list[Event] = []
    fresh = list(draft.events)
    for _ in range(3):
        mark = len(draft.events)
        for event in fresh:
            for rule in ctx.rules.rules:
                if (rule.id, event.id) in draft.answered:
                    continue
                if isinstance(rule, TriggeredRule) and _reads(ctx, rule, rule.trigger, event):
                    chain = _chain(draw, ctx, rule, event, new_id, len(draft.events))
                    if chain is None:
                        continue
                    draft.events.extend(response._replace(ref=event.id) for response, _, _ in chain)
                elif isinstance(rule, PrerequisiteRule) and _reads(ctx, rule, rule, event):
                    if not _approve_placed(draw, ctx, rule, draft, new_id, event):
                        continue
                else:
                    continue
                draft.answered.add((rule.id, event.id))
                anchors.append(event)
        fresh = draft.events[mark:]
    return anchors


def _approve_placed(
    draw: st.DrawFn, ctx: Any, rule: PrerequisiteRule, draft: _Draft, new_id: Callable[[], str], guarded: Event
) -> bool:
    """Approvals, as ``rule`` wants them, of an event already placed (which is left as it is):
    each names it by ``ref``, or shares its subject where the rule links by subject alone. False
    (nothing placed) where that cannot be done."""
    ages = _approval_times(ctx, rule, guarded.time)
    if ages is None or (rule.link == "subject" and guarded.subject is None):
        return False
    approvals: list[Event] = []
    for requirement in rule.requires:
        when = _instant_between(draw, *ages)
        approvers = _approvers(ctx, as_party(requirement.by), guarded, when)
        if not approvers:
            return False
        approvals.append(
            _as_read(
                draw,
                ctx,
                Event(
                    id=new_id(),
                    time=when,
                    actor=draw(st.sampled_from(approvers)),
                    action=actions_of(requirement.action)[0],
                    attributes=_meeting(draw, requirement.where),
                    subject=guarded.subject if rule.link == "subject" else None,
                    ref=None if rule.link == "subject" else guarded.id,
                    seq=len(draft.events) + len(approvals),
                ),
            )
        )
    draft.events.extend(approvals)
    return True


def _approvers(ctx: Any, party: Party | None, guarded: Event, when: datetime) -> list[str]:
    """Who may approve ``guarded`` at ``when`` for a requirement ``by`` ``party``: anyone (every
    actor) where it names none, the guarded event's actor or a member of its relation
    (``{trigger: actor, relation: ...}``), the named actor, or a holder of the role that day."""
    if party is not None and party.trigger is not None:
        return _responders(ctx, party, guarded, when)
    return _trigger_actors(ctx, party, when)


def _disturbs(ctx: Any, slot: tuple[ExpectedFinding, Any], events: list[Event], anchors: list[Event]) -> bool:
    """Whether a mutation would change more than its own finding: it moves, changes or drops an
    event another rule's chain or approvals hang on (`_complete`), or changes, drops or adds an
    event of an action a rule other than its own reads (content rules aside, whose content each
    event carries, and the attributes of an event no other rule selects by)."""
    from govrules.checker import _where_matches

    expected, apply = slot
    mutated = apply(list(events))
    kept = {id(e) for e in mutated}
    if any(id(a) not in kept for a in anchors):
        return True
    own = next(r for r in ctx.rules.rules if r.id == expected.rule)
    before = {id(e) for e in events}
    ids = {e.id for e in events}
    now = {e.id: e for e in mutated if id(e) not in before}
    gone = [e for e in events if id(e) not in kept]
    added = [e for e in now.values() if e.id not in ids]
    for e in [*gone, *added]:
        readers = _readers_of(ctx, own, e)
        if not readers:
            continue
        changed = now.get(e.id)
        if (  # only its attributes changed: the same to every rule that does not select by them
            changed is not None
            and changed is not e
            and changed == e._replace(attributes=changed.attributes)
            and all(_where_matches(sel.where, changed) == _where_matches(sel.where, e) for sel in readers)
        ):
            continue
        return True
    return False


def _instant_between(draw: st.DrawFn, lo: datetime, hi: datetime) -> datetime:
    span = max(0, int((hi - lo).total_seconds() // 60))
    return _shift(lo, timedelta(minutes=draw(st.integers(0, span))))


def _replace(events: list[Event], old: Event, **changes: Any) -> list[Event]:
    return [e._replace(**changes) if e is old else e for e in events]


def _witness_recurring(
    draw: st.DrawFn, ctx: Any, rule: RecurringRule, obligations: list[Any], draft: _Draft, new_id: Callable[[], str]
) -> None:
    action = actions_of(rule.action)[0]
    before: dict[tuple[str, str | None], Any] = {}  # each stream's obligation before, as placed
    following: dict[int, Any] = {}  # by id, the stream's obligation after each
    for o in obligations:
        if (o.actor, o.counterpart) in before:
            following[id(before[(o.actor, o.counterpart)])] = o
        before[(o.actor, o.counterpart)] = o
    before.clear()
    for o in obligations:
        lo = o.window_start or o.opens
        hi = min(o.window_end or o.due, o.due, ctx.as_of)
        if hi <= lo or o.due > ctx.as_of:
            continue
        # after the due moment of the stream's obligation before (a due moment rolled past a
        # weekend reaches into this period): an event in both on-time spans would answer that
        # one, were it left unmet by a mutation, rather than this one
        previous = before.get((o.actor, o.counterpart))
        before[(o.actor, o.counterpart)] = o
        if previous is not None and previous.due >= lo:
            if previous.due + timedelta(minutes=1) < hi:
                lo = previous.due + timedelta(minutes=1)
            else:  # no room after it: no mutation leaves the one before unmet
                _unoffer(draft, rule, previous)
        # the member of a pair named as the recipient (required where the rule's recipient is
        # the counterpart), or as the subject; else the rule's recipient, if an actor
        recipient: str | None = o.recipient if o.recipient and not o.recipient.startswith("role:") else None
        subject: str | None = None
        if o.counterpart is not None and recipient != o.counterpart:
            if recipient is None and draw(st.booleans()):
                recipient = o.counterpart
            else:  # the subject, beside a recipient the rule names
                subject = o.counterpart
        # An extension: a notice before the prescribed due moment (so that the log is clean at
        # any earlier audit moment), the filings after it, by the extended one.
        notice: Event | None = None
        extended_due = o.due
        if rule.extension is not None and draw(st.booleans()):
            # none where the extended due moment needs a year the calendar has no holidays for
            extended, uncounted = _counted(ctx, o.due, rule.extension.extends_by, rule.roll)
            if extended <= ctx.as_of and not uncounted:
                extended_due = extended
                notice = Event(
                    id=new_id(),
                    time=_instant_between(draw, max(o.opens, o.due - timedelta(days=5)), o.due),
                    actor=o.actor,
                    action=actions_of(rule.extension.action)[0],
                    recipient=recipient,
                    subject=subject,
                    period=o.period,
                    seq=len(draft.events),
                )
                draft.events.append(notice)
                lo, hi = o.due + timedelta(minutes=1), extended_due
        # Exactly the minimum: a surplus event would pay an earlier period's debt (oldest debt
        # first), and a mutation's finding would then depend on its neighbours.
        count = o.min
        placed = []
        for _ in range(count):
            event = Event(
                id=new_id(),
                time=_instant_between(draw, lo, hi),
                actor=o.actor,
                action=action,
                recipient=recipient,
                subject=subject,
                # under a rule with an extension, a filing names its period, as a filing does:
                # one made in the extension may lie in the next period's on-time span, and an
                # extended span may reach into the next period's, where the oldest unmet
                # obligation would take that period's filing
                period=o.period if rule.extension is not None else None,
                attributes=_meeting(draw, rule.where),
                seq=len(draft.events),
            )
            event = _as_read(draw, ctx, event)
            draft.events.append(event)
            placed.append(event)
        if not placed:
            continue

        def expect(code: str, o: Any = o) -> ExpectedFinding:
            return ExpectedFinding(code, rule.id, o.actor, o.period, counterpart=o.counterpart)

        victim = placed[0]
        dropped = placed[: len(placed) - o.min + 1]  # leave one fewer than the minimum
        short = expect("missing" if o.min == 1 else "insufficient")
        draft.slots["drop"].append((short, lambda ev, d=dropped: [e for e in ev if e not in d]))
        failing = _failing(rule.where)
        if failing is not None:
            # an attribute the rule's where does not accept: the event does not count
            draft.slots["attribute"].append((short, lambda ev, v=victim, a=failing: _replace(ev, v, attributes=a)))
        # one more, where the next period's on-time span holds none of the period's events (a
        # due moment rolled past a weekend reaches into it): that period would take one of them
        after = following.get(id(o))
        alone = after is None or all(e.time < after.opens for e in placed)
        if o.max is not None and count == o.max and alone:
            extra = victim._replace(id=new_id(), seq=0)
            draft.slots["excess"].append((expect("excess"), lambda ev, x=extra: [*ev, x]))
        late_time = (extended_due.astimezone(UTC) + timedelta(hours=1)).astimezone(o.due.tzinfo)
        # not in the on-time span of the next period while it is pending (its due moment rolled
        # past the audit moment): an event there is that period's, which has none of its own
        ahead = after is not None and after.due > ctx.as_of and late_time >= after.opens
        if late_time <= ctx.as_of and late_time <= max(o.closes, extended_due) and not ahead:
            draft.slots["late"].append((expect("late"), lambda ev, v=victim, t=late_time: _replace(ev, v, time=t)))
        if notice is not None and max(e.time for e in placed) <= o.closes:
            # without the notice, the filings made in the extension are late
            draft.slots["no-extension"].append((expect("late"), lambda ev, n=notice: [e for e in ev if e is not n]))
        if o.recipient and o.min == 1 and not o.recipient.startswith("role:"):
            if o.counterpart is None:
                draft.slots["recipient"].append(
                    (expect("wrong-recipient"), lambda ev, v=victim: _replace(ev, v, recipient="vp"))
                )
            else:
                # still about the member (so in the pair's stream), sent to an actor outside the
                # relation (in none of the branch's pairs)
                members = _related(ctx, o.actor, rule)
                for other in [a for a in ("hq", "vp") if a not in members and a != o.recipient][:1]:
                    draft.slots["recipient"].append(
                        (
                            expect("wrong-recipient"),
                            lambda ev, v=victim, x=other, c=o.counterpart: _replace(ev, v, recipient=x, subject=c),
                        )
                    )
        if o.window_start is not None and o.min == 1 and o.window_start > o.opens:
            outside = _instant_between(draw, o.opens, o.window_start - timedelta(minutes=1))
            draft.slots["outside-window"].append(
                (expect("outside-window"), lambda ev, v=victim, t=outside: _replace(ev, v, time=t))
            )


_UNMEETING = ("drop", "attribute", "late", "no-extension", "recipient")
"""The mutations that leave a recurring obligation unmet by its due moment."""


def _unoffer(draft: _Draft, rule: RecurringRule, o: Any) -> None:
    """Take away the mutations that would leave ``o`` unmet by its due moment: an event of the
    next period in its on-time span would then answer it."""
    for kind in _UNMEETING:
        draft.slots[kind] = [
            (expected, apply)
            for expected, apply in draft.slots[kind]
            if (expected.rule, expected.actor, expected.period, expected.counterpart)
            != (rule.id, o.actor, o.period, o.counterpart)
        ]


def _related(ctx: Any, actor_id: str, rule: RecurringRule) -> list[str]:
    """The members of the relation of a pair rule's ``who`` that ``actor_id`` lists."""
    who = as_party(rule.who)
    return [] if who is None or who.relation is None else _members(ctx, actor_id, who.relation)


def _members(ctx: Any, actor_id: str, relation: str, day: date | None = None) -> list[str]:
    """The members of ``relation`` that ``actor_id`` lists (on ``day``, if given; none for an
    unknown actor)."""
    actor = ctx.org.actor(actor_id)
    return [] if actor is None else actor.members(relation, day)


def _trigger_actors(ctx: Any, party: Party | None, when: datetime | None = None) -> list[str]:
    """The actors ``party`` names: all that ever hold its role, or those holding it on the local
    day of ``when`` (an actor holds none on a day it is not active); the named actor, if active
    that day; for no party, every actor, or every one active that day."""
    day = None if when is None else when.astimezone(ctx.tz).date()
    if party is not None and party.actor is not None:
        return [party.actor] if _active(ctx, party.actor, day) else []
    if party is not None and party.role is not None:
        role = party.role
        return sorted(
            a.id
            for a in ctx.org.holders(role)
            if day is None or (_active(ctx, a.id, day) and any(span.contains(day) for span in a.role_spans(role)))
        )
    # anyone: any actor in the organisation that day (its events on another are said, as an unknown actor's)
    return sorted(a.id for a in ctx.org.actors if _active(ctx, a.id, day))


def _active(ctx: Any, actor_id: str, day: date | None) -> bool:
    """Whether ``actor_id`` is active on ``day`` (any day, for None or an actor the organisation
    does not list)."""
    actor = ctx.org.actor(actor_id)
    return day is None or actor is None or actor.active is None or actor.active.contains(day)


def _witness_triggered(
    draw: st.DrawFn, ctx: Any, rule: TriggeredRule, draft: _Draft, new_id: Callable[[], str]
) -> None:
    actors = _trigger_actors(ctx, as_party(rule.trigger.by))
    first = start_of_day(ctx.start, ctx.tz)
    if rule.effective is not None and rule.effective.from_ is not None:
        # from the day it comes into force: a trigger before it is a decoy's, made below
        first = max(first, start_of_day(rule.effective.from_, ctx.tz))
    last = min(start_of_day(ctx.end, ctx.tz), ctx.as_of) - timedelta(days=40)
    if not actors or last <= first:
        return
    _decoys(draw, ctx, rule, actions_of(rule.trigger.action)[0], as_party(rule.trigger.by), draft, new_id)
    count = draw(st.integers(0, 2))
    # a lone trigger's responses may be free (not linked by ref): each is then the first fitting
    # event after the trigger, which no other trigger of the rule can take first
    free = count == 1 and draw(st.booleans())
    same = {f for step in rule.steps for f in step.same} | set(
        rule.unless.same or () if rule.unless is not None else ()
    )
    for _ in range(count):
        when = _instant_between(draw, first, last)
        holders = _trigger_actors(ctx, as_party(rule.trigger.by), when)
        if not holders or not _in_force(ctx, rule, when):  # no one holds the role, or not in force
            continue
        trigger = Event(
            id=new_id(),
            time=when,
            actor=draw(st.sampled_from(holders)),
            action=actions_of(rule.trigger.action)[0],
            attributes=_meeting(draw, rule.trigger.where),
            seq=len(draft.events),
        )
        # the actors a step of this or another rule reading it is done by or addressed to through
        # the trigger ({trigger: subject}): named by the trigger, as an actor of the organisation
        # (with members of the relation the party names, if any)
        trigger = _as_read(draw, ctx, trigger)
        # what a response (`same`) or the unless event must share with the trigger: a subject of
        # its own (unless a step's party is the subject), and the recipient of the first such
        # step that names one
        if "subject" in same and trigger.subject is None:
            trigger = trigger._replace(subject=f"case-{trigger.id}")
        for step in rule.steps:
            to = as_party(step.to)
            if "recipient" in step.same and to is not None and to.actor is not None:
                trigger = trigger._replace(recipient=to.actor)
                break
        trigger = _as_read(draw, ctx, trigger)
        chain = _chain(draw, ctx, rule, trigger, new_id, len(draft.events) + 1)
        if chain is None:
            continue
        # free responses only where each has the fields its step wants the same as the trigger's
        linked = not free or any(
            getattr(response, f) != getattr(trigger, f)
            for step, (response, _, _) in zip(rule.steps, chain, strict=True)
            for f in step.same
        )
        if linked:
            chain = [(response._replace(ref=trigger.id), named, due) for response, named, due in chain]
        draft.events.extend([trigger, *(response for response, _, _ in chain)])
        draft.answered.add((rule.id, trigger.id))
        if rule.unless is not None:
            at = _shift(trigger.time, timedelta(seconds=30))
            # by the trigger's actor, or a party `by` names; to the trigger's recipient, or to `to`
            by, to = as_party(rule.unless.by), as_party(rule.unless.to)
            payers = _responders(ctx, by, trigger, at)  # in the organisation on that day
            payees = [trigger.recipient] if to is None else _responders(ctx, to, trigger, at)
            if payers and payees and all(due is not None for _, _, due in chain):
                cancel = Event(
                    id=new_id(),
                    time=at,
                    actor=draw(st.sampled_from(payers)),
                    action=actions_of(rule.unless.action)[0],
                    recipient=draw(st.sampled_from(payees)),
                    subject=trigger.subject,
                    attributes=_meeting(draw, rule.unless.where),
                )
                cancel = _as_read(draw, ctx, cancel)
                draft.slots["discharge"].append(
                    (
                        ExpectedFinding("discharged", rule.id, chain[0][1], trigger.id, 1),
                        lambda ev, x=cancel: [*ev, x],
                    )
                )
        number = len(rule.steps)
        response, named, due = chain[-1]
        if due is None:  # a response made later, or none, would need the year the calendar lacks
            continue
        step = rule.steps[-1]
        to = as_party(step.to)
        if due <= ctx.as_of:  # else the step is pending, not unanswered, without its response
            expected = ExpectedFinding("unanswered", rule.id, named, trigger.id, number)
            draft.slots["unanswered"].append((expected, lambda ev, v=response: [e for e in ev if e is not v]))
        late = _shift(due, timedelta(hours=1))
        # an hour later, done by a holder of the role that does it on that day (a role may change
        # hands at midnight) and sent to one that receives it then
        by = as_party(step.by)
        doer: str | None = response.actor
        if by is not None and by.role is not None:
            doers = _trigger_actors(ctx, by, late)
            doer = response.actor if response.actor in doers else draw(st.sampled_from(doers)) if doers else None
        elif not _active(ctx, response.actor, late.astimezone(ctx.tz).date()):
            doer = None  # it left the organisation in between: no late response of its is made
        still_addressed = to is None or to.role is None or response.recipient in _trigger_actors(ctx, to, late)
        if late <= ctx.as_of and doer is not None and still_addressed:
            draft.slots["late-response"].append(
                (
                    ExpectedFinding("late-response", rule.id, named, trigger.id, number),
                    lambda ev, v=response, t=late, a=doer: _replace(ev, v, time=t, actor=a),
                )
            )
        if (
            to is not None
            and response.recipient is not None
            and (linked or "recipient" not in step.same)
            and due <= ctx.as_of  # else misdirected, it may yet be sent right: pending
        ):
            # sent to someone other than the step's recipient (a free response must keep the
            # trigger's recipient to answer it at all)
            valid = {response.recipient, *_responders(ctx, to, trigger, response.time)}
            for elsewhere in [a for a in ("hq", "vp", "nobody") if a not in valid][:1]:
                draft.slots["recipient"].append(
                    (
                        ExpectedFinding("wrong-recipient", rule.id, named, trigger.id, number),
                        lambda ev, v=response, x=elsewhere: _replace(ev, v, recipient=x),
                    )
                )


def _chain(
    draw: st.DrawFn, ctx: Any, rule: TriggeredRule, trigger: Event, new_id: Callable[[], str], seq: int
) -> list[tuple[Event, str, datetime | None]] | None:
    """Each step's response to ``trigger``, done by whom the step names (on the day of the
    response, for a role), with the name a finding of the step gives (docs/rules.md: a
    relation's one member, or relation:NAME:ACTOR for several) and its due moment as the checker
    counts it (rolled, in workdays), or None where that needs a year the calendar lacks (the
    response is then made by the soonest it can be, which meets it however the year is counted);
    not linked by ``ref``. None where no one can answer a step: the chain cannot be met."""
    chain: list[tuple[Event, str, datetime | None]] = []
    previous = trigger
    for step in rule.steps:
        base = trigger.time if step.counted_from == "trigger" else previous.time
        due, sure = _step_due(ctx, base, step)
        latest = min(due, ctx.as_of, base + timedelta(hours=12))
        if latest < base:  # due, or past the audit moment, before it can be done
            return None
        at = _instant_between(draw, min(base + timedelta(minutes=1), latest), latest)
        by = as_party(step.by)
        responders = _responders(ctx, by, trigger, at)
        if not responders and (by is None or by.role is None):
            # the actor it names left the organisation in between: a minute after, if still in it
            at = min(base + timedelta(minutes=1), latest)
            responders = _responders(ctx, by, trigger, at)
        if not responders and by is not None and by.role is not None:
            # no one holds the role yet: the first day someone does, if before the due moment
            limit = min(due, ctx.as_of)
            while not responders and at < limit:
                at = min(start_of_day(at.astimezone(ctx.tz).date() + timedelta(days=1), ctx.tz), limit)
                responders = _responders(ctx, by, trigger, at)
        if not responders:
            return None
        to = as_party(step.to)
        if to is None:
            recipient = trigger.recipient if "recipient" in step.same else None
        else:  # whom the step is addressed to, named as a responder is (a case too, by the trigger)
            named = party_named(trigger, to.trigger) if to.trigger is not None and to.relation is None else None
            addressees = [named] if named is not None else _responders(ctx, to, trigger, at)
            if not addressees:
                return None
            recipient = draw(st.sampled_from(addressees))
        previous = Event(
            id=new_id(),
            time=at,
            actor=draw(st.sampled_from(responders)),
            action=actions_of(step.action)[0],
            recipient=recipient,
            subject=trigger.subject if "subject" in step.same else None,
            attributes=_meeting(draw, step.where),
            seq=seq + len(chain),
        )
        chain.append((_as_read(draw, ctx, previous), _responder_name(ctx, by, trigger), due if sure else None))
    return chain


def _step_due(ctx: Any, base: datetime, step: Step) -> tuple[datetime, bool]:
    """The due moment of ``step`` counted from ``base`` as the checker counts it, and True; or,
    where that needs a year the calendar has no holidays for, the soonest it can be, and False
    (`_counted`)."""
    due, uncounted = _counted(ctx, base, step.within, step.roll)
    return due, not uncounted


def _counted(ctx: Any, start: datetime, text: str, roll: str) -> tuple[datetime, bool]:
    """The moment ``text`` after ``start`` as the checker counts it (rolled to a workday under
    ``roll: next-workday``, in workdays), and False; or, where that needs a year the calendar
    has no holidays for, the soonest it can be (`govrules.checker._due_or_bound`), and True."""
    from govrules.checker import _due_or_bound

    due, note, _ = _due_or_bound(ctx, start, text, roll == "next-workday")
    return due, note is not None


def _reads(ctx: Any, rule: Rule, selector: Any, event: Event) -> bool:
    """Whether ``rule`` checks ``event`` through ``selector`` (the rule itself, or its trigger),
    as `_selects` says, done in the range by the audit moment."""
    return (
        ctx.start <= event.time.astimezone(ctx.tz).date() < ctx.end
        and event.time <= ctx.as_of
        and _selects(ctx, rule, selector, event)
    )


def _selects(ctx: Any, rule: Rule, selector: Any, event: Event) -> bool:
    """Whether ``selector``, a part of ``rule`` (`selectors`), picks ``event``: its action, on a
    day the rule is in force, meeting its ``where``, by its party where the party names an actor
    or a role (a recurring rule, and its extension, are done by whom it holds, ``who``; a party
    named through a trigger is taken to pick it)."""
    from govrules.checker import _where_matches

    by = (
        getattr(rule, "who", None) if isinstance(selector, RecurringRule | Extension) else getattr(selector, "by", None)
    )
    party = as_party(by)
    return (
        event.action in actions_of(selector.action)
        and _in_force(ctx, rule, event.time)
        and _where_matches(selector.where, event)
        and (party is None or party.trigger is not None or event.actor in _trigger_actors(ctx, party, event.time))
    )


def _as_read(draw: st.DrawFn, ctx: Any, event: Event) -> Event:
    """``event`` as the rules that read it need it, whichever rule's witness places it: naming
    the actors the steps of a chain it triggers are done by or addressed to, and with the content
    every content rule checking it requires (where `_satisfying` can make it)."""
    for rule in ctx.rules.rules:
        if isinstance(rule, TriggeredRule) and _reads(ctx, rule, rule.trigger, event):
            event = _naming_parties(draw, ctx, rule, event)
    for rule in ctx.rules.rules:  # then, if it still names no subject, a case its approvals share
        if (
            isinstance(rule, PrerequisiteRule)
            and rule.link == "subject"
            and event.subject is None
            and _reads(ctx, rule, rule, event)
        ):
            event = event._replace(subject=f"case-{event.id}")
    checking = [r for r in ctx.rules.rules if isinstance(r, ContentRule) and _reads(ctx, r, r, event)]
    for _ in range(3):  # what one schema adds may change what another asks for
        if all(_meets(r.schema_, event.as_record()) for r in checking):
            break
        for rule in checking:
            attributes = _satisfying(rule.schema_, event)
            if attributes is not None:
                event = event._replace(attributes=attributes)
    return event


def _satisfying(schema: Mapping[str, Any], event: Event) -> dict[str, Any] | None:
    """Attributes for ``event`` that meet a content rule's ``schema``, keeping those it has where
    the schema allows: made from the keywords that ask for something (`_satisfy`), then
    validated. None where that does not meet the schema, or would change a field other than the
    attributes."""
    record = event.as_record()
    made = _satisfy(schema, record)
    if not isinstance(made, dict) or any(made.get(k) != v for k, v in record.items() if k != "attributes"):
        return None
    if not _meets(schema, made):
        return None
    attributes = made.get("attributes", {})
    return attributes if isinstance(attributes, dict) else None


_ANY = object()
"""A value not yet there, which `_satisfy` makes from the schema alone."""


def _satisfy(schema: Any, value: Any) -> Any:
    """``value`` changed as little as it takes to meet what ``schema`` asks for through ``const``,
    ``enum``, ``type``, ``required``, ``properties``, ``contains``, ``minItems``, ``minLength``,
    ``minimum``, ``allOf`` and ``if``/``then``/``else``; other keywords are left to the
    validation that follows. ``value`` is `_ANY` where there is none yet."""
    if not isinstance(schema, Mapping):
        return "given" if value is _ANY else value
    if "const" in schema:
        return schema["const"]
    if schema.get("enum"):
        return value if value in schema["enum"] else schema["enum"][0]
    kind = schema.get("type")
    kind = kind[0] if isinstance(kind, list) and kind else kind
    if kind == "object" or any(k in schema for k in ("properties", "required")):
        made = dict(value) if isinstance(value, Mapping) else {}
        properties = schema.get("properties", {})
        for key in schema.get("required", []):
            if key not in made:
                made[key] = _satisfy(properties.get(key, {}), _ANY)
        for key, sub in properties.items():
            if key in made:
                made[key] = _satisfy(sub, made[key])
        value = made
    elif kind == "array" or any(k in schema for k in ("contains", "minItems")):
        items = list(value) if isinstance(value, list) else []
        wanted = schema.get("contains")
        if wanted is not None and not any(_meets(wanted, item) for item in items):
            items.append(_satisfy(wanted, _ANY))
        while len(items) < schema.get("minItems", 0):
            items.append(_satisfy(schema.get("items", {}), _ANY))
        value = items
    elif kind == "string" or "minLength" in schema:
        text = value if isinstance(value, str) else "given"
        value = text + "x" * max(0, schema.get("minLength", 0) - len(text))
    elif kind in ("integer", "number"):
        least = schema.get("minimum", 0)
        value = value if isinstance(value, int | float) and not isinstance(value, bool) and value >= least else least
    elif kind == "boolean":
        value = value if isinstance(value, bool) else True
    elif value is _ANY:
        value = "given"
    for _ in range(3):  # a member of allOf, or a branch, may change what `if` decides
        before = value
        for sub in schema.get("allOf", []):
            value = _satisfy(sub, value)
        if "if" in schema:
            branch = schema.get("then" if _meets(schema["if"], value) else "else")
            if branch is not None:
                value = _satisfy(branch, value)
        if value == before:
            break
    return value


def _meets(schema: Any, value: Any) -> bool:
    """Whether ``value`` is valid under ``schema`` (JSON Schema 2020-12, as content rules are)."""
    return bool(_validator(json.dumps(schema, sort_keys=True)).is_valid(value))


@lru_cache(maxsize=256)
def _validator(schema: str) -> Any:
    """The validator of a schema (given as its JSON text), made once: making one costs more than
    most validations."""
    from jsonschema import Draft202012Validator

    return Draft202012Validator(json.loads(schema))


def _naming_parties(draw: st.DrawFn, ctx: Any, rule: TriggeredRule, trigger: Event) -> Event:
    """``trigger`` naming, in its subject, its recipient or an attribute, an actor for each step
    done by or addressed to that field of the trigger: an actor of the organisation active on the
    trigger's day (one with members of the relation, where the party names a relation), and
    none the trigger's actor relates to (the other member of a pair would put the event in that
    pair's stream too). An attribute the trigger has already is left as it is."""
    day = trigger.time.astimezone(ctx.tz).date()
    actor = ctx.org.actor(trigger.actor)
    related = {m for relation in actor.relations for m in actor.members(relation)} if actor is not None else set()
    for step in rule.steps:
        for party in (as_party(step.by), as_party(step.to)):
            if party is None or party.trigger is None or party.trigger == "actor":
                continue
            if party_named(trigger, party.trigger) is not None:
                continue
            attribute = party.trigger.removeprefix(ATTRIBUTE_FIELD)
            if attribute != party.trigger and attribute in trigger.attributes:
                continue
            named = sorted(
                a.id
                for a in ctx.org.actors
                if (a.active is None or a.active.contains(day))
                and (party.relation is None or a.relations.get(party.relation))
                and a.id not in related
                and a.id not in (trigger.subject, trigger.recipient)
            )
            if named and attribute != party.trigger:
                trigger = trigger._replace(attributes={**trigger.attributes, attribute: draw(st.sampled_from(named))})
            elif named:
                trigger = trigger._replace(**{party.trigger: draw(st.sampled_from(named))})
    return trigger


def _responders(ctx: Any, by: Party | None, trigger: Event, when: datetime) -> list[str]:
    """Who may do a step ``by`` names for ``trigger`` at ``when``, as the checker decides
    (`_Run.party_matches`): the trigger's actor by default, an actor the trigger names or a
    member of its relation, the named actor, or a holder of the role on that day, each only on a
    day it is in the organisation (its `active` dates). None where the trigger names no actor of
    the organisation (a subject that is a case), or none of them is in it that day."""
    day = when.astimezone(ctx.tz).date()
    if by is None:
        return [trigger.actor] if _active(ctx, trigger.actor, day) else []
    if by.trigger is not None:
        named = party_named(trigger, by.trigger)
        if named is None or ctx.org.actor(named) is None:
            return []
        if by.relation is None:
            return [named] if _active(ctx, named, day) else []
        return sorted(m for m in _members(ctx, named, by.relation, day) if _active(ctx, m, day))
    if by.actor is not None or by.role is not None:
        return _trigger_actors(ctx, by, when)
    return []


def _responder_name(ctx: Any, by: Party | None, trigger: Event) -> str:
    """The actor a finding of a step done ``by`` a party names, as the checker's
    `_expected_actor` does: ``role:NAME`` for a role, ``relation:NAME:ACTOR`` for a relation of
    several members."""
    if by is None:
        return trigger.actor
    if by.trigger is not None:
        named = party_named(trigger, by.trigger)
        if by.relation is not None and named is not None:
            members = _members(ctx, named, by.relation)
            return members[0] if len(members) == 1 else f"relation:{by.relation}:{named}"
        return named or trigger.actor
    if by.actor is not None:
        return by.actor
    return f"role:{by.role}" if by.role else trigger.actor


def _witness_guarded(
    draw: st.DrawFn,
    ctx: Any,
    rule: PrerequisiteRule | ContentRule | ForbiddenRule,
    draft: _Draft,
    new_id: Callable[[], str],
    mutation: str,
) -> None:
    actors = _trigger_actors(ctx, as_party(rule.by))
    first = start_of_day(ctx.start, ctx.tz) + timedelta(days=2)
    last = min(start_of_day(ctx.end, ctx.tz), ctx.as_of) - timedelta(minutes=1)  # inside the range
    if not actors or last <= first:
        return
    action = actions_of(rule.action)[0]
    if isinstance(rule, ContentRule) and not rule.where and _read_elsewhere(ctx, rule, action):
        return  # the other rules' witnesses place these events, with content (`_content_slots`)
    _decoys(draw, ctx, rule, action, as_party(rule.by), draft, new_id)
    for _ in range(draw(st.integers(0 if mutation != "forbidden" else 1, 2))):
        when = _instant_between(draw, first, last)
        holders = _trigger_actors(ctx, as_party(rule.by), when)
        if not holders or not _in_force(ctx, rule, when):  # no one holds the role, or not in force
            continue
        actor = draw(st.sampled_from(holders))
        if mutation == "forbidden":
            extra = Event(id=new_id(), time=when, actor=actor, action=action, seq=10**6)
            draft.slots["forbidden"].append(
                (ExpectedFinding("forbidden", rule.id, actor, extra.id), lambda ev, x=extra: [*ev, x])
            )
            continue
        guarded_id = new_id()
        if isinstance(rule, PrerequisiteRule):
            guarded = Event(id=guarded_id, time=when, actor=actor, action=action, attributes=_meeting(draw, rule.where))
            _witness_approved(draw, ctx, rule, draft, new_id, guarded)
        elif isinstance(rule, ContentRule):
            guarded = _as_read(
                draw,
                ctx,
                Event(
                    id=guarded_id,
                    time=when,
                    actor=actor,
                    action=action,
                    attributes=_meeting(draw, rule.where),
                    seq=len(draft.events),
                ),
            )
            draft.events.append(guarded)
            stripped = _stripped(ctx, rule, guarded)
            if stripped is not None:
                draft.slots["strip-topic"].append(
                    (
                        ExpectedFinding("missing-content", rule.id, actor, guarded_id),
                        lambda ev, v=guarded, a=stripped: _replace(ev, v, attributes=a),
                    )
                )


def _stripped(ctx: Any, rule: ContentRule, event: Event) -> dict[str, Any] | None:
    """``event``'s attributes with content ``rule`` requires taken away, and nothing another
    content rule checking it requires, nor what ``rule``'s ``where`` selects it by: one attribute
    less, else all of them but those; None where neither does."""
    kept = {k: v for k, v in event.attributes.items() if k in rule.where}
    candidates = [{k: v for k, v in event.attributes.items() if k != key} for key in event.attributes]
    others = [r for r in ctx.rules.rules if isinstance(r, ContentRule) and r is not rule and _reads(ctx, r, r, event)]
    for attributes in [*candidates, kept | {"topics": ["other"]}]:
        record = event.as_record() | {"attributes": attributes}
        if (
            _reads(ctx, rule, rule, event._replace(attributes=attributes))
            and not _meets(rule.schema_, record)
            and all(_meets(other.schema_, record) for other in others)
        ):
            return attributes
    return None


def _read_elsewhere(ctx: Any, rule: Rule, action: str) -> list[Any]:
    """The selectors of the rules other than ``rule``, content rules aside, that read ``action``
    (a recurring rule's action, a trigger, a step, a requirement...)."""
    return [
        selector
        for other in ctx.rules.rules
        if other is not rule and not isinstance(other, ContentRule)
        for selector in selectors(other)
        if action in actions_of(selector.action)
    ]


def _readers_of(ctx: Any, rule: Rule | None, event: Event) -> list[Any]:
    """The selectors of `_read_elsewhere` that pick ``event`` (`_selects`)."""
    return [
        selector
        for other in ctx.rules.rules
        if other is not rule and not isinstance(other, ContentRule)
        for selector in selectors(other)
        if _selects(ctx, other, selector, event)
    ]


def _content_slots(ctx: Any, draft: _Draft) -> None:
    """`strip-topic` for a content rule whose events other rules' witnesses place (with the
    content it asks, `_as_read`): on a few of them, where taking the content away changes
    nothing another rule selects them by."""
    from govrules.checker import _where_matches

    for rule in ctx.rules.rules:
        if not isinstance(rule, ContentRule):
            continue
        others = _read_elsewhere(ctx, rule, actions_of(rule.action)[0])
        if not others:
            continue
        for event in list(draft.events):
            if not _reads(ctx, rule, rule, event) or not _meets(rule.schema_, event.as_record()):
                continue
            stripped = _stripped(ctx, rule, event)
            if stripped is None:
                continue
            changed = event._replace(attributes=stripped)
            readers = _readers_of(ctx, rule, event)
            if any(_where_matches(sel.where, changed) != _where_matches(sel.where, event) for sel in readers):
                continue
            draft.slots["strip-topic"].append(
                (
                    ExpectedFinding("missing-content", rule.id, event.actor, event.id),
                    lambda ev, v=event, a=stripped: _replace(ev, v, attributes=a),
                )
            )
            break  # one such mutation a rule, beside those of the rules that place its events


def _witness_approved(
    draw: st.DrawFn,
    ctx: Any,
    rule: PrerequisiteRule,
    draft: _Draft,
    new_id: Callable[[], str],
    guarded: Event,
    depth: int = 0,
) -> Event | None:
    """A guarded event with one approval per requirement, each linked to it by ``ref`` (the
    guarded event naming the first, the others naming the guarded event) or by a subject (its
    own, or the one it already has), as the rule links them, and of an age the rule accepts. An
    approval that another prerequisite rule guards gets approvals of its own. The guarded event
    as placed, or None (nothing placed) where no one can approve it."""
    mark, marks = len(draft.events), {m: len(slots) for m, slots in draft.slots.items()}

    def abandon() -> None:
        del draft.events[mark:]
        for m, n in marks.items():
            del draft.slots[m][n:]

    when = guarded.time
    ages = _approval_times(ctx, rule, when)
    if ages is None:
        return None
    guarded = _as_read(draw, ctx, guarded)  # naming whom a chain it triggers needs, before a case
    earliest, latest = ages
    subject = guarded.subject or f"case-{guarded.id}"
    approvals: list[Event] = []
    approved_themselves: list[Event] = []
    for requirement in rule.requires:
        by_ref = rule.link == "ref" or (rule.link == "ref-or-subject" and draw(st.booleans()))
        approved = _instant_between(draw, earliest, latest)
        approvers = _approvers(ctx, as_party(requirement.by), guarded, approved)
        if not approvers:  # no one holds the approving role that day: no case here
            abandon()
            return None
        approval = Event(
            id=new_id(),
            time=approved,
            actor=draw(st.sampled_from(approvers)),
            action=actions_of(requirement.action)[0],
            attributes=_meeting(draw, requirement.where),
            subject=None if by_ref else subject,
            seq=len(draft.events),
        )
        if by_ref and guarded.ref is None:
            guarded = guarded._replace(ref=approval.id)
        elif by_ref:
            approval = approval._replace(ref=guarded.id)
        if not by_ref:
            guarded = guarded._replace(subject=subject)
        guarding = _guarding(ctx, approval) if depth < 3 else None
        if guarding is None:
            approval = _as_read(draw, ctx, approval)
            draft.events.append(approval)
        else:  # a guarded event itself: approved as its rule wants, and placed with its approvals
            placed = _witness_approved(draw, ctx, guarding, draft, new_id, approval, depth + 1)
            if placed is None:
                abandon()
                return None
            approval = placed
            approved_themselves.append(approval)
        approvals.append(approval)
    guarded = _as_read(draw, ctx, guarded._replace(seq=len(draft.events)))
    draft.events.append(guarded)
    draft.answered.add((rule.id, guarded.id))
    expected = ExpectedFinding("unapproved", rule.id, guarded.actor, guarded.id)
    # the approvals to take away or to age: one where all are needed, else every one
    touched = [draw(st.sampled_from(approvals))] if rule.mode == "all" else approvals
    draft.slots["unapproved"].append((expected, lambda ev, t=touched: [e for e in ev if e not in t]))
    refusing = [_failing(rule.requires[approvals.index(a)].where) for a in touched]
    if all(attributes is not None for attributes in refusing):
        # a decision the requirement's where does not accept (rejected): no approval
        refusal = {a.id: attributes for a, attributes in zip(touched, refusing, strict=True)}

        def refused(events: list[Event], r: dict[str, Any] = refusal) -> list[Event]:
            return [e._replace(attributes=r[e.id]) if e.id in r else e for e in events]

        draft.slots["attribute"].append((expected, refused))
    moved = _badly_aged(ctx, rule, when, latest)
    if moved is not None and not any(a in approved_themselves for a in touched):
        # too old for the lookback, or too recent for the minimum age (an approval with
        # approvals of its own is left where they make it approved)

        def age(events: list[Event], t: list[Event] = touched, moved: datetime = moved) -> list[Event]:
            return [e._replace(time=moved) if e in t else e for e in events]

        draft.slots["approval-age"].append((expected, age))
    return guarded


def _guarding(ctx: Any, event: Event) -> PrerequisiteRule | None:
    """The prerequisite rule of the set that checks ``event`` as a guarded event (`_selects`),
    done in the range, if any."""
    if not ctx.start <= event.time.astimezone(ctx.tz).date() < ctx.end:
        return None
    return next((r for r in ctx.rules.rules if isinstance(r, PrerequisiteRule) and _selects(ctx, r, r, event)), None)


def _approval_times(ctx: Any, rule: PrerequisiteRule, when: datetime) -> tuple[datetime, datetime] | None:
    """The instants an approval of an event at ``when`` is drawn between: 1 minute to 2 days
    before it without an age limit; else old enough for the minimum age (up to twice as old) and
    fresh for the lookback (no older than two thirds of it, where the minimum age leaves room),
    as the checker measures ages (`Context.earliest`, `Context.deadline`). None where no instant
    is both old enough and fresh."""
    if rule.min_age is None and rule.lookback is None:
        return when - timedelta(days=2), when - timedelta(minutes=1)
    latest = when - timedelta(minutes=1)
    lowest: datetime | None = None
    if rule.min_age is not None:
        age = rule.min_age
        aged = _last_back(lambda t: ctx.earliest(t, age) <= when, latest)
        if aged is None:
            return None
        latest, lowest = aged, _shift(aged, -(when - aged))
    if rule.lookback is not None:
        oldest = _oldest_fresh(ctx, rule, when)
        if oldest is not None:
            if oldest > latest:
                return None
            fresh = _shift(oldest, (when - oldest) / 3)
            fresh = fresh if fresh <= latest else oldest
            lowest = fresh if lowest is None else max(lowest, fresh)
    return (_shift(when, -timedelta(days=2)) if lowest is None else lowest), latest


def _oldest_fresh(ctx: Any, rule: PrerequisiteRule, when: datetime) -> datetime | None:
    """The oldest whole minute before ``when`` an approval may be made at for the rule's lookback,
    rolled to a workday as the rule rolls it (None if it reaches back more than 200 years)."""
    from govrules.checker import _lookback_reaches

    stale = _last_back(lambda t: not _lookback_reaches(ctx, rule, t, when), when)
    return None if stale is None else _shift(stale, timedelta(minutes=1))


def _badly_aged(ctx: Any, rule: PrerequisiteRule, when: datetime, latest: datetime) -> datetime | None:
    """An instant an approval of an event at ``when`` is too old for the lookback at (as far
    again before the oldest fresh instant as half the lookback: 45 days for 30 days), else too
    recent for the minimum age at (an hour before, or half way to the latest old enough); None
    for a rule without either or where the checker would still accept it."""
    from govrules.checker import _lookback_reaches

    if rule.lookback is not None:
        oldest = _oldest_fresh(ctx, rule, when)
        if oldest is None:
            return None
        moved = _shift(oldest, -(when - oldest) / 2)
        return moved if not _lookback_reaches(ctx, rule, moved, when) else None
    if rule.min_age is not None:
        moved = max(_shift(when, -timedelta(hours=1)), _shift(latest, (when - latest) / 2))
        return moved if ctx.earliest(moved, rule.min_age) > when else None
    return None


def _shift(when: datetime, by: timedelta) -> datetime:
    """``when`` moved by ``by`` of elapsed time (not of wall-clock time), in its own zone."""
    return (when.astimezone(UTC) + by).astimezone(when.tzinfo)


def _last_back(holds: Callable[[datetime], bool], start: datetime) -> datetime | None:
    """The latest whole minute back from ``start`` at which ``holds`` does, for a condition that
    holds of every instant before one at which it holds (an age); None if not within 200 years."""
    if holds(start):
        return start
    fails, meets = 0, 1440  # in minutes back
    while not holds(_shift(start, -timedelta(minutes=meets))):
        fails, meets = meets, meets * 2
        if meets > 200 * 366 * 1440:
            return None
    while meets - fails > 1:
        middle = (fails + meets) // 2
        if holds(_shift(start, -timedelta(minutes=middle))):
            meets = middle
        else:
            fails = middle
    return _shift(start, -timedelta(minutes=meets))


def _meeting(draw: st.DrawFn, where: Mapping[str, Any]) -> dict[str, Any]:
    """Attributes that meet ``where``: for one of `_FILTERS`, in one of the forms a log gives; for
    a condition of a rule set's own, each value as the rule writes it (the first of a list)."""
    for condition, meets, _ in _FILTERS:
        if condition == where:
            ((key, _),) = where.items()
            return {key: draw(st.sampled_from(meets))}
    return {key: _a_value_meeting(wanted) for key, wanted in where.items()}


def _a_value_meeting(wanted: Any) -> Any:
    """A value that meets one condition of ``where``: the first of a list, a number within a
    comparison's bounds (a bound ``gte``/``lte`` itself, else between the bounds, else one past
    the bound), the value itself otherwise."""
    if isinstance(wanted, list):
        return wanted[0] if wanted else wanted
    if not isinstance(wanted, dict):
        return wanted
    low = max((wanted[k] for k in ("gt", "gte") if k in wanted), default=None)
    high = min((wanted[k] for k in ("lt", "lte") if k in wanted), default=None)
    for k in ("gte", "lte"):  # a closed bound meets itself where the other bounds allow it
        if k in wanted and (low is None or wanted[k] >= low) and (high is None or wanted[k] <= high):
            value = wanted[k]
            if ("gt" not in wanted or value > wanted["gt"]) and ("lt" not in wanted or value < wanted["lt"]):
                return value
    if low is not None and high is not None:
        return (low + high) / 2
    return low + 1 if low is not None else high - 1  # type: ignore[operator]  # one bound at least


def _failing(where: Mapping[str, Any]) -> dict[str, Any] | None:
    """Attributes that do not meet ``where`` (one of `_FILTERS`); None for another condition."""
    for condition, _, fails in _FILTERS:
        if condition == where:
            ((key, _),) = where.items()
            return {key: fails}
    return None


def _in_force(ctx: Any, rule: Rule, when: datetime) -> bool:
    """Whether ``rule`` is in force on the local day of ``when``."""
    return rule.effective is None or rule.effective.contains(when.astimezone(ctx.tz).date())


def _decoys(
    draw: st.DrawFn, ctx: Any, rule: Rule, action: str, party: Party | None, draft: _Draft, new_id: Callable[[], str]
) -> None:
    """For a rule in force for part of the year, events it would check, made on the local day
    just before it comes into force or just after it ends, with nothing to answer, approve or
    excuse them: a rule not in force that day must make nothing of them. None on a day another
    rule of the set reading the action is in force (the other version of a clause, whose dates
    follow on): that rule would check them."""
    effective = rule.effective
    if effective is None:
        return
    others = [r for r in ctx.rules.rules if r is not rule and any(action in actions_of(s.action) for s in selectors(r))]
    days = [
        d
        for d in (
            effective.from_ and effective.from_ - timedelta(days=1),
            effective.to and effective.to + timedelta(days=1),
        )
        if d and not any(r.effective is None or r.effective.contains(d) for r in others)
    ]
    for day in days:
        for _ in range(draw(st.integers(0, 2))):
            when = _instant_between(
                draw, start_of_day(day, ctx.tz), start_of_day(day + timedelta(days=1), ctx.tz) - timedelta(minutes=1)
            )
            holders = _trigger_actors(ctx, party, when)
            if holders and when <= ctx.as_of:
                actor = draw(st.sampled_from(holders))
                draft.events.append(Event(id=new_id(), time=when, actor=actor, action=action, seq=len(draft.events)))


def _witness_rolling(draw: st.DrawFn, ctx: Any, rule: RecurringRule, draft: _Draft, new_id: Callable[[], str]) -> None:
    """For each holder of the rule's role, events 25 to 40 days apart (closer than the longest gap
    allowed) from the day its clock starts, the last one after the range, by which every gap
    starting in the range is closed. Taking one away leaves a gap of at least 50 days: the next
    event is late for it, or, for the last, the gap is missing once due."""
    who = as_party(rule.who)
    if who is None or who.role is None or rule.max_gap is None:
        return
    gap = rule.max_gap
    range_end = start_of_day(ctx.end, ctx.tz)
    for holder in sorted(ctx.org.holders(who.role), key=lambda a: a.id):
        spans = (rule.effective, holder.active, holder.role_span(who.role))
        # the days the rule, the actor and its role began to apply
        began = [span.from_ for span in spans if span is not None and span.from_ is not None]
        ends = [span.end_exclusive for span in spans if span is not None and span.end_exclusive is not None]
        clock = start_of_day(max([ctx.start, *began]), ctx.tz)
        # the clock stops when the rule, the actor or its role ends: later events count for nothing
        stop = start_of_day(min(ends), ctx.tz) if ends else None
        if clock >= range_end:
            continue

        def place(when: datetime, holder_id: str = holder.id) -> Event:
            event = Event(
                id=new_id(),
                time=when,
                actor=holder_id,
                action=actions_of(rule.action)[0],
                attributes=_meeting(draw, rule.where),
                seq=len(draft.events),
            )
            draft.events.append(_as_read(draw, ctx, event))
            return draft.events[-1]

        when = clock
        if began and max(began) < ctx.start:
            # the rule applied before the range: the gap open when the clock starts opened on the
            # day it began to apply, long before, unless an event of the actor's before the range
            # opened it. One such event, 1 to 20 days before the range (and not before that day),
            # opens it; it is no event to take away.
            when = max(start_of_day(max(began), ctx.tz), clock - timedelta(days=draw(st.integers(1, 20))))
            place(when)
        opened = when
        placed: list[Event] = []
        while not placed or placed[-1].time < range_end:
            when = (when.astimezone(UTC) + timedelta(days=draw(st.integers(25, 40)))).astimezone(ctx.tz)
            if when > ctx.as_of or (stop is not None and when >= stop):
                break  # (an event after the actor ends would be said, as an unknown actor's is)
            placed.append(place(when))
        counted = [e for e in placed if stop is None or e.time < stop]
        for k, victim in enumerate(counted):
            anchor = opened if k == 0 else counted[k - 1].time
            if anchor >= range_end:
                break
            due, uncounted = _counted(ctx, anchor, gap, rule.roll)
            if uncounted:  # the gap needs a year the calendar lacks: so would a verdict without the event
                continue
            label = f"{anchor.astimezone(ctx.tz).date().isoformat()}/{due.astimezone(ctx.tz).date().isoformat()}"
            if k + 1 < len(counted) and counted[k + 1].time > due:
                code = "late"  # the next event comes after the gap the lost one closed
            elif k + 1 == len(counted) and (stop is None or due < stop) and due <= ctx.as_of:
                code = "missing"  # no event after it closes the gap, which falls due while owed
            else:
                continue
            draft.slots["drop"].append(
                (ExpectedFinding(code, rule.id, holder.id, label), lambda ev, v=victim: [e for e in ev if e is not v])
            )
