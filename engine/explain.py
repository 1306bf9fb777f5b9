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
from typing import Any, Callable, Mapping

import clingo
from clingo import ast
from clingo.ast import ASTType
from clingo.symbol import Symbol, SymbolType

from engine import money
from engine.literals import (Failure, evaluate, find_failure, ground_atom, head_binding, partial, preferred, unify,
                          vars_in)
from engine.literals import elements as element_slots
from engine.reading import Reading
from engine.rules import _PLACEHOLDER, Library, PredSpec, RuleSpec

MAX_DEPTH = 12
RECORDED = "recorded_"
"""The prefix of a dated record as the scenario states it (rules/record.lp shows the rules the ones dated by the date asked)."""


@dataclass
class Node:
    claim: str
    rule: str
    cite: str
    because: list["Node"] = field(default_factory=list)
    holds: bool = True

    def as_dict(self) -> dict[str, Any]:
        return {
            "claim": self.claim,
            "rule": self.rule,
            "cite": self.cite,
            "holds": self.holds,
            "because": [c.as_dict() for c in self.because],
        }

    def citations(self) -> set[str]:
        out = {self.cite} if self.cite else set()
        for child in self.because:
            out |= child.citations()
        return out

    def rules(self) -> set[str]:
        out = {self.rule}
        for child in self.because:
            out |= child.rules()
        return out


class Renderer:
    """Turns templates and terms into English, using the reading's display names."""

    def __init__(self, reading: Reading) -> None:
        self.reading = reading

    def term(self, sym: Symbol, fmt: str | None = None) -> str:
        if fmt == "date" and sym.type == SymbolType.Number:
            try:
                return dt.date.fromordinal(sym.number).isoformat()
            except (ValueError, OverflowError):
                return str(sym.number)
        if fmt == "usd" and (cents := money.value(sym)) is not None:
            return money.show(cents)
        if fmt == "years" and sym.type == SymbolType.Number:
            return f"{sym.number} years"
        if sym in self.reading.names:
            return self.reading.names[sym]
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

    def fill(self, template: str, binding: Mapping[str, Symbol], types: Mapping[str, str] | None = None) -> str:
        def sub(m: re.Match[str]) -> str:
            value = binding.get(m.group(1))
            if value is None or (value.type == SymbolType.Function and value.name == "any" and not value.arguments):
                return "any"
            return self.term(value, m.group(2) or (types or {}).get(m.group(1)))

        return _PLACEHOLDER.sub(sub, template)


class Explainer:
    """Builds Node trees for atoms against one reading."""

    def __init__(self, library: Library, reading: Reading) -> None:
        self.lib = library
        self.reading = reading
        self.render = Renderer(reading)

    # ---- shared helpers -------------------------------------------------------
    def pred(self, atom: Symbol) -> PredSpec | None:
        return self.lib.preds.get((atom.name, len(atom.arguments)))

    def visible(self, atom: Symbol) -> bool:
        p = self.pred(atom)
        return p is not None

    def pred_binding(self, atom: Symbol) -> dict[str, Symbol]:
        p = self.pred(atom)
        if p is None:
            return {}
        return dict(zip(p.params, atom.arguments))

    def sentence(self, atom: Symbol, negative: bool = False, extra: Mapping[str, Symbol] | None = None) -> str:
        p = self.pred(atom)
        binding = {**(extra or {}), **self.pred_binding(atom)}
        types = {name: p.types()[i] for i, name in enumerate(p.params) if i in p.types()} if p else {}
        if p is None:
            return ("it is not the case that " if negative else "") + str(atom)
        template = p.negative if negative else p.sentence
        if not template:
            template = ("it is not shown that " + p.sentence) if negative else str(atom)
        return _capital(self.render.fill(template, binding, types))

    def cite_used(self, atom: Symbol) -> tuple[str, str]:
        """The rule that actually concluded `atom` in this reading, else the first that could."""
        entries = self.reading.because.get(atom)
        if entries:
            spec = self.lib.rules[preferred(self.lib, entries)[0]]
            return (spec.id, spec.cite)
        return self.cite_for_pred(atom)

    def cite_for_pred(self, atom: Symbol) -> tuple[str, str]:
        """The first rule that could conclude this very atom (its head unifies), else the predicate's first."""
        specs = self.lib.rules_for((atom.name, len(atom.arguments)))
        if not specs:
            return ("", "")
        matching = [r for r in specs if unify(r.head, atom, {}) is not None] or specs
        return (matching[0].id, matching[0].cite)

    # ---- why -------------------------------------------------------------------
    def why(self, atom: Symbol, depth: int = 0, path: frozenset[Symbol] = frozenset()) -> Node:
        entries = self.reading.because.get(atom)
        if entries and depth < MAX_DEPTH and atom not in path:
            rid, prem, binding = preferred(self.lib, entries)
            spec = self.lib.rules[rid]
            bound = {**head_binding(self.lib, spec, atom), **dict(zip(spec.variables, binding.arguments))}
            claim = _capital(self.render.fill(spec.sentence, bound)) if spec.sentence else self.sentence(atom, extra=bound)
            node = Node(claim, spec.id, spec.cite)
            for premise in prem.arguments:
                if premise.name == "neg" and len(premise.arguments) == 1:
                    inner = premise.arguments[0]
                    if self.visible(inner):
                        rule, cite = self.cite_for_pred(inner)
                        node.because.append(Node(self.sentence(inner, negative=True), rule or "absence", cite))
                elif self.visible(premise) and premise != atom:
                    node.because.append(self.why(premise, depth + 1, path | {atom}))
            return node
        return self.leaf(atom)

    def why_each(self, atom: Symbol, depth: int = 0, path: frozenset[Symbol] = frozenset()) -> Node:
        """Like `why`, but when several rule instances conclude `atom`, show every one."""
        entries = self.reading.because.get(atom, [])
        if len(entries) <= 1:
            return self.why(atom, depth, path)
        first = self.why(atom, depth, path)
        node = Node(self.sentence(atom), first.rule, first.cite)
        for entry in sorted(entries, key=lambda e: (self.lib.rank(e[0]), str(e))):
            derivation = Explainer(self.lib, self.reading.pinned(atom, entry)).why(atom, depth, path)
            # Same rule, same conclusion: its premises are what differ, so show those.
            node.because.extend(derivation.because if derivation.rule == first.rule else [derivation])
        return node

    def ledger(self, atom: Symbol, status_of: Callable[[Symbol], str]) -> list[dict[str, str]]:
        """Each element of the rule that concludes (or fails to conclude) `atom`, with its status.

        The elements are the declared body literals of that rule (engine/literals.py); status comes
        from the evidence (`status_of` maps a ground atom to yes / no / depends), never from Python.
        """
        rows = []
        for slot in element_slots(self.lib, self.reading, atom):
            pred = slot.pred
            if slot.atom is None:
                text = self.render.fill(pred.negative if slot.negated else pred.sentence,
                                        dict(zip(pred.params, slot.partial)))
                rows.append({"key": slot.key, "predicate": pred.name, "element": _capital(text),
                             "status": "not reached", "rule": "", "cite": ""})
                continue
            rule_id, cite = self.cite_used(slot.atom)
            state = status_of(slot.atom)
            if slot.negated:
                state = {"yes": "no", "no": "yes"}.get(state, state)
            rows.append({
                "key": slot.key,
                "predicate": ("not " if slot.negated else "") + pred.name,
                "element": self.sentence(slot.atom, negative=slot.negated),
                "status": {"yes": "established", "no": "refuted"}.get(state, "unknown"),
                "rule": rule_id or "scenario",
                "cite": cite,
            })
        return rows

    def leaf(self, atom: Symbol) -> Node:
        cites: list[str] = []
        registry = False
        for arg in atom.arguments:
            cites.extend(self.reading.cites.get(arg, []))
            registry = registry or clingo.Function("from_registry", [arg]) in self.reading
        claim = self.sentence(atom)
        cite = "; ".join(dict.fromkeys(cites))
        return Node(claim, "registry" if registry else "scenario", cite)

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
        kept = [f for f in failures if f.applies(self.reading)] or failures
        if not kept:
            rule_id, cite = self.cite_for_pred(atom)
            return Node(self.sentence(atom, negative=True), rule_id or "scenario", cite, holds=False)
        first = kept[0]
        node = Node(self.sentence(atom, negative=True, extra=first.binding), first.spec.id, first.spec.cite,
                    holds=False)
        for failure in kept:
            for literal in failure.failed:
                child = self._failed_literal(failure.spec, literal, failure.binding, depth, path | {atom})
                if child is not None and all(child.as_dict() != other.as_dict() for other in node.because):
                    node.because.append(child)  # two rules failing on the same fact name it once
        return node

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
                return self.why_not(ground, depth + 1, path)
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
            rid, cite = self.cite_for_pred(clingo.Function(name, bound))
            return Node(_capital(text), rid or "scenario", cite, holds=False)
        if atom_ast.ast_type == ASTType.Comparison:
            shown = self._comparison_text(spec, atom_ast, binding)
            return Node(_capital(shown), spec.id, spec.cite, holds=False)
        return None

    def _later_record(self, name: str, bound: list[Symbol]) -> Node | None:
        """A record of the kind sought that the scenario holds but that is dated after the date asked.

        rules/record.lp shows the rules only what had happened by the date asked; when the
        element that failed is such a record, the reader is told which one exists and why it
        does not count, rather than that none exists.
        """
        recorded = self.lib.preds.get((RECORDED + name, len(bound)))
        asked = self.reading.of(("as_of", 1))
        if recorded is None or not asked:
            return None
        wildcard = clingo.Function("any")
        for atom in self.reading.of((RECORDED + name, len(bound))):
            if all(p == wildcard or p == a for p, a in zip(bound, atom.arguments)):
                when = self.render.term(asked[0].arguments[0], "date")
                found = self.leaf(atom)
                found.claim += f": that comes after the date asked, {when}, so as of that date it had not happened"
                found.holds = False
                return found
        return None

    def _comparison_text(self, spec: RuleSpec, comparison: Any, binding: dict[str, Symbol]) -> str:
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


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


