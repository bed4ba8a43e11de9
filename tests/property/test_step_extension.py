"""A triggered rule's step with an ``extension``, against an oracle written from docs/semantics.md
(§4, triggered rules): a notice of the chain made from the trigger to ``within`` after the
prescribed due moment, and before the reply, moves the due moment ``extends_by`` later; nothing
else does."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from govrules import check
from govrules.events import Event
from govrules.model import Organisation, RuleSet
from govrules.obligations import Context

ORG = Organisation.model_validate({"id": "o", "actors": [{"id": "office"}]})
START, END = date(2024, 1, 1), date(2025, 1, 1)
_DURATIONS = st.builds("{} {}".format, st.integers(0, 40), st.sampled_from(["days", "hours", "weeks"]))


def _rules(zone: str, within: str, notice_within: str, extends_by: str) -> RuleSet:
    step = {
        "action": "reply",
        "within": within,
        "extension": {"action": "notice", "within": notice_within, "extends_by": extends_by},
    }
    rule = {"id": "r", "kind": "triggered", "clause": "c", "trigger": {"action": "received"}, "steps": [step]}
    return RuleSet.model_validate({"id": "t", "title": "t", "timezone": zone, "rules": [rule]})


@given(
    zone=st.sampled_from(["Asia/Shanghai", "Europe/Rome", "UTC"]),
    received=st.integers(0, 364 * 24 * 60),
    within=_DURATIONS.filter(lambda d: not d.startswith("0 ")),
    notice_within=_DURATIONS,
    extends_by=_DURATIONS,
    notice=st.none() | st.integers(0, 120 * 24),
    reply=st.none() | st.integers(0, 160 * 24),
    seen=st.integers(0, 200 * 24),
)
def test_a_notice_in_time_and_before_the_reply_moves_the_due_moment_and_nothing_else_does(
    zone: str,
    received: int,
    within: str,
    notice_within: str,
    extends_by: str,
    notice: int | None,
    reply: int | None,
    seen: int,
) -> None:
    rules = _rules(zone, within, notice_within, extends_by)
    at = datetime(2024, 1, 1, tzinfo=ZoneInfo(zone)) + timedelta(minutes=received)
    as_of = at + timedelta(hours=seen)
    log = [Event(id="a1", time=at.astimezone(UTC), actor="office", action="received", seq=0)]
    for eid, action, hours in (("x1", "notice", notice), ("r1", "reply", reply)):
        if hours is not None:
            when = at + timedelta(hours=hours)
            log.append(Event(id=eid, time=when.astimezone(UTC), actor="office", action=action, ref="a1", seq=len(log)))
    report = check(rules, ORG, log, start=START, end=END, as_of=as_of)

    ctx = Context.make(rules, ORG, start=START, end=END, as_of=as_of)
    prescribed = ctx.deadline(at, within)
    visible = {e.id: e.time for e in log if e.time <= as_of}
    replied, noticed = visible.get("r1"), visible.get("x1")
    extended = (
        noticed is not None
        and noticed <= ctx.deadline(prescribed, notice_within)
        and (replied is None or replied > noticed)
    )
    due = max(ctx.deadline(prescribed, extends_by), prescribed) if extended else prescribed
    if replied is not None:
        status = "met" if replied <= due else "late-response"
    else:
        status = "pending" if due > as_of else "unanswered"
    evidence: list[Any] = ["a1", *(["r1"] if replied is not None else []), *(["x1"] if extended else [])]
    [outcome] = report.outcomes
    assert (outcome.status, outcome.due, list(outcome.evidence[: len(evidence)])) == (status, due, evidence)
