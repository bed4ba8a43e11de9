"""The JSON report: the `Report` model dumped as is (schema: schemas/report.schema.json)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from govrules.findings import Report
    from govrules.renderers import RenderContext


def render(report: Report, context: RenderContext) -> str:
    """The report as indented JSON with a final newline."""
    return json.dumps(report.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"
