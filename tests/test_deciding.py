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
