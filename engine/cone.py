"""Re-solve only what a switched fact can reach.

Why this exists: a warm what-if that re-solves the whole ground program pays for every
atom in it (tens of milliseconds at 1,000 transactions), though one switched fact reaches
a handful of conclusions. The rule book's ground program has no integrity constraints, no
aggregates and no optimisation; its only sources of alternatives are choice rules and free
externals. So every choice of those yields exactly one answer set, and by the splitting-set
theorem (Lifschitz and Turner, 1994):

- a conclusion the switched facts cannot reach keeps its status, and
- a conclusion they can reach has the status it has in the sub-program of the rules that
  define it, taken back to atoms that are the same in every answer set, which enter as
  their value.

The sub-program is handed to a fresh clingo Control through its backend; clingo solves it
(brave and cautious consequences when something in it is open). Python only slices the
ground program, and decides nothing. A program with anything outside that fragment gets no
cone (`Cone.build` returns None) and the caller re-solves the whole program instead.
"""

from __future__ import annotations

from typing import Sequence

import clingo
from clingo.symbol import Symbol

from engine import clasp

Value = bool | None  # an external's value: on, off, or free (an unknown fact)


class GroundProgram:
    """The ground program as the grounder hands it to the solver (a clingo Observer).

    Atoms are the program's integer atoms, the same numbers `SymbolicAtom.literal` gives. Only
    the output atoms of the `sliced` predicates (the askable conclusions) are kept as shown: a
    `#show` added later for other reasons (Solver.statuses, an answer's evidence) changes no cone.
    """

    def __init__(self, sliced: frozenset[tuple[str, int]] | None = None) -> None:
        self.sliced = sliced
        self.heads: list[Sequence[int]] = []
        self.bodies: list[Sequence[int]] = []
        self.choice: list[bool] = []
        self.shown: dict[int, Symbol] = {}
        self.sliceable = True

    def rule(self, choice: bool, head: Sequence[int], body: Sequence[int]) -> None:
        if not head:
            self.sliceable = False  # an integrity constraint can tie distant atoms together
        self.heads.append(head)
        self.bodies.append(body)
        self.choice.append(choice)

    def weight_rule(self, choice: bool, head: Sequence[int], lower_bound: int,
                    body: Sequence[tuple[int, int]]) -> None:
        self.sliceable = False

    def minimize(self, priority: int, literals: Sequence[tuple[int, int]]) -> None:
        self.sliceable = False

    def theory_atom(self, atom_id_or_zero: int, term_id: int, elements: Sequence[int]) -> None:
        self.sliceable = False

    def output_atom(self, symbol: Symbol, atom: int) -> None:
        # atom 0: a fact, which nothing can switch off
        if atom and (self.sliced is None or (symbol.name, len(symbol.arguments)) in self.sliced):
            self.shown[atom] = symbol


class Cone:
    """One warm scenario's ground program, indexed for slicing, with one answer set's values."""

    def __init__(self, program: GroundProgram, values: dict[int, Value], true: set[int]) -> None:
        self.program = program
        self.values = values
        self.true = true
        self.defined_by: dict[int, list[int]] = {}
        self.used_by: dict[int, list[int]] = {}
        for i, (head, body) in enumerate(zip(program.heads, program.bodies)):
            for a in head:
                self.defined_by.setdefault(a, []).append(i)
            for lit in body:
                self.used_by.setdefault(abs(lit), []).append(i)
        self.varying = self._varying()

    @classmethod
    def build(cls, program: GroundProgram, ctl: clingo.Control, values: dict[int, Value]) -> "Cone | None":
        """The cone of `ctl`'s current program, or None if the program is outside the fragment.

        `values` holds each external that is on (True) or free (None); the rest are off.
        """
        if not program.sliceable:
            return None
        atoms = {a for head in program.heads for a in head}
        on = {a for a, v in values.items() if v}
        true = clasp.last_model(ctl, lambda model: {a for a in atoms if model.is_true(a)} | on)
        if true is None:
            return None  # contradictory: the caller's full solve reports it
        return cls(program, values, true)

    def _live(self, rule: int, fixed_ok: set[int]) -> bool:
        """Whether no body literal on an atom outside `fixed_ok` is false in the witness."""
        true = self.true
        return all(abs(lit) in fixed_ok or (lit > 0) == (abs(lit) in true) for lit in self.program.bodies[rule])

    def _varying(self) -> set[int]:
        """Atoms that may differ between answer sets: free externals, live choice heads, and what they reach.

        Every other atom has its witness value in every answer set.
        """
        prog = self.program
        varying = {a for a, v in self.values.items() if v is None}
        for i, is_choice in enumerate(prog.choice):
            if is_choice and self._live(i, varying):
                varying.update(prog.heads[i])
        todo = list(varying)
        while todo:
            atom = todo.pop()
            for i in self.used_by.get(atom, ()):
                new = [h for h in prog.heads[i] if h not in varying]
                if new and self._live(i, varying):
                    varying.update(new)
                    todo.extend(new)
        return varying

    def reach(self, atoms: Sequence[int]) -> set[int]:
        """Every atom some rule derives, directly or not, from `atoms`."""
        seen = set(atoms)
        todo = list(atoms)
        while todo:
            for i in self.used_by.get(todo.pop(), ()):
                for h in self.program.heads[i]:
                    if h not in seen:
                        seen.add(h)
                        todo.append(h)
        return seen

    def statuses(self, switches: dict[int, Value]) -> dict[Symbol, str]:
        """yes / no / depends for every shown conclusion the switched externals reach."""
        prog = self.program
        reached = self.reach(list(switches))
        asked = [a for a in reached if a in prog.shown]
        if not asked:
            return {}
        open_ = self.varying | reached
        needed, rules = set(asked), []
        todo = list(asked)
        seen_rules: set[int] = set()
        while todo:
            for i in self.defined_by.get(todo.pop(), ()):
                if i in seen_rules or not self._live(i, open_):
                    continue
                seen_rules.add(i)
                rules.append(i)
                for lit in prog.bodies[i]:
                    b = abs(lit)
                    if b in open_ and b not in needed:
                        needed.add(b)
                        todo.append(b)
        return self._solve(asked, needed, rules, switches)

    def _solve(self, asked: list[int], needed: set[int], rules: list[int],
               switches: dict[int, Value]) -> dict[Symbol, str]:
        prog = self.program
        sub = clingo.Control(["--warn=none"], logger=lambda _code, _msg: None)
        ids: dict[int, int] = {}
        has_choice = False
        with sub.backend() as backend:
            def atom(a: int) -> int:
                found = ids.get(a)
                if found is None:
                    # Shown atoms keep their symbols: brave and cautious consequences are taken over them.
                    found = ids[a] = backend.add_atom(prog.shown.get(a))
                return found

            for i in rules:
                body = [atom(lit) if lit > 0 else -atom(-lit) for lit in prog.bodies[i] if abs(lit) in needed]
                backend.add_rule([atom(h) for h in prog.heads[i]], body, prog.choice[i])
                has_choice = has_choice or prog.choice[i]
            for a in needed:  # externals: on, free, or (left out) off
                value = switches[a] if a in switches else self.values.get(a, False)
                if value is None:
                    backend.add_rule([atom(a)], [], True)
                    has_choice = True
                elif value:
                    backend.add_rule([atom(a)])
        modes = ("brave", "cautious") if has_choice else ("auto",)
        found: dict[str, set[int]] = {}
        for mode in modes:
            last = clasp.last_model(sub, lambda model: {a for a in asked if a in ids and model.is_true(ids[a])},
                                    mode, 0 if has_choice else 1)
            if last is None:
                raise ValueError("no answer set under the switched facts")
            found[mode] = last
        brave = found.get("brave", found.get("auto", set()))
        cautious = found.get("cautious", brave)
        return {prog.shown[a]: "yes" if a in cautious else "depends" if a in brave else "no" for a in asked}
