"""The published JSON Schemas, generated from the models (``python -m govrules.schemas`` writes them)."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel

from govrules.findings import Report
from govrules.model import EventRecord, Organisation, RuleSet

__all__ = ["SCHEMA_NAMES", "generate", "published"]

_BASE = "https://govrules.dev/schemas/"
_MODELS: dict[str, type[BaseModel]] = {
    "rules": RuleSet,
    "org": Organisation,
    "event": EventRecord,
    "report": Report,
}
SCHEMA_NAMES = tuple(_MODELS)


def generate(name: str) -> dict[str, Any]:
    """The JSON Schema (2020-12) of document kind ``name`` (rules, org, event, report)."""
    model = _MODELS[name]
    mode: Literal["validation", "serialization"] = "serialization" if name == "report" else "validation"
    schema = model.model_json_schema(by_alias=True, mode=mode)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{_BASE}{name}.schema.json",
        **schema,
    }


def render(name: str) -> str:
    """The schema as the committed file text (sorted keys, two-space indent, final newline)."""
    return json.dumps(generate(name), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def published(name: str) -> dict[str, Any]:
    """The schema shipped with the package."""
    text = resources.files("govrules").joinpath("_schemas", f"{name}.schema.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def write(root: Path) -> list[Path]:
    """Write every schema to ``root/schemas`` and ``root/src/govrules/_schemas``."""
    written = []
    for name in SCHEMA_NAMES:
        text = render(name)
        for folder in (root / "schemas", root / "src" / "govrules" / "_schemas"):
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"{name}.schema.json"
            path.write_text(text, encoding="utf-8")
            written.append(path)
    return written


if __name__ == "__main__":
    for path in write(Path(__file__).resolve().parents[2]):
        print(path)  # noqa: T201
