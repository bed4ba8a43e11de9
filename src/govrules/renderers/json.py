"""The JSON report: the `Report` model dumped (schema: schemas/report.schema.json), its notes
those every format says (`_common.noted`: with the notes of the logs not read whole)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import timedelta
from functools import cache
from itertools import chain, islice
from operator import attrgetter, methodcaller
from types import UnionType
from typing import TYPE_CHECKING, Any, BinaryIO, Literal, Union, get_args, get_origin, get_type_hints

import msgspec
from pydantic import TypeAdapter
from pydantic_core import to_json

from govrules.events import at_fixed_offsets
from govrules.findings import EvidenceLocation, Finding, Outcome, Report
from govrules.renderers._common import noted

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
    return noted(report).model_dump_json(indent=2) + "\n"


def write(report: Report, handle: BinaryIO, *, typed: bool = False) -> None:
    """Write the bytes of `render` (UTF-8) to ``handle``, without making the text first, and
    without the whole of them in memory at once.

    A report of a million events is some 350 MB of JSON (which serialising in one piece holds
    twice over for a moment). The report without its findings, outcomes and evidence locations
    is serialised whole; each of those three is then written `_PART` items at a time, each part
    serialised (by msgspec where it gives pydantic's bytes, see `_part_text`, else by the field's
    own type) at the depth of a field, which gives the same bytes as serialising the report in
    one piece (tests compare them).

    ``typed``: the report's findings, outcomes and locations hold values of the types their fields
    declare, as the checker makes them (`govrules check` says so of the report `check` gave it),
    so that the values are not looked at again for msgspec; any other record is (`_plain`).
    """
    report = noted(report)
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
        _write_large(handle, name, getattr(report, name), typed)
        done = at + len(empty)
    handle.write(shell[done:])
    handle.write(b"\n")


def _write_large(handle: BinaryIO, name: str, value: Any, typed: bool = False) -> None:
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
        handle.write(_part_text(name, dict(part) if is_mapping else part, is_mapping, typed))
        first = False
    handle.write(b"\n  " + closing)


_WRAPPED = {False: (b'{\n  "_": [', b"\n  ]\n}"), True: (b'{\n  "_": {', b"\n  }\n}")}
"""How a part wrapped as ``{"_": part}`` begins and ends, formatted with an indent of 2: its items
stand between the two at the depth of a field of the report."""

_encode = msgspec.json.Encoder().encode


def _part_text(name: str, part: Any, is_mapping: bool, typed: bool = False) -> bytes | memoryview:
    """The items of ``part`` (a list of records, or a dict of them by id) as they stand in the
    report's field ``name``, between its brackets, without them.

    msgspec writes a record about five times as fast as pydantic, and the same bytes for the
    values a report holds, except in a few cases (tests/renderers/test_json.py compares the two):
    an instant at a UTC offset of zero, or of part of a minute (pydantic ``+00:00``, msgspec
    ``Z``), a float (pydantic ``1e+16``, msgspec ``1e16``), and values of other types than the
    record's fields declare, which a record made in Python may hold (a bool where a number is
    declared, bytes, an enum whose value is not its text, a subclass of the record with fields of
    its own). A part with any of those (`_plain`), or one msgspec or that check trips on, is
    written by pydantic, which gives `render`'s bytes or its error.
    """
    try:
        plain = _plain(name, part.values() if is_mapping else part, typed) and (
            not is_mapping or set(map(type, part)) <= {str}
        )
        text = msgspec.json.format(_encode({"_": part}), indent=2) if plain else None
    except Exception:  # pydantic then writes it, or says what is wrong
        text = None
    if text is not None:
        start, end = _WRAPPED[is_mapping]
        return memoryview(text)[len(start) : -len(end)]  # not copied
    text = _adapter(name).dump_json(part if is_mapping else tuple(part), indent=2)
    # between the part's own brackets, one level deeper
    return text[1:-2].replace(b"\n", b"\n  ")


_RECORDS = {"findings": Finding, "outcomes": Outcome, "evidence_locations": EvidenceLocation}


def _exact_types(hint: Any) -> frozenset[type]:
    """The exact types of the values a field annotated ``hint`` holds as the checker makes it
    (a bool, a subclass of int, is not an int here: pydantic writes it as a number where one is
    declared, msgspec as ``true``)."""
    origin = get_origin(hint)
    if origin is Union or origin is UnionType:
        return frozenset().union(*map(_exact_types, get_args(hint)))
    if origin is Literal:
        return frozenset(map(type, get_args(hint)))
    if origin is not None:  # tuple[str, ...], dict[str, Any]
        return frozenset({origin})
    return frozenset({type(None) if hint is None else hint})


@cache
def _field_checks(record: type) -> tuple[tuple[Callable[[Any], Any], frozenset[type]], ...]:
    """Each field of ``record`` as a getter, with the exact types its values may have."""
    hints = get_type_hints(record)
    return tuple((attrgetter(f.name), _exact_types(hints[f.name])) for f in msgspec.structs.fields(record))


def _plain(name: str, part: Iterable[Any], typed: bool = False) -> bool:
    """Whether msgspec writes ``part`` (records of the report's field ``name``) as pydantic does:
    records of exactly the field's record type, each value of exactly a type its field declares
    (`_field_checks`), no instant at an offset of zero or of part of a minute, text alone in the
    evidence, and details that `_plain_value` passes."""
    records = list(part)
    kind = _RECORDS[name]
    if not set(map(type, records)) <= {kind}:
        return False
    if not typed:  # each value read again: about as long at 1M as msgspec's writing itself
        for get, allowed in _field_checks(kind):
            if not set(map(type, map(get, records))) <= allowed:
                return False
        if kind is not EvidenceLocation and not set(map(type, chain.from_iterable(map(_evidence, records)))) <= {str}:
            return False
    if kind is EvidenceLocation:
        return True
    instants = list(filter(None, chain(map(_opens, records), map(_due, records))))
    if at_fixed_offsets(instants):  # each offset looked at once
        offsets = {zone.utcoffset(None) for zone in set(map(_tzinfo, instants))}
    else:  # a zone's offset changes with the instant (or an instant is naive)
        offsets = set(map(_utcoffset, instants))
    return all(map(_plain_offset, offsets)) and (kind is not Finding or all(map(_plain_value, map(_detail, records))))


_opens, _due, _evidence, _detail = attrgetter("opens"), attrgetter("due"), attrgetter("evidence"), attrgetter("detail")
_tzinfo, _utcoffset = attrgetter("tzinfo"), methodcaller("utcoffset")


def _plain_offset(offset: timedelta | None) -> bool:
    """Whether msgspec writes an instant at ``offset`` as pydantic does: aware, at an offset of
    whole minutes other than zero."""
    return offset is not None and bool(offset) and not offset.seconds % 60 and not offset.microseconds


def _plain_value(value: Any, depth: int = 0) -> bool:
    """Whether msgspec writes ``value`` (a finding's detail, or part of it) as pydantic does:
    text, whole numbers, booleans and None, and lists, tuples and text-keyed dicts of them, of
    exactly those types and nested at most 64 deep (pydantic refuses to write deeper ones)."""
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:
        return True
    if depth >= 64:
        return False
    if kind is list or kind is tuple:
        return all(_plain_value(v, depth + 1) for v in value)
    if kind is dict:
        return all(type(k) is str for k in value) and all(_plain_value(v, depth + 1) for v in value.values())
    return False


@cache
def _adapter(name: str) -> TypeAdapter[Any]:
    annotation = Report.model_fields[name].annotation
    assert annotation is not None  # every field of the report is annotated
    return TypeAdapter(annotation)
