"""The laws the checker obeys, each a property over generated audits and logs (docs/testing.md).

Every law compares structured reports. The witness and the mutations come from
`govrules.testing.from_rule_set`; the audits from `govrules.testing.audits`.
"""

from __future__ import annotations

import dataclasses
import json
import random
from datetime import UTC, date, timedelta, timezone
from typing import Any

from dateutil.relativedelta import relativedelta
from hypothesis import assume, given, note
from hypothesis import strategies as st

from govrules import check
from govrules.events import Event
from govrules.findings import Finding, Outcome, Report
from govrules.model import actions_of, selectors
from govrules.obligations import zone_of
from govrules.renderers import render
from govrules.testing import Audit, audits, events, from_rule_set

GAPS = {"missing", "insufficient", "late", "unanswered", "unapproved"}
FINAL = {
    "met",
    "late",
    "missing",
    "insufficient",
    "excess",
    "outside-window",
    "wrong-recipient",
    "unanswered",
    "late-response",
    "discharged",
}


def _check(audit: Audit, log: list[Event] | tuple[Event, ...], **changes: Any) -> Report:
    args = {"start": audit.start, "end": audit.end, "as_of": audit.as_of, **changes}
    return check(audit.rules, audit.org, [e._replace(seq=i) for i, e in enumerate(log)], **args)


def _key(f: Finding) -> tuple[Any, ...]:
    return (f.code.value, f.rule, f.actor, f.counterpart, f.period, f.detail.get("step"))


def _serious(report: Report) -> list[Finding]:
    return [f for f in report.findings if f.severity in ("violation", "warning")]


@st.composite
def audits_with_logs(
    draw: st.DrawFn, compliant: bool | None = None, kinds: list[str] | None = None
) -> tuple[Audit, Any]:
    audit = draw(audits(kinds=kinds))
    log = draw(
        from_rule_set(audit.rules, audit.org, start=audit.start, end=audit.end, as_of=audit.as_of, compliant=compliant)
    )
    return audit, log


@given(audits_with_logs(compliant=True))
def test_a_witness_log_gives_no_violation_and_no_warning(case: tuple[Audit, Any]) -> None:
    """The witness, built from the obligations themselves, meets every rule."""
    audit, log = case
    report = _check(audit, log.events)
    assert [_key(f) for f in _serious(report)] == []


@given(audits_with_logs(compliant=False))
def test_each_mutation_gives_exactly_its_finding(case: tuple[Audit, Any]) -> None:
    """One mutation adds exactly its expected finding; nothing else changes."""
    audit, log = case
    note(f"mutation: {log.mutation}, expected: {log.expected}")
    report = _check(audit, log.events)
    serious = _serious(report)
    [expected] = log.expected
    matching = [f for f in report.findings if expected.matches(f)]
    assert len(matching) == 1, [_key(f) for f in report.findings]
    assert [_key(f) for f in serious if f is not matching[0]] == []


@given(
    audits_with_logs(compliant=None),
    st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 3)), max_size=3),
    st.data(),
)
def test_adding_an_event_never_creates_a_gap(
    case: tuple[Audit, Any], extras: list[tuple[int, int]], data: st.DataObject
) -> None:
    """Adding events that answer obligations never creates missing, insufficient, late, unanswered or unapproved."""
    audit, log = case
    before = _check(audit, log.events)
    answering = sorted({a for r in audit.rules.rules for a in _answer_actions(r)})
    assume(answering)
    added = [
        e._replace(id=f"x{i}")
        for i, e in enumerate(
            data.draw(
                st.lists(
                    events(
                        actors=[a.id for a in audit.org.actors],
                        actions=answering,
                        min_value=_utc(audit.start),
                        max_value=audit.as_of,
                    ),
                    max_size=3,
                )
            )
        )
    ]
    after = _check(audit, [*log.events, *added])
    old = {_key(f) for f in before.findings}
    # a report sent elsewhere leaves the obligation unmet: a correctly addressed late one
    # added after it is an improvement too
    improved = {(k[1], k[2], k[3], k[4], k[5]) for k in old if k[0] in GAPS | {"wrong-recipient"}}
    added_ids = {e.id for e in added}
    # a step counted from the one before is due from that step's response: one added starts the
    # next step's clock sooner, so that step may fall due at the audit moment, or an `unless`
    # event that had discharged it may now come after its deadline (docs/semantics.md)
    restarted = _restarted(audit, [o for o in after.outcomes if set(o.evidence) & added_ids])
    # a step whose clock moved cites a misdirected report in another order: the report another
    # step cited may go to it, and that step is then unanswered (docs/testing.md)
    misdirected = {
        (f.rule, f.actor, f.counterpart, f.period, f.detail.get("step")): f.evidence[-1]
        for f in before.findings
        if f.code.value == "wrong-recipient" and f.detail.get("step") is not None
    }
    cited_now = {f.evidence[-1] for f in after.findings if f.code.value == "wrong-recipient"}
    tz = zone_of(audit.rules, audit.org)
    added_days = {e.time.astimezone(tz).date().isoformat() for e in added}
    now = {_key(f) for f in after.findings}
    # a rolling interval's open gap runs from its latest event: one added after that moves the
    # gap, still missing, to start on the added event's day; it is the same gap, not a new one
    moved_from = {(k[1], k[2], k[3]) for k in old - now if k[0] == "missing" and "/" in (k[4] or "")}
    for f in after.findings:
        if (
            f.code.value == "missing"
            and "/" in (f.period or "")
            and (f.period or "").split("/")[0] in added_days
            and (f.rule, f.actor, f.counterpart) in moved_from
        ):
            continue
        step_key = (f.rule, f.actor, f.counterpart, f.period, f.detail.get("step"))
        if f.code.value == "unanswered" and (step_key in restarted or misdirected.get(step_key) in cited_now):
            continue
        if f.code.value in GAPS and _key(f) not in old:
            # a missing obligation may become late: that is an improvement, not a new gap
            improvement = step_key in improved
            # a rolling interval's gap is between consecutive events: one added before the clock
            # starts (before the rule, the actor or its role begins) opens the first gap earlier,
            # and the next event may be late for it (docs/semantics.md, rolling intervals)
            opened_by_added = "/" in (f.period or "") and f.evidence[:1] and f.evidence[0] in added_ids
            assert f.code.value == "late" and (improvement or opened_by_added), _key(f)


def _chained(audit: Audit) -> set[tuple[str, int]]:
    """The (rule, step number) of every step counted from the one before it."""
    return {
        (r.id, i + 1)
        for r in audit.rules.rules
        if r.kind == "triggered"
        for i, s in enumerate(r.steps)
        if s.counted_from == "previous" and i > 0
    }


def _restarted(audit: Audit, answered: list[Outcome]) -> set[tuple[Any, ...]]:
    """The steps whose clock an ``answered`` step's new response moves: each step counted from it,
    and those counted from that one in turn (keys as `_key` without the code)."""
    chained = _chained(audit)
    moved = set()
    for o in answered:
        if o.step is None:
            continue
        after = o.step + 1
        while (o.rule, after) in chained:
            moved.add((o.rule, o.actor, o.counterpart, o.period, after))
            after += 1
    return moved


def _answer_actions(rule: Any) -> list[str]:
    kind = rule.kind
    if kind == "recurring":
        return [rule.action] if isinstance(rule.action, str) else list(rule.action)
    if kind == "triggered":
        return [s.action for s in rule.steps if isinstance(s.action, str)]
    if kind == "prerequisite":
        return [r.action for r in rule.requires if isinstance(r.action, str)]
    return []


def _utc(day: Any) -> Any:
    from datetime import datetime

    return datetime(day.year, day.month, day.day, tzinfo=UTC)


@given(audits_with_logs(), st.randoms(use_true_random=False), st.lists(st.integers(-12, 14), min_size=1))
def test_order_and_utc_offsets_do_not_matter(case: tuple[Audit, Any], rnd: random.Random, offsets: list[int]) -> None:
    """Permuting the log, or writing its times in other UTC offsets, gives the same report."""
    audit, log = case
    before = _check(audit, log.events)
    shuffled = list(log.events)
    rnd.shuffle(shuffled)
    rewritten = [
        e._replace(time=e.time.astimezone(timezone(timedelta(hours=offsets[i % len(offsets)]))))
        for i, e in enumerate(shuffled)
    ]
    after = _check(audit, rewritten)
    assert after.model_dump() == before.model_dump()


@st.composite
def logs_with_ties(draw: st.DrawFn) -> tuple[Audit, list[Event]]:
    """An audit and a log drawn for it, with events at one instant added: copies of its events
    under other ids (a second report, approval, trigger or response at the same instant, some
    sent elsewhere or naming nothing), a few events of the rules' actions by any actor (one the
    organisation does not list among them), and events moved to the instant of another (written
    in their own offset)."""
    audit, log = draw(audits_with_logs())
    actors = [a.id for a in audit.org.actors]
    logged = list(log.events)
    for i, e in enumerate(draw(st.lists(st.sampled_from(logged), max_size=4)) if logged else []):
        changes = draw(
            st.fixed_dictionaries(
                {}, optional={"recipient": st.sampled_from([None, *actors]), "ref": st.none(), "period": st.none()}
            )
        )
        # an id sorting before or after the original's: no tie is settled by how ids were made
        logged.append(e._replace(id=f"{draw(st.sampled_from('az'))}{e.id}-{i}", **changes))
    actions = sorted({a for r in audit.rules.rules for s in selectors(r) for a in actions_of(s.action)})
    extra = draw(
        st.lists(
            events(actors=[*actors, "ghost"], actions=actions, min_value=_utc(audit.start), max_value=audit.as_of),
            max_size=3,
        )
    )
    logged += [e._replace(id=f"x{i}") for i, e in enumerate(extra)]
    if logged:
        moves = st.tuples(st.integers(0, len(logged) - 1), st.integers(0, len(logged) - 1))
        for i, j in draw(st.lists(moves, max_size=4)):
            logged[i] = logged[i]._replace(time=logged[j].time.astimezone(logged[i].time.tzinfo))
    return audit, logged


def _report_of_lines(audit: Audit, lines: list[Event]) -> dict[str, Any]:
    """The JSON report of ``lines`` read as a log's lines, one event a line from line 2, without
    what follows from where each event stands: its evidence locations and the places of the
    unused records it names (checked to be where each event stands; the unused records named by
    their ids alone, and not at all where there are more than it names: which come first depends
    on the order), and, for an unknown actor, the place of its first event and the order its
    events are listed in (the order they were read)."""
    at = {e.id: n for n, e in enumerate(lines, start=2)}
    read = [e._replace(file="log.csv", line=n, seq=n) for n, e in enumerate(lines, start=2)]
    report = check(
        audit.rules, audit.org, read, start=audit.start, end=audit.end, as_of=audit.as_of, with_locations=True
    )
    data: dict[str, Any] = json.loads(render(report, "json"))
    assert data.pop("evidence_locations") == {
        event_id: {"file": "log.csv", "line": at[event_id]} for event_id in report.evidence_locations
    }
    records = data["records"]
    listed = records.pop("unused_records")
    assert listed == [{"id": u["id"], "file": "log.csv", "line": at[u["id"]]} for u in listed]
    if not records["unused_not_listed"]:
        records["unused_ids"] = sorted(u["id"] for u in listed)
    for f in data["findings"]:
        if f["code"] == "unknown-actor":
            f.update(file=None, line=None, evidence=sorted(f["evidence"]))
    data["findings"].sort(key=lambda f: (f["rule"] is not None, f["code"] != "unknown-actor" or f["actor"]))
    return data


@given(logs_with_ties(), st.randoms(use_true_random=False))
def test_the_order_of_a_logs_lines_does_not_matter(case: tuple[Audit, list[Event]], rnd: random.Random) -> None:
    """A log's lines in another order give the same report, events at one instant among them:
    the same statuses, evidence, counts and messages; only where each event was read differs."""
    audit, lines = case
    shuffled = list(lines)
    rnd.shuffle(shuffled)
    assert _report_of_lines(audit, shuffled) == _report_of_lines(audit, lines)


@given(audits_with_logs(compliant=True), st.integers(1, 500))
def test_a_witness_is_clean_at_any_earlier_audit_moment(case: tuple[Audit, Any], days: int) -> None:
    """Audited earlier, a compliant log shows no violation: what is not yet due is pending, never missing."""
    audit, log = case
    report = _check(audit, log.events, as_of=audit.as_of - timedelta(days=days))
    assert [_key(f) for f in _serious(report)] == []


@given(audits_with_logs(), st.integers(1, 400), st.integers(1, 400))
def test_a_later_audit_moment_only_settles_pending(case: tuple[Audit, Any], early: int, later: int) -> None:
    """Moving as-of later only turns pending into a final status, never the reverse."""
    audit, log = case
    first = audit.as_of - timedelta(days=early)
    second = first + timedelta(days=later)
    a = _check(audit, log.events, as_of=first)
    b = _check(audit, log.events, as_of=second)
    status_a = {(o.rule, o.actor, o.counterpart, o.period, o.step): o.status for o in a.outcomes}
    status_b = {(o.rule, o.actor, o.counterpart, o.period, o.step): o.status for o in b.outcomes}
    # a step counted from the one before is due from that step's response: one coming into view
    # (a late one, or one naming the chain that a response naming nothing gives way to) moves
    # the deadlines of the steps counted from it, which may be pending again (docs/semantics.md)
    evidence_a = {(o.rule, o.actor, o.counterpart, o.period, o.step): o.evidence for o in a.outcomes}
    restarted = _restarted(
        audit,
        [o for o in b.outcomes if evidence_a.get((o.rule, o.actor, o.counterpart, o.period, o.step)) != o.evidence],
    )
    # an extension's notice made after the prescribed due moment (up to its `within`) moves the
    # due moment once in view, so a period missing before it may be pending again (docs/testing.md,
    # law 5); no excuse is needed here: the witness makes every notice by the prescribed due
    # moment, and no mutation moves a notice (one drops it)
    for key, status in status_a.items():
        if status in FINAL and key in status_b and key not in restarted:
            assert status_b[key] != "pending", key


@given(audits_with_logs(kinds=["recurring"]), st.sampled_from([28, 56]))
def test_shifting_by_whole_years_shifts_the_labels(case: tuple[Audit, Any], years: int) -> None:
    """For rules on calendar periods in a zone without DST, shifting everything by 28 or 56 years (same weekdays,
    same leap years) gives the same findings with shifted labels."""
    audit, log = case
    # The law is for a zone without DST, and without exemptions (an exemption names its period,
    # which would need shifting too): the audit is moved there rather than most draws discarded.
    audit = dataclasses.replace(
        audit,
        rules=audit.rules.model_copy(update={"timezone": "Asia/Shanghai"}),
        org=audit.org.model_copy(update={"exemptions": []}),
    )

    def shift(label: str | None) -> str | None:
        if label is None or not label[:4].isdigit():
            return label
        if "/" in label:  # a rolling gap, <from>/<due>
            return "/".join(str(shift(part)) for part in label.split("/"))
        return str(int(label[:4]) + years) + label[4:]

    def later(day: date | None) -> date | None:
        return None if day is None else day + relativedelta(years=years)

    # an event that names its period (an extension's notice) names the shifted one, and a role
    # held from a date, or a rule in force from or until a date, from or until the shifted one
    shifted_events = [e._replace(time=e.time + relativedelta(years=years), period=shift(e.period)) for e in log.events]
    shifted_org = audit.org.model_copy(
        update={
            "actors": [
                a.model_copy(
                    update={
                        "roles": [
                            g
                            if isinstance(g, str)
                            else g.model_copy(update={"from_": later(g.from_), "to": later(g.to)})
                            for g in a.roles
                        ]
                    }
                )
                for a in audit.org.actors
            ]
        }
    )
    shifted_rules = audit.rules.model_copy(
        update={
            "rules": [
                r
                if r.effective is None
                else r.model_copy(
                    update={
                        "effective": r.effective.model_copy(
                            update={"from_": later(r.effective.from_), "to": later(r.effective.to)}
                        )
                    }
                )
                for r in audit.rules.rules
            ]
        }
    )
    a = _check(audit, log.events)
    b = check(
        shifted_rules,
        shifted_org,
        [e._replace(seq=i) for i, e in enumerate(shifted_events)],
        start=audit.start + relativedelta(years=years),
        end=audit.end + relativedelta(years=years),
        as_of=audit.as_of + relativedelta(years=years),
    )
    assert sorted((f.code.value, f.rule, f.actor, shift(f.period), f.evidence) for f in a.findings) == sorted(
        (f.code.value, f.rule, f.actor, f.period, f.evidence) for f in b.findings
    )


@given(audits_with_logs(), st.lists(events(), max_size=5), st.integers(0, 3))
def test_every_record_is_accounted_for(case: tuple[Audit, Any], extra: list[Event], rejected: int) -> None:
    """read = used + unused + rejected, whatever the log (unknown actors, duplicates, unreadable records)."""
    from govrules.events import Rejected

    audit, log = case
    records: list[Any] = [*log.events, *(e._replace(id=f"x{i}") for i, e in enumerate(extra))]
    if log.events:
        records.append(log.events[0])  # a duplicate id
    records.extend(Rejected("log.csv", i + 2, "unreadable") for i in range(rejected))
    report = check(audit.rules, audit.org, records, start=audit.start, end=audit.end, as_of=audit.as_of)
    r = report.records
    assert r.read == len(records)
    assert r.read == r.used + r.unused + r.rejected
    assert r.rejected == rejected + (1 if log.events else 0)


@given(audits_with_logs(), st.integers(1, 364))
def test_splitting_the_range_splits_the_obligations(case: tuple[Audit, Any], cut: int) -> None:
    """Checked over two consecutive ranges, with the same log and audit moment, every obligation
    of the whole range is in one of them, and only a rolling rule's gap still open at the cut
    is in both (docs/semantics.md: a gap is reported by each range it is open in). Their
    statuses may differ: a late event that the whole range gives to its own period may pay an
    earlier period's debt in the first part, where its own period is not. The one obligation a
    part may add: a rolling rule's first gap in the second part, opening at its start, for an
    actor with no qualifying event before it and no day the rule began to apply (the clock
    then starts at the range start)."""
    audit, log = case
    middle = audit.start + timedelta(days=cut)
    assume(audit.start < middle < audit.end)
    whole = _check(audit, log.events)
    first, second = _check(audit, log.events, end=middle), _check(audit, log.events, start=middle)
    rolling = {rule.id for rule in audit.rules.rules if getattr(rule, "max_gap", None)}

    def key(o: Outcome) -> tuple[Any, ...]:
        return (o.rule, o.actor, o.counterpart, o.period, o.step)

    owed = sorted(map(key, whole.outcomes))
    restarted = [
        key(o)
        for o in second.outcomes
        if o.rule in rolling and o.period.startswith(f"{middle.isoformat()}/") and key(o) not in owed
    ]
    in_first = set(map(key, first.outcomes))
    both = [key(o) for o in second.outcomes if key(o) in in_first]
    assert all(k[0] in rolling and k[3] < middle.isoformat() for k in both)
    split = sorted({key(o) for o in (*first.outcomes, *second.outcomes)} - set(restarted))
    assert split == owed
    assert len(owed) == len(set(owed))
