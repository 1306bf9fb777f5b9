"""The searches beside the solver: which open facts decide a `depends`, and which facts, if
assumed, would turn a `no` into a `yes`.

Both try candidate facts with solver assumptions, so the law decides, not Python. Every answer
set a search has seen is remembered (the values of the atoms it watches), and an assumption
that one of them already meets is not solved again: a `depends` answer needs far fewer solves
than one pair per candidate and value.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Iterable, Sequence

from clingo.symbol import Function, Symbol

from engine.errors import InputError
from engine.reading import Reading, derivations
from engine.solve import Solver

MAX_DECIDING_CANDIDATES = 12
MAX_DECIDING_SIZE = 4
MAX_DECIDING_TESTS = 60
MAX_WHY_NOT_PAIRS_POOL = 24

Assumption = tuple[Symbol, bool]


class Samples:
    """Which assumptions some answer set meets, remembering every answer set seen (the values of
    the watched atoms in it)."""

    def __init__(self, solver: Solver, watched: Sequence[Symbol], seen: Iterable[frozenset[Symbol]]) -> None:
        self.solver = solver
        self.watched = list(watched)
        self.samples = [{a: a in model for a in self.watched} for model in seen]
        self.impossible: set[frozenset[Assumption]] = set()

    def possible(self, assumptions: Sequence[Assumption]) -> bool:
        if any(all(s[a] == v for a, v in assumptions) for s in self.samples):
            return True
        key = frozenset(assumptions)
        if any(known <= key for known in self.impossible):
            return False
        found = self.solver.sample(assumptions, self.watched)
        if found is None:
            self.impossible.add(key)
            return False
        self.samples.append(found)
        return True

    def status(self, atom: Symbol, assumptions: Sequence[Assumption]) -> str | None:
        """yes / no / depends under the assumptions; None if no answer set meets them."""
        can_hold = self.possible([*assumptions, (atom, True)])
        can_fail = self.possible([*assumptions, (atom, False)])
        if not can_hold and not can_fail:
            return None
        return "depends" if can_hold and can_fail else ("yes" if can_hold else "no")


def deciding_sets(solver: Solver, atom: Symbol, yes: frozenset[Symbol], no: frozenset[Symbol]) -> list[list[Symbol]]:
    """The smallest sets of open atoms whose resolution settles `atom`, which depends.

    `yes` and `no` are readings in which `atom` holds and fails (Solver.canonical). Candidates
    are the open atoms on which they differ; one matters when fixing it changes the status of
    `atom`; the smallest settling sets are searched among those that matter.
    """
    differing = [u for u in solver.open_atoms if (u in yes) != (u in no)]
    readings = Samples(solver, [atom, *differing], (yes, no))
    relevant: list[Symbol] = []
    for u in differing[:MAX_DECIDING_TESTS]:
        if len({readings.status(atom, [(u, value)]) for value in (True, False)} - {None}) > 1:
            relevant.append(u)
            if len(relevant) == MAX_DECIDING_CANDIDATES:
                break
    for size in range(1, min(len(relevant), MAX_DECIDING_SIZE) + 1):
        found = [list(group) for group in itertools.combinations(relevant, size) if _settles(readings, atom, group)]
        if found:
            return found
    return [relevant] if relevant else []


def _settles(readings: Samples, atom: Symbol, group: Sequence[Symbol]) -> bool:
    """Whether every way of fixing the group (that some reading allows) leaves `atom` yes or no."""
    return all(readings.status(atom, list(zip(group, values))) != "depends"
               for values in itertools.product((True, False), repeat=len(group)))


@dataclass(frozen=True)
class Remedy:
    """Facts which, switched, would make a `no` a `yes`, and the rules that change would engage."""

    switches: tuple[Assumption, ...]
    rules: tuple[str, ...]


def remedies(solver: Solver, atom: Symbol, limit: int = 5, want: str = "yes") -> list[Remedy]:
    """The smallest sets of assumable facts which, switched, would make `atom` (now `no`) `yes`
    (or, with `want="no"`, `atom` now `yes` a `no`: the why-not of a negated question).

    The assumable facts are the switchable inputs whose predicate declares a question
    (rules/inputs.lp), tried one at a time, then in pairs, through the warm solver's cone: those
    not stated, switched on; and to make a `yes` a `no`, also those stated, switched off (an
    element that would fail).
    """
    lib = solver.library
    current = set(solver.facts.facts)
    switchable = set(solver.facts.off) | (current if want == "no" else set())
    candidates = sorted(s for s in switchable
                        if (spec := lib.preds.get((s.name, len(s.arguments)))) is not None and spec.question
                        and not spec.trivial)
    found: list[list[Assumption]] = []
    for size in (1, 2):
        pool = candidates if size == 1 else candidates[:MAX_WHY_NOT_PAIRS_POOL]
        for group in itertools.combinations(pool, size):
            flips = [(c, c not in current) for c in group]
            try:
                after = solver.conclusions_if(flips).get(atom, "no")
            except InputError:
                continue
            if after == want:
                found.append(flips)
                if len(found) >= limit:
                    break
        if found:
            break
    return [Remedy(tuple(flips), _engaged(solver, atom, flips)) for flips in found]


def _engaged(solver: Solver, atom: Symbol, flips: list[Assumption]) -> tuple[str, ...]:
    """The rules of the law `atom` turns on that a change engages, read from the provenance of the
    reading before and after it: a fact switched on feeds a rule (a new premise) or disarms one (a
    defeater it removes); a fact switched off takes a premise from a rule, or arms a rule that asked
    for its absence. (Rules of other bodies of law that read the same fact are not the reason.)"""
    before = derivations(Reading(solver.canonical() or frozenset()))
    with solver.switched(flips) as switched:
        after = derivations(Reading(switched.canonical() or frozenset()))
    on = {sym for sym, value in flips if value}
    off = {sym for sym, value in flips if not value}

    def using(found: list, facts: set[Symbol], absent: bool) -> set[str]:
        wanted = {Function("neg", [sym]) for sym in facts} if absent else facts
        return {rid for rid, premises, _ in found if wanted & set(premises.arguments)}

    engaged = using(after, on, False) | using(before, on, True) | using(before, off, False) | using(after, off, True)
    lib = solver.library
    law = lib.needed(frozenset({(atom.name, len(atom.arguments))}))
    engaged = {rid for rid in engaged if lib.rules[rid].signature in law}
    order = list(lib.rules)
    return tuple(sorted(engaged, key=order.index))
