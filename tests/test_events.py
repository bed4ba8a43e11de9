"""The event-log readers, record by record: what becomes an event, what is rejected and why."""

from __future__ import annotations

import codecs
import csv
import gc
import io
import json
import os
import re
import threading
import time
import warnings
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, cast
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from govrules import events as events_module
from govrules.errors import EventLogError, InvalidArgument
from govrules.events import (
    EVENT_FIELDS,
    NO_ATTRIBUTES,
    Event,
    FieldMap,
    Rejected,
    StoppedAt,
    _Builder,
    parse_time,
    read_events,
    reading_stopped,
)
from govrules.messages import Reason

ROME = ZoneInfo("Europe/Rome")


def _read(tmp_path: Path, name: str, data: bytes, **kwargs: object) -> list[Event | Rejected]:
    path = tmp_path / name
    path.write_bytes(data)
    return list(read_events(path, tz=ROME, **kwargs))  # type: ignore[arg-type]


_LEFT_OPEN = events_module._LEFT_OPEN


def _left_open_past_limit() -> Reason:
    return Reason("left-open-past-limit", limit=csv.field_size_limit())


class TestCsv:
    @pytest.mark.parametrize("rows", [3, 2000])
    def test_a_quote_left_open_rejects_its_row_only(self, tmp_path: Path, rows: int) -> None:
        """A quoted cell never closed would take the rest of the file (to its end, or until the
        csv module's field limit stops it, 2,000 rows later): its row is rejected at its line, and
        every line after it is read as a row of its own."""
        lines = ['e0,2024-03-01T09:00:00+01:00,school,report,"left open\n']
        lines += [f"e{i},2024-03-01T09:00:00+01:00,school,report,{'x' * 100}\n" for i in range(1, rows + 1)]
        read = _read(tmp_path, "log.csv", ("id,time,actor,action,note\n" + "".join(lines)).encode())
        assert read[0] == Rejected(str(tmp_path / "log.csv"), 2, _left_open_past_limit() if rows > 1000 else _LEFT_OPEN)
        assert [(e.id, e.line) for e in read[1:] if isinstance(e, Event)] == [
            (f"e{i}", i + 2) for i in range(1, rows + 1)
        ]

    def test_a_quoted_cell_closed_past_the_field_limit_is_said_too_long_not_left_open(self, tmp_path: Path) -> None:
        """A quoted cell that closes, but only past the csv module's field limit (131,072
        characters), is rejected at the line it opens as running past the limit, not as a quote
        never closed, and the lines after it are read as rows of their own: those of the cell
        rejected for their width, the event after it read."""
        cell = "x\n" * 70_000  # 140,000 characters over 70,000 lines
        data = f'id,time,actor,action,note\ne1,2024-03-01T09:00:00+01:00,school,report,"{cell}"\n'
        data += "e2,2024-03-02T09:00:00+01:00,school,report,done\n"
        read = _read(tmp_path, "log.csv", data.encode())
        assert read[0] == Rejected(str(tmp_path / "log.csv"), 2, _left_open_past_limit())
        assert read[0].reason == (
            "a quoted cell that opens on this line runs past the field limit (131072 characters) without "
            "closing, so the csv module would read the rest of the file into it; the lines after this one "
            "are read as rows of their own"
        )
        assert [(e.id, e.line) for e in read if isinstance(e, Event)] == [("e2", 70_003)]
        assert len(read) == 70_002  # every line after the header a record: 70,001 of them rejected

    def test_a_quote_closed_astray_on_a_later_line_rejects_its_first_line_only(self, tmp_path: Path) -> None:
        """A stray quote (``"Monthly report``) that a later line's quote closes with text after
        it (``the 5" screen``) would make the lines between one cell: with the header's width,
        the row was read as one event, and the event on the later line was lost without a word
        (a false ``missing``). The first line is rejected and the lines after it are read as rows."""
        lines = [
            'e1,2024-01-20T10:00:00+08:00,branch-1,report,"Monthly report,hq\n',
            'e2,2024-02-20T10:00:00+08:00,branch-1,report,the 5" screen,hq\n',
            "e3,2024-03-20T10:00:00+08:00,branch-1,report,March,hq\n",
        ]
        read = _read(tmp_path, "log.csv", ("id,time,actor,action,title,recipient\n" + "".join(lines)).encode())
        assert read[0] == Rejected(str(tmp_path / "log.csv"), 2, events_module._CLOSED_ASTRAY)
        assert [(e.id, e.line, e.attributes["title"]) for e in read[1:] if isinstance(e, Event)] == [
            ("e2", 3, 'the 5" screen'),
            ("e3", 4, "March"),
        ]
        # a cell written over two lines, closed before a delimiter, is a cell: one record; and so
        # is one beside a cell of one line with text after its closing quote, as the csv module
        # reads it
        two = 'e1,2024-01-20T10:00:00+08:00,branch-1,report,"two\nlines","5" screen"\n'
        read = _read(tmp_path, "two.csv", ("id,time,actor,action,title,recipient\n" + two).encode())
        assert all(isinstance(e, Event) for e in read)
        assert [(e.id, e.line, e.attributes["title"], e.recipient) for e in cast(list[Event], read)] == [
            ("e1", 2, "two\nlines", '5 screen"')
        ]

    def test_a_header_that_does_not_decode_asks_for_the_encoding(self, tmp_path: Path) -> None:
        """A GB18030 export read as UTF-8: its header's names do not read, so no column is
        found; the problem says so and names ``--encoding`` (before: a missing column for each
        field, listing the header's undecodable text). Read as GB18030, it reads."""
        data = "编号,时间,单位,事项\ne1,2024-03-01T09:00:00+01:00,school,report\n".encode("gb18030")
        fmap = FieldMap.parse(["id=编号", "time=时间", "actor=单位", "action=事项"])
        with pytest.raises(EventLogError) as info:
            _read(tmp_path, "log.csv", data, fmap=fmap)
        [problem] = info.value.problems
        assert (problem.line, problem.code) == (1, "bad-encoding")
        assert "not valid utf-8-sig text" in problem.message and "--encoding gb18030" in problem.message
        [event] = _read(tmp_path, "log.csv", data, fmap=fmap, encoding="gb18030")
        assert isinstance(event, Event) and event.actor == "school"

    def test_a_misspelt_column_beside_a_column_that_does_not_decode_is_said_as_missing(self, tmp_path: Path) -> None:
        """A column mapped by an ASCII name (``--map actor=unit``) that the header lacks is a
        missing column, though another column's name does not decode: an ASCII name reads in
        any encoding, so the encoding is not what hides it."""
        data = "id,time,单位,action\ne1,2024-03-01T09:00:00+01:00,school,report\n".encode("gb18030")
        with pytest.raises(EventLogError) as info:
            _read(tmp_path, "log.csv", data, fmap=FieldMap.parse(["actor=unit"]))
        [problem] = info.value.problems
        assert (problem.line, problem.code) == (1, "missing-column")
        assert "no column for event field 'actor' (looked for 'unit'" in problem.message

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

    def test_control_characters_unicode_counts_as_blanks_are_stripped_at_a_fields_edges(self, tmp_path: Path) -> None:
        """U+000B, U+000C and U+001C to U+001F are blanks to `str.strip`: at a field's edge they
        are stripped with the spaces (docs/trust.md), inside it they reject the record."""
        data = "id,time,actor,action\n"
        data += "a,2024-03-01T09:00:00+01:00,school\x1f,report\n"
        data += "b,2024-03-01T10:00:00+01:00,\x0bschool,report\x0c\n"
        data += "c,2024-03-01T11:00:00+01:00,sch\x1fool,report\n"
        records = _read(tmp_path, "log.csv", data.encode())
        assert [(type(r).__name__, r.line) for r in records] == [("Event", 2), ("Event", 3), ("Rejected", 4)]
        assert [(r.actor, r.action) for r in records[:2] if isinstance(r, Event)] == [("school", "report")] * 2
        rejected = records[2]
        assert isinstance(rejected, Rejected)
        assert rejected.reason == "field 'actor' contains control characters"

    def test_fields_without_a_column_are_none_and_blank_cells_too(self, tmp_path: Path) -> None:
        data = b"id,time,actor,action,subject\n" + b"a,2024-03-01T09:00:00+01:00,school,report,\n"
        (event,) = _read(tmp_path, "log.csv", data)
        assert isinstance(event, Event)
        assert (event.recipient, event.subject, event.ref, event.period) == (None, None, None, None)
        assert event.attributes is NO_ATTRIBUTES
        assert (event.file, event.line, event.seq) == (str(tmp_path / "log.csv"), 2, 2)
        assert event.seq is event.line  # one int object for both

    def test_a_repeated_column_is_refused_not_guessed(self, tmp_path: Path) -> None:
        """Two columns of one name (an export that appends a second 'actor'): which one a field
        is read from would be a guess, so the log is refused, naming the columns; blank header
        cells may repeat."""
        data = b"id,time,actor,action,,,actor\n" + b"a,2024-03-01T09:00:00+01:00,first,report,,,second\n"
        with pytest.raises(EventLogError) as raised:
            _read(tmp_path, "log.csv", data)
        [problem] = raised.value.problems
        assert (problem.line, problem.code) == (1, "duplicate-column")
        assert problem.message.startswith("the header names column 'actor' more than once (columns 3, 7)")
        (event,) = _read(
            tmp_path, "blank.csv", b"id,time,actor,action,,\n" + b"a,2024-03-01T09:00:00+01:00,first,report,,\n"
        )
        assert isinstance(event, Event) and event.actor == "first"

    def test_alternatives_and_constants(self, tmp_path: Path) -> None:
        data = b"id,when,by,what\n" + b"a,2024-03-01T09:00:00+01:00,,report\n"
        fmap = FieldMap.parse(["time=when", "actor=by|'police'", "action=what"])
        (event,) = _read(tmp_path, "log.csv", data, fmap=fmap)
        assert isinstance(event, Event) and (event.actor, event.action) == ("police", "report")

    def test_a_constant_is_stripped_as_a_value_is_and_a_blank_one_is_refused(self, tmp_path: Path) -> None:
        """A quoted constant is a field's value, stripped of blanks at its edges as every value is
        (``' police '`` gave the actor `` police ``, unknown to the organisation); one of blanks
        only (``' '``) would be no value, and is refused as an empty one (``''``) is: it gave every
        record the actor `` ``, said as an unknown actor."""
        data = b"id,when,by,what\n" + b"a,2024-03-01T09:00:00+01:00,,report\n"
        fmap = FieldMap.parse(["time=when", "actor=by|' police '", "action=what"])
        (event,) = _read(tmp_path, "log.csv", data, fmap=fmap)
        assert isinstance(event, Event) and event.actor == "police"
        for blank in ("' '", '"\t "', "by|'\u3000'"):
            with pytest.raises(InvalidArgument) as raised:
                FieldMap.parse([f"actor={blank}"])
            assert str(raised.value) == (
                f"expected a column or a quoted text in each alternative of {'actor=' + blank!r}, got an empty one"
            )

    @pytest.mark.parametrize(
        ("mapped", "absent"),
        [
            ("actor=rez|'b1'", "'rez'"),  # a constant stood in for the misspelt column
            ("actor=rez|who", "'rez'"),  # the misspelt column was skipped for the next one
            ("actor=who|rez", "'rez'"),
            ("actor=rez|who|reso|'b1'", "'rez', 'reso'"),
            ("recipient=to|res", "'to'"),  # an optional field's alternatives too
        ],
    )
    def test_every_column_of_a_fields_alternatives_must_be_in_the_header(
        self, tmp_path: Path, mapped: str, absent: str
    ) -> None:
        """A column named among a field's alternatives, or beside a quoted constant, that the
        header lacks is a misspelt column (``missing-column``), not an empty cell: before, the
        constant was given to every record, or the next alternative read alone."""
        data = b"id,time,who,res,action\n" + b"e1,2024-01-10T10:00:00+01:00,,b1,report\n"
        with pytest.raises(EventLogError) as raised:
            _read(tmp_path, "alt.csv", data, fmap=FieldMap.parse(["actor=res", mapped]))
        [problem] = raised.value.problems
        assert (problem.file, problem.line, problem.code) == (str(tmp_path / "alt.csv"), 1, "missing-column")
        field, _, sources = mapped.partition("=")
        assert problem.message.startswith(f"no column {absent} for event field {field!r} ")
        assert f"alternatives {sources!r}" in problem.message
        assert "the header has 'id', 'time', 'who', 'res', 'action'" in problem.message

    def test_alternatives_whose_columns_are_all_in_the_header_read_as_before(self, tmp_path: Path) -> None:
        """Alternatives naming only columns the header has: the first with a value wins, then the
        constant; an empty cell of a present column is still an empty field."""
        data = b"id,time,who,res,action\n" + b"e1,2024-01-10T10:00:00+01:00,,b1,report\n"
        data += b"e2,2024-02-10T10:00:00+01:00,b2,,report\n" + b"e3,2024-03-10T10:00:00+01:00,,,report\n"
        read = _read(tmp_path, "alt.csv", data, fmap=FieldMap.parse(["actor=who|res|'police'"]))
        assert [(e.id, e.actor) for e in read if isinstance(e, Event)] == [("e1", "b1"), ("e2", "b2"), ("e3", "police")]
        read = _read(tmp_path, "alt.csv", data, fmap=FieldMap.parse(["actor=who|res"]))
        assert [type(r).__name__ for r in read] == ["Event", "Event", "Rejected"]
        assert cast(Rejected, read[2]).reason == "missing actor (column 'who|res')"

    def test_a_column_the_map_renames_or_splits_must_be_in_the_header(self, tmp_path: Path) -> None:
        """A map renaming a column to an attribute (``主题`` to ``topics``), or splitting one into
        a list, asks for that column: a misspelt one gave no record the attribute, silently, so a
        ``where`` on it held of none (a content rule then reported every meeting). Present, it
        reads as before."""
        data = "id,time,actor,action,主题,标签\n" + "e1,2024-01-10T10:00:00+01:00,b1,report,意识形态;党建,a;b\n"
        fmap = FieldMap(lists={"topics": ";", "tags": ";"}, attributes={"主题x": "topics", "标签": "labels"})
        with pytest.raises(EventLogError) as raised:
            _read(tmp_path, "log.csv", data.encode(), fmap=fmap)
        assert [(p.line, p.code) for p in raised.value.problems] == [(1, "missing-column")] * 2
        assert raised.value.problems[0].message.startswith(
            "no column '主题x' for attribute 'topics' (the map renames it;"
        )
        assert raised.value.problems[1].message.startswith("no column 'tags' for the list the map splits")
        fmap = FieldMap(lists={"topics": ";", "labels": ";"}, attributes={"主题": "topics", "标签": "labels"})
        (event,) = _read(tmp_path, "log.csv", data.encode(), fmap=fmap)
        assert isinstance(event, Event)
        assert event.attributes == {"topics": ["意识形态", "党建"], "labels": ["a", "b"]}

    def test_missing_required_values_name_their_columns(self, tmp_path: Path) -> None:
        data = b"id,time,actor,action\n" + b"a,,school,\n"
        (rejected,) = _read(tmp_path, "log.csv", data)
        assert isinstance(rejected, Rejected)
        assert rejected.reason == "missing time (column 'time'), action (column 'action')"


def _keyed_log(name: str, records: list[dict[str, str]]) -> bytes:
    """``records`` written as a JSON Lines, JSON array or XES log (every value a string)."""
    if name.endswith(".jsonl"):
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode()
    if name.endswith(".json"):
        return json.dumps(records, ensure_ascii=False).encode()
    xes = {"id": "identity:id", "time": "time:timestamp", "action": "concept:name"}  # the default map's keys
    events = "".join(
        "<event>" + "".join(f'<string key="{xes.get(k, k)}" value="{v}"/>' for k, v in r.items()) + "</event>"
        for r in records
    )
    return f'<log xmlns="http://www.xes-standard.org/"><trace>{events}</trace></log>'.encode()


_KEYED = {"id": "e1", "time": "2024-01-10T10:00:00+01:00", "res": "b1", "action": "report", "主题": "a;b"}


@pytest.mark.parametrize("name", ["log.jsonl", "log.json", "log.xes"])
def test_the_keys_the_map_names_that_no_record_holds_are_said(tmp_path: Path, name: str) -> None:
    """A JSON or XES log has no header, but read whole it shows which keys its records hold: a
    key the map names that none holds read as empty in every record, as a misspelt key does
    (``actor=rez|'police'`` gives every record the actor police). It is no error (an export may
    leave out a key it never fills): the records read as before, and each such key is said, as a
    ``missing-column`` problem, to the list given as ``unheld`` (none where none is given)."""
    data = _keyed_log(name, [_KEYED, {**_KEYED, "id": "e2"}])
    fmap = FieldMap(
        fields={"actor": "rez|'police'", "recipient": "to"}, attributes={"主题x": "topics"}, lists={"tags": ";"}
    )
    unheld: list[Any] = []
    read = _read(tmp_path, name, data, fmap=fmap, unheld=unheld)
    assert [(e.id, e.actor) for e in read if isinstance(e, Event)] == [("e1", "police"), ("e2", "police")]
    assert [(p.file, p.line, p.code) for p in unheld] == [(str(tmp_path / name), None, "missing-column")] * 4
    assert [p.message.partition(", which")[0] for p in unheld] == [
        "no record of the log holds key 'rez'",
        "no record of the log holds key 'to'",
        "no record of the log holds key '主题x'",
        "no record of the log holds key 'tags'",
    ]
    assert [p.message.partition("the map names ")[2].partition(":")[0] for p in unheld] == [
        "for event field 'actor'",
        "for event field 'recipient'",
        "for attribute 'topics'",
        "as a list to split",
    ]
    unheld = []
    _read(
        tmp_path,
        name,
        _keyed_log(name, [{**_KEYED, "rez": "b1", "to": "hq", "主题x": "a", "tags": "b"}]),
        fmap=fmap,
        unheld=unheld,
    )
    assert unheld == []


@pytest.mark.parametrize("name", ["log.jsonl", "log.json", "log.xes"])
def test_a_key_one_record_holds_is_an_empty_field_in_the_others(tmp_path: Path, name: str) -> None:
    """A JSON or XES record may leave a key out: where another record holds it, the key is no
    misspelling, and a record without it reads the next alternative, then the constant."""
    data = _keyed_log(name, [_KEYED, {"id": "e2", "time": "2024-01-11T10:00:00+01:00", "action": "report"}])
    fmap = FieldMap(fields={"actor": "res|'police'"}, attributes={"主题": "topics"}, lists={"topics": ";"})
    read = _read(tmp_path, name, data, fmap=fmap)
    assert [(e.id, e.actor, dict(e.attributes)) for e in read if isinstance(e, Event)] == [
        ("e1", "b1", {"topics": ["a", "b"]}),
        ("e2", "police", {}),
    ]


@pytest.mark.parametrize("name", ["log.jsonl", "log.json", "log.xes"])
def test_a_record_rejected_for_a_key_written_twice_still_holds_its_keys(tmp_path: Path, name: str) -> None:
    """A record rejected for writing a key twice holds the keys it writes: a key the map names
    that only it holds is not said to be held by no record (it was, wrongly, as a misspelt key)."""
    good = {"id": "e2", "time": "2024-01-11T10:00:00+01:00", "actor": "b1", "action": "report"}
    if name == "log.xes":
        events = [
            (
                '<event><string key="identity:id" value="{id}"/><string key="concept:name" value="{action}"/>'
                '<string key="org:resource" value="{actor}"/><date key="time:timestamp" value="{time}"/>'
            ).format(**record)
            + extra
            + "</event>"
            for record, extra in (
                ({**good, "id": "e1", "time": "2024-01-10T10:00:00+01:00"}, '<string key="to" value="hq"/>' * 2),
                (good, ""),
            )
        ]
        data = f'<log xmlns="http://www.xes-standard.org/"><trace>{"".join(events)}</trace></log>'.encode()
    else:
        first = '{"id": "e1", "time": "2024-01-10T10:00:00+01:00", "actor": "b1", "action": "report", "to": "hq", "to": "x"}'
        lines = [first, json.dumps(good)]
        data = ("\n".join(lines) + "\n" if name == "log.jsonl" else "[" + ",\n".join(lines) + "]").encode()
    unheld: list[Any] = []
    read = _read(tmp_path, name, data, fmap=FieldMap(fields={"recipient": "to"}), unheld=unheld)
    assert [(type(r).__name__, r.line) for r in read] == [("Rejected", 1), ("Event", 2)]
    assert "more than once" in cast(Rejected, read[0]).reason
    assert unheld == []


@pytest.mark.parametrize("name", ["log.jsonl", "log.json"])
@pytest.mark.parametrize("spoilt", ["NaN", "1e400", "9" * 4400])
def test_a_record_rejected_for_a_value_still_holds_its_keys(tmp_path: Path, name: str, spoilt: str) -> None:
    """A record rejected for a value JSON does not have, a number no float holds or an integer too
    long to read holds the keys it writes: a key the map names that only it holds is not said to
    be held by no record."""
    first = (
        '{"id": "e1", "time": "2024-01-10T10:00:00+01:00", "actor": "b1", "action": "report", "to": "hq", '
        f'"n": {spoilt}}}'
    )
    good = json.dumps({"id": "e2", "time": "2024-01-11T10:00:00+01:00", "actor": "b1", "action": "report"})
    data = ("\n".join([first, good]) + "\n" if name == "log.jsonl" else f"[{first},\n{good}]").encode()
    unheld: list[Any] = []
    read = _read(tmp_path, name, data, fmap=FieldMap(fields={"recipient": "to"}), unheld=unheld)
    assert [(type(r).__name__, r.line) for r in read] == [("Rejected", 1), ("Event", 2)]
    assert unheld == []


@pytest.mark.parametrize("name", ["log.jsonl", "log.json"])
@pytest.mark.parametrize(
    ("written", "held"), [('"to"', True), ('"\\u0074o"', True), ('"tox"', False), ('"xto"', False)]
)
def test_a_rejected_record_after_a_read_one_holds_the_keys_it_writes(
    tmp_path: Path, name: str, written: str, held: bool
) -> None:
    """After a record was read, a record rejected for a value is looked through for the keys
    still unheld: a key it writes, spelt out or escaped, is held; a key it only writes a part of
    is not."""
    good = json.dumps({"id": "e1", "time": "2024-01-10T10:00:00+01:00", "actor": "b1", "action": "report"})
    spoilt = (
        '{"id": "e2", "time": "2024-01-11T10:00:00+01:00", "actor": "b1", "action": "report", '
        f'{written}: "hq", "n": NaN}}'
    )
    data = ("\n".join([good, spoilt]) + "\n" if name == "log.jsonl" else f"[{good},\n{spoilt}]").encode()
    unheld: list[Any] = []
    read = _read(tmp_path, name, data, fmap=FieldMap(fields={"recipient": "to"}), unheld=unheld)
    assert [(type(r).__name__, r.line) for r in read] == [("Event", 1), ("Rejected", 2)]
    assert [(p.code, "'to'" in p.message) for p in unheld] == ([] if held else [("missing-column", True)])


def test_a_key_in_the_unread_part_of_a_log_is_not_said_missing(tmp_path: Path) -> None:
    """Where the reading of a JSON array stopped, the keys its unread records hold are unknown:
    the log is not said to lack one (the report says it was not read whole)."""
    data = b'[{"id": "e1", "time": "2024-01-10T10:00:00+01:00", "actor": "b1", "action": "report"} {"id": "e2"}]'
    unheld: list[Any] = []
    read = _read(tmp_path, "log.json", data, fmap=FieldMap(fields={"recipient": "to"}), unheld=unheld)
    assert [type(r).__name__ for r in read] == ["Event", "Rejected"]
    assert reading_stopped(cast(Rejected, read[1]).reason) is not None
    assert unheld == []


@pytest.mark.parametrize("name", ["log.jsonl", "log.json"])
def test_a_number_no_float_holds_rejects_its_record(tmp_path: Path, name: str) -> None:
    """``1e400`` is no number a float holds: ``json`` reads it as infinity, which JSON does not
    have, so its record is rejected as NaN's is. Before, an id written ``1e400`` became ``inf``
    (and ``2e400`` its duplicate), an attribute -infinity."""
    lines = [
        '{"id": 1e400, "time": "2024-01-16T14:00:00+01:00", "actor": "b1", "action": "report"}',
        '{"id": "e2", "time": "2024-01-16T14:00:00+01:00", "actor": "b1", "action": "report", "n": -1e400}',
        '{"id": "e3", "time": "2024-01-16T14:00:00+01:00", "actor": "b1", "action": "report", "n": 1.5e300}',
    ]
    text = "\n".join(lines) + "\n" if name == "log.jsonl" else "[" + ",\n".join(lines) + "]"
    read = _read(tmp_path, name, text.encode())
    assert [(type(r).__name__, r.line) for r in read] == [("Rejected", 1), ("Rejected", 2), ("Event", 3)]
    assert [cast(Rejected, r).reason for r in read[:2]] == [
        "invalid JSON: 1e400 is out of the range of a number",
        "invalid JSON: -1e400 is out of the range of a number",
    ]
    assert cast(Event, read[2]).attributes == {"n": 1.5e300}


@pytest.mark.parametrize("name", ["log.jsonl", "log.json"])
def test_an_integer_longer_than_python_reads_rejects_its_record_saying_the_limit(tmp_path: Path, name: str) -> None:
    """An integer of more digits than Python converts (4,300) rejects its record saying the limit,
    as a rule file's does, where it said Python's own words, which ask the reader to raise the
    limit with ``sys.set_int_max_str_digits()``; the records after it are read."""
    lines = [
        '{"id": %s, "time": "2024-01-16T14:00:00+01:00", "actor": "b1", "action": "report"}' % ("9" * 5000),
        '{"id": "e2", "time": "2024-01-16T14:00:00+01:00", "actor": "b1", "action": "report", "n": -%s}' % ("1" * 4301),
        '{"id": "e3", "time": "2024-01-16T14:00:00+01:00", "actor": "b1", "action": "report", "n": %s}' % ("7" * 4300),
    ]
    text = "\n".join(lines) + "\n" if name == "log.jsonl" else "[" + ",\n".join(lines) + "]"
    read = _read(tmp_path, name, text.encode())
    assert [(type(r).__name__, r.line) for r in read] == [("Rejected", 1), ("Rejected", 2), ("Event", 3)]
    assert [cast(Rejected, r).reason for r in read[:2]] == [
        "invalid JSON: expected a number of at most 4300 digits, got one of 5000",
        "invalid JSON: expected a number of at most 4300 digits, got one of 4301",
    ]


def test_a_carriage_return_inside_a_json_lines_record_does_not_end_it(tmp_path: Path) -> None:
    """A JSON Lines record ends at a line feed; a carriage return alone is JSON's whitespace.
    Before, a record holding one was read as two lines, both rejected as invalid JSON, and every
    later record numbered a line past the line an editor shows."""
    data = (
        b'{"id": "a1", "time": "2024-01-16T14:00:00+01:00", "actor": "b1",\r"action": "report"}\r\n'
        b'{"id": "a2", "time": "2024-01-17T14:00:00+01:00", "actor": "b2", "action": "report"}\n'
    )
    read = _read(tmp_path, "log.jsonl", data)
    assert [(type(r).__name__, r.id if isinstance(r, Event) else None, r.line) for r in read] == [
        ("Event", "a1", 1),
        ("Event", "a2", 2),
    ]


def test_a_json_lines_log_whose_records_end_at_carriage_returns_says_so(tmp_path: Path) -> None:
    """A log whose records end at carriage returns alone is one line: its one record is rejected,
    the reason saying that its values are separated by carriage returns where JSON Lines ends a
    record at a line feed (before, "invalid JSON: Extra data" alone), in the report's language."""
    record = '{"id": "a%d", "time": "2024-01-16T14:00:00+01:00", "actor": "b1", "action": "report"}'
    [rejected] = _read(tmp_path, "log.jsonl", ((record % 1) + "\r" + (record % 2) + "\r").encode())
    assert isinstance(rejected, Rejected) and rejected.line == 1
    assert rejected.reason.startswith("invalid JSON: Extra data; the line holds a carriage return between values")
    assert rejected.reason_in("zh").startswith("JSON 无效:Extra data;该行的值之间有回车符")
    [rejected] = _read(tmp_path, "log.jsonl", ((record % 1) + " " + (record % 2) + "\n").encode())
    assert isinstance(rejected, Rejected) and rejected.reason == "invalid JSON: Extra data"
    # so long a log that its one line is longer than a record may be: said too
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(events_module, "MAX_RECORD_CHARS", 150)
        [rejected] = _read(tmp_path, "log.jsonl", "".join(record % i + "\r" for i in range(3)).encode())
    assert isinstance(rejected, Rejected) and rejected.reason.startswith(
        "record longer than 150 characters; the line holds carriage returns"
    )


@pytest.mark.parametrize("name", ["log.jsonl", "log.csv"])
@pytest.mark.parametrize("space", ["\u3000", "\u00a0", "\u2028", "\u0085", "\x1c"])
def test_a_line_of_space_other_than_jsons_is_a_record(tmp_path: Path, name: str, space: str) -> None:
    """Only a line of JSON's whitespace (space, tab, carriage return) is blank; a line of an
    ideographic space, a no-break space or a Unicode line separator is a record, rejected at its
    line. Before, such a line was dropped without a word: nothing in the report accounted for it."""
    good = {"id": "e1", "time": "2024-01-16T14:00:00+01:00", "actor": "b1", "action": "report"}
    if name == "log.csv":
        text = "id,time,actor,action\n" + ",".join(good.values()) + "\n \t\n" + space + "\n"
    else:
        text = json.dumps(good) + "\n \t\n" + space + "\n"
    read = _read(tmp_path, name, text.encode())
    first = 2 if name == "log.csv" else 1
    assert [(type(r).__name__, r.line) for r in read] == [("Event", first), ("Rejected", first + 2)]


def test_a_csv_log_whose_header_is_comma_separated_is_read_so(tmp_path: Path) -> None:
    """The delimiter is read from the header line: a cell of tabs further down no longer turned a
    comma-separated log into a tab-separated one (exit 2, "no column for event field 'time'").
    A header with more tabs than commas is tab-separated, as a .tsv log is."""
    data = 'id,time,actor,action,note\ne1,2024-01-16T14:00:00+01:00,b1,report,"' + "\t" * 30 + '"\n'
    [event] = _read(tmp_path, "log.csv", data.encode())
    assert isinstance(event, Event) and (event.id, event.actor, event.attributes["note"]) == ("e1", "b1", "\t" * 30)
    data = "id\ttime\tactor\taction\tnote\ne1\t2024-01-16T14:00:00+01:00\tb1\treport\ta, b, c, d, e\n"
    [event] = _read(tmp_path, "log.csv", data.encode())
    assert isinstance(event, Event) and (event.id, event.attributes["note"]) == ("e1", "a, b, c, d, e")
    # a quote inside a name opens nothing (as the csv module reads it): the cell of tabs below is no delimiter
    data = 'id,time,actor,action,width"\ne1,2024-01-16T14:00:00+01:00,b1,report,"a\tb\tc\td\te\tf"\n'
    [event] = _read(tmp_path, "log.csv", data.encode())
    assert isinstance(event, Event) and event.attributes == {'width"': "a\tb\tc\td\te\tf"}
    # commas in a quoted name, or a line break, are no delimiters
    head = 'id\t"time (local, ISO, with offset,\ne.g. +01:00)"\tactor\taction\n'
    data = head + "e1\t2024-01-16T14:00:00+01:00\tb1\treport\n"
    fmap = FieldMap(fields={"time": "time (local, ISO, with offset,\ne.g. +01:00)"})
    [event] = _read(tmp_path, "log.csv", data.encode(), fmap=fmap)
    assert isinstance(event, Event) and (event.id, event.actor) == ("e1", "b1")


@pytest.mark.parametrize(
    ("header", "delimiter"),
    [
        ("id;time;actor;action;note", ";"),  # a spreadsheet's export where a comma is the decimal sign
        ("id|time|actor|action|note", "|"),
        ('"id";"time";"actor";"action";"note, free text"', ";"),  # a comma in a quoted name
        ("id;Datum, Uhrzeit;actor;action;note", ";"),  # an unquoted one: more semicolons than commas
        ('id,time,actor,action,"note; a;b"', ","),  # semicolons in a quoted name
        ("id,time,actor,action,note;x", ","),  # more commas than semicolons
        ("id;time;actor;action;a|b|c", ";"),
        ("id,time,actor,action,n;o;t;e;s", ","),  # a tie: the first of comma, tab, semicolon, bar
        ("id\ttime\tactor\taction\tnote;x", "\t"),
    ],
)
def test_a_csv_logs_delimiter_is_the_one_its_header_holds_most(tmp_path: Path, header: str, delimiter: str) -> None:
    """A semicolon-separated log (the default export of spreadsheets in Germany, France and Italy)
    had its header read as one column, and every column was said missing without a hint. The
    delimiter is the one of comma, tab, semicolon and bar that the header line holds most often
    outside its quoted names, a tie going to the first; a log named .tsv is tab-separated."""
    cells = ["e1", "2024-03-01 09:00", "b1", "report", "x"]
    names = next(csv.reader([header], delimiter=delimiter))
    time_column = names[1]
    fmap = FieldMap.parse([f"time={time_column}"]) if time_column != "time" else None
    data = header + "\n" + delimiter.join(cells) + "\n"
    [event] = _read(tmp_path, "log.csv", data.encode(), fmap=fmap)
    assert isinstance(event, Event)
    assert (event.id, event.time, event.actor, event.action) == (
        "e1",
        datetime(2024, 3, 1, 8, tzinfo=UTC),
        "b1",
        "report",
    )
    assert dict(event.attributes) == {names[4]: "x"}
    if delimiter != "\t":  # named .tsv, a log is tab-separated whatever its header holds
        with pytest.raises(EventLogError) as raised:
            _read(tmp_path, "log.tsv", data.encode(), fmap=fmap)
        codes = [p.code for p in raised.value.problems]  # the first says the delimiter it splits on
        assert codes[0] == "delimiter" and set(codes[1:]) == {"missing-column"}


@pytest.mark.parametrize(
    "header",
    [
        "id,time,actor,action,checks;a;b;c;d;e",  # a comma-separated export naming a column with semicolons
        "id\ttime\tactor\taction\tnote (a;b;c;d;e)",  # a tab-separated one not named .tsv
        "id,time,actor,action,a|b|c|d|e",
    ],
)
def test_a_delimiter_held_less_often_is_taken_where_only_it_gives_the_columns(tmp_path: Path, header: str) -> None:
    """The header holds more semicolons (or bars) in a column's name than commas or tabs between
    its columns: split on those, it lacks the columns asked for, and the log was refused; the
    delimiter it splits on into every column asked for is taken, as before the sniff counted
    semicolons and bars."""
    delimiter = "\t" if "\t" in header else ","
    data = header + "\n" + delimiter.join(["e1", "2024-03-01 09:00", "b1", "report", "n"]) + "\n"
    [event] = _read(tmp_path, "log.csv", data.encode())
    assert isinstance(event, Event)
    assert (event.id, event.actor, event.action, dict(event.attributes)) == (
        "e1",
        "b1",
        "report",
        {header.split(delimiter)[4]: "n"},
    )


def test_a_control_character_is_found_in_a_row_read_through_a_map_with_a_constant(tmp_path: Path) -> None:
    """A row read a cell at a time (a batch holding a quote goes the csv module's way) through a
    map with a constant or alternatives: a control character in its actor rejects it. The search
    of the row's cells was made of the last field's text instead (a blank recipient), and the
    event was kept with a BEL for its actor."""
    data = 'id,recipient,time,actor\ne1, ,2024-03-01T09:00:00+01:00,\x07\ne2,"hq",2024-03-01T09:00:00+01:00,b1\n'
    read = _read(tmp_path, "log.csv", data.encode(), fmap=FieldMap.parse(["action='report'"]))
    assert [(type(r).__name__, r.line) for r in read] == [("Rejected", 2), ("Event", 3)]
    assert cast(Rejected, read[0]).reason == "field 'actor' contains control characters"


def test_a_missing_column_is_said_beside_the_headers_names_each_quoted(tmp_path: Path) -> None:
    """The header's names are said quoted, so a name holding a comma stays one name: ``'Datum,
    Uhrzeit'``, not ``Datum, Uhrzeit``, which read as two names, one of them perhaps the column
    said missing."""
    data = b"Datum, Uhrzeit;actor;action\n2024-03-01T09:00:00+01:00;b1;report\n"
    with pytest.raises(EventLogError) as raised:
        _read(tmp_path, "log.csv", data)
    [problem] = [p for p in raised.value.problems if p.code == "missing-column"]
    assert problem.message == (
        "no column for event field 'time' (looked for 'time'; the header has 'Datum, Uhrzeit', 'actor', "
        "'action'); map one with --map time=COLUMN"
    )


def test_a_delimiter_given_separates_the_columns_whatever_the_name_or_header(tmp_path: Path) -> None:
    """``delimiter`` (a map file's) says what separates a CSV log's columns, over its name (.tsv)
    and what its header holds most; it is one character that can separate columns, or refused.
    Other formats have none and do not use it."""
    data = b"id;time;actor;action;note\ne1;2024-03-01T09:00:00+01:00;b1;report;a,b,c,d,e\n"
    for name in ("log.tsv", "log.csv"):
        [event] = _read(tmp_path, name, data, delimiter=";")
        assert isinstance(event, Event) and (event.id, dict(event.attributes)) == ("e1", {"note": "a,b,c,d,e"})
    data = b"id,time,actor,action,a;b;c;d;e;f\ne1,2024-03-01T09:00:00+01:00,b1,report,x\n"  # more ; than ,
    for stated in (None, ","):  # sniffed, it is the delimiter that gives the columns asked for
        [event] = _read(tmp_path, "log.csv", data, delimiter=stated)
        assert isinstance(event, Event) and (event.action, dict(event.attributes)) == ("report", {"a;b;c;d;e;f": "x"})
    with pytest.raises(EventLogError):  # given, it is used
        _read(tmp_path, "log.csv", data, delimiter=";")
    [event] = _read(
        tmp_path, "log.jsonl", b'{"id": "e1", "time": "2024-03-01", "actor": "b1", "action": "r"}\n', delimiter=";"
    )
    assert isinstance(event, Event) and event.id == "e1"
    for bad in ("", ";;", '"', "\n", " ", "a", "7"):
        with pytest.raises(InvalidArgument, match=r"^expected one character that separates the columns of a CSV log"):
            read_events(tmp_path / "log.csv", tz=ROME, delimiter=bad)


@pytest.mark.parametrize(
    ("header", "given", "hint", "candidate"),
    [
        # split on another delimiter, the header holds every column asked for
        (
            "id;time;actor;action",
            ",",
            "split on ';' rather than ',', the header would hold every column asked for",
            ";",
        ),
        ("id|time|actor|action", "\t", "split on '|' rather than '\\t', the header would hold every column", "|"),
        # it does not, but reads as one column: which delimiter it holds
        ("id;Zeit;Akteur;Aktion", ",", "the header, split on ',', reads as one column, and it holds ';' outside", ";"),
        ("id;Zeit;Akteur|Aktion", ",", "the header, split on ',', reads as one column, and it holds ';' outside", ";"),
        # several columns, none fitting on another delimiter: misspelt, not mis-split
        ("id,Zeit,actor,action,note;x", None, None, None),
        ("id;Zeit;Akteur;Aktion", None, None, None),
    ],
)
def test_a_header_lacking_columns_says_the_delimiter_it_may_be_separated_by(
    tmp_path: Path, header: str, given: str | None, hint: str | None, candidate: str | None
) -> None:
    """A header read as one column, every column then said missing, gave no hint that the log is
    separated by another delimiter. Where the header line holds another delimiter outside quoted
    names on which it splits into every column asked for, or where it reads as one column and
    holds one, a first problem (``delimiter``) says which, and how to give it in the map file;
    the missing columns follow it."""
    data = (header + "\n").encode()
    with pytest.raises(EventLogError) as raised:
        _read(tmp_path, "log.csv", data, delimiter=given)
    codes = [p.code for p in raised.value.problems]
    if hint is None:
        assert set(codes) == {"missing-column"}
        return
    assert codes[0] == "delimiter" and set(codes[1:]) == {"missing-column"}
    first = raised.value.problems[0]
    assert (first.file, first.line) == (str(tmp_path / "log.csv"), 1)
    assert first.message.startswith(hint)
    written = '"\\t"' if candidate == "\t" else repr(candidate)
    assert first.message.endswith(f"if {candidate!r} separates its columns, write delimiter: {written} in the map file")


@pytest.mark.parametrize("name", ["log.csv", "log.jsonl", "log.json"])
def test_a_blank_value_gives_way_to_the_next_alternative(tmp_path: Path, name: str) -> None:
    """ "The first with a value wins": a cell or value of blanks has none, so the next alternative,
    or the constant, is read. Before, a blank actor beside ``actor=actor|'b9'`` rejected the
    record as missing its actor. Alone, a blank field is still missing."""
    rows = [("e1", " "), ("e2", "b1")]
    if name == "log.csv":
        data = "id,time,actor,action\n" + "".join(f"{i},2024-01-16T14:00:00+01:00,{a},report\n" for i, a in rows)
    else:
        records = [{"id": i, "time": "2024-01-16T14:00:00+01:00", "actor": a, "action": "report"} for i, a in rows]
        data = "".join(json.dumps(r) + "\n" for r in records) if name == "log.jsonl" else json.dumps(records)
    read = _read(tmp_path, name, data.encode(), fmap=FieldMap.parse(["actor=actor|'b9'"]))
    assert [(r.id, r.actor) for r in read if isinstance(r, Event)] == [("e1", "b9"), ("e2", "b1")]
    read = _read(tmp_path, name, data.encode())
    assert [type(r).__name__ for r in read] == ["Rejected", "Event"]
    assert cast(Rejected, read[0]).reason.startswith("missing actor")


def test_undecodable_bytes_in_json_lines_reject_that_record(tmp_path: Path) -> None:
    good = b'{"id": "a", "time": "2024-03-01T09:00:00+01:00", "actor": "school", "action": "report"}\n'
    bad = b'{"id": "b", "time": "2024-03-01T09:00:00+01:00", "actor": "sch\xff", "action": "report"}\n'
    records = _read(tmp_path, "log.jsonl", good + bad)
    assert isinstance(records[0], Event)
    assert isinstance(records[1], Rejected) and records[1].line == 2 and "not valid utf-8-sig" in records[1].reason


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32"])
@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("log.csv", "id,time,actor,action\ne1,2024-03-01T09:00:00+01:00,school,report\n"),
        ("log.jsonl", '{"id": "e1", "time": "2024-03-01T09:00:00+01:00", "actor": "school", "action": "report"}\n'),
        ("log.json", '[{"id": "e1", "time": "2024-03-01T09:00:00+01:00", "actor": "school", "action": "report"}]\n'),
    ],
)
def test_a_log_with_a_utf16_or_utf32_byte_order_mark_asks_for_its_encoding(
    tmp_path: Path, encoding: str, name: str, text: str
) -> None:
    """A log saved as UTF-16 (a spreadsheet's "Unicode text") read as UTF-8 was a header of
    undecodable bytes ('the header has \\udcff\\udcfei d'), and a JSON log's every record invalid
    JSON: its byte order mark names the encoding to give; given it, the log reads."""
    data = text.encode(encoding)
    with pytest.raises(EventLogError) as raised:
        _read(tmp_path, name, data)
    [problem] = raised.value.problems
    assert (problem.line, problem.code) == (1, "bad-encoding")
    assert problem.message == f"the log starts with a {encoding} byte order mark: read it with --encoding {encoding}"
    assert [e.id for e in _read(tmp_path, name, data, encoding=encoding) if isinstance(e, Event)] == ["e1"]


_LOGS = [
    ("log.csv", "id,time,actor,action\ne1,2024-03-01T09:00:00+01:00,school,report\n"),
    ("log.jsonl", '{"id": "e1", "time": "2024-03-01T09:00:00+01:00", "actor": "school", "action": "report"}\n'),
    ("log.json", '[{"id": "e1", "time": "2024-03-01T09:00:00+01:00", "actor": "school", "action": "report"}]\n'),
]
_MARKED = {  # a log's text as bytes after the byte order mark of an encoding
    "utf-8": lambda text: codecs.BOM_UTF8 + text.encode("utf-8"),
    "utf-16": lambda text: codecs.BOM_UTF16_LE + text.encode("utf-16-le"),
    "utf-16be": lambda text: codecs.BOM_UTF16_BE + text.encode("utf-16-be"),
    "utf-32": lambda text: codecs.BOM_UTF32_BE + text.encode("utf-32-be"),
    "gb18030": lambda text: ("\ufeff" + text).encode("gb18030"),  # the mark is 84 31 95 33
}


@pytest.mark.parametrize(("name", "text"), _LOGS)
@pytest.mark.parametrize(
    ("marked", "given", "asked"),
    [
        ("utf-8", "gb18030", "utf-8"),  # the mark read as 锘 and the first column as 縤d
        ("utf-8", "latin-1", "utf-8"),
        ("utf-8", "cp1252", "utf-8"),
        ("utf-8", "utf-16-le", "utf-8"),
        ("utf-16", "latin-1", "utf-16"),
        ("utf-16", "gb18030", "utf-16"),
        ("utf-16be", "utf-16-le", "utf-16"),
        ("utf-32", "utf-16", "utf-32"),
        ("gb18030", "utf-8", "gb18030"),
        ("gb18030", "gbk", "gb18030"),
    ],
)
def test_a_byte_order_mark_the_encoding_given_does_not_read_is_refused(
    tmp_path: Path, name: str, text: str, marked: str, given: str, asked: str
) -> None:
    """A log that starts with a byte order mark is in that mark's encoding: read in another
    encoding given (``--encoding gb18030`` for a UTF-8 export), the mark became text in the first
    header cell (``锘縤d``), so the id column went unmapped and duplicate ids unseen (exit 0), or
    the first record was rejected. It is refused, naming the mark and the encoding given."""
    path = tmp_path / name
    with pytest.raises(EventLogError) as raised:
        _read(tmp_path, name, _MARKED[marked](text), encoding=given)
    [problem] = raised.value.problems
    assert (problem.file, problem.line, problem.code) == (str(path), 1, "bad-encoding")
    assert problem.message == (
        f"the log starts with a {asked} byte order mark, but the encoding given is {given}: "
        f"read it with --encoding {asked}"
    )


@pytest.mark.parametrize(("name", "text"), _LOGS)
def test_a_gb18030_byte_order_mark_read_by_default_asks_for_its_encoding(tmp_path: Path, name: str, text: str) -> None:
    """A GB18030 mark read as UTF-8 (no encoding given) was undecodable bytes in the first
    header cell or the first record: it names the encoding to give."""
    with pytest.raises(EventLogError) as raised:
        _read(tmp_path, name, _MARKED["gb18030"](text))
    [problem] = raised.value.problems
    assert (problem.line, problem.code) == (1, "bad-encoding")
    assert problem.message == "the log starts with a gb18030 byte order mark: read it with --encoding gb18030"


@pytest.mark.parametrize(("name", "text"), _LOGS)
@pytest.mark.parametrize(
    ("marked", "given"),
    [
        ("utf-8", "utf-8-sig"),
        ("utf-8", "utf-8"),  # keeps the mark as a character: dropped, in a JSON log too
        ("utf-8", "UTF8"),
        ("utf-16", "utf-16"),
        ("utf-16", "utf-16-le"),
        ("utf-16be", "utf-16"),
        ("utf-32", "utf-32"),
        ("gb18030", "gb18030"),
    ],
)
def test_a_byte_order_mark_the_encoding_given_reads_is_dropped(
    tmp_path: Path, name: str, text: str, marked: str, given: str
) -> None:
    """A log whose mark the encoding given reads as a mark: the mark is no text of the log, so
    the first column is ``id`` and the first record reads (a JSON log read as ``utf-8`` lost its
    first record to 'Unexpected UTF-8 BOM')."""
    read = _read(tmp_path, name, _MARKED[marked](text), encoding=given)
    assert [(type(r).__name__, r.line) for r in read] == [
        ("Event", 1 if name == "log.json" else 1 + (name == "log.csv"))
    ]
    assert cast(Event, read[0]).id == "e1"


@pytest.mark.parametrize(("name", "text"), _LOGS)
@pytest.mark.parametrize(("marked", "given"), [("utf-8", "utf-8"), ("utf-8", "utf-8-sig"), ("utf-16", "utf-8-sig")])
def test_a_byte_order_mark_arriving_in_parts_through_a_pipe_is_seen(
    tmp_path: Path, name: str, text: str, marked: str, given: str
) -> None:
    """A mark read from a pipe whose writer sends its first byte alone: the bytes the mark needs
    are waited for, so the mark is dropped or refused as in a file, not read as text. A CSV log
    is read from a pipe too (`--events /dev/stdin`): its first lines, sampled for the delimiter,
    are read again from a list, where a file is read again by seeking (a pipe could not be)."""
    data = _MARKED[marked](text)
    read_end, write_end = os.pipe()

    def send() -> None:
        with os.fdopen(write_end, "wb", buffering=0) as pipe:
            pipe.write(data[:1])
            time.sleep(0.2)
            pipe.write(data[1:])

    sender = threading.Thread(target=send)
    sender.start()
    try:
        fmt = {"log.csv": "csv", "log.jsonl": "jsonl", "log.json": "json"}[name]
        if marked == "utf-16":
            with pytest.raises(EventLogError) as refused:
                list(read_events(f"/dev/fd/{read_end}", tz=ROME, fmt=fmt, encoding=given))
            assert [(p.code, p.line) for p in refused.value.problems] == [("bad-encoding", 1)]
            assert "--encoding utf-16" in refused.value.problems[0].message
        else:
            read = list(read_events(f"/dev/fd/{read_end}", tz=ROME, fmt=fmt, encoding=given))
            assert [(type(r).__name__, getattr(r, "id", None)) for r in read] == [("Event", "e1")]
    finally:
        sender.join()
        os.close(read_end)


def test_malformed_xes_is_a_record_numbered_as_the_events_are(tmp_path: Path) -> None:
    """An XES log's records are numbered as its events are (the n-th event); the malformed XML
    that stops the reading is the record after the last one read, not an XML line number among
    record numbers; the XML line and column are in the reason."""
    event = (
        '<event><string key="concept:name" value="report"/><string key="org:resource" value="school"/>'
        '<date key="time:timestamp" value="2024-03-01T09:00:00+01:00"/></event>\n'
    )
    data = ('<?xml version="1.0"?>\n<log>\n<trace>\n' + event * 2 + "<event><string key=").encode()
    records = _read(tmp_path, "log.xes", data)
    assert [r.line for r in records] == [1, 2, 3]
    rejected = records[-1]
    assert isinstance(rejected, Rejected)
    assert rejected.reason.startswith("malformed XES (XML) after record 2: ") and "line 6" in rejected.reason


@pytest.mark.parametrize("name", ["log.jsonl", "log.json"])
def test_a_json_record_that_is_no_object_is_said_as_json_writes_it(tmp_path: Path, name: str) -> None:
    """A record that is no JSON object (an array, a number, a string, null, true) is rejected
    showing it as JSON writes it, cut short where long, in any language: it was named by Python's
    type (``list``, ``NoneType``, ``str``)."""
    values = ['[{"id": "a"}]', "5", '"x"', "null", "true", "[" + ", ".join(['"abcdefgh"'] * 8) + "]"]
    text = "\n".join(values) + "\n" if name == "log.jsonl" else "[" + ",\n".join(values) + "]"
    read = _read(tmp_path, name, text.encode())
    assert all(isinstance(r, Rejected) for r in read)
    shown = ['[{"id": "a"}]', "5", '"x"', "null", "true", '["abcdefgh", "abcdefgh", "abcdefgh", "ab…']
    assert [cast(Rejected, r).reason for r in read] == [f"expected a JSON object, got {s}" for s in shown]
    assert cast(Rejected, read[3]).reason_in("zh") == "应为 JSON 对象,实为 null"


def test_a_json_field_holding_a_list_or_an_object_rejects_its_record(tmp_path: Path) -> None:
    """``"actor": ["u1"]`` names no actor (it was read as the text ``['u1']``): the record is
    rejected naming the field; a number is still read as its text."""
    line = '{"id": "%s", "time": "2024-03-01T09:00:00+01:00", "actor": %s, "action": "report"}\n'
    data = "".join(line % (i, actor) for i, actor in (("a", '["u1"]'), ("b", '{"id": "u1"}'), ("c", "7"))).encode()
    records = _read(tmp_path, "log.jsonl", data)
    assert [(r.line, r.reason, r.record_id) for r in records if isinstance(r, Rejected)] == [
        (1, "field 'actor' (key 'actor') holds a list; expected a text or a number", "a"),
        (2, "field 'actor' (key 'actor') holds an object; expected a text or a number", "b"),
    ]
    assert [(e.id, e.actor) for e in records if isinstance(e, Event)] == [("c", "7")]


@pytest.mark.parametrize("name", ["log.jsonl", "log.json", "log.xes"])
def test_a_field_holding_true_or_false_rejects_its_record_as_no_text(tmp_path: Path, name: str) -> None:
    """A JSON or XES boolean in an event field (``"action": true``) was read as Python writes it,
    the text ``True``: it is neither a text nor a number, and its record is rejected for that, as
    a list is, saying the value as the log writes it; in an attribute it stays a boolean."""
    actor = "org:resource" if name == "log.xes" else "actor"
    records: list[dict[str, Any]] = [
        {"id": "a", "time": "2024-03-01T09:00:00+01:00", actor: "b1", "action": True},
        {"id": "b", "time": "2024-03-01T09:00:00+01:00", actor: "b1", "action": "report", "ref": False},
        {"id": "c", "time": "2024-03-01T09:00:00+01:00", actor: "b1", "action": "report", "done": True},
    ]
    if name == "log.xes":
        xes = {"id": "identity:id", "time": "time:timestamp", "action": "concept:name"}
        events = "".join(
            "<event>"
            + "".join(
                f'<boolean key="{xes.get(k, k)}" value="{str(v).lower()}"/>'
                if isinstance(v, bool)
                else f'<string key="{xes.get(k, k)}" value="{v}"/>'
                for k, v in r.items()
            )
            + "</event>"
            for r in records
        )
        data = f'<log xmlns="http://www.xes-standard.org/"><trace>{events}</trace></log>'.encode()
    else:
        data = _keyed_log(name, records)
    read = _read(tmp_path, name, data)
    key = "concept:name" if name == "log.xes" else "action"
    assert [(r.line, r.record_id, r.reason) for r in read if isinstance(r, Rejected)] == [
        (1, "a", f"field 'action' (key {key!r}) holds a boolean (true); expected a text or a number"),
        (2, "b", "field 'ref' (key 'ref') holds a boolean (false); expected a text or a number"),
    ]
    assert [(e.id, dict(e.attributes)) for e in read if isinstance(e, Event)] == [("c", {"done": True})]
    said = cast(Rejected, read[0]).reason_in("zh")
    assert said == f"字段 'action'(键 {key!r})的值是布尔值(true);应为文本或数字"


def test_attributes_of_a_string_is_refused(tmp_path: Path) -> None:
    """``attributes_of="report"`` was read as the actions 'r', 'e', 'p', 'o' and 't' (a string is
    an iterable of its characters), so every event came without its attributes: it is refused,
    as ``check(actors="b1")`` is."""
    data = b"id,time,actor,action,note\ne1,2024-03-01T09:00:00+01:00,b1,report,hi\n"
    [event] = _read(tmp_path, "log.csv", data, attributes_of=["report"])
    assert isinstance(event, Event) and event.attributes == {"note": "hi"}
    with pytest.raises(
        InvalidArgument, match=r"^expected 'attributes_of' as a collection of action names, got the string 'report'$"
    ):
        read_events(tmp_path / "log.csv", tz=ROME, attributes_of="report")


_TWICE = [
    # (record, rejected): a key written twice at the top, nested, or with space before its colon
    ('"actor": "school", "action": "report", "actor": "office"', "the key 'actor'"),
    ('"actor": "school", "action": "report", "attributes": {"k": 1, "k": 2}', "the key 'k'"),
    ('"actor": "school", "action" : "report", "action" :"post"', "the key 'action'"),
    ('"actor": "school", "action": "report", "note": "\\"x\\": y", "tags": [{"a": 1}, {"a": 2}]', None),
    ('"actor": "school", "action": "report", "attributes": {"action": "nested"}', None),
    ('"actor": "a", "action": "r", "actor": "b", "action": "s", "actor": "c"', "the keys 'actor', 'action'"),
]


@pytest.mark.parametrize("in_c", [True, False])
@pytest.mark.parametrize("kind", ["jsonl", "json"])
def test_a_json_record_writing_a_key_twice_is_rejected_naming_the_key(
    tmp_path: Path, kind: str, in_c: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A JSON object that writes a key twice does not say which value counts (a decoder keeps the
    last): its record is rejected, naming the key, and the records around it are read. A key and
    its colon may be apart, a text may hold quotes and colons, and an attribute may share a
    field's name."""
    if not in_c:
        monkeypatch.setattr(events_module, "_speedups", None)
    records = [f'{{"id": "e{i}", "time": "2024-03-01T09:00:00+01:00", {body}}}' for i, (body, _) in enumerate(_TWICE)]
    text = "\n".join(records) if kind == "jsonl" else "[" + ",\n".join(records) + "]"
    read = _read(tmp_path, f"log.{kind}", text.encode())
    assert [(r.line, r.reason) for r in read if isinstance(r, Rejected)] == [
        (i + 1, f"an object writes {key} more than once; JSON does not say which of the values counts")
        for i, (_, key) in enumerate(_TWICE)
        if key is not None
    ]
    assert [(e.id, e.actor, e.action) for e in read if isinstance(e, Event)] == [
        ("e3", "school", "report"),
        ("e4", "school", "report"),
    ]


def _json_text(draw: st.DrawFn, depth: int = 0) -> str:
    """A JSON value written with white space of every kind around its colons and commas, its
    objects' keys drawn from few names (so that some repeat), and texts holding quotes,
    backslashes and colons, and characters of one, two and four bytes (a two-byte character
    holding the byte of a quote among them)."""
    space = st.sampled_from(["", " ", "\t", "\n", "\r\n  "])
    texts = st.sampled_from(
        ['"a"', '"b"', '"a\\"b"', '"\\\\"', '":"', '"x\\": 1"', '"\\u0061"', '"中\\"文"', '"\u2222"', '"😀\\\\"']
    )
    kind = draw(st.sampled_from(["scalar", "list", "object"] if depth < 3 else ["scalar"]))
    if kind == "scalar":
        return draw(st.one_of(texts, st.sampled_from(["1", "true", "null", "-2.5e3"])))
    if kind == "list":
        items = [_json_text(draw, depth + 1) for _ in range(draw(st.integers(0, 3)))]
        return "[" + ",".join(draw(space) + item + draw(space) for item in items) + "]"
    pairs = [
        draw(space) + draw(texts) + draw(space) + ":" + draw(space) + _json_text(draw, depth + 1)
        for _ in range(draw(st.integers(0, 4)))
    ]
    return "{" + ",".join(pairs) + "}"


@given(st.lists(st.composite(_json_text)(), min_size=1, max_size=4))
def test_keys_written_twice_are_found_in_c_as_in_python_as_json_finds_them(texts: list[str]) -> None:
    """`_keys_kept` (in C, and in Python without the C module) is False exactly where `json`,
    reading each text, meets an object writing a key twice; ``\\u0061`` and ``a`` are one key."""
    repeated: list[str] = []
    values = [json.loads(text, object_pairs_hook=events_module._KeyPairs(repeated)) for text in texts]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(events_module, "_speedups", None)
        in_python = events_module._keys_kept(texts, values)
    assert events_module._keys_kept(texts, values) == in_python == (not repeated)


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
    by_row = builder.row_reader(header)(list(row), 2, "".join(row))
    by_record = builder.build(dict(zip(header, row, strict=True)), 2)
    assert by_row == by_record


_OPTIONAL = ["id", "recipient", "subject", "ref", "period", "note", "tags"]
_TIMES = [
    "2024-03-01T09:00:00+01:00",
    "2024-03-01T08:00:00Z",
    "2024-10-27T02:30:00",
    "2024-03-31T02:30:00",
    "2024-03-01",
    "2024-03-01T09:00:00.250+01:00",
    "0001-01-01T00:30:00+01:00",  # read at its offset, though it could not be moved to UTC
    "9999-12-31T23:30:00-01:00",
]
_RARE = st.sampled_from(["", " ", "soon", "\x07", "\udcb9"])  # makes a batch be read row by row


@st.composite
def _batches(draw: st.DrawFn) -> tuple[list[str], list[list[str]]]:
    header = draw(
        st.permutations(["time", "actor", "action", *draw(st.lists(st.sampled_from(_OPTIONAL), unique=True))])
    )
    one_time = st.just(draw(st.sampled_from(_TIMES)))  # every time at one offset, now and then
    cells = {
        "time": one_time if draw(st.booleans()) else st.sampled_from(_TIMES),
        "actor": st.sampled_from(["school", " office "]),
        "action": st.sampled_from(["report", "review"]),
    }
    other = st.sampled_from(["", "x", " y ", "a;b", "e1"])
    row = st.tuples(*(cells.get(column, other) for column in header)).map(list)
    rows = draw(st.lists(row, min_size=1, max_size=12))
    if draw(st.booleans()):  # now and then, one cell that only the row-by-row reading handles
        i, j = draw(st.integers(0, len(rows) - 1)), draw(st.integers(0, len(header) - 1))
        rows[i][j] = draw(_RARE)
    return header, rows


@given(batch=_batches(), mapped=st.sampled_from([[], [], ["actor=actor|recipient"], ["action='report'"]]))
def test_csv_batches_read_as_the_same_records(batch: tuple[list[str], list[list[str]]], mapped: list[str]) -> None:
    """A batch of rows gives what reading each row alone gives: the same events, rejections,
    lines and sequence numbers, whether the batch is made column by column or row by row."""
    header, rows = batch
    builder = _Builder(FieldMap.parse(mapped, FieldMap(lists={"tags": ";"})), ROME, "log.csv", {})
    lines = [3 + 2 * i for i in range(len(rows))]
    one = builder.row_reader(header)
    alone = [one(list(row), line, "".join(row)) for row, line in zip(rows, lines, strict=True)]
    batch_read = builder.rows_reader(header)([list(r) for r in rows], ["".join(r) for r in rows], lines)
    assert batch_read == alone
    assert [e.time.utcoffset() for e in batch_read if isinstance(e, Event)] == [
        e.time.utcoffset() for e in alone if isinstance(e, Event)
    ]
    # one offset object per offset, shared by every event at it
    times = [e.time for e in batch_read if isinstance(e, Event)]
    assert len({id(t.tzinfo) for t in times}) == len({t.utcoffset() for t in times})


def _batch_made(
    header: list[str],
    rows: list[list[str]],
    in_c: bool,
    mapped: list[str] | tuple[str, ...] = (),
    start_seq: int = 0,
    attributes_of: frozenset[str] | None = None,
) -> list[Event | Rejected]:
    """What a new reader makes of ``rows`` as one CSV batch, with or without the C module."""
    fmap = FieldMap.parse(mapped, FieldMap(lists={"tags": ";"}))
    builder = _Builder(fmap, ROME, "logs/log.csv", {}, "utf-8", start_seq, attributes_of)
    lines = [3 + 2 * i for i in range(len(rows))]
    with pytest.MonkeyPatch.context() as patch:
        if not in_c:
            patch.setattr(events_module, "_speedups", None)
        return builder.rows_reader(header)([list(r) for r in rows], ["".join(r) for r in rows], lines)


def _same_events(a: list[Event | Rejected], b: list[Event | Rejected]) -> None:
    """``a`` and ``b`` hold the same records, and their events the same offsets and the same kind
    of attributes (the one shared empty mapping, or a dict)."""
    assert a == b
    events = [(x, y) for x, y in zip(a, b, strict=True) if isinstance(x, Event) and isinstance(y, Event)]
    assert [(x.time.utcoffset(), type(x.time.tzinfo)) for x, _ in events] == [
        (y.time.utcoffset(), type(y.time.tzinfo)) for _, y in events
    ]
    assert [x.attributes is NO_ATTRIBUTES for x, _ in events] == [y.attributes is NO_ATTRIBUTES for _, y in events]
    assert [x.seq for x, _ in events] == [y.seq for _, y in events]


def _c_module() -> Any:
    """The C module the reader uses (`govrules._speedups`), None if the package was built without it."""
    return vars(events_module)["_speedups"]


def test_the_c_module_is_built() -> None:
    """The package was installed with its C module, as the tests below compare it with the
    Python path; a build without a C compiler reads every batch in Python."""
    assert _c_module() is not None, "govrules._speedups was not compiled: install with a C compiler"


_NOT_REAL_TIMES = [  # written in full at +01:00, but no such day, month, hour, minute, second or year
    "2023-02-29T09:00:00+01:00",
    "1900-02-29T09:00:00+01:00",
    "2024-04-31T09:00:00+01:00",
    "2024-13-01T09:00:00+01:00",
    "2024-03-01T24:00:00+01:00",
    "2024-03-01T09:60:00+01:00",
    "2024-03-01T09:00:60+01:00",
    "0000-03-01T09:00:00+01:00",
]
_TIMES_IN_C = [
    *_TIMES,
    "2024-03-01T09:00:00+01:00",
    "2024-03-01T10:00:00+01:00",
    "2024-03-01T09:00:00+02:00",  # a second offset in the batch
    "2024-03-01 09:00:00+01:00",
    " 2024-03-01T09:00:00+01:00 ",
    "2024-03-01T09:00+0100",
    # written in full at the batch's offset, made without fromisoformat where they are real
    "2024-02-29T23:59:59+01:00",
    "2000-02-29T00:00:00+01:00",
    *_NOT_REAL_TIMES,
    "2024-03-01t09:00:00+01:00",
    "2024-03-01T09:00:00+01:60",
    "2024-03-01T09:00:00-01:00",
    "2024-03-01T09:00:00+00:00",
    "2024-03-01T09:00:00-00:00",
    "２０２４-03-01T09:00:00+01:00",
]
_CELLS_IN_C = st.sampled_from(["", " ", "x", " y ", "a;b", " a ; ;b ", ";", "学校", " 学\u3000", "e1", "\xa0z\xa0"])
_RARE_IN_C = st.sampled_from(["", " ", "soon", "\x07", "\udcb9", "学\x07", "学\udcb9", "\x7f", "\t"])


@st.composite
def _batches_in_c(draw: st.DrawFn) -> tuple[list[str], list[list[str]]]:
    """A header and rows for the C module: mostly rows it makes itself, now and then one it
    leaves to the Python path (a second offset, a time without one, a blank field, a control
    character or an undecodable byte in any column, a time that cannot be moved to UTC)."""
    header = draw(
        st.permutations(["time", "actor", "action", *draw(st.lists(st.sampled_from(_OPTIONAL), unique=True))])
    )
    cells = {
        "time": st.just(draw(st.sampled_from(_TIMES_IN_C))) if draw(st.booleans()) else st.sampled_from(_TIMES_IN_C),
        "actor": st.sampled_from(["school", " office ", "学校"]),
        "action": st.sampled_from(["report", "review"]),
        "id": st.sampled_from(["", " ", "e1", "e2", " e3"]),
    }
    row = st.tuples(*(cells.get(column, _CELLS_IN_C) for column in header)).map(list)
    rows = draw(st.lists(row, min_size=1, max_size=12))
    if draw(st.booleans()):
        i, j = draw(st.integers(0, len(rows) - 1)), draw(st.integers(0, len(header) - 1))
        rows[i][j] = draw(_RARE_IN_C)
    return header, rows


@given(
    batch=_batches_in_c(),
    mapped=st.sampled_from([[], [], ["actor=actor|recipient"], ["subject=ref"], ["period=note"]]),
    start_seq=st.sampled_from([0, 0, 1000]),
    attributes_of=st.sampled_from([None, None, frozenset(), frozenset({"review"})]),
)
def test_csv_batches_made_in_c_as_in_python(
    batch: tuple[list[str], list[list[str]]], mapped: list[str], start_seq: int, attributes_of: frozenset[str] | None
) -> None:
    """The C module makes a batch exactly as the Python path does (events, rejections, lines,
    sequence numbers, offsets and attributes), or leaves it to that path."""
    header, rows = batch
    in_c = _batch_made(header, rows, True, mapped, start_seq, attributes_of)
    _same_events(in_c, _batch_made(header, rows, False, mapped, start_seq, attributes_of))
    if attributes_of is not None:
        assert all(e.attributes is NO_ATTRIBUTES for e in in_c if isinstance(e, Event) and e.action != "review")


_LINE_ENDS = st.sampled_from(["\n", "\n", "\r\n", "\r", ""])


_QUOTED_CELLS = st.sampled_from(['say "yes"', "x, y", "a\tb", '""', " q ", '"', "学,校"])


def _written(cell: str, delimiter: str, quote: bool) -> str:
    """``cell`` as a CSV writer writes it: quoted whole (each quote doubled) when ``quote`` is
    drawn or the cell needs it."""
    if quote or any(c in cell for c in (delimiter, '"')):
        return '"' + cell.replace('"', '""') + '"'
    return cell


@st.composite
def _lines_in_c(draw: st.DrawFn) -> tuple[list[str], list[str], str, bool]:
    """A header, and lines of rows for the C module as a file gives them (each with its line
    break, or none at the end of the file), cells now and then quoted whole (with a delimiter,
    a doubled quote or spaces inside); now and then a line it leaves to the csv module: a quote
    inside an unquoted cell, text after a closing quote, a quote left open, a line break inside
    a cell, a blank line, a row of another width. The flag says whether a stray quote was put
    in (the csv module may then read the line as a row of other cells, or not as one row)."""
    header, rows = draw(_batches_in_c())
    delimiter = draw(st.sampled_from([",", ",", "\t"]))
    if draw(st.booleans()):
        i, j = draw(st.integers(0, len(rows) - 1)), draw(st.integers(0, len(header) - 1))
        rows[i][j] = draw(_QUOTED_CELLS)
    quoting = draw(st.sampled_from(["none", "none", "all", "some"]))
    texts = [
        delimiter.join(
            _written(cell, delimiter, quoting == "all" or (quoting == "some" and draw(st.booleans()))) for cell in row
        )
        + draw(_LINE_ENDS)
        for row in rows
    ]
    texts = [t if t.endswith(("\n", "\r")) or i == len(texts) - 1 else t + "\n" for i, t in enumerate(texts)]
    stray = False
    if draw(st.integers(0, 3)) == 0:
        i = draw(st.integers(0, len(texts) - 1))
        body = texts[i].rstrip("\r\n")
        changed = draw(
            st.sampled_from(
                [
                    ('"quoted"' + delimiter + texts[i], False),
                    (texts[i].replace("school", 'sch"ool', 1), "school" in texts[i]),  # a quote, or text after one
                    (texts[i].replace("report", "rep\rort", 1), False),
                    ("\n", False),
                    ("\r\n", False),
                    (delimiter + texts[i], False),
                    (texts[i].replace(delimiter, "", 1), False),
                    ('"' + texts[i], True),  # a quote left open, or text after a closing one
                    (body + ' "x"' + texts[i][len(body) :], True),  # a quote after a space
                    (body + '"' + texts[i][len(body) :], True),
                ]
            )
        )
        texts[i], stray = changed
    return header, texts, delimiter, stray


@given(
    case=_lines_in_c(),
    mapped=st.sampled_from([[], [], ["actor=actor|recipient"], ["subject=ref"], ["period=note"]]),
    attributes_of=st.sampled_from([None, None, frozenset(), frozenset({"review"})]),
)
def test_csv_lines_made_in_c_as_the_rows_the_csv_module_reads(
    case: tuple[list[str], list[str], str, bool], mapped: list[str], attributes_of: frozenset[str] | None
) -> None:
    """The C module makes a batch of CSV lines, each one row whose cells are unquoted or quoted
    whole, into the events the rows the csv module reads from them give (times, offsets,
    attributes, lines), or leaves the batch to the csv module (None): always where a line holds
    a line break, no row, or a row of another width; and only there or where a quote is stray
    (or the rows' C path leaves the batch too)."""
    header, texts, delimiter, stray = case
    fmap = FieldMap.parse(mapped, FieldMap(lists={"tags": ";"}))

    def builder() -> _Builder:
        return _Builder(fmap, ROME, "logs/log.csv", {}, "utf-8", 0, attributes_of)

    numbers = [3 + i for i in range(len(texts))]
    lines_in_c = builder().lines_in_c(header, delimiter)
    if lines_in_c is None:  # a field read from several columns: neither C path reads the batch
        assert builder().rows_in_c(header) is None
        return
    made = lines_in_c(list(texts), list(numbers))
    try:
        rows = list(csv.reader([*texts, "\n"], delimiter=delimiter, strict=False))
    except csv.Error:  # a line break inside an unquoted cell
        assert made is None
        return
    one_row_each = len(rows) == len(texts) + 1 and not rows[-1] and all(rows[:-1])
    if any("\r" in t.rstrip("\r\n") or "\n" in t.rstrip("\r\n") for t in texts) or not one_row_each:
        assert made is None
        return
    if any(len(row) != len(header) for row in rows[:-1]):
        assert made is None
        return
    by_rows = builder().rows_reader(header)(rows[:-1], ["".join(r) for r in rows[:-1]], numbers)
    if made is not None:
        _same_events(cast("list[Event | Rejected]", made), by_rows)
    elif not stray:  # given back: a batch the rows' C path gives back too
        assert builder().rows_in_c(header)(rows[:-1], numbers) is None  # type: ignore[misc]


def test_a_log_read_line_by_line_in_c_is_the_log_read_with_the_csv_module(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A log whose lines each hold one row is read from its lines in C, cells quoted whole among
    them, and one with a line break inside a quoted cell with the csv module, batch by batch;
    either way the records are those of reading every row with the csv module."""
    header = "id,time,actor,action,subject,tags\n"
    plain = [f"e{i},2024-03-01T09:{i % 60:02d}:00+01:00,school,report,s{i % 7}, a;b \n" for i in range(1200)]
    quoted = list(plain)
    quoted[300] = '"e300","2024-03-01T09:00:00+01:00","school","report","s, ""quoted""",""\n'
    stray = list(quoted)
    stray[700:702] = ['e700,2024-03-01T09:40:00+01:00,school,report,"s\n', 'quoted",a\n']
    calls: list[bool] = []
    build = events_module._Builder.lines_in_c

    def counted(self: _Builder, *args: Any) -> Any:
        made = build(self, *args)
        assert made is not None

        def in_c(texts: list[str], numbers: list[int]) -> list[Event] | None:
            result = made(texts, numbers)
            calls.append(result is None)
            return result

        return in_c

    for lines in (plain, quoted, stray):
        data = (header + "".join(lines)).encode()
        calls.clear()
        with monkeypatch.context() as patch:
            patch.setattr(events_module._Builder, "lines_in_c", counted)
            read = _read(tmp_path, "log.csv", data)
        with monkeypatch.context() as patch:
            patch.setattr(events_module._Builder, "lines_in_c", lambda self, *args: None)
            expected = _read(tmp_path, "log.csv", data)
        _same_events(read, expected)
        if lines is stray:  # lines 701 and 702 of the file hold one row; the next batch is not tried
            assert (len(read), calls) == (1199, [False, True])
            reason = "field 'subject' contains control characters"
            assert read[700] == Rejected(str(tmp_path / "log.csv"), 702, reason, "e700")
        else:
            assert (len(read), calls) == (1200, [False, False, False])
        if lines is not plain:
            quoted_row = read[300]
            assert isinstance(quoted_row, Event)
            assert (quoted_row.subject, quoted_row.attributes) == ('s, "quoted"', {})


@pytest.mark.parametrize("limit", [None, 1000])
def test_a_cell_past_the_csv_modules_field_limit_rejects_its_row_read_either_way(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, limit: int | None
) -> None:
    """The `csv` module rejects a row with a cell longer than its field limit (131,072
    characters unless a program sets another, at any time): a batch with a line that long is not
    made in C, so the row is rejected as the `csv` module rejects it; one cell short of the limit
    reads either way."""
    size = csv.field_size_limit() if limit is None else limit
    previous = csv.field_size_limit(size)
    try:
        for cell, rejected in (("x" * (size + 1), True), ("x" * size, False)):
            data = f"id,time,actor,action,note\ne1,2024-03-01T09:00:00+01:00,school,report,{cell}\n".encode()
            read = _read(tmp_path, "log.csv", data)
            with monkeypatch.context() as patch:
                patch.setattr(events_module._Builder, "lines_in_c", lambda self, *args: None)
                expected = _read(tmp_path, "log.csv", data)
            assert read == expected
            assert [isinstance(r, Rejected) for r in read] == [rejected]
            if rejected:
                assert "field larger than field limit" in cast(Rejected, read[0]).reason
    finally:
        csv.field_size_limit(previous)


def test_the_c_module_makes_a_clean_batch_and_leaves_the_rest(monkeypatch: pytest.MonkeyPatch) -> None:
    """A batch with nothing to reject is made in C; one with a time the Python path must read
    (no offset), a control character, or a blank actor is given back (None) and made in Python
    with the same result as without the module."""
    given_back: list[bool] = []
    build = _c_module().build_rows

    class Counted:
        build_columns = staticmethod(_c_module().build_columns)

        @staticmethod
        def build_rows(*args: Any) -> list[Any] | None:
            made: list[Any] | None = build(*args)
            given_back.append(made is None)
            return made

    monkeypatch.setattr(events_module, "_speedups", Counted)
    header = ["id", "time", "actor", "action", "recipient", "tags"]
    clean = [[f"e{i}", "2024-03-01T09:00:00+01:00", "school", "report", "office", "a; b"] for i in range(5)]
    made = _batch_made(header, clean, True)
    assert given_back == [False]
    assert [(e.id, e.line, e.recipient, dict(e.attributes)) for e in made if isinstance(e, Event)] == [
        (f"e{i}", 3 + 2 * i, "office", {"tags": ["a", "b"]}) for i in range(5)
    ]
    for cell, value in ((1, "2024-03-01T09:00:00"), (5, "a\x07"), (2, " ")):
        rows = [list(r) for r in clean]
        rows[3][cell] = value
        given_back.clear()
        assert _batch_made(header, rows, True) == _batch_made(header, rows, False)
        assert given_back == [True]


def test_times_written_in_full_at_the_batchs_offset_are_made_in_c(monkeypatch: pytest.MonkeyPatch) -> None:
    """The C module reads the first time of a batch with ``fromisoformat``; a later one written
    in full (``YYYY-MM-DDTHH:MM:SS+HH:MM``) at the same offset, and a real date and time, it makes
    itself, on the one shared offset object. Any other goes to ``fromisoformat``. The events are
    the Python path's either way."""
    assert _c_module() is not None, "govrules._speedups was not compiled: install with a C compiler"
    read: list[str] = []
    build = _c_module().build_rows

    def counted(text: str) -> datetime:
        read.append(text)
        return datetime.fromisoformat(text)

    class Counted:
        build_columns = staticmethod(_c_module().build_columns)

        @staticmethod
        def build_rows(*args: Any) -> list[Any] | None:
            return cast("list[Any] | None", build(*args[:14], counted, *args[15:]))

    monkeypatch.setattr(events_module, "_speedups", Counted)
    header = ["id", "time", "actor", "action"]
    full = ["2024-03-01T09:00:00+01:00", "2024-02-29T23:59:59+01:00", "2000-02-29T00:00:00+01:00"]
    cases = [
        (full, full[:1]),
        (["2024-03-01T09:00:00.5+01:00", *full], ["2024-03-01T09:00:00.5+01:00", *full]),  # the first not in full
        ([*full, "2024-03-01 09:00:00+01:00"], [full[0], "2024-03-01 09:00:00+01:00"]),
        *(([*full, bad], [full[0], bad]) for bad in _NOT_REAL_TIMES),
    ]
    for times, by_fromisoformat in cases:
        rows = [[f"e{i}", t, "school", "report"] for i, t in enumerate(times)]
        read.clear()
        made = _batch_made(header, rows, True)
        assert read[: len(by_fromisoformat)] == by_fromisoformat, times
        _same_events(made, _batch_made(header, rows, False))
        events = [e for e in made if isinstance(e, Event)]
        if len(events) == len(times):
            assert len({id(e.time.tzinfo) for e in events}) == 1


def test_a_batch_is_offered_to_the_c_module_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """A CSV batch the C module gives back is not offered to it again whole: a time without an
    offset is read in Python after one offer; a row of the wrong width makes the batch go back,
    then each run of good rows around it is offered once (and made in C)."""
    assert _c_module() is not None, "govrules._speedups was not compiled: install with a C compiler"
    offered: list[tuple[int, bool]] = []
    build = _c_module().build_rows

    class Counted:
        build_columns = staticmethod(_c_module().build_columns)

        @staticmethod
        def build_rows(rows: list[list[str]], *args: Any) -> list[Any] | None:
            made: list[Any] | None = build(rows, *args)
            offered.append((len(rows), made is None))
            return made

    monkeypatch.setattr(events_module, "_speedups", Counted)
    header = ["id", "time", "actor", "action"]
    clean = [[f"e{i}", "2024-03-01T09:00:00+01:00", "school", "report"] for i in range(5)]

    def read(rows: list[list[str]]) -> list[Event | Rejected]:
        builder = _Builder(FieldMap(), ROME, "logs/log.csv", {}, "utf-8", 0, None)
        return events_module._csv_records(
            "log.csv", rows, list(range(2, 2 + len(rows))), 2, 4, builder.rows_reader(header), builder.rows_in_c(header)
        )

    naive = [list(r) for r in clean]
    naive[3][1] = "2024-03-01T09:00:00"
    made = read(naive)
    assert offered == [(5, True)]
    assert [e.time.utcoffset() for e in made if isinstance(e, Event)] == [timedelta(hours=1)] * 5
    offered.clear()
    wide = [list(r) for r in clean]
    wide[2].append("extra")
    made = read(wide)
    assert offered == [(5, True), (2, False), (2, False)]
    assert [e.line if isinstance(e, Event) else e.reason for e in made] == [
        2, 3, "expected 4 columns as in the header, found 5", 5, 6,
    ]  # fmt: skip


@given(
    batch=_batches_in_c(),
    start_seq=st.sampled_from([0, 1000]),
    attributes_of=st.sampled_from([None, frozenset(), frozenset({"review"})]),
)
def test_records_given_a_field_at_a_time_made_in_c_as_in_python(
    batch: tuple[list[str], list[list[str]]], start_seq: int, attributes_of: frozenset[str] | None
) -> None:
    """`_Builder._made` (the JSON readers' and the Python CSV path's last step) gives the same
    events, offsets and attributes with the C module's `build_columns` as without it, or None
    both ways."""
    header, rows = batch
    at = {name: header.index(name) for name in header}
    fields: list[list[Any]] = [
        [(r[at[name]].strip() or (None if r[at[name]] == "" else "")) if name in at else None for r in rows]
        for name in EVENT_FIELDS
    ]
    attributes: list[Any] = [{"note": r[at["note"]]} if "note" in at and r[at["note"]] else NO_ATTRIBUTES for r in rows]
    lines = [2 + i for i in range(len(rows))]

    def made(in_c: bool) -> list[Event | Rejected] | None:
        builder = _Builder(FieldMap(), ROME, "log.jsonl", {}, "utf-8", start_seq, attributes_of)
        with pytest.MonkeyPatch.context() as patch:
            if not in_c:
                patch.setattr(events_module, "_speedups", None)
            return builder._made([list(f) for f in fields], list(attributes), lines)

    in_c, in_python = made(True), made(False)
    if in_c is None or in_python is None:
        assert (in_c, in_python) == (None, None)
    else:
        _same_events(in_c, in_python)


@pytest.mark.parametrize("sep", ["", ";"])
def test_an_empty_list_separator_splits_nothing_in_c_as_in_python(sep: str) -> None:
    """A list separator the Python path does not split on (an empty one, as a map file may give)
    is not given to the C module as one."""
    header = ["time", "actor", "action", "tags"]
    rows = [["2024-03-01T09:00:00+01:00", "school", "report", "x;y"]]
    fmap = FieldMap(lists={"tags": sep})
    texts = ["".join(r) for r in rows]
    in_c = _Builder(fmap, ROME, "log.csv", {}).rows_reader(header)([list(r) for r in rows], texts, [2])
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(events_module, "_speedups", None)
        in_python = _Builder(fmap, ROME, "log.csv", {}).rows_reader(header)([list(r) for r in rows], texts, [2])
    assert in_c == in_python
    assert [dict(e.attributes) for e in in_c if isinstance(e, Event)] == [{"tags": ["x", "y"] if sep else "x;y"}]


def test_the_c_module_refuses_arguments_of_the_wrong_shape() -> None:
    build_rows = _c_module().build_rows
    with pytest.raises(TypeError, match="16 arguments"):
        build_rows([])
    args: list[Any] = [[], [], [], 10, 1000, (0, 1, 2, 3, -1, -1, -1, -1), ((9, "tags", None),), Event]
    args += [NO_ATTRIBUTES, "log.csv", "log.csv", {}, {}, {}, datetime.fromisoformat, None]
    assert build_rows(*args) == []
    args[1] = [2]
    with pytest.raises(ValueError, match="differ in length"):
        build_rows(*args)
    args[1], args[6] = [], ((-1, "tags", None),)
    with pytest.raises(ValueError, match="negative"):
        build_rows(*args)
    build_columns = _c_module().build_columns
    with pytest.raises(TypeError, match="13 arguments"):
        build_columns([])
    columns: list[Any] = [tuple([] for _ in range(8)), [], [], [], Event, NO_ATTRIBUTES, "log.jsonl", "log.jsonl"]
    columns += [{}, {}, {}, datetime.fromisoformat, None]
    assert build_columns(*columns) == []
    columns[2] = [2]
    with pytest.raises(ValueError, match="differ in length"):
        build_columns(*columns)
    # a value that is neither text nor None: the batch is given back, not made with it
    good = ("e1", "2024-03-01T09:00:00+01:00", "school", "report", None, None, None, None)
    columns[:4] = [tuple([v] for v in good), [NO_ATTRIBUTES], [2], [2]]
    assert [e.id for e in build_columns(*columns)] == ["e1"]
    columns[0] = tuple([v] for v in (1, *good[1:]))
    assert build_columns(*columns) is None
    build_lines = _c_module().build_lines
    with pytest.raises(TypeError, match="17 arguments"):
        build_lines([])
    lines: list[Any] = [[], [], [], ",", 10, 1000, (0, 1, 2, 3, -1, -1, -1, -1), ((9, "tags", None),), Event]
    lines += [NO_ATTRIBUTES, "log.csv", "log.csv", {}, {}, {}, datetime.fromisoformat, None]
    assert build_lines(*lines) == []
    lines[1] = [2]
    with pytest.raises(ValueError, match="differ in length"):
        build_lines(*lines)
    lines[1], lines[7] = [], ((-1, "tags", None),)
    with pytest.raises(ValueError, match="negative"):
        build_lines(*lines)
    lines[7] = ((10, "tags", None),)
    with pytest.raises(ValueError, match="past the row"):
        build_lines(*lines)
    lines[7] = ((9, "tags"),)
    with pytest.raises(TypeError, match="position, name, separator"):
        build_lines(*lines)
    # an attribute read from its own column of each line
    lines[:3] = [["e1,2024-03-01T09:00:00+01:00,school,report,,,,,,a;b\n"], [2], [2]]
    lines[7] = ((9, "tags", ";"),)
    assert [dict(e.attributes) for e in build_lines(*lines)] == [{"tags": ["a", "b"]}]


_LINES = st.sampled_from(
    [
        "e{i},2024-03-01T09:00:00+01:00,school,report,x",
        "e{i},2024-03-01T09:00:00+01:00,school,report",  # a column short
        "e{i},2024-03-01T09:00:00+01:00,school,report,x,y",  # a column more
        "e{i},2024-03-01T09:00:00+01:00,school,report," + "x" * 80,  # longer than the smaller limit
        "",  # a blank line
        " , , , , ",  # only blanks: no record either
        'e{i},2024-03-01T09:00:00+01:00,school,report,"two\nlines"',
        'e{i},2024-03-01T09:00:00+01:00,school,report,"a, ""quoted"" note"',  # quotes within one line
        'e{i},2024-03-01T09:00:00+01:00,school,report,x"y',  # a quote inside a cell is a character
        'e{i},2024-03-01T09:00:00+01:00,school,report,"left open',  # runs on to a closing quote, if any
        "e{i},soon,school,report,x",
        "e{i},2024-03-01T09:00:00+01:00,,report,x",
        "e1,2024-03-01T09:00:00+01:00,school,report,x",  # a duplicate id is the checker's concern
    ]
)


@given(
    lines=st.lists(_LINES, max_size=14),
    batch=st.sampled_from([1, 2, 3, 512]),
    longest=st.sampled_from([100, 1_000_000]),
    newline=st.sampled_from(["\n", "\r\n"]),
)
def test_csv_logs_read_in_batches_as_row_by_row(
    lines: list[str], batch: int, longest: int, newline: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Reading a CSV log in batches of any size gives the records, rejections, lines and
    sequence numbers of reading it one row at a time with the csv module, where a row whose
    quoted cell the end of the file leaves open is rejected at its first line and the lines after
    that one are read again, and so is a row whose quoted cell of several lines has text after its
    closing quote."""
    text = "id,time,actor,action,note" + newline + "".join(line.format(i=i) + newline for i, line in enumerate(lines))
    path = tmp_path_factory.mktemp("csv") / "log.csv"
    path.write_bytes(text.encode())
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(events_module, "_CSV_BATCH", batch)
        patch.setattr(events_module, "MAX_RECORD_CHARS", longest)
        batched = list(read_events(path, tz=ROME))
    texts = io.StringIO(text, newline="").readlines()  # the lines as the log's reader splits them
    header = next(csv.reader(texts[:1]))
    one = _Builder(FieldMap(), ROME, str(path), {}).row_reader(header)
    expected: list[Event | Rejected] = []
    at, reading = 1, True  # the next line to read (the header is line 1)
    while reading:
        reading = False
        reader = csv.reader(iter(texts[at:]), strict=False)
        read = 0
        for row in reader:
            start, row_texts, read = at + read + 1, texts[at + read : at + reader.line_num], reader.line_num
            if at + read == len(texts) and _left_open_by_csv("".join(row_texts)):
                expected.append(Rejected(str(path), start, events_module._LEFT_OPEN))
                at, reading = start, True
                break
            if len(row_texts) > 1 and _closed_astray_by_cells("".join(row_texts)):
                expected.append(Rejected(str(path), start, events_module._CLOSED_ASTRAY))
                at, reading = start, True
                break
            if "".join(row).strip():
                if len("".join(row)) > longest:
                    expected.append(Rejected(str(path), start, f"record longer than {longest} characters"))
                elif len(row) == len(header):
                    expected.append(one(row, start, "".join(row)))
                else:
                    expected.append(
                        Rejected(str(path), start, f"expected 5 columns as in the header, found {len(row)}")
                    )
    assert batched == expected


def _left_open_by_csv(text: str) -> bool:
    """Whether the csv module reads ``text`` to its end inside a quoted cell: then a quote and a
    line break after it end the row (one row), where after a closed row they open another."""
    ended = text if text.endswith(("\n", "\r")) else text + "\n"
    return len(list(csv.reader(io.StringIO(ended + '"\n', newline=""), strict=False))) == 1


_CELL = re.compile(r'"((?:[^"]|"")*+)"([^,\r\n]*)|"(?:[^"]|"")*+\Z|[^,\r\n]*')
"""A cell as the csv module (not strict) reads it: quoted, with what follows its closing quote up
to the next delimiter or line break run into it; quoted and never closed; or not quoted."""


def _closed_astray_by_cells(text: str) -> bool:
    """Whether a quoted cell of ``text`` (one row) that holds a line break has text after its
    closing quote, the cells found one after another by `_CELL`."""
    pos = 0
    while pos < len(text):
        cell = _CELL.match(text, pos)
        assert cell is not None
        if cell.group(1) is not None and any(c in cell.group(1) for c in "\r\n") and cell.group(2):
            return True
        pos = cell.end() + 1  # past the delimiter or line break that ends it
    return False


@given(st.text(st.sampled_from(['"', ",", "a", " ", "\n", "\r"]), max_size=12))
def test_text_after_a_quoted_cell_of_several_lines_is_found_cell_by_cell(text: str) -> None:
    """`_quoting` finds a quoted cell that holds a line break and has text after its closing
    quote exactly where a reading of the row's cells, one after another, finds one."""
    assume(len(list(csv.reader(io.StringIO(text, newline=""), strict=False))) == 1)
    assert events_module._quoting(text, ",")[1] == _closed_astray_by_cells(text)


@given(st.text(st.sampled_from(['"', ",", "a", " ", "\n", "\r"]), max_size=12))
def test_a_cell_left_open_is_found_as_the_csv_module_reads_it(text: str) -> None:
    """`_left_open` finds a quoted cell left open at the end of a row's text exactly where the
    csv module reads the text to its end inside one."""
    rows = list(csv.reader(io.StringIO(text, newline=""), strict=False))
    assume(len(rows) == 1)  # one row, as the reader gives `_left_open` the text of one
    assert events_module._left_open(text, ",") == _left_open_by_csv(text)


def test_times_at_the_end_of_the_calendar_share_their_offset(tmp_path: Path) -> None:
    """Events share one object per UTC offset; a time whose UTC instant lies past year 9999 keeps
    its wall time too."""
    data = (
        b"id,time,actor,action\na,2024-03-01T09:00:00-05:00,school,report\nb,9999-12-31T23:30:00-05:00,school,report\n"
    )
    first, last = _read(tmp_path, "log.csv", data)
    assert isinstance(first, Event) and isinstance(last, Event)
    assert last.time.isoformat() == "9999-12-31T23:30:00-05:00"
    assert last.time.tzinfo is first.time.tzinfo


def test_a_batch_holds_about_as_much_text_as_one_record(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Batches end at MAX_RECORD_CHARS characters as well as at _CSV_BATCH rows, so that a log of
    long records is not held 512 at a time."""
    sizes: list[int] = []
    batches = events_module._line_batches

    def counted(*args: Any) -> Iterator[tuple[list[str], list[int]]]:
        for texts, numbers in batches(*args):
            sizes.append(len(texts))
            yield texts, numbers

    monkeypatch.setattr(events_module, "_line_batches", counted)
    monkeypatch.setattr(events_module, "MAX_RECORD_CHARS", 200)
    note = "n" * 50
    data = "id,time,actor,action,note\n" + "".join(f"e{i},2024-03-01T09:00:00+01:00,a,b,{note}\n" for i in range(40))
    records = _read(tmp_path, "log.csv", data.encode())
    assert (len(records), all(isinstance(r, Event) for r in records), sum(sizes)) == (40, True, 40)
    assert max(sizes) == 3  # about 85 characters a row: the third passes 200


_JSON_LINES = st.sampled_from(
    [
        '{{"id": "e{i}", "time": "2024-03-01T09:00:00+01:00", "actor": "school", "action": "report"}}',
        '{{"id": "e{i}", "time": "2024-03-01T09:00:00+01:00", "actor": " office ", "action": "report", "subject": "s{i}", "note": "x"}}',
        '{{"id": "e{i}", "time": "2024-03-01T09:00:00+01:00", "actor": "school", "action": "post", "attributes": {{"title": "新闻", "tags": "a;b", "empty": ""}}}}',
        '{{"time": "2024-03-01", "actor": "school", "action": "report", "ref": "e1"}}',  # no id
        '{{"id": {i}, "time": "2024-03-01T09:00:00+01:00", "actor": "school", "action": "report"}}',  # a number
        '{{"id": "e{i}", "time": "soon", "actor": "school", "action": "report"}}',
        '{{"id": "e{i}", "time": "2024-03-01T09:00:00+01:00", "action": "report"}}',  # no actor
        '{{"id": "e{i}", "time": "2024-03-01T09:00:00+01:00", "actor": "sch\\u0007ool", "action": "report"}}',
        '{{"id": "e{i}", "time": "2024-03-01T09:00:00+01:00", "actor": "school\\n", "action": "report", "note": "two\\nlines"}}',
        '{{"id": "e{i}", "time": "2024-03-01T09:00:00+01:00", "actor": "school", "action": "report", "note": "\\ud800"}}',
        '{{"id": "e{i}", "time": "2024-03-01T09:00:00+01:00", "actor": "school", "action": "report", "n": NaN}}',
        '{{"id": "e{i}", "time": "2024-03-01T09:00:00+01:00", "actor": "school", "action": "report", "n": 1e400}}',
        '{{"id": "e{i}", "time": "2024-03-01T09:00:00+01:00", "actor": "school", "action": "report", "actor": "office"}}',
        '{{"id": "e{i}", "time": "2024-03-01T09:00:00Z", "actor": "school", "action": "report", "attributes": {{"subject": "nested", "n": 3, "none": null}}}}',
        '{{"id": "e{i}", "time": "2024-10-27T02:30:00", "actor": "school", "action": "report", "attributes": "not a mapping"}}',
        '{{"id": "e{i}", "time": "2024-03-01T09:00:00+01:00", "actor": "school", "action": "report", "recipient": null, "subject": "", "period": " 2024-03 "}}',
        '{{"id": "e{i}", "time": "2024-03-01T09:00:00+01:00", "actor": "sch\xb9ool", "action": "report"}}',  # a byte not UTF-8
        "[1, 2]",
        '{{"id": "e{i}", ',  # cut short
        "",
        "   ",
    ]
)


def _read_through(path: Path, fmap: FieldMap) -> tuple[list[Event | Rejected], list[str]]:
    """The records of the log at ``path``, and what is said of the keys the map names that no
    record held."""
    unheld: list[Any] = []
    records = list(read_events(path, tz=ROME, fmap=fmap, unheld=unheld))
    return records, [p.message for p in unheld]


@given(
    lines=st.lists(_JSON_LINES, max_size=14),
    batch=st.sampled_from([1, 2, 3, 512]),
    longest=st.sampled_from([150, 1_000_000]),
    newline=st.sampled_from(["\n", "\r\n"]),
    mapped=st.sampled_from([[], [], ["actor=actor|recipient"], ["action='report'"], ["subject=note"]]),
)
def test_json_lines_read_in_batches_as_line_by_line(
    lines: list[str],
    batch: int,
    longest: int,
    newline: str,
    mapped: list[str],
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """Reading a JSON Lines log in batches of any size (decoded by msgspec where it can be)
    gives the records, rejections, lines and sequence numbers of reading each line alone with
    ``json``, and the same keys of the map no record holds."""
    text = "".join(line.format(i=i) + newline for i, line in enumerate(lines))
    path = tmp_path_factory.mktemp("jsonl") / "log.jsonl"
    path.write_bytes(text.encode().replace(b"\\xb9", b"\xb9"))  # a byte that is not UTF-8
    fmap = FieldMap.parse(mapped, FieldMap(lists={"tags": ";"}, attributes={"title": "headline"}))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(events_module, "_CSV_BATCH", batch)
        patch.setattr(events_module, "MAX_RECORD_CHARS", longest)
        batched, unheld = _read_through(path, fmap)
        said: list[Any] = []
        builder = _Builder(fmap, ROME, str(path), {}, unheld_to=said)
        expected: list[Event | Rejected] = []
        with open(path, encoding="utf-8-sig", errors="surrogateescape", newline="\n") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip(" \t\r\n"):
                    continue
                if len(line) > longest:
                    expected.append(Rejected(str(path), number, f"record longer than {longest} characters"))
                else:
                    expected.append(events_module._json_record(builder, line, str(path), number))
    assert batched == expected
    builder.said_unheld()
    assert unheld == [p.message for p in said]
    assert [e.time.utcoffset() for e in batched if isinstance(e, Event)] == [
        e.time.utcoffset() for e in expected if isinstance(e, Event)
    ]
    assert [list(e.attributes.items()) for e in batched if isinstance(e, Event)] == [
        list(e.attributes.items()) for e in expected if isinstance(e, Event)
    ]


_JSON_VALUES = st.sampled_from(
    [
        '{"id": "e{i}", "time": "2024-03-01T09:00:00+01:00", "actor": "school", "action": "report"}',
        '{"id": "e{i}", "time": "2024-03-01T09:00:00+01:00", "actor": " office ", "action": "report", "note": ""}',
        '{"id": "e{i}", "time": "2024-03-01T09:00:00Z", "actor": "school", "action": "post", "attributes": {"title": "新闻", "tags": "a;b"}}',
        '{"time": "2024-03-01", "actor": "school", "action": "report", "ref": "e1"}',
        '{"id": {i}, "time": "2024-03-01T09:00:00+01:00", "actor": "school", "action": "report"}',
        '{"id": "e{i}", "time": "soon", "actor": "school", "action": "report"}',
        '{"id": "e{i}", "time": "2024-03-01T09:00:00+01:00", "action": "report"}',
        '{"id": "e{i}", "time": "2024-03-01T09:00:00+01:00", "actor": "sch\\u0007ool", "action": "report", "n": 1e400}',
        '{"id": "e{i}", "time": "2024-03-01T09:00:00+01:00", "actor": "school", "action": "report", "note": "\\ud800"}',
        '{"id": "e{i}", "time": "2024-10-27T02:30:00", "actor": "school", "action": "report", "attributes": {"subject": "nested"}}',
        "[1, 2]",
        "null",
        '"text"',
    ]
)


_E = '{"id": "e%d", "time": "2024-03-01T09:00:00+01:00", "actor": "school", "action": "report"}'


@pytest.mark.parametrize(
    ("text", "ids", "rejected"),
    [
        (f"[{_E % 1}, {_E % 2}]", ["e1", "e2"], None),
        (f"[{_E % 1}, {_E % 2},]\n", ["e1", "e2"], None),  # a comma after the last loses nothing
        ("[ ]", [], None),
        (f"[{_E % 1}]\n[{_E % 2}]", ["e1"], (2, "text after the array's closing ']' (from '[' on) is not read")),
        (f"[{_E % 1}] trailing", ["e1"], (2, "text after the array's closing ']' (from 't' on) is not read")),
        (f"[{_E % 1} {_E % 2}]", ["e1"], (2, "expected ',' or ']' after record 1, found '{'")),
        (f"[{_E % 1},, {_E % 2}]", ["e1"], (2, "expected an event object, found ','")),
        (f"[, {_E % 1}]", [], (1, "expected an event object, found ','")),
        (f"[{_E % 1},", ["e1"], (2, "the array ends early")),
        # a value JSON lacks, or an integer longer than Python converts, spoils its record only
        (
            f'[{_E % 1}, {{"id": "e2", "n": NaN}}, {_E % 3}]',
            ["e1", "e3"],
            (2, "invalid JSON: NaN is not a JSON number"),
        ),
        (
            f'[{_E % 1}, {{"id": "e2", "n": {"9" * 4301}}}, {_E % 3}]',
            ["e1", "e3"],
            (2, "invalid JSON: expected a number of at most 4300 digits"),
        ),
        # a number no float holds (read as infinity by `json`, which has none)
        (
            f'[{_E % 1}, {{"id": "e2", "n": [-1e400]}}, {_E % 3}]',
            ["e1", "e3"],
            (2, "invalid JSON: -1e400 is out of the range of a number"),
        ),
    ],
)
def test_a_json_array_is_read_to_its_end_and_nothing_after_it_is_dropped_unsaid(
    tmp_path: Path, text: str, ids: list[str], rejected: tuple[int, str] | None
) -> None:
    """A JSON array log is read value by value to its closing bracket: a missing or doubled comma,
    an array cut short or anything after the array (a second array appended) is a rejected
    record at the number of the record it would be, so that nothing is left out unsaid. A record
    holding NaN or an overlong integer is itself rejected, and those after it are read."""
    read = _read(tmp_path, "log.json", text.encode())
    assert [e.id for e in read if isinstance(e, Event)] == ids
    found = [(r.line, r.reason) for r in read if isinstance(r, Rejected)]
    if rejected is None:
        assert found == []
    else:
        assert [(line, reason[: len(rejected[1])]) for line, reason in found] == [rejected]


@given(values=st.lists(_JSON_VALUES, max_size=14), batch=st.sampled_from([1, 2, 3, 512]), cut=st.booleans())
def test_json_arrays_read_in_batches_as_one_value_at_a_time(
    values: list[str], batch: int, cut: bool, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The values of a JSON array made into events a batch at a time give the records,
    rejections and numbers of making each value alone, up to a cut-off end of the file, and the
    same keys of the map no record holds."""
    text = "[\n" + ",\n".join(v.replace("{i}", str(i)) for i, v in enumerate(values)) + "\n]\n"
    if cut:
        text = text[: len(text) * 2 // 3]
    path = tmp_path_factory.mktemp("json") / "log.json"
    path.write_text(text, encoding="utf-8")
    fmap = FieldMap(lists={"tags": ";"})
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(events_module, "_CSV_BATCH", batch)
        batched, unheld = _read_through(path, fmap)
        patch.setattr(_Builder, "_records_reader", lambda self: None)  # one value at a time
        alone, unheld_alone = _read_through(path, fmap)
    assert (batched, unheld) == (alone, unheld_alone)
    assert [list(e.attributes.items()) for e in batched if isinstance(e, Event)] == [
        list(e.attributes.items()) for e in alone if isinstance(e, Event)
    ]
    # every value accounted for, in order, a cut-off end last
    assert [r.line for r in batched] == list(range(1, len(batched) + 1))


def test_a_clean_json_array_batch_is_made_field_by_field(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The objects of a JSON array with nothing to reject are not made one at a time; a batch
    with one bad object is, and that object alone is rejected, at its number."""
    made_one_by_one: list[int] = []
    each = _Builder.build

    def counted(self: _Builder, record: Any, line: int) -> Event | Rejected:
        made_one_by_one.append(line)
        return each(self, record, line)

    monkeypatch.setattr(_Builder, "build", counted)
    records = [
        {"id": f"e{i}", "time": f"2024-03-{1 + i % 28:02d}T09:00:00+01:00", "actor": "school", "action": "post"}
        for i in range(1200)
    ]
    clean = _read(tmp_path, "clean.json", json.dumps(records).encode())
    assert (len(clean), made_one_by_one) == (1200, [])
    assert [(e.id, e.line) for e in clean[:2]] == [("e0", 1), ("e1", 2)]  # type: ignore[union-attr]
    records[700]["time"] = "soon"
    dirty = _read(tmp_path, "dirty.json", json.dumps(records).encode())
    rejected = [(r.line, r.record_id) for r in dirty if isinstance(r, Rejected)]
    assert (len(dirty), rejected) == (1200, [(701, "e700")])
    assert made_one_by_one == list(range(513, 1025))  # the batch holding the bad object, and no other


@pytest.mark.parametrize("name", ["log.csv", "log.jsonl"])
def test_records_read_before_an_io_error_are_given_before_it(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """A log that fails mid-way (an I/O error) yields every record read before the failure, then
    the error, as a row-by-row reading would."""
    if name == "log.csv":
        text = "id,time,actor,action\n" + "".join(f"e{i},2024-05-01T10:00:00+02:00,a,b\n" for i in range(1000))
    else:
        text = "".join(
            json.dumps({"id": f"e{i}", "time": "2024-05-01T10:00:00+02:00", "actor": "a", "action": "b"}) + "\n"
            for i in range(1000)
        )

    class Failing(io.StringIO):
        lines = 0

        def __next__(self) -> str:  # type: ignore[override]  # as typeshed's own _TextIOBase.__next__ (str, not bytes)
            Failing.lines += 1
            if Failing.lines > 700:
                raise OSError(5, "Input/output error")
            return super().__next__()

    monkeypatch.setattr(events_module, "open", lambda *args, **kwargs: Failing(text), raising=False)
    got: list[Event | Rejected] = []
    with pytest.raises(EventLogError, match="Input/output error"):
        got.extend(read_events(name, tz=ROME))
    read = 699 if name == "log.csv" else 700  # the CSV header is the first of the 700 lines read
    assert [r.id for r in got if isinstance(r, Event)] == [f"e{i}" for i in range(read)]


def test_the_objects_of_a_json_array_read_before_an_io_error_are_given_before_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A JSON array whose file fails after its first 65,536 characters yields every object that
    ended within them, then the error."""
    objects = [
        json.dumps({"id": f"e{i}", "time": "2024-05-01T10:00:00+02:00", "actor": "a", "action": "b"})
        for i in range(2000)
    ]
    text = "[" + ", ".join(objects) + "]"
    within = sum(1 for i in range(len(objects)) if len("[" + ", ".join(objects[: i + 1])) <= 65536)

    class Failing(io.StringIO):
        reads = 0

        def read(self, size: int | None = -1, /) -> str:
            Failing.reads += 1
            if Failing.reads > 1:
                raise OSError(5, "Input/output error")
            return super().read(size)

    monkeypatch.setattr(events_module, "open", lambda *args, **kwargs: Failing(text), raising=False)
    got: list[Event | Rejected] = []
    with pytest.raises(EventLogError, match="Input/output error"):
        got.extend(read_events("log.json", tz=ROME))
    assert 0 < within < len(objects)
    assert [r.id for r in got if isinstance(r, Event)] == [f"e{i}" for i in range(within)]


def test_a_clean_batch_is_made_column_by_column(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Rows with nothing to reject are not built one at a time; a batch with one bad row is, and
    that row alone is rejected, at its line."""
    made_one_by_one: list[int | None] = []
    each = _Builder._event

    def counted(self: _Builder, *args: object, **kwargs: object) -> Event | Rejected:
        made_one_by_one.append(args[2])  # type: ignore[arg-type]
        return each(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(_Builder, "_event", counted)
    rows = [f"e{i},2024-03-{1 + i % 28:02d}T09:00:00+01:00,school,report,office,,,,a;b" for i in range(1200)]
    header = "id,time,actor,action,recipient,subject,ref,period,tags\n"
    clean = _read(tmp_path, "clean.csv", (header + "\n".join(rows) + "\n").encode(), fmap=FieldMap(lists={"tags": ";"}))
    assert (len(clean), made_one_by_one) == (1200, [])
    assert [(e.id, e.line, e.seq, e.recipient, e.attributes) for e in clean[:2]] == [  # type: ignore[union-attr]
        ("e0", 2, 2, "office", {"tags": ["a", "b"]}),
        ("e1", 3, 3, "office", {"tags": ["a", "b"]}),
    ]
    rows[700] = "e700,soon,school,report,office,,,,"
    dirty = _read(tmp_path, "dirty.csv", (header + "\n".join(rows) + "\n").encode())
    rejected = [(r.line, r.record_id) for r in dirty if isinstance(r, Rejected)]
    assert (len(dirty), rejected) == (1200, [(702, "e700")])
    assert len(made_one_by_one) == 512  # the batch holding the bad row, and no other


def test_rows_are_parsed_a_batch_at_a_time_but_where_a_cell_holds_a_line_break(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """While every line is one row (quoted cells included), the rows of a batch of lines are
    parsed in one call. A batch in which a quoted cell holds a line break is read a row at a
    time, each row at the line it starts at, and so is the batch after it, without trying; the
    batches after those are parsed in one call again."""
    one_at_a_time: list[int] = []
    rows_of = events_module._csv_rows

    def counted(name: str, lines: Any, delimiter: str, before: int, *args: Any, **kwargs: Any) -> Any:
        one_at_a_time.append(before + 1)
        return rows_of(name, lines, delimiter, before, *args, **kwargs)

    monkeypatch.setattr(events_module, "_csv_rows", counted)
    header = "id,time,actor,action,note\n"
    rows = [f'e{i},2024-03-01T09:00:00+01:00,school,report,"a, ""quoted"" note {i}"' for i in range(4000)]
    quoted = _read(tmp_path, "quoted.csv", (header + "\n".join(rows) + "\n").encode())
    assert (len(quoted), one_at_a_time) == (4000, [])
    assert [(e.id, e.line, e.attributes) for e in quoted[:2]] == [  # type: ignore[union-attr]
        ("e0", 2, {"note": 'a, "quoted" note 0'}),
        ("e1", 3, {"note": 'a, "quoted" note 1'}),
    ]
    rows[700] = 'e700,2024-03-01T09:00:00+01:00,school,report,"two\nlines"'
    rows[2500] = 'e2500,2024-03-01T09:00:00+01:00,school,report,"two\nlines"'
    broken = _read(tmp_path, "broken.csv", (header + "\n".join(rows) + "\n").encode())
    # lines 514-1025 hold the first break, 2050-2561 the second; each is followed by a batch
    # read a row at a time; 1538-2049 and 3074 to the end are parsed in one call again
    assert one_at_a_time == [514, 1026, 2050, 2562]
    lines = {e.id: e.line for e in broken if isinstance(e, Event)}
    assert [lines[f"e{i}"] for i in (699, 700, 701, 2499, 2500, 2501, 3999)] == [701, 702, 704, 2502, 2503, 2505, 4003]
    assert len(broken) == 4000


def test_a_clean_json_lines_batch_is_made_field_by_field(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """JSON Lines with nothing to reject are not decoded one at a time; a batch with one bad
    line is, and that line alone is rejected, at its number."""
    made_one_by_one: list[int] = []
    each = events_module._json_record

    def counted(builder: _Builder, text: str, name: str, number: int) -> Event | Rejected:
        made_one_by_one.append(number)
        return each(builder, text, name, number)

    monkeypatch.setattr(events_module, "_json_record", counted)
    records = [
        {"id": f"e{i}", "time": f"2024-03-{1 + i % 28:02d}T09:00:00+01:00", "actor": "school", "action": "post"}
        | ({"attributes": {"title": "新闻", "tags": "a;b"}} if i % 2 else {"recipient": "office"})
        for i in range(1200)
    ]
    lines = [json.dumps(r, ensure_ascii=i % 3 == 0) for i, r in enumerate(records)]
    clean = _read(tmp_path, "clean.jsonl", ("\n".join(lines) + "\n").encode(), fmap=FieldMap(lists={"tags": ";"}))
    assert (len(clean), made_one_by_one) == (1200, [])
    assert [(e.id, e.line, e.seq, e.recipient, e.attributes) for e in clean[:2]] == [  # type: ignore[union-attr]
        ("e0", 1, 1, "office", {}),
        ("e1", 2, 2, None, {"title": "新闻", "tags": ["a", "b"]}),
    ]
    lines[700] = lines[700].replace("2024-03", "soon")
    dirty = _read(tmp_path, "dirty.jsonl", ("\n".join(lines) + "\n").encode())
    rejected = [(r.line, r.record_id) for r in dirty if isinstance(r, Rejected)]
    assert (len(dirty), rejected) == (1200, [(701, "e700")])
    assert made_one_by_one == list(range(513, 1025))  # the batch holding the bad line, and no other


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


def test_a_time_without_an_offset_outside_the_calendar_says_what_to_write(tmp_path: Path) -> None:
    """1 January of year 1 at midnight in Rome (local mean time, +00:49:56) is still year 0 at UTC:
    the record is rejected naming the value and what to write, not with Python's bare 'date value
    out of range'."""
    for text in ("0001-01-01", "0001-01-01T00:00:00"):
        with pytest.raises(OverflowError, match=rf"'{text}' has no offset, and read in Europe/Rome it would lie"):
            parse_time(text, ROME)
    assert parse_time("0001-01-01T01:00:00", ROME).year == 1
    read = _read(tmp_path, "log.csv", b"id,time,actor,action\ne1,0001-01-01,school,report\n")
    assert [(r.line, r.reason[:35]) for r in read if isinstance(r, Rejected)] == [
        (2, "'0001-01-01' has no offset, and rea")
    ]


@pytest.mark.parametrize("name", ["log.csv", "log.jsonl"])
def test_unmapped_columns_and_keys_become_attributes_under_their_names(tmp_path: Path, name: str) -> None:
    """Every column or key no event field reads is an attribute under its own name, as written
    (an empty cell, or a JSON null, gives none); ``attributes`` renames one (column to attribute:
    ``主题`` to ``topics``), ``lists`` splits an attribute, by its name after renaming, on its
    separator (items stripped, empty ones dropped). A JSON record's ``attributes`` object is read
    as keys of the record, a key of the record itself winning."""
    fmap = FieldMap(lists={"topics": ";"}, attributes={"主题": "topics"})
    if name == "log.csv":
        data = "id,time,actor,action,主题,Note,empty\ne1,2024-03-01T09:00:00+01:00,b1,report,a; b;;c, hi ,\n"
        expected: dict[str, Any] = {"topics": ["a", "b", "c"], "Note": " hi "}
    else:
        record: dict[str, Any] = {"id": "e1", "time": "2024-03-01T09:00:00+01:00", "actor": "b1", "action": "report"}
        record |= {"主题": "a; b;;c", "Note": " hi ", "empty": "", "none": None, "n": 3}
        record["attributes"] = {"Note": "nested", "flag": True}
        data = json.dumps(record, ensure_ascii=False) + "\n"
        expected = {"topics": ["a", "b", "c"], "Note": " hi ", "n": 3, "flag": True}
    [event] = _read(tmp_path, name, data.encode(), fmap=fmap)
    assert isinstance(event, Event) and dict(event.attributes) == expected


def _one_time(tmp_path: Path, name: str, written: str) -> Event:
    """The event of a log of one record whose time is ``written``, read in Rome."""
    if name == "log.csv":
        data = f"id,time,actor,action\ne1,{written},b1,report\n"
    else:
        data = json.dumps({"id": "e1", "time": written, "actor": "b1", "action": "report"}) + "\n"
    [event] = _read(tmp_path, name, data.encode())
    assert isinstance(event, Event)
    return event


@pytest.mark.parametrize("name", ["log.csv", "log.jsonl"])
def test_a_wall_time_the_zone_skips_is_read_an_hour_later_on_the_clocks(tmp_path: Path, name: str) -> None:
    """02:30 on 31 March 2024 never showed on Rome's clocks (they went from 02:00 to 03:00). Read
    with the offset before the change (+01:00: PEP 495's ``fold=0``), it is the instant 01:30 UTC,
    which the clocks showed as 03:30 +02:00: the event holds that, at a fixed offset, and is not
    rejected. A time written with its offset is kept as written."""
    event = _one_time(tmp_path, name, "2024-03-31T02:30:00")
    assert event.time.isoformat() == "2024-03-31T03:30:00+02:00"
    assert event.time == datetime(2024, 3, 31, 1, 30, tzinfo=UTC)
    assert _one_time(tmp_path, name, "2024-03-31T02:30:00+01:00").time.isoformat() == "2024-03-31T02:30:00+01:00"


@pytest.mark.parametrize("name", ["log.csv", "log.jsonl"])
def test_a_wall_time_the_zone_repeats_is_read_as_the_first_of_the_two(tmp_path: Path, name: str) -> None:
    """02:30 on 27 October 2024 showed twice on Rome's clocks (at 03:00 +02:00 they went back to
    02:00 +01:00). Without an offset it is read as the first (+02:00, 00:30 UTC: PEP 495's
    ``fold=0``); the second is named only by writing its offset, and is kept as written."""
    event = _one_time(tmp_path, name, "2024-10-27 02:30")
    assert event.time.isoformat() == "2024-10-27T02:30:00+02:00"
    assert event.time == datetime(2024, 10, 27, 0, 30, tzinfo=UTC)
    second = _one_time(tmp_path, name, "2024-10-27T02:30:00+01:00")
    assert second.time == datetime(2024, 10, 27, 1, 30, tzinfo=UTC)


@pytest.mark.parametrize("name", ["log.csv", "log.jsonl"])
def test_a_time_format_reads_times_written_otherwise_than_iso_8601(tmp_path: Path, name: str) -> None:
    """A log writing ``15.01.2025 10:00`` (day.month.year) had every record rejected. With the
    map's ``time_format`` (a strptime pattern) its times are read, without an offset in the
    check's zone as an ISO time is (02:30 on the night clocks go forward is 03:30), in batches
    as record by record; a time not written so is rejected naming the pattern and a time it
    writes. Without it, such a time is rejected as before."""
    walls = [f"{d:02}.01.2025 10:{m:02}" for d in range(1, 29) for m in range(0, 60, 2)][:600]
    walls += ["31.03.2024 02:30", "2025-01-15T10:00:00+01:00", " 27.10.2024 02:30 "]
    rows = [(f"e{i}", wall) for i, wall in enumerate(walls)]
    if name == "log.csv":
        data = "id,time,actor,action\n" + "".join(f"{i},{w},b1,report\n" for i, w in rows)
    else:
        data = "".join(json.dumps({"id": i, "time": w, "actor": "b1", "action": "report"}) + "\n" for i, w in rows)
    fmap = FieldMap(time_format="%d.%m.%Y %H:%M")
    read = _read(tmp_path, name, data.encode(), fmap=fmap)
    events = [r for r in read if isinstance(r, Event)]
    assert len(events) == len(walls) - 1
    assert [e.time for e in events[:2]] == [
        datetime(2025, 1, 1, 9, 0, tzinfo=UTC),
        datetime(2025, 1, 1, 9, 2, tzinfo=UTC),
    ]
    assert all(type(e.time.tzinfo) is timezone for e in events)
    assert events[-2].time == datetime(2024, 3, 31, 1, 30, tzinfo=UTC)  # skipped by the zone: 03:30 +02:00
    assert events[-1].time == datetime(2024, 10, 27, 0, 30, tzinfo=UTC)  # repeated: the first, +02:00
    [rejected] = [r for r in read if isinstance(r, Rejected)]
    assert (rejected.line, rejected.record_id) == (len(walls) - 1 + (name == "log.csv"), "e601")
    assert rejected.reason == (
        "expected a time written as '%d.%m.%Y %H:%M' (the map's time_format), such as '28.11.2024 09:30', "
        "got '2025-01-15T10:00:00+01:00'"
    )
    assert rejected.reason_in("zh").startswith("应为按 '%d.%m.%Y %H:%M'(映射的 time_format)书写的时间")
    # an offset the pattern reads is kept
    with_offset = FieldMap(time_format="%d/%m/%Y %H:%M:%S %z")
    [event] = _read(
        tmp_path, "z.csv", b"id,time,actor,action\ne1,15/01/2025 10:00:00 +0530,b1,report\n", fmap=with_offset
    )
    assert isinstance(event, Event) and event.time.utcoffset() == timedelta(hours=5, minutes=30)
    # without a time_format, the ISO 8601 reading is as before
    read = _read(tmp_path, name, data.encode())
    assert [r.id for r in read if isinstance(r, Event)] == ["e601"]
    assert (
        cast(Rejected, read[0]).reason
        == "expected an ISO 8601 time such as 2024-11-28T09:30:00+01:00, got '01.01.2025 10:00'"
    )


@pytest.mark.parametrize("name", ["log.csv", "log.jsonl"])
def test_a_time_format_reads_every_time_never_iso_8601(tmp_path: Path, name: str) -> None:
    """With a ``time_format``, every time is read by it, in batches the C module would make too:
    ``2024-01-02`` read as year-day-month is 1 February, never 2 January as ISO 8601 reads it."""
    record = {"time": "2024-01-02T10:00:00+01:00", "actor": "b1", "action": "report"}
    if name == "log.csv":
        data = "id,time,actor,action\n" + "".join(f"e{i},{record['time']},b1,report\n" for i in range(1500))
    else:
        data = "".join(json.dumps({"id": f"e{i}", **record}) + "\n" for i in range(1500))
    read = _read(tmp_path, name, data.encode(), fmap=FieldMap(time_format="%Y-%d-%mT%H:%M:%S%z"))
    assert {r.time for r in read if isinstance(r, Event)} == {datetime(2024, 2, 1, 9, tzinfo=UTC)}
    assert len(read) == 1500


@pytest.mark.parametrize(
    ("pattern", "why"),
    [
        ("%d.%m %H:%M", "it names no day"),  # no year: strptime reads 1900
        ("%Y-%M-%d", "it names no day"),  # %M is the minute: every time in January
        ("%G-%m-%d", "it names no day"),  # an ISO year needs its week and weekday
        ("%d.%m.%Y %I:%M", "%I (a 12-hour clock) needs %p (AM or PM)"),
        ("%c", "%c is no directive a time_format may use"),
        ("%d.%m.%Y %H:%M %Z", "%Z is no directive a time_format may use"),
        ("%d.%m.%Y %Q", "%Q is no directive a time_format may use"),
        ("%d.%m.%Y %", "% is no directive a time_format may use"),
        ("%d.%m.%Y %H:%M %Y", "%Y is written twice"),
        # a 'Z' written as text: every time read in the check's zone, hours off UTC
        ("%Y-%m-%dT%H:%M:%SZ", "a 'Z' written as text reads every time as a wall time in the check's zone"),
    ],
)
def test_a_time_format_that_would_misread_times_is_refused(pattern: str, why: str) -> None:
    """A pattern that strptime would read wrongly (a day of 1900, a minute for a month, 10:00 PM as
    AM), that depends on the machine (%c, %Z), or that it cannot read, is refused when the map is
    made, saying why, rather than every record read wrong or rejected."""
    with pytest.raises(InvalidArgument) as raised:
        FieldMap(time_format=pattern)
    message = str(raised.value.args[0])
    assert message.startswith(f"time_format {pattern!r}: {why}")
    assert message.endswith("; expected a strptime pattern such as '%d.%m.%Y %H:%M'")
    for good in (
        "%d.%m.%Y %H:%M",
        "%Y%m%d",
        "%j/%Y",
        "%G-W%V-%u %H:%M",
        "%d %b %Y %I:%M %p",
        "%m/%d/%y %H:%M:%S.%f%z",
        "%Y-%m-%dT%H:%M:%S%z",  # reads 'Z' as UTC
        "%d %b %Y %H:%M UTC%z",
    ):
        assert FieldMap(time_format=good).time_format == good
    assert FieldMap.parse(["actor=who"], FieldMap(time_format="%Y%m%d")).time_format == "%Y%m%d"


@pytest.mark.parametrize("tz", [None, "Europe/Rome", UTC, timezone(timedelta(hours=2))])
def test_a_zone_that_is_no_zoneinfo_is_refused_when_the_reader_is_made(tmp_path: Path, tz: object) -> None:
    """``tz=None`` read a time without an offset in the machine's zone, so the report changed
    with the process's ``TZ``; a fixed offset failed mid-stream with an AttributeError at a time
    it could not place. Either is a TypeError before anything is read, as a type checker would
    have flagged it; `parse_time` refuses it where it would use it."""
    path = tmp_path / "log.csv"
    path.write_bytes(b"id,time,actor,action\ne1,0001-01-01T00:00:00,b1,report\ne2,2024-03-01T09:00:00,b1,report\n")
    with pytest.raises(TypeError, match=r"^tz: expected a zoneinfo.ZoneInfo, .* got "):
        read_events(path, tz=tz)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"^tz: expected a zoneinfo.ZoneInfo"):
        parse_time("2024-03-01T09:00:00", tz)  # type: ignore[arg-type]
    assert parse_time("2024-03-01T09:00:00+01:00", tz) == datetime(2024, 3, 1, 8, tzinfo=UTC)  # type: ignore[arg-type]
    assert [type(r).__name__ for r in read_events(path, tz=ROME)] == ["Rejected", "Event"]


@pytest.mark.parametrize("name", ["log.csv", "log.jsonl", "log.json", "log.xes"])
def test_a_reader_closed_or_dropped_unread_closes_its_file(tmp_path: Path, name: str) -> None:
    """The file is opened by the call (a log that cannot be opened is said there), and a reader
    closed or dropped before it was read left it open: a ``ResourceWarning``, an error under
    ``-W error``. It is closed either way, and a reader read in part and dropped closes it too."""
    actor = "org:resource" if name == "log.xes" else "actor"  # XES: the standard key
    records = [{"id": "e1", "time": "2024-03-01T09:00:00+01:00", actor: "b1", "action": "report"}] * 2
    data = "id,time,actor,action\n" + "e1,2024-03-01T09:00:00+01:00,b1,report\n" * 2
    (tmp_path / name).write_bytes(data.encode() if name == "log.csv" else _keyed_log(name, records))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        reader = read_events(tmp_path / name, tz=ROME)
        reader.close()
        reader = read_events(tmp_path / name, tz=ROME)
        del reader
        gc.collect()
        reader = read_events(tmp_path / name, tz=ROME)
        assert isinstance(next(reader), Event)
        del reader
        gc.collect()
    with pytest.raises(EventLogError) as raised:
        read_events(tmp_path / "absent.csv", tz=ROME)
    assert [p.code for p in raised.value.problems] == ["unreadable"]


@pytest.mark.parametrize("name", ["log\0.csv", "log\0.jsonl", "log\0.json", "log\0.xes"])
def test_a_log_path_holding_a_nul_character_cannot_be_opened(tmp_path: Path, name: str) -> None:
    """A path with a NUL character in it names no file: `read_events` raises `EventLogError`
    saying the log cannot be opened, as for a missing file, where `open` raised its own
    `ValueError` ("embedded null byte")."""
    path = f"{tmp_path}/{name}"
    with pytest.raises(EventLogError) as raised:
        read_events(path, tz=ROME)
    assert [(p.file, p.code) for p in raised.value.problems] == [(path, "unreadable")]
    assert str(raised.value.problems[0].message) == (
        "cannot open the log: the name holds a NUL character (U+0000), which no file's name can hold"
    )


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


# -- what the readers share between events --------------------------------------------------------


@pytest.mark.parametrize("name", ["log.csv", "log.jsonl"])
def test_a_subject_or_ref_read_again_is_the_string_read_first(tmp_path: Path, name: str) -> None:
    """The events of one case share one string per subject and ref (column by column in a CSV
    batch, record by record in JSON Lines); the values are those written."""
    rows = [("p1", "post", "case-1", ""), ("r1", "review", "case-1", "p1"), ("r2", "review", "case-1", "p1")]
    if name.endswith(".csv"):
        text = "id,time,actor,action,subject,ref\n"
        text += "".join(f"{i},2024-03-01T09:00:00+01:00,school,{a},{s},{r}\n" for i, a, s, r in rows)
    else:
        records = [
            {"id": i, "time": "2024-03-01T09:00:00+01:00", "actor": "school", "action": a, "subject": s}
            | ({"ref": r} if r else {})
            for i, a, s, r in rows
        ]
        text = "".join(json.dumps(record) + "\n" for record in records)
    post, first, second = _read(tmp_path, name, text.encode())
    assert isinstance(post, Event) and isinstance(first, Event) and isinstance(second, Event)
    assert [(e.subject, e.ref) for e in (post, first, second)] == [("case-1", None), ("case-1", "p1"), ("case-1", "p1")]
    assert post.subject is first.subject is second.subject
    assert first.ref is second.ref


def test_strings_are_shared_within_a_bounded_window(monkeypatch: pytest.MonkeyPatch) -> None:
    """The reader remembers two generations of at most `_SHARE_WINDOW` distinct values: a value
    read again within the window is shared, one from further back is not, and no more than two
    windows' worth is ever held."""
    monkeypatch.setattr(events_module, "_SHARE_WINDOW", 3)
    builder = _Builder(FieldMap(), ROME, "log.csv", {})
    first = builder.share(["".join(["a", "0"])])[0]
    assert builder.share(["".join(["a", "0"])])[0] is first
    for i in range(1, 7):
        builder.share([f"a{i}", None])
        assert len(builder._recent) < 3 and len(builder._older) <= 3
    again = builder.share(["".join(["a", "0"])])
    assert again == ["a0"] and again[0] is not first
    assert builder.share([None, "a6"]) == [None, "a6"]


@pytest.mark.parametrize("in_c", [True, False])
def test_a_string_of_the_older_generation_is_shared_and_kept_in_the_recent_one(in_c: bool) -> None:
    """A subject or ref read before, now in the older generation, is given as the string read
    then and moves to the recent generation; one in the recent generation is given from there
    (though the older holds another copy); a new one is kept as read. In C as in Python."""
    assert _c_module() is not None, "govrules._speedups was not compiled: install with a C compiler"
    builder = _Builder(FieldMap(), ROME, "log.jsonl", {})
    old, recent_one, stale = "".join(["case", "-1"]), "".join(["case", "-2"]), "".join(["case", "-2"])
    builder._older.update({old: old, recent_one: stale})
    builder._recent[recent_one] = recent_one
    subjects = ["".join(["case", "-1"]), "".join(["case", "-2"]), "".join(["case", "-3"])]
    fields: list[list[str | None]] = [
        ["e1", "e2", "e3"],
        ["2024-03-01T09:00:00+01:00"] * 3,
        ["school"] * 3,
        ["report"] * 3,
        [None] * 3,
        list(subjects),
        [None] * 3,
        [None] * 3,
    ]
    with pytest.MonkeyPatch.context() as patch:
        if not in_c:
            patch.setattr(events_module, "_speedups", None)
        made = builder._made(fields, [NO_ATTRIBUTES] * 3, [2, 3, 4])
    assert made is not None
    events = [e for e in made if isinstance(e, Event)]
    assert [e.subject for e in events] == ["case-1", "case-2", "case-3"]
    assert [events[0].subject is old, events[1].subject is recent_one, events[2].subject is subjects[2]] == [True] * 3
    assert builder._recent[old] is old and builder._recent["case-3"] is subjects[2]


def test_seq_is_the_line_moved_by_start_seq(tmp_path: Path) -> None:
    """``seq`` is the record's line (the same int object) from the first log, the line plus
    ``start_seq`` from a later one; both readings order the records as their lines do."""
    data = b"id,time,actor,action\n" + b"".join(b"e%d,2024-03-01T09:00:00+01:00,school,report\n" % i for i in range(3))
    path = tmp_path / "log.csv"
    path.write_bytes(data)
    alone = [e for e in read_events(path, tz=ROME) if isinstance(e, Event)]
    moved = [e for e in read_events(path, tz=ROME, start_seq=1000) if isinstance(e, Event)]
    assert [(e.line, e.seq) for e in alone] == [(2, 2), (3, 3), (4, 4)]
    assert all(e.seq is e.line for e in alone)
    assert [(e.line, e.seq) for e in moved] == [(2, 1002), (3, 1003), (4, 1004)]


@pytest.mark.parametrize("name", ["log.csv", "log.jsonl", "log.json"])
@pytest.mark.parametrize("in_c", [True, False])
@pytest.mark.parametrize("row_by_row", [False, True])
def test_attributes_of_leaves_out_the_attributes_of_other_actions(
    tmp_path: Path, name: str, in_c: bool, row_by_row: bool
) -> None:
    """With ``attributes_of``, only the events of those actions keep their attributes, however
    the batch is made (in C, column by column, or a record at a time); a record is rejected as
    without it, for text that is not text in an attribute that is then left out too."""
    records = [
        {"id": f"e{i}", "time": "2024-03-01T09:00:00+01:00", "actor": "school", "action": action, "tags": "a;b"}
        for i, action in enumerate(["report", "review", "report", "review"])
    ]
    if row_by_row:
        records[0]["time"] = "2024-03-01T09:00:00"  # a wall time: the batch is read a record at a time
    if name.endswith(".csv"):
        data = b"id,time,actor,action,tags\n" + b"".join(",".join(r.values()).encode() + b"\n" for r in records)
        data = data.replace(
            b"e3,2024-03-01T09:00:00+01:00,school,review,a;b", b"e3,2024-03-01T09:00:00+01:00,school,review,a\xb9"
        )
    else:
        records[3]["tags"] = "a\ud800"  # a lone surrogate, written as an escape
        text = "".join(json.dumps(r) + "\n" for r in records) if name.endswith(".jsonl") else json.dumps(records)
        data = text.encode()
    fmap = FieldMap(lists={"tags": ";"})
    with pytest.MonkeyPatch.context() as patch:
        if not in_c:
            patch.setattr(events_module, "_speedups", None)
        kept = _read(tmp_path, name, data, fmap=fmap, attributes_of=["report"])
        every = _read(tmp_path, name, data, fmap=fmap)
    assert [(type(r).__name__, r.line) for r in kept] == [
        ("Event", 1),
        ("Event", 2),
        ("Event", 3),
        ("Rejected", 4),
    ] or [(type(r).__name__, r.line) for r in kept] == [("Event", 2), ("Event", 3), ("Event", 4), ("Rejected", 5)]
    assert kept[3] == every[3]
    assert [(e.action, dict(e.attributes)) for e in kept if isinstance(e, Event)] == [
        ("report", {"tags": ["a", "b"]}),
        ("review", {}),
        ("report", {"tags": ["a", "b"]}),
    ]
    assert [e.attributes is NO_ATTRIBUTES for e in kept if isinstance(e, Event)] == [False, True, False]
    assert [e._replace(attributes=NO_ATTRIBUTES) for e in kept if isinstance(e, Event)] == [
        e._replace(attributes=NO_ATTRIBUTES) for e in every if isinstance(e, Event)
    ]


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("log.csv", b"id,time,actor,action,tags\ne1,2024-03-01T09:00:00+01:00,school,report,a;b\xb9\n"),
        (
            "log.json",
            b'[{"id": "e1", "time": "2024-03-01T09:00:00+01:00", "actor": "school", "action": "report", "tags": {"x": ["a", "\\ud800"]}}]',
        ),
        (
            "log.jsonl",
            b'{"id": "e1", "time": "2024-03-01T09:00:00+01:00", "actor": "school", "action": "report", "tags": ["\\udcb9"]}\n',
        ),
    ],
)
def test_text_that_is_not_text_inside_a_list_attribute_rejects_the_record(
    tmp_path: Path, name: str, data: bytes
) -> None:
    """An undecodable byte or a lone surrogate is looked for in an attribute's list items and
    nested values too (a report could not be written with one), not only in a plain value."""
    (record,) = _read(tmp_path, name, data, fmap=FieldMap(lists={"tags": ";"}))
    assert isinstance(record, Rejected)
    assert (record.line, record.record_id) == (1 if name != "log.csv" else 2, "e1")
    assert "not valid utf-8-sig text" in record.reason or "lone surrogate" in record.reason


def test_an_xes_event_outside_any_trace_belongs_to_no_case(tmp_path: Path) -> None:
    """An event directly under the log (IEEE 1849 allows it), before any trace or after one:
    no subject. Before, one after a trace took that trace's attributes (its case as subject),
    and one before any took a `global scope="trace"` default."""
    data = b"""<?xml version="1.0" encoding="UTF-8"?>
<log xes.version="1849-2016" xmlns="http://www.xes-standard.org/">
  <global scope="trace"><string key="concept:name" value="UNKNOWN"/></global>
  <event><string key="concept:name" value="payment"/><string key="org:resource" value="office"/>
    <date key="time:timestamp" value="2024-03-01T10:00:00+01:00"/></event>
  <trace><string key="concept:name" value="fine-1"/>
    <event><string key="concept:name" value="create"/><string key="org:resource" value="office"/>
      <date key="time:timestamp" value="2024-03-02T10:00:00+01:00"/></event>
  </trace>
  <event><string key="concept:name" value="payment"/><string key="org:resource" value="office"/>
    <date key="time:timestamp" value="2024-03-03T10:00:00+01:00"/></event>
</log>
"""
    records = _read(tmp_path, "log.xes", data)
    assert [(e.action, e.subject) for e in records if isinstance(e, Event)] == [
        ("payment", None),
        ("create", "fine-1"),
        ("payment", None),
    ]


def test_an_xes_boolean_is_read_as_xs_boolean(tmp_path: Path) -> None:
    """`true`, `1`, `false`, `0` are booleans (xs:boolean); other text is kept as written, as an
    int or float that does not read is. Before, `1` and `maybe` were both false."""
    values = ["true", "1", "false", "0", " TRUE ", "maybe"]
    events = "".join(
        f'<event><string key="concept:name" value="post"/><string key="org:resource" value="office"/>'
        f'<date key="time:timestamp" value="2024-03-0{i + 1}T10:00:00+01:00"/>'
        f'<boolean key="reviewed" value="{v}"/></event>'
        for i, v in enumerate(values)
    )
    data = f'<log xmlns="http://www.xes-standard.org/"><trace>{events}</trace></log>'.encode()
    records = _read(tmp_path, "log.xes", data, attributes_of=["post"])
    assert [e.attributes["reviewed"] for e in records if isinstance(e, Event)] == [
        True,
        True,
        False,
        False,
        True,
        "maybe",
    ]


def test_an_xes_number_read_as_an_event_field_keeps_its_text_as_written(tmp_path: Path) -> None:
    """An id written as an XES ``float`` ``1`` and another as ``1.0`` were both read as the float
    1.0, and so as one id ``1.0``: the second record was rejected as a duplicate of the first,
    and an ``int`` ``007`` was read as ``7``. An event field (here the id, the period and, from its
    trace, the subject) keeps the number's text as written, as a CSV cell does; an attribute
    keeps its XES type, for ``where`` to compare as a number."""
    event = (
        '<event><{tag} key="identity:id" value="{id}"/><string key="concept:name" value="report"/>'
        '<string key="org:resource" value="office"/><date key="time:timestamp" value="2024-03-01T10:00:00+01:00"/>'
        '<int key="period" value="2024"/><float key="amount" value="{id}"/></event>'
    )
    events = "".join(
        event.format(tag=tag, id=written) for tag, written in (("float", "1"), ("float", "1.0"), ("int", "007"))
    )
    trace = f'<trace><int key="concept:name" value="0042"/>{events}</trace>'
    records = _read(tmp_path, "log.xes", f'<log xmlns="http://www.xes-standard.org/">{trace}</log>'.encode())
    assert [(e.id, e.subject, e.period, e.attributes["amount"]) for e in records if isinstance(e, Event)] == [
        ("1", "0042", "2024", 1.0),
        ("1.0", "0042", "2024", 1.0),
        ("007", "0042", "2024", 7.0),
    ]
    assert [r for r in records if isinstance(r, Rejected)] == []


def test_an_xes_event_writing_an_attribute_twice_is_rejected(tmp_path: Path) -> None:
    """An event writing `concept:name` twice: which is its action is a guess, as for a JSON record
    writing a key twice, so it is rejected naming the attribute, and the next event is read. The
    last value was taken without a word."""
    event = (
        '<event><string key="concept:name" value="{a}"/>{extra}<string key="org:resource" value="office"/>'
        '<date key="time:timestamp" value="2024-03-0{d}T10:00:00+01:00"/></event>'
    )
    events = event.format(a="report", extra='<string key="concept:name" value="post"/>', d=1) + event.format(
        a="report", extra="", d=2
    )
    data = f'<log xmlns="http://www.xes-standard.org/"><trace>{events}</trace></log>'.encode()
    records = _read(tmp_path, "log.xes", data)
    assert [(r.line, r.reason) for r in records if isinstance(r, Rejected)] == [
        (1, "an event writes the attribute 'concept:name' more than once; XES does not say which value counts")
    ]
    assert [(e.line, e.action) for e in records if isinstance(e, Event)] == [(2, "report")]
    # a trace writing its name twice: each of its events' case would be a guess; the next trace reads
    trace = '<trace><string key="concept:name" value="c1"/>{extra}{events}</trace>'
    twice = trace.format(
        extra='<string key="concept:name" value="c2"/>', events=event.format(a="report", extra="", d=1)
    )
    once = trace.format(extra="", events=event.format(a="report", extra="", d=2))
    data = f'<log xmlns="http://www.xes-standard.org/">{twice}{once}</log>'.encode()
    records = _read(tmp_path, "log.xes", data)
    assert [(r.line, r.reason[:60]) for r in records if isinstance(r, Rejected)] == [
        (1, "its trace writes the attribute 'case:concept:name' more than")
    ]
    assert [(e.line, e.subject) for e in records if isinstance(e, Event)] == [(2, "c1")]


def test_a_rejected_records_reason_is_said_in_the_reports_language(tmp_path: Path) -> None:
    """Under ``lang="zh"`` a rejected record's message gives its reason in Chinese (the time
    it could not read, the columns it lacks, where its id was first read); ``detail.reason``
    keeps the English, as every ``detail`` does. Before, the reason was English in both."""
    import pickle

    from govrules import check, load_org, load_rules

    example = Path(__file__).resolve().parents[1] / "examples" / "school-ideology"
    log = tmp_path / "log.csv"
    log.write_text(
        "id,time,actor,action\n"
        "e1,2024-03-01T10:00:00+08:00,branch-1,ideology-report\n"
        "e2,2024-09-31 08:40,branch-1,ideology-report\n"
        "e3,2024-03-02T10:00:00+08:00,,ideology-report\n"
        "e1,2024-03-03T10:00:00+08:00,branch-1,ideology-report\n"
        "e4,2024-03-04T10:00:00+08:00,branch-1\n",
        encoding="utf-8",
    )
    rules, org = load_rules(example / "rules.yaml"), load_org(example / "org.yaml")
    tz = ZoneInfo("Asia/Shanghai")
    said = {}
    for lang in ("en", "zh"):
        report = check(
            rules,
            org,
            read_events(log, tz=tz),
            start=datetime(2024, 1, 1).date(),
            end=datetime(2025, 1, 1).date(),
            lang=lang,
        )
        rejected = [f for f in report.findings if f.code.value == "rejected-event"]
        assert [f.line for f in rejected] == [3, 4, 5, 6]
        said[lang] = rejected
    where = f"{log}"  # the path read, which the English reason keeps; the message says the log's name
    assert [f.message for f in said["zh"]] == [
        "记录 log.csv:3 无法读取:应为 ISO 8601 时间(如 2024-11-28T09:30:00+08:00),实为 '2024-09-31 08:40'"
        ":日期超出该月范围:2024-09 只有 30 天,没有 31 日",
        "记录 log.csv:4 无法读取:缺少 actor(列 'actor')",
        "记录 log.csv:5 无法读取:事件编号 'e1' 重复(首次见于 log.csv:2)",
        "记录 log.csv:6 无法读取:应与表头一样有 4 列,实有 3 列",
    ]
    assert (
        [f.detail["reason"] for f in said["zh"]]
        == [f.detail["reason"] for f in said["en"]]
        == [
            "expected an ISO 8601 time such as 2024-11-28T09:30:00+08:00, got '2024-09-31 08:40':"
            " day 31 is out of range for the month 2024-09, which has 30 days",
            "missing actor (column 'actor')",
            f"duplicate event id 'e1' (first at {where}:2)",
            "expected 4 columns as in the header, found 3",
        ]
    )
    assert [type(f.detail["reason"]) for f in said["zh"]] == [str] * 4  # plain text in a report
    # a reason survives pickling (records handed between processes) with its language
    reason = Reason("missing", fields=(Reason("missing-field", field="actor", columns="单位"),))
    again = pickle.loads(pickle.dumps(reason))
    assert (again, again.said("zh")) == ("missing actor (column '单位')", "缺少 actor(列 '单位')")
    # a rejected record holds plain data: its English text, and its entry and values, which
    # msgspec and json encode (a `Reason` in it made msgspec refuse the record)
    import msgspec

    record = Rejected("log.csv", 3, reason, "e3")
    assert (type(record.reason), record.reason) == (str, "missing actor (column '单位')")
    data = msgspec.to_builtins(record)
    assert data["said"] == {
        "key": "missing",
        "values": {"fields": [{"key": "missing-field", "values": {"field": "actor", "columns": "单位"}}]},
    }
    assert Reason.from_data(json.loads(json.dumps(data["said"]))).said("zh") == "缺少 actor(列 '单位')"
    assert record == Rejected("log.csv", 3, "missing actor (column '单位')", "e3")  # as a text would be


def test_every_reason_the_code_names_is_in_every_catalogue() -> None:
    """A `Reason` key written in the sources is a key of every catalogue's ``reasons``, and each
    language's entry has the English entry's placeholders (a missing key would fail only when
    that record came)."""
    import re

    from govrules.messages import LANGUAGES, catalogue

    src = Path(events_module.__file__).resolve().parent
    named = {m for p in src.rglob("*.py") for m in re.findall(r'Reason\(\s*"([\w-]+)"', p.read_text("utf-8"))}
    named |= set(re.findall(r'"(not-text-\w+)"', (src / "events.py").read_text("utf-8")))
    assert len(named) >= 30
    en = catalogue("en")["reasons"]
    assert named <= set(en), named - set(en)
    for lang in LANGUAGES:
        reasons = catalogue(lang)["reasons"]
        assert set(reasons) == set(en), lang
        for key, text in en.items():
            assert set(re.findall(r"\{(\w+)", reasons[key])) == set(re.findall(r"\{(\w+)", text)), (lang, key)


def test_an_iso_week_date_with_a_time_is_read_as_a_time() -> None:
    """``2024W01T10`` (ISO 8601 week date and hour, ten characters) is 10:00 on Monday 1 January
    2024; it was taken for a bare date and rejected with Python's own words."""
    tz = ZoneInfo("Asia/Shanghai")
    assert parse_time("2024W01T10", tz) == datetime(2024, 1, 1, 10, tzinfo=timezone(timedelta(hours=8)))
    assert parse_time("2024-03-01", tz) == datetime(2024, 3, 1, tzinfo=timezone(timedelta(hours=8)))  # a date: midnight


def _one_a_line(*texts: str) -> bytes:
    return ("[\n" + ",\n".join(texts) + "\n]\n").encode()


@pytest.mark.parametrize(
    ("text", "ids", "rejected"),
    [
        # one record a line: the broken record is its line, and the records after it are read
        (_one_a_line(_E % 1, (_E % 2)[:-1] + ",}", _E % 3, _E % 4), ["e1", "e3", "e4"], [(2, 3)]),
        (_one_a_line(_E % 1, (_E % 2)[:-1] + ",}", (_E % 3)[:-1] + ",}", _E % 4), ["e1", "e4"], [(2, 3), (3, 4)]),
        (_one_a_line(_E % 1, _E % 2, (_E % 3)[:-1] + ",}"), ["e1", "e2"], [(3, 4)]),  # the last one
        (_one_a_line(_E % 1, '{"id": "e2", "n": tru}', _E % 3), ["e1", "e3"], [(2, 3)]),
        # the last one with the array's ']' on its line: nothing follows, nothing is lost
        (f"[\n{_E % 1},\n{(_E % 2)[:-1]},}}]\n".encode(), ["e1"], [(2, 3)]),
        (f"[\n{_E % 1},\n{(_E % 2)[:-1]},}}]".encode(), ["e1"], [(2, 3)]),  # and no line break after it
        (f"[\n{_E % 1},\n{(_E % 2)[:-1]},}} ]\r\n".encode(), ["e1"], [(2, 3)]),
        (f"[\n{_E % 1},\n{(_E % 2)[:-1]},}},]\n".encode(), ["e1"], [(2, 3)]),
    ],
)
def test_a_json_array_of_one_record_a_line_reads_on_after_a_broken_record(
    tmp_path: Path, text: bytes, ids: list[str], rejected: list[tuple[int, int]]
) -> None:
    """An array whose records each stand on a line of their own (each before it read so): a
    record that does not decode is rejected at its number, its reason naming the line, and
    reading goes on at the next line; the reason does not say reading stopped."""
    read = _read(tmp_path, "log.json", text)
    assert [e.id for e in read if isinstance(e, Event)] == ids
    found = [r for r in read if isinstance(r, Rejected)]
    assert [(r.line, r.said["key"] if r.said else None) for r in found] == [
        (n, "array-invalid-json-line") for n, _ in rejected
    ]
    assert [r.reason.split(":")[0] for r in found] == [
        f"invalid JSON in the array at line {line}" for _, line in rejected
    ]
    assert [reading_stopped(r.reason) for r in found] == [None] * len(found)


@pytest.mark.parametrize(
    ("text", "ids", "where"),
    [
        # no record before the broken one shows the layout: where the next starts is not known
        (_one_a_line((_E % 1)[:-1] + ",}", _E % 2), [], (1, 2)),
        # records over several lines: the next record's start cannot be told from a nested object's
        (
            (
                "[\n" + ",\n".join(json.dumps(json.loads(_E % i), indent=2) for i in (1, 2)) + ',\n{"id": "e3",}\n]'
            ).encode(),
            ["e1", "e2"],
            (3, 14),
        ),
        # two records on a line
        ((f"[\n{_E % 1}, {_E % 2},\n" + (_E % 3)[:-1] + ",}\n]").encode(), ["e1", "e2"], (3, 3)),
        # a broken line that does not end its record where the next line starts one
        (f'[\n{_E % 1},\n{{"id": "e2", "attributes": {{\n"x": 1,}}}},\n{_E % 3}\n]'.encode(), ["e1"], (2, 4)),
        # cut: ends early, at the file's last line
        (_one_a_line(_E % 1, _E % 2)[:-3] + b"\n", ["e1", "e2"], (3, 3)),
        (_one_a_line(_E % 1, _E % 2)[:-3], ["e1", "e2"], (3, 3)),
        (f"[\n{_E % 1},\n".encode(), ["e1"], (2, 2)),
        (b"[\n", [], (1, 1)),
        (b"[\r\n\r\n", [], (1, 2)),
        (b"[", [], (1, 1)),
        (f"[{_E % 1} {_E % 2}]".encode(), ["e1"], (2, 1)),
        (f"[{_E % 1}]\n[{_E % 2}]".encode(), ["e1"], (2, 2)),
    ],
)
def test_a_json_array_whose_next_record_cannot_be_found_stops_saying_where(
    tmp_path: Path, text: bytes, ids: list[str], where: tuple[int, int]
) -> None:
    """Where the next record's start could only be guessed, reading stops at the broken record,
    and its reason says so and names the line it stopped at (`reading_stopped`)."""
    read = _read(tmp_path, "log.json", text)
    assert [e.id for e in read if isinstance(e, Event)] == ids
    [stop] = [r for r in read if isinstance(r, Rejected)]
    assert stop is read[-1]
    assert (stop.line, reading_stopped(stop.reason)) == (where[0], StoppedAt(where[1]))
    assert f"reading stopped at line {where[1]}" in stop.reason


def test_the_reasons_that_stop_or_repeat_are_told_by_their_words() -> None:
    """`reading_stopped` and `duplicate_of` look first for words every reason of theirs holds
    (so that most rejections are not matched against each pattern): each reason holds them."""
    from govrules.messages import Reason, catalogue

    reasons = catalogue("en")["reasons"]
    assert all(events_module._STOPPED in reasons[key] for key in events_module._STOPPING)
    assert all(reasons[key].startswith(events_module._DUPLICATE_START) for key in events_module._DUPLICATE)
    said = str(Reason("duplicate-id", id="e1", file="C:/logs/a.csv", line=12))
    assert events_module.duplicate_of(said) == events_module.FirstAt("C:/logs/a.csv", 12)
    # in a log that numbers its records (a JSON array, an XES log), the first is named as a record
    record = str(Reason("duplicate-id-record", id="e1", file="C:/logs/a.json", n=12))
    assert record == "duplicate event id 'e1' (first at record 12 of C:/logs/a.json)"
    assert events_module.duplicate_of(record) == events_module.FirstAt("C:/logs/a.json", 12)
    given = str(Reason("duplicate-id-given", id="e1"))
    assert events_module.duplicate_of(given) == events_module.FirstAt(None, None)
    assert events_module.duplicate_of("duplicate event id, as a reason a log wrote") is None
    assert reading_stopped(said) is None


def test_text_after_the_bracket_on_a_broken_last_records_line_stops_the_reading(tmp_path: Path) -> None:
    """The broken last record of an array written one record a line, the array's ``]`` on its
    line: the record is rejected, and text after the ``]`` stops the reading, as after any array."""
    read = _read(tmp_path, "log.json", f"[\n{_E % 1},\n{(_E % 2)[:-1]},}}] x\n".encode())
    assert [(type(r).__name__, r.line) for r in read] == [("Event", 1), ("Rejected", 2), ("Rejected", 3)]
    broken, stop = cast(list[Rejected], read[1:])
    assert (broken.said or {}).get("key") == "array-invalid-json-line"
    assert (stop.said or {}).get("key") == "array-after-end"
    assert reading_stopped(stop.reason) == StoppedAt(3)


_XES_EVENT = (
    '<event><string key="concept:name" value="report"/><string key="org:resource" value="{actor}"/>'
    '<date key="time:timestamp" value="2024-03-01T09:00:00+01:00"/></event>\n'
)


@pytest.mark.parametrize(
    ("declared", "actor", "said", "said_zh"),
    [
        (
            '<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">',
            "&b;",
            "the log declares the XML entity 'a', which is not read (an entity may expand a few bytes "
            "into gigabytes, or read another file): write the log without an <!ENTITY> declaration",
            "日志声明了 XML 实体 'a',不予读取(实体可能把几个字节展开成数 GB,或读取另一个文件):请写出不含 <!ENTITY> 声明的日志",
        ),
        (
            '<!ENTITY secret SYSTEM "file:///etc/hostname">',
            "&secret;",
            "the log declares the XML entity 'secret', which is not read (an entity may expand a few "
            "bytes into gigabytes, or read another file): write the log without an <!ENTITY> declaration",
            "日志声明了 XML 实体 'secret',不予读取(实体可能把几个字节展开成数 GB,或读取另一个文件):请写出不含 <!ENTITY> 声明的日志",
        ),
    ],
    ids=["expansion", "another-file"],
)
def test_an_xes_log_declaring_an_entity_is_refused_saying_so_at_its_record(
    tmp_path: Path, declared: str, actor: str, said: str, said_zh: str
) -> None:
    """An XES log that declares an XML entity (an expansion bomb, a file it would read) stops its
    reading at the record after the last one read, the reason saying which entity and what to
    write, where it said defusedxml's repr (``EntitiesForbidden(name='a', system_id=None, ...)``)
    as an unreadable log, at no record number."""
    data = (
        f'<?xml version="1.0"?>\n<!DOCTYPE log [{declared}]>\n<log>\n<trace>\n'
        + _XES_EVENT.format(actor="school")
        + _XES_EVENT.format(actor=actor)
        + "</trace>\n</log>\n"
    ).encode()
    [rejected] = _read(tmp_path, "log.xes", data)
    assert isinstance(rejected, Rejected)
    assert (rejected.line, rejected.numbered) == (1, True)
    assert rejected.reason == f"refused XML: {said}; reading stopped: the rest of the file cannot be read"
    assert rejected.reason_in("zh") == f"拒绝处理的 XML:{said_zh};读取中止:文件其余部分无法读取"
    assert reading_stopped(rejected.reason) == StoppedAt(None)


def test_an_xes_log_in_an_encoding_python_lacks_is_refused_at_its_first_record(tmp_path: Path) -> None:
    """An XES log declaring an encoding Python does not know stops its reading at its first
    record, which the reason and the record number say (it was said at no record number)."""
    data = b'<?xml version="1.0" encoding="x-unknown"?>\n<log>\n<trace>\n' + _XES_EVENT.format(actor="s").encode()
    [rejected] = _read(tmp_path, "log.xes", data)
    assert isinstance(rejected, Rejected)
    assert (rejected.line, rejected.numbered) == (1, True)
    assert rejected.reason == (
        "unreadable XES (XML): unknown encoding: x-unknown; reading stopped: the rest of the file cannot be read"
    )


def test_malformed_xes_says_the_line_reading_stopped_at(tmp_path: Path) -> None:
    event = (
        '<event><string key="concept:name" value="report"/><string key="org:resource" value="school"/>'
        '<date key="time:timestamp" value="2024-03-01T09:00:00+01:00"/></event>\n'
    )
    data = ('<?xml version="1.0"?>\n<log>\n<trace>\n' + event * 2 + "<event><string key=").encode()
    rejected = _read(tmp_path, "log.xes", data)[-1]
    assert isinstance(rejected, Rejected)
    assert reading_stopped(rejected.reason) == StoppedAt(6)


@pytest.mark.parametrize("name", ["log.csv", "log.jsonl", "log.json", "log.xes"])
@pytest.mark.parametrize("many", [False, True])
def test_an_actor_or_recipient_written_as_a_role_or_a_relation_rejects_its_record(
    tmp_path: Path, name: str, many: bool
) -> None:
    """A recipient ``role:vp`` (or an actor ``Relation:deans:faculty``, in any case) names the
    holder of a role, or a relation's members, as reports write them, not an actor: it was read
    as an actor's id no organisation may hold, and shown in reports as the party itself ("sent
    to the holder of role vp instead of the holder of role vp"). Its record is rejected saying
    so, in every format, whether the batch is made column by column (``many``) or record by
    record; an id that only holds such text further on (``cn:role:vp``) is read."""
    values = [
        ("b1", "role:vp"),
        ("Relation:deans:faculty", "hq"),
        ("b1", "ROLE:vp"),
        ("b1", "cn:role:vp"),
        ("roles:x", None),
    ]
    rows = [
        {"id": f"e{i}", "time": f"2024-03-0{i + 1}T10:00:00+01:00", "actor": actor, "action": "report"}
        | ({"recipient": recipient} if recipient else {})
        for i, (actor, recipient) in enumerate(values)
    ]
    filler = [
        {"id": f"f{i}", "time": "2024-03-10T10:00:00+01:00", "actor": "b1", "action": "report"} for i in range(600)
    ]
    records = rows + filler if many else rows
    if name == "log.csv":
        lines = [f"{r['id']},{r['time']},{r['actor']},{r['action']},{r.get('recipient', '')}" for r in records]
        data = ("id,time,actor,action,recipient\n" + "\n".join(lines) + "\n").encode()
    elif name == "log.jsonl":
        data = "".join(json.dumps(r) + "\n" for r in records).encode()
    elif name == "log.json":
        data = json.dumps(records).encode()
    else:
        keys = {"id": "identity:id", "time": "time:timestamp", "actor": "org:resource", "action": "concept:name"}
        events = "".join(
            "<event>"
            + "".join(
                f'<{"date" if k == "time" else "string"} key="{keys.get(k, k)}" value="{v}"/>' for k, v in r.items()
            )
            + "</event>"
            for r in records
        )
        data = f'<log xmlns="http://www.xes-standard.org/"><trace>{events}</trace></log>'.encode()
    read = _read(tmp_path, name, data)
    rejected = [r for r in read if isinstance(r, Rejected)]
    assert [(r.line, r.record_id, (r.said or {}).get("key")) for r in rejected] == [
        (2 if name == "log.csv" else 1, "e0", "role-as-actor"),
        (3 if name == "log.csv" else 2, "e1", "relation-as-actor"),
        (4 if name == "log.csv" else 3, "e2", "role-as-actor"),
    ]
    assert rejected[0].reason == (
        "field 'recipient' holds 'role:vp', as reports write the holder of a role (role:NAME), which is no actor: an "
        "event is done by and sent to actors, and no actor's id starts so, in any case; write the id of the actor"
    )
    assert (
        rejected[1]
        .reason_in("zh")
        .startswith("字段 'actor' 的值为 'Relation:deans:faculty',这是报告中某主体关系成员的写法(relation:关系:主体)")
    )
    assert [e.id for e in read if isinstance(e, Event)][:2] == ["e3", "e4"]
    assert len(read) == len(records)


def test_a_bad_time_is_said_with_an_example_at_the_zones_offset_and_the_part_out_of_range(tmp_path: Path) -> None:
    """A time that does not read gave an example at +08:00 whatever the check's zone, and said
    nothing of ``2011-02-30`` but that it was no ISO 8601 time: the example is at the offset the
    zone has then (+01:00 in Europe/Amsterdam, +08:00 in Asia/Shanghai), and a day past its
    month's end, a month 13, an hour 24, a minute or second 60 is said, in both catalogues."""
    amsterdam = ZoneInfo("Europe/Amsterdam")
    log = tmp_path / "log.csv"
    times = ["2011-02-30", "2011-13-01T10:00", "2011-01-01T24:00", "2011-01-01 10:60", "2011-01-01T10:00:60", "bad"]
    log.write_text("id,time,actor,action\n" + "".join(f"e{i},{t},b1,report\n" for i, t in enumerate(times)), "utf-8")
    rejected = list(read_events(log, tz=amsterdam))
    assert all(isinstance(r, Rejected) for r in rejected)
    said = [cast(Rejected, r).said for r in rejected]
    assert [(s or {})["key"] for s in said] == ["bad-time-part"] * 5 + ["bad-time"]
    whys = [(s or {})["values"].get("why") for s in said]
    assert [w and (w["key"], w["values"]) for w in whys] == [
        ("time-day", {"day": "30", "year": "2011", "month": "02", "days": 28}),
        ("time-month", {"month": "13"}),
        ("time-hour", {"value": "24"}),
        ("time-minute", {"value": "60"}),
        ("time-second", {"value": "60"}),
        None,
    ]
    first = cast(Rejected, rejected[0])
    assert first.reason == (
        "expected an ISO 8601 time such as 2024-11-28T09:30:00+01:00, got '2011-02-30':"
        " day 30 is out of range for the month 2011-02, which has 28 days"
    )
    assert first.reason_in("zh") == (
        "应为 ISO 8601 时间(如 2024-11-28T09:30:00+01:00),实为 '2011-02-30':日期超出该月范围:2011-02 只有 28 天,没有 30 日"
    )
    assert cast(Rejected, rejected[1]).reason.endswith(": month 13 is out of range (01 to 12)")
    assert cast(Rejected, rejected[1]).reason_in("zh").endswith(":月份超出范围:没有 13 月(月份为 01 至 12)")
    assert cast(Rejected, rejected[2]).reason_in("zh").endswith(":小时超出范围:24 不在 00 至 23 之间")
    assert (
        cast(Rejected, rejected[5]).reason == "expected an ISO 8601 time such as 2024-11-28T09:30:00+01:00, got 'bad'"
    )
    one = tmp_path / "one.csv"
    one.write_text("id,time,actor,action\ne,bad,b,r\n", "utf-8")
    [shanghai] = read_events(one, tz=ZoneInfo("Asia/Shanghai"))
    assert cast(Rejected, shanghai).reason == "expected an ISO 8601 time such as 2024-11-28T09:30:00+08:00, got 'bad'"
    # a time_format's example is written at the zone's offset too
    with_offset = FieldMap(time_format="%d/%m/%Y %H:%M %z")
    [wrong] = read_events(one, tz=amsterdam, fmap=with_offset)
    assert cast(Rejected, wrong).reason.endswith("such as '28/11/2024 09:30 +0100', got 'bad'")
