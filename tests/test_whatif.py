"""Warm sessions: change one fact, see what flips and why; undo; why-not; the CLI views."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from engine.cites import merge
from engine.errors import InputError
from engine.session import Change, Session, parse_set

ROOT = Path(__file__).resolve().parent.parent

ACME = """
scenario: Acme
as_of: 2025-06-01
organizations:
  acme: {name: Acme Gang}
actors:
  dan: {criminal_defendant: false}
events:
  - {on: 2025-03-01, act: notify_congress, org: acme, by: secretary_of_state}
  - {on: 2025-03-08, act: publish_designation, org: acme, by: secretary_of_state}
  - {on: 2025-05-01, act: act_of_congress, org: acme}
"""


@pytest.fixture
def session(scenario_file):
    return Session(scenario_file(ACME))


def test_removing_the_act_of_congress_flips_designated_and_names_the_changed_element(session):
    result = session.whatif("designated(acme)", [Change("events.2", remove=True)])
    assert (result.before.answer, result.after.answer, result.changed) == ("no", "yes", True)
    assert {"conclusion": "designated(acme)", "label": "designated(acme)", "before": "no", "after": "yes"} in [f.model_dump() for f in result.flipped]
    assert any(e.before == "refuted" and e.after == "established" for e in result.elements_changed)
    assert "8 U.S.C. § 1189(a)(2)(B)(ii), (a)(5)" in result.citations_removed


def test_toggling_a_flag_is_warm_and_undo_restores(session):
    before = session.conclusions()
    regrounded = session.change([parse_set("actors.dan.criminal_defendant=true")])
    assert regrounded is False  # only an external was switched
    session.undo()
    assert session.conclusions() == before


def test_a_new_date_regrounds_and_gives_the_right_answer(session):
    result = session.whatif("designated(acme)", [parse_set("events.2.on=2025-07-01")])
    assert result.regrounded is True
    assert result.after.answer == "yes"


def test_undoing_a_regrounding_change_brings_back_the_base_solver_and_its_answers(session):
    base, before = session.solver, session.ask("designated(acme)").to_json()
    assert session.change([parse_set("events.2.on=2025-07-01")]) is True
    assert session.solver is not base
    session.undo()
    assert session.solver is base and session.ask("designated(acme)").to_json() == before


def test_a_bad_path_is_an_input_error_naming_the_path(session):
    with pytest.raises(InputError) as err:
        session.whatif("designated(acme)", [parse_set("events.9.on=2025-07-01")])
    assert "events.9.on" in err.value.render()


def test_a_change_that_breaks_the_scenario_is_rejected_like_a_file(session):
    with pytest.raises(InputError) as err:
        session.change([parse_set("events.1.org=nobody")])
    assert "nobody" in err.value.render()


def test_why_not_names_the_missing_recipient_that_would_make_it_proper(scenario_file):
    session = Session(scenario_file("""
        scenario: Notice that missed the Speaker
        as_of: 2025-04-01
        organizations:
          acme: {name: Acme Gang}
        events:
          - {on: 2025-03-01, act: notify_congress, org: acme, by: secretary_of_state,
             recipients: [house_minority_leader, senate_president_pro_tempore, senate_majority_leader,
                          senate_minority_leader, senate_judiciary_committee, senate_intelligence_committee,
                          senate_foreign_relations_committee, house_judiciary_committee,
                          house_intelligence_committee, house_international_relations_committee]}
          - {on: 2025-03-08, act: publish_designation, org: acme, by: secretary_of_state}
    """))
    assert session.ask("properly_designated(acme)").answer == "no"
    suggestions = session.why_not("properly_designated(acme)")
    assert len(suggestions) == 1
    assert "the Speaker of the House" in suggestions[0].change[0]
    assert "8 U.S.C. § 1189(a)(2)(A)(i)" in suggestions[0].cite


def test_why_not_is_empty_when_no_switchable_fact_would_do(session):
    assert session.why_not("may_contest_validity(dan, acme)") == []


def test_cli_whatif_json_has_the_contract_fields(scenario_file):
    path = scenario_file(ACME)
    out = subprocess.run([sys.executable, "-m", "engine.cli", "whatif", str(path), "designated(acme)",
                          "--remove", "events.2", "--json"], capture_output=True, text=True, check=True)
    data = json.loads(out.stdout)
    assert {"before", "after", "changed", "flipped", "elements_changed", "citations_added",
            "citations_removed"} <= set(data)
    assert data["before"]["answer"] == "no" and data["after"]["answer"] == "yes" and data["changed"] is True


def test_cli_shell_runs_a_scripted_session(scenario_file):
    path = scenario_file(ACME)
    script = "ask designated(acme)\nremove events.2\nask designated(acme)\ndiff\nundo\nask designated(acme)\nquit\n"
    out = subprocess.run([sys.executable, "-m", "engine.cli", "shell", str(path)], input=script,
                         capture_output=True, text=True, check=True)
    answers = [line.split(": ")[1].split()[0] for line in out.stdout.splitlines() if "designated(acme): " in line
               and "->" not in line]
    assert answers == ["no", "yes", "no"]
    assert "designated(acme): no -> yes" in out.stdout


PAID_EARLY = """
scenario: A US company pays CJNG before its designation was published (90 FR 10030, 2025-02-20)
as_of: 2025-06-01
organizations:
  cjng: {registry: cjng}
actors:
  co: {name: Acme Trading Inc., kind: company, country: US, us_national: true}
knowledge:
  - {actor: co, org: cjng, knew: terrorist_activity}
transactions:
  early: {on: 2025-01-10, from: co, to: cjng, provides: currency, amount_usd: 5000, knowingly: true}
"""


def test_why_not_names_the_days_on_which_a_payment_would_have_been_support(scenario_file):
    """§ 2339B(a)(1) reaches support given while the organization is designated: from publication
    (8 U.S.C. § 1189(a)(2)(B)(i)) to the day asked; a payment after that day had not happened."""
    session = Session(scenario_file(PAID_EARLY))
    changes = [s.change for s in session.why_not("material_support(co, early)")]
    assert ["The payment early had been made between 2025-02-20 and 2025-06-01"] in changes
    negated = [s.change for s in session.why_not("not material_support(co, early)")]
    assert negated == []  # it is already not support
    moved = Session(scenario_file(PAID_EARLY.replace("on: 2025-01-10", "on: 2025-04-10")))
    assert ["The payment early had been made before 2025-02-20"] in [s.change for s in moved.why_not("not material_support(co, early)")]


def test_a_what_if_lists_the_authorities_it_gains_and_loses_by_provision_and_its_flips_as_written():
    """Without knowledge, § 2339B(a)(1) is not made out (it requires one of three kinds of knowledge),
    so the answer no longer rests on HLP's reading of (h)-(i); the maximum fine is no longer in play."""
    path = ROOT / "cases" / "material_support" / "cobro_de_piso_front_chain.yaml"
    result = Session(path).whatif("material_support(supplier, t1)", [parse_set("knowledge.0.knew=none")])
    removed = [c.text for c in result.authorities_removed]
    assert "Holder v. Humanitarian Law Project, 561 U.S. 1 (2010)" in removed
    still = {(c.kind, c.authority, c.section, p) for c in merge(result.after.citations) for p in c.pinpoints}
    assert not any((c.kind, c.authority, c.section, p) in still for c in result.authorities_removed for p in c.pinpoints)
    labels = {f.label: f.after for f in result.flipped}
    assert labels["max_fine(supplier,t1,section_2339b_a1,$500,000)"] == "no"
