"""Renderers: pure functions from a `Report` to text, one module per format.

``RENDERERS`` maps a format name to ``render(report, context) -> str``; ``--format`` offers
``sorted(RENDERERS)``. A renderer never mutates the report, prints, or reads the clock.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from govrules.findings import Report

__all__ = ["RENDERERS", "RenderContext", "render"]


@dataclass(frozen=True)
class RenderContext:
    """What a renderer may need beyond the report: names, rule texts, colour, file paths."""

    actor_names: Mapping[str, Any] = field(default_factory=dict)
    rules: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    rules_file: str | None = None
    colour: bool = False


Renderer = Callable[[Report, RenderContext], str]


def _registry() -> dict[str, Renderer]:
    from govrules.renderers import json as json_renderer
    from govrules.renderers import text as text_renderer

    return {"json": json_renderer.render, "text": text_renderer.render}


RENDERERS: Mapping[str, Renderer] = _registry()


def render(report: Report, fmt: str = "text", context: RenderContext | None = None) -> str:
    """Render ``report`` in format ``fmt``.

    Raises:
        ValueError: an unknown format.
    """
    try:
        renderer = RENDERERS[fmt]
    except KeyError:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(sorted(RENDERERS))}") from None
    return renderer(report, context or RenderContext())
