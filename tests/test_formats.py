"""The views of one answer: memo, graph, brief text, JSON; and the checks every case's answer passes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests import cli_process

from engine.answers import Answer, Caveat, ExplanationNode, defects
from engine.graph import dot
from engine.memo import authorities, memo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "docs"))
import make_figures  # noqa: E402  (docs/make_figures.py)

FRONT = """\
scenario: A supplier pays a company that is not shown to act for CJNG
as_of: 2025-06-01
organizations:
  cjng: {registry: cjng}
actors:
  supplier: {kind: company, country: MX}
  frontco: {kind: company, country: MX}
transactions:
  pay1: {on: 2025-04-01, from: supplier, to: frontco, provides: currency, amount_usd: 5000, place: MX,
         affects_commerce: true, knowingly: true}
knowledge:
  - {actor: supplier, org: cjng, knew: terrorist_activity}
"""


@pytest.fixture(scope="module")
def example() -> Answer:
    return make_figures.example()


def test_the_readme_figures_are_what_the_engine_gives_now():
    for name, text in make_figures.figures().items():
        assert make_figures.FIGURES[name].read_text(encoding="utf-8") == text, (
            f"{make_figures.FIGURES[name]} is stale: run python docs/make_figures.py")


def test_the_memo_has_every_section_a_student_hands_in(example: Answer):
    text = memo(example)
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    assert headings == ["## Short answer", "## Facts relied on", "## Analysis", "## What would change the answer",
                        "## Authorities"]
    assert "**Question.** As of 2025-06-01, whether Aguacates del Valle S.A. (supplier) committed" in text
    assert "- Fletes Rapidos (front of the front) acts as an agent or front of Seguridad Integral" in text
    assert text.count("(see 1)") == 1 and "6. (1) **Fletes Rapidos" in text  # a shared step, stated once


def test_a_no_memo_says_what_would_have_to_be_shown(answer):
    a = answer(FRONT, "material_support(supplier, pay1)")
    text = memo(a)
    assert "No. Supplier is not shown to have committed the § 2339B(a)(1) offense through the payment pay1." in text
    assert "- It would be yes only if this were shown: Frontco, which received the payment pay1, is Cartel de Jalisco" in text
    assert "No link between the payment pay1 and Cartel de Jalisco Nueva Generacion (CJNG): frontco" in " ".join(
        n.claim for n in a.explanation.steps())


def test_authorities_list_each_section_once_with_its_pinpoints_sorted():
    """A compound cite and its parts give one line per authority and section (engine/cites.py)."""
    assert authorities(["18 U.S.C. § 2339B(a)(1); 8 U.S.C. § 1182(a)(3)(B)", "18 U.S.C. § 2339B(a)(1), (g)(6)",
                        "8 U.S.C. § 1189(c)(3)-(4)",
                        "presumption of regularity (United States v. Chemical Foundation, Inc., 272 U.S. 1 (1926))"]) == [
        "8 U.S.C. § 1182(a)(3)(B)", "8 U.S.C. § 1189(c)(3)-(4)", "18 U.S.C. § 2339B(a)(1), (g)(6)",
        "presumption of regularity (United States v. Chemical Foundation, Inc., 272 U.S. 1 (1926))"]


def test_the_graph_draws_a_shared_step_once_with_an_arrow_from_each_step_resting_on_it(example: Answer):
    text = dot(example)
    assert text.startswith("digraph proof {") and text.rstrip().endswith("}")
    shared = [line for line in text.splitlines() if "Fletes Rapidos (front of the front) acts for" in line]
    assert len(shared) == 1
    box = shared[0].split()[0]
    assert sum(1 for line in text.splitlines() if line.strip().endswith(f"-> {box} [color=\"#2e7d32\"];")) == 2


def _fto(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return cli_process.run(args, ROOT, env=env)


def test_brief_prints_the_answer_line_the_ledger_and_the_citations_only(scenario_file):
    out = _fto("ask", str(scenario_file(FRONT)), "material_support(supplier, pay1)", "--brief").stdout.splitlines()
    assert out[0] == "material_support(supplier,pay1) as of 2025-06-01: NO"
    assert out[1] == "Elements:" and "Citations:" in out
    assert not any(line.startswith(("✗ ", "✓ ", "Caveats:", "Assumed:")) for line in out)


def test_svg_without_graphviz_is_one_clear_error_and_bad_formats_are_refused(scenario_file):
    path = str(scenario_file(FRONT))
    done = _fto("ask", path, "material_support(supplier, pay1)", "--format", "svg", env={"PATH": "/nonexistent"})
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.startswith("error: --format svg: needs Graphviz's `dot` program") and "Traceback" not in done.stderr
    done = _fto("ask", path, "material_support(supplier, pay1)", "--format", "pdf")
    assert done.returncode == 2 and "'pdf' is not a format" in done.stderr
    done = _fto("ask", path, "material_support(supplier, pay1)", "--json", "--brief")
    assert done.returncode == 2 and "--brief" in done.stderr


def test_defects_name_a_repeated_step_a_placeholder_and_a_note_inside_a_citation(example: Answer):
    assert defects(example) == []
    leaf = ExplanationNode(claim="CJNG was designated", rule="scenario", cite="90 FR 10030", holds=True, because=[])
    bad = example.model_copy(update={
        "explanation": ExplanationNode(claim="Top", rule="r", cite="", holds=True, because=[
            ExplanationNode(claim="A (not named) B", rule="r", cite="", holds=True, because=[leaf]), leaf]),
        "citations": ["18 U.S.C. § 2333(d)(2) [open: whether a day suffices]"]})
    found = defects(bad)
    assert any("stated in full twice" in p for p in found)
    assert any("placeholder" in p for p in found)
    assert any("research note inside the citation" in p for p in found)


def test_a_yes_whose_derivation_was_lost_is_a_defect_not_a_bare_claim():
    """A Solver without the derivations (provenance) still answers, but can show only the claim: the
    explanation a reader is owed is missing, and `fto check` must fail rather than pass it."""
    import datetime as dt

    from engine.questions import ask
    from engine.scenario import load
    from engine.solve import Solver

    scenario, _ = load(str(ROOT / "examples/sinaloa.yaml"))
    day = dt.date(2025, 3, 1)
    assert defects(ask(Solver(scenario, day), "designated(sinaloa)")) == []
    bare = ask(Solver(scenario, day, provenance=False), "designated(sinaloa)")
    assert bare.answer == "yes" and bare.explanation.because == []
    assert defects(bare) == ["a conclusion shown without the rule that draws it: 'Cartel de Sinaloa (Sinaloa Cartel) "
                             "is a designated Foreign Terrorist Organization as of the date asked'"]


def test_caveats_keep_status_and_note_out_of_the_cite(answer):
    a = answer("""\
        scenario: a set-aside after the payment
        as_of: 2024-07-01
        organizations:
          acme: {name: Brigada Ficticia}
        actors:
          donor: {kind: person, us_national: true}
        events:
          - {on: 2021-01-04, act: publish_designation, org: acme, by: secretary_of_state}
          - {on: 2024-06-03, act: set_aside, org: acme, final: true}
        transactions:
          gift: {on: 2022-05-01, from: donor, to: acme, provides: currency, knowingly: true}
        knowledge:
          - {actor: donor, org: acme, knew: designated}
        """, "material_support(donor, gift)")
    assert a.answer == "depends"
    assert any(c.status == "open" and "set-aside" in c.note and "[" not in c.cite for c in a.caveats), a.caveats
    assert all(isinstance(c, Caveat) and "UNVERIFIED" not in c.cite for c in a.caveats)



def test_a_header_writes_days_and_amounts_as_asked_and_the_json_keeps_the_atom():
    """`question` is the atom engine.answers.ask reads back (fto screen --explain, the Python API);
    `label`, which the text header, the memo and the graph print, writes its day as a date."""
    case = ROOT / "cases" / "forms" / "review_window.yaml"
    text = _fto("ask", str(case), "review_window_closes(sinaloa, 2025-03-24)").stdout.splitlines()
    assert text[0] == "review_window_closes(sinaloa,2025-03-24) as of 2025-03-01: DEPENDS"
    found = json.loads(_fto("ask", str(case), "review_window_closes(sinaloa, 2025-03-24)", "--json").stdout)
    assert (found["question"], found["label"]) == ("review_window_closes(sinaloa,739334)",
                                                   "review_window_closes(sinaloa,2025-03-24)")
    negated = json.loads(_fto("ask", str(case), "not review_window_closes(sinaloa, 2025-03-24)", "--json").stdout)
    assert negated["label"] == "not review_window_closes(sinaloa,2025-03-24)"


def test_a_depends_memo_relies_only_on_stated_facts_and_lists_each_open_one_once():
    """The branches of a depends each take the open facts one way; neither way is a fact relied on.
    The memo lists them once, as the questions the answer turns on, and gives an unknown element no
    reasons (they would be one branch's)."""
    from engine.cases import load_case
    from engine.questions import ask

    solver = load_case("cases/material_support/no_knowledge.yaml").solver(None)
    answer = ask(solver, "material_support(other, tour2)")
    assert answer.answer == "depends"
    text = memo(answer)
    relied = text.split("## Facts relied on")[1].split("**Unknown**")[0]
    assert "acted knowingly" not in relied and "did not act knowingly" not in relied
    unknown = text.split("**Unknown**")[1].split("## Analysis")[0]
    assert "- In the purchase tour2, did the second payer act knowingly?" in unknown
    assert "The second payer acted knowingly in the purchase tour2." not in unknown  # the element: in the analysis
    analysis = text.split("## Analysis")[1].split("## What would change")[0].splitlines()
    knowing = next(i for i, line in enumerate(analysis) if "acted knowingly in the purchase tour2.** — unknown" in line)
    assert not analysis[knowing + 1].startswith("   -")  # no branch's reasons under it
    assert "- A Cancun tour operator (Gulf Cartel front) acts as an agent or front of Cartel del Golfo (Gulf Cartel, CDG)." in relied
