"""One scenario, one grounding: yes / no / depends from brave and cautious consequences.

Unknown facts and open points of law are choices in the program. A conclusion is
`yes` if it holds in every answer set (cautious), `no` if in none (brave), and
`depends` otherwise. Every solve goes through engine/clasp.py; what an answer needs from
the solver is gathered once per question in engine/evidence.py, and the deciding facts are
searched with solver assumptions in engine/deciding.py, never by enumerating completions
in Python.
"""

from __future__ import annotations

import datetime as dt
import gc
import itertools
import re
from collections.abc import ItemsView, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator, Sequence

import clingo
from clingo import ast
from clingo.backend import HeuristicType
from clingo.symbol import Number, Symbol

from engine import calendar, clasp, facts, money, naming, rules
from engine.cone import Cone, GroundProgram, Value
from engine.errors import InputError
from engine.reading import Grounding, Reading
from engine.scenario import Scenario
from engine.spans import DATE_CHOICE

_PREDICATE = re.compile(r"_*[a-z][A-Za-z0-9_]*")  # a predicate name, as clingo reads one


class Context:
    """Calendar arithmetic offered to the rules as @functions (exact, leap-year safe), and fact rows.

    `rows` holds the facts loaded in bulk (facts.FactSet.bulk): @rows(p, n) is the table of p/n.
    """

    def __init__(self, rows: Mapping[tuple[str, int], Sequence[Symbol]] | None = None) -> None:
        self._rows = rows or {}
        self._twice: dict[Symbol, Symbol] = {}

    def rows(self, name: Symbol, arity: Symbol) -> Sequence[Symbol]:
        return self._rows.get((name.name, arity.number), ())

    @staticmethod
    def _date(sym: Symbol) -> dt.date:
        return dt.date.fromordinal(sym.number)

    def years_after(self, d: Symbol, n: Symbol) -> Symbol:
        return Number(calendar.add_years(self._date(d), n.number).toordinal())

    def business_days_after(self, d: Symbol, n: Symbol) -> Symbol:
        return Number(calendar.business_days_after(self._date(d), n.number).toordinal())

    def next_business_day(self, d: Symbol) -> Symbol:
        return Number(calendar.next_business_day(self._date(d)).toordinal())

    @staticmethod
    def day(year: Symbol, month: Symbol, day: Symbol) -> Symbol:
        """The day number of a calendar date, so that rule files write dates as dates."""
        return Number(dt.date(year.number, month.number, day.number).toordinal())

    @staticmethod
    def usd(dollars: Symbol) -> Symbol:
        """A whole-dollar figure as an amount (engine.money)."""
        return money.term(money.cents(dollars.number))

    def twice(self, amount: Symbol) -> Symbol:
        """Twice an amount, remembered: a rule asks it of the same amount once per figure it compares
        with (at 1e4 transactions, 8,582 calls for 922 amounts, a fifth of the grounding time)."""
        found = self._twice.get(amount)
        if found is None:
            cents = money.value(amount)
            if cents is None:
                raise ValueError(f"@twice needs an amount, not {amount}")
            found = self._twice[amount] = money.term(2 * cents)
        return found


CONTEXT = Context()


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while facts and Symbols are made in bulk.

    Why: a large scenario is hundreds of thousands of live objects, and the Symbols and lists
    made here are more allocations than the collector's thresholds, so it would walk
    the whole heap again and again (at 1e5 transactions that doubled the time to build the
    facts). Nothing made here is cyclic, so reference counting frees it all the same.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class Statuses(Mapping[Symbol, str]):
    """The atoms that hold in some reading, each `yes` (in every reading) or `depends`; any other is no.

    Kept as the solver's list of pairs and indexed on the first lookup. Why: a whole
    scenario has 1e5 answers, hashing a clingo Symbol is a call into clingo (about a
    microsecond each), and a caller that walks the answers needs no index.
    """

    def __init__(self, pairs: list[tuple[Symbol, str]]) -> None:
        self._pairs = pairs
        self._index: dict[Symbol, str] | None = None

    def _lookup(self) -> dict[Symbol, str]:
        if self._index is None:
            self._index = dict(self._pairs)
        return self._index

    def __getitem__(self, atom: Symbol) -> str:
        return self._lookup()[atom]

    def __contains__(self, atom: object) -> bool:
        return atom in self._lookup()

    def __iter__(self) -> Iterator[Symbol]:
        return (atom for atom, _ in self._pairs)

    def __len__(self) -> int:
        return len(self._pairs)

    def items(self) -> ItemsView[Symbol, str]:
        return _Pairs(self)


class _Pairs(ItemsView[Symbol, str]):
    """The (atom, status) pairs in the solver's order, without a lookup per atom."""

    _mapping: Statuses

    def __iter__(self) -> Iterator[tuple[Symbol, str]]:
        return iter(self._mapping._pairs)


@dataclass(frozen=True, eq=False)
class Snapshot:
    """A warm Solver's facts and what was solved for them (Solver.snapshot, Solver.restore).

    Nothing is copied: the solver starts fresh caches whenever its facts change, so the ones kept
    here stay those of these facts."""

    scenario: Scenario
    facts: facts.FactSet
    on: set[Symbol]
    free: set[Symbol]
    witnesses: dict[tuple, frozenset[Symbol] | None]
    sat: dict[tuple[tuple[Symbol, bool], ...], bool]
    indexed: dict[int, tuple[frozenset[Symbol], Reading]]
    base: dict[Symbol, str] | None
    cone: Cone | None | bool


@dataclass(frozen=True)
class Consequences:
    brave: frozenset[Symbol]
    cautious: frozenset[Symbol]

    def status(self, atom: Symbol) -> str:
        if atom in self.cautious:
            return "yes"
        if atom not in self.brave:
            return "no"
        return "depends"


class Solver:
    """A grounded scenario that can be asked many questions.

    Cold (the default) grounds facts as facts, which is fastest for one question. Warm
    declares every fact, every unknown and every switchable flag as an external, so a
    what-if that only turns facts on or off re-solves without re-grounding.
    """

    def __init__(self, scenario: Scenario, as_of: dt.date | None = None, provenance: bool = True,
                 source: str = "<scenario>", warm: bool = False,
                 only: Iterable[tuple[str, int]] | None = None, readings: Mapping[str, bool] | None = None) -> None:
        self.scenario = scenario
        self.source = source
        self.as_of = as_of or scenario.as_of
        self.warm = warm
        self.provenance = provenance  # whether explanations can be read from its answer sets
        self.library = rules.library()
        # `only`: the predicates wanted; the rules and facts they do not depend on are left out.
        self.wanted = frozenset(only) if only is not None else None
        self._keep = None if self.wanted is None else frozenset(n for n, _ in self.library.needed(self.wanted))
        with collector_paused():
            self.facts = facts.build(scenario, self.as_of, self._keep, self.wanted)
            context = CONTEXT
            inline: frozenset[tuple[str, int]] = frozenset()
            if warm:
                program = self.facts.external_program()
            else:
                # No explanation reads them, so the rows one rule alone reads need not be atoms.
                if not provenance and self.wanted is not None:
                    inline = frozenset(self.library.inlinable(self.wanted)) - self.facts.open_signatures()
                program, rows = self.facts.bulk(inline)
                context = Context(rows)
            # `readings`: open points of law fixed one way (engine/open_law.py), as a fact or a constraint.
            self.fixed = dict(readings or {})
            if self.fixed:
                from engine.open_law import fixed_program

                program += fixed_program(self.library, self.fixed, source)
            self.ground = GroundProgram(frozenset(p.signature for p in self.library.asks())) if warm else None
            self.ctl = rules.control(self.library, program, context, provenance, self.ground, self.wanted, inline)
        self.externals: frozenset[Symbol] = frozenset()
        self._on: set[Symbol] = set()
        self._free: set[Symbol] = set()
        if warm:
            self.externals = frozenset((*self.facts.facts, *self.facts.choices, *self.facts.off))
            self._assign(self.facts)
        self._open: tuple[facts.FactSet, list[Symbol]] | None = None
        self.readings = self._readings()
        self._witnesses: dict[tuple[tuple[Symbol, bool], ...], frozenset[Symbol] | None] = {}
        self._indexed: dict[int, tuple[frozenset[Symbol], Reading]] = {}  # reading_of's cache
        self._grounding: Grounding | None = None  # the ground atoms every reading_of indexes by (never changes)
        self._names: naming.Names | None = None
        self._named_words: frozenset[str] | None = None
        self._preferring = False  # whether `canonical`'s heuristic modifiers are in the program
        self._sat: dict[tuple[tuple[Symbol, bool], ...], bool] = {}
        self._conclusions: list[Symbol] | None = None
        self._base: dict[Symbol, str] | None = None  # conclusions() of the current facts
        self._cone: Cone | None | bool = False  # False: not built yet for the current facts
        self._switched = 0  # depth of `switched` contexts: nothing is cached inside one
        self._shown_sigs: set[tuple[str, int]] = set()  # predicates statuses() has added a #show for
        self._dropped: dict[frozenset[tuple[str, int]], frozenset[Symbol]] = {}  # statuses(): atoms of others
        self._guides: tuple[int, int] | None = None  # switches of the enumeration heuristic (_guided)
        self._guiding: bool | None = None  # which of them is on: true first (True), false first (False), neither

    def _readings(self) -> list[Symbol]:
        found: set[Symbol] = set()
        for sig, p in self.library.preds.items():
            if p.kind == "open":
                found.update(sa.symbol for sa in self.ctl.symbolic_atoms.by_signature(*sig))
        return sorted(a for a in found if not (a.arguments and a.arguments[0].name in self.fixed))

    @property
    def open_atoms(self) -> list[Symbol]:
        """Atoms the solver may take either way: unknown facts and open points of law.

        Kept once per set of facts: an uncertain date adds a choice per representative day, and
        sorting Symbols is a call into clingo per comparison."""
        if self._open is None or self._open[0] is not self.facts:
            self._open = (self.facts, sorted({*self.facts.choices, *self.readings}))
        return self._open[1]

    def _assign(self, fs: facts.FactSet) -> None:
        self._on, self._free = set(fs.facts), set(fs.choices)
        for sym in self.externals:
            self.ctl.assign_external(sym, self._value(sym))

    def _value(self, sym: Symbol) -> Value:
        return _value_in(sym, self._on, self._free)

    def _diff(self, scenario: Scenario, as_of: dt.date | None
              ) -> tuple[facts.FactSet, set[Symbol], set[Symbol], list[tuple[Symbol, Value]]] | None:
        if not self.warm:
            return None
        day = as_of or scenario.as_of
        if day != self.as_of:
            return None
        new = facts.build(scenario, day, self._keep, self.wanted)
        on, free = set(new.facts), set(new.choices)
        if not on | free <= self.externals or set(new.dependent) != set(self.facts.dependent):
            return None
        changed = (on ^ self._on) | (free ^ self._free)
        return new, on, free, sorted((s, _value_in(s, on, free)) for s in changed)

    def update(self, scenario: Scenario, as_of: dt.date | None = None) -> bool:
        """Switch to a changed scenario in place if only facts turn on or off; False if it needs a re-ground."""
        diff = self._diff(scenario, as_of)
        if diff is None:
            return False
        new, on, free, switches = diff
        # With a cone already built, the new conclusions cost a slice, not two whole solves.
        base = self.conclusions_if(switches) if self._cone else None
        self._switch_to(Snapshot(scenario, new, on, free, {}, {}, {}, base, False))
        return True

    def snapshot(self) -> "Snapshot":
        """The warm solver's current facts and what has been solved for them, to `restore` later."""
        return Snapshot(self.scenario, self.facts, self._on, self._free, self._witnesses, self._sat, self._indexed,
                        self._base, self._cone)

    def restore(self, snapshot: "Snapshot") -> None:
        """Go back to the facts of a snapshot of this solver, with the answer sets, statuses and cone
        found for them. Why: every what-if of a served session starts from its base scenario and goes
        back to it (engine/web/worker.py), and nothing solved there changes meanwhile; validating the
        base again, building its facts and solving it again cost more than the what-if itself."""
        self._switch_to(snapshot)

    def _switch_to(self, state: "Snapshot") -> None:
        for sym in sorted((state.on ^ self._on) | (state.free ^ self._free)):  # only the externals that change
            self.ctl.assign_external(sym, _value_in(sym, state.on, state.free))
        self.scenario, self.facts, self._on, self._free = state.scenario, state.facts, state.on, state.free
        self._witnesses, self._sat, self._indexed = state.witnesses, state.sat, state.indexed
        self._base, self._cone = state.base, state.cone

    def witness(self, assumptions: Sequence[tuple[Symbol, bool]] = ()) -> frozenset[Symbol] | None:
        """One answer set (all its atoms) under the assumptions, or None if there is none."""
        key = tuple(assumptions)
        if key not in self._witnesses:
            with collector_paused():  # a whole answer set is read: 1e5 Symbols at 1e4 transactions
                self._witnesses[key] = clasp.last_model(self.ctl, clasp.every_atom, assumptions=assumptions)
        return self._witnesses[key]

    @property
    def names(self) -> naming.Names:
        """What sentences call the scenario's parties and records, made anew when the scenario changes."""
        if self._names is None or self._names.scenario is not self.scenario:
            self._names = naming.Names(self.scenario)
        return self._names

    def reading_of(self, model: frozenset[Symbol]) -> Reading:
        """The indexed Reading of an answer set this solver returned, built once. Why: the bindings
        of an open question mostly share one canonical answer set, and indexing it (1e5 atoms at 1e4
        transactions) costs more than the solve that found it. Every Reading of this solver shares
        one index of its ground atoms (engine/reading.py's Grounding), which a what-if's change of
        facts leaves as it is: the facts are externals, switched, not grounded again."""
        kept = self._indexed.get(id(model))  # the answer set is held beside its Reading, so its id stays its own
        if kept is None:
            if self._grounding is None:
                with collector_paused():  # it reads every ground derivation
                    self._grounding = Grounding(self.ctl.symbolic_atoms)
            kept = self._indexed[id(model)] = (model, Reading(model, self._grounding, self.names))
        return kept[1]

    def canonical(self, assumptions: Sequence[tuple[Symbol, bool]] = ()) -> frozenset[Symbol] | None:
        """The first answer set under the assumptions, taking the open atoms in their sorted order, each
        false where it can be: the same reading however the program was grounded (warm or cold, whole
        or sliced), so that an explanation read from it is the same bytes either way.

        Why this is a property of the scenario and not of the grounding: the rule book has no
        integrity constraints, so an open atom the question does not depend on can always be false
        and never constrains one it does depend on. clasp's domain heuristic, deciding the open atoms
        first, in that order, false first, finds exactly this answer set in one solve.
        """
        if not self.open_atoms:
            model = self.witness()
            return model if model is not None and all((a in model) == v for a, v in assumptions) else None
        return self._canonical(("canonical", *assumptions), assumptions, clasp.every_atom)

    def canonical_open(self, assumptions: Sequence[tuple[Symbol, bool]] = ()) -> frozenset[Symbol] | None:
        """The open atoms true in `canonical(assumptions)`, without reading the rest of it. Why: at 1e4
        transactions an answer set is 1e5 atoms, and reading them costs more than the solve; the
        deciding facts of an open question's bindings need only the open atoms."""
        full = self._witnesses.get(("canonical", *assumptions))  # type: ignore[call-overload]
        if full is not None or not self.open_atoms:
            model = full if full is not None else self.canonical(assumptions)
            return None if model is None else frozenset(a for a in self.open_atoms if a in model)
        watched = self.open_atoms
        return self._canonical(("canonical_open", *assumptions), assumptions,
                               lambda m: frozenset(a for a in watched if m.contains(a)))

    def _canonical(self, key: tuple, assumptions: Sequence[tuple[Symbol, bool]],
                   read: Callable[[clingo.Model], frozenset[Symbol]]) -> frozenset[Symbol] | None:
        if key not in self._witnesses:  # type: ignore[comparison-overlap]
            self._prefer_false()
            self._unguide()  # the enumeration's modifiers would override these
            solver = self.ctl.configuration.solver
            usual = solver.heuristic  # type: ignore[union-attr]
            solver.heuristic = "Domain"  # type: ignore[union-attr]
            try:
                with collector_paused():  # a whole answer set may be read: 1e5 Symbols at 1e4 transactions
                    found = clasp.last_model(self.ctl, read, assumptions=assumptions)
            finally:
                solver.heuristic = usual  # type: ignore[union-attr]
            self._witnesses[key] = found  # type: ignore[index]
        return self._witnesses[key]  # type: ignore[index]

    def _prefer_false(self) -> None:
        """Heuristic modifiers (read only by `canonical`): every atom that may be open is decided
        before any other, in sorted order, false first. A warm solver marks every external, since
        which of them are free changes with each what-if; a cold one's open atoms never change."""
        if self._preferring:
            return
        self._preferring = True
        every = _decision_order(sorted({*self.externals, *self.open_atoms}))
        atoms = self.ctl.symbolic_atoms
        with self.ctl.backend() as backend:
            for rank, sym in enumerate(every):
                found = atoms[sym]
                if found is not None:
                    backend.add_heuristic(found.literal, HeuristicType.Level, len(every) - rank, 1, [])
                    backend.add_heuristic(found.literal, HeuristicType.Sign, -1, 1, [])

    def sample(self, assumptions: Sequence[tuple[Symbol, bool]], atoms: Sequence[Symbol]) -> dict[Symbol, bool] | None:
        """The value of each of `atoms` in some answer set meeting the assumptions (None if none does)."""
        return clasp.last_model(self.ctl, lambda m: {a: m.contains(a) for a in atoms}, assumptions=assumptions)

    def _satisfiable(self, assumptions: Sequence[tuple[Symbol, bool]]) -> bool:
        """Whether some answer set meets the assumptions (no atoms are read back)."""
        key = tuple(assumptions)
        if key in self._witnesses:
            return self._witnesses[key] is not None
        if key not in self._sat:
            self._sat[key] = clasp.last_model(self.ctl, lambda _m: True, assumptions=assumptions) is not None
        return self._sat[key]

    def any_model(self) -> frozenset[Symbol]:
        model = self.witness()
        if model is None:
            raise InputError(self.source, "the scenario is contradictory: no reading of it is consistent")
        return model

    def status(self, atom: Symbol, assumptions: Sequence[tuple[Symbol, bool]] = ()) -> str:
        """yes if `atom` holds in every answer set, no if in none, depends otherwise.

        Two solves with assumptions decide it; no enumeration of answer sets is needed.
        """
        if not self.has_atom(atom):
            return "no"
        if not self.open_atoms and not assumptions:
            return "yes" if atom in self.any_model() else "no"
        can_hold = self._satisfiable([*assumptions, (atom, True)])
        can_fail = self._satisfiable([*assumptions, (atom, False)])
        if not can_hold and not can_fail:
            raise InputError(self.source, "the scenario is contradictory: no reading of it is consistent")
        return "depends" if can_hold and can_fail else ("yes" if can_hold else "no")

    def statuses(self, signatures: Iterable[tuple[str, int]],
                 assumptions: Sequence[tuple[Symbol, bool]] = ()) -> Statuses:
        """yes or depends for every atom of these predicates that holds in some reading (that meets
        the assumptions, open atoms taken one way); any other is no.

        A whole-scenario analysis: the predicates are shown (`_show`) and each solve's shown
        atoms are read in one call, rather than one call per atom.
        """
        found = self.statuses_each(signatures, [assumptions])[0]
        if found is None:
            raise InputError(self.source, "the scenario is contradictory: no reading of it is consistent")
        return found

    def statuses_each(self, signatures: Iterable[tuple[str, int]],
                      assumption_sets: Sequence[Sequence[tuple[Symbol, bool]]]) -> list[Statuses | None]:
        """`statuses` under each set of assumptions (None for a set no reading meets), the searches
        for every set made together (`_consequences_each`)."""
        sigs = set(signatures)
        bad = [sig for sig in sigs if not _PREDICATE.fullmatch(sig[0]) or not isinstance(sig[1], int) or sig[1] < 0]
        if bad:
            raise ValueError(f"not a predicate signature: {bad[0]!r}")
        if self.wanted is not None and not sigs <= self.wanted:
            # Left out of the grounding (or, for an input table, maybe never made into atoms).
            outside = sorted(sigs - self.wanted)[0]
            raise ValueError(f"{outside[0]}/{outside[1]} is not among the predicates this solver was built for (only=)")
        with collector_paused():
            self._show(sigs)
            # Other shown atoms (the askable conclusions, earlier calls' predicates) are dropped by
            # identity: asking a Symbol its name is a call into clingo, and there may be 1e5 of them.
            others = frozenset(({p.signature for p in self.library.asks()} | self._shown_sigs) - sigs)
            if others not in self._dropped:  # read once: the grounding holds the same atoms of them
                self._dropped[others] = frozenset(sa.symbol for sig in sorted(others)
                                                  for sa in self.ctl.symbolic_atoms.by_signature(*sig))
            drop = self._dropped[others]
            out: list[Statuses | None] = []
            for found in self._consequences_each(assumption_sets):
                if found is None:
                    out.append(None)
                    continue
                brave, cautious = found
                atoms = [atom for atom in brave if atom not in drop] if drop else brave
                if cautious is None:  # nothing open: one reading
                    out.append(Statuses(list(zip(atoms, itertools.repeat("yes")))))
                else:
                    out.append(Statuses([(atom, "yes" if atom in cautious else "depends") for atom in atoms]))
            return out

    def _show(self, sigs: Iterable[tuple[str, int]]) -> None:
        """Make these predicates output atoms (a `#show` part grounded on top, which changes no
        answer set): clasp computes brave and cautious consequences over output atoms only. A warm
        solver's cone keeps slicing by the askable conclusions alone (engine/cone.py). Why not
        show everything for an answer's evidence: grounding a part costs a warm or whole-case
        Solver tens of milliseconds, more than the solves it would save (engine/evidence.py)."""
        new = sorted(set(sigs) - self._shown_sigs)
        if not new:
            return
        part = f"show_{len(self._shown_sigs)}"  # built as syntax nodes, not program text
        here = ast.Location(ast.Position("<statuses>", 1, 1), ast.Position("<statuses>", 1, 1))
        with ast.ProgramBuilder(self.ctl) as builder:
            builder.add(ast.Program(here, part, []))
            for name, arity in new:
                builder.add(ast.ShowSignature(here, name, arity, True))
        self.ctl.ground([(part, [])])
        self._shown_sigs.update(new)

    def conclusions(self) -> dict[Symbol, str]:
        """The status of every askable conclusion (the shown atoms), read from the shown consequences."""
        if self._switched:
            return self._conclusions_now()
        if self._base is None:
            self._base = self._conclusions_now()
        return dict(self._base)

    def known_status(self, atom: Symbol) -> str | None:
        """The status of a conclusion where `conclusions()` has already been found for the current facts
        (None otherwise, or for an atom that is not a conclusion): what an answer's evidence would
        otherwise solve again to learn that a settled question cannot go the other way."""
        if self._switched or self._base is None:
            return None
        return self._base.get(atom)

    def keep_cone(self) -> None:
        """Build the cone of the current facts now (engine/cone.py), so that `update` finds the next
        facts' conclusions in a slice of the program rather than by two whole solves. Worth its cost
        (two solves and a pass over the ground program) only for facts that many changes start from,
        as a served session's base scenario is; a snapshot keeps it."""
        self._the_cone()

    def conclusions_if(self, switches: Sequence[tuple[Symbol, Value]]) -> dict[Symbol, str]:
        """Every conclusion's status were these externals switched (on, off, or free), the facts left as they are.

        Only the conclusions the switches reach are re-solved, in the cone of the ground
        program that defines them (engine/cone.py); a program outside the cone's fragment is
        re-solved whole.
        """
        cone = self._the_cone()
        if cone is None:
            with self.switched(switches) as switched:
                return switched.conclusions()
        atoms = {}
        for sym, value in switches:
            if sym not in self.externals:
                raise InputError(self.source, f"{sym} is not a fact this session can switch")
            atoms[self.ctl.symbolic_atoms[sym].literal] = value  # type: ignore[union-attr]
        out = self.conclusions()
        try:
            out.update(cone.statuses(atoms))
        except ValueError:
            raise InputError(self.source, "the scenario is contradictory: no reading of it is consistent") from None
        return out

    def _the_cone(self) -> Cone | None:
        if self.ground is None or self._switched:
            return None
        if self._cone is False:
            atoms = self.ctl.symbolic_atoms
            values: dict[int, Value] = {atoms[s].literal: self._value(s) for s in self._on | self._free}  # type: ignore[union-attr]
            self._cone = Cone.build(self.ground, self.ctl, values)
        return self._cone  # type: ignore[return-value]

    def _conclusions_now(self) -> dict[Symbol, str]:
        brave, cautious = self._shown_consequences()
        shown = frozenset(brave)
        cons = Consequences(shown, shown if cautious is None else cautious)
        return {atom: cons.status(atom) for atom in self.conclusion_atoms()}

    def _shown_consequences(self, assumptions: Sequence[tuple[Symbol, bool]] = ()
                            ) -> tuple[list[Symbol], frozenset[Symbol] | None]:
        """The shown atoms of some reading (brave), and of every reading (cautious: None when
        nothing is open, so the one reading is both)."""
        found = self._consequences_each([assumptions])[0]
        if found is None:
            raise InputError(self.source, "the scenario is contradictory: no reading of it is consistent")
        return found

    def _consequences_each(self, assumption_sets: Sequence[Sequence[tuple[Symbol, bool]]]
                           ) -> list[tuple[list[Symbol], frozenset[Symbol] | None] | None]:
        """`_shown_consequences` under each set of assumptions (None where no reading meets it): every
        brave enumeration first, then every cautious one, so the heuristic's sign is switched twice
        in all, not twice a set (a switch costs more than the search, `_guided`)."""
        if not self.open_atoms:
            models = [clasp.last_model(self.ctl, clasp.shown_atoms, assumptions=a) for a in assumption_sets]
            return [None if m is None else (m, None) for m in models]
        with self._guided(True):
            braves = [clasp.last_model(self.ctl, clasp.shown_atoms, "brave", 0, a) for a in assumption_sets]
        with self._guided(False):
            cautious = [None if b is None else clasp.last_model(self.ctl, clasp.shown_atoms, "cautious", 0, a)
                        for a, b in zip(assumption_sets, braves)]
        return [None if b is None or c is None else (b, frozenset(c)) for b, c in zip(braves, cautious)]

    @contextmanager
    def _guided(self, sign: bool) -> Iterator[None]:
        """clasp's domain heuristic for one enumeration: the open atoms decided first, each true
        first (`sign`, for brave consequences) or false first (for cautious ones).

        Why: clasp enumerates consequences by finding one answer set after another, each of
        which must add an atom (brave) or drop one (cautious); left to itself it changes few
        open atoms at a time, so a scenario with hundreds of independent unknowns took hundreds
        of answer sets (320 for cautious at 1e4 transactions), each read back whole. Deciding
        the open atoms first, all one way, reaches the consequences in two or three (the
        consequences are the same: a heuristic changes only the order of the search). The
        modifiers hang on two switches (externals with no name), one for each sign; the one on
        stays on until the other sign is wanted or `canonical` (whose own modifiers must not meet
        them) turns it off: each assignment costs over a millisecond on a large program, as much
        as the search itself, and a batch of searches (`statuses_each`) switches twice in all.
        """
        if self.warm or self._switched:  # a warm solver's cone reads its own models; leave it alone
            yield
            return
        if self._guides is None:
            self._guides = self._add_guides()
        solver = self.ctl.configuration.solver
        usual = solver.heuristic  # type: ignore[union-attr]
        if self._guiding is not sign:
            self._unguide()
            self.ctl.assign_external(self._guides[0 if sign else 1], True)
            self._guiding = sign
        solver.heuristic = "Domain"  # type: ignore[union-attr]
        try:
            yield
        finally:
            solver.heuristic = usual  # type: ignore[union-attr]

    def _unguide(self) -> None:
        """Turn off `_guided`'s switch that is on, if one is."""
        if self._guides is not None and self._guiding is not None:
            self.ctl.assign_external(self._guides[0 if self._guiding else 1], False)
        self._guiding = None

    def _add_guides(self) -> tuple[int, int]:
        from clingo.backend import HeuristicType

        atoms = self.ctl.symbolic_atoms
        with self.ctl.backend() as backend:
            true_first, false_first = backend.add_atom(), backend.add_atom()
            backend.add_external(true_first)
            backend.add_external(false_first)
            for sym in self.open_atoms:
                found = atoms[sym]
                if found is None:
                    continue
                backend.add_heuristic(found.literal, HeuristicType.Level, 1, 1, [true_first])
                backend.add_heuristic(found.literal, HeuristicType.Level, 1, 1, [false_first])
                backend.add_heuristic(found.literal, HeuristicType.Sign, 1, 1, [true_first])
                backend.add_heuristic(found.literal, HeuristicType.Sign, -1, 1, [false_first])
        return true_first, false_first

    def conclusion_atoms(self) -> list[Symbol]:
        if self._conclusions is None:
            sigs = [p.signature for p in self.library.asks()]
            self._conclusions = sorted(sa.symbol for sig in sigs for sa in self.ctl.symbolic_atoms.by_signature(*sig))
        return self._conclusions

    def ground_atoms(self, signature: tuple[str, int]) -> list[Symbol]:
        """The atoms of a predicate that the grounding holds (those that may be true), without a solve."""
        return [sa.symbol for sa in self.ctl.symbolic_atoms.by_signature(*signature)]

    def named_words(self) -> frozenset[str]:
        """The constants the grounding gives a display name (`name(X, "...")` that may hold): the words
        a question may use besides the scenario's ids. Read once: a solver's grounding never changes (a
        change that needs more grounding makes a new Solver), so a warm session answers every what-if's
        question with the same list (about 10 ms of calls into
        clingo for the registry's 300 names, each time)."""
        if self._named_words is None:
            named = [atom.arguments[0] for atom in self.ground_atoms(("name", 2))]
            self._named_words = frozenset(x.name for x in named if x.type == clingo.SymbolType.Function)
        return self._named_words

    def has_atom(self, atom: Symbol) -> bool:
        return self.ctl.symbolic_atoms[atom] is not None

    def switched(self, switches: Sequence[tuple[Symbol, bool]]) -> "_Switched":
        """A context in which some externals are switched (an assumption cannot override an external set false)."""
        return _Switched(self, switches)


class _Switched:
    def __init__(self, solver: Solver, switches: Sequence[tuple[Symbol, bool]]) -> None:
        self.solver = solver
        self.switches = list(switches)

    def __enter__(self) -> Solver:
        for sym, value in self.switches:
            self.solver.ctl.assign_external(sym, value)
        self.solver._witnesses, self.solver._sat = {}, {}
        self.solver._switched += 1
        return self.solver

    def __exit__(self, *exc: object) -> None:
        for sym, _ in self.switches:
            self.solver.ctl.assign_external(sym, self.solver._value(sym))
        self.solver._witnesses, self.solver._sat = {}, {}
        self.solver._switched -= 1


def _decision_order(atoms: list[Symbol]) -> list[Symbol]:
    """The sorted atoms, each uncertain date's chain of `date_on_or_after(K, D)` choices taken latest
    day first. The canonical reading is the same either way: a chain is true up to some day and
    false after it, and taking its choices false first, in either order, makes that day the earliest
    the assumptions allow. Why latest first: earliest first, each day that cannot be false is
    found by a conflict over the whole program (at 4,000 representative days, a warm session's
    canonical solve took two minutes); latest first, each false choice only propagates."""
    out: list[Symbol] = []
    run: list[Symbol] = []
    for atom in atoms:
        if run and not (atom.name == DATE_CHOICE and atom.arguments[0] == run[0].arguments[0]):
            out.extend(reversed(run))
            run = []
        if atom.name == DATE_CHOICE and len(atom.arguments) == 2:
            run.append(atom)
        else:
            out.append(atom)
    out.extend(reversed(run))
    return out


def _value_in(sym: Symbol, on: set[Symbol], free: set[Symbol]) -> Value:
    """An external's value: on (a fact), free (an unknown fact), or off."""
    return True if sym in on else (None if sym in free else False)


_NUMBER = re.compile(r"(?<![A-Za-z0-9_\"])-?[0-9]+(?![A-Za-z0-9_])")
LARGEST_NUMBER = 2**31 - 1


def parse_question(text: str) -> Symbol:
    """A question is one ground atom, e.g. `designated(cjng)`."""
    stripped = text.strip().rstrip(".")
    for number in _NUMBER.findall(stripped):
        if abs(int(number)) > LARGEST_NUMBER:
            raise InputError("<question>", f"{number} in {text!r} is too large: numbers in a question go up to "
                                           f"{LARGEST_NUMBER:,} (clingo counts in 32 bits)")
    try:
        sym = clingo.parse_term(stripped, logger=lambda _code, _msg: None)
    except (RuntimeError, ValueError):
        raise InputError("<question>", f"{text!r} is not a question atom such as designated(cjng)") from None
    if sym.type != clingo.SymbolType.Function or not sym.name or sym.name.startswith("_"):
        raise InputError("<question>", f"{text!r} is not a question atom such as designated(cjng)")
    return sym
