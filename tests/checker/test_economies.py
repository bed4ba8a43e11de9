"""What the checker saves on large logs changes no report.

It keeps an event without its attributes when no rule reads them, runs the rules reading the
most events first and lets go of an action's events once no rule still to run reads them, sorts
one action's events by instant alone when they come in input order, finds a stream's
obligations by the instants they open at, gathers events and outcomes
in tuples of 65,536, indexes a requirement's events by the events themselves, sorts the outcomes
a rule and actor at a time, counts the cited events in a bitmap by line, counts the records a
batch at a time, finds the local day only of the events near the edges of a range, and does not
sort again an action's events, or a group of outcomes, that come in order. Each test compares the report with the one the checker gives without that
saving (or, for the tuples and batches, with ones small enough to be used; for the index, with a
scan of every event), over generated audits and logs.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Collection, Iterator, Sequence
from datetime import UTC, date, datetime, timedelta, timezone
from functools import partial
from typing import Any
from unittest import mock
from zoneinfo import ZoneInfo

import msgspec
import pytest
from hypothesis import example, given, note
from hypothesis import strategies as st

from govrules import check, checker
from govrules.errors import RuleSetError
from govrules.events import NO_ATTRIBUTES, Event, Rejected, _speedups
from govrules.findings import Outcome, Report, outcome_sort_key, sorted_outcomes, with_evidence_locations
from govrules.model import DateRange, Organisation, RuleSet, selectors
from govrules.testing import Audit, audits, from_rule_set


@st.composite
def _cases(draw: st.DrawFn) -> tuple[Audit, list[Event]]:
    audit = draw(audits())
    log = draw(from_rule_set(audit.rules, audit.org, start=audit.start, end=audit.end, as_of=audit.as_of))
    # every event carries attributes, so that there is something to let go of; some name the keys
    # the rules' ``where`` clauses test, with values that may or may not match
    keys = sorted({key for rule in audit.rules.rules for s in selectors(rule) for key in s.where or {}})
    values = st.sampled_from(["x", 1, True]) | st.lists(st.sampled_from(["x", "y"]), max_size=2)
    extra = st.dictionaries(st.sampled_from(keys or ["note"]), values, max_size=2)
    # twins at the same instant, whose order only the sequence numbers decide
    log_events = list(log.events)
    twins = draw(st.lists(st.sampled_from(log_events), max_size=3)) if log_events else []
    log_events += [e._replace(id=f"{e.id}-twin{i}") for i, e in enumerate(twins)]
    # the input order, or (as events made in Python may have) other sequence numbers
    seqs = draw(st.just(list(range(len(log_events)))) | st.permutations(range(len(log_events))))
    events = [
        e._replace(seq=seq, attributes={**e.attributes, "note": "n", **draw(extra)})
        for seq, e in zip(seqs, log_events, strict=True)
    ]
    return audit, events


def _check(audit: Audit, events: Sequence[Event | Rejected]) -> Report:
    return check(audit.rules, audit.org, events, start=audit.start, end=audit.end, as_of=audit.as_of)


def _at_fixed_offset(when: datetime, zones: dict[timedelta, timezone]) -> datetime:
    """``when`` at its own offset as a fixed offset, one object per offset in ``zones``."""
    offset = when.utcoffset()
    assert offset is not None
    return when.astimezone(zones.setdefault(offset, timezone(offset)))


def _every_action(rules: list[Any]) -> set[str]:
    return set().union(*map(checker._rule_actions, rules))


class _ScannedResponses:
    """`checker._Responses` without its indexes: every event of the step scanned in time order.

    The answer is the first fitting candidate linked by ``ref`` to the trigger or an earlier
    step's event if it came by ``due``, else the first fitting one that came by ``due``, else the
    first fitting one. The misdirected one cited for a step none answers is the first candidate
    in time that does not fit and is not cited already."""

    def __init__(self, events: list[Event]) -> None:
        self.events = events

    def choose(
        self,
        trig: Event,
        links: Collection[str],
        scope: Any,
        candidate: Callable[[Event], bool],
        fits: Callable[[Event], bool],
        due: datetime,
    ) -> Event | None:
        answers = [e for e in self.events if candidate(e) and fits(e)]
        linked = [e for e in answers if e.ref in links]
        for choices in ([e for e in linked if e.time <= due], [e for e in answers if e.time <= due], linked, answers):
            if choices:
                return choices[0]
        return None

    def linked_where(self, links: Collection[str], keep: Callable[[Event], bool]) -> list[Event]:
        return [e for e in self.events if e.ref in links and keep(e)]

    def linked_astray(
        self, links: Collection[str], candidate: Callable[[Event], bool], fits: Callable[[Event], bool]
    ) -> list[str]:
        return [e.id for e in self.events if e.ref in links and candidate(e) and not fits(e)]

    def astray(
        self,
        trig: Event,
        links: Collection[str],
        scope: Any,
        candidate: Callable[[Event], bool],
        fits: Callable[[Event], bool],
        cited: Collection[str],
    ) -> Event | None:
        astray = [e for e in self.events if e.id not in cited and candidate(e) and not fits(e)]
        return astray[0] if astray else None


class _ScannedSpans:
    """`checker._Spans` without its order: every live obligation, and every loose event, given."""

    def __init__(self, obls: Sequence[Any], live: list[int]) -> None:
        self.obls, self.live = obls, live

    def holding(self, when: datetime) -> list[int]:
        return [i for i in self.live if self.obls[i].opens <= when <= self.obls[i].due]

    def after(self, o: Any) -> list[int]:
        return list(self.live)

    @staticmethod
    def late(loose: Sequence[Event], o: Any) -> Sequence[Event]:
        return loose


SAVINGS = {
    # what each saving becomes when it is turned off
    "attributes": ("attribute_actions", _every_action),
    "release": ("_Run.release", lambda self, actions: None),
    "sort": ("_in_time_order", lambda events: False),
    "responses": ("_Responses", _ScannedResponses),
    "spans": ("_Spans", _ScannedSpans),
}


@given(case=_cases())
def test_events_read_without_the_attributes_no_rule_reads_give_the_same_report(case: tuple[Audit, list[Event]]) -> None:
    """What ``read_events(..., attributes_of=rules.attribute_actions())`` leaves out changes no report."""
    audit, events = case
    keep = audit.rules.attribute_actions()
    bare = [e if e.action in keep else e._replace(attributes=NO_ATTRIBUTES) for e in events]
    assert _check(audit, bare).model_dump() == _check(audit, events).model_dump()


@pytest.mark.parametrize("saving", sorted(SAVINGS))
@given(case=_cases())
def test_a_saving_changes_no_report(saving: str, case: tuple[Audit, list[Event]]) -> None:
    audit, events = case
    saved = _check(audit, events)
    name, plain_version = SAVINGS[saving]
    owner, _, attr = name.rpartition(".")
    with mock.patch.object(getattr(checker, owner) if owner else checker, attr, plain_version):
        plain = _check(audit, events)
    note(f"{saved.summary.statuses}")
    assert saved.model_dump() == plain.model_dump()


def _approvals() -> tuple[RuleSet, Organisation]:
    """A lecture needs an approval of the same subject first; one branch."""
    rules = RuleSet.model_validate(
        {
            "id": "t",
            "title": "t",
            "timezone": "Asia/Shanghai",
            "rules": [
                {
                    "id": "approval",
                    "kind": "prerequisite",
                    "clause": "c",
                    "action": "lecture",
                    "requires": [{"action": "approve"}],
                    "link": "subject",
                }
            ],
        }
    )
    org = Organisation.model_validate({"id": "o", "actors": [{"id": "b1", "roles": ["branch"]}]})
    return rules, org


def test_events_at_one_instant_are_taken_in_id_order_whatever_their_sequence_numbers() -> None:
    """Two approvals at one instant: `a2`, the last by id, is the one a prerequisite cites,
    whatever their sequence numbers and whether or not the log came in their order. Before, the
    later by ``seq`` was cited."""
    rules, org = _approvals()
    at = datetime(2024, 1, 10, 9, tzinfo=ZoneInfo("Asia/Shanghai"))
    for seqs in ((0, 1), (1, 0)):
        log = [
            Event(id="a2", time=at, actor="b1", action="approve", subject="s", seq=seqs[0]),
            Event(id="a1", time=at, actor="b1", action="approve", subject="s", seq=seqs[1]),
            Event(id="talk", time=at + timedelta(hours=1), actor="b1", action="lecture", subject="s", seq=2),
        ]
        for events in (log, sorted(log, key=lambda e: e.seq)):
            report = check(rules, org, events, start=date(2024, 1, 1), end=date(2024, 2, 1))
            assert [(o.status, o.evidence) for o in report.outcomes] == [("met", ("talk", "a2"))]


@pytest.mark.parametrize("part", [1, 2, 3])
@given(case=_cases())
def test_events_and_outcomes_gathered_in_small_parts_give_the_same_report(
    part: int, case: tuple[Audit, list[Event]]
) -> None:
    """Events and outcomes are gathered in tuples of ``_PART`` (65,536), which no generated log
    reaches: with parts of 1, 2 or 3 the report is the same."""
    audit, events = case
    whole = _check(audit, events)
    with mock.patch.object(checker, "_PART", part):
        parted = _check(audit, events)
    assert parted.model_dump() == whole.model_dump()


@given(case=_cases(), data=st.data())
def test_the_rules_may_run_in_any_order(case: tuple[Audit, list[Event]], data: st.DataObject) -> None:
    """The rules run from the one reading the most events down, each action's events let go after
    the last rule reading it: any other order gives the same report."""
    audit, events = case
    usual = _check(audit, events)
    with mock.patch.object(checker, "_run_order", lambda reads, held: data.draw(st.permutations(range(len(reads))))):
        other = _check(audit, events)
    assert other.model_dump() == usual.model_dump()


class _PlainUsed:
    """The used events as a set of every cited id accepted tells them."""

    def __init__(self, acc: Any, cited: Any) -> None:
        self.acc = acc
        self.ids = {event_id for event_id in cited if event_id in acc.first_seen}
        self.count = len(self.ids)

    def unused(self) -> Iterator[str]:
        return (event_id for event_id in self.acc.first_seen if event_id not in self.ids)


@given(
    case=_cases(),
    layout=st.sampled_from(
        ["one file", "lines from 0", "two files", "lines repeat", "no lines", "far lines", "negative lines"]
    ),
)
def test_events_counted_as_used_in_a_bitmap_by_line_are_those_a_set_counts(
    case: tuple[Audit, list[Event]], layout: str
) -> None:
    """``records.used`` counts the cited events in a bitmap by line where a file's lines rose
    strictly, in a set otherwise, and the unused records it names are those not marked: the
    report is the one a set of every cited id gives, and so are the records of a report made
    with its evidence locations (from the sorted cited ids)."""
    audit, events = case
    half = len(events) // 2
    if layout == "one file":
        events = [e._replace(file="a.csv", line=i + 2) for i, e in enumerate(events)]
    elif layout == "lines from 0":  # as events made in Python may have
        events = [e._replace(file="a.csv", line=i) for i, e in enumerate(events)]
    elif layout == "two files":
        events = [
            e._replace(file="a.csv" if i < half else "b.csv", line=i % half + 2 if half else 2)
            for i, e in enumerate(events)
        ]
    elif layout == "lines repeat":
        events = [e._replace(file="a.csv", line=i % 3 + 2) for i, e in enumerate(events)]
    elif layout == "far lines":  # as events made in Python may have: no bitmap of 10**12 bytes
        events = [e._replace(file="a.csv", line=10**12 + i) for i, e in enumerate(events)]
    elif layout == "negative lines":
        events = [e._replace(file="a.csv", line=i - len(events)) for i, e in enumerate(events)]
    counted = _check(audit, events)
    with mock.patch.object(checker, "_Used", _PlainUsed):
        plain = _check(audit, events)
    note(f"{counted.records}")
    assert counted.model_dump() == plain.model_dump()
    # and as the sorted cited ids a report with locations is made from tell them
    located = check(
        audit.rules, audit.org, events, start=audit.start, end=audit.end, as_of=audit.as_of, with_locations=True
    )
    assert located.records == plain.records


def test_rules_that_share_actions_may_run_in_any_order() -> None:
    """Three rules, each sharing an action with another (generated audits do not share actions
    between rules): in every order the report is the same, so no rule loses the events another
    still reads."""
    at = datetime(2024, 1, 10, 9, tzinfo=ZoneInfo("Asia/Shanghai"))
    rules = RuleSet.model_validate(
        {
            "id": "t",
            "title": "t",
            "timezone": "Asia/Shanghai",
            "rules": [
                {
                    "id": "a",
                    "kind": "prerequisite",
                    "clause": "c",
                    "action": "lecture",
                    "requires": [{"action": "approve"}],
                },
                {
                    "id": "b",
                    "kind": "prerequisite",
                    "clause": "c",
                    "action": "post",
                    "requires": [{"action": "approve"}],
                },
                {
                    "id": "c",
                    "kind": "prerequisite",
                    "clause": "c",
                    "action": "talk",
                    "requires": [{"action": "post"}],
                },
            ],
        }
    )
    org = Organisation.model_validate({"id": "o", "actors": [{"id": "b1", "roles": ["branch"]}]})
    log = [Event(id=f"ok{i}", time=at, actor="b1", action="approve", subject=f"s{i}", seq=i) for i in range(0, 9, 2)]
    log += [
        Event(id=f"{action}{i}", time=at + timedelta(hours=1), actor="b1", action=action, subject=f"s{i}", seq=10 + i)
        for action, count in (("post", 8), ("lecture", 3), ("talk", 2))
        for i in range(count)
    ]
    reports = []
    for order in itertools.permutations(range(3)):
        with mock.patch.object(checker, "_run_order", lambda reads, held, order=order: list(order)):
            reports.append(check(rules, org, log, start=date(2024, 1, 1), end=date(2024, 2, 1)))
    statuses = [(o.rule, o.period, o.status) for o in reports[0].outcomes]
    assert len(statuses) == 13 and ("b", "post1", "unapproved") in statuses and ("b", "post2", "met") in statuses
    assert all(r.model_dump() == reports[0].model_dump() for r in reports[1:])
    reads = [checker._rule_actions(r) for r in rules.rules]
    held = {"approve": 5, "post": 8, "lecture": 3, "talk": 2}
    assert checker._run_order(reads, held) == [1, 2, 0]  # b, c, a: 13, 10, 8 events


def test_two_rules_made_in_python_with_one_id_are_refused_as_loading_refuses_them() -> None:
    """A rule id used twice is refused in a rule set made in Python, as loading refuses it (the
    report's findings and outcomes name rules by id); with the ids apart, each rule reads its
    own actions."""
    requires = [("lecture", "approve"), ("post", "ok")]
    rules = RuleSet.model_validate(
        {
            "id": "t",
            "title": "t",
            "timezone": "Asia/Shanghai",
            "rules": [
                {"id": "x", "kind": "prerequisite", "clause": "c", "action": a, "requires": [{"action": r}]}
                for a, r in requires
            ],
        }
    )
    org = Organisation.model_validate({"id": "o", "actors": [{"id": "b1", "roles": ["branch"]}]})
    at = datetime(2024, 1, 10, 9, tzinfo=ZoneInfo("Asia/Shanghai"))
    actions = ["approve", "ok", "lecture", "post", "approve", "post"]
    log = [
        Event(id=f"e{i}", time=at + timedelta(minutes=i), actor="b1", action=a, subject="s", seq=i)
        for i, a in enumerate(actions)
    ]
    with pytest.raises(RuleSetError) as info:
        check(rules, org, log, start=date(2024, 1, 1), end=date(2024, 2, 1))
    assert [(p.pointer, p.code) for p in info.value.problems] == [("/rules/1/id", "duplicate-id")]
    apart = rules.model_copy(update={"rules": [rules.rules[0], rules.rules[1].model_copy(update={"id": "y"})]})
    report = check(apart, org, log, start=date(2024, 1, 1), end=date(2024, 2, 1))
    assert sorted((o.rule, o.period, o.status) for o in report.outcomes) == [
        ("x", "e2", "met"),
        ("y", "e3", "met"),
        ("y", "e5", "met"),
    ]
    assert (report.records.used, report.records.unused) == (5, 1)


@given(case=_cases(), data=st.data())
def test_outcomes_sorted_a_rule_and_actor_at_a_time_are_sorted_by_the_key(
    case: tuple[Audit, list[Event]], data: st.DataObject
) -> None:
    """`sorted_outcomes` gives the very objects, in the very order, of a stable sort by
    `outcome_sort_key`, ties (twins that differ only in what the key leaves out) included."""
    audit, events = case
    outcomes = list(_check(audit, events).outcomes)
    if data.draw(st.booleans()):  # at fixed offsets, as a log read from a file gives them
        zones: dict[timedelta, timezone] = {}
        outcomes = [msgspec.structs.replace(o, opens=_at_fixed_offset(o.opens, zones)) for o in outcomes]
    if outcomes:
        twins = data.draw(st.lists(st.sampled_from(outcomes), max_size=4))
        outcomes += [msgspec.structs.replace(o, evidence=("twin",), status="late") for o in twins]
    # shuffled, or in report order (where most groups are already in order)
    given = data.draw(st.permutations(outcomes) | st.just(sorted(outcomes, key=outcome_sort_key)))
    assert [id(o) for o in sorted_outcomes(given)] == [id(o) for o in sorted(given, key=outcome_sort_key)]


_IDS = st.sampled_from(["a", "b", "c", "d"])


@given(
    drawn=st.lists(
        st.tuples(
            st.sampled_from([None, "a", "b", "c"]),
            st.sampled_from([None, "s", "t"]),
            st.integers(0, 2),
            st.integers(0, 1),
        ),
        max_size=12,
    ),
    guarded=st.lists(
        st.tuples(_IDS, st.sampled_from([None, "a", "b", "x"]), st.sampled_from([None, "s", "t"])), max_size=6
    ),
    link=st.sampled_from(["ref", "subject", "ref-or-subject"]),
)
# a key missing on one event and repeated on two others
@example(drawn=[("a", None, 0, 0), (None, "s", 1, 0), (None, "s", 2, 0)], guarded=[("x", None, "s")], link="subject")
# a guarded event that names an event by ``ref``, and one that an event names, with no subject
@example(
    drawn=[("b", None, 0, 0), ("x", None, 1, 0)], guarded=[("x", "a", None), ("b", None, None)], link="ref-or-subject"
)
def test_the_link_index_finds_what_a_scan_finds(
    drawn: list[tuple[str | None, str | None, int, int]], guarded: list[tuple[str, str | None, str | None]], link: str
) -> None:
    """The index keeps events, not positions: the events it links to a guarded event are those a
    scan of every event finds, in the same order, with ties at one instant and one ``seq``, and
    an event linked both by ``ref`` and by ``subject`` given once; ``candidates``, which looks in
    the index by subject alone where nothing else can link, gives the same."""
    at = datetime(2024, 1, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
    made = [
        Event(
            id=f"{i}" if i % 3 else "a",
            time=at + timedelta(hours=hour),
            actor="b1",
            action="approve",
            ref=ref,
            subject=subject,
            seq=seq,
        )
        for i, (ref, subject, hour, seq) in enumerate(drawn)
    ]
    events = tuple(sorted(made, key=checker._event_key))
    index = checker._LinkIndex(link, events)
    for g_id, g_ref, g_subject in guarded:
        g = Event(id=g_id, time=at, actor="b1", action="lecture", ref=g_ref, subject=g_subject)
        scan = [
            e
            for e in events
            if (link != "subject" and (g.ref == e.id or e.ref == g.id))
            or (link != "ref" and g.subject is not None and g.subject == e.subject)
        ]
        assert [id(e) for e in index.linkable(g)] == [id(e) for e in scan]
        assert [id(e) for e in index.candidates(g)] == [id(e) for e in scan]


@st.composite
def _as_read(draw: st.DrawFn) -> tuple[Audit, list[Event | Rejected]]:
    """A generated audit's log as a reader gives it, and worse: fixed offsets (one object per
    offset, or a new one per event), files and lines in runs, lines that stop rising, duplicate
    ids, rejected records (citing an id or not), unknown actors, times at and after the audit
    moment."""
    audit, events = draw(_cases())
    shared: dict[timedelta | None, timezone] = {}
    made: list[Event | Rejected] = []
    line = draw(st.integers(-2, 3))
    for e in events:
        offset = e.time.utcoffset()
        assert offset is not None
        zone = draw(st.sampled_from(["shared", "own", "kept"]))
        if zone == "shared":
            e = e._replace(time=e.time.astimezone(shared.setdefault(offset, timezone(offset))))
        elif zone == "own":
            e = e._replace(time=e.time.astimezone(timezone(offset)))
        line += draw(st.sampled_from([1, 1, 1, 2, 0, -1]))
        file = draw(st.sampled_from(["a.csv", "a.csv", "a.csv", "b.csv", None]))
        e = e._replace(file=file, line=draw(st.just(line) | st.none()) if file else None)
        if draw(st.integers(0, 9)) == 0:
            e = e._replace(actor="ghost")
        if draw(st.integers(0, 9)) == 0:  # at, just after or long after the audit moment
            late = audit.as_of + timedelta(seconds=draw(st.sampled_from([0, 1, 86_400, 10**8])))
            e = e._replace(time=late.astimezone(e.time.tzinfo))
        made.append(e)
        if made and draw(st.integers(0, 9)) == 0:
            made.append(draw(st.sampled_from([x for x in made if isinstance(x, Event)]))._replace(line=line))
        if draw(st.integers(0, 19)) == 0:  # with no id, a new one, or an event's
            named = [None, "unread"] + [x.id for x in made if isinstance(x, Event)]
            made.append(Rejected("a.csv", line, "malformed CSV", draw(st.sampled_from(named))))
    return audit, made


def _no_offset(when: datetime, zone: Any) -> None:
    return None


_ACCOUNTS = {"c": _speedups.account if _speedups is not None else None, "python": checker._account}


@pytest.mark.parametrize("account", sorted(_ACCOUNTS))
@pytest.mark.parametrize("batch", [1, 2, 3, 5])
@given(case=_as_read())
def test_records_taken_a_batch_at_a_time_are_counted_as_one_at_a_time(
    account: str, batch: int, case: tuple[Audit, list[Event | Rejected]]
) -> None:
    """A batch of good events of one file at one fixed offset is counted a field at a time, in C
    or in Python: the report (records, rejections, unknown actors, evidence locations) is the one
    that counting every record by itself gives."""
    audit, records = case
    assert _ACCOUNTS[account] is not None, "govrules._speedups was not compiled: install with a C compiler"

    def run() -> Report:
        return check(
            audit.rules, audit.org, records, start=audit.start, end=audit.end, as_of=audit.as_of, with_locations=True
        )

    with (
        mock.patch.object(checker, "_INGEST_BATCH", batch),
        mock.patch.object(checker, "_account_batch", _ACCOUNTS[account]),
    ):
        batched = run()
        with mock.patch.object(checker, "_at_offset", _no_offset):
            one_by_one = run()
    note(f"{batched.records}")
    assert batched.model_dump() == one_by_one.model_dump()


@given(case=_as_read())
def test_locations_and_the_used_count_come_from_one_look_up_of_each_cited_id(
    case: tuple[Audit, list[Event | Rejected]],
) -> None:
    """With its locations, a report counts the used events and says where each cited event was
    read from the sorted cited ids and one look-up of each: the report `with_evidence_locations`
    makes of the report without them, from the accounting's map of locations, whose used count
    is `_count_used`'s. Logs of one file and of several (each way of finding a location)."""
    audit, records = case
    made: list[checker._Accounting] = []

    class Kept(checker._Accounting):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            made.append(self)

    def run(with_locations: bool) -> Report:
        return check(
            audit.rules,
            audit.org,
            records,
            start=audit.start,
            end=audit.end,
            as_of=audit.as_of,
            with_locations=with_locations,
        )

    with mock.patch.object(checker, "_Accounting", Kept):
        located = run(True)
        plain = run(False)
    expected = with_evidence_locations(plain, checker._Locations(made[-1]))
    note(f"{located.records} {len(located.evidence_locations)}")
    assert located.model_dump() == expected.model_dump()


@pytest.mark.parametrize("account", sorted(_ACCOUNTS))
def test_a_batch_of_good_events_is_counted_at_once(account: str) -> None:
    """The test above can fail only if its batches are counted at once: a log such as a reader
    gives is, past its first batch."""
    rules, org = _approvals()
    zone = timezone(timedelta(hours=8))
    at = datetime(2024, 1, 10, 9, tzinfo=zone)
    log = [
        Event(id=f"e{i}", time=at + timedelta(minutes=i), actor="b1", action="approve", file="a.csv", line=i + 2)
        for i in range(6)
    ]
    bounds = []
    at_offset = checker._at_offset

    def spy(when: datetime, offset: Any) -> datetime | None:
        bounds.append(at_offset(when, offset))
        return bounds[-1]

    assert _ACCOUNTS[account] is not None, "govrules._speedups was not compiled: install with a C compiler"
    accounted = []

    def counted(*args: Any) -> Any:
        accounted.append(_ACCOUNTS[account](*args))
        return accounted[-1]

    with (
        mock.patch.object(checker, "_INGEST_BATCH", 2),
        mock.patch.object(checker, "_at_offset", spy),
        mock.patch.object(checker, "_account_batch", counted),
    ):
        report = check(rules, org, log, start=date(2024, 1, 1), end=date(2025, 1, 1))
    assert bounds and all(b is not None for b in bounds)
    # the first batch goes record by record (it sets the first file and line); the next two at once
    assert [a is not None for a in accounted] == [True, True]
    assert (report.records.read, report.records.rejected) == (6, 0)


_PLUS_ONE = timezone(timedelta(hours=1))
_AT_NINE = datetime(2024, 3, 1, 9)


@st.composite
def _account_args(draw: st.DrawFn) -> tuple[list[Any], dict[str, Any]]:
    """A batch and the state `_account` starts from. Most batches are ones to account for at once
    (one file, one offset, new ids, times up to the audit moment); some have an id seen before or
    repeated, a time at equal offset objects that are not the same object, at a second offset or
    in a zone with DST, a time after the audit moment, a second file or a rejected record; and
    lines that rise from the last line seen or stop rising once (a line repeated, or lower), unknown
    actors, attributes to keep or let go."""
    zones = [_PLUS_ONE, timezone(timedelta(hours=1)), timezone(timedelta(hours=2)), ZoneInfo("Europe/Rome")]
    odd = st.integers(0, 59).map(lambda k: k == 0)  # a deviation from the batch's common values
    file = draw(st.sampled_from(["a.csv", "b.csv", None]))
    ids = draw(st.lists(st.sampled_from("abcdefghij"), unique=True, max_size=7))
    steps = [draw(st.sampled_from([1, 2])) for _ in ids]
    if draw(st.booleans()) and steps:
        steps[draw(st.integers(0, len(steps) - 1))] = draw(st.sampled_from([0, -1]))
    top = line = draw(st.integers(-2, 3))  # the last line seen: the first step from it may be 0
    batch: list[Any] = []
    for i, step in zip(ids, steps, strict=True):
        if draw(odd):
            batch.append(Rejected("a.csv", 3, "malformed CSV"))
        line += step
        batch.append(
            Event(
                id=draw(st.sampled_from("abcdefghij")) if draw(odd) else i,
                time=(_AT_NINE + timedelta(minutes=draw(st.integers(0, 30)))).replace(
                    tzinfo=draw(st.sampled_from(zones)) if draw(odd) else _PLUS_ONE
                ),
                actor=draw(st.sampled_from(["x", "y", "y", "y", "ghost"])),
                action=draw(st.sampled_from(["do", "see", "skip"])),
                attributes=draw(st.sampled_from([NO_ATTRIBUTES, {"k": 1}, {}])),
                file=draw(st.sampled_from(["a.csv", "b.csv", None])) if draw(odd) else file,
                line=None if draw(odd) else line,
            )
        )
    as_of = (_AT_NINE + timedelta(minutes=draw(st.sampled_from([30, 30, 30, 20])))).replace(tzinfo=_PLUS_ONE)
    events = [e for e in batch if isinstance(e, Event)]
    held = draw(st.lists(st.sampled_from(events), max_size=2)) if events else []
    state = {
        "seen": {i: draw(st.none() | st.integers(0, 5)) for i in draw(st.lists(st.sampled_from("klmabc"), max_size=2))},
        "bound_of": partial(checker._at_offset, as_of),
        "first_file": draw(st.sampled_from([file, file, file, "a.csv", "b.csv", None])),
        "other_files": {},
        "rising": draw(st.sampled_from([True, True, False])),
        "top": top + draw(st.sampled_from([0, 0, 1, 5])),  # 1: the first line may be the last seen
        "known": {"x", "y"},
        "wanted": set(draw(st.lists(st.sampled_from(["do", "see", "skip"])))),
        "bare": set(draw(st.lists(st.sampled_from(["do", "see", "skip"])))),
        "by_action": {"do": held},
        "parts": {},
        "part": draw(st.integers(1, 3)),
    }
    return batch, state


def _accounted(account: Any, batch: list[Any], state: dict[str, Any]) -> tuple[Any, ...]:
    """What ``account`` returns for ``batch`` from a copy of ``state``, and the state it leaves."""
    s = {
        **state,
        "seen": dict(state["seen"]),
        "other_files": dict(state["other_files"]),
        "by_action": {k: list(v) for k, v in state["by_action"].items()},
        "parts": {k: list(v) for k, v in state["parts"].items()},
    }
    result = account(
        batch, Event, s["seen"], s["bound_of"], s["first_file"], s["other_files"], s["rising"], s["top"],
        s["known"], s["wanted"], s["bare"], s["by_action"], s["parts"], s["part"], checker._stripped,
    )  # fmt: skip
    kept = {k: [(e, e.attributes is NO_ATTRIBUTES) for e in v] for k, v in s["by_action"].items()}
    return result, list(s["seen"].items()), list(s["other_files"].items()), kept, s["parts"]


def _lines_case(lines: list[int], top: int, last_zone: Any = _PLUS_ONE) -> tuple[list[Any], dict[str, Any]]:
    """A clean batch of events at ``lines`` in the file whose last line seen is ``top``, the last
    event's time in ``last_zone``."""
    at = _AT_NINE.replace(tzinfo=_PLUS_ONE)
    batch: list[Any] = [
        Event(id=f"e{n}", time=at, actor="x", action="do", file="a.csv", line=line) for n, line in enumerate(lines)
    ]
    batch[-1] = batch[-1]._replace(time=at.astimezone(last_zone))
    state = {"seen": {}, "bound_of": partial(checker._at_offset, at), "first_file": "a.csv", "other_files": {},
             "rising": True, "top": top, "known": {"x"}, "wanted": {"do"}, "bare": set(), "by_action": {},
             "parts": {}, "part": 2}  # fmt: skip
    return batch, state


@given(args=_account_args())
@example(args=_lines_case([3, 4], 2))  # rising
@example(args=_lines_case([3, 4], 3))  # the first line is the last one seen
@example(args=_lines_case([3, 3], 2))  # a line repeated
@example(args=_lines_case([3, 4], 2, timezone(timedelta(hours=2))))  # a second offset
@example(args=_lines_case([3, 4], 2, ZoneInfo("Europe/Rome")))  # a zone with DST
def test_a_batch_is_accounted_for_in_c_as_in_python(args: tuple[list[Any], dict[str, Any]]) -> None:
    """`_speedups.account` returns what `checker._account` returns and leaves the same state:
    the ids seen with their lines (in the same order), the other files, the events held (the
    same events, without attributes where Python lets go of them) and the parts; and for a batch
    it leaves to the record-by-record path, None and the state it was given."""
    assert _speedups is not None, "govrules._speedups was not compiled: install with a C compiler"
    batch, state = args
    in_c = _accounted(_speedups.account, batch, state)
    in_python = _accounted(checker._account, batch, state)
    note(repr(in_python))
    assert in_c == in_python
    if in_c[0] is None:
        assert in_c[1] == list(state["seen"].items()) and in_c[2] == []


def test_a_batch_that_fails_half_way_is_taken_out_of_the_ids_seen() -> None:
    """An id that cannot be a key, after two that were added: the error is raised and the two are
    taken out again (in Python, none was added), and nothing is held."""
    assert _speedups is not None, "govrules._speedups was not compiled: install with a C compiler"
    at = _AT_NINE.replace(tzinfo=_PLUS_ONE)
    batch: list[Any] = [
        Event(id=i, time=at, actor="x", action="do", file="a.csv", line=n)  # type: ignore[arg-type]
        for n, i in enumerate(["a", "b", ["c"]])
    ]
    accounts: list[Any] = [_speedups.account, checker._account]
    for account in accounts:
        seen: dict[str, int | None] = {"z": 1}
        by_action: dict[str, list[Event]] = {}
        with pytest.raises(TypeError, match="unhashable"):
            account(batch, Event, seen, partial(checker._at_offset, at), "a.csv", {}, True, -1, {"x"}, {"do"},
                    set(), by_action, {}, 2, checker._stripped)  # fmt: skip
        assert (seen, by_action) == ({"z": 1}, {})


def _account_call() -> list[Any]:
    at = _AT_NINE.replace(tzinfo=_PLUS_ONE)
    return [[Event(id="a", time=at, actor="x", action="do", line=4)], Event, {}, partial(checker._at_offset, at),
            None, {}, True, 0, {"x"}, {"do"}, set(), {}, {}, 2, checker._stripped]  # fmt: skip


@pytest.mark.parametrize(
    "change, error",
    [
        ({0: ()}, TypeError),  # not a list
        ({1: int}, AttributeError),  # a type without the fields
        (
            {
                1: type(
                    "Plain", (), {"id": 1, "time": 2, "actor": 3, "action": 4, "attributes": 5, "file": 6, "line": 7}
                )
            },
            TypeError,
        ),  # fields that are not struct members
        # the struct members of another type, read at their offsets, would be read past the event
        ({1: type("Foreign", (), {name: Event.__dict__[name] for name in Event.__struct_fields__})}, TypeError),
        ({2: []}, TypeError),  # seen not a dict
        ({8: ["x"]}, TypeError),  # known not a set
        ({13: 0}, TypeError),  # no part size
    ],
)
def test_account_refuses_arguments_of_the_wrong_shape(change: dict[int, Any], error: type[Exception]) -> None:
    assert _speedups is not None, "govrules._speedups was not compiled: install with a C compiler"
    args = _account_call()
    assert _speedups.account(*args) == (True, 4, True)
    assert args[2] == {"a": 4} and args[11] == {"do": args[0]}
    args = _account_call()
    for k, v in change.items():
        args[k] = v
    with pytest.raises(error):
        _speedups.account(*args)
    with pytest.raises(TypeError, match="15 arguments"):
        _speedups.account(*args[:14])


_ZONES = ["Asia/Shanghai", "America/Sao_Paulo", "Pacific/Apia", "Pacific/Kiritimati", "Etc/GMT+12", "America/Havana"]


@given(
    zone=st.sampled_from(_ZONES),
    start=st.dates(date(1985, 1, 1), date(2030, 1, 1)) | st.sampled_from([date(1, 1, 2), date(9990, 11, 20)]),
    days=st.integers(1, 40),
    effective=st.tuples(st.none() | st.integers(-3, 45), st.none() | st.integers(-3, 45)),
    seconds=st.lists(st.integers(-4 * 86_400, 45 * 86_400), max_size=80),
)
def test_the_events_dated_within_a_range_are_those_whose_local_day_is_in_it(
    zone: str, start: date, days: int, effective: tuple[int | None, int | None], seconds: list[int]
) -> None:
    """Only the events near an edge of the range are converted to a local day: what is kept is
    what converting every event keeps, in zones whose midnight a clock change skips or repeats,
    at offsets of up to 14 hours, and at the ends of the calendar (year 1, and the latest range a
    check accepts, `LAST_RANGE_END`)."""
    end = _day(start, days)
    frm, to = (None if d is None else _day(start, d) for d in effective)
    if frm is not None and to is not None and to < frm:
        frm, to = to, frm
    rules, org = _approvals()
    rule = rules.rules[0].model_copy(update={"effective": DateRange.model_validate({"from": frm, "to": to})})
    run = checker._prepare(rules.model_copy(update={"timezone": zone}), org, start, end, None, "en", None)
    first = datetime.combine(start, datetime.min.time(), ZoneInfo(zone))
    times = sorted(_shifted(first, s) for s in seconds)
    events = tuple(Event(id=str(i), time=t, actor="b1", action="lecture", seq=i) for i, t in enumerate(times))
    kept = list(checker._dated_within(run, rule, events))
    assert kept == [e for e in events if checker._in_range(run, rule, e.time)]


def _day(start: date, days: int) -> date:
    return start + timedelta(days=max(min(days, (date.max - start).days), (date.min - start).days))


def _shifted(first: datetime, seconds: int) -> datetime:
    try:
        return (first + timedelta(seconds=seconds)).astimezone(UTC)
    except OverflowError:
        return first.astimezone(UTC)


@given(case=_as_read(), in_order=st.booleans())
def test_events_found_in_time_order_give_the_report_sorting_them_gives(
    case: tuple[Audit, list[Event | Rejected]], in_order: bool
) -> None:
    """An action's events that come in time order (as most logs' do) are not sorted again; they
    are found to be in order by comparing their times only when every one is at a fixed offset."""
    audit, records = case
    if in_order:
        # by time only: events at one instant stay in the order given, which the check then settles
        records = [*sorted((r for r in records if isinstance(r, Event)), key=lambda e: e.time.timestamp())]
    report = _check(audit, records)
    with mock.patch.object(checker, "_in_time_order", lambda events: False):
        sorted_again = _check(audit, records)
    assert report.model_dump() == sorted_again.model_dump()


def test_times_are_in_order_as_instants_not_as_wall_times() -> None:
    """In the hour a clock change repeats, a later wall time may be an earlier instant."""
    rome = ZoneInfo("Europe/Rome")
    later, earlier = datetime(2024, 10, 27, 2, 30, fold=1, tzinfo=rome), datetime(2024, 10, 27, 2, 45, tzinfo=rome)
    assert later > earlier.astimezone(UTC)  # as instants
    for first, second, in_order in [
        (later, earlier, False),  # in wall-time order, not in time order
        (earlier, later, True),
    ]:
        for zones in ("fixed", "zone"):
            times = [_at_fixed_offset(t, {}) if zones == "fixed" else t for t in (first, second)]
            events = [Event(id=str(i), time=t, actor="b1", action="a") for i, t in enumerate(times)]
            # a zone with DST is never taken as in order (its times compare by wall time)
            assert checker._in_time_order(events) is (in_order and zones == "fixed")


def test_outcomes_for_two_counterparts_are_sorted_by_counterpart_before_time() -> None:
    """A group (rule and actor) whose outcomes open one after another is left as it is only when
    none has a counterpart: the counterpart comes first in the key."""
    at = datetime(2024, 1, 1, tzinfo=timezone(timedelta(hours=8)))
    made = [
        Outcome(
            rule="r",
            clause="c",
            actor="a",
            counterpart=who,
            period="2024-01",
            opens=at + timedelta(days=i),
            due=at,
            status="met",
        )
        for i, who in enumerate(["s2", "s1"])
    ]
    assert [o.counterpart for o in sorted_outcomes(made)] == ["s1", "s2"]


def test_account_holds_what_python_code_it_calls_may_let_go() -> None:
    """`account` keeps the batch (and so each event's fields) alive while it calls back into
    Python, even if a callback empties the list it was given: it accounts for the batch as Python
    does for the list left whole. And a list of held events already longer than a part is not
    moved into the parts, as in Python."""
    assert _speedups is not None, "govrules._speedups was not compiled: install with a C compiler"
    at = _AT_NINE.replace(tzinfo=_PLUS_ONE)
    results = []
    for account, clears in ((_speedups.account, True), (checker._account, False)):
        batch: list[Any] = [
            Event(id=f"e{i}", time=at, actor="x", action=f"do{i}", file="a.csv", line=1000 + i) for i in range(3)
        ]
        by_action: dict[str, list[Any]] = {"do2": [batch[2]] * 3}

        def bound_of(zone: Any, batch: list[Any] = batch, clears: bool = clears) -> datetime | None:
            if clears:
                batch.clear()
            return checker._at_offset(at, zone)

        result = account(batch, Event, {}, bound_of, "a.csv", {}, True, 0, {"x"}, {"do0", "do2"}, set(),
                         by_action, {}, 2, checker._stripped)  # fmt: skip
        results.append((result, [(k, [e.id for e in v]) for k, v in by_action.items()]))
    assert results[0] == results[1] == ((True, 1002, True), [("do2", ["e2"] * 4), ("do0", ["e0"])])
