"""The rule set and organisation models: frozen pydantic v2 models that reject unknown keys.

A rule is one of six kinds, a discriminated union on ``kind``: ``recurring``, ``triggered``,
``prerequisite``, ``content``, ``forbidden``, ``informative``. The file syntax is documented,
with an example of each kind, in docs/rules.md. Durations are kept as written ("7 days",
"P7D", or a glossary term such as ``promptly``) and resolved with `RuleSet.duration`.
"""

from __future__ import annotations

import difflib
import math
import re
from collections import Counter
from collections.abc import Collection, Iterable, Iterator
from datetime import date, datetime, timedelta
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError
from typing_extensions import TypedDict

from govrules.durations import DURATION_SYNTAX, Duration, MonthPolicy, parse_duration
from govrules.errors import InvalidArgument, PeriodError
from govrules.periods import parse_rrule

__all__ = [
    "Actor",
    "AdjustedCalendar",
    "CalendarDay",
    "CalendarPeriod",
    "Clause",
    "ContentRule",
    "DateRange",
    "EventRecord",
    "Exemption",
    "Extension",
    "FiscalYear",
    "ForbiddenRule",
    "GlossaryEntry",
    "InformativeRule",
    "NamedCalendar",
    "Organisation",
    "Party",
    "PrerequisiteRule",
    "Recurrence",
    "RecurringRule",
    "Requirement",
    "RoleGrant",
    "Rule",
    "RuleSet",
    "Step",
    "Trigger",
    "TriggeredRule",
    "Window",
]

_ID = r"^[A-Za-z0-9][A-Za-z0-9._:/-]*$"
Id = Annotated[str, Field(pattern=_ID, min_length=1, max_length=200)]
_LANG = r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$"
Lang = Annotated[str, Field(pattern=_LANG)]
Text = str | Annotated[dict[Lang, str], Field(min_length=1)]
"""Text in one language, or a mapping from language tags to text (``{zh: ..., en: ...}``)."""
Scalar = str | int | float | bool
Severity = Literal["violation", "warning"]


def _invalid(code: str, message: str, *, at: str | None = None) -> PydanticCustomError:
    """A validation error with a stable kebab-case code (the loader reports it as the problem code).

    ``at`` names the key of the validated mapping that the problem is about (a model validator
    sees the whole mapping; the loader appends ``at`` to the pointer so the problem points at the key).
    """
    context = {"at": at} if at else None
    # pydantic fills in only ``{key}`` for the keys of ``context`` (``at``), and leaves other
    # braces as written, doubled ones too: the message goes as it is
    return PydanticCustomError(code, message, context)


def _a_number(value: Any) -> Any:
    """A number as a rule file writes it (2, or 2.0 as JSON may): ``true`` or ``"2"`` is not one,
    though pydantic would read them as 1 and 2."""
    if isinstance(value, bool | str):
        raise PydanticCustomError("int_type", "Input should be a valid integer")
    return value


def _check_zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise _invalid("bad-timezone", f"expected an IANA time zone such as 'Asia/Shanghai', got {name!r}") from None
    return name


Zone = Annotated[str, AfterValidator(_check_zone)]

_TERM = re.compile(r"^[a-z][a-z0-9_-]*$")


def _check_duration_text(text: str) -> str:
    try:
        parse_duration(text)
    except ValueError as exc:
        if _TERM.match(text):
            return text  # a glossary term; RuleSet checks that it is defined
        detail = "" if str(exc).startswith("expected") else f" ({exc})"
        raise _invalid(
            "bad-duration", f"expected {DURATION_SYNTAX}, or the name of a glossary term, got {text!r}{detail}"
        ) from None
    return text


def _check_concrete_duration(text: str) -> str:
    try:
        parse_duration(text)
    except ValueError as exc:
        detail = "" if str(exc).startswith("expected") else f" ({exc})"
        raise _invalid(
            "bad-duration",
            f"expected {DURATION_SYNTAX} (a glossary entry gives a duration, not another term), got {text!r}{detail}",
        ) from None
    return text


DurationText = Annotated[
    str,
    AfterValidator(_check_duration_text),
    Field(
        description="A duration ('7 days', '72 hours', '5 workdays', '1 month', 'P7D', 'end of year') "
        "or the name of a glossary term ('promptly').",
        examples=["7 days", "72 hours", "5 workdays", "P1M", "promptly"],
    ),
]


ConcreteDurationText = Annotated[
    str,
    AfterValidator(_check_concrete_duration),
    Field(
        description="A duration ('7 days', '72 hours', '5 workdays', '1 month', 'P7D', 'end of year').",
        examples=["1 day", "7 days", "5 workdays"],
    ),
]


def text_in(text: Text | None, lang: str, fallback: str = "") -> str:
    """``text`` in language ``lang``, else in English, else in its first language."""
    if text is None:
        return fallback
    if isinstance(text, str):
        return text
    return text.get(lang) or text.get("en") or next(iter(text.values()), fallback)


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    def __eq__(self, other: object) -> bool:
        """Equal when of the same type with equal fields.

        Private attributes (a loaded file's source map, an actor index built on first use) are
        not compared: a rule set loaded from a file equals the same rule set built in code.
        """
        if not isinstance(other, BaseModel):
            return NotImplemented
        return (
            type(self) is type(other)
            and self.__dict__ == other.__dict__
            and self.__pydantic_extra__ == other.__pydantic_extra__
        )

    __hash__ = BaseModel.__hash__


class DateRange(_Model):
    """Dates from ``from`` to ``to``, both inclusive; either end may be open."""

    from_: date | None = Field(default=None, alias="from")
    to: date | None = None

    @model_validator(mode="after")
    def _ordered(self) -> DateRange:
        if self.from_ and self.to and self.to < self.from_:
            raise _invalid("bad-range", f"expected 'to' on or after 'from' ({self.from_}), got {self.to}", at="to")
        return self

    def contains(self, day: date) -> bool:
        """Whether ``day`` lies inside the range."""
        return (self.from_ is None or self.from_ <= day) and (self.to is None or day <= self.to)

    def overlaps(self, start: date, end: date) -> bool:
        """Whether the range shares a day with the half-open ``[start, end)``."""
        return (self.from_ is None or self.from_ < end) and (self.to is None or self.to >= start)

    @property
    def end_exclusive(self) -> date | None:
        """The first day after the range, or ``None`` when open-ended."""
        return None if self.to is None else self.to + timedelta(days=1)

    @staticmethod
    def hull(spans: Collection[DateRange]) -> DateRange:
        """The dates from the first day of ``spans`` to the last (a break between them is not
        left out; an end any of them leaves open stays open, as it does for none)."""
        first = None if any(s.from_ is None for s in spans) else min((s.from_ for s in spans if s.from_), default=None)
        last = None if any(s.to is None for s in spans) else max((s.to for s in spans if s.to), default=None)
        return DateRange(from_=first, to=last)


# ---------------------------------------------------------------------------------------------
# Parties and filters


ATTRIBUTE_FIELD = "attributes."
"""How a party's ``trigger`` names an attribute of the trigger event: ``attributes.applicant``."""

TRIGGER_FIELDS = ("actor", "subject", "recipient")


def _check_trigger_field(text: str) -> str:
    """A party's ``trigger``: an event field naming a party, or ``attributes.NAME``."""
    name = text.removeprefix(ATTRIBUTE_FIELD)
    if text in TRIGGER_FIELDS or (name != text and name and name == name.strip()):
        return text
    message = (
        "expected 'actor', 'subject', 'recipient' or 'attributes.NAME' (the party the trigger event names in its "
        f"attribute NAME), got {text!r}"
    )
    close = difflib.get_close_matches(text, TRIGGER_FIELDS, n=1, cutoff=0.6)
    if close:
        message += f"; did you mean {close[0]!r}?"
    elif not text.startswith(ATTRIBUTE_FIELD) and "." in text:
        message += f"; did you mean 'attributes.{text.split('.', 1)[1]}'?"
    raise _invalid("bad-value", message)


TriggerField = Annotated[
    str,
    AfterValidator(_check_trigger_field),
    WithJsonSchema(
        {
            "anyOf": [{"enum": list(TRIGGER_FIELDS)}, {"type": "string", "pattern": r"^attributes\.\S(.*\S)?$"}],
            "description": "The trigger event's field naming the party: 'actor', 'subject', 'recipient', or "
            "'attributes.NAME' for the party its attribute NAME names ('attributes.applicant').",
        }
    ),
]


def party_named(event: Any, field: str) -> str | None:
    """The party ``event`` names in ``field`` (a party's ``trigger``): its ``actor``, ``subject`` or
    ``recipient``; for ``attributes.NAME``, its attribute ``NAME``, as text (a whole number as its
    digits), or ``None`` where it holds no text naming one (missing, empty, a list, a mapping, a
    boolean)."""
    if not field.startswith(ATTRIBUTE_FIELD):
        named: str | None = getattr(event, field)
        return named
    value = event.attributes.get(field[len(ATTRIBUTE_FIELD) :])
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value if isinstance(value, str) and value.strip() else None


class Party(_Model):
    """Who acts, or to whom: give exactly one of ``actor``, ``role``, ``trigger``, ``counterpart``.

    * ``actor: central-party-branch``: one actor by id.
    * ``role: branch``: each holder of the role (as the obligated party), or any holder (as a
      recipient or an approver).
    * ``role: leadership`` with ``relation: paired-schools``: each pair of a holder and a member
      of that holder's relation (only where a rule says who is obligated).
    * ``trigger: subject``: the trigger event's actor, subject or recipient (in a triggered
      rule's steps and ``unless``; in a prerequisite's ``requires``, the guarded event's).
    * ``trigger: attributes.applicant``: the party the trigger event names in its attribute
      ``applicant``, who need not be in the organisation (an applicant replied to).
    * ``trigger: actor`` with ``relation: supervisory-authorities``: any member of that relation
      of the actor the trigger names (the authority competent for the trigger's actor).
    * ``counterpart: true``: the other member of the pair (the recipient of a pair obligation).
    """

    actor: Id | None = None
    role: Id | None = None
    relation: Id | None = None
    trigger: TriggerField | None = None
    counterpart: bool = False

    @model_validator(mode="after")
    def _exactly_one(self) -> Party:
        given = [
            name
            for name, value in (
                ("actor", self.actor),
                ("role", self.role),
                ("trigger", self.trigger),
                ("counterpart", self.counterpart or None),
            )
            if value is not None
        ]
        if self.relation is not None and self.role is None and self.trigger is None:
            raise _invalid(
                "bad-party",
                "'relation' goes with 'role' (each pair of a holder and a member of its relation) or with "
                "'trigger' (a member of the relation of the actor the trigger names); expected one of them beside it",
                at="relation",
            )
        if len(given) != 1:
            raise _invalid(
                "bad-party",
                "expected exactly one of 'actor', 'role', 'trigger' or 'counterpart', "
                f"got {', '.join(given) or 'none'}",
            )
        return self


def _not_paired(ref: Id | Party) -> Id | Party:
    if isinstance(ref, Party) and ref.role is not None and ref.relation is not None:
        raise _invalid(
            "bad-party",
            "'role' with 'relation' makes pairs of obligated actors, so it is only for 'who' of a recurring "
            "rule; for a member of a relation of the trigger's actor, write 'trigger: actor' with the 'relation'",
            at="relation",
        )
    return ref


def _no_trigger(ref: Id | Party) -> Id | Party:
    if isinstance(ref, Party) and ref.trigger is not None:
        raise _invalid(
            "bad-party",
            "expected an 'actor' or a 'role' here: 'trigger' names a party of a triggered rule's trigger "
            "(in its steps and its 'unless') or of a prerequisite's guarded event (in its 'requires'), "
            "and there is none here",
            at="trigger",
        )
    return ref


def _no_counterpart(ref: Id | Party) -> Id | Party:
    if isinstance(ref, Party) and ref.counterpart:
        raise _invalid(
            "bad-party",
            "expected an 'actor', a 'role' or a 'trigger' party here: 'counterpart' names the other member of a "
            "pair, only in 'to' of a recurring rule whose 'who' makes pairs with a 'relation'",
            at="counterpart",
        )
    return ref


WhoRef = Annotated[
    Id | Party,
    Field(description="An actor id, or a party object (actor, role[, relation], trigger, counterpart)."),
]
PartyRef = Annotated[
    Id | Party,
    AfterValidator(_not_paired),
    Field(description="An actor id, or a party object (actor, role, trigger[, relation], counterpart)."),
]
UnpairedRef = Annotated[
    Id | Party,
    AfterValidator(_not_paired),
    AfterValidator(_no_counterpart),
    Field(description="An actor id, or a party object (actor, role, trigger[, relation])."),
]
UntriggeredRef = Annotated[
    Id | Party,
    AfterValidator(_not_paired),
    AfterValidator(_no_trigger),
    AfterValidator(_no_counterpart),
    Field(description="An actor id, or a party object (actor, role)."),
]


def as_party(ref: Id | Party | None) -> Party | None:
    """A party object for a reference written either as an id or as an object."""
    if ref is None or isinstance(ref, Party):
        return ref
    return Party(actor=ref)


Actions = Annotated[str | list[str], Field(description="One action name or a list of them.")]
NO_CONDITION = {  # the event fields a `where` does not read, and what to write instead
    "actor": "who did it is a party: 'by' (or a recurring rule's 'who')",
    "action": "what was done is 'action' (one name or a list)",
    "id": "an event's id names no kind of event ('ref' links an event to another)",
    "time": "when is a rule's timing ('within', 'every', 'window'...), not a condition",
}


def _where_keys(where: dict[str, Any]) -> dict[str, Any]:
    """Refuses a condition on an event field ``where`` does not read: it would hold of no event."""
    for key, instead in NO_CONDITION.items():
        if key in where:
            raise _invalid(
                "bad-rule",
                f"expected attribute names (or recipient, subject, ref, period) in 'where', not {key!r}: {instead}",
                at=key,
            )
    return where


def _a_bound(value: Any) -> Any:
    """A comparison's bound: a finite number as the rule file writes it (``"50000"`` is text)."""
    if isinstance(value, bool | str) or not isinstance(value, int | float) or not math.isfinite(value):
        raise _invalid("bad-value", f"expected a number as a comparison's bound, got {value!r}")
    return value


Bound = Annotated[int | float, BeforeValidator(_a_bound)]


class Comparison(TypedDict, total=False):
    """A numeric condition of ``where``: the attribute, read as a number, is greater than ``gt``,
    at least ``gte``, less than ``lt``, at most ``lte`` (each one given must hold)."""

    __pydantic_config__ = ConfigDict(extra="forbid")  # type: ignore[misc]

    gt: Bound
    gte: Bound
    lt: Bound
    lte: Bound


def _check_comparison(comparison: Comparison) -> Comparison:
    if not comparison:
        raise _invalid("bad-rule", "expected at least one of 'gt', 'gte', 'lt', 'lte' in a comparison")
    bounds: dict[str, float] = dict(comparison)  # type: ignore[arg-type]
    # the tightest bound each side, and whether it excludes its own value (gt, lt)
    low = max(((v, k == "gt") for k, v in bounds.items() if k in ("gt", "gte")), default=None)
    high = min(
        ((v, k == "lt") for k, v in bounds.items() if k in ("lt", "lte")), default=None, key=lambda b: (b[0], not b[1])
    )
    if low is not None and high is not None and (low[0] > high[0] or (low[0] == high[0] and (low[1] or high[1]))):
        raise _invalid("bad-rule", f"expected bounds some number meets, got {bounds!r}: it holds of none")
    return comparison


Condition = Scalar | list[Scalar] | Annotated[Comparison, AfterValidator(_check_comparison)]

Where = Annotated[
    dict[str, Condition],
    AfterValidator(_where_keys),
    Field(
        description="Attribute conditions: the event's attribute equals the value (or one of "
        "the listed values); for a list attribute, it contains the value. A mapping of 'gt', 'gte', "
        "'lt', 'lte' compares the attribute as a number ({gt: 50000}: above 50,000)."
    ),
]


def actions_of(actions: str | list[str]) -> tuple[str, ...]:
    """The action names of an ``action`` field as a tuple."""
    return (actions,) if isinstance(actions, str) else tuple(actions)


class EventFilter(_Model):
    """Which events: an action (or several), optionally by a party and with attributes."""

    action: Actions
    by: UnpairedRef | None = None
    to: UnpairedRef | None = None
    where: Where = Field(default_factory=dict)
    same: list[Literal["actor", "subject", "recipient"]] | None = Field(
        default=None,
        description="Fields that must equal the trigger's (triggered rules); given, even empty, it replaces "
        "the default of the trigger's actor's own event. Not given (null): that default.",
    )


# ---------------------------------------------------------------------------------------------
# Rules


class _RuleBase(_Model):
    id: Id
    clause: Annotated[str, Field(min_length=1, description="The source clause id, e.g. D1.4.2.")]
    words: Annotated[str, Field(description="The clause's original words.")] = ""
    title: Text | None = None
    severity: Severity = "violation"
    effective: DateRange | None = None
    note: str | None = None

    def cited_clauses(self) -> dict[str, str]:
        """The clauses the rule cites, by the field that names each (a JSON pointer below the
        rule): its own (``clause``), its extension's if it names one (``extension/clause``), and
        each step's and step extension's that names one (``steps/1/clause``,
        ``steps/1/extension/clause``)."""
        cited = {"clause": self.clause}
        extension = getattr(self, "extension", None)
        if extension is not None and extension.clause is not None:
            cited["extension/clause"] = extension.clause
        for i, step in enumerate(getattr(self, "steps", ())):
            if step.clause is not None:
                cited[f"steps/{i}/clause"] = step.clause
            if step.extension is not None and step.extension.clause is not None:
                cited[f"steps/{i}/extension/clause"] = step.extension.clause
        return cited

    def clause_of(self, step: int | None) -> str:
        """The clause a finding or outcome about ``step`` (numbered from 1) cites: the step's own
        if it names one, else the rule's."""
        steps = getattr(self, "steps", None)
        if step is None or not steps or not 1 <= step <= len(steps):
            return self.clause
        return steps[step - 1].clause or self.clause


_DAYS = r"^([1-9]|[12][0-9]|3[01])-([1-9]|[12][0-9]|3[01]|last)$"
_DAYS_OR_TERM = f"{_DAYS}|{_TERM.pattern}"


def _check_day_order(days: str) -> None:
    lo, hi = days.split("-")
    if hi != "last" and int(hi) < int(lo):
        raise _invalid("bad-window", f"expected a day range that ends on or after its start, got {days!r}", at="days")


class Window(_Model):
    """Where in a period the events must fall.

    ``month``: ``first``, ``last`` or a calendar month number (12 = December) inside the period.
    ``days``: a day range of that month, ``"11-20"`` or ``"21-last"``, or a glossary term for one
    (``mid-month`` for 中旬).
    ``first``/``last``: the first or last N days or workdays of the period (``"10 workdays"``).
    ``strictness``: ``strict`` (an event outside is a violation) or ``in-principle`` (原则上: it
    still counts, with a warning), or a glossary term for one; a name the glossary defines is
    read through the glossary, even ``strict`` or ``in-principle``.
    """

    month: Literal["first", "last"] | Annotated[int, Field(ge=1, le=12), BeforeValidator(_a_number)] | None = None
    days: Annotated[str, Field(pattern=_DAYS_OR_TERM)] | None = None
    first: DurationText | None = None
    last: DurationText | None = None
    strictness: Literal["strict", "in-principle"] | Annotated[str, Field(pattern=_TERM.pattern)] = "strict"

    @model_validator(mode="after")
    def _shape(self) -> Window:
        if self.first is not None and self.last is not None:
            raise _invalid("bad-window", "expected 'first' or 'last', got both", at="last")
        if (self.first or self.last) and (self.month is not None or self.days is not None):
            raise _invalid(
                "bad-window",
                "expected either 'first'/'last' (which count from the period's ends) or 'month'/'days', got both",
                at="first" if self.first is not None else "last",
            )
        if self.days is not None and re.match(_DAYS, self.days):
            _check_day_order(self.days)
        if self.month is None and self.days is None and self.first is None and self.last is None:
            raise _invalid("bad-window", "expected 'month', 'days', 'first' or 'last' in a window, got none")
        return self

    def terms(self, glossary: Collection[str] = ()) -> dict[str, str]:
        """The glossary terms the window names, by field (``days``, ``strictness``). A strictness
        the ``glossary`` defines is its term even where it is also a reading's name: a rule set
        that reads 原则上 as ``in-principle: {strictness: in-principle}`` changes every window
        that names it by changing that one entry."""
        named: dict[str, str] = {}
        if self.days is not None and not re.match(_DAYS, self.days):
            named["days"] = self.days
        if self.strictness not in ("strict", "in-principle") or self.strictness in glossary:
            named["strictness"] = self.strictness
        return named


class FiscalYear(_Model):
    """A year that starts in another month: ``{year_starting: 9}`` for a school year."""

    year_starting: Annotated[int, Field(ge=1, le=12), BeforeValidator(_a_number)]


class NamedCalendar(_Model):
    """The named periods of a custom calendar of the organisation: ``{calendar: semester}``."""

    calendar: Id


class Recurrence(_Model):
    """An RFC 5545 recurrence: each occurrence opens a period that lasts until the next."""

    rrule: Annotated[str, Field(min_length=1, examples=["FREQ=WEEKLY;BYDAY=MO"])]
    start: date

    @model_validator(mode="after")
    def _readable(self) -> Recurrence:
        try:
            parse_rrule(self.rrule, dtstart=self.start)
        except PeriodError as exc:
            hint = "" if "expected" in str(exc) else " (expected an RFC 5545 RRULE such as 'FREQ=WEEKLY;BYDAY=MO')"
            raise _invalid("bad-rrule", f"{exc}{hint}", at="rrule") from None
        return self


Grain = Literal["day", "week", "month", "quarter", "half-year", "year"]

Every = Grain | FiscalYear | NamedCalendar | Recurrence


class Extension(_Model):
    """An event by the obligated party that, made in time, moves a due moment: a notification of
    late filing (Form 12b-25) gives a 10-K 15 more days; the head of an office's approval gives a
    reply to an application 20 more workdays.

    The event must come no later than ``within`` after the prescribed due moment. For a recurring
    rule it is the obligated actor's, and, if it names a ``period``, names the obligation's; for a
    triggered rule's step it is done by the step's party and linked to the trigger as the step's
    response is (by ``ref``, or sharing the fields ``same`` lists), before that response. The new
    due moment is ``extends_by`` after the prescribed one, rolled as the rule (or the step) rolls
    its deadline.
    """

    action: Actions
    where: Where = Field(default_factory=dict)
    clause: Annotated[str, Field(min_length=1)] | None = Field(
        default=None, description="The clause that grants the extension (Rule 12b-25(b)), if not the rule's."
    )
    within: DurationText = Field(
        description="How long after the prescribed due moment the event may come ('1 workday')."
    )
    extends_by: DurationText = Field(description="The new due moment: this long after the prescribed one ('15 days').")


class RecurringRule(_RuleBase):
    """Who must do what, how many times, in every period (or with no gap longer than X)."""

    kind: Literal["recurring"]
    who: WhoRef
    action: Actions
    where: Where = Field(default_factory=dict)
    to: PartyRef | None = None
    every: Every | None = None
    max_gap: DurationText | None = Field(
        default=None, description="Rolling interval: no gap between consecutive events longer than this."
    )
    min: Annotated[int, Field(ge=0), BeforeValidator(_a_number)] = 1
    max: Annotated[int, Field(ge=1), BeforeValidator(_a_number)] | None = None
    window: Window | None = None
    due_after: DurationText | None = Field(
        default=None, description="Due this long after the period's last day (a 10-Q: '40 days')."
    )
    roll: Literal["none", "next-workday"] = "none"
    accept_late: DurationText | None = Field(
        default=None,
        description="How long after the due moment a late event still answers (default: until the next period's due moment).",
    )
    exempt_periods: list[Annotated[str, Field(min_length=1)]] = Field(
        default_factory=list, description="Periods that owe nothing, as labels or label suffixes ('Q4')."
    )
    unless: EventFilter | None = None
    extension: Extension | None = None

    @model_validator(mode="after")
    def _shape(self) -> RecurringRule:
        if self.every is None and self.max_gap is None:
            raise _invalid(
                "bad-rule", "expected 'every' (calendar periods) or 'max_gap' (a rolling interval), got neither"
            )
        if self.every is not None and self.max_gap is not None:
            raise _invalid(
                "bad-rule",
                "expected 'every' (calendar periods) or 'max_gap' (a rolling interval), got both",
                at="max_gap",
            )
        if self.max is not None and self.max < self.min:
            raise _invalid("bad-rule", f"expected 'max' at least 'min' ({self.min}), got {self.max}", at="max")
        if self.max_gap is not None:
            for key, value in (
                ("window", self.window),
                ("due_after", self.due_after),
                ("exempt_periods", self.exempt_periods),
                ("extension", self.extension),
            ):
                if value:
                    raise _invalid(
                        "bad-rule",
                        f"expected no {key!r} with a rolling interval ('max_gap'), which has no calendar periods",
                        at=key,
                    )
            # what a rolling interval would not honour: refused rather than ignored
            ignored: tuple[tuple[str, object], ...] = (
                ("accept_late", self.accept_late),
                ("unless", self.unless),
                ("max", self.max),
                ("min", self.min != 1 and "min" in self.model_fields_set),
            )
            for name, given in ignored:
                if given:
                    raise _invalid(
                        "bad-rule",
                        f"expected no {name!r} with a rolling interval ('max_gap'): each event must follow the "
                        "one before within the gap, and nothing else is counted",
                        at=name,
                    )
            rolling_who = as_party(self.who)
            if rolling_who is not None and rolling_who.relation is not None:
                raise _invalid(
                    "bad-rule",
                    "expected 'who' of a rolling interval ('max_gap') to be an 'actor' or a 'role': it has no pairs",
                    at="who",
                )
        who = as_party(self.who)
        if who is not None and (who.trigger or who.counterpart):
            raise _invalid(
                "bad-rule",
                "expected 'who' of a recurring rule to be an 'actor' or a 'role' (with an optional 'relation')",
                at="who",
            )
        to = as_party(self.to)
        if to is not None and to.counterpart and (who is None or who.relation is None):
            raise _invalid("bad-rule", "'to: {counterpart: true}' expects 'who' with a 'relation'", at="to")
        if self.unless is not None and any(
            (p := as_party(ref)) is not None and p.trigger is not None for ref in (self.unless.by, self.unless.to)
        ):
            raise _invalid(
                "bad-party",
                "expected 'unless' of a recurring rule to name an 'actor' or a 'role' (a recurring rule has no trigger)",
                at="unless",
            )
        if self.unless is not None and self.unless.same is not None:  # even empty
            raise _invalid(
                "bad-rule",
                "expected no 'same' in 'unless' of a recurring rule: 'same' lists the fields an event shares with a "
                "trigger, and a recurring rule has none ('by' says whose event discharges)",
                at="unless",
            )
        if self.extension is not None and self.window is not None:
            raise _invalid(
                "bad-rule",
                "expected no 'window' with an 'extension': an extension moves the due moment, not the window",
                at="extension",
            )
        if to is not None and to.trigger is not None:
            raise _invalid(
                "bad-rule",
                "expected 'to' of a recurring rule to be an 'actor', a 'role' or the 'counterpart' (a "
                "recurring rule has no trigger)",
                at="to",
            )
        return self


class Step(_Model):
    """One response a trigger requires."""

    action: Actions
    where: Where = Field(default_factory=dict)
    by: UnpairedRef | None = Field(default=None, description="Default: the trigger's actor.")
    to: UnpairedRef | None = None
    within: DurationText
    counted_from: Literal["trigger", "previous"] = Field(
        default="previous", description="Count the deadline from the trigger or from the previous step."
    )
    same: list[Literal["actor", "subject", "recipient"]] = Field(
        default_factory=list,
        description="Fields of the response that must equal the trigger's (e.g. the same subject).",
    )
    roll: Literal["none", "next-workday"] = "none"
    clause: Annotated[str, Field(min_length=1)] | None = Field(
        default=None,
        description="The clause that requires this step (NIS2 Art. 23(4)(b)), if not the rule's: its findings cite it.",
    )
    extension: Extension | None = Field(
        default=None, description="An event of the step's party that, made in time, moves this step's due moment."
    )


class Trigger(_Model):
    """The event that starts a chain of required responses."""

    action: Actions
    by: UntriggeredRef | None = None
    where: Where = Field(default_factory=dict)


class TriggeredRule(_RuleBase):
    """When a trigger event happens, one or more steps must follow within deadlines."""

    kind: Literal["triggered"]
    trigger: Trigger
    steps: Annotated[list[Step], Field(min_length=1)]
    unless: EventFilter | None = Field(
        default=None, description="An event that, coming first, discharges the obligation."
    )


class Requirement(_Model):
    """An earlier event a guarded action needs."""

    action: Actions
    by: UnpairedRef | None = None
    where: Where = Field(default_factory=dict)


class PrerequisiteRule(_RuleBase):
    """An event of a kind needs one or all of several earlier events (an approval)."""

    kind: Literal["prerequisite"]
    action: Actions
    by: UntriggeredRef | None = None
    where: Where = Field(default_factory=dict)
    requires: Annotated[list[Requirement], Field(min_length=1)]
    mode: Literal["all", "any"] = "all"
    link: Literal["ref", "subject", "ref-or-subject"] = "ref-or-subject"
    lookback: DurationText | None = None
    min_age: DurationText | None = Field(
        default=None, description="The requirement must be at least this old ('60 days')."
    )
    roll: Literal["none", "next-workday"] = Field(
        default="none",
        description="'next-workday': a lookback that ends on a non-workday serves until the end of the next workday.",
    )


class ContentRule(_RuleBase):
    """Every event of a kind must satisfy a JSON Schema fragment over the event record."""

    kind: Literal["content"]
    action: Actions
    by: UntriggeredRef | None = None
    where: Where = Field(default_factory=dict)
    schema_: dict[str, Any] = Field(alias="schema", description="A JSON Schema (2020-12) for the event.")
    message: Text | None = None

    @model_validator(mode="after")
    def _valid_schema(self) -> ContentRule:
        from jsonschema import Draft202012Validator
        from jsonschema.exceptions import SchemaError

        try:
            Draft202012Validator.check_schema(self.schema_)
        except SchemaError as exc:
            raise _invalid(
                "bad-schema", f"expected a valid JSON Schema (2020-12) in 'schema': {exc.message}", at="schema"
            ) from None
        unresolved = _unresolved_reference(self.schema_)
        if unresolved is not None:
            raise _invalid(
                "bad-schema",
                f"expected every '$ref' in 'schema' to name a part of it, got {unresolved!r} (a rule set's schemas "
                "are read from nowhere else)",
                at="schema",
            )
        return self


def _unresolved_reference(schema: dict[str, Any]) -> str | None:
    """The first ``$ref`` in ``schema`` that does not resolve without a fetch (``#/$defs/missing``,
    or ``other.json``, which a check would have to fetch), or None. References resolve as
    ``jsonschema`` resolves them: against the schema's ``$id`` (or an address of its own), its
    parts with an ``$id`` of their own, and the metaschemas it carries. Only the places of a
    schema are looked at (``properties``' values, ``items``...), never data (``const``, ``enum``,
    a property named ``default``); a part with an ``$id`` of its own resolves against that: it is
    left to the check, which refuses it there."""
    from urllib.parse import urldefrag

    from jsonschema_specifications import REGISTRY
    from referencing.exceptions import Unresolvable
    from referencing.jsonschema import DRAFT202012

    base = urldefrag(schema["$id"]).url if isinstance(schema.get("$id"), str) else "urn:govrules:schema"
    registry = REGISTRY.with_resource(base, DRAFT202012.create_resource(schema)).crawl()
    resolver = registry.resolver(base_uri=base)
    stack: list[Any] = [schema]
    while stack:
        node = stack.pop()
        if not isinstance(node, dict) or (node is not schema and "$id" in node):
            continue
        for key in ("$ref", "$dynamicRef"):
            ref = node.get(key)
            if isinstance(ref, str):
                try:
                    resolver.lookup(ref)
                except Unresolvable:
                    return ref
        stack.extend(_subschemas(node))
    return None


_ONE_SCHEMA = (
    "additionalProperties", "contains", "else", "if", "items", "not", "propertyNames", "then",
    "unevaluatedItems", "unevaluatedProperties", "additionalItems", "contentSchema",
)  # fmt: skip
_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
_SCHEMA_MAPS = ("$defs", "definitions", "dependentSchemas", "patternProperties", "properties")


def _subschemas(node: dict[str, Any]) -> Iterator[Any]:
    """The schemas a JSON Schema (2020-12) object holds, by its keywords: the values of
    ``properties`` and the like, the items of ``allOf`` and the like, and ``items``, ``not``...
    Anything else (``const``, ``enum``, ``default``, a keyword of one's own) is data."""
    for key in _ONE_SCHEMA:
        if key in node:
            yield node[key]
    for key in _SCHEMA_LISTS:
        if isinstance(node.get(key), list):
            yield from node[key]
    for key in _SCHEMA_MAPS:
        if isinstance(node.get(key), dict):
            yield from node[key].values()


class ForbiddenRule(_RuleBase):
    """Events of a kind (optionally by given parties) are violations."""

    kind: Literal["forbidden"]
    action: Actions
    by: UntriggeredRef | None = None
    where: Where = Field(default_factory=dict)


class InformativeRule(_RuleBase):
    """A clause judged not checkable from a log, kept so that coverage shows it."""

    kind: Literal["informative"]
    reason: str | None = None


Rule = Annotated[
    RecurringRule | TriggeredRule | PrerequisiteRule | ContentRule | ForbiddenRule | InformativeRule,
    Field(discriminator="kind"),
]
RULE_KINDS = ("recurring", "triggered", "prerequisite", "content", "forbidden", "informative")


def labelled_periods(rule: Rule) -> bool:
    """Whether ``rule``'s obligations are keyed by labels of the calendar grid (``2024-11``, said
    "November 2024"): a recurring rule's are, unless its periods are an organisation's calendar's,
    keyed by their ids as written (a semester ``2025-01``); other kinds are keyed by event ids."""
    return isinstance(rule, RecurringRule) and not isinstance(rule.every, NamedCalendar)


def calendar_period_names(rule: Rule, org: Organisation, lang: str) -> dict[str, str]:
    """The names in ``lang`` of the periods of the organisation's calendar ``rule`` is due on, by
    id (each period that has a name; none for a rule on the calendar grid): a semester
    ``2023-2024-2`` is said "2023—2024学年第二学期"."""
    every = getattr(rule, "every", None)
    if not isinstance(every, NamedCalendar):
        return {}
    periods = org.calendars.get(every.calendar, ())
    # on one line, as a name in a report is
    names = {p.id: " ".join(text_in(p.name, lang, p.id).split()) for p in periods if p.name is not None}
    uses = Counter(names.values())
    # a name two periods share is said with the id, which tells them apart
    return {pid: f"{name} ({pid})" if uses[name] > 1 else name for pid, name in names.items()}


class GlossaryEntry(_Model):
    """The reading of a vague word, one of: a length of time (``promptly: {duration: 7 days,
    words: 及时}``), a day range of a month for a window's ``days`` (``mid-month: {days: 11-20,
    words: 中旬}``), or a window's ``strictness`` (``in-principle: {strictness: in-principle,
    words: 原则上}``)."""

    duration: ConcreteDurationText | None = None
    days: Annotated[str, Field(pattern=_DAYS)] | None = None
    strictness: Literal["strict", "in-principle"] | None = None
    words: str | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _one_reading(self) -> GlossaryEntry:
        given = [k for k in ("duration", "days", "strictness") if getattr(self, k) is not None]
        if len(given) != 1:
            raise _invalid(
                "bad-term",
                f"expected exactly one reading, 'duration', 'days' or 'strictness', got {', '.join(given) or 'none'}",
            )
        if self.days is not None:
            _check_day_order(self.days)
        return self

    @property
    def kind(self) -> str:
        """What the term reads as: ``duration``, ``days`` or ``strictness``."""
        return next(k for k in ("duration", "days", "strictness") if getattr(self, k) is not None)


_MONTH_DAY = r"^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"


def _calendar_date(value: Any) -> Any:
    """A day an adjusted calendar lists, as a rule file writes it: a date (``2024-12-24``, which
    YAML may have read as one already), or a day of every year (``05-05``, kept as that text);
    anything else, or a day no month has (``2024-02-30``, ``04-31``), is refused."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
                return date.fromisoformat(text)
            if re.fullmatch(_MONTH_DAY, text):
                date(2000, int(text[:2]), int(text[3:]))  # a leap year: 02-29 is a day of some years
                return text
        except ValueError:
            pass
    raise _invalid(
        "bad-date",
        f"expected a date such as 2024-12-24, or a day of every year written MM-DD such as 05-05, got {value!r}",
    )


CalendarDate = Annotated[
    date | Annotated[str, Field(pattern=_MONTH_DAY)],
    BeforeValidator(_calendar_date),
    Field(description="A day (2024-12-24), or a day of every year (MM-DD: 05-05)."),
]


DayKey = date | str
"""What names a day an adjusted calendar lists (`CalendarDay.key`)."""


class CalendarDay(_Model):
    """A day an adjusted calendar lists: a ``date``, one day (``2024-12-24``) or a day of every
    year (``05-05``), with an optional ``name`` (Bevrijdingsdag); a date written alone is the
    same as ``{date: ...}``. In ``not_holidays``, a ``name`` alone is every day the calendar's
    holidays go by that name (``Good Friday``), as the ``holidays`` package names them in English.
    """

    date: CalendarDate | None = None
    name: Annotated[str, Field(min_length=1)] | None = None

    @model_validator(mode="before")
    @classmethod
    def _written_alone(cls, value: Any) -> Any:
        return {"date": value} if isinstance(value, str | date) else value

    @model_validator(mode="after")
    def _a_day(self) -> CalendarDay:
        if self.date is None and self.name is None:
            raise _invalid("bad-calendar", "expected a 'date' (or, in 'not_holidays', a holiday's 'name'), got neither")
        return self

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: Any, handler: Any) -> dict[str, Any]:
        """The object, or a date written alone (`_written_alone`), as a rule set may give it."""
        schema = handler(core_schema)
        alone = {
            "anyOf": [{"type": "string", "format": "date"}, {"type": "string", "pattern": _MONTH_DAY}],
            "description": "A day written alone: the same as {date: ...}.",
        }
        return {"anyOf": [alone, schema]}

    def key(self) -> DayKey:
        """What names the day: its date, its day of every year (``05-05``), or, without either, the
        holiday's name."""
        return self.date if self.date is not None else f"name:{self.name}"


_CALENDAR_LISTS = ("holidays", "not_holidays", "workdays")


class AdjustedCalendar(_Model):
    """A business-day calendar of the ``holidays`` package (or ``weekends``), adjusted to the days
    a legal regime or an organisation counts: the Dutch Algemene termijnenwet counts 5 May every
    year and not Good Friday; an office closes on days of its own.

    * ``holidays``: days that are not workdays, though the calendar does not list them.
    * ``not_holidays``: days the calendar lists as holidays that are not: a workday, unless a
      weekend day.
    * ``workdays``: days that are workdays whatever the calendar says (a Saturday worked).

    A day written as a date comes before one written as a day of every year, which comes before a
    holiday's name. The calendar's covered years stay its own: a listed day makes no year covered.
    """

    country: Annotated[str, Field(min_length=1)] = Field(
        description="The calendar adjusted: a country of the holidays package, with a subdivision (US-NY), or 'weekends'."
    )
    holidays: list[CalendarDay] = Field(default_factory=list, description="More days that are not workdays.")
    not_holidays: list[CalendarDay] = Field(
        default_factory=list, description="Holidays of the calendar that are not: workdays unless on a weekend."
    )
    workdays: list[CalendarDay] = Field(
        default_factory=list, description="Days that are workdays whatever the calendar says (a weekend day worked)."
    )

    def listed(self) -> Iterator[tuple[str, int, CalendarDay]]:
        """Every listed day, with its list's name and its place in it."""
        for name in _CALENDAR_LISTS:
            for index, day in enumerate(getattr(self, name)):
                yield name, index, day


def calendar_problems(calendar: AdjustedCalendar) -> list[tuple[str, str]]:
    """What an adjusted calendar lists that cannot be meant, each as the JSON pointer of the entry
    (under the calendar's) and why: a day in ``holidays`` or ``workdays`` without a date, and a
    day in two lists (the same date, the same day of every year, or the same holiday's name),
    which would be both a workday and not one."""
    problems: list[tuple[str, str]] = []
    seen: dict[DayKey, tuple[str, int]] = {}
    for name, index, day in calendar.listed():
        if name != "not_holidays" and day.date is None:
            problems.append(
                (f"/{name}/{index}", f"expected a 'date' in {name!r} (a holiday's name alone is for 'not_holidays')")
            )
            continue
        key = day.key()
        if key in seen and seen[key][0] != name:
            first, at = seen[key]
            written = key if isinstance(key, str) and not key.startswith("name:") else str(key).removeprefix("name:")
            problems.append(
                (
                    f"/{name}/{index}",
                    f"expected a day in one list only, got {written!r} in {first!r} (entry {at + 1}) and in {name!r}",
                )
            )
        seen.setdefault(key, (name, index))
    return problems


class Clause(_Model):
    """A clause of the source document that the rule set accounts for."""

    id: Annotated[str, Field(min_length=1)]
    words: str | None = None
    title: Text | None = None


class RuleSet(_Model):
    """A named set of rules with the interpretations they rely on."""

    id: Id
    title: Text
    source: str | None = Field(default=None, description="The source document.")
    timezone: Zone
    calendar: str | AdjustedCalendar | None = Field(
        default=None,
        description="Business-day calendar: the ISO code of any country of the holidays package (CN, US, IT, NL...), "
        "optionally with one of its subdivisions (US-NY, MY-01), or weekends (Saturdays and Sundays only); or one "
        "adjusted: {country: NL, holidays: [05-05]}.",
    )
    month_policy: MonthPolicy = MonthPolicy.CLAMP
    week_start: Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"] = "monday"
    glossary: dict[Annotated[str, Field(pattern=_TERM.pattern)], GlossaryEntry] = Field(default_factory=dict)
    clauses: list[Clause] = Field(default_factory=list)
    rules: list[Rule]

    _source: Any = PrivateAttr(default=None)

    def duration(self, text: str) -> Duration:
        """The duration a field names, resolving glossary terms.

        Raises:
            KeyError: an unknown glossary term (a loaded rule set never has one).
        """
        try:
            return parse_duration(text)
        except ValueError:
            reading = self.glossary[text].duration
            if reading is None:
                raise KeyError(text) from None
            return parse_duration(reading)

    def window(self, window: Window) -> Window:
        """``window`` with its glossary terms (``days``, ``strictness``) replaced by their readings.

        Raises:
            KeyError: an unknown term, or one of another kind (a loaded rule set never has one).
        """
        update = {kind: self._reading(term, kind) for kind, term in window.terms(self.glossary).items()}
        return window.model_copy(update=update) if update else window

    def _reading(self, term: str, kind: str) -> str:
        entry = self.glossary[term]
        reading: str | None = getattr(entry, kind)
        if reading is None:
            raise KeyError(term)
        return reading

    def rule(self, rule_id: str) -> Rule:
        """The rule with id ``rule_id``."""
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)

    def words_of(self, rule: Rule) -> str:
        """The original words a report quotes for ``rule``: its own ``words``, else those the
        rule set's ``clauses`` list gives for its clause (empty where neither does)."""
        if rule.words:
            return rule.words
        return next((c.words or "" for c in self.clauses if c.id == rule.clause), "")

    def attribute_actions(self) -> frozenset[str]:
        """The actions whose events' attributes a check of this rule set reads (see
        `attribute_actions`). ``read_events(..., attributes_of=rules.attribute_actions())``
        reads the other events without theirs: the same report, in less time and memory."""
        return attribute_actions([rule for rule in self.rules if not isinstance(rule, InformativeRule)])


def selectors(rule: Rule) -> Iterator[Any]:
    """The parts of a rule that select events, each with an ``action`` (and, but for an
    informative rule, a ``where``): the rule itself, its trigger, ``unless``, extension, steps
    (each followed by its extension) and requirements."""
    if getattr(rule, "action", None) is not None:
        yield rule
    for attr in ("trigger", "unless", "extension"):
        sub = getattr(rule, attr, None)
        if sub is not None:
            yield sub
    for attr in ("steps", "requires"):
        for item in getattr(rule, attr, None) or ():
            yield item
            if getattr(item, "extension", None) is not None:
                yield item.extension


def attribute_actions(rules: Iterable[Rule]) -> frozenset[str]:
    """The actions whose events' attributes some of ``rules`` reads: through a ``where`` clause,
    as the records a content rule validates, or as the trigger (or guarded event) whose attribute
    names a party (``trigger: attributes.NAME``). A check keeps other events without their
    attributes."""
    names: set[str] = set()
    for rule in rules:
        for selector in selectors(rule):
            if getattr(selector, "where", None) or isinstance(selector, ContentRule):
                names.update(actions_of(selector.action))
        if isinstance(rule, TriggeredRule | PrerequisiteRule) and _names_by_attribute(rule):
            # the trigger's (or guarded event's) attribute names a party
            names.update(actions_of(rule.trigger.action if isinstance(rule, TriggeredRule) else rule.action))
    return frozenset(names)


def _names_by_attribute(rule: TriggeredRule | PrerequisiteRule) -> bool:
    """Whether a party of ``rule`` is the one its trigger (or a prerequisite's guarded event)
    names in an attribute (``trigger: attributes.NAME``)."""
    items: list[Any] = [*(rule.steps if isinstance(rule, TriggeredRule) else rule.requires)]
    if isinstance(rule, TriggeredRule) and rule.unless is not None:
        items.append(rule.unless)
    return any(
        (p := as_party(getattr(item, key, None))) is not None
        and p.trigger is not None
        and p.trigger.startswith(ATTRIBUTE_FIELD)
        for item in items
        for key in ("by", "to")
    )


# ---------------------------------------------------------------------------------------------
# Organisation


class RoleGrant(_Model):
    """A role held for a span of dates (a filer status that changes over time)."""

    role: Id
    from_: date | None = Field(default=None, alias="from")
    to: date | None = None

    @model_validator(mode="after")
    def _ordered(self) -> RoleGrant:
        _check_order(self.from_, self.to)
        return self

    def span(self) -> DateRange:
        """The dates the role is held."""
        return DateRange(from_=self.from_, to=self.to)


class RelationMember(_Model):
    """A member of a relation for a span of dates: a faculty's dean until 30 June, and another
    from 1 July."""

    actor: Id
    from_: date | None = Field(default=None, alias="from")
    to: date | None = None

    @model_validator(mode="after")
    def _ordered(self) -> RelationMember:
        _check_order(self.from_, self.to)
        return self

    def span(self) -> DateRange:
        """The dates the actor is a member."""
        return DateRange(from_=self.from_, to=self.to)


def _check_order(first: date | None, last: date | None) -> None:
    """Refuses a span of dates whose ``to`` comes before its ``from``."""
    if first and last and last < first:
        raise _invalid("bad-range", f"expected 'to' on or after 'from' ({first}), got {last}", at="to")


class Actor(_Model):
    """A unit or a person that can owe obligations and appear in events."""

    id: Id
    name: Text | None = None
    roles: list[Id | RoleGrant] = Field(default_factory=list)
    relations: dict[Id, list[Id | RelationMember]] = Field(
        default_factory=dict,
        description="Named lists of other actors: an id (a member at all times) or {actor, from, to} "
        "(a member on those dates only).",
    )
    active: DateRange | None = None
    attributes: dict[str, Any] = Field(default_factory=dict)

    def members(self, relation: str, day: date | None = None, until: date | None = None) -> list[str]:
        """The ids of the members of ``relation`` (on ``day``, if given, or on any day from ``day``
        to ``until``), in file order, each once.

        Raises:
            InvalidArgument: ``until`` before ``day``, a span of no day; or ``until`` without
                ``day``, a span with no first day.
        """
        if until is not None and day is None:
            raise InvalidArgument(
                f"expected 'day' with 'until' ({until}) for the members of relation {relation!r}: "
                "the first day of the span"
            )
        if day is not None and until is not None and until < day:
            raise InvalidArgument(
                f"expected 'until' on or after 'day' ({day}) for the members of relation {relation!r}, got {until}"
            )
        found: list[str] = []
        for member in self.relations.get(relation, ()):
            if isinstance(member, str):
                actor_id = member
            elif day is None or member.span().overlaps(day, (until or day) + timedelta(days=1)):
                # (without ``day``, every member)
                actor_id = member.actor
            else:
                continue
            if actor_id not in found:
                found.append(actor_id)
        return found

    def role_spans(self, role: str) -> list[DateRange]:
        """The date ranges during which the actor holds ``role`` (empty if never)."""
        spans = []
        for grant in self.roles:
            if isinstance(grant, str):
                if grant == role:
                    spans.append(DateRange())
            elif grant.role == role:
                spans.append(grant.span())
        return spans

    def role_span(self, role: str) -> DateRange | None:
        """The dates the actor holds ``role``, from the first day of its first grant to the last
        day of its last (a break between two grants is not left out); None if held without
        dates, or never."""
        hull = DateRange.hull(self.role_spans(role))
        return hull if hull.from_ or hull.to else None

    def role_names(self) -> set[str]:
        """Every role the actor holds at some time."""
        return {g if isinstance(g, str) else g.role for g in self.roles}


class CalendarPeriod(_Model):
    """A named period of a custom calendar (a semester); ``end`` is its last day."""

    id: Id
    start: date
    end: date
    name: Text | None = None

    @model_validator(mode="after")
    def _ordered(self) -> CalendarPeriod:
        if self.end < self.start:
            raise _invalid("bad-range", f"expected 'end' on or after 'start' ({self.start}), got {self.end}", at="end")
        return self


class Exemption(_Model):
    """A documented exemption of an actor from a rule, for some periods or dates."""

    rule: Id
    actor: Id
    periods: list[str] = Field(default_factory=list, description="Period labels; empty with 'dates' or for all.")
    dates: DateRange | None = None
    reason: Annotated[str, Field(min_length=1)]
    rule_set: Id | None = Field(
        default=None,
        description=(
            "The id of the rule set whose rule this exemption names, for an organisation checked against "
            "several: a check against another rule set leaves it out. Without it, it is for every rule set checked, "
            "each of which must have the rule."
        ),
    )

    def applies_to(self, rules_id: str) -> bool:
        """Whether this exemption is for the rule set with id ``rules_id``."""
        return self.rule_set is None or self.rule_set == rules_id


class Organisation(_Model):
    """Actors, their roles and relations, custom calendars and exemptions."""

    id: Id
    name: Text | None = None
    timezone: Zone | None = Field(
        default=None,
        description="Overrides the rule set's zone: deadlines, periods and log times without an offset are read in it.",
    )
    actors: list[Actor]
    calendars: dict[Id, list[CalendarPeriod]] = Field(default_factory=dict)
    exemptions: list[Exemption] = Field(default_factory=list)

    _source: Any = PrivateAttr(default=None)
    _actor_index: tuple[list[Actor], int, dict[str, Actor]] | None = PrivateAttr(default=None)

    def actor(self, actor_id: str) -> Actor | None:
        """The actor with id ``actor_id``, or ``None``."""
        # A cache, not state, built on first use for the list of actors it was built from (a
        # copy made with other actors builds its own). Read through the private-attribute dict
        # itself: a private attribute read by name goes through pydantic's __getattr__, which
        # took 3.6 microseconds a read.
        private = self.__pydantic_private__
        assert private is not None  # a model with private attributes always has the dict
        cached: tuple[list[Actor], int, dict[str, Actor]] | None = private["_actor_index"]
        actors = self.actors
        if cached is None or cached[0] is not actors or cached[1] != len(actors):
            cached = private["_actor_index"] = (actors, len(actors), {a.id: a for a in actors})
        return cached[2].get(actor_id)

    def holders(self, role: str) -> list[Actor]:
        """Actors that hold ``role`` at some time, in file order."""
        return [a for a in self.actors if role in a.role_names()]

    def roles(self) -> set[str]:
        """Every role held by some actor."""
        return {r for a in self.actors for r in a.role_names()}

    def relations(self) -> set[str]:
        """Every relation name used by some actor."""
        return {r for a in self.actors for r in a.relations}


# ---------------------------------------------------------------------------------------------
# Event record (the published shape of one log record; readers build `govrules.events.Event`)


class EventRecord(_Model):
    """One record of an event log after column mapping."""

    model_config = ConfigDict(frozen=True, extra="allow")

    id: Annotated[str, Field(min_length=1)]
    time: Annotated[
        str,
        Field(
            description="ISO 8601 date-time; without an offset it is read in the zone of the check (the organisation's timezone, else the rule set's).",
            examples=["2024-11-28T09:30:00+08:00", "2024-11-28 09:30"],
        ),
    ]
    actor: Annotated[str, Field(min_length=1)]
    action: Annotated[str, Field(min_length=1)]
    recipient: str | None = None
    subject: str | None = None
    ref: str | None = None
    period: str | None = None
    attributes: dict[str, Any] = Field(default_factory=dict)
