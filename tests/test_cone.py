"""The cone (engine/cone.py): re-solving only what a switch reaches gives what a whole re-solve gives."""

from __future__ import annotations

import random
from pathlib import Path

import clingo
import pytest

from benchmarks.generate import generate
from engine.cases import load_case
from engine.cone import Cone, GroundProgram
from engine.reading import DISPLAY
from engine.scenario import load
from engine.solve import Solver

CASES = sorted(Path(__file__).resolve().parent.parent.joinpath("cases").rglob("*.yaml"))


def whole(solver: Solver, switches: list) -> dict:
    with solver.switched(switches) as switched:
        return switched.conclusions()


@pytest.mark.slow
def test_random_switches_on_a_generated_scenario_agree_with_a_whole_re_solve():
    solver = Solver(generate(120, unknown_rate=0.05), warm=True)
    base = solver.conclusions()
    assert "depends" in base.values()  # unknown knowledge leaves some conclusions open
    rng = random.Random(11)
    # Display facts (names, source cites) never change a conclusion: switching them compares nothing.
    pool = sorted(sym for sym in solver.externals if (sym.name, len(sym.arguments)) not in DISPLAY)
    # Most inputs of a generated scenario reach no conclusion of it, and each new body of law adds more
    # of them, so draw until 20 draws have moved some conclusion (every draw is compared), within a cap.
    moving = draws = 0
    while moving < 20 and draws < 400:
        draws += 1
        switches = [(sym, rng.choice([True, False, None])) for sym in rng.sample(pool, rng.choice([1, 2, 3]))]
        fast = solver.conclusions_if(switches)
        assert fast == whole(solver, switches), switches
        moving += any(fast[a] != base[a] for a in base)
    assert moving == 20  # the switches reached conclusions, so the comparison had something to compare


@pytest.mark.parametrize("path", CASES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_fact_of_every_case_switched_agrees_with_a_whole_re_solve(path):
    """Over the law the case's questions turn on, as `fto check` grounds it (a case with an undated
    record would otherwise try every day any rule compares: minutes for one switch)."""
    scenario, _ = load(path)
    solver = Solver(scenario, warm=True, source=str(path), only=load_case(path).wanted)
    pool = sorted(solver.externals)
    rng = random.Random(path.stem)
    for sym in rng.sample(pool, min(len(pool), 6)):
        value = not solver._value(sym) if solver._value(sym) is not None else True
        assert solver.conclusions_if([(sym, value)]) == whole(solver, [(sym, value)]), sym


def test_a_switch_changes_nothing_until_it_is_made():
    solver = Solver(generate(40), warm=True)
    before = solver.conclusions()
    knowing = next(s for s in sorted(solver.externals) if s.name == "knowingly" and solver._value(s))
    after = solver.conclusions_if([(knowing, False)])
    assert after != before
    assert solver.conclusions() == before


def ground(text: str) -> tuple[GroundProgram, clingo.Control]:
    program = GroundProgram()
    ctl = clingo.Control(["--warn=none"])
    ctl.register_observer(program)
    ctl.add("base", [], text)
    ctl.ground([("base", [])])
    return program, ctl


def test_a_program_with_an_integrity_constraint_gets_no_cone():
    program, ctl = ground("#external e. a :- e. {b}. :- a, b. #show a/0. #show b/0.")
    assert program.sliceable is False
    assert Cone.build(program, ctl, {}) is None


def test_a_cone_reads_brave_and_cautious_over_an_open_choice():
    program, ctl = ground("#external e. {u}. a :- e, u. c :- e. #show a/0. #show c/0.")
    atoms = {str(sa.symbol): sa.literal for sa in ctl.symbolic_atoms}
    cone = Cone.build(program, ctl, {})
    assert cone is not None
    assert {str(k): v for k, v in cone.statuses({atoms["e"]: True}).items()} == {"a": "depends", "c": "yes"}
    assert {str(k): v for k, v in cone.statuses({atoms["e"]: False}).items()} == {"a": "no", "c": "no"}
