"""Everything one question's answer needs from the solver, gathered once.

An explanation, its element ledger, its deciding facts and its citations are all read from
an `Evidence`; none of them calls the solver. When nothing in the scenario is open, one
solve gives the one reading, which is every reading. Otherwise the question's status comes
from the canonical reading in which it holds and the one in which it fails (Solver.canonical;
two solves, one of them possibly finding none), the status of each element of the rule that
concludes it from those readings and, where they agree, one more solve, and the deciding sets
of a `depends` from the search in engine/deciding.py.

The readings are canonical, so the same scenario gives the same evidence whether the Solver
is warm or cold, grounded whole or only for the question.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Iterable, Mapping

from clingo.symbol import Symbol

from engine.deciding import Samples, deciding_sets
from engine.errors import InputError
from engine.literals import elements
from engine.reading import Reading
from engine.solve import Solver
from engine.spans import UncertainDates

Status = str  # yes | no | depends


@dataclass(frozen=True)
class Evidence:
    """What the solver says about one question: its status, a reading in which it holds and one in
    which it fails (where there is one), the status of each of its elements, and the deciding sets."""

    question: Symbol
    as_of: dt.date
    status: Status
    holds: Reading | None
    fails: Reading | None
    settled: bool  # nothing was open: the one reading is every reading
    judged: Mapping[Symbol, Status] = field(default_factory=dict)
    deciding: tuple[tuple[Symbol, ...], ...] = ()
    dates: UncertainDates = field(default_factory=UncertainDates)  # the days the scenario leaves open

    @property
    def reading(self) -> Reading:
        """The reading the answer is explained from: one in which the question holds, if it can."""
        found = self.holds if self.holds is not None else self.fails
        assert found is not None  # gather never makes evidence without a reading
        return found

    def status_of(self, atom: Symbol) -> Status:
        """yes if `atom` holds in every reading, no if in none, depends otherwise (for the question
        and its elements; where nothing was open, for any atom)."""
        if self.settled:
            return "yes" if atom in self.reading else "no"
        return self.judged[atom]


def gather(solver: Solver, question: Symbol) -> Evidence:
    """The evidence for one question (already validated) against a grounded scenario."""
    return gather_many(solver, [question])[0]


def gather_many(solver: Solver, questions: Iterable[Symbol], known: Mapping[Symbol, Status] | None = None) -> list[Evidence]:
    """Evidence for several questions put to one grounding; answer sets found for one question
    spare solves for the next. `known`: statuses already found (Solver.statuses; the solver's own
    conclusions() where it has found them), which spare the solve that would only show that a question
    settled in the canonical reading cannot go the other way."""
    asked = list(questions)
    if not solver.open_atoms:
        model = solver.witness()
        if model is None:
            raise InputError(solver.source, "the scenario is contradictory: no reading of it is consistent")
        one = solver.reading_of(model)
        return [Evidence(q, solver.as_of, "yes" if q in one else "no", one if q in one else None,
                         None if q in one else one, True) for q in asked]
    seen: list[frozenset[Symbol]] = []
    out = []
    for question in asked:
        # Where the question holds (or fails) in the canonical reading of the whole scenario, that reading
        # is also the canonical one in which it holds (fails): the same answer set, read once.
        base = solver.canonical()
        grounded = solver.has_atom(question)
        settled = ((known or {}).get(question) or solver.known_status(question)) in ("yes", "no")
        if base is not None and question in base:
            holds, fails = base, None if settled else solver.canonical([(question, False)])
        else:
            holds, fails = (None if settled or not grounded else solver.canonical([(question, True)])), base
        if holds is None and fails is None:
            raise InputError(solver.source, "the scenario is contradictory: no reading of it is consistent")
        status = "depends" if holds is not None and fails is not None else "yes" if holds is not None else "no"
        seen.extend(m for m in (holds, fails) if m is not None)
        if_holds = solver.reading_of(holds) if holds is not None else None
        if_fails = solver.reading_of(fails) if fails is not None else None
        explained = if_holds if if_holds is not None else if_fails
        assert explained is not None
        slots = [slot for slot in elements(solver.library, explained, question) if slot.atom is not None]
        shown = [slot.atom for slot in slots]
        samples = Samples(solver, [question, *shown], seen)
        judged = {atom: samples.status(atom, []) or "no" for atom in shown}
        judged[question] = status
        if status == "no":
            # A `no` is explained from the reading in which every element the scenario leaves open
            # goes the question's way, so the failure shown is one no open fact could cure (an
            # element refuted), not one that merely is not shown.
            favourable = [(slot.atom, not slot.negated) for slot in slots if judged[slot.atom] == "depends"]
            closest = solver.canonical([(question, False), *favourable]) if favourable else None
            if closest is not None:
                nearer = solver.reading_of(closest)
                if all(slot.atom in judged for slot in elements(solver.library, nearer, question) if slot.atom is not None):
                    if_fails = nearer  # the same elements, so the ledger reads them as judged above
        deciding: tuple[tuple[Symbol, ...], ...] = ()
        if holds is not None and fails is not None:
            deciding = tuple(tuple(group) for group in deciding_sets(solver, question, holds, fails))
        out.append(Evidence(question, solver.as_of, status, if_holds, if_fails, False, judged, deciding,
                            solver.facts.uncertain_dates()))
    return out
