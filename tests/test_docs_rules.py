"""Every example in docs/rules.md is a complete file that loads without a problem, and every
test the docs cite as evidence exists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from govrules.errors import LoadError
from govrules.loaders import cross_check, load_org, load_rules
from govrules.model import RULE_KINDS, Organisation, RuleSet

DOC = Path(__file__).resolve().parents[1] / "docs" / "rules.md"
BLOCK = re.compile(r"^```(yaml|json)\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def _blocks() -> list[tuple[str, str, int]]:
    text = DOC.read_text("utf-8")
    return [(m.group(1), m.group(2), text[: m.start()].count("\n") + 1) for m in BLOCK.finditer(text)]


BLOCKS = _blocks()


def _is_org(language: str, text: str) -> bool:
    data = yaml.safe_load(text)  # JSON is YAML too; only used to tell the two kinds apart
    return isinstance(data, dict) and "actors" in data and "rules" not in data


def _load(language: str, text: str, line: int) -> RuleSet | Organisation:
    name = f"docs/rules.md:{line}.{language}"
    data = text.encode("utf-8")
    try:
        return load_org(data, file=name) if _is_org(language, text) else load_rules(data, file=name)
    except LoadError as exc:
        pytest.fail(f"the example at docs/rules.md line {line} does not load:\n{exc}")


def test_the_doc_has_the_examples_it_promises() -> None:
    """At least one rule set per kind, an organisation, and a JSON example; every block is closed."""
    assert DOC.read_text("utf-8").count("```") % 2 == 0
    loaded = [_load(language, text, line) for language, text, line in BLOCKS]
    kinds = {rule.kind for item in loaded if isinstance(item, RuleSet) for rule in item.rules}
    assert kinds == set(RULE_KINDS)
    assert any(isinstance(item, Organisation) for item in loaded)
    assert "json" in {language for language, _, _ in BLOCKS}


@pytest.mark.parametrize(("language", "text", "line"), BLOCKS, ids=[f"line-{b[2]}" for b in BLOCKS])
def test_example_loads(language: str, text: str, line: int) -> None:
    """The block is a complete rule set or organisation that loads without a problem."""
    loaded = _load(language, text, line)
    assert loaded.id


def test_district_examples_agree_with_the_example_organisation() -> None:
    """Rule sets citing document 1 (D1.x) name only roles, relations and actors of the doc's organisation."""
    loaded = [_load(language, text, line) for language, text, line in BLOCKS]
    (org,) = [item for item in loaded if isinstance(item, Organisation)]
    rule_sets = [item for item in loaded if isinstance(item, RuleSet)]
    district = [rs for rs in rule_sets if rs.rules and all(r.clause.startswith("D1.") for r in rs.rules)]
    assert len(district) >= 5
    problems = [
        str(p) for rules in district for p in cross_check(rules, org) if not p.pointer.startswith("/exemptions")
    ]
    assert problems == []
    rule_ids = {r.id for rs in rule_sets for r in rs.rules}
    assert {e.rule for e in org.exemptions} <= rule_ids


def test_every_test_the_docs_cite_exists() -> None:
    """The docs cite tests by name as the evidence for what they say (`test_...`, `TestClass`); a
    renamed or deleted test leaves a claim without its evidence."""
    root = DOC.parents[1]
    docs = [*sorted((root / "docs").glob("*.md")), root / "README.md", *sorted((root / "benchmarks").glob("*.md"))]
    cited = {
        name: doc.name
        for doc in docs
        for name in re.findall(r"`((?:test_|Test)[A-Za-z0-9_]+)`", doc.read_text("utf-8"))
    }
    defined = {
        name
        for f in (root / "tests").rglob("test_*.py")
        for name in re.findall(r"^\s*(?:def|class) ((?:test_|Test)\w+)", f.read_text("utf-8"), re.M)
    }
    assert len(cited) >= 100
    assert {n: d for n, d in cited.items() if n not in defined} == {}


def test_the_map_file_of_the_logs_page_reads_its_export(tmp_path: Path) -> None:
    """The map file docs/logs.md shows loads, and reads a semicolon-separated cp1252 export with
    day.month.year times, a constant for an empty actor and a list split on commas."""
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from govrules.events import Event, read_events
    from govrules.loaders import load_map_file

    text = (DOC.parent / "logs.md").read_text("utf-8")
    [block] = [m.group(1) for m in re.finditer(r"^```yaml\n(.*?)^```$", text, re.MULTILINE | re.DOTALL)]
    (tmp_path / "export.map.yaml").write_text(block, "utf-8")
    fmap, fmt, encoding, delimiter = load_map_file(tmp_path / "export.map.yaml")
    assert (fmt, encoding, delimiter, fmap.time_format) == ("csv", "cp1252", ";", "%d.%m.%Y %H:%M")
    log = "Vorgang;Zeitpunkt;Einheit;Vorgangsart;Empfänger;Themen;Bemerkung\n"
    log += "V-1;15.01.2025 10:00;;Bericht;Zentrale;a, b;Frist, verlängert\n"
    (tmp_path / "export.csv").write_bytes(log.encode("cp1252"))
    [event] = read_events(
        tmp_path / "export.csv",
        tz=ZoneInfo("Europe/Berlin"),
        fmap=fmap,
        fmt=fmt,
        encoding=encoding or "utf-8-sig",
        delimiter=delimiter,
    )
    assert isinstance(event, Event)
    assert (event.id, event.time, event.actor, event.action, event.recipient) == (
        "V-1",
        datetime(2025, 1, 15, 9, tzinfo=UTC),
        "branch-1",
        "Bericht",
        "Zentrale",
    )
    assert dict(event.attributes) == {"topics": ["a", "b"], "Bemerkung": "Frist, verlängert"}
