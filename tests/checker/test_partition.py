"""Partitioning: checking per actor and merging gives exactly the report of the whole log."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from govrules import InvalidArgument, check, merge_reports
from govrules.events import Event, Rejected
from govrules.findings import Report, with_evidence_locations
from govrules.model import Organisation, RuleSet

SH = ZoneInfo("Asia/Shanghai")
ACTORS = ["b1", "b2", "b3", "office"]

RULES = RuleSet.model_validate(
    {
        "id": "p",
        "title": "partition",
        "timezone": "Asia/Shanghai",
        "rules": [
            {
                "id": "monthly",
                "kind": "recurring",
                "clause": "c1",
                "who": {"role": "branch"},
                "action": "report",
                "to": "office",
                "every": "month",
            },
            {
                "id": "yearly",
                "kind": "recurring",
                "clause": "c2",
                "who": {"role": "branch"},
                "action": "study",
                "every": "year",
                "min": 2,
                "max": 3,
            },
            {
                "id": "chain",
                "kind": "triggered",
                "clause": "c3",
                "trigger": {"action": "issue", "by": {"role": "branch"}},
                "steps": [{"action": "issue-report", "within": "3 days"}, {"action": "follow-up", "within": "10 days"}],
                "unless": {"action": "withdraw"},  # by the trigger's actor: inside its part
            },
            {"id": "seal", "kind": "forbidden", "clause": "c4", "action": "use-seal", "by": {"role": "branch"}},
            {
                "id": "approval",
                "kind": "prerequisite",
                "clause": "c5",
                "action": "lecture",
                "requires": [{"action": "approve"}],
                "link": "subject",
            },
        ],
    }
)
ORG = Organisation.model_validate(
    {
        "id": "o",
        "actors": [
            {"id": "office", "roles": ["office"]},
            {"id": "b1", "roles": ["branch"]},
            {"id": "b2", "roles": ["branch"], "active": {"from": "2024-04-01"}},
            {"id": "b3", "roles": ["branch"]},
        ],
    }
)
ACTIONS = [
    "report",
    "study",
    "issue",
    "issue-report",
    "follow-up",
    "withdraw",
    "use-seal",
    "lecture",
    "approve",
    "reprot",
]
START = datetime(2023, 12, 15, tzinfo=SH)


@st.composite
def logs(draw: st.DrawFn) -> list[Event | Rejected]:
    count = draw(st.integers(min_value=0, max_value=40))
    records: list[Event | Rejected] = []
    for i in range(count):
        if draw(st.integers(0, 30)) == 0:
            records.append(Rejected("log.csv", i + 2, "unreadable time"))
            continue
        actor = draw(st.sampled_from([*ACTORS, "ghost"]))
        action = draw(st.sampled_from(ACTIONS))
        minutes = draw(st.integers(min_value=0, max_value=400 * 24 * 60))
        records.append(
            Event(
                id=f"e{i}",
                time=(START + timedelta(minutes=minutes)),
                actor=actor,
                action=action,
                recipient=draw(st.sampled_from([None, "office", "b1"])),
                subject=draw(st.sampled_from([None, "s1", "s2"])),
                period=draw(st.sampled_from([None, None, None, "2024-03"])),
                # a ref names an earlier record (of any actor, so perhaps of another part) or none
                ref=draw(st.sampled_from([None, None, None, "e-none", *(f"e{j}" for j in range(max(0, i - 4), i))])),
                seq=i,
                file="log.csv",
                line=i + 2,
            )
        )
    return records


def _owner(record: Event | Rejected) -> str:
    return record.actor if isinstance(record, Event) and record.actor in ACTORS else "b1"


@given(logs(), st.lists(st.sampled_from(ACTORS), min_size=1, max_size=3, unique=True))
def test_per_actor_partitions_merge_into_the_whole(log: list[Event | Rejected], first: list[str]) -> None:
    """Split the actors in two groups, check each with its own events, merge: equals the whole check.

    Prerequisite approvals are linked by subject across actors, so that rule's approvals travel
    with the guarded event's actor in this test only when the approver is the same actor; the
    law is stated for streams that lie inside one partition (see merge_reports).
    """
    rules = RULES.model_copy(update={"rules": [r for r in RULES.rules if r.id != "approval"]})
    args: dict[str, Any] = {
        "start": date(2024, 1, 1),
        "end": date(2025, 1, 1),
        "as_of": datetime(2024, 12, 31, 23, tzinfo=SH),
    }
    whole = with_evidence_locations(check(rules, ORG, log, **args), _locations(log))
    groups = [set(first), set(ACTORS) - set(first)]
    parts = []
    for group in groups:
        if group:
            own = [r for r in log if _owner(r) in group]
            parts.append(with_evidence_locations(check(rules, ORG, own, actors=group, **args), _locations(own)))
    merged = merge_reports(parts)
    assert merged.model_dump() == whole.model_dump()


def _locations(log: list[Event | Rejected]) -> dict[str, tuple[str, int | None]]:
    """Where each event was read, as the CLI gathers it (the first record of an id)."""
    found: dict[str, tuple[str, int | None]] = {}
    for r in log:
        if isinstance(r, Event):
            found.setdefault(r.id, (r.file or "log.csv", r.line))
    return found


def _part(org: Organisation = ORG, **changes: Any) -> Report:
    args: dict[str, Any] = {
        "start": date(2024, 1, 1),
        "end": date(2024, 4, 1),
        "as_of": datetime(2024, 4, 1, tzinfo=SH),
        **changes,
    }
    args.setdefault("actors", ["b1"])
    return check(RULES, org, [], **args)


def test_reports_of_checks_in_different_time_zones_are_not_merged() -> None:
    """The same rule set, organisation, range and audit moment, checked in another zone (the
    organisation's, here), gives periods and deadlines of other instants: merging the two
    reports is refused as for any two checks, naming the zone. Before, they were merged into
    one report of the first's zone."""
    rome = _part(ORG.model_copy(update={"timezone": "Europe/Rome"}))
    shanghai = _part()
    assert (rome.rule_set, rome.organisation, rome.range_from, rome.as_of) == (
        shanghai.rule_set,
        shanghai.organisation,
        shanghai.range_from,
        shanghai.as_of,
    )
    with pytest.raises(InvalidArgument) as info:
        merge_reports([shanghai, rome])
    assert str(info.value).endswith("report 2's time zone is 'Europe/Rome', the first's 'Asia/Shanghai'")
    assert merge_reports([shanghai, _part(actors=["b2"])]).timezone == "Asia/Shanghai"


def test_reports_of_overlapping_parts_are_not_merged() -> None:
    """A part given twice, or an actor checked in two parts, would count its obligations,
    findings and records twice: merging is refused, naming the reports and an obligation both
    hold. Before, a one-record log merged with itself read as two records and two findings."""
    b1, b2 = _part(), _part(actors=["b2"])
    assert merge_reports([b1, b2]).summary.obligations == b1.summary.obligations + b2.summary.obligations
    for parts, first, second in (([b1, b1], 1, 2), ([b2, b1, _part(actors=["b1", "b2"])], 2, 3)):
        with pytest.raises(InvalidArgument) as info:
            merge_reports(parts)
        assert str(info.value) == (
            f"merge_reports() needs reports of disjoint parts; reports {first} and {second} both hold the "
            "obligation of 'b1' under rule 'monthly' for '2024-01': was 'b1' checked in both?"
        )


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("rule_set", "other"),
        ("organisation", "other"),
        ("range_from", "2023-01-01"),
        ("range_to", "2024-05-01"),
        ("as_of", datetime(2024, 3, 1, tzinfo=SH)),
        ("timezone", "UTC"),
        ("lang", "zh"),
    ],
)
def test_reports_of_different_checks_are_not_merged(field: str, value: object) -> None:
    """A report differing from the first in any of what makes a check is refused, naming it."""
    first = _part()
    with pytest.raises(InvalidArgument, match=r"report 2's .* is "):
        merge_reports([first, first.model_copy(update={field: value})])
