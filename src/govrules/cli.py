"""The ``govrules`` command line. The only module that reads the clock, the environment or argv.

Exit codes: 0 no finding at or above ``--fail-on``; 1 findings at or above it (or, for
``coverage``, clauses not accounted for); 2 bad input or usage, with a message naming the
file and line, never a traceback; 3 an internal error (a bug), reported in one line.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import errno
import io
import json
import os
import re
import stat
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, BinaryIO, TextIO, TypeVar, get_args

from govrules import schemas
from govrules.checker import check
from govrules.errors import EventLogError, GovrulesError, LoadError, Problem
from govrules.events import Event, FieldMap, Rejected, detect_format, known_encoding, log_name, read_events
from govrules.findings import Finding, FindingCode, Report
from govrules.loaders import (
    DEFAULT_LIMITS,
    MapFile,
    document_kind,
    load_map_file,
    load_org,
    load_rules,
    require_usable,
    sniff_kind,
    split_cross_check,
)
from govrules.messages import LANGUAGES, Reason, Wording, catalogue, fill, openable, os_error, word
from govrules.model import Organisation, RuleSet
from govrules.obligations import LAST_RANGE_END, Context, iter_obligations, zone_of
from govrules.obligations import Status as ObligationStatus
from govrules.renderers import RENDERERS, RenderContext, render
from govrules.renderers._common import columns, for_a_terminal, one_line, unread_said

__all__ = ["main", "run"]

EXAMPLE = """\
example:
  govrules check examples/school-ideology/rules.yaml \\
      --org examples/school-ideology/org.yaml \\
      --events examples/school-ideology/events-2024.csv \\
      --map-file examples/school-ideology/office-export.map.yaml \\
      --from 2024-01-01 --to 2024-12-31 --lang zh

  the same audit as a single-file HTML report, and as JUnit XML for a CI test view:
      ... --format html --output audit.html
      ... --format junit --output audit.junit.xml --fail-on never

exit codes: 0 no finding at or above --fail-on, 1 findings at or above it, 2 bad input or usage
"""


class _UsageError(Exception):
    """A bad command line: exit 2 with the message (a `Wording`, said in the language of ``--lang``)."""


def _echo(text: object, file: TextIO) -> None:
    """Write a line (or lines) for a person: each line of data on its line, control characters
    named (a path or a value holding U+009B would otherwise reach the terminal as a command), and
    characters that reorder text named as the reports name them (``[U+202E]``)."""
    print(for_a_terminal(str(text)), file=file)


def _say(key: str, lang: str, **params: Any) -> str:
    """The catalogue's words for the command's own lines (section ``command``) in ``lang``."""
    return fill(str(catalogue(lang)["command"][key]), params)


def _said(text: object, lang: str) -> str:
    """``text`` in ``lang``: a `Reason` (a `Wording`) in that language's words, anything else as written."""
    return text.said(lang) if isinstance(text, Reason) else str(text)


def _error(message: object, lang: str) -> str:
    """An error line: ``error: ...`` in ``lang``."""
    return _say("error", lang, message=_said(message, lang))


def _problem_said(problem: Problem, lang: str) -> str:
    """``problem`` as `Problem.__str__` writes it (file, line, what was expected, code), its
    message in ``lang`` where it is a `Wording`."""
    if isinstance(problem.message, Reason):
        problem = dataclasses.replace(problem, message=problem.message.said(lang))
    return str(problem)


def _count(n: int, noun: str) -> str:
    """``n`` and ``noun`` in its number: "1 rule", "2 rules"."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="govrules",
        description="Check what people did against regulation clauses written as rules.",
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    c = sub.add_parser(
        "check",
        help="audit event logs against a rule set",
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    c.add_argument("rules", metavar="RULES")
    c.add_argument("--org", required=True, metavar="ORG")
    c.add_argument(
        "--events", action="append", required=True, metavar="LOG", help="CSV, JSON Lines, JSON array or XES; repeatable"
    )
    c.add_argument(
        "--from", dest="start", metavar="DATE", help="first day of the range (default: 1 January of --to's year)"
    )
    c.add_argument(
        "--to", dest="end", metavar="DATE", help="last day of the range, inclusive (default: the --as-of day)"
    )
    c.add_argument(
        "--as-of",
        metavar="MOMENT",
        help="the audit moment, to the end of the day or second written (default: the end of the range, or now if earlier)",
    )
    c.add_argument(
        "--format",
        choices=sorted(RENDERERS),
        help="report format (default: the one --output's extension names, .html .json .sarif .xml .md .txt; else text)",
    )
    c.add_argument(
        "--output",
        metavar="FILE",
        help="write the report here instead of stdout (a file is replaced whole, or not at all)",
    )
    c.add_argument("--lang", default="en", choices=LANGUAGES, help="language of the report (default: en)")
    c.add_argument(
        "--fail-on",
        default="violation",
        choices=("violation", "warning", "never"),
        help="lowest severity that makes the exit code 1 (default: violation)",
    )
    c.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="FIELD=COLUMN",
        help="read an event field from another column; repeatable",
    )
    c.add_argument("--map-file", metavar="FILE", help="a YAML mapping for a recurring export format")
    c.add_argument("--encoding", metavar="ENC", help="text encoding of CSV/JSON logs (default utf-8, BOM allowed)")
    c.add_argument(
        "--quiet", action="store_true", help="print nothing but the report and errors (no progress, no summary line)"
    )

    v = sub.add_parser("validate", help="validate rule sets and organisations")
    v.add_argument("files", nargs="+", metavar="FILE")

    o = sub.add_parser("obligations", help="the expected-obligation calendar")
    o.add_argument("rules", metavar="RULES")
    o.add_argument("--org", required=True, metavar="ORG")
    o.add_argument("--from", dest="start", required=True, metavar="DATE")
    o.add_argument("--to", dest="end", required=True, metavar="DATE", help="last day, inclusive")
    o.add_argument(
        "--as-of",
        metavar="MOMENT",
        help="the audit moment (default: the end of the range, or now if earlier); an ics file's DTSTAMP (default: now)",
    )
    o.add_argument(
        "--format",
        choices=("table", "csv", "json", "ics"),
        help="calendar format (default: the one --output's extension names, .csv .json .ics; else table)",
    )
    o.add_argument("--output", metavar="FILE")
    o.add_argument("--lang", default="en", choices=LANGUAGES)
    o.add_argument(
        "--status",
        action="append",
        choices=get_args(ObligationStatus),
        help="list only the obligations of this status (repeatable; default: all)",
    )

    cv = sub.add_parser("coverage", help="which clauses are encoded, informative or missing")
    cv.add_argument("rules", metavar="RULES")
    cv.add_argument("--format", default="table", choices=("table", "json"))

    s = sub.add_parser("schema", help="print a published JSON Schema")
    s.add_argument("name", choices=schemas.SCHEMA_NAMES)

    t = sub.add_parser("test", help="run scenario files (*.scenario.yaml): exact expected findings")
    t.add_argument("paths", nargs="+", metavar="PATH", help="scenario files, or folders searched for *.scenario.yaml")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and exit with its code."""
    code = run(list(sys.argv[1:] if argv is None else argv), sys.stdout, sys.stderr)
    sys.exit(code)


def run(argv: Sequence[str], stdout: TextIO, stderr: TextIO) -> int:
    """Run ``govrules`` with ``argv``, writing to the given streams; return the exit code."""
    parser = _parser()
    lang = "en"
    try:
        # argparse prints help and usage errors itself: send them to the given streams.
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0) if exc.code in (0, None) else 2
    if args.command in ("check", "obligations"):  # the command's own lines in the language of its report
        lang = args.lang
    try:
        handler = {
            "check": _check,
            "validate": _validate,
            "obligations": _obligations,
            "coverage": _coverage,
            "schema": _schema,
            "test": _test,
        }[args.command]
        _require_named(args)
        if args.command in _FORMATS and args.format is None:
            args.format = _output_format(args.command, args.output)
        if getattr(args, "output", None) is not None:  # a report that cannot be written: said before the work
            _report_place(args.output)
        return handler(args, stdout, stderr)
    except LoadError as exc:
        for problem in exc.problems:
            _echo(_error(_problem_said(problem, lang), lang), file=stderr)
        return 2
    except (GovrulesError, _UsageError) as exc:
        _echo(_error(exc.args[0] if len(exc.args) == 1 else exc, lang), file=stderr)
        return 2
    except KeyboardInterrupt:
        _echo(_say("interrupted", lang), file=stderr)
        return 2
    except BrokenPipeError:  # the reader of the standard output stopped early (`| head`)
        _echo(_say("output-closed", lang), file=stderr)
        return 2
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        _echo(_error(where + _said(os_error(exc), lang), lang), file=stderr)
        return 2
    except Exception as exc:  # a bug: still no traceback for the user, but say what it was
        _echo(_say("internal", lang, kind=type(exc).__name__, error=exc), file=stderr)
        return 3


# ---------------------------------------------------------------------------------------------


_FILE_ARGUMENTS = {
    "rules": "RULES",
    "org": "--org",
    "events": "--events",
    "map_file": "--map-file",
    "output": "--output",
    "files": "FILE",
    "paths": "PATH",
}
"""The arguments of the commands that name files, as the usage names them."""


def _require_named(args: argparse.Namespace) -> None:
    """Refuse a file argument given empty (a shell variable never set: ``--map-file "$MAP"``),
    which would be taken as not given, or as the current folder (``--output ""``, ``test ""``).
    The other flags given empty are refused where they are read, as text they cannot read."""
    for name, flag in _FILE_ARGUMENTS.items():
        value = getattr(args, name, None)
        if value == "" or (isinstance(value, list) and "" in value):
            raise _UsageError(Wording("usage-file-empty", flag=flag))


def _parse_date(text: str, flag: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise _UsageError(Wording("usage-date", flag=flag, text=text)) from None


def _parse_moment(text: str, tz: Any) -> datetime:
    """The audit moment ``--as-of`` names (`govrules.events.parse_audit_moment`)."""
    from govrules.events import example_time, parse_audit_moment

    try:
        return parse_audit_moment(text, tz)
    except ValueError as exc:  # a part of its date or time out of range is said (`bad_time`)
        why = exc.args[0].values.get("why") if exc.args and isinstance(exc.args[0], Reason) else None
        example = example_time(tz, end_of_day=True)
        said = Wording("usage-moment", text=text, example=example)
        raise _UsageError(
            said if why is None else Wording("usage-moment-part", text=text, example=example, why=why)
        ) from None
    except OverflowError:
        raise _UsageError(Wording("usage-moment-outside", text=text, zone=tz.key)) from None


_T = TypeVar("_T")


def _loaded(load: Callable[[str], _T], path: str, wanted: str, flag: str) -> _T:
    """``load(path)``, a document of the kind ``wanted`` (``rules``, ``org``, ``map``) given as
    ``flag``; where it fails on a document of another kind (an organisation given as RULES, a
    scenario), the one problem that it is that kind, and what reads it, instead of every key it
    lacks or holds for the kind it is not.

    Raises:
        LoadError: ``path`` does not load.
    """
    try:
        return load(path)
    except LoadError:
        found = document_kind(path)
        if found is None or found == wanted:
            raise
    expected = Wording("document-as-flag", what=Wording(f"document-{wanted}"), flag=flag)
    said = Wording(
        "wrong-document", wanted=expected, found=Wording(f"document-{found}"), use=Wording(f"document-use-{found}")
    )
    raise LoadError([Problem(path, None, None, "", "wrong-document", said)])


def _field_map(args: argparse.Namespace) -> MapFile:
    """The field map, log format, encoding and delimiter from --map-file and --map."""
    base, fmt, encoding, delimiter = (
        _loaded(load_map_file, args.map_file, "map", "--map-file")
        if args.map_file
        else MapFile(FieldMap(), None, None, None)
    )
    if args.encoding is not None and not known_encoding(args.encoding):
        raise _UsageError(Wording("usage-encoding", encoding=args.encoding))
    try:
        return MapFile(FieldMap.parse(args.map, base), fmt, args.encoding or encoding, delimiter)
    except ValueError as exc:
        raise _UsageError(Wording("usage-map", problem=exc.args[0] if len(exc.args) == 1 else exc)) from None


def _range_end(end_day: date) -> date:
    """The first day after a range whose last day is ``end_day`` (``--to``, inclusive)."""
    if end_day == date.max:
        raise _UsageError(Wording("usage-to-at-calendar-end", day=date.max))
    return end_day + timedelta(days=1)


def _range(args: argparse.Namespace, tz: Any, now: datetime) -> tuple[date, date, datetime]:
    as_of = _parse_moment(args.as_of, tz) if args.as_of is not None else None
    if args.end is not None:
        end = _range_end(_parse_date(args.end, "--to"))
    else:
        try:
            last_day = (as_of or now).astimezone(tz).date()
        except OverflowError:  # the last instant of the calendar, which the zone cannot show
            last_day = date.max
        if last_day == date.max:  # no range ends with the calendar's last day
            last = LAST_RANGE_END - timedelta(days=1)  # where a range may end
            raise _UsageError(Wording("usage-as-of-at-calendar-end", as_of=args.as_of, last=last))
        end = _range_end(last_day)
    start_day = (
        _parse_date(args.start, "--from") if args.start is not None else date((end - timedelta(days=1)).year, 1, 1)
    )
    if end <= start_day:
        last = end - timedelta(days=1)
        given = "to" if args.end is not None else ("as-of" if args.as_of is not None else "today")
        raise _UsageError(Wording(f"usage-{given}-before-from", last=last, start=start_day))
    from govrules.durations import start_of_day

    if as_of is not None and as_of < start_of_day(start_day, tz):
        # nothing of the range is known as of then: a check would find every obligation pending
        # and use no event, a green result of nothing checked (`obligations` may show that)
        raise _UsageError(Wording("usage-as-of-before-range", as_of=args.as_of, start=start_day))
    if as_of is None:
        as_of = _default_as_of(end, tz, now)
        # a range yet to begin, checked as of now: the same (a range past the calendar's years is
        # refused by the check, saying so)
        if as_of < start_of_day(start_day, tz) and end <= LAST_RANGE_END:
            raise _UsageError(Wording("usage-now-before-range", start=start_day, today=as_of.date(), zone=str(tz)))
    return start_day, end, as_of


def _default_as_of(end: date, tz: Any, now: datetime) -> datetime:
    """The audit moment without --as-of: the end of the range (``end`` is the day after it), or
    ``now`` if that is earlier (the only place the clock is read)."""
    from govrules.durations import start_of_day

    return min(start_of_day(end, tz) - timedelta(microseconds=1), now.astimezone(tz))


def _load_pair(args: argparse.Namespace) -> tuple[RuleSet, Organisation]:
    """The rule set and the organisation named by ``args``, checked against each other."""
    rules = _loaded(load_rules, args.rules, "rules", "RULES")
    org = _loaded(load_org, args.org, "org", "--org")
    require_usable(rules, org)  # before any log is read
    return rules, org


def _audit(args: argparse.Namespace, stderr: TextIO) -> tuple[Report, RenderContext]:
    """Load, read and check as ``args`` say; the report (with evidence locations) and its render context."""
    rules, org = _load_pair(args)
    tz = zone_of(rules, org)
    fmap, fmt, encoding, delimiter = _field_map(args)
    start, end, as_of = _range(args, tz, datetime.now(UTC))

    read_attributes = rules.attribute_actions()  # no other event's attributes are read by the check

    # a record without an id is named by its log's file name and line; logs sharing a name (one
    # folder a month) are named by their paths, so that their records do not share ids (`log_name`)
    unheld: list[Problem] = []  # keys the map names that no record of a JSON or XES log held

    def records() -> Iterator[Event | Rejected]:
        for path in args.events:
            held = False
            read = read_events(
                path,
                tz=tz,
                fmap=fmap,
                fmt=fmt,
                encoding=encoding or "utf-8-sig",
                attributes_of=read_attributes,
                id_prefix=log_name(path, args.events),
                unheld=unheld,
                delimiter=delimiter,
            )
            with _columns_of_the_map_file(args):
                for record in read:
                    held = True
                    yield record
            if not held:  # each log, not only all of them: an empty export is a failed export
                raise _UsageError(Wording("usage-empty-log", file=path))

    # the logs that number their records: a place in one is said as a record, in the check's
    # messages (a duplicate's) as in the renderers'
    numbered = frozenset(path for path in args.events if (fmt or _format_of(path)) in ("json", "xes"))
    report = check(
        rules,
        org,
        _progress(records(), stderr, enabled=not args.quiet, lang=args.lang),
        start=start,
        end=end,
        as_of=as_of,
        lang=args.lang,
        record_numbered=numbered,
        with_locations=True,
    )
    if unheld:  # no error (an export may leave out a key it never fills), but said where it is read
        said = tuple(
            dict.fromkeys(_say("of-file", args.lang, file=p.file, message=_said(p.message, args.lang)) for p in unheld)
        )
        report = report.model_copy(update={"notes": (*report.notes, *said)})
        if not args.quiet:
            for note in said:
                _echo(_say("warning", args.lang, message=note), file=stderr)
    context = RenderContext.of(rules, org, lang=args.lang, rules_file=args.rules)
    return report, dataclasses.replace(context, record_numbered=numbered)


_MAPPED_COLUMN = ("missing-field-column", "missing-alternative-column")
"""The problems of a log that lacks a column the map names for a field, which say where it is mapped."""


@contextlib.contextmanager
def _columns_of_the_map_file(args: argparse.Namespace) -> Iterator[None]:
    """Where a field's column comes from the ``--map-file`` (no ``--map`` sets it), a log lacking
    it is said to need the map file's ``fields`` corrected, not a ``--map``."""
    try:
        yield
    except EventLogError as exc:
        if not args.map_file:
            raise
        flagged = {item.split("=", 1)[0].strip() for item in args.map}
        problems = [
            dataclasses.replace(
                p, message=Wording(f"{p.message.key}-in-map-file", **p.message.values, file=args.map_file)
            )
            if isinstance(p.message, Wording)
            and p.message.key in _MAPPED_COLUMN
            and p.message.values["field"] not in flagged
            else p
            for p in exc.problems
        ]
        raise EventLogError(problems) from None


def _format_of(path: str) -> str | None:
    """A log's format as its name says, or None where it says none (the reader then refuses it)."""
    try:
        return detect_format(path)
    except LoadError:
        return None


def _check(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    report, context = _audit(args, stderr)
    unread = report.unread_logs()  # each format's renderer says them too (JSON: in the report's notes)
    context = dataclasses.replace(context, fail_on=args.fail_on)
    if args.output is None and args.format == "text" and _isatty(stdout) and "NO_COLOR" not in os.environ:
        context = dataclasses.replace(context, colour=True)
    if args.format == "json":  # the largest report: written as bytes, never held as text
        from govrules.renderers import json as json_renderer

        _emit(lambda handle: json_renderer.write(report, handle, typed=True), args.output, stdout)
    else:
        _emit(render(report, args.format, context), args.output, stdout)
    code = report.exit_code(args.fail_on)
    lang = report.lang
    if report.records.all_rejected:  # read nothing: not green, whatever the rules
        _echo(_error(word("cli_all_rejected", lang, n=report.records.read), lang), file=stderr)
    for _, _, words in unread_said(report, prefix="cli_"):  # a log not read whole is not a clean one
        _echo(_error(words, lang), file=stderr)
    for n, first in _first_rejections(report):  # where to look: file and line
        _echo(_error(word("cli_first_rejected", lang, n=n, message=first.message), lang), file=stderr)
    if report.records.all_rejected or unread:
        return 2
    if args.output is not None and not args.quiet:
        s = report.summary
        counts = {"obligations": s.obligations, "violations": s.violations, "warnings": s.warnings}
        _echo(word("cli_wrote", report.lang, file=args.output, code=code, **counts), file=stderr)
    return code


def _first_rejections(report: Report) -> list[tuple[int, Finding]]:
    """For each log whose every record was rejected (all of them, where every record of the check
    was), how many were, and the rejection of its first record."""
    files = set(report.records.files) if report.records.all_rejected else set()
    files.update(log.file for log in report.unread_logs() if log.all_rejected)
    firsts: dict[str, tuple[int, Finding]] = {}
    for f in report.findings:
        file = f.file or "<events>"
        if f.rule is None and f.code == FindingCode.REJECTED_EVENT and file in files:
            n, first = firsts.get(file, (0, f))
            firsts[file] = (n + 1, f if (f.line or 0) < (first.line or 0) else first)
    return [firsts[file] for file in sorted(firsts)]


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _progress(
    records: Iterator[Event | Rejected], stderr: TextIO, *, enabled: bool, lang: str = "en"
) -> Iterator[Event | Rejected]:
    """Count records on stderr while they are read, only when stderr is a terminal."""
    if not (enabled and _isatty(stderr)):
        return records
    from tqdm import tqdm

    unit, desc = _say("progress-unit", lang), _say("progress", lang)
    return iter(tqdm(records, file=stderr, unit=unit, desc=desc, leave=False, mininterval=0.25))


_DESCRIPTOR = re.compile(r"/dev/(stdout|stderr|fd/\d+)$|/proc/(self|\d+)/fd/\d+$")
"""A path naming one of the process's open files by its descriptor."""


def _write(content: str | Callable[[BinaryIO], None], handle: BinaryIO) -> None:
    if isinstance(content, str):
        for start in range(0, len(content), _CHUNK):  # encoded a piece at a time
            handle.write(content[start : start + _CHUNK].encode("utf-8"))
    else:
        content(handle)


def _emit(content: str | Callable[[BinaryIO], None], output: str | None, stdout: TextIO) -> None:
    """Write a report (its text, or a function that writes its UTF-8 bytes) to ``output``,
    atomically: a failure leaves any previous file as it was. ``None``: to ``stdout``. A symbolic
    link is followed (the file it names is replaced, the link kept); a pipe, a device, or one of
    the process's open files named by its descriptor (``/dev/stdout``, ``/dev/fd/3``, ``>(cat)``,
    ``/proc/self/fd/1``) is written into, appended to as a shell's ``>>`` would have it, as it
    cannot be replaced."""
    if output is None:
        if isinstance(content, str):
            stdout.write(content)
        elif hasattr(stdout, "buffer"):
            stdout.flush()
            content(stdout.buffer)
            stdout.buffer.flush()
        else:  # a text-only stream (tests, embedding programs)
            buffer = io.BytesIO()
            content(buffer)
            stdout.write(buffer.getvalue().decode("utf-8"))
        return
    placed = _report_place(output)
    if placed is None:
        try:
            with open(output, "ab") as handle:
                _write(content, handle)
        except OSError as exc:  # a write's error names no file: said of the report
            if exc.filename is None:
                raise OSError(exc.errno, exc.strerror, output) from None
            raise
        return
    target, folder = placed
    try:  # the mode a new file would get (the umask's), or the one the report being replaced has
        mode = stat.S_IMODE(target.stat().st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:  # said of the report and its folder, not of the temporary file
        said = Wording("report-folder-unwritable", folder=str(folder), error=os_error(exc))
        raise OSError(exc.errno, said, str(target)) from None
    try:
        os.fchmod(fd, mode)  # mkstemp makes it private (0600)
        with os.fdopen(fd, "wb") as handle:
            _write(content, handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        # the report is what could not be written (a write's or fsync's error names no file)
        if isinstance(exc, OSError) and exc.filename in (tmp, None):
            raise OSError(exc.errno, exc.strerror, str(target)) from None
        raise


def _report_place(output: str) -> tuple[Path, Path] | None:
    """The file a report named ``output`` replaces, and the folder its temporary file is made
    in; None for a pipe, a device, or one of the process's open files named by its descriptor,
    which `_emit` writes into. Asked before a check too, so that a report that could not be
    written is said before the work, not after it.

    Raises:
        OSError: what keeps the report from being written there, said of the report: its folder
            does not exist or is a file, it names a folder, or it is a file this process may
            not write (read-only: replacing it would undo that).
    """
    openable(output)
    try:
        special = not stat.S_ISREG(kind := os.stat(output).st_mode) and not stat.S_ISDIR(kind)
    except OSError:
        special = False
    if special or _DESCRIPTOR.match(output):
        return None
    target = Path(os.path.realpath(output)) if os.path.islink(output) else Path(output)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():  # said of the report, not of the temporary file it is written to first
        above = next((p for p in (folder, *folder.parents) if p.exists()), None)
        if above is not None and not above.is_dir():
            raise NotADirectoryError(errno.ENOTDIR, Wording("report-folder-is-file", folder=str(above)), str(target))
        raise FileNotFoundError(errno.ENOENT, Wording("report-no-folder"), str(target))
    if target.is_dir():
        raise IsADirectoryError(errno.EISDIR, Wording("report-is-folder"), str(target))
    if target.exists() and not os.access(target, os.W_OK):
        raise PermissionError(errno.EACCES, Wording("report-read-only"), str(target))
    return target, folder


_CHUNK = 1 << 20


_FORMATS: dict[str, tuple[str, dict[str, str]]] = {
    # a command's default format, and the format each extension of its --output names
    "check": (
        "text",
        {".html": "html", ".htm": "html", ".json": "json", ".sarif": "sarif", ".xml": "junit", ".md": "markdown"},
    ),
    "obligations": ("table", {".csv": "csv", ".json": "json", ".ics": "ics"}),
}


def _output_format(command: str, output: str | None) -> str:
    """The format a command writes where ``--format`` is not given: the one its ``--output``'s
    extension names (``report.html``: html; ``audit.sarif.json``: sarif; ``x.junit.xml``: junit),
    else its default (text, or the obligations' table).

    Raises:
        _UsageError: the extension names a format only another command writes (``calendar.html``
            for ``obligations``, ``report.csv`` for ``check``), which would have been written as
            the default, text, under that name.
    """
    default, by_extension = _FORMATS[command]
    if output is None:
        return default
    name = os.path.basename(output).lower()
    if command == "check" and name.endswith(".sarif.json"):
        return "sarif"
    extension = os.path.splitext(name)[1]
    if extension not in by_extension:
        named = next((table[extension] for _, table in _FORMATS.values() if extension in table), None)
        if named is not None:
            written = ", ".join(dict.fromkeys(by_extension))
            raise _UsageError(
                Wording("usage-output-format", output=output, format=named, command=command, extensions=written)
            )
    return by_extension.get(extension, default)


def _document(path: str) -> str | bytes:
    """What `_validate` reads a file from: a pipe (``<(...)``) or a device read once into bytes,
    as it cannot be read a second time; a file or anything that cannot be read, by its path (the
    loader names its size, or why it cannot be read)."""
    try:
        if os.path.isfile(path):
            return path
        with open(openable(path), "rb") as handle:
            return handle.read(DEFAULT_LIMITS.max_file_bytes + 1)
    except OSError:
        return path


def _validate(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    """Load each file (a rule set, an organisation or a map file, told by its keys), then check
    each rule set with its organisations: a file is said ``ok``
    only once nothing it meets finds a problem in it; one that loads but meets a problem says so,
    naming the file it was checked with."""
    failed = False
    loaded_rules: list[tuple[str, RuleSet]] = []
    loaded_orgs: list[tuple[str, Organisation]] = []
    given_orgs: list[str] = []  # loaded or not: which rule set goes with which is said by the files given
    loaded: dict[str, str] = {}  # what each file that loads is, in the order given
    for path in args.files:
        source = _document(path)
        kind = sniff_kind(source, file=path)
        if kind == "org":
            given_orgs.append(path)
        try:
            if kind == "scenario":  # checked as `govrules test` reads it, with its log
                said = Wording(
                    "wrong-document",
                    wanted=Wording("document-validated"),
                    found=Wording("document-scenario"),
                    use=Wording("document-use-scenario"),
                )
                raise LoadError([Problem(path, None, None, "", "wrong-document", said)])
            if kind == "map":  # checked as --map-file reads it; it goes with no rule set
                fmap = load_map_file(source, file=path).fmap
                loaded[path] = f"map file, {_count(len(fmap.fields), 'field')}"
            elif kind == "org":
                org = load_org(source, file=path)
                loaded_orgs.append((path, org))
                loaded[path] = f"organisation {org.id}, {_count(len(org.actors), 'actor')}"
            else:
                rules = load_rules(source, file=path)
                loaded_rules.append((path, rules))
                loaded[path] = f"rule set {rules.id}, {_count(len(rules.rules), 'rule')}"
        except LoadError as exc:
            failed = True
            for problem in exc.problems:
                _echo(f"error: {problem}", file=stderr)
    paired = _pairs([path for path, _ in loaded_rules], given_orgs)
    orgs = dict(loaded_orgs)
    unpaired: list[str] = []
    spoilt: dict[str, dict[str, int]] = {}  # file -> the file it was checked with -> problems in it
    for path, rules in loaded_rules:
        if not paired[path] and given_orgs:
            unpaired.append(path)
        for org_path in paired[path]:
            if org_path not in orgs:  # it did not load: said above
                continue
            rule_problems, org_problems = split_cross_check(rules, orgs[org_path])
            for problem in rule_problems + org_problems:
                failed = True
                _echo(f"error: {problem}", file=stderr)
            for at_fault, other, problems in ((path, org_path, rule_problems), (org_path, path, org_problems)):
                if problems:
                    found = spoilt.setdefault(at_fault, {})
                    found[other] = found.get(other, 0) + len(problems)
    for path, what in loaded.items():
        if path in spoilt:
            beside = ", ".join(f"{_count(n, 'problem')} beside {other}" for other, n in spoilt[path].items())
            _echo(f"{path}: loads ({what}), but {beside}", file=stdout)
        else:
            _echo(f"{path}: ok ({what})", file=stdout)
    for path in unpaired:
        _echo(f"{path}: not checked with an organisation: none of those given is in its folder", file=stdout)
    return 2 if failed else 0


def _pairs(rule_sets: list[str], orgs: list[str]) -> dict[str, list[str]]:
    """The organisations (their paths) `validate` checks each rule set with: the one organisation
    given, whatever its folder, or those in the rule set's folder (``examples/*/rules.yaml
    examples/*/org.yaml``: each example's pair, not every rule set with every organisation),
    a folder reached through a link being its target (a file that is a link stays in its own)."""
    if len(set(orgs)) == 1:
        return {path: list(dict.fromkeys(orgs)) for path in rule_sets}

    def folder(path: str) -> str:
        return os.path.realpath(os.path.dirname(os.path.abspath(path)))

    return {path: [org for org in orgs if folder(org) == folder(path)] for path in rule_sets}


def _obligations(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    rules, org = _load_pair(args)
    tz = zone_of(rules, org)
    start = _parse_date(args.start, "--from")
    end = _range_end(_parse_date(args.end, "--to"))
    if end <= start:
        raise _UsageError(Wording("usage-to-before-from", last=args.end, start=args.start))
    now = datetime.now(UTC)
    given = _parse_moment(args.as_of, tz) if args.as_of is not None else None
    as_of = given if given is not None else _default_as_of(end, tz, now)
    ctx = Context.make(rules, org, start=start, end=end, as_of=as_of)
    from govrules.renderers.calendar import render_obligations

    items = list(iter_obligations(ctx))
    left_out: Counter[str] = Counter()
    if args.status:  # the others counted, by status, for the table to say what it leaves out
        left_out.update(o.status for o in items if o.status not in args.status)
        items = [o for o in items if o.status in args.status]
    # an iCalendar file is stamped when it is made (RFC 5545 DTSTAMP), or at the --as-of given,
    # so that the same command with --as-of writes the same file
    stamp = given if given is not None else now
    text = render_obligations(items, rules, org, args.format, args.lang, left_out=left_out, stamp=stamp)
    _emit(text, args.output, stdout)
    return 0


def coverage_rows(rules: RuleSet) -> list[dict[str, Any]]:
    """Every declared clause with its status: encoded (by which rules), informative, or missing.

    A rule encodes its own clause, the clause of its extension (the one that grants more time)
    and those of its steps and their extensions.
    """
    cited = [(r, set(r.cited_clauses().values())) for r in rules.rules]
    rows = []
    declared = [c.id for c in rules.clauses]
    extra = sorted(set().union(*(clauses for _, clauses in cited)) - set(declared))
    for clause in [*declared, *extra]:
        rule_ids = [r.id for r, clauses in cited if clause in clauses and r.kind != "informative"]
        informative = [r.id for r in rules.rules if r.clause == clause and r.kind == "informative"]
        status = "encoded" if rule_ids else "informative" if informative else "missing"
        rows.append(
            {"clause": clause, "status": status, "rules": rule_ids or informative, "declared": clause in declared}
        )
    return rows


def _coverage(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    rules = _loaded(load_rules, args.rules, "rules", "RULES")
    rows = coverage_rows(rules)
    if args.format == "json":
        stdout.write(json.dumps({"rule_set": rules.id, "clauses": rows}, indent=2, ensure_ascii=False) + "\n")
    else:
        # each clause id on one line, as a terminal shows it (a reordering character named), padded
        # to the columns it takes there (a Chinese character two)
        shown = [for_a_terminal(one_line(r["clause"])) for r in rows]
        width = max(map(columns, shown), default=6)
        for r, clause in zip(rows, shown, strict=True):
            padding = " " * (width - columns(clause))
            _echo(f"{clause}{padding}  {r['status']:<11}  {', '.join(r['rules'])}", file=stdout)
        counts = {s: sum(1 for r in rows if r["status"] == s) for s in ("encoded", "informative", "missing")}
        _echo(
            f"{len(rows)} clauses: {counts['encoded']} encoded, {counts['informative']} informative, {counts['missing']} missing",
            file=stdout,
        )
    return 1 if any(r["status"] == "missing" for r in rows) else 0


def _test(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    """Run scenarios: 0 when all pass, 1 when one differs, 2 when one cannot be read."""
    from govrules.scenarios import load_scenario, run_scenario

    files: list[Path] = []
    for raw in args.paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(sorted(path.rglob("*.scenario.yaml")))
        elif path.exists():
            files.append(path)
        else:
            raise _UsageError(f"{raw}: no such scenario file or folder")
    if not files:
        raise _UsageError(f"no *.scenario.yaml under {', '.join(args.paths)}: nothing to test")
    failed = unreadable = 0
    for path in files:
        try:
            result = run_scenario(load_scenario(path))
        except LoadError as exc:
            unreadable += 1
            for problem in exc.problems:
                _echo(f"error: {problem}", file=stderr)
            continue
        except GovrulesError as exc:  # the check refused what the scenario asks (an audit moment)
            unreadable += 1
            _echo(f"error: {path}: {exc}", file=stderr)
            continue
        if result.passed:
            _echo(f"ok    {path}", file=stdout)
        else:
            failed += 1
            _echo(f"FAIL  {path}", file=stdout)
            _echo(result.diff(), file=stdout)
    passed = len(files) - failed - unreadable
    _echo(f"{passed} passed, {failed} failed" + (f", {unreadable} unreadable" if unreadable else ""), file=stdout)
    return 2 if unreadable else 1 if failed else 0


def _schema(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    stdout.write(json.dumps(schemas.published(args.name), indent=2, ensure_ascii=False, sort_keys=True) + "\n")
    return 0
