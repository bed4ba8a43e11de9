"""The JSON report: the `Report` model dumped as is (schema: schemas/report.schema.json)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta, timezone
from functools import cache
from itertools import chain, islice
from operator import attrgetter, methodcaller
from typing import TYPE_CHECKING, Any, BinaryIO

import msgspec
from pydantic import TypeAdapter
from pydantic_core import to_json

from govrules.findings import Report

if TYPE_CHECKING:
    from govrules.renderers import RenderContext

_LARGE = ("findings", "outcomes", "evidence_locations")
"""The report's fields that grow with the log, written a part at a time by `write`."""

_PART = 4096
"""How many items of a large field `write` serialises at a time."""


def render(report: Report, context: RenderContext) -> str:
    """The report as indented JSON (UTF-8 text, not escaped) with a final newline.

    Serialised by pydantic's core in one pass, with no intermediate tree of Python objects: the
    report of a large audit holds hundreds of thousands of outcomes.
    """
    return report.model_dump_json(indent=2) + "\n"


def write(report: Report, handle: BinaryIO) -> None:
    """Write the bytes of `render` (UTF-8) to ``handle``, without making the text first, and
    without the whole of them in memory at once.

    A report of a million events is some 350 MB of JSON (which serialising in one piece holds
    twice over for a moment). The report without its findings, outcomes and evidence locations
    is serialised whole; each of those three is then written `_PART` items at a time, each part
    serialised (by msgspec where it gives pydantic's bytes, see `_part_text`, else by the field's
    own type) at the depth of a field, which gives the same bytes as serialising the report in
    one piece (tests compare them).
    """
    shell = to_json(
        report.model_copy(update={name: {} if name == "evidence_locations" else () for name in _LARGE}), indent=2
    )
    done = 0
    for name in _LARGE:
        # the empty field as it stands in the shell: at the top level (indented two spaces) and
        # after a newline, which no string holds raw, so nothing else can look the same
        empty = f'\n  "{name}": {"{}" if name == "evidence_locations" else "[]"}'.encode()
        at = shell.index(empty, done)
        handle.write(shell[done : at + len(empty) - 2])
        _write_large(handle, name, getattr(report, name))
        done = at + len(empty)
    handle.write(shell[done:])
    handle.write(b"\n")


def _write_large(handle: BinaryIO, name: str, value: Any) -> None:
    """``value``, the report's field ``name`` (a tuple or a mapping), as it stands in the report:
    serialised `_PART` items at a time, by msgspec where it gives pydantic's bytes (`_plain`),
    else by pydantic."""
    is_mapping = isinstance(value, dict)
    opening, closing = (b"{", b"}") if is_mapping else (b"[", b"]")
    if not value:
        handle.write(opening + closing)
        return
    handle.write(opening)
    items = iter(value.items()) if is_mapping else iter(value)
    first = True
    while part := list(islice(items, _PART)):
        if not first:
            handle.write(b",")
        handle.write(_part_text(name, dict(part) if is_mapping else part, is_mapping))
        first = False
    handle.write(b"\n  " + closing)


_WRAPPED = {False: (b'{\n  "_": [', b"\n  ]\n}"), True: (b'{\n  "_": {', b"\n  }\n}")}
"""How a part wrapped as ``{"_": part}`` begins and ends, formatted with an indent of 2: its items
stand between the two at the depth of a field of the report."""

_encode = msgspec.json.Encoder().encode


def _part_text(name: str, part: Any, is_mapping: bool) -> bytes | memoryview:
    """The items of ``part`` (a list of records, or a dict of them by id) as they stand in the
    report's field ``name``, between its brackets, without them.

    msgspec writes a record about five times as fast as pydantic, and the same bytes for the
    values a report holds, except in two cases (tests/renderers/test_json.py compares the two):
    an instant at a UTC offset of zero, or of part of a minute (pydantic ``+00:00``, msgspec
    ``Z``), and a float (pydantic ``1e+16``, msgspec ``1e16``). A part with either, or one msgspec
    cannot write, is written by pydantic.
    """
    if _plain(name, part.values() if is_mapping else part):
        try:
            text = msgspec.json.format(_encode({"_": part}), indent=2)
        except (TypeError, ValueError, OverflowError, UnicodeError, msgspec.EncodeError):
            pass
        else:
            start, end = _WRAPPED[is_mapping]
            return memoryview(text)[len(start) : -len(end)]  # not copied
    text = _adapter(name).dump_json(part if is_mapping else tuple(part), indent=2)
    # between the part's own brackets, one level deeper
    return text[1:-2].replace(b"\n", b"\n  ")


def _plain(name: str, part: Iterable[Any]) -> bool:
    """Whether msgspec writes ``part`` (records of the report's field ``name``, with values of
    their fields' types, as the checker makes them) as pydantic does: no instant at an offset of
    zero or of part of a minute, and no float in a finding's detail."""
    if name == "evidence_locations":
        return True
    records = list(part)
    instants = list(filter(None, chain(map(_opens, records), map(_due, records))))
    zones = set(map(_tzinfo, instants))
    if all(type(zone) is timezone for zone in zones):  # fixed offsets: each looked at once
        offsets = {zone.utcoffset(None) for zone in zones}
    else:  # a zone's offset changes with the instant (or an instant is naive)
        offsets = set(map(_utcoffset, instants))
    return all(map(_plain_offset, offsets)) and (name != "findings" or all(_plain_value(f.detail) for f in records))


_opens, _due, _tzinfo = attrgetter("opens"), attrgetter("due"), attrgetter("tzinfo")
_utcoffset = methodcaller("utcoffset")


def _plain_offset(offset: timedelta | None) -> bool:
    """Whether msgspec writes an instant at ``offset`` as pydantic does: aware, at an offset of
    whole minutes other than zero."""
    return offset is not None and bool(offset) and not offset.seconds % 60 and not offset.microseconds


def _plain_value(value: Any) -> bool:
    """Whether msgspec writes ``value`` (a finding's detail, or part of it) as pydantic does:
    text, whole numbers, booleans, None, and lists and string-keyed dicts of them."""
    if value is None or isinstance(value, (str, int)):
        return True
    if isinstance(value, (list, tuple)):
        return all(map(_plain_value, value))
    if isinstance(value, dict):
        return all(type(k) is str for k in value) and all(map(_plain_value, value.values()))
    return False


@cache
def _adapter(name: str) -> TypeAdapter[Any]:
    annotation = Report.model_fields[name].annotation
    assert annotation is not None  # every field of the report is annotated
    return TypeAdapter(annotation)
