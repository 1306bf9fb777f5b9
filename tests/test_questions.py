"""Question forms (issue #18): negation, several questions on one grounding, and bad questions."""

from __future__ import annotations

import json
import re
import sys
import textwrap

import clingo
import pytest

from engine.errors import InputError
from engine.questions import ask, ask_all, explains, parse, solver_for
from engine.reading import Reading
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
  meds: {on: 2025-06-01, from: charity, to: clinic, provides: medicine, place: US, knowingly: true}
  rent: {on: 2025-06-01, from: charity, to: clinic, provides: currency, amount_usd: 2000, place: US, knowingly: true}
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
    assert a.asks.startswith("it is not so that a US relief charity committed the § 2339B(a)(1) offense")  # the memo's question
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
    assert "In the payment rent, a US relief charity did not act knowingly" in changes
    knowing = next(s for s in found if s.change == ["In the payment rent, a US relief charity did not act knowingly"])
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


# ---- open questions and values (#18 items 5 and 4) -------------------------------------------

PAYERS = """
scenario: Which payments are material support?
as_of: 2025-09-01
organizations:
  cjng: {registry: cjng}
  phantom: {name: Phantom Brigade}
  brigade: {name: Brigada Ficticia, findings: [foreign_organization, terrorist_activity, threatens_us_nationals]}
actors:
  trucker: {name: the trucker, country: US, us_national: true}
  broker: {name: the broker, country: US, us_national: true}
  grocer: {name: the grocer, country: US, us_national: true}
  front: {name: Tequila Logistics LLC, kind: company, country: MX, agent_of: cjng}
  shop: {name: a hardware shop, kind: company, country: MX}
events:
  - {on: 2020-03-02, act: publish_designation, org: brigade, by: secretary_of_state}
transactions:
  t1: {on: 2025-06-01, from: trucker, to: front, provides: currency, amount_usd: 5000, place: US, knowingly: true}
  t2: {on: 2025-06-02, from: broker, to: front, provides: currency, amount_usd: 7000, place: US, knowingly: true}
  t3: {on: 2025-06-03, from: grocer, to: shop, provides: currency, amount_usd: 900, place: US, knowingly: true}
  t4: {on: 2025-06-04, from: grocer, to: brigade, provides: currency, amount_usd: 900, place: US, knowingly: true}
knowledge:
  - {actor: trucker, org: cjng, knew: designated}
  - {actor: broker, org: cjng, knew: unknown}
  - {actor: grocer, org: brigade, knew: designated}
"""


@pytest.fixture(scope="module")
def payers() -> Solver:
    return Solver(loads(textwrap.dedent(PAYERS), "payers.yaml"), source="payers.yaml")


def test_an_open_question_lists_exactly_the_ground_forms_that_hold_or_depend(payers):
    found = ask(payers, "material_support(A, T)")
    listed = {b.question: b.answer for b in found.bindings}
    assert listed == {"material_support(broker, t2)": "depends", "material_support(grocer, t4)": "yes",
                      "material_support(trucker, t1)": "yes"}
    assert found.answer == "yes" and found.form == "open" and found.variables == ["A", "T"]
    for actor in ("trucker", "broker", "grocer"):  # every other pairing answers no when asked
        for txn in ("t1", "t2", "t3", "t4"):
            ground = f"material_support({actor}, {txn})"
            assert ask(payers, ground).answer == listed.get(ground, "no")
    assert [b.question for b in found.bindings] == sorted(listed)  # stable: the order of the ground forms
    assert found.bindings[0].shown == {"A": "the broker", "T": "the payment t2"}
    assert found.bindings[0].deciding  # a depends names what it turns on
    assert ask(payers, "material_support(A, T)").model_dump() == found.model_dump()


def test_fixed_arguments_repeated_and_anonymous_variables_narrow_the_listing(payers):
    assert [b.question for b in ask(payers, "material_support(grocer, T)").bindings] == ["material_support(grocer, t4)"]
    assert ask(payers, "material_support(A, A)").answer == "no"
    found = ask(payers, "material_support(_, T)")
    assert found.variables == ["T"] and [b.values for b in found.bindings] == [{"T": "t2"}, {"T": "t4"}, {"T": "t1"}]  # broker, grocer, trucker
    assert [b.question for b in ask(payers, "designated(O)").bindings] == ["designated(brigade)", "designated(cjng)"]


def test_explain_all_gives_each_binding_its_ground_forms_answer(payers):
    found = ask(payers, "material_support(A, T)", explain_all=True)
    for b in found.bindings:
        assert b.explained is not None
        assert b.explained.model_dump() == ask(payers, b.question).model_dump()
    assert "18 U.S.C. § 2339B(a)(1)" in found.citations


def test_a_value_question_gives_the_value_with_its_computation(payers):
    found = ask(payers, "max_prison(grocer, t4, P)")
    assert found.form == "value" and [b.shown for b in found.bindings] == [{"P": "20 years"}]
    explained = found.bindings[0].explained
    assert explained is not None  # always, for a value: the explanation is the computation
    assert "18 U.S.C. § 2339B(a)(1), as amended by Pub. L. 114-23, § 704, 129 Stat. 268 (2015)" in explained.citations
    assert any("2015-06-02" in n.claim for n in explained.explanation.because)


def test_a_value_question_with_other_arguments_open_lists_values_each_computed_by_its_ground_form(payers):
    found = ask(payers, "max_prison(A, T, P)")
    assert found.form == "value" and found.answer == "yes"
    assert {b.question: b.answer for b in found.bindings} == {  # the three material-support bindings, each 20 years
        "max_prison(broker, t2, 20)": "depends", "max_prison(grocer, t4, 20)": "yes", "max_prison(trucker, t1, 20)": "yes"}
    assert all(b.explained is None for b in found.bindings)
    assert found.bindings[0].deciding  # the broker's term depends on what made his payment depend
    for b in found.bindings:  # each value is the one its ground form computes
        one = ask(payers, f"max_prison({b.values['A']}, {b.values['T']}, P)")
        assert [(x.question, x.answer) for x in one.bindings] == [(b.question, b.answer)] and one.bindings[0].explained
    assert all(b.explained for b in ask(payers, "max_prison(A, T, P)", explain_all=True).bindings)


def test_a_listing_that_explains_nothing_is_answered_alike_without_derivations(payers):
    """questions.solver_for grounds no provenance for a listing (at 1e4 transactions it is most of the
    grounding); its answer must be the one a Solver with provenance gives."""
    assert not explains(["max_prison(A, T, P)", "material_support(_, T)"])
    assert explains(["max_prison(grocer, t4, P)"]) and explains(["designated(cjng)"])
    assert explains(["designated(O)"], explain_all=True)
    for question in ("max_prison(A, T, P)", "material_support(A, T)", "designated(O)"):
        lean = solver_for(payers.scenario, [question], source="payers.yaml")
        assert not lean.provenance
        assert ask(lean, question).model_dump() == ask(payers, question).model_dump()
    with pytest.raises(ValueError, match="needs provenance"):
        ask(solver_for(payers.scenario, ["designated(O)"]), "designated(O)", explain_all=True)


def test_a_reading_indexed_by_its_grounding_says_what_the_answer_set_read_whole_says(payers):
    """Solver.reading_of finds derivations and atoms through one index of the ground program shared by
    every answer set (engine/reading.py's Grounding); read whole, the same answer set must say the same,
    in the same order, in the reading where the broker's payment is material support and where it is not."""
    broker = clingo.parse_term("material_support(broker, t2)")
    for holds in (True, False):
        model = payers.canonical([(broker, holds)])
        assert model is not None
        indexed, whole = payers.reading_of(model), Reading(model)
        assert (indexed.because.get(broker) is not None) is holds
        assert all(indexed.because.get(head) == found for head, found in whole.because.items())
        assert dict(indexed.because) == whole.because  # and going through them all finds no other
        for sig in (("transaction", 4), ("material_support", 2), ("name", 2), ("agent_of", 2)):
            assert indexed.of(sig) == whole.of(sig) and whole.of(sig)
            for value in {atom.arguments[0] for atom in whole.of(sig)}:
                assert indexed.having(sig, 0, value) == whole.having(sig, 0, value)


def test_a_value_found_can_be_asked_back_with_dates_and_amounts_as_written(scenario_file):
    session = Session("cases/forms/values.yaml")
    due = session.ask("report_due(bank, h1, D)")
    assert [b.question for b in due.bindings] == ["report_due(bank, h1, 2023-05-15)"]
    assert session.ask("report_due(bank, h1, 2023-05-15)").answer == "yes"
    assert session.ask("report_due(bank, h1, 2023-05-16)").answer == "no"
    assert session.ask("penalty_amount(bank, h1, $97,178)").answer == "yes"
    assert session.ask("penalty_amount(bank, h1, $97,178.00)").answer == "yes"


@pytest.mark.parametrize("text, problem", [
    ("material_support(trucker, t1, X)", "material_support(A, T) is a yes/no conclusion with no value to ask for"),
    ("designated(2025-02-30)", "is not a date"),
    ("designated(ghost)", "not an id defined in the scenario"),
])
def test_bad_open_or_value_questions_are_one_line_errors(payers, text, problem):
    with pytest.raises(InputError) as err:
        ask(payers, text)
    assert problem in err.value.problem and "\n" not in err.value.render()
    if "no value" in problem:
        assert "max_prison(A, T, P)" in err.value.problem  # lists the conclusions that have one


@pytest.mark.slow
def test_consequences_are_what_rests_on_the_organization_grouped_by_law(payers):
    from engine.questions import consequences

    found = consequences(payers, "cjng")
    by_law = {b.law: [c.question for c in b.conclusions] for b in found.bodies}
    assert by_law["material_support"][:2] == ["material_support(broker, t2)", "material_support(trucker, t1)"]
    assert "designated(cjng)" in by_law["designation"]
    everything = [q for qs in by_law.values() for q in qs]
    assert not any("grocer" in q or "brigade" in q for q in everything)  # they rest on another organization
    assert consequences(payers, "phantom").bodies == []
    with pytest.raises(InputError, match="cjng, phantom"):
        consequences(payers, "ghost")


def test_open_questions_work_in_ask_whatif_and_the_shell(scenario_file, capsys, monkeypatch):
    path = str(scenario_file(PAYERS))
    code, out, _ = cli(["ask", path, "material_support(A, T)", "designated(cjng)", "--json"], capsys, monkeypatch)
    listing, plain = json.loads(out)
    assert code == 0 and plain["answer"] == "yes"
    assert [(b["question"], b["answer"]) for b in listing["bindings"]] == [
        ("material_support(broker, t2)", "depends"), ("material_support(grocer, t4)", "yes"),
        ("material_support(trucker, t1)", "yes")]
    assert "18 U.S.C. § 2339B(a)(1)" in " ".join(listing["citations"])  # cited even unexplained
    code, out, _ = cli(["whatif", path, "material_support(A, T)", "--set", "knowledge.1.knew=designated"],
                       capsys, monkeypatch)
    assert code == 0 and "material_support(broker, t2): depends → yes" in out
    monkeypatch.setattr(sys, "stdin", __import__("io").StringIO("ask max_prison(trucker, t1, P)\nquit\n"))
    code, out, _ = cli(["shell", path], capsys, monkeypatch)
    assert "P = 20 years    [max_prison(trucker, t1, 20)]" in out


# ---- exceptions and defences as conclusions (#18 item 2) --------------------------------------

def test_an_exception_is_askable_and_a_missing_one_answers_no_with_its_authority(solver):
    assert ask(solver, "excepted(meds, medicine)").answer == "yes"
    assert ask(solver, "excepted(rent, medicine)").answer == "no"
    no_clause = ask(solver, "excepted(rent, duress)")
    assert no_clause.answer == "no" and "18 U.S.C. § 2339B(a)(1), (h)-(j)" in no_clause.citations[0]
    assert "§ 2339B contains no duress clause" in no_clause.explanation.because[0].claim
    barred = ask(solver, "defence_available(charity, rent, invalid_designation)")
    assert barred.answer == "no" and barred.citations == ["8 U.S.C. § 1189(a)(8)"]
    assert [b.question for b in ask(solver, "excepted(T, X)").bindings] == ["excepted(meds, medicine)"]


def test_an_unknown_kind_of_exception_lists_the_kinds(solver):
    with pytest.raises(InputError) as err:
        ask(solver, "excepted(meds, medicin)")
    assert "not a kind of exception; use one of approved_support, duress, ina_duress" in err.value.problem


# ---- readings: open points of law, named, listed and fixed (#18 item 7) -----------------------

def test_readings_are_listed_with_the_authorities_of_each_side(capsys, monkeypatch):
    code, out, _ = cli(["readings", "--json"], capsys, monkeypatch)
    found = {r["name"]: r for r in json.loads(out)}
    frap = found["frap_26a_extends_deadline"]
    assert code == 0 and frap["cite"] == "Fed. R. App. P. 26(a)(1)(C)" and frap["file"] == "rules/lifecycle.lp"
    assert "8 U.S.C. § 1189(c)(1); Fed. R. App. P. 26(a)(1)(C)" in frap["yes"]
    assert {"made_on_signing", "set_aside_reaches_back"} <= found.keys()
    assert not any("{" in r["question"] for r in found.values())  # no placeholders
    words = {n: re.sub(r"\bTier I{1,3}\b|\bI{1,3}\b(?= status)", "", r["question"]) for n, r in found.items()}  # tiers
    bare = {n: q for n, q in words.items() if re.search(r"(?<![\w.-])[A-Z](?![\w.-])", q)}
    assert not bare, f"a rule variable printed as a letter: {bare}"
    assert "where a charge for the transaction would be tried" in found["duress_exposure_no_bar"]["question"]


def test_a_fixed_reading_settles_what_depended_on_it(capsys, monkeypatch):
    path, question = "cases/forms/review_window.yaml", "review_window_closes(sinaloa, D)"
    code, out, _ = cli(["ask", path, question, "--json"], capsys, monkeypatch)
    assert json.loads(out)["answer"] == "depends"
    for value, day in (("yes", "2025-03-24"), ("no", "2025-03-22")):
        code, out, _ = cli(["ask", path, question, "--json", "--reading", f"frap_26a_extends_deadline={value}"],
                           capsys, monkeypatch)
        listing = json.loads(out)
        assert (listing["answer"], [b["question"] for b in listing["bindings"]]) == (
            "yes", [f"review_window_closes(sinaloa, {day})"])
    code, out, err = cli(["ask", path, question, "--reading", "frap=yes"], capsys, monkeypatch)
    assert code == 2 and out == "" and "'frap' is not a reading; the readings are a8_bar_constitutional" in err
    code, _, err = cli(["ask", path, question, "--reading", "frap_26a_extends_deadline=maybe"], capsys, monkeypatch)
    assert code == 2 and "NAME=yes or NAME=no" in err


def test_the_readings_table_gives_the_answer_under_each_side_and_what_it_turns_on(capsys, monkeypatch):
    """§ 1189(c)(1)'s 30 days from 2025-02-20 end on Saturday 2025-03-22: the last day is Monday
    2025-03-24 only if FRAP 26(a)(1)(C) carries a statutory deadline over the weekend."""
    path = "cases/forms/review_window.yaml"
    code, out, _ = cli(["ask", path, "review_window_closes(sinaloa, 2025-03-24)", "designated(sinaloa)",
                        "--readings", "--json"], capsys, monkeypatch)
    monday, designated = json.loads(out)
    assert code == 0 and monday["question"] == "review_window_closes(sinaloa, 2025-03-24)"
    assert [(r["readings"], r["answer"]) for r in monday["rows"]] == [
        ({"frap_26a_extends_deadline": True}, "yes"), ({"frap_26a_extends_deadline": False}, "no")]
    assert monday["turns_on"] == ["frap_26a_extends_deadline"]
    assert designated["turns_on"] == [] and {r["answer"] for r in designated["rows"]} == {"yes"}
    code, out, _ = cli(["ask", path, "not review_window_closes(sinaloa, 2025-03-22)", "--readings"], capsys, monkeypatch)
    assert out.splitlines()[2].split() == ["yes", "YES"] and out.splitlines()[3].split() == ["no", "NO"]
    assert out.rstrip().endswith("The answer turns on: frap_26a_extends_deadline")
    code, out, err = cli(["ask", path, "review_window_closes(sinaloa, D)", "--readings"], capsys, monkeypatch)
    assert code == 2 and out == "" and "ask one binding's ground form" in err
    monkeypatch.setattr(sys, "stdin", __import__("io").StringIO("ask review_window_closes(sinaloa, D)\nquit\n"))
    code, out, _ = cli(["shell", path, "--reading", "frap_26a_extends_deadline=no"], capsys, monkeypatch)
    assert "(as of 2025-03-01, frap_26a_extends_deadline=no)" in out and "YES     D = 2025-03-22" in out


def test_a_depends_that_only_a_reading_decides_says_so(capsys, monkeypatch):
    code, out, _ = cli(["ask", "cases/forms/review_window.yaml", "review_window_closes(sinaloa, 2025-03-24)"],
                       capsys, monkeypatch)
    assert "It depends only on an open point of law: Does this reading apply: FRAP 26(a)(1)(C) carries the 30 days" in out
    code, out, _ = cli(["ask", "cases/material_support/no_knowledge.yaml", "material_support(other, tour2)"],
                       capsys, monkeypatch)
    assert "It depends on: " in out and "open point of law" not in out.splitlines()[1]
