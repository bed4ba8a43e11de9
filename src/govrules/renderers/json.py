"""The JSON report: the `Report` model dumped as is (schema: schemas/report.schema.json)."""

from __future__ import annotations

from typing import TYPE_CHECKING, BinaryIO

from pydantic_core import to_json

if TYPE_CHECKING:
    from govrules.findings import Report
    from govrules.renderers import RenderContext


def render(report: Report, context: RenderContext) -> str:
    """The report as indented JSON (UTF-8 text, not escaped) with a final newline.

    Serialised by pydantic's core in one pass, with no intermediate tree of Python objects: the
    report of a large audit holds hundreds of thousands of outcomes.
    """
    return report.model_dump_json(indent=2) + "\n"


def write(report: Report, handle: BinaryIO) -> None:
    """Write the bytes of `render` (UTF-8) to ``handle``, without making the text first.

    A report of a million events is some 300 MB of JSON; as a Python string of Chinese and
    Latin text it would take twice that again.
    """
    handle.write(to_json(report, indent=2))
    handle.write(b"\n")
