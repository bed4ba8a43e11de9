"""Fuzzing `govrules check` end to end: generated logs and rule sets through the command line.

Where tests/trust/test_fuzz.py feeds bytes to one loader or reader, these tests run the whole
command (`govrules.cli.run`) on generated inputs and check what docs/trust.md promises of it:
exit 0, 1 or 2, never 3 (an internal error); a refusal said on stderr, as ``error: ...``; and,
where a report is written, every record accounted for (``read = used + unused + rejected``, each
log's records counted, each rejected record a ``rejected-event`` finding at its file and line,
``used`` the events some finding or outcome cites). The number of examples is the profile's.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govrules.cli import run
from govrules.testing import rule_sets

from .conftest import FUZZ_COUNTS

SETTINGS = settings(deadline=None, suppress_health_check=list(HealthCheck))

RULES = """\
id: fuzz
title: Fuzz
timezone: Europe/Rome
calendar: IT
rules:
  - {id: monthly-report, clause: C1, kind: recurring, who: {role: branch}, action: report, to: centre, every: month}
  - id: notify
    clause: C2
    kind: triggered
    trigger: {action: breach}
    steps:
      - {action: notify, to: centre, within: 72 hours}
      - {action: close, within: 2 workdays, roll: next-workday, same: [subject]}
    unless: {action: withdraw, same: [subject]}
  - {id: approve, clause: C3, kind: prerequisite, action: purchase, requires: [{action: approval, by: {role: centre}}],
     lookback: 30 days}
  - {id: post-topic, clause: C4, kind: content, action: post, schema: {properties: {attributes: {required: [topic]}}}}
  - {id: no-delete, clause: C5, kind: forbidden, action: delete}
  - {id: review, clause: C6, kind: recurring, who: {role: branch}, action: review, max_gap: 45 days}
  - {id: meetings, clause: C7, kind: recurring, who: {role: branch}, action: meeting, every: quarter, min: 2, max: 3,
     window: {month: last, days: 11-20, strictness: in-principle}}
"""
ORG = """\
id: org
name: {en: Org, zh: 组织}
timezone: Europe/Rome
actors:
  - {id: centre, roles: [centre]}
  - {id: branch-1, roles: [branch]}
  - {id: branch-2, roles: [branch], active: {from: 2024-03-15}}
  - {id: branch-3, roles: [{role: branch, to: 2024-06-30}]}
exemptions:
  - {rule: monthly-report, actor: branch-1, periods: [2024-02], reason: closed}
"""

_TIMES_2024 = st.datetimes(min_value=datetime(2023, 12, 1), max_value=datetime(2025, 1, 31)).map(
    lambda d: d.isoformat(timespec="minutes")
)
TIMES = st.one_of(
    _TIMES_2024,
    _TIMES_2024,
    st.sampled_from(
        [
            "2024-06-30T23:59:60Z",  # a leap second
            "0000-01-01T00:00",
            "10000-01-01",
            "2024-01-01T24:00",
            "2024-03-01T10:00+14:00",
            "2024-03-01T10:00-12:00",
            "2024-03-01T10:00+0530",
            "2024-03-01T10:00Z",
            "2024-03-31T02:30",  # skipped in Rome
            "2024-10-27T02:30",  # repeated in Rome
            "0001-01-01T00:00",
            "9999-12-31T23:59:59-14:00",
            "2024-W09-5T10:00",
            "2023-02-29",
            "",
            " 2024-05-01 ",
        ]
    ),
    st.datetimes(timezones=st.none() | st.timezones()).map(lambda d: d.isoformat()),
    st.text(max_size=12),
)
ACTIONS = ["report", "breach", "notify", "close", "withdraw", "purchase", "approval", "post", "delete", "review"]
ACTIONS += ["meeting", "other", ""]
ODD_TEXT = st.sampled_from(["", " ", "\u202ee3", "a,b", 'q"x', "x\ny", "\u200f", "\x00", "id\r", "\ufeffe4", "𝔘"])
RECORDS = st.fixed_dictionaries(
    {
        "id": st.one_of(st.sampled_from([f"e{i}" for i in range(1, 10)]), ODD_TEXT, st.text(max_size=6)),
        "time": TIMES,
        "actor": st.one_of(
            st.sampled_from(["branch-1", "branch-2", "branch-3", "centre"]),
            st.sampled_from(["nobody", " branch-1 ", "BRANCH-1", "branch-1\u200f", ""]),
            st.text(max_size=4),
        ),
        "action": st.sampled_from(ACTIONS),
    },
    optional={
        "recipient": st.sampled_from(["centre", "", "branch-1", "nobody"]),
        "subject": st.sampled_from(["", "case-1", "case-2", "\u202ecase"]),
        "period": st.sampled_from(["", "2024-01", "2024-13", "01/2024", "2024-q1", "2024", "2024-W05", "2024-H1"]),
        "ref": st.one_of(st.sampled_from(["", "e1", "e2", "nope"]), ODD_TEXT),
        "topic": st.text(max_size=5),
    },
)
JSON_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**30), 10**30),
    st.floats(),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)
COLUMNS = ["id", "time", "actor", "action", "recipient", "subject", "period", "ref", "topic"]
RANGES = st.sampled_from(
    [
        ["--from", "2024-01-01", "--to", "2024-12-31"],
        ["--from", "2024-03-01", "--to", "2024-03-31", "--as-of", "2024-03-15"],
        ["--from", "2024-01-01", "--to", "2024-12-31", "--as-of", "2024-03-31T02:30"],
        ["--from", "2024-01-01", "--to", "2024-12-31", "--as-of", "2024-10-27T02:30"],
        ["--from", "2024-02-29", "--to", "2024-02-29"],
        ["--from", "0001-01-01", "--to", "0001-12-31"],
        ["--from", "2024-01-01", "--to", "2024-12-31", "--as-of", "2024-06-30T23:59:59.999999+14:00"],
        ["--to", "2024-12-31", "--as-of", "2025-01-01T00:00Z"],
        ["--from", "2024-12-31", "--to", "2024-01-01"],
    ]
)


def _csv(records: list[dict[str, str]], delimiter: str, line_end: str, encoding: str, mark: bytes) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text, delimiter=delimiter, lineterminator=line_end)
    writer.writerow(COLUMNS)
    writer.writerows([r.get(c, "") for c in COLUMNS] for r in records)
    return mark + text.getvalue().encode(encoding, errors="surrogatepass")


def _xml_text(value: str) -> str:
    """``value`` without what XML 1.0 cannot hold (control characters, surrogates, U+FFFE/F)."""
    return "".join(
        c for c in value if (c >= " " or c == "\t") and not "\ud800" <= c <= "\udfff" and c not in "\ufffe\uffff"
    )


def _xes(records: list[dict[str, str]]) -> bytes:
    keys = {"id": "identity:id", "time": "time:timestamp", "actor": "org:resource", "action": "concept:name"}
    parts = ['<?xml version="1.0" encoding="UTF-8"?>\n<log>\n<trace><string key="concept:name" value="c1"/>\n']
    for record in records:
        attributes = "".join(
            f"<{'date' if key == 'time' else 'string'} key={quoteattr(keys.get(key, key))} "
            f"value={quoteattr(_xml_text(value))}/>"
            for key, value in record.items()
        )
        parts.append(f"<event>{attributes}</event>\n")
    return "".join([*parts, "</trace></log>\n"]).encode()


LOGS = st.tuples(
    st.sampled_from(["csv", "csv", "jsonl", "json", "xes"]),
    st.lists(RECORDS, max_size=8),
    st.lists(JSON_VALUES, min_size=8, max_size=8),
    st.sampled_from([",", ";", "\t", "|"]),
    st.sampled_from(["\n", "\r\n", "\r"]),
    st.sampled_from([("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("utf-16-le", b"\xff\xfe")]),
    st.sampled_from(["log", "events"]),
)


def _write_log(folder: Path, log: tuple[Any, ...]) -> tuple[str, int | None]:
    """The log's path, and how many records it holds where that is known without reading it (a
    CSV row of blank cells is no record, so a CSV log's count is left to the reader)."""
    fmt, records, values, delimiter, line_end, (encoding, mark), stem = log
    path = folder / f"{stem}.{fmt}"
    with_values = [{**r, "extra": v} for r, v in zip(records, values, strict=False)]
    if fmt == "csv":
        path.write_bytes(_csv(records, delimiter, line_end, encoding, mark))
        return str(path), None
    if fmt == "jsonl":
        path.write_text("".join(json.dumps(r) + "\n" for r in with_values), "utf-8")
    elif fmt == "json":
        path.write_text(json.dumps(with_values), "utf-8")
    else:
        path.write_bytes(_xes(records))
    return str(path), len(records)


def _run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(argv, out, err)
    return code, out.getvalue(), err.getvalue()


def _said_as_bad_input(code: int, err: str) -> None:
    """Exit 0, 1 or 2; an exit 2 says why on stderr, each line an error, and nothing is an
    internal error (exit 3)."""
    assert code in (0, 1, 2), err
    assert "Traceback" not in err and "internal error" not in err, err
    assert not err.startswith("error: rule '"), err  # a rule's problem is said at its file and line


def _every_record_accounted_for(report: dict[str, Any], counts: dict[str, int | None]) -> None:
    records = report["records"]
    assert min(records[k] for k in ("read", "used", "unused", "rejected", "after_as_of")) >= 0, records
    assert records["read"] == records["used"] + records["unused"] + records["rejected"], records
    assert records["after_as_of"] <= records["unused"], records
    assert records["read"] == sum(records["files"].values()), records
    rejected = [f for f in report["findings"] if f["code"] == "rejected-event"]
    assert len(rejected) == records["rejected"], records
    assert all(f["file"] in counts and f["line"] for f in rejected), rejected
    cited = {
        e for f in report["findings"] if f["code"] not in ("rejected-event", "unknown-actor") for e in f["evidence"]
    }
    cited.update(e for o in report["outcomes"] for e in o["evidence"])
    assert records["used"] == len(cited), (records, sorted(cited))
    for path, count in counts.items():
        stopped = any(f["file"] == path and "reading stopped" in f["detail"]["reason"] for f in rejected)
        if count is not None and not stopped:
            assert records["files"].get(path, 0) == count, (path, records)


@SETTINGS
@given(st.lists(LOGS, min_size=1, max_size=3), RANGES, st.sampled_from(["en", "zh"]))
def test_check_accounts_for_every_record_of_hostile_logs(
    tmp_path_factory: Any, logs: list[tuple[Any, ...]], span: list[str], lang: str
) -> None:
    """Logs of every format, odd encodings, line ends and delimiters, times at the calendar's
    edges and in DST gaps, ids and actors of odd text, several logs of one name: exit 0, 1 or 2,
    and a report that accounts for every record of every log."""
    FUZZ_COUNTS["cli check logs"] += 1
    root = tmp_path_factory.mktemp("logs")
    (root / "rules.yaml").write_text(RULES, "utf-8")
    (root / "org.yaml").write_text(ORG, "utf-8")
    argv = ["check", str(root / "rules.yaml"), "--org", str(root / "org.yaml")]
    counts: dict[str, int | None] = {}
    for i, log in enumerate(logs):
        folder = root / str(i)
        folder.mkdir()
        path, count = _write_log(folder, log)
        counts[path] = count
        argv += ["--events", path]
    code, out, err = _run([*argv, *span, "--format", "json", "--lang", lang, "--quiet"])
    _said_as_bad_input(code, err)
    if not out:
        assert code == 2 and err.startswith(("error: ", "错误:")), err
        return
    _every_record_accounted_for(json.loads(out), counts)


def _references(value: Any, found: dict[str, set[str]]) -> None:
    """The roles, relations, actors, calendars and actions a dumped rule set names."""
    if isinstance(value, list):
        for item in value:
            _references(item, found)
    if not isinstance(value, dict):
        return
    for key, item in value.items():
        if key in ("role", "relation", "calendar") and isinstance(item, str):
            found[key].add(item)
        elif key in ("actor", "who", "by", "to") and isinstance(item, str):
            found["actor"].add(item)
        elif key == "action":
            found["action"].update([item] if isinstance(item, str) else item if isinstance(item, list) else [])
        _references(item, found)


def _fitting_org(rule_set: dict[str, Any]) -> tuple[dict[str, Any], list[str], list[str]]:
    """An organisation holding every role, relation, actor and calendar the rule set names, its
    actors, and the actions the rule set names."""
    found: dict[str, set[str]] = {k: set() for k in ("role", "relation", "calendar", "actor", "action")}
    _references(rule_set, found)
    actors = sorted(found["actor"] | {"a1", "a2", "a3"})
    org: dict[str, Any] = {
        "id": "org",
        "name": "Org",
        "actors": [
            {
                "id": actor,
                "roles": sorted(found["role"]) if actor in ("a1", "a2") else [],
                "relations": {r: [a for a in actors if a != actor][:2] for r in sorted(found["relation"])},
            }
            for actor in actors
        ],
    }
    business = rule_set.get("calendar")  # the business-day calendar: a name, or a mapping adjusting one
    calendars = sorted(found["calendar"] - ({business} if isinstance(business, str) else set()))
    if calendars:
        org["calendars"] = {
            c: [{"id": f"{c}-{y}", "start": f"{y}-01-15", "end": f"{y}-06-30"} for y in (2023, 2024, 2025)]
            for c in calendars
        }
    return org, actors, sorted(found["action"]) or ["x"]


@SETTINGS
@given(
    rule_sets(min_size=1, max_size=4),
    st.data(),
    st.sampled_from([("2024-01-01", "2024-12-31"), ("2024-03-01", "2024-03-31"), ("2024-02-29", "2024-02-29")]),
    st.sampled_from(["json", "text", "html", "sarif", "junit", "markdown"]),
)
def test_any_rule_set_checks_or_is_refused_at_its_line(
    tmp_path_factory: Any, rule_set: Any, data: st.DataObject, span: tuple[str, str], fmt: str
) -> None:
    """Any rule set `govrules.testing.rule_sets` draws, with an organisation that fits it and a
    log of its actions: `check`, `obligations` and `coverage` exit 0, 1 or 2, a rule's problem
    said at its file and line, and a JSON report counts every record."""
    FUZZ_COUNTS["cli rule sets"] += 1
    root = tmp_path_factory.mktemp("rules")
    dumped = rule_set.model_dump(mode="json", by_alias=True, exclude_none=True)
    org, actors, actions = _fitting_org(dumped)
    rules_path, org_path, log_path = root / "rules.yaml", root / "org.yaml", root / "log.jsonl"
    rules_path.write_text(yaml.safe_dump(dumped, allow_unicode=True), "utf-8")
    org_path.write_text(yaml.safe_dump(org, allow_unicode=True), "utf-8")
    n = data.draw(st.integers(1, 12), label="records")
    events = [
        {
            "id": f"e{i}",
            "time": data.draw(_TIMES_2024),
            "actor": data.draw(st.sampled_from(actors)),
            "action": data.draw(st.sampled_from(actions)),
            **data.draw(
                st.fixed_dictionaries(
                    {},
                    optional={
                        "recipient": st.sampled_from(actors),
                        "subject": st.sampled_from(["s1", "s2", *actors]),
                        "ref": st.sampled_from([f"e{j}" for j in range(n)]),
                        "period": st.sampled_from(["2024-01", "2024-Q1", "2024", "2024-H2", "2024-W05", "x"]),
                        "topic": st.text(max_size=3),
                        "decision": st.sampled_from(["approved", "rejected"]),
                        "count": st.integers(-3, 3),
                        "flag": st.booleans(),
                    },
                )
            ),
        }
        for i in range(n)
    ]
    log_path.write_text("".join(json.dumps(e) + "\n" for e in events), "utf-8")
    dates = ["--from", span[0], "--to", span[1]]
    listed = data.draw(st.sampled_from(["table", "csv", "json", "ics"]), label="obligations format")
    for argv in (
        ["check", str(rules_path), "--org", str(org_path), "--events", str(log_path), *dates, "--format", fmt],
        ["obligations", str(rules_path), "--org", str(org_path), *dates, "--format", listed],
        ["coverage", str(rules_path)],
    ):
        code, out, err = _run([*argv, "--quiet"] if argv[0] == "check" else argv)
        _said_as_bad_input(code, err)
        if argv[0] == "check" and fmt == "json" and out:
            _every_record_accounted_for(json.loads(out), {str(log_path): n})
