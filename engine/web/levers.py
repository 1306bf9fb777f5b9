"""The facts a playground user can change in a what-if, read off the scenario's JSON Schema.

Why from the schema: the scenario model grows (new fields, new sections) and the what-if
panel should offer every flag, date and choice without a list kept by hand. A lever is
only a path (the same paths as `fto whatif --set`) with its current value and the values
it may take; what a change means is for the rules to say.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from engine.scenario import Scenario

UNKNOWN = "unknown"


def _kind(prop: dict[str, Any]) -> tuple[str, list[Any]] | None:
    """("flag" | "date" | "choice", the values offered) for one property schema, or None to leave it out."""
    branches = prop.get("anyOf", [prop])
    unknown = any(b.get("const") == UNKNOWN for b in branches)
    if any(b.get("type") == "boolean" for b in branches):
        return "flag", [True, False] + ([UNKNOWN] if unknown else [])
    if any(b.get("format") == "date" for b in branches):
        return "date", [UNKNOWN] if unknown else []
    for b in branches:
        if b.get("type") == "string" and "enum" in b:
            return "choice", list(b["enum"]) + ([UNKNOWN] if unknown else [])
    return None


@lru_cache(maxsize=1)
def _sections() -> tuple[dict[str, Any], dict[str, tuple[str, dict[str, tuple[str, list[Any]]]]]]:
    """The top-level levers, and per section its shape ("map" or "list") and each record field's kind."""
    schema = Scenario.model_json_schema(by_alias=True)
    defs = schema.get("$defs", {})
    top: dict[str, Any] = {}
    sections: dict[str, tuple[str, dict[str, tuple[str, list[Any]]]]] = {}
    for name, prop in schema["properties"].items():
        refs = [v.get("$ref") for v in prop.get("patternProperties", {}).values()]
        shape = "map" if refs else "list" if "$ref" in prop.get("items", {}) else ""
        ref = refs[0] if refs else prop.get("items", {}).get("$ref")
        if shape and ref:
            record = defs[ref.rsplit("/", 1)[-1]]
            fields = {f: k for f, p in record.get("properties", {}).items() if (k := _kind(p)) is not None}
            sections[name] = (shape, fields)
        elif (kind := _kind(prop)) is not None:
            top[name] = kind
    return top, sections


SUMMARY = ("act", "org", "actor", "knew", "from", "to", "provides", "by", "institution", "owner", "on")
"""Fields that say which record a list item is, shown beside its path (`knowledge.0: professor pkk`)."""


def levers(scenario: Scenario) -> list[dict[str, Any]]:
    """Records with their changeable fields: [{record, about, levers: [{path, field, kind, value, options}]}]."""
    data = scenario.model_dump(mode="json", by_alias=True)
    top, sections = _sections()
    groups: list[dict[str, Any]] = []
    if top:
        groups.append({"record": "scenario", "about": "", "levers": [
            _lever(name, name, kind, data.get(name)) for name, kind in top.items()]})
    for section, (shape, fields) in sections.items():
        records = data.get(section) or ({} if shape == "map" else [])
        items = records.items() if shape == "map" else enumerate(records)
        for key, record in items:
            prefix = f"{section}.{key}"
            about = " ".join(_shown(record[f]) for f in SUMMARY if record.get(f) is not None)
            groups.append({"record": prefix, "about": about, "levers": [
                _lever(f"{prefix}.{name}", name, kind, record.get(name)) for name, kind in fields.items()]})
    return groups


def _lever(path: str, name: str, kind: tuple[str, list[Any]], value: Any) -> dict[str, Any]:
    return {"path": path, "field": name, "kind": kind[0], "value": value, "options": kind[1]}


def _shown(value: Any) -> str:
    return ", ".join(map(str, value)) if isinstance(value, list) else str(value)
