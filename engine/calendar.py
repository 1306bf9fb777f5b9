"""Calendar arithmetic the rules cannot do with plain day numbers.

"Two years after" is not 730 days, and "10 business days" skips weekends and federal
holidays; both are computed here exactly and handed to the rules as day numbers.
Federal holidays follow 5 U.S.C. § 6103(a), with the weekend rule of Executive Order
11582 (a Saturday holiday is observed on Friday, a Sunday holiday on Monday).
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache


def add_years(day: dt.date, years: int) -> dt.date:
    """The same calendar date `years` later; 29 February falls to 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date:
    first = dt.date(year, month, 1)
    offset = (weekday - first.weekday()) % 7
    return first + dt.timedelta(days=offset + 7 * (n - 1))


def _last_weekday(year: int, month: int, weekday: int) -> dt.date:
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    last = nxt - dt.timedelta(days=1)
    return last - dt.timedelta(days=(last.weekday() - weekday) % 7)


def _observed(day: dt.date) -> dt.date:
    if day.weekday() == 5:
        return day - dt.timedelta(days=1)
    if day.weekday() == 6:
        return day + dt.timedelta(days=1)
    return day


@lru_cache(maxsize=256)
def federal_holidays(year: int) -> frozenset[dt.date]:
    """Legal public holidays under 5 U.S.C. § 6103(a), as observed."""
    fixed = [dt.date(year, 1, 1), dt.date(year, 7, 4), dt.date(year, 11, 11), dt.date(year, 12, 25)]
    if year >= 2021:
        fixed.append(dt.date(year, 6, 19))  # Juneteenth, added by Pub. L. 117-17 (2021)
    moving = [
        _nth_weekday(year, 1, 0, 3),  # Birthday of Martin Luther King, Jr.
        _nth_weekday(year, 2, 0, 3),  # Washington's Birthday
        _last_weekday(year, 5, 0),  # Memorial Day
        _nth_weekday(year, 9, 0, 1),  # Labor Day
        _nth_weekday(year, 10, 0, 2),  # Columbus Day
        _nth_weekday(year, 11, 3, 4),  # Thanksgiving Day
    ]
    observed = {_observed(d) for d in fixed} | set(moving)
    # New Year's Day on a Saturday is observed on Friday 31 December of the year before.
    nxt = dt.date(year + 1, 1, 1)
    if nxt.weekday() == 5:
        observed.add(nxt - dt.timedelta(days=1))
    return frozenset(d for d in observed if d.year == year)


def is_business_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in federal_holidays(day.year)


def business_days_after(day: dt.date, n: int) -> dt.date:
    """The n-th business day after `day` (the day itself is not counted)."""
    current = day
    counted = 0
    while counted < n:
        current += dt.timedelta(days=1)
        if is_business_day(current):
            counted += 1
    return current


def next_business_day(day: dt.date) -> dt.date:
    """`day` itself if it is a business day, else the next one (FRAP 26(a)(1)(C) style)."""
    while not is_business_day(day):
        day += dt.timedelta(days=1)
    return day
