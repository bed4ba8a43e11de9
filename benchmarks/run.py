"""Benchmark govrules against the least work any checker must do, and against pm4py.

    python benchmarks/run.py --events 10000 --events 100000 [--peer] [--repeat 3] [--format csv]

For each ``--events`` size: generate the synthetic district (benchmarks/generate.py; cached in
``--data``), then run, as separate processes and alternating, ``--repeat`` times:

* the baseline: read the same log with the csv module (or line by line with json) and parse
  every timestamp, nothing else;
* govrules end to end: load the rules and the organisation, read the log, match, build the report;
* with ``--cli``: the ``govrules check`` command, run in the process (``govrules.cli.run``), as an
  auditor runs it: the same check with every cited event's file and line, and the JSON report
  written to a file;
* with ``--peer``: pm4py's Declare conformance on the shared subset of the rules (existence,
  response and precedence per case; the calendar-grid rules have no Declare equivalent), in its
  own virtual environment (``benchmarks/.peer-venv``, built from peer-requirements.txt), and
  govrules on the same subset.

Times are the median seconds of the work inside each process (imports and interpreter start
excluded on every side), wall clock and CPU (``*_cpu_s``, steadier on a shared machine); peak
RSS is each process's own high-water mark (``VmHWM``, which each child reports). One JSON object
per size is printed on stdout. With ``--peer`` the run also compares the verdicts of both tools on the
shared subset, case by case, and prints the comparison (``differential``); ``--check-agreement``
makes a disagreement exit 1. No time is ever asserted.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import statistics
import subprocess
import sys
import time
from datetime import date, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
PEER_VENV = HERE / ".peer-venv"
PEER_REQUIREMENTS = HERE / "peer-requirements.txt"
START, END = date(2022, 1, 1), date(2025, 1, 1)


# ---------------------------------------------------------------------------------------------
# the work done inside each child process


def child_baseline(path: str, fmt: str) -> dict[str, Any]:
    """Read every record and parse every timestamp: the least any tool must do."""
    fromisoformat = datetime.fromisoformat
    started, cpu = time.perf_counter(), time.process_time()
    records = bad = 0
    if fmt == "csv":
        with open(path, encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            column = next(reader).index("time")
            for row in reader:
                records += 1
                try:
                    fromisoformat(row[column])
                except ValueError:
                    bad += 1
    else:
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                records += 1
                try:
                    fromisoformat(json.loads(line)["time"])
                except ValueError:
                    bad += 1
    return {
        "seconds": time.perf_counter() - started,
        "cpu_s": time.process_time() - cpu,
        "records": records,
        "bad_times": bad,
    }


def shared_subset(rules: Any) -> list[Any]:
    """The rules with a Declare equivalent: triggered rules (response) and single-requirement
    prerequisites (precedence); the recurring grid and content rules have none."""

    def declarative(rule: Any) -> bool:
        if rule.kind == "triggered":
            return rule.unless is None
        return rule.kind == "prerequisite" and len(rule.requires) == 1 and rule.lookback is None and not rule.min_age

    return [rule for rule in rules.rules if declarative(rule)]


def child_govrules(directory: str, path: str, subset: bool, verdicts: str | None) -> dict[str, Any]:
    """Load the rules and the organisation, read the log, check, build the report."""
    import govrules
    from govrules.events import FieldMap

    started, cpu = time.perf_counter(), time.process_time()
    rules = govrules.load_rules(os.path.join(directory, "rules.yaml"))
    if subset:
        rules = rules.model_copy(update={"rules": shared_subset(rules)})
    org = govrules.load_org(os.path.join(directory, "org.json"))
    tz = govrules.zone_of(rules, org)
    fmap = FieldMap(lists={"topics": ";"})
    events = govrules.read_events(path, tz=tz, fmap=fmap, attributes_of=rules.attribute_actions())
    report = govrules.check(rules, org, events, start=START, end=END)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    if verdicts:
        with open(verdicts, "w", encoding="utf-8") as handle:
            json.dump(govrules_verdicts(rules, report), handle)
    return {
        "seconds": seconds,
        "cpu_s": cpu,
        "rules": len(rules.rules),
        "obligations": report.summary.obligations,
        "findings": len(report.findings),
        "read": report.records.read,
        "rejected": report.records.rejected,
        "statuses": report.summary.statuses,
    }


def child_cli(directory: str, path: str) -> dict[str, Any]:
    """``govrules check`` on the log with a JSON report written to a file, run in this process
    as the command runs it (the same lists as `child_govrules` reads, from a map file)."""
    import io
    import tempfile

    from govrules.cli import run

    with tempfile.TemporaryDirectory() as scratch:
        mapping, report = os.path.join(scratch, "map.yaml"), os.path.join(scratch, "report.json")
        with open(mapping, "w", encoding="utf-8") as handle:
            handle.write('lists: {topics: ";"}\n')
        argv = ["check", os.path.join(directory, "rules.yaml"), "--org", os.path.join(directory, "org.json")]
        argv += ["--events", path, "--map-file", mapping, "--from", START.isoformat()]
        argv += ["--to", date.fromordinal(END.toordinal() - 1).isoformat(), "--format", "json", "--output", report]
        argv += ["--quiet", "--fail-on", "never"]
        errors = io.StringIO()
        started, cpu = time.perf_counter(), time.process_time()
        code = run(argv, io.StringIO(), errors)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        if code != 0:
            raise SystemExit(f"govrules check exited {code}: {errors.getvalue()}")
        return {
            "seconds": seconds,
            "cpu_s": cpu,
            "report_mb": os.path.getsize(report) / 1e6,
            "obligations": reported_obligations(report),
        }


def reported_obligations(report: str) -> int:
    """The obligation count of a JSON report, from its summary, which comes before the findings:
    read without loading the report (at 1M events, 350 MB of JSON), which would add to the peak
    memory this process reports."""
    head = b""
    with open(report, "rb") as handle:
        while b'"findings"' not in head and (chunk := handle.read(1 << 16)):
            head += chunk
    found = re.search(rb'"summary": \{.*?"obligations": (\d+)', head, re.S)
    if found is None:
        raise SystemExit(f"no obligation count in the summary of {report}")
    return int(found.group(1))


def govrules_verdicts(rules: Any, report: Any) -> dict[str, Any]:
    """The shared-subset verdicts of a report, keyed by rule, obligation and constraint.

    A triggered rule's obligation is its trigger (a Declare case) and each step one ``response``
    constraint: met or late-response satisfy it (Declare has no deadlines), unanswered or
    wrong-recipient violate it, and pending (not yet due as of the audit moment, a notion Declare
    lacks) is left out. A prerequisite's obligation is its guarded event: met satisfies its
    ``precedence`` constraint, unapproved violates it.
    """
    kinds = {r.id: r.kind for r in shared_subset(rules)}
    out: dict[str, dict[str, dict[str, str]]] = {rule_id: {} for rule_id in kinds}
    for outcome in report.outcomes:
        kind = kinds.get(outcome.rule)
        if kind is None:
            continue
        if kind == "triggered":
            constraint = f"anchor/step-{outcome.step}"
            verdict = {"met": "ok", "late-response": "ok", "unanswered": "violated", "wrong-recipient": "violated"}
        else:
            constraint = "step-1/anchor"
            verdict = {"met": "ok", "unapproved": "violated"}
        out[outcome.rule].setdefault(outcome.period, {})[constraint] = verdict.get(outcome.status, outcome.status)
    return out


def child_main(argv: list[str]) -> int:
    mode = argv[0]
    if mode == "baseline":
        result = child_baseline(argv[1], argv[2])
    elif mode == "cli":
        result = child_cli(argv[1], argv[2])
    else:
        result = child_govrules(argv[1], argv[2], mode == "govrules-subset", argv[3] if len(argv) > 3 else None)
    result["peak_rss_mb"] = own_peak_rss_mb()
    print(json.dumps(result))
    return 0


def own_peak_rss_mb() -> float | None:
    """This process's own peak resident memory (``VmHWM``) in MB; ``None`` without ``/proc``.

    Not ``ru_maxrss``: on Linux that also counts the pages of the parent the process was forked
    from, before it started this program (a child of a 300 MB parent reports at least 300 MB).
    """
    try:
        with open("/proc/self/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


# ---------------------------------------------------------------------------------------------
# the parent: data, processes, medians, the differential check


def measure(command: list[str]) -> dict[str, Any]:
    """Run one child; its JSON answer plus its own peak RSS (as it reports it, else from wait4)."""
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    assert process.stdout is not None and process.stderr is not None
    out, err = process.stdout.read(), process.stderr.read()
    if process.returncode != 0:
        raise SystemExit(f"benchmark child failed ({' '.join(command)}):\n{err}")
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    result["rss_mb"] = result.pop("peak_rss_mb", None) or usage.ru_maxrss / 1024
    return result


def ensure_data(data: Path, events: int, seed: int) -> dict[str, Any]:
    directory = data / str(events)
    meta_path = directory / "meta.json"
    if meta_path.exists():
        meta: dict[str, Any] = json.loads(meta_path.read_text(encoding="utf-8"))
        if meta.get("seed") == seed and meta.get("events_target") == events:
            return meta
    sys.path.insert(0, str(HERE))
    import generate

    print(f"generating {events} events into {directory}", file=sys.stderr)
    return generate.generate(directory, events=events, actors=None, years=3, start_year=START.year, seed=seed)


def peer_python() -> str:
    """The interpreter of the peer's own virtual environment, built on first use."""
    python = PEER_VENV / "bin" / "python"
    probe = [str(python), "-c", "import pm4py"]
    if python.exists() and subprocess.run(probe, capture_output=True).returncode == 0:
        return str(python)
    started = time.perf_counter()
    print(f"building the peer environment {PEER_VENV} from {PEER_REQUIREMENTS.name}", file=sys.stderr)
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(PEER_VENV)], check=True)
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", str(PEER_REQUIREMENTS)],
        check=True,
    )
    print(f"peer environment ready in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return str(python)


def peer_spec(directory: Path, spec_path: Path) -> None:
    """The shared subset as data for the peer script: anchors, follow-ups, how a case is formed."""
    import govrules
    from govrules.model import actions_of

    rules = govrules.load_rules(directory / "rules.yaml")
    spec = []
    for rule in shared_subset(rules):
        if rule.kind == "triggered":
            anchor = list(actions_of(rule.trigger.action))
            follow = [list(actions_of(step.action)) for step in rule.steps]
            case = "ref"
        else:
            anchor = list(actions_of(rule.action))
            follow = [list(actions_of(rule.requires[0].action))]
            case = "ref" if rule.link == "ref" else "subject"
        spec.append({"id": rule.id, "kind": rule.kind, "anchor": anchor, "follow": follow, "case": case})
    spec_path.write_text(json.dumps(spec, indent=1), encoding="utf-8")


def differential(events_csv: Path, spec_path: Path, ours_path: Path, theirs_path: Path) -> dict[str, Any]:
    """Compare the verdicts case by case; govrules' obligations are keyed by event id, so the
    prerequisite ones are first named by the case (subject) their guarded event belongs to."""
    spec = {r["id"]: r for r in json.loads(spec_path.read_text(encoding="utf-8"))}
    ours: dict[str, dict[str, dict[str, str]]] = json.loads(ours_path.read_text(encoding="utf-8"))
    theirs: dict[str, dict[str, list[str]]] = json.loads(theirs_path.read_text(encoding="utf-8"))
    subjects: dict[str, str] = {}
    with open(events_csv, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["subject"]:
                subjects[row["id"]] = row["subject"]
    compared = agree = pending = orphans = 0
    disagreements: list[dict[str, Any]] = []
    for rule_id, rule in spec.items():
        peer_cases = theirs.get(rule_id, {})
        seen: set[str] = set()
        for obligation, constraints in ours.get(rule_id, {}).items():
            case = subjects.get(obligation, obligation) if rule["case"] == "subject" else obligation
            seen.add(case)
            if case not in peer_cases:
                disagreements.append({"rule": rule_id, "case": case, "constraint": "*", "pm4py": "no such case"})
                continue
            failed = set(peer_cases[case])
            for constraint, verdict in constraints.items():
                if verdict not in ("ok", "violated"):
                    pending += 1
                    continue
                compared += 1
                if (verdict == "violated") == (constraint in failed):
                    agree += 1
                else:
                    disagreements.append({"rule": rule_id, "case": case, "constraint": constraint, "govrules": verdict})
        # A peer case with no govrules obligation must be one with no anchor (a reply or an
        # approval whose trigger or guarded event is not in the log): pm4py flags its existence.
        for case, failed_list in peer_cases.items():
            if case in seen:
                continue
            if "anchor" in failed_list:
                orphans += 1
            else:
                disagreements.append({"rule": rule_id, "case": case, "constraint": "existence", "govrules": "absent"})
    return {
        "constraints_compared": compared,
        "agree": agree,
        "disagree": len(disagreements),
        "pending_left_out": pending,
        "peer_cases_without_anchor": orphans,
        "examples": disagreements[:5],
    }


def run_size(args: argparse.Namespace, events: int) -> dict[str, Any]:
    meta = ensure_data(args.data, events, args.seed)
    directory = args.data / str(events)
    log = directory / f"events.{args.format}"
    me = [sys.executable, str(Path(__file__).resolve()), "--child"]
    rows: dict[str, list[dict[str, Any]]] = {"baseline": [], "govrules": [], "cli": [], "subset": [], "peer": []}
    ours_verdicts = directory / "govrules-verdicts.json"
    theirs_verdicts = directory / "pm4py-verdicts.json"
    spec_path = directory / "peer-spec.json"
    if args.peer:
        python = peer_python()
        peer_spec(directory, spec_path)
    for repetition in range(args.repeat):
        rows["baseline"].append(measure([*me, "baseline", str(log), args.format]))
        verdicts = [str(ours_verdicts)] if args.peer and repetition == 0 else []
        rows["govrules"].append(measure([*me, "govrules", str(directory), str(log), *verdicts]))
        if args.cli:
            rows["cli"].append(measure([*me, "cli", str(directory), str(log)]))
        if args.peer:
            rows["subset"].append(measure([*me, "govrules-subset", str(directory), str(log)]))
            peer_log = directory / "events.csv"
            rows["peer"].append(
                measure([python, str(HERE / "peer_pm4py.py"), str(spec_path), str(peer_log), str(theirs_verdicts)])
            )

    def median(side: str, key: str) -> float:
        return statistics.median(r[key] for r in rows[side])

    g = rows["govrules"][0]
    result: dict[str, Any] = {
        "events": meta["events"],
        "actors": meta["actors"],
        "years": meta["years"],
        "format": args.format,
        "rules": g["rules"],
        "obligations": g["obligations"],
        "findings": g["findings"],
        "rejected": g["rejected"],
        "repeat": args.repeat,
        "baseline_s": round(median("baseline", "seconds"), 3),
        "govrules_s": round(median("govrules", "seconds"), 3),
        "ratio": round(median("govrules", "seconds") / median("baseline", "seconds"), 2),
        "cpu_ratio": round(median("govrules", "cpu_s") / median("baseline", "cpu_s"), 2),
        "baseline_cpu_s": round(median("baseline", "cpu_s"), 3),
        "govrules_cpu_s": round(median("govrules", "cpu_s"), 3),
        "baseline_rss_mb": round(max(r["rss_mb"] for r in rows["baseline"]), 1),
        "govrules_rss_mb": round(max(r["rss_mb"] for r in rows["govrules"]), 1),
    }
    if args.cli:
        if rows["cli"][0]["obligations"] != g["obligations"]:
            raise SystemExit(
                f"govrules check found {rows['cli'][0]['obligations']} obligations, check() {g['obligations']}"
            )
        result.update(
            {
                "cli_s": round(median("cli", "seconds"), 3),
                "cli_ratio": round(median("cli", "seconds") / median("baseline", "seconds"), 2),
                "cli_cpu_s": round(median("cli", "cpu_s"), 3),
                "cli_rss_mb": round(max(r["rss_mb"] for r in rows["cli"]), 1),
                "cli_report_mb": round(rows["cli"][0]["report_mb"], 1),
            }
        )
    if args.peer:
        result.update(
            {
                "subset_rules": rows["subset"][0]["rules"],
                "govrules_subset_s": round(median("subset", "seconds"), 3),
                "pm4py_s": round(median("peer", "seconds"), 3),
                "govrules_subset_cpu_s": round(median("subset", "cpu_s"), 3),
                "pm4py_cpu_s": round(median("peer", "cpu_s"), 3),
                "pm4py_rss_mb": round(max(r["rss_mb"] for r in rows["peer"]), 1),
                "govrules_subset_rss_mb": round(max(r["rss_mb"] for r in rows["subset"]), 1),
                "peer_ratio": round(median("govrules", "seconds") / median("peer", "seconds"), 3),
                "peer_ratio_subset": round(median("subset", "seconds") / median("peer", "seconds"), 3),
                "peer_cpu_ratio": round(median("govrules", "cpu_s") / median("peer", "cpu_s"), 3),
                "differential": differential(directory / "events.csv", spec_path, ours_verdicts, theirs_verdicts),
            }
        )
    return result


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--child":
        return child_main(argv[1:])
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, action="append", required=True, help="log size; repeatable")
    parser.add_argument("--peer", action="store_true", help="also run pm4py on the shared subset")
    parser.add_argument("--cli", action="store_true", help="also run the govrules check command (JSON report)")
    parser.add_argument("--repeat", type=int, default=3, help="repetitions per side (median)")
    parser.add_argument("--format", choices=("csv", "jsonl"), default="csv")
    parser.add_argument("--seed", type=int, default=20240901)
    parser.add_argument("--data", type=Path, default=HERE / ".data", help="where generated logs are kept")
    parser.add_argument("--check-agreement", action="store_true", help="exit 1 if the differential check disagrees")
    args = parser.parse_args(argv)
    status = 0
    for events in args.events:
        result = run_size(args, events)
        print(json.dumps(result, ensure_ascii=False), flush=True)
        if args.check_agreement and args.peer and result["differential"]["disagree"]:
            status = 1
    return status


if __name__ == "__main__":
    raise SystemExit(main())
