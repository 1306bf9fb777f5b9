"""One reading of a scenario (an answer set), indexed for explanations.

Why lazily: an answer set of a whole case holds hundreds of atoms, an explanation reads the
atoms of a few predicates, and every question put to a clingo Symbol (its name, its
arguments, a comparison) is a call into clingo. So an atom's name is read once, and the
atoms of a predicate are sorted, and derivations unpacked, only when asked for.
"""

from __future__ import annotations

from collections import defaultdict
from functools import cached_property
from typing import Iterable

from clingo.symbol import Symbol, SymbolType

from engine.rules import PROVENANCE

Derivation = tuple[str, Symbol, Symbol]
"""(rule id, premises, binding) of one `_because` atom."""

DISPLAY = frozenset({("name", 2), ("cite", 2), ("source_note", 2), ("from_registry", 1)})
"""What an explanation reads besides the proof itself: display names, source citations and notes, registry origin."""


class Reading:
    """A set of true atoms with the indexes explanations need."""

    def __init__(self, atoms: Iterable[Symbol]) -> None:
        self.atoms = frozenset(atoms)
        self._by_name: dict[str, list[Symbol]] = defaultdict(list)
        for atom in self.atoms:  # an atom is always a function term: its name is all that is read here
            self._by_name[atom.name].append(atom)
        self._by_sig: dict[tuple[str, int], list[Symbol]] = {}
        self._by_arg: dict[tuple[tuple[str, int], int], dict[Symbol, list[Symbol]]] = {}

    def __contains__(self, atom: Symbol) -> bool:
        return atom in self.atoms

    def of(self, signature: tuple[str, int]) -> list[Symbol]:
        """The atoms of one predicate, in order."""
        found = self._by_sig.get(signature)
        if found is None:
            name, arity = signature
            found = self._by_sig[signature] = sorted(a for a in self._by_name.get(name, ()) if len(a.arguments) == arity)
        return found

    def having(self, signature: tuple[str, int], position: int, value: Symbol) -> list[Symbol]:
        """The atoms of one predicate, in order, whose argument at `position` is `value`. Why an index:
        an element bound by one argument (the transaction) would otherwise be sought among every atom
        of its predicate, once for each conclusion explained."""
        index = self._by_arg.get((signature, position))
        if index is None:
            name, arity = signature
            buckets: dict[Symbol, list[Symbol]] = defaultdict(list)
            for atom in self._by_name.get(name, ()):
                arguments = atom.arguments
                if len(arguments) == arity:
                    buckets[arguments[position]].append(atom)
            index = self._by_arg[(signature, position)] = {key: sorted(found) for key, found in buckets.items()}
        return index.get(value, [])

    @cached_property
    def because(self) -> dict[Symbol, list[Derivation]]:
        """Each derived atom's derivations in this reading."""
        # Each atom's arguments are read once (every read is a call into clingo), and the derivations are
        # sorted per head, not all at once: at 1e4 transactions a reading holds 7e4 of them.
        grouped: dict[Symbol, list[tuple[Symbol, list[Symbol]]]] = defaultdict(list)
        for atom in self._by_name.get(PROVENANCE, ()):
            arguments = atom.arguments
            grouped[arguments[1]].append((atom, arguments))
        rules: dict[Symbol, str] = {}
        out: dict[Symbol, list[Derivation]] = defaultdict(list)
        for head, found in grouped.items():
            if len(found) > 1:
                found.sort(key=lambda pair: pair[0])
            out[head] = [(rules.get(rid) or rules.setdefault(rid, rid.name), premises, binding)
                         for _, (rid, _, premises, binding) in found]
        return out

    @cached_property
    def names(self) -> dict[Symbol, str]:
        out: dict[Symbol, str] = {}
        for atom in self.of(("name", 2)):
            if atom.arguments[1].type == SymbolType.String:
                out.setdefault(atom.arguments[0], atom.arguments[1].string)
        return out

    @cached_property
    def cites(self) -> dict[Symbol, list[str]]:
        return self._strings(("cite", 2))

    @cached_property
    def notes(self) -> dict[Symbol, list[str]]:
        """Source notes of registry events (secondary sources, shown among an answer's caveats)."""
        return self._strings(("source_note", 2))

    def _strings(self, signature: tuple[str, int]) -> dict[Symbol, list[str]]:
        out: dict[Symbol, list[str]] = defaultdict(list)
        for atom in self.of(signature):
            if atom.arguments[1].type == SymbolType.String:
                out[atom.arguments[0]].append(atom.arguments[1].string)
        return out

    def pinned(self, atom: Symbol, derivation: Derivation) -> "Reading":
        """The same reading, with `atom`'s provenance pinned to one derivation."""
        copy = object.__new__(Reading)
        copy.__dict__.update(self.__dict__)
        copy.__dict__["because"] = {**self.because, atom: [derivation]}
        return copy


def derivations(reading: Reading) -> list[Derivation]:
    """Every derivation in a reading, in order."""
    return [d for head in sorted(reading.because) for d in reading.because[head]]
