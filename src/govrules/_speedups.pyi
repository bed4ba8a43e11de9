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
def account(
    batch: list[Any],
    event: type[Any],
    seen: dict[str, int | None],
    bound_of: Callable[[Any], datetime | None],
    first_file: str | None,
    other_files: dict[str, str | None],
    rising: bool,
    top: int,
    known: set[str],
    wanted: set[str],
    bare: set[str],
    by_action: dict[str, list[Any]],
    parts: dict[str, list[tuple[Any, ...]]],
    part: int,
    stripped: Callable[[Any], Any],
) -> tuple[bool, int, bool] | None: ...
