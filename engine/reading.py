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


class Terms:
    """What clingo says of each atom (its name and arguments) and of each string, asked of clingo once.

    Why: each such question is a call into clingo (1 to 5 µs; a dictionary lookup is a tenth of
    that), and a warm session reads one answer set after another that share nearly every atom. A
    Solver keeps one for every reading it makes (Solver.reading_of), so a what-if's reading asks
    clingo only about the atoms the change brought in.
    """

    def __init__(self) -> None:
        self._parts: dict[Symbol, tuple[str, tuple[Symbol, ...]]] = {}
        self._strings: dict[Symbol, str | None] = {}

    def parts(self, atom: Symbol) -> tuple[str, tuple[Symbol, ...]]:
        """An atom's (a function term's) name and arguments."""
        found = self._parts.get(atom)
        if found is None:
            found = self._parts[atom] = (atom.name, tuple(atom.arguments))
        return found

    def string(self, sym: Symbol) -> str | None:
        """The text of a string term; None for any other term."""
        try:
            return self._strings[sym]
        except KeyError:
            found = self._strings[sym] = sym.string if sym.type == SymbolType.String else None
            return found


_MADE_OF = {"names": "name", "cites": "cite", "notes": "source_note", "_grouped": PROVENANCE, "because": PROVENANCE}
"""Each index a Reading keeps once made (a cached property), and the predicate whose atoms it is made of."""


class Reading:
    """A set of true atoms with the indexes explanations need."""

    def __init__(self, atoms: Iterable[Symbol], terms: Terms | None = None, like: "Reading | None" = None) -> None:
        """`like`: a reading of the same grounding (read with the same `terms`), from whose indexes this
        one's are made where the two agree (see `_derive`)."""
        self.atoms = frozenset(atoms)
        self.terms = terms or Terms()
        self._by_sig: dict[tuple[str, int], list[Symbol]] = {}
        self._by_arg: dict[tuple[tuple[str, int], int], dict[Symbol, list[Symbol]]] = {}
        if like is None or like.terms is not self.terms or not self._derive(like):
            self._by_name: dict[str, list[Symbol]] = defaultdict(list)
            parts = self.terms.parts
            for atom in self.atoms:  # an atom is always a function term
                self._by_name[parts(atom)[0]].append(atom)

    def _derive(self, like: "Reading") -> bool:
        """Index this reading from `like`, which differs from it in a few atoms; False (nothing done)
        where they differ in many.

        Why: a what-if's answer set differs from the one before the change in a handful of atoms out
        of a thousand, and indexing a reading touches every atom (each touch a call into clingo). So
        only the predicates whose atoms differ are indexed again; every other index is `like`'s own
        (indexes are never changed once made, so they can be shared)."""
        differ = self.atoms ^ like.atoms  # one pass, comparing each atom once
        if 8 * len(differ) > len(self.atoms):
            return False
        added = [atom for atom in differ if atom in self.atoms]
        removed = frozenset(atom for atom in differ if atom not in self.atoms)
        parts = self.terms.parts
        changed: dict[str, list[Symbol]] = {}  # each predicate name that differs, with its atoms added
        for atom in added:
            changed.setdefault(parts(atom)[0], []).append(atom)
        for atom in removed:
            changed.setdefault(parts(atom)[0], [])
        self._by_name = defaultdict(list, like._by_name)
        for name, new in changed.items():
            self._by_name[name] = [a for a in like._by_name.get(name, ()) if a not in removed] + new
        self._by_sig = {sig: found for sig, found in like._by_sig.items() if sig[0] not in changed}
        self._by_arg = {key: index for key, index in like._by_arg.items() if key[0][0] not in changed}
        for key, name in _MADE_OF.items():
            if key in like.__dict__ and name not in changed:
                self.__dict__[key] = like.__dict__[key]
        if PROVENANCE in changed and "_grouped" in like.__dict__:
            self._regroup(like, [a for a in (*added, *removed) if parts(a)[0] == PROVENANCE])
        return True

    def _regroup(self, like: "Reading", differing: list[Symbol]) -> None:
        """The derivations of `like`, with those of the heads whose derivations differ read again."""
        parts = self.terms.parts
        heads = {parts(atom)[1][1] for atom in differing}
        grouped = dict(like._grouped)
        for head in heads:
            found = [pair for pair in like._grouped.get(head, ()) if pair[0] in self.atoms]
            found += [(atom, parts(atom)[1]) for atom in differing if atom in self.atoms and parts(atom)[1][1] == head]
            if found:
                grouped[head] = sorted(found, key=lambda pair: pair[0]) if len(found) > 1 else found
            else:
                grouped.pop(head, None)
        because = defaultdict(list, like.because)
        for head in heads:
            if head in grouped:
                because[head] = self._derivations(grouped[head])
            else:
                because.pop(head, None)
        self.__dict__["_grouped"], self.__dict__["because"] = grouped, because

    def __contains__(self, atom: Symbol) -> bool:
        return atom in self.atoms

    def of(self, signature: tuple[str, int]) -> list[Symbol]:
        """The atoms of one predicate, in order."""
        found = self._by_sig.get(signature)
        if found is None:
            name, arity = signature
            parts = self.terms.parts
            found = self._by_sig[signature] = sorted(a for a in self._by_name.get(name, ()) if len(parts(a)[1]) == arity)
        return found

    def having(self, signature: tuple[str, int], position: int, value: Symbol) -> list[Symbol]:
        """The atoms of one predicate, in order, whose argument at `position` is `value`. Why an index:
        an element bound by one argument (the transaction) would otherwise be sought among every atom
        of its predicate, once for each conclusion explained."""
        index = self._by_arg.get((signature, position))
        if index is None:
            name, arity = signature
            buckets: dict[Symbol, list[Symbol]] = defaultdict(list)
            parts = self.terms.parts
            for atom in self._by_name.get(name, ()):
                arguments = parts(atom)[1]
                if len(arguments) == arity:
                    buckets[arguments[position]].append(atom)
            index = self._by_arg[(signature, position)] = {key: sorted(found) for key, found in buckets.items()}
        return index.get(value, [])

    @cached_property
    def _grouped(self) -> dict[Symbol, list[tuple[Symbol, tuple[Symbol, ...]]]]:
        """Each derived atom's `_because` atoms (with their arguments), in order."""
        # Each atom's arguments are read once (every read is a call into clingo), and the derivations are
        # sorted per head, not all at once: at 1e4 transactions a reading holds 7e4 of them.
        parts = self.terms.parts
        grouped: dict[Symbol, list[tuple[Symbol, tuple[Symbol, ...]]]] = defaultdict(list)
        for atom in self._by_name.get(PROVENANCE, ()):
            arguments = parts(atom)[1]
            grouped[arguments[1]].append((atom, arguments))
        for found in grouped.values():
            if len(found) > 1:
                found.sort(key=lambda pair: pair[0])
        return grouped

    @cached_property
    def because(self) -> dict[Symbol, list[Derivation]]:
        """Each derived atom's derivations in this reading."""
        out: dict[Symbol, list[Derivation]] = defaultdict(list)
        for head, found in self._grouped.items():
            out[head] = self._derivations(found)
        return out

    def _derivations(self, found: list[tuple[Symbol, tuple[Symbol, ...]]]) -> list[Derivation]:
        parts = self.terms.parts
        return [(parts(rid)[0], premises, binding) for _, (rid, _, premises, binding) in found]

    @cached_property
    def names(self) -> dict[Symbol, str]:
        out: dict[Symbol, str] = {}
        parts, string = self.terms.parts, self.terms.string
        for atom in self.of(("name", 2)):
            subject, name = parts(atom)[1]
            text = string(name)
            if text is not None:
                out.setdefault(subject, text)
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
        parts, string = self.terms.parts, self.terms.string
        for atom in self.of(signature):
            subject, value = parts(atom)[1]
            text = string(value)
            if text is not None:
                out[subject].append(text)
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
