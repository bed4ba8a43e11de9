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

import string
from collections.abc import Callable, Collection, Iterator
from datetime import date, timedelta
from functools import cache
from typing import Any

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from govrules.model import (
    RULE_KINDS,
    Actor,
    CalendarPeriod,
    Clause,
    ContentRule,
    DateRange,
    EventFilter,
    Exemption,
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
    Requirement,
    RoleGrant,
    Rule,
    RuleSet,
    Step,
    Trigger,
    TriggeredRule,
    Window,
)

__all__ = ["organisations", "rule_sets", "rules"]

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
    """Short text of any characters but surrogates (control characters and CJK included)."""
    return st.text(st.characters(codec="utf-8"), min_size=min_size, max_size=max_size)


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
    keys = st.from_regex(r"[a-z][a-z0-9_]{0,7}", fullmatch=True)
    return st.dictionaries(keys, _scalars() | st.lists(_scalars(), max_size=3), max_size=2)


@cache
def _actions() -> st.SearchStrategy[str | list[str]]:
    return _ids() | st.lists(_ids(), min_size=1, max_size=3)


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
            options.append(st.builds(Party, trigger=st.sampled_from(["actor", "subject", "recipient"])))
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


def _unless(draw: st.DrawFn) -> EventFilter | None:
    if not draw(st.booleans()):
        return None
    same = draw(_SAME)
    return EventFilter(**_filters(draw), to=draw(_optional(_parties("id", "role"))), same=same)


_EVERY = (
    st.sampled_from(["month", "day", "week", "quarter", "half-year", "year"])
    | st.builds(FiscalYear, year_starting=st.integers(1, 12))
    | st.builds(NamedCalendar, calendar=_ids())
    | st.builds(Recurrence, rrule=st.sampled_from(_RRULES), start=_days())
)


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
        "unless": _unless(draw),
    }
    if draw(st.integers(0, 4)) == 0:
        fields["max_gap"] = draw(durations)
    else:
        fields["every"] = draw(_EVERY)
        fields["window"] = draw(_optional(_windows(durations)))
        fields["due_after"] = draw(_optional(durations))
        fields["exempt_periods"] = draw(st.lists(st.sampled_from(["Q4", "2024-12", "H2", "2025"]), max_size=2))
    return RecurringRule(**_base(draw), **fields)


_SAME = st.lists(st.sampled_from(["actor", "subject", "recipient"]), unique=True, max_size=2)


@cache
def _steps(durations: st.SearchStrategy[str]) -> st.SearchStrategy[list[Step]]:
    step = st.builds(
        Step,
        action=_actions(),
        where=_wheres(),
        by=_optional(_parties("id", "role", "trigger")),
        to=_optional(_parties("id", "actor", "role", "trigger")),
        within=durations,
        counted_from=st.sampled_from(["previous", "trigger"]),
        same=_SAME,
        roll=st.sampled_from(["none", "next-workday"]),
    )
    return st.lists(step, min_size=1, max_size=3)


def _triggered(draw: st.DrawFn, durations: st.SearchStrategy[str]) -> TriggeredRule:
    trigger = Trigger(action=draw(_actions()), by=draw(_optional(_parties("id", "role"))), where=draw(_wheres()))
    steps = draw(_steps(durations))
    return TriggeredRule(**_base(draw), kind="triggered", trigger=trigger, steps=steps, unless=_unless(draw))


_REQUIREMENTS = st.lists(
    st.builds(Requirement, action=_actions(), by=_optional(_parties("id", "role")), where=_wheres()),
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

    Durations are concrete ("7 days", "P2W", "5 workdays"); glossary terms appear only in
    `rule_sets`, whose glossary defines them. Roles, relations and actors are made-up ids,
    so cross-checking against an organisation is not part of what "valid" means here.

    Args:
        kinds: the rule kinds to draw (``recurring``, ``triggered``, ``prerequisite``,
            ``content``, ``forbidden``, ``informative``); all of them by default.

    Returns:
        A strategy of `govrules.model.Rule` values; shrinks towards a recurring rule.

    Raises:
        hypothesis.errors.InvalidArgument: an unknown kind, or no kind.
    """

    def build() -> st.SearchStrategy[Rule]:
        return _rule_strategy(_check_kinds(kinds), _concrete_durations(workdays=True))

    return st.deferred(build)


def rule_sets(
    *, min_size: int = 0, max_size: int | None = None, kinds: Collection[str] | None = None
) -> st.SearchStrategy[RuleSet]:
    """Valid rule sets: a header (zone, calendar, month policy, glossary, clauses) and rules.

    The rules have unique ids; when the rule set lists its ``clauses``, every rule's clause is
    among them; every glossary term a rule uses is defined; a rule set that counts workdays
    or rolls deadlines names a business-day calendar.

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
        needs_calendar = _uses_workdays(header)
        calendar = draw(_CALENDAR_NAMES if needs_calendar else _optional(_CALENDAR_NAMES))
        return header.model_copy(update={"calendar": calendar})

    return build()


def _uses_workdays(rule_set: RuleSet) -> bool:
    from govrules.durations import Unit

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
        if key in ("within", "max_gap", "due_after", "accept_late", "lookback", "min_age", "first", "last") and (
            isinstance(value, str) and rule_set.duration(value).unit is Unit.WORKDAYS
        ):
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

        def members() -> list[str]:
            return list(dict.fromkeys(ids[i % len(ids)] for i in draw(_MEMBER_INDEXES)))

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
