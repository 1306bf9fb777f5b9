"""Explanation trees read off a question's evidence: why a conclusion holds, or why not.

A "yes" follows the generated `_because` atoms down to scenario and registry facts.
A "no" walks the rules that could have concluded it and names, for each, the first
element that failed under the best partial match (engine/literals.py), recursing into
failed elements. Everything here is a pure function of the rule book and the evidence
(engine/evidence.py): truth comes from the solver's readings, never from Python, and
nothing here calls the solver.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Collection, Mapping

import clingo
from clingo import ast
from clingo.ast import ASTType
from clingo.symbol import Symbol, SymbolType

from engine import money
from engine.cites import joined
from engine.literals import (Failure, candidates, evaluate, find_failure, fits, ground_atom, head_binding, partial, preferred,
                             unify, vars_in)
from engine.literals import elements as element_slots
from engine.reading import Reading
from engine.rules import _PLACEHOLDER, Library, PredSpec, RuleSpec
from engine.spans import UncertainDates, some_day, when

MAX_DEPTH = 12
UNBOUND = "(not named)"
"""What a placeholder left open prints as: a defect a test catches (engine.answers.defects), never a name."""


@dataclass(frozen=True)
class Authority:
    """What carries a step: the rule (or `scenario`, `registry`), its cite, and how sure it is."""

    rule: str
    cite: str = ""
    status: str = ""
    note: str = ""

    @classmethod
    def of(cls, spec: RuleSpec) -> "Authority":
        return cls(spec.id, spec.cite, spec.status, spec.note)

    def unengaged(self) -> "Authority":
        """The same rule and cite, for a step the rule did not conclude (it failed, or it is absent):
        how sure the rule's reading is does not qualify such a step."""
        return Authority(self.rule, self.cite)


@dataclass
class Node:
    """One step of an explanation: a claim, the rule and cite that carry it, and its reasons.

    `id` marks a step stated in full that a later step refers back to; `see` marks such a
    reference (its claim is repeated, its reasons and cite are not): see `layout`.
    """

    claim: str
    rule: str
    cite: str
    because: list["Node"] = field(default_factory=list)
    holds: bool = True
    hidden: bool = False  # a trivial step (an organization standing for itself), never shown
    id: int | None = None
    see: int | None = None
    status: str = ""  # how sure the reading behind the step is (unverified | open | analysis | contested)
    note: str = ""  # a research note or the registry's source note, for the answer's caveats
    atom: str = ""  # the atom the step is about, where it is one (an element of the ledger names it too)

    @classmethod
    def by(cls, claim: str, authority: "Authority", holds: bool = True, hidden: bool = False, atom: str = "") -> "Node":
        return cls(claim, authority.rule, authority.cite, [], holds, hidden, status=authority.status,
                   note=authority.note, atom=atom)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"claim": self.claim, "rule": self.rule, "cite": self.cite, "holds": self.holds,
                               "because": [c.as_dict() for c in self.because]}
        for key in ("id", "see"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        for key in ("status", "note", "atom"):
            if getattr(self, key):
                out[key] = getattr(self, key)
        return out

    def citations(self) -> set[str]:
        out = {self.cite} if self.cite else set()
        for child in self.because:
            out |= child.citations()
        return out

    def nodes(self) -> list["Node"]:
        """This step and every step below it, depth first."""
        return [self, *(n for child in self.because for n in child.nodes())]


def layout(root: Node) -> Node:
    """The proof, a graph in which one fact may support many steps, as a tree a reader follows:
    each distinct claim is stated in full once, where it first comes; a later step that rests on
    it refers back to it ("see N") if it has reasons of its own, and a repeated plain fact is left
    out. A failure whose every reason is a failure already stated is left out too: it adds no
    reason (a payment not shown to reach a designated organization, when what failed is the link
    to the payee, already stated).
    """
    stated: dict[tuple[str, bool], Node] = {}
    refers: dict[int, Node] = {}  # id() of each reference -> the step stated in full
    REPEAT = Node("", "", "")  # what `lay` gives for a step already stated, in effect: leave it out

    def lay(node: Node, parent: tuple[str, bool] | None) -> Node | None:
        key = (node.claim, node.holds)
        if key == parent:
            return None  # a step that restates its parent (a failed element worded like the failure it explains)
        full = stated.get(key)
        if full is not None:
            if not full.because:
                return REPEAT
            ref = Node(node.claim, node.rule, "", [], node.holds, atom=node.atom)
            refers[id(ref)] = full
            return ref
        copy = Node(node.claim, node.rule, node.cite, [], node.holds, status=node.status, note=node.note, atom=node.atom)
        stated[key] = copy
        laid = [lay(child, key) for child in node.because]
        copy.because = [c for c in laid if c is not None and c is not REPEAT]
        if node is not root and not node.holds and laid and all(c is REPEAT or id(c) in refers for c in laid):
            del stated[key]  # every reason it had is a failure already stated: so is it, in effect
            for child in copy.because:
                del refers[id(child)]
            return REPEAT
        return copy

    laid = lay(root, None)
    assert laid is not None and laid is not REPEAT
    wanted = {id(full) for full in refers.values()}
    steps = laid.nodes()
    number = 0
    for step in steps:  # number the steps referred to, in reading order
        if id(step) in wanted:
            number += 1
            step.id = number
    for step in steps:
        if id(step) in refers:
            step.see = refers[id(step)].id
    return laid


class Renderer:
    """Turns templates and terms into English, using the reading's display names and the rule
    book's wordings (a constant worded for its place, e.g. a kind of knowledge)."""

    def __init__(self, reading: Reading, wordings: Mapping[str, Mapping[str, str]] | None = None) -> None:
        self.reading = reading
        self.wordings = wordings or {}

    def term(self, sym: Symbol, fmt: str | None = None) -> str:
        if fmt in self.wordings:
            word = sym.name if sym.type == SymbolType.Function else sym.string if sym.type == SymbolType.String else ""
            if word in self.wordings[fmt]:
                return self.wordings[fmt][word]
        if fmt == "giver":  # `{T:giver}`: who made transaction T, by name
            return self.giver(sym)
        if fmt == "date" and sym.type == SymbolType.Number:
            try:
                return dt.date.fromordinal(sym.number).isoformat()
            except (ValueError, OverflowError):
                return str(sym.number)
        if fmt == "usd" and (cents := money.value(sym)) is not None:
            return money.show(cents)
        if fmt == "years" and sym.type == SymbolType.Number:
            return f"{sym.number} years"
        if (name := self.reading.name(sym)) is not None:
            return name
        if sym.type == SymbolType.String:
            return sym.string
        if sym.type == SymbolType.Number:
            return str(sym.number)
        if sym.type == SymbolType.Function:
            words = sym.name.replace("_", " ")
            if not sym.arguments:
                return words
            inner = ", ".join(self.term(a) for a in sym.arguments)
            return f"{words}: {inner}" if words else inner
        return str(sym)

    def giver(self, transaction: Symbol) -> str:
        """The party a transaction came from, as the reading names it ("the giver" where the reading
        holds no record of it)."""
        for signature in (("transaction", 4), ("recorded_transaction", 4)):
            for atom in self.reading.having(signature, 0, transaction):
                return self.term(atom.arguments[1])
        return "the giver"

    def fill(self, template: str, binding: Mapping[str, Symbol], types: Mapping[str, str] | None = None,
             spans: Mapping[str, str] | None = None) -> str:
        """`spans`: placeholders that stand for a day the scenario leaves open, already worded (engine/spans.py)."""
        def sub(m: re.Match[str]) -> str:
            if spans and m.group(1) in spans:
                return spans[m.group(1)]
            value = binding.get(m.group(1))
            if value is None or _open(value):
                return UNBOUND
            return self.term(value, m.group(2) or (types or {}).get(m.group(1)))

        return _PLACEHOLDER.sub(sub, template)

    @staticmethod
    def unbound(template: str, binding: Mapping[str, Symbol]) -> bool:
        """Whether the template names an argument the binding leaves open (a rule's `_`, a literal not
        reached): such a sentence would say "any" where a name belongs, so it is not said."""
        return any(_open(binding.get(m.group(1))) for m in _PLACEHOLDER.finditer(template))


def _named(term: Any) -> bool:
    """A named variable of a rule (`_` is a different unknown wherever it stands)."""
    return term.ast_type == ASTType.Variable and term.name != "_"


def _open(value: Symbol | None) -> bool:
    return value is None or (value.type == SymbolType.Function and value.name == "any" and not value.arguments)


class Explainer:
    """Builds Node trees for atoms against one reading.

    `dates` and `deciding`: the scenario's uncertain dates and the deciding facts of the answer, so
    that a day the reading merely chose for an open date is worded as the range the reading leaves
    it (engine/spans.py), never as a day found."""

    def __init__(self, library: Library, reading: Reading, dates: UncertainDates | None = None,
                 deciding: Collection[Symbol] = ()) -> None:
        self.lib = library
        self.reading = reading
        self.render = Renderer(reading, library.wordings)
        self.dates, self.deciding = dates or UncertainDates(), deciding
        self.bounds = self.dates.bounds(reading, deciding) if self.dates.ranges else {}
        self._carry: dict[Symbol, dict[int, Symbol]] = {}
        self._inherited: dict[Symbol, dict[int, Symbol]] = {}

    # ---- days the scenario leaves open -------------------------------------------
    def carried(self, atom: Symbol) -> dict[int, Symbol]:
        """The arguments of `atom` that hold an uncertain date's chosen day, by position, with the
        date's key: a fact made for the day (or its record.lp copy, which keeps the day in place),
        whatever the rule that concluded `atom` took from such arguments of its premises, and what
        the rule instance above it in the explanation passed down (the same variable, the same day)."""
        if not self.bounds:
            return {}
        return {**self._inherited.get(atom, {}), **self._carried_up(atom)}

    def atom_text(self, atom: Symbol) -> str:
        """The atom a step or element is about, as `--json` gives it: an argument holding an open
        date's chosen day reads `_`, since that day is the solver's pick within the range, not a fact."""
        carried = self.carried(atom)
        if not carried:
            return str(atom)
        return f"{atom.name}({','.join('_' if i in carried else str(a) for i, a in enumerate(atom.arguments))})"

    def _carried_up(self, atom: Symbol) -> dict[int, Symbol]:
        if atom in self._carry:
            return self._carry[atom]
        self._carry[atom] = {}  # a cycle carries nothing
        record = self.lib.records.get((atom.name, len(atom.arguments)))
        made = self.dates.carriers.get(atom) or (
            self.dates.carriers.get(clingo.Function(record, atom.arguments)) if record else None)
        out: dict[int, Symbol] = {}
        if made is not None:
            out = {place: made[0] for place in made[1]}
        elif entries := self.reading.because.get(atom):
            rid, _, values = preferred(self.lib, entries)
            spec = self.lib.rules[rid]
            keys = self.carried_variables(spec, {**head_binding(self.lib, spec, atom),
                                                 **dict(zip(spec.variables, values.arguments))})
            out = {i: keys[arg.name] for i, arg in enumerate(getattr(spec.head, "arguments", ()))
                   if _named(arg) and arg.name in keys}
        self._carry[atom] = out
        return out

    def _premises(self, spec: RuleSpec, binding: Mapping[str, Symbol]) -> list[tuple[Any, Symbol]]:
        """Each positive body literal's arguments with the one atom of the reading it stands for in this
        instance (a literal with a `_` is not ground under the binding: the one atom it can be)."""
        out = []
        for literal in spec.body:
            if (literal.ast_type != ASTType.Literal or literal.sign != ast.Sign.NoSign
                    or literal.atom.ast_type != ASTType.SymbolicAtom):
                continue
            found = [atom for atom in candidates(self.reading, literal.atom.symbol, binding)
                     if unify(literal.atom.symbol, atom, dict(binding)) is not None]
            if len(found) == 1:
                out.append((getattr(literal.atom.symbol, "arguments", ()), found[0]))
        return out

    def carried_variables(self, spec: RuleSpec, binding: Mapping[str, Symbol]) -> dict[str, Symbol]:
        """The rule's variables that an instance binds to an uncertain date's chosen day, with its key."""
        out: dict[str, Symbol] = {}
        if not self.bounds:
            return out
        for arguments, ground in self._premises(spec, binding):
            for place, key in self.carried(ground).items():
                if place < len(arguments) and _named(arguments[place]):
                    out[arguments[place].name] = key
        return out

    def _instance_keys(self, spec: RuleSpec, binding: Mapping[str, Symbol], atom: Symbol) -> dict[str, Symbol]:
        """The open-date variables of one rule instance concluding `atom`, from its premises and from
        `atom` itself; each premise that holds such a variable is told so (see `carried`)."""
        if not self.bounds:
            return {}
        keys = self.carried_variables(spec, binding)
        known = self.carried(atom)
        keys.update({arg.name: known[i] for i, arg in enumerate(getattr(spec.head, "arguments", ()))
                     if i in known and _named(arg)})
        for arguments, ground in self._premises(spec, binding):
            self._hand_down(arguments, ground, keys)
        return keys

    def _hand_down(self, arguments: Any, premise: Symbol, keys: Mapping[str, Symbol]) -> None:
        """Tell a premise which of its arguments hold an open day: those its literal fills with a
        variable of `keys` (the same variable in one rule instance, the same day)."""
        passed = {i: keys[arg.name] for i, arg in enumerate(arguments) if _named(arg) and arg.name in keys}
        if passed:
            self._inherited.setdefault(premise, {}).update(passed)

    def date_range(self, key: Symbol) -> str | None:
        """Where this reading leaves an open date, as a clause ("the day Ramon incited terrorist activity
        came before 2021-01-15"); None for a date that is not open."""
        if key in self.bounds and (name := self.reading.name(key)) is not None:
            return f"{name} came {when(self.bounds[key])}"
        return None

    def spans(self, keys: Mapping[str, Symbol]) -> dict[str, str]:
        """Placeholders standing for an open date, worded as the range this reading leaves it."""
        return {name: some_day(self.bounds[key]) for name, key in keys.items() if key in self.bounds}

    def _param_spans(self, atom: Symbol) -> dict[str, str]:
        p = self.pred(atom)
        carried = self.carried(atom)
        return self.spans({p.params[i]: key for i, key in carried.items() if i < len(p.params)}) if p and carried else {}

    # ---- shared helpers -------------------------------------------------------
    def pred(self, atom: Symbol) -> PredSpec | None:
        return self.lib.preds.get((atom.name, len(atom.arguments)))

    def visible(self, atom: Symbol) -> bool:
        return self.pred(atom) is not None

    def shown(self, atom: Symbol) -> bool:
        """Whether a premise is a step a reader needs (declared, and not a trivial input such as the date asked)."""
        p = self.pred(atom)
        return p is not None and not p.trivial

    def pred_binding(self, atom: Symbol) -> dict[str, Symbol]:
        p = self.pred(atom)
        if p is None:
            return {}
        return dict(zip(p.params, atom.arguments))

    def _types(self, atom: Symbol) -> dict[str, str]:
        """Each argument's declared format (`{K:knowledge}` in the signature), which every template of
        the predicate uses, whether or not the template repeats it."""
        p = self.pred(atom)
        return {name: p.types()[i] for i, name in enumerate(p.params) if i in p.types()} if p else {}

    def question(self, atom: Symbol) -> str | None:
        """The predicate's question form, filled, or None where it declares none."""
        p = self.pred(atom)
        if p is None or not p.question:
            return None
        return self.render.fill(p.question, self.pred_binding(atom), self._types(atom))

    def sentence(self, atom: Symbol, negative: bool = False, extra: Mapping[str, Symbol] | None = None,
                 capital: bool = True, spans: Mapping[str, str] | None = None) -> str:
        p = self.pred(atom)
        binding = {**(extra or {}), **self.pred_binding(atom)}
        types = self._types(atom)
        if p is None:
            return ("it is not the case that " if negative else "") + str(atom)
        template = p.negative if negative else p.sentence
        if not template:
            template = ("it is not shown that " + p.sentence) if negative else str(atom)
        text = self.render.fill(template, binding, types, {**(spans or {}), **self._param_spans(atom)})
        return upper_first(text) if capital else text

    def absence(self, atom: Symbol) -> str | None:
        """That `atom` does not hold, where a rule asks that it not (`not p(X, _)` names no value for `_`):
        the predicate's negative sentence, else "it is not shown that" its sentence; None if either
        would need the value the rule leaves open."""
        p = self.pred(atom)
        binding = self.pred_binding(atom)
        if p is None:
            return None
        if p.negative and not Renderer.unbound(p.negative, binding):
            return self.sentence(atom, negative=True)
        if not Renderer.unbound(p.sentence, binding):
            return upper_first("it is not shown that " + self.sentence(atom)[:1].lower() + self.sentence(atom)[1:])
        return None

    def cite_used(self, atom: Symbol) -> Authority:
        """The rule that actually concluded `atom` in this reading, else what could conclude it."""
        entries = self.reading.because.get(atom)
        if entries:
            return Authority.of(self.lib.rules[preferred(self.lib, entries)[0]])
        return self.cite_for_pred(atom)

    def cite_for_pred(self, atom: Symbol) -> Authority:
        """What could conclude this very atom (`any` in it standing for every value): the one rule whose
        head fits it, else the span of provisions its predicate declares, else every fitting rule's cite.
        Never a rule that could not conclude it: a shared predicate's other rules belong to another
        body of law."""
        fitting = [r for r in self.lib.rules_for((atom.name, len(atom.arguments))) if fits(r.head, atom)]
        if len(fitting) == 1:
            return Authority.of(fitting[0])
        if not fitting:
            return Authority("")
        return self.span(atom, fitting)

    def span(self, atom: Symbol, specs: list[RuleSpec]) -> Authority:
        """The authority of several rules that each could conclude (or fail to conclude) an atom: the
        span of provisions its predicate declares, else each rule's cite once."""
        pred = self.pred(atom)
        if pred is not None and pred.cite:
            return Authority(specs[0].id, pred.cite)
        return Authority(specs[0].id, joined(r.cite for r in specs))

    # ---- why -------------------------------------------------------------------
    def why(self, atom: Symbol, depth: int = 0, path: frozenset[Symbol] = frozenset()) -> Node:
        entries = self.reading.because.get(atom)
        if entries and depth < MAX_DEPTH and atom not in path:
            rid, prem, binding = preferred(self.lib, entries)
            spec = self.lib.rules[rid]
            bound = {**head_binding(self.lib, spec, atom), **dict(zip(spec.variables, binding.arguments))}
            sentence = spec.sentence_for(bound)
            keys = self._instance_keys(spec, bound, atom)
            spans = {**self._param_spans(atom), **self.spans(keys)}
            claim = (upper_first(self.render.fill(sentence, bound, spans=spans)) if sentence
                     else self.sentence(atom, extra=bound, spans=spans))
            node = Node.by(claim, Authority.of(spec), hidden=spec.trivial, atom=self.atom_text(atom))
            negated = iter(literal.atom.symbol for literal in spec.body if literal.ast_type == ASTType.Literal
                           and literal.sign == ast.Sign.Negation and literal.atom.ast_type == ASTType.SymbolicAtom)
            for premise in prem.arguments:
                if premise.name == "neg" and len(premise.arguments) == 1:
                    inner = premise.arguments[0]
                    pattern = next(negated, None)
                    if keys and pattern is not None:  # an absence about the open day says so too
                        self._hand_down(getattr(pattern, "arguments", ()), inner, keys)
                    absent = self.absence(inner) if self.shown(inner) else None
                    if absent is not None:
                        authority = self.cite_for_pred(inner)
                        node.because.append(Node.by(absent, authority.unengaged() if authority.rule else Authority("absence")))
                elif self.shown(premise) and premise != atom:
                    child = self.why(premise, depth + 1, path | {atom})
                    if not child.hidden:
                        node.because.append(child)
            return node
        return self.leaf(atom)

    def why_each(self, atom: Symbol, depth: int = 0, path: frozenset[Symbol] = frozenset()) -> Node:
        """Like `why`, but when several rule instances conclude `atom`, show every one."""
        entries = self.reading.because.get(atom, [])
        if len(entries) <= 1:
            return self.why(atom, depth, path)
        first = self.why(atom, depth, path)
        node = Node(self.sentence(atom), first.rule, first.cite, atom=self.atom_text(atom))
        for entry in sorted(entries, key=lambda e: (self.lib.rank(e[0]), str(e))):
            pinned = Explainer(self.lib, self.reading.pinned(atom, entry), self.dates, self.deciding)
            derivation = pinned.why(atom, depth, path)
            # Same rule, same conclusion: its premises are what differ, so show those.
            node.because.extend(derivation.because if derivation.rule == first.rule else [derivation])
        return node

    def ledger(self, atom: Symbol, status_of: Callable[[Symbol], str]) -> list[dict[str, str | None]]:
        """Each element of the rule that concludes (or fails to conclude) `atom`, with its status.

        The elements are the declared body literals of that rule (engine/literals.py); status comes
        from the evidence (`status_of` maps a ground atom to yes / no / depends), never from Python.
        """
        rows = []
        for slot in element_slots(self.lib, self.reading, atom):
            pred = slot.pred
            if slot.atom is None:
                template = pred.negative if slot.negated else pred.sentence
                partial_binding = dict(zip(pred.params, slot.partial))
                if not Renderer.unbound(template, partial_binding):  # else nothing names what was not reached
                    rows.append({"key": slot.key, "predicate": pred.name,
                                 "element": upper_first(self.render.fill(template, partial_binding)),
                                 "status": "not reached", "rule": "", "cite": ""})
                continue
            authority = self.cite_used(slot.atom)
            state = status_of(slot.atom)
            if state == "no" or (slot.negated and state == "yes") or not self.reading.because.get(slot.atom):
                authority = authority.unengaged()
            if slot.negated:
                state = {"yes": "no", "no": "yes"}.get(state, state)
            text = self.element_text(slot.atom, slot.negated)
            if slot.wording is not None and slot.binding is not None:  # the rule words this element itself
                text = upper_first(self.render.fill(slot.wording[1 if slot.negated else 0],
                                                 {**self.pred_binding(slot.atom), **slot.binding},
                                                 spans=self._param_spans(slot.atom)))
            rows.append({
                "key": slot.key,
                "atom": self.atom_text(slot.atom),
                "predicate": ("not " if slot.negated else "") + pred.name,
                "element": text,
                "status": {"yes": "established", "no": "refuted"}.get(state, "unknown"),
                "rule": authority.rule or "scenario",
                "cite": authority.cite,
                "verification": authority.status or None,
                "note": authority.note or None,
            })
        return rows

    def leaf(self, atom: Symbol) -> Node:
        """A fact of the scenario or the registry, with the citations and source notes of what it is about.

        A registry event whose only support is a secondary source (the registry's note) has no citation:
        the note goes to the answer's caveats, and the fact is marked unverified."""
        cites: list[str] = []
        notes: list[str] = []
        registry = False
        for arg in atom.arguments:
            cites.extend(self.reading.texts_of(("cite", 2), arg))
            notes.extend(self.reading.texts_of(("source_note", 2), arg))  # a secondary source: a caveat
            registry = registry or clingo.Function("from_registry", [arg]) in self.reading
        cite = "; ".join(dict.fromkeys(cites))
        authority = Authority("registry" if registry else "scenario", cite, "unverified" if notes and not cite else "",
                              "; ".join(dict.fromkeys(notes)))
        return Node.by(self.sentence(atom), authority, atom=self.atom_text(atom))

    # ---- why not ---------------------------------------------------------------
    def why_not(self, atom: Symbol, depth: int = 0, path: frozenset[Symbol] = frozenset()) -> Node:
        specs = self.lib.rules_for((atom.name, len(atom.arguments)))
        failures: list[Failure] = []
        if depth < MAX_DEPTH and atom not in path:
            for spec in specs:
                start = unify(spec.head, atom, {})
                if start is None:
                    continue
                failure = find_failure(spec, start, self.reading)
                if failure is not None:
                    failures.append(failure)
        # Alternatives that could not even begin to apply are noise beside one that did.
        applying = [f for f in failures if f.applies(self.reading)]
        kept = applying or failures
        # Where none did because what they are about is a record dated after the date asked (a payment
        # not yet made gives no basis of jurisdiction), that is the reason; their other elements are not.
        later = [] if applying else [self._not_yet(f) for f in kept]
        if not kept:
            authority = self.cite_for_pred(atom)
            return Node.by(self.sentence(atom, negative=True),
                           authority.unengaged() if authority.rule else Authority("scenario"), holds=False, atom=self.atom_text(atom))
        first = kept[0]
        # Several alternatives failed, and the predicate declares the span of provisions they stand for
        # (§ 2339B(d)(1)(A)-(F)): the node cites that span, not the first alternative's pinpoint.
        pred = self.pred(atom)
        several = len({f.spec.id for f in kept}) > 1 and pred is not None and bool(pred.cite)
        authority = self.span(atom, [f.spec for f in kept]) if several else Authority.of(first.spec)
        spans = self.spans(self.carried_variables(first.spec, first.binding))
        node = Node.by(self.sentence(atom, negative=True, extra=first.binding, spans=spans), authority.unengaged(),
                       holds=False, atom=self.atom_text(atom))
        if later and all(later):
            node.because.append(later[0])  # type: ignore[arg-type]
            return node
        for failure in kept:
            for literal in failure.failed:
                child = self._failed_literal(failure.spec, literal, failure.binding, depth, path | {atom})
                if child is not None and all(child.as_dict() != other.as_dict() for other in node.because):
                    node.because.append(child)  # two rules failing on the same fact name it once
        return node

    def _not_yet(self, failure: Failure) -> Node | None:
        """The record a failed rule is about (its binding literal), where the scenario holds it dated
        after the date asked; None if its binding literal is anything else."""
        first = failure.first
        if first is None:
            return None
        symbol = first.atom.symbol
        if symbol.ast_type != ASTType.Function:
            return None
        return self._later_record(symbol.name, partial(symbol, failure.binding))

    def _failed_literal(self, spec: RuleSpec, literal: Any, binding: dict[str, Symbol], depth: int,
                        path: frozenset[Symbol]) -> Node | None:
        atom_ast = literal.atom
        if atom_ast.ast_type == ASTType.SymbolicAtom:
            ground = ground_atom(atom_ast.symbol, binding)
            if literal.sign == ast.Sign.Negation:
                if ground is None or not self.visible(ground):
                    return None
                return self.why_each(ground, depth + 1, path)
            if ground is not None:
                if not self.visible(ground):
                    return None
                node = self.why_not(ground, depth + 1, path)
                wording = spec.wording(literal)
                if wording is not None:  # the rule says what this element's failure means in its terms
                    node.claim = upper_first(self.render.fill(wording[1], {**self.pred_binding(ground), **binding}))
                return node
            # an existential element: nothing of that shape exists
            name = atom_ast.symbol.name
            bound = partial(atom_ast.symbol, binding)
            pred = self.lib.preds.get((name, len(atom_ast.symbol.arguments)))
            if pred is None:
                return None
            later = self._later_record(name, bound)
            if later is not None:
                return later
            template = pred.negative or ("no fact shows that " + pred.sentence)
            unbound = {p for p, v in zip(pred.params, bound) if v == clingo.Function("any")}
            if any(m.group(1) in unbound for m in _PLACEHOLDER.finditer(template)):
                return None  # a sentence about "any" says nothing; the parent already states the failure
            text = self.render.fill(pred.negative or ("no fact shows that " + pred.sentence),
                                    dict(zip(pred.params, bound)))
            authority = self.cite_for_pred(clingo.Function(name, bound))
            return Node.by(upper_first(text), authority.unengaged() if authority.rule else Authority("scenario"), holds=False)
        if atom_ast.ast_type == ASTType.Comparison:
            shown = self._comparison_text(spec, atom_ast, binding)
            return Node.by(upper_first(shown), Authority.of(spec).unengaged(), holds=False)
        return None

    def element_text(self, atom: Symbol, negated: bool) -> str:
        """An element as the ledger names it: its predicate's sentence, or, where a trivial rule
        concluded it (an organization standing for itself), that rule's own sentence."""
        entries = self.reading.because.get(atom)
        if entries and not negated:
            rid, _, values = preferred(self.lib, entries)
            spec = self.lib.rules[rid]
            if spec.trivial and spec.sentence:
                bound = {**head_binding(self.lib, spec, atom), **dict(zip(spec.variables, values.arguments))}
                return upper_first(self.render.fill(spec.sentence, bound))
        return self.sentence(atom, negative=negated)

    def _later_record(self, name: str, bound: list[Symbol]) -> Node | None:
        """A record of the kind sought that the scenario holds but that is dated after the date asked.

        rules/record.lp shows the rules only what had happened by the date asked; when the
        element that failed is such a record, the reader is told which one exists and why it
        does not count, rather than that none exists.
        """
        record = self.lib.records.get((name, len(bound)))
        recorded = self.lib.preds.get((record, len(bound))) if record else None
        asked = self.reading.of(("as_of", 1))
        if recorded is None or not asked:
            return None
        wildcard = clingo.Function("any")
        for atom in self.reading.of((record, len(bound))):
            if all(p == wildcard or p == a for p, a in zip(bound, atom.arguments)):
                when = self.render.term(asked[0].arguments[0], "date")
                found = self.leaf(atom)
                found.claim += f": that comes after the date asked, {when}, so as of that date it had not happened"
                found.holds = False
                return found
        return None

    def _comparison_text(self, spec: RuleSpec, comparison: Any, binding: dict[str, Symbol]) -> str:
        """What is not so, where a comparison failed. Where it compares a day the scenario leaves open,
        the failure is where this reading puts that day (the representative day it chose says nothing)."""
        keys = self.carried_variables(spec, binding)
        for name in vars_in(comparison):
            clause = self.date_range(keys[name]) if name in keys else None
            if clause is not None:
                return clause
        types = self._variable_types(spec)
        left = self._show_term(comparison.term, binding, types)
        dated = any(types.get(v) == "date" for v in vars_in(comparison))
        words = _FAILED_DATE_WORDS if dated else _FAILED_NUMBER_WORDS
        parts = [left]
        for guard in comparison.guards:  # the comparison failed: say what is not so
            parts.append(words.get(guard.comparison, "?"))
            parts.append(self._show_term(guard.term, binding, types))
        return " ".join(parts)

    def _show_term(self, term: Any, binding: dict[str, Symbol], types: dict[str, str]) -> str:
        value = evaluate(term, binding)
        if term.ast_type == ASTType.Variable:
            fmt = types.get(term.name)
            return self.render.term(value, fmt) if value is not None else term.name
        if value is not None and value.type == SymbolType.Number:
            fmt = next((types[v] for v in vars_in(term) if v in types), None)
            return self.render.term(value, fmt)
        if value is not None and money.value(value) is not None:  # an amount the rule writes as @usd(N)
            return self.render.term(value, "usd")
        return str(term)

    def _variable_types(self, spec: RuleSpec) -> dict[str, str]:
        types: dict[str, str] = {}
        for lit in (*spec.body, ast.Literal(spec.head.location, ast.Sign.NoSign, ast.SymbolicAtom(spec.head))):
            if lit.ast_type != ASTType.Literal or lit.atom.ast_type != ASTType.SymbolicAtom:
                continue
            sym = lit.atom.symbol
            if sym.ast_type != ASTType.Function:
                continue
            pred = self.lib.preds.get((sym.name, len(sym.arguments)))
            if pred is None:
                continue
            for i, fmt in pred.types().items():
                arg = sym.arguments[i]
                if arg.ast_type == ASTType.Variable:
                    types.setdefault(arg.name, fmt)
        # A variable assigned from arithmetic on a date (Due = R + 180, S = @years_after(M, 2)) is a date.
        for lit in spec.body:
            atom = lit.atom
            if atom.ast_type == ASTType.Comparison and atom.term.ast_type == ASTType.Variable:
                sources = [types.get(v) for v in vars_in(atom.guards[0].term)]
                if "date" in sources:
                    types.setdefault(atom.term.name, "date")
        return types


# What a failed comparison says: `A < B` failed means A is not before B.
_FAILED_DATE_WORDS = {
    ast.ComparisonOperator.LessThan: "is not before",
    ast.ComparisonOperator.LessEqual: "is after",
    ast.ComparisonOperator.GreaterThan: "is not after",
    ast.ComparisonOperator.GreaterEqual: "is before",
    ast.ComparisonOperator.Equal: "is not",
    ast.ComparisonOperator.NotEqual: "is the same day as",
}
_FAILED_NUMBER_WORDS = {
    ast.ComparisonOperator.LessThan: "is not less than",
    ast.ComparisonOperator.LessEqual: "is more than",
    ast.ComparisonOperator.GreaterThan: "is not more than",
    ast.ComparisonOperator.GreaterEqual: "is less than",
    ast.ComparisonOperator.Equal: "is not",
    ast.ComparisonOperator.NotEqual: "is the same as",
}


def upper_first(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


