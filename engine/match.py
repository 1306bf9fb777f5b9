"""Matching free-text names against the registry's names and aliases.

Not law: which registry entry a counterparty's name most likely means is a question of fact.
An exact match (the same name once accents, case and punctuation are set aside) is linked; a
likely one is left to the rules as an open fact, "was X in fact the same organization as Y?"
(`in_fact_same`), with the score shown beside it; anything else is no match.

Why rapidfuzz: its edit-distance ratios are C++ and fast enough to compare every party of a
large ledger with every registry name, and it has no other dependency. Transliterations of the
same name (Hizballah, Hezbollah, Hizbullah; Qa'ida, Qaeda) differ mostly in their vowels and in
a few consonant spellings, so each name is also compared by its consonant skeleton.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

EXACT = 100.0
LIKELY = 85.0
"""A score from which a name is a likely match (0-100)."""

_PUNCT = re.compile(r"[^0-9a-z]+")
_APOSTROPHES = re.compile(r"['\u2018\u2019\u02bc\u02bf\u02be`]")
_SPELLINGS = (("ph", "f"), ("kh", "h"), ("gh", "g"), ("dh", "d"), ("th", "t"), ("sh", "s"), ("ch", "s"),
              ("ou", "u"), ("q", "k"), ("c", "k"), ("j", "y"), ("w", "u"))


def normalize(text: str) -> str:
    """Lower case, accents, marks and apostrophes removed, other punctuation as single spaces:
    `al-Qa'ida` -> `al qaida`."""
    decomposed = unicodedata.normalize("NFKD", _APOSTROPHES.sub("", text))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return _PUNCT.sub(" ", plain).strip()


def skeleton(normalized: str) -> str:
    """The consonants of a normalized name, common transliteration spellings made one, doubled
    letters single: `hezbollah` and `hizballah` both give `hzblh`."""
    text = normalized.replace(" ", "")
    for old, new in _SPELLINGS:
        text = text.replace(old, new)
    text = re.sub(r"[aeiouy]", "", text)
    return re.sub(r"(.)\1+", r"\1", text)


def score(a: str, b: str) -> float:
    """How alike two normalized names are (100: the same)."""
    if a == b:
        return EXACT
    from rapidfuzz import fuzz

    plain = max(fuzz.ratio(a, b), fuzz.token_sort_ratio(a, b))
    sa, sb = skeleton(a), skeleton(b)
    sounds = 0.95 * fuzz.ratio(sa, sb) if len(sa) >= 4 and len(sb) >= 4 else 0.0
    return round(min(max(plain, sounds), 99.9), 1)


def partial(term: str, name: str) -> float:
    """How well a search term matches a run of as many whole words in a name (100: the name contains it)."""
    if term in name:
        return EXACT
    words, width = name.split(), len(term.split())
    runs = [" ".join(words[i:i + width]) for i in range(max(1, len(words) - width + 1))]
    return max(score(term, run) for run in runs)


_SPLIT = re.compile(r"\s*(?:,|;|/|\baka\b|\bformerly\b|\balso known as\b|\(|\))\s*", re.IGNORECASE)


def variants(name: str, original: str = "") -> list[str]:
    """The names an entry goes by: its name, the parts in its parentheses (abbreviations, other
    names, `aka`, `formerly`), and its original name."""
    out = [name]
    for text in (name, original):
        out.extend(part for part in _SPLIT.split(text) if part and len(part) > 1)
    return list(dict.fromkeys(v for v in (normalize(o) for o in out) if v))


@dataclass(frozen=True)
class Match:
    entry: str
    name: str
    score: float

    @property
    def exact(self) -> bool:
        return self.score >= EXACT


@lru_cache(maxsize=1)
def _names() -> tuple[tuple[str, str, str], ...]:
    """(entry id, the name as written, its normalized form) for every name of every entry."""
    from engine import registry

    out = []
    for e in registry.entries().values():
        for v in variants(e.name, e.original_name):
            out.append((e.id, e.name, v))
    return tuple(out)


def best(name: str) -> Match | None:
    """The registry entry a name most likely means, if the match is at least likely."""
    n = normalize(name)
    if not n:
        return None
    found = max(((score(n, v), entry, written) for entry, written, v in _names()), default=None)
    if found is None or found[0] < LIKELY:
        return None
    return Match(found[1], found[2], found[0])


def search_scores(term: str) -> dict[str, float]:
    """Entry id -> how well the term matches one of its names (only entries that match at least likely)."""
    t = normalize(term)
    out: dict[str, float] = {}
    for entry, _, v in _names():
        s = partial(t, v) if len(t) >= 3 else (EXACT if t in v else 0.0)
        if s >= LIKELY and s > out.get(entry, 0.0):
            out[entry] = s
    return out
