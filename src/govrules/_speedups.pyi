from collections.abc import Callable, Mapping
from datetime import datetime, tzinfo
from typing import Any

def build_rows(
    rows: list[list[str]],
    lines: list[int],
    seqs: list[int],
    width: int,
    max_chars: int,
    fields: tuple[int, ...],
    attributes: tuple[tuple[int, str, str | None], ...],
    event: type[Any],
    no_attributes: Mapping[str, Any],
    file: str,
    base: str,
    zones: dict[tzinfo, tzinfo],
    recent: dict[str, str],
    older: dict[str, str],
    fromisoformat: Callable[[str], datetime],
    attributes_of: frozenset[str] | None,
) -> list[Any] | None: ...
def build_columns(
    fields: tuple[list[str | None], ...],
    attributes: list[Mapping[str, Any]],
    lines: list[int],
    seqs: list[int],
    event: type[Any],
    no_attributes: Mapping[str, Any],
    file: str,
    base: str,
    zones: dict[tzinfo, tzinfo],
    recent: dict[str, str],
    older: dict[str, str],
    fromisoformat: Callable[[str], datetime],
    attributes_of: frozenset[str] | None,
) -> list[Any] | None: ...
