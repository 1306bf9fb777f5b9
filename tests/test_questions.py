"""Question forms (issue #18): negation, several questions on one grounding, and bad questions."""

from __future__ import annotations

import json
import sys
import textwrap

import pytest

from engine.errors import InputError
from engine.questions import ask, ask_all, parse
from engine.scenario import loads
from engine.session import Session
from engine.solve import Solver

CHARITY = """
scenario: A charity gives a CJNG clinic medicine, and money for its rent
as_of: 2025-09-01
organizations:
  cjng: {registry: cjng}
actors:
  charity: {name: a US relief charity, kind: charity, country: US, us_national: true}
  clinic: {name: a CJNG-run clinic, country: MX, agent_of: cjng}
transactions:
  meds: {on: 2025-06-01, from: charity, to: clinic, provides: medicine, place: US}
  rent: {on: 2025-06-01, from: charity, to: clinic, provides: currency, amount_usd: 2000, place: US}
  rent2: {on: 2025-06-01, from: charity, to: clinic, provides: currency, amount_usd: 2000, place: US, knowingly: unknown}
knowledge:
  - {actor: charity, org: cjng, knew: designated}
questions:
  - designated(cjng)
  - not material_support(charity, meds)
"""


@pytest.fixture(scope="module")
def solver() -> Solver:
    return Solver(loads(textwrap.dedent(CHARITY), "charity.yaml"), source="charity.yaml")


def cli(argv: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> tuple[int, str, str]:
    from engine.cli import main

    monkeypatch.setattr(sys, "argv", ["fto", *argv])
    code = 0
    try:
        main()
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def same_reasons(a, b) -> bool:
    """Two answers with the same explanation, ledger, citations and deciding facts."""
    keys = ("explanation", "elements", "citations", "deciding", "assumptions", "caveats")
    return a.model_dump(include=set(keys)) == b.model_dump(include=set(keys))


@pytest.mark.parametrize("txn, plain, negated", [("meds", "no", "yes"), ("rent", "yes", "no"), ("rent2", "depends", "depends")])
def test_negation_swaps_yes_and_no_and_keeps_the_reasons(solver, txn, plain, negated):
    positive, negative = ask_all(solver, [f"material_support(charity, {txn})", f"not material_support(charity, {txn})"])
    assert (positive.answer, negative.answer) == (plain, negated)
    assert negative.question == f"not material_support(charity,{txn})"
    assert same_reasons(positive, negative)


def test_a_yes_to_a_negation_names_the_exception_with_its_cite(solver):
    a = ask(solver, "not material_support(charity, meds)")
    reasons = [n.claim for n in a.explanation.because]
    assert any("medicine" in r and "excepts" in r for r in reasons), reasons
    assert "18 U.S.C. § 2339A(b)(1)" in a.citations
    assert {e.predicate: e.status for e in a.elements}["not excepted_item"] == "refuted"


def test_a_depends_negation_turns_on_the_same_deciding_fact(solver):
    a = ask(solver, "not material_support(charity, rent2)")
    assert [d.facts for d in a.deciding] == [["knowingly(rent2)"]]


def test_several_questions_are_answered_each_as_if_alone(solver):
    texts = ["designated(cjng)", "not material_support(charity, meds)", "material_support(charity, rent)"]
    together = ask_all(solver, texts)
    alone = [ask(Solver(solver.scenario, source="charity.yaml"), t) for t in texts]
    assert [a.model_dump() for a in together] == [a.model_dump() for a in alone]


def test_why_not_of_a_negation_finds_the_facts_that_take_the_case_outside_the_rule(scenario_file):
    session = Session(scenario_file(CHARITY))
    found = session.why_not("not material_support(charity, rent)")
    changes = [" and ".join(s.change) for s in found]
    assert "The giver did not act knowingly in rent" in changes
    knowing = next(s for s in found if s.change == ["The giver did not act knowingly in rent"])
    assert knowing.cite == "18 U.S.C. § 2339B(a)(1)"  # only the law the question turns on
    assert session.why_not("not material_support(charity, meds)") == []  # already yes


@pytest.mark.parametrize("text, problem", [
    ("not not designated(cjng)", "`not` goes only in front of a whole question"),
    ("designated(not cjng)", "`not` goes only in front of a whole question"),
    ("-designated(cjng)", "write `not` in front of it"),
    ("not designated(O)", "cannot have a variable"),
    ("designated(f(O))", "a variable stands for a whole argument"),
    ("designated(", "is not a question such as"),
    ("designated(99999999999)", "is too large"),
])
def test_misplaced_forms_are_one_line_errors(text, problem):
    with pytest.raises(InputError) as err:
        parse(text)
    assert problem in err.value.problem
    assert "\n" not in err.value.render()


def test_cli_answers_several_questions_and_the_scenarios_own(scenario_file, capsys, monkeypatch):
    path = str(scenario_file(CHARITY))
    code, out, _ = cli(["ask", path, "designated(cjng)", "not material_support(charity, rent)", "--json"], capsys, monkeypatch)
    assert code == 0
    assert [(a["question"], a["answer"]) for a in json.loads(out)] == [
        ("designated(cjng)", "yes"), ("not material_support(charity,rent)", "no")]
    code, out, _ = cli(["ask", path, "--json"], capsys, monkeypatch)  # the scenario's questions:
    assert [(a["question"], a["answer"]) for a in json.loads(out)] == [
        ("designated(cjng)", "yes"), ("not material_support(charity,meds)", "yes")]
    code, out, _ = cli(["ask", path, "designated(cjng)", "--json"], capsys, monkeypatch)
    assert json.loads(out)["answer"] == "yes"  # one question: one object, as before


def test_cli_without_any_question_is_an_error(scenario_file, capsys, monkeypatch):
    path = str(scenario_file(CHARITY.split("questions:")[0]))
    code, out, err = cli(["ask", path], capsys, monkeypatch)
    assert code == 2 and out == ""
    assert err.startswith("error: ") and "no question" in err and err.count("\n") == 1
    code, _, err = cli(["ask", path, "designated(cjng)", "designated(not cjng)"], capsys, monkeypatch)
    assert code == 2 and "`not` goes only in front" in err
