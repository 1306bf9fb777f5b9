"""Explanation trees read off the solver's model: why a conclusion holds, or why not.

A "yes" follows the generated `_because` atoms down to scenario and registry facts.
A "no" walks the rules that could have concluded it and names, for each, the first
element that failed under the best partial match, recursing into failed elements.
Nothing here decides a legal question: truth comes from the model; this module only
finds which rule body literal the model falsified and renders it in English.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

import clingo
from clingo import ast
from clingo.ast import ASTType
from clingo.symbol import Symbol, SymbolType

from engine import money
from engine.rules import _PLACEHOLDER, PROVENANCE, Library, PredSpec, RuleSpec

MAX_DEPTH = 12
RECORDED = "recorded_"
"""The prefix of a dated record as the scenario states it (rules/record.lp shows the rules the ones dated by the date asked)."""
MAX_BRANCHES = 64


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


class Model:
    """A set of true atoms with the indexes explanations need."""

    def __init__(self, atoms: Iterable[Symbol], certain: Iterable[Symbol] = ()) -> None:
        self.atoms = frozenset(atoms)
        self.certain = frozenset(certain)  # derivations that hold in every answer set
        self.by_sig: dict[tuple[str, int], list[Symbol]] = defaultdict(list)
        self.because: dict[Symbol, list[tuple[str, Symbol, Symbol]]] = defaultdict(list)
        self.names: dict[Symbol, str] = {}
        self.cites: dict[Symbol, list[str]] = defaultdict(list)
        self.certain_because: set[tuple[str, Symbol, Symbol]] = set()
        for a in sorted(self.atoms):
            if a.type != SymbolType.Function:
                continue
            if a.name == PROVENANCE and len(a.arguments) == 4:
                rid, head, prem, binding = a.arguments
                self.because[head].append((rid.name, prem, binding))
                if a in self.certain:
                    self.certain_because.add((rid.name, prem, binding))
                continue
            self.by_sig[(a.name, len(a.arguments))].append(a)
            if a.name == "name" and len(a.arguments) == 2 and a.arguments[1].type == SymbolType.String:
                self.names.setdefault(a.arguments[0], a.arguments[1].string)
            elif a.name == "cite" and len(a.arguments) == 2 and a.arguments[1].type == SymbolType.String:
                self.cites[a.arguments[0]].append(a.arguments[1].string)

    def __contains__(self, atom: Symbol) -> bool:
        return atom in self.atoms


# What an explanation reads besides the proof itself: display names, source citations, registry origin.
DISPLAY = frozenset({("name", 2), ("cite", 2), ("from_registry", 1)})


class _Overlay(Model):
    """A model whose provenance for one atom is pinned to a single derivation."""

    def __init__(self, base: Model, atom: Symbol, entry: tuple[str, Symbol, Symbol]) -> None:
        self.atoms = base.atoms
        self.by_sig = base.by_sig
        self.names = base.names
        self.cites = base.cites
        self.because = defaultdict(list, base.because)
        self.because[atom] = [entry]
        self.certain = base.certain
        self.certain_because = base.certain_because




class Renderer:
    """Turns templates and terms into English, using the model's display names."""

    def __init__(self, model: Model) -> None:
        self.model = model

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
        if sym in self.model.names:
            return self.model.names[sym]
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
    """Builds Node trees for atoms against one model."""

    def __init__(self, library: Library, model: Model) -> None:
        self.lib = library
        self.model = model
        self.render = Renderer(model)

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
        """The rule that actually concluded `atom` in this model, else the first that could."""
        entries = self.model.because.get(atom)
        if entries:
            spec = self.lib.rules[min(entries, key=self._preference)[0]]
            return (spec.id, spec.cite)
        return self.cite_for_pred(atom)

    def cite_for_pred(self, atom: Symbol) -> tuple[str, str]:
        """The first rule that could conclude this very atom (its head unifies), else the predicate's first."""
        specs = self.lib.rules_for((atom.name, len(atom.arguments)))
        if not specs:
            return ("", "")
        matching = [r for r in specs if _unify(r.head, atom, {}) is not None] or specs
        return (matching[0].id, matching[0].cite)

    # ---- why -------------------------------------------------------------------
    def why(self, atom: Symbol, depth: int = 0, path: frozenset[Symbol] = frozenset()) -> Node:
        entries = self.model.because.get(atom)
        if entries and depth < MAX_DEPTH and atom not in path:
            rid, prem, binding = min(entries, key=self._preference)
            spec = self.lib.rules[rid]
            bound = {**self._head_binding(spec, atom), **dict(zip(spec.variables, binding.arguments))}
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

    def _head_binding(self, spec: RuleSpec, atom: Symbol) -> dict[str, Symbol]:
        """Variables of the rule head, and the predicate's own parameter names, bound to `atom`."""
        bound = _unify(spec.head, atom, {}) or {}
        return {**self.pred_binding(atom), **bound}

    def why_each(self, atom: Symbol, depth: int = 0, path: frozenset[Symbol] = frozenset()) -> Node:
        """Like `why`, but when several rule instances conclude `atom`, show every one."""
        entries = self.model.because.get(atom, [])
        if len(entries) <= 1:
            return self.why(atom, depth, path)
        first = self.why(atom, depth, path)
        node = Node(self.sentence(atom), first.rule, first.cite)
        for rid, prem, binding in sorted(entries, key=lambda e: (self._rule_rank(e[0]), str(e))):
            derivation = Explainer(self.lib, _Overlay(self.model, atom, (rid, prem, binding))).why(atom, depth, path)
            # Same rule, same conclusion: its premises are what differ, so show those.
            node.because.extend(derivation.because if derivation.rule == first.rule else [derivation])
        return node

    def ledger(self, atom: Symbol, status_of: Any) -> list[dict[str, str]]:
        """Each element of the rule that concludes (or fails to conclude) `atom`, with its status.

        The elements are the declared body literals of that rule; status comes from the
        solver (`status_of` maps a ground atom to yes / no / depends), never from Python.
        """
        spec: RuleSpec | None = None
        binding: dict[str, Symbol] = {}
        entries = self.model.because.get(atom)
        if entries:
            rid, _, values = min(entries, key=self._preference)
            spec = self.lib.rules[rid]
            binding = {**self._head_binding(spec, atom), **dict(zip(spec.variables, values.arguments))}
        else:
            for candidate in self.lib.rules_for((atom.name, len(atom.arguments))):
                start = _unify(candidate.head, atom, {})
                if start is None:
                    continue
                failure = find_failure(candidate, start, self.model)
                if failure is not None and failure.applies(self.model):
                    spec, binding = candidate, _extend_unique(candidate, failure.binding, self.model)
                    break
        if spec is None:
            return []
        rows = []
        for position, literal in enumerate(spec.body):
            if literal.atom.ast_type != ASTType.SymbolicAtom:
                continue
            sym = literal.atom.symbol
            pred = self.lib.preds.get(_sig(sym))
            if pred is None or (pred.kind == "input" and not pred.negative):
                continue  # structural facts (the date asked, that an org exists) are not elements
            negated = literal.sign == ast.Sign.Negation
            ground = _ground(sym, binding)
            if ground is None and not negated and entries:
                # The rule holds, so some atom matches even where the rule leaves an argument unnamed (`_`).
                matches = sorted(a for a in self.model.by_sig.get(_sig(sym), []) if _unify(sym, a, binding) is not None)
                ground = matches[0] if matches else None
            rule_id, cite = self.cite_used(ground) if ground is not None else ("", "")
            if ground is None:
                text = self.render.fill(pred.negative if negated else pred.sentence,
                                        dict(zip(pred.params, _partial(sym, binding))))
                rows.append({"key": f"{spec.id}#{position}", "predicate": pred.name, "element": _capital(text),
                             "status": "not reached", "rule": rule_id, "cite": cite})
                continue
            state = status_of(ground)
            if negated:
                state = {"yes": "no", "no": "yes"}.get(state, state)
            rows.append({
                "key": f"{spec.id}#{position}",
                "predicate": ("not " if negated else "") + pred.name,
                "element": self.sentence(ground, negative=negated),
                "status": {"yes": "established", "no": "refuted"}.get(state, "unknown"),
                "rule": rule_id or "scenario",
                "cite": cite,
            })
        return rows

    def _preference(self, entry: tuple[str, Symbol, Symbol]) -> tuple[bool, int, str]:
        """Derivations that hold in every answer set first, then rule order, then a stable tiebreak."""
        return (entry not in self.model.certain_because, self._rule_rank(entry[0]), str(entry))

    def _rule_rank(self, rid: str) -> int:
        return list(self.lib.rules).index(rid) if rid in self.lib.rules else 0

    def leaf(self, atom: Symbol) -> Node:
        cites: list[str] = []
        registry = False
        for arg in atom.arguments:
            cites.extend(self.model.cites.get(arg, []))
            registry = registry or clingo.Function("from_registry", [arg]) in self.model
        claim = self.sentence(atom)
        cite = "; ".join(dict.fromkeys(cites))
        return Node(claim, "registry" if registry else "scenario", cite)

    # ---- why not ---------------------------------------------------------------
    def why_not(self, atom: Symbol, depth: int = 0, path: frozenset[Symbol] = frozenset()) -> Node:
        specs = self.lib.rules_for((atom.name, len(atom.arguments)))
        failures: list[Failure] = []
        if depth < MAX_DEPTH and atom not in path:
            for spec in specs:
                start = _unify(spec.head, atom, {})
                if start is None:
                    continue
                failure = find_failure(spec, start, self.model)
                if failure is not None:
                    failures.append(failure)
        # Alternatives that could not even begin to apply are noise beside one that did.
        kept = [f for f in failures if f.applies(self.model)] or failures
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
            ground = _ground(atom_ast.symbol, binding)
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
            partial = _partial(atom_ast.symbol, binding)
            pred = self.lib.preds.get((name, len(atom_ast.symbol.arguments)))
            if pred is None:
                return None
            later = self._later_record(name, partial)
            if later is not None:
                return later
            template = pred.negative or ("no fact shows that " + pred.sentence)
            unbound = {p for p, v in zip(pred.params, partial) if v == clingo.Function("any")}
            if any(m.group(1) in unbound for m in _PLACEHOLDER.finditer(template)):
                return None  # a sentence about "any" says nothing; the parent already states the failure
            text = self.render.fill(pred.negative or ("no fact shows that " + pred.sentence),
                                    dict(zip(pred.params, partial)))
            rid, cite = self.cite_for_pred(clingo.Function(name, partial))
            return Node(_capital(text), rid or "scenario", cite, holds=False)
        if atom_ast.ast_type == ASTType.Comparison:
            shown = self._comparison_text(spec, atom_ast, binding)
            return Node(_capital(shown), spec.id, spec.cite, holds=False)
        return None

    def _later_record(self, name: str, partial: list[Symbol]) -> Node | None:
        """A record of the kind sought that the scenario holds but that is dated after the date asked.

        rules/record.lp shows the rules only what had happened by the date asked; when the
        element that failed is such a record, the reader is told which one exists and why it
        does not count, rather than that none exists.
        """
        recorded = self.lib.preds.get((RECORDED + name, len(partial)))
        asked = self.model.by_sig.get(("as_of", 1))
        if recorded is None or not asked:
            return None
        wildcard = clingo.Function("any")
        for atom in self.model.by_sig.get((RECORDED + name, len(partial)), []):
            if all(p == wildcard or p == a for p, a in zip(partial, atom.arguments)):
                when = self.render.term(asked[0].arguments[0], "date")
                found = self.leaf(atom)
                found.claim += f": that comes after the date asked, {when}, so as of that date it had not happened"
                found.holds = False
                return found
        return None

    def _comparison_text(self, spec: RuleSpec, comparison: Any, binding: dict[str, Symbol]) -> str:
        types = self._variable_types(spec)
        left = self._show_term(comparison.term, binding, types)
        dated = any(types.get(v) == "date" for v in _vars_in(comparison))
        words = _FAILED_DATE_WORDS if dated else _FAILED_NUMBER_WORDS
        parts = [left]
        for guard in comparison.guards:  # the comparison failed: say what is not so
            parts.append(words.get(guard.comparison, "?"))
            parts.append(self._show_term(guard.term, binding, types))
        return " ".join(parts)

    def _show_term(self, term: Any, binding: dict[str, Symbol], types: dict[str, str]) -> str:
        value = _evaluate(term, binding)
        if term.ast_type == ASTType.Variable:
            fmt = types.get(term.name)
            return self.render.term(value, fmt) if value is not None else term.name
        if value is not None and value.type == SymbolType.Number:
            fmt = next((types[v] for v in _vars_in(term) if v in types), None)
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
                sources = [types.get(v) for v in _vars_in(atom.guards[0].term)]
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


# ---- a tiny matcher over the model, used only to locate failed literals ---------

def _vars_in(term: Any) -> list[str]:
    out: list[str] = []

    class Collect(ast.Transformer):
        def visit_Variable(self, node: Any) -> Any:
            out.append(node.name)
            return node

    Collect()(term)
    return out


def _evaluate(term: Any, binding: Mapping[str, Symbol]) -> Symbol | None:
    t = term.ast_type
    if t == ASTType.Variable:
        return binding.get(term.name)
    if t == ASTType.SymbolicTerm:
        return term.symbol
    if t == ASTType.UnaryOperation:
        inner = _evaluate(term.argument, binding)
        if inner is None or inner.type != SymbolType.Number:
            return None
        if term.operator_type == ast.UnaryOperator.Minus:
            return clingo.Number(-inner.number)
        return None
    if t == ASTType.BinaryOperation:
        left, right = _evaluate(term.left, binding), _evaluate(term.right, binding)
        if left is None or right is None or left.type != SymbolType.Number or right.type != SymbolType.Number:
            return None
        op = term.operator_type
        if op == ast.BinaryOperator.Plus:
            return clingo.Number(left.number + right.number)
        if op == ast.BinaryOperator.Minus:
            return clingo.Number(left.number - right.number)
        if op == ast.BinaryOperator.Multiplication:
            return clingo.Number(left.number * right.number)
        return None
    if t == ASTType.Function:
        if term.external:
            from engine.solve import CONTEXT

            args = [_evaluate(a, binding) for a in term.arguments]
            fn = getattr(CONTEXT, term.name, None)
            if fn is None or any(a is None for a in args):
                return None
            return fn(*args)
        args = [_evaluate(a, binding) for a in term.arguments]
        if any(a is None for a in args):
            return None
        return clingo.Function(term.name, args)  # type: ignore[arg-type]
    return None


def _unify(pattern: Any, value: Symbol, binding: dict[str, Symbol]) -> dict[str, Symbol] | None:
    t = pattern.ast_type
    if t == ASTType.Variable:
        if pattern.name == "_":
            return binding
        bound = binding.get(pattern.name)
        if bound is None:
            return {**binding, pattern.name: value}
        return binding if bound == value else None
    if t == ASTType.Function and not pattern.external:
        if value.type != SymbolType.Function or value.name != pattern.name or len(value.arguments) != len(pattern.arguments):
            return None
        out: dict[str, Symbol] | None = binding
        for p, v in zip(pattern.arguments, value.arguments):
            out = _unify(p, v, out)
            if out is None:
                return None
        return out
    evaluated = _evaluate(pattern, binding)
    return binding if evaluated == value else None


def _ground(pattern: Any, binding: Mapping[str, Symbol]) -> Symbol | None:
    return _evaluate(pattern, binding)


def _partial(pattern: Any, binding: Mapping[str, Symbol]) -> list[Symbol]:
    out = []
    for arg in pattern.arguments:
        value = _evaluate(arg, binding)
        out.append(value if value is not None else clingo.Function("any"))
    return out


def _compare(op: Any, a: Symbol, b: Symbol) -> bool:
    if op == ast.ComparisonOperator.Equal:
        return a == b
    if op == ast.ComparisonOperator.NotEqual:
        return a != b
    if op == ast.ComparisonOperator.LessThan:
        return a < b
    if op == ast.ComparisonOperator.LessEqual:
        return a <= b
    if op == ast.ComparisonOperator.GreaterThan:
        return a > b
    return a >= b


@dataclass
class Failure:
    """The best partial match of a rule body: its binding and every literal that fails under it."""

    spec: RuleSpec
    binding: dict[str, Symbol]
    failed: list[Any]
    satisfied: int

    def applies(self, model: "Model") -> bool:
        """Whether the rule is about this case: its first (binding) literal holds (rules/README.md)."""
        first = next((lit for lit in self.spec.body
                      if lit.atom.ast_type == ASTType.SymbolicAtom and lit.sign == ast.Sign.NoSign), None)
        if first is None:
            return True
        return any(_unify(first.atom.symbol, a, self.binding) is not None
                   for a in model.by_sig.get(_sig(first.atom.symbol), []))


def _holds(literal: Any, b: Mapping[str, Symbol], model: Model) -> bool | None:
    """Truth of one literal under a binding, or None if it cannot be decided without more bindings."""
    atom = literal.atom
    if atom.ast_type == ASTType.Comparison:
        left = _evaluate(atom.term, b)
        right = _evaluate(atom.guards[0].term, b)
        if left is None or right is None:
            return None
        return _compare(atom.guards[0].comparison, left, right)
    if atom.ast_type != ASTType.SymbolicAtom:
        return None
    sym = atom.symbol
    ground = _ground(sym, b)
    if literal.sign == ast.Sign.Negation:
        if ground is not None:
            return ground not in model
        if all(v in b or v == "_" for v in _vars_in(sym)):
            return not any(_unify(sym, a, b) is not None for a in model.by_sig.get(_sig(sym), []))
        return None
    return (ground in model) if ground is not None else None


def find_failure(spec: RuleSpec, binding: dict[str, Symbol], model: Model) -> Failure | None:
    """The deepest partial match of the body; None if the body holds under some match."""
    best: list[tuple[int, dict[str, Symbol], list[Any]]] = []
    budget = [MAX_BRANCHES]

    def step(remaining: list[Any], b: dict[str, Symbol], done: int) -> bool:
        if budget[0] <= 0:
            return False
        if not remaining:
            return True
        index, literal = _pick(remaining, b, model)
        rest = remaining[:index] + remaining[index + 1:]
        atom = literal.atom
        if atom.ast_type == ASTType.Comparison:
            left = _evaluate(atom.term, b)
            guard = atom.guards[0]
            right = _evaluate(guard.term, b)
            if (guard.comparison == ast.ComparisonOperator.Equal and left is None and right is not None
                    and atom.term.ast_type == ASTType.Variable):
                return step(rest, {**b, atom.term.name: right}, done + 1)
            if left is not None and right is not None and _compare(guard.comparison, left, right):
                return step(rest, b, done + 1)
            best.append((done, b, [literal, *rest]))
            return False
        if atom.ast_type != ASTType.SymbolicAtom:
            return step(rest, b, done + 1)
        sym = atom.symbol
        if literal.sign == ast.Sign.Negation:
            if _holds(literal, b, model) is False:
                best.append((done, b, [literal, *rest]))
                return False
            return step(rest, b, done + 1)
        matches = [m for m in (_unify(sym, a, b) for a in model.by_sig.get(_sig(sym), [])) if m is not None]
        if not matches:
            best.append((done, b, [literal, *rest]))
            return False
        for m in matches:
            budget[0] -= 1
            if step(rest, m, done + 1):
                return True
        return False

    if step(list(spec.body), binding, 0) or not best:
        return None
    done, b, pending = max(best, key=lambda x: x[0])
    # Name every element that fails under this binding, not only the first one reached.
    failed = [pending[0]] + [lit for lit in pending[1:] if _holds(lit, b, model) is False]
    return Failure(spec, b, failed, done)


def _extend_unique(spec: RuleSpec, binding: dict[str, Symbol], model: Model) -> dict[str, Symbol]:
    """Bind what the model determines uniquely (a positive literal with exactly one match), until nothing changes."""
    b = dict(binding)
    changed = True
    while changed:
        changed = False
        for lit in spec.body:
            if lit.atom.ast_type != ASTType.SymbolicAtom or lit.sign != ast.Sign.NoSign:
                continue
            sym = lit.atom.symbol
            if _ground(sym, b) is not None:
                continue
            matches = [m for m in (_unify(sym, a, b) for a in model.by_sig.get(_sig(sym), [])) if m is not None]
            if len(matches) == 1 and matches[0] != b:  # `_` never binds: only count real progress
                b = matches[0]
                changed = True
    return b


def _sig(sym: Any) -> tuple[str, int]:
    if sym.ast_type == ASTType.Function:
        return (sym.name, len(sym.arguments))
    if sym.ast_type == ASTType.SymbolicTerm and sym.symbol.type == SymbolType.Function:
        return (sym.symbol.name, len(sym.symbol.arguments))
    return ("", 0)


def _pick(remaining: list[Any], b: Mapping[str, Symbol], model: Model) -> tuple[int, Any]:
    """Check ground literals first, then positive atoms that bind variables, in rule order.

    Ground comparisons come before ground atoms: they only filter a match, so a match that
    fails one (a day outside a stretch) is dropped before a deeper premise is blamed for it.
    """
    def bound(lit: Any) -> bool:
        return all(v in b or v == "_" for v in _vars_in(lit.atom))

    for i, lit in enumerate(remaining):
        if lit.atom.ast_type == ASTType.Comparison and bound(lit):
            return i, lit
    for i, lit in enumerate(remaining):
        if lit.atom.ast_type == ASTType.SymbolicAtom and lit.sign == ast.Sign.NoSign and bound(lit):
            return i, lit
    for i, lit in enumerate(remaining):
        if lit.sign == ast.Sign.Negation and bound(lit) and _holds(lit, b, model) is False:
            return i, lit
    for i, lit in enumerate(remaining):
        if lit.atom.ast_type == ASTType.Comparison:
            g = lit.atom.guards[0]
            if g.comparison == ast.ComparisonOperator.Equal and lit.atom.term.ast_type == ASTType.Variable \
                    and all(v in b for v in _vars_in(g.term)):
                return i, lit
    positive = [(i, lit) for i, lit in enumerate(remaining)
                if lit.atom.ast_type == ASTType.SymbolicAtom and lit.sign == ast.Sign.NoSign]
    for i, lit in positive:
        sym = lit.atom.symbol
        if any(_unify(sym, a, b) is not None for a in model.by_sig.get(_sig(sym), [])):
            return i, lit
    if positive:
        return positive[0]
    for i, lit in enumerate(remaining):
        if lit.sign == ast.Sign.Negation and bound(lit):
            return i, lit
    return 0, remaining[0]
