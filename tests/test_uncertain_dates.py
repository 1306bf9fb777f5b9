"""An uncertain date (`on: unknown`, `on: {between: [D1, D2]}`) is settled by choosing among
representative days (engine/dates.py): one per stretch between the days where a rule the question
turns on could change its answer. These tests read the outcome from the law first: § 2339B(a)(1)
reaches support given while the organization is designated, and a payment dated after the day
asked has not happened as of that day (the as-of principle, tests/test_as_of.py)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from clingo import Function, Number

from engine import dates
from engine.answers import ask
from engine.spans import UncertainDates, some_day, when
from engine.questions import wanted_for
from engine.scenario import loads
from engine.solve import Solver

PAYER = """
scenario: A US company pays CJNG on a day its books do not fix
as_of: 2025-06-01
organizations:
  cjng: {{registry: cjng}}
actors:
  co: {{name: Acme Trading Inc., kind: company, country: US, us_national: true}}
knowledge:
  - {{actor: co, org: cjng, knew: terrorist_activity}}
transactions:
  pay: {{on: {on}, from: co, to: cjng, provides: currency, amount_usd: 5000, knowingly: true}}
"""
PUBLISHED = dt.date(2025, 2, 20)  # 90 FR 10030, CJNG's designation
ASKED = dt.date(2025, 6, 1)


def _solver(on: str, question: str) -> Solver:
    return Solver(loads(PAYER.format(on=on), "payer.yaml"), only=wanted_for([question]))


def test_a_payment_known_only_to_fall_after_the_day_asked_has_not_happened():
    answer = ask(_solver("{between: [2025-06-10, 2026-03-01]}", "material_support(co, pay)"), "material_support(co, pay)")
    assert answer.answer == "no"


def test_an_undated_payment_turns_on_the_publication_and_the_day_asked_alone():
    q = "material_support(co, pay)"
    answer = ask(_solver("unknown", q), q)
    assert answer.answer == "depends"
    boundaries = {f for d in answer.deciding for f in d.facts}
    assert boundaries == {f"date_on_or_after(day_of(pay,on),{PUBLISHED.toordinal()})",
                          f"date_on_or_after(day_of(pay,on),{ASKED.toordinal() + 1})"}


def test_the_days_come_from_the_rules_the_question_turns_on():
    """§ 2339B compares the payment's day with the designation's days only: the penalty tables'
    dates (rules/figures.lp) are no place where its answer can change."""
    def days(question: str) -> list:  # the uncertain date's choices (other open facts, such as willfully, aside)
        return [c for c in _solver("unknown", question).facts.choices if c.name == "date_on_or_after"]

    narrow, wide = days("material_support(co, pay)"), days("max_prison(co, pay, P)")
    assert 0 < len(narrow) < 30 < len(wide)
    assert not any(c.arguments[1].number == dt.date(2015, 6, 2).toordinal() for c in narrow)  # Pub. L. 114-23
    assert any(c.arguments[1].number == dt.date(2015, 6, 2).toordinal() for c in wide)


def test_every_day_after_the_day_asked_is_one_day():
    cuts = [10, 11, 20, 21, 40, 41]
    assert dates.representative_days(None, None, cuts, asked=20) == [9, 10, 11, 20, 21]  # nothing past 21
    assert dates.representative_days(30, 50, cuts, asked=20) == [30]
    assert dates.representative_days(5, 15, cuts, asked=20) == [5, 10, 11]


def test_a_number_inside_a_name_is_no_offset():
    offsets = dates.rule_offsets(['name(order, "FinCEN order of 2025-06-25").', "due(T, X) :- sent(T, D), X = D + 30."])
    assert offsets.days == frozenset({0, 30})


def test_a_day_the_scenario_leaves_open_is_worded_as_the_range_each_branch_leaves_it():
    """(IX) reaches the spouse only if the principal's activity came within the 5 years before the day
    asked (2026-01-15), so an undated incitement gives `depends`: if it came on or after 2021-01-15 (and by
    the day asked) she is inadmissible, if before, not. No day the solver merely chose is stated as found."""
    path = Path(__file__).resolve().parent.parent / "cases" / "immigration" / "spouse_of_inciter_undated.yaml"
    question = "inadmissible_ground(lucia, spouse_or_child_of_inadmissible_alien)"
    answer = ask(Solver(loads(path.read_text(encoding="utf-8"), str(path)), only=wanted_for([question])), question)
    assert answer.answer == "depends"
    claims = [node.claim for node in answer.explanation.steps()]
    assert "Ramon incited terrorist activity on a day between 2021-01-15 and 2026-01-15" in claims
    assert "The day Ramon incited terrorist activity came before 2021-01-15" in claims
    ledger = {e.element: e.status for e in answer.elements}
    assert ledger["Ramon's disqualifying activity took place on a day between 2021-01-15 and 2026-01-15"] == "unknown"
    shown = " ".join(claims + list(ledger))
    days = set(re.findall(r"\d{4}-\d{2}-\d{2}", shown))
    # The boundary the deciding fact names and the day asked; no day the solver chose.
    assert days == {"2021-01-15", "2026-01-15"}, days


def test_a_range_is_the_stated_one_narrowed_by_the_deciding_boundaries_as_a_reading_takes_them():
    key = Function("day_of", [Function("pay"), Function("on")])
    boundary = Function("date_on_or_after", [key, Number(dt.date(2025, 2, 20).toordinal())])
    stated = UncertainDates({key: (None, dt.date(2025, 6, 1).toordinal())})
    assert stated.bounds([boundary], [boundary]) == {key: (dt.date(2025, 2, 20).toordinal(), dt.date(2025, 6, 1).toordinal())}
    assert stated.bounds([], [boundary]) == {key: (None, dt.date(2025, 2, 19).toordinal())}
    assert stated.bounds([], []) == {key: (None, dt.date(2025, 6, 1).toordinal())}


def test_a_range_reads_as_a_person_would_say_it():
    day = lambda text: dt.date.fromisoformat(text).toordinal()  # noqa: E731
    assert when((None, day("2021-01-14"))) == "before 2021-01-15"
    assert when((day("2021-01-15"), None)) == "on or after 2021-01-15"
    assert some_day((day("2021-01-15"), day("2026-01-15"))) == "a day between 2021-01-15 and 2026-01-15"
    assert some_day((day("2021-01-15"), day("2021-01-15"))) == "2021-01-15"
    assert some_day((None, None)) == "a day the scenario does not state"


def test_each_branch_of_a_depends_is_headed_by_the_facts_as_it_takes_them():
    """(III) reaches one who "has ... incited": asked as of 2020-01-01, an incitement on no stated day
    (but by the scenario's 2026-01-15) counts only if it came by then. A bare "If so" under the
    question "was it on or after 2020-01-02?" would read the wrong way round."""
    path = Path(__file__).resolve().parent.parent / "cases" / "immigration" / "spouse_of_inciter_undated.yaml"
    question = "inadmissible_ground(ramon, incited_terrorist_activity)"
    scenario = loads(path.read_text(encoding="utf-8"), str(path))
    answer = ask(Solver(scenario, dt.date(2020, 1, 1), only=wanted_for([question])), question)
    assert answer.answer == "depends"
    yes, no = answer.explanation.because
    assert yes.claim.startswith("If the day Ramon incited terrorist activity came before 2020-01-02: Ramon has incited")
    assert no.claim.startswith("If the day Ramon incited terrorist activity came between 2020-01-02 and 2026-01-15: ")
