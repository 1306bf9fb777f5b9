"""The bundled registry of real FTO designations, as a timeline of cited events.

The CSV is shipped inside the package (engine/data) with its source notes, so the
engine never reads anything outside itself at run time. A row becomes dated events
(publication, amendments, reviews, revocation), each carrying the Federal Register
citation or the source note that supports it.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources


@dataclass(frozen=True)
class RegistryEvent:
    kind: str  # publish_designation | publish_amendment | five_year_review | publish_revocation
    on: dt.date
    description: str
    citation: str  # an FR citation, FR document number, or the source that supports the date


@dataclass(frozen=True)
class Entry:
    id: str
    name: str
    designated: dt.date
    fr_citation: str
    revoked: dt.date | None
    revocation_note: str
    also_sdgt: str
    region: str
    confidence: str
    source_note: str
    events: tuple[RegistryEvent, ...]

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "name": self.name,
            "designated": self.designated.isoformat(),
            "fr_citation": self.fr_citation or None,
            "revoked": self.revoked.isoformat() if self.revoked else None,
            "revocation_note": self.revocation_note or None,
            "also_sdgt": self.also_sdgt,
            "region": self.region,
            "confidence": self.confidence,
            "source_note": self.source_note,
            "events": [
                {"act": e.kind, "on": e.on.isoformat(), "description": e.description, "citation": e.citation}
                for e in self.events
            ],
        }


_FR = re.compile(r"\b\d{2,3} FR \d+\b|FR Doc\.? \d{4}-\d+")


def _citation_in(text: str) -> str:
    match = _FR.search(text)
    return match.group(0) if match else ""


def _amendment_kind(text: str) -> str:
    lowered = text.lower()
    if "review" in lowered and "maintained" in lowered and "alias" not in lowered:
        return "five_year_review"
    return "publish_amendment"


def _parse_row(row: dict[str, str]) -> Entry:
    designated = dt.date.fromisoformat(row["designated"])
    source = row["source_note"]
    pub_cite = row["fr_citation"] or f"FTO registry source: {source}"
    events = [RegistryEvent("publish_designation", designated, f"designation of {row['name']} published", pub_cite)]
    for part in filter(None, (p.strip() for p in row["amended"].split(";"))):
        day, _, what = part.partition(":")
        on = dt.date.fromisoformat(day.strip())
        if on < designated:
            continue  # an amendment of a predecessor's designation, not of this one
        events.append(RegistryEvent(_amendment_kind(what), on, what.strip(), _citation_in(what) or f"FTO registry source: {source}"))
    revoked = dt.date.fromisoformat(row["revoked"]) if row["revoked"] else None
    if revoked:
        note = row["revocation_note"]
        events.append(RegistryEvent("publish_revocation", revoked, note or "designation revoked", _citation_in(note) or f"FTO registry source: {note or source}"))
    return Entry(
        id=row["id"],
        name=row["name"],
        designated=designated,
        fr_citation=row["fr_citation"],
        revoked=revoked,
        revocation_note=row["revocation_note"],
        also_sdgt=row["also_sdgt"],
        region=row["country_or_region"],
        confidence=row["confidence"],
        source_note=source,
        events=tuple(sorted(events, key=lambda e: e.on)),
    )


@lru_cache(maxsize=1)
def entries() -> dict[str, Entry]:
    text = resources.files("engine.data").joinpath("fto-registry.csv").read_text(encoding="utf-8")
    return {row["id"]: _parse_row(row) for row in csv.DictReader(text.splitlines())}


def entry(ident: str) -> Entry | None:
    return entries().get(ident)


def search(term: str = "") -> list[Entry]:
    """Entries whose id, name or region contains `term` (case-insensitive), by id."""
    needle = term.casefold()
    return [
        e
        for _, e in sorted(entries().items())
        if needle in e.id.casefold() or needle in e.name.casefold() or needle in e.region.casefold()
    ]
