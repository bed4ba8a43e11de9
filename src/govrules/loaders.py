"""Load rule sets and organisations from YAML or JSON, reporting every problem at once.

Each problem names the file, line, column and JSON pointer, with a stable code and a message
saying what was expected and what was found (with "did you mean" for misspelt keys and names).
YAML is read with the safe loader's composer and converted here, so that duplicate keys are
rejected, tags that build objects are refused, alias expansion and nesting are bounded, and
every value keeps its position.
"""

from __future__ import annotations

import bisect
import difflib
import json
import math
import os
import re
import sys
import types
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, NamedTuple, TypeVar, Union, get_args, get_origin

import yaml
from pydantic import BaseModel, ValidationError
from typing_extensions import is_typeddict

from govrules import model
from govrules.errors import InvalidArgument, LoadError, OrganisationError, Problem, RuleSetError
from govrules.events import (
    FORMATS,
    PARTY_PREFIXES,
    FieldMap,
    known_encoding,
    party_prefix,
    time_format_problem,
    usable_delimiter,
)
from govrules.messages import Wording, openable, os_error
from govrules.model import (
    AdjustedCalendar,
    CalendarPeriod,
    FiscalYear,
    Organisation,
    PrerequisiteRule,
    Recurrence,
    RecurringRule,
    RuleSet,
    actions_of,
    as_party,
    calendar_problems,
)
from govrules.periods import Grain, canonical_label, first_occurrence, iter_periods

if TYPE_CHECKING:
    from govrules.durations import Duration

__all__ = [
    "Limits",
    "MapFile",
    "SourceMap",
    "cross_check",
    "load_map_file",
    "load_org",
    "load_rules",
    "parse_document",
]

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True, slots=True)
class Limits:
    """Caps that protect against hostile or broken files (documented in docs/trust.md)."""

    max_file_bytes: int = 20 * 1024 * 1024
    max_nodes: int = 200_000
    max_depth: int = 64
    max_rules: int = 10_000


DEFAULT_LIMITS = Limits()


@dataclass(slots=True)
class SourceMap:
    """Where each JSON pointer of a loaded document came from.

    ``unusable`` holds the pointers of values that were refused while reading (a tag that
    builds objects, a number that is not finite); validation problems at or under them are
    not reported again. ``written`` holds the text of each value read as a number or as true or
    false, as the file writes it (``1.10``, ``01``, ``no``), which a problem asking for text
    shows quoted. ``after_comma`` holds the pointers of keys of a ``{...}`` mapping written without
    a colon of their own after unquoted text on their line (``{words: 应当报告, 并存档}``): most
    likely text a comma ended. ``yaml11`` holds the unquoted values YAML 1.1 alone reads as a
    number or as true or false (`yaml11_reading`), by pointer, which a rule set and an
    organisation refuse.
    """

    file: str
    positions: dict[str, tuple[int, int]] = field(default_factory=dict)
    unusable: set[str] = field(default_factory=set)
    written: dict[str, str] = field(default_factory=dict)
    after_comma: set[str] = field(default_factory=set)
    yaml11: dict[str, Any] = field(default_factory=dict)

    def locate(self, pointer: str) -> tuple[int | None, int | None]:
        """The (line, column) of ``pointer``, or of its nearest ancestor that has one."""
        while True:
            if pointer in self.positions:
                return self.positions[pointer]
            if not pointer:
                return (None, None)
            pointer = pointer.rsplit("/", 1)[0]

    def problem(self, pointer: str, code: str, message: str) -> Problem:
        """A `Problem` at ``pointer`` of this file."""
        line, column = self.locate(pointer)
        return Problem(self.file, line, column, pointer, code, message)

    def refuse(self, pointer: str, code: str, message: str) -> Problem:
        """A `Problem` about a value that is read as ``None``; marks ``pointer`` unusable."""
        self.unusable.add(pointer)
        return self.problem(pointer, code, message)

    def covers(self, pointer: str) -> bool:
        """Whether ``pointer`` is, or lies under, an unusable value."""
        return any(pointer == bad or pointer.startswith(bad + "/") for bad in self.unusable)


class _Abort(Exception):
    def __init__(self, problem: Problem) -> None:
        self.problem = problem


def pointer_step(token: str) -> str:
    """A mapping key as a step of a JSON pointer (RFC 6901: ``~`` and ``/`` escaped)."""
    return token.replace("~", "~0").replace("/", "~1")


_SCALAR_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}


def _finite(value: Any) -> bool:
    return not isinstance(value, float) or math.isfinite(value)


_YAML12_BOOL = frozenset({"true", "True", "TRUE", "false", "False", "FALSE"})
_YAML12_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
_YAML12_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
"""How YAML 1.2 writes true and false, a whole number in decimal digits (no leading ``0``) and
a number with a fraction or an exponent: the unquoted values both YAML versions read alike."""


def yaml11_reading(text: str, value: Any) -> bool:
    """Whether ``text``, unquoted, is read as ``value`` (a number, true or false) by YAML 1.1
    alone, the YAML PyYAML reads, where a person reading the file sees other text: ``010`` is
    octal 8, ``0x1A`` 26, ``0b11`` 3, ``1:30`` 90 (base 60), ``1_000`` 1000, and ``yes``, ``no``,
    ``on``, ``off`` (in three cases each) true and false. ``true``, ``false`` and numbers in
    decimal digits are read alike by both."""
    if isinstance(value, bool):
        return text not in _YAML12_BOOL
    pattern = _YAML12_INT if isinstance(value, int) else _YAML12_FLOAT
    return pattern.fullmatch(text) is None


class _Lines:
    """Where a YAML mark is, as an editor numbers lines: PyYAML (YAML 1.1) also breaks lines at
    U+0085, U+2028 and U+2029, which an editor (and ``grep -n``) does not, nor a JSON file's
    reader here. In a text without them, a mark's own line and column."""

    def __init__(self, text: str, *, always: bool = False) -> None:
        self.starts: list[int] | None = None
        if always or any(c in text for c in "\x85\u2028\u2029"):
            # the index each line starts at, after a line feed or a carriage return not before one
            self.starts = [0, *(m.end() for m in re.finditer(r"\r\n|\r|\n", text))]

    def at(self, mark: Any) -> tuple[int, int]:
        """The 1-based line and column of ``mark``."""
        if self.starts is None:
            return mark.line + 1, mark.column + 1
        return self.at_index(mark.index)

    def at_index(self, index: int) -> tuple[int, int]:
        """The 1-based line and column of the character at ``index`` (lines found ``always``)."""
        starts = self.starts or [0]
        line = bisect.bisect_right(starts, index)
        return line, index - starts[line - 1] + 1


class _Converter:
    """Turn a composed YAML node graph into plain data, recording positions and problems.

    A value's position is where its key is written (for a list item: where the item starts),
    so that every problem about one value points at the same line and column.
    """

    def __init__(self, smap: SourceMap, limits: Limits, size: int = 0, lines: _Lines | None = None) -> None:
        self.smap = smap
        self.limits = limits
        self.lines = lines or _Lines("")
        # A document of ``size`` characters may hold that many values without a single alias (an
        # organisation of 20,000 units does). Once a node is seen a second time (an alias), the
        # document is capped at ``limits.max_nodes`` values in all: padding a small alias bomb
        # with a long comment does not raise its cap.
        self.max_nodes = max(limits.max_nodes, size)
        self._visited: set[int] = set()
        self.nodes = 0
        self.problems: list[Problem] = []
        self._constructor = yaml.SafeLoader("")

    def _count(self, pointer: str, depth: int) -> None:
        self.nodes += 1
        if self.nodes > self.max_nodes:
            top = "/".join(pointer.split("/")[:2])  # the top-level key whose value grew too large
            raise _Abort(
                self.smap.problem(
                    top,
                    "too-large",
                    f"expected at most {self.max_nodes} values, but the document's aliases expand it to more "
                    "(an alias bomb)",
                )
            )
        if depth > self.limits.max_depth:
            raise _Abort(
                self.smap.problem(
                    pointer, "too-deep", f"expected at most {self.limits.max_depth} levels of nesting, found more"
                )
            )

    def convert(self, node: yaml.Node, pointer: str, depth: int) -> Any:
        if id(node) in self._visited:  # an alias: the composed graph shares the anchored node
            self.max_nodes = self.limits.max_nodes
        else:
            self._visited.add(id(node))
        self._count(pointer, depth)
        self.smap.positions.setdefault(pointer, self.lines.at(node.start_mark))
        if isinstance(node, yaml.ScalarNode):
            if node.tag not in _SCALAR_TAGS:
                self.problems.append(
                    self.smap.refuse(
                        pointer, "yaml-tag", f"expected plain data, found the tag {_short_tag(node.tag)!r}"
                    )
                )
                return None
            if node.tag in ("tag:yaml.org,2002:str", "tag:yaml.org,2002:timestamp"):
                return _text(self.smap, pointer, node.value, self.problems)
            try:
                value = self._constructor.construct_object(node)
            except ValueError:  # an integer longer than Python converts (4,300 digits)
                self.problems.append(self.smap.refuse(pointer, "bad-number", _too_long(node.value)))
                return None
            if not _finite(value):
                hint = "" if node.style else f"; write it quoted ('{node.value}') for the text"  # .inf, .nan
                self.problems.append(
                    self.smap.refuse(pointer, "bad-number", f"expected a finite number, got {node.value!r}{hint}")
                )
                return None
            if isinstance(value, int | float):  # and bool: the text YAML's reading loses (1.10, 01, no)
                self.smap.written[pointer] = node.value
                if not node.style and yaml11_reading(node.value, value):  # plain: None, or "" (libyaml)
                    self.smap.yaml11[pointer] = value
            return value
        if node.tag not in ("tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"):
            self.problems.append(
                self.smap.refuse(pointer, "yaml-tag", f"expected plain data, found the tag {_short_tag(node.tag)!r}")
            )
            return None
        if isinstance(node, yaml.SequenceNode):
            return [self.convert(item, f"{pointer}/{i}", depth + 1) for i, item in enumerate(node.value)]
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, pointer, depth)
        raise AssertionError(f"unknown YAML node {node!r}")  # pragma: no cover

    def _mapping(self, node: yaml.MappingNode, pointer: str, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        seen: dict[str, int] = {}
        text_before: yaml.Node | None = None  # unquoted text a comma may have ended, in a {...} mapping
        for key_node, value_node in node.value:
            no_colon = (
                isinstance(key_node, yaml.ScalarNode)
                and isinstance(value_node, yaml.ScalarNode)
                and value_node.tag == "tag:yaml.org,2002:null"
                and value_node.start_mark.index == key_node.end_mark.index
            )
            if no_colon and text_before is not None and text_before.end_mark.line == key_node.start_mark.line:
                self.smap.after_comma.add(f"{pointer}/{pointer_step(key_node.value)}")
                text_before = value_node  # `{words: a, b, c}`: c follows text too
            elif node.flow_style and isinstance(value_node, yaml.ScalarNode) and not value_node.style:
                text_before = value_node
            else:
                text_before = None
            where = self.lines.at(key_node.start_mark)
            if key_node.tag == "tag:yaml.org,2002:merge":
                self.problems.append(
                    Problem(
                        self.smap.file,
                        *where,
                        pointer,
                        "yaml-merge",
                        "expected plain keys, found a merge key ('<<'); write the keys out",
                    )
                )
                continue
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in _SCALAR_TAGS:
                self.problems.append(
                    Problem(self.smap.file, *where, pointer, "bad-key", "expected a plain text key, found a structure")
                )
                continue
            key = key_node.value
            child = f"{pointer}/{pointer_step(key)}"
            if key in seen:
                self.problems.append(
                    Problem(
                        self.smap.file,
                        *where,
                        child,
                        "duplicate-key",
                        f"expected each key once in a mapping, found {key!r} again (first on line {seen[key]})",
                    )
                )
                continue
            seen[key] = where[0]
            self.smap.positions[child] = where
            result[key] = self.convert(value_node, child, depth + 1)
        return result


REFUSED_IN_TEXT = "".join(map(chr, [*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0), 0xFFFE, 0xFFFF]))
"""The characters no text of a rule set or an organisation may hold (tab and line breaks may):
control characters would reach a terminal as commands, and they and U+FFFE/U+FFFF make a JUnit
report malformed XML."""
_CONTROL = re.compile(f"[{re.escape(REFUSED_IN_TEXT)}]")


def _text(smap: SourceMap, pointer: str, text: str, problems: list[Problem]) -> str | None:
    """``text``, or None with a problem if it holds a control character."""
    found = _CONTROL.search(text)
    if found is None:
        return text
    problems.append(
        smap.refuse(
            pointer,
            "control-character",
            f"expected text without control characters, found U+{ord(found.group()):04X} at character "
            f"{found.start() + 1}",
        )
    )
    return None


def _short_tag(tag: str) -> str:
    return "!!" + tag.removeprefix("tag:yaml.org,2002:") if tag.startswith("tag:yaml.org,2002:") else tag


_NUMBER = re.compile(r"(-?(?:0|[1-9][0-9]*))(\.[0-9]+)?([eE][-+]?[0-9]+)?")
_CONSTANTS = (("true", True), ("false", False), ("null", None), ("NaN", None), ("Infinity", None), ("-Infinity", None))


def _too_long(number: str) -> str:
    digits = len(number.strip().lstrip("+-").replace("_", ""))
    return f"expected a number of at most {sys.get_int_max_str_digits()} digits, got one of {digits}"


class _JsonReader:
    """Read JSON text that `json.loads` accepted, recording positions, duplicate keys and non-finite numbers."""

    def __init__(self, text: str, smap: SourceMap, limits: Limits) -> None:
        self.text = text
        self.smap = smap
        self.limits = limits
        self.nodes = 0
        self.problems: list[Problem] = []
        self._lines = [0] + [m.end() for m in re.finditer("\n", text)]
        self._counter = _Converter(smap, limits, len(text))

    def skip(self, index: int) -> int:
        """The index of the first non-blank character at or after ``index``."""
        while index < len(self.text) and self.text[index] in " \t\n\r":
            index += 1
        return index

    def where(self, index: int) -> tuple[int, int]:
        line = bisect.bisect_right(self._lines, index)
        return line, index - self._lines[line - 1] + 1

    def read(self) -> Any:
        index = self.skip(0)
        value, _ = self.value(index, "", 0)
        return value

    def value(self, index: int, pointer: str, depth: int) -> tuple[Any, int]:
        self._counter._count(pointer, depth)
        self.smap.positions.setdefault(pointer, self.where(index))
        char = self.text[index]
        if char == "{":
            return self.mapping(index + 1, pointer, depth)
        if char == "[":
            items: list[Any] = []
            index = self.skip(index + 1)
            if self.text[index] == "]":
                return items, index + 1
            while True:
                item, index = self.value(index, f"{pointer}/{len(items)}", depth + 1)
                items.append(item)
                index = self.skip(index)
                if self.text[index] == "]":
                    return items, index + 1
                index = self.skip(index + 1)
        if char == '"':
            text, end = json.decoder.scanstring(self.text, index + 1)  # type: ignore[attr-defined]
            if any("\ud800" <= c <= "\udfff" for c in text):
                self.problems.append(
                    self.smap.refuse(pointer, "encoding", "expected text, found an unpaired UTF-16 surrogate escape")
                )
                return None, end
            return _text(self.smap, pointer, text, self.problems), end
        for word, constant in _CONSTANTS:
            if self.text.startswith(word, index):
                if word in ("NaN", "Infinity", "-Infinity"):
                    self.problems.append(
                        self.smap.refuse(pointer, "bad-number", f"expected a finite number, got {word}")
                    )
                elif constant is not None:
                    self.smap.written[pointer] = word
                return constant, index + len(word)
        match = _NUMBER.match(self.text, index)
        if match is None:  # pragma: no cover - json.loads accepted the text
            raise ValueError(f"unexpected {char!r} at offset {index}")
        integer, fraction, exponent = match.groups()
        try:
            number: int | float = float(match.group()) if fraction or exponent else int(integer)
        except ValueError:  # an integer longer than Python converts (4,300 digits)
            self.problems.append(self.smap.refuse(pointer, "bad-number", _too_long(integer)))
            return None, match.end()
        if not _finite(number):
            self.problems.append(
                self.smap.refuse(pointer, "bad-number", f"expected a finite number, got {match.group()}")
            )
            return None, match.end()
        self.smap.written[pointer] = match.group()
        return number, match.end()

    def mapping(self, index: int, pointer: str, depth: int) -> tuple[dict[str, Any], int]:
        result: dict[str, Any] = {}
        seen: dict[str, int] = {}
        index = self.skip(index)
        if self.text[index] == "}":
            return result, index + 1
        while True:
            where = self.where(index)
            key, index = json.decoder.scanstring(self.text, index + 1)  # type: ignore[attr-defined]
            index = self.skip(self.skip(index) + 1)  # past the ':'
            child = f"{pointer}/{pointer_step(key)}"
            if key in seen:
                self.problems.append(
                    Problem(
                        self.smap.file,
                        *where,
                        child,
                        "duplicate-key",
                        f"expected each key once in an object, found {key!r} again (first on line {seen[key]})",
                    )
                )
                saved = dict(self.smap.positions)
                _, index = self.value(index, child, depth + 1)
                self.smap.positions = saved
            else:
                seen[key] = where[0]
                self.smap.positions[child] = where
                result[key], index = self.value(index, child, depth + 1)
            index = self.skip(index)
            if self.text[index] == "}":
                return result, index + 1
            index = self.skip(index + 1)


_UTF16_32_BOMS = (
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe", "UTF-16"),
    (b"\xfe\xff", "UTF-16"),
)


def _decode(data: bytes, file: str) -> tuple[str | None, list[Problem]]:
    """The text of a UTF-8 file (a UTF-8 byte order mark is dropped), or the problem why not."""
    for bom, name in _UTF16_32_BOMS:
        if data.startswith(bom):
            return None, [
                Problem(file, 1, 1, "", "encoding", f"expected UTF-8 text, found a {name} file (save it as UTF-8)")
            ]
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if b"\x00" in data:
        at = data.index(b"\x00")
        line = data[:at].count(b"\n") + 1
        return None, [
            Problem(file, line, None, "", "binary", "expected YAML or JSON text, found NUL bytes (a binary file?)")
        ]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        column = len(data[line_start : exc.start].decode("utf-8")) + 1
        return None, [
            Problem(
                file,
                line,
                column,
                "",
                "encoding",
                f"expected UTF-8 text, found byte 0x{data[exc.start]:02x} at offset {exc.start} "
                "(GB18030 or another legacy encoding? save the file as UTF-8)",
            )
        ]


def parse_document(data: bytes, file: str, *, limits: Limits = DEFAULT_LIMITS) -> tuple[Any, SourceMap, list[Problem]]:
    """Parse YAML or JSON bytes into plain data with positions.

    A file whose name ends in ``.json`` is read as JSON (with JSON's own syntax errors),
    anything else as YAML. Both must be UTF-8; a UTF-8 byte order mark is allowed.

    Returns:
        The data (``None`` when unusable), its source map, and the problems found.
    """
    smap = SourceMap(file)
    if len(data) > limits.max_file_bytes:
        message = f"expected at most {limits.max_file_bytes} bytes, the file has {len(data)}"
        return None, smap, [Problem(file, None, None, "", "too-large", message)]
    text, problems = _decode(data, file)
    if text is None:
        return None, smap, problems
    if not text.strip():
        return None, smap, [Problem(file, 1, 1, "", "empty", "expected a YAML or JSON mapping, the file is empty")]
    if file.lower().endswith(".json"):
        return _parse_json(text, smap, limits)
    return _parse_yaml(text, smap, limits)


def _parse_json(text: str, smap: SourceMap, limits: Limits) -> tuple[Any, SourceMap, list[Problem]]:
    file = smap.file
    try:
        json.loads(text, parse_int=str)  # the syntax only: a long integer is said where it is
    except json.JSONDecodeError as exc:
        return None, smap, [Problem(file, exc.lineno, exc.colno, "", "json-syntax", f"invalid JSON: {exc.msg}")]
    except RecursionError:
        message = f"expected at most {limits.max_depth} levels of nesting, found more"
        return None, smap, [Problem(file, None, None, "", "too-deep", message)]
    reader = _JsonReader(text, smap, limits)
    try:
        value = reader.read()
    except _Abort as abort:
        return None, smap, [*reader.problems, abort.problem]
    return value, smap, reader.problems


_KEY_AND_VALUE = re.compile(
    r"[ \t]*(?:-[ \t]+)*(?P<key>[^\s#'\"{}\[\],:][^#{}\[\],:]*?)[ \t]*:[ \t]+(?P<value>.*?)(?:[ \t]+#.*)?"
)
"""A line of a block mapping, ``key: value  # comment``, in a list or not."""


def _quote_hint(text: str, mark: Any) -> str:
    """How to write the value the YAML scanner stopped at, where it starts with a character that
    cannot start plain text (``time_format: %d.%m.%Y``, ``@``, a backquote): quoted. Empty where
    the scanner stopped elsewhere."""
    start = text.rfind("\n", 0, mark.index) + 1
    end = text.find("\n", mark.index)
    found = _KEY_AND_VALUE.fullmatch(text[start : len(text) if end < 0 else end].rstrip("\r"))
    if found is None or found.start("value") != mark.index - start or found["value"][:1] not in ("%", "@", "`"):
        return ""
    quoted = "'" + found["value"].replace("'", "''") + "'"
    what = "the pattern" if found["key"] == "time_format" else "the text"
    return f"; a plain value cannot start with {found['value'][0]!r}: quote {what}: {found['key']}: {quoted}"


def _parse_yaml(text: str, smap: SourceMap, limits: Limits) -> tuple[Any, SourceMap, list[Problem]]:
    file = smap.file
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where_line, where_col = _Lines(text).at(mark) if mark else (None, None)
        what = " ".join(x for x in (exc.context, exc.problem) if x) + (_quote_hint(text, mark) if mark else "")
        return None, smap, [Problem(file, where_line, where_col, "", "yaml-syntax", f"invalid YAML: {what}")]
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow (control characters)
        position = exc.position
        if _Loader is not yaml.SafeLoader:  # libyaml counts the bytes of the text's UTF-8 before it
            position = len(text.encode("utf-8", "surrogatepass")[:position].decode("utf-8", "ignore"))
        line, column = _Lines(text, always=True).at_index(position)
        found = f"#x{exc.character:04x}" if isinstance(exc.character, int) else repr(exc.character)
        message = f"invalid YAML: character {found} is not allowed ({exc.reason}); expected printable text"
        return None, smap, [Problem(file, line, column, "", "yaml-syntax", message)]
    except yaml.YAMLError as exc:
        message = " ".join(str(exc).split())  # one line, whatever the parser printed
        return None, smap, [Problem(file, None, None, "", "yaml-syntax", f"invalid YAML: {message}")]
    except RecursionError:
        message = f"expected at most {limits.max_depth} levels of nesting, found more"
        return None, smap, [Problem(file, None, None, "", "too-deep", message)]
    if node is None:
        return None, smap, [Problem(file, 1, 1, "", "empty", "expected a YAML or JSON mapping, the file holds none")]
    converter = _Converter(smap, limits, len(text), _Lines(text))
    try:
        value = converter.convert(node, "", 0)
    except _Abort as abort:
        return None, smap, [*converter.problems, abort.problem]
    except RecursionError:
        message = f"expected at most {limits.max_depth} levels of nesting, found more"
        return None, smap, [Problem(file, None, None, "", "too-deep", message)]
    return value, smap, converter.problems


# ---------------------------------------------------------------------------------------------
# pydantic errors -> problems
#
# pydantic reports an error for every branch of a union ("expected a string" beside "expected
# a mapping", each with its own nested errors). `_select` keeps the branch that fits the value
# best, the way jsonschema's best_match does: a branch whose top-level error is a type
# mismatch does not fit; among the fitting branches the one with fewest problems wins; when no
# branch fits, one wrong-type problem lists what each branch expects.

_CODES = {
    "extra_forbidden": "unknown-key",
    "missing": "missing-key",
    "union_tag_invalid": "unknown-kind",
    "union_tag_not_found": "missing-key",
    "literal_error": "bad-value",
    "enum": "bad-value",
    "date_from_datetime_parsing": "bad-date",
    "date_from_datetime_inexact": "bad-date",
    "date_parsing": "bad-date",
    "date_type": "bad-date",
    "greater_than_equal": "out-of-range",
    "less_than_equal": "out-of-range",
    "greater_than": "out-of-range",
    "less_than": "out-of-range",
    "too_short": "too-short",
    "string_too_short": "too-short",
    "too_long": "too-long",
    "string_too_long": "too-long",
    "int_from_float": "wrong-type",
}

_EXPECTED_TYPE = {
    "string_type": "a string",
    "string_sub_type": "a string",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "list_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
    "date_type": "a date (YYYY-MM-DD)",
}

# Each string pattern of the models, as (problem code, what it expects).
_PATTERNS = {
    model._ID: (
        "bad-id",
        "an id of ASCII letters and digits (A-Z, a-z, 0-9) and '.', '_', ':', '/', '-' (no spaces), starting with a "
        "letter or digit",
    ),
    model._LANG: ("bad-language", "a language tag such as 'zh', 'en' or 'zh-Hant'"),
    model._TERM.pattern: (
        "bad-term",
        "a glossary term of lower-case letters, digits, '-' and '_', starting with a letter",
    ),
    model._DAYS: ("bad-window", "a day range of the month such as '11-20' or '21-last'"),
    model._DAYS_OR_TERM: (
        "bad-window",
        "a day range of the month such as '11-20' or '21-last', or a glossary term for one",
    ),
}

_MISSING = object()


@dataclass
class _Issue:
    """One pydantic error placed on the data: its path (keys and union-branch labels) and value."""

    path: tuple[tuple[str, str | int], ...]
    error: Any
    found: Any
    key: str | None = None  # the offending key itself, for an error about a mapping key
    message: str | None = None  # set for a problem `_select` built from several errors
    expected: tuple[str, ...] = ()  # and what each of those errors expects ("a string", "a mapping")
    siblings: frozenset[str] = frozenset()  # the keys of the mapping that holds the last key of ``path``

    def pointer(self) -> str:
        tokens = [pointer_step(str(name)) for kind, name in self.path if kind == "k"]
        return ("/" + "/".join(tokens)) if tokens else ""


def _alternatives(annotation: Any) -> list[Any]:
    """The types a value of ``annotation`` may take: ``Annotated`` and unions opened."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _alternatives(get_args(annotation)[0])
    if origin is Union or origin is types.UnionType:
        return [t for arg in get_args(annotation) for t in _alternatives(arg)]
    return [annotation]


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _field_type(cls: type[BaseModel], key: str) -> Any:
    for name, info in cls.model_fields.items():
        if key in (info.alias, name):
            return info.annotation
    return _MISSING


def _branch_fits(annotation: Any, label: str) -> bool:
    """Whether the union branch pydantic labels ``label`` is ``annotation``."""
    if label in model.RULE_KINDS:
        kind = _field_type(annotation, "kind") if _is_model(annotation) else _MISSING
        return get_origin(kind) is Literal and get_args(kind) == (label,)
    if label.startswith(("list[", "dict[")):
        return get_origin(annotation) is (list if label.startswith("list[") else dict)
    names = re.findall(r"[A-Za-z_]\w*", label)  # 'Party', 'function-after[_exactly_one(), Party]'
    return bool(names) and getattr(annotation, "__name__", None) == names[-1]


def _allowed_keys(
    root: type[BaseModel] | None, path: Sequence[tuple[str, str | int]], beside: Collection[str] = ()
) -> set[str] | None:
    """The keys a mapping at ``path`` (keys and union-branch labels, as `_place` gives them) of a
    ``root`` document may hold, as written in a file (``from``, not ``from_``); None when they
    cannot be known.

    Where the mapping may take several shapes (``every``: a year start, a named calendar, a
    recurrence), the keys are those of the shapes that hold the most of the keys ``beside`` it
    (the other keys the mapping holds): `every: {calendar: x, yar_starting: 3}` is a named
    calendar, which has no 'year_starting'. Where no shape holds any of them (a mapping whose
    only key is misspelt), the keys of every shape.
    """
    if root is None:
        return None
    candidates: list[Any] = [root]
    for kind, step in path:
        if kind == "b":
            # a rule's kind says which of the rules it is; any other union's branch is only the one
            # pydantic tried first (`every: {calenda: ...}` is reported against the year start's
            # shape too): the keys the mapping holds say which shapes it may be, below
            if str(step) in model.RULE_KINDS:
                candidates = [t for t in candidates if _branch_fits(t, str(step))] or candidates
            continue
        inner: list[Any] = []
        for annotation in candidates:
            origin, args = get_origin(annotation), get_args(annotation)
            if _is_model(annotation) and isinstance(step, str):
                found = _field_type(annotation, step)
                inner.extend([] if found is _MISSING else _alternatives(found))
            elif origin is list and args and isinstance(step, int):
                inner.extend(_alternatives(args[0]))
            elif origin is dict and len(args) == 2 and isinstance(step, str):
                inner.extend(_alternatives(args[1]))
        candidates = inner
    shapes = [{info.alias or name for name, info in t.model_fields.items()} for t in candidates if _is_model(t)]
    shapes += [set(t.__annotations__) for t in candidates if is_typeddict(t)]  # a comparison of `where`
    if not shapes:
        return None
    most = max(len(keys.intersection(beside)) for keys in shapes)
    return {key for keys in shapes if len(keys.intersection(beside)) == most for key in keys}


# Keys that are no misspelling of the key meant, too far from it for difflib: another word for
# it (`then` for a triggered rule's `steps`), or the word another mapping uses (a step's `within`
# is a recurring rule's `due_after`, a party is `by` in a step and `who` in a recurring rule, a
# date range runs `from`/`to` and a calendar's period `start`/`end`). Each is offered only where
# the mapping may hold it.
_OTHER_WORDS: dict[str, tuple[str, ...]] = {
    "type": ("kind",),
    "then": ("steps",),
    "deadline": ("within", "due_after"),
    "due": ("within", "due_after"),
    "within": ("due_after",),
    "due_after": ("within",),
    "actor": ("by", "who"),
    "who": ("by",),
    "by": ("who",),
    "recipient": ("to",),
    "period": ("every",),
    "frequency": ("every",),
    "interval": ("max_gap",),
    "grace_period": ("accept_late",),
    "name": ("title",),
    "title": ("name",),
    "start": ("from",),
    "from": ("start",),
    "end": ("to",),
    "to": ("end",),
    "until": ("to", "end"),
}


def meant_key(
    name: str, keys: Collection[str], other_words: Mapping[str, tuple[str, ...]] = _OTHER_WORDS
) -> str | None:
    """The key of ``keys`` an unknown key ``name`` may stand for: the first of its other words
    (``other_words``, those of a rule file's keys by default) that is one of them, else the
    closest spelling, else None. ``keys`` leaves out those the mapping holds: a key written
    beside ``name`` is not the one it meant."""
    for word in other_words.get(name, ()):
        if word in keys:
            return word
    close = difflib.get_close_matches(name, sorted(keys), n=1, cutoff=0.6)
    return close[0] if close else None


def _describe(value: Any) -> str:
    if value is _MISSING:
        return Wording("value-nothing")
    if isinstance(value, Mapping):
        return Wording("value-mapping")
    if isinstance(value, list):
        return Wording("value-list" if value else "value-empty-list")
    if value is None:
        return Wording("value-null")
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _is_branch_label(item: str) -> bool:
    return (
        item in model.RULE_KINDS
        or item[:1].isupper()
        or item in {"str", "int", "float", "bool"}
        or (item.startswith(("function-", "literal[", "list[", "dict[", "constrained-", "union[", "nullable[")))
    )


def _place(error: Any, data: Any) -> _Issue:
    """Follow a pydantic ``loc`` through the data, telling keys from union-branch labels."""
    path: list[tuple[str, str | int]] = []
    current = data
    key = None
    siblings: frozenset[str] = frozenset()
    for item in error["loc"]:
        if isinstance(current, Mapping) and isinstance(item, str) and item in current:
            path.append(("k", item))
            siblings = frozenset(current)
            key, current = item, current[item]
        elif isinstance(current, list) and isinstance(item, int) and 0 <= item < len(current):
            path.append(("k", item))
            key, current = None, current[item]
        elif item == "[key]":
            current = key  # the error is about the mapping key itself
        elif isinstance(current, Mapping) and isinstance(item, str) and not _is_branch_label(item):
            path.append(("k", item))  # a key that is missing or unknown at this level
            siblings = frozenset(current)
            key, current = item, _MISSING
        else:
            path.append(("b", item))
    is_key_error = bool(error["loc"]) and error["loc"][-1] == "[key]"
    return _Issue(tuple(path), error, current, key=current if is_key_error else None, siblings=siblings)


def _mismatch(issue: _Issue) -> bool:
    """Whether an error says the value has the wrong type (rather than a wrong value of the right type)."""
    kind: str = issue.error["type"]
    if kind in _EXPECTED_TYPE or kind.endswith(("_type", "_parsing")):
        return True
    return kind == "literal_error" and not isinstance(issue.found, str)


def _select(issues: list[_Issue], depth: int = 0) -> list[_Issue]:
    """Keep the issues of the best-fitting branch at every union in ``issues``."""
    kept = [i for i in issues if len(i.path) == depth]
    keyed: dict[Any, list[_Issue]] = {}
    branches: dict[Any, list[_Issue]] = {}
    for issue in issues:
        if len(issue.path) > depth:
            segment = issue.path[depth]
            (branches if segment[0] == "b" else keyed).setdefault(segment, []).append(issue)
    for group in keyed.values():
        kept.extend(_select(group, depth + 1))
    if len(branches) == 1:
        kept.extend(_select(next(iter(branches.values())), depth + 1))
    elif branches:
        kept.extend(_choose(list(branches.values()), depth))
    return kept


def _choose(groups: list[list[_Issue]], depth: int) -> list[_Issue]:
    scored = []
    for group in groups:
        fits = not any(len(i.path) == depth + 1 and _mismatch(i) for i in group)
        scored.append((fits, _select(group, depth + 1)))
    fitting = [issues for fits, issues in scored if fits]
    if not fitting:
        expected: list[str] = []
        for group in groups:
            for issue in group:
                if len(issue.path) == depth + 1 and _mismatch(issue):
                    phrase = _expectation(issue)
                    if phrase not in expected:
                        expected.append(phrase)
                    break
        first = groups[0][0]
        merged = _Issue(first.path[:depth], {"type": "union_type", "loc": ()}, first.found)
        merged.message = f"expected {_or(expected)}, got {_describe(first.found)}"
        merged.expected = tuple(expected)
        return [merged]
    fewest = min(len(issues) for issues in fitting)
    tied = [issues for issues in fitting if len(issues) == fewest]
    if len(tied) == 1:
        return tied[0]

    def signature(issue: _Issue) -> tuple[Any, ...]:
        return (issue.path[depth + 1 :], issue.error["type"])

    common = set.intersection(*({signature(i) for i in issues} for issues in tied))
    return [i for i in tied[0] if signature(i) in common] or tied[0]


def _expectation(issue: _Issue) -> str:
    kind: str = issue.error["type"]
    if kind == "literal_error":
        return "one of " + str((issue.error.get("ctx") or {}).get("expected", ""))
    return _EXPECTED_TYPE.get(kind, kind.removesuffix("_type").removesuffix("_parsing").replace("_", " "))


def _or(phrases: Sequence[str]) -> str:
    if len(phrases) <= 1:
        return "".join(phrases)
    return ", ".join(phrases[:-1]) + " or " + phrases[-1]


def _as_text(issue: _Issue, smap: SourceMap | None) -> str | None:
    """The value of ``issue``, read as a number or true/false, as the file writes it, quoted as
    text (``'1.10'``, or ``"1.10"`` in JSON); None for any other value."""
    written = None if smap is None else smap.written.get(issue.pointer())
    if smap is None or written is None or not isinstance(issue.found, int | float):
        return None
    return _quoted(smap, written)


def _quoted(smap: SourceMap, written: str) -> str:
    """``written`` (a number or true/false as the file writes it) quoted as text in the file's
    language: ``'1.10'``, or ``"1.10"`` in JSON."""
    return json.dumps(written) if smap.file.lower().endswith(".json") else f"'{written}'"


def _truth(value: Any) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else repr(value)


def ambiguous_values(smap: SourceMap, *, said: Collection[str] = ()) -> list[Problem]:
    """A problem at each unquoted value only YAML 1.1 reads as a number or true/false
    (`yaml11_reading`), where none is ``said`` (a text field's own "write it quoted") already:
    accepted, it would be a number or true/false the file does not show (`where: {code: 010}`
    holding of a log's 8, `min: 010` asking 8)."""
    problems = []
    for pointer, value in smap.yaml11.items():
        if pointer in said or smap.covers(pointer):
            continue
        text = smap.written[pointer]
        what = _truth(value) if isinstance(value, bool) else f"the number {_truth(value)}"
        message = (
            f"YAML 1.1 reads the unquoted {text} as {what}; write it quoted ({_quoted(smap, text)}) for the text, "
            f"or write {_truth(value)}"
        )
        problems.append(smap.problem(pointer, "ambiguous-value", message))
    return problems


def _code_and_message(
    issue: _Issue, root: type[BaseModel] | None, smap: SourceMap | None = None
) -> tuple[str, str, str]:
    """The (pointer, code, message) of one issue of a ``root`` document read into ``smap``."""
    error = issue.error
    kind: str = error["type"]
    pointer = issue.pointer()
    ctx = error.get("ctx") or {}
    found = issue.found
    # text the file wrote as a number (`clause: 1.10` is the number 1.1) or as true/false (`no`)
    quoted = _as_text(issue, smap) if kind == "string_type" or "a string" in issue.expected else None
    if issue.message is not None:
        if quoted is not None:
            return pointer, "wrong-type", f"expected {_or(issue.expected)}; write it quoted: {quoted}"
        return pointer, "wrong-type", issue.message
    if isinstance(ctx.get("at"), str):
        pointer += "/" + pointer_step(ctx["at"])
    if kind in ("union_type",):  # pragma: no cover - built with a message
        return pointer, "wrong-type", ""
    if kind == "extra_forbidden":
        name = str(issue.path[-1][1])
        message = f"unknown key {name!r}"
        # only a key this mapping may hold, in the shapes its other keys fit
        allowed = _allowed_keys(root, issue.path[:-1], issue.siblings - {name}) or set()
        meant = meant_key(name, allowed - issue.siblings)
        message += f"; did you mean {meant!r}?" if meant else ""
        if not meant and smap is not None and pointer in smap.after_comma:  # not a misspelt key
            message += "; a comma inside text in {...} ends the value: quote the text"
        return pointer, "unknown-key", message
    if kind == "missing":
        return pointer, "missing-key", f"expected the key {issue.path[-1][1]!r}, found none"
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        kinds = ", ".join(model.RULE_KINDS)
        if kind == "union_tag_not_found":
            message = f"expected the key 'kind' (one of {kinds}), found none"
            rule_keys = _allowed_keys(root, issue.path) or set()  # of any kind of rule: none is a slip
            held = sorted(set(found) - rule_keys) if isinstance(found, Mapping) else []
            slip = next((key for key in held if meant_key(key, {"kind"}) == "kind"), None)
            if slip is not None:  # `type: recurring`: the rule is not read, so its key is not reported
                message += f"; is {slip!r} meant to be 'kind'?"
            return pointer + "/kind", "missing-key", message
        tag = str(ctx.get("tag", ""))
        message = f"expected a kind of rule ({kinds}), got {tag!r}"
        close = difflib.get_close_matches(tag, model.RULE_KINDS, n=1, cutoff=0.6)
        return pointer + "/kind", "unknown-kind", message + (f"; did you mean {close[0]!r}?" if close else "")
    if kind in ("literal_error", "enum"):
        expected = str(ctx.get("expected", ""))
        message = f"expected {expected}, got {_describe(found)}"
        options = [o.strip(" '") for o in expected.replace(" or ", ",").split(",")]
        close = difflib.get_close_matches(str(found), options, n=1, cutoff=0.6)
        message += f"; did you mean {close[0]!r}?" if close else ""
        if re.fullmatch(r"/rules/\d+/every", pointer) and isinstance(found, str) and re.match(model._ID, found):
            # a word no grain may name a calendar of the organisation, which the rule file cannot know
            message += f"; if {found!r} is a calendar of the organisation, write every: {{calendar: {found}}}"
        return pointer, "bad-value", message
    if kind == "string_pattern_mismatch":
        shown = issue.key if issue.key is not None else found
        code, expected = _PATTERNS.get(str(ctx.get("pattern")), ("bad-value", f"text matching {ctx.get('pattern')}"))
        what = "a key: " if issue.key is not None else ""
        return pointer, code, f"expected {what}{expected}, got {_describe(shown)}"
    if kind in _EXPECTED_TYPE or kind.endswith(("_type", "_parsing")):
        if kind.startswith("date"):
            detail = str(ctx.get("error", ""))
            return (
                pointer,
                "bad-date",
                f"expected a date written YYYY-MM-DD, got {_describe(found)}" + (f" ({detail})" if detail else ""),
            )
        if quoted is not None:
            return pointer, "wrong-type", f"expected {_expectation(issue)}; write it quoted: {quoted}"
        return pointer, "wrong-type", f"expected {_expectation(issue)}, got {_describe(found)}"
    if kind.startswith("date_from_datetime"):
        return pointer, "bad-date", f"expected a date written YYYY-MM-DD (no time of day), got {_describe(found)}"
    if kind == "int_from_float":
        return pointer, "wrong-type", f"expected a whole number, got {_describe(found)}"
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        sign = {"greater_than_equal": ">=", "less_than_equal": "<=", "greater_than": ">", "less_than": "<"}[kind]
        bound = next(iter(ctx.values()), "")
        return pointer, "out-of-range", f"expected a number {sign} {bound}, got {_describe(found)}"
    if kind in ("too_short", "string_too_short", "too_long", "string_too_long"):
        limit = ctx.get("min_length", ctx.get("max_length"))
        word = "character" if kind.startswith("string") else "item"
        side = "at least" if "short" in kind else "at most"
        plural = "" if limit == 1 else "s"
        return pointer, _CODES[kind], f"expected {side} {limit} {word}{plural}, got {_describe(found)}"
    code = _CODES.get(kind, kind.replace("_", "-"))
    message = str(error["msg"]).removeprefix("Value error, ")
    if "_" in kind:  # a pydantic error type (ours are kebab-case and say what they got)
        message += f", got {_describe(found)}"
    return pointer, code, message


def _problems_from_validation(exc: ValidationError, data: Any, smap: SourceMap) -> list[Problem]:
    root = getattr(model, exc.title, None)  # the model validated: RuleSet, Organisation
    root = root if _is_model(root) else None
    issues = _select([_place(error, data) for error in exc.errors(include_url=False)])
    problems: list[Problem] = []
    seen: set[tuple[str, str, str]] = set()
    for issue in issues:
        pointer, code, message = _code_and_message(issue, root, smap)
        if smap.covers(pointer) or (pointer, code, message) in seen:
            continue
        seen.add((pointer, code, message))
        problems.append(smap.problem(pointer, code, message))
    return problems


# ---------------------------------------------------------------------------------------------
# Semantic checks inside one file

_DURATION_KEYS = {
    "within",
    "max_gap",
    "due_after",
    "accept_late",
    "lookback",
    "min_age",
    "first",
    "last",
    "extends_by",
}


def _walk(value: Any, pointer: str = "") -> Iterator[tuple[str, str, Any]]:
    if isinstance(value, Mapping):
        for key, child in value.items():
            yield pointer, key, child
            yield from _walk(child, f"{pointer}/{pointer_step(str(key))}")
    elif isinstance(value, list):
        for i, child in enumerate(value):
            yield from _walk(child, f"{pointer}/{i}")


_SKIPPED = {"where", "schema"}  # attribute names and JSON Schema keywords, not rule fields


# Where a duration is a length (an age, a gap, a span of days), not a deadline: a period's end
# ("end of year") has no meaning there.
_LENGTH_KEYS = frozenset({"min_age", "max_gap", "first", "last", "extends_by"})


_READINGS = {
    "duration": "a duration",
    "days": "a day range of a month",
    "strictness": "a window's strictness",
}


def _term_reading(rules: RuleSet, term: str, kind: str) -> tuple[str | None, str]:
    """The reading of glossary ``term`` as a ``kind`` (``duration``, ``days``, ``strictness``) and
    ``""``; or ``None`` and why not (an `unknown-term` message), when the glossary has no such
    term of that kind."""
    entry = rules.glossary.get(term)
    if entry is not None and getattr(entry, kind) is not None:
        return str(getattr(entry, kind)), ""
    what = _READINGS[kind]
    if entry is not None:
        message = f"expected {what} or a glossary term for one, got {term!r}, which reads as {_READINGS[entry.kind]}"
    else:
        terms = sorted(t for t, e in rules.glossary.items() if e.kind == kind)
        message = f"expected {what} or a glossary term for one, got {term!r}"
        close = difflib.get_close_matches(term, terms, n=1, cutoff=0.6)
        message += (
            f"; did you mean {close[0]!r}?" if close else f" (glossary: {', '.join(terms) or 'none of that kind'})"
        )
    return None, message


def _term_problems(rules: RuleSet, rule_data: Any, smap: SourceMap) -> list[Problem]:
    """Each glossary term the rules name (``rule_data``: the rules as plain data) that the
    glossary lacks, or holds as a reading of another kind: in a duration field, or as a
    window's ``days`` or ``strictness``."""
    from govrules.durations import parse_duration

    problems: list[Problem] = []
    for pointer, value in _durations(rule_data):
        try:
            parse_duration(value)
        except ValueError:
            reading, why = _term_reading(rules, value, "duration")
            if reading is None:
                problems.append(smap.problem("/rules" + pointer, "unknown-term", why))
    for i, rule in enumerate(rules.rules):
        window = getattr(rule, "window", None)
        for key, term in window.terms(rules.glossary).items() if window is not None else ():
            reading, why = _term_reading(rules, term, key)
            if reading is None:
                problems.append(smap.problem(f"/rules/{i}/window/{key}", "unknown-term", why))
    return problems


def _durations(value: Any, pointer: str = "") -> Iterator[tuple[str, str]]:
    """The (pointer, text) of every duration field under ``value`` (the rules list)."""
    if isinstance(value, Mapping):
        for key, child in value.items():
            if key in _SKIPPED:
                continue
            if key in _DURATION_KEYS and isinstance(child, str):
                yield f"{pointer}/{pointer_step(key)}", child
            else:
                yield from _durations(child, f"{pointer}/{pointer_step(str(key))}")
    elif isinstance(value, list):
        for i, child in enumerate(value):
            yield from _durations(child, f"{pointer}/{i}")


_RESERVED_RULE_PREFIX = "govrules/"
"""How no rule id starts (in any case): the reports name with it what is said of no rule (SARIF's
rules ``govrules/<code>`` for the findings about input records, JUnit's suite ``govrules/records``)."""


def _rule_set_problems(rules: RuleSet, data: Any, smap: SourceMap, limits: Limits) -> list[Problem]:
    from govrules.durations import Unit

    problems: list[Problem] = []
    if len(rules.rules) > limits.max_rules:
        problems.append(
            smap.problem("/rules", "too-large", f"{len(rules.rules)} rules; the limit is {limits.max_rules}")
        )
    seen: dict[str, int] = {}
    for i, rule in enumerate(rules.rules):
        if rule.id.casefold().startswith(_RESERVED_RULE_PREFIX):
            # a rule of such a name would be two rules under one id in a report (see the prefix)
            message = (
                f"expected a rule id not starting {_RESERVED_RULE_PREFIX!r} (the reports' name for what"
                f" is said of no rule, such as SARIF's govrules/rejected-event), got {rule.id!r}"
            )
            problems.append(smap.problem(f"/rules/{i}/id", "reserved-id", message))
        if rule.id in seen:
            problems.append(
                smap.problem(
                    f"/rules/{i}/id",
                    "duplicate-id",
                    f"expected a rule id not used before, got {rule.id!r} (already the id of rule #{seen[rule.id]})",
                )
            )
        else:
            seen[rule.id] = i
    declared = {c.id for c in rules.clauses}
    if len(declared) != len(rules.clauses):
        ids = [c.id for c in rules.clauses]
        for i, cid in enumerate(ids):
            if cid in ids[:i]:
                message = f"expected a clause id not listed before, got {cid!r} again"
                problems.append(smap.problem(f"/clauses/{i}/id", "duplicate-id", message))
    if declared:
        for i, rule in enumerate(rules.rules):
            for field, clause in rule.cited_clauses().items():
                pointer = f"/rules/{i}/{field}"
                if clause not in declared:
                    message = f"expected a clause listed in the rule set's 'clauses', got {clause!r}"
                    close = difflib.get_close_matches(clause, sorted(declared), n=1, cutoff=0.8)
                    if close:
                        message += f"; did you mean {close[0]!r}?"
                    problems.append(smap.problem(pointer, "unknown-clause", message))
    problems += _term_problems(rules, data.get("rules"), smap)
    uses_workdays = False
    for pointer, value in _durations(data.get("rules")):
        try:
            duration = rules.duration(value)
        except KeyError:
            continue  # an unknown term, reported above
        uses_workdays = uses_workdays or duration.unit is Unit.WORKDAYS
        key = pointer.rsplit("/", 1)[-1]
        if duration.period_end and key in _LENGTH_KEYS:
            message = (
                f"expected a length of time for {key!r} (such as '30 days'), got {value!r}, "
                f"which is a moment ({duration}); a period's end serves deadlines only"
            )
            problems.append(smap.problem("/rules" + pointer, "bad-duration", message))
    if not any(p.code == "unknown-term" for p in problems):
        problems += _timing_problems(rules, smap)
    problems += _recurrence_problems(rules, smap)
    uses_workdays = uses_workdays or any(
        getattr(item, "roll", "none") == "next-workday"
        for rule in rules.rules
        for item in (rule, *getattr(rule, "steps", ()))
    )
    if isinstance(rules.calendar, str):
        from govrules.calendars import get_calendar

        try:
            get_calendar(rules.calendar)
        except LookupError as exc:
            problems.append(smap.problem("/calendar", "unknown-calendar", str(exc.args[0])))
    elif rules.calendar is not None:
        problems += _calendar_problems(rules.calendar, smap)
    elif uses_workdays:
        problems.append(
            smap.problem(
                "/calendar",
                "missing-calendar",
                "expected a business-day 'calendar' (CN, US, IT, weekends...), since rules count workdays "
                "or roll deadlines to a workday",
            )
        )
    return problems


def _recurrence_problems(rules: RuleSet, smap: SourceMap) -> list[Problem]:
    """A recurrence that never occurs (`bad-rrule`): it would open no period, and a check would
    search the calendar to the year 9999 for one, seconds for each rule on every check. Found by
    `first_occurrence`, which searches no further than one 400-year cycle of the calendar."""
    from govrules.obligations import _WEEKDAY_INDEX

    problems: list[Problem] = []
    for i, rule in enumerate(rules.rules):
        every = rule.every if isinstance(rule, RecurringRule) else None
        if not isinstance(every, Recurrence):
            continue
        if first_occurrence(every.rrule, dtstart=every.start, week_start=_WEEKDAY_INDEX[rules.week_start]) is None:
            ends = sorted(
                {m.upper() for m in re.findall(r"\b(UNTIL|COUNT)\s*=", every.rrule, re.IGNORECASE)}, reverse=True
            )
            within = f" within its {' and '.join(ends)}" if ends else ""
            message = (
                f"expected a recurrence that occurs, got {every.rrule!r} from {every.start}, which never does: no day "
                f"from its start to the end of the calendar (9999-12-31) meets all its parts{within} (RFC 5545 skips "
                "a day that does not exist, such as 30 February)"
            )
            problems.append(smap.problem(f"/rules/{i}/every/rrule", "bad-rrule", message))
    return problems


def _calendar_problems(calendar: AdjustedCalendar, smap: SourceMap) -> list[Problem]:
    """What an adjusted business-day calendar cannot mean: an unknown calendar (at ``country``), a
    day in two lists or a day without a date where one is needed (`calendar_problems`), and a
    holiday's name the calendar never gives (`unknown_names`), each at its line."""
    from govrules.calendars import get_calendar, unknown_names

    problems = [smap.problem("/calendar" + at, "bad-calendar", why) for at, why in calendar_problems(calendar)]
    try:
        base = get_calendar(calendar.country)
    except LookupError as exc:
        return [smap.problem("/calendar/country", "unknown-calendar", str(exc.args[0])), *problems]
    problems += [smap.problem("/calendar" + at, "bad-calendar", why) for at, why in unknown_names(base, calendar)]
    return problems


_WINDOW_SAMPLE = (date(2023, 1, 1), date(2025, 1, 1))  # two years, one of them leap: every shape of period


def _timing_problems(rules: RuleSet, smap: SourceMap) -> list[Problem]:
    """Deadlines that cannot be rolled and windows that miss their periods, found before any check.

    A deadline counted in hours or minutes is elapsed time: rolling it to a workday has no
    meaning (`bad-roll`), and a rolling interval, counted in calendar days, cannot be one
    (`bad-rule`); nor can a prerequisite's ``lookback`` end before its ``min_age`` is reached
    (`bad-rule`: no approval would do), and its ``roll`` rolls its lookback, so it needs one
    (`bad-roll`). A ``month``/``days`` window must have a day in every period of its rule
    (`bad-window`; see `window_misses`).
    """
    problems: list[Problem] = []
    for i, rule in enumerate(rules.rules):
        base = f"/rules/{i}"
        if isinstance(rule, PrerequisiteRule):
            unmet = lookback_within_min_age(rules, rule)
            if unmet is not None:
                problems.append(smap.problem(f"{base}/lookback", "bad-rule", unmet))
            if rule.roll == "next-workday" and rule.lookback is None:
                message = (
                    "expected a 'lookback' beside 'roll: next-workday', which rolls the end of the lookback to a "
                    "workday, got none (a minimum age is not rolled)"
                )
                problems.append(smap.problem(f"{base}/roll", "bad-roll", message))
        if isinstance(rule, RecurringRule):
            if gap_in_elapsed_time(rules, rule):
                message = (
                    f"expected 'max_gap' in days, workdays, weeks, months or years, got {rule.max_gap!r}: a rolling "
                    "interval is counted in local calendar days (events on one day make one gap)"
                )
                problems.append(smap.problem(f"{base}/max_gap", "bad-rule", message))
            elif gap_of_no_day(rules, rule):
                message = (
                    f"expected a 'max_gap' of at least one day, got {rule.max_gap!r}: events on one day make one gap, "
                    "so no log could close a gap of none"
                )
                problems.append(smap.problem(f"{base}/max_gap", "bad-rule", message))
            timed = [(base, rule.roll, rule.due_after)]
            if rule.extension is not None:
                timed.append((base, rule.roll, rule.extension.extends_by))
            missed = window_misses(rule, rules)
            if missed is not None:
                message = f"expected a window with a day in every period of the rule; {missed}"
                problems.append(smap.problem(f"{base}/window", "bad-window", message))
            span = window_span_problem(rules, rule)
            if span is not None:
                problems.append(smap.problem(f"{base}/window/{span[0]}", "bad-window", span[1]))
            for j, message in exempt_period_problems(rules, rule):
                problems.append(smap.problem(f"{base}/exempt_periods/{j}", "bad-value", message))
        elif isinstance(rule, PrerequisiteRule):
            timed = [(base, rule.roll, rule.lookback)]
        else:
            timed = []
            for j, step in enumerate(getattr(rule, "steps", ())):
                timed.append((f"{base}/steps/{j}", step.roll, step.within))
                if step.extension is not None:
                    timed.append((f"{base}/steps/{j}", step.roll, step.extension.extends_by))
        for pointer, roll, text in timed:
            if rolls_elapsed_time(rules, roll, text):
                message = (
                    f"expected a deadline in days or workdays to roll to a workday, got {text!r}, which is elapsed time"
                )
                problems.append(smap.problem(f"{pointer}/roll", "bad-roll", message))
    return problems


# The fewest days ``m % 12`` months from a day reach (from February: 28, 59...); twelve months
# reach at least 365 days and at most 366, one month at most 31, under any month-end policy.
_LEAST_MONTH_DAYS = (0, 28, 59, 89, 120, 150, 181, 212, 242, 273, 303, 334)
# The most days after its start a period's end is: the 31st of a 31-day month is 30 days after its 1st.
_PERIOD_END_DAYS = {"month": 30, "quarter": 91, "half-year": 183, "year": 365}


def _day_reach(duration: Duration) -> tuple[int, float]:
    """How many local days after the day it counts from a calendar-unit ``duration`` ends on, at
    least and at most, on any day, under any month-end policy and any business-day calendar. A
    workday is a day or more, so workdays reach at least their number of days, and at most any
    number (holidays may be as long as a calendar makes them); none reach the day itself."""
    from govrules.durations import Unit

    if (ended := duration.unit.ended_period) is not None:
        return 0, _PERIOD_END_DAYS[ended]
    n = duration.amount
    if duration.unit is Unit.DAYS:
        return n, n
    if duration.unit is Unit.WEEKS:
        return 7 * n, 7 * n
    if duration.unit is Unit.WORKDAYS:
        return n, math.inf if n else 0
    months = 12 * n if duration.unit is Unit.YEARS else n
    years, rest = divmod(months, 12)
    return 365 * years + _LEAST_MONTH_DAYS[rest], 366 * years + 31 * rest


def lookback_within_min_age(rules: RuleSet, rule: PrerequisiteRule) -> str | None:
    """Why no required event can ever be both as old as the rule's ``min_age`` asks and no older
    than its ``lookback`` allows (the loader refuses such a rule, `bad-rule`), or ``None``.

    The lookback ends at the end of the local day it reaches (in hours or minutes: that exact
    instant), and the minimum age is met from the start of the day it reaches (that instant).
    Both in hours or minutes: a lookback shorter than the minimum age. Both in calendar units: a
    lookback whose last day is always before the minimum age's first one, whatever the
    business-day calendar (``2 days`` and ``10 days``, ``1 month`` and ``32 days``, ``5 days``
    and ``6 workdays``, ``0 workdays`` and ``1 day``, ``3 workdays`` and ``5 workdays``, both
    counted on the rule set's calendar); one of the same length is met on that day. A lookback
    of one workday or more may reach any number of days (as many as a calendar's holidays make
    it), so no minimum age in days refuses it: ``10 workdays`` and ``30 days`` loads, and an
    approval 30 days old but more than ten workdays old is too old; so may one in calendar units
    rolled to a workday (``roll: next-workday``), so ``2 days`` and ``3 days`` then loads. Elapsed
    time against calendar days (``48 hours`` and ``3 days``) is not compared: local days may be
    longer or shorter than 24 hours.
    """
    from govrules.durations import Unit

    if rule.lookback is None or rule.min_age is None:
        return None
    lookback, age = rules.duration(rule.lookback), rules.duration(rule.min_age)
    if age.period_end:
        return None  # a moment, refused as a minimum age (bad-duration)
    if lookback.elapsed and age.elapsed:
        never = lookback.minutes < age.minutes
    elif lookback.elapsed or age.elapsed:
        return None
    elif lookback.unit is Unit.WORKDAYS and age.unit is Unit.WORKDAYS:
        never = lookback.amount < age.amount  # counted on one calendar: fewer workdays end sooner
    else:  # rolled to a workday, a lookback may reach any number of days further
        reach = math.inf if rule.roll == "next-workday" else _day_reach(lookback)[1]
        never = reach < _day_reach(age)[0]
    if not never:
        return None
    return (
        f"expected a 'lookback' that reaches as far as 'min_age' ({_written(rules, rule.min_age)}), got "
        f"{_written(rules, rule.lookback)}: no required event could be old enough for the minimum age and "
        "still recent enough for the lookback"
    )


def _written(rules: RuleSet, text: str) -> str:
    """A duration as the rule writes it, with its reading when that is a glossary term."""
    from govrules.durations import parse_duration

    try:
        parse_duration(text)
    except ValueError:
        return f"{text!r}, {rules.duration(text)}"
    return repr(text)


def window_span_problem(rules: RuleSet, rule: RecurringRule) -> tuple[str, str] | None:
    """What is wrong with the rule's ``first``/``last`` window span, which a check would refuse
    (`obligations.window_dates`): the key and why, or ``None``. It is counted in days, weeks or
    workdays, and is at least one of them."""
    from govrules.obligations import WINDOW_SPAN_UNITS

    window = rule.window if rule.window is None else rules.window(rule.window)
    if window is None or (window.first is None and window.last is None):
        return None
    key, text = ("first", window.first) if window.first is not None else ("last", window.last)
    duration = rules.duration(text or "")
    if duration.unit not in WINDOW_SPAN_UNITS:
        return key, f"expected a span in days, weeks or workdays, got {text!r}"
    if duration.amount < 1:
        return key, f"expected a span of at least one day, got {text!r}"
    return None


def gap_in_elapsed_time(rules: RuleSet, rule: RecurringRule) -> bool:
    """Whether the rule's rolling interval is in hours or minutes, which the loader refuses
    (`bad-rule`): a rolling interval is counted in local calendar days."""
    return rule.max_gap is not None and rules.duration(rule.max_gap).elapsed


def gap_of_no_day(rules: RuleSet, rule: RecurringRule) -> bool:
    """Whether the rule's rolling interval is of no day (``0 days``), which the loader refuses
    (`bad-rule`): events on one day make one gap, so no log could close it."""
    if rule.max_gap is None:
        return False
    gap = rules.duration(rule.max_gap)
    return gap.amount == 0 and not gap.period_end


def rolls_elapsed_time(rules: RuleSet, roll: str, text: str | None) -> bool:
    """Whether a deadline of ``text`` is rolled to a workday although it is elapsed time (hours or
    minutes), which the loader refuses (`bad-roll`)."""
    return roll == "next-workday" and text is not None and rules.duration(text).elapsed


_EXEMPT_SAMPLE = (date(2019, 1, 1), date(2022, 1, 1))  # a 53-week year and a 29 February


def exempt_period_problems(rules: RuleSet, rule: RecurringRule) -> list[tuple[int, str]]:
    """The rule's exempt periods (by position) that name no period of its grain as the rule set
    labels them (a week from a Sunday is ``2024-12-22/P1W``, an ISO week ``2024-W52``, a year from
    September ``2024-09/P1Y``): a label or its ending (``Q4``) that no label has would exempt
    nothing. Only for a grain or a year from another month: a named calendar's or a recurrence's
    periods come with the organisation or the recurrence."""
    every = rule.every
    if not rule.exempt_periods:
        return []
    from govrules.obligations import _WEEKDAY_INDEX
    from govrules.periods import written_period

    shape: dict[str, int] = {"week_start": _WEEKDAY_INDEX[rules.week_start]}
    if isinstance(every, FiscalYear):  # a year from another month: 2024-09/P1Y
        grain, what = Grain.YEAR, f"periods (years from month {every.year_starting})"
        shape = {"year_start": every.year_starting}
    elif isinstance(every, str) and every in Grain._value2member_map_:
        grain, what = Grain(every), f"{every} periods"
    else:
        return []
    labels = [p.label for p in iter_periods(grain, _EXEMPT_SAMPLE[0], _EXEMPT_SAMPLE[1], **shape)]

    def exempts(entry: str) -> bool:
        if any(label == entry or label.endswith("-" + entry) for label in labels):
            return True
        named = written_period(entry)  # a whole label of a year outside the sample
        grid = iter_periods(grain, named.start, named.end, **shape) if named else ()
        return any(p.label == entry for p in grid)

    problems = []
    for j, entry in enumerate(rule.exempt_periods):
        if exempts(entry):
            continue
        example = labels[len(labels) // 2]
        such = f"{example!r} or {example.split('-', 1)[1]!r}" if "-" in example else repr(example)
        message = f"expected a label of the rule's {what} or its ending, such as {such}, got {entry!r}"
        fixed = [c for c in (canonical_label(entry), entry.strip().upper()) if c and c != entry and exempts(c)]
        if fixed:
            message += f" (write {fixed[0]!r})"
        problems.append((j, message + ": it would exempt nothing"))
    return problems


def window_misses(rule: RecurringRule, rules: RuleSet | None = None) -> str | None:
    """Why the rule's ``month``/``days`` window has no day in some period of its calendar grid
    (``month: 12`` for quarters), tried over two years; ``None`` when it always has one. Not
    tried: grids of named calendars and recurrences (their periods come with the organisation or
    the recurrence), and rules with exempt periods or effective dates (which may leave out the
    periods the window misses); such a window fails when a check expands a period it misses.
    The glossary terms of the window are read in ``rules`` (a window without terms needs none).
    """
    from govrules.obligations import month_window

    window = rule.window if rule.window is None or rules is None else rules.window(rule.window)
    if window is None or window.first or window.last or rule.exempt_periods or rule.effective is not None:
        return None  # exempt periods and effective dates may leave out exactly the periods it misses
    every = rule.every
    if isinstance(every, FiscalYear):
        periods = iter_periods(Grain.YEAR, *_WINDOW_SAMPLE, year_start=every.year_starting)
    elif isinstance(every, str) and every in Grain._value2member_map_:
        periods = iter_periods(Grain(every), *_WINDOW_SAMPLE)
    else:
        return None
    for period in periods:
        try:
            month_window(period, window)
        except InvalidArgument as exc:
            return str(exc)
    return None


def _reserved_actor_id(actor_id: str, ids: Collection[str]) -> str | None:
    """Why ``actor_id`` would be read as a reference to a role or a relation, or ``None``."""
    prefix = party_prefix(actor_id)
    if prefix is None:
        return None
    other = actor_id.replace(":", "-")
    such = f", such as {other!r}" if other not in ids else ""
    return (
        f"expected an actor id not starting {prefix!r} (in any case), got {actor_id!r}: reports write "
        f"{PARTY_PREFIXES[prefix]}, and would take this actor for one; give it another id{such}"
    )


def _org_problems(org: Organisation, smap: SourceMap) -> list[Problem]:
    problems: list[Problem] = []
    ids: dict[str, int] = {}
    all_ids = {a.id for a in org.actors}
    for i, actor in enumerate(org.actors):
        reserved = _reserved_actor_id(actor.id, all_ids)
        if reserved is not None:
            problems.append(smap.problem(f"/actors/{i}/id", "reserved-id", reserved))
        if actor.id in ids:
            problems.append(
                smap.problem(
                    f"/actors/{i}/id",
                    "duplicate-id",
                    f"actor id {actor.id!r} is already used by actor #{ids[actor.id]}",
                )
            )
        else:
            ids[actor.id] = i
    known = sorted(ids)
    for i, actor in enumerate(org.actors):
        for relation, members in actor.relations.items():
            for j, member in enumerate(members):
                member_id = member if isinstance(member, str) else member.actor
                if member_id not in ids:
                    problems.append(
                        smap.problem(
                            f"/actors/{i}/relations/{pointer_step(relation)}/{j}"
                            + ("" if isinstance(member, str) else "/actor"),
                            "unknown-actor",
                            _unknown("actor", member_id, known),
                        )
                    )
    for name, periods in org.calendars.items():
        ordered = sorted(enumerate(periods), key=lambda p: p[1].start)
        reach: CalendarPeriod | None = None  # of the periods before, the one that ends last: every overlap is with it
        for j, b in ordered:
            a: CalendarPeriod | None = reach
            if a is None or b.end > a.end:
                reach = b
            if a is not None and b.start <= a.end:
                problems.append(
                    smap.problem(
                        f"/calendars/{pointer_step(name)}/{j}",
                        "overlap",
                        f"period {b.id!r} starts on {b.start}, on or before the day period {a.id!r} ends ({a.end})",
                    )
                )
        pids: set[str] = set()
        for j, pid in enumerate(p.id for p in periods):
            if pid in pids:
                problems.append(
                    smap.problem(
                        f"/calendars/{pointer_step(name)}/{j}/id",
                        "duplicate-id",
                        f"period id {pid!r} is used twice in calendar {name!r}",
                    )
                )
            pids.add(pid)
    for i, ex in enumerate(org.exemptions):
        if ex.actor not in ids:
            problems.append(smap.problem(f"/exemptions/{i}/actor", "unknown-actor", _unknown("actor", ex.actor, known)))
    return problems + _exemption_label_problems(org, smap)


def _exemption_label_problems(org: Organisation, smap: SourceMap) -> list[Problem]:
    """An exemption's period that is neither a period label nor a period of the organisation's
    calendars: it would exempt nothing."""
    custom = {p.id for periods in org.calendars.values() for p in periods}
    problems = []
    for i, ex in enumerate(org.exemptions):
        for j, label in enumerate(ex.periods):
            if label not in custom and canonical_label(label) is None:
                message = (
                    f"expected a period label (2024-03, 2024-Q1, 2024-H2, 2024, 2024-W48...) or the id of a "
                    f"period of the organisation's calendars, got {label!r}: it would exempt nothing"
                )
                problems.append(smap.problem(f"/exemptions/{i}/periods/{j}", "bad-value", message))
    return problems


def _unknown(what: str, name: str, known: Sequence[str]) -> str:
    message = f"unknown {what} {name!r}"
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    if close:
        return message + f"; did you mean {close[0]!r}?"
    if len(known) <= 12:
        return message + f"; expected one of: {', '.join(known)}" if known else message + f" (no {what} is defined)"
    return message


def cross_check(rules: RuleSet, org: Organisation) -> list[Problem]:
    """Problems that only show when a rule set meets an organisation.

    A rule naming a role, relation, actor or custom calendar the organisation lacks, an
    exemption naming an unknown rule; and every problem the loaders refuse, which a rule set or an
    organisation made in Python, or changed since it was loaded, may have: a value of the wrong
    type or out of range (an unknown time zone, a misspelt kind or period, a negative count),
    and a rule id or an actor id used twice, an unknown glossary term, a window that misses a
    period... The rule set's problems come first, pointing into it, then the organisation's.
    Where either holds a value of the wrong type or out of range, as loading stops there, the
    problems are those and each one's own checks, without the checks of the two together.
    """
    rule_problems, org_problems = split_cross_check(rules, org)
    return rule_problems + org_problems


def require_usable(rules: RuleSet, org: Organisation) -> tuple[RuleSet, Organisation]:
    """Raise what `cross_check` finds, as an error of the object at fault.

    Returns:
        The rule set and the organisation as loading their data gives them: equal to those
        given, with each value of the type the model declares where a value given was of
        another type that loading reads (a mapping for a model, text for a date), and with the
        source maps of those given. Check these, not those given.

    Raises:
        RuleSetError: a problem of the rule set (the organisation's, if any, are listed too).
        OrganisationError: a problem of the organisation only.
    """
    rule_problems, org_problems, usable = _cross_checked(rules, org)
    if rule_problems:
        raise RuleSetError(rule_problems + org_problems)
    if org_problems or usable is None:  # no model is unusable without a problem
        raise OrganisationError(org_problems)
    return usable


def split_cross_check(rules: RuleSet, org: Organisation) -> tuple[list[Problem], list[Problem]]:
    """`cross_check`'s problems in two lists: those of the rule set, and those of the
    organisation (an exemption naming an unknown rule is the organisation's)."""
    rule_problems, org_problems, _ = _cross_checked(rules, org)
    return rule_problems, org_problems


def _revalidated(cls: type[M], obj: M, smap: SourceMap) -> tuple[M | None, list[Problem]]:
    """``obj`` as loading its data gives it, with its source map (``None`` where loading refuses
    it; ``obj`` itself where that equals it, so that a check holds no second organisation), and
    what loading refuses in its types and values (a model's validation, step 3 of
    docs/trust.md), at ``smap``'s places.

    Neither a model made without validation (`model_construct`) nor one changed with
    `model_copy(update=...)` is validated, so either may hold what no file could: an unknown
    time zone, a misspelt kind or period, a negative count.
    """
    # a value of the wrong type is dumped as it is, without pydantic's warning (what is wrong is
    # said below), and one no JSON holds as its repr: validation then says what was expected.
    # Through JSON text, which takes less time than through Python data (an organisation of
    # 20,000 actors: 0.23 s against 0.38 s); the problems alone need the data.
    text = obj.model_dump_json(by_alias=True, warnings=False, fallback=repr)
    try:
        valid = cls.model_validate_json(text)
    except ValidationError as exc:
        data = json.loads(text)
        return None, sorted(_problems_from_validation(exc, data, smap), key=_position_key)
    if type(obj) is cls and valid.__dict__ == obj.__dict__:
        return obj, []  # as loading gives it: the one given is checked, and no copy is held
    valid._source = obj._source  # type: ignore[attr-defined]
    return valid, []


def _cross_checked(
    given_rules: RuleSet, given_org: Organisation
) -> tuple[list[Problem], list[Problem], tuple[RuleSet, Organisation] | None]:
    """`split_cross_check`'s problems, and the models as loading gives them where neither
    holds a value loading refuses in its types and values."""
    from govrules.obligations import exemption_binds_nothing, exemption_misses, exemption_owes_nothing, rule_parties

    rsmap: SourceMap = given_rules._source or SourceMap("<rules>")
    osmap: SourceMap = given_org._source or SourceMap("<organisation>")
    # what loading checks first, again; the checks after it read the models loading gives
    rules, rule_shape = _revalidated(RuleSet, given_rules, rsmap)
    org, org_shape = _revalidated(Organisation, given_org, osmap)
    if rules is None or org is None:  # each one's own checks, as loading it would find them
        if rules is not None:
            rule_shape = _rule_set_problems(
                rules, rules.model_dump(mode="json", by_alias=True), rsmap, _no_rule_limit(rules)
            )
        if org is not None:
            org_shape = _org_problems(org, osmap)
        return rule_shape, org_shape, None
    roles = sorted(org.roles())
    relations = sorted(org.relations())
    actors = sorted(a.id for a in org.actors)
    problems: list[Problem] = []

    def party(pointer: str, ref: Any) -> None:
        p = as_party(ref)
        if p is None:
            return
        suffix = "" if isinstance(ref, str) else None
        if p.actor is not None and p.actor not in actors:
            problems.append(
                rsmap.problem(
                    pointer if suffix == "" else f"{pointer}/actor", "unknown-actor", _unknown("actor", p.actor, actors)
                )
            )
        if p.role is not None and p.role not in roles:
            problems.append(rsmap.problem(f"{pointer}/role", "unknown-role", _unknown("role", p.role, roles)))
        if p.relation is not None and p.relation not in relations:
            problems.append(
                rsmap.problem(f"{pointer}/relation", "unknown-relation", _unknown("relation", p.relation, relations))
            )
        elif p.role is not None and p.relation is not None and p.role in roles:
            held = p.relation
            if not any(a.relations.get(held) for a in org.holders(p.role)):  # each pair: none
                others = sorted(a.id for a in org.actors if a.relations.get(held))
                message = (
                    f"no holder of role {p.role!r} has a member in relation {held!r}, so the rule would owe "
                    f"nothing; "
                    + (f"actors with it: {', '.join(others[:12])}" if others else "no actor has a member in it")
                )
                problems.append(rsmap.problem(f"{pointer}/relation", "unknown-relation", message))

    def addressed(pointer: str, where: Mapping[str, Any] | None) -> None:
        """A ``where`` on ``recipient`` names actors as `to` does: a misspelt one holds of no event."""
        wanted = (where or {}).get("recipient")
        values = wanted if isinstance(wanted, list) else [wanted]
        for k, value in enumerate(values):
            if isinstance(value, str) and value not in actors:
                at = f"{pointer}/where/recipient" + (f"/{k}" if isinstance(wanted, list) else "")
                problems.append(rsmap.problem(at, "unknown-actor", _unknown("actor", value, actors)))

    for i, rule in enumerate(rules.rules):
        base = f"/rules/{i}"
        for key in ("who", "to", "by"):
            if key in type(rule).model_fields:
                party(f"{base}/{key}", getattr(rule, key))
        addressed(base, getattr(rule, "where", None))
        for attr in ("trigger", "unless", "extension"):
            sub = getattr(rule, attr, None)
            if sub is not None:
                party(f"{base}/{attr}/by", getattr(sub, "by", None))
                party(f"{base}/{attr}/to", getattr(sub, "to", None))
                addressed(f"{base}/{attr}", sub.where)
        for name in ("steps", "requires"):
            for j, item in enumerate(getattr(rule, name, ()) or ()):
                party(f"{base}/{name}/{j}/by", item.by)
                party(f"{base}/{name}/{j}/to", getattr(item, "to", None))
                addressed(f"{base}/{name}/{j}", item.where)
                if getattr(item, "extension", None) is not None:
                    addressed(f"{base}/{name}/{j}/extension", item.extension.where)
        if (
            isinstance(rule, RecurringRule)
            and isinstance(rule.every, model.NamedCalendar)
            and rule.every.calendar not in org.calendars
        ):
            problems.append(
                rsmap.problem(
                    f"{base}/every/calendar",
                    "unknown-calendar",
                    _unknown("calendar", rule.every.calendar, sorted(org.calendars)),
                )
            )
    # what loading checks next, again: a rule set made in Python, or changed since it was loaded
    # (`model_copy` keeps the source map), may lack it
    problems += _rule_set_problems(rules, rules.model_dump(mode="json", by_alias=True), rsmap, _no_rule_limit(rules))
    org_problems: list[Problem] = []
    rule_ids = sorted(r.id for r in rules.rules)
    by_id = {r.id: r for r in rules.rules}
    for i, ex in enumerate(org.exemptions):
        if not ex.applies_to(rules.id):
            continue  # another rule set's, which this check leaves out
        exempted = by_id.get(ex.rule)
        if exempted is None:
            org_problems.append(
                osmap.problem(f"/exemptions/{i}/rule", "unknown-rule", _unknown("rule", ex.rule, rule_ids))
            )
        elif not (isinstance(exempted, RecurringRule) and exempted.every is not None):
            message = (
                f"expected a recurring rule on calendar periods ('every'), whose obligations an exemption covers; "
                f"rule {ex.rule!r} is a {_kind_words(exempted)}, which it would leave as it is"
            )
            org_problems.append(osmap.problem(f"/exemptions/{i}/rule", "bad-value", message))
        else:
            try:
                owing = {actor.id for actor, _ in rule_parties(org, exempted)}
            except InvalidArgument:  # an actor the organisation lacks: said as such elsewhere
                owing = {ex.actor}
            said = len(org_problems)
            actor = org.actor(ex.actor)  # an unknown one is said so by the organisation's own check
            if actor is not None and ex.actor not in owing:
                message = (
                    f"expected an actor that owes under rule {ex.rule!r} ({_listed(sorted(owing))}); "
                    f"{ex.actor!r} owes nothing under it: the exemption would exempt nothing"
                )
                org_problems.append(osmap.problem(f"/exemptions/{i}/actor", "bad-value", message))
            elif actor is not None and (never := exemption_binds_nothing(rules, org, exempted, actor)) is not None:
                org_problems.append(osmap.problem(f"/exemptions/{i}/actor", "bad-value", never))
            for j, label in enumerate(ex.periods):
                misses = exemption_misses(rules, org, exempted, label)
                if misses is not None:
                    org_problems.append(osmap.problem(f"/exemptions/{i}/periods/{j}", "bad-value", misses))
            nothing = None if len(org_problems) > said else exemption_owes_nothing(rules, org, exempted, ex)
            if nothing is not None:
                at = "/periods" if ex.dates is None else "/dates" if not ex.periods else ""
                org_problems.append(osmap.problem(f"/exemptions/{i}{at}", "bad-value", nothing))
    org_problems += _org_problems(org, osmap)  # as for the rule set
    return problems, org_problems, (rules, org)


def _no_rule_limit(rules: RuleSet) -> Limits:
    """The limits loading applies, but for the number of rules (a rule set made in Python may
    hold more)."""
    return replace(DEFAULT_LIMITS, max_rules=len(rules.rules))


def _listed(ids: Sequence[str]) -> str:
    """Ids as a short list: all of up to five, else the first five and how many more."""
    if not ids:
        return "no actor"
    shown = ", ".join(repr(i) for i in ids[:5])
    return shown if len(ids) <= 5 else f"{shown} and {len(ids) - 5} more"


def _kind_words(rule: Any) -> str:
    if isinstance(rule, RecurringRule):
        return "rolling interval ('max_gap')"
    return f"{rule.kind} rule"


# ---------------------------------------------------------------------------------------------
# Public loaders

M = TypeVar("M", bound=BaseModel)


def _read_bytes(path: str | os.PathLike[str], error: type[LoadError], limits: Limits) -> tuple[bytes, str]:
    name = os.fspath(path)
    try:
        size = os.stat(openable(name)).st_size
        if size > limits.max_file_bytes:
            raise error(
                [
                    Problem(
                        name,
                        None,
                        None,
                        "",
                        "too-large",
                        Wording("file-too-large", size=size, limit=limits.max_file_bytes),
                    )
                ]
            )
        with open(name, "rb") as handle:
            return handle.read(limits.max_file_bytes + 1), name
    except IsADirectoryError:
        raise error([Problem(name, None, None, "", "unreadable", Wording("file-directory"))]) from None
    except OSError as exc:
        raise error(
            [Problem(name, None, None, "", "unreadable", Wording("file-unreadable", error=os_error(exc)))]
        ) from None


def _load(
    source: str | os.PathLike[str] | bytes,
    cls: type[M],
    error: type[LoadError],
    limits: Limits,
    file: str | None,
) -> tuple[M, Any, SourceMap]:
    if isinstance(source, bytes):
        data_bytes, name = source, file or "<string>"
    else:
        data_bytes, name = _read_bytes(source, error, limits)
    data, smap, problems = parse_document(data_bytes, name, limits=limits)
    if data is None and problems:
        raise error(problems)
    if not isinstance(data, Mapping):  # including a document that is only a null (``~``)
        raise error(
            [
                *problems,
                smap.problem("", "wrong-type", f"expected a mapping at the top of the file, got {_describe(data)}"),
            ]
        )
    try:
        obj = cls.model_validate(data)
    except ValidationError as exc:
        problems.extend(_problems_from_validation(exc, data, smap))
        problems += ambiguous_values(smap, said={p.pointer for p in problems})
        raise error(sorted(problems, key=_position_key)) from None
    problems += ambiguous_values(smap)
    if problems:
        raise error(sorted(problems, key=_position_key))
    obj._source = smap  # type: ignore[attr-defined]
    return obj, data, smap


def _position_key(p: Problem) -> tuple[int, int, str, str]:
    return (p.line or 0, p.column or 0, p.pointer, p.code)


def load_rules(
    source: str | os.PathLike[str] | bytes, *, file: str | None = None, limits: Limits = DEFAULT_LIMITS
) -> RuleSet:
    """Load a rule set from a YAML or JSON file (or bytes).

    Args:
        source: a path, or the file's bytes.
        file: the name to use in problems when ``source`` is bytes (``.json`` selects JSON).
        limits: caps on size, values and nesting.

    Returns:
        The validated rule set.

    Raises:
        RuleSetError: every problem of the file, each with line, column and JSON pointer.
    """
    rules, data, smap = _load(source, RuleSet, RuleSetError, limits, file)
    problems = _rule_set_problems(rules, data, smap, limits)
    if problems:
        raise RuleSetError(sorted(problems, key=_position_key))
    return rules


def load_org(
    source: str | os.PathLike[str] | bytes, *, file: str | None = None, limits: Limits = DEFAULT_LIMITS
) -> Organisation:
    """Load an organisation from a YAML or JSON file (or bytes).

    Raises:
        OrganisationError: every problem of the file.
    """
    org, _, smap = _load(source, Organisation, OrganisationError, limits, file)
    problems = _org_problems(org, smap)
    if problems:
        raise OrganisationError(sorted(problems, key=_position_key))
    return org


def sniff_kind(source: str | os.PathLike[str] | bytes, *, file: str | None = None) -> str:
    """``rules``, ``org``, ``map`` or ``scenario``: which kind of document a file (or its bytes,
    named ``file``) holds, by its top-level keys (`document_kind`); ``rules`` where they tell none."""
    return document_kind(source, file=file) or "rules"


def document_kind(source: str | os.PathLike[str] | bytes, *, file: str | None = None) -> str | None:
    """``rules``, ``org``, ``map`` or ``scenario``: which kind of document a file (or its bytes,
    named ``file``) holds, by its top-level keys; None where it holds no key of any (a file that
    cannot be read or parsed, or is no mapping)."""
    try:
        if isinstance(source, bytes):
            data, _, _ = parse_document(source, file or "<string>")
        else:
            data, _, _ = parse_document(
                Path(openable(os.fspath(source))).read_bytes()[: DEFAULT_LIMITS.max_file_bytes + 1], os.fspath(source)
            )
    except OSError:
        return None
    if not isinstance(data, Mapping):
        return None
    # the kind more of whose own keys the document has (an organisation with a stray `rules: []`
    # is an organisation, with `/rules` an unknown key); where they tie, one with `actors` and
    # without rules written as rules (mappings with a `kind`) is an organisation
    ours = {kind: _own_keys(kind) for kind in ("org", "rules")}
    org, rules = (len(ours[kind].intersection(data)) for kind in ("org", "rules"))
    # a map file shares no key with either; a scenario names its rule set and organisation
    # (`rules`, `org`) beside keys of its own, one of them (`encoding`) a map file's too
    mapped = len(set(_MAP_KEYS).intersection(data))
    scenario = len(set(SCENARIO_KEYS).intersection(data) - ours["org"] - ours["rules"])
    if mapped > max(org, rules, scenario):
        return "map"
    if scenario > max(org, rules, mapped):
        return "scenario"
    if org == rules == 0:
        return None
    if org != rules:
        return "org" if org > rules else "rules"
    written = data.get("rules")
    has_rules = isinstance(written, list) and any(isinstance(r, Mapping) and "kind" in r for r in written)
    return "org" if "actors" in data and not has_rules else "rules"


@cache
def _own_keys(kind: str) -> frozenset[str]:
    """The top-level keys of a document of ``kind`` (``org`` or ``rules``) that the other kind has not."""
    fields = {"org": Organisation.model_fields, "rules": RuleSet.model_fields}
    keys = {name: {f.alias or n for n, f in of.items()} for name, of in fields.items()}
    other = "rules" if kind == "org" else "org"
    return frozenset(keys[kind] - keys[other])


def rule_actions(rules: RuleSet) -> set[str]:
    """Every action name any rule mentions."""
    names: set[str] = set()
    for _, key, value in _walk(rules.model_dump(by_alias=True)):
        if key == "action" and isinstance(value, str | list):
            names.update(actions_of(value))
    return names


_MAP_KEYS = ("fields", "lists", "attributes", "time_format", "format", "encoding", "delimiter")
SCENARIO_KEYS = ("name", "rules", "org", "events", "map", "map_file", "encoding", "range", "as_of", "lang", "expect")
"""The top-level keys of a scenario file (`govrules.scenarios`)."""


class MapFile(NamedTuple):
    """What a map file says: the field map, and its export's log format, text encoding and CSV
    delimiter (each ``None`` where the file gives none)."""

    fmap: FieldMap
    fmt: str | None
    encoding: str | None
    delimiter: str | None


def load_map_file(source: str | os.PathLike[str] | bytes, *, file: str | None = None) -> MapFile:
    """Read a column-mapping file (a path, or its bytes named ``file``) for a recurring export format.

    The file is a mapping with ``fields`` (event field -> column, ``|`` for alternatives),
    ``lists`` (attribute -> separator), ``attributes`` (column -> attribute name), the
    ``time_format`` the time field is written in where it is not ISO 8601 (a ``strptime`` pattern,
    ``%d.%m.%Y %H:%M``), and optionally the log ``format``, text ``encoding`` and CSV
    ``delimiter``.

    Returns:
        The field map, the log format, the encoding and the delimiter.

    Raises:
        LoadError: the file cannot be read, is not such a mapping, or names an unknown field.
    """
    if isinstance(source, bytes):
        data_bytes, name = source, file or "<string>"
    else:
        data_bytes, name = _read_bytes(source, LoadError, DEFAULT_LIMITS)
    data, smap, problems = parse_document(data_bytes, name)
    if problems:
        raise LoadError(problems)
    if not isinstance(data, Mapping):
        raise LoadError([smap.problem("", "wrong-type", Wording("map-not-mapping"))])
    unknown = sorted(set(data) - set(_MAP_KEYS))
    if unknown:
        raise LoadError(
            [
                smap.problem(
                    f"/{pointer_step(unknown[0])}",
                    "unknown-key",
                    Wording("map-unknown-key", key=unknown[0], keys=", ".join(_MAP_KEYS)),
                )
            ]
        )
    wanted = {key: Wording(f"map-{key}") for key in ("fields", "lists", "attributes")}
    texts: dict[str, dict[str, str]] = {}
    for key, what in wanted.items():
        value = data.get(key) or {}
        if not isinstance(value, Mapping):
            raise LoadError(
                [smap.problem(f"/{key}", "wrong-type", Wording("map-wrong-type", what=what, got=_describe(value)))]
            )
        for name_, text in value.items():
            if not isinstance(text, str) or not text:
                pointer = f"/{key}/{pointer_step(str(name_))}"
                why = Wording("map-not-text", got=_describe(text))
                if pointer in smap.written:  # a number or true/false, as YAML read it (`no`, `010`)
                    why = Wording(
                        "map-not-text-quote", got=_describe(text), quoted=_quoted(smap, smap.written[pointer])
                    )
                raise LoadError([smap.problem(pointer, "wrong-type", why)])
        texts[key] = {str(k): v for k, v in value.items()}
    for event_field, column in texts["fields"].items():  # a problem of one field, said at its line
        try:
            FieldMap.parse([f"{event_field}={column}"])
        except ValueError as exc:
            raise LoadError([smap.problem(f"/fields/{pointer_step(event_field)}", "bad-value", exc.args[0])]) from None
    try:
        parsed = FieldMap.parse([f"{k}={v}" for k, v in texts["fields"].items()])
    except ValueError as exc:
        raise LoadError([smap.problem("/fields", "bad-value", exc.args[0])]) from None
    fmt, encoding = data.get("format"), data.get("encoding")
    if fmt is not None and fmt not in FORMATS:
        raise LoadError(
            [smap.problem("/format", "bad-value", Wording("map-bad-format", formats=", ".join(FORMATS), fmt=fmt))]
        )
    if encoding is not None and not isinstance(encoding, str):
        raise LoadError(
            [smap.problem("/encoding", "wrong-type", Wording("map-encoding-type", got=_describe(encoding)))]
        )
    if encoding is not None and not known_encoding(encoding):
        raise LoadError([smap.problem("/encoding", "bad-encoding", Wording("map-unknown-encoding", encoding=encoding))])
    delimiter = data.get("delimiter")
    if delimiter is not None and not usable_delimiter(delimiter):
        raise LoadError(
            [smap.problem("/delimiter", "bad-value", Wording("delimiter-unusable", got=_describe(delimiter)))]
        )
    time_format = data.get("time_format")
    if time_format is not None and not isinstance(time_format, str):
        why = Wording("map-not-text", got=_describe(time_format))
        raise LoadError([smap.problem("/time_format", "wrong-type", why)])
    problem = None if time_format is None else time_format_problem(time_format)
    if problem is not None:
        raise LoadError([smap.problem("/time_format", "bad-value", problem)])
    fmap = FieldMap(parsed.fields, texts["lists"], texts["attributes"], time_format)
    return MapFile(fmap, fmt, encoding, delimiter)
