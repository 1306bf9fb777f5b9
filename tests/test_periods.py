"""Statutory periods (rules/periods.lp): dated rows with cites, read by the rules and by engine/dates.py."""

from __future__ import annotations

import re
from pathlib import Path

import clingo

from engine import dates
from engine.rules import _rule_folder, library

from tests.test_rules_library import CITE

# An integer literal in day arithmetic or a comparison (`P + 30`, `Gap < 7`, `N > 180`), or the count
# of a calendar helper (`@years_after(D, 5)`, `@business_days_after(T, 10)`).
_ARITHMETIC = re.compile(r"(?:[-+*]|<=?|>=?|!?=)(\d+)(?![\d(])")
_CALL_COUNT = re.compile(r"@(?:years_after|business_days_after)\([^,()]+,(\d+)\)")
_HEAD = re.compile(r"\s*([a-z_][a-z0-9_]*)")

NOT_PERIODS = {
    ("owned_blocked", 5000): "50 percent, in basis points (OFAC's 50 Percent Rule)",
    ("marijuana_under_50kg", 50000): "50 kg of marijuana, in grams (21 U.S.C. § 841(b)(1)(D))",
    ("tier_841", 2): "schedules I-II (21 U.S.C. § 841(b)(1)(C))",
    ("tier_841", 3): "schedules III-V",
}
"""Numbers in rules that are not periods of time, each with what it is. 1 is never a period: `D + 1`
is the day after."""


def _period_statements() -> list[str]:
    return [t for t in library().program if dates._PERIOD_ROW.fullmatch(t.replace(" ", ""))]


def test_no_rule_holds_a_bare_period():
    """A period of days, years or business days is a row of rules/periods.lp, read through
    `period_span/5`; a number in a rule's arithmetic is something else, and says what."""
    found = []
    for text in library().program:
        compact = dates._STRING.sub('""', text).replace(" ", "")
        if dates._PERIOD_ROW.fullmatch(compact):
            continue
        numbers = [int(n) for n in _CALL_COUNT.findall(compact)]
        numbers += [int(n) for n in _ARITHMETIC.findall(re.sub(r"@[a-z_]+\([^()]*\)", "", compact))]
        head = m.group(1) if (m := _HEAD.match(text)) else ""
        found += [(head, n) for n in numbers if n > 1 and (head, n) not in NOT_PERIODS]
    assert found == [], f"a period written into a rule, not a row of rules/periods.lp: {found}"


def test_the_check_finds_a_bare_period():
    """The check above would see `P + 30` and `@years_after(D, 5)`, as the rules had them."""
    for text in ("w(O) :- pub(O,P), as_of(D), D <= P + 30.", "due(O) :- last(O,L), D = @years_after(L,5)."):
        compact = text.replace(" ", "")
        assert _CALL_COUNT.findall(compact) or _ARITHMETIC.findall(re.sub(r"@[a-z_]+\([^()]*\)", "", compact))


def test_every_period_row_is_cited_and_read():
    lib = library()
    rows = [r for r in lib.rules.values() if r.signature == ("period", 4)]
    statements = _period_statements()
    assert len(rows) == len(statements) >= 13, "a period row without its own %@ annotation"
    for rule in rows:
        assert CITE.search(rule.cite), f"{rule.file}:{rule.line}: {rule.id} has no recognisable citation"
        assert rule.file.endswith("periods.lp"), f"{rule.id}: period rows belong in rules/periods.lp"
    parsed, read = dates.period_rows(lib.program)
    assert len(parsed) == len(statements), "a row dates.py cannot read: Since must be @day(Y, M, D) or #inf"
    assert {row.name for row in parsed} == read, "a period no rule reads, or a rule reading a period with no row"


def test_the_rule_takes_the_period_in_force_on_the_day():
    """The latest row dated on or before the day; a name's first row also before its own day."""
    text = (Path(str(_rule_folder())) / "periods.lp").read_text(encoding="utf-8")
    helpers = "\n".join(line for line in text.splitlines() if line.startswith(("period_", " ")))
    program = helpers + """
        period(x, 100, 30, days). period(x, 200, 45, days). period(y, #inf, 7, days).
        d(50). d(100). d(199). d(200). d(250).
        q(N, D, K) :- d(D), period_span(N, F, U, K, days), F <= D, D < U.
        #show q/3."""
    ctl = clingo.Control()
    ctl.add("base", [], program)
    ctl.ground([("base", [])])
    shown: list[str] = []
    ctl.solve(on_model=lambda m: shown.extend(str(s) for s in m.symbols(shown=True)))
    assert sorted(shown) == sorted(
        [f"q(x,{d},30)" for d in (50, 100, 199)] + [f"q(x,{d},45)" for d in (200, 250)]
        + [f"q(y,{d},7)" for d in (50, 100, 199, 200, 250)])


def test_dates_reads_the_periods_the_rules_at_hand_read():
    """engine/dates.py cuts an uncertain date by the periods of the rules a question turns on, and
    at the day a later row starts; a first row's day is no boundary (it stands for earlier days)."""
    rows = ["period(x,@day(2000,1,1),45,days).", "period(x,@day(2010,1,1),60,days).",
            "period(y,#inf,3,years).", "period(z,#inf,9,business_days)."]
    reader = ["w(O) :- pub(O,P), period_span(x,PF,PU,Len,days), PF <= P, P < PU, Last = P + Len.",
              "v(O) :- pub(O,P), period_span(y,PF,PU,Len,years), PF <= P, P < PU, L = @years_after(P,Len)."]
    offsets = dates.rule_offsets(rows + reader)
    assert {45, 60} <= offsets.days and offsets.years == {3} and offsets.business_days == frozenset()
    assert dates.rule_days(rows + reader) == {dates.dt.date(2010, 1, 1).toordinal()}
    assert 45 not in dates.rule_offsets(rows).days and dates.rule_days(rows) == set()


def test_the_whole_book_cuts_uncertain_dates_by_every_statutory_period():
    offsets = dates.rule_offsets(library().statements(None))
    assert {7, 14, 30, 60, 180, 686} <= offsets.days
    assert {2, 5, 10} <= offsets.years and {4, 10} <= offsets.business_days
