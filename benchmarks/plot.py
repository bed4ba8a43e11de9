"""Plot benchmark results: time and peak memory against log size, for govrules, the baseline and pm4py.

    python benchmarks/plot.py benchmarks/results.jsonl benchmarks/results.png

Reads the JSON lines printed by benchmarks/run.py. Needs matplotlib, which is not a govrules
dependency: run it with any interpreter that has it (the peer environment does, as pm4py needs it:
``benchmarks/.peer-venv/bin/python benchmarks/plot.py ...``).
"""

from __future__ import annotations

import json
import sys


def main(source: str, target: str) -> int:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    with open(source, encoding="utf-8") as handle:
        rows = sorted((json.loads(line) for line in handle if line.strip()), key=lambda r: r["events"])
    events = [r["events"] for r in rows]
    peer = [r for r in rows if "pm4py_s" in r]
    figure, (left, right) = plt.subplots(1, 2, figsize=(12, 4.8))
    left.plot(events, [r["govrules_s"] for r in rows], "o-", label="govrules, all rules (end to end)")
    if peer:
        left.plot(
            [r["events"] for r in peer], [r["govrules_subset_s"] for r in peer], "s--", label="govrules, shared subset"
        )
        left.plot(
            [r["events"] for r in peer], [r["pm4py_s"] for r in peer], "^-", label="pm4py, shared subset (Declare)"
        )
    cli = [r for r in rows if "cli_s" in r]
    if cli:
        left.plot([r["events"] for r in cli], [r["cli_s"] for r in cli], "D:", label="govrules check (the command, JSON report)")
    left.plot(events, [r["baseline_s"] for r in rows], "x-", label="baseline: csv + parse timestamps")
    left.set(xscale="log", yscale="log", xlabel="events in the log", ylabel="seconds (median)", title="Time")
    right.plot(events, [r["govrules_rss_mb"] for r in rows], "o-", label="govrules, all rules")
    if peer:
        right.plot(
            [r["events"] for r in peer],
            [r["govrules_subset_rss_mb"] for r in peer],
            "s--",
            label="govrules, shared subset",
        )
        right.plot([r["events"] for r in peer], [r["pm4py_rss_mb"] for r in peer], "^-", label="pm4py, shared subset")
    if cli:
        right.plot([r["events"] for r in cli], [r["cli_rss_mb"] for r in cli], "D:", label="govrules check (the command)")
    right.plot(events, [r["baseline_rss_mb"] for r in rows], "x-", label="baseline")
    right.axhline(500, color="grey", linestyle=":", label="target at 1M: 500 MB")
    right.set(xscale="log", yscale="log", xlabel="events in the log", ylabel="peak RSS, MB", title="Memory")
    for axis in (left, right):
        axis.grid(True, which="both", alpha=0.3)
        axis.legend(fontsize=8)
    figure.suptitle("govrules benchmark: synthetic district, 21 rules, 3 years, about 500 events per actor")
    figure.tight_layout()
    figure.savefig(target, dpi=110)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1], sys.argv[2]))
