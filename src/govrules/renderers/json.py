"""The JSON report: the `Report` model dumped as is (schema: schemas/report.schema.json)."""

from __future__ import annotations

from functools import cache
from itertools import islice
from typing import TYPE_CHECKING, Any, BinaryIO

from pydantic import TypeAdapter
from pydantic_core import to_json

if TYPE_CHECKING:
    from govrules.findings import Report
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
    serialised by the field's own type and indented one level further, which gives the same
    bytes as serialising the report in one piece (a test compares them).
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
    serialised `_PART` items at a time."""
    is_mapping = isinstance(value, dict)
    opening, closing = (b"{", b"}") if is_mapping else (b"[", b"]")
    if not value:
        handle.write(opening + closing)
        return
    dump = _adapter(name).dump_json
    handle.write(opening)
    items = iter(value.items()) if is_mapping else iter(value)
    first = True
    while part := list(islice(items, _PART)):
        text = dump(dict(part) if is_mapping else tuple(part), indent=2)
        # between the part's own brackets, one level deeper
        if not first:
            handle.write(b",")
        handle.write(text[1:-2].replace(b"\n", b"\n  "))
        first = False
    handle.write(b"\n  " + closing)


@cache
def _adapter(name: str) -> TypeAdapter[Any]:
    from govrules.findings import Report

    annotation = Report.model_fields[name].annotation
    assert annotation is not None  # every field of the report is annotated
    return TypeAdapter(annotation)
