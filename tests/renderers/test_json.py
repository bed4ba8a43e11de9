"""The JSON renderer: the report model as published, valid against schemas/report.schema.json."""

from __future__ import annotations

import gc
import io
import json
import warnings
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from enum import Enum
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import jsonschema
import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from govrules.findings import EvidenceLocation, Finding, FindingCode, Outcome, Report, _json_model
from govrules.renderers import RenderContext, render
from govrules.renderers import json as json_renderer

HERE = Path(__file__).resolve().parent
GOLDEN = HERE / "golden"
SCHEMA = json.loads((HERE.parents[1] / "schemas" / "report.schema.json").read_text("utf-8"))


def test_golden(
    case: str,
    log: str,
    cli: Callable[..., tuple[int, str, str]],
    args: Callable[..., list[str]],
    golden: Callable[[Path, str], None],
) -> None:
    """The CLI's JSON report of each example log equals its golden file."""
    code, out, err = cli(*args(log, "--format", "json"))
    assert err == ""
    assert code == (1 if case == "gaps" else 0)
    golden(GOLDEN / f"{case}.json", out)


def _is_report(data: object) -> bool:
    return isinstance(data, dict) and {"version", "summary", "findings", "outcomes"} <= set(data)


def test_every_golden_report_validates_against_the_published_schema() -> None:
    """Every golden JSON report, in this folder and in the examples' golden folders, is valid against the schema."""
    paths = sorted(GOLDEN.glob("*.json")) + sorted((HERE.parents[1] / "examples").glob("*/golden/*.json"))
    reports = [(p, data) for p in paths if _is_report(data := json.loads(p.read_text("utf-8")))]
    assert len(reports) >= 2
    validator = jsonschema.Draft202012Validator(SCHEMA)
    for path, data in reports:
        errors = sorted(validator.iter_errors(data), key=str)
        assert errors == [], (str(path), errors[:3])


def test_parses_back_to_the_same_report(case: str, example: Callable[..., tuple[Report, RenderContext]]) -> None:
    """The JSON text loads back into an equal `Report`."""
    report, context = example(case)
    assert Report.model_validate_json(render(report, "json", context)) == report


def test_evidence_locations_point_at_log_rows(
    example: Callable[..., tuple[Report, RenderContext]], at_root: Path
) -> None:
    """Each cited event's location names the log and the line that holds its id."""
    report, _ = example("gaps")
    assert report.evidence_locations
    cited = {e for f in report.findings for e in f.evidence} | {e for o in report.outcomes for e in o.evidence}
    assert set(report.evidence_locations) <= cited
    for event_id, loc in list(report.evidence_locations.items())[:50]:
        lines = Path(loc.file).read_text("utf-8-sig").splitlines()
        assert loc.line is not None
        assert lines[loc.line - 1].startswith(f"{event_id},"), (event_id, loc)


def test_written_bytes_are_the_rendered_text(
    case: str, log: str, cli: Callable[..., tuple[int, str, str]], args: Callable[..., list[str]], tmp_path: Path
) -> None:
    """The CLI writes the JSON report as bytes (``json.write``), never holding it as text: the
    file has the bytes of the text the renderer gives."""
    target = tmp_path / "report.json"
    code, out, _ = cli(*args(log, "--format", "json", "--output", str(target)))
    assert (code, out) == (1 if case == "gaps" else 0, "")
    _, printed, _ = cli(*args(log, "--format", "json"))
    report = Report.model_validate_json(printed)
    buffer = io.BytesIO()
    json_renderer.write(report, buffer)
    assert target.read_bytes() == buffer.getvalue() == printed.encode("utf-8")


_LOADERS: tuple[Callable[[Any], Report], ...] = (
    Report.model_validate,
    lambda d: Report.model_validate_json(json.dumps(d)),
)
"""A report read back from Python data, and from JSON text."""


@pytest.mark.parametrize("part", [1, 2, 3, 4096])
def test_written_a_part_at_a_time_the_bytes_are_those_of_the_whole(
    part: int, example: Callable[..., tuple[Report, RenderContext]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`json.write` serialises the findings, outcomes and evidence locations a part at a time:
    with parts of any size, and with those fields empty, the bytes are those of serialising the
    report in one piece."""
    report, context = example("gaps")
    empty = report.model_copy(update={"findings": (), "outcomes": (), "evidence_locations": {}})
    assert len(report.findings) > 3 and len(report.outcomes) > 3 and len(report.evidence_locations) > 3
    monkeypatch.setattr(json_renderer, "_PART", part)
    for whole in (report, empty):
        buffer = io.BytesIO()
        json_renderer.write(whole, buffer)
        assert buffer.getvalue() == render(whole, "json", context).encode("utf-8")


def test_a_loaded_report_validates_every_finding_and_outcome(
    example: Callable[..., tuple[Report, RenderContext]],
) -> None:
    """Findings and outcomes are compact structs in memory, but a report loaded from JSON or from
    Python data still has each one validated, and a bad one is named by its place in the report."""
    report, context = example("gaps")
    data = json.loads(render(report, "json", context))
    loaded = Report.model_validate(data)
    assert (type(loaded.outcomes[0]), type(loaded.findings[0])) == (Outcome, Finding)
    assert loaded == report  # validated records are equal to the checker's
    assert isinstance(loaded.findings[0].code, FindingCode)
    data["findings"][1]["code"] = "gone"
    data["findings"][2]["detail"] = []
    data["outcomes"][3]["status"] = "fine"
    data["outcomes"][5]["opens"] = "yesterday"
    for load in _LOADERS:
        with pytest.raises(ValidationError) as caught:
            load(data)
        assert [(e["loc"], e["type"]) for e in caught.value.errors()] == [
            (("findings", 1, "code"), "enum"),
            (("findings", 2, "detail"), "dict_type"),
            (("outcomes", 3, "status"), "literal_error"),
            (("outcomes", 5, "opens"), "datetime_from_date_parsing"),
        ]


_GOLDEN_REPORTS = [
    path
    for path in sorted(GOLDEN.glob("*.json")) + sorted((HERE.parents[1] / "examples").glob("*/golden/*.json"))
    if _is_report(json.loads(path.read_text("utf-8")))
]


@pytest.mark.parametrize("path", _GOLDEN_REPORTS, ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_every_golden_report_loads_and_renders_in_every_format(path: Path) -> None:
    """Every golden JSON report loads (its times aware, its zone, language and dates known) and
    renders in every format."""
    from govrules.renderers import RENDERERS

    report = Report.model_validate_json(path.read_bytes())
    assert report.as_of.tzinfo is not None
    for fmt in RENDERERS:
        assert render(report, fmt)


@pytest.mark.parametrize(
    ("place", "value", "error"),
    [
        (("as_of",), "2024-12-31T23:59:59", "timezone_aware"),
        (("outcomes", 0, "opens"), "2024-01-01T00:00:00", "timezone_aware"),
        (("outcomes", 1, "due"), "2024-01-31T23:59:59", "timezone_aware"),
        (("findings", 0, "due"), "2024-01-31T23:59:59", "timezone_aware"),
        (("timezone",), "Mars/Base", "bad-timezone"),
        (("timezone",), "../etc/passwd", "bad-timezone"),
        (("lang",), "xx", "bad-value"),
        (("range_from",), "yesterday", "string_pattern_mismatch"),
        (("range_to",), "2024-02-30", "bad-date"),
        (("range_from",), "2030-01-01", "bad-range"),
        (("findings", 0, "rule"), "", "string_too_short"),  # the SARIF renderer looked it up: KeyError
        (("outcomes", 0, "actor"), "", "string_too_short"),  # so did the HTML one
    ],
)
def test_a_report_whose_values_its_methods_and_renderers_cannot_use_is_not_loaded(
    place: tuple[str | int, ...], value: str, error: str
) -> None:
    """A report read back is refused, naming the field, where it holds a naive time (a renderer
    comparing it with aware ones raised TypeError), an unknown zone (ZoneInfoNotFoundError), a
    language with no messages (ValueError from every renderer) or a range that is not one of
    dates; the published schema says the same where it can (the language, the dates' form)."""
    data = json.loads((GOLDEN / "gaps.json").read_text("utf-8"))
    parent = data
    for step in place[:-1]:
        parent = parent[step]
    parent[place[-1]] = value
    for load in _LOADERS:
        with pytest.raises(ValidationError) as caught:
            load(data)
        at = () if error == "bad-range" else place
        assert [(e["loc"], e["type"]) for e in caught.value.errors()] == [(at, error)]
    schema_errors = list(jsonschema.Draft202012Validator(SCHEMA).iter_errors(data))
    if place[0] == "lang" or error == "string_pattern_mismatch":
        assert [list(e.absolute_path) for e in schema_errors] == [list(place)]


def test_a_naive_time_given_in_python_is_refused_too() -> None:
    """A report loaded from Python data is validated as one loaded from JSON: a naive
    ``datetime`` is refused at its place."""
    data = Report.model_validate_json((GOLDEN / "gaps.json").read_bytes()).model_dump()
    data["as_of"] = data["as_of"].replace(tzinfo=None)
    with pytest.raises(ValidationError) as caught:
        Report.model_validate(data)
    assert [(e["loc"], e["type"]) for e in caught.value.errors()] == [(("as_of",), "timezone_aware")]


def test_records_held_by_the_hundred_thousand_are_compact_structs(
    example: Callable[..., tuple[Report, RenderContext]],
) -> None:
    """Findings, outcomes and evidence locations are immutable structs that the cyclic collector
    skips."""
    report, _ = example("gaps")
    finding, outcome = report.findings[0], report.outcomes[0]
    location = next(iter(report.evidence_locations.values()))
    assert (isinstance(outcome, Outcome), isinstance(finding, Finding)) == (True, True)
    assert [gc.is_tracked(record) for record in (finding, outcome, location)] == [False, False, False]
    with pytest.raises(AttributeError):
        outcome.status = "met"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        finding.code = FindingCode.LATE  # type: ignore[misc]


def test_dump_options_reach_inside_outcomes_and_locations(example: Callable[..., tuple[Report, RenderContext]]) -> None:
    """``exclude_none`` leaves out an outcome's or a location's empty fields as it does a
    finding's, in Python data and in JSON."""
    report, _ = example("gaps")
    nones = [o for o in report.outcomes if o.counterpart is None and o.note is None]
    assert nones, "the example has outcomes without counterpart and note"
    for dumped in (report.model_dump(exclude_none=True), json.loads(report.model_dump_json(exclude_none=True))):
        assert all(None not in o.values() for o in dumped["outcomes"])
        assert all(None not in f.values() for f in dumped["findings"])
        assert {"counterpart", "note"}.isdisjoint(dumped["outcomes"][report.outcomes.index(nones[0])])
    no_line = report.model_copy(update={"evidence_locations": {"e1": EvidenceLocation(file="log.csv")}})
    assert Report.model_validate(no_line.model_dump()).evidence_locations["e1"].line is None
    assert no_line.model_dump(exclude_none=True)["evidence_locations"] == {"e1": {"file": "log.csv"}}


def test_exclude_defaults_reaches_inside_records_as_it_would_inside_models(
    example: Callable[..., tuple[Report, RenderContext]],
) -> None:
    """``exclude_defaults`` leaves out a finding's, an outcome's or a location's fields at their
    defaults, as dumping the pydantic model each is validated against would, in Python data and JSON."""
    report, _ = example("gaps")
    report = report.model_copy(update={"evidence_locations": {"e1": EvidenceLocation(file="log.csv")}})
    python, text = report.model_dump(exclude_defaults=True), json.loads(report.model_dump_json(exclude_defaults=True))
    for part, kind in (("findings", Finding), ("outcomes", Outcome)):
        records = getattr(report, part)
        assert records, part
        models = [_json_model(kind).model_validate(msgspec.structs.asdict(r)) for r in records]
        assert list(python[part]) == [m.model_dump(exclude_defaults=True) for m in models]
        assert text[part] == [json.loads(m.model_dump_json(exclude_defaults=True)) for m in models]
    assert python["evidence_locations"] == text["evidence_locations"] == {"e1": {"file": "log.csv"}}
    plain = next(k for k, o in enumerate(report.outcomes) if (o.counterpart, o.note, o.step) == (None, None, None))
    kept = python["outcomes"][plain]
    assert {"counterpart", "note", "step"}.isdisjoint(kept)
    assert (kept["rule"], kept["status"]) == (report.outcomes[plain].rule, report.outcomes[plain].status)
    # without the option, every field is there
    assert set(report.model_dump()["outcomes"][0]) == {f.name for f in msgspec.structs.fields(Outcome)}


_TEXT = st.text(max_size=6)
_ZONES = st.sampled_from(
    [
        timezone(timedelta(hours=8)),
        timezone(timedelta(hours=-5, minutes=-30)),
        UTC,  # pydantic writes "+00:00", msgspec "Z"
        timezone(timedelta(seconds=30)),  # part of a minute: pydantic "+00:00", msgspec "Z"
        timezone(timedelta(hours=8, minutes=5, seconds=43)),  # pydantic "+08:05", msgspec "+08:06"
        ZoneInfo("Asia/Shanghai"),  # +08:05:43 before 1901
        ZoneInfo("Europe/London"),  # +00:00 in winter
    ]
)
_INSTANTS = st.builds(
    lambda when, zone: when.replace(tzinfo=zone),
    st.datetimes(min_value=datetime(1890, 1, 1), max_value=datetime(2100, 1, 1)),
    _ZONES,
)
_DETAIL = st.dictionaries(
    _TEXT,
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | _TEXT,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_TEXT, inner, max_size=3),
        max_leaves=6,
    ),
    max_size=3,
)
_RECORDS = {
    "outcomes": st.builds(
        Outcome,
        rule=_TEXT,
        clause=_TEXT,
        actor=_TEXT,
        counterpart=st.none() | _TEXT,
        period=_TEXT,
        opens=_INSTANTS,
        due=_INSTANTS,
        status=st.just("met"),
        observed=st.integers(0, 3),
        evidence=st.lists(_TEXT, max_size=3).map(tuple),
        note=st.none() | _TEXT,
    ),
    "findings": st.builds(
        Finding,
        code=st.sampled_from(FindingCode),
        severity=st.sampled_from(["violation", "warning", "info"]),
        rule=st.none() | _TEXT,
        actor=st.none() | _TEXT,
        opens=st.none() | _INSTANTS,
        due=st.none() | _INSTANTS,
        observed=st.none() | st.integers(0, 3),
        evidence=st.lists(_TEXT, max_size=3).map(tuple),
        line=st.none() | st.integers(1, 10**6),
        detail=_DETAIL,
        message=st.text(max_size=20),
    ),
    "evidence_locations": st.builds(EvidenceLocation, file=_TEXT, line=st.none() | st.integers(1, 10**6)),
}


@given(data=st.data(), name=st.sampled_from(sorted(_RECORDS)))
def test_a_part_written_by_msgspec_has_pydantics_bytes(data: st.DataObject, name: str) -> None:
    """The large fields are written by msgspec where it gives pydantic's bytes, by pydantic
    where it does not (an instant at an offset of zero or of part of a minute, a float in a
    detail): either way a part's bytes are pydantic's. A part with none of those is msgspec's."""
    records: list[Any] = data.draw(st.lists(_RECORDS[name], min_size=1, max_size=4))
    is_mapping = name == "evidence_locations"
    part: Any = {f"e{i}": r for i, r in enumerate(records)} if is_mapping else records
    text = json_renderer._adapter(name).dump_json(part if is_mapping else tuple(part), indent=2)
    assert bytes(json_renderer._part_text(name, part, is_mapping)) == text[1:-2].replace(b"\n", b"\n  ")

    def plain(when: datetime | None) -> bool:
        offset = None if when is None else when.utcoffset()
        return when is None or (offset is not None and bool(offset) and offset.seconds % 60 == 0)

    def no_float(value: Any) -> bool:
        if isinstance(value, dict):
            return all(map(no_float, value.values()))
        return all(map(no_float, value)) if isinstance(value, list) else not isinstance(value, float)

    expected = is_mapping or all(
        plain(r.opens) and plain(r.due) and (name != "findings" or no_float(r.detail)) for r in records
    )
    assert json_renderer._plain(name, records) == expected


class _Sourced(Outcome, frozen=True, kw_only=True):
    """An outcome with a field of its own, which the report's JSON does not have."""

    source: str = "x"


class _Worded(str, Enum):  # noqa: UP042 (a StrEnum's value is its text)
    """An enum whose value is not its text."""

    def __new__(cls, value: str, text: str) -> _Worded:
        member = str.__new__(cls, text)
        member._value_ = value
        return member

    A = ("v", "text")


_AT = datetime(2024, 1, 1, tzinfo=timezone(timedelta(hours=8)))
_OUTCOME: dict[str, Any] = {
    "rule": "r", "clause": "c", "actor": "a", "period": "p", "opens": _AT, "due": _AT, "status": "met",
}  # fmt: skip
_DEEP: Any = 1
for _ in range(70):
    _DEEP = [_DEEP]


@pytest.mark.parametrize(
    ("name", "record", "plain"),
    [
        ("outcomes", _Sourced(**_OUTCOME), False),
        ("outcomes", Outcome(**_OUTCOME, observed=True), False),
        ("outcomes", Outcome(**_OUTCOME, observed=1e16), False),  # type: ignore[arg-type]
        ("outcomes", Outcome(**_OUTCOME, evidence=(b"e1",)), False),  # type: ignore[arg-type]
        ("outcomes", Outcome(**_OUTCOME, note=_AT.replace(tzinfo=UTC)), False),  # type: ignore[arg-type]
        ("outcomes", Outcome(**{**_OUTCOME, "opens": "2024-01-01T00:00:00+08:00"}), False),
        ("findings", Finding(code=FindingCode.MISSING, severity="info", detail={"k": _Worded.A}), False),
        ("findings", Finding(code=FindingCode.MISSING, severity="info", detail={"k": _DEEP}), False),
        ("evidence_locations", EvidenceLocation(file="f", line=True), False),
    ],
)
def test_a_record_of_other_types_than_declared_is_written_as_pydantic_writes_it(
    name: str, record: Any, plain: bool, example: Callable[..., tuple[Report, RenderContext]]
) -> None:
    """A record made in Python is not validated, so it may hold values of other types than its
    fields declare, or be a subclass with fields of its own: msgspec would write most of those
    otherwise than pydantic (a bool as ``true``, a float as ``1e16``, bytes in base64, an
    instant at a zero offset with ``Z``, an enum by its text, the subclass's own field), so such a
    part is written by pydantic; either way the report's bytes are `render`'s (pydantic warns of
    the unexpected types, as it does for `render`)."""
    assert json_renderer._plain(name, [record]) is plain
    report, _ = example("gaps")
    fields: dict[str, Any] = {"findings": (), "outcomes": (), "evidence_locations": {}}
    fields[name] = {"e1": record} if name == "evidence_locations" else (record,)
    whole = report.model_copy(update=fields)
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        json_renderer.write(whole, buffer)
        expected = (whole.model_dump_json(indent=2) + "\n").encode()
    assert buffer.getvalue() == expected
