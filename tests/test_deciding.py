"""Deciding facts (#18 item 8): every set named settles the question, checked here by solving
each assignment of it, including sets whose facts matter only together (the elements of a
defence, the three kinds of knowledge § 2339B(a)(1) accepts)."""

from __future__ import annotations

import itertools

import clingo
import pytest

from engine.answers import question_atom
from engine.cases import load_case
from engine.questions import ask

TOGETHER = [
    # § 2339B(a)(1): knowingly, and any one of three kinds of knowledge of the organization.
    ("cases/material_support/no_knowledge.yaml", "material_support(other,tour2)",
     {"knowingly(tour2)", "knew(other,cdg,designated)", "knew(other,cdg,terrorism)",
      "knew(other,cdg,terrorist_activity)"}),
    # Common-law duress: each element, and the two open readings of its scope.
    ("cases/material_support/cobro_de_piso_front_chain.yaml", "duress_defense_available(supplier,t1)",
     {"serious_threat(t1)", "could_escape(t1)", "reading(duress_exposure_no_bar)"}),
]


@pytest.mark.parametrize("path, question, includes", TOGETHER, ids=lambda v: v if isinstance(v, str) and "(" in v else "")
def test_facts_that_matter_only_together_are_named_and_settle_the_question(path, question, includes):
    solver = load_case(path).solver(None)
    answer = ask(solver, question)
    assert answer.answer == "depends"
    assert answer.deciding, "a depends must name what it turns on"
    atom = question_atom(solver, question)
    for group in answer.deciding:
        assert includes <= set(group.facts)
        facts = [clingo.parse_term(f) for f in group.facts]
        for values in itertools.product((True, False), repeat=len(facts)):
            fixed = list(zip(facts, values))
            can_hold = solver.sample([*fixed, (atom, True)], [atom]) is not None
            can_fail = solver.sample([*fixed, (atom, False)], [atom]) is not None
            assert not (can_hold and can_fail), f"{group.facts} = {values} leaves {question} open"


def test_a_branch_of_many_deciding_facts_answers_each_question_in_the_headers_order():
    """Too many deciding facts to restate (here duress's elements and two open readings of its
    scope): each branch says which way it answers every question the header asks, in that order,
    and the answers are those of the branch's own reading (its deciding facts yes where they hold)."""
    solver = load_case("cases/material_support/cobro_de_piso_front_chain.yaml").solver(None)
    answer = ask(solver, "duress_defense_available(supplier,t1)")
    facts = [f for group in answer.deciding for f in group.facts]
    holds, fails = answer.explanation.because
    for branch, defense in ((holds, True), (fails, False)):
        head, _, rest = branch.claim.partition(": ")
        assert head.startswith("If the answer"), branch.claim
        ways = head.replace("If the answers to those questions are ", "").replace(" and ", ", ").split(", ")
        if head.startswith("If the answer to each of those questions is "):
            ways = [head.rsplit(" ", 1)[1]] * len(facts)
        assert len(ways) == len(facts) and set(ways) <= {"yes", "no"}
        assert ("is not shown to have" not in rest) == defense
    # The branch where the defence holds has its threat serious and no chance of escape.
    ways = dict(zip(facts, holds.claim.partition(": ")[0].replace("If the answers to those questions are ", "")
                    .replace(" and ", ", ").split(", ")))
    assert ways["serious_threat(t1)"] == "yes" and ways["could_escape(t1)"] == "no"


def test_enumeration_guides_leave_the_canonical_reading_alone() -> None:
    # statuses() guides clasp's enumerations with heuristic modifiers on the open atoms; the
    # canonical reading (open atoms in sorted order, false first), which the deciding facts of an
    # answer come from, must be the same whether or not the solver has enumerated before.
    from pathlib import Path

    from engine.scenario import load
    from engine.solve import Solver

    scenario = load(str(Path(__file__).resolve().parent.parent / "examples" / "sinaloa.yaml"))[0]
    depends = [a for a, st in Solver(scenario).conclusions().items() if st == "depends"][:20]
    fresh, used = Solver(scenario), Solver(scenario)
    fresh.canonical()
    used.canonical()
    used.statuses([(depends[0].name, len(depends[0].arguments))])
    for atom in depends:
        for value in (True, False):
            assert used.canonical_open([(atom, value)]) == fresh.canonical_open([(atom, value)]), (atom, value)
