"""One scenario, one grounding: yes / no / depends from brave and cautious consequences.

Unknown facts and open points of law are choices in the program. A conclusion is
`yes` if it holds in every answer set (cautious), `no` if in none (brave), and
`depends` otherwise; the deciding facts are found with solver assumptions, never by
enumerating completions in Python.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from typing import Iterable, Sequence

import clingo
from clingo.symbol import Number, Symbol

from engine import calendar, facts, rules
from engine.errors import InputError
from engine.scenario import Scenario

MAX_DECIDING_CANDIDATES = 12


class Context:
    """Calendar arithmetic offered to the rules as @functions (exact, leap-year safe)."""

    @staticmethod
    def _date(sym: Symbol) -> dt.date:
        return dt.date.fromordinal(sym.number)

    def years_after(self, d: Symbol, n: Symbol) -> Symbol:
        return Number(calendar.add_years(self._date(d), n.number).toordinal())

    def business_days_after(self, d: Symbol, n: Symbol) -> Symbol:
        return Number(calendar.business_days_after(self._date(d), n.number).toordinal())

    def next_business_day(self, d: Symbol) -> Symbol:
        return Number(calendar.next_business_day(self._date(d)).toordinal())


CONTEXT = Context()


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
    """A grounded scenario that can be asked many questions."""

    def __init__(self, scenario: Scenario, as_of: dt.date | None = None, provenance: bool = True,
                 source: str = "<scenario>") -> None:
        _reject_unknown_dates(scenario, source)
        self.scenario = scenario
        self.as_of = as_of or scenario.as_of
        self.library = rules.library()
        self.facts = facts.build(scenario, self.as_of)
        self.ctl = rules.control(self.library, self.facts.program(), CONTEXT, provenance)
        self.open_atoms = self._open_atoms()
        self.base = self._consequences()

    def _open_atoms(self) -> list[Symbol]:
        open_sigs = {sig for sig, p in self.library.preds.items() if p.kind == "open"}
        found = set(self.facts.choices)
        for sig in open_sigs:
            for sa in self.ctl.symbolic_atoms.by_signature(*sig):
                found.add(sa.symbol)
        return sorted(found)

    def _solve(self, mode: str, assumptions: Sequence[tuple[Symbol, bool]] = ()) -> frozenset[Symbol] | None:
        self.ctl.configuration.solve.enum_mode = mode  # type: ignore[union-attr]
        self.ctl.configuration.solve.models = 0  # type: ignore[union-attr]
        last: list[Symbol] | None = None
        with self.ctl.solve(yield_=True, assumptions=list(assumptions)) as handle:  # type: ignore[union-attr]
            for model in handle:
                last = model.symbols(atoms=True)
        return frozenset(last) if last is not None else None

    def _consequences(self, assumptions: Sequence[tuple[Symbol, bool]] = ()) -> Consequences:
        if not self.open_atoms:
            model = self._solve("auto", assumptions)
            if model is None:
                raise InputError("<scenario>", "the scenario is contradictory: no reading of it is consistent")
            return Consequences(model, model)
        brave = self._solve("brave", assumptions)
        cautious = self._solve("cautious", assumptions)
        if brave is None or cautious is None:
            raise InputError("<scenario>", "the scenario is contradictory: no reading of it is consistent")
        return Consequences(brave, cautious)

    def has_atom(self, atom: Symbol) -> bool:
        return self.ctl.symbolic_atoms[atom] is not None

    def status(self, atom: Symbol) -> str:
        return self.base.status(atom)

    def deciding(self, atom: Symbol) -> list[list[Symbol]]:
        """The smallest sets of open atoms whose resolution settles `atom`."""
        if self.status(atom) != "depends" or not self.has_atom(atom):
            return []
        yes_model = self._solve("auto", [(atom, True)]) or frozenset()
        no_model = self._solve("auto", [(atom, False)]) or frozenset()
        candidates = [u for u in self.open_atoms if (u in yes_model) != (u in no_model)]
        if not candidates:
            candidates = list(self.open_atoms)
        candidates = candidates[:MAX_DECIDING_CANDIDATES]
        for size in (1, 2):
            found = [list(group) for group in itertools.combinations(candidates, size) if self._settles(atom, group)]
            if found:
                return found
        return [candidates]

    def _settles(self, atom: Symbol, group: Iterable[Symbol]) -> bool:
        group = list(group)
        for values in itertools.product((True, False), repeat=len(group)):
            try:
                cons = self._consequences(list(zip(group, values)))
            except InputError:
                continue  # that combination is impossible, so it settles nothing either way
            if cons.status(atom) == "depends":
                return False
        return True

    def consequences_assuming(self, assumptions: Sequence[tuple[Symbol, bool]]) -> Consequences:
        return self._consequences(assumptions)


def _reject_unknown_dates(s: Scenario, source: str) -> None:
    for i, ev in enumerate(s.events):
        if not isinstance(ev.on, dt.date):
            raise InputError(source, "an unknown event date is not supported yet; give a date", where=f"events.{i}.on")
    for tid, tx in s.transactions.items():
        if not isinstance(tx.on, dt.date):
            raise InputError(source, "an unknown transaction date is not supported yet; give a date",
                             where=f"transactions.{tid}.on")


def parse_question(text: str) -> Symbol:
    """A question is one ground atom, e.g. `designated(cjng)`."""
    stripped = text.strip().rstrip(".")
    try:
        sym = clingo.parse_term(stripped, logger=lambda _code, _msg: None)
    except (RuntimeError, ValueError):
        raise InputError("<question>", f"{text!r} is not a question atom such as designated(cjng)") from None
    if sym.type != clingo.SymbolType.Function or not sym.name or sym.name.startswith("_"):
        raise InputError("<question>", f"{text!r} is not a question atom such as designated(cjng)")
    return sym
