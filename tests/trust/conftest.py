"""Counts the fuzz inputs run, and prints the figure at the end of the session (docs/trust.md)."""

from __future__ import annotations

from collections import Counter
from typing import Any

FUZZ_COUNTS: Counter[str] = Counter()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if FUZZ_COUNTS:
        total = sum(FUZZ_COUNTS.values())
        parts = ", ".join(f"{name} {count}" for name, count in sorted(FUZZ_COUNTS.items()))
        terminalreporter.write_line(f"fuzz: {total} generated inputs ({parts}); any unexpected exception fails the run")
