"""Representative days for a date the scenario does not fix (`unknown`, or `between: [D1, D2]`).

Every rule compares days, or days moved by a fixed offset (`P + Len`, `@years_after(D, Len)`,
`@business_days_after(T, Len)`, the period Len read from a row of rules/periods.lp), with other days: the dates the scenario and the registry give,
the date asked, and the dates the rule book itself names (`@day(2015, 6, 2)`). So an answer can
change, as an uncertain date moves, only where the date crosses one of those days moved by one of
those offsets (or the day after it, for a strict comparison). Between two such boundaries every
day gives the same answers, so one day of each stretch stands for all of it: the solver chooses
among those days (rules in engine.facts), and a `depends` names the boundary that decides.

The offsets are read from the rule book's text, so a new rule with a new offset is covered
without a list to keep here: the statutory periods from their rows in rules/periods.lp
(`period(Name, Since, Amount, Unit)`), for the names the rules at hand read through
`period_span(Name, ...)`, and any other fixed offset from the rule's own arithmetic. Offsets are
not composed: a rule that moves a day by years and compares it with another day moved by days
would need their sum, which is not generated.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Callable, Iterable

from engine import calendar

_DAY_CALL = re.compile(r"@day\((\d+),(\d+),(\d+)\)")
_YEARS = re.compile(r"@years_after\([^,()]+,(\d+)\)")
_BUSINESS = re.compile(r"@business_days_after\([^,()]+,(\d+)\)")
_ARITHMETIC = re.compile(r"(?:[-+]|<=?|>=?|!?=)(\d{1,4})(?![\d(])")
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_PERIOD_ROW = re.compile(r"period\(([a-z][a-z0-9_]*),(@day\(\d+,\d+,\d+\)|#inf),(\d+),(days|years|business_days)\)\.")
_PERIOD_READ = re.compile(r"period_span\(([a-z][a-z0-9_]*),")
FIRST, LAST = dt.date(1, 1, 1).toordinal() + 3660, dt.date(9899, 12, 31).toordinal() - 3660
"""Boundaries are kept ten years inside the days the engine can name, so offsets stay valid."""


@dataclass(frozen=True)
class Offsets:
    """The shifts the rule book applies to days before comparing them."""

    days: frozenset[int]
    years: frozenset[int]
    business_days: frozenset[int]
    next_business_day: bool


@dataclass(frozen=True)
class PeriodRow:
    """A row of rules/periods.lp: from `since` (None for #inf), the period `name` is `amount` `unit`."""

    name: str
    since: int | None
    amount: int
    unit: str


def period_rows(program: Iterable[str]) -> tuple[list[PeriodRow], set[str]]:
    """The period rows among the statements, and the names the other statements read."""
    rows, read, _ = _split(program)
    return rows, read


def _split(program: Iterable[str]) -> tuple[list[PeriodRow], set[str], list[str]]:
    """The period rows, the period names the other statements read, and those other statements."""
    rows: list[PeriodRow] = []
    read: set[str] = set()
    others: list[str] = []
    for text in program:
        compact = text.replace(" ", "")
        if m := _PERIOD_ROW.fullmatch(compact):
            day = _DAY_CALL.fullmatch(m.group(2))
            since = dt.date(*map(int, day.groups())).toordinal() if day else None
            rows.append(PeriodRow(m.group(1), since, int(m.group(3)), m.group(4)))
        else:
            read.update(_PERIOD_READ.findall(compact))
            others.append(text)
    return rows, read, others


def _period_boundary_days(rows: list[PeriodRow]) -> set[int]:
    """The days a period changes: every row's day but the first of its name (a first row stands
    for every earlier day too, rules/periods.lp), so nothing flips there."""
    first: dict[str, int] = {}
    for row in rows:
        since = FIRST - 1 if row.since is None else row.since  # #inf: before any day
        first[row.name] = min(first.get(row.name, since), since)
    return {row.since for row in rows if row.since is not None and row.since != first[row.name]}


def rule_offsets(program: Iterable[str]) -> Offsets:
    """The day, year and business-day offsets the rules use, and whether they roll to a business day."""
    days: set[int] = {0}
    years: set[int] = set()
    business: set[int] = set()
    rolls = False
    rows, read, others = _split(program)
    for row in rows:
        if row.name in read:
            {"days": days, "years": years, "business_days": business}[row.unit].add(row.amount)
    for text in others:
        compact = _STRING.sub('""', text).replace(" ", "")  # a name's text ("2025-06-25") holds no offset
        if "@" in compact:
            years.update(int(n) for n in _YEARS.findall(compact))
            business.update(int(n) for n in _BUSINESS.findall(compact))
            rolls = rolls or "@next_business_day(" in compact
            compact = re.sub(r"@[a-z_]+\([^()]*\)", "", compact)  # a call's arguments are not offsets
        days.update(int(n) for n in _ARITHMETIC.findall(compact))
    return Offsets(frozenset(days), frozenset(years), frozenset(business), rolls)


def rule_days(program: Iterable[str]) -> set[int]:
    """The dates the rule book names (`@day(Y, M, D)`), as day numbers; of the period rows, only the
    days on which a period the rules read changes."""
    rows, read, others = _split(program)
    out: set[int] = _period_boundary_days([row for row in rows if row.name in read])
    for text in others:
        for y, m, d in _DAY_CALL.findall(text.replace(" ", "")):
            out.add(dt.date(int(y), int(m), int(d)).toordinal())
    return out


def _shifted(day: int, offsets: Offsets) -> set[int]:
    """Where a comparison between a fixed day and an uncertain one can flip, whichever of the two
    the rule moves: the fixed day moved by each offset, each way (an uncertain day moved forward by
    an offset meets the fixed day moved back by it)."""
    date = dt.date.fromordinal(day)
    out = {day + k for k in offsets.days} | {day - k for k in offsets.days}
    for n in offsets.years:
        out.update((calendar.add_years(date, n).toordinal(), calendar.add_years(date, -n).toordinal()))
    for n in offsets.business_days:
        out.add(calendar.business_days_after(date, n).toordinal())
        out.update(_crossings(day, lambda t, n=n: calendar.business_days_after(dt.date.fromordinal(t), n).toordinal(),
                              day - 2 * n - 14))
    if offsets.next_business_day:
        for k in offsets.days:
            out.add(calendar.next_business_day(dt.date.fromordinal(day + k)).toordinal())
            out.update(_crossings(day, lambda t, k=k: calendar.next_business_day(dt.date.fromordinal(t + k)).toordinal(),
                                  day - k - 10))
    return out


def _crossings(day: int, moved: Callable[[int], int], start: int) -> set[int]:
    """The days t from `start` on where `moved(t)` (a nondecreasing shift) passes `day`: the last t
    with moved(t) < day or <= day, and the one after it."""
    out: set[int] = set()
    t = start
    while moved(t) <= day:
        if moved(t + 1) > day or moved(t + 1) >= day > moved(t):
            out.update((t, t + 1))
        t += 1
    return out


def boundaries(anchors: Iterable[int], offsets: Offsets) -> list[int]:
    """Every day on which a comparison in the rules could flip, sorted (each boundary and the day after)."""
    found: set[int] = set()
    for day in set(anchors):
        if FIRST <= day <= LAST:
            found.update(_shifted(day, offsets))
    found |= {x + 1 for x in found}
    return sorted(x for x in found if FIRST <= x <= LAST)


def representative_days(low: int | None, high: int | None, cuts: list[int], asked: int) -> list[int]:
    """One day for each stretch of [low, high] between consecutive boundaries, earliest first.

    An unbounded side (an unknown date) reaches one day past the outermost boundary. Every day
    after the day asked stands for all of them: as of that day nothing dated later has happened
    (the as-of principle the rules keep, tests/test_as_of.py), so where a later day falls
    cannot change an answer, and the day after the day asked is the last representative.
    """
    lo = low if low is not None else (cuts[0] - 1 if cuts else FIRST)
    hi = high if high is not None else (cuts[-1] + 1 if cuts else LAST)
    hi = min(hi, max(lo, asked + 1))
    inside = [c for c in cuts if lo < c <= hi]
    return [lo, *inside]
