"""The peer side of the benchmark: pm4py's Declare conformance on the shared subset of the rules.

Runs only inside the separate virtual environment that ``benchmarks/run.py`` builds from
``benchmarks/peer-requirements.txt`` (pm4py is AGPL-licensed and never a dependency of govrules;
nothing in govrules imports this file). Usage::

    peer-python benchmarks/peer_pm4py.py SPEC.json EVENTS.csv VERDICTS.json

``SPEC.json`` (written by run.py from the rule set) lists, per shared rule, which actions are
its trigger or guarded event and its steps or requirements, and how a case is formed. Each rule
becomes one Declare model over its own cases: ``existence`` of the anchor activity, ``response``
(anchor, step) for each step of a triggered rule, ``precedence`` (requirement, guarded) for each
requirement of a prerequisite rule. The work timed is what a pm4py user does end to end: read
the CSV with pandas, parse the timestamps, form the cases, check. Prints one JSON object with
the seconds; writes the verdict per (rule, case, constraint) to VERDICTS.json afterwards.
"""

from __future__ import annotations

import json
import sys
import time
import warnings
from typing import Any


def main(spec_path: str, events_path: str, verdicts_path: str) -> int:
    warnings.simplefilter("ignore")
    import pandas as pd
    import pm4py

    with open(spec_path, encoding="utf-8") as handle:
        spec: list[dict[str, Any]] = json.load(handle)

    started, cpu = time.perf_counter(), time.process_time()
    df = pd.read_csv(
        events_path,
        dtype=str,
        keep_default_na=False,
        usecols=["id", "time", "actor", "action", "subject", "ref"],
    )
    df["time"] = pd.to_datetime(df["time"], format="ISO8601", utc=True, errors="coerce")
    df = df[df["time"].notna()]
    results: list[tuple[str, list[Any], list[dict[str, Any]]]] = []
    for rule in spec:
        anchor_actions = rule["anchor"]
        labels: dict[str, str] = dict.fromkeys(anchor_actions, "anchor")
        for number, actions in enumerate(rule["follow"], start=1):
            for action in actions:
                labels[action] = f"step-{number}"
        part = df[df["action"].isin(list(labels))].copy()
        is_anchor = part["action"].isin(anchor_actions)
        if rule["case"] == "ref":
            # triggered rules and ref-linked prerequisites: an anchor is its own case, the
            # others join the case they name in ref
            part["case:concept:name"] = part["id"].where(is_anchor, part["ref"])
        else:
            part["case:concept:name"] = part["subject"]
        part = part[part["case:concept:name"] != ""]
        part["concept:name"] = part["action"].map(labels)
        part = part.rename(columns={"time": "time:timestamp"})
        part = pm4py.format_dataframe(
            part, case_id="case:concept:name", activity_key="concept:name", timestamp_key="time:timestamp"
        )
        steps = [f"step-{n}" for n in range(1, len(rule["follow"]) + 1)]
        model: dict[str, dict[Any, dict[str, int]]] = {"existence": {"anchor": {"support": 1, "confidence": 1}}}
        if rule["kind"] == "triggered":
            model["response"] = {("anchor", s): {"support": 1, "confidence": 1} for s in steps}
        else:
            model["precedence"] = {(s, "anchor"): {"support": 1, "confidence": 1} for s in steps}
        outcome = pm4py.conformance_declare(part, model)
        results.append((rule["id"], part, outcome))
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu

    # Not timed: name each result's case (conformance_declare returns one entry per case, in the
    # order pm4py itself projects the cases) and write the verdicts for the differential check.
    verdicts: dict[str, dict[str, list[str]]] = {}
    for rule_id, part, outcome in results:
        cases = pm4py.project_on_event_attribute(part, "case:concept:name", case_id_key="case:concept:name")
        rule_verdicts: dict[str, list[str]] = {}
        for trace, diagnostics in zip(cases, outcome, strict=True):
            failed = sorted("/".join(d[1]) if isinstance(d[1], tuple) else str(d[1]) for d in diagnostics["deviations"])
            rule_verdicts[str(trace[0])] = failed
        verdicts[rule_id] = rule_verdicts
    with open(verdicts_path, "w", encoding="utf-8") as handle:
        json.dump(verdicts, handle)
    from run import own_peak_rss_mb  # beside this script

    cases = sum(len(v) for v in verdicts.values())
    print(json.dumps({"seconds": elapsed, "cpu_s": cpu, "cases": cases, "peak_rss_mb": own_peak_rss_mb()}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(*sys.argv[1:4]))
