"""Warm and cold give the same bytes: a what-if answered in a warm session is the answer a fresh
`fto ask` gives for the edited file, explanation, citations and caveats included.

Over every case expectation that is a what-if (`set:` / `remove:`); one warm session per case
file and date asked, changed and undone expectation by expectation.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

from engine.questions import ask, wanted_for
from engine.cases import case_files, load_case
from engine.scenario import CASE_KEYS, parse
from engine.session import Change, Session, apply
from engine.solve import Solver
from engine.yamlsource import Located

ROOT = Path(__file__).resolve().parent.parent


def _what_ifs() -> dict[tuple[str, object], list[int]]:
    found: dict[tuple[str, object], list[int]] = defaultdict(list)
    for path in case_files([str(ROOT / "cases")]):
        case = load_case(path)
        for i, exp in enumerate(case.meta.expect):
            if exp.set or exp.remove:
                found[(str(path), exp.as_of)].append(i)
    return found


WHAT_IFS = _what_ifs()


def test_there_are_what_if_cases_to_compare():
    assert sum(map(len, WHAT_IFS.values())) >= 20


@pytest.mark.parametrize("path, as_of", sorted(WHAT_IFS, key=str), ids=lambda v: Path(str(v)).stem if v else "")
def test_a_warm_what_if_answers_exactly_as_a_fresh_ask_of_the_edited_file(path: str, as_of: object):
    case = load_case(path)
    session = Session(path, case.meta.expect[WHAT_IFS[(path, as_of)][0]].as_of)
    for i in WHAT_IFS[(path, as_of)]:
        exp = case.meta.expect[i]
        changes = [Change(p, v) for p, v in exp.set.items()] + [Change(p, remove=True) for p in exp.remove]
        warm = session.whatif(exp.ask, changes).after
        session.undo()
        data = {k: v for k, v in case.located.data.items() if k not in CASE_KEYS}
        for change in changes:
            data = apply(data, change, path)
        edited = parse(Located(data, case.located.lines, path))
        cold = ask(Solver(edited, exp.as_of, source=path, only=wanted_for([exp.ask])), exp.ask)
        assert warm.to_json() == cold.to_json(), f"{path} expectation {i}: {exp.ask}"


FRONT_CHAIN = ROOT / "cases" / "material_support" / "cobro_de_piso_front_chain.yaml"


def test_undo_goes_back_to_the_solver_as_it_was_and_answers_as_before():
    """Undoing a change that only switched facts restores the solver's snapshot (its facts object
    itself), and every answer is the same bytes as before the change and as a fresh session's."""
    session = Session(FRONT_CHAIN)
    question = "material_support(supplier, t1)"
    first = session.ask(question).to_json()
    facts = session.solver.facts
    changed = session.whatif(question, [Change("knowledge.0.knew", "none")])
    assert (changed.before.answer, changed.after.answer) == ("yes", "no")
    assert session.undo() and session.solver.facts is facts
    assert session.ask(question).to_json() == first == Session(FRONT_CHAIN).ask(question).to_json()
    again = session.whatif(question, [Change("knowledge.0.knew", "none")])
    assert again.model_dump_json() == changed.model_dump_json()
