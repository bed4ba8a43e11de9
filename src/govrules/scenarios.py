"""Scenario files: "this log gives exactly these findings", pinned without writing Python.

A scenario (``*.scenario.yaml``) names a rule set and an organisation (paths relative to the
scenario, or inline mappings), the events (inline records, or a log path with an optional
column mapping), the range and audit moment, and the expected findings::

    name: branch 3 misses its December report
    rules: ../rules.yaml
    org: ../org.yaml
    events:
      - {id: d1, time: "2024-12-20T10:00:00+08:00", actor: branch-1, action: ideology-report,
         recipient: central-party-branch}
      - {id: d2, time: "2024-12-31 23:59:59", actor: branch-2, action: ideology-report,
         recipient: central-party-branch}
      - {id: d4, time: "2024-12-27T09:00:00+08:00", actor: branch-4, action: ideology-report,
         recipient: party-office}
    range: {from: 2024-12-01, to: 2024-12-31}
    as_of: "2025-01-05T00:00:00+08:00"
    expect:
      findings:
        - {code: missing, rule: branch-monthly-report, actor: branch-3, period: 2024-12}
        - {code: wrong-recipient, rule: branch-monthly-report, actor: branch-4, period: 2024-12}
      severities: [violation]    # which actual findings must all be expected

Each expected finding matches an actual one on the fields it gives (``code``, ``rule``,
``actor``, ``counterpart``, ``period``, ``severity``, ``evidence``, ``observed``). With
``exact: true`` (the default) every actual finding of the listed severities must be expected.
`run_scenario` returns the differences; ``govrules test`` and the pytest plugin print them.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

from govrules.checker import check
from govrules.errors import LoadError, Problem
from govrules.events import Event, FieldMap, Rejected, parse_audit_moment, read_events
from govrules.findings import Finding, Report
from govrules.loaders import load_map_file, load_org, load_rules, parse_document
from govrules.model import Organisation, RuleSet
from govrules.obligations import zone_of

__all__ = ["Scenario", "ScenarioResult", "load_scenario", "run_scenario"]

_MATCH_FIELDS = ("code", "rule", "actor", "counterpart", "period", "severity", "observed", "evidence")
_KEYS = {"name", "rules", "org", "events", "map", "map_file", "encoding", "range", "as_of", "lang", "expect"}


@dataclass(frozen=True)
class Scenario:
    """A loaded scenario file."""

    path: Path
    name: str
    rules: RuleSet
    org: Organisation
    events: Any
    fmap: FieldMap
    fmt: str | None
    encoding: str
    start: date
    end: date
    as_of: datetime | None
    lang: str
    expected: tuple[Mapping[str, Any], ...]
    exact: bool
    severities: tuple[str, ...]


@dataclass
class ScenarioResult:
    """The outcome of a scenario: expected findings not found, and actual findings not expected."""

    scenario: Scenario
    report: Report
    missing: list[Mapping[str, Any]] = field(default_factory=list)
    unexpected: list[Finding] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        """Whether the report has exactly the expected findings."""
        return not self.missing and not self.unexpected

    def diff(self) -> str:
        """A readable difference between expected and actual findings."""
        lines = [f"scenario {self.scenario.name!r} ({self.scenario.path}):"]
        for item in self.missing:
            lines.append("  - expected, not found: " + _brief(item))
        for finding in self.unexpected:
            lines.append("  + found, not expected: " + _brief(_as_fields(finding)) + f"  ({finding.message})")
        if self.passed:
            lines.append("  ok")
        return "\n".join(lines)


def _brief(item: Mapping[str, Any]) -> str:
    return ", ".join(f"{k}={item[k]}" for k in _MATCH_FIELDS if k in item and item[k] is not None)


def _as_fields(f: Finding) -> dict[str, Any]:
    return {
        "code": f.code.value,
        "rule": f.rule,
        "actor": f.actor,
        "counterpart": f.counterpart,
        "period": f.period,
        "severity": f.severity,
        "observed": f.observed,
        "evidence": list(f.evidence),
    }


def _problem(path: Path, pointer: str, message: str) -> LoadError:
    return LoadError([Problem(str(path), None, None, pointer, "bad-scenario", message)])


def _date(value: Any, path: Path, pointer: str) -> date:
    try:
        return value if isinstance(value, date) else date.fromisoformat(str(value))
    except ValueError:
        raise _problem(path, pointer, f"expected a date such as 2024-12-31, got {value!r}") from None


def load_scenario(path: str | os.PathLike[str]) -> Scenario:
    """Read a scenario file.

    Raises:
        LoadError: the scenario, its rule set or its organisation is unusable.
    """
    path = Path(path)
    data, smap, problems = parse_document(path.read_bytes(), str(path))
    if problems or not isinstance(data, dict):
        raise LoadError(problems or [smap.problem("", "wrong-type", "expected a mapping")])
    unknown = sorted(set(data) - _KEYS)
    if unknown:
        raise LoadError(
            [
                smap.problem(
                    f"/{unknown[0]}", "unknown-key", f"unknown key {unknown[0]!r}; expected {', '.join(sorted(_KEYS))}"
                )
            ]
        )
    for key in ("rules", "org", "events", "range", "expect"):
        if key not in data:
            raise LoadError([smap.problem("", "missing-key", f"missing required key {key!r}")])
    base = path.parent
    rules = _document(data["rules"], base, load_rules, "rules")
    org = _document(data["org"], base, load_org, "org")
    rng = data["range"]
    if not isinstance(rng, dict) or "from" not in rng or "to" not in rng:
        raise _problem(path, "/range", "expected {from: DATE, to: DATE}")
    start = _date(rng["from"], path, "/range/from")
    end = _date(rng["to"], path, "/range/to") + timedelta(days=1)
    tz = zone_of(rules, org)
    as_of = None
    if data.get("as_of") is not None:
        try:  # read as the command line reads --as-of: to the end of the day or second written
            as_of = parse_audit_moment(str(data["as_of"]), tz)
        except (ValueError, OverflowError) as exc:
            raise _problem(path, "/as_of", str(exc)) from None
    fmap, fmt, map_encoding = (
        load_map_file(base / str(data["map_file"])) if data.get("map_file") else (FieldMap(), None, None)
    )
    try:
        fmap = FieldMap.parse([f"{k}={v}" for k, v in (data.get("map") or {}).items()], fmap)
    except ValueError as exc:
        raise _problem(path, "/map", str(exc)) from None
    expect = data["expect"]
    if not isinstance(expect, dict) or not isinstance(expect.get("findings", []), list):
        raise _problem(path, "/expect", "expected {findings: [...], exact: true|false, severities: [...]}")
    for i, item in enumerate(expect.get("findings", [])):
        if not isinstance(item, dict) or "code" not in item:
            raise _problem(path, f"/expect/findings/{i}", "each expected finding is a mapping with at least 'code'")
        extra = sorted(set(item) - set(_MATCH_FIELDS))
        if extra:
            raise _problem(
                path,
                f"/expect/findings/{i}/{extra[0]}",
                f"unknown field {extra[0]!r}; expected {', '.join(_MATCH_FIELDS)}",
            )
    return Scenario(
        path=path,
        name=str(data.get("name") or path.stem),
        rules=rules,
        org=org,
        events=data["events"],
        fmap=fmap,
        fmt=fmt,
        encoding=str(data.get("encoding") or map_encoding or "utf-8-sig"),
        start=start,
        end=end,
        as_of=as_of,
        lang=str(data.get("lang") or "en"),
        expected=tuple(expect.get("findings", [])),
        exact=bool(expect.get("exact", True)),
        severities=tuple(expect.get("severities", ["violation", "warning"])),
    )


def _document(value: Any, base: Path, loader: Any, what: str) -> Any:
    if isinstance(value, str):
        return loader(base / value)
    if isinstance(value, dict):
        return loader(yaml.safe_dump(value, allow_unicode=True).encode("utf-8"), file=f"<inline {what}>")
    raise LoadError(
        [Problem(f"<inline {what}>", None, None, f"/{what}", "wrong-type", f"'{what}' is a path or a mapping")]
    )


def _events(s: Scenario) -> Iterator[Event | Rejected]:
    tz = zone_of(s.rules, s.org)
    if isinstance(s.events, str):
        yield from read_events(s.path.parent / s.events, tz=tz, fmap=s.fmap, fmt=s.fmt, encoding=s.encoding)
        return
    if not isinstance(s.events, list):
        raise _problem(s.path, "/events", "expected a list of event records or a log path")
    from govrules.events import _Builder

    builder = _Builder(s.fmap, tz, str(s.path), {})
    as_fields = {source for sources in builder.sources.values() for source in sources}
    for i, record in enumerate(s.events):
        if not isinstance(record, dict):
            yield Rejected(str(s.path), i + 1, "an inline event must be a mapping")
            continue
        flat = {k: v for k, v in record.items() if k != "attributes"}
        flat.update(record.get("attributes") or {})
        # an event field is text (an id written as a number too); an attribute keeps its type,
        # as in a JSON log (a count 3, a flag true, a mapping)
        yield builder.build(
            {k: str(v) if k in as_fields and v is not None and not isinstance(v, list) else v for k, v in flat.items()},
            i + 1,
        )


def _matches(expected: Mapping[str, Any], actual: Mapping[str, Any]) -> bool:
    for key, value in expected.items():
        got = actual.get(key)
        if key == "evidence":
            if sorted(map(str, value or [])) != sorted(map(str, got or [])):
                return False
        elif key == "observed":
            if got != value:
                return False
        elif str(got) != str(value):
            return False
    return True


def run_scenario(scenario: Scenario) -> ScenarioResult:
    """Check a scenario and compare its findings with the expected ones."""
    report = check(
        scenario.rules,
        scenario.org,
        _events(scenario),
        start=scenario.start,
        end=scenario.end,
        as_of=scenario.as_of,
        lang=scenario.lang,
    )
    actual = list(report.findings)
    fields = [_as_fields(f) for f in actual]
    candidates = [[i for i, found in enumerate(fields) if _matches(item, found)] for item in scenario.expected]
    listed = [[i for i in found if actual[i].severity in scenario.severities] for found in candidates]
    paired = _pairing(candidates, listed)
    result = ScenarioResult(scenario, report)
    result.missing = [item for k, item in enumerate(scenario.expected) if k not in paired]
    if scenario.exact:
        used = set(paired.values())
        result.unexpected = [f for i, f in enumerate(actual) if i not in used and f.severity in scenario.severities]
    return result


def _pairing(candidates: list[list[int]], preferred: list[list[int]] | None = None) -> dict[int, int]:
    """As many expected findings as can be paired, each with its own actual finding, by position:
    ``candidates[k]`` lists the actual findings expected finding ``k`` matches. A maximum matching,
    so that the order in which a scenario lists its expectations changes nothing:
    ``{code: missing}`` then ``{code: missing, actor: branch-1}`` pair as the other order does.
    The ``preferred`` findings (those of the severities a scenario lists) are paired first; the
    matching then grows over the others without ever letting one of them go, so a finding the
    scenario must expect is not left unexpected for one it need not."""
    owner: dict[int, int] = {}  # actual finding -> expected finding
    if preferred is not None:
        _augment(preferred, owner)
    _augment(candidates, owner)
    return {k: i for i, k in owner.items()}


def _augment(candidates: list[list[int]], owner: dict[int, int]) -> None:
    """Grow the matching ``owner`` over ``candidates`` to a maximum: each expectation not paired
    takes a free finding if it has one; otherwise a breadth-first search for a chain of
    expectations that can each move to another of theirs frees one. The findings a search that
    found none went through are skipped until the matching changes by such a chain (no free
    finding can be reached through them meanwhile). No recursion: thousands of alike expectations
    neither overflow the stack nor crawl."""
    held = {k: i for i, k in owner.items()}  # expected finding -> actual finding
    dead: set[int] = set()
    for k, found in enumerate(candidates):
        if k in held:
            continue
        free = next((i for i in found if i not in owner), None)
        if free is not None:
            owner[free], held[k] = k, free
            continue
        via: dict[int, int] = {}  # actual finding -> the expectation that reached it
        queue, reached, end = deque([k]), {k}, None
        while queue and end is None:
            e = queue.popleft()
            for i in candidates[e]:
                if i in via or i in dead:
                    continue
                via[i] = e
                if i not in owner:
                    end = i
                    break
                if owner[i] not in reached:
                    reached.add(owner[i])
                    queue.append(owner[i])
        if end is None:
            dead.update(via)
            continue
        dead.clear()
        while end is not None:  # move each expectation on the chain to the finding that reached it
            e = via[end]
            before = held.get(e) if e != k else None
            owner[end], held[e] = e, end
            end = before
