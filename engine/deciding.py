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
MAX_COMPLETED = 10
"""Caps (README, "Deciding facts"): at most MAX_DECIDING_CANDIDATES facts are tried one by one, sets
of up to MAX_DECIDING_SIZE of them are searched, and a set grown from facts that matter only
together stops at MAX_COMPLETED facts; past the caps no set is named rather than one unchecked."""

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

    `yes` and `no` are readings in which `atom` holds and fails (Solver.canonical). An uncertain
    date (a chain of `date_on_or_after` choices, engine.facts) offers only the days where the
    answer changes (`_date_boundaries`), tried first. Other candidates are the open atoms on which
    the readings differ, then the rest (both readings may agree on a fact that matters: someone in
    the United States in both, admitted in one); one matters when fixing it changes the status of
    `atom`; the smallest settling sets are searched among those that matter.
    """
    chains = _date_chains(solver.open_atoms)
    facts_open = [u for u in solver.open_atoms if u.name != DATE_CHOICE]
    differing = [u for u in facts_open if (u in yes) != (u in no)]
    rest = [u for u in facts_open if (u in yes) == (u in no)]
    steps = [u for chain in chains.values() for u in chain]
    readings = Samples(solver, [atom, *steps, *differing, *rest], (yes, no))
    boundaries = _date_boundaries(readings, atom, chains, (yes, no))
    relevant = list(boundaries)
    found = _settling(readings, atom, relevant)
    for candidates in (differing, rest):
        if found:
            return found
        for u in candidates[:MAX_DECIDING_TESTS]:
            if len(relevant) < MAX_DECIDING_CANDIDATES and _matters(readings, atom, u):
                relevant.append(u)
        found = _settling(readings, atom, relevant)
    if found:
        return found
    # Facts that matter only together (the elements of a defence, the three kinds of knowledge) are
    # missed one at a time: grow the set from the facts on which two readings under one of its
    # open assignments differ, until every assignment settles the question.
    complete = _completed(readings, atom, relevant, [*boundaries, *differing, *rest])
    if complete is None:
        return []
    return _settling(readings, atom, complete) or [complete]


def _completed(readings: Samples, atom: Symbol, start: list[Symbol], pool: list[Symbol]) -> list[Symbol] | None:
    """A set of open atoms, from `start` and then `pool`, every assignment of which settles `atom`
    (checked by solving); None past MAX_COMPLETED atoms, where the check would cost too many solves."""
    group = list(start)
    while len(group) <= MAX_COMPLETED:
        left_open = _open_assignment(readings, atom, group)
        if left_open is None:
            return group
        # The facts that change the answer under that assignment (solved, so the same whichever
        # answer sets were seen first); if none does alone, those two answer sets differ on.
        rest = [u for u in pool if u not in group]
        more = [u for u in rest if len({readings.status(atom, [*left_open, (u, v)]) for v in (True, False)}) > 1]
        if not more:
            holds, fails = (_witness(readings, atom, left_open, value) for value in (True, False))
            more = [u for u in rest if holds[u] != fails[u]]
        if not more:
            return None
        group.extend(more)
    return None


def _open_assignment(readings: Samples, atom: Symbol, group: Sequence[Symbol]) -> list[Assumption] | None:
    """The first assignment of the group (true before false, in the group's order) under which
    `atom` still depends, if there is one. Depth first: a partial assignment that already settles
    `atom` (or that no answer set meets) settles every completion of it, so its subtree is never
    solved; elements of a defence, each of which can fail alone, cost a few solves each, not 2**n."""
    def first(fixed: list[Assumption]) -> list[Assumption] | None:
        if readings.status(atom, fixed) != "depends":
            return None
        if len(fixed) == len(group):
            return fixed
        u = group[len(fixed)]
        return first([*fixed, (u, True)]) or first([*fixed, (u, False)])

    return first([])


def _witness(readings: Samples, atom: Symbol, fixed: list[Assumption], value: bool) -> dict[Symbol, bool]:
    """An answer set seen under the assumptions in which `atom` has the value."""
    return next(s for s in readings.samples if s[atom] == value and all(s[a] == v for a, v in fixed))


def _matters(readings: Samples, atom: Symbol, u: Symbol) -> bool:
    return len({readings.status(atom, [(u, value)]) for value in (True, False)} - {None}) > 1


def _settling(readings: Samples, atom: Symbol, relevant: list[Symbol]) -> list[list[Symbol]]:
    """The smallest groups of the relevant atoms that settle `atom`, if any."""
    for size in range(1, min(len(relevant), MAX_DECIDING_SIZE) + 1):
        found = [list(group) for group in itertools.combinations(relevant, size) if _settles(readings, atom, group)]
        if found:
            return found
    return []


DATE_CHOICE = "date_on_or_after"


def _date_chains(open_atoms: Iterable[Symbol]) -> dict[Symbol, list[Symbol]]:
    """Each uncertain date's chain of choices, by its key, in the order of their days."""
    chains: dict[Symbol, list[Symbol]] = {}
    for u in open_atoms:
        if u.name == DATE_CHOICE and len(u.arguments) == 2:
            chains.setdefault(u.arguments[0], []).append(u)
    for steps in chains.values():
        steps.sort(key=lambda u: u.arguments[1].number)
    return dict(sorted(chains.items()))


def _date_boundaries(readings: Samples, atom: Symbol, chains: dict[Symbol, list[Symbol]],
                     witnesses: Sequence[frozenset[Symbol]]) -> list[Symbol]:
    """For each uncertain date, the choices at which the status of `atom` changes as the date
    moves later (the step that makes the date on or after the first day of the new stretch)."""
    found = [steps[i - 1] for steps in chains.values() for i, _ in _segments(readings, atom, steps, witnesses)[1:]]
    return sorted(found)[:MAX_DECIDING_CANDIDATES]


def _segments(readings: Samples, atom: Symbol, steps: list[Symbol],
              witnesses: Sequence[frozenset[Symbol]]) -> list[tuple[int, str | None]]:
    """The stretches of one uncertain date's chain over which `atom` has one status: (the stretch it
    starts at, the status), earliest first. Stretch i is the date on or after step i-1's day and
    before step i's (0: before the first step).

    The status is read at a few stretches (the ends, and those the witnesses chose), and each gap
    between two that differ is halved until the change is found: a few solves per change, not one
    per day (a date may have a thousand)."""
    def at(i: int) -> str | None:
        fixed = ([(steps[i - 1], True)] if i > 0 else []) + ([(steps[i], False)] if i < len(steps) else [])
        return readings.status(atom, fixed)

    # A reading where `atom` holds lies in a stretch where it does not fail, and one where it
    # fails in a stretch where it does not hold: if the date decides, two samples differ.
    samples = sorted({0, len(steps)} | {sum(1 for u in steps if u in model) for model in witnesses})
    status = {i: at(i) for i in samples}
    todo = list(zip(samples, samples[1:]))
    changes: list[int] = []
    while todo:
        lo, hi = todo.pop()
        if status[lo] == status[hi]:
            continue
        if hi - lo == 1:
            changes.append(hi)
            continue
        mid = (lo + hi) // 2
        status[mid] = at(mid)
        todo.extend(((lo, mid), (mid, hi)))
    return [(i, status[i]) for i in [0, *sorted(changes)]]


def date_ranges(solver: Solver, atom: Symbol, key: Symbol, want: str) -> list[tuple[int | None, int | None]]:
    """The days (first, last; None where unbounded) on which `atom` would have the status `want`,
    for the uncertain date `key` of a solver that leaves that date open: the why-not of a date."""
    steps = _date_chains(solver.open_atoms).get(key, [])
    if not steps:
        return []
    witnesses = [m for m in (solver.canonical([(atom, True)]), solver.canonical([(atom, False)])) if m is not None]
    segments = _segments(Samples(solver, [atom, *steps], witnesses), atom, steps, witnesses)
    out: list[tuple[int | None, int | None]] = []
    for n, (i, status) in enumerate(segments):
        if status != want:
            continue
        first = steps[i - 1].arguments[1].number if i > 0 else None
        following = segments[n + 1][0] if n + 1 < len(segments) else None
        last = steps[following - 1].arguments[1].number - 1 if following is not None else None
        out.append((first, last))
    return out


def _settles(readings: Samples, atom: Symbol, group: Sequence[Symbol]) -> bool:
    """Whether every way of fixing the group (that some reading allows) leaves `atom` yes or no."""
    return _open_assignment(readings, atom, group) is None


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
