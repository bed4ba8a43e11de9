"""Coverage-guided fuzzing of the rule-set and organisation loaders and the event readers (on demand).

    pip install atheris
    python fuzz/atheris_loaders.py -atheris_runs=100000

The property is the one of tests/trust/test_fuzz.py: an unusable file raises a govrules
`LoadError` (with problems); a bad event record is a `Rejected`; anything else is a crash.
"""

from __future__ import annotations

import os
import sys
import tempfile
from zoneinfo import ZoneInfo

import atheris

with atheris.instrument_imports():
    from govrules.errors import LoadError
    from govrules.events import read_events
    from govrules.loaders import load_org, load_rules

TZ = ZoneInfo("Asia/Shanghai")
SUFFIXES = (".csv", ".jsonl", ".json", ".xes")


def one_input(data: bytes) -> None:
    if not data:
        return
    selector, body = data[0] % 6, data[1:]
    try:
        if selector == 0:
            load_rules(body, file="rules.yaml")
        elif selector == 1:
            load_org(body, file="org.yaml")
        else:
            fd, name = tempfile.mkstemp(suffix=SUFFIXES[selector - 2])
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(body)
                for _ in read_events(name, tz=TZ):
                    pass
            finally:
                os.unlink(name)
    except LoadError as exc:
        if not exc.problems:
            raise AssertionError("a LoadError without problems") from exc


if __name__ == "__main__":
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()
