"""18 U.S.C. § 2339B(a)(1): elements, defeaters, jurisdiction, penalties, duress and membership."""

from __future__ import annotations

import pytest

from tests.conftest import claims

BASE = """
scenario: Payment to a CJNG front
as_of: 2025-06-01
organizations:
  cjng: {registry: cjng}
actors:
  payer: {name: the payer, country: US, us_national: true}
  front: {name: the front company, kind: company, country: MX, agent_of: cjng}
transactions:
  t1: {on: %(on)s, from: payer, to: front, provides: %(provides)s, under_duress: %(duress)s, knowingly: true}
knowledge:
  - {actor: payer, org: cjng, knew: %(knew)s}
"""


def scenario(on: str = "2025-04-01", provides: str = "currency", duress: str = "false",
             knew: str = "terrorist_activity") -> str:
    return BASE % {"on": on, "provides": provides, "duress": duress, "knew": knew}


def test_payment_to_a_front_is_material_support_through_the_agent_chain(answer):
    a = answer(scenario(), "material_support(payer, t1)")
    assert a.answer == "yes"
    # The chain through the front is § 2339B(a)(1)'s own reach, not the Part 597 definition of agent.
    assert "18 U.S.C. § 2339B(a)(1)" in a.citations
    assert not any("597.301" in c for c in a.citations)
    assert "90 FR 10030" in a.citations
    assert "18 U.S.C. § 2339B(d)(1)(A)" in a.citations


def test_no_knowledge_is_no_and_names_the_knowledge_element(answer):
    a = answer(scenario(knew="none"), "material_support(payer, t1)")
    assert a.answer == "no"
    text = " ".join(claims(a.explanation))
    assert "none of the three kinds of knowledge" in text
    assert "designated terrorist organization" in text


def test_a_no_blames_the_refuted_element_not_one_merely_unknown(answer):
    """The payer knew nothing of CJNG (refuted), and whether it paid knowingly is not stated
    (unknown): § 2339B(a)(1) fails for want of knowledge whatever the answer to the open fact, so
    that is the reason given; the ledger keeps `knowingly` as unknown, never as refuted."""
    text = scenario(knew="none").replace("knowingly: true", "knowingly: unknown")
    a = answer(text, "material_support(payer, t1)")
    assert a.answer == "no"
    reasons = [n.claim for n in a.explanation.because]
    assert any("none of the three kinds of knowledge" in r for r in reasons), reasons
    assert not any("knowingly" in r for r in reasons), reasons
    ledger = {e.predicate: e.status for e in a.elements}
    assert "unknown" in ledger.values() and "refuted" in ledger.values()


def test_payment_before_publication_is_no_and_names_the_designation_day(answer):
    a = answer(scenario(on="2025-02-19"), "material_support(payer, t1)")
    assert a.answer == "no"
    text = " ".join(claims(a.explanation))
    assert "(CJNG) was not a designated Foreign Terrorist Organization on 2025-02-19" in text  # the day of t1
    assert "2025-02-20 is after 2025-02-19" in text
    assert answer(scenario(on="2025-02-21"), "material_support(payer, t1)").answer == "yes"


def test_medicine_is_excepted_and_the_why_not_says_so(answer):
    a = answer(scenario(provides="medicine"), "material_support(payer, t1)")
    assert a.answer == "no"
    assert any("excepts" in c and "medicine" in c for c in claims(a.explanation))
    assert "18 U.S.C. § 2339A(b)(1)" in a.citations


def test_duress_leaves_the_offense_intact_and_the_defense_open(answer):
    yaml = scenario(duress="true")
    assert answer(yaml, "material_support(payer, t1)").answer == "yes"
    excepted = answer(yaml, "duress_excepted(payer, t1)")
    assert excepted.answer == "no"
    assert any("no duress" in c for c in claims(excepted.explanation))
    defense = answer(yaml, "duress_defense_available(payer, t1)")
    assert defense.answer == "depends"
    assert any("Dixon v. United States, 548 U.S. 1 (2006)" in c for c in defense.citations)
    assert any("present, immediate or impending" in c for c in claims(defense.explanation))


def test_membership_alone_is_never_an_offense_and_the_why_not_names_why(answer):
    yaml = """
    scenario: member
    as_of: 2025-06-01
    organizations:
      ms13: {registry: ms13}
    actors:
      m: {name: the member, member_of: [ms13], us_national: true}
    """
    a = answer(yaml, "membership_offense(m, ms13)")
    assert a.answer == "no"
    text = " ".join(claims(a.explanation))
    assert "not membership" in text and "§ 2339B(h)" in text


def test_penalty_is_twenty_years_after_2015_and_life_if_death_results(answer):
    assert answer(scenario(), "max_prison(payer, t1, 20)").answer == "yes"
    assert answer(scenario(), "max_prison(payer, t1, 15)").answer == "no"
    death = scenario().replace("under_duress: false", "under_duress: false, death_resulted: true")
    assert answer(death, "max_prison(payer, t1, life)").answer == "yes"
    assert answer(death, "max_prison(payer, t1, 20)").answer == "no"


def test_foreign_national_abroad_needs_a_jurisdictional_basis(answer):
    yaml = scenario().replace("country: US, us_national: true", "country: HN, found_in_us: %s")
    no = answer(yaml.replace("%s", "false"), "material_support(payer, t1)")
    assert no.answer == "no"
    assert any("No basis of jurisdiction" in c for c in claims(no.explanation))
    assert answer(yaml.replace("%s", "true"), "material_support(payer, t1)").answer == "yes"


def test_a_failed_jurisdiction_element_never_denies_a_fact_the_scenario_states(answer):
    """A US national's payment dated after the day asked: every element about it fails, since as of
    that day it had not happened, and that is the reason given; never that the payer is not a US
    national (18 U.S.C. § 2339B(d)(1)(A) is met by the nationality alone), nor the other bases of
    jurisdiction or the attempt and conspiracy alternatives, which fail only because of it."""
    a = answer(scenario(), "material_support(payer, t1)", as_of="2020-01-01")
    assert a.answer == "no"
    text = " ".join(claims(a.explanation))
    assert "comes after the date asked, 2020-01-01, so as of that date it had not happened" in text
    assert "is not a US national" not in text and "lawful permanent resident" not in text
    assert "attempted" not in text and "conspiracy" not in text



def test_statuses_judges_every_transaction_by_the_status_of_its_own_day():
    """Solver.statuses: the whole-scenario read the benchmark uses, day by day and with an unknown."""
    from clingo.symbol import Function

    from engine.scenario import loads
    from engine.solve import Solver

    # Two more payments: the day before CJNG's designation was published (2025-02-20), and one to CJNG itself.
    more = ("  t0: {on: 2025-02-19, from: payer, to: front, provides: currency, knowingly: true}\n"
            "  t2: {on: 2025-04-02, from: payer, to: cjng, provides: currency, knowingly: true}\n")
    s = loads(scenario(knew="unknown").replace("transactions:\n", "transactions:\n" + more), "test.yaml")
    got = Solver(s).statuses([("designated_on_day", 2), ("material_support", 2)])
    status = {str(atom): value for atom, value in got.items()}
    assert status["designated_on_day(cjng,t1)"] == "yes"
    assert status["designated_on_day(cjng,t2)"] == "yes"
    assert status.get("designated_on_day(cjng,t0)", "no") == "no"  # the day before publication
    # What the payer knew is unknown, so the offense through t1 turns on it; t0 is no offense.
    assert status["material_support(payer,t1)"] == "depends"
    assert status.get("material_support(payer,t0)", "no") == "no"
    assert {atom.name for atom in got} == {"designated_on_day", "material_support"}
    # A mapping: looked up by atom, as well as walked.
    t1 = Function("designated_on_day", [Function("cjng"), Function("t1")])
    assert t1 in got and got[t1] == "yes"
    assert got[Function("material_support", [Function("payer"), Function("t1")])] == "depends"
    assert Function("designated_on_day", [Function("cjng"), Function("t0")]) not in got
    assert len(got) == len(status) == len(list(got))


def test_statuses_refuses_a_signature_that_is_not_a_predicate_name():
    """statuses() writes a #show for each signature: a name carrying program text is refused, not pasted."""
    from engine.scenario import loads
    from engine.solve import Solver

    solver = Solver(loads(scenario(), "test.yaml"))
    with pytest.raises(ValueError, match="not a predicate signature"):
        solver.statuses([("designated_on_day/2. #show x", 2)])
    assert solver.statuses([("designated_on_day", 2)])  # the solver is still usable


def test_a_knowledge_entry_unknown_as_a_whole_leaves_the_offense_open():
    """What the payer knew holds only if the entry does; the entry's own fact anchors it even in a
    narrow solve whose rules never read that fact."""
    from engine.answers import ask, wanted_for
    from engine.scenario import loads
    from engine.solve import Solver

    s = loads(scenario() + "unknown: [knowledge.0]\n", "test.yaml")
    question = "material_support(payer, t1)"
    assert ask(Solver(s), question).answer == "depends"
    assert ask(Solver(s, only=wanted_for(question)), question).answer == "depends"
    assert ask(Solver(loads(scenario(), "test.yaml")), question).answer == "yes"
