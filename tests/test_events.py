"""The event-log readers, record by record: what becomes an event, what is rejected and why."""

from __future__ import annotations

import gc
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from govrules.events import EVENT_FIELDS, NO_ATTRIBUTES, Event, FieldMap, Rejected, _Builder, parse_time, read_events

ROME = ZoneInfo("Europe/Rome")


def _read(tmp_path: Path, name: str, data: bytes, **kwargs: object) -> list[Event | Rejected]:
    path = tmp_path / name
    path.write_bytes(data)
    return list(read_events(path, tz=ROME, **kwargs))  # type: ignore[arg-type]


class TestCsv:
    def test_undecodable_bytes_reject_that_record_only(self, tmp_path: Path) -> None:
        data = b"id,time,actor,action,note\n" + b"a,2024-03-01T09:00:00+01:00,school,report,ok\n"
        data += b"b,2024-03-02T09:00:00+01:00,school,report,\xb9\xfa\n"
        data += b"c,2024-03-03T09:00:00+01:00,school,report,\n"
        records = _read(tmp_path, "log.csv", data)
        assert [type(r).__name__ for r in records] == ["Event", "Rejected", "Event"]
        rejected = records[1]
        assert isinstance(rejected, Rejected)
        assert (rejected.line, rejected.record_id) == (3, "b")
        assert "not valid utf-8-sig text" in rejected.reason

    def test_control_character_in_a_field_is_rejected_and_a_tab_is_not(self, tmp_path: Path) -> None:
        data = "id,time,actor,action,note\n"
        data += 'a,2024-03-01T09:00:00+01:00,"sch\x07ool",report,\n'
        data += "b,2024-03-01T10:00:00+01:00,school,report,tab\there\n"
        records = _read(tmp_path, "log.csv", data.encode())
        assert isinstance(records[0], Rejected)
        assert (records[0].line, records[0].reason) == (2, "field 'actor' contains control characters")
        assert isinstance(records[1], Event)
        assert records[1].attributes == {"note": "tab\there"}

    def test_fields_without_a_column_are_none_and_blank_cells_too(self, tmp_path: Path) -> None:
        data = b"id,time,actor,action,subject\n" + b"a,2024-03-01T09:00:00+01:00,school,report,\n"
        (event,) = _read(tmp_path, "log.csv", data)
        assert isinstance(event, Event)
        assert (event.recipient, event.subject, event.ref, event.period) == (None, None, None, None)
        assert event.attributes is NO_ATTRIBUTES
        assert (event.file, event.line, event.seq) == (str(tmp_path / "log.csv"), 2, 0)

    def test_a_repeated_column_keeps_its_last_value(self, tmp_path: Path) -> None:
        data = b"id,time,actor,action,actor\n" + b"a,2024-03-01T09:00:00+01:00,first,report,second\n"
        (event,) = _read(tmp_path, "log.csv", data)
        assert isinstance(event, Event) and event.actor == "second"

    def test_alternatives_and_constants(self, tmp_path: Path) -> None:
        data = b"id,when,by,what\n" + b"a,2024-03-01T09:00:00+01:00,,report\n"
        fmap = FieldMap.parse(["time=when", "actor=by|'police'", "action=what"])
        (event,) = _read(tmp_path, "log.csv", data, fmap=fmap)
        assert isinstance(event, Event) and (event.actor, event.action) == ("police", "report")

    def test_missing_required_values_name_their_columns(self, tmp_path: Path) -> None:
        data = b"id,time,actor,action\n" + b"a,,school,\n"
        (rejected,) = _read(tmp_path, "log.csv", data)
        assert isinstance(rejected, Rejected)
        assert rejected.reason == "missing time (column 'time'), action (column 'action')"


def test_undecodable_bytes_in_json_lines_reject_that_record(tmp_path: Path) -> None:
    good = b'{"id": "a", "time": "2024-03-01T09:00:00+01:00", "actor": "school", "action": "report"}\n'
    bad = b'{"id": "b", "time": "2024-03-01T09:00:00+01:00", "actor": "sch\xff", "action": "report"}\n'
    records = _read(tmp_path, "log.jsonl", good + bad)
    assert isinstance(records[0], Event)
    assert isinstance(records[1], Rejected) and records[1].line == 2 and "not valid utf-8-sig" in records[1].reason


def test_events_are_immutable_named_tuples() -> None:
    event = Event("a", datetime(2024, 3, 1, 9, tzinfo=UTC), "school", "report")
    with pytest.raises(AttributeError):
        event.actor = "other"  # type: ignore[misc]
    moved = event._replace(time=datetime(2024, 3, 2, 9, tzinfo=UTC))
    assert (moved.id, moved.time.day, event.time.day) == ("a", 2, 1)
    assert event.attributes == {} and event.as_record()["attributes"] == {}


# -- the CSV row fast path equals the general record path --------------------------------------

_COLUMNS = st.sampled_from(["id", "time", "actor", "action", "recipient", "subject", "ref", "period", "note", "tags"])
_CELLS = st.sampled_from(["", " ", "x", " y ", "2024-03-01T09:00:00+01:00", "2024-03-01", "a;b", "\x07", "\t"])


@given(
    header=st.lists(_COLUMNS, min_size=1, max_size=8),
    cells=st.lists(_CELLS, min_size=8, max_size=8),
    mapped=st.sampled_from([[], ["actor=actor|recipient"], ["action='report'"], ["time=note|time"]]),
)
def test_csv_rows_read_as_the_same_records(header: list[str], cells: list[str], mapped: list[str]) -> None:
    builder = _Builder(FieldMap.parse(mapped, FieldMap(lists={"tags": ";"})), ROME, "log.csv", {})
    row = cells[: len(header)]
    by_row = builder.row_reader(header)(list(row), 2, 0, "".join(row))
    by_record = builder.build(dict(zip(header, row, strict=True)), 2, 0)
    assert by_row == by_record


# -- times ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-03-01T09:00:00+01:00", datetime(2024, 3, 1, 8, tzinfo=UTC)),
        ("2024-03-01T08:00:00Z", datetime(2024, 3, 1, 8, tzinfo=UTC)),
        ("2024-03-01T08:00:00z", datetime(2024, 3, 1, 8, tzinfo=UTC)),
        (" 2024-03-01T09:00:00+01:00 ", datetime(2024, 3, 1, 8, tzinfo=UTC)),
        ("2024-03-01", datetime(2024, 2, 29, 23, tzinfo=UTC)),  # local midnight
        ("2024-03-31T02:30:00", datetime(2024, 3, 31, 1, 30, tzinfo=UTC)),  # in the DST gap: moved forward
        ("2024-10-27T02:30:00", datetime(2024, 10, 27, 0, 30, tzinfo=UTC)),  # repeated hour: the first
    ],
)
def test_times_are_instants(text: str, expected: datetime) -> None:
    value = parse_time(text, ROME)
    assert value.tzinfo is not None and value == expected
    assert type(value.tzinfo) is timezone  # fixed offsets compare as instants


@given(st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1)), st.integers(-14 * 60, 14 * 60))
def test_written_offsets_are_kept(wall: datetime, minutes: int) -> None:
    zone = timezone(timedelta(minutes=minutes))
    written = wall.replace(tzinfo=zone)
    value = parse_time(written.isoformat(), ROME)
    assert value == written and value.utcoffset() == written.utcoffset()


def test_the_readers_field_order_is_the_events() -> None:
    # readers build events positionally from values in EVENT_FIELDS order
    assert Event._fields[: len(EVENT_FIELDS)] == EVENT_FIELDS


def test_an_event_is_immutable_and_copied_with_changes() -> None:
    when = datetime(2024, 3, 1, 9, tzinfo=UTC)
    event = Event("e1", when, "school", "report", recipient="office")
    moved = event._replace(time=when + timedelta(days=1), recipient=None)
    assert (moved.id, moved.time, moved.recipient, moved.attributes) == ("e1", when + timedelta(days=1), None, {})
    assert (event.time, event.recipient) == (when, "office")
    assert moved == Event("e1", when + timedelta(days=1), "school", "report")
    with pytest.raises(AttributeError):
        event.actor = "other"  # type: ignore[misc]


def test_events_are_left_out_of_the_cyclic_collector() -> None:
    # an audit holds millions of events: the collector would walk each on every full collection
    event = Event("e1", datetime(2024, 3, 1, 9, tzinfo=UTC), "school", "report", attributes={"topics": ["a"]})
    assert not gc.is_tracked(event)


def test_ids_a_report_cannot_hold_are_cited_as_escapes(tmp_path: Path) -> None:
    """An undecodable byte or a lone surrogate (a JSON escape) rejects the record, and the id it is
    cited by is written with escapes, so that every report format can hold it."""
    lines = [
        b'{"id": "x\\udcff", "time": "2024-03-01T09:00:00+01:00", "actor": "school", "action": "report"}\n',
        b'{"id": "y\\ud800", "time": "2024-03-01T09:00:00+01:00", "actor": "school", "action": "report"}\n',
    ]
    records = _read(tmp_path, "log.jsonl", b"".join(lines))
    assert [(r.line, r.record_id) for r in records if isinstance(r, Rejected)] == [(1, "x\\udcff"), (2, "y\\ud800")]
    assert "lone surrogate" in records[1].reason  # type: ignore[union-attr]
    csv_log = b"id,time,actor,action\n" + b"a\xff,,school,report\n"
    [missing] = _read(tmp_path, "log.csv", csv_log)
    assert isinstance(missing, Rejected) and missing.record_id == "a\\udcff"
    for record in [*records, missing]:
        assert isinstance(record, Rejected) and record.record_id is not None
        record.record_id.encode("utf-8")  # no lone surrogate left
