"""One reading of a scenario (an answer set), indexed for explanations.

Why lazily: an answer set of a whole case holds hundreds of atoms, an explanation reads the
atoms of a few predicates, and every question put to a clingo Symbol (its name, its
arguments, a comparison) is a call into clingo. So an atom's name is read once, and the
atoms of a predicate are sorted, and derivations unpacked, only when asked for.

Why a Grounding beside it: the readings one Solver returns are answer sets of one ground
program, so the atoms they can hold are known before any of them is read. Indexed once per
Solver, they let each reading answer by membership tests in its answer set alone: at 1e4
transactions an answer set holds 1.9e5 atoms, 7e4 of them derivations, and an explanation
reads a few dozen of those.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import ChainMap, defaultdict
from functools import cached_property
from typing import TYPE_CHECKING, Iterable, Iterator, Mapping

from clingo import SymbolicAtoms
from clingo.symbol import Symbol, SymbolType

from engine.rules import PROVENANCE

if TYPE_CHECKING:
    from engine.naming import Names

Derivation = tuple[str, Symbol, Symbol]
"""(rule id, premises, binding) of one `_because` atom."""

DISPLAY = frozenset({("name", 2), ("cite", 2), ("source_note", 2), ("from_registry", 1)})
"""What an explanation reads besides the proof itself: display names, source citations and notes, registry origin."""


class Grounding:
    """The atoms of one ground program, indexed for every reading of it (Solver.reading_of).

    A head's derivations are found without unpacking every `_because` atom: each is kept as its
    text after the rule id, sorted, and a head's are those that begin with the head's own text and a
    comma (clingo writes a term the same wherever it stands, and a whole term followed by a comma
    is never the beginning of another whole term). Only the derivations found are unpacked.
    """

    def __init__(self, atoms: SymbolicAtoms) -> None:
        self._ground = atoms
        self._by_sig: dict[tuple[str, int], list[Symbol]] = {}
        self._by_arg: dict[tuple[tuple[str, int], int], dict[Symbol, list[Symbol]]] = {}
        self._heads: dict[Symbol, list[tuple[Symbol, Derivation]]] = {}
        self._by_subject: dict[tuple[str, int], dict[Symbol, list[tuple[Symbol, str]]]] = {}
        ground = [sa.symbol for sa in atoms.by_signature(PROVENANCE, 4)]
        keyed = sorted((str(atom).partition(",")[2], i) for i, atom in enumerate(ground))
        self._texts = [text for text, _ in keyed]  # each derivation's text after its rule id, sorted
        self.derived = [ground[i] for _, i in keyed]  # every ground derivation (`_because` atom), in that order

    def of(self, signature: tuple[str, int]) -> list[Symbol]:
        """The ground atoms of one predicate, in order."""
        found = self._by_sig.get(signature)
        if found is None:
            found = self._by_sig[signature] = sorted(sa.symbol for sa in self._ground.by_signature(*signature))
        return found

    def having(self, signature: tuple[str, int], position: int) -> dict[Symbol, list[Symbol]]:
        """The ground atoms of one predicate, in order, by their argument at `position`."""
        index = self._by_arg.get((signature, position))
        if index is None:
            buckets: dict[Symbol, list[Symbol]] = defaultdict(list)
            for ground in self._ground.by_signature(*signature):
                atom = ground.symbol
                buckets[atom.arguments[position]].append(atom)
            # Sorted bucket by bucket: sorting a predicate's every atom compares Symbols, a call into clingo each.
            index = self._by_arg[(signature, position)] = {key: sorted(found) for key, found in buckets.items()}
        return index

    def by_subject(self, signature: tuple[str, int]) -> dict[Symbol, list[tuple[Symbol, str]]]:
        """The ground atoms of a (subject, "text") predicate such as name/2 or cite/2 by subject, each
        with its text, read once: every reading of a warm session looks them up again."""
        found = self._by_subject.get(signature)
        if found is None:
            found = self._by_subject[signature] = _by_subject(sa.symbol for sa in self._ground.by_signature(*signature))
        return found

    def derivations(self, head: Symbol) -> list[tuple[Symbol, Derivation]]:
        """The ground derivations of `head`, in the order of their atoms, each with its atom."""
        found = self._heads.get(head)
        if found is None:
            texts, derived, prefix = self._texts, self.derived, f"{head},"
            end = start = bisect_left(texts, prefix)
            while end < len(texts) and texts[end].startswith(prefix):
                end += 1
            found = self._heads[head] = _unpacked(sorted(derived[start:end]))
        return found


def _by_subject(atoms: Iterable[Symbol]) -> dict[Symbol, list[tuple[Symbol, str]]]:
    """(subject, "text") atoms by subject with their texts, each subject's in atom order. Sorted bucket
    by bucket: sorting 2e4 names (a ledger's transactions) compared Symbols, a call into clingo each
    (about 1 s at 1e4 transactions)."""
    buckets: dict[Symbol, list[tuple[Symbol, str]]] = defaultdict(list)
    for atom in atoms:
        subject, text = atom.arguments
        if text.type == SymbolType.String:
            buckets[subject].append((atom, text.string))
    return {subject: sorted(found) for subject, found in buckets.items()}


def _unpacked(atoms: Iterable[Symbol]) -> list[tuple[Symbol, Derivation]]:
    """Derivation atoms as (atom, derivation)."""
    rules: dict[Symbol, str] = {}
    return [(atom, _derivation(atom.arguments, rules)) for atom in atoms]


def _grouped(atoms: Iterable[Symbol]) -> dict[Symbol, list[Derivation]]:
    """Derivation atoms grouped by head, each head's in the order of their atoms."""
    # Each atom's arguments are read once (every read is a call into clingo), and the derivations are
    # sorted per head, not all at once: at 1e4 transactions a reading holds 7e4 of them.
    grouped: dict[Symbol, list[tuple[Symbol, list[Symbol]]]] = defaultdict(list)
    for atom in atoms:
        arguments = atom.arguments
        grouped[arguments[1]].append((atom, arguments))
    rules: dict[Symbol, str] = {}
    out: dict[Symbol, list[Derivation]] = {}
    for head, found in grouped.items():
        if len(found) > 1:
            found.sort(key=lambda pair: pair[0])
        out[head] = [_derivation(arguments, rules) for _, arguments in found]
    return out


def _derivation(arguments: list[Symbol], rules: dict[Symbol, str]) -> Derivation:
    """One `_because` atom's arguments as a Derivation; `rules` keeps each rule id's name, read once."""
    rid, _, premises, binding = arguments
    return (rules.get(rid) or rules.setdefault(rid, rid.name), premises, binding)


class _Derivations(Mapping[Symbol, list[Derivation]]):
    """A reading's derivations, found head by head in its Grounding: membership tests only. Going
    through all of them (rare: `fto consequences`, the facts a what-if touched) reads every one."""

    def __init__(self, atoms: frozenset[Symbol], grounding: Grounding) -> None:
        self._atoms = atoms
        self._grounding = grounding
        self._found: dict[Symbol, list[Derivation]] = {}

    def __getitem__(self, head: Symbol) -> list[Derivation]:
        found = self._found.get(head)
        if found is None:
            found = self._found[head] = [d for atom, d in self._grounding.derivations(head) if atom in self._atoms]
        if not found:
            raise KeyError(head)
        return found

    @cached_property
    def _every(self) -> dict[Symbol, list[Derivation]]:
        return _grouped(atom for atom in self._grounding.derived if atom in self._atoms)

    def __iter__(self) -> Iterator[Symbol]:
        return iter(self._every)

    def __len__(self) -> int:
        return len(self._every)


class Reading:
    """A set of true atoms with the indexes explanations need; with a Grounding (Solver.reading_of),
    every index is the Grounding's, filtered by membership in the set."""

    def __init__(self, atoms: Iterable[Symbol], grounding: Grounding | None = None, names: Names | None = None) -> None:
        """`names`: the scenario's names of its parties and records (engine/naming.py), for a term no
        name/2 atom of the reading names (a record's name is made only when looked up)."""
        self.atoms = frozenset(atoms)
        self._grounding = grounding
        self._names = names
        self._by_sig: dict[tuple[str, int], list[Symbol]] = {}
        self._by_arg: dict[tuple[tuple[str, int], int], dict[Symbol, list[Symbol]]] = {}
        self._texts_of: dict[tuple[tuple[str, int], Symbol], list[str]] = {}
        self._subjects: dict[tuple[str, int], dict[Symbol, list[tuple[Symbol, str]]]] = {}

    def __contains__(self, atom: Symbol) -> bool:
        return atom in self.atoms

    @cached_property
    def _by_name(self) -> dict[str, list[Symbol]]:
        """The atoms by name (without a Grounding only)."""
        out: dict[str, list[Symbol]] = defaultdict(list)
        for atom in self.atoms:  # an atom is always a function term: its name is all that is read here
            out[atom.name].append(atom)
        return out

    def of(self, signature: tuple[str, int]) -> list[Symbol]:
        """The atoms of one predicate, in order."""
        found = self._by_sig.get(signature)
        if found is None:
            if self._grounding is not None:
                found = [a for a in self._grounding.of(signature) if a in self.atoms]
            else:
                name, arity = signature
                found = sorted(a for a in self._by_name.get(name, ()) if len(a.arguments) == arity)
            self._by_sig[signature] = found
        return found

    def having(self, signature: tuple[str, int], position: int, value: Symbol) -> list[Symbol]:
        """The atoms of one predicate, in order, whose argument at `position` is `value`. Why an index:
        an element bound by one argument (the transaction) would otherwise be sought among every atom
        of its predicate, once for each conclusion explained."""
        if self._grounding is not None:
            return [a for a in self._grounding.having(signature, position).get(value, ()) if a in self.atoms]
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
    def because(self) -> Mapping[Symbol, list[Derivation]]:
        """Each derived atom's derivations in this reading."""
        if self._grounding is not None:
            return _Derivations(self.atoms, self._grounding)
        return _grouped(self._by_name.get(PROVENANCE, ()))

    def texts_of(self, signature: tuple[str, int], subject: Symbol) -> list[str]:
        """The texts of a (subject, "text") predicate (name/2, cite/2, source_note/2) that hold for one
        subject, in order. Looked up subject by subject, and kept: an explanation names a dozen terms
        again and again, a warm what-if's reading is new each time, and a ledger's names run to
        thousands (reading them all was 1.7 ms of a what-if)."""
        key = (signature, subject)
        found = self._texts_of.get(key)
        if found is None:
            if self._grounding is not None:
                pairs = self._grounding.by_subject(signature).get(subject, ())
                found = [text for atom, text in pairs if atom in self.atoms]
            else:
                if signature not in self._subjects:
                    name, arity = signature
                    self._subjects[signature] = _by_subject(a for a in self._by_name.get(name, ()) if len(a.arguments) == arity)
                found = [text for _, text in self._subjects[signature].get(subject, ())]
            self._texts_of[key] = found
        return found

    def name(self, subject: Symbol) -> str | None:
        """What the reading calls a term: its first `name/2` that holds, else the scenario's name of it."""
        found = self.texts_of(("name", 2), subject)
        if found:
            return found[0]
        return self._names.of(str(subject)) if self._names is not None and subject.type == SymbolType.Function else None

    def pinned(self, atom: Symbol, derivation: Derivation) -> "Reading":
        """The same reading, with `atom`'s provenance pinned to one derivation."""
        copy = object.__new__(Reading)
        copy.__dict__.update(self.__dict__)
        copy.__dict__["because"] = ChainMap({atom: [derivation]}, self.because)  # type: ignore[arg-type]
        return copy


def derivations(reading: Reading) -> list[Derivation]:
    """Every derivation in a reading, in order."""
    return [d for head in sorted(reading.because) for d in reading.because[head]]
