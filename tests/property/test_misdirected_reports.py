"""Misdirected reports and debts (docs/semantics.md §4, recurring rules, items 3 and 5), as a
property over one branch's monthly reports, of one to three a month, some of them sent to the
office instead of headquarters.

A misdirected report never turns a late obligation into a wrong recipient: a period is made
`wrong-recipient` rather than `late` only where the reports it holds by its due moment,
misdirected or not, are as many as it asks (it is then no debt), and a met period stays met.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from hypothesis import given, note
from hypothesis import strategies as st

from govrules import check
from govrules.events import Event
from govrules.findings import Report
from govrules.model import Organisation, RuleSet

MONTHS = ("2024-01", "2024-02", "2024-03", "2024-04")
START, END = date(2024, 1, 1), date(2024, 5, 1)
AS_OF = datetime(2024, 12, 31, tzinfo=UTC)
ORG = Organisation.model_validate(
    {"id": "org", "actors": [{"id": "b1", "roles": ["branch"]}, {"id": "hq"}, {"id": "office"}]}
)


def _rules(owed: int, accept_late: str | None) -> RuleSet:
    rule: dict[str, Any] = {
        "id": "monthly",
        "kind": "recurring",
        "clause": "c",
        "who": {"role": "branch"},
        "action": "report",
        "to": "hq",
        "every": "month",
        "min": owed,
    }
    if accept_late is not None:
        rule["accept_late"] = accept_late
    return RuleSet.model_validate({"id": "t", "title": "t", "timezone": "UTC", "rules": [rule]})


def _span(label: str) -> tuple[datetime, datetime]:
    """A month's on-time span in UTC: its first instant to its due moment, its last."""
    year, month = map(int, label.split("-"))
    opens = datetime(year, month, 1, tzinfo=UTC)
    following = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=UTC)
    return opens, following - timedelta(microseconds=1)


# instants from January to the end of May, a month's last instant among them
INSTANTS = st.one_of(
    st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2024, 5, 31, 23, 59)).map(
        lambda t: t.replace(tzinfo=UTC)
    ),
    st.sampled_from([_span(label)[1] for label in MONTHS]),
)
REPORTS = st.lists(st.tuples(INSTANTS, st.sampled_from([None, None, None, *MONTHS, "2024-05"])), max_size=10)


def _events(prefix: str, drawn: list[tuple[datetime, str | None]], recipient: str) -> list[Event]:
    return [
        Event(id=f"{prefix}{n}", time=t, actor="b1", action="report", recipient=recipient, period=p)
        for n, (t, p) in enumerate(drawn)
    ]


def _held_by_due(label: str, events: list[Event]) -> int:
    """The reports a period holds by its due moment, however addressed: those naming it, and
    those in its span naming none (spans do not overlap: each month is due at its end)."""
    opens, due = _span(label)
    return sum(1 for e in events if e.time <= due and (e.period == label or (e.period is None and opens <= e.time)))


def _statuses(report: Report) -> dict[str, str]:
    return {o.period or "": o.status for o in report.outcomes}


@given(
    st.integers(1, 3),
    st.sampled_from([None, "45 days"]),
    REPORTS,
    REPORTS.filter(bool),
)
def test_a_misdirected_report_never_turns_a_debt_into_a_wrong_recipient(
    owed: int,
    accept_late: str | None,
    right: list[tuple[datetime, str | None]],
    astray: list[tuple[datetime, str | None]],
) -> None:
    """Checked with and without the reports sent to the office, a period `late` without them is
    `late` with them, or `wrong-recipient` where the reports it holds by its due moment (those
    sent to the office among them) are as many as it asks; a `met` period stays `met`."""
    rules = _rules(owed, accept_late)
    sent_right = _events("r", right, "hq")
    sent_astray = _events("m", astray, "office")
    alone = _statuses(check(rules, ORG, sent_right, start=START, end=END, as_of=AS_OF))
    both = _statuses(check(rules, ORG, [*sent_right, *sent_astray], start=START, end=END, as_of=AS_OF))
    note(f"without: {alone}, with: {both}")
    for label in MONTHS:
        if alone[label] == "met":
            assert both[label] == "met", label
        if alone[label] == "late":
            occupied = _held_by_due(label, [*sent_right, *sent_astray]) >= owed
            assert both[label] == "late" or (both[label] == "wrong-recipient" and occupied), label
