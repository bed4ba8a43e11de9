"""Load rule sets and organisations from YAML or JSON, reporting every problem at once.

Each problem names the file, line, column and JSON pointer, with a stable code and a message
saying what was expected and what was found (with "did you mean" for misspelt keys and names).
YAML is read with the safe loader's composer and converted here, so that duplicate keys are
rejected, tags that build objects are refused, alias expansion and nesting are bounded, and
every value keeps its position.
"""

from __future__ import annotations

import difflib
import itertools
import json
import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from govrules import model
from govrules.errors import LoadError, OrganisationError, Problem, RuleSetError
from govrules.model import (
    Organisation,
    RecurringRule,
    RuleSet,
    actions_of,
    as_party,
)

__all__ = ["Limits", "SourceMap", "cross_check", "load_org", "load_rules", "parse_document"]

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
    """Where each JSON pointer of a loaded document came from."""

    file: str
    positions: dict[str, tuple[int, int]] = field(default_factory=dict)

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


class _Abort(Exception):
    def __init__(self, problem: Problem) -> None:
        self.problem = problem


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


_SCALAR_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}


class _Converter:
    """Turn a composed YAML node graph into plain data, recording positions and problems."""

    def __init__(self, smap: SourceMap, limits: Limits) -> None:
        self.smap = smap
        self.limits = limits
        self.nodes = 0
        self.problems: list[Problem] = []
        self._constructor = yaml.SafeLoader("")

    def convert(self, node: yaml.Node, pointer: str, depth: int) -> Any:
        self.nodes += 1
        if self.nodes > self.limits.max_nodes:
            raise _Abort(
                self.smap.problem(
                    pointer,
                    "too-large",
                    f"the document expands to more than {self.limits.max_nodes} values "
                    "(an alias bomb, or a file far larger than a rule set needs)",
                )
            )
        if depth > self.limits.max_depth:
            raise _Abort(self.smap.problem(pointer, "too-deep", f"nesting deeper than {self.limits.max_depth} levels"))
        line, col = node.start_mark.line + 1, node.start_mark.column + 1
        self.smap.positions.setdefault(pointer, (line, col))
        if isinstance(node, yaml.ScalarNode):
            if node.tag not in _SCALAR_TAGS:
                self.problems.append(
                    Problem(
                        self.smap.file,
                        line,
                        col,
                        pointer,
                        "yaml-tag",
                        f"tag {node.tag!r} is not allowed; only plain data is read",
                    )
                )
                return None
            if node.tag in ("tag:yaml.org,2002:str", "tag:yaml.org,2002:timestamp"):
                return node.value
            value = self._constructor.construct_object(node)
            if (isinstance(value, float) and value != value) or value in (float("inf"), float("-inf")):
                self.problems.append(
                    Problem(self.smap.file, line, col, pointer, "bad-number", f"{node.value!r} is not a finite number")
                )
                return None
            return value
        if isinstance(node, yaml.SequenceNode):
            if node.tag != "tag:yaml.org,2002:seq":
                self.problems.append(
                    Problem(self.smap.file, line, col, pointer, "yaml-tag", f"tag {node.tag!r} is not allowed")
                )
            return [self.convert(item, f"{pointer}/{i}", depth + 1) for i, item in enumerate(node.value)]
        if isinstance(node, yaml.MappingNode):
            if node.tag != "tag:yaml.org,2002:map":
                self.problems.append(
                    Problem(self.smap.file, line, col, pointer, "yaml-tag", f"tag {node.tag!r} is not allowed")
                )
            result: dict[str, Any] = {}
            seen: dict[str, int] = {}
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    self.problems.append(
                        Problem(
                            self.smap.file,
                            key_node.start_mark.line + 1,
                            key_node.start_mark.column + 1,
                            pointer,
                            "yaml-merge",
                            "merge keys ('<<') are not allowed; write the keys out",
                        )
                    )
                    continue
                if not isinstance(key_node, yaml.ScalarNode):
                    self.problems.append(
                        Problem(
                            self.smap.file,
                            key_node.start_mark.line + 1,
                            key_node.start_mark.column + 1,
                            pointer,
                            "bad-key",
                            "a key must be a plain string",
                        )
                    )
                    continue
                key = key_node.value
                child = f"{pointer}/{_escape(key)}"
                kline = key_node.start_mark.line + 1
                if key in seen:
                    self.problems.append(
                        Problem(
                            self.smap.file,
                            kline,
                            key_node.start_mark.column + 1,
                            child,
                            "duplicate-key",
                            f"key {key!r} appears twice in one mapping (first on line {seen[key]})",
                        )
                    )
                    continue
                seen[key] = kline
                self.smap.positions[child] = (kline, key_node.start_mark.column + 1)
                result[key] = self.convert(value_node, child, depth + 1)
            return result
        raise AssertionError(f"unknown YAML node {node!r}")  # pragma: no cover


def parse_document(data: bytes, file: str, *, limits: Limits = DEFAULT_LIMITS) -> tuple[Any, SourceMap, list[Problem]]:
    """Parse YAML or JSON bytes into plain data with positions.

    Returns:
        The data (``None`` when unusable), its source map, and the problems found.
    """
    smap = SourceMap(file)
    if len(data) > limits.max_file_bytes:
        return (
            None,
            smap,
            [
                Problem(
                    file,
                    None,
                    None,
                    "",
                    "too-large",
                    f"the file has {len(data)} bytes; the limit is {limits.max_file_bytes}",
                )
            ],
        )
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return (
            None,
            smap,
            [
                Problem(
                    file,
                    line,
                    None,
                    "",
                    "encoding",
                    f"expected UTF-8 text, found byte 0x{data[exc.start]:02x} at offset {exc.start} (save the file as UTF-8)",
                )
            ],
        )
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        return (
            None,
            smap,
            [Problem(file, line, None, "", "binary", "the file contains NUL bytes; expected YAML or JSON text")],
        )
    if not text.strip():
        return None, smap, [Problem(file, 1, 1, "", "empty", "the file is empty; expected a YAML or JSON mapping")]
    if file.endswith(".json"):
        try:
            json.loads(text, parse_constant=_reject_constant)
        except json.JSONDecodeError as exc:
            return None, smap, [Problem(file, exc.lineno, exc.colno, "", "json-syntax", f"invalid JSON: {exc.msg}")]
        except ValueError as exc:
            return None, smap, [Problem(file, None, None, "", "bad-number", str(exc))]
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where_line: int | None = mark.line + 1 if mark else None
        where_col: int | None = mark.column + 1 if mark else None
        what = " ".join(x for x in (exc.context, exc.problem) if x)
        return None, smap, [Problem(file, where_line, where_col, "", "yaml-syntax", f"invalid YAML: {what}")]
    except yaml.YAMLError as exc:
        return None, smap, [Problem(file, None, None, "", "yaml-syntax", f"invalid YAML: {exc}")]
    except RecursionError:
        return None, smap, [Problem(file, None, None, "", "too-deep", "the document is nested too deeply to read")]
    if node is None:
        return None, smap, [Problem(file, 1, 1, "", "empty", "the file holds no document; expected a mapping")]
    converter = _Converter(smap, limits)
    try:
        value = converter.convert(node, "", 0)
    except _Abort as abort:
        return None, smap, [*converter.problems, abort.problem]
    except RecursionError:
        return None, smap, [Problem(file, None, None, "", "too-deep", "the document is nested too deeply to read")]
    return value, smap, converter.problems


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number; write a finite number")


# ---------------------------------------------------------------------------------------------
# pydantic errors -> problems

_CODES = {
    "extra_forbidden": "unknown-key",
    "missing": "missing-key",
    "union_tag_invalid": "unknown-kind",
    "union_tag_not_found": "missing-key",
    "literal_error": "bad-value",
    "enum": "bad-value",
    "string_pattern_mismatch": "bad-id",
    "date_from_datetime_parsing": "bad-date",
    "date_parsing": "bad-date",
    "date_type": "bad-date",
    "greater_than_equal": "out-of-range",
    "less_than_equal": "out-of-range",
    "too_short": "too-short",
    "string_too_short": "too-short",
}
_TYPE_ERRORS = ("_type", "_parsing")


def _vocabulary() -> set[str]:
    words: set[str] = set()
    for value in vars(model).values():
        if isinstance(value, type) and issubclass(value, BaseModel):
            for name, info in value.model_fields.items():
                words.add(info.alias or name)
    return words


def _describe(value: Any) -> str:
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing (null)"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _pointer_for(loc: Sequence[int | str], data: Any) -> tuple[str, Any]:
    """Map a pydantic ``loc`` onto the data, dropping union-branch labels pydantic inserts."""
    parts: list[str] = []
    current = data
    for item in loc:
        if isinstance(current, Mapping) and isinstance(item, str) and item in current:
            parts.append(_escape(item))
            current = current[item]
        elif isinstance(current, list) and isinstance(item, int) and 0 <= item < len(current):
            parts.append(str(item))
            current = current[item]
        elif isinstance(current, Mapping) and isinstance(item, str) and not _is_branch_label(item):
            parts.append(_escape(item))  # a key that is missing or unknown at this level
            current = None
    return ("/" + "/".join(parts)) if parts else "", current


def _is_branch_label(item: str) -> bool:
    return (
        item in model.RULE_KINDS
        or item[:1].isupper()
        or item
        in {
            "str",
            "int",
            "float",
            "bool",
            "list[str]",
            "dict[str,any]",
            "literal['first','last']",
            "constrained-str",
            "constrained-int",
            "function-after[_check_duration_text(), str]",
        }
        or item.startswith(("function-", "literal[", "list[", "dict[", "constrained-"))
    )


def _problems_from_validation(exc: ValidationError, data: Any, smap: SourceMap) -> list[Problem]:
    vocabulary = _vocabulary()
    by_pointer: dict[tuple[str, str], list[str]] = {}
    for error in exc.errors(include_url=False):
        pointer, found = _pointer_for(error["loc"], data)
        kind = error["type"]
        code = _CODES.get(kind) or ("wrong-type" if kind.endswith(_TYPE_ERRORS) else kind.replace("_", "-"))
        if kind == "extra_forbidden":
            key = pointer.rsplit("/", 1)[-1]
            message = f"unknown key {key!r}"
            close = difflib.get_close_matches(key, sorted(vocabulary), n=1, cutoff=0.75)
            if close:
                message += f"; did you mean {close[0]!r}?"
        elif kind == "missing":
            message = f"missing required key {pointer.rsplit('/', 1)[-1]!r}"
        elif kind == "union_tag_invalid":
            tag = error.get("ctx", {}).get("tag", "")
            message = f"unknown kind {tag!r}; expected one of {', '.join(model.RULE_KINDS)}"
            close = difflib.get_close_matches(str(tag), model.RULE_KINDS, n=1, cutoff=0.6)
            if close:
                message += f"; did you mean {close[0]!r}?"
            pointer += "/kind"
        elif kind == "literal_error":
            expected = error.get("ctx", {}).get("expected", "")
            message = f"expected {expected}, got {_describe(found)}"
            options = [o.strip(" '") for o in str(expected).replace(" or ", ",").split(",")]
            close = difflib.get_close_matches(str(found), options, n=1, cutoff=0.6)
            if close:
                message += f"; did you mean {close[0]!r}?"
        elif code == "wrong-type":
            message = f"{error['msg'][0].lower()}{error['msg'][1:]}, got {_describe(found)}"
        else:
            message = error["msg"].removeprefix("Value error, ")
            if code in ("bad-id", "out-of-range", "too-short"):
                message += f", got {_describe(found)}"
        by_pointer.setdefault((pointer, code), [])
        if message not in by_pointer[(pointer, code)]:
            by_pointer[(pointer, code)].append(message)
    problems = []
    for (pointer, code), messages in by_pointer.items():
        problems.append(smap.problem(pointer, code, "; or ".join(messages)))
    return _collapse_union_noise(problems)


def _collapse_union_noise(problems: list[Problem]) -> list[Problem]:
    """Where one pointer has a wrong-type problem beside a more precise one, keep the precise one."""
    precise = {p.pointer for p in problems if p.code != "wrong-type"}
    return [p for p in problems if p.code != "wrong-type" or p.pointer not in precise]


# ---------------------------------------------------------------------------------------------
# Semantic checks inside one file

_DURATION_KEYS = {"within", "max_gap", "due_after", "accept_late", "lookback", "min_age", "first", "last"}


def _walk(value: Any, pointer: str = "") -> Iterator[tuple[str, str, Any]]:
    if isinstance(value, Mapping):
        for key, child in value.items():
            yield pointer, key, child
            yield from _walk(child, f"{pointer}/{_escape(str(key))}")
    elif isinstance(value, list):
        for i, child in enumerate(value):
            yield from _walk(child, f"{pointer}/{i}")


def _rule_set_problems(rules: RuleSet, data: Any, smap: SourceMap, limits: Limits) -> list[Problem]:
    from govrules.durations import parse_duration

    problems: list[Problem] = []
    if len(rules.rules) > limits.max_rules:
        problems.append(
            smap.problem("/rules", "too-large", f"{len(rules.rules)} rules; the limit is {limits.max_rules}")
        )
    seen: dict[str, int] = {}
    for i, rule in enumerate(rules.rules):
        if rule.id in seen:
            problems.append(
                smap.problem(
                    f"/rules/{i}/id", "duplicate-id", f"rule id {rule.id!r} is already used by rule #{seen[rule.id]}"
                )
            )
        else:
            seen[rule.id] = i
    declared = {c.id for c in rules.clauses}
    if len(declared) != len(rules.clauses):
        ids = [c.id for c in rules.clauses]
        for i, cid in enumerate(ids):
            if cid in ids[:i]:
                problems.append(smap.problem(f"/clauses/{i}/id", "duplicate-id", f"clause {cid!r} is declared twice"))
    if declared:
        for i, rule in enumerate(rules.rules):
            if rule.clause not in declared:
                message = f"clause {rule.clause!r} is not in the rule set's 'clauses' list"
                close = difflib.get_close_matches(rule.clause, sorted(declared), n=1, cutoff=0.8)
                if close:
                    message += f"; did you mean {close[0]!r}?"
                problems.append(smap.problem(f"/rules/{i}/clause", "unknown-clause", message))
    terms = sorted(rules.glossary)
    for parent, key, value in _walk(data):
        if key in _DURATION_KEYS and isinstance(value, str) and "/rules/" in parent + "/":
            try:
                parse_duration(value)
            except ValueError:
                if value not in rules.glossary:
                    message = f"{value!r} is neither a duration nor a glossary term"
                    close = difflib.get_close_matches(value, terms, n=1, cutoff=0.6)
                    message += (
                        f"; did you mean {close[0]!r}?" if close else f" (glossary: {', '.join(terms) or 'empty'})"
                    )
                    problems.append(smap.problem(f"{parent}/{_escape(key)}", "unknown-term", message))
    uses_workdays = any(
        key in _DURATION_KEYS
        and isinstance(value, str)
        and "workday" in rules.glossary.get(value, model.GlossaryEntry(duration="0 days")).duration + value
        for _, key, value in _walk(data)
    ) or any(isinstance(v, str) and v == "next-workday" for _, k, v in _walk(data) if k == "roll")
    if rules.calendar is not None:
        from govrules.calendars import get_calendar

        try:
            get_calendar(rules.calendar)
        except LookupError as exc:
            problems.append(smap.problem("/calendar", "unknown-calendar", str(exc.args[0])))
    elif uses_workdays:
        problems.append(
            smap.problem(
                "/calendar",
                "missing-calendar",
                "rules count workdays or roll to a workday, but the rule set names no business-day 'calendar' (CN, US, IT, weekends...)",
            )
        )
    return problems


def _org_problems(org: Organisation, smap: SourceMap) -> list[Problem]:
    problems: list[Problem] = []
    ids: dict[str, int] = {}
    for i, actor in enumerate(org.actors):
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
                if member not in ids:
                    problems.append(
                        smap.problem(
                            f"/actors/{i}/relations/{_escape(relation)}/{j}",
                            "unknown-actor",
                            _unknown("actor", member, known),
                        )
                    )
    for name, periods in org.calendars.items():
        ordered = sorted(enumerate(periods), key=lambda p: p[1].start)
        for (_, a), (j, b) in itertools.pairwise(ordered):
            if b.start <= a.end:
                problems.append(
                    smap.problem(
                        f"/calendars/{_escape(name)}/{j}",
                        "overlap",
                        f"period {b.id!r} starts on {b.start}, before period {a.id!r} ends on {a.end}",
                    )
                )
        pids = [p.id for p in periods]
        for j, pid in enumerate(pids):
            if pid in pids[:j]:
                problems.append(
                    smap.problem(
                        f"/calendars/{_escape(name)}/{j}/id",
                        "duplicate-id",
                        f"period id {pid!r} is used twice in calendar {name!r}",
                    )
                )
    for i, ex in enumerate(org.exemptions):
        if ex.actor not in ids:
            problems.append(smap.problem(f"/exemptions/{i}/actor", "unknown-actor", _unknown("actor", ex.actor, known)))
    return problems


def _unknown(what: str, name: str, known: Sequence[str]) -> str:
    message = f"unknown {what} {name!r}"
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    if close:
        return message + f"; did you mean {close[0]!r}?"
    if len(known) <= 12:
        return message + f" (known: {', '.join(known) or 'none'})"
    return message


def cross_check(rules: RuleSet, org: Organisation) -> list[Problem]:
    """Problems that only show when a rule set meets an organisation.

    A rule naming a role, relation, actor or custom calendar the organisation lacks, and an
    exemption naming an unknown rule. Problems point into the rule set (or the organisation).
    """
    rsmap: SourceMap = rules._source or SourceMap("<rules>")
    osmap: SourceMap = org._source or SourceMap("<organisation>")
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

    for i, rule in enumerate(rules.rules):
        base = f"/rules/{i}"
        for key in ("who", "to", "by"):
            if key in type(rule).model_fields:
                party(f"{base}/{key}", getattr(rule, key))
        for attr in ("trigger", "unless"):
            sub = getattr(rule, attr, None)
            if sub is not None:
                party(f"{base}/{attr}/by", sub.by)
                party(f"{base}/{attr}/to", getattr(sub, "to", None))
        for name in ("steps", "requires"):
            for j, item in enumerate(getattr(rule, name, ()) or ()):
                party(f"{base}/{name}/{j}/by", item.by)
                party(f"{base}/{name}/{j}/to", getattr(item, "to", None))
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
    rule_ids = sorted(r.id for r in rules.rules)
    for i, ex in enumerate(org.exemptions):
        if ex.rule not in rule_ids:
            problems.append(osmap.problem(f"/exemptions/{i}/rule", "unknown-rule", _unknown("rule", ex.rule, rule_ids)))
    return problems


# ---------------------------------------------------------------------------------------------
# Public loaders

M = TypeVar("M", bound=BaseModel)


def _read_bytes(path: str | os.PathLike[str], error: type[LoadError], limits: Limits) -> tuple[bytes, str]:
    name = os.fspath(path)
    try:
        size = os.stat(name).st_size
        if size > limits.max_file_bytes:
            raise error(
                [
                    Problem(
                        name,
                        None,
                        None,
                        "",
                        "too-large",
                        f"the file has {size} bytes; the limit is {limits.max_file_bytes}",
                    )
                ]
            )
        with open(name, "rb") as handle:
            return handle.read(limits.max_file_bytes + 1), name
    except IsADirectoryError:
        raise error(
            [Problem(name, None, None, "", "unreadable", "is a directory; expected a YAML or JSON file")]
        ) from None
    except OSError as exc:
        raise error(
            [Problem(name, None, None, "", "unreadable", f"cannot read the file: {exc.strerror or exc}")]
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
    if data is None:
        raise error(problems)
    if not isinstance(data, Mapping):
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
        raise error(sorted(problems, key=_position_key)) from None
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


def sniff_kind(path: str | os.PathLike[str]) -> str:
    """``rules`` or ``org``: which kind of document a file holds (by its top-level keys)."""
    try:
        data, _, _ = parse_document(Path(path).read_bytes()[: DEFAULT_LIMITS.max_file_bytes + 1], os.fspath(path))
    except OSError:
        return "rules"
    if isinstance(data, Mapping) and "actors" in data and "rules" not in data:
        return "org"
    return "rules"


def rule_actions(rules: RuleSet) -> set[str]:
    """Every action name any rule mentions."""
    names: set[str] = set()
    for _, key, value in _walk(rules.model_dump(by_alias=True)):
        if key == "action" and isinstance(value, str | list):
            names.update(actions_of(value))
    return names
