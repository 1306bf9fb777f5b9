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


SOURCE_NOTE = "FTO registry source: "


@dataclass(frozen=True)
class RegistryEvent:
    kind: str  # sign_designation | notify_congress | publish_designation | publish_amendment | five_year_review | revoke | publish_revocation | designate_kingpin
    on: dt.date
    description: str
    citation: str  # an FR citation, FR document number, or the source that supports the date
    by: str | None = None  # the official who acted, where a source names one

    @property
    def authority(self) -> str:
        """The citation of the instrument itself (a Federal Register citation or document), if one is known."""
        return _citation_in(self.citation) if self.citation.startswith(SOURCE_NOTE) else self.citation

    @property
    def source_note(self) -> str:
        """The registry's note of a secondary source (a press report, a copy of a web page), where that is
        what supports the event: an answer shows it among its caveats, never as a citation."""
        return self.citation if self.citation.startswith(SOURCE_NOTE) else ""


@dataclass(frozen=True)
class Alias:
    """A name an amendment added to a designation, and removed (if a later one did), with sources."""

    names: tuple[str, ...]
    added: dt.date
    added_citation: str
    removed: dt.date | None = None
    removed_citation: str = ""
    note: str = ""

    def as_dict(self) -> dict[str, object]:
        return {"names": list(self.names), "added": self.added.isoformat(), "added_citation": self.added_citation,
                "removed": self.removed.isoformat() if self.removed else None,
                "removed_citation": self.removed_citation or None, "note": self.note or None}


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
    signed: dt.date | None = None
    signed_by: str | None = None
    revocation_signed: dt.date | None = None
    revocation_signed_by: str | None = None
    signing_source: str = ""
    original_name: str = ""
    aliases: tuple[Alias, ...] = ()

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
            "signed": self.signed.isoformat() if self.signed else "unknown",
            "signed_by": self.signed_by or "unknown",
            "revocation_signed": (self.revocation_signed.isoformat() if self.revocation_signed else "unknown") if self.revoked else None,
            "revocation_signed_by": (self.revocation_signed_by or "unknown") if self.revoked else None,
            "signing_source": self.signing_source or None,
            "aliases": [a.as_dict() for a in self.aliases],
            "events": [
                {"act": e.kind, "on": e.on.isoformat(), "description": e.description, "citation": e.citation,
                 **({"by": e.by} if e.by else {})}
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


def _listing_events(rows: list[dict[str, str]]) -> dict[str, list[RegistryEvent]]:
    """Narcotics-sanctions listings of registry entries (Kingpin Act, EO 14059), each with its source.

    Only listings a source dates are shipped (engine/data/narcotics-listings.csv; docs/sources-cartel-law.md
    says which others are known but undated or unverified, and are left out)."""
    out: dict[str, list[RegistryEvent]] = {}
    for row in rows:
        out.setdefault(row["id"], []).append(RegistryEvent(row["act"], dt.date.fromisoformat(row["on"]), row["note"],
                                                           row["citation"], row["by"] or None))
    return out


def _parse_alias(row: dict[str, str]) -> Alias:
    removed = dt.date.fromisoformat(row["removed"]) if row["removed"] else None
    return Alias(tuple(n.strip() for n in row["names"].split("|")), dt.date.fromisoformat(row["added"]),
                 row["added_citation"], removed, row["removed_citation"], row["note"])


def _parse_row(row: dict[str, str], listings: list[RegistryEvent] | None = None,
               aliases: tuple[Alias, ...] = ()) -> Entry:
    designated = dt.date.fromisoformat(row["designated"])
    source = row["source_note"]
    pub_cite = row["fr_citation"] or f"FTO registry source: {source}"
    signing = row["signing_source"] or f"FTO registry source: {source}"
    signed = dt.date.fromisoformat(row["signed"]) if row["signed"] else None
    # A signer the sources name without the day of signing is carried on the publication: the
    # publication then says who made the designation (or the revocation), and no signing day is invented.
    events = [RegistryEvent("publish_designation", designated, f"designation of {row['name']} published", pub_cite,
                            None if signed else row["signed_by"] or None)]
    for part in filter(None, (p.strip() for p in row["amended"].split(";"))):
        day, _, what = part.partition(":")
        on = dt.date.fromisoformat(day.strip())
        if on < designated:
            continue  # an amendment of a predecessor's designation, not of this one
        events.append(RegistryEvent(_amendment_kind(what), on, what.strip(), _citation_in(what) or f"FTO registry source: {source}"))
    if signed:
        events.append(RegistryEvent("sign_designation", signed, f"designation of {row['name']} signed", signing,
                                    row["signed_by"] or None))
    if row["notified"]:
        events.append(RegistryEvent("notify_congress", dt.date.fromisoformat(row["notified"]),
                                    f"Congress notified of the designation of {row['name']}", f"FTO registry source: {source}"))
    if row["revocation_signed"]:
        events.append(RegistryEvent("revoke", dt.date.fromisoformat(row["revocation_signed"]),
                                    f"revocation of the designation of {row['name']} signed", signing,
                                    row["revocation_signed_by"] or None))
    events.extend(listings or ())
    revoked = dt.date.fromisoformat(row["revoked"]) if row["revoked"] else None
    if revoked:
        note = row["revocation_note"]
        events.append(RegistryEvent("publish_revocation", revoked, note or "designation revoked", _citation_in(note) or f"FTO registry source: {note or source}",
                                    None if row["revocation_signed"] else row["revocation_signed_by"] or None))
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
        events=tuple(sorted(events, key=lambda e: (e.on, e.kind))),
        signed=signed,
        signed_by=row["signed_by"] or None,
        revocation_signed=dt.date.fromisoformat(row["revocation_signed"]) if row["revocation_signed"] else None,
        revocation_signed_by=row["revocation_signed_by"] or None,
        signing_source=row["signing_source"],
        original_name=row["original_name"],
        aliases=aliases,
    )


@lru_cache(maxsize=1)
def entries() -> dict[str, Entry]:
    data = resources.files("engine.data")
    listings = _listing_events(list(csv.DictReader(data.joinpath("narcotics-listings.csv").read_text(encoding="utf-8").splitlines())))
    aliases: dict[str, list[Alias]] = {}
    for row in csv.DictReader(data.joinpath("fto-aliases.csv").read_text(encoding="utf-8").splitlines()):
        aliases.setdefault(row["entry"], []).append(_parse_alias(row))
    text = data.joinpath("fto-registry.csv").read_text(encoding="utf-8")
    return {row["id"]: _parse_row(row, listings.get(row["id"]), tuple(aliases.get(row["id"], ())))
            for row in csv.DictReader(text.splitlines())}


def entry(ident: str) -> Entry | None:
    return entries().get(ident)


def search(term: str = "") -> list[Entry]:
    """Entries whose id, name or region contains `term` (case-insensitive), or one of whose names
    or aliases matches it accent-, case- and transliteration-tolerantly (engine/match.py), by id."""
    needle = term.casefold()
    if not needle:
        return [e for _, e in sorted(entries().items())]
    from engine.match import search_scores

    fuzzy = search_scores(term)
    return [
        e
        for _, e in sorted(entries().items())
        if needle in e.id.casefold() or needle in e.name.casefold() or needle in e.region.casefold() or e.id in fuzzy
    ]
