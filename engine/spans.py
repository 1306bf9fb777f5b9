"""What an explanation may say about a date the scenario leaves open.

An uncertain date is solved as one representative day per stretch between boundaries
(engine/dates.py), and the reading an answer is explained from has chosen one of them. That day is
an artefact of the search, not a fact: it differs between a warm session and a cold solve, and
"Ramon incited terrorist activity on 2021-01-15" would state as found what the scenario leaves open.
What the reading does establish about the date is its stated range narrowed by the deciding facts
(`date_on_or_after(K, D)`) as that reading settles them: "on a day between 2021-01-15 and
2026-01-15" in the branch where the answer holds, "before 2021-01-15" where it fails. The
explainer words every value that came from the representative day that way (engine/explain.py
follows the day through the rules that carry it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Collection, Mapping

from clingo.symbol import Symbol

Bounds = tuple[int | None, int | None]  # first and last day (ordinals), None where unbounded
DATE_CHOICE = "date_on_or_after"


@dataclass(frozen=True)
class UncertainDates:
    """The scenario's uncertain dates: each key's stated range, and the facts made for a chosen day
    (each with the key and the argument positions that hold the day)."""

    ranges: Mapping[Symbol, Bounds] = field(default_factory=dict)
    carriers: Mapping[Symbol, tuple[Symbol, tuple[int, ...]]] = field(default_factory=dict)

    def bounds(self, reading: Collection[Symbol], deciding: Collection[Symbol]) -> dict[Symbol, Bounds]:
        """Each key's range as `reading` leaves it: the stated range, narrowed by each deciding
        boundary the reading takes (on or after its day) or refuses (before it)."""
        out = dict(self.ranges)
        for fact in deciding:
            if fact.name != DATE_CHOICE or len(fact.arguments) != 2 or fact.arguments[0] not in out:
                continue
            key, day = fact.arguments[0], fact.arguments[1].number
            first, last = out[key]
            if fact in reading:
                out[key] = (day if first is None else max(first, day), last)
            else:
                out[key] = (first, day - 1 if last is None else min(last, day - 1))
        return out


def _day(n: int) -> str:
    return dt.date.fromordinal(n).isoformat()


def when(bounds: Bounds) -> str:
    """When a date fell, as a phrase after a verb ("came before 2021-01-15")."""
    first, last = bounds
    if first is None and last is None:
        return "on a day the scenario does not state"
    if first is None:
        return f"before {_day(last + 1)}"  # type: ignore[operator]
    if last is None:
        return f"on or after {_day(first)}"
    return f"on {_day(first)}" if first == last else f"between {_day(first)} and {_day(last)}"


def some_day(bounds: Bounds) -> str:
    """A date as a noun where a sentence names a day ("on {D:date}" -> "on a day before 2021-01-15")."""
    first, last = bounds
    if first is not None and first == last:
        return _day(first)
    if first is None and last is None:
        return "a day the scenario does not state"
    return "a day " + when(bounds)
