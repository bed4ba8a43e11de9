"""Generate a deterministic synthetic school district for the benchmark: organisation and event log.

    python benchmarks/generate.py --events 1000000 --out /tmp/govrules-bench/1m

writes ``org.json`` (N actors across roles and relations), ``rules.yaml`` (a copy of
``benchmarks/district/rules.yaml``), ``events.csv`` and ``events.jsonl`` (the same events, in
time order) and ``meta.json`` (the counts, the seed and the injected gaps). The same arguments
always give the same bytes. Events are generated month by month and written as they fall due,
so memory holds one month of events (plus responses scheduled later), never the log.

The district: fixed central bodies, leaders paired with schools, party branches over about ten
schools each, and schools; about 167 events per actor and year by default (so 1,000,000 events
over 3 years means 2,000 actors), most of them website posts with their reviews. A realistic
share of gaps is injected (missing, late, outside the window, wrong recipient, too few, unanswered
and late responses, unapproved events, missing content), plus a few unreadable records, duplicate
ids and unknown actors.
"""

from __future__ import annotations

import argparse
import csv
import heapq
import json
import math
import random
import shutil
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
RULES = HERE / "district" / "rules.yaml"
COLUMNS = ["id", "time", "actor", "action", "recipient", "subject", "ref", "period", "title", "topics"]
EVENTS_PER_ACTOR_YEAR = 167

# Shares of obligations given a gap (per obligation or per trigger / guarded event).
GAPS = {
    "missing": 0.03,
    "late": 0.02,
    "outside-window": 0.08,
    "wrong-recipient": 0.01,
    "insufficient": 0.03,
    "unanswered": 0.04,
    "late-response": 0.05,
    "unapproved": 0.02,
    "approved-after": 0.01,
    "missing-content": 0.05,
}
# Shares of records made unusable (only on grid actions, so the differential subset stays clean).
BAD_TIME = 1e-4
DUPLICATE = 1e-4
UNKNOWN_ACTOR = 1e-5


@dataclass
class District:
    """The organisation: actor ids by kind and the relations."""

    leaders: list[str]
    vice_principals: list[str]
    branches: list[str]
    schools: list[str]
    branch_schools: dict[str, list[str]]
    paired: dict[str, list[str]]
    active_from: dict[str, date]
    actors: list[dict[str, Any]] = field(default_factory=list)


CENTRAL = [
    ("central-school", "中心学校", "Central school", ["central-school"]),
    ("central-party-branch", "中心学校党总支", "Central school general party branch", ["general-party-branch"]),
    ("party-office", "中心学校党办", "Central school party office", ["party-office"]),
    ("central-office", "中心学校办公室", "Central school office", ["school-office"]),
    ("leading-group", "意识形态领域风险防控工作领导组", "Ideology risk prevention leading group", ["leading-group"]),
    ("review-panel", "中心学校阅评领导小组", "Central school review panel", ["reviewers"]),
    ("joint-meeting-group", "联席会议协调领导小组", "Joint meeting coordination group", ["joint-meeting-group"]),
    ("bureau-party-committee", "县教育局党委", "County education bureau party committee", ["bureau"]),
]


def make_district(n_actors: int, start: date, years: int, rng: random.Random) -> District:
    """``n_actors`` actors: the central bodies, 1 leader per 100, 1 branch per 11, the rest schools."""
    n_leaders = max(2, n_actors // 100)
    n_branches = max(2, (n_actors - len(CENTRAL) - n_leaders) // 11)
    n_schools = max(n_branches, n_actors - len(CENTRAL) - n_leaders - n_branches)
    width = len(str(max(n_schools, n_branches, n_leaders)))
    leaders = [f"leader-{i:0{width}d}" for i in range(1, n_leaders + 1)]
    vice_principals = leaders[: max(1, n_leaders // 5)]
    branches = [f"branch-{i:0{width}d}" for i in range(1, n_branches + 1)]
    schools = [f"school-{i:0{width}d}" for i in range(1, n_schools + 1)]
    branch_schools: dict[str, list[str]] = {b: [] for b in branches}
    for i, s in enumerate(schools):
        branch_schools[branches[i % n_branches]].append(s)
    paired: dict[str, list[str]] = {lead: [] for lead in leaders}
    for i, s in enumerate(schools):
        paired[leaders[i % n_leaders]].append(s)
    # About 2% of the schools join the district part-way (a school transferred in): they owe
    # nothing for the periods before, and their events start then.
    active_from: dict[str, date] = {}
    for s in schools:
        if rng.random() < 0.02 and years > 1:
            active_from[s] = date(start.year + rng.randrange(1, years), rng.choice((1, 7, 9)), 1)
    actors: list[dict[str, Any]] = []
    for actor_id, zh, en, roles in CENTRAL:
        actors.append({"id": actor_id, "name": {"zh": zh, "en": en}, "roles": roles})
    for i, lead in enumerate(leaders, start=1):
        roles = ["leadership", "teaching-vice-principal"] if lead in vice_principals else ["leadership"]
        actors.append(
            {
                "id": lead,
                "name": {"zh": f"领导班子成员{i}", "en": f"Leader {i}"},
                "roles": roles,
                "relations": {"paired-schools": paired[lead]},
            }
        )
    for i, b in enumerate(branches, start=1):
        actors.append(
            {
                "id": b,
                "name": {"zh": f"第{i}支部", "en": f"Branch {i}"},
                "roles": ["branch", "party-branch"],
                "relations": {"schools": branch_schools[b]},
            }
        )
    for i, s in enumerate(schools, start=1):
        actor: dict[str, Any] = {
            "id": s,
            "name": {"zh": f"第{i}学校", "en": f"School {i}"},
            "roles": ["school", "school-office"],
        }
        if s in active_from:
            actor["active"] = {"from": active_from[s].isoformat()}
        actors.append(actor)
    return District(leaders, vice_principals, branches, schools, branch_schools, paired, active_from, actors)


def post_rate(district: District, n_events: int, years: int) -> float:
    """Website posts per school and year, so that the log holds about ``n_events`` events."""
    s, b = len(district.schools), len(district.branches)
    others = s * 26.6 + b * 25 + 11  # everything but the posts and their reviews, per year
    return max(4.0, (n_events / years - others) / (2 * s))


def month_start(year: int, month: int) -> datetime:
    return datetime(year, month, 1)


def next_month(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


class Generator:
    """Draws the events of one month at a time and hands them to the writer in time order."""

    def __init__(self, district: District, rng: random.Random, start: date, years: int, posts_per_year: float) -> None:
        self.d = district
        self.rng = rng
        self.start = datetime(start.year, 1, 1)
        self.end = datetime(start.year + years, 1, 1)
        self.years = years
        self.posts = posts_per_year
        self.heap: list[tuple[datetime, int, dict[str, Any]]] = []
        self.counter = 0
        self.gaps: Counter[str] = Counter()
        self.inspection_month: dict[tuple[str, int], int] = {}
        self.exchange_month: dict[tuple[str, str, int], int] = {}
        self.lecture_no = 0

    # -- helpers -------------------------------------------------------------------------
    def gap(self, kind: str) -> bool:
        if self.rng.random() < GAPS[kind]:
            self.gaps[kind] += 1
            return True
        return False

    def when(self, year: int, month: int, first: int = 1, last: int | None = None) -> datetime:
        days = (month_start(*next_month(year, month)) - month_start(year, month)).days
        last = days if last is None else min(last, days)
        day = self.rng.randint(first, last)
        return datetime(year, month, day, self.rng.randint(8, 17), self.rng.randrange(60), self.rng.randrange(60))

    def emit(self, when: datetime, actor: str, action: str, **fields: Any) -> str | None:
        """Schedule an event; one dated outside the range is never written (the export's range)."""
        if not (self.start <= when < self.end):
            return None
        self.counter += 1
        event_id = f"ev-{self.counter:08d}"
        row = {"id": event_id, "time": when, "actor": actor, "action": action, **fields}
        heapq.heappush(self.heap, (when, self.counter, row))
        return event_id

    def active(self, actor: str, when: datetime) -> bool:
        since = self.d.active_from.get(actor)
        return since is None or when.date() >= since

    def respond(
        self, trigger_time: datetime, trigger_id: str | None, actor: str, action: str, within_days: int, **fields: Any
    ) -> datetime | None:
        """A response to a trigger (linked by ref), sometimes late or missing; returns its time."""
        if trigger_id is None or self.gap("unanswered"):
            return None
        if self.gap("late-response"):
            delay = timedelta(days=within_days + self.rng.randint(2, 20), hours=self.rng.randint(0, 8))
        else:
            delay = timedelta(hours=self.rng.randint(1, 20 if within_days <= 1 else 24 * (within_days - 1)))
        when = trigger_time + delay
        self.emit(when, actor, action, ref=trigger_id, **fields)
        return when

    def grid(
        self,
        actor: str,
        action: str,
        year: int,
        month: int,
        *,
        window: tuple[int, int] | None = None,
        **fields: Any,
    ) -> tuple[str, datetime] | None:
        """One event for a recurring obligation due at the end of ``month``, with its gaps."""
        if self.gap("missing"):
            return None
        if self.gap("late"):
            ny, nm = next_month(year, month)
            when = self.when(ny, nm, 1, 10)
        elif window is not None and self.gap("outside-window"):
            when = self.when(year, month, 1, window[0] - 1) if window[0] > 1 else self.when(year, month - 1)
        elif window is not None:
            when = self.when(year, month, *window)
        else:
            when = self.when(year, month, 15, 28)
        if "recipient" in fields and self.gap("wrong-recipient"):
            fields = {
                **fields,
                "recipient": "party-office" if fields["recipient"] != "party-office" else "central-school",
            }
        event_id = self.emit(when, actor, action, **fields)
        return None if event_id is None else (event_id, when)

    # -- one month ------------------------------------------------------------------------
    def month(self, year: int, month: int) -> None:
        rng = self.rng
        d = self.d
        quarter_end = month % 3 == 0
        half_end = month % 6 == 0
        for s in d.schools:
            if not self.active(s, month_start(year, month)):
                continue
            self.school_month(s, year, month, half_end)
        for b in d.branches:
            self.branch_month(b, year, month, quarter_end)
        for lead in d.leaders:
            for s in d.paired[lead]:
                key = (lead, s, year)
                if key not in self.exchange_month:
                    self.exchange_month[key] = rng.randint(1, 12)
                if self.exchange_month[key] != month or not self.active(s, month_start(year, month)):
                    continue
                if self.gap("missing"):
                    continue
                when = self.when(year, month, 1, 25)
                visit = self.emit(when, lead, "exchange-visit", recipient=s, subject=s)
                self.respond(when, visit, "central-office", "contact-record", 7, subject=s)
        if quarter_end:
            self.grid("review-panel", "review", year, month, window=(21, 31))
            self.grid("joint-meeting-group", "joint-meeting", year, month, window=(11, 20))
        if half_end:
            self.grid("leading-group", "bureau-report", year, month, recipient="bureau-party-committee")
        if month == 12:
            supervision = self.grid("central-office", "special-supervision", year, month, window=(1, 31))
            if supervision is not None:
                self.emit(self.when(year, month, 29, 31), "central-office", "supervision-report", ref=supervision[0])
        if rng.random() < 0.3:
            self.emit(self.when(year, month), "central-office", "circular", title="工作通知")

    def school_month(self, s: str, year: int, month: int, half_end: bool) -> None:
        rng = self.rng
        n_posts = _draw(rng, self.posts / 12)
        for _ in range(n_posts):
            when = self.when(year, month)
            subject = f"post-{s}-{self.counter + 1}"
            post = self.emit(when, s, "website-post", subject=subject, title="校园新闻")
            if post is None:
                continue
            if self.gap("unapproved"):
                continue
            if self.gap("approved-after"):
                self.emit(when + timedelta(hours=rng.randint(1, 48)), s, "post-review", subject=subject)
            else:
                review = when - timedelta(minutes=rng.randint(10, 2880))
                since = self.d.active_from.get(s)
                if since is not None and review.date() < since:  # a school reviews nothing before it joins
                    review = min(
                        review.replace(year=since.year, month=since.month, day=since.day, hour=0, minute=0, second=0),
                        when - timedelta(seconds=1),
                    )
                self.emit(review, s, "post-review", subject=subject)
        if rng.random() < 0.5:
            self.lecture_no += 1
            subject = f"lecture-{self.lecture_no}"
            when = self.when(year, month)
            lecture = self.emit(when, s, "lecture", subject=subject, title="专题讲座")
            approver = rng.choice(self.d.vice_principals)
            if lecture is not None and not self.gap("unapproved"):
                delta = timedelta(days=rng.randint(1, 10))
                self.emit(
                    when + delta if self.gap("approved-after") else when - delta,
                    approver,
                    "lecture-approval",
                    subject=subject,
                )
        if rng.random() < 2 / 12:
            when = self.when(year, month)
            report = self.emit(when, s, "important-report", subject=f"report-{self.counter + 1}")
            if report is not None and not self.gap("unapproved"):
                delta = timedelta(days=rng.randint(1, 5))
                self.emit(
                    when + delta if self.gap("approved-after") else when - delta,
                    "party-office",
                    "report-approval",
                    ref=report,
                )
        if half_end:
            analysis = self.grid(s, "routine-analysis", year, month, window=(11, 20))
            if analysis is not None:
                self.respond(analysis[1], analysis[0], s, "analysis-report", 7, recipient="party-office")
        if rng.random() < 0.2 / 12:
            when = self.when(year, month)
            speech = self.emit(when, s, "inappropriate-speech")
            reported = self.respond(when, speech, s, "speech-report", 1, recipient="central-party-branch")
            if reported is not None:
                self.respond(
                    reported, speech, "central-party-branch", "superior-report", 7, recipient="bureau-party-committee"
                )

    def branch_month(self, b: str, year: int, month: int, quarter_end: bool) -> None:
        rng = self.rng
        fields: dict[str, Any] = {"recipient": "central-party-branch"}
        if rng.random() < 0.3:
            fields["period"] = f"{year}-{month:02d}"
        self.grid(b, "ideology-report", year, month, **fields)
        if rng.random() < BAD_TIME:
            self.emit(self.when(year, month), b, "ideology-report", recipient="central-party-branch", bad_time=True)
        if rng.random() < DUPLICATE:
            self.emit(self.when(year, month), b, "ideology-report", recipient="central-party-branch", duplicate=True)
        if rng.random() < UNKNOWN_ACTOR:
            self.emit(
                self.when(year, month),
                b.replace("branch", "branch-x"),
                "ideology-report",
                recipient="central-party-branch",
            )
        if quarter_end:
            self.grid(b, "review-info", year, month, recipient="party-office")
        if month in (5, 11):
            analysis = (
                None if (month == 11 and self.gap("insufficient")) else self.grid(b, "special-analysis", year, month)
            )
            if analysis is not None:
                self.respond(analysis[1], analysis[0], b, "analysis-report", 7, recipient="party-office")
        if month in (4, 10) and not (month == 10 and self.gap("insufficient")):
            self.grid(b, "special-meeting", year, month)
        if month == 1:
            topics = "党建" if self.gap("missing-content") else "意识形态;党建"
            self.emit(self.when(year, month), b, "democratic-life-meeting", topics=topics)
        if month == 12:
            topics = "党建" if self.gap("missing-content") else "意识形态;党建"
            self.emit(self.when(year, month, 1, 20), b, "duty-report", topics=topics)
        if rng.random() < 0.5 / 12:
            when = self.when(year, month)
            issue = self.emit(when, b, "major-issue")
            self.respond(when, issue, b, "issue-report", 1, recipient="central-party-branch")
        for s in self.d.branch_schools[b]:
            if not self.active(s, month_start(year, month)):
                continue
            key = (s, year)
            if key not in self.inspection_month:
                self.inspection_month[key] = rng.randint(1, 11)
            if self.inspection_month[key] == month:
                if self.gap("missing"):
                    continue
                when = self.when(year, month, 1, 20)
                inspection = self.emit(when, b, "inspection", subject=s)
                reported = self.respond(when, inspection, b, "inspection-report", 7, subject=s)
                base = reported or when + timedelta(days=3)
                self.respond(base, inspection, b, "inspection-feedback", 7, recipient=s)
            if month == 11:
                self.grid(b, "school-briefing", year, month, recipient=s)

    # -- the run ---------------------------------------------------------------------------
    def run(self, writer: Writer) -> None:
        year, month = self.start.year, 1
        while month_start(year, month) < self.end:
            self.month(year, month)
            flush_before = month_start(year, month)  # events reach back at most two days
            while self.heap and self.heap[0][0] < flush_before:
                writer.write(heapq.heappop(self.heap)[2])
            year, month = next_month(year, month)
        while self.heap:
            writer.write(heapq.heappop(self.heap)[2])


def _draw(rng: random.Random, mean: float) -> int:
    """A Poisson draw (Knuth; ``mean`` is small)."""
    if mean > 30:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


class Writer:
    """Writes each event to CSV and JSON Lines as it comes, with the injected unusable records."""

    def __init__(self, out: Path, rng: random.Random) -> None:
        self.csv_file = open(out / "events.csv", "w", encoding="utf-8", newline="")  # noqa: SIM115
        self.jsonl_file = open(out / "events.jsonl", "w", encoding="utf-8")  # noqa: SIM115
        self.csv = csv.writer(self.csv_file, lineterminator="\n")
        self.csv.writerow(COLUMNS)
        self.rng = rng
        self.count = 0
        self.actions: Counter[str] = Counter()
        self.unusable: Counter[str] = Counter()
        self.last_report: dict[str, Any] | None = None

    def write(self, row: dict[str, Any]) -> None:
        time_text = row["time"].isoformat() + "+08:00"
        if row.pop("bad_time", False):
            time_text = time_text.replace("T", "T25:")[:19] + "+08:00"  # an hour that does not exist
            self.unusable["bad-time"] += 1
        if row.pop("duplicate", False) and self.last_report is not None:
            row = self.last_report  # the same record exported twice
            time_text = row["time"].isoformat() + "+08:00"
            self.unusable["duplicate-id"] += 1
        elif row["action"] == "ideology-report":
            self.last_report = row
        self.count += 1
        self.actions[row["action"]] += 1
        values = {**row, "time": time_text}
        self.csv.writerow([values.get(c, "") for c in COLUMNS])
        record: dict[str, Any] = {k: values[k] for k in ("id", "time", "actor", "action")}
        for key in ("recipient", "subject", "ref", "period"):
            if values.get(key):
                record[key] = values[key]
        attributes: dict[str, Any] = {}
        if values.get("title"):
            attributes["title"] = values["title"]
        if values.get("topics"):
            attributes["topics"] = values["topics"].split(";")
        if attributes:
            record["attributes"] = attributes
        self.jsonl_file.write(json.dumps(record, ensure_ascii=False) + "\n")

    def close(self) -> None:
        self.csv_file.close()
        self.jsonl_file.close()


def generate(out: Path, *, events: int, actors: int | None, years: int, start_year: int, seed: int) -> dict[str, Any]:
    """Write the district into ``out`` and return its description (also written as meta.json)."""
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    n_actors = actors if actors is not None else max(40, round(events / (EVENTS_PER_ACTOR_YEAR * years)))
    start = date(start_year, 1, 1)
    district = make_district(n_actors, start, years, rng)
    org = {
        "id": "synthetic-district",
        "name": {"zh": "合成学区", "en": "Synthetic district"},
        "timezone": "Asia/Shanghai",
        "actors": district.actors,
    }
    (out / "org.json").write_text(json.dumps(org, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    shutil.copyfile(RULES, out / "rules.yaml")
    posts = post_rate(district, events, years)
    writer = Writer(out, rng)
    try:
        Generator(district, rng, start, years, posts).run(writer)
    finally:
        writer.close()
    meta = {
        "seed": seed,
        "events_target": events,
        "events": writer.count,
        "actors": len(district.actors),
        "schools": len(district.schools),
        "branches": len(district.branches),
        "leaders": len(district.leaders),
        "years": years,
        "from": start.isoformat(),
        "to": date(start_year + years, 1, 1).isoformat(),
        "posts_per_school_year": round(posts, 2),
        "actions": dict(sorted(writer.actions.items())),
        "unusable_records": dict(sorted(writer.unusable.items())),
    }
    (out / "meta.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    return meta


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, required=True, help="about how many events (10000 to 10000000)")
    parser.add_argument("--actors", type=int, default=None, help="default: events / (167 * years), at least 40")
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--start-year", type=int, default=2022)
    parser.add_argument("--seed", type=int, default=20240901)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    meta = generate(
        args.out, events=args.events, actors=args.actors, years=args.years, start_year=args.start_year, seed=args.seed
    )
    print(json.dumps(meta, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
