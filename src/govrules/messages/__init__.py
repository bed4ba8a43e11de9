"""The message catalogue: one JSON file per language, keyed by finding code.

A third language is a new file beside ``en.json`` and ``zh.json`` with the same keys.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import json
import math
import re
from datetime import datetime
from importlib import resources
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from govrules.durations import Duration

__all__ = [
    "LANGUAGES",
    "Reason",
    "Wording",
    "catalogue",
    "fill",
    "format_duration",
    "format_instant",
    "format_period",
    "message",
    "openable",
    "os_error",
    "word",
]


def _languages() -> tuple[str, ...]:
    names = [p.name for p in resources.files(__name__).iterdir() if p.name.endswith(".json")]
    return tuple(sorted(n.removesuffix(".json") for n in names))


LANGUAGES = _languages()


@functools.cache
def catalogue(lang: str) -> dict[str, Any]:
    """The catalogue of ``lang``.

    Raises:
        ValueError: no catalogue for ``lang``.
    """
    if lang not in LANGUAGES:
        raise ValueError(f"no messages for language {lang!r}; available: {', '.join(LANGUAGES)}")
    data: dict[str, Any] = json.loads(resources.files(__name__).joinpath(f"{lang}.json").read_text("utf-8"))
    return data


class _Blank(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "?"


class _Count(int):
    """A count that picks the word written for it: ``{n:event|events}`` is "event" for 1 and
    "events" for any other number (``{n}`` is the number itself)."""

    __slots__ = ()

    def __format__(self, spec: str) -> str:
        one, bar, other = spec.partition("|")
        if not bar:
            return super().__format__(spec)
        return one if self == 1 else other


def fill(template: str, params: dict[str, Any]) -> str:
    """``template`` with ``params`` filled in: unknown ones show ``?``, and an integer whose field
    is written ``{n:one|other}`` gives the word for its number (a catalogue without plural forms,
    like Chinese, simply writes ``{n}``)."""
    if "|" in template:
        params = {k: _Count(v) if type(v) is int else v for k, v in params.items()}
    return template.format_map(_Blank(params))


def message(code: str, lang: str, **params: Any) -> str:
    """The catalogue message for ``code`` with ``params`` filled in (unknown ones show ``?``)."""
    return fill(str(catalogue(lang)["codes"][code]), params)


def word(key: str, lang: str, **params: Any) -> str:
    """A catalogue word or phrase."""
    return fill(str(catalogue(lang)["words"][key]), params)


class Reason(str):
    """Why an input record was rejected: the English text, which the record keeps and a JSON
    report's ``detail`` carries, and the catalogue entry (``reasons``) and values that say it in
    another language (`said`). A value that is a reason is said in the same language, and a tuple
    of them as a list.

    A subclass of ``str``, so that a rejection made with a plain string reads as before."""

    section: ClassVar[str] = "reasons"
    """The catalogue section of the entries."""

    key: str
    values: dict[str, Any]

    def __new__(cls, key: str, /, **values: Any) -> Reason:
        self = super().__new__(cls, _reason_text(key, "en", values, cls.section))
        self.key, self.values = key, values
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        if type(self) is Reason:
            return (_reason, (self.key, self.values))
        return (_remade, (type(self), self.key, self.values))

    def said(self, lang: str) -> str:
        """The reason in ``lang``."""
        return _reason_text(self.key, lang, self.values, self.section)

    def as_data(self) -> dict[str, Any]:
        """The reason as plain data (`from_data` reads it back): ``{"key": ..., "values": {...}}``,
        a value that is a reason in the same form, a tuple of them as a list."""
        return {"key": self.key, "values": {name: _as_data(value) for name, value in self.values.items()}}

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Reason:
        """The reason `as_data` gave."""
        return cls(data["key"], **{name: _from_data(value) for name, value in data["values"].items()})


def _as_data(value: Any) -> Any:
    if isinstance(value, Reason):
        return value.as_data()
    if isinstance(value, tuple):
        return [_as_data(part) for part in value]
    return value


def _from_data(value: Any) -> Any:
    if isinstance(value, dict):
        return Reason.from_data(value)
    if isinstance(value, list):
        return tuple(_from_data(part) for part in value)
    return value


class Wording(Reason):
    """What stops a command, said where no language is known (a log that cannot be read, a bad
    flag): the English text, which an error's message and a `Problem`'s ``message`` hold, and the
    catalogue entry (section ``command``) and values that say it in another language (`said`).
    The command line says it in the language of ``--lang``."""

    section = "command"


_OS_SAID = frozenset({"ENOENT", "EACCES", "EISDIR", "ENOTDIR", "EPERM"})
"""The operating system's errors the catalogue says in words of its own (``os-ENOENT``...)."""


def os_error(exc: OSError) -> str:
    """What the operating system said of ``exc``, as `Wording` where the catalogue says that error
    in words of its own (its English text the system's own, ``No such file or directory``)."""
    text = exc.strerror or str(exc)
    if isinstance(text, Reason):
        return text
    name = errno.errorcode.get(exc.errno or 0)
    return Wording(f"os-{name}", error=text) if name in _OS_SAID else text


def openable(path: str) -> str:
    """``path``, where a file may be named so; one holding a NUL character, which no file's name
    can hold (`open` raises a `ValueError` for it, "embedded null byte"), raises the `OSError` of
    a file that cannot be opened instead, so that it is said as one.

    Raises:
        OSError: ``path`` holds a NUL character (``EINVAL``).
    """
    if "\0" in path:
        raise OSError(errno.EINVAL, Wording("os-nul"), path)
    return path


def _reason(key: str, values: dict[str, Any]) -> Reason:
    return Reason(key, **values)


def _remade(cls: type[Reason], key: str, values: dict[str, Any]) -> Reason:
    return cls(key, **values)


def _reason_text(key: str, lang: str, values: dict[str, Any], section: str = "reasons") -> str:
    shown = {name: _said(value, lang) for name, value in values.items()}
    return fill(str(catalogue(lang)[section][key]), shown)


def _said(value: Any, lang: str) -> Any:
    if isinstance(value, Reason):
        return value.said(lang)
    if isinstance(value, tuple):
        return word("list_sep", lang).join(_said(part, lang) for part in value)
    return value


_ZH_DIGITS = "一二三四"
_FORMS = [
    (re.compile(r"^(\d{4})-(\d{2})$"), "month"),
    (re.compile(r"^(\d{4})-Q([1-4])$"), "quarter"),
    (re.compile(r"^(\d{4})-H([12])$"), "half"),
    (re.compile(r"^(\d{4})$"), "year"),
    (re.compile(r"^(\d{4})-(\d{2})/P1Y$"), "year_from"),
    (re.compile(r"^(\d{4})-W(\d{2})$"), "week"),
    (re.compile(r"^(\d{4})-(\d{2})-(\d{2})$"), "day"),
    (re.compile(r"^(\d{4}-\d{2}-\d{2})/(\d{4}-\d{2}-\d{2})$"), "span"),
]


def format_period(label: str, lang: str) -> str:
    """A period label as people write it: ``2024-11`` -> "November 2024" / "2024年11月"."""
    periods = catalogue(lang)["periods"]
    for pattern, form in _FORMS:
        m = pattern.match(label)
        if not m:
            continue
        g = m.groups()
        params: dict[str, Any] = {"year": g[0]}
        if form in ("month", "year_from"):
            month = int(g[1])
            params.update(month=month, month_name=periods["month_names"][month - 1])
        elif form in ("quarter", "half", "week"):
            n = int(g[1])
            n_zh = _ZH_DIGITS[n - 1] if n <= len(_ZH_DIGITS) else str(n)  # quarters; weeks use n
            params.update(n=n, n_zh=n_zh, half_zh="上半年" if n == 1 else "下半年")
        elif form == "day":
            params.update(month=int(g[1]), day=int(g[2]), date=label)
        elif form == "span":
            return str(periods["span"]).format(start=format_period(g[0], lang), end=format_period(g[1], lang))
        return str(periods[form]).format_map(_Blank(params))
    return label


def format_instant(value: datetime | None, tz: Any = None) -> str:
    """An instant as ``2024-11-30 23:59:59 +08:00`` in zone ``tz`` (seconds, never microseconds)."""
    if value is None:
        return "?"
    if tz is not None:
        with contextlib.suppress(OverflowError):  # the calendar's last instant, east of UTC: at its own offset
            value = value.astimezone(tz)
    # not strftime: its %Y writes year 1 as "1", and its %z an offset of seconds as "+0805:43"
    text = value.replace(microsecond=0).isoformat(sep=" ")
    return f"{text[:19]} {text[19:]}"


def duration_words(duration: Duration, lang: str) -> str:
    """A rule's duration as the language says it: ``30 days``, ``30 天``, ``3 个工作日``,
    ``月末`` (where a glossary term or ISO 8601 wrote it, in the words it reads as)."""
    ended = duration.unit.ended_period
    if ended is not None:
        return word(f"end_of_{ended}", lang)
    unit = duration.unit.value
    return word(unit[:-1] if duration.amount == 1 else unit, lang, n=duration.amount)


def format_duration(seconds: int, lang: str, *, calendar_days: bool = True) -> str:
    """A lateness as people say it, rounded up.

    Against a deadline counted in calendar days, whole days from one day on ("3 days" for
    2 days 10 hours); against a deadline in hours, hours below two days ("27 hours" for
    26 hours 15 minutes); minutes below an hour.
    """
    if seconds >= (86400 if calendar_days else 2 * 86400):
        n = math.ceil(seconds / 86400)
        return word("day" if n == 1 else "days", lang, n=n)
    if seconds >= 3600:
        n = math.ceil(seconds / 3600)
        return word("hour" if n == 1 else "hours", lang, n=n)
    n = max(1, math.ceil(seconds / 60))
    return word("minute" if n == 1 else "minutes", lang, n=n)
