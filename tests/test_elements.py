"""`fto elements` and requires(C, E) (issue #18 item 3, issue #20): the listing shows what the rules
say, with the statute's pinpoints; non-elements answer no with their authority."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest
from typer.testing import CliRunner

from engine.cli import app
from engine.elements import listing
from engine.errors import InputError
from engine.questions import ask
from engine.rules import library
from engine.scenario import loads
from engine.solve import Solver


def _strings(data: object) -> list[str]:
    if isinstance(data, dict):
        return [s for v in data.values() for s in _strings(v)]
    if isinstance(data, list):
        return [s for v in data for s in _strings(v)]
    return [data] if isinstance(data, str) else []


def _cites(rules) -> list[str]:
    return [r.cite for r in rules]


def test_set_aside_lists_every_c3_ground_with_its_pinpoint() -> None:
    found = listing(library(), "court_may_set_aside")
    [rule] = found.rules
    assert rule.rule.cite == "8 U.S.C. § 1189(c)(1), (c)(3)"
    ground = next(e for e in rule.elements if e.literal == "has_set_aside_ground(O)")
    [passing] = ground.alternatives
    cites = " | ".join(_cites(passing.via))
    for letter in "ABCDE":
        assert f"§ 1189(c)(3)({letter})" in cites, letter
    assert {r.id for r in passing.via} >= {"r_1189_c3A_unreasoned", "r_1189_c3B_due_process", "r_1189_c3C_finding",
                                           "r_1189_c3C_not_foreign", "r_1189_c3D_support", "r_1189_c3E_procedure"}
    petition = next(e for e in rule.elements if e.literal == "review_available(O)")
    assert set(_cites(petition.alternatives)) == {"8 U.S.C. § 1189(c)(1)"}
    assert [(r.element, r.required) for r in found.doctrine] == [("timely_petition", True), ("set_aside_ground", True)]


def test_material_support_lists_knowledge_alternatives_defeaters_and_hlp() -> None:
    found = listing(library(), "material_support")
    [rule] = found.rules
    knowledge = next(e for e in rule.elements if e.literal == "knew_nature(A,O)")
    assert [r.id for r in knowledge.alternatives] == ["r_ms_2339B_a1_knew_designated", "r_ms_2339B_a1_knew_activity",
                                                      "r_ms_2339B_a1_knew_terrorism"]
    assert "22 U.S.C. § 2656f(d)(2)" in knowledge.alternatives[2].cite
    jurisdiction = next(e for e in rule.elements if e.literal == "jurisdiction(A,T)")
    assert "18 U.S.C. § 2339B(d)(1)(F)" in _cites(jurisdiction.alternatives)
    medicine = next(d for d in rule.defeaters if d.literal == "excepted_item(T)")
    assert "18 U.S.C. § 2339A(b)(1)" in _cites(medicine.alternatives)
    assert "r_exc_medicine" in {r.id for r in found.exceptions}
    rows: dict[str, list] = {}
    for row in found.doctrine:
        rows.setdefault(row.element, []).append(row)
    # Each period's row is listed: HLP from 2010, the 2004 text before it, an open reading under the 1996 text.
    hlp, text, reading = rows["specific_intent"]
    assert not hlp.required and hlp.cite == "Holder v. Humanitarian Law Project, 561 U.S. 1 (2010)"
    assert "no specific intent" in hlp.sentence and hlp.status == "unverified"
    assert not text.required and "Pub. L. 108-458, § 6603(c)" in text.cite and text.status == "analysis"
    assert reading.required and reading.sentence.startswith("on the reading that the 1996 text")
    # A row bounded in time (from Pub. L. 108-458) still states an element.
    knowledge = rows["knowledge_of_organization"][0]
    assert knowledge.required and "Pub. L. 108-458" in knowledge.cite
    assert [r.required for r in rows["jurisdiction"]] == [True, False]
    assert not rows["minimum_amount"][0].required
    # No placeholder is left for a reader.
    assert not [t for t in _strings(found.model_dump()) if "{" in t]


def test_cli_text_json_and_unknown_conclusion() -> None:
    runner = CliRunner()
    text = runner.invoke(app, ["elements", "court_may_set_aside"], prog_name="fto")
    assert text.exit_code == 0
    assert "any one of:" in text.output and "[8 U.S.C. § 1189(c)(3)(D), (c)(2)]" in text.output
    data = json.loads(runner.invoke(app, ["elements", "material_support", "--json"], prog_name="fto").output)
    assert data["conclusion"] == "material_support" and data["doctrine"]
    bad = subprocess.run([sys.executable, "-m", "engine.cli", "elements", "materal_support"], capture_output=True,
                         text=True, check=False)
    assert bad.returncode == 2 and bad.stdout == ""
    assert bad.stderr == ("error: <command line>: PRED: 'materal_support' is not a conclusion of the rule book; "
                          "did you mean 'material_support'?\n")


@pytest.fixture(scope="module")
def solver() -> Solver:
    text = textwrap.dedent("""
        scenario: doctrine questions need no facts
        as_of: 2025-09-01
        organizations:
          cjng: {registry: cjng}
    """)
    return Solver(loads(text, "doctrine.yaml"), source="doctrine.yaml")


def test_requires_answers_with_the_authority(solver: Solver) -> None:
    intent = ask(solver, "requires(material_support, specific_intent)")
    assert intent.answer == "no"
    assert "Holder v. Humanitarian Law Project, 561 U.S. 1 (2010)" in intent.citations
    knowing = ask(solver, "requires(material_support, knowingly)")
    assert knowing.answer == "yes" and knowing.citations == ["18 U.S.C. § 2339B(a)(1)"]


def test_requires_refuses_an_unknown_element(solver: Solver) -> None:
    with pytest.raises(InputError, match="is not a kind of element; use one of .*specific_intent"):
        ask(solver, "requires(material_support, mens_rea_of_the_moon)")


@pytest.mark.parametrize(("day", "cite", "not_cite"), [
    ("2010-06-20", "Pub. L. 108-458, § 6603(c)", "Holder v. Humanitarian Law Project"),
    ("2010-06-21", "Holder v. Humanitarian Law Project, 561 U.S. 1 (2010)", "Pub. L. 108-458"),
])
def test_specific_intent_rests_on_hlp_only_from_its_decision_day(day: str, cite: str, not_cite: str) -> None:
    text = f"scenario: doctrine as of {day}\nas_of: {day}\n"
    intent = ask(Solver(loads(text, "doctrine.yaml"), source="doctrine.yaml"), "requires(material_support, specific_intent)")
    assert intent.answer == "no" and [c for c in intent.citations if cite in c]
    assert not [c for c in intent.citations if not_cite in c]


def test_the_knowledge_sentence_is_not_the_text_the_day_before_pub_l_108_458() -> None:
    text = "scenario: doctrine the day before IRTPA\nas_of: 2004-12-16\n"
    solver = Solver(loads(text, "doctrine.yaml"), source="doctrine.yaml")
    knowledge = ask(solver, "requires(material_support, knowledge_of_organization)")
    assert knowledge.answer == "depends"
    assert not [c for c in knowledge.citations if "108-458" in c]
    assert ask(solver, "requires(material_support, jurisdiction)").answer == "no"
    assert ask(solver, "requires(material_support, us_reach)").answer == "yes"
